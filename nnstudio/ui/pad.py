"""The drawing pad: where a person feeds the network an input.

Which pad shows depends on the document's image grid:

- a small grid (up to 32x32): a grid of cells painted with the mouse (left white, right black, a grey or a
  brush tool), with presets for the four-pixel camera and the 3x3 shapes;
- a digit-sized image (28x28, anything larger than 32x32, or a 0..1 image of at least 20x20): a freehand
  pad with a thick pen, and beside it the small image the network actually receives after preprocessing;
- no grid: one slider and number box per input neuron.

Every change is fed to the :class:`~nnstudio.ui.live.LiveNetwork` at once, and an input set elsewhere
(a dataset row, a stored sample) is shown on the pad.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data import BUILTIN_DATASETS, DataError, load_dataset
from nnstudio.data.dataset import Dataset
from nnstudio.data.patterns import shapes3x3
from nnstudio.data.preprocess import to_input_grid
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.panel import Panel
from nnstudio.ui.plain_text import plain_tooltip
from nnstudio.ui.widgets.flow_layout import FlowLayout
from nnstudio.ui.widgets.pixel_images import Grid, Range, gray_qimage, pixel_icon, qimage_gray, to_gray
from nnstudio.ui.widgets.signals import SignalLinks

Array = np.ndarray

# Grids up to this size get a pad of cells; larger images get the freehand pad.
MAX_CELL_GRID = 32
# Size of the longer side of the freehand drawing, in its own pixels (ten per pixel of a 28x28 digit). The
# drawing is shown scaled to whatever room the dock gives; pen sizes are in these pixels.
FREEHAND_SIZE = 280
# The drawing area never shrinks below this (screen pixels), however narrow the dock.
MIN_FREEHAND_SIDE = 140
# From this width on the freehand pad shows the network's view beside the drawing, large; below it, small and
# underneath, so a narrow dock needs no horizontal scrolling.
WIDE_FREEHAND_PAD = 500
# Screen pixels per input pixel of the preview in each arrangement.
PREVIEW_SCALE_WIDE = 6
PREVIEW_SCALE_NARROW = 3
# At most this many inputs get a slider of their own when the network has no image grid.
MAX_INPUT_SLIDERS = 64
# Freehand strokes feed the network at most this often while the pen moves (ms between feeds).
FEED_INTERVAL_MS = 33
MAX_UNDO_STROKES = 50

# The four-pixel camera's shapes (row-major; +1 white, -1 black) and the L-shape a viewer asked about.
FOUR_PIXEL_PRESETS: list[tuple[str, tuple[int, ...]]] = [
    ("Solid", (1, 1, 1, 1)),
    ("Vertical", (1, -1, 1, -1)),
    ("Diagonal", (1, -1, -1, 1)),
    ("Horizontal", (1, 1, -1, -1)),
    ("L-shape", (1, -1, 1, 1)),
]


# ---------------------------------------------------------------------------------------------- helpers
def is_freehand_grid(grid: Grid, value_range: Range) -> bool:
    """True when an image is drawn freehand (digits) rather than cell by cell."""
    w, h = grid
    if (w, h) == (28, 28) or w > MAX_CELL_GRID or h > MAX_CELL_GRID:
        return True
    return tuple(value_range) == (0.0, 1.0) and w >= 20 and h >= 20


def preset_values(pattern: Sequence[float], value_range: Range) -> Array:
    """A preset written in -1 (black) .. +1 (white) mapped into the document's value range."""
    low, high = value_range
    p = np.asarray(pattern, dtype=np.float32)
    return (low + (p + 1.0) * 0.5 * (high - low)).astype(np.float32)


def _preset_patterns(grid: Grid) -> list[tuple[str, tuple[float, ...]]]:
    if grid == (2, 2):
        return [(name, tuple(float(v) for v in p)) for name, p in FOUR_PIXEL_PRESETS]
    if grid == (3, 3):
        shapes = shapes3x3()
        seen: dict[int, tuple[float, ...]] = {}
        for row, cls in zip(shapes.inputs, shapes.classes, strict=True):
            seen.setdefault(int(cls), tuple(float(v) for v in row))
        return [
            (shapes.labels[c].capitalize() if len(shapes.labels[c]) > 1 else shapes.labels[c], seen[c])
            for c in sorted(seen)
        ]
    return []


def _cell_text(value: float) -> str:
    text = f"{value:+.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0") else text


def _named(widget: QWidget, object_name: str, accessible: str, tip: str = "") -> None:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(plain_tooltip(tip))  # tips name inputs, whose names come from the file


