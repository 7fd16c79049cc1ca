"""The preview beside the freehand pad: the small image the network actually receives, drawn enlarged."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from nnstudio.ui.pad_shared import named as _named
from nnstudio.ui.widgets.pixel_images import Grid, Range, gray_qimage, to_gray

Array = np.ndarray

# Screen pixels per input pixel of the preview in each arrangement.
PREVIEW_SCALE_WIDE = 6
PREVIEW_SCALE_NARROW = 2


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
