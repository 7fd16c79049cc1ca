"""Where neuron names go, and how much of each fits.

Every name has one place by the neuron's role: an input's left of its square, a hidden neuron's below its
disc, an output's right of its ring. Names keep a readable size on screen when the view zooms out, so the
room between neurons (in screen terms) shrinks as it does: at each zoom :func:`layout_labels` measures how
wide each name may be without running into another neuron or name. The scene then shortens a name to that
width with an ellipsis, or leaves it out when not even a few letters fit; hovering shows the full name.
Before any of that, :func:`drawn_text` cuts a name to one short line, so no name costs more to lay out.

Plain numpy on arrays of boxes, so it can be checked without a window and costs little for hundreds of
names.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

Array = np.ndarray

# Pairs of names compared at once (bounds the memory of the pairwise arrays for thousands of names).
CHUNK = 256

# The most of a name the canvas ever measures and draws. Laying out text costs memory by its length and
# its lines (20,000 line breaks in one label once took 1.24 GB), so a name is cut to its first line and
# this many characters before any of it reaches Qt, whatever set it: a file, a paste, a script.
MAX_DRAWN_CHARS = 200


class Side(IntEnum):
    """Where a name sits relative to its neuron."""

    LEFT = 0
    BELOW = 1
    RIGHT = 2


def drawn_text(text: str) -> str:
    """What the canvas lays out of a name: its first line, at most :data:`MAX_DRAWN_CHARS` characters,
    ending in an ellipsis when anything was cut. Costs no more than the cut for any length of ``text``."""
    head = text[: MAX_DRAWN_CHARS + 1]
    lines = head.splitlines()
    first = lines[0] if lines else ""
    if len(first) == len(text):
        return text
    return f"{first[: MAX_DRAWN_CHARS - 1].rstrip()}\u2026"


@dataclass(frozen=True)
class LabelBoxes:
    """Result of :func:`layout_labels`: each name's allowed width (0: left out) and its box's top and left."""

    width: Array
    top: Array
    left: Array

    @property
    def shown(self) -> Array:
        return self.width > 0


def layout_labels(
    *,
    x: Array,
    y: Array,
    half: Array,
    side: Array,
    width: Array,
    height: Array,
    bodies: Array,
    own_body: Array,
    gap: float,
    tolerance: float,
    min_width: Array,
) -> LabelBoxes:
    """Fit names beside their neurons without overlapping other neurons or names.

    Per name ``i``: the neuron's centre ``x, y`` and half size ``half`` (its body is the square
    ``x +- half``), the :class:`Side`, the full ``width`` and the ``height`` of its box. ``bodies`` holds
    every drawn body as rows (left, top, right, bottom); ``own_body[i]`` is the row of name ``i``'s own
    neuron (-1 for none), which the name never avoids. ``gap`` keeps names that far from what they avoid. A
    name below whose neuron has another too close under it goes right of its neuron instead (a column
    whose discs sit closer than a name is tall still shows its names, and none covers a disc).
    ``tolerance`` is how far a name beside a neuron may reach over a body above or below its band. A name
    narrower than ``min_width`` after fitting is left out (width 0). All lengths are in scene units.
    """
    n = len(x)
    x, y, half = (np.asarray(a, dtype=np.float64) for a in (x, y, half))
    width, height = np.asarray(width, dtype=np.float64), np.asarray(height, dtype=np.float64)
    side = np.asarray(side, dtype=np.intp)
    bodies = np.asarray(bodies, dtype=np.float64).reshape(-1, 4)
    own_body = np.asarray(own_body, dtype=np.intp)
    body_rows = np.arange(len(bodies))
    if n == 0:
        empty = np.zeros(0)
        return LabelBoxes(empty, empty, empty)
    side = side.copy()
    below = side == Side.BELOW
    top = y - height / 2
    hidden = np.zeros(n, dtype=bool)
    bl, bt, br, bb = bodies.T if len(bodies) else (np.zeros(0),) * 4

    # Names below: right under the body when the gap to the next body down holds them; else beside the
    # body, on its right (a tight column's names never reach into the discs under them).
    start = y + half
    for lo in range(0, n, CHUNK):
        idx = np.flatnonzero(below[lo : lo + CHUNK]) + lo
        if idx.size == 0 or len(bodies) == 0:
            continue
        others = body_rows[None, :] != own_body[idx, None]
        column = (bl[None, :] < (x + half)[idx, None]) & (br[None, :] > (x - half)[idx, None])
        under = bt[None, :] > y[idx, None]
        free = np.where(others & column & under, bt[None, :] - start[idx, None], np.inf).min(axis=1)
        roomy = free >= height[idx] + 2 * gap
        top[idx] = np.where(roomy, start[idx] + gap, top[idx])
        side[idx[~roomy]] = Side.RIGHT
    # Where each name grows from (its anchor) and how much of its width lies right / left of it.
    anchor = np.where(side == Side.LEFT, x - half - gap, np.where(side == Side.RIGHT, x + half + gap, x))
    grow_right = np.where(side == Side.LEFT, 0.0, np.where(side == Side.RIGHT, 1.0, 0.5))
    grow_left = 1.0 - grow_right
    bottom = top + height

    right_room = np.full(n, np.inf)
    left_room = np.full(n, np.inf)
    if len(bodies):
        for lo in range(0, n, CHUNK):
            i = np.arange(lo, min(n, lo + CHUNK))
            # Bodies of other neurons in the name's band (a small overlap allowed, see ``tolerance``).
            across = (
                (body_rows[None, :] != own_body[i, None])
                & (top[i, None] < bb[None, :] - tolerance)
                & (bt[None, :] + tolerance < bottom[i, None])
            )
            a = anchor[i, None]
            right_room[i] = np.where(across & (bl[None, :] >= a), bl[None, :] - a - gap, np.inf).min(axis=1)
            left_room[i] = np.where(across & (br[None, :] <= a), a - br[None, :] - gap, np.inf).min(axis=1)
            hidden[i] |= (across & (bl[None, :] < a) & (br[None, :] > a)).any(axis=1)

    # Other names in the band: two names growing towards each other share the gap between their anchors,
    # each taking at least half of it, and more when the other needs less; a name growing away from another
    # still starts at its anchor. Names already left out take no room.
    need_left = grow_left * width
    need_right = grow_right * width
    j = np.arange(n)
    for lo in range(0, n, CHUNK):
        i = np.arange(lo, min(n, lo + CHUNK))
        overlap = (
            (top[i, None] < bottom[None, :])
            & (top[None, :] < bottom[i, None])
            & (i[:, None] != j[None, :])
            & ~hidden[None, :]
        )
        distance = anchor[None, :] - anchor[i, None]
        ahead = (distance > 0) | ((distance == 0) & (j[None, :] > i[:, None]))
        gap_between = np.abs(distance) - gap
        # i's right side against the left side of a name ahead of it, i's left side against one behind.
        for mask, mine, theirs, room in (
            (ahead, grow_right[i, None], need_left[None, :], right_room),
            (~ahead, grow_left[i, None], need_right[None, :], left_room),
        ):
            meets = overlap & mask & (mine > 0)
            share = np.where(theirs > 0, np.maximum(gap_between / 2, gap_between - theirs), gap_between)
            room[i] = np.minimum(room[i], np.where(meets, share, np.inf).min(axis=1))

    with np.errstate(divide="ignore", invalid="ignore"):
        by_right = np.where(grow_right > 0, right_room / grow_right, np.inf)
        by_left = np.where(grow_left > 0, left_room / grow_left, np.inf)
    fitted = np.minimum(width, np.minimum(by_right, by_left))
    hidden |= fitted < np.asarray(min_width, dtype=np.float64)
    fitted = np.where(hidden, 0.0, np.maximum(fitted, 0.0))
    left = anchor - grow_left * fitted
    return LabelBoxes(fitted, top, left)


__all__ = ["MAX_DRAWN_CHARS", "LabelBoxes", "Side", "drawn_text", "layout_labels"]
