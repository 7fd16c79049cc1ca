"""The freehand pad for digit-sized images: a canvas drawn with a thick pen, its tool row (pen, eraser, pen
size, undo stroke, clear) and, beside or under it, the preview of what the network sees.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data.preprocess import to_input_grid
from nnstudio.ui.pad_preview import PREVIEW_SCALE_NARROW, PREVIEW_SCALE_WIDE, InputPreview
from nnstudio.ui.pad_shared import named as _named
from nnstudio.ui.widgets.flow_layout import FlowLayout
from nnstudio.ui.widgets.pixel_images import Grid, Range, gray_qimage, qimage_gray, to_gray

Array = np.ndarray

# Size of the longer side of the freehand drawing, in its own pixels (ten per pixel of a 28x28 digit). The
# drawing is shown scaled to whatever room the dock gives; pen sizes are in these pixels.
FREEHAND_SIZE = 280
# The drawing area never shrinks below this (screen pixels), however narrow the dock.
MIN_FREEHAND_SIDE = 120
# From this width on the freehand pad shows the network's view beside the drawing, large; below it, small and
# underneath, so a narrow dock needs no horizontal scrolling.
WIDE_FREEHAND_PAD = 500
# Freehand strokes feed the network at most this often while the pen moves (ms between feeds).
FEED_INTERVAL_MS = 33
MAX_UNDO_STROKES = 50


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
