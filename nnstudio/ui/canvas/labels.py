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
    if n == 0:
        empty = np.zeros(0)
        return LabelBoxes(empty, empty, empty)
    side = side.copy()
    below = side == Side.BELOW
    top = y - height / 2
    hidden = np.zeros(n, dtype=bool)
    bl, bt, br, bb = bodies.T if len(bodies) else (np.zeros(0),) * 4
    # Each name meets only the bodies and names near it in height: they are found by sorting on the top
    # edge and bisecting, so a network of thousands of neurons costs what its neighbourhoods do, not the
    # square of its size.
    by_top = np.argsort(bt, kind="stable")
    body_tops = bt[by_top]
    tallest_body = float((bb - bt).max()) if len(bodies) else 0.0

    def bodies_between(low: float, high: float) -> Array:
        """The bodies whose top lies strictly between ``low`` and ``high``."""
        return by_top[np.searchsorted(body_tops, low, "right") : np.searchsorted(body_tops, high, "left")]

    # Names below: right under the body when the gap to the next body down holds them; else beside the
    # body, on its right (a tight column's names never reach into the discs under them).
    start = y + half
    needed = height + 2 * gap
    below_names = np.flatnonzero(below)
    below_names = below_names[np.argsort(y[below_names], kind="stable")]
    for lo in range(0, below_names.size, CHUNK):
        idx = below_names[lo : lo + CHUNK]
        # A body further down than a name needs leaves it room, as no body at all would.
        near = bodies_between(float(y[idx].min()), float((start[idx] + needed[idx]).max()))
        if near.size == 0:
            if len(bodies):
                top[idx] = start[idx] + gap
            continue
        others = near[None, :] != own_body[idx, None]
        column = (bl[near][None, :] < (x + half)[idx, None]) & (br[near][None, :] > (x - half)[idx, None])
        under = bt[near][None, :] > y[idx, None]
        free = np.where(others & column & under, bt[near][None, :] - start[idx, None], np.inf).min(axis=1)
        roomy = free >= needed[idx]
        top[idx] = np.where(roomy, start[idx] + gap, top[idx])
        side[idx[~roomy]] = Side.RIGHT
    # Where each name grows from (its anchor) and how much of its width lies right / left of it.
    anchor = np.where(side == Side.LEFT, x - half - gap, np.where(side == Side.RIGHT, x + half + gap, x))
    grow_right = np.where(side == Side.LEFT, 0.0, np.where(side == Side.RIGHT, 1.0, 0.5))
    grow_left = 1.0 - grow_right
    bottom = top + height
    names_by_top = np.argsort(top, kind="stable")

    right_room = np.full(n, np.inf)
    left_room = np.full(n, np.inf)
    if len(bodies):
        for lo in range(0, n, CHUNK):
            i = names_by_top[lo : lo + CHUNK]
            # Bodies of other neurons in the name's band (a small overlap allowed, see ``tolerance``).
            near = bodies_between(
                float(top[i].min()) + tolerance - tallest_body, float(bottom[i].max()) - tolerance
            )
            nl, nt, nr, nb = bl[near][None, :], bt[near][None, :], br[near][None, :], bb[near][None, :]
            across = (
                (near[None, :] != own_body[i, None])
                & (top[i, None] < nb - tolerance)
                & (nt + tolerance < bottom[i, None])
            )
            a = anchor[i, None]
            right_room[i] = np.where(across & (nl >= a), nl - a - gap, np.inf).min(axis=1, initial=np.inf)
            left_room[i] = np.where(across & (nr <= a), a - nr - gap, np.inf).min(axis=1, initial=np.inf)
            hidden[i] |= (across & (nl < a) & (nr > a)).any(axis=1)

    # Other names in the band: two names growing towards each other share the gap between their anchors,
    # each taking at least half of it, and more when the other needs less; a name growing away from another
    # still starts at its anchor. Names already left out take no room.
    need_left = grow_left * width
    need_right = grow_right * width
    sorted_tops = top[names_by_top]
    tallest_name = float(height.max())
    for lo in range(0, n, CHUNK):
        i = names_by_top[lo : lo + CHUNK]
        j = names_by_top[
            np.searchsorted(sorted_tops, float(top[i].min()) - tallest_name, "right") : np.searchsorted(
                sorted_tops, float(bottom[i].max()), "left"
            )
        ]
        overlap = (
            (top[i, None] < bottom[j][None, :])
            & (top[j][None, :] < bottom[i, None])
            & (i[:, None] != j[None, :])
            & ~hidden[j][None, :]
        )
        distance = anchor[j][None, :] - anchor[i, None]
        ahead = (distance > 0) | ((distance == 0) & (j[None, :] > i[:, None]))
        gap_between = np.abs(distance) - gap
        # i's right side against the left side of a name ahead of it, i's left side against one behind.
        for mask, mine, theirs, room in (
            (ahead, grow_right[i, None], need_left[j][None, :], right_room),
            (~ahead, grow_left[i, None], need_right[j][None, :], left_room),
        ):
            meets = overlap & mask & (mine > 0)
            share = np.where(theirs > 0, np.maximum(gap_between / 2, gap_between - theirs), gap_between)
            room[i] = np.minimum(room[i], np.where(meets, share, np.inf).min(axis=1, initial=np.inf))

    with np.errstate(divide="ignore", invalid="ignore"):
        by_right = np.where(grow_right > 0, right_room / grow_right, np.inf)
        by_left = np.where(grow_left > 0, left_room / grow_left, np.inf)
    fitted = np.minimum(width, np.minimum(by_right, by_left))
    hidden |= fitted < np.asarray(min_width, dtype=np.float64)
    fitted = np.where(hidden, 0.0, np.maximum(fitted, 0.0))
    left = anchor - grow_left * fitted
    return LabelBoxes(fitted, top, left)


__all__ = ["MAX_DRAWN_CHARS", "LabelBoxes", "Side", "drawn_text", "layout_labels"]
