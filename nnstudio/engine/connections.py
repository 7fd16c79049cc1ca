"""Every connection of a network, stored as weight matrices: one block for each layer of target neurons.

A connection is an address, not an object: ``"h1>out"`` names row ``out`` and column ``h1`` of the block
that feeds the layer ``out`` belongs to. The block owns the numbers (a weight matrix, a mask of which links
exist and a mask of which are frozen), so a fully connected layer of a million links is three arrays, and a
hand-wired neuron is a block of one row. :class:`Edge` objects are made on request, as read-only snapshots.

A neuron's layer is its ``layer`` name; a neuron without one is a layer of its own. The key of a block is
that layer: ``("h1", "")`` for the named layer ``h1``, ``("", "n4")`` for the lone neuron ``n4``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

import numpy as np

Array = np.ndarray
LayerKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Edge:
    """A snapshot of one connection: its id, its two ends, its weight and whether training may change it."""

    id: str
    source: str
    target: str
    weight: float = 0.0
    frozen: bool = False

    def copy(self) -> Edge:
        return replace(self)


class BlockLinks:
    """The connections of one block as arrays, in the order ``network.edges`` lists them: connection ``k``
    runs from ``sources[cols[k]]`` into ``targets[rows[k]]`` with weight ``weight[k]``. ``rows * len(sources)
    + cols`` rises strictly, so a (row, column) pair is found by a binary search; when ``full``, connection
    ``k`` is simply row ``k // len(sources)``, column ``k % len(sources)``. The arrays are copies.

    :meth:`per_row` and :meth:`per_col` spread a value per target or per source over the connections (for a
    full block without making ``rows`` and ``cols``, which are made only when read).
    """

    __slots__ = ("key", "targets", "sources", "weight", "frozen", "full", "_rows", "_cols")

    def __init__(
        self,
        key: LayerKey,
        targets: list[str],
        sources: list[str],
        weight: Array,
        frozen: Array,
        rows: Array | None = None,
        cols: Array | None = None,
    ) -> None:
        self.key, self.targets, self.sources = key, targets, sources
        self.weight, self.frozen = weight, frozen
        self.full = rows is None
        self._rows, self._cols = rows, cols

    @property
    def count(self) -> int:
        return int(self.weight.size)

    @property
    def rows(self) -> Array:
        if self._rows is None:
            self._rows = np.repeat(np.arange(len(self.targets), dtype=np.intp), len(self.sources))
        return self._rows

    @property
    def cols(self) -> Array:
        if self._cols is None:
            self._cols = np.tile(np.arange(len(self.sources), dtype=np.intp), len(self.targets))
        return self._cols

    def per_row(self, values: Array) -> Array:
        """``values[rows]``: one value per target, spread over its connections."""
        return np.repeat(values, len(self.sources)) if self.full else values[self.rows]

    def per_col(self, values: Array) -> Array:
        """``values[cols]``: one value per source, spread over its connections."""
        return np.tile(values, len(self.targets)) if self.full else values[self.cols]


def edge_id(source: str, target: str) -> str:
    """The conventional id of the edge from ``source`` to ``target`` (neuron ids never contain '>')."""
    return f"{source}>{target}"


def layer_key(layer: str, neuron_id: str) -> LayerKey:
    return (layer, "") if layer else ("", neuron_id)


class ConnectionBlock:
    """The connections into one layer: ``weight[row, col]`` is the weight from ``sources[col]`` into
    ``targets[row]``, where ``present`` is true; elsewhere there is no connection and the weight is 0."""

    __slots__ = ("key", "targets", "sources", "weight", "present", "frozen", "row_of", "col_of", "count")

    def __init__(
        self,
        key: LayerKey,
        targets: list[str],
        sources: list[str],
        weight: Array,
        present: Array,
        frozen: Array,
    ) -> None:
        self.key = key
        self.targets = targets
        self.sources = sources
        self.weight = weight
        self.present = present
        self.frozen = frozen
        self.row_of = {t: i for i, t in enumerate(targets)}
        self.col_of = {s: j for j, s in enumerate(sources)}
        self.count = int(np.count_nonzero(present))

    @classmethod
    def empty(cls, key: LayerKey, targets: list[str]) -> ConnectionBlock:
        n = len(targets)
        return cls(
            key,
            list(targets),
            [],
            np.zeros((n, 0)),
            np.zeros((n, 0), dtype=bool),
            np.zeros((n, 0), dtype=bool),
        )

    def copy(self) -> ConnectionBlock:
        return ConnectionBlock(
            self.key,
            list(self.targets),
            list(self.sources),
            self.weight.copy(),
            self.present.copy(),
            self.frozen.copy(),
        )

    @property
    def full(self) -> bool:
        """Every target joined to every source: a fully connected layer."""
        return self.count == self.present.size

    def add_sources(self, sources: list[str]) -> None:
        """New columns (no connections yet) for sources not yet in the block."""
        new = [s for s in dict.fromkeys(sources) if s not in self.col_of]
        self._grow(new, axis=1)
        for s in new:
            self.col_of[s] = len(self.sources)
            self.sources.append(s)

    def add_targets(self, targets: list[str]) -> None:
        """New rows (no connections yet) for targets not yet in the block."""
        new = [t for t in targets if t not in self.row_of]
        self._grow(new, axis=0)
        for t in new:
            self.row_of[t] = len(self.targets)
            self.targets.append(t)

    def _grow(self, new: list[str], axis: int) -> None:
        """Widen (axis 1) or lengthen (axis 0) the three matrices by one empty line per new neuron."""
        if not new:
            return
        shape = list(self.weight.shape)
        shape[axis] = len(new)
        self.weight = np.concatenate([self.weight, np.zeros(shape)], axis=axis)
        self.present = np.concatenate([self.present, np.zeros(shape, dtype=bool)], axis=axis)
        self.frozen = np.concatenate([self.frozen, np.zeros(shape, dtype=bool)], axis=axis)

    def drop(self, targets: Iterable[str] = (), sources: Iterable[str] = ()) -> None:
        """Remove rows and columns (with every connection on them)."""
        rows = sorted({self.row_of[t] for t in targets if t in self.row_of})
        cols = sorted({self.col_of[s] for s in sources if s in self.col_of})
        if not rows and not cols:
            return
        keep_r = np.ones(len(self.targets), dtype=bool)
        keep_r[rows] = False
        keep_c = np.ones(len(self.sources), dtype=bool)
        keep_c[cols] = False
        self.weight = self.weight[keep_r][:, keep_c]
        self.present = self.present[keep_r][:, keep_c]
        self.frozen = self.frozen[keep_r][:, keep_c]
        self.targets = [t for t, k in zip(self.targets, keep_r.tolist(), strict=True) if k]
        self.sources = [s for s, k in zip(self.sources, keep_c.tolist(), strict=True) if k]
        self.row_of = {t: i for i, t in enumerate(self.targets)}
        self.col_of = {s: j for j, s in enumerate(self.sources)}
        self.count = int(np.count_nonzero(self.present))


class Connections(Mapping[str, Edge]):
    """The network's connections by id, read-only: :class:`~nnstudio.engine.graph.Network` edits them.

    ``network.edges["a>b"]`` gives an :class:`Edge` snapshot; ``len``, ``in`` and iteration work as on a
    dict of edges, in a fixed order (block by block, row by row). Iterating a network of a million
    connections makes a million snapshots: code that handles whole layers reads the blocks instead.
    """

    def __init__(self) -> None:
        self.blocks: dict[LayerKey, ConnectionBlock] = {}
        # neuron -> key of the block whose row it is (only neurons with a block).
        self.block_of: dict[str, LayerKey] = {}
        # neuron -> keys of the blocks in which it is a column (an ordered set).
        self.feeds: dict[str, dict[LayerKey, None]] = {}
        # Connections whose id is not the conventional "source>target" (older files may have them).
        self.alias_pair: dict[str, tuple[str, str]] = {}
        self.pair_alias: dict[tuple[str, str], str] = {}
        self._count = 0

    def copy(self) -> Connections:
        other = Connections()
        other.blocks = {k: b.copy() for k, b in self.blocks.items()}
        other.block_of = dict(self.block_of)
        other.feeds = {s: dict(keys) for s, keys in self.feeds.items()}
        other.alias_pair = dict(self.alias_pair)
        other.pair_alias = dict(self.pair_alias)
        other._count = self._count
        return other

    # ------------------------------------------------------------------ reading
    def pair_of(self, eid: str) -> tuple[str, str] | None:
        """The (source, target) an id names, whether or not that connection exists."""
        pair = self.alias_pair.get(eid)
        if pair is not None:
            return pair
        source, sep, target = eid.partition(">")
        if not sep or not source or not target or ">" in target:
            return None
        if (source, target) in self.pair_alias:
            return None  # that pair is known by another id
        return source, target

    def id_of(self, source: str, target: str) -> str:
        return self.pair_alias.get((source, target)) or f"{source}>{target}"

    def locate(self, source: str, target: str) -> tuple[ConnectionBlock, int, int] | None:
        key = self.block_of.get(target)
        if key is None:
            return None
        block = self.blocks[key]
        col = block.col_of.get(source)
        if col is None:
            return None
        row = block.row_of[target]
        if not block.present[row, col]:
            return None
        return block, row, col

    def _find(self, eid: str) -> tuple[ConnectionBlock, int, int] | None:
        pair = self.pair_of(eid) if isinstance(eid, str) else None
        return None if pair is None else self.locate(*pair)

    def __getitem__(self, eid: str) -> Edge:
        found = self._find(eid)
        if found is None:
            raise KeyError(eid)
        block, row, col = found
        source, target = block.sources[col], block.targets[row]
        return Edge(eid, source, target, float(block.weight[row, col]), bool(block.frozen[row, col]))

    def __contains__(self, eid: object) -> bool:
        return isinstance(eid, str) and self._find(eid) is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        for edge in self.values():
            yield edge.id

    def values(self) -> Iterator[Edge]:  # type: ignore[override]
        alias = self.pair_alias
        for block in self.blocks.values():
            if block.count == 0:
                continue
            rows, cols = np.nonzero(block.present)
            weights = block.weight[rows, cols].tolist()
            frozen = block.frozen[rows, cols].tolist()
            targets, sources = block.targets, block.sources
            for r, c, w, f in zip(rows.tolist(), cols.tolist(), weights, frozen, strict=True):
                s, t = sources[c], targets[r]
                eid = alias.get((s, t)) if alias else None
                yield Edge(eid or f"{s}>{t}", s, t, w, f)

    def items(self) -> Iterator[tuple[str, Edge]]:  # type: ignore[override]
        for edge in self.values():
            yield edge.id, edge

    def keys(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self)

    def arrays(self) -> list[BlockLinks]:
        """Every block that has connections, as :class:`BlockLinks`, in iteration order: one numpy step per
        block, no :class:`Edge` made (for code that takes a whole network at once, such as drawing it)."""
        out: list[BlockLinks] = []
        for block in self.blocks.values():
            if block.count == 0:
                continue
            targets, sources = list(block.targets), list(block.sources)
            if block.full:
                weight, frozen = block.weight.ravel().copy(), block.frozen.ravel().copy()
                out.append(BlockLinks(block.key, targets, sources, weight, frozen))
            else:
                rows, cols = np.nonzero(block.present)
                weight, frozen = block.weight[rows, cols], block.frozen[rows, cols]
                out.append(BlockLinks(block.key, targets, sources, weight, frozen, rows, cols))
        return out

    def weights_and_frozen(self) -> tuple[Array, Array]:
        """Every connection's weight and frozen flag, in iteration order (one numpy step per block)."""
        weights: list[Array] = []
        frozen: list[Array] = []
        for block in self.blocks.values():
            if block.count == 0:
                continue
            if block.full:
                weights.append(block.weight.ravel())
                frozen.append(block.frozen.ravel())
            else:
                weights.append(block.weight[block.present])
                frozen.append(block.frozen[block.present])
        if not weights:
            return np.zeros(0), np.zeros(0, dtype=bool)
        return np.concatenate(weights).astype(np.float64, copy=False), np.concatenate(frozen)

    def into(self, target: str) -> list[Edge]:
        key = self.block_of.get(target)
        if key is None:
            return []
        block = self.blocks[key]
        row = block.row_of[target]
        cols = np.flatnonzero(block.present[row])
        return [
            Edge(self.id_of(block.sources[c], target), block.sources[c], target, w, f)
            for c, w, f in zip(
                cols.tolist(), block.weight[row, cols].tolist(), block.frozen[row, cols].tolist(), strict=True
            )
        ]

    def out_of(self, source: str) -> list[Edge]:
        edges: list[Edge] = []
        for key in self.feeds.get(source, ()):
            block = self.blocks[key]
            col = block.col_of[source]
            rows = np.flatnonzero(block.present[:, col])
            edges.extend(
                Edge(self.id_of(source, block.targets[r]), source, block.targets[r], w, f)
                for r, w, f in zip(
                    rows.tolist(),
                    block.weight[rows, col].tolist(),
                    block.frozen[rows, col].tolist(),
                    strict=True,
                )
            )
        return edges

    def source_ids(self, target: str) -> list[str]:
        key = self.block_of.get(target)
        if key is None:
            return []
        block = self.blocks[key]
        cols = np.flatnonzero(block.present[block.row_of[target]])
        return [block.sources[c] for c in cols.tolist()]

    def target_ids(self, source: str) -> list[str]:
        out: list[str] = []
        for key in self.feeds.get(source, ()):
            block = self.blocks[key]
            rows = np.flatnonzero(block.present[:, block.col_of[source]])
            out.extend(block.targets[r] for r in rows.tolist())
        return out

    # ------------------------------------------------------------------ editing (Network calls these)
    def ensure_block(self, key: LayerKey, members: list[str]) -> ConnectionBlock:
        block = self.blocks.get(key)
        if block is None:
            block = self.blocks[key] = ConnectionBlock.empty(key, members)
        else:
            block.add_targets(members)
        for t in members:
            self.block_of[t] = key
        return block

    def _note_sources(self, block: ConnectionBlock, sources: Iterable[str]) -> None:
        for s in sources:
            self.feeds.setdefault(s, {})[block.key] = None

    def put_block(
        self, block: ConnectionBlock, sources: list[str], weight: Array, present: Array, frozen: Array
    ) -> None:
        """Write a (targets of the block x ``sources``) matrix of connections into ``block``."""
        block.add_sources(sources)
        self._note_sources(block, sources)
        cols = np.fromiter((block.col_of[s] for s in sources), dtype=np.intp, count=len(sources))
        if present.all() and len(cols) == len(block.sources) and np.array_equal(cols, np.arange(len(cols))):
            before = block.count
            block.weight[...] = weight
            block.present[...] = True
            block.frozen[...] = frozen
            block.count = block.present.size
            self._count += block.count - before
            return
        region_present = block.present[:, cols]
        before = int(np.count_nonzero(region_present))
        block.weight[:, cols] = np.where(present, weight, block.weight[:, cols])
        block.frozen[:, cols] = np.where(present, frozen, block.frozen[:, cols])
        block.present[:, cols] = region_present | present
        after = int(np.count_nonzero(block.present[:, cols]))
        block.count += after - before
        self._count += after - before

    def put(
        self, edges: Iterable[Edge], key_of: Mapping[str, LayerKey], members: Mapping[LayerKey, list[str]]
    ):
        """Add single connections (checked by the caller), growing blocks once per block."""
        by_block: dict[LayerKey, list[Edge]] = {}
        for edge in edges:
            by_block.setdefault(key_of[edge.target], []).append(edge)
        for key, group in by_block.items():
            if key not in self.blocks:
                # A new matrix is made at its final size at once (a chain of 20,000 neurons makes 20,000).
                targets = list(members[key])
                sources = list(dict.fromkeys(e.source for e in group))
                shape = (len(targets), len(sources))
                self.blocks[key] = ConnectionBlock(
                    key, targets, sources, np.zeros(shape), np.zeros(shape, bool), np.zeros(shape, bool)
                )
                for t in targets:
                    self.block_of[t] = key
            block = self.ensure_block(key, members[key])
            block.add_sources([e.source for e in group])
            self._note_sources(block, (e.source for e in group))
            rows = [block.row_of[e.target] for e in group]
            cols = [block.col_of[e.source] for e in group]
            block.weight[rows, cols] = [e.weight for e in group]
            block.frozen[rows, cols] = [e.frozen for e in group]
            block.present[rows, cols] = True
            block.count += len(group)
            self._count += len(group)
            for e in group:
                if e.id != f"{e.source}>{e.target}":
                    self.alias_pair[e.id] = (e.source, e.target)
                    self.pair_alias[(e.source, e.target)] = e.id

    def cut(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remove the connections between these (source, target) pairs (each must exist)."""
        for source, target in pairs:
            found = self.locate(source, target)
            if found is None:
                continue
            block, row, col = found
            block.present[row, col] = False
            block.frozen[row, col] = False
            block.weight[row, col] = 0.0
            block.count -= 1
            self._count -= 1
            alias = self.pair_alias.pop((source, target), None)
            if alias is not None:
                del self.alias_pair[alias]
            if not block.present[:, col].any():
                # A source with no connection left into the layer leaves its matrix, so the matrix holds
                # only what is there (and a layer's own neuron is never left among its sources).
                block.drop(sources=[source])
                self.feeds.get(source, {}).pop(block.key, None)

    def forget_neuron(self, nid: str) -> None:
        """Remove a neuron's row and columns (its connections must already be cut)."""
        key = self.block_of.pop(nid, None)
        if key is not None:
            block = self.blocks[key]
            block.drop(targets=[nid])
            if not block.targets:
                for s in block.sources:
                    self.feeds.get(s, {}).pop(key, None)
                del self.blocks[key]
        for key in self.feeds.pop(nid, {}):
            block = self.blocks.get(key)
            if block is not None:
                block.drop(sources=[nid])

    def set_value(self, source: str, target: str, weight: float | None = None, frozen: bool | None = None):
        block, row, col = self.locate(source, target)  # type: ignore[misc]
        if weight is not None:
            block.weight[row, col] = weight
        if frozen is not None:
            block.frozen[row, col] = frozen
