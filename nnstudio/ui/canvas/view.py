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
"""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QTransform,
    QUndoCommand,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsLineItem,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QRubberBand,
    QToolTip,
    QWidget,
)

from nnstudio.engine.graph import Network, Role
from nnstudio.ui.commands import (
    AddEdges,
    AddImageGrid,
    AddNeurons,
    MoveNeurons,
    RemoveItems,
    RemoveItemsAndGrid,
    SetNeuronFields,
    SetWeights,
)

from .edits import (
    CLIPBOARD_MIME,
    PALETTE_MIME,
    PASTE_OFFSET,
    CanvasEditError,
    PaletteItem,
    changed_positions,
    copy_payload,
    layered_positions,
    nudged,
    parse_number,
    plan_connections,
    plan_palette_drop,
    plan_paste,
    snap,
)
from .guard import reports_errors
from .items import SCHEMES, Z_RUBBER, ColourScheme
from .scene import CanvasScene, Hit

if TYPE_CHECKING:
    from nnstudio.document.model import Document
    from nnstudio.ui.live import LiveNetwork

LOCKED_MESSAGE = "Stop training to edit the network"
STRONGEST_ONLY_CAPTION = "Showing the strongest connections while training"
# The caption's distance from the view's bottom-left corner, in pixels.
CAPTION_MARGIN_PX = 8
EDGE_TOLERANCE_PX = 5.0
MIN_SCALE, MAX_SCALE = 0.05, 8.0
FIT_MAX_SCALE = 1.5
# The fitted network keeps this far from the view's border (pixels, or this share of its smaller side).
FIT_MARGIN_PX = 24.0
FIT_MARGIN_SHARE = 0.04
FIT_STEPS = 4
MAX_EXPORT_PIXELS = 40_000_000
# Keys the view scrolls with (a scroll by hand, like a pan).
SCROLL_KEYS = frozenset(
    {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    },
)


def format_value(value: float) -> str:
    """Numbers on edges and in labels: 3 significant digits (0.5, -0.75, 0.00123)."""
    return f"{value:.3g}"


# ---------------------------------------------------------------------------------------------- gestures
@dataclass
class _Move:
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
class _Connect:
    sources: list[str]
    line: QGraphicsLineItem
    target: str | None = None


@dataclass
class _Pan:
    last: QPoint


@dataclass
class _Band:
    origin: QPoint
    band: QRubberBand
    additive: bool


class InPlaceEditor(QLineEdit):
    """A small line edit over an edge or neuron: Enter commits, Esc or clicking away cancels."""

    committed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("canvasValueEditor")
        self._finished = False

    def finish(self) -> None:
        self._finished = True

    @reports_errors
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.committed.emit(self.text())
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)

    @reports_errors
    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if not self._finished:
            self.cancelled.emit()


def _network_callback(canvas: NetworkCanvas, method: str) -> Callable[..., None]:
    """A callback for the network's (Qt-free) events that does nothing once the canvas is gone."""
    ref = weakref.ref(canvas)

    @reports_errors
    def callback(*args: object) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            getattr(target, method)(*args)

    return callback


