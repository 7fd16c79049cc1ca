"""A training step's batch rows, gathered from the training data into arrays made once.

Gathering a shuffled batch reads its rows from all over the training data: for 250 digits that is 784 KB a
step from memory, a fifth of the step's time. Pictures of 8-bit greys (digits, IDX files and image
folders read as 0..255 and scaled to 0..1) hold only 256 different values, so their rows are kept as one
byte per pixel as well: a step then reads a quarter of the bytes and turns them back into the very same
numbers, bit for bit (:class:`ByteLevels` is used only when it gives back every value exactly).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# The loaders scale 0..255 to 0..1 in one of these two ways (a multiply by the float32 nearest 1/255, or a
# division by 255), which differ in the last bit for about half the levels.
_LEVELS = 255
# The rows checked before all of them: data that is not 8-bit levels is usually told within these.
_FIRST_ROWS = 64
# Turning bytes back into numbers is two more calls a step: it pays from about this many rows (measured
# here on digits, microseconds a step, float rows / bytes: batch 1 26.2 / 27.1, 10 30.3 / 30.2, 32 49.3 /
# 48.0, 64 80.9 / 74.3, 250 270 / 241).
_BYTES_FROM_ROWS = 16
_PIECE_VALUES = 1 << 20


@dataclass(frozen=True, slots=True)
class ByteLevels:
    """Inputs that are whole levels 0..255 times one scale: the levels as bytes, and how to undo them.

    ``restore(codes, out)`` writes ``codes`` (uint8) back as the inputs' numbers into ``out``: a cast, then
    a multiply by ``scale`` or a division by it.
    """

    codes: Array
    scale: Array
    divide: bool

    def restore(self, codes: Array, out: Array) -> Array:
        np.copyto(out, codes, casting="unsafe")
        if self.divide:
            return np.divide(out, self.scale, out=out)
        return np.multiply(out, self.scale, out=out)


def byte_levels(inputs: Array) -> ByteLevels | None:
    """The inputs as :class:`ByteLevels` when that gives back every value exactly, else None.

    ``inputs`` is a C-contiguous 2-d array in the type training uses (float32 or float64). It is read in
    pieces of about a million values, so the check needs little memory beyond the bytes it keeps.
    """
    if inputs.ndim != 2 or inputs.size == 0 or inputs.dtype not in (np.float32, np.float64):
        return None
    dtype = inputs.dtype.type
    forms = [
        ByteLevels(np.empty(0, np.uint8), np.array(np.float32(1 / _LEVELS), dtype), divide=False),
        ByteLevels(np.empty(0, np.uint8), np.array(np.float32(_LEVELS), dtype), divide=True),
    ]
    n = len(inputs)
    piece = max(1, _PIECE_VALUES // inputs.shape[1])
    bounds = [(0, min(_FIRST_ROWS, n))] + [(lo, min(lo + piece, n)) for lo in range(_FIRST_ROWS, n, piece)]
    codes = np.empty(inputs.shape, np.uint8)
    for lo, hi in bounds:
        part = _nearest_levels(inputs[lo:hi])
        if part is None:
            return None
        forms = [form for form in forms if _restores(form, part, inputs[lo:hi])]
        if not forms:
            return None
        codes[lo:hi] = part
    return ByteLevels(codes, forms[0].scale, forms[0].divide)


def _nearest_levels(values: Array) -> Array | None:
    """The nearest whole level 0..255 of each value read as a share of 255, or None for a value outside 0..1
    (or not a number)."""
    if not (values.min() >= 0 and values.max() <= 1):
        return None
    scaled = np.multiply(values, _LEVELS, dtype=np.float32)
    np.rint(scaled, out=scaled)
    return scaled.astype(np.uint8)


def _restores(form: ByteLevels, codes: Array, values: Array) -> bool:
    return bool(np.array_equal(form.restore(codes, np.empty_like(values)), values))


def _as_rows(matrix: Array) -> Array:
    """A C-contiguous matrix as a vector of its rows, each one item of the row's bytes (no copy)."""
    return matrix.view(np.dtype((np.void, matrix.shape[1] * matrix.itemsize))).reshape(matrix.shape[0])


class TrainingRows:
    """The training data in the plan's type, with a gather of a batch's rows into a step's own arrays."""

    def __init__(self, inputs: Array, targets: Array, dtype: np.dtype | type) -> None:
        self.inputs = np.ascontiguousarray(inputs, dtype)
        self.targets = np.ascontiguousarray(targets, dtype)
        self.levels = byte_levels(self.inputs)
        self._input_rows = _as_rows(self.inputs)
        self._target_rows = _as_rows(self.targets)

    def gatherer(self, x: Array, y: Array) -> Callable[[Array], None]:
        """A function of a batch's row indices that writes their inputs into ``x`` and targets into ``y``
        (C-contiguous arrays of one batch size; the indices are in range)."""
        # Rows seen as single items of their bytes: take() copies each in one piece, a little faster than
        # gathering rows of a 2-d array. mode="clip" writes straight into ``out`` (the default buffers it).
        x_rows, y_rows = _as_rows(x), _as_rows(y)
        input_rows, target_rows = self._input_rows, self._target_rows
        levels = self.levels
        if levels is None or len(x) < _BYTES_FROM_ROWS:

            def gather(rows: Array) -> None:
                input_rows.take(rows, out=x_rows, mode="clip")
                target_rows.take(rows, out=y_rows, mode="clip")

            return gather
        codes = np.empty(x.shape, np.uint8)
        code_rows, batch_codes, restore = _as_rows(levels.codes), _as_rows(codes), levels.restore

        def gather_levels(rows: Array) -> None:
            code_rows.take(rows, out=batch_codes, mode="clip")
            restore(codes, x)
            target_rows.take(rows, out=y_rows, mode="clip")

        return gather_levels
