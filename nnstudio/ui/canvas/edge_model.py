"""Every edge of the network as numpy arrays: ends, weight, frozen flag, drawn segment, strength and bucket.

Built block by block from the network's weight matrices
(:meth:`~nnstudio.engine.connections.Connections.arrays`): no Edge object, id string or QLineF per edge is
made to show a network. Geometry is recomputed only when neurons move or the structure changes; a weight
change only re-buckets; an activation change touches nothing here. Ids (:mod:`.edge_ids`), what is drawn
(:mod:`.edge_detail`) and the lines to draw (:mod:`.edge_lines`) are parts of :class:`EdgeModel` in
modules of their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QLineF, QRectF

from nnstudio.engine.graph import Network

from .edge_arrays import as_run, percentile_by, split_by
from .edge_crossing import LayerCrossing, MixedCrossing
from .edge_detail import EdgeDetail, ViewDetail
from .edge_ids import EdgeIdLookup, _Span
from .edge_lines import EdgeLines

if TYPE_CHECKING:
    from nnstudio.engine.plan import Plan

# Up to this many edges, each edge is drawn on its own (antialiased, width by weight, arrowhead).
DETAIL_LIMIT = 300
# An image of at most this many pixels has each pixel's line leave it at a point of its own (see _leave_grid).
SMALL_GRID_PIXELS = 64
# Strength thresholds (|weight| / reference) between the four buckets of a big network.
STRENGTH_STEPS = (0.12, 0.35, 0.65)
# While training a network drawn by a choice per view, a weights frame restyles only the edges drawn, and
# every weight is read and the choice made again at most this often (seconds).
TRAINING_CHOICE_EVERY_S = 0.5
# ... or less often, so that reading every weight and choosing again takes at most this share of the time
# (784-1024-1024-10: about 13 ms, so every 1.3 s: about one weights frame in five, which leaves the
# frames in between, the usual ones, to decide how long a frame takes).
FULL_RELOAD_SHARE = 0.01
# A layer's reference strength is measured on at most this many of its weights (evenly spaced).
REFERENCE_SAMPLE = 100_000

Array = np.ndarray
_STEPS = np.array(STRENGTH_STEPS, dtype=np.float32)


class EdgeModel(EdgeIdLookup, EdgeDetail, EdgeLines):
    """Every edge of the network as arrays, with drawing geometry and buckets cached."""

    def __init__(self) -> None:
        self.node_index: dict[str, int] = {}
        self.nx = np.zeros(0)
        self.ny = np.zeros(0)
        self.source = np.zeros(0, dtype=np.intp)
        self.target = np.zeros(0, dtype=np.intp)
        self.weight = np.zeros(0)
        self.frozen = np.zeros(0, dtype=bool)
        self.group = np.zeros(0, dtype=np.int32)
        self.pixel_source = np.zeros(0, dtype=bool)
        self._node_pixel = np.zeros(0, dtype=bool)
        self.pixel_rect: tuple[float, float, float, float] | None = None
        self.detailed = True
        # Drawn segment ends (edges from image pixels start where they leave the grid).
        self.x1 = np.zeros(0, dtype=np.float32)
        self.y1 = np.zeros(0, dtype=np.float32)
        self.x2 = np.zeros(0, dtype=np.float32)
        self.y2 = np.zeros(0, dtype=np.float32)
        self.strength = np.zeros(0, dtype=np.float32)
        self.magnitude = np.zeros(0, dtype=np.float32)
        self.bucket = np.zeros(0, dtype=np.int8)
        # Each layer's reference strength (by layer number), as the last full restyle measured it.
        self._reference = np.ones(1, dtype=np.float32)
        # While training: True when only the drawn edges' weights were read since the last full reload.
        self.partly_current = False
        self._last_full_reload = -math.inf
        self._full_reload_cost = 0.0
        self._count = 0
        self._spans: list[_Span] = []
        self._span_starts: list[int] = []
        # Per node: the span whose row it is (-1: none) and that row; the spans it is a column of (lazily).
        self._node_span = np.zeros(0, dtype=np.intp)
        self._node_row = np.zeros(0, dtype=np.intp)
        self._feeds: dict[int, list[tuple[int, int]]] | None = None
        self._alias_pair: dict[str, tuple[str, str]] = {}
        self._pair_alias: dict[tuple[str, str], str] = {}
        self._structure_revision = -1
        self._lines: list[QLineF] | None = None
        # The last plan's edge index and what _as_run made of it (a plan keeps its index while it lives).
        self._index_run: tuple[Array, Array | slice] | None = None
        # A big network's segments by position, made the first time each edge is drawn: a training frame
        # draws much the same strongest edges as the last, so it reuses their lines.
        self._line_cache: dict[int, QLineF] = {}
        self._bucket_lines: list[tuple[int, list[QLineF]]] | None = None
        # The drawn edges' lines in their order, for the drawn array and geometry version they were made for:
        # a training frame between two choices draws the same edges in new buckets (see _batches).
        self._drawn_lines: tuple[Array, int, list[QLineF]] | None = None
        self._bounds: QRectF | None = None
        # Training: only the strongest edges of each layer are drawn (see set_strongest_only).
        self.strongest_only = False
        self._keep: Array | None = None
        self._keep_count = 0
        self._drawn: Array | None = None
        # The edges chosen for the last view of a network too big to draw whole (see select_view).
        self._view: ViewDetail | None = None
        # The edges crossing the last view chosen for, by layer (see _view_crossing), and the view's key.
        self._crossings: tuple[tuple, tuple[list[LayerCrossing], MixedCrossing | None]] | None = None
        # Each edge's drawn length, and the geometry version it was measured on (see segment_lengths).
        self._lengths: tuple[int, Array] | None = None
        # Working memory of the per-view arithmetic (see scratch).
        self._scratch = np.zeros(0, dtype=np.float32)
        self.geometry_version = 0
        self.style_version = 0
        self.structure_version = 0
        self.line_builds = 0
        self.view_choices = 0
        self._group_members: list[tuple[int, Array | slice]] | None = None
        # (geometry version, each layer's positions and the box around its edges): see _group_boxes.
        self._boxes: tuple[int, list[tuple[Array | slice, tuple[float, float, float, float]]]] | None = None

    @property
    def count(self) -> int:
        return self._count

    # ------------------------------------------------------------------ building
    def clear(self) -> None:
        """No network: no edges (the version counters keep counting, so no stale cache matches)."""
        geometry, style, structure = self.geometry_version, self.style_version, self.structure_version
        builds, choices, strongest_only = self.line_builds, self.view_choices, self.strongest_only
        self.__init__()  # type: ignore[misc]
        self.geometry_version, self.style_version, self.line_builds = geometry + 1, style + 1, builds
        self.view_choices = choices
        self.strongest_only = strongest_only
        self.structure_version = structure + 1

    def rebuild(
        self,
        network: Network,
        positions: Mapping[str, tuple[float, float]],
        pixel_ids: set[str],
        pixel_rect: tuple[float, float, float, float] | None,
        groups: Mapping[str, int],
    ) -> None:
        """Take the structure from ``network``; ``positions`` gives every node's drawn centre.

        Built block by block: each weight matrix's rows and columns become the edges' target and source
        positions in a few numpy steps, whatever its size.
        """
        self.node_index = node = {nid: i for i, nid in enumerate(positions)}
        n_nodes = len(node)
        xy = np.array(list(positions.values()), dtype=np.float64).reshape(-1, 2)
        self.nx, self.ny = xy[:, 0].copy(), xy[:, 1].copy()
        node_group = np.fromiter((groups.get(nid, 0) for nid in node), dtype=np.int32, count=n_nodes)
        node_pixel = np.fromiter((nid in pixel_ids for nid in node), dtype=bool, count=n_nodes)
        blocks = network.edges.arrays()
        target_nodes = [
            np.fromiter((node[t] for t in links.targets), dtype=np.int32, count=len(links.targets))
            for links in blocks
        ]
        source_nodes = [
            np.fromiter((node[s] for s in links.sources), dtype=np.int32, count=len(links.sources))
            for links in blocks
        ]
        if blocks:
            self.source = np.concatenate([b.per_col(s) for b, s in zip(blocks, source_nodes, strict=True)])
            self.target = np.concatenate([b.per_row(t) for b, t in zip(blocks, target_nodes, strict=True)])
            self.weight = np.concatenate([links.weight for links in blocks]).astype(np.float64, copy=False)
            self.frozen = np.concatenate([links.frozen for links in blocks])
        else:
            self.source = self.target = np.zeros(0, dtype=np.int32)
            self.weight, self.frozen = np.zeros(0), np.zeros(0, dtype=bool)
        n = self.source.size
        self._count = n
        self.group = node_group[self.target]
        self._node_pixel = node_pixel
        self.pixel_source = node_pixel[self.source]
        self.pixel_rect = pixel_rect
        self.detailed = n <= DETAIL_LIMIT

        self._spans, self._span_starts = [], []
        self._node_span = np.full(n_nodes, -1, dtype=np.intp)
        self._node_row = np.full(n_nodes, -1, dtype=np.intp)
        start = 0
        for k, links in enumerate(blocks):
            keys = None if links.full else links.rows * len(links.sources) + links.cols
            span = _Span(
                start,
                links.targets,
                links.sources,
                target_nodes[k],
                source_nodes[k],
                links.full,
                keys,
                links.count,
            )
            self._spans.append(span)
            self._span_starts.append(start)
            self._node_span[target_nodes[k]] = k
            self._node_row[target_nodes[k]] = np.arange(len(links.targets))
            start = span.stop
        self._feeds = None
        self._alias_pair = dict(network.edges.alias_pair)
        self._pair_alias = dict(network.edges.pair_alias)
        self._structure_revision = network.structure_revision
        self.partly_current = False

        self.x1, self.y1 = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
        self.x2, self.y2 = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
        self._place_all()
        self._lines = None
        self._line_cache = {}
        self.geometry_version += 1
        self.structure_version += 1
        self._group_members = None
        self._view = None
        self._crossings = None
        self._bounds = None
        if not self.detailed:
            # Measured with the geometry, once, so the first paint's choice of edges only compares them.
            self.segment_lengths()
            self._group_boxes()
        self.restyle()

    def _place(self, which: Array) -> None:
        """Compute drawn ends of the edges ``which`` from node positions."""
        nx, ny = self.nx.astype(np.float32), self.ny.astype(np.float32)
        s, t = self.source[which], self.target[which]
        x1, y1, x2, y2 = nx[s], ny[s], nx[t], ny[t]
        pixel = np.flatnonzero(self.pixel_source[which]) if self.pixel_rect is not None else []
        if len(pixel):
            x1[pixel], y1[pixel] = self._leave_grid(x1[pixel], y1[pixel], x2[pixel], y2[pixel])
        self.x1[which], self.y1[which], self.x2[which], self.y2[which] = x1, y1, x2, y2

    def _place_all(self) -> None:
        """Compute every edge's drawn ends: a full weight matrix's as a grid of sources by targets (copies
        and broadcasts, no gather per edge), the rest together through :meth:`_place`."""
        nx, ny = self.nx.astype(np.float32), self.ny.astype(np.float32)
        rest: list[Array] = []
        for span in self._spans:
            rows, cols = len(span.targets), span.width
            if not span.full or rows * cols < 4096:
                rest.append(np.arange(span.start, span.stop))
                continue
            sx, sy = nx[span.source_nodes][None, :], ny[span.source_nodes][None, :]
            tx, ty = nx[span.target_nodes][:, None], ny[span.target_nodes][:, None]
            x1 = np.empty((rows, cols), dtype=np.float32)
            y1 = np.empty((rows, cols), dtype=np.float32)
            x1[:], y1[:] = sx, sy
            pixel = np.flatnonzero(self._node_pixel[span.source_nodes]) if self.pixel_rect is not None else []
            if len(pixel):
                x1[:, pixel], y1[:, pixel] = self._leave_grid(sx[:, pixel], sy[:, pixel], tx, ty)
            self.x1[span.start : span.stop] = x1.reshape(-1)
            self.y1[span.start : span.stop] = y1.reshape(-1)
            self.x2[span.start : span.stop].reshape(rows, cols)[:] = tx
            self.y2[span.start : span.stop].reshape(rows, cols)[:] = ty
        if rest:
            self._place(np.concatenate(rest))

    def _leave_grid(self, ax: Array, ay: Array, bx: Array, by: Array) -> tuple[Array, Array]:
        """Where lines from image pixels at (ax, ay) to (bx, by) leave the grid (arrays that broadcast).

        The image grid is opaque and drawn above the edges: pixel edges start at its border, so the hidden
        part of a million lines is never rasterised. A line whose other end lies inside the grid keeps its
        start."""
        left, top, right, bottom = (np.float32(v) for v in self.pixel_rect)  # type: ignore[union-attr]
        dx, dy = bx - ax, by - ay
        with np.errstate(divide="ignore", invalid="ignore"):
            # From a point inside the grid, the larger of the two crossings of each pair of sides is where
            # the line leaves (infinite along a side it runs parallel to).
            tx = np.maximum((left - ax) / dx, (right - ax) / dx)
            ty = np.maximum((top - ay) / dy, (bottom - ay) / dy)
            exit_t = np.clip(np.fmin(tx, ty), 0.0, 1.0)
        inside = (bx > left) & (bx < right) & (by > top) & (by < bottom)
        exit_t = np.where(inside, np.float32(0.0), exit_t)
        ex, ey = ax + dx * exit_t, ay + dy * exit_t
        shape = self._small_grid_shape()
        if shape is None:
            return ex, ey
        # A small image: the lines of a row's pixels leave the side nearly together and run on as one
        # ("four connections look like two"). Each pixel gets a point of its own along the side instead,
        # in reading order, top-left first.
        columns, rows = shape
        col = np.clip(np.floor((ax - left) / ((right - left) / columns)), 0, columns - 1)
        row = np.clip(np.floor((ay - top) / ((bottom - top) / rows)), 0, rows - 1)
        rank = row * columns + col
        spread = top + (rank + np.float32(0.5)) / np.float32(columns * rows) * (bottom - top)
        sideways = ~inside & ((np.abs(ex - right) < 1e-3) | (np.abs(ex - left) < 1e-3))
        return ex, np.where(sideways, spread, ey).astype(np.float32)

    def _small_grid_shape(self) -> tuple[int, int] | None:
        """(columns, rows) of the image grid when it has at most SMALL_GRID_PIXELS pixels, else None."""
        pixels = np.flatnonzero(self._node_pixel)
        if pixels.size == 0 or pixels.size > SMALL_GRID_PIXELS:
            return None
        columns = np.unique(np.round(self.nx[pixels], 3)).size
        rows = np.unique(np.round(self.ny[pixels], 3)).size
        return (columns, rows) if columns * rows == pixels.size else None

    def move_nodes(
        self,
        positions: Mapping[str, tuple[float, float]],
        pixel_rect: tuple[float, float, float, float] | None = None,
    ) -> None:
        """Nodes moved: update only the edges that touch them (their QLineF objects are changed in place)."""
        moved = [self.node_index[nid] for nid in positions if nid in self.node_index]
        if not moved:
            return
        for nid, (x, y) in positions.items():
            k = self.node_index.get(nid)
            if k is not None:
                self.nx[k], self.ny[k] = x, y
        if pixel_rect is not None:
            self.pixel_rect = pixel_rect
        which = np.arange(self.count) if len(moved) * 4 > len(self.nx) else self._incident(moved)
        if which.size == 0:
            return
        self._place(which)
        if self._lines is not None:
            lines = self._lines
            for i, x1, y1, x2, y2 in zip(
                which.tolist(),
                self.x1[which].tolist(),
                self.y1[which].tolist(),
                self.x2[which].tolist(),
                self.y2[which].tolist(),
                strict=True,
            ):
                lines[i].setLine(x1, y1, x2, y2)
        else:
            if which.size > len(self._line_cache):
                # Most of the lines made so far moved (or the whole network did): make them again as drawn.
                self._line_cache = {}
            else:
                for i in which.tolist():
                    self._line_cache.pop(i, None)
            self._bucket_lines = None
        self.geometry_version += 1
        self._bounds = None

    def set_weights(self, network: Network, edge_ids: list[str] | None = None) -> None:
        """Reload weights and frozen flags (all, or the given edges) and re-bucket; geometry stays."""
        edges = network.edges
        if edge_ids is None:
            if network.structure_revision == self._structure_revision:
                weight, frozen = edges.weights_and_frozen()
            else:
                # The structure changed and the rebuild that follows it has not come yet: go by ids.
                ids = list(self.ids)
                weight = np.fromiter((edges[e].weight if e in edges else 0.0 for e in ids), np.float64)
                frozen = np.fromiter((e in edges and edges[e].frozen for e in ids), bool)
            if weight.size == self.count:
                self.weight, self.frozen = weight, frozen
                self.partly_current = False
                self._last_full_reload = time.monotonic()
        else:
            for eid in edge_ids:
                i = self.position_of(eid)
                if i is not None and eid in edges:
                    self.weight[i] = edges[eid].weight
                    self.frozen[i] = edges[eid].frozen
        self.restyle()

    def set_weights_from_plan(self, plan: Plan) -> bool:
        """Reload every weight and frozen flag from a compiled plan holding the network's current values.

        One numpy gather through the plan's edge index instead of a Python loop over every edge. The plan
        lists its connections in the network's order, as these arrays do, when it was compiled from the
        structure they were built from. False (and nothing changed) when it was not.
        """
        if plan.structure_revision != self._structure_revision or plan.n_connections != self.count:
            return False
        at = self._plan_positions(plan)
        if at is None:
            return False
        index = self._index_run[0]  # type: ignore[index]
        view = self._current_view()
        now = time.monotonic()
        every = max(TRAINING_CHOICE_EVERY_S, self._full_reload_cost / FULL_RELOAD_SHARE)
        if (
            self.thinned
            and self.chooses_per_view
            and view is not None
            and now - self._last_full_reload < every
        ):
            # Training a network too big to draw whole: between choices, only what is drawn changes.
            drawn = view.drawn
            drawn_at = index[drawn]
            self.weight[drawn] = plan.flat[drawn_at]
            self.frozen[drawn] = False if plan.flat_trainable is None else plan.flat_trainable[drawn_at] == 0
            self._restyle_drawn(view)
            self.partly_current = True
            return True
        self.weight = plan.flat[at].astype(np.float64)
        if plan.flat_trainable is not None:
            self.frozen = plan.flat_trainable[at] == 0
        else:
            self.frozen = np.zeros(self.count, dtype=bool)
        self.restyle()
        self.partly_current = False
        self._last_full_reload = now
        # What reading every weight cost (the choice made from them at the next paint comes on top).
        self._full_reload_cost = 2.0 * (time.monotonic() - now)
        return True

    def prepare_reload(self, plan: Plan) -> None:
        """Find where ``plan`` keeps these edges' weights now (training is starting), not in its first frame."""
        if plan.structure_revision == self._structure_revision and plan.n_connections == self.count:
            self._plan_positions(plan)

    def _plan_positions(self, plan: Plan) -> Array | slice | None:
        """These edges' positions in ``plan``'s flat buffer (None when the plan lists other edges): a slice
        when a dense network lists them as one run, so a reload reads it without a gather."""
        index = plan.edge_index()
        if index.size != self.count:
            return None
        if self._index_run is None or self._index_run[0] is not index:
            self._index_run = (index, as_run(index))
        return self._index_run[1]

    def _restyle_drawn(self, view: ViewDetail) -> None:
        """Restyle only the edges ``view`` draws (against each layer's last measured reference), and keep
        the view's choice: its cost stays with the lines drawn, not with the network's size."""
        drawn = view.drawn
        weight = self.weight[drawn]
        magnitude = np.abs(weight).astype(np.float32)
        self.magnitude[drawn] = magnitude
        with np.errstate(invalid="ignore"):
            strength = magnitude / self._reference[self.group[drawn]]
        # fmax and fmin clip as np.clip does, and put a NaN (a diverged run) at 0, the weakest.
        np.fmax(strength, np.float32(0.0), out=strength)
        np.fmin(strength, np.float32(1.0), out=strength)
        self.strength[drawn] = strength
        # How many steps each strength reaches (a step reached when the strength is at least it).
        level = np.searchsorted(_STEPS, strength, side="right").astype(np.int8)
        level *= 4
        level += self.frozen[drawn].view(np.int8) * np.int8(2)
        level += (weight >= 0).view(np.int8)
        self.bucket[drawn] = level
        self._bucket_lines = None
        self.style_version += 1
        self._view = replace(view, versions=(self.geometry_version, self.style_version))

    def restyle(self) -> None:
        # In place, and bools read as 0/1 bytes: a million-edge restyle makes few temporary arrays.
        with np.errstate(over="ignore"):
            # A weight beyond float32 draws as the thickest line, as an infinite one does.
            self.magnitude = magnitude = self.weight.astype(np.float32)
        np.abs(magnitude, out=magnitude)
        if self.detailed:
            # Small networks: strength relative to the largest weight (or 1, when none is larger), so thicker
            # is stronger across the whole range: the festival's 4, 2 and 1 are three widths, not one capped
            # at 1, and a network of weights under 1 keeps its widths as they are.
            largest = float(magnitude.max()) if magnitude.size else 0.0
            if not math.isfinite(largest):  # a diverged run: the largest weight still a number
                finite = magnitude[np.isfinite(magnitude)]
                largest = float(finite.max()) if finite.size else 0.0
            strength = magnitude / np.float32(max(1.0, largest))
        else:
            # Big networks: strength relative to the strong weights into the same layer, so a freshly
            # initialised 784-input layer (weights ~0.03) is as readable as a trained one.
            layers = self._layers()
            if len(layers) > 16:
                # Many small layers (a hand-built graph, a chain): every layer's reference in one sort.
                self._reference = percentile_by(magnitude, self.group, 98.0)
                strength = magnitude / self._reference[self.group]
            else:
                strength = np.empty_like(magnitude)
                self._reference = np.ones(int(self.group.max()) + 1 if self.count else 1, dtype=np.float32)
                for g, members in layers:
                    part = magnitude[members]
                    step = max(1, part.size // REFERENCE_SAMPLE)
                    self._reference[g] = max(_percentile(part[::step], 98.0), 1e-6)
                    if isinstance(members, slice):
                        np.divide(part, self._reference[g], out=strength[members])
                    else:
                        strength[members] = part / self._reference[g]
        np.clip(strength, 0.0, 1.0, out=strength)
        # A NaN weight (a diverged run) is drawn as the weakest.
        nan = np.isnan(strength)
        if nan.any():
            strength[nan] = 0.0
        self.strength = strength
        bucket = np.zeros(strength.shape, dtype=np.int8)
        for step in STRENGTH_STEPS:
            bucket += (strength >= np.float32(step)).view(np.int8)
        bucket *= 4
        bucket += np.asarray(self.frozen, dtype=bool).view(np.int8) * np.int8(2)
        bucket += (self.weight >= 0).view(np.int8)
        self.bucket = bucket
        self._restyled()

    def _restyled(self) -> None:
        self._keep = None
        self._drawn = None
        self._bucket_lines = None
        self.style_version += 1

    def _group_boxes(self) -> list[tuple[Array | slice, tuple[float, float, float, float]]]:
        """Each layer's edge positions and the box around its edges (left, top, right, bottom), kept for the
        geometry they were measured on."""
        if self._boxes is None or self._boxes[0] != self.geometry_version:
            boxes = []
            for _, members in self._layers():
                xs = (self.x1[members], self.x2[members])
                ys = (self.y1[members], self.y2[members])
                box = (
                    float(min(xs[0].min(), xs[1].min())),
                    float(min(ys[0].min(), ys[1].min())),
                    float(max(xs[0].max(), xs[1].max())),
                    float(max(ys[0].max(), ys[1].max())),
                )
                boxes.append((members, box))
            self._boxes = (self.geometry_version, boxes)
        return self._boxes[1]

    def scratch(self, n: int, k: int) -> list[Array]:
        """``k`` float32 arrays of ``n`` to work in, the same memory on every call (their values are left
        over from the last use): the per-view arithmetic over a million edges reuses pages already mapped
        instead of asking for fresh ones for every step."""
        if self._scratch.size < n * k:
            self._scratch = np.empty(n * k, dtype=np.float32)
        return [self._scratch[i * n : (i + 1) * n] for i in range(k)]

    def segment_lengths(self) -> Array:
        """Each edge's drawn length (scene units), kept for the geometry it was measured on."""
        if self._lengths is None or self._lengths[0] != self.geometry_version:
            length = self.x2 - self.x1
            length *= length
            dy = self.y2 - self.y1
            dy *= dy
            length += dy
            np.sqrt(length, out=length)
            self._lengths = (self.geometry_version, length)
        return self._lengths[1]

    def _layers(self) -> list[tuple[int, Array | slice]]:
        """Each layer's number (its target's depth) and the positions of the edges into it (a slice when
        they lie side by side, as a dense layer's do)."""
        if self._group_members is None:
            members: list[tuple[int, Array | slice]] = []
            for g, where in split_by(self.group):
                contiguous = where[-1] - where[0] + 1 == where.size
                members.append((g, slice(int(where[0]), int(where[-1]) + 1) if contiguous else where))
            self._group_members = members
        return self._group_members


def _percentile(values: Array, q: float) -> float:
    """The ``q`` th percentile of ``values``, linear between ranks as ``np.percentile`` (one partition of a
    copy, without its checks)."""
    if values.size == 0:
        return 0.0
    rank = q / 100.0 * (values.size - 1)
    low = int(rank)
    high = min(low + 1, values.size - 1)
    ordered = np.partition(values, (low, high))
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))
