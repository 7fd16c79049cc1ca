"""A training step for a plain stack of layers with every array it needs made once, for a given batch size.

A step of :func:`nnstudio.engine.train.train` is about fifty numpy calls on small arrays; at batch 10 their
Python overhead costs as much as their arithmetic. For a network that is a plain stack of layers (each level
fed by the one before it through one weight block, one activation per level, no convolution)
:class:`StackStep` runs the forward and backward pass of
:meth:`Plan.forward <nnstudio.engine.plan_running.PlanRunning.forward>` and
:meth:`Plan.backward <nnstudio.engine.plan_running.PlanRunning.backward>` operation for operation, with
every weighted sum, activation, delta and batch row in an array made when the step is: each operation writes
into its array (``out=``), the per-level work is walked from precomputed lists, and the batch's rows are
gathered into the step's input array (see :mod:`nnstudio.engine.training_rows`). Its numbers are theirs to the last bit, but for sums done
as a product with a vector of ones instead of numpy's sum (the biases' slopes, each sample's squared error)
and a narrow layer fed by a wide one at a large batch (its products in panels of rows, see
:data:`_PANEL_ROWS`), which may round differently in the last bit.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation, Constants, InPlace
from .losses import Loss
from .plan import Plan
from .training_rows import TrainingRows

Array = np.ndarray


def _in_place(act: Activation) -> InPlace:
    """The activation's in-place step, or for one without (softmax, step) its own functions behind the same
    signatures: fresh arrays, the same numbers."""
    if act.in_place is not None:
        return act.in_place

    def value(z: Array, a: Array, constants: Constants) -> Array:
        return act.value(z)

    def backward(
        z: Array, a: Array, grad_a: Array, delta: Array, scratch: Array, constants: Constants
    ) -> Array:
        return act.backward(z, a, grad_a)

    return InPlace(value, backward)


def _squared_loss(
    answer: Array, truth: Array, diff: Array, square: Array, half_n: Array, ones: Array
) -> tuple[Array, Array]:
    """The squared error's per-sample values (a fresh array) and its slope divided by ``n`` (into ``diff``).

    ``2 * diff / n`` is ``diff / (n / 2)`` to the last bit: doubling is exact and a division rounds once. Each
    sample's sum over the outputs is a product with ones (one BLAS call; numpy's sum along a row of ten costs
    seven times as much at batch 250, and may round differently in the last bit).
    """
    np.subtract(answer, truth, out=diff)
    np.multiply(diff, diff, out=square)
    per_sample = np.dot(square, ones)
    np.divide(diff, half_n, out=diff)
    return per_sample, diff


# OpenBLAS multiplies a batch by a narrow layer's weights (an output at most 16 wide, fed by hundreds of
# inputs) faster in panels of 64 rows than whole: measured here for 784 -> 16, microseconds whole / panels,
# batch 100: 35 / 24 forward, 31 / 27 for the weights' slope; batch 250: 81 / 60 and 82 / 67; batch 500:
# 162 / 137 for the slope. Wider outputs or fewer inputs are slower in panels, so they stay whole. A panel's
# rows are their own products, and the slope's panels add up (rounding may differ in the last bit).
_PANEL_ROWS = 64
_PANEL_MAX_WIDTH = 16
_PANEL_MIN_INPUTS = 256


def _row_ranges(batch: int) -> list[tuple[int, int]]:
    """The batch's rows in panels of :data:`_PANEL_ROWS`."""
    return [(lo, min(lo + _PANEL_ROWS, batch)) for lo in range(0, batch, _PANEL_ROWS)]


def _panels(batch: int, width: int, inputs: int) -> list[tuple[int, int]] | None:
    """The batch's row ranges for a layer ``width`` wide fed by ``inputs`` values, or None: all at once."""
    if batch <= _PANEL_ROWS or width > _PANEL_MAX_WIDTH or inputs < _PANEL_MIN_INPUTS:
        return None
    return _row_ranges(batch)


def stacked(plan: Plan) -> bool:
    """Whether :class:`StackStep` can run ``plan``: every level after the inputs is fed by the level before
    it alone, through one weight block, with one activation for the whole level."""
    if plan.convs or len(plan.levels) < 2 or len(plan.blocks) != len(plan.levels) - 1:
        return False
    for li, block in enumerate(plan.blocks, start=1):
        if block.target != li or block.sources != [li - 1]:
            return False
        groups = plan.levels[li].groups
        if len(groups) != 1 or not isinstance(groups[0][1], slice):
            return False
    return True


def _panel_slope(panels: list[tuple[Array, Array]], out: Array, part: Array) -> None:
    """The sum of each panel's ``delta.T @ inputs``, given as pairs of views, into ``out`` (see
    :data:`_PANEL_ROWS`)."""
    delta_t, inputs = panels[0]
    np.dot(delta_t, inputs, out=out)
    for delta_t, inputs in panels[1:]:
        np.dot(delta_t, inputs, out=part)
        np.add(out, part, out=out)


