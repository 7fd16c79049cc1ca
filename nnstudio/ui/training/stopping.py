"""When a run stops: after its epochs, or earlier once the error falls to a target or the accuracy rises to one.

The epochs always bound the run; a target ends it at the first epoch whose end reaches it. The error is the
epoch's mean error on the training samples (the orange points of the error plot), the accuracy the share of
the training samples answered right after the epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnstudio.engine.train import EpochEnd

EPOCHS, TARGET_ERROR, TARGET_ACCURACY = "epochs", "error", "accuracy"
# Short, to fit a narrow dock: they follow the row's label "Stop when".
STOP_KINDS = {
    EPOCHS: "epochs are done",
    TARGET_ERROR: "error at most",
    TARGET_ACCURACY: "accuracy at least",
}


@dataclass(frozen=True, slots=True)
class StopCondition:
    """``kind`` is :data:`EPOCHS`, :data:`TARGET_ERROR` or :data:`TARGET_ACCURACY`; ``target`` an error, or
    an accuracy as a share (0.95 for 95%)."""

    kind: str = EPOCHS
    target: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in STOP_KINDS:
            raise ValueError(f"unknown stop condition {self.kind!r}; known: {', '.join(STOP_KINDS)}")
        if not math.isfinite(self.target) or self.target < 0:
            raise ValueError("the stop target must be zero or a positive number")
        if self.kind == TARGET_ACCURACY and self.target > 1:
            raise ValueError("a target accuracy is a share from 0 to 1 (0.95 for 95%)")

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
