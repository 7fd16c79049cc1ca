"""Slopes by nudging: change one weight a little, run the network again, divide. Seed 000 contrasts this
with backpropagation (one backward pass gives every slope at once); both are here so they can be compared,
in value and in cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .losses import Loss
from .plan import Plan

Array = np.ndarray

# Below this size a gradient is compared in absolute terms: a relative error of two numbers that are both
# almost zero says nothing about the arithmetic, only about rounding.
_RELATIVE_FLOOR = 1e-6


def numerical_slope(
    plan: Plan, inputs: Array, truth: Array, loss: Loss, edge_id: str, h: float = 1e-5
) -> float:
    """dE/dw of one edge by the centred difference (E(w+h) - E(w-h)) / 2h; the weight is left as it was."""
    (index,) = plan.parameter_index([edge_id])
    return _nudge(plan.flat, (int(index),), plan, inputs, truth, loss, h)


def numerical_bias_slope(
    plan: Plan, inputs: Array, truth: Array, loss: Loss, neuron_id: str, h: float = 1e-5
) -> float:
    li, i = plan.position[neuron_id]
    if li == 0:
        raise ValueError(f"{neuron_id!r} is an input; it has no bias")
    return _nudge(plan.levels[li].bias, (i,), plan, inputs, truth, loss, h)


def _loss_at(
    array: Array, index: tuple[int, ...], value: float, plan: Plan, inputs: Array, truth: Array, loss: Loss
) -> float:
    array[index] = value
    return plan.loss_value(inputs, truth, loss)


def _nudge(
    array: Array,
    index: tuple[int, ...],
    plan: Plan,
    inputs: Array,
    truth: Array,
    loss: Loss,
    h: float,
    precise: bool = False,
) -> float:
    """Centred difference; ``precise`` uses the five-point stencil, whose error shrinks with h^4 rather
    than h^2, so a larger h keeps rounding error small too (what a gradient check needs)."""
    old = float(array[index])
    try:
        up = _loss_at(array, index, old + h, plan, inputs, truth, loss)
        down = _loss_at(array, index, old - h, plan, inputs, truth, loss)
        if not precise:
            return (up - down) / (2 * h)
        up2 = _loss_at(array, index, old + 2 * h, plan, inputs, truth, loss)
        down2 = _loss_at(array, index, old - 2 * h, plan, inputs, truth, loss)
        return (8 * (up - down) - (up2 - down2)) / (12 * h)
    finally:
        array[index] = old


def numerical_gradients(
    plan: Plan, inputs: Array, truth: Array, loss: Loss, h: float = 1e-5, precise: bool = False
) -> list[Array]:
    """Every parameter's slope by nudging, shaped like :meth:`Plan.parameters` (missing edges stay 0).

    This costs two forward passes per parameter: for 784-16-16-10 that is 26,000 passes where backprop
    needs one forward and one backward.
    """
    out: list[Array] = []
    for block, exists in zip(plan.blocks, plan.block_connections(), strict=True):
        g = np.zeros_like(block.W)
        for r, c in zip(*np.nonzero(exists), strict=True):
            g[r, c] = _nudge(block.W, (int(r), int(c)), plan, inputs, truth, loss, h, precise)
        out.append(g)
    for level in plan.levels[1:]:
        g = np.zeros_like(level.bias)
        for i in range(len(level.bias)):
            g[i] = _nudge(level.bias, (i,), plan, inputs, truth, loss, h, precise)
        out.append(g)
    return out


def relative_error(analytic: Array, numeric: Array) -> Array:
    denom = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), _RELATIVE_FLOOR)
    return np.abs(analytic - numeric) / denom


@dataclass
class GradientCheck:
    max_relative_error: float
    per_block: list[dict[str, object]]
    backprop_seconds: float
    numerical_seconds: float
    parameters: int

    def to_dict(self) -> dict[str, object]:
        return {
            "max_relative_error": self.max_relative_error,
            "parameters": self.parameters,
            "backprop_seconds": self.backprop_seconds,
            "numerical_seconds": self.numerical_seconds,
            "blocks": self.per_block,
        }


def gradient_check(plan: Plan, inputs: Array, truth: Array, loss: Loss, h: float = 1e-3) -> GradientCheck:
    """Backprop against five-point centred differences on every parameter (use a float64 plan).

    Keep ``h`` below the distance to any kink (ReLU and step at a sum of 0, absolute error at answer = truth),
    or the difference straddles it and measures a corner, not a slope.
    """
    t0 = time.perf_counter()
    grads = plan.backward(plan.forward(inputs), truth, loss)
    t1 = time.perf_counter()
    numeric = numerical_gradients(plan, inputs, truth, loss, h, precise=True)
    t2 = time.perf_counter()
    analytic = grads.weights + grads.biases[1:]
    per_block: list[dict[str, object]] = []
    worst = 0.0
    names = [f"weights level {', '.join(map(str, b.sources))} -> {b.target}" for b in plan.blocks]
    names += [f"biases level {li}" for li in range(1, len(plan.levels))]
    masks = plan.block_connections() + [np.ones(l.bias.shape, dtype=bool) for l in plan.levels[1:]]
    for name, a, n, m in zip(names, analytic, numeric, masks, strict=True):
        err = relative_error(a[m], n[m]) if m.any() else np.zeros(0)
        block_max = float(err.max()) if err.size else 0.0
        worst = max(worst, block_max)
        per_block.append({"name": name, "count": int(m.sum()), "max_relative_error": block_max})
    return GradientCheck(worst, per_block, t1 - t0, t2 - t1, plan.n_parameters)
