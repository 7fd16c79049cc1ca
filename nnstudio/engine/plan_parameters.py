"""The one translator between a network's ids and a compiled plan's flat parameter buffer.

Where each connection's weight and each neuron's bias sits in :attr:`Plan.flat`
(:meth:`~PlanParameters.parameter_index`, :meth:`~PlanParameters.edge_index`), the buffer seen as weight
matrices and bias vectors, and copying values between the plan and the network
(:meth:`~PlanParameters.write_back`, :meth:`~PlanParameters.read_parameters`): nothing outside the engine
needs to know where a weight sits.
"""

from __future__ import annotations

import numpy as np

from .connections import LayerKey
from .conv import ConvBlock
from .graph import GraphError, Network
from .plan_parts import Block, BlockMap, Gradients, Level, cross_index

Array = np.ndarray

# A network's numbers are float64; a float32 plan holds up to about 3.4e38, and a larger value (from a file,
# or typed in) becomes infinite there. The plan's outputs then are not finite numbers, which every caller
# reports in words; numpy need not warn about the cast on the way. A decorator (each call its own state).
cast_overflow_to_infinity = np.errstate(over="ignore")


class PlanParameters:
    """Ids <-> parameters of a :class:`~nnstudio.engine.plan.Plan` (its fields are described there)."""

    levels: list[Level]
    blocks: list[Block]
    convs: list[ConvBlock]
    flat: Array
    offsets: list[int]
    maps: list[BlockMap]
    position: dict[str, tuple[int, int]]
    aliases: dict[str, tuple[str, str]]
    revision: int
    structure_revision: int

    def _prepare_parameters(self) -> None:
        self._grad_views: tuple[Array, list[Array], list[Array]] | None = None
        self._edge_index: Array | None = None
        self._edge_ids: list[str] | None = None
        self._mask: Array | None = None
        self._by_level: dict[int, Block] | None = None

    # ------------------------------------------------------------------ ids <-> parameters
    def parameter_index(self, edge_ids: list[str]) -> Array:
        """Where each connection's weight sits in :attr:`flat`; KeyError for an id the plan does not hold."""
        out = np.empty(len(edge_ids), dtype=np.intp)
        block_of = {b.target: b for b in self.blocks}
        for k, eid in enumerate(edge_ids):
            pair = self.aliases.get(eid)
            if pair is None:
                source, sep, target = eid.partition(">")
                pair = (source, target) if sep else None
            if pair is None or pair[0] not in self.position or pair[1] not in self.position:
                raise KeyError(eid)
            (sl, si), (tl, ti) = self.position[pair[0]], self.position[pair[1]]
            block = block_of.get(tl)
            if block is None or sl not in block.sources:
                raise KeyError(eid)
            col = block.starts[block.sources.index(sl)] + si
            index = block.offset + ti * block.width + col
            if not self.connection_mask()[index]:
                raise KeyError(eid)
            out[k] = index
        return out

    def bias_index(self, neuron_id: str) -> int:
        li, i = self.position[neuron_id]
        if li == 0:
            raise KeyError(neuron_id)
        return self.offsets[len(self.blocks) + li - 1] + i

    def connection_mask(self) -> Array:
        """True at every place of :attr:`flat` that holds a connection's weight (frozen ones included)."""
        if self._mask is None:
            mask = np.zeros(self.flat.size, dtype=bool)
            mask[self.edge_index()] = True
            self._mask = mask
        return self._mask

    def block_connections(self) -> list[Array]:
        """Per block, a boolean matrix shaped like its ``W``: True where a connection exists."""
        mask = self.connection_mask()
        return [mask[b.parameter_slice()].reshape(b.W.shape) for b in self.blocks]

    def edge_index(self) -> Array:
        """The flat index of every connection, in the order ``network.edges`` lists them at compile time."""
        if self._edge_index is None:
            parts: list[Array] = []
            for m in self.maps:
                if m.flat_index is not None:
                    parts.append(m.flat_index)
                    continue
                whole = self._whole_block(m)
                if whole is not None:
                    # A fully connected layer that is all of one block: its connections in the block's order.
                    parts.append(whole.offset + np.arange(whole.W.size, dtype=np.intp))
                    continue
                full = np.full(m.shape, -1, dtype=np.intp)
                for p in m.pieces:
                    block = self._block_for(p.level)
                    idx = block.offset + np.arange(block.W.size).reshape(block.W.shape)
                    full[cross_index(p.rows, p.cols)] = idx[cross_index(p.r, p.c)]
                parts.append(full.ravel() if m.present is None else full[m.present])
            self._edge_index = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
        return self._edge_index

    def _whole_block(self, m: BlockMap) -> Block | None:
        """The plan's block when ``m`` is a fully connected matrix that fills it exactly, else None."""
        if m.present is not None or len(m.pieces) != 1:
            return None
        p = m.pieces[0]
        block = self._block_for(p.level)
        rows, cols = m.shape
        if block.W.shape != (rows, cols):
            return None
        spans = ((p.rows, rows), (p.r, rows), (p.cols, cols), (p.c, cols))
        if all(isinstance(s, slice) and s.indices(n) == (0, n, 1) for s, n in spans):
            return block
        return None

    def edge_ids(self) -> list[str]:
        """Every connection's id, in the order of :meth:`edge_index`."""
        if self._edge_ids is None:
            alias = {pair: eid for eid, pair in self.aliases.items()}
            ids: list[str] = []
            for m in self.maps:
                if m.rows is not None:
                    rows, cols = m.rows, m.cols
                elif m.present is None:
                    rows, cols = np.divmod(np.arange(m.shape[0] * m.shape[1]), m.shape[1])
                else:
                    rows, cols = np.nonzero(m.present)
                t, s = m.targets, m.sources
                ids.extend(
                    alias.get((s[c], t[r])) or f"{s[c]}>{t[r]}"
                    for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
                )
            self._edge_ids = ids
        return self._edge_ids

    def _block_for(self, level: int) -> Block:
        if self._by_level is None:
            self._by_level = {b.target: b for b in self.blocks}
        return self._by_level[level]

    def edge_gradients(self, grads: Gradients) -> dict[str, float]:
        flat = grads.flat if grads.flat is not None else self._flat_of(grads.weights, grads.biases)
        return dict(zip(self.edge_ids(), flat[self.edge_index()].tolist(), strict=True))

    def bias_gradients(self, grads: Gradients) -> dict[str, float]:
        """The slope of each neuron's bias (a shaped layer's neurons have none: their kernels' biases)."""
        out: dict[str, float] = {}
        for li, (level, g) in enumerate(zip(self.levels[1:], grads.biases[1:], strict=True), start=1):
            if li not in self._conv_of:
                out.update(zip(level.ids, g.tolist(), strict=True))
        return out

    def _flat_of(self, weights: list[Array], biases: list[Array]) -> Array:
        flat = np.empty_like(self.flat)
        w, b = self.views(flat)
        for dst, src in zip(w, weights, strict=True):
            dst[...] = src
        for dst, src in zip(b[1:], biases[1:], strict=True):
            dst[...] = src
        return flat

    # ------------------------------------------------------------------ parameters
    def views(self, flat: Array) -> tuple[list[Array], list[Array]]:
        """A flat array seen as per-block weight matrices and per-level bias vectors (level 0: empty)."""
        nb = len(self.blocks)
        weights = [flat[b.offset : b.offset + b.W.size].reshape(b.W.shape) for b in self.blocks]
        biases = [flat[:0]] + [
            flat[o : o + l.bias.size] for l, o in zip(self.levels[1:], self.offsets[nb:], strict=True)
        ]
        return weights, biases

    def parameters(self) -> list[Array]:
        """The live parameter arrays (weights per block, then biases per level >= 1, then each convolution's
        kernels and biases as one flat stretch): training edits these."""
        return (
            [b.W for b in self.blocks]
            + [l.bias for l in self.levels[1:]]
            + [self.flat[c.parameter_slice()] for c in self.convs if c.n_parameters]
        )

    def snapshot(self) -> Array:
        """A copy of every weight and bias, flat (see :attr:`flat`); :meth:`restore` puts it back."""
        return self.flat.copy()

    def restore(self, snapshot: Array) -> None:
        np.copyto(self.flat, snapshot)

    def copy_parameters(self) -> list[Array]:
        return [p.copy() for p in self.parameters()]

    def set_parameter_values(self, values: list[Array]) -> None:
        for dst, src in zip(self.parameters(), values, strict=True):
            np.copyto(dst, src)

    def flat_from(self, values: list[Array]) -> Array:
        """A parameter list shaped like :meth:`parameters` as one flat array laid out like :attr:`flat`."""
        nb = len(self.blocks)
        nl = nb + len(self.levels) - 1
        flat = self._flat_of(values[:nb], [self.flat[:0]] + list(values[nb:nl]))
        for conv, part in zip([c for c in self.convs if c.n_parameters], values[nl:], strict=True):
            flat[conv.parameter_slice()] = part
        return flat

    def weights_by_edge(self, flat: Array | None = None) -> dict[str, float]:
        source = self.flat if flat is None else flat
        return dict(zip(self.edge_ids(), source[self.edge_index()].tolist(), strict=True))

    def biases_by_neuron(self, flat: Array | None = None) -> dict[str, float]:
        _, biases = self.views(self.flat if flat is None else flat)
        out: dict[str, float] = {}
        for li, (level, b) in enumerate(zip(self.levels[1:], biases[1:], strict=True), start=1):
            # A shaped layer's neurons have no bias of their own (it stays 0): their kernels' biases.
            if li not in self._conv_of:
                out.update(zip(level.ids, b.tolist(), strict=True))
        return out

    def block_values(self, flat: Array | None = None) -> dict[LayerKey, Array]:
        """The network's weight matrices as this plan holds them (missing connections read 0)."""
        weights, _ = self.views(self.flat if flat is None else flat)
        by_level = {b.target: w for b, w in zip(self.blocks, weights, strict=True)}
        out: dict[LayerKey, Array] = {}
        for m in self.maps:
            if m.present is None and len(m.pieces) == 1 and m.flat_index is None:
                p = m.pieces[0]
                if all(isinstance(v, slice) for v in (p.rows, p.cols, p.r, p.c)):
                    # A whole layer that is all of one block's matrix: a view, nothing copied here.
                    view = by_level[p.level][p.r, p.c]
                    if view.shape == m.shape:
                        out[m.key] = view
                        continue
            full = np.zeros(m.shape)
            if m.flat_index is not None:
                full[m.rows, m.cols] = (self.flat if flat is None else flat)[m.flat_index]
            for p in m.pieces:
                full[cross_index(p.rows, p.cols)] = by_level[p.level][cross_index(p.r, p.c)]
            out[m.key] = full
        return out

    def write_back(
        self, network: Network, flat: Array | None = None, mirror: PlanParameters | None = None
    ) -> None:
        """Copy the plan's weights and biases (or those of ``flat``) into the network: one numpy step per
        weight matrix, one ``parameters`` event. Frozen connections keep their exact value.

        ``mirror``, another plan compiled from the same network (the window's live one), gets the values
        too, in one copy, and is marked current before the event, so it need not read them back."""
        values = self.flat if flat is None else flat

        def mark(revision: int) -> None:
            self.revision = revision
            if mirror is not None and mirror.flat.shape == values.shape:
                np.copyto(mirror.flat, values)
                mirror.revision = revision

        network.write_blocks(
            self.block_values(flat),
            self.biases_by_neuron(flat),
            before_event=mark,
            kernels=self.conv_values(flat),
        )

    @cast_overflow_to_infinity
    def read_weights(self, network: Network, edge_ids: list[str]) -> None:
        """Copy the weights of just these connections from the network (hand edits of a few weights)."""
        self._check_structure(network)
        present = [e for e in edge_ids if e in network.edges]
        if present:
            self.flat[self.parameter_index(present)] = [network.edges[e].weight for e in present]
        self.revision = network.revision

    @cast_overflow_to_infinity
    def read_biases(self, network: Network, neuron_ids: list[str]) -> None:
        """Copy the biases of just these neurons from the network."""
        self._check_structure(network)
        for nid in neuron_ids:
            if nid in self.position and self.position[nid][0] > 0:
                self.flat[self.bias_index(nid)] = network.neurons[nid].bias
        self.revision = network.revision

    def _check_structure(self, network: Network) -> None:
        if network.structure_revision != self.structure_revision:
            raise GraphError("the network's structure changed since it was compiled; compile it again")

    @cast_overflow_to_infinity
    def read_parameters(self, network: Network) -> None:
        """Reload weights and biases from the network after hand edits that did not change its structure."""
        self._check_structure(network)
        fill_weights(self, network)
        for level in self.levels[1:]:
            level.bias[:] = [network.neurons[n].bias for n in level.ids]
        fill_convs(self, network)
        self.revision = network.revision


