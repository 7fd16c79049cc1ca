"""New training images from old: digits moved, turned and drawn with a thinner or thicker pen.

A network that only ever saw each digit centred, upright and in one stroke width reads the drawing pad's
digits badly; shown the same digits shifted by a pixel or two, turned a few degrees and written bolder or
finer, it learns what a digit is rather than where its pixels were. Everything here is numpy, a whole
batch at a time: one affine resampling (bilinear) for shifts and turns, one 3x3 maximum or minimum for the
pen, with no loop over images or pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Array = np.ndarray

__all__ = ["Augmentation", "augment", "change_stroke", "transform"]


@dataclass(frozen=True, slots=True)
class Augmentation:
    """How far a digit may be changed: a shift of up to ``shift`` pixels each way, a turn of up to
    ``degrees`` either way, a size change of up to ``scale`` (0.1: 90% to 110%), and for a share
    ``thicker`` of the images a bolder pen, for a share ``thinner`` a finer one."""

    shift: float = 2.0
    degrees: float = 12.0
    scale: float = 0.1
    thicker: float = 0.25
    thinner: float = 0.2


def transform(images: Array, angles: Array, shifts: Array, scales: Array) -> Array:
    """Each image (samples, height, width) turned by ``angles[k]`` radians about its centre, scaled by
    ``scales[k]`` and moved by ``shifts[k]`` = (down, right) pixels, resampled bilinearly; what comes from
    outside the image is 0."""
    n, h, w = images.shape
    cy, cx = (h - 1) / 2, (w - 1) / 2
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    # Where each output pixel comes from: the inverse of turn, scale and shift.
    cos, sin = np.cos(angles)[:, None, None], np.sin(angles)[:, None, None]
    scale = scales[:, None, None]
    dy = ys[None] - cy - shifts[:, 0, None, None]
    dx = xs[None] - cx - shifts[:, 1, None, None]
    src_y = (cos * dy - sin * dx) / scale + cy
    src_x = (sin * dy + cos * dx) / scale + cx
    y0 = np.floor(src_y).astype(np.intp)
    x0 = np.floor(src_x).astype(np.intp)
    fy, fx = src_y - y0, src_x - x0
    # A border of zeros so that the four neighbours of any sample point can be read without a test.
    padded = np.zeros((n, h + 2, w + 2), dtype=np.float64)
    padded[:, 1:-1, 1:-1] = images
    y0 = np.clip(y0 + 1, 0, h)
    x0 = np.clip(x0 + 1, 0, w)
    sample = np.arange(n)[:, None, None]
    top = padded[sample, y0, x0] * (1 - fx) + padded[sample, y0, x0 + 1] * fx
    bottom = padded[sample, y0 + 1, x0] * (1 - fx) + padded[sample, y0 + 1, x0 + 1] * fx
    out = top * (1 - fy) + bottom * fy
    outside = (src_y < -1) | (src_y > h) | (src_x < -1) | (src_x > w)
    out[outside] = 0.0
    return out.astype(images.dtype, copy=False)


def change_stroke(images: Array, thicker: Array, thinner: Array) -> Array:
    """The images (samples, height, width) drawn with a bolder pen where ``thicker`` (a 3x3 maximum, half
    strength) and a finer one where ``thinner`` (a 3x3 minimum, blended so faint strokes survive)."""
    n, h, w = images.shape
    padded = np.zeros((n, h + 2, w + 2), dtype=images.dtype)
    padded[:, 1:-1, 1:-1] = images
    windows = sliding_window_view(padded, (3, 3), axis=(1, 2))
    cross = windows[..., [0, 1, 1, 1, 2], [1, 0, 1, 2, 1]]
    bold = np.maximum(images, 0.5 * (images + cross.max(axis=-1)))
    fine = 0.5 * (images + cross.min(axis=-1))
    out = np.where(thicker[:, None, None], bold, images)
    return np.where(thinner[:, None, None], fine, out)


def augment(
    inputs: Array, grid: tuple[int, int], rng: np.random.Generator, settings: Augmentation | None = None
) -> Array:
    """A changed copy of every image in ``inputs`` (samples, width * height, rows of the image one after
    another), each change drawn from ``rng`` within ``settings``; values stay within those of the input."""
    settings = settings or Augmentation()
    width, height = grid
    n = len(inputs)
    images = np.asarray(inputs).reshape(n, height, width)
    angles = np.radians(rng.uniform(-settings.degrees, settings.degrees, n))
    shifts = rng.uniform(-settings.shift, settings.shift, (n, 2))
    scales = rng.uniform(1 - settings.scale, 1 + settings.scale, n)
    moved = transform(images, angles, shifts, scales)
    pen = rng.random(n)
    thicker = pen < settings.thicker
    thinner = (pen >= settings.thicker) & (pen < settings.thicker + settings.thinner)
    changed = change_stroke(moved, thicker, thinner)
    low, high = float(np.min(inputs)), float(np.max(inputs))
    return np.clip(changed, low, high).reshape(n, width * height).astype(inputs.dtype, copy=False)
