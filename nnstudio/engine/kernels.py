"""Kernels for the kernel lab: the classic image filters and a plain 2-D convolution that shows its work.

A kernel is a small square of numbers laid over the image; each output pixel is the sum of the image's
pixels under it, each times the kernel's number on top of it (as convolutional networks do it: the kernel
is not flipped). Moved along by ``stride`` pixels at a time over the image surrounded by ``padding`` rings
of zeros, an ``n``-pixel side gives ``(n + 2 * padding - size) // stride + 1`` output pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Array = np.ndarray

KERNEL_SIZES = (3, 5)


@dataclass(frozen=True, slots=True)
class KernelPreset:
    name: str
    title: str
    # What the kernel does to a picture, in a few words for the lab.
    effect: str
    values: tuple[tuple[float, ...], ...]


def _preset(name: str, title: str, effect: str, rows: list[list[float]], scale: float = 1.0) -> KernelPreset:
    return KernelPreset(name, title, effect, tuple(tuple(v * scale for v in row) for row in rows))


PRESETS: dict[str, KernelPreset] = {
    p.name: p
    for p in (
        _preset("identity", "Identity", "leaves the picture as it is", [[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
        _preset(
            "blur",
            "Blur",
            "averages each pixel with its neighbours",
            [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
            1 / 9,
        ),
        _preset(
            "sharpen",
            "Sharpen",
            "pushes each pixel away from its neighbours",
            [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
        ),
        _preset(
            "edges_horizontal",
            "Edges (horizontal)",
            "bright where the picture gets lighter going down",
            [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
        ),
        _preset(
            "edges_vertical",
            "Edges (vertical)",
            "bright where the picture gets lighter going right",
            [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
        ),
        _preset(
            "edges_all",
            "Edges (all)",
            "a pixel minus its four neighbours: zero on flat areas",
            [[0, -1, 0], [-1, 4, -1], [0, -1, 0]],
        ),
        _preset(
            "emboss",
            "Emboss",
            "light from the top left: a raised, carved look",
            [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
        ),
        _preset(
            "outline",
            "Outline",
            "a pixel minus all eight neighbours: only the outlines stay",
            [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
        ),
    )
}

# Blurring over five pixels is the binomial 1 4 6 4 1 in each direction.
_BLUR5 = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.0


def preset_kernel(name: str, size: int = 3) -> Array:
    """The preset ``name`` as a (size, size) float64 array; a 5x5 blur spreads wider, the others keep
    their 3x3 numbers in the middle of a ring of zeros."""
    if size not in KERNEL_SIZES:
        raise ValueError(f"a kernel is 3x3 or 5x5 here, not {size}x{size}")
    try:
        small = np.array(PRESETS[name].values, dtype=np.float64)
    except KeyError:
        raise KeyError(f"unknown kernel {name!r}; known: {', '.join(PRESETS)}") from None
    if size == 3:
        return small
    if name == "blur":
        return _BLUR5.copy()
    kernel = np.zeros((5, 5), dtype=np.float64)
    kernel[1:4, 1:4] = small
    return kernel


def output_size(n: int, size: int, stride: int = 1, padding: int = 0) -> int:
    """How many output pixels a side of ``n`` pixels gives (0 when the kernel does not fit at all)."""
    span = n + 2 * padding - size
    if span < 0 or stride < 1:
        return 0
    return span // stride + 1


def fitting_paddings(n: int, size: int) -> list[int]:
    """Paddings from none to "same size" (half the kernel) that leave room for the kernel at least once."""
    return [p for p in range(size // 2 + 1) if n + 2 * p >= size]


def fitting_strides(n: int, size: int, padding: int, largest: int = 4) -> list[int]:
    """Strides up to ``largest`` whose steps land exactly on the far edge, so no pixel row is left over."""
    span = n + 2 * padding - size
    if span < 0:
        return []
    return [s for s in range(1, largest + 1) if span % s == 0]


def padded(image: Array, padding: int) -> Array:
    """The image inside ``padding`` rings of zeros."""
    image = np.asarray(image, dtype=np.float64)
    if padding <= 0:
        return image
    return np.pad(image, padding)


def convolve2d(image: Array, kernel: Array, stride: int = 1, padding: int = 0) -> Array:
    """Slide ``kernel`` over ``image`` (both 2-D): every output pixel is sum(kernel * patch) at once.

    The patches are views of the padded image (no copy), and one ``einsum`` makes every sum.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("the image and the kernel must both be 2-D")
    kh, kw = kernel.shape
    rows = output_size(image.shape[0], kh, stride, padding)
    cols = output_size(image.shape[1], kw, stride, padding)
    if rows == 0 or cols == 0:
        raise ValueError(
            f"a {kh}x{kw} kernel does not fit a {image.shape[1]}x{image.shape[0]} image with padding {padding}"
        )
    windows = sliding_window_view(padded(image, padding), (kh, kw))[::stride, ::stride][:rows, :cols]
    return np.einsum("ijkl,kl->ij", windows, kernel)


def patch_at(image: Array, size: int, row: int, col: int, stride: int = 1, padding: int = 0) -> Array:
    """The (size, size) piece of the padded image under the kernel for output pixel (row, col)."""
    top, left = row * stride, col * stride
    return padded(image, padding)[top : top + size, left : left + size]


def window_origin(row: int, col: int, stride: int = 1, padding: int = 0) -> tuple[int, int]:
    """Where the kernel's top-left cell lies on the (unpadded) image for output pixel (row, col)."""
    return row * stride - padding, col * stride - padding


def sum_terms(
    image: Array, kernel: Array, row: int, col: int, stride: int = 1, padding: int = 0
) -> list[tuple[float, float]]:
    """Output pixel (row, col) written out: (kernel number, pixel under it) for each cell, row by row."""
    kernel = np.asarray(kernel, dtype=np.float64)
    patch = patch_at(image, kernel.shape[0], row, col, stride, padding)
    return [(float(k), float(p)) for k, p in zip(kernel.ravel(), patch.ravel(), strict=True)]


def written_sum(terms: list[tuple[float, float]], skip_zeros: bool = True) -> str:
    """``0.5 x 1 + -1 x 0.2 + ... = 0.3``: the sum term by term (terms with a zero kernel number left out)."""
    shown = [(k, p) for k, p in terms if k != 0 or not skip_zeros]
    total = sum(k * p for k, p in terms)
    if not shown:
        return f"0 = {total:.3g}"
    text = " + ".join(f"{_number(k)} x {_number(p)}" for k, p in shown)
    return f"{text} = {total:.3g}"


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return f"({text})" if value < 0 else text
