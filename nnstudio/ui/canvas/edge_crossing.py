"""Which edges cross a view, how many of their two neurons are on screen, and what each costs to draw.

Worked out layer by layer (a layer: the edges into neurons of one depth) and kept for the view and the
geometry, so that new weights only choose again among them (see :mod:`.edge_detail`). A big layer's edges
lie side by side in the model's arrays, so its answer is arrays over that run, computed element by element
on contiguous memory (no gather, no sort): a layer wholly inside the view takes every edge at its full
length, and one the view cuts finds the part of each segment inside it (Liang-Barsky). How many ends are on
screen comes from each weight matrix's neurons, broadcast over its rows and columns. Layers of fewer than
SMALL_LAYER edges (a hand-built graph, a chain of thousands of levels) are worked out together in one pass
over their edges instead of a few numpy calls per layer.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF

from .edge_arrays import split_by

if TYPE_CHECKING:
    from .edge_model import EdgeModel

Array = np.ndarray

# What a line costs to draw on top of its length in device pixels (the raster engine's cost per line).
LINE_COST_PX = 40.0
# Layers with fewer edges than this are worked out together (see the module's description).
SMALL_LAYER = 4096


@dataclass(frozen=True)
class LayerCrossing:
    """The edges into one layer (``group``) as they meet a view: for each of ``members`` (a slice of the
    model's arrays, or positions) its ``tier`` (how many of its two neurons are on screen, -1 when its line
    misses the view; one number when every edge has the same) and its ``length`` in view (scene units).
    Drawing some of them costs LINE_COST_PX each and their length in view times ``scale``."""

    group: int
    members: slice | Array
    tier: int | Array
    length: Array
    scale: float
    # The tiers present, highest first.
    tiers: tuple[int, ...]

    def cost(self, mask: Array, count: int) -> float:
        """What drawing the ``count`` edges where ``mask`` is set costs (a dot product: the masked sum
        without gathering)."""
        # The mask's bytes as 0/1 numbers: numpy converts them block by block, not into a new array.
        return LINE_COST_PX * count + self.scale * float(np.dot(self.length, mask.view(np.uint8)))


@dataclass(frozen=True)
class MixedCrossing:
    """The edges of the small layers that meet a view: their sorted ``positions``, and for each its
    ``tier`` (1 or 2 neurons on screen, or 0), ``group`` and ``cost`` as in :class:`LayerCrossing`."""

    positions: Array
    tier: Array
    group: Array
    cost: Array


def crossing(
    model: EdgeModel, rect: QRectF, visible: QRectF, scale: float
) -> tuple[list[LayerCrossing], MixedCrossing | None]:
    """The edges whose drawn segment meets ``rect`` (scene), with neurons counted on screen in ``visible``
    and costs at ``scale`` device pixels per scene unit: one :class:`LayerCrossing` for each big layer the
    view meets, and the small layers' edges together."""
    on_screen = (
        (model.nx >= visible.left())
        & (model.nx <= visible.right())
        & (model.ny >= visible.top())
        & (model.ny <= visible.bottom())
    ).view(np.int8)
    bounds = (rect.left(), rect.top(), rect.right(), rect.bottom())
    left, top, right, bottom = bounds
    lengths = model.segment_lengths()
    scale32 = np.float32(scale)
    big: list[LayerCrossing] = []
    small: list[Array] = []
    for (group, members), (_, (lo_x, lo_y, hi_x, hi_y)) in zip(
        model._layers(), model._group_boxes(), strict=True
    ):
        if lo_x > right or hi_x < left or lo_y > bottom or hi_y < top:
            continue
        size = members.stop - members.start if isinstance(members, slice) else members.size
        if size < SMALL_LAYER:
            small.append(np.arange(members.start, members.stop) if isinstance(members, slice) else members)
            continue
        if lo_x >= left and hi_x <= right and lo_y >= top and hi_y <= bottom:
            tier = _ends_on(model, members, on_screen)
            inside = lengths[members]
        else:
            tier = _ends_on(model, members, on_screen, uniform=False)
            meets, inside = _clip(model, members, lengths[members], bounds, (lo_x, lo_y, hi_x, hi_y))
            tier[~meets] = -1  # type: ignore[index]
        if isinstance(tier, int):
            tiers: tuple[int, ...] = (tier,)
        else:
            # The lowest and highest say most of it; a tier between them is looked for.
            low, high = int(tier.min()), int(tier.max())
            tiers = tuple(
                t for t in range(high, max(low, 0) - 1, -1) if t in (low, high) or (tier == t).any()
            )
        if tiers:
            big.append(LayerCrossing(group, members, tier, inside, scale, tiers))
    mixed = None
    if small:
        positions = np.sort(np.concatenate(small)) if len(small) > 1 else small[0]
        meets, inside = _clip(model, positions, lengths[positions], bounds)
        positions, inside = positions[meets], inside[meets]
        tier = on_screen[model.source[positions]] + on_screen[model.target[positions]]
        mixed = MixedCrossing(
            positions, tier, model.group[positions], inside * scale32 + np.float32(LINE_COST_PX)
        )
    return big, mixed


