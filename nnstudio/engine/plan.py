"""Compile a :class:`~nnstudio.engine.graph.Network` into an execution plan and run it forward and backward.

Neurons are grouped in levels by depth. Each level's weighted sums are ONE matrix product: the activations
of every level that feeds it, side by side, times a weight matrix ``W`` shaped (targets, sources), so
``z = a @ W.T + b`` for a batch of rows. A missing connection is a zero that a mask keeps at zero; a frozen
one is masked out of training. A hand-built 2x2 network, a chain of 20,000 neurons and a dense
784-1024-1024-10 run through the same code; the dense one has one product per layer and no mask at all.

Every weight and bias lives in one flat buffer (:attr:`Plan.flat`); each product's ``W`` and each level's
bias is a view into it. The plan is also the one translator between the network's ids and that buffer:
:meth:`Plan.parameter_index`, :meth:`Plan.edge_index`, :meth:`Plan.write_back` and
:meth:`Plan.read_parameters`; nothing outside the engine needs to know where a weight sits.

A layer fed by a convolution or pooling (:mod:`nnstudio.engine.conv`) is a level of its own, computed by a
:class:`~nnstudio.engine.conv.ConvBlock` instead of a matrix product; its kernels and biases sit after
every other parameter in :attr:`Plan.flat`, and its neurons' own biases are held at zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .activations import ACTIVATIONS, Activation
from .connections import LayerKey
from .conv import ConvBlock, ConvKind
from .graph import GraphError, Network, Role
from .losses import Loss

Array = np.ndarray


@dataclass(slots=True)
class Level:
    ids: list[str]
    bias: Array
    # (activation, columns): columns is a slice when one activation covers the whole level (no copies).
    groups: list[tuple[Activation, slice | Array]]


@dataclass(slots=True)
class Block:
    """The weighted sums of one level: its sources (whole levels, side by side) times ``W``.

    ``W[r, j]`` is the weight from column ``j`` of the sources (level ``sources[k]`` occupies the columns
    from ``starts[k]``) into neuron ``r`` of level ``target``.
    """

    target: int
    sources: list[int]
    starts: list[int]
    W: Array
    # 1 where training may change the weight (the connection exists and is not frozen); None: everywhere.
    trainable: Array | None
    # Where W starts in the plan's flat parameter buffer.
    offset: int

    @property
    def width(self) -> int:
        return self.W.shape[1]

    def parameter_slice(self) -> slice:
        return slice(self.offset, self.offset + self.W.size)

    def gather(self, activations: list[Array]) -> Array:
        """The block's input: the source levels' activations side by side (no copy for one source)."""
        if len(self.sources) == 1:
            return activations[self.sources[0]]
        return np.concatenate([activations[s] for s in self.sources], axis=1)

    def forward(self, activations: list[Array]) -> Array:
        return self.gather(activations) @ self.W.T

    def backward(
        self,
        delta: Array,
        activations: list[Array],
        grad_w: Array,
        grad_a: list[Array | None],
        need_input: bool,
    ) -> None:
        """Write dE/dW into ``grad_w`` and add dE/d(source activations) into ``grad_a``."""
        x = self.gather(activations)
        if delta.shape[0] == 1:
            # One sample: the gradient is an outer product, and a broadcast multiply writes it about three
            # times faster than a matrix product with an inner size of 1.
            np.multiply(delta.T, x, out=grad_w)
        else:
            np.matmul(delta.T, x, out=grad_w)
        wanted = [k for k, s in enumerate(self.sources) if s > 0 or need_input]
        if not wanted:
            return
        back = delta @ self.W
        for k in wanted:
            s = self.sources[k]
            part = (
                back if len(self.sources) == 1 else back[:, self.starts[k] : self.starts[k] + _width(self, k)]
            )
            prev = grad_a[s]
            if prev is None:
                grad_a[s] = part
            else:
                prev += part


def _width(block: Block, k: int) -> int:
    end = block.starts[k + 1] if k + 1 < len(block.starts) else block.width
    return end - block.starts[k]


@dataclass(slots=True)
class _Piece:
    """Where part of one of the network's weight matrices sits in the plan: rows ``rows`` and columns
    ``cols`` of the network's block are ``W[r, c]`` of the plan's block for level ``level``."""

    rows: Array | slice
    cols: Array | slice
    level: int
    r: Array | slice
    c: Array | slice


@dataclass(slots=True)
class _BlockMap:
    """Where one of the network's weight matrices sits in the plan: as pieces (rows in one level, columns
    from the levels that feed it) for a large matrix, or connection by connection for a small one."""

    key: LayerKey
    targets: list[str]
    sources: list[str]
    shape: tuple[int, int]
    # None when every connection of the block exists (a fully connected layer).
    present: Array | None
    pieces: list[_Piece]
    # A small matrix: each connection's row, column and place in the flat buffer (row by row).
    rows: Array | None = None
    cols: Array | None = None
    flat_index: Array | None = None


@dataclass(slots=True)
class ForwardResult:
    """Per level, the weighted sums and activations of a batch: arrays shaped (samples, neurons)."""

    sums: list[Array]
    activations: list[Array]
    # Every level's activations side by side (samples, neurons), when the plan runs a general graph: the
    # activations above are views of it.
    buffer: Array | None = None
    # Per level fed by a convolution or pooling, what its backward pass needs (patches, winning cells).
    kept: dict[int, Any] = field(default_factory=dict)

    @property
    def output(self) -> Array:
        return self.activations[-1]


@dataclass(slots=True)
class Gradients:
    """dE/dW per block, dE/db per level, and each neuron's delta dE/dz (per sample) for showing the chain."""

    weights: list[Array]
    biases: list[Array]
    deltas: list[Array]
    loss: float
    per_sample: Array
    # dE/d(input), when asked for: how to nudge the image rather than the weights.
    inputs: Array | None = None
    # All of the above weights and biases, laid out like the plan's flat buffer.
    flat: Array | None = None


