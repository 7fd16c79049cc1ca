"""The error landscape of two weights: the loss over a grid of their values, every other weight held fixed,
and the path gradient descent takes across it.

Rosie Campbell's "Demystifying Deep Neural Networks" describes gradient descent as walking down a mountain
blindfolded; here the mountain is drawn. The two weights may be connections (``"a>b"``) or a neuron's bias
(its id). Only the levels from the first weight's onward are run again for each point of the grid: the
levels before it do not change, so a 41 x 41 grid of a digit network's first-layer weights costs little more
than its last layers.

Momentum is Gabriel Goh's form in Distill's "Why Momentum Really Works" (and the trainer's):
``z = momentum * z + slope``, ``w = w - learning_rate * z``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .losses import Loss
from .plan import Plan

Array = np.ndarray

DEFAULT_STEPS = 41
MAX_STEPS = 401
# Without a range the grid spans -R..R, R at least this and half as much again as the larger weight.
DEFAULT_REACH = 3.0
# Weights beyond this (a network gone wild) leave today's point off the map rather than the map unreadable.
MAX_REACH = 1e6
# The nudge of a centred difference, relative to the weight (at least this much absolute).
_NUDGE = 1e-6


class LandscapeError(ValueError):
    """Weights or settings that make no landscape; the message says what to give instead."""


@dataclass(frozen=True)
class Landscape:
    """``errors[i, j]`` is the loss with the first weight at ``axis_x[j]`` and the second at ``axis_y[i]``."""

    weights: tuple[str, str]
    axis_x: Array
    axis_y: Array
    errors: Array
    current: tuple[float, float]
    current_error: float


@dataclass(frozen=True)
class DescentPath:
    """Where gradient descent on the two weights went: (steps + 1, 2) points and the loss at each."""

    points: Array
    errors: Array
    diverged: bool


def parameter_indices(plan: Plan, ids: list[str]) -> list[int]:
    """Where each named weight (a connection id) or bias (a neuron id) sits in the plan's flat buffer."""
    out = []
    for pid in ids:
        if pid in plan.position:
            if plan.position[pid][0] == 0:
                raise LandscapeError(
                    f"{pid!r} is an input: it has no bias; give a connection or a later neuron"
                )
            out.append(int(plan.bias_index(pid)))
            continue
        try:
            (index,) = plan.parameter_index([pid])
        except KeyError:
            raise LandscapeError(
                f"no connection or neuron {pid!r} in this network; give connection ids like a>b"
            ) from None
        out.append(int(index))
    return out


def _level_of_index(plan: Plan, index: int) -> int:
    """The level whose sums a parameter feeds."""
    for block in plan.blocks:
        if block.offset <= index < block.offset + block.W.size:
            return block.target
    for conv in plan.convs:
        span = conv.parameter_slice()
        if span.start <= index < span.stop:
            return conv.target
    nb = len(plan.blocks)
    for li in range(len(plan.levels) - 1, 0, -1):
        if index >= plan.offsets[nb + li - 1]:
            return li
    raise LandscapeError("that parameter is not in the network")


def _activate(plan: Plan, li: int, z: Array) -> Array:
    level = plan.levels[li]
    if len(level.groups) == 1 and isinstance(level.groups[0][1], slice):
        return level.groups[0][0].value(z)
    a = np.empty_like(z)
    for act, cols in level.groups:
        a[:, cols] = act.value(z[:, cols])
    return a


def _level_sum(plan: Plan, li: int, acts: list[Array], n: int) -> Array:
    """The weighted sums of level ``li`` from the activations of the levels before it."""
    block = next((b for b in plan.blocks if b.target == li), None)
    conv = next((c for c in plan.convs if c.target == li), None)
    if block is not None:
        z = block.forward(acts)
    elif conv is not None:
        z, _ = conv.forward(acts[conv.source])
    else:
        z = np.zeros((n, len(plan.levels[li].ids)), dtype=plan.dtype)
    return z + plan.levels[li].bias


