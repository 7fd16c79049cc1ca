"""Feature maps and kernels as grey pictures: the canvas's blocks and the feature-map story draw them alike."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

Array = np.ndarray


def gray_image(values: Array, low: float, high: float) -> QImage:
    """A 2-D array as an 8-bit grey picture, ``low`` black and ``high`` white (not finite: magenta-free
    mid grey, so an overflow shows as a flat patch rather than breaking the picture)."""
    span = high - low if high > low else 1.0
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=(low + high) / 2, posinf=high, neginf=low)
    data = np.ascontiguousarray(np.round(np.clip((v - low) / span, 0.0, 1.0) * 255).astype(np.uint8))
    h, w = data.shape
    return QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


def signed_image(values: Array) -> QImage:
    """Kernel numbers as grey around the middle: white the largest positive, black the largest negative."""
    scale = float(np.abs(values).max()) if np.size(values) else 0.0
    scale = scale if scale > 0 else 1.0
    return gray_image(values, -scale, scale)


def map_range(maps: Array) -> tuple[float, float]:
    """The grey scale of a layer's maps: 0..largest for non-negative maps, else symmetric around 0."""
    finite = maps[np.isfinite(maps)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    if low >= 0:
        return 0.0, max(high, 1e-9)
    largest = max(abs(low), abs(high), 1e-9)
    return -largest, largest
