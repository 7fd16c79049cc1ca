"""Slopes by nudging: change one weight a little, run the network again, divide. Seed 000 contrasts this
with backpropagation (one backward pass gives every slope at once); both are here so they can be compared,
in value and in cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

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
    # How many parameters were nudged, and how many of those sat on a corner (see gradient_check).
    checked: int = 0
    at_corners: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "max_relative_error": self.max_relative_error,
            "parameters": self.parameters,
            "checked": self.checked,
            "at_corners": self.at_corners,
            "backprop_seconds": self.backprop_seconds,
            "numerical_seconds": self.numerical_seconds,
            "blocks": self.per_block,
        }


def parameter_groups(plan: Plan) -> list[tuple[str, Array]]:
    """Every group of parameters a person can set, by name, as positions in :attr:`Plan.flat`: each
    block's connections, each level's biases (a feature map's neurons have none of their own), and each
    convolution's kernels and kernel biases."""
    where = np.arange(plan.flat.size, dtype=np.float64)
    weights, biases = plan.views(where)
    connection = plan.connection_mask()
    groups: list[tuple[str, Array]] = []
    for block, positions in zip(plan.blocks, weights, strict=True):
        at = positions.ravel().astype(np.intp)
        groups.append(
            (f"weights level {', '.join(map(str, block.sources))} -> {block.target}", at[connection[at]])
        )
    shaped = {conv.target for conv in plan.convs}
    for li in range(1, len(plan.levels)):
        if li not in shaped:
            groups.append((f"biases level {li}", biases[li].astype(np.intp)))
    for conv in plan.convs:
        if conv.n_parameters:
            part = where[conv.parameter_slice()].astype(np.intp)
            k = conv.kernel.size  # type: ignore[union-attr]
            groups.append((f"kernels of {conv.layer}", part[:k]))
            groups.append((f"kernel biases of {conv.layer}", part[k:]))
    return groups


# A nudge whose slope changes by more than this (relative) when the nudge is made eight times smaller crossed a
# corner (a ReLU or a max-pool switching): there the slope is not one number, and backprop's is one side's.
CORNER_TOLERANCE = 1e-6


def gradient_check(
    plan: Plan,
    inputs: Array,
    truth: Array,
    loss: Loss,
    h: float = 1e-3,
    per_block: int | None = None,
    seed: int = 0,
) -> GradientCheck:
    """Backprop against five-point centred differences on every parameter (use a float64 plan), or on
    ``per_block`` of each group chosen at random (a ConvNet has tens of thousands).

    Where the nudge crosses a corner (ReLU or step at a sum of 0, a max-pool's winner changing, absolute
    error at answer = truth) the difference measures the corner, not a slope: each parameter is nudged by
    ``h`` and by ``h / 8``, and one whose two slopes disagree is counted in ``at_corners`` instead of being
    compared.
    """
    t0 = time.perf_counter()
    grads = plan.backward(plan.forward(inputs), truth, loss)
    t1 = time.perf_counter()
    analytic = grads.flat if grads.flat is not None else plan.flat_from(grads.weights + grads.biases[1:])
    rng = np.random.default_rng(seed)
    per_group: list[dict[str, object]] = []
    worst = 0.0
    checked = corners = 0
    for name, positions in parameter_groups(plan):
        if per_block is not None and positions.size > per_block:
            positions = np.sort(rng.choice(positions, per_block, replace=False))
        errors: list[float] = []
        at_corner = 0
        for k in positions.tolist():
            coarse = _nudge(plan.flat, (k,), plan, inputs, truth, loss, h, precise=True)
            fine = _nudge(plan.flat, (k,), plan, inputs, truth, loss, h / 8, precise=True)
            if abs(coarse - fine) > CORNER_TOLERANCE * max(abs(coarse), abs(fine), _RELATIVE_FLOOR):
                at_corner += 1
                continue
            errors.append(float(relative_error(np.array([analytic[k]]), np.array([coarse]))[0]))
        block_max = max(errors, default=0.0)
        worst = max(worst, block_max)
        checked += len(errors)
        corners += at_corner
        per_group.append(
            {"name": name, "count": len(errors), "at_corners": at_corner, "max_relative_error": block_max}
        )
    t2 = time.perf_counter()
    return GradientCheck(worst, per_group, t1 - t0, t2 - t1, plan.n_parameters, checked, corners)


# ---------------------------------------------------------------------- one weight, two ways, and the chain
@dataclass(frozen=True, slots=True)
class ChainFactor:
    """One local slope of the chain: its name (what over what) and its value."""

    name: str
    value: float

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "value": self.value}