@dataclass
class Plan:
    """Levels and blocks of a compiled network (see the module's description)."""

    levels: list[Level]
    blocks: list[Block]
    dtype: np.dtype
    revision: int
    structure_revision: int
    flat: Array
    # 1 where training may change the parameter, 0 for missing and frozen edges; None when everything may.
    flat_trainable: Array | None
    position: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Where each block's weights, then each level's biases (levels 1..), start in the flat buffer.
    offsets: list[int] = field(default_factory=list)
    n_connections: int = 0
    maps: list[_BlockMap] = field(default_factory=list)
    # Connections known by an id other than "source>target".
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The convolutions and poolings, in level order; their parameters come last in :attr:`flat`.
    convs: list[ConvBlock] = field(default_factory=list)

    # ------------------------------------------------------------------ shape
    @property
    def input_ids(self) -> list[str]:
        return self.levels[0].ids

    @property
    def output_ids(self) -> list[str]:
        return self.levels[-1].ids

    @property
    def n_inputs(self) -> int:
        return len(self.levels[0].ids)

    @property
    def n_outputs(self) -> int:
        return len(self.levels[-1].ids)

    @property
    def n_parameters(self) -> int:
        """Weights and biases a person can set: connections, the biases of neurons, kernels and their
        biases (a shaped layer's neurons have no bias of their own)."""
        shaped = sum(len(self.levels[c.target].ids) for c in self.convs)
        kernels = sum(c.n_parameters for c in self.convs)
        return self.n_connections + sum(len(l.ids) for l in self.levels[1:]) - shaped + kernels

    # ------------------------------------------------------------------ running
    def __post_init__(self) -> None:
        # Precomputed per-level steps keep a training step's Python work to a few list walks; at batch 1 that
        # overhead, not arithmetic, is what costs (see ENVIRONMENT.md's measured figures).
        by_target = {b.target: (bi, b) for bi, b in enumerate(self.blocks)}
        self._conv_of = {c.target: c for c in self.convs}
        self._steps = []
        for li in range(1, len(self.levels)):
            level = self.levels[li]
            bi, block = by_target.get(li, (-1, None))
            simple = (
                block.W.T
                if block is not None and len(block.sources) == 1 and block.sources[0] == li - 1
                else None
            )
            self._steps.append(
                (li, level, block, bi, simple, _single_activation(level), self._conv_of.get(li))
            )
        # A general graph (a level fed by several levels, or by one further back) runs on one buffer of
        # every level's activations side by side; a plain stack of layers runs level by level.
        self._general = any(step[2] is not None and step[4] is None for step in self._steps)
        sizes = [len(level.ids) for level in self.levels]
        self._level_start = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()
        self._grad_views: tuple[Array, list[Array], list[Array]] | None = None
        self._edge_index: Array | None = None
        self._edge_ids: list[str] | None = None
        self._mask: Array | None = None
        self._by_level: dict[int, Block] | None = None

    def forward(self, inputs: Array) -> ForwardResult:
        """Run a batch (samples, inputs) or one sample (inputs,) forward; every level's sums and values."""
        x = (
            inputs
            if type(inputs) is np.ndarray and inputs.dtype == self.dtype
            else np.asarray(inputs, self.dtype)
        )
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != len(self.levels[0].ids):
            raise ValueError(f"the network takes {self.n_inputs} inputs; got data shaped {np.shape(inputs)}")
        if self._general:
            return self._forward_general(x)
        sums = [x]
        acts = [x]
        kept: dict[int, Any] = {}
        for li, level, block, _bi, simple, single, conv in self._steps:
            if simple is not None:
                z = acts[-1] @ simple
            elif block is not None:
                z = block.forward(acts)
            elif conv is not None:
                z, kept[li] = conv.forward(acts[conv.source])
            else:
                z = np.zeros((x.shape[0], len(level.ids)), dtype=self.dtype)
            z += level.bias
            sums.append(z)
            acts.append(single.value(z) if single is not None else _activate(level, z))
        return ForwardResult(sums, acts, None, kept)

    def _forward_general(self, x: Array) -> ForwardResult:
        start = self._level_start
        buffer = np.empty((x.shape[0], start[-1]), dtype=self.dtype)
        buffer[:, : start[1]] = x
        sums = [x]
        acts = [buffer[:, : start[1]]]
        kept: dict[int, Any] = {}
        for li, level, block, _bi, _simple, single, conv in self._steps:
            if block is not None:
                z = buffer[:, start[block.sources[0]] : start[li]] @ block.W.T
            elif conv is not None:
                z, kept[li] = conv.forward(acts[conv.source])
            else:
                z = np.zeros((x.shape[0], len(level.ids)), dtype=self.dtype)
            z += level.bias
            sums.append(z)
            here = buffer[:, start[li] : start[li + 1]]
            here[...] = single.value(z) if single is not None else _activate(level, z)
            acts.append(here)
        return ForwardResult(sums, acts, buffer, kept)

    def backward(
        self,
        fw: ForwardResult,
        truth: Array,
        loss: Loss,
        *,
        input_gradient: bool = False,
        out: Array | None = None,
    ) -> Gradients:
        """Backpropagate the mean loss of the batch in ``fw`` against ``truth`` (samples, outputs).

        With ``out`` (a flat array shaped like :attr:`flat`) the gradients are written into it, laid out like
        the parameters, and the returned arrays are views of it.
        """
        y = (
            truth
            if type(truth) is np.ndarray and truth.dtype == self.dtype
            else np.asarray(truth, self.dtype)
        )
        if y.ndim == 1:
            y = y[None, :]
        answer = fw.activations[-1]
        if y.shape != answer.shape:
            raise ValueError(f"the network has {self.n_outputs} outputs; truth is shaped {np.shape(truth)}")
        n = answer.shape[0]
        per_sample, slope = loss.per_sample_and_slope(answer, y)
        slope /= n
        grad_a: list[Array | None] = [None] * len(self.levels)
        grad_a[-1] = slope
        deltas: list[Array] = [fw.sums[0][:, :0]] * len(self.levels)
        if out is None:
            out = np.empty_like(self.flat)
            w_grads, b_grads = self.views(out)
        else:
            cached = self._grad_views
            if cached is None or cached[0] is not out:
                cached = self._grad_views = (out, *self.views(out))
            w_grads, b_grads = cached[1], cached[2]
        sums, acts = fw.sums, fw.activations
        if self._general and fw.buffer is not None:
            self._backward_general(fw, grad_a, deltas, w_grads, b_grads, input_gradient, out)
            inputs = grad_a[0] if input_gradient else None
            return Gradients(
                w_grads, b_grads, deltas, float(np.add.reduce(per_sample)) / n, per_sample, inputs, out
            )
        for li, level, block, bi, simple, single, conv in reversed(self._steps):
            ga = grad_a[li]
            if ga is None:
                delta = np.zeros_like(sums[li])
            elif single is not None:
                delta = single.backward(sums[li], acts[li], ga)
            else:
                delta = _backward(level, sums[li], acts[li], ga)
            deltas[li] = delta
            np.add.reduce(delta, axis=0, out=b_grads[li])
            if conv is not None:
                back = self._conv_backward(conv, fw, delta, out, input_gradient)
                if back is not None:
                    src = conv.source
                    if isinstance(conv.columns, slice) and back.shape[1] == len(self.levels[src].ids):
                        if grad_a[src] is None:
                            grad_a[src] = back
                        else:
                            grad_a[src] += back
                    else:
                        if grad_a[src] is None:
                            grad_a[src] = np.zeros_like(sums[src])
                        grad_a[src][:, conv.columns] += back
                continue
            if block is None:
                continue
            if simple is not None:
                src = li - 1
                if n == 1:
                    np.multiply(delta.T, acts[src], out=w_grads[bi])
                else:
                    np.matmul(delta.T, acts[src], out=w_grads[bi])
                if src > 0 or input_gradient:
                    back = delta @ block.W
                    prev = grad_a[src]
                    if prev is None:
                        grad_a[src] = back
                    else:
                        prev += back
            else:
                block.backward(delta, acts, w_grads[bi], grad_a, input_gradient)
        inputs = grad_a[0] if input_gradient else None
        if input_gradient and inputs is None:
            inputs = np.zeros_like(fw.sums[0])
        return Gradients(
            w_grads, b_grads, deltas, float(np.add.reduce(per_sample)) / n, per_sample, inputs, out
        )

    def _backward_general(
        self,
        fw: ForwardResult,
        grad_a: list[Array | None],
        deltas: list[Array],
        w_grads: list[Array],
        b_grads: list[Array],
        input_gradient: bool,
        out: Array,
    ) -> None:
        """Backward over the activation buffer: each block adds its sources' slopes into one view."""
        start = self._level_start
        buffer = fw.buffer
        grads = np.zeros_like(buffer)
        last = len(self.levels) - 1
        grads[:, start[last] :] = grad_a[last]
        for li, level, block, bi, _simple, single, conv in reversed(self._steps):
            ga = grads[:, start[li] : start[li + 1]]
            z, a = fw.sums[li], fw.activations[li]
            delta = single.backward(z, a, ga) if single is not None else _backward(level, z, a, ga)
            deltas[li] = delta
            np.add.reduce(delta, axis=0, out=b_grads[li])
            if conv is not None:
                back = self._conv_backward(conv, fw, delta, out, input_gradient)
                if back is not None:
                    grads[:, start[conv.source] : start[conv.source + 1]][:, conv.columns] += back
                continue
            if block is None:
                continue
            first = block.sources[0]
            np.matmul(delta.T, buffer[:, start[first] : start[li]], out=w_grads[bi])
            # Slopes for the inputs only when asked for: the image is not a parameter.
            low = start[first] if (first > 0 or input_gradient) else start[1]
            if low < start[li]:
                grads[:, low : start[li]] += delta @ block.W[:, low - start[first] :]
        for li in range(len(self.levels)):
            grad_a[li] = grads[:, start[li] : start[li + 1]]

    def _conv_backward(
        self, conv: ConvBlock, fw: ForwardResult, delta: Array, out: Array, input_gradient: bool
    ) -> Array | None:
        keep = fw.kept.get(conv.target)
        if keep is None and conv.kind is not ConvKind.AVGPOOL:
            # A forward result made elsewhere: work out again what the backward pass needs.
            _, keep = conv.forward(fw.activations[conv.source])
        return conv.backward(delta, keep, out, conv.source > 0 or input_gradient)

    # ------------------------------------------------------------------ convolutions
    def convolution(self, layer: str) -> ConvBlock:
        """The compiled convolution or pooling that feeds ``layer`` (KeyError if none does): its ``kind``,
        ``in_shape`` and ``out_shape`` (channels, height, width), ``size``, ``stride``, ``padding``, and for a
        convolution ``kernel`` (kernels, in channels, size, size) and ``bias`` (kernels,), live views of
        :attr:`flat` (read them; write through the network's ``set_convolution_values``)."""
        for conv in self.convs:
            if conv.layer == layer:
                return conv
        raise KeyError(layer)

    def feature_maps(self, fw: ForwardResult, layer: str, sample: int = 0, *, sums: bool = False) -> Array:
        """One sample's values of a shaped layer as images (channels, height, width): the activations (or,
        with ``sums``, the weighted sums) of a convolution or pooling layer, or the image a convolution
        reads. KeyError when ``layer`` has no shape in this plan."""
        for conv in self.convs:
            if conv.layer == layer:
                values = (fw.sums if sums else fw.activations)[conv.target][sample]
                return values.reshape(conv.out_shape)
        for conv in self.convs:
            if conv.source_layer == layer:
                values = (fw.sums if sums else fw.activations)[conv.source][sample][conv.columns]
                return values.reshape(conv.in_shape)
        raise KeyError(layer)

    def conv_values(self, flat: Array | None = None) -> dict[str, tuple[Array, Array]]:
        """Each convolution's (kernel, bias) as this plan (or ``flat``) holds them, by layer name."""
        values = self.flat if flat is None else flat
        return {c.layer: c.split(values) for c in self.convs if c.kernel is not None}

    def loss_value(self, inputs: Array, truth: Array, loss: Loss) -> float:
        return loss.value(self.forward(inputs).output, np.asarray(truth, dtype=self.dtype))

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
                    full[_ix(p.rows, p.cols)] = idx[_ix(p.r, p.c)]
                parts.append(full.ravel() if m.present is None else full[m.present])
            self._edge_index = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
        return self._edge_index

    def _whole_block(self, m: _BlockMap) -> Block | None:
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

    # ------------------------------------------------------------------ reading results
    def neuron_values(self, fw: ForwardResult, sample: int = 0) -> dict[str, tuple[float, float]]:
        """id -> (weighted sum, activation) for one sample of a forward result."""
        values: dict[str, tuple[float, float]] = {}
        for li, level in enumerate(self.levels):
            z = fw.sums[li][sample].tolist()
            a = fw.activations[li][sample].tolist()
            values.update(zip(level.ids, zip(z, a, strict=True), strict=True))
        return values

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
                full[_ix(p.rows, p.cols)] = by_level[p.level][_ix(p.r, p.c)]
            out[m.key] = full
        return out

    def write_back(self, network: Network, flat: Array | None = None, mirror: Plan | None = None) -> None:
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

    def read_weights(self, network: Network, edge_ids: list[str]) -> None:
        """Copy the weights of just these connections from the network (hand edits of a few weights)."""
        self._check_structure(network)
        present = [e for e in edge_ids if e in network.edges]
        if present:
            self.flat[self.parameter_index(present)] = [network.edges[e].weight for e in present]
        self.revision = network.revision

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

    def read_parameters(self, network: Network) -> None:
        """Reload weights and biases from the network after hand edits that did not change its structure."""
        self._check_structure(network)
        _fill(self, network)
        for level in self.levels[1:]:
            level.bias[:] = [network.neurons[n].bias for n in level.ids]
        _fill_convs(self, network)
        self.revision = network.revision


