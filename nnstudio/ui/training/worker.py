"""The training worker: the engine's ``train`` generator on a thread of its own, sending paced copies.

The worker trains its OWN plan (compiled from a copy of the network), so the window's plan and network are
never touched from the worker thread. Between steps it checks a stop flag and a pause flag; every ~1/30 s it
emits a :class:`TrainingUpdate` whose arrays are fresh copies the worker never writes again.

Every signal carries the run number the worker was started with, so a controller can ignore messages of a
run it already gave up (queued signals may still arrive after it stopped listening).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from nnstudio.engine.history import RunHistory
from nnstudio.engine.parameters import parameter_views
from nnstudio.engine.plan import Plan
from nnstudio.engine.stopping import StopCondition
from nnstudio.engine.train import Diverged, EpochEnd, Fit, Step, TrainSettings, measure_fit, train

Array = np.ndarray

# At most this many updates a second reach the window: painting shares the GIL with training.
UPDATES_PER_SECOND = 30.0
# While a run goes, a thread waiting for the GIL (the window, to draw) gets it within this many seconds.
# Small numpy calls never release it, and by default the waiting thread would wait the interpreter's whole
# switch interval (5 ms) every time. A shorter interval costs nothing while no thread waits, unlike giving
# the GIL away by hand every millisecond (time.sleep(0) takes ~80 us: 8% of a small network's training).
SWITCH_INTERVAL = 0.001
# A hold (the window drawing a frame) never keeps training waiting longer than this.
HOLD_LIMIT = 0.25
# A paced run sleeps in slices this long at most, so a pause or a stop still takes effect at once.
PACE_SLICE = 0.05


_switching = threading.Lock()
_runs_switching = 0
_interval_before = 0.005


@contextlib.contextmanager
def _quick_switches() -> Iterator[None]:
    """The GIL changes hands within SWITCH_INTERVAL while any run goes, and as before once none does."""
    global _runs_switching, _interval_before
    with _switching:
        if _runs_switching == 0:
            _interval_before = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        _runs_switching += 1
    try:
        yield
    finally:
        with _switching:
            _runs_switching -= 1
            if _runs_switching == 0:
                sys.setswitchinterval(_interval_before)


def paced_wait(seen: int, total: int, elapsed: float, seconds: float | None) -> float:
    """How long to wait before the next step, so that a run of ``total`` samples spread over ``seconds``
    has seen no more than its share by now (0 when it is behind, or when ``seconds`` is None: no pace)."""
    if seconds is None or seconds <= 0 or total <= 0:
        return 0.0
    return max(0.0, seconds * seen / total - elapsed)


@dataclass(frozen=True, slots=True)
class TrainingUpdate:
    """A paced progress report. Every array is a copy made for this report alone.

    ``losses`` holds the loss of every step since the previous report, the last one being step ``step``.
    ``parameters`` is the plan's parameter list (weights per block, then biases per level) after that step;
    ``flat`` the same values as one array laid out like the plan's flat buffer (``parameters`` are views of
    it), which the window's plan takes in one copy.
    """

    run: int
    parameters: list[Array]
    losses: Array
    epoch: int
    epochs: int
    step: int
    samples_seen: int
    samples_per_second: float
    fraction: float
    elapsed: float
    flat: Array | None = None

    @property
    def first_step(self) -> int:
        return self.step - len(self.losses) + 1

    @property
    def seconds_left(self) -> float | None:
        if self.fraction <= 0:
            return None
        return max(0.0, self.elapsed * (1.0 - self.fraction) / self.fraction)


class TrainingWorker(QObject):
    """Runs :func:`nnstudio.engine.train.train` on its own plan; lives on a QThread (``moveToThread``).

    Signals (each carries the run number first):
    - ``progress(run, TrainingUpdate)``: at most :data:`UPDATES_PER_SECOND` a second, and once at the end.
    - ``epochEnded(run, EpochEnd)``: after every epoch, with training (and test) loss and accuracy.
    - ``diverged(run, Diverged)``: a NaN or Inf stopped training; the plan holds the last good weights.
    - ``finished(run, outcome)``: the run is over: ``"completed"``, ``"reached"`` (its stop condition met,
      :attr:`reached` the epoch that met it), ``"stopped"`` or ``"diverged"``. :attr:`final_parameters`
      holds the weights it ended with.
    - ``failed(run, message)``: the run could not go on (bad settings or data, or an unexpected error).

    :meth:`stop`, :meth:`pause` and :meth:`resume` only set flags, so they are safe to call from the GUI
    thread while :meth:`run` is busy; a stop takes effect before the next batch.

    With a :class:`~nnstudio.engine.history.RunHistory`, the worker records the run's weights into it as it
    goes (read it only once the run is over).
    """

    progress = Signal(int, object)
    epochEnded = Signal(int, object)
    diverged = Signal(int, object)
    finished = Signal(int, str)
    failed = Signal(int, str)

    def __init__(
        self,
        run: int,
        plan: Plan,
        inputs: Array,
        targets: Array,
        settings: TrainSettings,
        test: tuple[Array, Array] | None = None,
        updates_per_second: float = UPDATES_PER_SECOND,
        pace_seconds: float | None = None,
        history: RunHistory | None = None,
        stop_when: StopCondition | None = None,
    ) -> None:
        super().__init__()
        self.run_number = run
        self.plan = plan
        self.inputs = inputs
        self.targets = targets
        self.settings = settings
        self.test = test
        self.interval = 1.0 / updates_per_second
        # When set, the run takes at least this long: a short run is spread out so it can be watched.
        self.pace_seconds = pace_seconds
        self.final_parameters: list[Array] | None = None
        self.history = history
        self.stop_when = stop_when
        # The epoch end that met the stop condition, when one did.
        self.reached: EpochEnd | None = None
        # How well the network fit its training data before the run and after it (None until measured).
        self.fit_before: Fit | None = None
        self.fit_after: Fit | None = None
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._free = threading.Event()
        self._free.set()

    # ------------------------------------------------------------------ control, from any thread
    @Slot()
    def stop(self) -> None:
        self._stop.set()
        # A paused or held run must wake up to notice the stop.
        self._running.set()
        self._free.set()

    def hold(self) -> None:
        """Wait before the next step until :meth:`release` (at most :data:`HOLD_LIMIT`): the window is drawing
        a frame and gets the GIL and the CPU to itself, so the frame is short."""
        self._free.clear()

    def release(self) -> None:
        self._free.set()

    @Slot()
    def pause(self) -> None:
        self._running.clear()

    @Slot()
    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # ------------------------------------------------------------------ the loop, on the worker thread
    @Slot()
    def run(self) -> None:
        run = self.run_number
        try:
            with _quick_switches():
                outcome = self._train()
        except Exception as exc:  # noqa: BLE001 - reported to the window, never lost in a thread
            self.final_parameters = self.plan.copy_parameters()
            self.failed.emit(run, f"training stopped with an error: {exc}")
        else:
            self.final_parameters = self.plan.copy_parameters()
            self.finished.emit(run, outcome)
        finally:
            # Hand the object back to the GUI thread so its deletion is an ordinary deleteLater there.
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())

    def _train(self) -> str:
        run = self.run_number
        settings = self.settings
        n = len(self.inputs)
        total_samples = settings.epochs * n
        recent: list[float] = []
        started = time.perf_counter()
        paused_for = 0.0
        last_emit = started
        free = self._free
        epoch = 0
        step = 0
        seen = 0
        last_loss = float("nan")
        history = self.history
        stop_when = self.stop_when

        def emit(now: float) -> None:
            nonlocal recent, last_emit
            active = max(now - started - paused_for, 1e-9)
            flat = self.plan.snapshot()
            update = TrainingUpdate(
                run=run,
                parameters=parameter_views(self.plan, flat),
                losses=np.array(recent, dtype=np.float64),
                epoch=epoch,
                epochs=settings.epochs,
                step=step,
                samples_seen=seen,
                samples_per_second=seen / active,
                fraction=min(1.0, seen / total_samples),
                elapsed=active,
                flat=flat,
            )
            recent = []
            last_emit = now
            self.progress.emit(run, update)

        outcome = "completed"
        self.fit_before = measure_fit(self.plan, self.inputs, self.targets, settings.loss)
        if history is not None:
            batches = -(-n // settings.batch_size)
            history.plan_intervals(settings.epochs * batches, settings.epochs)
            history.start(self.plan.flat)
        generator = train(self.plan, self.inputs, self.targets, settings, test=self.test)
        last_end: EpochEnd | None = None
        try:
            for item in generator:
                if isinstance(item, Step):
                    epoch, step, seen = item.epoch, item.step, item.samples_seen
                    last_loss = item.loss
                    recent.append(item.loss)
                    if history is not None:
                        history.observe(item, self.plan.flat)
                elif isinstance(item, EpochEnd):
                    last_end = item
                    if history is not None:
                        history.observe(item, self.plan.flat)
                    self.epochEnded.emit(run, item)
                    if stop_when is not None and stop_when.met(item):
                        self.reached = item
                        outcome = "reached"
                        break
                elif isinstance(item, Diverged):
                    # The plan holds the weights after the last good step again.
                    if history is not None:
                        history.finish(epoch, step, last_loss, self.plan.flat)
                    epoch, step = item.epoch, item.step
                    self.diverged.emit(run, item)
                    outcome = "diverged"
                    break
                if not self._running.is_set():
                    if recent:
                        emit(time.perf_counter())
                    pause_start = time.perf_counter()
                    self._running.wait()
                    paused_for += time.perf_counter() - pause_start
                if not free.is_set():
                    free.wait(HOLD_LIMIT)
                self._keep_pace(seen, total_samples, started, paused_for)
                if self._stop.is_set():
                    outcome = "stopped"
                    break
                now = time.perf_counter()
                if now - last_emit >= self.interval:
                    emit(now)
        finally:
            generator.close()
        if history is not None and not history.finished:
            history.finish(epoch, step, last_loss, self.plan.flat)
        if outcome in ("completed", "stopped", "reached"):
            if last_end is not None and last_end.step == step and last_end.fit_loss is not None:
                # The last epoch's end measured the whole training set with these very weights.
                self.fit_after = Fit(last_end.fit_loss, last_end.accuracy)
            else:
                self.fit_after = measure_fit(self.plan, self.inputs, self.targets, settings.loss)
        emit(time.perf_counter())
        return outcome

    def _keep_pace(self, seen: int, total: int, started: float, paused_for: float) -> None:
        """Sleep until this step's share of the paced time has passed (woken early by a stop or a pause)."""
        while not self._stop.is_set() and self._running.is_set():
            elapsed = time.perf_counter() - started - paused_for
            wait = paced_wait(seen, total, elapsed, self.pace_seconds)
            if wait <= 0:
                return
            self._stop.wait(min(wait, PACE_SLICE))