def mixed_classes(mixed: MixedCrossing, keep: Array) -> list[tuple[int, int, Array, Array]]:
    """(tier, group, sorted positions, costs) of the small layers' crossing edges ``keep`` allows, by tier
    and layer: one split of them all, not a pass per layer."""
    kept = np.flatnonzero(keep[mixed.positions])
    if kept.size == 0:
        return []
    groups = int(mixed.group.max()) + 1
    code = (2 - mixed.tier[kept].astype(np.int64)) * groups + mixed.group[kept]
    classes = []
    for value, where in split_by(code):
        at = kept[where]
        classes.append((2 - value // groups, value % groups, mixed.positions[at], mixed.cost[at]))
    return classes


def _ends_on(model: EdgeModel, members: slice | Array, on_screen: Array, uniform: bool = True) -> int | Array:
    """For each edge of ``members``, how many of its two neurons ``on_screen`` (0/1 per neuron) marks: a
    full weight matrix's as the sum of its rows' and columns' marks, broadcast; the rest by gathering. With
    ``uniform``, one number when the layer's weight matrices have every neuron on screen, or none."""
    if not isinstance(members, slice):
        return on_screen[model.source[members]] + on_screen[model.target[members]]
    start, stop = members.start, members.stop
    spans = []
    k = max(0, bisect.bisect_right(model._span_starts, start) - 1)
    while k < len(model._spans) and model._spans[k].start < stop:
        span = model._spans[k]
        if max(span.start, start) < min(span.stop, stop):
            spans.append(span)
        k += 1
    if uniform and spans:
        # Every edge joins two of its weight matrices' neurons: when they are all alike, so are the edges.
        marks = np.concatenate(
            [on_screen[nodes] for span in spans for nodes in (span.target_nodes, span.source_nodes)]
        )
        if marks.min() == marks.max():
            return 2 * int(marks[0])
    ends = np.empty(stop - start, dtype=np.int8)
    for span in spans:
        a, b = max(span.start, start), min(span.stop, stop)
        part = ends[a - start : b - start]
        if span.full and (a, b) == (span.start, span.stop):
            part.reshape(len(span.targets), span.width)[:] = (
                on_screen[span.target_nodes][:, None] + on_screen[span.source_nodes][None, :]
            )
        else:
            part[:] = on_screen[model.source[a:b]] + on_screen[model.target[a:b]]
    return ends


def _clip(
    model: EdgeModel,
    members: slice | Array,
    length: Array,
    bounds: tuple[float, float, float, float],
    box: tuple[float, float, float, float] | None = None,
) -> tuple[Array, Array]:
    """Which drawn segments of ``members`` meet the rectangle ``bounds`` (left, top, right, bottom), and the
    length of each inside it (``length`` is each one's whole length; 0 when it misses).

    Liang-Barsky on whole arrays: the part of a segment inside is where it is inside both slabs (between
    left and right, and between top and bottom), as fractions ``enter`` to ``leave`` of its length. A slab
    that holds the whole ``box`` around these segments (a view zoomed in on one column of a layered
    network holds it from left to right) is left out. Every step writes into the model's scratch arrays: a
    million fresh temporaries cost more than the arithmetic.
    """
    left, top, right, bottom = (np.float32(v) for v in bounds)
    lo_x, lo_y, hi_x, hi_y = box if box is not None else (-math.inf, -math.inf, math.inf, math.inf)
    slabs = []
    if not (lo_x >= left and hi_x <= right):
        slabs.append((model.x1[members], model.x2[members], left, right))
    if not (lo_y >= top and hi_y <= bottom):
        slabs.append((model.y1[members], model.y2[members], top, bottom))
    n = length.size
    # ``leave`` becomes the lengths inside, kept with the view; the rest is scratch.
    leave = np.full(n, np.inf, dtype=np.float32)
    enter, step, one, other = model.scratch(n, 4)
    enter.fill(-np.inf)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for a, b, low, high in slabs:
            # Fractions along the segment where it crosses the slab's two sides; along a segment parallel
            # to the slab, 1/0 is infinite: it is inside the slab everywhere or nowhere.
            np.subtract(b, a, out=step)
            np.divide(np.float32(1.0), step, out=step)
            np.subtract(low, a, out=one)
            one *= step
            np.subtract(high, a, out=other)
            other *= step
            np.minimum(one, other, out=step)
            np.maximum(enter, step, out=enter)
            np.maximum(one, other, out=step)
            np.minimum(leave, step, out=leave)
        np.maximum(enter, np.float32(0.0), out=enter)
        np.minimum(leave, np.float32(1.0), out=leave)
        meets = leave >= enter
        leave -= enter
        # A missed segment's share is negative or NaN (one lying on a side of the rectangle, which is in
        # the margin around the view): it counts for nothing, so masked sums over a layer stay finite.
        np.fmax(leave, np.float32(0.0), out=leave)
        leave *= length
    return meets, leave
