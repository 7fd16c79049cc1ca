"""One training step worked out in full, for showing rather than for speed: one sample forward, its
backward pass and the weight change it makes, with every number the animation and the chain rule show.
The network and the plan are left as they were; the caller decides whether to apply the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .graph import Network
from .losses import LOSSES
from .parameters import ParameterSnapshot
from .plan import ForwardResult, Gradients, Plan

Array = np.ndarray


@dataclass(frozen=True)
class TrainingStepResult:
    """One sample forward and backward and the weight change it makes: everything the animation shows.

    The new weights are ``old - learning_rate * gradient`` for every edge that may train (frozen edges keep
    their weight and are left out of ``new_weights``) and every bias of a neuron that is not an input.
    ``before`` and ``after`` hold every weight and bias as whole matrices (what applying the step writes);
    the per-id dictionaries are made only when asked for, so a step of a million-connection network does
    not make a million-entry dictionary it never shows.
    """

    inputs: Array
    truth: Array
    forward: ForwardResult
    gradients: Gradients
    loss: float
    learning_rate: float
    bias_gradients: dict[str, float]
    deltas: dict[str, float]
    old_biases: dict[str, float]
    new_biases: dict[str, float]
    before: ParameterSnapshot
    after: ParameterSnapshot
    plan: Plan
    network: Network

    @cached_property
    def edge_gradients(self) -> dict[str, float]:
        return self.plan.edge_gradients(self.gradients)

    @cached_property
    def old_weights(self) -> dict[str, float]:
        return self._weights(self.before)

    @cached_property
    def new_weights(self) -> dict[str, float]:
        return self._weights(self.after)

    def _weights(self, snapshot: ParameterSnapshot) -> dict[str, float]:
        """The weight of every connection that may train, by id, as ``snapshot`` holds it."""
        edges = self.network.edges
        out: dict[str, float] = {}
        for key, block in edges.blocks.items():
            rows, cols = np.nonzero(block.present & ~block.frozen)
            values = snapshot.weights[key][rows, cols].tolist()
            for r, c, w in zip(rows.tolist(), cols.tolist(), values, strict=True):
                out[edges.id_of(block.sources[c], block.targets[r])] = w
        return out


def training_step(
    plan: Plan,
    network: Network,
    inputs: Array,
    truth: Array,
    loss_name: str,
    learning_rate: float,
    *,
    l1: float = 0.0,
    l2: float = 0.0,
) -> TrainingStepResult:
    """Compute one plain gradient step for one sample, without changing the plan or the network.

    ``plan`` must be compiled from ``network`` and hold its current weights (the window's live plan does).
    With ``l1`` or ``l2`` the step regularises the weights as the trainer does (:mod:`nnstudio.engine.train`):
    L2 adds ``l2 * w`` to each weight's slope, then L1 moves it ``learning_rate * l1`` towards zero, stopping
    at zero rather than crossing it. The slopes shown stay those of the loss alone.
    Raises ``ValueError`` when the sample does not fit the network, ``KeyError`` for an unknown loss.
    """
    loss = LOSSES[loss_name]
    x = np.asarray(inputs, dtype=plan.dtype).reshape(1, -1)
    y = np.asarray(truth, dtype=plan.dtype).reshape(1, -1)
    fw = plan.forward(x)
    grads = plan.backward(fw, y, loss)
    bias_grads = plan.bias_gradients(grads)
    deltas: dict[str, float] = {}
    for level, delta in zip(plan.levels[1:], grads.deltas[1:], strict=True):
        deltas.update(zip(level.ids, delta[0].tolist(), strict=True))
    lr = float(learning_rate)
    neurons = network.neurons
    old_biases = {nid: neurons[nid].bias for nid in bias_grads}
    new_biases = {nid: old_biases[nid] - lr * g for nid, g in bias_grads.items()}
    before = ParameterSnapshot.of(network)
    # The step in float64 from the network's own weights, matrix by matrix; frozen weights keep theirs.
    slopes = plan.block_values(grads.flat)
    weights = {}
    for key, block in network.edges.blocks.items():
        weight = before.weights[key].copy()
        if key in slopes:
            trains = block.present & ~block.frozen
            old = weight[trains]
            new = old - lr * (np.asarray(slopes[key], dtype=np.float64)[trains] + l2 * old)
            if l1:
                shrunk = new - lr * l1 * np.sign(new)
                new = np.where(new * shrunk < 0, 0.0, shrunk)
            weight[trains] = new
        weights[key] = weight
    # Kernels take the plain step (regularisation acts on connections' weights, as in the trainer).
    kernels: dict[str, tuple[Array, Array]] = {}
    for name, (slope_kernel, slope_bias) in plan.conv_values(grads.flat).items():
        kernel, bias = before.kernels[name]
        kernels[name] = (
            kernel - lr * slope_kernel.astype(np.float64),
            bias - lr * slope_bias.astype(np.float64),
        )
    after = ParameterSnapshot(network.structure_revision, weights, {**before.biases, **new_biases}, kernels)
    return TrainingStepResult(
        x[0].copy(),
        y[0].copy(),
        fw,
        grads,
        grads.loss,
        lr,
        bias_grads,
        deltas,
        old_biases,
        new_biases,
        before,
        after,
        plan,
        network,
    )
