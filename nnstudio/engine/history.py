"""A training run's history: the weights it passed through, kept as flat parameter vectors to look back at.

A run records its starting weights, then a snapshot now and then (every ``interval`` steps, and at the end of
every ``epoch_stride``-th epoch), then its final weights. Memory stays bounded: when the snapshots would
exceed the budget (a count, and bytes), every second one between the first and the last is dropped and the
intervals double, so the ones kept stay evenly spread over the run and the later ones arrive as sparsely as
the earlier ones were left. The first (the starting weights) and the last are always kept.

Each snapshot is a copy of a plan's flat buffer (:attr:`nnstudio.engine.plan.Plan.flat`): put it back with
:meth:`~nnstudio.engine.plan.Plan.restore`, or carry it into a network with
:meth:`~nnstudio.engine.parameters.ParameterSnapshot.from_plan`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .train import EpochEnd, Progress, Step, TrainSettings

Array = np.ndarray

# At most this many snapshots, and at most this many bytes of them (whichever allows fewer).
MAX_SNAPSHOTS = 200
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The weights after ``step`` steps (0: before the first), in ``epoch``, with the error then."""

    epoch: int
    step: int
    # The error of the step just taken (at an epoch's end: the epoch's mean error); NaN before any step.
    loss: float
    parameters: Array
    epoch_end: bool = False
    accuracy: float | None = None
    # At an epoch's end with a held-out test set: its error then.
    test_loss: float | None = None


@dataclass
class RunHistory:
    """The snapshots of one run, in step order. ``structure_revision`` names the network structure the
    parameter vectors belong to (a snapshot cannot be shown on a network whose structure changed since)."""

    n_parameters: int
    structure_revision: int = -1
    settings: TrainSettings | None = None
    # What the run trained on (a dataset name or path), so it can be run again the same way.
    data_spec: str = ""
    max_snapshots: int = MAX_SNAPSHOTS
    max_bytes: int = MAX_BYTES
    # Bytes per parameter value (a float32 plan: 4).
    itemsize: int = 4
    interval: int = 1
    epoch_stride: int = 1
    snapshots: list[Snapshot] = field(default_factory=list)
    finished: bool = False

    def __post_init__(self) -> None:
        self.capacity = snapshot_capacity(
            self.n_parameters, self.max_snapshots, self.max_bytes, self.itemsize
        )

    # ------------------------------------------------------------------ recording
    def plan_intervals(self, total_steps: int, epochs: int) -> None:
        """Spread the snapshots of a run of ``total_steps`` steps over ``epochs`` epochs so that about the
        whole budget is used without thinning: every epoch's end (at most half the budget), the rest for
        steps in between."""
        room = max(2, self.capacity - 2)
        epoch_slots = max(1, min(epochs, room // 2))
        self.epoch_stride = max(1, math.ceil(epochs / epoch_slots))
        self.interval = max(1, math.ceil(total_steps / max(1, room - epoch_slots)))

    def start(self, parameters: Array) -> None:
        """The weights the run starts from (step 0)."""
        self.snapshots = [Snapshot(0, 0, float("nan"), np.array(parameters, copy=True))]
        self.finished = False

    def due(self, step: int) -> bool:
        """Whether the weights after ``step`` should be kept (cheap: ask before copying them)."""
        return step % self.interval == 0

    def epoch_due(self, epoch: int) -> bool:
        return epoch % self.epoch_stride == 0

    def record(
        self,
        epoch: int,
        step: int,
        loss: float,
        parameters: Array,
        *,
        epoch_end: bool = False,
        accuracy: float | None = None,
        test_loss: float | None = None,
    ) -> None:
        """Keep a copy of ``parameters`` as the weights after ``step``; a second record of the same step (an
        epoch's end after its last step) replaces the first, so each step is kept once."""
        if not self.snapshots:
            raise ValueError("the run's starting weights must be recorded first (start)")
        if len(parameters) != self.n_parameters:
            raise ValueError(f"expected {self.n_parameters} parameters, got {len(parameters)}")
        snapshot = Snapshot(
            epoch, step, float(loss), np.array(parameters, copy=True), epoch_end, accuracy, test_loss
        )
        last = self.snapshots[-1]
        if step < last.step:
            raise ValueError(f"step {step} comes before the last recorded step {last.step}")
        if step == last.step and step > 0:
            self.snapshots[-1] = snapshot
        else:
            self.snapshots.append(snapshot)
        while len(self.snapshots) > self.capacity:
            self._thin()

    def observe(self, item: Progress, parameters: Array) -> None:
        """Follow the trainer: keep ``parameters`` (the plan's flat buffer, copied only when due) after a
        :class:`~nnstudio.engine.train.Step` or an :class:`~nnstudio.engine.train.EpochEnd` that is due."""
        if isinstance(item, Step):
            if self.due(item.step):
                self.record(item.epoch, item.step, item.loss, parameters)
        elif isinstance(item, EpochEnd) and self.epoch_due(item.epoch):
            self.record(
                item.epoch,
                item.step,
                item.loss,
                parameters,
                epoch_end=True,
                accuracy=item.accuracy,
                test_loss=item.test_loss,
            )

    def finish(self, epoch: int, step: int, loss: float, parameters: Array) -> None:
        """The weights the run ended with: always the last snapshot."""
        last = self.snapshots[-1] if self.snapshots else None
        if last is not None and last.step == step and np.array_equal(last.parameters, parameters):
            self.finished = True
            return
        keep_end = last is not None and last.step == step and last.epoch_end
        self.record(epoch, step, loss, parameters, epoch_end=keep_end)
        self.finished = True

    def _thin(self) -> None:
        """Drop every second snapshot between the first and the last; later ones come half as often."""
        inner = self.snapshots[1:-1]
        self.snapshots = [self.snapshots[0], *inner[1::2], self.snapshots[-1]]
        self.interval *= 2
        self.epoch_stride *= 2

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self.snapshots)

    def __getitem__(self, index: int) -> Snapshot:
        return self.snapshots[index]

    def __iter__(self) -> Iterator[Snapshot]:
        return iter(self.snapshots)

    @property
    def initial(self) -> Snapshot:
        return self.snapshots[0]

    @property
    def last(self) -> Snapshot:
        return self.snapshots[-1]

    @property
    def nbytes(self) -> int:
        return sum(s.parameters.nbytes for s in self.snapshots)

    def at_epoch(self, epoch: int) -> Snapshot | None:
        """The snapshot taken at the end of ``epoch`` (0: the start), or None when it was not kept."""
        if epoch == 0:
            return self.initial
        for snapshot in self.snapshots:
            if snapshot.epoch == epoch and snapshot.epoch_end:
                return snapshot
        return None

    def nearest(self, step: float) -> int:
        """The index of the snapshot whose step is nearest to ``step``."""
        steps = np.array([s.step for s in self.snapshots], dtype=np.float64)
        return int(np.argmin(np.abs(steps - step)))


def snapshot_capacity(
    n_parameters: int, max_snapshots: int = MAX_SNAPSHOTS, max_bytes: int = MAX_BYTES, itemsize: int = 4
) -> int:
    """How many snapshots of ``n_parameters`` values of ``itemsize`` bytes fit the budget (never fewer than 2:
    the first and the last are always kept)."""
    per_snapshot = max(1, n_parameters) * itemsize
    return max(2, min(max_snapshots, max_bytes // per_snapshot))
