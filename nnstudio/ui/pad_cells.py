"""The pad of cells: a small image grid painted cell by cell with the mouse, with its row of tools (paint,
grey, brush), Clear, Invert and the shape presets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.ui.pad_presets import preset_patterns, preset_values
from nnstudio.ui.pad_shared import named as _named
from nnstudio.ui.widgets.flow_layout import FlowLayout
from nnstudio.ui.widgets.pixel_images import Grid, Range, pixel_icon, to_gray

Array = np.ndarray


def _cell_text(value: float) -> str:
    text = f"{value:+.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0") else text


class PixelGridEditor(QWidget):
    """A W x H grid of cells: the left button paints the chosen value, the right one black; drag to paint."""

    edited = Signal()

    def __init__(self, grid: Grid, value_range: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.value_range = value_range
        w, h = grid
        self._values = np.full(w * h, self.blank_value, dtype=np.float32)
        self.left_value: Callable[[], float] = lambda: float(value_range[1])
        self._painting: float | None = None
        self._last_cell: int | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        _named(
            self,
            "padCells",
            "Input pixels",
            "Left button paints white (or the chosen tool), right button paints black; drag to paint.\n"
            "C or Delete clears, I inverts.",
        )

    @property
    def blank_value(self) -> float:
        """Grey for a -1..1 image, black for a 0..1 image."""
        low, high = self.value_range
        return 0.0 if low < 0.0 < high else float(low)

    def sizeHint(self) -> QSize:
        w, h = self.grid
        cell = max(12, min(72, 288 // max(w, h)))
        return QSize(w * cell + 2, h * cell + 2)

    def minimumSizeHint(self) -> QSize:
        w, h = self.grid
        return QSize(w * 6 + 2, h * 6 + 2)

    def values(self) -> Array:
        return self._values.copy()

    def set_values(self, values: Array) -> None:
        self._values = np.asarray(values, dtype=np.float32).ravel().copy()
        self.update()

    # geometry
    def _cell_size(self) -> float:
        w, h = self.grid
        return max(1.0, min((self.width() - 2) / w, (self.height() - 2) / h))

    def _origin(self) -> QPointF:
        w, h = self.grid
        c = self._cell_size()
        return QPointF((self.width() - w * c) / 2, (self.height() - h * c) / 2)

    def cell_rect(self, index: int) -> QRectF:
        w, _ = self.grid
        c = self._cell_size()
        o = self._origin()
        return QRectF(o.x() + (index % w) * c, o.y() + (index // w) * c, c, c)

    def cell_at(self, pos: QPointF) -> int | None:
        w, h = self.grid
        c = self._cell_size()
        o = self._origin()
        col = int((pos.x() - o.x()) // c)
        row = int((pos.y() - o.y()) // c)
        if 0 <= col < w and 0 <= row < h:
            return row * w + col
        return None

    # painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        gray = to_gray(self._values, self.value_range)
        w, h = self.grid
        show_numbers = w * h <= 16
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, self._cell_size() / 5))
        painter.setFont(font)
        outline = QPen(QColor(110, 110, 125), 1)
        for i in range(w * h):
            rect = self.cell_rect(i)
            level = int(round(gray[i] * 255))
            painter.fillRect(rect, QColor(level, level, level))
            painter.setPen(outline)
            painter.drawRect(rect)
            if show_numbers:
                painter.setPen(QColor(0, 0, 0) if level > 140 else QColor(235, 235, 235))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _cell_text(float(self._values[i])))
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            o = self._origin()
            c = self._cell_size()
            painter.drawRect(QRectF(o.x(), o.y(), w * c, h * c).adjusted(-1, -1, 1, 1))
        painter.end()

    # mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._painting = self.left_value()
        elif event.button() == Qt.MouseButton.RightButton:
            self._painting = float(self.value_range[0])
        else:
            return super().mousePressEvent(event)
        self._last_cell = None
        self._paint_at(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._painting is not None:
            self._paint_at(event.position())
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._painting = None
        self._last_cell = None
        event.accept()

    def contextMenuEvent(self, event: Any) -> None:
        event.accept()  # the right button paints black here, it opens no menu

    def _paint_at(self, pos: QPointF) -> None:
        cell = self.cell_at(pos)
        if cell is None or cell == self._last_cell or self._painting is None:
            return
        self._last_cell = cell
        if self._values[cell] != np.float32(self._painting):
            self._values[cell] = self._painting
            self.update()
            self.edited.emit()


class CellPad(QWidget):
    """The cell grid with its tools: paint (white/black), grey, brush with a value; clear, invert, presets."""

    edited = Signal()

    def __init__(self, grid: Grid, value_range: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "padCellPad", "Pixel pad")
        self.grid = grid
        self.value_range = value_range
        low, high = value_range
        self.editor = PixelGridEditor(grid, value_range, self)
        self.editor.left_value = self._left_value
        self.editor.edited.connect(self.edited)

        tools = QHBoxLayout()
        self.tool_group = QButtonGroup(self)
        self.tool_buttons: dict[str, QToolButton] = {}
        blank_word = "Grey" if low < 0.0 < high else "Black"
        for key, text, tip in (
            ("paint", "Paint", "Left button paints white, right button paints black"),
            (
                "grey",
                blank_word,
                f"Left button paints {blank_word.lower()} "
                f"({self.editor.blank_value:g}); right button still paints black",
            ),
            ("brush", "Brush", "Left button paints the value chosen on the slider"),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setCheckable(True)
            _named(button, f"padTool_{key}", f"{text} tool", tip)
            self.tool_group.addButton(button)
            self.tool_buttons[key] = button
            tools.addWidget(button)
        self.tool_buttons["paint"].setChecked(True)
        self.brush = QSlider(Qt.Orientation.Horizontal, self)
        self.brush.setRange(0, 100)
        self.brush.setValue(75)
        _named(
            self.brush,
            "padBrushValue",
            "Brush value",
            f"The value the brush paints, from {low:g} (black) to {high:g} (white)",
        )
        self.brush_label = QLabel(self)
        _named(self.brush_label, "padBrushLabel", "Brush value shown")
        self.brush.valueChanged.connect(self._show_brush)
        self.brush.valueChanged.connect(lambda _v: self.tool_buttons["brush"].setChecked(True))
        tools.addWidget(self.brush, 1)
        tools.addWidget(self.brush_label)
        self._show_brush()

        # Clear and Invert, then the shapes as one group: in a narrow dock the group moves to a row of its own
        # rather than leaving one shape behind.
        actions_box = QWidget(self)
        actions = FlowLayout(actions_box)
        clear = QToolButton(self)
        clear.setText("Clear")
        _named(clear, "padClear", "Clear the pad", f"Set every pixel to {blank_word.lower()} (C or Delete)")
        clear.clicked.connect(self.clear)
        invert = QToolButton(self)
        invert.setText("Invert")
        _named(invert, "padInvert", "Invert the pad", "Swap black and white (I)")
        invert.clicked.connect(self.invert)
        actions.addWidget(clear)
        actions.addWidget(invert)
        self.preset_buttons: list[QToolButton] = []
        patterns = preset_patterns(grid)
        presets_box = QWidget(self)
        presets = QHBoxLayout(presets_box)
        presets.setContentsMargins(0, 0, 0, 0)
        presets.setSpacing(4)
        if patterns:
            presets_label = QLabel("Shapes:", presets_box)
            _named(
                presets_label,
                "padPresetsLabel",
                "Shapes to show on the pad",
                "Click a shape to show it on the pad",
            )
            presets.addWidget(presets_label)
            actions.addWidget(presets_box)
        # (name, values) of each Shape button: the pad tells the truth of a shape named after an output.
        self.presets: list[tuple[str, Array]] = []
        for name, pattern in patterns:
            values = preset_values(pattern, value_range)
            self.presets.append((name, values))
            button = QToolButton(self)
            button.setIcon(pixel_icon(values, grid, value_range, 20))
            button.setIconSize(QSize(22, 22))
            button.setText(name)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            _named(
                button,
                f"padPreset_{name.lower().replace(' ', '_').replace('-', '_')}",
                f"Preset {name}",
                f"Show the {name.lower()} pattern",
            )
            button.clicked.connect(lambda _c=False, v=values: self.set_values(v, notify=True))
            presets.addWidget(button)
            self.preset_buttons.append(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.editor, 1)
        layout.addWidget(actions_box)

    def _brush_value(self) -> float:
        low, high = self.value_range
        return float(low + (high - low) * self.brush.value() / 100.0)

    def _show_brush(self) -> None:
        self.brush_label.setText(f"{self._brush_value():+.2f}")

    def _left_value(self) -> float:
        checked = self.tool_group.checkedButton()
        if checked is self.tool_buttons["grey"]:
            return self.editor.blank_value
        if checked is self.tool_buttons["brush"]:
            return self._brush_value()
        return float(self.value_range[1])

    def values(self) -> Array:
        return self.editor.values()

    def set_values(self, values: Array, notify: bool = False) -> None:
        self.editor.set_values(values)
        if notify:
            self.edited.emit()

    def clear(self) -> None:
        w, h = self.grid
        self.set_values(np.full(w * h, self.editor.blank_value, dtype=np.float32), notify=True)

    def invert(self) -> None:
        low, high = self.value_range
        self.set_values((low + high) - self.editor.values(), notify=True)

    def focus_editor(self) -> None:
        self.editor.setFocus()