@dataclass(frozen=True, slots=True)
class OnwardPath:
    """One way a hidden neuron's value reaches the error: through its connection (``weight``) into
    ``neuron``, whose sum changes the error by ``error_slope`` per unit."""

    neuron: str
    weight: float
    error_slope: float

    @property
    def product(self) -> float:
        return self.weight * self.error_slope

    def to_dict(self) -> dict[str, object]:
        return {
            "neuron": self.neuron,
            "weight": self.weight,
            "d_error_d_sum": self.error_slope,
            "product": self.product,
        }


@dataclass(frozen=True)
class WeightSlope:
    """dE/dw of one connection by backprop and by nudging, what each cost, and the chain behind it.

    ``chain`` multiplies out to ``backprop`` for one sample. Over several samples the slope is the mean of
    each sample's own chain (``chains``), and ``chain`` is that one mean, named so.
    """

    edge: str
    source: str
    target: str
    weight: float
    error: float
    backprop: float
    nudged: float
    h: float
    backprop_seconds: float
    nudged_seconds: float
    # Forward passes that slopes by nudging would need for every parameter (two per parameter).
    passes_for_all: int
    parameters: int
    samples: int
    chain: list[ChainFactor]
    chains: list[list[ChainFactor]]
    # For a hidden target and one sample: the paths onward that d error/d activation adds up, each the
    # weight to a later neuron times that neuron's d error/d sum (largest first).
    paths: list[OnwardPath] = field(default_factory=list)

    @property
    def chain_product(self) -> float:
        return float(np.prod([f.value for f in self.chain])) if self.chain else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "edge": self.edge,
            "source": self.source,
            "target": self.target,
            "weight": self.weight,
            "error": self.error,
            "backprop": self.backprop,
            "nudged": self.nudged,
            "h": self.h,
            "backprop_seconds": self.backprop_seconds,
            "nudged_seconds": self.nudged_seconds,
            "forward_passes_for_all_slopes_by_nudging": self.passes_for_all,
            "parameters": self.parameters,
            "samples": self.samples,
            "chain": [f.to_dict() for f in self.chain],
            "chain_product": self.chain_product,
            "chains": [[f.to_dict() for f in c] for c in self.chains],
            "paths": [p.to_dict() for p in self.paths],
        }


def _edge_place(plan: Plan, edge_id: str) -> tuple[int, int, int, int]:
    """(flat index, block index, row, column) of a connection's weight; KeyError for an unknown one."""
    (index,) = plan.parameter_index([edge_id]).tolist()
    for bi, block in enumerate(plan.blocks):
        if block.offset <= index < block.offset + block.W.size:
            row, col = divmod(index - block.offset, block.width)
            return index, bi, row, col
    raise KeyError(edge_id)


def _activation_slopes(plan: Plan, grads_deltas: list[Array], level: int, index: int, samples: int) -> Array:
    """dE/da of neuron ``index`` of ``level``, per sample (not divided by the number of samples): the sum
    over every connection it feeds of that weight times the target's delta."""
    total = np.zeros(samples, dtype=np.float64)
    for block in plan.blocks:
        if level not in block.sources:
            continue
        col = block.starts[block.sources.index(level)] + index
        total += grads_deltas[block.target].astype(np.float64) @ block.W[:, col].astype(np.float64)
    return total * samples


def _onward_paths(plan: Plan, deltas: list[Array], level: int, index: int, samples: int) -> list[OnwardPath]:
    """Every connection out of neuron ``index`` of ``level`` with the later neuron's d error/d sum (for the
    first sample, not divided by the number of samples), largest product first."""
    mask = plan.connection_mask()
    paths: list[OnwardPath] = []
    for block in plan.blocks:
        if level not in block.sources:
            continue
        col = block.starts[block.sources.index(level)] + index
        rows = np.flatnonzero(mask[block.offset + col : block.offset + block.W.size : block.width])
        slopes = deltas[block.target][0, rows].astype(np.float64) * samples
        weights = block.W[rows, col].astype(np.float64)
        ids = plan.levels[block.target].ids
        paths += [
            OnwardPath(ids[r], w, d)
            for r, w, d in zip(rows.tolist(), weights.tolist(), slopes.tolist(), strict=True)
        ]
    paths.sort(key=lambda p: -abs(p.product))
    return paths


