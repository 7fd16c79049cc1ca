"""The network canvas: where a person builds the network by hand and watches it think.

Gestures (each one undo step):
- drag an entry of the palette onto the canvas (or double-click it) to add neurons;
- drag a neuron to move it (and every selected neuron), snapped to 10 units, Shift for free placement;
- drag from a neuron's handle (the small plus that appears on hover), or Alt+drag / right-drag a neuron,
  onto another neuron to connect them; the handle of an image grid connects every pixel;
- double-click an edge or a neuron to type its weight or bias; Alt+wheel nudges it by 0.1;
- Del/Backspace deletes; Ctrl+C / Ctrl+V copy and paste; Ctrl+A selects all; Ctrl+0 shows everything;
- the wheel zooms around the cursor; the middle button or Space+drag pans; a drag on empty space
  selects with a rubber band (Ctrl adds to the selection; Ctrl-click toggles one item).
While training runs (``live.locked``) every edit is refused with a message; looking still works. A big
network then draws only its strongest connections (so the many weight updates stay cheap to show), says so
in a caption, and shows every connection again when training stops.

:class:`NetworkCanvas` is the widget: it follows its document's events into the scene and hands each kind
of work to a part with a module of its own: :mod:`.binding` (the live network and undo stack),
:mod:`.selection`, :mod:`.zoom` (zoom, scroll and fit), :mod:`.hover`, :mod:`.gestures` (the mouse),
:mod:`.keys`, :mod:`.drops` (palette drops), :mod:`.inplace_edit` (typing a value), :mod:`.edit_actions`
(the undo steps) and :mod:`.export` (pictures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Role

from .binding import LOCKED_MESSAGE, CanvasBinding
from .detail_caption import DetailCaption
from .drops import PaletteDrops
from .edit_actions import EditActions
from .edits import PaletteItem, format_value
from .export import CanvasExport
from .gestures import Gestures
from .guard import reports_errors
from .hover import DELTA_SIGN, Hover
from .inplace_edit import InPlaceEditor, ValueEditing
from .items import SCHEMES
from .keys import handle_key_press, handle_key_release
from .legend import CanvasLegend
from .neuron_pictures import NeuronPictures
from .output_names import MOST_FANNED, OutputPlate, draw_plates, fan_out, ring_radius_px
from .scene import CanvasScene
from .selection import Selection
from .status_line import StatusLine
from .zoom import ZoomAndFit

# Select All marks each connection of a network up to this size; a bigger one's go with their neurons.
SELECT_EACH_CONNECTION_UP_TO = 20_000
if TYPE_CHECKING:
    from nnstudio.ui.live import LiveNetwork


class NetworkCanvas(QGraphicsView):
    """The editable picture of a document's network (see the module docstring for the gestures)."""

    selectionChangedIds = Signal(list, list)
    statusMessage = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkCanvas")
        self.setAccessibleName("Network canvas")
        self.setAccessibleDescription(
            "The network's neurons and connections. Drag from a neuron onto another to connect them; drag a "
            "neuron's name or Shift+drag it to move it; double-click a connection or neuron to type its weight "
            "or bias; Delete removes the selection."
        )
        self._scene = CanvasScene(self)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Panning is by the middle button, Space+drag and the wheel's zoom; scroll bars would only flicker
        # in and out as the scene grows, changing the viewport's size.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.viewport().setMouseTracking(True)
        self.setMinimumSize(QSize(200, 150))

        self.binding = CanvasBinding(self)
        self.selection = Selection(self._on_selection_changed)
        self.zoom = ZoomAndFit(self, self._scene)
        self.status_line = StatusLine(self)
        # The network and structure the output ids were looked up for (see output_name_plates).
        self._output_ids: tuple[object, int, list[str]] = (None, -1, [])
        self.hover = Hover(self)
        self.gestures = Gestures(self)
        self.value_editing = ValueEditing(self)
        self.edit_actions = EditActions(self)
        self.drops = PaletteDrops(self)
        self._pictures = NeuronPictures(self._scene)
        self.exporter = CanvasExport(self._scene, self.zoom, self.binding, self.refresh_marks)
        # What the animation and the training panel show on top of the network.
        self._pulse_neurons: set[str] = set()
        self._pulse_edges: set[str] = set()
        self._edge_labels: dict[str, str] = {}
        self._override: dict[str, float] | None = None
        self._scheme_name = "classic"
        self._caption = DetailCaption(self, SCHEMES["classic"])
        # The edge layer decides what it leaves out as it paints: the caption follows at once.
        self._scene.detailChanged.connect(self._show_detail)
        self.legend = CanvasLegend(self, SCHEMES["classic"])
        self.legend.place(self.viewport().geometry())
        self.zoom.reserve_top = self._legend_room
        self.zoom.reserve_right = self._fanned_names_room

    # ================================================================== binding
    @property
    def canvas_scene(self) -> CanvasScene:
        return self._scene

    @property
    def live(self) -> LiveNetwork | None:
        return self.binding.live

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """(Re)attach to a document's network: disconnect the old one, rebuild every item, show it all."""
        self._unbind()
        self.binding.attach(live, undo_stack)
        self.selection.forget()
        self.hover.hit = None
        self._pulse_neurons, self._pulse_edges = set(), set()
        self._edge_labels = {}
        self._override = None
        self.edit_actions.forget_pastes()
        self._scene.set_extra_texts(None)
        self._scene.set_strongest_only(live.locked)
        self._scene.set_document(live.document)
        self._pictures.clear()
        self._follow_input_range()
        self._show_detail()
        self._refresh_values()
        self.refresh_marks()
        self.fit_all()
        self.selectionChangedIds.emit([], [])

    def _unbind(self) -> None:
        self.gestures.cancel()
        self.value_editing.close()
        self.binding.detach()

    # ================================================================== model events
    def _on_structure(self) -> None:
        self.gestures.cancel()
        self.value_editing.close()
        self._scene.rebuild()
        self._pictures.apply()
        self._follow_input_range()
        self._show_detail()
        network = self.binding.network
        changed = self.selection.keep_existing(network)
        self._pulse_neurons &= set(network.neurons)
        self._pulse_edges = {e for e in self._pulse_edges if e in network.edges}
        self.hover.forget_missing(network)
        self._refresh_values()
        self.refresh_marks()
        self.zoom.update_scene_rect()
        if changed:
            self.selectionChangedIds.emit(list(self.selection.neurons), list(self.selection.edges))
        self.status_line.refresh()

    # The methods signals call are declared slots: a slot made up on the fly lives in the canvas's attributes,
    # which Python's cycle collector clears before Qt deletes the canvas, and a signal arriving in between
    # found no slot (see tests/ui/test_canvas_teardown.py).
    @Slot(int)
    def _on_undo_index(self, _index: int) -> None:
        self.status_line.refresh()

    def _on_neurons(self, ids: list[str]) -> None:
        self._scene.neurons_changed(ids)
        self.refresh_marks()
        if not self._scene.names_shown:
            self.viewport().update()  # the outputs' fanned-out names follow a rename or a move
        self.status_line.refresh()

    def _on_weights(self, ids: list[str]) -> None:
        self._scene.weights_changed(list(ids))
        self.status_line.refresh()

    @Slot()
    def _on_parameters(self) -> None:
        # The live network listens first and has already loaded the new values into its plan (a training
        # step writes back 12,960 weights at a time): read them from there in a few numpy steps.
        live = self.binding.live
        plan = live.plan if live is not None else None
        current = plan is not None and plan.revision == self.binding.network.revision
        self._scene.weights_changed(None, plan if current else None)

    @Slot()
    def _on_values(self) -> None:
        if self._override is None:
            self._refresh_values()

    @Slot(bool)
    def _on_locked(self, locked: bool) -> None:
        if locked:
            self.gestures.cancel_edits()
            self.value_editing.close()
        self._scene.set_strongest_only(locked)
        live = self.binding.live
        if locked and live is not None and live.plan is not None:
            self._scene.edges.prepare_reload(live.plan)
        self._show_detail()
        self.refresh_marks()

    def _on_selection_changed(self, neuron_ids: list[str], edge_ids: list[str]) -> None:
        self.refresh_marks()
        self.selectionChangedIds.emit(neuron_ids, edge_ids)

    # ================================================================== what the scene shows
    def _follow_input_range(self) -> None:
        """The legend says how inputs are shaded when their range is not the neurons' -1..+1, and whether any
        neuron can be black (below 0) at all."""
        document = self.binding.document
        low, high = (float(v) for v in document.value_range)
        self.legend.set_input_range(low, high)
        inner = [n.activation for n in document.network.neurons.values() if n.role is not Role.INPUT]
        # Until there is a neuron past the inputs, the legend keeps the whole -1..+1 scale.
        self.legend.set_signed(
            not inner or any(name not in ACTIVATIONS or ACTIVATIONS[name].low < 0 for name in inner)
        )

    def _legend_room(self) -> float:
        """Pixels at the top of the viewport the fitted network leaves to the legend."""
        return float(self.legend.base_height() + 2 * 6) if self.legend.isVisibleTo(self) else 0.0

    def _fanned_names_room(self, content: QRectF) -> float:
        """Pixels the outputs' fanned-out names reach right of ``content`` (scene) at the present zoom."""
        plates = self.output_name_plates()
        if not plates:
            return 0.0
        content_right = self.mapFromScene(QPointF(content.right(), content.center().y())).x()
        return max(0.0, max(plate.rect.right() for plate in plates) - content_right)

    @Slot()
    def _show_detail(self) -> None:
        self._caption.show_text(self._scene.detail_text, self.viewport().geometry())

    @property
    def detail_caption(self) -> str:
        """The caption over the canvas about what it leaves out, empty when it shows everything."""
        return self._caption.shown_text

    def _refresh_values(self) -> None:
        live = self.binding.live
        if live is None:
            return
        if self._override is not None:
            self._scene.show_values({}, None, self._override)
        else:
            self._scene.show_level_values(live.level_values(), live.input)

    def refresh_marks(self) -> None:
        """Draw the selection, hover, pulse, edge labels and handles from the canvas's state.

        A picture being exported shows none of them; handles show only while the network may be edited.
        """
        live = self.binding.live
        locked = live is None or live.locked
        if self.exporter.active:
            self._scene.show_state(
                selected_neurons=set(),
                selected_edges=set(),
                hover=None,
                pulse_neurons=set(),
                pulse_edges=set(),
                edge_labels=self._edge_labels,
                handles=False,
            )
            return
        self._scene.show_state(
            selected_neurons=set(self.selection.neurons),
            selected_edges=set(self.selection.edges),
            hover=self.hover.hit,
            pulse_neurons=self._pulse_neurons,
            pulse_edges=self._pulse_edges,
            edge_labels=self._edge_labels,
            handles=not locked,
        )

    def refresh(self) -> None:
        """Re-read everything from the document (after a change outside the network, e.g. its image grid)."""
        if self.binding.live is not None:
            self._on_structure()

    # ================================================================== selection
    def selected_neuron_ids(self) -> list[str]:
        return list(self.selection.neurons)

    def selected_edge_ids(self) -> list[str]:
        return list(self.selection.edges)

    def select(self, neuron_ids: Iterable[str], edge_ids: Iterable[str] = ()) -> None:
        if self.binding.live is None:
            return
        network = self.binding.network
        self.selection.set(
            [n for n in neuron_ids if n in network.neurons], [e for e in edge_ids if e in network.edges]
        )

    def select_all(self) -> None:
        """Every neuron, and every connection while there are few enough to mark one by one. In a bigger
        network the connections go with their neurons (copy, cut and delete take them along), and listing a
        million of them would freeze the window for seconds."""
        if self.binding.live is None:
            return
        network = self.binding.network
        n_edges = len(network.edges)
        edges = list(network.edges) if n_edges <= SELECT_EACH_CONNECTION_UP_TO else []
        self.selection.set(list(network.neurons), edges)
        if n_edges and not edges:
            self.statusMessage.emit(
                f"Selected all {len(network.neurons):,} neurons; their {n_edges:,} connections go with them"
            )

    # ================================================================== view
    def fit_all(self) -> None:
        """Zoom and scroll so the whole network shows (Ctrl+0), and keep it so as the view is resized."""
        self.zoom.fit_all()

    @property
    def auto_fit(self) -> bool:
        """True while the view refits the network on every resize (until the person zooms or pans)."""
        return self.zoom.auto_fit

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom by ``factor`` keeping the scene point under ``anchor`` (view coords) where it is.

        A zoom by hand ends the automatic fitting on resize (Ctrl+0 brings it back).
        """
        self.zoom.zoom_by(factor, anchor)

    def view_position_of(self, neuron_id: str) -> QPoint:
        """Where a neuron (or image pixel) is drawn, in viewport coordinates."""
        return self.mapFromScene(self._scene.position_of(neuron_id))

    def view_position_of_edge(self, edge_id: str, t: float = 0.5) -> QPoint:
        """A point on an edge's visible line, in viewport coordinates."""
        return self.mapFromScene(self._scene.edge_point(edge_id, t))

    # ================================================================== look and live display
    def set_colour_scheme(self, name: str) -> None:
        """Colours: "classic" (white +, black -, on mid-grey) or "3b1b" (green +, red -, on dark)."""
        if name not in SCHEMES:
            raise ValueError(f"unknown colour scheme {name!r}; known: {', '.join(SCHEMES)}")
        self._scheme_name = name
        self._scene.set_scheme(SCHEMES[name])
        self._caption.set_scheme(SCHEMES[name])
        self.legend.set_scheme(SCHEMES[name])

    @property
    def colour_scheme(self) -> str:
        return self._scheme_name

    @property
    def display_override(self) -> Mapping[str, float] | None:
        """The activations shown instead of the live ones (an animation's), or None."""
        return self._override

    def set_display_override(self, values: Mapping[str, float] | None) -> None:
        """Show these activations instead of the live ones; absent neurons are drawn as not reached yet."""
        self._override = None if values is None else {k: float(v) for k, v in values.items()}
        self.legend.show_signal(self._override is not None)
        self._refresh_values()

    def set_pulse(self, neuron_ids: Iterable[str], edge_ids: Iterable[str]) -> None:
        """Highlight these neurons (glow) and edges (brighter, thicker); empty for none."""
        self._pulse_neurons, self._pulse_edges = set(neuron_ids), set(edge_ids)
        self.refresh_marks()

    def set_edge_labels(self, values: Mapping[str, float] | None) -> None:
        """Numbers drawn on edges (the slopes dE/dw of a training step); None removes them. The legend
        says what they mean while they show."""
        self._edge_labels = {} if values is None else {k: format_value(float(v)) for k, v in values.items()}
        self.legend.show_slopes(bool(self._edge_labels))
        self.refresh_marks()

    def edge_label_text(self, edge_id: str) -> str:
        """The number drawn on an edge (its slope during a step), empty for none."""
        return self._edge_labels.get(edge_id, "")

    def set_neuron_labels(self, texts: Mapping[str, str] | None) -> None:
        """Extra text under neurons (e.g. "δ -0.12"); None removes it. The legend explains a delta while one
        shows, and a fitted view makes room for texts that would reach past its edge."""
        self._scene.set_extra_texts(texts)
        self.legend.show_deltas(any(text.startswith(DELTA_SIGN) for text in (texts or {}).values()))
        if texts and self.zoom.auto_fit and not self.zoom.shows_whole(self._scene.content_rect()):
            self.zoom.fit()

    @Slot(str, int)
    def show_kernel(self, layer: str, kernel: int) -> None:
        """Open the window that shows how ``layer``'s feature map ``kernel`` is made, its kernel to edit."""
        self._scene.feature_maps.open_story(layer, kernel, None, view=self)

    def set_neuron_pictures(self, pictures: Mapping[str, QImage] | None, source: str = "") -> None:
        """Draw a picture inside each named neuron (None: none); ``source`` names who draws them, so two
        views can each show and take away their own; see :mod:`.neuron_pictures`."""
        self._pictures.set(pictures, source)

    @property
    def neuron_pictures(self) -> Mapping[str, QImage]:
        """The pictures drawn inside neurons now, by neuron id."""
        return self._pictures.pictures

    # ================================================================== export
    def render_to_image(self, scale: float = 2.0) -> QImage:
        """The whole network as a picture, without selection or hover marks."""
        return self.exporter.render_to_image(scale)

    def export_svg(self, path: Path) -> None:
        """Write the network as an SVG drawing; raises OSError when the file cannot be written."""
        self.exporter.export_svg(path)

    # ================================================================== edits
    @Slot(object)
    def add_from_palette(self, item: PaletteItem, scene_pos: QPointF | None = None) -> list[str]:
        """Add what a palette entry describes at ``scene_pos`` (the view centre when None); the new ids."""
        return self.edit_actions.add_from_palette(item, scene_pos)

    def delete_selection(self) -> None:
        self.edit_actions.delete_selection()

    def copy_selection(self) -> None:
        self.edit_actions.copy_selection()

    def paste(self) -> None:
        self.edit_actions.paste()

    def arrange_in_layers(self) -> None:
        """Lay the neurons out by depth, one column per level (one undo step)."""
        self.edit_actions.arrange_in_layers()

    def edit_value(self, item_id: str) -> InPlaceEditor | None:
        """Open the in-place editor for an edge's weight or a neuron's bias; None when it cannot be edited."""
        return self.value_editing.open(item_id)

    @property
    def editor(self) -> InPlaceEditor | None:
        return self.value_editing.editor

    def output_name_plates(self) -> list[OutputPlate]:
        """The outputs' names fanned out beside them (see :mod:`.output_names`) while the view is zoomed out
        too far for names; empty while names are shown."""
        scene = self._scene
        if scene.names_shown or self.binding.live is None:
            return []
        network = self.binding.network
        # Painted with every frame: the outputs are looked up once per structure, not among every neuron.
        looked_up, revision, _ = self._output_ids
        if looked_up is not network or revision != network.structure_revision:
            self._output_ids = (network, network.structure_revision, [n.id for n in network.outputs()])
        covered = scene.feature_maps.covered
        items = scene.neuron_items
        outputs = [
            (nid, items[nid])
            for nid in self._output_ids[2]
            if nid in items and nid not in covered and items[nid].isVisible()
        ]
        if not outputs or len(outputs) > MOST_FANNED:
            return []
        names = [
            (network.neurons[nid].display_name, QPointF(self.mapFromScene(item.pos())))
            for nid, item in outputs
            if nid in network.neurons
        ]
        return fan_out(names, ring_radius_px(self.transform().m11()))

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        plates = self.output_name_plates()
        if plates:
            painter.save()
            painter.resetTransform()  # plates are laid out in screen pixels
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            draw_plates(painter, plates, SCHEMES[self._scheme_name])
            painter.restore()

    def hover_text(self) -> str:
        """What hovering shows right now (the tooltip and status text), empty over nothing."""
        return self.hover.text()

    # ================================================================== Qt events, handed to the parts
    @reports_errors
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.gestures.press(event)

    @reports_errors
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.gestures.move(event)

    @reports_errors
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.gestures.release(event)

    @reports_errors
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.gestures.double_click(event)

    @reports_errors
    def wheelEvent(self, event: QWheelEvent) -> None:
        self.gestures.wheel(event)

    @reports_errors
    def leaveEvent(self, event: QEvent) -> None:
        if not self.gestures.active:
            self.hover.clear()
        super().leaveEvent(event)

    @reports_errors
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not handle_key_press(self, event):
            super().keyPressEvent(event)

    @reports_errors
    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if not handle_key_release(self, event):
            super().keyReleaseEvent(event)

    @reports_errors
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drops.enter(event)

    @reports_errors
    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.drops.move(event)

    @reports_errors
    def dropEvent(self, event: QDropEvent) -> None:
        self.drops.drop(event)

    @reports_errors
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._caption.isVisibleTo(self):
            self._caption.place(self.viewport().geometry())
        self.legend.place(self.viewport().geometry())
        if self.binding.live is None:
            return
        self.zoom.follow_resize()


__all__ = ["NetworkCanvas", "LOCKED_MESSAGE"]
