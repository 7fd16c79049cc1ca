"""One training step worked out in full, for showing rather than for speed: one sample forward, its
backward pass and the weight change it makes, with every number the animation and the chain rule show.
The network and the plan are left as they were; the caller decides whether to apply the change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graph import Network
from .losses import LOSSES
from .plan import ForwardResult, Gradients, Plan

Array = np.ndarray


@dataclass(frozen=True, slots=True)
class TrainingStepResult:
    """One sample forward and backward and the weight change it makes: everything the animation shows.

    The new weights are ``old - learning_rate * gradient`` for every edge that may train (frozen edges keep
    their weight and are left out of ``new_weights``) and every bias of a neuron that is not an input.
    """

    inputs: Array
    truth: Array
    forward: ForwardResult
    gradients: Gradients
    loss: float
    learning_rate: float
    edge_gradients: dict[str, float]
    bias_gradients: dict[str, float]
    deltas: dict[str, float]
    old_weights: dict[str, float]
    new_weights: dict[str, float]
    old_biases: dict[str, float]
    new_biases: dict[str, float]


def training_step(
    plan: Plan, network: Network, inputs: Array, truth: Array, loss_name: str, learning_rate: float
) -> TrainingStepResult:
    """Compute one plain gradient step for one sample, without changing the plan or the network.

    ``plan`` must be compiled from ``network`` and hold its current weights (the window's live plan does).
    Raises ``ValueError`` when the sample does not fit the network, ``KeyError`` for an unknown loss.
    """
    loss = LOSSES[loss_name]
    x = np.asarray(inputs, dtype=plan.dtype).reshape(1, -1)
    y = np.asarray(truth, dtype=plan.dtype).reshape(1, -1)
    fw = plan.forward(x)
    grads = plan.backward(fw, y, loss)
    edge_grads = plan.edge_gradients(grads)
    bias_grads = plan.bias_gradients(grads)
    deltas: dict[str, float] = {}
    for level, delta in zip(plan.levels[1:], grads.deltas[1:], strict=True):
        deltas.update(zip(level.ids, delta[0].tolist(), strict=True))
    lr = float(learning_rate)
    old_weights = {e.id: e.weight for e in network.edges.values() if not e.frozen}
    new_weights = {eid: w - lr * edge_grads[eid] for eid, w in old_weights.items()}
    neurons = network.neurons
    old_biases = {nid: neurons[nid].bias for nid in bias_grads}
    new_biases = {nid: old_biases[nid] - lr * g for nid, g in bias_grads.items()}
    return TrainingStepResult(
        x[0].copy(),
        y[0].copy(),
        fw,
        grads,
        grads.loss,
        lr,
        edge_grads,
        bias_grads,
        deltas,
        old_weights,
        new_weights,
        old_biases,
        new_biases,
    )
