"""Compile a :class:`~nnstudio.engine.graph.Network` into an execution plan and run it forward and backward.

Neurons are grouped in topological levels; the weights from one level into a later one form a dense block
``W`` shaped (targets, sources) with ``z = a @ W.T + b`` for a batch of rows. A missing edge is a zero that a
mask keeps at zero; a frozen edge is masked out of training. A hand-built 2x2 network and a dense
784-16-16-10 run through the same code: the dense one is one block per level with no mask at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import ACTIVATIONS, Activation
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
    target: int
    source: int
    W: Array
    # 1 where training may change the weight (edge exists and is not frozen); None means everywhere.
    trainable: Array | None
    rows: Array
    cols: Array
    edge_ids: list[str]


@dataclass(slots=True)
class ForwardResult:
    """Per level, the weighted sums and activations of a batch: arrays shaped (samples, neurons)."""

    sums: list[Array]
    activations: list[Array]

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


@dataclass
class Plan:
    """Levels and blocks of a compiled network.

    Every weight and bias lives in one flat buffer (:attr:`flat`); each block's ``W`` and each level's
    ``bias`` is a view into it, so a training step updates, checks and backs up everything in one call each.
    """

    levels: list[Level]
    blocks: list[Block]
    dtype: np.dtype
    revision: int
    structure_revision: int
    flat: Array
    # 1 where training may change the parameter, 0 for missing and frozen edges; None when everything may.
    flat_trainable: Array | None
    into: list[list[int]] = field(default_factory=list)
    position: dict[str, tuple[int, int]] = field(default_factory=dict)
    edge_position: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    # Where each block's weights, then each level's biases (levels 1..), start in the flat buffer.
    offsets: list[int] = field(default_factory=list)

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
        return sum(len(b.edge_ids) for b in self.blocks) + sum(len(l.ids) for l in self.levels[1:])

    # ------------------------------------------------------------------ running
    def __post_init__(self) -> None:
        # Precomputed per-level steps keep a training step's Python work to a few list walks; at batch 1 that
        # overhead, not arithmetic, is what costs (see ENVIRONMENT.md's measured figures).
        self._forward_steps = []
        self._backward_steps = []
        for li in range(1, len(self.levels)):
            level = self.levels[li]
            sources = [(self.blocks[bi].source, self.blocks[bi].W.T) for bi in self.into[li]]
            self._forward_steps.append((level, sources, _single_activation(level)))
        for li in range(len(self.levels) - 1, 0, -1):
            level = self.levels[li]
            feeds = [(bi, self.blocks[bi].source, self.blocks[bi].W) for bi in self.into[li]]
            self._backward_steps.append((li, level, feeds, _single_activation(level)))
        self._grad_views: tuple[Array, list[Array], list[Array]] | None = None

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
        sums = [x]
        acts = [x]
        for level, sources, single in self._forward_steps:
            if sources:
                src, WT = sources[0]
                z = acts[src] @ WT
                for src, WT in sources[1:]:
                    z += acts[src] @ WT
            else:
                z = np.zeros((x.shape[0], len(level.ids)), dtype=self.dtype)
            z += level.bias
            sums.append(z)
            acts.append(single.value(z) if single is not None else _activate(level, z))
        return ForwardResult(sums, acts)

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
            w_grads, b_grads = self.views(np.empty_like(self.flat))
        else:
            cached = self._grad_views
            if cached is None or cached[0] is not out:
                cached = self._grad_views = (out, *self.views(out))
            w_grads, b_grads = cached[1], cached[2]
        sums, acts = fw.sums, fw.activations
        for li, level, feeds, single in self._backward_steps:
            ga = grad_a[li]
            if ga is None:
                delta = np.zeros_like(sums[li])
            elif single is not None:
                delta = single.backward(sums[li], acts[li], ga)
            else:
                delta = _backward(level, sums[li], acts[li], ga)
            deltas[li] = delta
            np.add.reduce(delta, axis=0, out=b_grads[li])
            for bi, src, W in feeds:
                if n == 1:
                    # One sample: the gradient is an outer product, and a broadcast multiply writes it
                    # about three times faster than a matrix product with an inner size of 1.
                    np.multiply(delta.T, acts[src], out=w_grads[bi])
                else:
                    np.matmul(delta.T, acts[src], out=w_grads[bi])
                if src > 0 or input_gradient:
                    back = delta @ W
                    prev = grad_a[src]
                    if prev is None:
                        grad_a[src] = back
                    else:
                        prev += back
        inputs = grad_a[0] if input_gradient else None
        if input_gradient and inputs is None:
            inputs = np.zeros_like(fw.sums[0])
        return Gradients(w_grads, b_grads, deltas, float(np.add.reduce(per_sample)) / n, per_sample, inputs)

    def loss_value(self, inputs: Array, truth: Array, loss: Loss) -> float:
        return loss.value(self.forward(inputs).output, np.asarray(truth, dtype=self.dtype))

    # ------------------------------------------------------------------ reading results
    def neuron_values(self, fw: ForwardResult, sample: int = 0) -> dict[str, tuple[float, float]]:
        """id -> (weighted sum, activation) for one sample of a forward result."""
        values: dict[str, tuple[float, float]] = {}
        for li, level in enumerate(self.levels):
            z = fw.sums[li][sample]
            a = fw.activations[li][sample]
            for i, nid in enumerate(level.ids):
                values[nid] = (float(z[i]), float(a[i]))
        return values

    def edge_gradients(self, grads: Gradients) -> dict[str, float]:
        out: dict[str, float] = {}
        for block, g in zip(self.blocks, grads.weights, strict=True):
            vals = g[block.rows, block.cols]
            out.update(zip(block.edge_ids, vals.tolist(), strict=True))
        return out

    def bias_gradients(self, grads: Gradients) -> dict[str, float]:
        out: dict[str, float] = {}
        for level, g in zip(self.levels[1:], grads.biases[1:], strict=True):
            out.update(zip(level.ids, g.tolist(), strict=True))
        return out

    # ------------------------------------------------------------------ parameters
    def views(self, flat: Array) -> tuple[list[Array], list[Array]]:
        """A flat array seen as per-block weight matrices and per-level bias vectors (level 0: empty)."""
        nb = len(self.blocks)
        weights = [
            flat[o : o + b.W.size].reshape(b.W.shape) for b, o in zip(self.blocks, self.offsets, strict=False)
        ]
        biases = [flat[:0]] + [
            flat[o : o + l.bias.size] for l, o in zip(self.levels[1:], self.offsets[nb:], strict=True)
        ]
        return weights, biases

    def parameters(self) -> list[Array]:
        """The live parameter arrays (weights per block, then biases per level >= 1): training edits these."""
        return [b.W for b in self.blocks] + [l.bias for l in self.levels[1:]]

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

    def weights_by_edge(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for block in self.blocks:
            out.update(zip(block.edge_ids, block.W[block.rows, block.cols].tolist(), strict=True))
        return out

    def biases_by_neuron(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for level in self.levels[1:]:
            out.update(zip(level.ids, level.bias.tolist(), strict=True))
        return out

    def write_back(self, network: Network) -> None:
        """Copy the plan's weights and biases into the network (one ``parameters`` event)."""
        network.set_parameters(self.weights_by_edge(), self.biases_by_neuron())
        self.revision = network.revision

    def read_parameters(self, network: Network) -> None:
        """Reload weights and biases from the network after hand edits that did not change its structure."""
        if network.structure_revision != self.structure_revision:
            raise GraphError("the network's structure changed since it was compiled; compile it again")
        for block in self.blocks:
            block.W[block.rows, block.cols] = [network.edges[e].weight for e in block.edge_ids]
            if block.trainable is not None:
                block.trainable[block.rows, block.cols] = [
                    not network.edges[e].frozen for e in block.edge_ids
                ]
        for level in self.levels[1:]:
            level.bias[:] = [network.neurons[n].bias for n in level.ids]
        self.revision = network.revision


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


