"""Edges drawn in bulk: the 1,861,632 edges of 784-1024-1024-10 are two QGraphicsItems, not 1.86 million.

:class:`EdgeModel` holds every edge as numpy arrays (ends, weight, frozen, drawn segment), built block by
block from the network's weight matrices (:meth:`~nnstudio.engine.connections.Connections.arrays`): no
Edge object, id string or QLineF per edge is made to show a network. An edge's id is made only when asked
for (:attr:`EdgeModel.ids`, hovering, selecting), and an id is found from its two neurons' positions
(:attr:`EdgeModel.index`). Geometry is recomputed only when neurons move or the structure changes; a
weight change only re-buckets; an activation change touches nothing here.

:class:`EdgeLayer` paints the edges. For a big network it draws one ``drawLines`` per bucket, one pixel
wide, without antialiasing, clipped to the visible area, into an image kept until the view, the weights
or the geometry change; repaints in between (activations, hover, selection) only copy that image. For a
small network it draws each edge antialiased with its own width and an arrowhead.

Level of detail. A network whose overview draws at most LINE_BUDGET lines draws all of them, wherever the
view is. A bigger one draws, for each view, what fits in DRAW_BUDGET_PX (a line costs its length on screen
plus LINE_COST_PX): when every edge crossing the view fits, all of them; otherwise the budget goes to the
edges between two neurons on screen, then to those with one end on screen, then to those passing through,
and where it runs out each layer gets a fair share filled by its strongest edges.
:meth:`EdgeModel.detail` says how many are drawn of how many, for the canvas to say so. The choice is
made when the view, the weights or the geometry change (for a view a little larger than the visible one,
so a small pan keeps it), never per frame. Zooming in leaves fewer edges in view, until all of them fit.

While training runs, new weights arrive many times a second and every one of them redraws that image. A
network of FULL_DETAIL_BELOW edges or more then draws only the strongest edges of each layer
(:meth:`EdgeModel.set_strongest_only`), about a sixth of the lines, so a weights frame stays short; the full
picture returns when training stops.

:class:`EdgeOverlay` draws the few edges the person is touching (hovered, selected, pulsing) above them.
"""

from __future__ import annotations

import bisect
import math
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, overload

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.engine.graph import Network

if TYPE_CHECKING:
    from collections.abc import Callable

    from nnstudio.engine.plan import Plan

from .guard import reports_errors
from .items import (
    NEURON_RADIUS,
    Z_EDGES,
    Z_OVERLAY,
    ColourScheme,
    PlacedLabel,
    _Fonts,
    draw_label,
    plate_height,
)

# Up to this many edges, each edge is drawn on its own (antialiased, width by weight, arrowhead).
DETAIL_LIMIT = 300
# Strength thresholds (|weight| / reference) between the four buckets of a big network.
STRENGTH_STEPS = (0.12, 0.35, 0.65)
# Opacity of each bucket's colour (white/black or green/red).
BUCKET_MIX = (0.14, 0.28, 0.48, 0.72)
# Networks with more edges than this leave the faintest bucket out of the overview.
OMIT_FAINT_ABOVE = 2000
# Positive and negative edges of one strength are drawn in this many alternating chunks.
INTERLEAVE_CHUNKS = 16
# Above this many highlighted edges the overlay draws them thin and without antialiasing.
OVERLAY_DETAIL_LIMIT = 200
# Neighbours of a selection are highlighted only up to this many edges (selecting a 28x28 grid is not).
NEIGHBOUR_LIMIT = 2500
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
# While training thins the overview the picture is drawn again for every frame of weights: a third of the
# budget keeps that under 5 ms, and the strongest edges of each layer still show.
TRAINING_DRAW_BUDGET_PX = 600_000
LINE_COST_PX = 40.0
# The choice for a view covers this share of its size more on each side, so that panning a little keeps
# it; zooming in by more than REUSE_ZOOM chooses again (more edges fit as fewer are in view).
VIEW_MARGIN = 0.25
REUSE_ZOOM = 1.5
# An exported picture of a network bigger than LINE_BUDGET holds the strongest this many of its edges.
EXPORT_LINES = 60_000
# Networks up to this many edges keep one QLineF per edge (built once per geometry); bigger ones make
# QLineFs only for the edges a view draws.
KEEP_LINES_UP_TO = 60_000
# While training a network drawn by a choice per view, a weights frame restyles only the edges drawn, and
# every weight is read and the choice made again at most this often (seconds).
TRAINING_CHOICE_EVERY_S = 0.5
# ... or less often, so that reading every weight and choosing again takes at most this share of the time
# (784-1024-1024-10: about 40 ms, so every 2 s).
FULL_RELOAD_SHARE = 0.02
# A layer's reference strength is measured on at most this many of its weights (evenly spaced).
REFERENCE_SAMPLE = 100_000
# Choosing a layer's strongest edges partitions them exactly up to this many; beyond, a strided sample of
# this many sets the strength to keep from.
EXACT_CHOICE_UP_TO = 50_000

