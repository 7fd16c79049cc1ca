"""Turning any grayscale picture into a network's input grid, the same way for the drawing pad and the CLI.

Input pictures are 2-D float arrays with 0 = black and 1 = white, rows top to bottom. Two ways:

* a 28x28 grid gets what MNIST did to its digits: find the ink (dark on light or light on dark, told by
  the border), make it white on black with its strongest ink full white, scale its bounding box to fit
  20x20 keeping the aspect ratio with area-averaging (antialiased) resampling, and place it in the 28x28
  field so that its centre of mass sits in the middle;
* any other grid (the small ones up to 32x32 above all) gets each cell's area averaged, cells whose
  borders fall between pixels taking the right fraction of those pixels; the picture keeps its polarity.

Either way 0..1 is then mapped onto the grid's value range (black = low end, white = high end).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .dataset import DataError
from .images import read_checked_image

if TYPE_CHECKING:
    from PySide6 import QtGui

MNIST_GRID = (28, 28)
MNIST_BOX = 20
SMALL_GRID_MAX = 32
# Ink fainter than this (after the background is removed) does not count towards the bounding box.
INK_THRESHOLD = 0.02


def default_value_range(grid: tuple[int, int]) -> tuple[float, float]:
    """0..1 for the 28x28 digits and large pictures, -1..+1 (black..white) for small grids up to 32x32."""
    width, height = grid
    if tuple(grid) == MNIST_GRID or width > SMALL_GRID_MAX or height > SMALL_GRID_MAX:
        return (0.0, 1.0)
    return (-1.0, 1.0)


def area_weights(n_source: int, n_target: int) -> np.ndarray:
    """(n_target, n_source) matrix averaging source pixels into target cells by overlapping length.

    Target cell i covers source coordinates [i * n_source / n_target, (i + 1) * n_source / n_target]; each
    row sums to 1. Enlarging repeats pixels, blending the two at a boundary that falls inside a cell.
    """
    edges = np.arange(n_target + 1, dtype=np.float64) * (n_source / n_target)
    lo = edges[:-1, None]
    hi = edges[1:, None]
    pixel = np.arange(n_source, dtype=np.float64)[None, :]
    overlap = np.clip(np.minimum(hi, pixel + 1.0) - np.maximum(lo, pixel), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def resample_area(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` resized to (height, width) by area averaging (exact for fractional cell boundaries)."""
    rows = area_weights(image.shape[0], height)
    cols = area_weights(image.shape[1], width)
    return rows @ image @ cols.T


def _as_gray(gray: np.ndarray) -> np.ndarray:
    image = np.asarray(gray, dtype=np.float64)
    if image.ndim != 2 or image.shape[0] == 0 or image.shape[1] == 0:
        raise DataError(f"a picture must be a non-empty 2-D array of gray levels, not shape {image.shape}")
    return np.clip(np.nan_to_num(image, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)


def _border(image: np.ndarray) -> np.ndarray:
    if min(image.shape) <= 2:
        return image.ravel()
    return np.concatenate([image[0], image[-1], image[1:-1, 0], image[1:-1, -1]])


def ink_white_on_black(gray: np.ndarray) -> np.ndarray:
    """The picture as white ink on a black background, whichever way round it was drawn.

    The background is the border's median (the whole picture's when the border is evenly split): if it is
    light the picture is inverted, then the background level is taken away and the rest stretched to 0..1,
    so grey paper gives black, not a dim frame around the whole picture.
    """
    image = _as_gray(gray)
    background = float(np.median(_border(image)))
    if background == 0.5:
        background = float(np.median(image))
    if background > 0.5:
        image = 1.0 - image
        background = 1.0 - background
    if background > 0.0:
        image = np.clip((image - background) / (1.0 - background), 0.0, 1.0)
    return image


def mnist_style(gray: np.ndarray) -> np.ndarray:
    """A 28x28 array 0..1 prepared like an MNIST digit (see the module's description); all 0 when blank."""
    ink = ink_white_on_black(gray)
    field = np.zeros(MNIST_GRID[::-1], dtype=np.float64)
    rows = np.flatnonzero((ink > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((ink > INK_THRESHOLD).any(axis=0))
    if rows.size == 0:
        return field
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    # MNIST strokes are full white at their core; a pencil-grey drawing is brought up to the same.
    crop = crop / crop.max()
    scale = MNIST_BOX / max(crop.shape)
    height = min(MNIST_BOX, max(1, round(crop.shape[0] * scale)))
    width = min(MNIST_BOX, max(1, round(crop.shape[1] * scale)))
    box = np.clip(resample_area(crop, height, width), 0.0, 1.0)
    total = box.sum()
    centre_row = float((box.sum(axis=1) * np.arange(height)).sum() / total)
    centre_col = float((box.sum(axis=0) * np.arange(width)).sum() / total)
    # Whole-pixel shifts keep the strokes sharp; the clamp keeps the whole box inside the field.
    field_h, field_w = field.shape
    top = int(np.clip(np.floor((field_h - 1) / 2 - centre_row + 0.5), 0, field_h - height))
    left = int(np.clip(np.floor((field_w - 1) / 2 - centre_col + 0.5), 0, field_w - width))
    field[top : top + height, left : left + width] = box
    return field


def to_input_grid(
    gray: np.ndarray, grid: tuple[int, int], value_range: tuple[float, float] | None = None
) -> np.ndarray:
    """The picture as a network input: a flat float32 row-major array of ``width * height`` values.

    ``gray`` is any 2-D float array, 0 = black, 1 = white; ``grid`` is (width, height). A 28x28 grid is
    prepared like MNIST; any other grid averages each cell's area. The 0..1 result is mapped onto
    ``value_range`` (by default :func:`default_value_range` of the grid).
    """
    width, height = int(grid[0]), int(grid[1])
    if width < 1 or height < 1:
        raise DataError(f"a grid must be at least 1x1, not {width}x{height}")
    low, high = value_range if value_range is not None else default_value_range((width, height))
    if (width, height) == MNIST_GRID:
        levels = mnist_style(gray)
    else:
        levels = np.clip(resample_area(_as_gray(gray), height, width), 0.0, 1.0)
    return (low + (high - low) * levels).astype(np.float32).ravel()


def load_grayscale_image(path: str | Path) -> np.ndarray:
    """A PNG, JPEG or BMP file as a 2-D float32 array 0..1 (0 = black, 1 = white).

    The file is checked first (:func:`~nnstudio.data.images.read_checked_image`: a regular file, one of
    those formats by its content, a sane size). Colours become 8-bit gray as Qt converts them; transparent
    parts are laid over white first, so a drawing on a transparent background reads as a drawing on paper.
    """
    from PySide6 import QtGui  # QImage needs no QApplication; imported here so the rest works without Qt

    image = read_checked_image(path)
    width, height = image.width(), image.height()
    if image.hasAlphaChannel():
        rgba = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
        pixels = _image_bytes(rgba, width * 4).reshape(height, width, 4).astype(np.float32) / 255.0
        gray = pixels[..., 0] * 0.299 + pixels[..., 1] * 0.587 + pixels[..., 2] * 0.114
        alpha = pixels[..., 3]
        return np.clip(gray * alpha + (1.0 - alpha), 0.0, 1.0).astype(np.float32)
    gray8 = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    return _image_bytes(gray8, width).reshape(height, width).astype(np.float32) / np.float32(255.0)


def _image_bytes(image: QtGui.QImage, row_bytes: int) -> np.ndarray:
    """The pixel bytes of a QImage without the padding at the end of each line, as a fresh array."""
    height = image.height()
    stride = image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, :row_bytes].copy()