class StackStep:
    """One step's forward and backward pass over ``batch`` rows of a stacked plan (see :func:`stacked`),
    writing the gradient, laid out like :attr:`Plan.flat`, into ``grad``.

    :meth:`run` takes the indices of the batch's rows in ``data`` and returns the batch's mean loss and
    each sample's error (a fresh array).
    """

    def __init__(self, plan: Plan, loss: Loss, batch: int, data: TrainingRows, grad: Array) -> None:
        dtype = plan.dtype
        self.n = batch
        self.x = np.empty((batch, data.inputs.shape[1]), dtype)
        self.y = np.empty((batch, data.targets.shape[1]), dtype)
        self.gather = data.gatherer(self.x, self.y)
        self.loss = loss
        self.squared = loss.name == "squared"
        self.constants = (np.array(0.5, dtype), np.array(1, dtype))
        self.half_n = np.array(batch / 2, dtype)
        # The bias's slope, the sum of the deltas over the batch, as a product with ones: one BLAS call, about
        # nine times faster than numpy's sum down a narrow column at batch 250 (it may round differently in the
        # last bit).
        self.ones = np.ones(batch, dtype)
        weight_grads, bias_grads = plan.views(grad)
        # Per level: the block's weights transposed, the bias and room for it on every row, the sums, the
        # activations, the activation's step and its panels (None: the whole batch at once): the array the
        # level below writes its activations into, with the panels' views of it and of the sums.
        self.forward_steps: list[tuple] = []
        # Per level, top first: its sums, its deltas, the backward step and its scratch, the gradient's views,
        # the level below (0: the inputs), where dE/d(that level's activations) goes, the block's weights (to
        # pass the slope down), and its panels (the array the level below writes its activations into, with
        # the panels' views of the deltas, transposed, and of it) with room for one panel's slope. The outputs'
        # dE/d(activations) is the loss's slope.
        self.backward_steps: list[tuple] = []
        grad_a = [np.empty((batch, len(level.ids)), dtype) for level in plan.levels]
        for li, block in enumerate(plan.blocks, start=1):
            act = plan.levels[li].groups[0][0]
            shape = (batch, len(plan.levels[li].ids))
            z, a = np.empty(shape, dtype), np.empty(shape, dtype)
            in_place = _in_place(act)
            value, backward = in_place.value, in_place.backward
            # An activation without an in-place step makes its own arrays and needs no scratch.
            scratch = z if act.in_place is None else np.empty(shape, in_place.scratch or dtype)
            # The bias copied to every row first: adding two arrays of one shape is about twice as fast as
            # numpy's broadcast of a short row down a batch.
            rows = np.empty(shape, dtype)
            panels = _panels(batch, shape[1], block.W.shape[1])
            # The panels' views of the level's input and sums, made once: slicing them on every step costs
            # as much as a small product. They hold while the input is the array the level below writes
            # into (``below_out``); an activation that hands back another array is sliced afresh.
            below_out = self.x if li == 1 else self.forward_steps[-1][4]
            forward_panels = None
            if panels is not None:
                forward_panels = (below_out, [(below_out[lo:hi], z[lo:hi]) for lo, hi in panels])
            self.forward_steps.append((block.W.T, plan.levels[li].bias, rows, z, a, value, forward_panels))
            delta = np.empty(shape, dtype)
            slope_panels = None
            if panels is not None:
                slope_panels = (below_out, [(delta[lo:hi].T, below_out[lo:hi]) for lo, hi in panels])
            self.backward_steps.append(
                (
                    z,
                    delta,
                    backward,
                    scratch,
                    weight_grads[li - 1],
                    bias_grads[li],
                    li - 1,
                    grad_a[li - 1],
                    block.W,
                    slope_panels,
                    None if panels is None else np.empty(block.W.shape, dtype),
                )
            )
        self.backward_steps.reverse()
        self.slope = grad_a[-1]
        self.square = np.empty_like(self.slope)
        self.output_ones = np.ones(self.slope.shape[1], dtype)

    def run(self, rows: Array) -> tuple[float, Array]:
        """Forward and backward over ``inputs[rows]`` against ``targets[rows]``; (mean loss, per-sample errors)."""
        x, y = self.x, self.y
        self.gather(rows)
        acts = [x]
        a = x
        constants, ones = self.constants, self.ones
        for weights_t, bias, bias_rows, z, out, value, panels in self.forward_steps:
            # np.dot makes the same BLAS call as the @ operator, with less of numpy's own work around it.
            if panels is None:
                np.dot(a, weights_t, out=z)
            elif a is panels[0]:
                for a_panel, z_panel in panels[1]:
                    np.dot(a_panel, weights_t, out=z_panel)
            else:
                for lo, hi in _row_ranges(self.n):
                    np.dot(a[lo:hi], weights_t, out=z[lo:hi])
            bias_rows[...] = bias
            np.add(z, bias_rows, out=z)
            a = value(z, out, constants)
            acts.append(a)
        n = self.n
        if self.squared:
            per_sample, grad_a = _squared_loss(a, y, self.slope, self.square, self.half_n, self.output_ones)
        else:
            per_sample, grad_a = self.loss.per_sample_and_slope(a, y)
            grad_a /= n
        for step in self.backward_steps:
            z, delta_out, backward, scratch, w_grad, b_grad, below, grad_below, weights, panels, part = step
            delta = backward(z, acts[below + 1], grad_a, delta_out, scratch, constants)
            np.dot(ones, delta, out=b_grad)
            if n == 1:
                np.multiply(delta.T, acts[below], out=w_grad)
            elif panels is None:
                np.dot(delta.T, acts[below], out=w_grad)
            elif delta is delta_out and acts[below] is panels[0]:
                _panel_slope(panels[1], w_grad, part)
            else:
                inputs = acts[below]
                _panel_slope([(delta[lo:hi].T, inputs[lo:hi]) for lo, hi in _row_ranges(n)], w_grad, part)
            if below:
                grad_a = np.dot(delta, weights, out=grad_below)
        return float(np.add.reduce(per_sample)) / n, per_sample