def compile_network(network: Network, dtype: np.dtype | type = np.float32) -> Plan:
    """Turn the graph into levels and dense weight blocks. Raises :class:`GraphError` with what is missing."""
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
        bias = np.array([0.0 if li == 0 else n.bias for n in neurons], dtype=dtype)
        levels.append(Level(list(ids), bias, groups))

    # Collect edges per (target level, source level) pair, then fill each block in one vectorised step.
    pairs: dict[tuple[int, int], tuple[list[int], list[int], list[float], list[bool], list[str]]] = {}
    for edge in network.edges.values():
        tl, ti = position[edge.target]
        sl, si = position[edge.source]
        rows, cols, weights, frozen, ids = pairs.setdefault((tl, sl), ([], [], [], [], []))
        rows.append(ti)
        cols.append(si)
        weights.append(edge.weight)
        frozen.append(edge.frozen)
        ids.append(edge.id)
    order = sorted(pairs)
    shapes = [(len(levels[tl].ids), len(levels[sl].ids)) for tl, sl in order]
    total = sum(r * c for r, c in shapes) + sum(len(l.ids) for l in levels[1:])
    flat = np.zeros(total, dtype=dtype)
    flat_trainable = np.ones(total, dtype=dtype)
    offset = 0
    offsets: list[int] = []
    blocks: list[Block] = []
    edge_position: dict[str, tuple[int, int, int]] = {}
    for (tl, sl), shape in zip(order, shapes, strict=True):
        rows, cols, weights, frozen, ids = pairs[(tl, sl)]
        offsets.append(offset)
        W = flat[offset : offset + shape[0] * shape[1]].reshape(shape)
        trainable_view = flat_trainable[offset : offset + shape[0] * shape[1]].reshape(shape)
        offset += shape[0] * shape[1]
        r = np.array(rows, dtype=np.intp)
        c = np.array(cols, dtype=np.intp)
        W[r, c] = weights
        trainable: Array | None = None
        if len(ids) != shape[0] * shape[1] or any(frozen):
            trainable = trainable_view
            trainable[...] = 0.0
            trainable[r, c] = [0.0 if f else 1.0 for f in frozen]
        bi = len(blocks)
        blocks.append(Block(tl, sl, W, trainable, r, c, ids))
        for k, eid in enumerate(ids):
            edge_position[eid] = (bi, rows[k], cols[k])
    for level in levels[1:]:
        offsets.append(offset)
        view = flat[offset : offset + len(level.ids)]
        view[...] = level.bias
        level.bias = view
        offset += len(level.ids)
    into = [[bi for bi, b in enumerate(blocks) if b.target == li] for li in range(len(levels))]
    everything_trains = all(b.trainable is None for b in blocks)
    return Plan(
        levels,
        blocks,
        dtype,
        network.revision,
        network.structure_revision,
        flat,
        None if everything_trains else flat_trainable,
        into,
        position,
        edge_position,
        offsets,
    )