def _fill_convs(plan: Plan, network: Network) -> None:
    """Copy the network's kernels and their biases into the plan; a shaped layer's neurons keep bias 0."""
    for conv in plan.convs:
        plan.levels[conv.target].bias[...] = 0.0
        source = network.convolutions[conv.layer]
        if conv.kernel is not None and conv.bias is not None:
            assert source.kernel is not None and source.bias is not None
            conv.kernel[...] = source.kernel
            conv.bias[...] = source.bias


def _ix(rows: Array | slice, cols: Array | slice) -> tuple:
    if isinstance(rows, slice) or isinstance(cols, slice):
        return (rows, cols) if isinstance(rows, slice) and isinstance(cols, slice) else _mixed(rows, cols)
    return np.ix_(rows, cols)


def _mixed(rows: Array | slice, cols: Array | slice) -> tuple:
    r = rows if not isinstance(rows, slice) else np.arange(rows.start or 0, rows.stop)
    c = cols if not isinstance(cols, slice) else np.arange(cols.start or 0, cols.stop)
    return np.ix_(r, c)


def _single_activation(level: Level) -> Activation | None:
    groups = level.groups
    return groups[0][0] if len(groups) == 1 and isinstance(groups[0][1], slice) else None


def _activate(level: Level, z: Array) -> Array:
    groups = level.groups
    if len(groups) == 1 and isinstance(groups[0][1], slice):
        return groups[0][0].value(z)
    a = np.empty_like(z)
    for act, cols in groups:
        a[:, cols] = act.value(z[:, cols])
    return a


