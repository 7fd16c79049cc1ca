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
    bias_trainable: Array | None = None


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
    levels: list[Level]
    blocks: list[Block]
    dtype: np.dtype
    revision: int
    structure_revision: int
    into: list[list[int]] = field(default_factory=list)
    position: dict[str, tuple[int, int]] = field(default_factory=dict)
    edge_position: dict[str, tuple[int, int, int]] = field(default_factory=dict)

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
    def forward(self, inputs: Array) -> ForwardResult:
        """Run a batch (samples, inputs) or one sample (inputs,) forward; every level's sums and values."""
        x = np.asarray(inputs, dtype=self.dtype)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise ValueError(f"the network takes {self.n_inputs} inputs; got data shaped {np.shape(inputs)}")
        sums = [x]
        acts = [x]
        blocks = self.blocks
        for li in range(1, len(self.levels)):
            level = self.levels[li]
            z = None
            for bi in self.into[li]:
                block = blocks[bi]
                part = acts[block.source] @ block.W.T
                z = part if z is None else z + part
            if z is None:
                z = np.zeros((x.shape[0], len(level.ids)), dtype=self.dtype)
            z += level.bias
            sums.append(z)
            acts.append(_activate(level, z))
        return ForwardResult(sums, acts)

    def backward(self, fw: ForwardResult, truth: Array, loss: Loss, *, input_gradient: bool = False) -> Gradients:
        """Backpropagate the mean loss of the batch in ``fw`` against ``truth`` (samples, outputs)."""
        y = np.asarray(truth, dtype=self.dtype)
        if y.ndim == 1:
            y = y[None, :]
        out = fw.activations[-1]
        if y.shape != out.shape:
            raise ValueError(f"the network has {self.n_outputs} outputs; truth is shaped {np.shape(truth)}")
        n = out.shape[0]
        per_sample = loss.per_sample(out, y)
        grad_a: list[Array | None] = [None] * len(self.levels)
        grad_a[-1] = loss.slope(out, y) / n
        deltas: list[Array] = [np.zeros_like(fw.sums[0])] * len(self.levels)
        w_grads: list[Array] = [None] * len(self.blocks)  # type: ignore[list-item]
        b_grads: list[Array] = [np.zeros(0, dtype=self.dtype)] * len(self.levels)
        for li in range(len(self.levels) - 1, 0, -1):
            level = self.levels[li]
            ga = grad_a[li]
            if ga is None:
                delta = np.zeros_like(fw.sums[li])
            else:
                delta = _backward(level, fw.sums[li], fw.activations[li], ga)
            deltas[li] = delta
            b_grads[li] = delta.sum(axis=0)
            for bi in self.into[li]:
                block = self.blocks[bi]
                w_grads[bi] = delta.T @ fw.activations[block.source]
                if block.source > 0 or input_gradient:
                    back = delta @ block.W
                    prev = grad_a[block.source]
                    grad_a[block.source] = back if prev is None else prev + back
        inputs = grad_a[0] if input_gradient else None
        if input_gradient and inputs is None:
            inputs = np.zeros_like(fw.sums[0])
        return Gradients(w_grads, b_grads, deltas, float(per_sample.mean()), per_sample, inputs)

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
    def parameters(self) -> list[Array]:
        """The live parameter arrays (weights per block, then biases per level >= 1): training edits these."""
        return [b.W for b in self.blocks] + [l.bias for l in self.levels[1:]]

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
                block.trainable[block.rows, block.cols] = [not network.edges[e].frozen for e in block.edge_ids]
        for level in self.levels[1:]:
            level.bias[:] = [network.neurons[n].bias for n in level.ids]
        self.revision = network.revision


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
    for li, ids in enumerate(level_ids[1:], start=1):
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
    blocks: list[Block] = []
    edge_position: dict[str, tuple[int, int, int]] = {}
    for (tl, sl) in sorted(pairs):
        rows, cols, weights, frozen, ids = pairs[(tl, sl)]
        shape = (len(levels[tl].ids), len(levels[sl].ids))
        W = np.zeros(shape, dtype=dtype)
        r = np.array(rows, dtype=np.intp)
        c = np.array(cols, dtype=np.intp)
        W[r, c] = weights
        trainable: Array | None = None
        if len(ids) != shape[0] * shape[1] or any(frozen):
            trainable = np.zeros(shape, dtype=dtype)
            trainable[r, c] = [0.0 if f else 1.0 for f in frozen]
        bi = len(blocks)
        blocks.append(Block(tl, sl, W, trainable, r, c, ids))
        for k, eid in enumerate(ids):
            edge_position[eid] = (bi, rows[k], cols[k])
    into = [[bi for bi, b in enumerate(blocks) if b.target == li] for li in range(len(levels))]
    return Plan(levels, blocks, dtype, network.revision, network.structure_revision, into, position, edge_position)