@cast_overflow_to_infinity
def fill_convs(plan: PlanParameters, network: Network) -> None:
    """Copy the network's kernels and their biases into the plan; a shaped layer's neurons keep bias 0."""
    for conv in plan.convs:
        plan.levels[conv.target].bias[...] = 0.0
        source = network.convolutions[conv.layer]
        if conv.kernel is not None and conv.bias is not None:
            assert source.kernel is not None and source.bias is not None
            conv.kernel[...] = source.kernel
            conv.bias[...] = source.bias


@cast_overflow_to_infinity
def fill_weights(plan: PlanParameters, network: Network, small: bool = True) -> None:
    """Copy the network's weight matrices into the plan's blocks, and which entries may train (``small``:
    the matrices mapped connection by connection too)."""
    blocks = network.edges.blocks
    by_level = {b.target: b for b in plan.blocks}
    for m in plan.maps:
        source = blocks[m.key]
        if m.flat_index is not None:
            if not small:
                continue
            plan.flat[m.flat_index] = source.weight[m.rows, m.cols]
            if plan.flat_trainable is not None:
                plan.flat_trainable[m.flat_index] = ~source.frozen[m.rows, m.cols]
            continue
        trains = None
        for p in m.pieces:
            block = by_level[p.level]
            block.W[cross_index(p.r, p.c)] = source.weight[cross_index(p.rows, p.cols)]
            if block.trainable is not None:
                if trains is None:
                    trains = source.present & ~source.frozen
                block.trainable[cross_index(p.r, p.c)] = trains[cross_index(p.rows, p.cols)]