def _backward(level: Level, z: Array, a: Array, grad_a: Array) -> Array:
    groups = level.groups
    if len(groups) == 1 and isinstance(groups[0][1], slice):
        return groups[0][0].backward(z, a, grad_a)
    delta = np.empty_like(z)
    for act, cols in groups:
        delta[:, cols] = act.backward(z[:, cols], a[:, cols], grad_a[:, cols])
    return delta


# A weight matrix with at most this many entries is mapped connection by connection (see compile_network).
_SMALL = 64


def _run(indices: Array) -> Array | slice:
    """A slice when ``indices`` is 0, 1, 2, ... (so copies go through views), else the indices."""
    n = len(indices)
    if n and indices[0] == 0 and indices[-1] == n - 1 and (n < 3 or np.array_equal(indices, np.arange(n))):
        return slice(0, n)
    return indices


def _fill(plan: Plan, network: Network, small: bool = True) -> None:
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
            block.W[_ix(p.r, p.c)] = source.weight[_ix(p.rows, p.cols)]
            if block.trainable is not None:
                if trains is None:
                    trains = source.present & ~source.frozen
                block.trainable[_ix(p.r, p.c)] = trains[_ix(p.rows, p.cols)]


def _place_convs(
    network: Network, levels: list[Level], position: dict[str, tuple[int, int]], offset: int
) -> tuple[list[ConvBlock], int]:
    """A :class:`ConvBlock` per convolution or pooling of the network, in level order, with its parameters
    placed from ``offset`` on (its kernel and bias are placeholders shaped like them until the flat buffer
    exists); and the offset after them."""
    convs: list[ConvBlock] = []
    for name, conv in network.convolutions.items():
        targets = network.layer_members(name)
        level = position[targets[0]][0]
        if levels[level].ids != targets:
            raise GraphError(
                f"layer {name!r} is fed by a {conv.kind.value} and must be alone at its depth; "
                f"other neurons are as deep as it is"
            )
        sources = network.layer_members(conv.source)
        where = [position[s] for s in sources]
        source = where[0][0]
        if any(lv != source for lv, _ in where):
            raise GraphError(
                f"layer {conv.source!r}, which a {conv.kind.value} reads, is not all at one depth"
            )
        columns = _run(np.fromiter((i for _, i in where), dtype=np.intp, count=len(where)))
        if isinstance(columns, slice) and columns.stop == len(levels[source].ids):
            columns = slice(None)
        kernel = bias = None
        if conv.kernel is not None and conv.bias is not None:
            kernel, bias = np.empty(conv.kernel.shape), np.empty(conv.bias.shape)
        block = ConvBlock(
            name,
            conv.source,
            conv.kind,
            level,
            source,
            columns,
            conv.in_shape,
            conv.out_shape,
            conv.size,
            conv.stride,
            conv.padding,
            offset,
            kernel,
            bias,
        )
        offset += block.n_parameters
        convs.append(block)
    convs.sort(key=lambda c: c.target)
    return convs, offset


