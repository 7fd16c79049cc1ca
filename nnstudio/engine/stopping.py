"""When a run stops: after its epochs, or earlier once the error falls to a target or the accuracy rises to one.

The epochs always bound the run; a target ends it at the first epoch whose end reaches it. The error is the
epoch's mean error on the training samples (the orange points of the error plot), the accuracy the share of
the training samples answered right after the epoch.

A document keeps its stop condition with its other training settings (``TrainSettings.stop``), so the studio
and ``nnstudio train`` stop the same run at the same epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # train.py imports this module for TrainSettings.stop
    from .train import EpochEnd

EPOCHS, TARGET_ERROR, TARGET_ACCURACY = "epochs", "error", "accuracy"
# Short, to fit a narrow dock: they follow the row's label "Stop when".
STOP_KINDS = {
    EPOCHS: "epochs are done",
    TARGET_ERROR: "error at most",
    TARGET_ACCURACY: "accuracy at least",
}


def stop_problem(kind: object, target: object) -> str | None:
    """Why ``kind`` and ``target`` make no stop condition (one line for the person), or None when they do."""
    if not isinstance(kind, str) or kind not in STOP_KINDS:
        return f"unknown stop condition {kind!r}; known: {', '.join(STOP_KINDS)}"
    if isinstance(target, bool) or not isinstance(target, int | float):
        return f"the stop target must be a number, not {target!r}"
    if not math.isfinite(target) or target < 0:
        return f"the stop target must be zero or a positive number, not {target:g}"
    if kind == EPOCHS and target != 0:
        return f"a run that stops after its epochs has no target (not {target:g}): leave the target out"
    if kind == TARGET_ACCURACY and target > 1:
        return (
            f"a target accuracy is a share from 0 to 1 (0.95 for 95%), not {target:g}: "
            f"no run gets more than 100% of the samples right"
        )
    return None


@dataclass(frozen=True, slots=True)
class StopCondition:
    """``kind`` is :data:`EPOCHS`, :data:`TARGET_ERROR` or :data:`TARGET_ACCURACY`; ``target`` an error, or
    an accuracy as a share (0.95 for 95%); 0 after the epochs. Raises ValueError saying what is wrong."""

    kind: str = EPOCHS
    target: float = 0.0

    def __post_init__(self) -> None:
        problem = stop_problem(self.kind, self.target)
        if problem is not None:
            raise ValueError(problem)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> StopCondition:
        """The condition a ``{"kind": ..., "target": ...}`` mapping describes. Raises ValueError."""
        unknown = set(data) - {"kind", "target"}
        if unknown:
            raise ValueError(f"a stop condition has a kind and a target, not {', '.join(sorted(unknown))}")
        return cls(data.get("kind", EPOCHS), data.get("target", 0.0))  # type: ignore[arg-type]

    def text(self) -> str:
        """The condition in words: ``after the epochs``, ``at an error of 0.01``, ``at 95% right``."""
        if self.kind == TARGET_ERROR:
            return f"at an error of {self.target:g}"
        if self.kind == TARGET_ACCURACY:
            return f"at {_percent(self.target)} right"
        return "after the epochs"

    def met(self, item: EpochEnd) -> bool:
        """Whether the run has reached its target at this epoch's end (never, for :data:`EPOCHS`)."""
        if self.kind == TARGET_ERROR:
            return math.isfinite(item.loss) and item.loss <= self.target
        if self.kind == TARGET_ACCURACY:
            return item.accuracy is not None and item.accuracy >= self.target - 1e-12
        return False

    def reached_text(self, item: EpochEnd) -> str:
        """What was reached, for the person: ``the error 0.0093 reached the target 0.01``."""
        if self.kind == TARGET_ERROR:
            return f"the error {item.loss:.3g} reached the target {self.target:g}"
        if self.kind == TARGET_ACCURACY and item.accuracy is not None:
            return f"{item.accuracy:.0%} of the samples right reached the target {self.target:.0%}"
        return "the target was reached"


def _percent(share: float) -> str:
    """A share as a percentage without needless digits: 0.95 is ``95%``, 0.125 ``12.5%``."""
    return f"{share * 100:.4g}%"