def weight_slope(
    plan: Plan, inputs: Array, truth: Array, loss: Loss, edge_id: str, h: float = 1e-4
) -> WeightSlope:
    """The slope of the mean error over ``inputs`` (samples, inputs) with respect to one weight.

    Backprop gives it (and every other slope) from one forward and one backward pass; nudging needs two
    forward passes for this one weight, so two per parameter for all of them. The chain is read off the
    backward pass: d sum/d weight is the source's value; d activation/d sum the target's slope at its sum;
    d error/d activation the output's error slope, or for a hidden target the sum over every path onward.
    """
    x = np.atleast_2d(np.asarray(inputs, dtype=plan.dtype))
    y = np.atleast_2d(np.asarray(truth, dtype=plan.dtype))
    index, bi, row, col = _edge_place(plan, edge_id)
    block = plan.blocks[bi]
    target_level = block.target
    source_level = next(s for k, s in reversed(list(enumerate(block.sources))) if block.starts[k] <= col)
    source_index = col - block.starts[block.sources.index(source_level)]
    source = plan.levels[source_level].ids[source_index]
    target = plan.levels[target_level].ids[row]

    t0 = time.perf_counter()
    fw = plan.forward(x)
    grads = plan.backward(fw, y, loss)
    t1 = time.perf_counter()
    backprop = float(grads.flat[index]) if grads.flat is not None else float(grads.weights[bi][row, col])
    nudged = _nudge(plan.flat, (index,), plan, x, y, loss, h)
    t2 = time.perf_counter()

    n = x.shape[0]
    values = fw.activations[source_level][:, source_index].astype(np.float64)
    z = fw.sums[target_level][:, row].astype(np.float64)
    a = fw.activations[target_level][:, row].astype(np.float64)
    neuron_act = _activation_of(plan, target_level, row)
    is_output = target_level == len(plan.levels) - 1
    chains: list[list[ChainFactor]] = []
    paths: list[OnwardPath] = []
    if neuron_act.joint:
        # Softmax ties every output's value to every sum: its slope is not one number per neuron, so the
        # chain takes the error's slope with respect to the sum in one step (the delta backprop computes).
        delta = grads.deltas[target_level][:, row].astype(np.float64) * n
        for s in range(n):
            chains.append(
                [
                    ChainFactor("d sum/d weight (the source's value)", float(values[s])),
                    ChainFactor("d error/d sum (through the softmax of every output)", float(delta[s])),
                ]
            )
    else:
        local = neuron_act.slope(z, a)  # type: ignore[misc]
        if is_output:
            answer = fw.activations[-1].astype(np.float64)
            onward = loss.slope(answer, y.astype(np.float64))[:, row]
            onward_name = f"d error/d activation (the {loss.title.lower()}'s slope at the answer)"
        else:
            onward = _activation_slopes(plan, grads.deltas, target_level, row, n)
            if n == 1:
                paths = _onward_paths(plan, grads.deltas, target_level, row, n)
            onward_name = "d error/d activation (summed over every path from here to the error)"
        for s in range(n):
            chains.append(
                [
                    ChainFactor("d sum/d weight (the source's value)", float(values[s])),
                    ChainFactor(f"d activation/d sum ({neuron_act.name} at the sum)", float(local[s])),
                    ChainFactor(onward_name, float(onward[s])),
                ]
            )
    if n == 1:
        chain = chains[0]
    else:
        mean = float(np.mean([np.prod([f.value for f in c]) for c in chains]))
        chain = [ChainFactor(f"mean over {n} samples of each sample's chain", mean)]
    return WeightSlope(
        edge_id,
        source,
        target,
        float(plan.flat[index]),
        float(grads.loss),
        backprop,
        nudged,
        h,
        t1 - t0,
        t2 - t1,
        2 * plan.n_parameters,
        plan.n_parameters,
        n,
        chain,
        chains,
        paths,
    )


def _activation_of(plan: Plan, level: int, index: int):  # -> Activation
    for act, cols in plan.levels[level].groups:
        if isinstance(cols, slice):
            if index in range(*cols.indices(len(plan.levels[level].ids))):
                return act
        elif index in np.asarray(cols).tolist():
            return act
    raise KeyError(index)


def error_curve(plan: Plan, inputs: Array, truth: Array, loss: Loss, edge_id: str, weights: Array) -> Array:
    """The mean error with one weight set to each of ``weights`` in turn, every other parameter fixed (the
    weight is left as it was)."""
    x = np.atleast_2d(np.asarray(inputs, dtype=plan.dtype))
    y = np.atleast_2d(np.asarray(truth, dtype=plan.dtype))
    (index,) = plan.parameter_index([edge_id]).tolist()
    old = float(plan.flat[index])
    out = np.empty(len(weights), dtype=np.float64)
    try:
        for k, w in enumerate(np.asarray(weights, dtype=np.float64).tolist()):
            plan.flat[index] = w
            out[k] = plan.loss_value(x, y, loss)
    finally:
        plan.flat[index] = old
    return out
