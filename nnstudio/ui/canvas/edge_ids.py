"""Edge ids without a table of ids: an edge's id is made from its place in a weight matrix when asked for,
and its place found from its two neurons (a million ids are never made to draw a network).

:class:`EdgeIdLookup` is mixed into :class:`~nnstudio.ui.canvas.edge_model.EdgeModel`, whose arrays and
spans (one per weight matrix) it reads.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, overload

import numpy as np
from PySide6.QtCore import QRectF

from .edge_arrays import split_by

if TYPE_CHECKING:
    from .edge_model import EdgeModel

Array = np.ndarray


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


class EdgeIdLookup:
    """Ids by position and positions by id, and the edges of given neurons (part of ``EdgeModel``)."""

    @property
    def ids(self) -> EdgeIds:
        """Every edge's id by position (made when read; see :class:`EdgeIds`)."""
        return EdgeIds(self)

    @property
    def index(self) -> EdgeIndex:
        """Every edge's position by id (found when read; see :class:`EdgeIndex`)."""
        return EdgeIndex(self)

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
        for k, where in split_by(span_of):
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
