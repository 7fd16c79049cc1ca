"""The pictures of the Receptive Field Gallery's tiles: fields and images scaled and framed, set side by side
or in a square of nine."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

Array = np.ndarray

# A picture's frame: a white field (every input at its top) still shows its edges on a light window.
PICTURE_FRAME = (60, 60, 60)
# How many dataset images excite a neuron most, shown in a 3x3 square.
STRONGEST = 9


def mosaic(images: list[Array], columns: int) -> Array:
    """Pictures of one size side by side, ``columns`` to a row, with a one-pixel gap."""
    h, w = images[0].shape[:2]
    rows = -(-len(images) // columns)
    out = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1, 3), 60, dtype=np.uint8)
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        out[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = image
    return out


def framed_pixmap(image: QImage, side: int) -> QPixmap:
    """``image`` scaled to fit a square of ``side`` pixels, crisp when enlarged."""
    mode = (
        Qt.TransformationMode.FastTransformation
        if image.width() <= side
        else Qt.TransformationMode.SmoothTransformation
    )
    pixmap = QPixmap.fromImage(image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, mode))
    # A thin dark frame: a white field (every input at its top) still shows its edges on a light window.
    painter = QPainter(pixmap)
    painter.setPen(QColor(*PICTURE_FRAME))
    painter.drawRect(0, 0, pixmap.width() - 1, pixmap.height() - 1)
    painter.end()
    return pixmap


def row_of_pictures(pixmaps: list[QPixmap], gap: int = 6) -> QPixmap:
    width = sum(p.width() for p in pixmaps) + gap * (len(pixmaps) - 1)
    height = max(p.height() for p in pixmaps)
    out = QPixmap(width, height)
    out.fill(QColor(0, 0, 0, 0))
    painter = QPainter(out)
    x = 0
    for p in pixmaps:
        painter.drawPixmap(x, 0, p)
        x += p.width() + gap
    painter.end()
    return out


def blank_picture(side: int) -> QPixmap:
    """An empty framed square where a field would be: the tile's words say why there is none."""
    pixmap = QPixmap(side, side)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setPen(QColor(*PICTURE_FRAME))
    painter.drawRect(0, 0, side - 1, side - 1)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "?")
    painter.end()
    return pixmap


def padded_samples(samples: list[Array]) -> list[Array]:
    """Fewer than nine images fill the first places of the 3x3 square, the rest left dark."""
    if not samples or len(samples) >= STRONGEST:
        return samples
    return samples + [np.full_like(samples[0], 40)] * (STRONGEST - len(samples))
