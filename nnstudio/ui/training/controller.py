"""The one owner of a training run: starts the worker thread, shows progress, ends it, records the undo step.

Everything about a run's life happens here, on the GUI thread: start (lock editing, compile a private plan,
start the thread), paced frames showing progress and the newest weights, pause, stop, the end (one
``SetAllParameters`` undo step holding the weights from before and after, unlock), and shutdown when the window
closes.

A run keeps its weights as it goes (a :class:`~nnstudio.engine.history.RunHistory`). Once it is over the
network can be shown as it was at any kept point (:meth:`show_snapshot`: no undo step, the present weights
come back with :meth:`end_preview`), that point kept (:meth:`restore_snapshot`: one undo step), or the run
started again from its first weights (``start(..., start_from=history.initial.parameters)``).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from nnstudio.data.dataset import Dataset
from nnstudio.engine.graph import GraphError
from nnstudio.engine.history import RunHistory, Snapshot
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.parameters import NetworkWriter, ParameterSnapshot
from nnstudio.engine.plan import Plan, compile_network
from nnstudio.engine.step import TrainingStepResult, training_step
from nnstudio.engine.stopping import StopCondition
from nnstudio.engine.train import (
    Diverged,
    EpochEnd,
    TrainingError,
    TrainSettings,
    counted_for_accuracy,
    initialise,
    worse_after_training,
)
from nnstudio.ui.commands import SetAllParameters
from nnstudio.ui.live import LiveNetwork

from .worker import UPDATES_PER_SECOND, TrainingUpdate, TrainingWorker

Array = np.ndarray

# A frame (new weights shown, every view's reaction, the plot, the repaints that follow) costs GUI time that
# training, sharing the GIL, then lacks. Frames take at most this share of the wall clock while a run goes as
# fast as it can: a small network is shown up to 30 times a second, a large one with a canvas less often. On
# digits a frame costs about 11 ms, so this is about 7 frames a second (benchmarks/ui_training.py, 120 epochs:
# 0.79 of the headless speed in the window, against 0.70-0.74 at a share of 0.15).
FRAME_TIME_SHARE = 0.08
# A run paced to be watched waits between its steps anyway: its frames may take this share.
PACED_FRAME_TIME_SHARE = 0.5
# ... but the plot and the canvas never wait longer than this for their next frame: one slow frame (the first
# paint on a busy machine, say) would otherwise hold the next back for 12 times as long.
MAX_FRAME_GAP = 0.5
# Data and weights frames alternate, each kind at most 30 times a second.
FRAMES_PER_SECOND = 2 * UPDATES_PER_SECOND
# A weights frame shows the newest weights through the window's plan (one float32 copy); writing them into
# the network's own float64 matrices too (what the inspector, a save and undo read) costs 3 ms more for
# 1.86M connections, and that write takes at most this share of the wall clock during a run: every frame for
# a small network, every second or two for 784-1024-1024-10. A paused run and its end write them at once.
NETWORK_WRITE_SHARE = 0.005
# ... but the network never lags the canvas by more than this many seconds while a run goes.
MAX_NETWORK_LAG = 2.0


def describe_mismatch(plan: Plan, data: Dataset) -> str | None:
    """Why ``data`` cannot train a network compiled to ``plan``, or None when it fits."""
    problems = []
    if data.n_inputs != plan.n_inputs:
        problems.append(f"its samples have {data.n_inputs} values but the network has {plan.n_inputs} inputs")
    if data.n_outputs != plan.n_outputs:
        problems.append(f"it has {data.n_outputs} classes but the network has {plan.n_outputs} outputs")
    if not problems:
        return None
    return (
        f"The dataset {data.name!r} does not fit this network: {' and '.join(problems)}. "
        f"Choose a dataset that matches, or change the network."
    )


def epochs_text(epochs: int) -> str:
    return f"{epochs} epoch" if epochs == 1 else f"{epochs} epochs"


class TrainingController(QObject):
    """Trains the bound document's network on a worker thread. Signals (all on the GUI thread):

    - ``runningChanged(bool)``: a run started, or ended in any way.
    - ``pausedChanged(bool)``
    - ``progress(TrainingUpdate)``: paced progress (step losses since the last one, newest weights, speed).
    - ``epochEnded(EpochEnd)``
    - ``frameReady()``: this frame's ``epochEnded`` and ``progress`` are out; views that batch redraw now.
    - ``ended(outcome, message)``: outcome ``"completed"``, ``"reached"`` (the stop condition ended it),
      ``"stopped"``, ``"diverged"`` or ``"failed"``; the message is for the user (for a divergence it names
      the step and suggests a lower learning rate).
    - ``historyChanged()``: a run's history is ready to look back at (:attr:`history`), or is gone.
    - ``previewChanged(int)``: the network shows the history's snapshot of that index, or (-1) its present
      weights again.
    - ``worsened(message)``: just before ``ended``, when the run left the network much worse than it found
      it (a learning rate far too high can do that without any number overflowing); one undo takes it back.
    - ``weightsRandomized()``: new random weights (plots clear).
    - ``stepped(TrainingStepResult)``: one hand-triggered training step was applied.

    While a run goes, everything the window shows of it happens in frames, paced by a timer: a *data* frame
    emits the collected epoch ends and step losses (one merged update) and ``frameReady``; a *weights* frame
    shows the newest weights through the live network's plan (:meth:`LiveNetwork.show_parameters`: the
    neurons and the canvas redraw) and now and then writes them into the network itself (see
    :data:`NETWORK_WRITE_SHARE`; a pause writes them at once, the end of the run with its undo step). The two
    kinds alternate, so no single frame holds the event loop for both. During a frame the worker holds still
    (:meth:`TrainingWorker.hold`) until the event loop has drawn it, so the frame runs at full speed instead
    of fighting training for the GIL. ``frame_count`` and ``display_count`` (weights frames) count them.
    """

    runningChanged = Signal(bool)
    pausedChanged = Signal(bool)
    progress = Signal(object)
    epochEnded = Signal(object)
    frameReady = Signal()
    ended = Signal(str, str)
    worsened = Signal(str)
    weightsRandomized = Signal()
    stepped = Signal(object)
    historyChanged = Signal()
    previewChanged = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._worker: TrainingWorker | None = None
        self._thread: QThread | None = None
        self._run = 0
        self._active_run: int | None = None
        self._settings: TrainSettings | None = None
        self._plan_layout: Plan | None = None
        self._writer: NetworkWriter | None = None
        # Every weight and bias as the run found them: what undo and a failed run go back to.
        self._before: ParameterSnapshot | None = None
        self._structure_revision = -1
        self._divergence: Diverged | None = None
        self._last_epoch = 0
        self._last_epoch_end: EpochEnd | None = None
        # (samples the share right counts, samples) of the run's training set.
        self._counted: tuple[int, int] = (0, 0)
        self._latest: TrainingUpdate | None = None
        self._pending_updates: list[TrainingUpdate] = []
        self._pending_epochs: list[EpochEnd] = []
        self._pending_weights: Array | None = None
        # The newest weights shown through the live plan and not yet written into the network.
        self._unwritten: Array | None = None
        self._network_written_at = 0.0
        self._network_write_cost = 0.0
        self._last_kind = "weights"
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._frame_timer.timeout.connect(self._show_frame)
        # Fires once the event loop has handled what a frame caused (repaints included): its full cost.
        self._settled_timer = QTimer(self)
        self._settled_timer.setSingleShot(True)
        self._settled_timer.timeout.connect(self._frame_settled)
        self._frame_started = 0.0
        self._last_frame = 0.0
        self._frame_cost = 0.0
        # The last run's history, the plan whose flat layout its snapshots have, and the run's stop rule.
        self.history: RunHistory | None = None
        self._history_layout: Plan | None = None
        # The network's exact weights at the start of the history's run (the snapshots are float32 copies).
        self._history_start: ParameterSnapshot | None = None
        self._run_start: ParameterSnapshot | None = None
        self._stop_when: StopCondition | None = None
        self._reached_item: EpochEnd | None = None
        # While a snapshot is shown: its index and the weights the network had (its present).
        self._preview_index: int | None = None
        self._present: ParameterSnapshot | None = None
        # The network's revision right after a snapshot was written: any other change moves it on.
        self._preview_revision = -1
        self.frame_count = 0
        self.display_count = 0
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------------ binding
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """Train this document from now on; a run on the previous document is stopped and recorded first."""
        if self.live is live and self.undo_stack is undo_stack:
            return
        self.shutdown()
        self.end_preview()
        self.live = live
        self.undo_stack = undo_stack
        self._set_history(None, None)

    # ------------------------------------------------------------------ state
    @property
    def running(self) -> bool:
        return self._worker is not None

    @property
    def paused(self) -> bool:
        return self._worker is not None and self._worker.paused

    @property
    def latest_update(self) -> TrainingUpdate | None:
        return self._latest

    @property
    def settings(self) -> TrainSettings | None:
        """The settings of the current (or last) run."""
        return self._settings

    # ------------------------------------------------------------------ starting
    def check(self, data: Dataset) -> str | None:
        """Why training on ``data`` cannot start now (nothing bound, network cannot run, wrong shape)."""
        if self.live is None or self.undo_stack is None:
            return "No document is open."
        if self.running:
            return "Training is already running."
        if self.live.plan is None:
            return f"The network cannot be trained yet: {self.live.problem}."
        if len(data) == 0:
            return f"The dataset {data.name!r} has no samples."
        return describe_mismatch(self.live.plan, data)

    def start(
        self,
        data: Dataset,
        settings: TrainSettings,
        test: Dataset | None = None,
        pace_seconds: float | None = None,
        *,
        stop_when: StopCondition | None = None,
        start_from: Array | None = None,
        data_spec: str = "",
    ) -> None:
        """Start training the bound network on ``data``. Raises :class:`TrainingError` (nothing changes).

        ``pace_seconds``: the run takes at least this long (a short run spread out to be watched); None
        trains as fast as possible. ``stop_when``: end the run early at a target (by default the settings'
        ``stop``). ``start_from``: the weights to start from (a flat vector like a history's snapshots)
        instead of the network's own. ``data_spec`` names the data in the run's history."""
        settings.validate()
        self.end_preview()
        problem = self.check(data)
        if problem is not None:
            raise TrainingError(problem)
        assert self.live is not None
        network = self.live.document.network
        try:
            plan = compile_network(network.copy())
        except GraphError as exc:
            raise TrainingError(f"The network cannot be trained: {exc}") from None
        if start_from is not None:
            if not self.history_usable() or len(start_from) != len(plan.flat):
                raise TrainingError(
                    "The run's first weights no longer fit this network: its structure changed since."
                )
            plan.restore(start_from)
        test_arrays = None
        if test is not None and describe_mismatch(plan, test) is None and len(test):
            test_arrays = (test.inputs, test.targets)
        self._run += 1
        self._active_run = self._run
        self._settings = settings
        self._counted = (counted_for_accuracy(np.asarray(data.targets)), len(data))
        self._plan_layout = plan
        self._writer = NetworkWriter(network, plan, self.live.plan)
        self._before = ParameterSnapshot.of(network)
        # A rerun starts from the same weights as the run it repeats.
        self._run_start = self._before if start_from is None else self._history_start
        self._structure_revision = network.structure_revision
        self._divergence = None
        self._last_epoch = 0
        self._last_epoch_end = None
        self._latest = None
        self._pending_updates = []
        self._pending_epochs = []
        self._pending_weights = None
        self._unwritten = None
        self._network_written_at = 0.0
        self._network_write_cost = 0.0
        self._last_kind = "weights"
        self._frame_cost = 0.0
        self._last_frame = 0.0
        if stop_when is None:
            stop_when = settings.stop
        self._stop_when = stop_when
        self._reached_item = None
        recording = RunHistory(
            len(plan.flat),
            structure_revision=network.structure_revision,
            settings=settings,
            data_spec=data_spec or data.name,
            itemsize=plan.flat.itemsize,
        )

        worker = TrainingWorker(
            self._run,
            plan,
            data.inputs,
            data.targets,
            settings,
            test_arrays,
            UPDATES_PER_SECOND,
            pace_seconds=pace_seconds,
            history=recording,
            stop_when=stop_when,
        )
        thread = QThread(self)
        thread.setObjectName(f"nnstudio-training-{self._run}")
        worker.moveToThread(thread)
        worker.progress.connect(self._on_progress)
        worker.epochEnded.connect(self._on_epoch_end)
        worker.diverged.connect(self._on_diverged)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        thread.started.connect(worker.run)
        self._worker = worker
        self._thread = thread
        self.live.set_locked(True)
        self.runningChanged.emit(True)
        thread.start()

    # ------------------------------------------------------------------ control
    def pause(self) -> None:
        """Pause the run; the network takes the newest weights it has shown (or has waiting) at once."""
        if self._worker is not None and not self._worker.paused:
            self._worker.pause()
            latest = self._pending_weights if self._pending_weights is not None else self._unwritten
            self._pending_weights = None
            if latest is not None:
                self._write_network(latest)
            self.pausedChanged.emit(True)

    def resume(self) -> None:
        if self._worker is not None and self._worker.paused:
            self._worker.resume()
            self.pausedChanged.emit(False)

    def set_pace(self, seconds: float | None) -> None:
        """Change the pace of the running run from its next step (None: as fast as possible)."""
        if self._worker is not None:
            self._worker.pace_seconds = seconds

    def stop(self) -> None:
        """Ask the run to stop; it ends within one batch and ``ended("stopped", ...)`` follows."""
        if self._worker is not None:
            was_paused = self._worker.paused
            self._worker.stop()
            if was_paused:
                self.pausedChanged.emit(False)

    def shutdown(self) -> None:
        """Stop a run without asking and wait for its thread to end (idempotent). The weights it reached are
        kept as one undo step, as with Stop."""
        if self._worker is None:
            return
        worker = self._worker
        self._release_thread()
        self._conclude("stopped", worker.final_parameters, None)

    def confirm_stop_for_close(self, parent: QWidget | None = None) -> bool:
        """When a run is going, ask whether to stop it; True (and the run stopped) if the window may close."""
        if not self.running:
            return True
        self.pause()
        answer = QMessageBox.question(
            parent,
            "Training is running",
            "Training is running. Stop it and close?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.resume()
            return False
        self.shutdown()
        return True

    # ------------------------------------------------------------------ hand-made changes
    def randomize(self, method: str, seed: int) -> None:
        """Draw new weights (one ``Randomize weights`` undo step); frozen weights keep their values."""
        live, stack = self._require_idle()
        if live.plan is None:
            raise TrainingError(f"The network has no weights to randomize yet: {live.problem}.")
        plan = compile_network(live.document.network.copy())
        initialise(plan, method, seed)
        network = live.document.network
        before, after = ParameterSnapshot.of(network), ParameterSnapshot.from_plan(network, plan)
        stack.push(SetAllParameters(network, before, after, "Randomize weights"))
        self.weightsRandomized.emit()

    def step_once(
        self,
        inputs: Array,
        truth: Array,
        loss: str,
        learning_rate: float,
        text: str = "Training step",
        *,
        l1: float = 0.0,
        l2: float = 0.0,
    ) -> TrainingStepResult:
        """One sample forward and backward, then one weight change ``-learning_rate * gradient`` (with the L1
        and L2 penalties' slopes) pushed as one undo step. Tiny, so it runs right here on the GUI thread;
        refused while a run is going."""
        live, stack = self._require_idle()
        if live.plan is None:
            raise TrainingError(f"The network cannot run: {live.problem}.")
        try:
            result = training_step(
                live.plan, live.document.network, inputs, truth, loss, learning_rate, l1=l1, l2=l2
            )
        except ValueError as exc:
            raise TrainingError(str(exc)) from None
        self.apply_step(result, text)
        return result

    def apply_step(self, result: TrainingStepResult, text: str = "Training step") -> None:
        """Push the weight change of a computed step as one undo step."""
        live, stack = self._require_idle()
        stack.push(SetAllParameters(live.document.network, result.before, result.after, text))
        self.stepped.emit(result)

    def _require_idle(self) -> tuple[LiveNetwork, QUndoStack]:
        if self.live is None or self.undo_stack is None:
            raise TrainingError("No document is open.")
        if self.running:
            raise TrainingError("Training is running; stop it first.")
        self.end_preview()
        return self.live, self.undo_stack

    # ------------------------------------------------------------------ looking back at a run
    def history_usable(self) -> bool:
        """Whether the last run's history can be shown on the network (its structure is still the same)."""
        live, history = self.live, self.history
        return (
            live is not None
            and history is not None
            and self._history_layout is not None
            and len(history) > 0
            and live.document.network.structure_revision == history.structure_revision
        )

    @property
    def preview_index(self) -> int | None:
        """The index of the snapshot the network shows now, or None when it shows its present weights."""
        self.notice_changes()
        return self._preview_index

    def notice_changes(self) -> None:
        """An edit or an undo while a snapshot was shown started from what was shown: that is the network's
        present now, and no snapshot is shown any more (``previewChanged(-1)``)."""
        if self._present is None or self.live is None:
            return
        if self.live.document.network.revision != self._preview_revision:
            self._present = None
            self._preview_index = None
            self.previewChanged.emit(-1)

    def show_snapshot(self, index: int) -> Snapshot:
        """Show the network as it was at the history's snapshot ``index``: no undo step; the present weights
        are kept aside, and come back with :meth:`end_preview`. Raises :class:`TrainingError`."""
        if self.running:
            raise TrainingError("Training is running; look back once it has ended.")
        if not self.history_usable():
            raise TrainingError("There is no run to look back at: train first (after the last change).")
        assert self.live is not None and self.history is not None and self._history_layout is not None
        if not 0 <= index < len(self.history):
            raise TrainingError(f"The run kept {len(self.history)} points; there is no point {index + 1}.")
        network = self.live.document.network
        self.notice_changes()
        if self._present is None:
            self._present = ParameterSnapshot.of(network)
        snapshot = self.history[index]
        start = self._history_start
        if index == 0 and start is not None and start.structure_revision == network.structure_revision:
            start.restore(network)  # every digit of the start, not its float32 copy
        else:
            self._history_layout.write_back(network, snapshot.parameters, self.live.plan)
        self._preview_revision = network.revision
        self._preview_index = index
        self.previewChanged.emit(index)
        return snapshot

    def end_preview(self) -> None:
        """Show the network's present weights again (no undo step), if a snapshot is shown."""
        self.notice_changes()
        present = self._present
        if present is None:
            return
        self._present = None
        self._preview_index = None
        if (
            self.live is not None
            and self.live.document.network.structure_revision == present.structure_revision
        ):
            present.restore(self.live.document.network)
        self.previewChanged.emit(-1)

    def restore_snapshot(self, index: int | None = None) -> Snapshot:
        """Make the snapshot ``index`` (default: the one shown) the network's weights: one undo step."""
        live, stack = self.live, self.undo_stack
        if live is None or stack is None:
            raise TrainingError("No document is open.")
        if index is None:
            index = self._preview_index
        if index is None:
            raise TrainingError("Drag the timeline to a point of the run first.")
        snapshot = self.show_snapshot(index)
        assert self._present is not None and self._history_layout is not None
        network = live.document.network
        before = self._present
        after = ParameterSnapshot.of(network)
        self._present = None
        self._preview_index = None
        if not after.same_as(before):
            stack.push(SetAllParameters(network, before, after, f"Go back to {snapshot_name(snapshot)}"))
        self.previewChanged.emit(-1)
        return snapshot

    def _set_history(
        self, history: RunHistory | None, layout: Plan | None, start: ParameterSnapshot | None = None
    ) -> None:
        self.history = history
        self._history_layout = layout
        self._history_start = start
        self.historyChanged.emit()

    # ------------------------------------------------------------------ messages from the worker
    @Slot(int, object)
    def _on_progress(self, run: int, update: TrainingUpdate) -> None:
        if run != self._active_run:
            return
        self._pending_updates.append(update)
        layout = self._plan_layout
        if update.flat is not None:
            self._pending_weights = update.flat
        elif layout is not None:
            self._pending_weights = layout.flat_from(update.parameters)
        self._schedule_frame()

    @Slot(int, object)
    def _on_epoch_end(self, run: int, item: EpochEnd) -> None:
        if run != self._active_run:
            return
        self._last_epoch = item.epoch
        self._last_epoch_end = item
        self._pending_epochs.append(item)
        self._schedule_frame()

    @Slot(int, object)
    def _on_diverged(self, run: int, item: Diverged) -> None:
        if run == self._active_run:
            self._divergence = item

    @Slot(int, str)
    def _on_finished(self, run: int, outcome: str) -> None:
        if run != self._active_run or self._worker is None:
            return
        worker = self._worker
        self._release_thread()
        settings = self._settings
        warning = None
        if worker.fit_before is not None and worker.fit_after is not None and settings is not None:
            warning = worse_after_training(worker.fit_before, worker.fit_after, settings.learning_rate)
        self._reached_item = worker.reached
        history, layout = worker.history, self._plan_layout
        if history is not None and history.finished and len(history) > 1 and layout is not None:
            # Before the run's end is announced, so whoever follows it can already look back.
            self._set_history(history, layout, self._run_start)
        self._conclude(outcome, worker.final_parameters, None, warning)

    @Slot(int, str)
    def _on_failed(self, run: int, message: str) -> None:
        if run != self._active_run or self._worker is None:
            return
        self._release_thread()
        self._conclude("failed", None, message)

    # ------------------------------------------------------------------ frames, paced
    def _has_pending(self) -> bool:
        return bool(self._pending_updates or self._pending_epochs) or self._pending_weights is not None

    def _schedule_frame(self) -> None:
        if self._frame_timer.isActive() or self._settled_timer.isActive():
            return
        paced = self._worker is not None and self._worker.pace_seconds is not None
        share = PACED_FRAME_TIME_SHARE if paced else FRAME_TIME_SHARE
        gap = min(MAX_FRAME_GAP, max(1.0 / FRAMES_PER_SECOND, self._frame_cost / share))
        wait = max(0.0, self._last_frame + gap - time.perf_counter())
        self._frame_timer.start(int(wait * 1000))

    @Slot()
    def _show_frame(self) -> None:
        worker = self._worker
        if worker is None or not self._has_pending():
            return
        data_waiting = bool(self._pending_updates or self._pending_epochs)
        weights_waiting = self._pending_weights is not None
        kind = "weights" if weights_waiting and (self._last_kind == "data" or not data_waiting) else "data"
        self._last_kind = kind
        self._frame_started = time.perf_counter()
        worker.hold()
        if kind == "data":
            self._emit_pending()
        else:
            flat, self._pending_weights = self._pending_weights, None
            if flat is not None and self._show_weights(flat, worker.paused):
                self.display_count += 1
        self.frame_count += 1
        self._settled_timer.start(0)

    @Slot()
    def _frame_settled(self) -> None:
        if self._worker is not None:
            self._worker.release()
        finished = time.perf_counter()
        cost = finished - self._frame_started
        self._frame_cost = cost if self.frame_count <= 1 else 0.7 * self._frame_cost + 0.3 * cost
        self._last_frame = finished
        if self._worker is not None and self._has_pending():
            self._schedule_frame()

    def _emit_pending(self) -> None:
        """Send the collected epoch ends and step losses out (one merged update), then ``frameReady``."""
        epochs, updates = self._pending_epochs, self._pending_updates
        self._pending_epochs, self._pending_updates = [], []
        for item in epochs:
            self.epochEnded.emit(item)
        if updates:
            merged = updates[-1]
            if len(updates) > 1:
                merged = replace(merged, losses=np.concatenate([u.losses for u in updates]))
            self._latest = merged
            self.progress.emit(merged)
        self.frameReady.emit()

    def _show_weights(self, flat: Array, paused: bool) -> bool:
        """Show a run's weights ``flat`` (laid out like its plan's): through the live plan alone, or, when
        the network is due to take them (see :data:`NETWORK_WRITE_SHARE`) or the run is paused, written into
        the network as well. Not an undo step: the run's one step comes at its end."""
        writer, live = self._writer, self.live
        if writer is None or not writer.valid or live is None:
            return False
        now = time.perf_counter()
        lag = min(MAX_NETWORK_LAG, self._network_write_cost / NETWORK_WRITE_SHARE)
        if paused or now - self._network_written_at >= lag or not live.show_parameters(flat):
            return self._write_network(flat)
        self._unwritten = flat
        return True

    def _write_network(self, flat: Array) -> bool:
        """Write ``flat`` into the network (the live plan takes it too, or is only marked current when it
        shows these very values already); remember what that cost."""
        writer = self._writer
        if writer is None or not writer.valid:
            return False
        shown = flat is self._unwritten and self.live is not None and self.live.ahead
        started = time.perf_counter()
        writer.write(flat, mirror_holds_them=shown)
        finished = time.perf_counter()
        cost = finished - started
        first = self._network_written_at == 0.0
        self._network_write_cost = cost if first else 0.7 * self._network_write_cost + 0.3 * cost
        self._network_written_at = finished
        self._unwritten = None
        return True

    # ------------------------------------------------------------------ the end of a run
    def _release_thread(self) -> None:
        """Stop the worker, end its thread and wait for it, disconnect, schedule both for deletion."""
        worker, thread = self._worker, self._thread
        self._worker = None
        self._thread = None
        self._active_run = None
        self._frame_timer.stop()
        self._settled_timer.stop()
        if worker is None or thread is None:
            return
        worker.stop()
        thread.quit()
        thread.wait()
        for signal, slot in (
            (worker.progress, self._on_progress),
            (worker.epochEnded, self._on_epoch_end),
            (worker.diverged, self._on_diverged),
            (worker.finished, self._on_finished),
            (worker.failed, self._on_failed),
        ):
            signal.disconnect(slot)
        worker.deleteLater()
        thread.deleteLater()

    def _conclude(
        self, outcome: str, final: list[Array] | None, failure: str | None, warning: str | None = None
    ) -> None:
        live, stack = self.live, self.undo_stack
        settings = self._settings
        layout = self._plan_layout
        # What the run reported last (its final losses and epoch) still reaches the views; the weights come
        # with the undo step below.
        self._emit_pending()
        self._pending_weights = None
        self._unwritten = None
        message = ""
        if live is not None and stack is not None and layout is not None and settings is not None:
            network = live.document.network
            intact = network.structure_revision == self._structure_revision
            before = self._before
            if outcome == "failed" or final is None or not intact or before is None:
                if intact and before is not None:
                    before.restore(network)
                message = failure or "Training stopped because the network changed while it ran."
                outcome = "failed"
            else:
                after = ParameterSnapshot.from_plan(network, layout, layout.flat_from(final))
                if after.same_as(before):
                    before.restore(network)
                else:
                    text = f"Train {epochs_text(settings.epochs)}"
                    if outcome == "reached" and self._reached_item is not None:
                        text += f" (target reached in epoch {self._reached_item.epoch})"
                    elif outcome != "completed":
                        epoch = self._latest.epoch if self._latest is not None else self._last_epoch + 1
                        text += f" (stopped in epoch {max(1, epoch)})"
                    # During the run the network showed intermediate weights: undo goes back to the start.
                    stack.push(SetAllParameters(network, before, after, text))
                    if warning is not None:
                        self.worsened.emit(warning)
                message = self._end_message(outcome)
            live.set_locked(False)
        self._plan_layout = None
        self._writer = None
        self.runningChanged.emit(False)
        self.ended.emit(outcome, message)

    def _end_message(self, outcome: str) -> str:
        latest = self._latest
        if outcome == "diverged" and self._divergence is not None:
            d = self._divergence
            return (
                f"Training diverged at step {d.step} (epoch {d.epoch}): the {d.quantity} became infinite "
                f"or not a number. The network keeps the last good weights; try a lower learning rate."
            )
        steps = f"{latest.step:,} steps" if latest is not None else "no steps"
        reached = self._reached_text()
        item = self._reached_item
        if outcome == "reached" and item is not None and self._stop_when is not None:
            return (
                f"Training reached its target in epoch {item.epoch}: {self._stop_when.reached_text(item)}"
                f" after {steps}.{reached}"
            )
        if outcome == "stopped":
            return f"Training stopped after {steps}.{reached}"
        return f"Training finished: {steps}.{reached}"

    def _reached_text(self) -> str:
        """What the last finished epoch reached: its mean error and how many samples it got right."""
        item = self._last_epoch_end
        if item is None or not np.isfinite(item.loss):
            return ""
        loss = LOSSES.get(self._settings.loss) if self._settings is not None else None
        kind = f" ({loss.title.lower()})" if loss is not None else ""
        text = f" Mean error in the last epoch: {item.loss:.3g}{kind}"
        if item.accuracy is not None:
            counted, samples = self._counted
            if 0 < counted < samples:
                text += (
                    f"; {item.accuracy:.0%} of the {counted:,} samples with a class right"
                    f" ({samples - counted:,} more belong to no class)"
                )
            else:
                text += f"; {item.accuracy:.0%} of the samples right"
        if item.test_accuracy is not None:
            text += f", {item.test_accuracy:.0%} of the test samples"
        return text + "."


def snapshot_name(snapshot: Snapshot) -> str:
    """How a point of a run is called: ``the start of the run``, ``epoch 5`` or ``step 80 (epoch 6)``."""
    if snapshot.step == 0:
        return "the start of the run"
    if snapshot.epoch_end:
        return f"the end of epoch {snapshot.epoch}"
    return f"step {snapshot.step:,} (epoch {snapshot.epoch})"