Array = np.ndarray


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class _Span:
    """Where one weight matrix's connections sit in the model's arrays: positions ``start`` to ``stop``,
    row by row; ``keys`` (row * number of sources + column, rising) when the matrix has gaps."""

    __slots__ = (
        "start",
        "stop",
        "targets",
        "sources",
        "target_nodes",
        "source_nodes",
        "full",
        "keys",
        "_col_of",
    )

    def __init__(
        self,
        start: int,
        targets: list[str],
        sources: list[str],
        target_nodes: Array,
        source_nodes: Array,
        full: bool,
        keys: Array | None,
        count: int,
    ) -> None:
        self.start, self.stop = start, start + count
        self.targets, self.sources = targets, sources
        self.target_nodes, self.source_nodes = target_nodes, source_nodes
        self.full, self.keys = full, keys
        self._col_of: dict[int, int] | None = None

    @property
    def width(self) -> int:
        return len(self.sources)

    def col_of(self, node: int) -> int | None:
        if self._col_of is None:
            self._col_of = {n: c for c, n in enumerate(self.source_nodes.tolist())}
        return self._col_of.get(node)

    def position(self, row: int, col: int) -> int | None:
        key = row * self.width + col
        if self.full:
            return self.start + key
        j = int(np.searchsorted(self.keys, key))  # type: ignore[arg-type]
        if j < len(self.keys) and self.keys[j] == key:  # type: ignore[arg-type]
            return self.start + j
        return None

    def row_positions(self, row: int) -> Array:
        width = self.width
        if self.full:
            return np.arange(self.start + row * width, self.start + (row + 1) * width)
        a, b = np.searchsorted(self.keys, [row * width, (row + 1) * width])  # type: ignore[arg-type]
        return np.arange(self.start + a, self.start + b)

    def col_positions(self, col: int) -> Array:
        width = self.width
        if self.full:
            return self.start + np.arange(len(self.targets)) * width + col
        return self.start + np.flatnonzero(self.keys % width == col)  # type: ignore[operator]

    def pair(self, position: int) -> tuple[str, str]:
        """(source id, target id) of the connection at ``position``."""
        local = position - self.start
        key = local if self.full else int(self.keys[local])  # type: ignore[index]
        row, col = divmod(key, self.width)
        return self.sources[col], self.targets[row]


class EdgeIds(Sequence[str]):
    """Every edge's id by its position in the model's arrays, made when asked for (a million ids are never
    made to draw a network)."""

    def __init__(self, model: EdgeModel) -> None:
        self._model = model

    def __len__(self) -> int:
        return self._model.count

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return self._model.ids_at(np.arange(self._model.count)[i])
        i = int(i)
        return self._model.id_at(i + self._model.count if i < 0 else i)

    def __iter__(self) -> Iterator[str]:
        return iter(self._model.ids_at(np.arange(self._model.count)))


class EdgeIndex(Mapping[str, int]):
    """An edge's position in the model's arrays by its id, found from its two neurons (no table of ids)."""

    def __init__(self, model: EdgeModel) -> None:
        self._model = model

    def __getitem__(self, eid: str) -> int:
        i = self._model.position_of(eid)
        if i is None:
            raise KeyError(eid)
        return i

    def __contains__(self, eid: object) -> bool:
        return isinstance(eid, str) and self._model.position_of(eid) is not None

    def __len__(self) -> int:
        return self._model.count

    def __iter__(self) -> Iterator[str]:
        return iter(self._model.ids)


@dataclass(frozen=True)
class ViewDetail:
    """The edges chosen for one view: ``rect`` (scene) and ``scale`` (device pixels per scene unit) it was
    chosen for, the positions ``drawn``, and whether they are every edge the overview would draw there."""

    rect: QRectF
    scale: float
    drawn: Array
    complete: bool
    versions: tuple[int, int]