def compile_network(network: Network, dtype: np.dtype | type = np.float32) -> Plan:
    """Turn the graph into levels and one weight block per level. Raises :class:`GraphError` with what is
    missing. Takes time linear in neurons plus connections, with one numpy step per weight matrix."""
    dtype = np.dtype(dtype)
    if not network.inputs():
        raise GraphError("the network has no input neurons; add an input or an image grid")
    if not network.outputs():
        raise GraphError("the network has no output neurons; add at least one output")
    level_ids = network.levels()
    for ids in level_ids[1:]:
        for nid in ids:
            if network.neurons[nid].role is Role.INPUT:
                raise GraphError(f"input {network.neurons[nid].display_name!r} has incoming connections")
    position: dict[str, tuple[int, int]] = {}
    levels: list[Level] = []
    biases: list[float] = []
    flat_placeholder = np.zeros(0, dtype)
    for li, ids in enumerate(level_ids):
        for i, nid in enumerate(ids):
            position[nid] = (li, i)
        neurons = [network.neurons[n] for n in ids]
        by_act: dict[str, list[int]] = {}
        for i, neuron in enumerate(neurons):
            by_act.setdefault("identity" if li == 0 else neuron.activation, []).append(i)
        groups: list[tuple[Activation, slice | Array]] = []
        for name, cols in by_act.items():
            sel: slice | Array = slice(None) if len(by_act) == 1 else np.array(cols, dtype=np.intp)
            groups.append((ACTIVATIONS[name], sel))
        levels.append(Level(list(ids), flat_placeholder, groups))
        if li:
            biases.extend(n.bias for n in neurons)

    # Which rows of each network block sit in which level, and which source levels feed each level.
    level_arr = {}
    index_arr = {}
    pending: list[tuple[object, list[tuple[int, Array, Array]]]] = []
    feeds: dict[int, set[int]] = {}
    # Small matrices (a hand-wired neuron, a chain) are walked connection by connection in plain Python:
    # a few numpy calls per matrix would cost more than the arithmetic, 20,000 times over for a chain.
    small: list[tuple[LayerKey, list[tuple[int, int, int, int, int, int]]]] = []
    for key, block in network.edges.blocks.items():
        if block.count == 0:
            continue
        if block.present.size <= _SMALL:
            links = []
            targets, sources = block.targets, block.sources
            for r, row in enumerate(block.present.tolist()):
                tl, ti = position[targets[r]]
                for c, there in enumerate(row):
                    if there:
                        sl, si = position[sources[c]]
                        links.append((r, c, tl, ti, sl, si))
                        feeds.setdefault(tl, set()).add(sl)
            small.append((key, links))
            continue
        t_pos = [position[t] for t in block.targets]
        t_level = np.fromiter((p[0] for p in t_pos), dtype=np.intp, count=len(t_pos))
        s_pos = [position[s] for s in block.sources]
        s_level = np.fromiter((p[0] for p in s_pos), dtype=np.intp, count=len(s_pos))
        level_arr[key] = (t_level, s_level)
        index_arr[key] = (
            np.fromiter((p[1] for p in t_pos), dtype=np.intp, count=len(t_pos)),
            np.fromiter((p[1] for p in s_pos), dtype=np.intp, count=len(s_pos)),
        )
        groups_of_rows: list[tuple[int, Array, Array]] = []
        for lv in np.unique(t_level).tolist():
            rows = np.flatnonzero(t_level == lv)
            used = (
                np.arange(len(block.sources))
                if block.full
                else np.flatnonzero(block.present[rows].any(axis=0))
            )
            if used.size == 0:
                continue
            groups_of_rows.append((lv, rows, used))
            feeds.setdefault(lv, set()).update(np.unique(s_level[used]).tolist())
        pending.append((key, groups_of_rows))

    # One block per fed level: its sources are whole levels, side by side, in level order.
    blocks: list[Block] = []
    offset = 0
    offsets: list[int] = []
    starts_of: dict[int, dict[int, int]] = {}
    for li in sorted(feeds):
        # A run of whole levels ending just before this one: in a forward pass the levels' activations lie
        # side by side in one buffer, so the block's input is a view of it, never a copy.
        sources = list(range(min(feeds[li]), li))
        starts: list[int] = []
        width = 0
        for s in sources:
            starts.append(width)
            width += len(levels[s].ids)
        starts_of[li] = dict(zip(sources, starts, strict=True))
        blocks.append(Block(li, sources, starts, flat_placeholder, None, offset))
        offsets.append(offset)
        offset += len(levels[li].ids) * width
    for level in levels[1:]:
        offsets.append(offset)
        offset += len(level.ids)
    convs, offset = _place_convs(network, levels, position, offset)
    flat = np.zeros(offset, dtype=dtype)
    flat_trainable = np.zeros(offset, dtype=dtype)
    for block in blocks:
        shape = (len(levels[block.target].ids), sum(len(levels[s].ids) for s in block.sources))
        block.W = flat[block.offset : block.offset + shape[0] * shape[1]].reshape(shape)
        block.trainable = flat_trainable[block.offset : block.offset + shape[0] * shape[1]].reshape(shape)
    nb = len(blocks)
    for level, o in zip(levels[1:], offsets[nb:], strict=True):
        level.bias = flat[o : o + len(level.ids)]
    bias_start = offsets[nb] if len(levels) > 1 else offset
    bias_end = bias_start + len(biases)
    flat[bias_start:bias_end] = biases
    flat_trainable[bias_start:] = 1.0
    for conv in convs:
        # The layer's neurons add no bias of their own: each kernel has one, shared by its whole map.
        flat_trainable[
            offsets[nb + conv.target - 1] : offsets[nb + conv.target - 1] + len(levels[conv.target].ids)
        ] = 0.0
        if conv.kernel is not None and conv.bias is not None:
            k = conv.kernel.size
            conv.kernel = flat[conv.offset : conv.offset + k].reshape(conv.kernel.shape)
            conv.bias = flat[conv.offset + k : conv.offset + k + conv.bias.size]

    maps: list[_BlockMap] = []
    for key, groups_of_rows in pending:
        source = network.edges.blocks[key]
        t_index, s_index = index_arr[key]
        _, s_level = level_arr[key]
        pieces: list[_Piece] = []
        for lv, rows, used in groups_of_rows:
            starts = starts_of[lv]
            col_start = np.fromiter(
                (starts[s] for s in s_level[used].tolist()), dtype=np.intp, count=len(used)
            )
            r = t_index[rows]
            c = col_start + s_index[used]
            pieces.append(_Piece(_run(rows), _run(used), lv, _run(r), _run(c)))
        present = None if source.full else source.present.copy()
        maps.append(
            _BlockMap(key, list(source.targets), list(source.sources), source.weight.shape, present, pieces)
        )
    by_level = {b.target: b for b in blocks}
    small_index: list[int] = []
    small_rows: list[int] = []
    small_cols: list[int] = []
    small_weight: list[float] = []
    small_trains: list[bool] = []
    small_spans: list[tuple[LayerKey, int, int]] = []
    for key, links in small:
        source = network.edges.blocks[key]
        first = len(small_index)
        weights, frozen = source.weight.tolist(), source.frozen.tolist()
        for r, c, tl, ti, sl, si in links:
            block = by_level[tl]
            small_index.append(block.offset + ti * block.W.shape[1] + starts_of[tl][sl] + si)
            small_rows.append(r)
            small_cols.append(c)
            small_weight.append(weights[r][c])
            small_trains.append(not frozen[r][c])
        small_spans.append((key, first, len(small_index)))
    # One array each for all the small matrices; each matrix's map holds views of its stretch.
    all_index = np.array(small_index, dtype=np.intp)
    all_rows = np.array(small_rows, dtype=np.intp)
    all_cols = np.array(small_cols, dtype=np.intp)
    for key, first, last in small_spans:
        source = network.edges.blocks[key]
        present = None if source.full else source.present.copy()
        maps.append(
            _BlockMap(
                key,
                list(source.targets),
                list(source.sources),
                source.weight.shape,
                present,
                [],
                all_rows[first:last],
                all_cols[first:last],
                all_index[first:last],
            )
        )
    order = {key: k for k, key in enumerate(network.edges.blocks)}
    maps.sort(key=lambda m: order[m.key])
    plan = Plan(
        levels,
        blocks,
        dtype,
        network.revision,
        network.structure_revision,
        flat,
        flat_trainable,
        position,
        offsets,
        len(network.edges),
        maps,
        dict(network.edges.alias_pair),
        convs,
    )
    _fill(plan, network, small=False)
    _fill_convs(plan, network)
    if small_index:
        flat[small_index] = small_weight
        flat_trainable[small_index] = small_trains
    if bool(flat_trainable.all()):
        # Everything may train: no mask to multiply by on every step, and a block needs none either.
        plan.flat_trainable = None
        for block in blocks:
            block.trainable = None
    return plan
