"""Edges drawn in bulk: the 12,960 edges of 784-16-16-10 are two QGraphicsItems, not 12,960.

:class:`EdgeModel` holds every edge as numpy arrays (ends, weight, frozen) and caches the drawing geometry
(one QLineF per edge, grouped into buckets by sign and strength). Geometry is rebuilt only when neurons
move or the structure changes; a weight change only re-buckets; an activation change touches nothing here.

:class:`EdgeLayer` paints all edges. For a big network it draws one ``drawLines`` per bucket, one pixel
wide, without antialiasing, clipped to the visible area, into an image kept until the view, the weights
or the geometry change; repaints in between (activations, hover, selection) only copy that image. For a
small network it draws each edge antialiased with its own width and an arrowhead.

While training runs, new weights arrive many times a second and every one of them redraws that image. A
network of FULL_DETAIL_BELOW edges or more then draws only the strongest edges of each layer
(:meth:`EdgeModel.set_strongest_only`), about a sixth of the lines, so a weights frame stays short; the full
picture returns when training stops.

:class:`EdgeOverlay` draws the few edges the person is touching (hovered, selected, pulsing) above them.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.engine.graph import Network

if TYPE_CHECKING:
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

Array = np.ndarray


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class EdgeModel:
    """Every edge of the network as arrays, with drawing geometry and buckets cached."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        self.node_index: dict[str, int] = {}
        self.nx = np.zeros(0)
        self.ny = np.zeros(0)
        self.source = np.zeros(0, dtype=np.intp)
        self.target = np.zeros(0, dtype=np.intp)
        self.weight = np.zeros(0)
        self.frozen = np.zeros(0, dtype=bool)
        self.group = np.zeros(0, dtype=np.intp)
        self.pixel_source = np.zeros(0, dtype=bool)
        self.pixel_rect: tuple[float, float, float, float] | None = None
        self.incident: list[Array] = []
        self.detailed = True
        # Drawn segment ends (edges from image pixels start where they leave the grid).
        self.x1 = np.zeros(0)
        self.y1 = np.zeros(0)
        self.x2 = np.zeros(0)
        self.y2 = np.zeros(0)
        self.strength = np.zeros(0)
        self.bucket = np.zeros(0, dtype=np.intp)
        self._lines: list[QLineF] | None = None
        self._bucket_lines: list[tuple[int, list[QLineF]]] | None = None
        # Training: only the strongest edges of each layer are drawn (see set_strongest_only).
        self.strongest_only = False
        self._drawn: Array | None = None
        self.geometry_version = 0
        self.style_version = 0
        self.structure_version = 0
        self.line_builds = 0
        self._group_members: list[Array] | None = None
        # Where each block of a compiled plan puts its edges in these arrays (see set_weights_from_plan).
        self._plan_map: tuple[weakref.ref[Plan], int, list[Array]] | None = None

    @property
    def count(self) -> int:
        return len(self.ids)

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
        self._drawn = None
        self._bucket_lines = None
        self.style_version += 1
        return True

    # ------------------------------------------------------------------ building
    def clear(self) -> None:
        """No network: no edges (the version counters keep counting, so no stale cache matches)."""
        geometry, style, structure = self.geometry_version, self.style_version, self.structure_version
        builds, strongest_only = self.line_builds, self.strongest_only
        self.__init__()  # type: ignore[misc]
        self.geometry_version, self.style_version, self.line_builds = geometry + 1, style + 1, builds
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
        """Take the structure from ``network``; ``positions`` gives every node's drawn centre."""
        edges = list(network.edges.values())
        n = len(edges)
        self.ids = [e.id for e in edges]
        self.index = {eid: i for i, eid in enumerate(self.ids)}
        self.node_index = {nid: i for i, nid in enumerate(positions)}
        xy = np.array(list(positions.values()), dtype=np.float64).reshape(-1, 2)
        self.nx, self.ny = xy[:, 0].copy(), xy[:, 1].copy()
        node = self.node_index
        self.source = np.fromiter((node[e.source] for e in edges), dtype=np.intp, count=n)
        self.target = np.fromiter((node[e.target] for e in edges), dtype=np.intp, count=n)
        self.weight = np.fromiter((e.weight for e in edges), dtype=np.float64, count=n)
        self.frozen = np.fromiter((e.frozen for e in edges), dtype=bool, count=n)
        self.group = np.fromiter((groups.get(e.target, 0) for e in edges), dtype=np.intp, count=n)
        self.pixel_source = np.fromiter((e.source in pixel_ids for e in edges), dtype=bool, count=n)
        self.pixel_rect = pixel_rect
        self.detailed = n <= DETAIL_LIMIT
        ends = np.concatenate([self.source, self.target])
        owner = np.concatenate([np.arange(n), np.arange(n)])
        order = np.argsort(ends, kind="stable")
        bounds = np.searchsorted(ends[order], np.arange(len(self.nx) + 1))
        self.incident = [owner[order[bounds[k] : bounds[k + 1]]] for k in range(len(self.nx))]
        self._place(np.arange(n))
        self._lines = None
        self.geometry_version += 1
        self.structure_version += 1
        self._plan_map = None
        self._group_members = None
        self.restyle()

    def _place(self, which: Array) -> None:
        """Compute drawn ends of the edges ``which`` from node positions."""
        if len(self.x1) != self.count:
            self.x1, self.y1 = np.zeros(self.count), np.zeros(self.count)
            self.x2, self.y2 = np.zeros(self.count), np.zeros(self.count)
        s, t = self.source[which], self.target[which]
        x1, y1, x2, y2 = self.nx[s], self.ny[s], self.nx[t], self.ny[t]
        if self.pixel_rect is not None:
            # The image grid is opaque and drawn above the edges: start pixel edges at the grid's border, so
            # the hidden part of 12,544 lines is never rasterised.
            ps = self.pixel_source[which]
            if ps.any():
                left, top, right, bottom = self.pixel_rect
                dx, dy = x2 - x1, y2 - y1
                with np.errstate(divide="ignore", invalid="ignore"):
                    tx = np.where(dx > 0, (right - x1) / dx, np.where(dx < 0, (left - x1) / dx, np.inf))
                    ty = np.where(dy > 0, (bottom - y1) / dy, np.where(dy < 0, (top - y1) / dy, np.inf))
                inside = (x2 > left) & (x2 < right) & (y2 > top) & (y2 < bottom)
                exit_t = np.clip(np.minimum(tx, ty), 0.0, 1.0)
                exit_t = np.where(ps & ~inside, exit_t, 0.0)
                x1 = x1 + dx * exit_t
                y1 = y1 + dy * exit_t
        self.x1[which], self.y1[which], self.x2[which], self.y2[which] = x1, y1, x2, y2

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
        if len(moved) * 4 > len(self.nx):
            which = np.arange(self.count)
        else:
            parts = [self.incident[k] for k in moved]
            which = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.intp)
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
        self.geometry_version += 1

    def set_weights(self, network: Network, edge_ids: list[str] | None = None) -> None:
        """Reload weights and frozen flags (all, or the given edges) and re-bucket; geometry stays."""
        edges = network.edges
        if edge_ids is None:
            self.weight = np.fromiter((edges[e].weight for e in self.ids), dtype=np.float64, count=self.count)
            self.frozen = np.fromiter((edges[e].frozen for e in self.ids), dtype=bool, count=self.count)
        else:
            for eid in edge_ids:
                i = self.index.get(eid)
                if i is not None and eid in edges:
                    self.weight[i] = edges[eid].weight
                    self.frozen[i] = edges[eid].frozen
        self.restyle()

    def set_weights_from_plan(self, plan: Plan) -> bool:
        """Reload every weight and frozen flag from a compiled plan holding the network's current values.

        One numpy gather through the plan's edge index instead of a Python loop over every edge. False
        (and nothing changed) when the plan does not hold exactly these edges.
        """
        where = self._plan_positions(plan)
        if where is None:
            return False
        index = plan.edge_index()
        weight = np.empty(self.count, dtype=np.float64)
        frozen = np.zeros(self.count, dtype=bool)
        weight[where] = plan.flat[index]
        if plan.flat_trainable is not None:
            frozen[where] = plan.flat_trainable[index] == 0
        self.weight, self.frozen = weight, frozen
        self.restyle()
        return True

    def _plan_positions(self, plan: Plan) -> Array | slice | None:
        """Where each of the plan's edges (in its order) sits here; None when the edges differ."""
        cached = self._plan_map
        if cached is not None and cached[0]() is plan and cached[1] == self.structure_version:
            return cached[2]
        ids = plan.edge_ids()
        if len(ids) != self.count:
            return None
        positions: Array | slice
        if ids == self.ids:
            positions = slice(None)
        else:
            index = self.index
            positions = np.fromiter((index.get(e, -1) for e in ids), dtype=np.intp, count=len(ids))
            if positions.size and positions.min() < 0:
                return None
        self._plan_map = (weakref.ref(plan), self.structure_version, positions)
        return positions

    def restyle(self) -> None:
        magnitude = np.abs(self.weight)
        if self.detailed:
            reference = np.ones_like(magnitude)
        else:
            # Big networks: strength relative to the strong weights into the same layer, so a freshly
            # initialised 784-input layer (weights ~0.03) is as readable as a trained one.
            reference = np.ones_like(magnitude)
            for members in self._layers():
                reference[members] = max(float(np.percentile(magnitude[members], 98)), 1e-6)
        with np.errstate(invalid="ignore"):
            strength = np.clip(np.nan_to_num(magnitude / reference, nan=0.0), 0.0, 1.0)
        self.strength = strength
        level = np.searchsorted(np.asarray(STRENGTH_STEPS), strength, side="right")
        self.bucket = level * 4 + self.frozen.astype(np.intp) * 2 + (self.weight >= 0).astype(np.intp)
        self._drawn = None
        self._bucket_lines = None
        self.style_version += 1

    def _layers(self) -> list[Array]:
        """Positions of the edges into each layer (edges grouped by their target's depth)."""
        if self._group_members is None:
            self._group_members = [np.flatnonzero(self.group == g) for g in np.unique(self.group)]
        return self._group_members

    def drawn(self) -> Array:
        """Sorted positions of the edges the overview draws.

        A small network draws every edge. A big one leaves out the faintest bucket (near-zero weights, as the
        seeds' big diagrams leave out weak links); while thinned, each layer keeps only its strongest
        STRONGEST_SHARE of edges (at least LAYER_KEEP), chosen with one ``argpartition`` per layer.
        """
        if self._drawn is None:
            self._drawn = self._select(self.thinned)
        return self._drawn

    def _select(self, thin: bool) -> Array:
        if self.detailed:
            return np.arange(self.count)
        keep = np.ones(self.count, dtype=bool)
        if thin:
            keep[:] = False
            magnitude = np.abs(self.weight)
            for members in self._layers():
                n = members.size
                k = max(math.ceil(STRONGEST_SHARE * n), min(n, LAYER_KEEP))
                if k >= n:
                    keep[members] = True
                else:
                    keep[members[np.argpartition(magnitude[members], n - k)[n - k :]]] = True
        if self.count > OMIT_FAINT_ABOVE:
            keep &= self.bucket >= 4
        return np.flatnonzero(keep)

    @property
    def drawn_count(self) -> int:
        """How many edge lines the overview draws."""
        return int(self.drawn().size)

    # ------------------------------------------------------------------ drawing geometry
    def lines(self) -> list[QLineF]:
        if self._lines is None:
            self._lines = [
                QLineF(*seg)
                for seg in zip(
                    self.x1.tolist(), self.y1.tolist(), self.x2.tolist(), self.y2.tolist(), strict=True
                )
            ]
            self.line_builds += 1
            self._bucket_lines = None
        return self._lines

    def bucket_lines(self, every: bool = False) -> list[tuple[int, list[QLineF]]]:
        """(bucket key, lines) of the drawn edges (:meth:`drawn`), faint buckets first so strong edges are
        drawn on top; ``every`` ignores the thinning of a training run (for exported pictures).

        Within a strength level, positive and negative edges are drawn in alternating chunks, so where
        thousands of lines cross neither colour is simply painted over the other.
        """
        if every and self.thinned:
            return self._batches(self._select(False))
        if self._bucket_lines is None:
            self._bucket_lines = self._batches(self.drawn())
        return self._bucket_lines

    def _batches(self, drawn: Array) -> list[tuple[int, list[QLineF]]]:
        if drawn.size == 0:
            # Nothing strong enough to draw (every weight 0, say, in a network that omits the faint bucket).
            return []
        lines = self.lines()
        order = drawn[np.argsort(self.bucket[drawn], kind="stable")]
        keys, starts = np.unique(self.bucket[order], return_index=True)
        ends = [*starts[1:].tolist(), len(order)]
        by_key = {int(k): order[s:e] for k, s, e in zip(keys.tolist(), starts.tolist(), ends, strict=True)}
        result: list[tuple[int, list[QLineF]]] = []
        for level in range(len(BUCKET_MIX)):
            for frozen in (0, 1):
                parts = [
                    (key, np.array_split(by_key[key], INTERLEAVE_CHUNKS))
                    for key in (level * 4 + frozen * 2, level * 4 + frozen * 2 + 1)
                    if key in by_key
                ]
                for chunk in range(INTERLEAVE_CHUNKS):
                    for key, chunks in parts:
                        if chunks[chunk].size:
                            result.append((key, [lines[i] for i in chunks[chunk].tolist()]))
        return result

    def bounds(self) -> QRectF:
        if self.count == 0:
            return QRectF()
        xs = np.concatenate([self.x1, self.x2])
        ys = np.concatenate([self.y1, self.y2])
        return QRectF(QPointF(xs.min(), ys.min()), QPointF(xs.max(), ys.max())).adjusted(-8, -8, 8, 8)

    def segment_bounds(self, which: Array, margin: float = 40.0) -> QRectF:
        which = which[which < self.count]
        if which.size == 0:
            return QRectF()
        xs = np.concatenate([self.x1[which], self.x2[which]])
        ys = np.concatenate([self.y1[which], self.y2[which]])
        return QRectF(QPointF(xs.min(), ys.min()), QPointF(xs.max(), ys.max())).adjusted(
            -margin, -margin, margin, margin
        )

    # ------------------------------------------------------------------ queries
    def nearest(self, x: float, y: float, tolerance: float) -> int | None:
        """The edge whose drawn segment passes within ``tolerance`` of (x, y), the closest one."""
        if self.count == 0:
            return None
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        px, py = x - self.x1, y - self.y1
        length2 = dx * dx + dy * dy
        t = np.clip((px * dx + py * dy) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
        d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2
        i = int(np.argmin(d2))
        return i if d2[i] <= tolerance * tolerance else None

    def inside(self, rect: QRectF) -> list[str]:
        """Ids of the edges whose both end neurons lie inside ``rect``."""
        if self.count == 0:
            return []
        sx, sy = self.nx[self.source], self.ny[self.source]
        tx, ty = self.nx[self.target], self.ny[self.target]
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        ok = (
            (sx >= left)
            & (sx <= right)
            & (sy >= top)
            & (sy <= bottom)
            & (tx >= left)
            & (tx <= right)
            & (ty >= top)
            & (ty <= bottom)
        )
        return [self.ids[i] for i in np.flatnonzero(ok).tolist()]

    def edges_of(self, node_ids: list[str]) -> Array:
        parts = [self.incident[self.node_index[n]] for n in node_ids if n in self.node_index]
        if not parts:
            return np.zeros(0, dtype=np.intp)
        return np.unique(np.concatenate(parts))

    def indices(self, edge_ids: Iterable[str]) -> Array:
        """Sorted array positions of the given edge ids (unknown ids are skipped)."""
        index = self.index
        found = np.fromiter((index.get(e, -1) for e in edge_ids), dtype=np.intp)
        return np.unique(found[found >= 0])


class EdgeStyle:
    """Pens and colours of edges for one colour scheme."""

    def __init__(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
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
        colour = style.colour(w, strength, alpha=not brighten)
        if brighten:
            colour = colour.lighter(130) if w >= 0 else colour
        width = style.width(strength) + extra_width
        pen = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if model.frozen[i]:
            pen.setStyle(Qt.PenStyle.DashLine)
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

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.style = EdgeStyle(scheme)
        self.invalidate()

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
                self.lines_drawn = draw_buckets(inner, model, self.style, clip)
            finally:
                inner.end()
            self._cache, self._cache_key = image, key
            self.cache_renders += 1
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
            # A whole layer pulsing in a big network: bright thin lines, no halo (cheap enough per frame).
            self._draw_plain(painter, pulsed, QPen(QColor(scheme.pulse), 0), cosmetic=True)
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
        lines = self.model.lines()
        painter.drawLines([lines[i] for i in which.tolist()])

    def _draw_strong(self, painter: QPainter, which: Array, detailed: bool) -> None:
        """Big network: the touched edges in full colour, positive and negative apart."""
        model = self.model
        lines = model.lines()
        for positive in (False, True):
            part = which[(model.weight[which] >= 0) == positive]
            if part.size == 0:
                continue
            colour = QColor(self.style.scheme.positive if positive else self.style.scheme.negative)
            pen = QPen(colour, 1.6 if detailed else 0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLines([lines[i] for i in part.tolist()])

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