class _PartialForward:
    """The network's output as the parameters ``indices`` change, everything before their levels kept.

    When the first level they feed is a matrix product, its sums are kept too: a weight there moves one
    column of them by (change of the weight) x (its source's activation), and a bias by its change, so that
    level costs no matrix product (for a digit network's first layer, the 8,000 x 784 product is made once).
    """

    def __init__(self, plan: Plan, inputs: Array, indices: list[int]) -> None:
        self.plan = plan
        self.first = first = min(_level_of_index(plan, i) for i in indices)
        fw = plan.forward(inputs)
        self.n = inputs.shape[0]
        self.kept = [np.array(a) for a in fw.activations[:first]]
        self.base: Array | None = np.array(fw.sums[first])
        # (flat index, column of the first level's sums, that parameter's source column or None for a bias,
        # its value in the kept sums)
        self.moves: list[tuple[int, int, Array | None, float]] = []
        block = next((b for b in plan.blocks if b.target == first), None)
        nb = len(plan.blocks)
        bias_start = plan.offsets[nb + first - 1]
        for index in indices:
            if _level_of_index(plan, index) != first:
                continue
            if block is not None and block.offset <= index < block.offset + block.W.size:
                row, col = divmod(index - block.offset, block.width)
                source = np.array(block.gather(self.kept)[:, col])
                self.moves.append((index, row, source, float(plan.flat[index])))
            elif bias_start <= index < bias_start + len(plan.levels[first].ids):
                self.moves.append((index, index - bias_start, None, float(plan.flat[index])))
            else:
                # A kernel weight: the level is worked out whole each time.
                self.base = None

    def output(self) -> Array:
        plan = self.plan
        acts = list(self.kept)
        if self.base is None:
            z = _level_sum(plan, self.first, acts, self.n)
        else:
            z = self.base.copy()
            for index, row, source, was in self.moves:
                change = float(plan.flat[index]) - was
                if change:
                    z[:, row] += change if source is None else change * source
        acts.append(_activate(plan, self.first, z))
        for li in range(self.first + 1, len(plan.levels)):
            acts.append(_activate(plan, li, _level_sum(plan, li, acts, self.n)))
        return acts[-1]


def default_range(current: tuple[float, float]) -> tuple[float, float]:
    """-R..R: at least DEFAULT_REACH, half as much again as the larger weight, at most MAX_REACH."""
    reach = max(DEFAULT_REACH, 1.5 * max(abs(current[0]), abs(current[1])))
    reach = float(math.ceil(min(reach, MAX_REACH)))
    return (-reach, reach)


def error_landscape(
    plan: Plan,
    inputs: Array,
    targets: Array,
    loss: Loss,
    weight_ids: tuple[str, str] | list[str],
    value_range: tuple[float, float] | None = None,
    steps: int = DEFAULT_STEPS,
    y_range: tuple[float, float] | None = None,
) -> Landscape:
    """The loss over a ``steps`` x ``steps`` grid of two weights' values (see :class:`Landscape`); the plan's
    weights are left as they were. ``value_range`` is the first weight's range (and the second's, unless
    ``y_range`` is given); by default -R..R around both."""
    ids = list(weight_ids)
    if len(ids) != 2 or ids[0] == ids[1]:
        raise LandscapeError("give two different weights")
    if not 2 <= steps <= MAX_STEPS:
        raise LandscapeError(f"the number of steps must be from 2 to {MAX_STEPS}, not {steps}")
    indices = parameter_indices(plan, ids)
    flat = plan.flat
    current = (float(flat[indices[0]]), float(flat[indices[1]]))
    x_range = value_range if value_range is not None else default_range(current)
    y_range = y_range if y_range is not None else x_range
    for low, high in (x_range, y_range):
        if not (math.isfinite(low) and math.isfinite(high) and high > low):
            raise LandscapeError(f"a range must go from a lower to a higher number, not {low:g} to {high:g}")
    axis_x = np.linspace(x_range[0], x_range[1], steps)
    axis_y = np.linspace(y_range[0], y_range[1], steps)
    x = np.asarray(inputs, dtype=plan.dtype)
    t = np.asarray(targets, dtype=plan.dtype)
    saved = [flat[i] for i in indices]
    errors = np.empty((steps, steps))
    try:
        partial = _PartialForward(plan, x, indices)
        for i, wy in enumerate(axis_y):
            flat[indices[1]] = wy
            for j, wx in enumerate(axis_x):
                flat[indices[0]] = wx
                errors[i, j] = loss.value(partial.output(), t)
        flat[indices[0]], flat[indices[1]] = saved
        current_error = loss.value(partial.output(), t)
    finally:
        flat[indices[0]], flat[indices[1]] = saved
    return Landscape((ids[0], ids[1]), axis_x, axis_y, errors, current, float(current_error))


