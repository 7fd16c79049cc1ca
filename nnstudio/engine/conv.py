"""Convolution and pooling between layers that have a shape (channels x height x width).

A convolutional layer is a layer of neurons like any other: ``channels * height * width`` of them, in that
order (channel by channel, each channel row by row). What feeds it is not a matrix of single connections
but one :class:`Convolution`: a kernel tensor shared by every position, shaped (kernels, input channels,
size, size), and one bias per kernel. Max- and average-pooling are the same kind of link without numbers.
A dense layer fed by a shaped layer reads its neurons in that order: that is the flattening.

The arithmetic is vectorised: the patches of every position of every sample are gathered with stride
tricks into one matrix, and all kernels' sums over all positions are one matrix product (im2col); the
kernels' slopes are one more. The input's slopes are the patches' slopes added back where each patch came
from, one numpy step per cell of the window (25 for a 5x5 kernel), each over every sample, channel and
position at once. Pooling keeps, per window, which input won (max) or spreads evenly (average), and adds
the slopes back with one ``bincount``. There is no Python loop over pixels, kernels or samples.

Reading a compiled convolution (the canvas's kernels and feature maps) goes through
:meth:`nnstudio.engine.plan.Plan.convolution` and :meth:`nnstudio.engine.plan.Plan.feature_maps`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Array = np.ndarray
Shape = tuple[int, int, int]

__all__ = [
    "ConvBlock",
    "ConvKind",
    "Convolution",
    "conv_backward",
    "conv_forward",
    "output_shape",
    "pool_backward",
    "pool_forward",
]


class ConvKind(StrEnum):
    CONV2D = "conv2d"
    MAXPOOL = "maxpool"
    AVGPOOL = "avgpool"


# Bounds that keep a file or a spec from asking for absurd arithmetic.
MAX_KERNEL = 15
MAX_CHANNELS = 1024


def output_shape(
    kind: ConvKind | str, in_shape: Shape, channels: int, size: int, stride: int, padding: int
) -> Shape:
    """The (channels, height, width) a link of this geometry makes from ``in_shape``; ValueError saying why
    the geometry does not fit."""
    kind = ConvKind(kind)
    c, h, w = in_shape
    if min(c, h, w) < 1:
        raise ValueError(f"an input shaped {c} x {h} x {w} has no pixels")
    if not 1 <= size <= MAX_KERNEL:
        raise ValueError(f"a window of {size} x {size} is not allowed (1 to {MAX_KERNEL})")
    if stride < 1 or padding < 0:
        raise ValueError(f"stride {stride} and padding {padding} must be at least 1 and 0")
    if kind is not ConvKind.CONV2D and padding:
        raise ValueError("pooling takes no padding")
    if padding >= size:
        raise ValueError(f"padding {padding} must be smaller than the kernel size {size}")
    hp, wp = h + 2 * padding, w + 2 * padding
    if size > hp or size > wp:
        raise ValueError(f"a {size} x {size} window does not fit a {h} x {w} image (padding {padding})")
    out_c = channels if kind is ConvKind.CONV2D else c
    if not 1 <= out_c <= MAX_CHANNELS:
        raise ValueError(f"a layer of {out_c} channels is not allowed (1 to {MAX_CHANNELS})")
    return out_c, (hp - size) // stride + 1, (wp - size) // stride + 1


@dataclass(eq=False)
class Convolution:
    """The link that feeds a shaped layer: convolution (``kernel``, ``bias``) or pooling (neither).

    ``source`` and ``target`` are layer names; the target layer's neurons are the output positions,
    ``out_shape`` of them. The network owns the arrays (float64); a compiled plan holds its own copy.
    """

    kind: ConvKind
    source: str
    target: str
    in_shape: Shape
    size: int
    stride: int = 1
    padding: int = 0
    kernel: Array | None = None
    bias: Array | None = None
    out_shape: Shape = field(init=False)

    def __post_init__(self) -> None:
        self.kind = ConvKind(self.kind)
        self.in_shape = tuple(int(v) for v in self.in_shape)  # type: ignore[assignment]
        channels = 0
        if self.kind is ConvKind.CONV2D:
            if self.kernel is None:
                raise ValueError("a convolution needs its kernels")
            self.kernel = np.array(self.kernel, dtype=np.float64)
            if self.kernel.ndim != 4 or self.kernel.shape[1:] != (self.in_shape[0], self.size, self.size):
                raise ValueError(
                    f"kernels shaped {self.kernel.shape} do not fit {self.in_shape[0]} input channels "
                    f"and a {self.size} x {self.size} window"
                )
            channels = self.kernel.shape[0]
            self.bias = (
                np.zeros(channels) if self.bias is None else np.array(self.bias, dtype=np.float64).reshape(-1)
            )
            if self.bias.shape != (channels,):
                raise ValueError(f"{channels} kernels need {channels} biases, not {self.bias.size}")
            if not (np.isfinite(self.kernel).all() and np.isfinite(self.bias).all()):
                raise ValueError("kernels and biases must be finite numbers")
        elif self.kernel is not None or self.bias is not None:
            raise ValueError("pooling has no kernels or biases")
        self.out_shape = output_shape(
            self.kind, self.in_shape, channels, self.size, self.stride, self.padding
        )

    @property
    def n_parameters(self) -> int:
        return 0 if self.kernel is None or self.bias is None else self.kernel.size + self.bias.size

    def copy(self) -> Convolution:
        return Convolution(
            self.kind,
            self.source,
            self.target,
            self.in_shape,
            self.size,
            self.stride,
            self.padding,
            None if self.kernel is None else self.kernel.copy(),
            None if self.bias is None else self.bias.copy(),
        )

    def describe(self) -> str:
        """A few words for a person: ``8 kernels 5x5, stride 1`` or ``max-pool 2x2``."""
        if self.kind is ConvKind.CONV2D:
            text = f"{self.out_shape[0]} kernels {self.size}x{self.size}"
            if self.stride != 1:
                text += f", stride {self.stride}"
            if self.padding:
                text += f", padding {self.padding}"
            return text
        name = "max-pool" if self.kind is ConvKind.MAXPOOL else "average-pool"
        text = f"{name} {self.size}x{self.size}"
        return text if self.stride == self.size else f"{text}, stride {self.stride}"


# ---------------------------------------------------------------------------------------------- arithmetic
def _columns(x: Array, size: int, stride: int) -> Array:
    """Patches of ``x`` as one matrix (channels * size * size, positions * samples): a column per position of
    every sample, so that one product serves the whole batch.

    ``x`` is laid out (channels, height, width, samples): with the samples innermost, gathering the patches
    and adding their slopes back both move long contiguous runs (three to six times faster at batch 10-32
    than with the samples outermost)."""
    windows = sliding_window_view(x, (size, size), axis=(1, 2))
    if stride != 1:
        windows = windows[:, ::stride, ::stride]
    c, ho, wo, n = windows.shape[:4]
    return windows.transpose(0, 4, 5, 1, 2, 3).reshape(c * size * size, ho * wo * n)


def _samples_last(x: Array, padding: int) -> Array:
    """(samples, channels, h, w) as a contiguous (channels, h + 2 * padding, w + 2 * padding, samples)."""
    if not padding:
        return np.ascontiguousarray(x.transpose(1, 2, 3, 0))
    n, c, h, w = x.shape
    out = np.zeros((c, h + 2 * padding, w + 2 * padding, n), dtype=x.dtype)
    out[:, padding : padding + h, padding : padding + w, :] = x.transpose(1, 2, 3, 0)
    return out


def conv_forward(x: Array, kernel: Array, bias: Array, stride: int, padding: int) -> tuple[Array, Array]:
    """Weighted sums (samples, kernels, out height, out width) of ``x`` (samples, channels, h, w), and the
    patches (kept for the backward pass)."""
    out_c, _, size, _ = kernel.shape
    n, _, h, w = x.shape
    ho = (h + 2 * padding - size) // stride + 1
    wo = (w + 2 * padding - size) // stride + 1
    cols = _columns(_samples_last(x, padding), size, stride)
    z = kernel.reshape(out_c, -1) @ cols
    z += bias[:, None]
    return z.reshape(out_c, ho, wo, n).transpose(3, 0, 1, 2), cols


def conv_backward(
    delta: Array,
    cols: Array,
    kernel: Array,
    in_shape: Shape,
    stride: int,
    padding: int,
    grad_kernel: Array,
    grad_bias: Array,
    need_input: bool,
) -> Array | None:
    """Write dE/dkernel and dE/dbias for the slopes ``delta`` (samples, kernels, oh, ow); return dE/dx
    (samples, channels, h, w) when ``need_input``."""
    n, out_c, ho, wo = delta.shape
    # Kernels by (positions x samples), like the patches: one product for the whole batch.
    d = delta.transpose(1, 2, 3, 0).reshape(out_c, ho * wo * n)
    np.matmul(d, cols.T, out=grad_kernel.reshape(out_c, -1))
    np.add.reduce(d, axis=1, out=grad_bias)
    if not need_input:
        return None
    c, h, w = in_shape
    size = kernel.shape[2]
    # Each patch's slopes, then added back where the patch came from: a loop over the cells of the window
    # (25 for 5x5), each one numpy step over every sample, channel and position at once.
    patches = (kernel.reshape(out_c, -1).T @ d).reshape(c, size, size, ho, wo, n)
    grad = np.zeros((c, h + 2 * padding, w + 2 * padding, n), dtype=delta.dtype)
    rows, columns = stride * (ho - 1) + 1, stride * (wo - 1) + 1
    for i in range(size):
        for j in range(size):
            grad[:, i : i + rows : stride, j : j + columns : stride] += patches[:, i, j]
    if padding:
        grad = grad[:, padding : padding + h, padding : padding + w]
    return grad.transpose(3, 0, 1, 2)


def _window_starts(in_shape: Shape, size: int, stride: int) -> tuple[Array, Array]:
    """The flat index (within one sample) of each window's top-left pixel, shaped (c, oh, ow), and each
    window cell's offset from it, shaped (size * size,)."""
    c, h, w = in_shape
    ho, wo = (h - size) // stride + 1, (w - size) // stride + 1
    starts = (
        np.arange(c)[:, None, None] * (h * w)
        + (np.arange(ho) * stride * w)[None, :, None]
        + (np.arange(wo) * stride)[None, None, :]
    )
    cells = (np.arange(size)[:, None] * w + np.arange(size)[None, :]).ravel()
    return starts.astype(np.intp), cells.astype(np.intp)


