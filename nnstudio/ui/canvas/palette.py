"""The palette: the things a person drags onto the canvas to build a network.

Each entry can be dragged onto the canvas (the drag carries ``application/x-nnstudio-palette`` with a
small JSON payload), or activated by double-click, Enter or Space to add it in view, in its role's column (clear of the others).
The activation chosen in the palette applies to the hidden and output neurons it adds. A feature input is
an input neuron named after a feature of a point in the plane (X1, X2, X1^2, X2^2, X1*X2, sin X1, sin X2):
a point dataset gives it that feature of each point.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data.points import FEATURE_DESCRIPTIONS, FEATURES
from nnstudio.engine.activations import ACTIVATIONS

from .edits import MAX_GRID_SIDE, MAX_LAYER, PALETTE_MIME, PaletteItem
from .guard import reports_errors

ICON_SIZE = 30


def palette_mime_data(item: PaletteItem) -> QMimeData:
    """The drag payload of a palette entry (also what a test delivers in a synthetic drop)."""
    mime = QMimeData()
    mime.setData(PALETTE_MIME, item.to_json())
    return mime


def palette_icon(kind: str, size: int = ICON_SIZE) -> QPixmap:
    """A small picture of what an entry adds: square input, square with a wave (a feature), pixel grid,
    disc, ringed disc, column."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    blue, dark, orange = QColor(32, 72, 150), QColor(35, 35, 35), QColor(205, 110, 0)
    grey, light = QColor(150, 150, 150), QColor(235, 235, 235)
    m = size / 2
    if kind == "input":
        painter.setPen(QPen(blue, 2))
        painter.setBrush(light)
        painter.drawRoundedRect(QRectF(5, 5, size - 10, size - 10), 4, 4)
    elif kind == "feature":
        painter.setPen(QPen(blue, 2))
        painter.setBrush(light)
        painter.drawRoundedRect(QRectF(5, 5, size - 10, size - 10), 4, 4)
        wave = QPainterPath(QPointF(8, m))
        for k in range(1, 15):
            t = k / 14
            wave.lineTo(8 + t * (size - 16), m - (size / 2 - 10) * math.sin(t * 2 * math.pi))
        painter.setPen(QPen(orange, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(wave)
    elif kind == "grid":
        cell = (size - 6) / 3
        for r in range(3):
            for c in range(3):
                painter.setPen(QPen(blue, 1))
                painter.setBrush(light if (r + c) % 2 == 0 else QColor(40, 40, 40))
                painter.drawRect(QRectF(3 + c * cell, 3 + r * cell, cell, cell))
    elif kind == "hidden":
        painter.setPen(QPen(dark, 1.6))
        painter.setBrush(grey)
        painter.drawEllipse(QPointF(m, m), m - 5, m - 5)
    elif kind == "output":
        painter.setPen(QPen(orange, 2.2))
        painter.setBrush(light)
        painter.drawEllipse(QPointF(m, m), m - 7, m - 7)
        painter.setPen(QPen(orange, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QPointF(m, m), m - 3, m - 3)
    else:
        painter.setPen(QPen(dark, 1.4))
        painter.setBrush(grey)
        for k in range(3):
            painter.drawEllipse(QPointF(m, 6 + k * (size - 12) / 2), 4.5, 4.5)
    painter.end()
    return pixmap


class PaletteEntry(QFrame):
    """One thing to add: drag it onto the canvas, or double-click it (Enter, Space) to add it in view."""

    activated = Signal()

    def __init__(
        self,
        kind: str,
        title: str,
        item_factory: Callable[[], PaletteItem],
        parent: QWidget | None = None,
        extra: list[QWidget] | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self._item_factory = item_factory
        self._press: QPoint | None = None
        self.setObjectName(f"palette{kind.capitalize()}")
        self.setAccessibleName(f"Add {title.lower()}")
        self.setAccessibleDescription(
            "Drag onto the canvas, or press Enter to add it in view (inputs go left, outputs right)"
        )
        self.default_tip = f"{title}: drag onto the canvas, or double-click to add it in view (inputs go left, outputs right)"
        self.setToolTip(self.default_tip)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        layout = QHBoxLayout(self)
        # Slim rows: six entries and the hint fit a laptop's palette tab without scrolling.
        layout.setContentsMargins(6, 1, 6, 1)
        self.icon = QLabel(self)
        self.icon.setPixmap(palette_icon(kind))
        layout.addWidget(self.icon)
        label = QLabel(title, self)
        layout.addWidget(label, 1)
        for widget in extra or []:
            layout.addWidget(widget)

    def item(self) -> PaletteItem:
        return self._item_factory()

    def mime_data(self) -> QMimeData:
        return palette_mime_data(self.item())

    def start_drag(self) -> Qt.DropAction:
        """Run the drag (blocks until dropped, like every QDrag)."""
        drag = QDrag(self)
        drag.setMimeData(self.mime_data())
        drag.setPixmap(self.icon.pixmap())
        drag.setHotSpot(QPoint(ICON_SIZE // 2, ICON_SIZE // 2))
        return drag.exec(Qt.DropAction.CopyAction)

    @reports_errors
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    @reports_errors
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if (
            self._press is not None
            and (event.position().toPoint() - self._press).manhattanLength()
            >= QApplication.startDragDistance()
        ):
            self._press = None
            self.start_drag()
            return
        super().mouseMoveEvent(event)

    @reports_errors
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    @reports_errors
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = None
            self.activated.emit()
            return
        super().mouseDoubleClickEvent(event)

    @reports_errors
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            return
        super().keyPressEvent(event)

    @reports_errors
    def focusInEvent(self, event: QFocusEvent) -> None:
        self.setFrameShadow(QFrame.Shadow.Sunken)
        self.setLineWidth(2)
        super().focusInEvent(event)

    @reports_errors
    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.setFrameShadow(QFrame.Shadow.Plain)
        self.setLineWidth(1)
        super().focusOutEvent(event)


class NeuronPalette(QWidget):
    """The things to drag in: input neuron, feature input, input image grid (W x H), hidden and output
    neurons, a layer.

    ``addRequested(PaletteItem)`` is emitted when an entry is activated without a drag (double-click,
    Enter); :meth:`attach_canvas` connects it to a canvas's ``add_from_palette``.
    """

    addRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("neuronPalette")
        self.setAccessibleName("Neuron palette")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)

        row = QHBoxLayout()
        caption = QLabel("Activation", self)
        self.activation = QComboBox(self)
        self.activation.setObjectName("paletteActivation")
        self.activation.setAccessibleName("Activation of new neurons")
        self.activation.setToolTip("The activation of the hidden and output neurons you add")
        for name, act in ACTIVATIONS.items():
            self.activation.addItem(act.title, name)
        self.activation.setCurrentIndex(self.activation.findData("tanh"))
        caption.setBuddy(self.activation)
        row.addWidget(caption)
        row.addWidget(self.activation, 1)
        layout.addLayout(row)

        self.grid_width = self._spin("paletteGridWidth", "Image width in pixels", 1, MAX_GRID_SIDE, 2)
        self.grid_height = self._spin("paletteGridHeight", "Image height in pixels", 1, MAX_GRID_SIDE, 2)
        times = QLabel("x", self)
        self.layer_size = self._spin("paletteLayerSize", "Neurons in the layer", 1, MAX_LAYER, 4)
        self.layer_role = QComboBox(self)
        self.layer_role.setObjectName("paletteLayerRole")
        self.layer_role.setAccessibleName("Role of the layer's neurons")
        for role in ("hidden", "output", "input"):
            self.layer_role.addItem(role, role)

        self.feature = QComboBox(self)
        self.feature.setObjectName("paletteFeatureChoice")
        self.feature.setAccessibleName("Feature of the input")
        self.feature.setToolTip("What a feature input takes from each point in the plane")
        for name in FEATURES:
            self.feature.addItem(name, name)
            self.feature.setItemData(
                self.feature.count() - 1, FEATURE_DESCRIPTIONS[name], Qt.ItemDataRole.ToolTipRole
            )

        self.entries: dict[str, PaletteEntry] = {}
        specs: list[tuple[str, str, list[QWidget]]] = [
            ("input", "Input neuron", []),
            ("feature", "Feature input", [self.feature]),
            ("grid", "Input image", [self.grid_width, times, self.grid_height]),
            ("hidden", "Hidden neuron", []),
            ("output", "Output neuron", []),
            ("layer", "Layer of", [self.layer_size, self.layer_role]),
        ]
        for kind, title, extra in specs:
            entry = PaletteEntry(kind, title, lambda kind=kind: self.item_for(kind), self, extra)
            entry.activated.connect(lambda kind=kind: self.addRequested.emit(self.item_for(kind)))
            self.entries[kind] = entry
            layout.addWidget(entry)
        self.activation.currentIndexChanged.connect(self._offer_entries)
        self._offer_entries()
        self.feature.currentIndexChanged.connect(self._show_feature)
        self._show_feature()
        # How to use every entry above: plain text, not greyed out, since a greyed line reads as switched off.
        hint = self.hint = QLabel(
            "Drag onto the canvas, or double-click to add it (inputs go left, outputs right).", self
        )
        hint.setObjectName("paletteHint")
        hint.setAccessibleName("How to add a neuron")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)

    def _show_feature(self) -> None:
        """The feature entry's icon is the chosen feature over the plane (orange low, blue high), as in
        TensorFlow Playground's feature column."""
        from nnstudio.data.points import feature_columns
        from nnstudio.ui.plane import neuron_colours, plane_points, to_image

        side = ICON_SIZE - 8
        values = feature_columns(plane_points(side), [str(self.feature.currentData())])[:, 0]
        picture = QPixmap.fromImage(to_image(neuron_colours(values), side))
        pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.drawPixmap(4, 4, picture)
        painter.setPen(QPen(QColor(32, 72, 150), 2))
        painter.drawRect(QRectF(4, 4, side, side))
        painter.end()
        self.entries["feature"].icon.setPixmap(pixmap)

    def _spin(self, name: str, accessible: str, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setAccessibleName(accessible)
        spin.setToolTip(accessible)
        spin.setRange(low, high)
        spin.setValue(value)
        return spin

    def current_activation(self) -> str:
        return str(self.activation.currentData())

    def _offer_entries(self) -> None:
        """A joint activation (softmax) works over the outputs together: while it is chosen, the hidden
        neuron entry and a layer's hidden role are greyed out and say why."""
        act = ACTIVATIONS.get(self.current_activation())
        joint = act is not None and act.joint
        why = (
            f"{act.title} works over the outputs: choose another activation for hidden neurons"
            if act is not None
            else ""
        )
        hidden = self.entries.get("hidden")
        if hidden is not None:
            hidden.setEnabled(not joint)
            hidden.setToolTip(why if joint else hidden.default_tip)
        hidden_role = self.layer_role.findData("hidden")
        role_item = self.layer_role.model().item(hidden_role)  # type: ignore[attr-defined]
        role_item.setEnabled(not joint)
        role_item.setToolTip(why if joint else "")
        if joint and self.layer_role.currentIndex() == hidden_role:
            # The greyed-out role cannot stay chosen: a layer of softmax neurons is a layer of outputs.
            self.layer_role.setCurrentIndex(self.layer_role.findData("output"))

    def item_for(self, kind: str) -> PaletteItem:
        """What the entry ``kind`` adds with the palette's current settings."""
        return PaletteItem(
            kind=kind,
            activation=self.current_activation(),
            count=self.layer_size.value(),
            width=self.grid_width.value(),
            height=self.grid_height.value(),
            role=str(self.layer_role.currentData()),
            feature=str(self.feature.currentData()),
        )

    def mime_data(self, kind: str) -> QMimeData:
        return palette_mime_data(self.item_for(kind))

    def attach_canvas(self, canvas: object) -> None:
        """Add activated entries to ``canvas`` (a NetworkCanvas), in view and clear of the neurons there."""
        self.addRequested.connect(canvas.add_from_palette)  # type: ignore[attr-defined]