class EdgeModel:
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
        # A big network's segments, made the first time each edge is drawn (None until then): a training
        # frame draws much the same strongest edges as the last, so it reuses their lines.
        self._line_cache: Array | None = None
        self._bucket_lines: list[tuple[int, list[QLineF]]] | None = None
        self._bounds: QRectF | None = None
        # Training: only the strongest edges of each layer are drawn (see set_strongest_only).
        self.strongest_only = False
        self._keep: Array | None = None
        self._keep_count = 0
        self._drawn: Array | None = None
        # The edges chosen for the last view of a network too big to draw whole (see select_view).
        self._view: ViewDetail | None = None
        # The edges crossing the last view chosen for, split into classes (see _view_classes).
        # Each edge's class there (-1: not crossing it) and its cost: a frame finds the kept edges of every
        # class from these in one pass.
        self._classes: tuple[tuple, list[_Class], Array, Array] | None = None
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

    @property
    def ids(self) -> EdgeIds:
        """Every edge's id by position (made when read; see :class:`EdgeIds`)."""
        return EdgeIds(self)

    @property
    def index(self) -> EdgeIndex:
        """Every edge's position by id (found when read; see :class:`EdgeIndex`)."""
        return EdgeIndex(self)

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
        self._line_cache = None
        self.geometry_version += 1
        self.structure_version += 1
        self._group_members = None
        self._view = None
        self._classes = None
        self._bounds = None
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
        return ax + dx * exit_t, ay + dy * exit_t

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
            if self._line_cache is not None:
                self._line_cache[which] = None
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
            self._index_run = (index, _as_run(index))
        return self._index_run[1]

    def _restyle_drawn(self, view: ViewDetail) -> None:
        """Restyle only the edges ``view`` draws (against each layer's last measured reference), and keep
        the view's choice: its cost stays with the lines drawn, not with the network's size."""
        drawn = view.drawn
        magnitude = np.abs(self.weight[drawn]).astype(np.float32)
        self.magnitude[drawn] = magnitude
        with np.errstate(invalid="ignore"):
            strength = np.clip(
                np.nan_to_num(magnitude / self._reference[self.group[drawn]], nan=0.0), 0.0, 1.0
            )
        self.strength[drawn] = strength
        level = sum((strength >= np.float32(step)).astype(np.int8) for step in STRENGTH_STEPS)
        self.bucket[drawn] = level * 4 + self.frozen[drawn].astype(np.int8) * 2 + (self.weight[drawn] >= 0)
        self._bucket_lines = None
        self.style_version += 1
        self._view = replace(view, versions=(self.geometry_version, self.style_version))

    def restyle(self) -> None:
        self.magnitude = magnitude = np.abs(self.weight).astype(np.float32)
        if self.detailed:
            strength = magnitude
        else:
            # Big networks: strength relative to the strong weights into the same layer, so a freshly
            # initialised 784-input layer (weights ~0.03) is as readable as a trained one.
            layers = self._layers()
            if len(layers) > 16:
                # Many small layers (a hand-built graph, a chain): every layer's reference in one sort.
                self._reference = _percentile_by(magnitude, self.group, 98.0)
                strength = magnitude / self._reference[self.group]
            else:
                strength = np.empty_like(magnitude)
                self._reference = np.ones(int(self.group.max()) + 1 if self.count else 1, dtype=np.float32)
                for g, members in layers:
                    part = magnitude[members]
                    step = max(1, part.size // REFERENCE_SAMPLE)
                    self._reference[g] = max(float(np.percentile(part[::step], 98)), 1e-6)
                    strength[members] = part / self._reference[g]
        if strength is magnitude:
            strength = magnitude.copy()
        # In place, and bools read as 0/1 bytes: a million-edge restyle makes few temporary arrays.
        with np.errstate(invalid="ignore"):
            np.nan_to_num(strength, copy=False, nan=0.0)
            np.clip(strength, 0.0, 1.0, out=strength)
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

    def _layers(self) -> list[tuple[int, Array | slice]]:
        """Each layer's number (its target's depth) and the positions of the edges into it (a slice when
        they lie side by side, as a dense layer's do)."""
        if self._group_members is None:
            members: list[tuple[int, Array | slice]] = []
            for g, where in _split_by(self.group):
                contiguous = where[-1] - where[0] + 1 == where.size
                members.append((g, slice(int(where[0]), int(where[-1]) + 1) if contiguous else where))
            self._group_members = members
        return self._group_members

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

    def _crossing(self, rect: QRectF) -> tuple[Array | None, Array]:
        """Positions of the edges whose drawn segment meets ``rect`` (None: every edge), and the length of
        each inside it (scene units)."""
        left, top, right, bottom = (
            np.float32(v) for v in (rect.left(), rect.top(), rect.right(), rect.bottom())
        )
        x1, y1, x2, y2 = self.x1, self.y1, self.x2, self.y2
        if rect.contains(self.bounds()):
            return None, np.hypot(x2 - x1, y2 - y1)
        # Layer by layer: a layer whose edges all lie outside the rectangle (a view zoomed in on one
        # column) costs nothing, and one wholly inside needs no test of each edge.
        parts: list[Array] = []
        for members, (lo_x, lo_y, hi_x, hi_y) in self._group_boxes():
            if lo_x > right or hi_x < left or lo_y > bottom or hi_y < top:
                continue
            at = np.arange(members.start, members.stop) if isinstance(members, slice) else members
            if lo_x >= left and hi_x <= right and lo_y >= top and hi_y <= bottom:
                parts.append(at)
                continue
            gx1, gy1, gx2, gy2 = x1[members], y1[members], x2[members], y2[members]
            near = (
                (np.minimum(gx1, gx2) <= right)
                & (np.maximum(gx1, gx2) >= left)
                & (np.minimum(gy1, gy2) <= bottom)
                & (np.maximum(gy1, gy2) >= top)
            )
            parts.append(at[near])
        which = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
        if which.size > 1 and not (which[1:] > which[:-1]).all():
            which = np.sort(which)
        ax, ay, bx, by = x1[which], y1[which], x2[which], y2[which]
        dx, dy = bx - ax, by - ay
        t0 = np.zeros(which.size, dtype=np.float32)
        t1 = np.ones(which.size, dtype=np.float32)
        # Liang-Barsky: the part of each segment inside the rectangle, t0..t1 along it.
        with np.errstate(divide="ignore", invalid="ignore"):
            for p, q in ((-dx, ax - left), (dx, right - ax), (-dy, ay - top), (dy, bottom - ay)):
                r = q / p
                t0 = np.where(p < 0, np.maximum(t0, r), t0)
                t1 = np.where(p > 0, np.minimum(t1, r), t1)
                t1 = np.where((p == 0) & (q < 0), -1.0, t1).astype(np.float32)
        inside = t1 >= t0
        return which[inside], (t1[inside] - t0[inside]) * np.hypot(dx[inside], dy[inside])

    def _view_classes(self, rect: QRectF, visible: QRectF, scale: float) -> list[_Class]:
        """The edges crossing ``rect`` in classes, in the order the budget goes to them: by how many of
        their ends are on screen (in ``visible``; 2, then 1, then 0), then by layer; each with what its
        edges cost to draw at ``scale``. Depends on the geometry and the view only, so it is kept while the
        weights change."""
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
        if self._classes is None or self._classes[0] != key:
            self._classes = (key, *self._classify(rect, visible, scale))
        return self._classes[1]

    def _classify(self, rect: QRectF, visible: QRectF, scale: float) -> tuple[list[_Class], Array, Array]:
        which, length = self._crossing(rect)
        cost = LINE_COST_PX + length * np.float32(scale)
        on_screen = (
            (self.nx >= visible.left())
            & (self.nx <= visible.right())
            & (self.ny >= visible.top())
            & (self.ny <= visible.bottom())
        )
        source, target = (
            (self.source, self.target) if which is None else (self.source[which], self.target[which])
        )
        ends = on_screen[source].astype(np.int64) + on_screen[target]
        group = self.group if which is None else self.group[which]
        n_groups = int(self.group.max()) + 1 if self.count else 1
        classes: list[_Class] = []
        for code, members in sorted(_split_by((2 - ends) * n_groups + group), key=lambda item: item[0]):
            positions = members if which is None else which[members]
            classes.append(_Class(2 - code // n_groups, code % n_groups, positions, cost[members]))
        label = np.full(self.count, -1, dtype=np.int32)
        every_cost = np.zeros(self.count, dtype=np.float32)
        for k, cls in enumerate(classes):
            label[cls.positions] = k
        every_cost[slice(None) if which is None else which] = cost
        return classes, label, every_cost

    def _kept_by_class(
        self, rect: QRectF, visible: QRectF, scale: float, keep: Array
    ) -> list[tuple[_Class, Array, Array]]:
        """Per class of :meth:`_view_classes`, the positions (sorted) and costs of its edges ``keep`` allows:
        one pass over the kept edges, not a gather of every class's positions."""
        classes = self._view_classes(rect, visible, scale)
        _, _, label, every_cost = self._classes  # type: ignore[misc]
        kept = np.flatnonzero(keep)
        kept_label = label[kept]
        crossing = kept_label >= 0
        kept, kept_label = kept[crossing], kept_label[crossing]
        members = dict(_split_by(kept_label))
        empty = np.zeros(0, dtype=np.intp)
        result: list[tuple[_Class, Array, Array]] = []
        for k, cls in enumerate(classes):
            positions = kept[members[k]] if k in members else empty
            result.append((cls, positions, every_cost[positions]))
        return result

    def _choose(self, rect: QRectF, visible: QRectF, scale: float) -> tuple[Array, bool]:
        """The edges to draw for ``rect``: all it crosses that the overview keeps, when their cost fits
        DRAW_BUDGET_PX (TRAINING_DRAW_BUDGET_PX while thinned). Otherwise the budget goes first to the edges between two neurons on screen (in
        ``visible``), then to those with one end on screen, then to those passing through; in the first tier
        that does not fit whole, each layer gets a fair share of what is left, filled by its strongest edges.
        Returns the sorted positions and whether that is all of them."""
        keep = self._keep_mask()
        kept = self._kept_by_class(rect, visible, scale, keep)
        totals = np.array([float(cost.sum()) for _, _, cost in kept])
        budget = TRAINING_DRAW_BUDGET_PX if self.thinned else DRAW_BUDGET_PX
        if totals.sum() <= budget:
            drawn = (
                np.sort(np.concatenate([positions for _, positions, _ in kept]))
                if kept
                else np.zeros(0, np.intp)
            )
            return drawn, True
        chosen: list[Array] = []
        left = float(budget)
        for tier in (2, 1, 0):
            part = [k for k, (cls, _, _) in enumerate(kept) if cls.tier == tier]
            if not part:
                continue
            if totals[part].sum() <= left:
                chosen.extend(kept[k][1] for k in part)
                left -= float(totals[part].sum())
                continue
            shares = _fair_shares(totals[part], left)
            for k, share in zip(part, shares.tolist(), strict=True):
                positions = kept[k][1]
                if totals[k] <= share:
                    chosen.append(positions)
                elif positions.size:
                    chosen.append(self._strongest_of(positions, int(share / (totals[k] / positions.size))))
            break
        drawn = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.intp)
        return drawn, False

    def _strongest_of(self, positions: Array | slice, k: int) -> Array:
        """About the ``k`` strongest of the edges at ``positions`` (an array, or a slice for a layer whose
        edges lie side by side): exactly, up to EXACT_CHOICE_UP_TO of them; beyond that, those at least as
        strong as the strength a strided sample puts at that rank (a few more or fewer, in one pass instead
        of a partition of a million)."""
        if isinstance(positions, slice):
            start = positions.start
            at = np.arange(start, positions.stop) if positions.stop - start <= EXACT_CHOICE_UP_TO else None
        else:
            start, at = 0, positions
        # |weight|, not the strength, which is 1 for every edge beyond a layer's reference.
        strength = self.magnitude[positions]
        n = strength.size
        if k >= n:
            return at if at is not None else np.arange(start, start + n)
        if k <= 0:
            return np.zeros(0, dtype=np.intp)
        if at is not None and n <= EXACT_CHOICE_UP_TO:
            return at[np.argpartition(strength, n - k)[n - k :]]
        sample = strength[:: max(1, n // EXACT_CHOICE_UP_TO)]
        rank = int((1.0 - k / n) * (sample.size - 1))
        threshold = np.partition(sample, rank)[rank]
        chosen = strength > threshold
        if np.count_nonzero(chosen) < k:
            chosen = strength >= threshold
        return at[chosen] if at is not None else np.flatnonzero(chosen) + start

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
        layers = [which[members] for _, members in _split_by(self.group[which])]
        shares = _fair_shares(np.array([float(m.size) for m in layers]), limit)
        chosen = [self._strongest_of(m, int(share)) for m, share in zip(layers, shares.tolist(), strict=True)]
        return np.sort(np.concatenate(chosen))

    def strongest(self, which: Array, limit: int) -> Array:
        """The strongest ``limit`` of the edges ``which`` (all of them when they are that few)."""
        if which.size <= limit:
            return which
        return np.sort(
            which[np.argpartition(self.magnitude[which], which.size - limit)[which.size - limit :]]
        )

    # ------------------------------------------------------------------ drawing geometry
    def lines(self) -> list[QLineF]:
        """One QLineF per edge (built once per geometry; only for networks up to KEEP_LINES_UP_TO edges)."""
        if self._lines is None:
            self._lines = self._make_lines(slice(None))
            self.line_builds += 1
            self._bucket_lines = None
        return self._lines

    def _make_lines(self, which: Array | slice) -> list[QLineF]:
        return [
            QLineF(*seg)
            for seg in zip(
                self.x1[which].tolist(),
                self.y1[which].tolist(),
                self.x2[which].tolist(),
                self.y2[which].tolist(),
                strict=True,
            )
        ]

    def segments(self, which: Array) -> list[QLineF]:
        """The drawn segments of the edges ``which``, in that order."""
        if self._lines is not None or self.count <= KEEP_LINES_UP_TO:
            lines = self.lines()
            return [lines[i] for i in which.tolist()]
        if self._line_cache is None:
            self._line_cache = np.full(self.count, None, dtype=object)
        found = self._line_cache[which]
        missing = np.flatnonzero(np.equal(found, None))
        if missing.size:
            made = np.empty(missing.size, dtype=object)
            made[:] = self._make_lines(which[missing])
            self._line_cache[which[missing]] = made
            found[missing] = made
        return found.tolist()

    def bucket_lines(self, every: bool = False) -> list[tuple[int, list[QLineF]]]:
        """(bucket key, lines) of the drawn edges (:meth:`drawn`), faint buckets first so strong edges are
        drawn on top; ``every`` ignores the thinning of a training run and the choice made for the view
        (for exported pictures: see :meth:`_export_choice`).

        Within a strength level, positive and negative edges are drawn in alternating chunks, so where
        thousands of lines cross neither colour is simply painted over the other.
        """
        if every and (self.thinned or self.chooses_per_view):
            return self._batches(self._export_choice())
        if self._bucket_lines is None:
            self._bucket_lines = self._batches(self.drawn())
        return self._bucket_lines

    def _batches(self, drawn: Array) -> list[tuple[int, list[QLineF]]]:
        if drawn.size == 0:
            # Nothing strong enough to draw (every weight 0, say, in a network that omits the faint bucket).
            return []
        order = drawn[np.argsort(self.bucket[drawn], kind="stable")]
        lines = self.segments(order)
        keys, starts = np.unique(self.bucket[order], return_index=True)
        ends = [*starts[1:].tolist(), len(order)]
        by_key = {int(k): (s, e) for k, s, e in zip(keys.tolist(), starts.tolist(), ends, strict=True)}
        result: list[tuple[int, list[QLineF]]] = []
        for level in range(len(BUCKET_MIX)):
            for frozen in (0, 1):
                parts = [
                    (key, np.linspace(*by_key[key], INTERLEAVE_CHUNKS + 1).astype(np.intp).tolist())
                    for key in (level * 4 + frozen * 2, level * 4 + frozen * 2 + 1)
                    if key in by_key
                ]
                for chunk in range(INTERLEAVE_CHUNKS):
                    for key, bounds in parts:
                        a, b = bounds[chunk], bounds[chunk + 1]
                        if b > a:
                            result.append((key, lines[a:b]))
        return result

    def bounds(self) -> QRectF:
        if self.count == 0:
            return QRectF()
        if self._bounds is None:
            left = float(min(self.x1.min(), self.x2.min()))
            top = float(min(self.y1.min(), self.y2.min()))
            right = float(max(self.x1.max(), self.x2.max()))
            bottom = float(max(self.y1.max(), self.y2.max()))
            self._bounds = QRectF(QPointF(left, top), QPointF(right, bottom)).adjusted(-8, -8, 8, 8)
        return QRectF(self._bounds)

    def segment_bounds(self, which: Array, margin: float = 40.0) -> QRectF:
        which = which[which < self.count]
        if which.size == 0:
            return QRectF()
        xs = np.concatenate([self.x1[which], self.x2[which]])
        ys = np.concatenate([self.y1[which], self.y2[which]])
        return QRectF(
            QPointF(float(xs.min()), float(ys.min())), QPointF(float(xs.max()), float(ys.max()))
        ).adjusted(-margin, -margin, margin, margin)

    # ------------------------------------------------------------------ ids
    def _span_at(self, position: int) -> _Span:
        return self._spans[bisect.bisect_right(self._span_starts, position) - 1]

    def id_at(self, position: int) -> str:
        """The id of the edge at ``position`` in the arrays."""
        if not 0 <= position < self.count:
            raise IndexError(position)
        pair = self._span_at(position).pair(position)
        return self._pair_alias.get(pair) or f"{pair[0]}>{pair[1]}"

    def ids_at(self, positions: Iterable[int] | Array) -> list[str]:
        """The ids of the edges at ``positions``; many at once are made matrix by matrix (a rubber band
        round a big network asks for a million)."""
        positions = np.asarray(positions, dtype=np.intp).reshape(-1)
        if positions.size <= 16:
            return [self.id_at(i) for i in positions.tolist()]
        if positions.min() < 0 or positions.max() >= self.count:
            raise IndexError("edge position out of range")
        out: list[str] = [""] * positions.size
        span_of = np.searchsorted(np.asarray(self._span_starts), positions, side="right") - 1
        for k, where in _split_by(span_of):
            span = self._spans[k]
            local = positions[where] - span.start
            rows, cols = np.divmod(local if span.full else span.keys[local], span.width)  # type: ignore[index]
            sources, targets, alias = span.sources, span.targets, self._pair_alias
            ids = [f"{sources[c]}>{targets[r]}" for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]
            if alias:
                ids = [alias.get(tuple(e.split(">")), e) for e in ids]  # type: ignore[call-overload]
            for i, eid in zip(where.tolist(), ids, strict=True):
                out[i] = eid
        return out

    def position_of(self, eid: str) -> int | None:
        """Where the edge ``eid`` sits in the arrays; None when the network drawn has no such edge."""
        pair = self._alias_pair.get(eid)
        if pair is None:
            source, sep, target = eid.partition(">")
            if not sep or (source, target) in self._pair_alias:
                return None
            pair = (source, target)
        s, t = self.node_index.get(pair[0]), self.node_index.get(pair[1])
        if s is None or t is None:
            return None
        k = int(self._node_span[t])
        if k < 0:
            return None
        span = self._spans[k]
        col = span.col_of(s)
        return None if col is None else span.position(int(self._node_row[t]), col)

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

    def inside(self, rect: QRectF) -> list[str]:
        """Ids of the edges whose both end neurons lie inside ``rect``."""
        if self.count == 0:
            return []
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        node_in = (self.nx >= left) & (self.nx <= right) & (self.ny >= top) & (self.ny <= bottom)
        if not node_in.any():
            return []
        return self.ids_at(np.flatnonzero(node_in[self.source] & node_in[self.target]))

    def _incident(self, nodes: list[int]) -> Array:
        """Sorted positions of the edges into and out of these nodes."""
        if self._feeds is None:
            feeds: dict[int, list[tuple[int, int]]] = {}
            for k, span in enumerate(self._spans):
                for col, n in enumerate(span.source_nodes.tolist()):
                    feeds.setdefault(n, []).append((k, col))
            self._feeds = feeds
        parts: list[Array] = []
        for n in nodes:
            k = int(self._node_span[n])
            if k >= 0:
                parts.append(self._spans[k].row_positions(int(self._node_row[n])))
            parts.extend(self._spans[j].col_positions(col) for j, col in self._feeds.get(n, ()))
        if not parts:
            return np.zeros(0, dtype=np.intp)
        return np.unique(np.concatenate(parts))

    def _degree(self, nodes: list[int]) -> int:
        """How many edges run into and out of these nodes (an edge between two of them counts twice)."""
        self._incident([])
        total = 0
        for n in nodes:
            k = int(self._node_span[n])
            if k >= 0:
                total += self._spans[k].row_positions(int(self._node_row[n])).size
            for j, col in self._feeds.get(n, ()):  # type: ignore[union-attr]
                total += self._spans[j].col_positions(col).size
        return total

    def edges_of(self, node_ids: list[str], limit: int | None = None) -> Array:
        """Sorted positions of the edges of these neurons; none at all when there are more than ``limit``
        (counted first, so selecting a whole big network gathers nothing)."""
        nodes = [self.node_index[n] for n in node_ids if n in self.node_index]
        if not nodes or (limit is not None and self._degree(nodes) > 2 * limit):
            return np.zeros(0, dtype=np.intp)
        found = self._incident(nodes)
        if limit is not None and found.size > limit:
            return np.zeros(0, dtype=np.intp)
        return found

    def indices(self, edge_ids: Iterable[str]) -> Array:
        """Sorted array positions of the given edge ids (unknown ids are skipped)."""
        found = np.fromiter(
            (-1 if (i := self.position_of(e)) is None else i for e in edge_ids), dtype=np.intp
        )
        return np.unique(found[found >= 0])


@dataclass(frozen=True)
class _Class:
    """Edges crossing a view with the same number of ends on screen (``tier``) into the same layer
    (``group``): their positions and what each costs to draw."""

    tier: int
    group: int
    positions: Array
    cost: Array


def _as_run(index: Array) -> Array | slice:
    """``index`` as a slice when it counts up by one from its first value, else itself."""
    if index.size == 0:
        return index
    start = int(index[0])
    if int(index[-1]) - start + 1 != index.size or not np.array_equal(
        index, np.arange(start, start + index.size, dtype=index.dtype)
    ):
        return index
    return slice(start, start + index.size)


def _split_by(key: Array) -> list[tuple[int, Array]]:
    """Each value of the small non-negative integers ``key`` with the (sorted) positions holding it."""
    if key.size == 0:
        return []
    counts = np.bincount(key)
    values = np.flatnonzero(counts)
    if values.size <= 16:
        return [(int(v), np.flatnonzero(key == v)) for v in values.tolist()]
    order = np.argsort(key, kind="stable")
    bounds = np.cumsum(counts[values])
    return [
        (int(v), order[b - c : b])
        for v, b, c in zip(values.tolist(), bounds.tolist(), counts[values].tolist(), strict=True)
    ]


def _percentile_by(values: Array, key: Array, q: float) -> Array:
    """The ``q`` th percentile of ``values`` within each value of the small non-negative integers ``key``
    (linear between ranks, as ``np.percentile``; at least 1e-6), indexed by key."""
    order = np.lexsort((values, key))
    ordered = values[order]
    counts = np.bincount(key)
    starts = np.cumsum(counts) - counts
    rank = starts + (q / 100.0) * np.maximum(counts - 1, 0)
    low = np.floor(rank).astype(np.intp)
    high = np.minimum(low + 1, starts + np.maximum(counts - 1, 0))
    low, high = np.minimum(low, values.size - 1), np.minimum(high, values.size - 1)
    found = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return np.maximum(found, 1e-6).astype(values.dtype)


def _fair_shares(totals: Array, budget: float) -> Array:
    """Split ``budget`` between groups wanting ``totals``: every group gets an equal share, and what a
    group needs less than its share goes to the others (water filling)."""
    shares = np.zeros(totals.size)
    wanting = np.flatnonzero(totals > 0)
    left = float(budget)
    while wanting.size:
        equal = left / wanting.size
        small = wanting[totals[wanting] <= equal]
        if small.size == 0:
            shares[wanting] = equal
            break
        shares[small] = totals[small]
        left -= float(totals[small].sum())
        wanting = wanting[totals[wanting] > equal]
    return shares


def _between(one: QColor, other: QColor, background: QColor) -> QColor:
    """Halfway between the two sign colours, moved away from the background far enough to be seen."""
    mixed = QColor(
        (one.red() + other.red()) // 2, (one.green() + other.green()) // 2, (one.blue() + other.blue()) // 2
    )
    if abs(mixed.lightness() - background.lightness()) < 60:
        mixed = mixed.lighter(160) if background.lightness() < 160 else mixed.darker(160)
    return mixed


class EdgeStyle:
    """Pens and colours of edges for one colour scheme."""

    def __init__(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self.dead = _between(scheme.positive, scheme.negative, scheme.background)
        self.pens: dict[int, QPen] = {}
        for level in range(len(BUCKET_MIX)):
            for frozen in (0, 1):
                for positive in (0, 1):
                    end = scheme.positive if positive else scheme.negative
                    colour = QColor(end)
                    colour.setAlphaF(BUCKET_MIX[level])
                    pen = QPen(colour, 0)
                    if frozen:
                        pen.setStyle(Qt.PenStyle.DashLine)
                    self.pens[level * 4 + frozen * 2 + positive] = pen

    def colour(self, weight: float, strength: float, alpha: bool = True) -> QColor:
        colour = QColor(self.scheme.positive if weight >= 0 else self.scheme.negative)
        if alpha:
            colour.setAlphaF(0.35 + 0.65 * min(1.0, strength * 2.0))
        return colour

    @staticmethod
    def width(strength: float) -> float:
        return 0.8 + 5.2 * strength

    def pen(
        self, weight: float, strength: float, frozen: bool, brighten: bool = False, extra_width: float = 0.0
    ) -> QPen:
        """The pen of one edge drawn on its own: its sign's colour, wider when stronger, dashed when frozen.
        A weight of exactly 0 passes nothing (L1 regularisation leaves such weights dead): a thin dotted
        grey line."""
        if weight == 0.0:
            pen = QPen(self.dead, 1.2 + extra_width)
            pen.setStyle(Qt.PenStyle.DotLine)
            return pen
        colour = self.colour(weight, strength, alpha=not brighten)
        if brighten:
            colour = colour.lighter(130) if weight >= 0 else colour
        pen = QPen(colour, self.width(strength) + extra_width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if frozen:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen


def draw_detailed(
    painter: QPainter,
    model: EdgeModel,
    style: EdgeStyle,
    which: Array | None = None,
    extra_width: float = 0.0,
    brighten: bool = False,
) -> None:
    """Each edge on its own: antialiased, width by weight, dashed when frozen, arrowhead at the target."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    indices = range(model.count) if which is None else which.tolist()
    for i in indices:
        w, strength = float(model.weight[i]), float(model.strength[i])
        pen = style.pen(w, strength, bool(model.frozen[i]), brighten, extra_width)
        colour, width = pen.color(), pen.widthF()
        painter.setPen(pen)
        x1, y1, x2, y2 = float(model.x1[i]), float(model.y1[i]), float(model.x2[i]), float(model.y2[i])
        length = math.hypot(x2 - x1, y2 - y1)
        if length < 1e-6:
            continue
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        tip = NEURON_RADIUS + 4
        head = 7.0 + width
        painter.drawLine(QPointF(x1, y1), QPointF(x2 - ux * (tip + head * 0.6), y2 - uy * (tip + head * 0.6)))
        if length > tip + head + NEURON_RADIUS:
            ax, ay = x2 - ux * tip, y2 - uy * tip
            bx, by = ax - ux * head, ay - uy * head
            half = head * 0.45
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(colour))
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(ax, ay),
                        QPointF(bx - uy * half, by + ux * half),
                        QPointF(bx + uy * half, by - ux * half),
                    ]
                )
            )


def draw_buckets(
    painter: QPainter,
    model: EdgeModel,
    style: EdgeStyle,
    clip: QRectF | None,
    antialias: bool = False,
    every: bool = False,
) -> int:
    """The drawn edges (:meth:`EdgeModel.drawn`), one drawLines per bucket, faint ones first; how many.

    The overlay still shows every edge of a hovered or selected neuron, including those left out here.
    """
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    if clip is not None and not clip.isEmpty():
        # Any clip rect makes the raster engine reject off-screen spans early (measured 15x faster).
        painter.setClipRect(clip, Qt.ClipOperation.IntersectClip)
    count = 0
    for key, lines in model.bucket_lines(every):
        painter.setPen(style.pens[key])
        painter.drawLines(lines)
        count += len(lines)
    return count


class EdgeLayer(QGraphicsItem):
    """Every edge of the network in one item."""

    def __init__(self, model: EdgeModel, scheme: ColourScheme) -> None:
        super().__init__()
        self.model = model
        self.style = EdgeStyle(scheme)
        self.setZValue(Z_EDGES)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._rect = QRectF()
        self._cache: QImage | None = None
        self._cache_key: tuple | None = None
        self.cache_renders = 0
        # Edge lines in the picture last drawn (fewer than the model's count while training thins it).
        self.lines_drawn = 0
        # Told when a view's choice of edges changes what the canvas should say about them (a network too
        # big to draw whole). Held weakly: the scene that listens owns this item, and a cycle between the two
        # would leave a closed canvas's scene to be collected in the middle of another one's paint.
        self._detail_listener: weakref.WeakMethod | None = None
        self._detail: tuple[int, int] | None = None

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.style = EdgeStyle(scheme)
        self.invalidate()

    def set_detail_listener(self, method: Callable[[], None]) -> None:
        """Call ``method`` (a bound method, held weakly) when :meth:`EdgeModel.detail` changes on a paint."""
        self._detail_listener = weakref.WeakMethod(method)  # type: ignore[arg-type]

    def geometry_changed(self) -> None:
        rect = self.model.bounds()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.invalidate()

    def invalidate(self) -> None:
        self._cache_key = None
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        model = self.model
        if model.count == 0:
            return
        if model.detailed:
            draw_detailed(painter, model, self.style)
            self.lines_drawn = model.count
            return
        if widget is None:
            # Rendering to an image or SVG: vector lines, antialiased, no cache, and every edge even while
            # training (an exported picture has no caption saying some are left out).
            draw_buckets(painter, model, self.style, option.exposedRect, antialias=True, every=True)
            return
        transform = painter.worldTransform()
        width, height = widget.width(), widget.height()
        ratio = widget.devicePixelRatioF()
        key = (
            transform.m11(),
            transform.m12(),
            transform.m21(),
            transform.m22(),
            transform.dx(),
            transform.dy(),
            width,
            height,
            ratio,
            model.geometry_version,
            model.style_version,
            self.style.scheme.name,
        )
        if key != self._cache_key or self._cache is None:
            size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
            image = self._cache
            if image is None or (image.width(), image.height()) != size or image.devicePixelRatio() != ratio:
                image = QImage(*size, QImage.Format.Format_RGB32)
                image.setDevicePixelRatio(ratio)
            image.fill(self.style.scheme.background)
            inner = QPainter(image)
            # Ended whatever happens: a painter still active on an image that is freed first (both held by
            # a reported exception's traceback) crashes the process when that traceback is released.
            try:
                inner.setTransform(transform)
                visible, ok = transform.inverted()
                clip = visible.mapRect(QRectF(0, 0, width, height)) if ok else None
                if clip is not None:
                    scale = math.sqrt(abs(transform.determinant())) * ratio
                    model.select_view(clip, scale)
                self.lines_drawn = draw_buckets(inner, model, self.style, clip)
            finally:
                inner.end()
            self._cache, self._cache_key = image, key
            self.cache_renders += 1
            detail = model.detail()
            if detail != self._detail:
                self._detail = detail
                listener = self._detail_listener() if self._detail_listener is not None else None
                if listener is not None:
                    listener()
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.drawImage(QPointF(0, 0), self._cache)
        painter.restore()


class EdgeOverlay(QGraphicsItem):
    """The edges the person is touching, drawn above the rest: hovered, selected, pulsing; and edge labels."""

    def __init__(self, model: EdgeModel, scheme: ColourScheme) -> None:
        super().__init__()
        _Fonts.ensure()
        self.model = model
        self.style = EdgeStyle(scheme)
        self.hot = np.zeros(0, dtype=np.intp)
        self.selected = np.zeros(0, dtype=np.intp)
        self.pulsed = np.zeros(0, dtype=np.intp)
        self.labels: dict[int, str] = {}
        self.label_scale = 1.0
        self._rect = QRectF()
        self.setZValue(Z_OVERLAY)

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.style = EdgeStyle(scheme)
        self.update()

    def set_label_scale(self, scale: float) -> None:
        """Numbers on edges keep their size on screen as the view zooms out (like neuron names)."""
        if scale != self.label_scale:
            self.label_scale = scale
            self.geometry_changed()

    def geometry_changed(self) -> None:
        margin = 40 * self.label_scale
        rect = self.model.bounds().adjusted(-margin, -margin, margin, margin)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def _touched(self) -> Array:
        parts = [
            self.hot,
            self.selected,
            self.pulsed,
            np.fromiter(self.labels, dtype=np.intp, count=len(self.labels)),
        ]
        return np.unique(np.concatenate(parts)) if any(p.size for p in parts) else np.zeros(0, dtype=np.intp)

    def set_state(self, hot: Array, selected: Array, pulsed: Array, labels: dict[int, str]) -> None:
        same = (
            np.array_equal(hot, self.hot)
            and np.array_equal(selected, self.selected)
            and np.array_equal(pulsed, self.pulsed)
            and labels == self.labels
        )
        if same:
            return
        margin = 40 * self.label_scale
        before = self.model.segment_bounds(self._touched(), margin)
        self.hot, self.selected, self.pulsed, self.labels = hot, selected, pulsed, dict(labels)
        after = self.model.segment_bounds(self._touched(), margin)
        dirty = before.united(after) if not before.isEmpty() else after
        if not dirty.isEmpty():
            self.update(dirty)

    def clear(self) -> None:
        empty = np.zeros(0, dtype=np.intp)
        self.hot, self.selected, self.pulsed, self.labels = empty, empty, empty, {}
        self.update()

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        model = self.model
        if model.count == 0:
            return
        valid = model.count
        selected = self.selected[self.selected < valid]
        pulsed = self.pulsed[self.pulsed < valid]
        hot = self.hot[self.hot < valid]
        scheme = self.style.scheme
        detailed = (selected.size + pulsed.size + hot.size) <= OVERLAY_DETAIL_LIMIT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, detailed)
        if selected.size:
            halo = QColor(scheme.selection)
            halo.setAlpha(170)
            self._draw_plain(
                painter,
                selected,
                QPen(halo, 9.0 if model.detailed else 5.0 if detailed else 3.0),
                cosmetic=not model.detailed,
            )
        if pulsed.size > NEIGHBOUR_LIMIT:
            # A whole layer pulsing in a big network: bright thin lines, no halo, and no more of them than
            # the overview would draw (the strongest), so a frame stays cheap.
            shown = model.strongest(pulsed, LINE_BUDGET)
            self._draw_plain(painter, shown, QPen(QColor(scheme.pulse), 0), cosmetic=True)
            pulsed = pulsed[:0]
        if pulsed.size:
            glow = QColor(scheme.pulse)
            glow.setAlpha(150)
            self._draw_plain(
                painter,
                pulsed,
                QPen(glow, 11.0 if model.detailed else 6.0 if detailed else 3.0),
                cosmetic=not model.detailed,
            )
        emphasised = np.unique(np.concatenate([hot, selected, pulsed]))
        if model.detailed:
            draw_detailed(painter, model, self.style, emphasised, extra_width=1.5, brighten=True)
        elif emphasised.size:
            self._draw_strong(painter, emphasised, detailed)
        if self.labels:
            self._draw_labels(painter)

    def _draw_plain(self, painter: QPainter, which: Array, pen: QPen, cosmetic: bool) -> None:
        pen.setCosmetic(cosmetic)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLines(self.model.segments(which))

    def _draw_strong(self, painter: QPainter, which: Array, detailed: bool) -> None:
        """Big network: the touched edges in full colour, positive and negative apart."""
        model = self.model
        for positive in (False, True):
            part = which[(model.weight[which] >= 0) == positive]
            if part.size == 0:
                continue
            colour = QColor(self.style.scheme.positive if positive else self.style.scheme.negative)
            pen = QPen(colour, 1.6 if detailed else 0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLines(model.segments(part))

    def _draw_labels(self, painter: QPainter) -> None:
        model = self.model
        scheme = self.style.scheme
        k = self.label_scale
        metrics = _Fonts.metrics(False)
        for i, text in self.labels.items():
            if i >= model.count:
                continue
            # Labels sit near the target end, where the edges into one neuron fan apart.
            t = 0.62
            x = float(model.x1[i] + (model.x2[i] - model.x1[i]) * t)
            y = float(model.y1[i] + (model.y2[i] - model.y1[i]) * t)
            width = (metrics.horizontalAdvance(text) + 6) * k
            height = (plate_height(False) + 2) * k
            draw_label(
                painter,
                PlacedLabel(QRectF(x - width / 2, y - height / 2, width, height), text, False, k),
                scheme,
                scheme.text,
            )