def _tiles(size: int, stride: int) -> bool:
    """Whether the windows sit side by side without overlap (stride = size), the usual pooling."""
    return stride == size


def _cell(x: Array, i: int, j: int, size: int, ho: int, wo: int) -> Array:
    """Cell (i, j) of every window of tiling windows: a strided view (samples, channels, oh, ow)."""
    return x[:, :, i : i + size * ho : size, j : j + size * wo : size]


def pool_forward(x: Array, kind: ConvKind, size: int, stride: int) -> tuple[Array, Any]:
    """Max or average of each window of ``x`` (samples, channels, h, w), and for max what the backward pass
    needs to find which cell of each window won (the first of equals)."""
    if _tiles(size, stride):
        # Windows side by side: one numpy step per cell of the window over every window at once.
        ho, wo = (x.shape[2] - size) // stride + 1, (x.shape[3] - size) // stride + 1
        cells = [_cell(x, i, j, size, ho, wo) for i in range(size) for j in range(size)]
        if kind is ConvKind.AVGPOOL:
            total = cells[0].copy()
            for cell in cells[1:]:
                total += cell
            total *= 1.0 / (size * size)
            return total, None
        best = np.maximum(cells[0], cells[1]) if len(cells) > 1 else cells[0].copy()
        for cell in cells[2:]:
            np.maximum(best, cell, out=best)
        # Which cell won is worked out again in the backward pass from the image and the maxima: branchy
        # bookkeeping here (a masked copy per cell) costs several times the comparisons there.
        return best, (x, best.copy())
    windows = sliding_window_view(x, (size, size), axis=(2, 3))
    if stride != 1:
        windows = windows[:, :, ::stride, ::stride]
    if kind is ConvKind.AVGPOOL:
        return windows.mean(axis=(4, 5)), None
    flat = windows.reshape(*windows.shape[:4], size * size)
    winner = flat.argmax(axis=4)
    return np.take_along_axis(flat, winner[..., None], axis=4)[..., 0], winner