def steady_learning_rate(landscape: Landscape, low: float = 1e-3, high: float = 10.0) -> float:
    """A learning rate that walks visibly downhill on this map without running off it: half of one over its
    sharpest bend. On a bowl whose slope changes by L per unit of weight, a step of learning rate r lands
    (1 - rL) of the way from the bottom: past 2/L every step overshoots further and the walk runs away, at 1/L
    it reaches the bottom of the sharpest bowl in one step. The grid reads the bend only between its points
    and a narrow valley is sharper than that, so half of 1/L keeps the walk from zigzagging there. The bend is
    the larger eigenvalue (in size) of the second derivatives, read off the grid; the answer is kept within
    ``low``..``high`` (a flat map gets ``high``)."""
    e = np.asarray(landscape.errors, dtype=np.float64)
    x, y = landscape.axis_x, landscape.axis_y
    if e.shape[0] < 3 or e.shape[1] < 3:
        return high
    dx, dy = float(x[1] - x[0]), float(y[1] - y[0])
    with np.errstate(all="ignore"):
        across = (e[1:-1, 2:] - 2 * e[1:-1, 1:-1] + e[1:-1, :-2]) / dx**2
        down = (e[2:, 1:-1] - 2 * e[1:-1, 1:-1] + e[:-2, 1:-1]) / dy**2
        mixed = (e[2:, 2:] - e[2:, :-2] - e[:-2, 2:] + e[:-2, :-2]) / (4 * dx * dy)
        bend = np.abs(across + down) / 2 + np.sqrt(((across - down) / 2) ** 2 + mixed**2)
    bend = bend[np.isfinite(bend)]
    sharpest = float(bend.max()) if len(bend) else 0.0
    if not sharpest > 0:
        return high
    return float(min(high, max(low, 0.5 / sharpest)))


def descent_path(
    plan: Plan,
    inputs: Array,
    targets: Array,
    loss: Loss,
    weight_ids: tuple[str, str] | list[str],
    start: tuple[float, float],
    learning_rate: float,
    momentum: float = 0.0,
    steps: int = 100,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> DescentPath:
    """Gradient descent on just these two weights from ``start`` (every other weight fixed, whole batch).
    Stops early when the loss is no longer a finite number or the path leaves ``bounds`` far behind.

    With every other weight fixed the slope needs only the levels from the two weights' onward: it is taken
    by centred differences of that part of the network (four short passes a step), which for a digit
    network's first-layer weights costs a small fraction of a full backward pass."""
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise LandscapeError("the learning rate must be a positive number")
    if not (math.isfinite(momentum) and 0 <= momentum < 1):
        raise LandscapeError("momentum must be at least 0 and below 1")
    indices = parameter_indices(plan, list(weight_ids))
    flat = plan.flat
    saved = [flat[i] for i in indices]
    x = np.asarray(inputs, dtype=plan.dtype)
    t = np.asarray(targets, dtype=plan.dtype)
    w = np.array(start, dtype=np.float64)
    z = np.zeros(2)
    points = [w.copy()]
    errors: list[float] = []
    diverged = False
    far = None
    if bounds is not None:
        (x0, x1), (y0, y1) = bounds
        far = 10 * max(x1 - x0, y1 - y0)
    # float32 arithmetic would drown a nudge of 1e-6 in rounding.
    nudge = _NUDGE if plan.dtype == np.float64 else 1e-3
    try:
        partial = _PartialForward(plan, x, indices)

        def error_at(a: float, b: float) -> float:
            flat[indices[0]], flat[indices[1]] = a, b
            return float(loss.value(partial.output(), t))

        for _ in range(steps + 1):
            error = error_at(*w)
            errors.append(error)
            h = nudge * np.maximum(1.0, np.abs(w))
            slope = np.array(
                [
                    (error_at(w[0] + h[0], w[1]) - error_at(w[0] - h[0], w[1])) / (2 * h[0]),
                    (error_at(w[0], w[1] + h[1]) - error_at(w[0], w[1] - h[1])) / (2 * h[1]),
                ]
            )
            if not (math.isfinite(error) and np.isfinite(slope).all()):
                diverged = True
                break
            if len(points) > steps:
                break
            z = momentum * z + slope
            w = w - learning_rate * z
            if far is not None and np.abs(w).max() > far:
                diverged = True
                points.append(w.copy())
                errors.append(float("nan"))
                break
            points.append(w.copy())
    finally:
        flat[indices[0]], flat[indices[1]] = saved
    return DescentPath(np.array(points), np.array(errors), diverged)


def steepest_pair(plan: Plan, inputs: Array, targets: Array, loss: Loss) -> tuple[str, str]:
    """The two connections whose slopes are steepest at today's weights ("auto"): where the landscape has
    the most to show."""
    edge_ids = plan.edge_ids()
    if len(edge_ids) < 2:
        raise LandscapeError("the network needs at least two connections for a landscape")
    grads = plan.backward(plan.forward(np.asarray(inputs, plan.dtype)), np.asarray(targets, plan.dtype), loss)
    slopes = np.abs(np.asarray(grads.flat, dtype=np.float64)[plan.edge_index()])
    slopes = np.where(np.isfinite(slopes), slopes, 0.0)
    order = np.argsort(-slopes, kind="stable")[:2]
    first, second = sorted(order.tolist())
    return edge_ids[first], edge_ids[second]