def _is_undo_key(event: QKeyEvent) -> bool:
    return event.matches(QKeySequence.StandardKey.Undo)


# ---------------------------------------------------------------------------------------------- cell grid
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
        patterns = _preset_patterns(grid)
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


# ---------------------------------------------------------------------------------------------- freehand
class FreehandCanvas(QWidget):
    """A large canvas drawn with a thick anti-aliased pen, light on dark as the MNIST digits are.

    A stroke is drawn as it goes, one segment per mouse move, so a move costs the same at the stroke's
    2,000th point as at its first. Each segment is rendered on its own into a small image, and the stroke's
    coverage (how much of each pixel the pen has covered) keeps the largest of them; the picture is the
    picture from before the stroke with that coverage laid over it. So overlapping segments never pile up
    their anti-aliased edges, as painting each segment over the last would. Only the pixels around the pen
    change and are repainted. The picture has a fixed size (``canvas_size``, in drawing pixels) and is shown
    as large as the widget allows, keeping its shape; :meth:`image_point` and :meth:`widget_point` convert
    between the two.
    """

    strokeMoved = Signal()
    strokeFinished = Signal()

    def __init__(self, grid: Grid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(
            self,
            "padCanvas",
            "Drawing canvas",
            "Draw with the left button; the right button or the eraser rubs out.\n"
            "Ctrl+Z undoes the last stroke, C or Delete clears.",
        )
        w, h = grid
        longer = max(w, h)
        self.canvas_size = QSize(round(FREEHAND_SIZE * w / longer), round(FREEHAND_SIZE * h / longer))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(
            self.canvas_size.scaled(
                QSize(MIN_FREEHAND_SIDE, MIN_FREEHAND_SIDE), Qt.AspectRatioMode.KeepAspectRatio
            )
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.image = QImage(self.canvas_size, QImage.Format.Format_Grayscale8)
        self.image.fill(0)
        self.history: list[QImage] = []
        self.pen_width = 20.0
        self.eraser = False
        # While a stroke is drawn: the picture's pixels before it, the coverage so far, the pen's last point.
        self._before: Array | None = None
        self._coverage: Array | None = None
        self._last: QPointF | None = None
        self._erasing_stroke = False

    def sizeHint(self) -> QSize:
        # Expanding, it takes all the room the pad has; hinting only its smallest size lets a short dock
        # shrink the drawing instead of scrolling the pad's buttons out of view.
        return self.minimumSize()

    def picture_rect(self) -> QRectF:
        """Where the picture is shown: as large as fits, its shape kept, centred in the widget."""
        shown = QSizeF(self.canvas_size).scaled(QSizeF(self.size()), Qt.AspectRatioMode.KeepAspectRatio)
        corner = QPointF((self.width() - shown.width()) / 2, (self.height() - shown.height()) / 2)
        return QRectF(corner, shown)

    def image_point(self, pos: QPointF) -> QPointF:
        """A point of the widget in drawing pixels (outside the picture gives points outside it too)."""
        rect = self.picture_rect()
        scale = self.canvas_size.width() / rect.width() if rect.width() > 0 else 1.0
        return (pos - rect.topLeft()) * scale

    def widget_point(self, point: QPointF) -> QPointF:
        """A point of the drawing (in drawing pixels) where it shows on the widget."""
        rect = self.picture_rect()
        return rect.topLeft() + point * (rect.width() / self.canvas_size.width())

    def gray(self) -> Array:
        return qimage_gray(self.image)

    def is_blank(self) -> bool:
        return bool(self.gray().max() == 0.0)

    def _remember(self) -> None:
        self.history.append(self.image.copy())
        del self.history[:-MAX_UNDO_STROKES]

    def set_picture(self, gray: Array, remember: bool = True) -> None:
        """Show a (H, W) brightness image 0..1 scaled to the canvas (a sample, or what another view fed)."""
        if remember:
            self._remember()
        small = gray_qimage(gray)
        scaled = small.scaled(
            self.canvas_size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.image = scaled.convertToFormat(QImage.Format.Format_Grayscale8)
        self.update()

    def clear(self) -> None:
        self._remember()
        self.image.fill(0)
        self.update()

    def undo(self) -> bool:
        """Go back to the picture before the last stroke (or clear); False when there is nothing to undo."""
        if not self.history:
            return False
        self.image = self.history.pop()
        self.update()
        return True

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self.picture_rect()
        # Only the part asked for: while drawing that is the few pixels around the pen.
        shown = rect.intersected(QRectF(event.rect()))
        if not shown.isEmpty():
            scale = self.canvas_size.width() / rect.width()
            source = QRectF((shown.topLeft() - rect.topLeft()) * scale, shown.size() * scale)
            painter.drawImage(shown, self.image, source)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.end()

    def _stroke_pen(self) -> QPen:
        width = self.pen_width * (1.6 if self._erasing_stroke else 1.0)
        return QPen(
            QColor(255, 255, 255),
            width,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )

    def _pixels(self) -> Array:
        """The picture's pixels as a writable (H, W) uint8 array over the image's own memory."""
        w, h = self.canvas_size.width(), self.canvas_size.height()
        raw = np.frombuffer(self.image.bits(), dtype=np.uint8, count=self.image.bytesPerLine() * h)
        return raw.reshape(h, self.image.bytesPerLine())[:, :w]

    def _draw_segment(self, start: QPointF, end: QPointF) -> None:
        """Add the pen's segment from ``start`` to ``end`` (drawing pixels) to the stroke and the picture."""
        if self._before is None or self._coverage is None:
            return
        pen = self._stroke_pen()
        reach = pen.widthF() / 2 + 2
        h, w = self._coverage.shape
        left = max(0, int(np.floor(min(start.x(), end.x()) - reach)))
        top = max(0, int(np.floor(min(start.y(), end.y()) - reach)))
        right = min(w, int(np.ceil(max(start.x(), end.x()) + reach)) + 1)
        bottom = min(h, int(np.ceil(max(start.y(), end.y()) + reach)) + 1)
        if right <= left or bottom <= top:
            return  # wholly outside the picture
        piece = QImage(right - left, bottom - top, QImage.Format.Format_Grayscale8)
        piece.fill(0)
        painter = QPainter(piece)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        corner = QPointF(left, top)
        if start == end:
            painter.drawPoint(start - corner)
        else:
            painter.drawLine(start - corner, end - corner)
        painter.end()
        covered = qimage_gray(piece)
        coverage = self._coverage[top:bottom, left:right]
        np.maximum(coverage, covered, out=coverage)
        before = self._before[top:bottom, left:right]
        # The pen takes a covered pixel towards white, the eraser towards black.
        target = 0.0 if self._erasing_stroke else 255.0
        after = before + (target - before) * coverage
        self._pixels()[top:bottom, left:right] = np.round(after).astype(np.uint8)
        self._update_drawing(QRectF(left, top, right - left, bottom - top))

    def _update_drawing(self, area: QRectF) -> None:
        """Repaint the widget where ``area`` (drawing pixels) shows, with a pixel to spare for smoothing."""
        rect = self.picture_rect()
        scale = rect.width() / self.canvas_size.width()
        shown = QRectF(rect.topLeft() + area.topLeft() * scale, area.size() * scale)
        self.update(shown.toAlignedRect().adjusted(-2, -2, 2, 2))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._erasing_stroke = self.eraser or event.button() == Qt.MouseButton.RightButton
        self._remember()
        self._before = self._pixels().astype(np.float32)
        self._coverage = np.zeros_like(self._before)
        self._last = self.image_point(event.position())
        self._draw_segment(self._last, self._last)
        self.strokeMoved.emit()
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._last is None:
            return
        point = self.image_point(event.position())
        if point == self._last:
            return
        self._draw_segment(self._last, point)
        self._last = point
        self.strokeMoved.emit()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._last is None:
            return
        self._last = None
        self._before = None
        self._coverage = None
        event.accept()
        self.strokeFinished.emit()

    def contextMenuEvent(self, event: Any) -> None:
        event.accept()  # the right button erases here


class InputPreview(QWidget):
    """The small image the network actually receives, drawn enlarged with crisp pixels."""

    def __init__(self, grid: Grid, value_range: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        w, h = grid
        self.grid = grid
        self.value_range = value_range
        self.values = np.full(w * h, value_range[0], dtype=np.float32)
        self.scale = 0
        self.set_scale(PREVIEW_SCALE_WIDE)
        _named(
            self,
            "padPreview",
            f"What the network sees, {w} by {h}",
            f"The {w}x{h} image the network receives: your drawing centred and scaled like the digits",
        )

    def set_scale(self, scale: int) -> None:
        """Screen pixels per input pixel (a 28x28 image never gets more than 168 of them a side)."""
        w, h = self.grid
        self.scale = max(1, min(scale, 168 // max(w, h)))
        self.setFixedSize(w * self.scale + 2, h * self.scale + 2)

    def set_values(self, values: Array) -> None:
        self.values = np.asarray(values, dtype=np.float32).ravel().copy()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        w, h = self.grid
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(128, 128, 140))
        image = gray_qimage(to_gray(self.values, self.value_range).reshape(h, w))
        painter.drawImage(QRectF(1, 1, self.width() - 2, self.height() - 2), image)
        painter.end()


class FreehandPad(QWidget):
    """The freehand canvas with pen, eraser, pen size, undo and clear, and a preview of what is fed.

    ``cleared`` follows a wipe of the whole drawing (Clear, C or Delete).
    """

    edited = Signal()
    cleared = Signal()

    def __init__(self, grid: Grid, value_range: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "padFreehand", "Freehand pad")
        self.grid = grid
        self.value_range = value_range
        w, h = grid
        self.canvas = FreehandCanvas(grid, self)
        self.preview = InputPreview(grid, value_range, self)
        self._values = np.full(w * h, value_range[0], dtype=np.float32)
        self._feed_timer = QTimer(self)
        self._feed_timer.setSingleShot(True)
        self._feed_timer.setInterval(FEED_INTERVAL_MS)
        self._feed_timer.timeout.connect(self._update_values)
        self.canvas.strokeMoved.connect(self._stroke_moved)
        self.canvas.strokeFinished.connect(self._update_values)

        tools_box = QWidget(self)
        tools = FlowLayout(tools_box)
        group = QButtonGroup(self)
        self.pen_button = QToolButton(self)
        self.pen_button.setText("Pen")
        self.pen_button.setCheckable(True)
        self.pen_button.setChecked(True)
        _named(self.pen_button, "padPen", "Pen", "Draw in white (left button)")
        self.eraser_button = QToolButton(self)
        self.eraser_button.setText("Eraser")
        self.eraser_button.setCheckable(True)
        _named(
            self.eraser_button,
            "padEraser",
            "Eraser",
            "Rub out with the left button (the right button always does)",
        )
        group.addButton(self.pen_button)
        group.addButton(self.eraser_button)
        self.eraser_button.toggled.connect(self._set_eraser)
        self.size_spin = QSpinBox(self)
        self.size_spin.setRange(4, 60)
        self.size_spin.setValue(int(self.canvas.pen_width))
        self.size_spin.setSuffix(" px")
        _named(self.size_spin, "padPenSize", "Pen size", "Thickness of the pen")
        self.size_spin.valueChanged.connect(self._set_pen_width)
        self.undo_button = QToolButton(self)
        self.undo_button.setText("Undo stroke")
        _named(
            self.undo_button, "padUndoStroke", "Undo stroke", "Take back the last stroke (Ctrl+Z on the pad)"
        )
        self.undo_button.clicked.connect(self.undo_stroke)
        clear = QToolButton(self)
        clear.setText("Clear")
        _named(clear, "padClear", "Clear the pad", "Wipe the drawing (C or Delete)")
        clear.clicked.connect(self.clear)
        for widget in (self.pen_button, self.eraser_button, self.size_spin, self.undo_button, clear):
            tools.addWidget(widget)
        self.tools = tools_box

        self.preview_box = QWidget(self)
        preview_layout = QVBoxLayout(self.preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        self.preview_caption = QLabel(f"What the network sees ({w}x{h})", self.preview_box)
        self.preview_caption.setWordWrap(True)
        _named(self.preview_caption, "padPreviewCaption", "Preview caption")
        preview_layout.addWidget(self.preview_caption)
        preview_layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignLeft)
        preview_layout.addStretch(1)

        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(0, 1)
        self._grid.setRowStretch(0, 1)
        self.wide: bool | None = None
        self._arrange(False)
        self._update_undo_button()

    def _arrange(self, wide: bool) -> None:
        """Wide: the network's view large, beside the drawing. Narrow: small, under it, beside the tools."""
        if wide == self.wide:
            return
        self.wide = wide
        grid = self._grid
        for widget in (self.canvas, self.tools, self.preview_box):
            grid.removeWidget(widget)
        self.preview.set_scale(PREVIEW_SCALE_WIDE if wide else PREVIEW_SCALE_NARROW)
        # The caption wraps to the preview's width, so the preview column is no wider than the picture.
        self.preview_box.setFixedWidth(max(self.preview.width(), 90))
        if wide:
            grid.addWidget(self.canvas, 0, 0)
            grid.addWidget(self.tools, 1, 0)
            grid.addWidget(self.preview_box, 0, 1, 2, 1)
        else:
            grid.addWidget(self.canvas, 0, 0, 1, 2)
            grid.addWidget(self.tools, 1, 0)
            grid.addWidget(self.preview_box, 1, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width() >= WIDE_FREEHAND_PAD)

    def _set_eraser(self, on: bool) -> None:
        self.canvas.eraser = on

    def _set_pen_width(self, width: int) -> None:
        self.canvas.pen_width = float(width)

    def _update_undo_button(self) -> None:
        self.undo_button.setEnabled(bool(self.canvas.history))

    def _stroke_moved(self) -> None:
        self._update_undo_button()
        if not self._feed_timer.isActive():
            self._feed_timer.start()

    def _update_values(self) -> None:
        self._feed_timer.stop()
        self._update_undo_button()
        if self.canvas.is_blank():
            w, h = self.grid
            values = np.full(w * h, self.value_range[0], dtype=np.float32)
        else:
            values = np.asarray(
                to_input_grid(self.canvas.gray(), self.grid, self.value_range), dtype=np.float32
            ).ravel()
        self._values = values
        self.preview.set_values(values)
        self.edited.emit()

    def values(self) -> Array:
        return self._values.copy()

    def show_values(self, values: Array, remember: bool = True) -> None:
        """Show input values exactly (fed as they are, not preprocessed again), the picture enlarged."""
        w, h = self.grid
        self._values = np.asarray(values, dtype=np.float32).ravel().copy()
        self.canvas.set_picture(to_gray(self._values, self.value_range).reshape(h, w), remember=remember)
        self.preview.set_values(self._values)
        self._update_undo_button()

    def set_values(self, values: Array, notify: bool = False) -> None:
        self.show_values(values)
        if notify:
            self.edited.emit()

    def clear(self) -> None:
        self.canvas.clear()
        self._update_values()
        self.cleared.emit()

    def undo_stroke(self) -> bool:
        if not self.canvas.undo():
            return False
        self._update_values()
        return True

    def focus_editor(self) -> None:
        self.canvas.setFocus()


# ---------------------------------------------------------------------------------------------- sliders
class InputSliders(QWidget):
    """One slider and number box per input neuron, for networks whose inputs are not an image."""

    edited = Signal()

    def __init__(self, names: list[str], value_range: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "padInputs", "Input values")
        self.value_range = value_range
        self._values = np.zeros(len(names), dtype=np.float32)
        self.sliders: list[QSlider] = []
        self.spins: list[QDoubleSpinBox] = []
        inner = QWidget()
        grid = QGridLayout(inner)
        shown = names[:MAX_INPUT_SLIDERS]
        low, high = value_range
        for i, name in enumerate(shown):
            label = QLabel(name, inner)
            label.setTextFormat(Qt.TextFormat.PlainText)
            _named(label, f"padInputLabel_{i}", f"Input {name}")
            slider = QSlider(Qt.Orientation.Horizontal, inner)
            slider.setRange(0, 200)
            _named(
                slider,
                f"padInputSlider_{i}",
                f"Input {name} slider",
                f"Drag to set {name} between {low:g} and {high:g}",
            )
            spin = QDoubleSpinBox(inner)
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(2)
            spin.setSingleStep(0.1)
            spin.setKeyboardTracking(False)
            _named(spin, f"padInputValue_{i}", f"Input {name} value", f"Type any value for {name}")
            slider.valueChanged.connect(lambda pos, index=i: self._slider_moved(index, pos))
            spin.valueChanged.connect(lambda value, index=i: self._spin_changed(index, value))
            grid.addWidget(label, i, 0)
            grid.addWidget(slider, i, 1)
            grid.addWidget(spin, i, 2)
            self.sliders.append(slider)
            self.spins.append(spin)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(shown), 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        _named(scroll, "padInputsScroll", "Input values list")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if len(names) > MAX_INPUT_SLIDERS:
            note = QLabel(
                f"Showing the first {MAX_INPUT_SLIDERS} of {len(names)} inputs; the others keep "
                f"their values. Give the network an image grid to draw its input instead.",
                self,
            )
            note.setWordWrap(True)
            _named(note, "padInputsNote", "Only some inputs shown")
            layout.addWidget(note)
        layout.addWidget(scroll, 1)
        self._show_values()

    def _slider_position(self, value: float) -> int:
        low, high = self.value_range
        span = high - low if high != low else 1.0
        return int(round(np.clip((value - low) / span, 0.0, 1.0) * 200))

    def _show_values(self) -> None:
        for i, (slider, spin) in enumerate(zip(self.sliders, self.spins, strict=True)):
            slider.blockSignals(True)
            spin.blockSignals(True)
            slider.setValue(self._slider_position(float(self._values[i])))
            spin.setValue(float(self._values[i]))
            slider.blockSignals(False)
            spin.blockSignals(False)

    def _slider_moved(self, index: int, position: int) -> None:
        low, high = self.value_range
        value = low + (high - low) * position / 200.0
        self._values[index] = value
        spin = self.spins[index]
        spin.blockSignals(True)
        spin.setValue(value)
        spin.blockSignals(False)
        self.edited.emit()

    def _spin_changed(self, index: int, value: float) -> None:
        self._values[index] = value
        slider = self.sliders[index]
        slider.blockSignals(True)
        slider.setValue(self._slider_position(value))
        slider.blockSignals(False)
        self.edited.emit()

    def values(self) -> Array:
        return self._values.copy()

    def set_values(self, values: Array, notify: bool = False) -> None:
        self._values = np.asarray(values, dtype=np.float32).ravel().copy()
        self._show_values()
        if notify:
            self.edited.emit()

    def clear(self) -> None:
        self.set_values(np.zeros_like(self._values), notify=True)

    def focus_editor(self) -> None:
        if self.spins:
            self.spins[0].setFocus()


# ---------------------------------------------------------------------------------------------- the panel
class DrawingPad(Panel):
    """The panel that feeds the network: cells, a freehand pad or sliders, whichever fits the document.

    ``imageChanged`` is emitted whenever what the pad shows changes (a stroke, a click, an input set
    elsewhere), so a samples list can take the current image.

    The truth follows what is on the pad of cells: a Shape button, or a picture painted by hand that is one
    of the dataset's patterns, sets that pattern's truth; painting it into no pattern drops that truth again.
    Freehand drawing leaves the truth for the person to pick (Clear forgets it with the picture).
    """

    imageChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "drawingPad", "Drawing pad", "Feed the network: draw or set its input here")
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._links = SignalLinks()
        self._editor: CellPad | FreehandPad | InputSliders | None = None
        self._shape: tuple[Any, ...] | None = None
        self._fed = np.zeros(0, dtype=np.float32)
        # True while values are put on the pad from elsewhere (a sample): they bring their own truth.
        self._setting_values = False
        # The pictures of known truth on a pad of cells, built once per document: (key, inputs, truths).
        self._patterns: tuple[tuple[Any, ...], Array, Array] | None = None
        # The truth of the pattern the pad shows, if it shows one (it goes with the picture when painted over).
        self._pattern_truth: Array | None = None
        self.mode = "empty"
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _named(self.message, "padMessage", "Drawing pad message")
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        _named(self.title, "padTitle", "Drawing pad description")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show_message("Open or build a network to feed it an input here.")

    # ------------------------------------------------------------------ binding
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """Follow another document's live network (called at start and whenever a document is opened)."""
        self._links.disconnect_all()
        self.live = live
        self.undo_stack = undo_stack
        self._shape = None
        self._links.connect(live.planChanged, self.refresh)
        self._links.connect(live.valuesChanged, self._on_values_changed)
        self.refresh()

    def _wanted_shape(self) -> tuple[Any, ...]:
        live = self.live
        if live is None:
            return ("empty", "Open or build a network to feed it an input here.")
        if live.plan is None:
            return ("empty", _problem_text(live))
        doc = live.document
        n = live.n_inputs
        value_range = (float(doc.value_range[0]), float(doc.value_range[1]))
        grid = tuple(doc.grid) if doc.grid is not None else None
        if grid is not None and grid[0] * grid[1] <= n:
            mode = "freehand" if is_freehand_grid(grid, value_range) else "cells"
            return (mode, grid, value_range, n)
        names = [doc.network.neurons[nid].display_name for nid in live.plan.input_ids]
        return ("inputs", tuple(names), value_range, grid)

    def refresh(self) -> None:
        """Rebuild the pad if the document's grid or inputs changed, and show the current input."""
        shape = self._wanted_shape()
        if shape != self._shape:
            self._shape = shape
            self._build(shape)
        self._adopt_input(force=True)

    def _build(self, shape: tuple[Any, ...]) -> None:
        if self._editor is not None:
            self.stack.removeWidget(self._editor)
            self._editor.setParent(None)
            self._editor.deleteLater()
            self._editor = None
        self.mode = shape[0]
        if self.mode == "empty":
            self._show_message(shape[1])
            return
        if self.mode == "inputs":
            names, value_range, grid = shape[1], shape[2], shape[3]
            editor: CellPad | FreehandPad | InputSliders = InputSliders(list(names), value_range, self)
            if grid is not None:
                self.title.setText(
                    f"The {grid[0]}x{grid[1]} image needs {grid[0] * grid[1]} inputs but the"
                    f" network has {len(names)}; set each input here."
                )
            else:
                self.title.setText("Set each input neuron's value.")
        else:
            grid, value_range = shape[1], shape[2]
            low, high = value_range
            if self.mode == "freehand":
                editor = FreehandPad(grid, value_range, self)
                self.title.setText(
                    f"Draw with the mouse; the right button rubs out. The small picture is"
                    f" what the network sees: your drawing shrunk to {grid[0]}x{grid[1]}"
                    f" pixels."
                )
            else:
                editor = CellPad(grid, value_range, self)
                self.title.setText(
                    f"Left click paints white ({high:g}), right click black ({low:g}). C clears, I inverts."
                )
        editor.edited.connect(self._on_edited)
        if isinstance(editor, FreehandPad):
            editor.cleared.connect(self._on_drawing_cleared)
        self._editor = editor
        self.stack.addWidget(editor)
        self.stack.setCurrentWidget(editor)
        self.title.setVisible(True)

    def _show_message(self, text: str) -> None:
        self.mode = "empty"
        self.message.setText(text)
        self.title.setVisible(False)
        self.stack.setCurrentWidget(self.message)

    @property
    def editor(self) -> CellPad | FreehandPad | InputSliders | None:
        """The pad in use (cells, freehand or sliders), or None while the network cannot be fed."""
        return self._editor

    # ------------------------------------------------------------------ values
    def pad_values(self) -> Array:
        """What the pad shows: the image's pixels (row-major, the document's value range) or, without an
        image grid, one value per input neuron."""
        if self._editor is None:
            return np.zeros(0, dtype=np.float32)
        return self._editor.values()

    def set_pad_values(self, values: Array) -> None:
        """Show these values on the pad and feed them to the network."""
        if self._editor is None:
            raise ValueError("the pad cannot take values while the network cannot run")
        values = np.asarray(values, dtype=np.float32).ravel()
        expected = self._editor.values().size
        if values.size != expected:
            raise ValueError(f"the pad holds {expected} values, got {values.size}")
        self._setting_values = True
        try:
            self._editor.set_values(values, notify=True)
        finally:
            self._setting_values = False

    def _full_input(self, pad: Array) -> Array:
        """The pad's values completed with the network's other inputs (those beyond the image)."""
        live = self.live
        assert live is not None
        current = live.input
        if current.size != live.n_inputs:
            current = np.zeros(live.n_inputs, dtype=np.float32)
        current[: pad.size] = pad
        return current

    def _on_edited(self) -> None:
        if self.live is None or self._editor is None or self.live.plan is None:
            return
        pad = self._editor.values()
        full = self._full_input(pad)
        self._fed = full.copy()
        self.live.set_input(full)
        if self._setting_values:
            self._pattern_truth = self._truth_of_pattern(pad)
        else:
            self._truth_follows_picture(pad)
        self.imageChanged.emit()

    # ------------------------------------------------------------------ truth
    def _known_patterns(self) -> tuple[Array, Array] | None:
        """On a pad of cells, the pictures whose truth is known: the dataset's patterns (the document's own
        samples, or the built-in dataset it trains on) and the Shape buttons named after an output."""
        live = self.live
        if live is None or live.plan is None or not isinstance(self._editor, CellPad):
            return None
        doc = live.document
        labels = live.output_labels()
        samples = doc.dataset
        key = (
            id(doc),
            self._shape,
            tuple(labels),
            id(samples),
            0 if samples is None else len(samples),
            doc.training_data,
        )
        if self._patterns is None or self._patterns[0] != key:
            self._patterns = (
                key,
                *_patterns_of_known_truth(self._editor, samples, doc.training_data, labels),
            )
        return self._patterns[1], self._patterns[2]

    def _truth_of_pattern(self, pad: Array) -> Array | None:
        known = self._known_patterns()
        if known is None or known[0].shape[0] == 0 or known[0].shape[1] != pad.size:
            return None
        hits = np.flatnonzero(np.all(known[0] == pad[None, :], axis=1))
        return known[1][int(hits[0])].copy() if hits.size else None

    def _truth_follows_picture(self, pad: Array) -> None:
        """A picture painted by hand (or a Shape button) takes the truth of the pattern it now shows. A
        picture that is no pattern drops the truth the last pattern brought, leaving it for the person to
        pick; a truth the person picked for their own picture stays."""
        live = self.live
        assert live is not None
        truth = self._truth_of_pattern(pad)
        current = live.truth
        if truth is not None:
            if current is None or not np.array_equal(current, truth):
                live.set_truth(truth)
        elif (
            current is not None
            and self._pattern_truth is not None
            and np.array_equal(current, self._pattern_truth)
        ):
            live.set_truth(None)
        self._pattern_truth = truth

    def _on_drawing_cleared(self) -> None:
        # The truth belonged to the picture just wiped (a sample, a dataset row); the next drawing is new.
        if self.live is not None and self.live.truth is not None:
            self.live.set_truth(None)

    def _on_values_changed(self) -> None:
        self._adopt_input(force=False)

    def _adopt_input(self, force: bool) -> None:
        """Show an input that was set elsewhere (a dataset row, a sample) without feeding it back."""
        live = self.live
        if live is None or self._editor is None or live.plan is None:
            return
        current = live.input
        if current.size != live.n_inputs:
            return
        if not force and current.shape == self._fed.shape and np.array_equal(current, self._fed):
            return
        self._fed = current.copy()
        size = self._editor.values().size
        shown = self._editor.values()
        self._pattern_truth = self._truth_of_pattern(current[:size])
        if force or not np.array_equal(shown, current[:size]):
            if isinstance(self._editor, FreehandPad):
                # On a first look at a document the picture is not a step the pad's undo should go back over.
                self._editor.show_values(current[:size], remember=not force)
            else:
                self._editor.set_values(current[:size])
            self.imageChanged.emit()

    # ------------------------------------------------------------------ keys
    def clear(self) -> None:
        if self._editor is not None:
            self._editor.clear()

    def invert(self) -> None:
        if isinstance(self._editor, CellPad):
            self._editor.invert()

    def undo_stroke(self) -> bool:
        return isinstance(self._editor, FreehandPad) and self._editor.undo_stroke()

    def _handles(self, event: QKeyEvent) -> bool:
        if isinstance(self._editor, InputSliders):
            return False  # the number boxes take their keys themselves
        key = event.key()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and key in (Qt.Key.Key_C, Qt.Key.Key_Delete):
            return True
        if plain and key == Qt.Key.Key_I and isinstance(self._editor, CellPad):
            return True
        return (
            _is_undo_key(event)
            and isinstance(self._editor, FreehandPad)
            and bool(self._editor.canvas.history)
        )

    def event(self, event: QEvent) -> bool:
        # Claim the pad's own keys before the window's shortcuts (Delete, Ctrl+Z) take them.
        override = event.type() == QEvent.Type.ShortcutOverride
        if override and isinstance(event, QKeyEvent) and self._handles(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handles(event):
            return super().keyPressEvent(event)
        key = event.key()
        if _is_undo_key(event):
            self.undo_stroke()
        elif key in (Qt.Key.Key_C, Qt.Key.Key_Delete):
            self.clear()
        elif key == Qt.Key.Key_I:
            self.invert()
        event.accept()

    def focusInEvent(self, event: Any) -> None:
        if self._editor is not None:
            self._editor.focus_editor()
        super().focusInEvent(event)


def _patterns_of_known_truth(
    cells: CellPad, samples: Dataset | None, training_data: str | None, labels: list[str]
) -> tuple[Array, Array]:
    """(inputs, truths) of every picture whose truth is known on this pad of cells, one row each."""
    size = cells.grid[0] * cells.grid[1]
    inputs: list[Array] = []
    truths: list[Array] = []
    dataset = samples if samples is not None and len(samples) > 0 else None
    # The built-in digits are 28x28 pictures, never on a pad of cells: not worth reading to find that out.
    if dataset is None and training_data in BUILTIN_DATASETS and not str(training_data).startswith("digits"):
        try:
            dataset = load_dataset(str(training_data))
        except DataError:
            dataset = None
    if dataset is not None and dataset.n_inputs == size and dataset.n_outputs == len(labels):
        inputs.extend(np.asarray(dataset.inputs, dtype=np.float32))
        truths.extend(np.asarray(dataset.targets, dtype=np.float32))
    wanted = [label.lower() for label in labels]
    for name, values in cells.presets:
        if name.lower() in wanted:
            truth = np.zeros(len(labels), dtype=np.float32)
            truth[wanted.index(name.lower())] = 1.0
            inputs.append(values)
            truths.append(truth)
    if not inputs:
        return np.zeros((0, size), dtype=np.float32), np.zeros((0, len(labels)), dtype=np.float32)
    return np.vstack(inputs), np.vstack(truths)


def _problem_text(live: LiveNetwork) -> str:
    network = live.document.network
    if not network.inputs():
        return "This network has no inputs yet. Add input neurons (or give it an image grid) to feed it."
    if not network.outputs():
        return "This network has no outputs yet, so there is nothing to feed. Add an output neuron."
    return f"The network cannot run: {live.problem}"
