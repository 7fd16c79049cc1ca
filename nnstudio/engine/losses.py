"""Loss functions: the error of one answer against its truth, and its slope with respect to the answer.

Per-sample values are summed over the outputs (the seeds' "total"); a batch's loss is their mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# Cross-entropy takes log(answer); an answer of exactly 0 would give -inf, so it is held just above.
_TINY = 1e-12


@dataclass(frozen=True, slots=True)
class Loss:
    name: str
    title: str
    formula: str
    # Per output: the error shown in the error table (same shape as the answer).
    elementwise: Callable[[Array, Array], Array]
    # d(per-sample loss)/d(answer), same shape as the answer.
    slope: Callable[[Array, Array], Array]
    # Optional: both at once, sharing work (a training step needs both; fewer numpy calls matter at batch 1).
    both: Callable[[Array, Array], tuple[Array, Array]] | None = None

    def per_sample(self, answer: Array, truth: Array) -> Array:
        return np.add.reduce(self.elementwise(answer, truth), axis=-1)

    def per_sample_and_slope(self, answer: Array, truth: Array) -> tuple[Array, Array]:
        if self.both is not None:
            return self.both(answer, truth)
        return self.per_sample(answer, truth), self.slope(answer, truth)

    def value(self, answer: Array, truth: Array) -> float:
        return float(self.per_sample(answer, truth).mean())


def _squared_both(answer: Array, truth: Array) -> tuple[Array, Array]:
    diff = answer - truth
    per_sample = np.add.reduce(diff * diff, axis=-1)
    diff *= 2
    return per_sample, diff


def _ce(answer: Array, truth: Array) -> Array:
    return -truth * np.log(np.clip(answer, _TINY, None))


def _ce_slope(answer: Array, truth: Array) -> Array:
    return -truth / np.clip(answer, _TINY, None)


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        Loss(
            "squared",
            "Squared error",
            "E = sum (truth - answer)^2",
            lambda a, t: (t - a) ** 2,
            lambda a, t: 2 * (a - t),
            _squared_both,
        ),
        Loss(
            "absolute",
            "Absolute error",
            "E = sum |truth - answer|",
            lambda a, t: np.abs(t - a),
            lambda a, t: np.sign(a - t),
        ),
        Loss("cross_entropy", "Cross-entropy (with softmax)", "E = -sum truth * log(answer)", _ce, _ce_slope),
    )
}


def loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise KeyError(f"unknown loss {name!r}; known: {', '.join(LOSSES)}") from None
