"""The mouse on the canvas: select, move, connect, pan, rubber-band, double-click to type, wheel to zoom.

Each gesture lives from a press to its release; one that edits pushes one undo step at the end. Esc, a new
document or the start of training cancels it and puts back what it moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPen, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsLineItem, QRubberBand

from nnstudio.engine.graph import Role
from nnstudio.ui.commands import MoveNeurons

from .edits import changed_positions, plan_connections, snap
from .items import Z_RUBBER
from .scene import Hit

if TYPE_CHECKING:
    from .view import NetworkCanvas


@dataclass
class MoveGesture:
    """Dragging neurons (and the image grid with its pixels) from where they were at the press."""

    press_scene: QPointF
    anchor: QPointF
    neuron_ids: list[str]
    grid: bool
    started: bool = False
    origins: dict[str, QPointF] = field(default_factory=dict)
    grid_origin: QPointF | None = None
    delta: QPointF = field(default_factory=QPointF)
    select_only_on_click: str | None = None


@dataclass
class PressOnNeuron:
    """The button went down on a neuron or pixel: a release selects it, a drag connects from it."""

    press_scene: QPointF
    hit: Hit
    select_only_on_click: str | None = None


@dataclass
class ConnectGesture:
    """A dashed line from the sources to the pointer, dropped onto the neuron to feed.

    ``into``: the line started at an output, the end of the network, so the neuron it is dropped on feeds
    that output (a wire in a node editor joins two ports whichever end it starts from).
    """

    sources: list[str]
    line: QGraphicsLineItem
    target: str | None = None
    into: bool = False


@dataclass
class PanGesture:
    last: QPoint


@dataclass
class BandGesture:
    """A rubber band that selects what it encloses (``additive`` with Ctrl)."""

    origin: QPoint
    band: QRubberBand
    additive: bool


Gesture = PressOnNeuron | MoveGesture | ConnectGesture | PanGesture | BandGesture


class Gestures:
    """Turns the canvas's mouse events into selections, moves, connections and view changes."""

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas
        self.current: Gesture | None = None
        # Space held down turns a left drag into a pan.
        self.space_down = False

    @property
    def active(self) -> bool:
        return self.current is not None

    @property
    def panning(self) -> bool:
        return isinstance(self.current, PanGesture)

    # ------------------------------------------------------------------ mouse events
    def press(self, event: QMouseEvent) -> None:
        canvas = self._canvas
        if canvas.binding.live is None:
            return
        scene = canvas.canvas_scene
        selection = canvas.selection
        pos = event.position().toPoint()
        scene_pos = canvas.mapToScene(pos)
        button = event.button()
        modifiers = event.modifiers()
        canvas.setFocus(Qt.FocusReason.MouseFocusReason)
        if self.current is not None:
            self.cancel()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self.space_down):
            self.current = PanGesture(pos)
            canvas.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        hit = scene.hit(scene_pos, canvas.zoom.tolerance())
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if hit is not None and button == Qt.MouseButton.RightButton and hit.kind in ("neuron", "pixel"):
            if not canvas.binding.refuse_if_locked():
                self._start_connect(hit, scene_pos)
            return
        if button != Qt.MouseButton.LeftButton:
            return
        if hit is not None and hit.kind in ("handle", "grid-handle"):
            if not canvas.binding.refuse_if_locked():
                self._start_connect(hit, scene_pos)
            return
        on_body = hit is not None and hit.kind in ("neuron", "pixel")
        if hit is not None and (hit.kind in ("name", "caption") or (on_body and shift)):
            self._press_to_move(hit, scene_pos, ctrl)
            return
        if on_body:
            assert hit is not None
            ids = [hit.id] if hit.kind == "neuron" else list(scene.pixel_ids)
            if ctrl:
                selection.toggle(ids, [])
                return
            was_selected = all(n in selection.neurons for n in ids)
            if not was_selected:
                selection.set(ids, [])
            # A click selects; dragging on from here draws a connection (see move).
            self.current = PressOnNeuron(
                scene_pos, hit, hit.id if was_selected and hit.kind == "neuron" else None
            )
            return
        if hit is not None and hit.kind == "edge":
            if ctrl:
                selection.toggle([], [hit.id])
            else:
                selection.set([], [hit.id])
            return
        if not ctrl:
            selection.set([], [])
        band = QRubberBand(QRubberBand.Shape.Rectangle, canvas.viewport())
        band.setObjectName("canvasRubberBand")
        band.setGeometry(QRect(pos, QSize()))
        band.show()
        self.current = BandGesture(pos, band, ctrl)

    def _press_to_move(self, hit: Hit, scene_pos: QPointF, ctrl: bool) -> None:
        """A press on a name, the image's caption, or Shift on a neuron: a drag from here moves."""
        scene = self._canvas.canvas_scene
        selection = self._canvas.selection
        whole_image = hit.kind in ("pixel", "caption")
        ids = list(scene.pixel_ids) if whole_image else [hit.id]
        if ctrl:
            selection.toggle(ids, [])
            return
        was_selected = all(n in selection.neurons for n in ids)
        if not was_selected:
            selection.set(ids, [])
        anchor = scene.position_of(scene.pixel_ids[0] if whole_image else hit.id)
        self.current = MoveGesture(
            scene_pos,
            anchor,
            list(selection.neurons),
            grid=any(n in scene.pixel_set for n in selection.neurons),
            select_only_on_click=hit.id if was_selected and not whole_image else None,
        )
        self._canvas.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, event: QMouseEvent) -> None:
        canvas = self._canvas
        pos = event.position().toPoint()
        gesture = self.current
        if gesture is None:
            canvas.hover.update(pos)
            return
        if isinstance(gesture, PanGesture):
            delta = pos - gesture.last
            gesture.last = pos
            if not delta.isNull():
                canvas.zoom.manual_view_change()
            canvas.zoom.scroll_by(-delta.x(), -delta.y())
        elif isinstance(gesture, BandGesture):
            gesture.band.setGeometry(QRect(gesture.origin, pos).normalized())
        elif isinstance(gesture, PressOnNeuron):
            distance = (pos - canvas.mapFromScene(gesture.press_scene)).manhattanLength()
            if distance >= QApplication.startDragDistance():
                self.current = None
                if not canvas.binding.refuse_if_locked():
                    self._start_connect(gesture.hit, gesture.press_scene)
                    if isinstance(self.current, ConnectGesture):
                        self._drag_connect(self.current, canvas.mapToScene(pos))
        elif isinstance(gesture, ConnectGesture):
            self._drag_connect(gesture, canvas.mapToScene(pos))
        elif isinstance(gesture, MoveGesture):
            self._drag_move(
                gesture, canvas.mapToScene(pos), bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            )

    def release(self, event: QMouseEvent) -> None:
        canvas = self._canvas
        scene = canvas.canvas_scene
        gesture, self.current = self.current, None
        pos = event.position().toPoint()
        if isinstance(gesture, PanGesture):
            canvas.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self.space_down else Qt.CursorShape.ArrowCursor
            )
        elif isinstance(gesture, BandGesture):
            rect = gesture.band.geometry()
            gesture.band.hide()
            gesture.band.deleteLater()
            if rect.width() > 2 or rect.height() > 2:
                scene_rect = canvas.mapToScene(rect).boundingRect()
                neurons = scene.neurons_in(scene_rect)
                edges = scene.edges.inside(scene_rect)
                if gesture.additive:
                    neurons = list(canvas.selection.neurons) + neurons
                    edges = list(canvas.selection.edges) + edges
                canvas.selection.set(neurons, edges)
        elif isinstance(gesture, PressOnNeuron):
            if gesture.select_only_on_click is not None:
                canvas.selection.set([gesture.select_only_on_click], [])
        elif isinstance(gesture, ConnectGesture):
            scene.removeItem(gesture.line)
            target = self._connect_target(canvas.mapToScene(pos))
            if target is not None:
                if gesture.into:
                    canvas.edit_actions.connect([target], gesture.sources[0])
                else:
                    canvas.edit_actions.connect(gesture.sources, target)
            # The outcome stays in the status bar; hovering resumes with the next move.
            canvas.hover.update(pos, announce=False, force=True)
        elif isinstance(gesture, MoveGesture):
            if gesture.started:
                self._finish_move(gesture)
            elif gesture.select_only_on_click is not None:
                canvas.selection.set([gesture.select_only_on_click], [])
            canvas.hover.update(pos, announce=False, force=True)

    def double_click(self, event: QMouseEvent) -> None:
        """Double-click an edge or a neuron to type its weight or bias."""
        canvas = self._canvas
        if canvas.binding.live is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self.cancel()
        hit = canvas.canvas_scene.hit(canvas.mapToScene(event.position().toPoint()), canvas.zoom.tolerance())
        if hit is None:
            return
        if hit.kind == "edge":
            canvas.selection.set([], [hit.id])
            canvas.value_editing.open(hit.id)
        elif hit.kind in ("neuron", "handle", "pixel"):
            canvas.value_editing.open(hit.id)

    def wheel(self, event: QWheelEvent) -> None:
        """The wheel zooms around the pointer; Alt+wheel nudges the weight or bias under it."""
        canvas = self._canvas
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            return
        pos = event.position().toPoint()
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            hit = (
                canvas.canvas_scene.hit(canvas.mapToScene(pos), canvas.zoom.tolerance())
                if canvas.binding.live is not None
                else None
            )
            if hit is not None and hit.kind in ("edge", "neuron", "handle"):
                canvas.edit_actions.nudge(hit, delta / 120.0)
            event.accept()
            return
        canvas.zoom.zoom_by(1.0015**delta, pos)
        event.accept()

    # ------------------------------------------------------------------ moving
    def _drag_move(self, gesture: MoveGesture, scene_pos: QPointF, free: bool) -> None:
        canvas = self._canvas
        scene = canvas.canvas_scene
        if not gesture.started:
            distance = (
                canvas.mapFromScene(scene_pos) - canvas.mapFromScene(gesture.press_scene)
            ).manhattanLength()
            if distance < QApplication.startDragDistance():
                return
            if canvas.binding.refuse_if_locked():
                self.current = None
                return
            gesture.started = True
            gesture.origins = {
                nid: scene.neuron_items[nid].pos() for nid in gesture.neuron_ids if nid in scene.neuron_items
            }
            if gesture.grid and scene.grid_item is not None:
                gesture.grid_origin = scene.grid_item.pos()
        wanted = gesture.anchor + (scene_pos - gesture.press_scene)
        if not free:
            wanted = QPointF(snap(wanted.x()), snap(wanted.y()))
        delta = wanted - gesture.anchor
        if delta == gesture.delta:
            return
        gesture.delta = delta
        moved: dict[str, tuple[float, float]] = {}
        for nid, origin in gesture.origins.items():
            place = origin + delta
            scene.neuron_items[nid].move_to(place.x(), place.y())
            moved[nid] = (place.x(), place.y())
        if gesture.grid_origin is not None and scene.grid_item is not None:
            scene.grid_item.setPos(gesture.grid_origin + delta)
            moved.update(scene.pixel_positions())
        scene.move_nodes(moved, dragging=True)

    def _finish_move(self, gesture: MoveGesture) -> None:
        canvas = self._canvas
        scene = canvas.canvas_scene
        layout = canvas.binding.document.layout
        new: dict[str, tuple[float, float]] = {}
        for nid in gesture.origins:
            item = scene.neuron_items[nid]
            new[nid] = (item.x(), item.y())
        if gesture.grid_origin is not None:
            new.update(scene.pixel_positions())
        old, new = changed_positions(layout, new)
        if new:
            canvas.binding.push(MoveNeurons(layout, old, new))
        # Names were placed quickly while dragging: place them in full where the neurons came to rest.
        scene.relayout_labels()
        canvas.zoom.update_scene_rect()

    # ------------------------------------------------------------------ connecting
    def _start_connect(self, hit: Hit, scene_pos: QPointF) -> None:
        canvas = self._canvas
        scene = canvas.canvas_scene
        network = canvas.binding.network
        selected_ids = canvas.selection.neurons
        if hit.kind == "grid-handle":
            sources = list(scene.pixel_ids)
            start = scene.grid_item.mapToScene(scene.grid_item.handle_centre())  # type: ignore[union-attr]
        else:
            selected = [n for n in selected_ids if network.neurons[n].role is not Role.OUTPUT]
            if hit.kind != "pixel" and hit.id in selected_ids and len(selected) > 1:
                sources = selected
            else:
                sources = [hit.id]
            start = scene.position_of(hit.id)
        into = all(network.neurons[s].role is Role.OUTPUT for s in sources)
        if into:
            sources = [hit.id]
        line = QGraphicsLineItem(start.x(), start.y(), scene_pos.x(), scene_pos.y())
        line.setZValue(Z_RUBBER)
        pen = QPen(scene.scheme.rubber_ok, 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        line.setPen(pen)
        scene.addItem(line)
        self.current = ConnectGesture(sources, line, into=into)
        canvas.viewport().setCursor(Qt.CursorShape.CrossCursor)
        names = network.neurons[sources[0]].display_name if len(sources) == 1 else f"{len(sources)} neurons"
        if into:
            canvas.statusMessage.emit(f"Connect into {names}: drop onto the neuron that should feed it")
        else:
            canvas.statusMessage.emit(f"Connect {names}: drop onto the neuron to feed")

    def _connect_target(self, scene_pos: QPointF) -> str | None:
        """The neuron a connection dropped here joins: its body, its handle or its name."""
        hit = self._canvas.canvas_scene.hit(scene_pos, 0.0)
        if hit is not None and hit.kind in ("neuron", "handle", "name", "pixel"):
            return hit.id
        return None

    def _drag_connect(self, gesture: ConnectGesture, scene_pos: QPointF) -> None:
        canvas = self._canvas
        line = gesture.line.line()
        gesture.line.setLine(line.x1(), line.y1(), scene_pos.x(), scene_pos.y())
        target = self._connect_target(scene_pos)
        if target == gesture.target:
            return
        gesture.target = target
        scheme = canvas.canvas_scene.scheme
        colour = scheme.rubber_ok
        if target is not None:
            network = canvas.binding.network
            edges, reason = (
                plan_connections(network, [target], gesture.sources[0])
                if gesture.into
                else plan_connections(network, gesture.sources, target)
            )
            name = network.neurons[target].display_name
            if edges:
                canvas.statusMessage.emit(
                    f"Release to connect {name} into {network.neurons[gesture.sources[0]].display_name}"
                    if gesture.into
                    else f"Release to connect to {name}"
                    if len(edges) == 1
                    else f"Release to add {len(edges)} connections to {name}"
                )
            else:
                colour = scheme.rubber_refused
                canvas.statusMessage.emit(f"Cannot connect: {reason}")
        pen = gesture.line.pen()
        pen.setColor(QColor(colour))
        gesture.line.setPen(pen)

    # ------------------------------------------------------------------ cancelling
    def cancel_edits(self) -> None:
        """Cancel a move or a connection (training starts); a pan or a rubber band goes on."""
        if isinstance(self.current, PressOnNeuron | MoveGesture | ConnectGesture):
            self.cancel()

    def cancel(self) -> None:
        """End the gesture without its effect: moved neurons go back, a dashed line or band disappears."""
        canvas = self._canvas
        scene = canvas.canvas_scene
        gesture, self.current = self.current, None
        if isinstance(gesture, BandGesture):
            gesture.band.hide()
            gesture.band.deleteLater()
        elif isinstance(gesture, ConnectGesture):
            if gesture.line.scene() is not None:
                scene.removeItem(gesture.line)
        elif isinstance(gesture, MoveGesture) and gesture.started:
            moved: dict[str, tuple[float, float]] = {}
            for nid, origin in gesture.origins.items():
                if nid in scene.neuron_items:
                    scene.neuron_items[nid].move_to(origin.x(), origin.y())
                    moved[nid] = (origin.x(), origin.y())
            if gesture.grid_origin is not None and scene.grid_item is not None:
                scene.grid_item.setPos(gesture.grid_origin)
                moved.update(scene.pixel_positions())
            scene.move_nodes(moved)
        if isinstance(gesture, PanGesture | MoveGesture | ConnectGesture):
            canvas.viewport().unsetCursor()
            canvas.hover.forget_cursor()