class NetworkCanvas(QGraphicsView):
    """The editable picture of a document's network (see the module docstring for the gestures)."""

    selectionChangedIds = Signal(list, list)
    statusMessage = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkCanvas")
        self.setAccessibleName("Network canvas")
        self.setAccessibleDescription(
            "The network's neurons and connections. Drag from a neuron's handle onto another to connect; "
            "double-click a connection or neuron to type its weight or bias; Delete removes the selection."
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

        self._live: LiveNetwork | None = None
        self._undo: QUndoStack | None = None
        self._callbacks: dict[str, Callable[..., None]] = {}
        self._selected_neurons: dict[str, None] = {}
        self._selected_edges: dict[str, None] = {}
        self._hover: Hit | None = None
        self._pulse_neurons: set[str] = set()
        self._pulse_edges: set[str] = set()
        self._edge_labels: dict[str, str] = {}
        self._override: dict[str, float] | None = None
        self._gesture: _Move | _Connect | _Pan | _Band | None = None
        self._editor: InPlaceEditor | None = None
        self._space_down = False
        self._paste_count = 0
        self._exporting = False
        self._scheme_name = "classic"
        self._auto_fit = True
        # Says, while training thins a big network's edges, that not every connection is drawn. A child of the
        # view rather than of its viewport, so scrolling the viewport never carries it along.
        self._caption = QLabel(STRONGEST_ONLY_CAPTION, self)
        self._caption.setObjectName("canvasDetailCaption")
        self._caption.setAccessibleName("Canvas detail")
        self._caption.setAccessibleDescription(
            "While training runs, only the strongest connections of each layer are drawn; all of them return "
            "when it stops."
        )
        self._caption.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._style_caption(SCHEMES["classic"])
        self._caption.hide()

    # ================================================================== binding
    @property
    def canvas_scene(self) -> CanvasScene:
        return self._scene

    @property
    def live(self) -> LiveNetwork | None:
        return self._live

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """(Re)attach to a document's network: disconnect the old one, rebuild every item, show it all."""
        self._unbind()
        self._live = live
        self._undo = undo_stack
        live.valuesChanged.connect(self._on_values)
        live.lockedChanged.connect(self._on_locked)
        events = live.document.network.events
        self._callbacks = {
            name: _network_callback(self, f"_on_{name}")
            for name in ("structure", "neurons", "weights", "parameters")
        }
        for name, callback in self._callbacks.items():
            getattr(events, name).connect(callback)
        self._selected_neurons.clear()
        self._selected_edges.clear()
        self._hover = None
        self._pulse_neurons, self._pulse_edges = set(), set()
        self._edge_labels = {}
        self._override = None
        self._paste_count = 0
        self._scene.set_extra_texts(None)
        self._scene.set_strongest_only(live.locked)
        self._scene.set_document(live.document)
        self._show_detail()
        self._refresh_values()
        self._apply_state()
        self.fit_all()
        self.selectionChangedIds.emit([], [])

    def _unbind(self) -> None:
        self._cancel_gesture()
        self._close_editor()
        if self._live is None:
            return
        for signal, slot in (
            (self._live.valuesChanged, self._on_values),
            (self._live.lockedChanged, self._on_locked),
        ):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        events = self._live.document.network.events
        for name, callback in self._callbacks.items():
            getattr(events, name).disconnect(callback)
        self._callbacks = {}
        self._live = None
        self._undo = None

    @property
    def _document(self) -> Document:
        return self._live.document  # type: ignore[union-attr]

    @property
    def _network(self) -> Network:
        return self._live.document.network  # type: ignore[union-attr]

    # ================================================================== model events
    def _on_structure(self) -> None:
        self._cancel_gesture()
        self._close_editor()
        self._scene.rebuild()
        self._show_detail()
        network = self._network
        kept_n = {n: None for n in self._selected_neurons if n in network.neurons}
        kept_e = {e: None for e in self._selected_edges if e in network.edges}
        changed = (
            kept_n.keys() != self._selected_neurons.keys() or kept_e.keys() != self._selected_edges.keys()
        )
        self._selected_neurons, self._selected_edges = kept_n, kept_e
        self._pulse_neurons &= set(network.neurons)
        self._pulse_edges &= set(network.edges)
        if self._hover is not None and self._hover.id not in network:
            self._hover = None
        self._refresh_values()
        self._apply_state()
        self._update_scene_rect()
        if changed:
            self.selectionChangedIds.emit(list(kept_n), list(kept_e))

    def _on_neurons(self, ids: list[str]) -> None:
        self._scene.neurons_changed(ids)
        self._apply_state()

    def _on_weights(self, ids: list[str]) -> None:
        self._scene.weights_changed(list(ids))

    def _on_parameters(self) -> None:
        # The live network listens first and has already loaded the new values into its plan (a training
        # step writes back 12,960 weights at a time): read them from there in a few numpy steps.
        plan = self._live.plan if self._live is not None else None
        current = plan is not None and plan.revision == self._network.revision
        self._scene.weights_changed(None, plan if current else None)

    def _on_values(self) -> None:
        if self._override is None:
            self._refresh_values()

    def _on_locked(self, locked: bool) -> None:
        if locked:
            if isinstance(self._gesture, _Move | _Connect):
                self._cancel_gesture()
            self._close_editor()
        self._scene.set_strongest_only(locked)
        self._show_detail()
        self._apply_state()

    def _show_detail(self) -> None:
        """Show the caption exactly while the edges drawn are only the strongest ones."""
        thinned = self._scene.strongest_only
        if thinned:
            self._place_caption()
        self._caption.setVisible(thinned)

    def _place_caption(self) -> None:
        self._caption.adjustSize()
        area = self.viewport().geometry()
        self._caption.move(
            area.left() + CAPTION_MARGIN_PX, area.bottom() - self._caption.height() - CAPTION_MARGIN_PX + 1
        )
        self._caption.raise_()

    def _style_caption(self, scheme: ColourScheme) -> None:
        back, text = scheme.label_background, scheme.text
        self._caption.setStyleSheet(
            f"QLabel {{ color: {text.name()}; background: rgba({back.red()}, {back.green()}, {back.blue()}, "
            f"{back.alpha()}); border-radius: 3px; padding: 2px 6px; }}"
        )

    @property
    def detail_caption(self) -> str:
        """The caption over the canvas about what it leaves out, empty when it shows everything."""
        return "" if self._caption.isHidden() else self._caption.text()

    def _refresh_values(self) -> None:
        if self._live is None:
            return
        if self._override is not None:
            self._scene.show_values({}, None, self._override)
        else:
            self._scene.show_values(self._live.values(), self._live.input, None)

    def _apply_state(self) -> None:
        locked = self._live is None or self._live.locked
        if self._exporting:
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
            selected_neurons=set(self._selected_neurons),
            selected_edges=set(self._selected_edges),
            hover=self._hover,
            pulse_neurons=self._pulse_neurons,
            pulse_edges=self._pulse_edges,
            edge_labels=self._edge_labels,
            handles=not locked,
        )

    def _refuse_if_locked(self) -> bool:
        if self._live is None:
            return True
        if self._live.locked:
            self.statusMessage.emit(LOCKED_MESSAGE)
            return True
        return False

    def _push(self, command: QUndoCommand) -> None:
        self._undo.push(command)  # type: ignore[union-attr]

    # ================================================================== selection
    def selected_neuron_ids(self) -> list[str]:
        return list(self._selected_neurons)

    def selected_edge_ids(self) -> list[str]:
        return list(self._selected_edges)

    def select(self, neuron_ids: Iterable[str], edge_ids: Iterable[str] = ()) -> None:
        if self._live is None:
            return
        network = self._network
        self._set_selection(
            [n for n in neuron_ids if n in network.neurons], [e for e in edge_ids if e in network.edges]
        )

    def select_all(self) -> None:
        if self._live is not None:
            self._set_selection(list(self._network.neurons), list(self._network.edges))

    def _set_selection(self, neuron_ids: Iterable[str], edge_ids: Iterable[str]) -> None:
        neurons = dict.fromkeys(neuron_ids)
        edges = dict.fromkeys(edge_ids)
        if neurons.keys() == self._selected_neurons.keys() and edges.keys() == self._selected_edges.keys():
            return
        self._selected_neurons, self._selected_edges = neurons, edges
        self._apply_state()
        self.selectionChangedIds.emit(list(neurons), list(edges))

    def _toggle(self, neuron_ids: list[str], edge_ids: list[str]) -> None:
        neurons = dict(self._selected_neurons)
        edges = dict(self._selected_edges)
        if neuron_ids:
            if all(n in neurons for n in neuron_ids):
                for n in neuron_ids:
                    neurons.pop(n, None)
            else:
                neurons.update(dict.fromkeys(neuron_ids))
        for e in edge_ids:
            if e in edges:
                edges.pop(e)
            else:
                edges[e] = None
        self._set_selection(neurons, edges)

    # ================================================================== view
    def _scale(self) -> float:
        return self.transform().m11()

    def _tolerance(self) -> float:
        return EDGE_TOLERANCE_PX / max(self._scale(), 1e-6)

    def _visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def _update_scene_rect(self, content: QRectF | None = None) -> None:
        content = content if content is not None else self._content_rect()
        margin = max(self.viewport().width(), self.viewport().height()) / max(self._scale(), 1e-6)
        rect = (
            content.adjusted(-margin, -margin, margin, margin)
            if not content.isEmpty()
            else QRectF(-margin, -margin, 2 * margin, 2 * margin)
        )
        self.setSceneRect(rect.united(self._visible_scene_rect()))

    def _content_rect(self) -> QRectF:
        rect = self._scene.content_rect()
        edges = self._scene.edges.bounds()
        return rect.united(edges) if not edges.isEmpty() else rect

    def fit_all(self) -> None:
        """Zoom and scroll so the whole network shows (Ctrl+0), and keep it so as the view is resized."""
        self._auto_fit = True
        self._fit()

    @property
    def auto_fit(self) -> bool:
        """True while the view refits the network on every resize (until the person zooms or pans)."""
        return self._auto_fit

    def _fit(self) -> None:
        viewport = self.viewport().rect()
        margin = max(FIT_MARGIN_PX, FIT_MARGIN_SHARE * min(viewport.width(), viewport.height()))
        room_w = max(1.0, viewport.width() - 2 * margin)
        room_h = max(1.0, viewport.height() - 2 * margin)
        content = self._content_rect()
        if content.isEmpty():
            self.resetTransform()
            self._scale_changed()
            self._update_scene_rect(QRectF(-100, -100, 200, 200))
            self.centerOn(0, 0)
            return
        # Names keep their size on screen, so the network's extent depends on the zoom: settle in a few steps.
        for _ in range(FIT_STEPS):
            scale = min(room_w / max(content.width(), 1e-6), room_h / max(content.height(), 1e-6))
            scale = max(MIN_SCALE, min(FIT_MAX_SCALE, scale))
            if abs(scale - self._scale()) <= 1e-4 * scale:
                break
            self.setTransform(QTransform.fromScale(scale, scale))
            self._scale_changed()
            content = self._content_rect()
        self._update_scene_rect(content)
        self.centerOn(content.center())

    def _manual_view_change(self) -> None:
        self._auto_fit = False

    def _scale_changed(self) -> None:
        self._scene.set_view_scale(self._scale())

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom by ``factor`` keeping the scene point under ``anchor`` (view coords) where it is.

        A zoom by hand ends the automatic fitting on resize (Ctrl+0 brings it back).
        """
        self._manual_view_change()
        anchor = anchor if anchor is not None else self.viewport().rect().center()
        scale = self._scale()
        factor = max(MIN_SCALE / scale, min(MAX_SCALE / scale, factor))
        if abs(factor - 1.0) < 1e-9:
            return
        before = self.mapToScene(anchor)
        self.scale(factor, factor)
        self._scale_changed()
        self._update_scene_rect()
        moved = self.mapFromScene(before) - anchor
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())

    def view_position_of(self, neuron_id: str) -> QPoint:
        """Where a neuron (or image pixel) is drawn, in viewport coordinates."""
        return self.mapFromScene(self._scene.position_of(neuron_id))

    def view_position_of_edge(self, edge_id: str, t: float = 0.5) -> QPoint:
        """A point on an edge's visible line, in viewport coordinates."""
        return self.mapFromScene(self._scene.edge_point(edge_id, t))

    def refresh(self) -> None:
        """Re-read everything from the document (after a change outside the network, e.g. its image grid)."""
        if self._live is not None:
            self._on_structure()

    # ================================================================== look and live display
    def set_colour_scheme(self, name: str) -> None:
        """Colours: "classic" (white +, black -, on mid-grey) or "3b1b" (green +, red -, on dark)."""
        if name not in SCHEMES:
            raise ValueError(f"unknown colour scheme {name!r}; known: {', '.join(SCHEMES)}")
        self._scheme_name = name
        self._scene.set_scheme(SCHEMES[name])
        self._style_caption(SCHEMES[name])

    @property
    def colour_scheme(self) -> str:
        return self._scheme_name

    def set_display_override(self, values: Mapping[str, float] | None) -> None:
        """Show these activations instead of the live ones; absent neurons are drawn as not reached yet."""
        self._override = None if values is None else {k: float(v) for k, v in values.items()}
        self._refresh_values()

    def set_pulse(self, neuron_ids: Iterable[str], edge_ids: Iterable[str]) -> None:
        """Highlight these neurons (glow) and edges (brighter, thicker); empty for none."""
        self._pulse_neurons, self._pulse_edges = set(neuron_ids), set(edge_ids)
        self._apply_state()

    def set_edge_labels(self, values: Mapping[str, float] | None) -> None:
        """Numbers drawn on edges (e.g. slopes dE/dw); None removes them."""
        self._edge_labels = {} if values is None else {k: format_value(float(v)) for k, v in values.items()}
        self._apply_state()

    def set_neuron_labels(self, texts: Mapping[str, str] | None) -> None:
        """Extra text under neurons (e.g. "delta -0.12"); None removes it."""
        self._scene.set_extra_texts(texts)

    # ================================================================== export
    def _export_rect(self) -> QRectF:
        rect = self._content_rect()
        return rect.adjusted(-20, -20, 20, 20) if not rect.isEmpty() else QRectF(0, 0, 200, 150)

    def render_to_image(self, scale: float = 2.0) -> QImage:
        """The whole network as a picture, without selection or hover marks.

        The scale is lowered when the picture would exceed MAX_EXPORT_PIXELS (a 784-neuron column is tall).
        """
        with self._names_at_zoom_one():
            source = self._export_rect()
            scale = min(scale, math.sqrt(MAX_EXPORT_PIXELS / max(1.0, source.width() * source.height())))
            size = QSize(
                max(1, math.ceil(source.width() * scale)), max(1, math.ceil(source.height() * scale))
            )
            image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(self._scene.scheme.background)
            self._render(image, QRectF(0, 0, size.width(), size.height()), source)
        return image

    def export_svg(self, path: Path) -> None:
        """Write the network as an SVG drawing; raises OSError when the file cannot be written."""
        path = Path(path)
        with self._names_at_zoom_one():
            source = self._export_rect()
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(QSize(math.ceil(source.width()), math.ceil(source.height())))
            generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
            generator.setTitle(
                self._document.title if self._live is not None and self._document.title else "Network"
            )
            self._render(generator, QRectF(0, 0, source.width(), source.height()), source)
        if not path.exists():
            raise OSError(f"could not write {path}")

    @contextlib.contextmanager
    def _names_at_zoom_one(self) -> Iterator[None]:
        """Exported pictures show names at their natural size, whatever the view's zoom."""
        self._scene.set_view_scale(1.0)
        try:
            yield
        finally:
            self._scale_changed()

    def _render(self, device, target: QRectF, source: QRectF) -> None:  # noqa: ANN001 - a QPaintDevice
        painter = QPainter()
        if not painter.begin(device):
            raise OSError("could not start drawing the network (is the file writable?)")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self._exporting = True
        self._apply_state()
        try:
            self._scene.render(painter, target, source)
        finally:
            painter.end()
            self._exporting = False
            self._apply_state()

    # ================================================================== edits
    def add_from_palette(self, item: PaletteItem, scene_pos: QPointF | None = None) -> list[str]:
        """Add what a palette entry describes at ``scene_pos`` (the view centre when None); the new ids."""
        if self._refuse_if_locked():
            return []
        if scene_pos is None:
            scene_pos = self.mapToScene(self.viewport().rect().center())
        try:
            plan = plan_palette_drop(self._document, item, scene_pos.x(), scene_pos.y())
        except CanvasEditError as exc:
            self.statusMessage.emit(f"Cannot add: {exc}")
            return []
        if plan.grid is not None:
            self._push(AddImageGrid(self._document, plan.neurons, plan.grid, plan.text))
        else:
            self._push(AddNeurons(self._network, plan.neurons, text=plan.text))
        ids = [n.id for n in plan.neurons]
        self._set_selection(ids, [])
        self.statusMessage.emit(f"{plan.text[:1].upper()}{plan.text[1:]}".replace("Add ", "Added ", 1))
        return ids

    def delete_selection(self) -> None:
        if self._refuse_if_locked():
            return
        neurons, edges = self.selected_neuron_ids(), self.selected_edge_ids()
        if not neurons and not edges:
            self.statusMessage.emit("Nothing is selected to delete")
            return
        if any(n in self._scene.pixel_set for n in neurons):
            command = RemoveItemsAndGrid(self._document, neurons, edges)
        else:
            command = RemoveItems(self._network, neurons, edges)
        self._set_selection([], [])
        self._push(command)

    def copy_selection(self) -> None:
        if self._live is None:
            return
        neurons = self.selected_neuron_ids()
        if not neurons:
            self.statusMessage.emit("Select neurons to copy")
            return
        payload = copy_payload(self._network, neurons)
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, payload)
        mime.setText(payload.decode())
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        keep = set(neurons)
        edges = sum(1 for e in self._network.edges.values() if e.source in keep and e.target in keep)
        self.statusMessage.emit(f"Copied {len(neurons)} neurons and {edges} connections")

    def paste(self) -> None:
        if self._refuse_if_locked():
            return
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            self.statusMessage.emit("Cannot paste: the clipboard holds no neurons to paste")
            return
        raw = bytes(mime.data(CLIPBOARD_MIME)) if mime.hasFormat(CLIPBOARD_MIME) else mime.text().encode()
        try:
            neurons, edges = plan_paste(self._network, raw, PASTE_OFFSET * (self._paste_count + 1))
        except CanvasEditError as exc:
            self.statusMessage.emit(f"Cannot paste: {exc}")
            return
        self._paste_count += 1
        self._push(AddNeurons(self._network, neurons, edges, text="Paste"))
        self._set_selection([n.id for n in neurons], [e.id for e in edges])
        self.statusMessage.emit(f"Pasted {len(neurons)} neurons and {len(edges)} connections")

    def arrange_in_layers(self) -> None:
        """Lay the neurons out by depth, one column per level (one undo step)."""
        if self._refuse_if_locked():
            return
        old, new = changed_positions(self._network, layered_positions(self._document))
        if new:
            self._push(MoveNeurons(self._network, old, new, "Arrange in layers"))
        self.fit_all()

    def _connect(self, sources: list[str], target: str) -> None:
        edges, reason = plan_connections(self._network, sources, target)
        if not edges:
            self.statusMessage.emit(f"Cannot connect: {reason}")
            return
        self._push(AddEdges(self._network, edges))
        network = self._network
        if len(edges) == 1:
            e = edges[0]
            self.statusMessage.emit(
                f"Connected {network.neurons[e.source].display_name} -> "
                f"{network.neurons[e.target].display_name} (weight {format_value(e.weight)})"
            )
        else:
            self.statusMessage.emit(
                f"Added {len(edges)} connections to {network.neurons[target].display_name}"
            )

    def _nudge(self, hit: Hit, steps: float) -> None:
        if self._refuse_if_locked():
            return
        network = self._network
        if hit.kind == "edge":
            edge = network.edges[hit.id]
            self._push(
                SetWeights(network, {hit.id: nudged(edge.weight, steps)}, text="Nudge weight", merge=True)
            )
            self.statusMessage.emit(self._describe(hit))
        elif hit.kind in ("neuron", "handle") and network.neurons[hit.id].role is not Role.INPUT:
            neuron = network.neurons[hit.id]
            self._push(
                SetNeuronFields(
                    network, {hit.id: {"bias": nudged(neuron.bias, steps)}}, text="Nudge bias", merge=True
                )
            )
            self.statusMessage.emit(self._describe(hit))

    # ================================================================== in-place editing
    def edit_value(self, item_id: str) -> InPlaceEditor | None:
        """Open the in-place editor for an edge's weight or a neuron's bias; None when it cannot be edited."""
        if self._refuse_if_locked():
            return None
        network = self._network
        if item_id in network.edges:
            edge = network.edges[item_id]
            value, what = (
                edge.weight,
                (
                    f"Weight of {network.neurons[edge.source].display_name} to "
                    f"{network.neurons[edge.target].display_name}"
                ),
            )
            where = self.view_position_of_edge(item_id, 0.62 if not self._scene.edges.detailed else 0.5)
        elif item_id in network.neurons:
            neuron = network.neurons[item_id]
            if neuron.role is Role.INPUT:
                self.statusMessage.emit(
                    f"{neuron.display_name} is an input: its value comes from the input image"
                )
                return None
            value, what = neuron.bias, f"Bias of {neuron.display_name}"
            where = self.view_position_of(item_id)
        else:
            return None
        self._close_editor()
        editor = InPlaceEditor(self.viewport())
        editor.setAccessibleName(what)
        editor.setToolTip(f"{what}: type a number, Enter to set it, Esc to cancel")
        editor.setText(format_value(value) if abs(value) >= 1e-3 or value == 0 else repr(value))
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        size = QSize(96, editor.sizeHint().height())
        editor.setGeometry(QRect(where - QPoint(size.width() // 2, size.height() // 2), size))
        editor.committed.connect(lambda text: self._commit_edit(item_id, text))
        editor.cancelled.connect(self._close_editor)
        editor.show()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        editor.selectAll()
        self._editor = editor
        self.statusMessage.emit(f"{what}: type a number, Enter to set it, Esc to cancel")
        return editor

    def _commit_edit(self, item_id: str, text: str) -> None:
        if self._refuse_if_locked():
            self._close_editor()
            return
        try:
            value = parse_number(text)
        except CanvasEditError as exc:
            self.statusMessage.emit(f"Not changed: {exc}")
            if self._editor is not None:
                self._editor.selectAll()
            return
        network = self._network
        self._close_editor()
        if item_id in network.edges and network.edges[item_id].weight != value:
            self._push(SetWeights(network, {item_id: value}))
        elif item_id in network.neurons and network.neurons[item_id].bias != value:
            self._push(SetNeuronFields(network, {item_id: {"bias": value}}, text="Set bias"))

    def _close_editor(self) -> None:
        editor, self._editor = self._editor, None
        if editor is not None and shiboken6.isValid(editor):
            had_focus = editor.hasFocus()
            editor.finish()
            editor.hide()
            editor.deleteLater()
            if had_focus:
                self.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def editor(self) -> InPlaceEditor | None:
        return self._editor

    # ================================================================== hover
    def _describe(self, hit: Hit | None) -> str:
        if hit is None or self._live is None:
            return ""
        network = self._network
        if hit.kind == "edge":
            edge = network.edges.get(hit.id)
            if edge is None:
                return ""
            text = (
                f"weight {edge.weight:.2f} ({network.neurons[edge.source].display_name} -> "
                f"{network.neurons[edge.target].display_name})"
            )
            return text + (", frozen" if edge.frozen else "")
        if hit.kind == "grid-handle":
            return "Drag onto a neuron to connect every pixel of the image to it"
        neuron = network.neurons.get(hit.id)
        if neuron is None:
            return ""
        name = neuron.display_name
        if self._override is not None:
            value = self._override.get(hit.id)
            shown = "not reached yet" if value is None else f"{value:.2f}"
            kind = "input" if neuron.role is Role.INPUT else neuron.activation
            return f"{name} ({kind}): {shown}"
        values = self._live.values() if self._live is not None else {}
        pair = values.get(hit.id)
        if neuron.role is Role.INPUT:
            text = f"{name} (input): {pair[1]:.2f}" if pair is not None else f"{name} (input)"
        elif pair is not None:
            text = f"{name} ({neuron.activation}): sum {pair[0]:.2f} -> {pair[1]:.2f}, bias {neuron.bias:.2f}"
        else:
            problem = self._live.problem if self._live is not None else None
            text = f"{name} ({neuron.activation}): bias {neuron.bias:.2f}" + (
                f"; not running: {problem}" if problem else ""
            )
        if hit.kind == "handle":
            text += " - drag the handle onto another neuron to connect"
        return text

    def _update_hover(self, view_pos: QPoint, announce: bool = True) -> None:
        hit = (
            self._scene.hit(self.mapToScene(view_pos), self._tolerance()) if self._live is not None else None
        )
        if hit == self._hover:
            return
        self._hover = hit
        self._apply_state()
        if not announce:
            return
        text = self._describe(hit)
        if text:
            self.statusMessage.emit(text)
            QToolTip.showText(self.viewport().mapToGlobal(view_pos), text, self.viewport())
        else:
            QToolTip.hideText()

    def hover_text(self) -> str:
        """What hovering shows right now (the tooltip and status text), empty over nothing."""
        return self._describe(self._hover)

    # ================================================================== mouse
    @reports_errors
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._live is None:
            return
        pos = event.position().toPoint()
        scene_pos = self.mapToScene(pos)
        button = event.button()
        modifiers = event.modifiers()
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self._gesture is not None:
            self._cancel_gesture()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space_down
        ):
            self._gesture = _Pan(pos)
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        hit = self._scene.hit(scene_pos, self._tolerance())
        alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        wants_connect = hit is not None and (
            (button == Qt.MouseButton.LeftButton and hit.kind in ("handle", "grid-handle"))
            or (
                (button == Qt.MouseButton.RightButton or (alt and button == Qt.MouseButton.LeftButton))
                and hit.kind in ("neuron", "pixel")
            )
        )
        if wants_connect:
            if not self._refuse_if_locked():
                self._start_connect(hit, scene_pos)  # type: ignore[arg-type]
            return
        if button != Qt.MouseButton.LeftButton:
            return
        if hit is not None and hit.kind in ("neuron", "pixel"):
            ids = [hit.id] if hit.kind == "neuron" else list(self._scene.pixel_ids)
            if ctrl:
                self._toggle(ids, [])
                return
            was_selected = all(n in self._selected_neurons for n in ids)
            if not was_selected:
                self._set_selection(ids, [])
            anchor = self._scene.position_of(hit.id if hit.kind == "neuron" else self._scene.pixel_ids[0])
            self._gesture = _Move(
                scene_pos,
                anchor,
                self.selected_neuron_ids(),
                grid=any(n in self._scene.pixel_set for n in self._selected_neurons),
                select_only_on_click=hit.id if was_selected and hit.kind == "neuron" else None,
            )
            return
        if hit is not None and hit.kind == "edge":
            if ctrl:
                self._toggle([], [hit.id])
            else:
                self._set_selection([], [hit.id])
            return
        if not ctrl:
            self._set_selection([], [])
        band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
        band.setObjectName("canvasRubberBand")
        band.setGeometry(QRect(pos, QSize()))
        band.show()
        self._gesture = _Band(pos, band, ctrl)

    @reports_errors
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        gesture = self._gesture
        if gesture is None:
            self._update_hover(pos)
            return
        if isinstance(gesture, _Pan):
            delta = pos - gesture.last
            gesture.last = pos
            if not delta.isNull():
                self._manual_view_change()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
        elif isinstance(gesture, _Band):
            gesture.band.setGeometry(QRect(gesture.origin, pos).normalized())
        elif isinstance(gesture, _Connect):
            self._drag_connect(gesture, self.mapToScene(pos))
        elif isinstance(gesture, _Move):
            self._drag_move(
                gesture, self.mapToScene(pos), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            )

    @reports_errors
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        gesture, self._gesture = self._gesture, None
        pos = event.position().toPoint()
        if isinstance(gesture, _Pan):
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._space_down else Qt.CursorShape.ArrowCursor
            )
        elif isinstance(gesture, _Band):
            rect = gesture.band.geometry()
            gesture.band.hide()
            gesture.band.deleteLater()
            if rect.width() > 2 or rect.height() > 2:
                scene_rect = self.mapToScene(rect).boundingRect()
                neurons = self._scene.neurons_in(scene_rect)
                edges = self._scene.edges.inside(scene_rect)
                if gesture.additive:
                    neurons = list(self._selected_neurons) + neurons
                    edges = list(self._selected_edges) + edges
                self._set_selection(neurons, edges)
        elif isinstance(gesture, _Connect):
            self._scene.removeItem(gesture.line)
            target = self._connect_target(self.mapToScene(pos))
            if target is not None:
                self._connect(gesture.sources, target)
            # The outcome stays in the status bar; hovering resumes with the next move.
            self._update_hover(pos, announce=False)
        elif isinstance(gesture, _Move):
            if gesture.started:
                self._finish_move(gesture)
            elif gesture.select_only_on_click is not None:
                self._set_selection([gesture.select_only_on_click], [])

    @reports_errors
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._live is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self._cancel_gesture()
        hit = self._scene.hit(self.mapToScene(event.position().toPoint()), self._tolerance())
        if hit is None:
            return
        if hit.kind == "edge":
            self._set_selection([], [hit.id])
            self.edit_value(hit.id)
        elif hit.kind in ("neuron", "handle", "pixel"):
            self.edit_value(hit.id)

    @reports_errors
    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            return
        pos = event.position().toPoint()
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            hit = self._scene.hit(self.mapToScene(pos), self._tolerance()) if self._live is not None else None
            if hit is not None and hit.kind in ("edge", "neuron", "handle"):
                self._nudge(hit, delta / 120.0)
            event.accept()
            return
        self.zoom_by(1.0015**delta, pos)
        event.accept()

    @reports_errors
    def leaveEvent(self, event: QEvent) -> None:
        if self._gesture is None and self._hover is not None:
            self._hover = None
            self._apply_state()
        super().leaveEvent(event)

    # ------------------------------------------------------------------ moving
    def _drag_move(self, gesture: _Move, scene_pos: QPointF, free: bool) -> None:
        if not gesture.started:
            distance = (
                self.mapFromScene(scene_pos) - self.mapFromScene(gesture.press_scene)
            ).manhattanLength()
            if distance < QApplication.startDragDistance():
                return
            if self._refuse_if_locked():
                self._gesture = None
                return
            gesture.started = True
            gesture.origins = {
                nid: self._scene.neuron_items[nid].pos()
                for nid in gesture.neuron_ids
                if nid in self._scene.neuron_items
            }
            if gesture.grid and self._scene.grid_item is not None:
                gesture.grid_origin = self._scene.grid_item.pos()
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
            self._scene.neuron_items[nid].setPos(place)
            moved[nid] = (place.x(), place.y())
        if gesture.grid_origin is not None and self._scene.grid_item is not None:
            self._scene.grid_item.setPos(gesture.grid_origin + delta)
            moved.update(self._scene.pixel_positions())
        self._scene.move_nodes(moved)

    def _finish_move(self, gesture: _Move) -> None:
        network = self._network
        new: dict[str, tuple[float, float]] = {}
        for nid in gesture.origins:
            item = self._scene.neuron_items[nid]
            new[nid] = (item.x(), item.y())
        if gesture.grid_origin is not None:
            new.update(self._scene.pixel_positions())
        old, new = changed_positions(network, new)
        if new:
            self._push(MoveNeurons(network, old, new))
        self._update_scene_rect()

    # ------------------------------------------------------------------ connecting
    def _start_connect(self, hit: Hit, scene_pos: QPointF) -> None:
        scene = self._scene
        network = self._network
        if hit.kind == "grid-handle":
            sources = list(scene.pixel_ids)
            start = scene.grid_item.mapToScene(scene.grid_item.handle_centre())  # type: ignore[union-attr]
        else:
            selected = [n for n in self._selected_neurons if network.neurons[n].role is not Role.OUTPUT]
            if hit.kind != "pixel" and hit.id in self._selected_neurons and len(selected) > 1:
                sources = selected
            else:
                sources = [hit.id]
            start = scene.position_of(hit.id)
        if all(network.neurons[s].role is Role.OUTPUT for s in sources):
            name = network.neurons[sources[0]].display_name
            self.statusMessage.emit(
                f"Cannot connect: output {name!r} is the end of the network; drag from a neuron that feeds it"
            )
            return
        line = QGraphicsLineItem(start.x(), start.y(), scene_pos.x(), scene_pos.y())
        line.setZValue(Z_RUBBER)
        pen = QPen(self._scene.scheme.rubber_ok, 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        line.setPen(pen)
        scene.addItem(line)
        self._gesture = _Connect(sources, line)
        names = network.neurons[sources[0]].display_name if len(sources) == 1 else f"{len(sources)} neurons"
        self.statusMessage.emit(f"Connect {names}: drop onto the neuron to feed")

    def _connect_target(self, scene_pos: QPointF) -> str | None:
        hit = self._scene.hit(scene_pos, 0.0)
        if hit is not None and hit.kind in ("neuron", "handle"):
            return hit.id
        if hit is not None and hit.kind == "pixel":
            return hit.id
        return None

    def _drag_connect(self, gesture: _Connect, scene_pos: QPointF) -> None:
        line = gesture.line.line()
        gesture.line.setLine(line.x1(), line.y1(), scene_pos.x(), scene_pos.y())
        target = self._connect_target(scene_pos)
        if target == gesture.target:
            return
        gesture.target = target
        scheme = self._scene.scheme
        colour = scheme.rubber_ok
        if target is not None:
            edges, reason = plan_connections(self._network, gesture.sources, target)
            name = self._network.neurons[target].display_name
            if edges:
                self.statusMessage.emit(
                    f"Release to connect to {name}"
                    if len(edges) == 1
                    else f"Release to add {len(edges)} connections to {name}"
                )
            else:
                colour = scheme.rubber_refused
                self.statusMessage.emit(f"Cannot connect: {reason}")
        pen = gesture.line.pen()
        pen.setColor(QColor(colour))
        gesture.line.setPen(pen)

    # ------------------------------------------------------------------ cancelling
    def _cancel_gesture(self) -> None:
        gesture, self._gesture = self._gesture, None
        if isinstance(gesture, _Band):
            gesture.band.hide()
            gesture.band.deleteLater()
        elif isinstance(gesture, _Connect):
            if gesture.line.scene() is not None:
                self._scene.removeItem(gesture.line)
        elif isinstance(gesture, _Move) and gesture.started:
            moved: dict[str, tuple[float, float]] = {}
            for nid, origin in gesture.origins.items():
                if nid in self._scene.neuron_items:
                    self._scene.neuron_items[nid].setPos(origin)
                    moved[nid] = (origin.x(), origin.y())
            if gesture.grid_origin is not None and self._scene.grid_item is not None:
                self._scene.grid_item.setPos(gesture.grid_origin)
                moved.update(self._scene.pixel_positions())
            self._scene.move_nodes(moved)
        elif isinstance(gesture, _Pan):
            self.viewport().unsetCursor()

    # ================================================================== keyboard
    @reports_errors
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_all()
        elif event.matches(QKeySequence.StandardKey.ZoomIn) or (ctrl and key == Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif event.matches(QKeySequence.StandardKey.ZoomOut):
            self.zoom_by(0.8)
        elif key == Qt.Key.Key_Escape:
            if self._gesture is not None:
                self._cancel_gesture()
            else:
                self._set_selection([], [])
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            if key in SCROLL_KEYS:
                self._manual_view_change()
            super().keyPressEvent(event)
            return
        event.accept()

    @reports_errors
    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            if not isinstance(self._gesture, _Pan):
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ================================================================== drops from the palette
    @reports_errors
    def dragEnterEvent(self, event) -> None:  # noqa: ANN001 - QDragEnterEvent
        if not event.mimeData().hasFormat(PALETTE_MIME) or self._live is None:
            event.ignore()
            return
        if self._live.locked:
            self.statusMessage.emit(LOCKED_MESSAGE)
            event.ignore()
            return
        event.acceptProposedAction()

    @reports_errors
    def dragMoveEvent(self, event) -> None:  # noqa: ANN001 - QDragMoveEvent
        if event.mimeData().hasFormat(PALETTE_MIME) and self._live is not None and not self._live.locked:
            event.acceptProposedAction()
        else:
            event.ignore()

    @reports_errors
    def dropEvent(self, event) -> None:  # noqa: ANN001 - QDropEvent
        mime = event.mimeData()
        if not mime.hasFormat(PALETTE_MIME) or self._live is None:
            event.ignore()
            return
        try:
            item = PaletteItem.from_json(bytes(mime.data(PALETTE_MIME)))
        except CanvasEditError as exc:
            self.statusMessage.emit(f"Cannot add: {exc}")
            event.ignore()
            return
        ids = self.add_from_palette(item, self.mapToScene(event.position().toPoint()))
        if ids:
            event.acceptProposedAction()
        else:
            event.ignore()

    # ================================================================== housekeeping
    @reports_errors
    def resizeEvent(self, event) -> None:  # noqa: ANN001 - QResizeEvent
        super().resizeEvent(event)
        if self._caption.isVisibleTo(self):
            self._place_caption()
        if self._live is None:
            return
        if self._auto_fit:
            self._fit()
        else:
            self._update_scene_rect()


__all__ = ["NetworkCanvas", "InPlaceEditor", "LOCKED_MESSAGE", "format_value"]
