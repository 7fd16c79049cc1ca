"""The shapes a pad of cells offers as one-click presets: the four-pixel camera's and the 3x3 shapes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnstudio.data.patterns import shapes3x3
from nnstudio.ui.widgets.pixel_images import Grid, Range

Array = np.ndarray


# The four-pixel camera's shapes (row-major; +1 white, -1 black) and the L-shape a viewer asked about.
FOUR_PIXEL_PRESETS: list[tuple[str, tuple[int, ...]]] = [
    ("Solid", (1, 1, 1, 1)),
    ("Vertical", (1, -1, 1, -1)),
    ("Diagonal", (1, -1, -1, 1)),
    ("Horizontal", (1, 1, -1, -1)),
    ("L-shape", (1, -1, 1, 1)),
]


def preset_values(pattern: Sequence[float], value_range: Range) -> Array:
    """A preset written in -1 (black) .. +1 (white) mapped into the document's value range."""
    low, high = value_range
    p = np.asarray(pattern, dtype=np.float32)
    return (low + (p + 1.0) * 0.5 * (high - low)).astype(np.float32)


def preset_patterns(grid: Grid) -> list[tuple[str, tuple[float, ...]]]:
    """(name, pattern in -1..+1) of each shape a pad of this grid offers (none for other grids)."""
    if grid == (2, 2):
        return [(name, tuple(float(v) for v in p)) for name, p in FOUR_PIXEL_PRESETS]
    if grid == (3, 3):
        shapes = shapes3x3()
        seen: dict[int, tuple[float, ...]] = {}
        for row, cls in zip(shapes.inputs, shapes.classes, strict=True):
            seen.setdefault(int(cls), tuple(float(v) for v in row))
        return [
            (shapes.labels[c].capitalize() if len(shapes.labels[c]) > 1 else shapes.labels[c], seen[c])
            for c in sorted(seen)
        ]
    return []