def pool_backward(delta: Array, kept: Any, kind: ConvKind, in_shape: Shape, size: int, stride: int) -> Array:
    """dE/dx (samples, channels, h, w) of a pooling layer from its slopes ``delta`` (samples, c, oh, ow) and
    what :func:`pool_forward` kept."""
    n = delta.shape[0]
    if _tiles(size, stride):
        ho, wo = delta.shape[2], delta.shape[3]
        # Every pixel is in a window when the windows fill the image exactly: nothing to clear first.
        exact = ho * size == in_shape[1] and wo * size == in_shape[2]
        grad = (np.empty if exact else np.zeros)((n, *in_shape), dtype=delta.dtype)
        if kind is ConvKind.AVGPOOL:
            share = delta * (1.0 / (size * size))
            for k in range(size * size):
                _cell(grad, k // size, k % size, size, ho, wo)[...] = share
            return grad
        x, best = kept
        taken = np.zeros(best.shape, dtype=bool)
        for k in range(size * size):
            i, j = divmod(k, size)
            # Branch-free: the first cell equal to the maximum takes the slope, later equals do not.
            won = _cell(x, i, j, size, ho, wo) == best
            if k:
                np.greater(won, taken, out=won)  # won and not taken
            if k < size * size - 1:
                taken |= won
            np.multiply(delta, won, out=_cell(grad, i, j, size, ho, wo))
        return grad
    winner = kept
    per_sample = in_shape[0] * in_shape[1] * in_shape[2]
    starts, cells = _window_starts(in_shape, size, stride)
    base = starts[None] + (np.arange(n) * per_sample)[:, None, None, None]
    if kind is ConvKind.MAXPOOL:
        assert winner is not None
        where = base + cells[winner]
        weights = delta
    else:
        where = base[..., None] + cells
        weights = np.broadcast_to((delta / (size * size))[..., None], where.shape)
    grad = np.bincount(where.ravel(), weights=weights.ravel(), minlength=n * per_sample)
    return grad.astype(delta.dtype, copy=False).reshape(n, *in_shape)


# ---------------------------------------------------------------------------------------------- in a plan
@dataclass(eq=False)
class ConvBlock:
    """A compiled convolution or pooling: the weighted sums of level ``target`` (the layer named ``layer``)
    from level ``source`` (where the layer ``source_layer`` lies).

    ``columns`` picks the source layer's neurons out of their level (a slice when they are all of it).
    ``kernel`` (kernels, in channels, size, size) and ``bias`` (kernels,) are views into the plan's flat
    parameter buffer from ``offset`` on (kernel first, then bias); pooling has neither (``None``).
    """

    layer: str
    source_layer: str
    kind: ConvKind
    target: int
    source: int
    columns: slice | Array
    in_shape: Shape
    out_shape: Shape
    size: int
    stride: int
    padding: int
    offset: int
    kernel: Array | None = None
    bias: Array | None = None

    @property
    def n_parameters(self) -> int:
        return 0 if self.kernel is None or self.bias is None else self.kernel.size + self.bias.size

    def parameter_slice(self) -> slice:
        return slice(self.offset, self.offset + self.n_parameters)

    def split(self, values: Array) -> tuple[Array, Array]:
        """A flat stretch laid out like this block's parameters, seen as (kernel, bias)."""
        assert self.kernel is not None
        part = values[self.parameter_slice()]
        k = self.kernel.size
        return part[:k].reshape(self.kernel.shape), part[k:]

    def source_values(self, activations: Array) -> Array:
        """The source layer's activations (samples, neurons) as images (samples, channels, h, w)."""
        x = activations[:, self.columns]
        return x.reshape(x.shape[0], *self.in_shape)

    def forward(self, activations: Array) -> tuple[Array, Any]:
        """The weighted sums (samples, neurons of the target level) and what backward needs."""
        x = self.source_values(activations)
        if self.kind is ConvKind.CONV2D:
            assert self.kernel is not None and self.bias is not None
            z, keep = conv_forward(x, self.kernel, self.bias, self.stride, self.padding)
        else:
            z, keep = pool_forward(x, self.kind, self.size, self.stride)
        return z.reshape(z.shape[0], -1), keep

    def backward(self, delta: Array, keep: Any, grad: Array, need_input: bool) -> Array | None:
        """Write this block's parameter slopes into ``grad`` (the flat gradient buffer); return the slopes
        of the source layer (samples, its neurons) when ``need_input`` (always needed for pooling's
        source unless it is the input)."""
        d = delta.reshape(delta.shape[0], *self.out_shape)
        if self.kind is ConvKind.CONV2D:
            assert self.kernel is not None and keep is not None
            grad_kernel, grad_bias = self.split(grad)
            back = conv_backward(
                d,
                keep,
                self.kernel,
                self.in_shape,
                self.stride,
                self.padding,
                grad_kernel,
                grad_bias,
                need_input,
            )
        elif need_input:
            back = pool_backward(d, keep, self.kind, self.in_shape, self.size, self.stride)
        else:
            back = None
        return None if back is None else back.reshape(back.shape[0], -1)


def initialise_kernels(convs: list[ConvBlock], method: str, rng: np.random.Generator) -> None:
    """New kernels for every convolution, drawn like dense weights by ``method`` (``uniform``, ``xavier``
    or ``he``) with a kernel's fan-in (input channels x window) and fan-out (kernels x window); biases 0."""
    for conv in convs:
        if conv.kernel is None or conv.bias is None:
            continue
        out_c, in_c, size, _ = conv.kernel.shape
        fan_in, fan_out = in_c * size * size, out_c * size * size
        if method == "uniform":
            new = rng.uniform(-1.0, 1.0, conv.kernel.shape)
        elif method == "xavier":
            new = rng.uniform(-1.0, 1.0, conv.kernel.shape) * np.sqrt(6.0 / (fan_in + fan_out))
        else:
            new = rng.standard_normal(conv.kernel.shape) * np.sqrt(2.0 / fan_in)
        conv.kernel[...] = new
        conv.bias[...] = 0.0
