"""Input images as pictures: values in a document's range to grey levels, QImages, and small crisp icons."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap

Array = np.ndarray
Grid = tuple[int, int]  # (width, height)
Range = tuple[float, float]  # (black, white)


def to_gray(values: Array, value_range: Range) -> Array:
    """Pixel values in the document's range -> brightness 0 (black) .. 1 (white)."""
    low, high = value_range
    span = high - low if high != low else 1.0
    return np.clip((np.asarray(values, dtype=np.float64) - low) / span, 0.0, 1.0)


def gray_qimage(gray: Array) -> QImage:
    """A (H, W) brightness array 0..1 as an 8-bit grey QImage (a copy that owns its pixels)."""
    data = np.ascontiguousarray(np.round(np.clip(gray, 0.0, 1.0) * 255).astype(np.uint8))
    h, w = data.shape
    return QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


def qimage_gray(image: QImage) -> Array:
    """An 8-bit grey QImage as a (H, W) float array 0 (black) .. 1 (white)."""
    if image.format() != QImage.Format.Format_Grayscale8:
        image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * h)
    return raw.reshape(h, image.bytesPerLine())[:, :w].astype(np.float32) / np.float32(255.0)


def pixel_pixmap(values: Array, grid: Grid, value_range: Range, size: int) -> QPixmap:
    """A small picture of an input image, each pixel a crisp square, in a thin frame (tables, lists)."""
    w, h = grid
    image = gray_qimage(to_gray(values, value_range).reshape(h, w))
    scale = max(1, size // max(w, h))
    pixmap = QPixmap(w * scale + 2, h * scale + 2)
    pixmap.fill(QColor(128, 128, 140))
    painter = QPainter(pixmap)
    painter.drawImage(QRectF(1, 1, w * scale, h * scale), image)
    painter.end()
    return pixmap


def pixel_icon(values: Array, grid: Grid, value_range: Range, size: int) -> QIcon:
    """:func:`pixel_pixmap` as an icon that keeps its true greys when its row or item is selected."""
    pixmap = pixel_pixmap(values, grid, value_range, size)
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon
