"""Level of detail: which edges the overview of a big network draws, for each view.

A network whose overview draws at most LINE_BUDGET lines draws all of them, wherever the view is. A bigger
one draws, for each view, what fits in DRAW_BUDGET_PX (a line costs its length on screen plus LINE_COST_PX):
when every edge crossing the view fits, all of them; otherwise the budget goes to the edges between two
neurons on screen, then to those with one end on screen, then to those passing through, and where it runs
out each layer gets a fair share filled by its strongest edges. While training a big network, only the
strongest edges of each layer are drawn.

:class:`EdgeDetail` is mixed into :class:`~nnstudio.ui.canvas.edge_model.EdgeModel`, whose arrays it reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF

from .edge_arrays import fair_shares, split_by
from .edge_crossing import LayerCrossing, MixedCrossing, crossing, mixed_classes

# Networks with more edges than this leave the faintest bucket out of the overview.
OMIT_FAINT_ABOVE = 2000
# While training, networks with at least this many edges draw only the strongest STRONGEST_SHARE of the
# edges into each layer (by |weight|); a layer keeps at least LAYER_KEEP edges, so a small layer keeps all.
FULL_DETAIL_BELOW = 2000
STRONGEST_SHARE = 0.15
LAYER_KEEP = 400
# An overview of at most this many lines draws them all at any view (the 11,000 of 784-16-16-10 take
# about 20 ms of CPU at 1600x1000); a bigger one chooses per view what fits in DRAW_BUDGET_PX, where a
# line costs its clipped length in device pixels plus LINE_COST_PX (the raster engine's cost grows with
# both; measured, this budget keeps the edge picture near 15 ms).
LINE_BUDGET = 16_000
DRAW_BUDGET_PX = 1_800_000
# While training thins the overview the picture is drawn again for every frame of weights: a ninth of the
# budget (784-1024-1024-10 at 1600x1000: about 760 lines, 0.7 ms of drawLines against 2.2 ms at a third)
# keeps the frame under 5 ms, and the strongest edges of each layer still show (784-16-16-10 at that size:
# 236, 186 and 143 of the 1,882, 220 and 143 its layers keep while training).
TRAINING_DRAW_BUDGET_PX = 200_000
# The choice for a view covers this share of its size more on each side, so that panning a little keeps
# it; zooming in by more than REUSE_ZOOM chooses again (more edges fit as fewer are in view).
VIEW_MARGIN = 0.25
REUSE_ZOOM = 1.5
# An exported picture of a network bigger than LINE_BUDGET holds the strongest this many of its edges.
EXPORT_LINES = 60_000
# Choosing a layer's strongest edges partitions them exactly up to this many; beyond, a strided sample of
# this many sets the strength to keep from.
EXACT_CHOICE_UP_TO = 50_000

Array = np.ndarray


@dataclass(frozen=True)
class ViewDetail:
    """The edges chosen for one view: ``rect`` (scene) and ``scale`` (device pixels per scene unit) it was
    chosen for, the positions ``drawn``, and whether they are every edge the overview would draw there."""

    rect: QRectF
    scale: float
    drawn: Array
    complete: bool
    versions: tuple[int, int]


@dataclass(frozen=True)
class _Class:
    """Crossing edges of a view with the same number of ends on screen (``tier``) into the same layer, that
    the overview keeps: how many, and what drawing them all costs. A big layer's are its edges where
    ``mask`` is set (over ``layer``'s members); the small layers' are listed by ``positions``."""

    tier: int
    count: int
    total: float
    layer: LayerCrossing | None
    mask: Array | None
    positions: Array | None

    def every(self) -> Array:
        """The sorted positions of all of them."""
        if self.layer is None:
            return self.positions  # type: ignore[return-value]
        return _positions(self.layer.members, np.flatnonzero(self.mask))


def _positions(members: slice | Array, local: Array) -> Array:
    """Positions in the model's arrays of the ``local`` indices into ``members``."""
    return local + members.start if isinstance(members, slice) else members[local]


class EdgeDetail:
    """What the overview draws (part of ``EdgeModel``): the faint bucket left out, the strongest of each
    layer while training, and a choice per view for a network too big to draw whole."""

    @property
    def thinned(self) -> bool:
        """True when the overview draws only the strongest edges of each layer (training a big network)."""
        return self.strongest_only and self.count >= FULL_DETAIL_BELOW

    def set_strongest_only(self, on: bool) -> bool:
        """Draw only the strongest edges of each layer (while training) or all again; True when that changes
        what is drawn (a network below FULL_DETAIL_BELOW edges always shows every edge)."""
        was = self.thinned
        self.strongest_only = on
        if self.thinned == was:
            return False
        self._restyled()
        return True

    # ------------------------------------------------------------------ what is drawn
    def _keep_mask(self) -> Array:
        """Which edges the overview may draw: in a big network all but the faintest bucket (near-zero
        weights, as the seeds' big diagrams leave out weak links); while thinned, only each layer's strongest
        STRONGEST_SHARE (at least LAYER_KEEP), chosen by :meth:`_strongest_of` (exactly in a layer of up to
        EXACT_CHOICE_UP_TO edges)."""
        if self._keep is None:
            self._keep = self._keep_for(self.thinned)
            self._keep_count = int(np.count_nonzero(self._keep))
        return self._keep

    def _keep_for(self, thin: bool) -> Array:
        keep = np.ones(self.count, dtype=bool)
        if self.detailed:
            return keep
        if thin:
            keep[:] = False
            for _, members in self._layers():
                n = members.stop - members.start if isinstance(members, slice) else members.size
                keep[self._strongest_of(members, max(math.ceil(STRONGEST_SHARE * n), min(n, LAYER_KEEP)))] = (
                    True
                )
        if self.count > OMIT_FAINT_ABOVE:
            keep &= self.bucket >= 4
        return keep

    @property
    def chooses_per_view(self) -> bool:
        """True when the overview would draw more than LINE_BUDGET lines, or while training thins it: each
        view then draws a choice within its pixel budget (a training frame draws the picture again, and the
        digit reader's 2,000 strongest lines across the whole view cost more than the rest of the frame)."""
        if self.detailed:
            return False
        self._keep_mask()
        return self._keep_count > LINE_BUDGET or self.thinned

    def drawn(self) -> Array:
        """Sorted positions of the edges the overview draws.

        A small network draws every edge. A big one leaves out the faintest bucket, and while thinned keeps
        only each layer's strongest (see :meth:`_keep_mask`). One bigger than LINE_BUDGET draws what
        :meth:`select_view` chose for the last view painted (before any, each layer's strongest).
        """
        if self._drawn is None:
            if self.detailed:
                self._drawn = np.arange(self.count)
            elif self.chooses_per_view:
                view = self._view
                self._drawn = (
                    view.drawn if view is not None else self._whole_choice(self._keep_mask(), LINE_BUDGET)
                )
            else:
                self._drawn = np.flatnonzero(self._keep_mask())
        return self._drawn

    @property
    def drawn_count(self) -> int:
        """How many edge lines the overview draws."""
        return int(self.drawn().size)

    def _current_view(self) -> ViewDetail | None:
        view = self._view
        if view is None or view.versions != (self.geometry_version, self.style_version):
            return None
        return view

    def detail(self) -> tuple[int, int] | None:
        """(edges drawn, edges in the network) while the last view painted draws only some of those it
        crosses; None while it draws every one (or the network is small enough to draw whole)."""
        view = self._view
        if view is None or view.complete or not self.chooses_per_view:
            return None
        if self._keep_count <= LINE_BUDGET:
            # Chosen per view only because training thins it: the canvas says so as for any training.
            return None
        return int(view.drawn.size), self.count

    def select_view(self, visible: QRectF, scale: float) -> bool:
        """Choose the edges to draw for a view showing ``visible`` (scene) at ``scale`` device pixels per
        scene unit; True when the choice changed. Kept while the view stays inside what it was chosen for
        and zooms by less than REUSE_ZOOM either way (zoomed in further, the same lines cost more pixels,
        and a partial choice could show more)."""
        if not self.chooses_per_view or visible.isEmpty():
            return False
        view = self._current_view()
        if (
            view is not None
            and view.rect.contains(visible)
            and view.scale / REUSE_ZOOM <= scale <= view.scale * REUSE_ZOOM
        ):
            return False
        margin = VIEW_MARGIN * max(visible.width(), visible.height())
        rect = visible.adjusted(-margin, -margin, margin, margin)
        drawn, complete = self._choose(rect, visible, scale)
        self._view = ViewDetail(rect, scale, drawn, complete, (self.geometry_version, self.style_version))
        self.view_choices += 1
        self._drawn = None
        self._bucket_lines = None
        return True

    def _view_crossing(
        self, rect: QRectF, visible: QRectF, scale: float
    ) -> tuple[list[LayerCrossing], MixedCrossing | None]:
        """The edges crossing ``rect``, with how many of their neurons are on screen (in ``visible``) and
        what each costs to draw at ``scale`` (see :func:`~.edge_crossing.crossing`). Depends on the geometry
        and the view only, so it is kept while the weights change."""
        key = (
            rect.left(),
            rect.top(),
            rect.right(),
            rect.bottom(),
            visible.left(),
            visible.top(),
            visible.right(),
            visible.bottom(),
            scale,
            self.geometry_version,
        )
        if self._crossings is None or self._crossings[0] != key:
            self._crossings = (key, crossing(self, rect, visible, scale))
        return self._crossings[1]

    def _kept_classes(self, rect: QRectF, visible: QRectF, scale: float) -> list[_Class]:
        """The crossing edges ``_keep_mask`` allows, by how many of their ends are on screen and by layer,
        each class with its count and the total cost of drawing it."""
        keep = self._keep_mask()
        layers, mixed = self._view_crossing(rect, visible, scale)
        classes: list[_Class] = []
        for layer in layers:
            kept = keep[layer.members]
            for tier in layer.tiers:
                mask = kept if isinstance(layer.tier, int) else kept & (layer.tier == tier)
                count = int(np.count_nonzero(mask))
                if count:
                    classes.append(_Class(tier, count, layer.cost(mask, count), layer, mask, None))
        if mixed is not None:
            for tier, _, positions, cost in mixed_classes(mixed, keep):
                classes.append(_Class(tier, positions.size, float(cost.sum()), None, None, positions))
        return classes

    def _choose(self, rect: QRectF, visible: QRectF, scale: float) -> tuple[Array, bool]:
        """The edges to draw for ``rect``: all it crosses that the overview keeps, when their cost fits
        DRAW_BUDGET_PX (TRAINING_DRAW_BUDGET_PX while thinned). Otherwise the budget goes first to the edges
        between two neurons on screen (in ``visible``), then to those with one end on screen, then to those
        passing through; in the first tier that does not fit whole, each layer gets a fair share of what is
        left, filled by its strongest edges. Returns the sorted positions and whether that is all of them."""
        kept = self._kept_classes(rect, visible, scale)
        totals = np.array([cls.total for cls in kept])
        budget = TRAINING_DRAW_BUDGET_PX if self.thinned else DRAW_BUDGET_PX
        if totals.sum() <= budget:
            drawn = np.sort(np.concatenate([cls.every() for cls in kept])) if kept else np.zeros(0, np.intp)
            return drawn, True
        chosen: list[Array] = []
        left = float(budget)
        for tier in (2, 1, 0):
            part = [k for k, cls in enumerate(kept) if cls.tier == tier]
            if not part:
                continue
            if totals[part].sum() <= left:
                chosen.extend(kept[k].every() for k in part)
                left -= float(totals[part].sum())
                continue
            shares = fair_shares(totals[part], left)
            for k, share in zip(part, shares.tolist(), strict=True):
                cls = kept[k]
                if totals[k] <= share:
                    chosen.append(cls.every())
                else:
                    where, among = (
                        (cls.positions, None) if cls.layer is None else (cls.layer.members, cls.mask)
                    )
                    chosen.append(self._strongest_of(where, int(share / (totals[k] / cls.count)), among))
            break
        drawn = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.intp)
        return drawn, False

    def _strongest_of(self, positions: Array | slice, k: int, among: Array | None = None) -> Array:
        """About the ``k`` strongest of the edges at ``positions`` (an array, or a slice for a layer whose
        edges lie side by side; with ``among``, a mask over them, only those where it is set): exactly, up to
        EXACT_CHOICE_UP_TO of them; beyond that, those at least as strong as the strength a strided sample
        puts at that rank (a few more or fewer, in one pass instead of a partition of a million)."""
        # |weight|, not the strength, which is 1 for every edge beyond a layer's reference.
        strength = self.magnitude[positions]
        n = strength.size if among is None else int(np.count_nonzero(among))
        if k >= n:
            return _positions(positions, np.arange(n) if among is None else np.flatnonzero(among))
        if k <= 0:
            return np.zeros(0, dtype=np.intp)
        local = None if among is None else np.flatnonzero(among)
        if n <= EXACT_CHOICE_UP_TO:
            local = np.arange(n) if local is None else local
            return _positions(positions, local[np.argpartition(strength[local], n - k)[n - k :]])
        step = max(1, n // EXACT_CHOICE_UP_TO)
        sample = strength[::step] if local is None else strength[local[::step]]
        rank = int((1.0 - k / n) * (sample.size - 1))
        threshold = np.partition(sample, rank)[rank]
        chosen = strength > threshold
        if among is not None:
            chosen &= among
        if np.count_nonzero(chosen) < k:
            chosen = strength >= threshold
            if among is not None:
                chosen &= among
        return _positions(positions, np.flatnonzero(chosen))

    def _export_choice(self) -> Array:
        """The edges an exported picture shows: every edge the overview keeps when not training, or in a
        network too big for that, each layer's strongest, EXPORT_LINES in all."""
        keep = self._keep_for(False)
        if np.count_nonzero(keep) <= max(LINE_BUDGET, EXPORT_LINES):
            return np.flatnonzero(keep)
        return self._whole_choice(keep, EXPORT_LINES)

    def _whole_choice(self, keep: Array, limit: int) -> Array:
        """Of the edges ``keep`` allows, each layer's strongest: ``limit`` in all, shared fairly."""
        which = np.flatnonzero(keep)
        if which.size <= limit:
            return which
        layers = [which[members] for _, members in split_by(self.group[which])]
        shares = fair_shares(np.array([float(m.size) for m in layers]), limit)
        chosen = [self._strongest_of(m, int(share)) for m, share in zip(layers, shares.tolist(), strict=True)]
        return np.sort(np.concatenate(chosen))

    def strongest(self, which: Array, limit: int) -> Array:
        """The strongest ``limit`` of the edges ``which`` (all of them when they are that few)."""
        if which.size <= limit:
            return which
        return np.sort(
            which[np.argpartition(self.magnitude[which], which.size - limit)[which.size - limit :]]
        )

    # ------------------------------------------------------------------ queries
    def nearest(self, x: float, y: float, tolerance: float) -> int | None:
        """The edge whose drawn segment passes within ``tolerance`` of (x, y), the closest one. In a network
        drawn by a choice per view, only the edges drawn are candidates: what is pointed at is what shows."""
        if self.count == 0:
            return None
        view = self._view if self.chooses_per_view else None
        which = view.drawn if view is not None else None
        x1, y1, x2, y2 = (a if which is None else a[which] for a in (self.x1, self.y1, self.x2, self.y2))
        if x1.size == 0:
            return None
        dx, dy = x2 - x1, y2 - y1
        px, py = x - x1, y - y1
        length2 = dx * dx + dy * dy
        t = np.clip((px * dx + py * dy) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
        d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2
        i = int(np.argmin(d2))
        if d2[i] > tolerance * tolerance:
            return None
        return i if which is None else int(which[i])
