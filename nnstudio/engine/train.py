"""Training: stochastic gradient descent as a generator that yields progress and can stop between steps.

Frozen weights and missing edges never change (their gradient is masked to zero). On the first NaN or
Inf in the loss, the gradient or the weights, training stops at that step, puts back the last good
weights and reports the step and the quantity.

Regularisation, as in TensorFlow Playground: L2 adds ``l2 * w`` to each trainable weight's slope (the
penalty ``l2 * sum w^2 / 2``); L1 then moves each weight ``learning_rate * l1`` towards zero (the penalty
``l1 * sum |w|``), and a weight that this step would carry across zero stops at exactly zero and stays
there, dead, for the rest of the run. Biases are never penalised.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields

import numpy as np

from .conv import initialise_kernels
from .losses import LOSSES, Loss
from .plan import Plan
from .stack_step import StackStep, stacked
from .stopping import StopCondition
from .training_rows import TrainingRows

Array = np.ndarray

INITIALISERS = {
    "uniform": "uniform between -1 and 1, as in the seeds",
    "xavier": "Xavier/Glorot uniform, scaled by fan-in and fan-out (for tanh and sigmoid)",
    "he": "He normal, scaled by fan-in (for ReLU)",
}


class TrainingError(ValueError):
    """Settings or data that training cannot use; the message says which."""


@dataclass
class TrainSettings:
    epochs: int = 10
    learning_rate: float = 0.1
    batch_size: int = 1
    momentum: float = 0.0
    shuffle: bool = True
    seed: int = 0
    loss: str = "squared"
    init: str = "uniform"
    # Regularisation rates: the loss gains l1 * sum|w| + l2 * sum w^2 / 2 over the trainable weights.
    l1: float = 0.0
    l2: float = 0.0
    # When a run ends: after the epochs, or at the first epoch's end that reaches a target error or accuracy.
    stop: StopCondition = StopCondition()

    def validate(self) -> None:
        if not isinstance(self.epochs, int) or self.epochs < 1:
            raise TrainingError("epochs must be a whole number of at least 1")
        if not np.isfinite(self.learning_rate) or self.learning_rate <= 0:
            raise TrainingError("the learning rate must be a positive number")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise TrainingError("the batch size must be a whole number of at least 1")
        if not np.isfinite(self.momentum) or not 0 <= self.momentum < 1:
            raise TrainingError("momentum must be at least 0 and below 1")
        for name, rate in (("L1", self.l1), ("L2", self.l2)):
            if not np.isfinite(rate) or rate < 0:
                raise TrainingError(f"the {name} rate must be zero or a positive number")
        if self.loss not in LOSSES:
            raise TrainingError(f"unknown loss {self.loss!r}; known: {', '.join(LOSSES)}")
        if self.init not in INITIALISERS:
            raise TrainingError(f"unknown initialisation {self.init!r}; known: {', '.join(INITIALISERS)}")
        if not isinstance(self.stop, StopCondition):
            raise TrainingError(f"the stop condition must be a StopCondition, not {self.stop!r}")

    def to_dict(self) -> dict[str, object]:
        """Every setting by its name; the stop condition as ``{"kind": ..., "target": ...}``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> TrainSettings:
        """The settings :meth:`to_dict` gave (unknown names are left out). Raises :class:`TrainingError` for
        a stop condition that cannot be."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        stop = values.get("stop")
        if isinstance(stop, dict):
            try:
                values["stop"] = StopCondition.from_dict(stop)
            except ValueError as exc:
                raise TrainingError(str(exc)) from None
        return cls(**values)  # type: ignore[arg-type]


@dataclass(slots=True)
class Step:
    """One optimisation step: the batch's mean loss and each of its samples' errors (a fresh array)."""

    epoch: int
    step: int
    samples_seen: int
    loss: float
    sample_errors: Array
    sample_indices: Array


@dataclass(slots=True)
class EpochEnd:
    epoch: int
    step: int
    loss: float
    accuracy: float | None
    test_loss: float | None = None
    test_accuracy: float | None = None
    # The loss over the whole training set with the weights at the epoch's end, when measured (``loss`` is the
    # mean of the epoch's step losses, taken while the weights changed).
    fit_loss: float | None = None


@dataclass(slots=True)
class Diverged:
    """Training met a NaN or Inf and stopped; the plan holds the last good weights again."""

    epoch: int
    step: int
    quantity: str  # "loss", "gradient" or "weights"

    @property
    def message(self) -> str:
        return (
            f"training diverged at step {self.step} (epoch {self.epoch}): the {self.quantity} grew beyond "
            f"any usable size or became not a number. The weights are back to their last good values; "
            f"try a lower learning rate."
        )


Progress = Step | EpochEnd | Diverged


# While the weights' length is known to stay below this, no entry can overflow (a float32 sum of squares
# overflows near 1.8e19), so a step needs no copy of the weights to fall back on.
_SAFE_NORM = 1e15


def _apply_update(
    params: Array,
    grad: Array,
    velocity: Array | None,
    mask: Array | None,
    lr,
    mu,
    loss_value: float,
    bound: float,
    last_good: Array,
) -> tuple[str | None, float]:
    """One SGD step on the flat parameter buffer: (the name of the first non-finite quantity or None, a new
    bound on the weights' length).

    ``bound`` is at least the length of ``params`` (sqrt of the sum of squares). When the step's own length
    is finite and the bound plus it stays below :data:`_SAFE_NORM`, the new weights are finite and small
    enough for any check (|w - g| <= |w| + |g|), so the step is simply taken: one BLAS dot of the step, no
    copy. Otherwise the weights are copied to ``last_good`` first and the new ones checked (one BLAS dot: the
    sum of squares is non-finite when an entry is, or when one exceeds ~1e19 in float32, a step that has
    diverged too); on a non-finite result they are put back, and the gradient is told apart from the weights
    only then.
    """
    if not math.isfinite(loss_value):
        return "loss", bound
    if mask is not None:
        grad *= mask
    if velocity is not None:
        velocity *= mu
        velocity += grad
        np.multiply(velocity, lr, out=grad)
    else:
        grad *= lr
    length = math.sqrt(float(np.dot(grad, grad)))
    if bound + length < _SAFE_NORM:
        params -= grad
        return None, bound + length
    np.copyto(last_good, params)
    params -= grad
    squares = float(np.dot(params, params))
    if math.isfinite(squares):
        return None, math.sqrt(squares)
    np.copyto(params, last_good)
    return ("weights" if math.isfinite(length) else "gradient"), bound


def penalised_weights(plan: Plan) -> Array:
    """True at every place of the plan's flat buffer that regularisation acts on: each trainable weight."""
    mask = plan.connection_mask()
    if plan.flat_trainable is not None:
        mask = mask & (plan.flat_trainable != 0)
    return mask


def penalty(plan: Plan, l1: float, l2: float, flat: Array | None = None) -> float:
    """The regularisation term the loss gains: ``l1 * sum |w| + l2 * sum w^2 / 2`` over trainable weights."""
    if not (l1 or l2):
        return 0.0
    weights = (plan.flat if flat is None else flat)[penalised_weights(plan)].astype(np.float64)
    return float(l1 * np.abs(weights).sum() + l2 * np.dot(weights, weights) / 2)


def penalty_gradient(plan: Plan, l1: float, l2: float, flat: Array | None = None) -> Array:
    """The slope of :func:`penalty` for every parameter, laid out like the flat buffer (0 for biases).

    At a weight of exactly zero the L1 term has no slope; the trainer keeps such a weight at zero instead.
    """
    values = (plan.flat if flat is None else flat).astype(np.float64)
    mask = penalised_weights(plan)
    return np.where(mask, l1 * np.sign(values) + l2 * values, 0.0)


def _shrink_l1(params: Array, amount, penalised: Array, alive: Array, velocity: Array | None) -> None:
    """Move every penalised weight ``amount`` towards zero; one that would cross zero stops there, dead.

    ``alive`` is the run's own trainable mask: a dead weight's place becomes 0, so later steps leave it be.
    """
    shrunk = params - amount * np.sign(params) * penalised
    crossed = (params * shrunk) < 0
    shrunk[crossed] = 0.0
    params[...] = shrunk
    if crossed.any():
        alive[crossed] = 0.0
        penalised &= ~crossed
        if velocity is not None:
            velocity[crossed] = 0.0


def initialise(plan: Plan, method: str, seed: int) -> None:
    """Draw new weights for every trainable edge and zero every bias that may train; frozen ones stay."""
    if method not in INITIALISERS:
        raise TrainingError(f"unknown initialisation {method!r}; known: {', '.join(INITIALISERS)}")
    rng = np.random.default_rng(seed)
    fan_in = [np.zeros(len(level.ids)) for level in plan.levels]
    fan_out = [np.zeros(len(level.ids)) for level in plan.levels]
    connections = plan.block_connections()
    for block, exists in zip(plan.blocks, connections, strict=True):
        fan_in[block.target] += exists.sum(axis=1)
        per_column = exists.sum(axis=0)
        for source, start in zip(block.sources, block.starts, strict=True):
            fan_out[source] += per_column[start : start + len(fan_out[source])]
    for block in plan.blocks:
        fi = np.maximum(fan_in[block.target], 1)[:, None]
        fo = np.maximum(np.concatenate([fan_out[s] for s in block.sources]), 1)[None, :]
        shape = block.W.shape
        if method == "uniform":
            new = rng.uniform(-1.0, 1.0, shape)
        elif method == "xavier":
            limit = np.sqrt(6.0 / (fi + fo))
            new = rng.uniform(-1.0, 1.0, shape) * limit
        else:
            new = rng.standard_normal(shape) * np.sqrt(2.0 / fi)
        if block.trainable is None:
            block.W[...] = new
        else:
            # Missing edges stay zero, frozen ones keep their value.
            block.W[...] = np.where(block.trainable == 0, block.W, new * block.trainable)
    for level in plan.levels[1:]:
        level.bias[...] = 0.0
    initialise_kernels(plan.convs, method, rng)


def _has_class(targets: Array) -> Array:
    """Which samples of many outputs have a class: an all-equal truth (all 0) is none of them."""
    return targets.max(axis=1) > targets.min(axis=1)


def counted_for_accuracy(targets: Array) -> int:
    """How many samples :func:`accuracy` counts: all of them for a single output, else those with a class."""
    if targets.ndim != 2 or targets.shape[1] == 1:
        return len(targets)
    return int(_has_class(targets).sum())


def accuracy(outputs: Array, targets: Array) -> float | None:
    """Share of samples whose largest output is their class; samples of no class (all-zero truth) don't count.

    A single output is a yes/no answer: right when it is on the same side of 0.5 as its truth.
    """
    if targets.shape[1] == 1:
        if len(targets) == 0:
            return None
        return float(((outputs[:, 0] >= 0.5) == (targets[:, 0] >= 0.5)).mean())
    has_class = _has_class(targets)
    if not has_class.any():
        return None
    right = outputs[has_class].argmax(axis=1) == targets[has_class].argmax(axis=1)
    return float(right.mean())


def confusion_matrix(
    outputs: Array, targets: Array, classes: Array, labels: list[str]
) -> tuple[Array, list[str]]:
    """How often each true class got each answer: (counts, the classes' names), row = truth, column = answer.

    Many outputs: the answer is the largest output, and samples of no class (``classes`` < 0) are left out.
    A single output is a yes/no answer (as :func:`accuracy` reads it): two classes, "not <label>" and
    "<label>", by which side of 0.5 the truth and the output are on.
    """
    if targets.shape[1] == 1:
        name = labels[0] if labels else "yes"
        counts = np.zeros((2, 2), dtype=np.int64)
        truth = (targets[:, 0] >= 0.5).astype(np.intp)
        answer = (outputs[:, 0] >= 0.5).astype(np.intp)
        np.add.at(counts, (truth, answer), 1)
        return counts, [f"not {name}", name]
    k = targets.shape[1]
    counts = np.zeros((k, k), dtype=np.int64)
    known = classes >= 0
    np.add.at(counts, (classes[known], outputs[known].argmax(axis=1)), 1)
    return counts, list(labels)


def evaluate(
    plan: Plan, inputs: Array, targets: Array, loss: Loss, batch: int = 1024
) -> tuple[float, float | None, Array]:
    """Mean loss, accuracy and all outputs over a dataset, in batches so memory stays bounded."""
    outs = []
    for start in range(0, len(inputs), batch):
        outs.append(plan.forward(inputs[start : start + batch]).output)
    out = np.concatenate(outs) if outs else np.zeros((0, plan.n_outputs), dtype=plan.dtype)
    t = np.asarray(targets, dtype=plan.dtype)
    return loss.value(out, t) if len(out) else float("nan"), accuracy(out, t), out


def train(
    plan: Plan,
    inputs: Array,
    targets: Array,
    settings: TrainSettings,
    *,
    test: tuple[Array, Array] | None = None,
    initialise_first: bool = False,
    measure_epochs: bool = True,
) -> Iterator[Progress]:
    """Train ``plan`` in place, yielding a :class:`Step` after every step and an :class:`EpochEnd` per epoch.

    With ``measure_epochs`` each epoch ends with a pass over the whole training set for its accuracy (and
    over ``test`` if given); without it, :attr:`EpochEnd.accuracy` is None and only the running loss is kept.

    Stop it between steps by closing the generator (or simply no longer iterating). The plan holds the
    newest weights at every yield; copy them if they must outlive the next step. The run owns the plan's
    weights until it ends: it keeps a bound on their length from step to step (see :func:`_apply_update`),
    so weights written into the plan from outside meanwhile would escape its overflow check.
    """
    settings.validate()
    x = np.ascontiguousarray(inputs, dtype=plan.dtype)
    y = np.ascontiguousarray(targets, dtype=plan.dtype)
    if x.ndim != 2 or x.shape[1] != plan.n_inputs:
        raise TrainingError(
            f"the network takes {plan.n_inputs} inputs but the data has samples of shape {x.shape[1:]}"
        )
    if y.ndim != 2 or y.shape[1] != plan.n_outputs:
        raise TrainingError(
            f"the network has {plan.n_outputs} outputs but the data has targets of shape {y.shape[1:]}"
        )
    if len(x) != len(y) or len(x) == 0:
        raise TrainingError("the data needs at least one sample, with one target row per input row")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise TrainingError("the data holds values that are not finite numbers")
    loss = LOSSES[settings.loss]
    if initialise_first:
        initialise(plan, settings.init, settings.seed)
    rng = np.random.default_rng(settings.seed)
    params = plan.flat
    mask = plan.flat_trainable
    l1 = plan.dtype.type(settings.l1)
    l2 = plan.dtype.type(settings.l2)
    penalised = penalised_weights(plan).copy() if (l1 or l2) else None
    l2_mask = penalised.astype(plan.dtype) if l2 else None
    if l1:
        # Weights that die under L1 leave training for good: the run keeps its own copy of the mask.
        mask = np.ones_like(params) if mask is None else mask.copy()
    grad = np.zeros_like(params)
    velocity = np.zeros_like(params) if settings.momentum else None
    last_good = np.empty_like(params)
    with np.errstate(all="ignore"):
        squares = float(np.dot(params, params))
    bound = math.sqrt(squares) if math.isfinite(squares) else math.inf
    # 0-d arrays rather than numpy scalars: numpy converts a scalar operand on every call.
    lr = np.array(settings.learning_rate, plan.dtype)
    mu = np.array(settings.momentum, plan.dtype)
    batch = settings.batch_size
    n = len(x)
    # A plain stack of layers runs a step with every array made once (one per batch size: the last batch of
    # an epoch may be shorter); any other network through the plan's forward and backward.
    rows = TrainingRows(x, y, plan.dtype) if stacked(plan) else None
    stack_steps: dict[int, StackStep] = {}
    step = 0
    seen = 0
    for epoch in range(1, settings.epochs + 1):
        order = rng.permutation(n) if settings.shuffle else np.arange(n)
        epoch_loss = 0.0
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            size = len(idx)
            step += 1
            seen += size
            # Overflow is expected on a diverging run and handled here; numpy need not warn about it.
            with np.errstate(all="ignore"):
                if rows is not None:
                    runner = stack_steps.get(size)
                    if runner is None:
                        runner = stack_steps[size] = StackStep(plan, loss, size, rows, grad)
                    batch_loss, per_sample = runner.run(idx)
                else:
                    # take() gathers rows faster than fancy indexing; a shuffled copy per epoch costs more.
                    fw = plan.forward(x.take(idx, axis=0))
                    grads = plan.backward(fw, y.take(idx, axis=0), loss, out=grad)
                    batch_loss, per_sample = grads.loss, grads.per_sample
                if l2_mask is not None:
                    grad += l2 * params * l2_mask
                bad, bound = _apply_update(params, grad, velocity, mask, lr, mu, batch_loss, bound, last_good)
                if l1 and not bad:
                    _shrink_l1(params, lr * l1, penalised, mask, velocity)
            if bad:
                yield Diverged(epoch, step, bad)
                return
            epoch_loss += batch_loss * size
            yield Step(epoch, step, seen, batch_loss, per_sample, idx)
        acc = None
        train_loss = epoch_loss / n
        test_loss = test_acc = None
        if test is not None:
            test_loss, test_acc, _ = evaluate(plan, test[0], test[1], loss)
        fit_loss = None
        if measure_epochs:
            fit_loss, acc, _ = evaluate(plan, x, y, loss)
        yield EpochEnd(epoch, step, train_loss, acc, test_loss, test_acc, fit_loss)


@dataclass(frozen=True, slots=True)
class Fit:
    """How well a network fits its training data: the mean loss and, for classes, the share right."""

    loss: float
    accuracy: float | None


def measure_fit(plan: Plan, inputs: Array, targets: Array, loss_name: str) -> Fit:
    with np.errstate(all="ignore"):
        loss, accuracy, _ = evaluate(plan, np.asarray(inputs), np.asarray(targets), LOSSES[loss_name])
    return Fit(loss, accuracy)


# A run "made the network worse" when its error on the training data ends this many times higher than it
# started, or its accuracy this much lower: far beyond the noise of a run that merely did not help.
WORSE_LOSS_FACTOR = 1.5
WORSE_ACCURACY_DROP = 0.2


def worse_after_training(before: Fit, after: Fit, learning_rate: float, *, undo: bool = True) -> str | None:
    """What to tell a person whose run ended much worse than it started, or None.

    A learning rate far too high can wreck a network without ever overflowing: the weights swing to huge
    values, every sigmoid saturates, and the answers become constant. Nothing is not a number, yet the
    accuracy falls to chance. Saying so, with what to do, is better than a quiet "finished".
    """
    loss_worse = math.isfinite(before.loss) and (
        not math.isfinite(after.loss) or after.loss > before.loss * WORSE_LOSS_FACTOR + 1e-12
    )
    accuracy_worse = (
        before.accuracy is not None
        and after.accuracy is not None
        and after.accuracy < before.accuracy - WORSE_ACCURACY_DROP
    )
    if not (loss_worse or accuracy_worse):
        return None
    what = f"its error on the training data went from {before.loss:.3g} to {after.loss:.3g}"
    if accuracy_worse:
        what += f" and its accuracy from {before.accuracy:.0%} to {after.accuracy:.0%}"
    remedy = "undo the run" if undo else "train the original again"
    return (
        f"Training made the network worse: {what}. The learning rate {learning_rate:g} is probably too high;"
        f" {remedy} with a smaller one, such as {learning_rate / 100:g}."
    )
