"""The Training panel: dataset and settings, Randomize / Train / Pause / Step / Stop, progress, error plot.

Under the error plot's page sits the run's timeline (:mod:`.timeline`): go back through the last run, keep a
point of it, or run it again from the same start and compare the two runs' curves.

The panel puts together its parts and follows the controller; each part is a module of its own:

- :mod:`.dataset_choice`: the dataset box and the datasets behind it (:class:`DatasetChoice`);
- :mod:`.settings_form`: the settings form (:class:`SettingsForm`);
- :mod:`.run_buttons`: Train, Pause, Stop, Step, Randomize and the pace (:class:`RunButtons`);
- :mod:`.progress_line`: the progress bar, its words and the speed (:class:`ProgressLine`);
- :mod:`.status_line`: the message under them (:class:`StatusLine`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import Slot
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data import DataError, Dataset
from nnstudio.engine.stopping import StopCondition
from nnstudio.engine.train import EpochEnd, TrainingError, TrainSettings
from nnstudio.ui.commands import SetTrainingSetting
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.panel import Panel
from nnstudio.ui.plot import ErrorPlot

from .controller import TrainingController, snapshot_name
from .dataset_choice import (
    DATASET_FILTER,
    DOCUMENT_SAMPLES,
    DOCUMENT_SAMPLES_TITLE,
    IMPORT_FILE,
    DatasetChoice,
    companion_test_set,
    missing_text,
    missing_tip,
    suggested_epochs,
    title_of,
)
from .naming import named
from .plot_page import PlotPage
from .progress_line import NOT_STARTED, ProgressLine, format_duration, progress_text, speed_text
from .run_buttons import FASTEST_KEY, WATCHABLE_SECONDS, RunButtons
from .settings_form import SettingsForm, run_names, setting_text
from .status_line import STATUS_LINES, StatusLine
from .timeline import RunTimeline
from .worker import TrainingUpdate

Array = np.ndarray

# What the progress line says when the weights moved on after a run, or were drawn anew.
CHANGED_AFTER_RUN = "the network changed after the run"
RANDOMIZED = "new random weights"

# Where each name was before the panel's parts had modules of their own: they are still importable from here.
__all__ = [
    "DOCUMENT_SAMPLES",
    "DOCUMENT_SAMPLES_TITLE",
    "FASTEST_KEY",
    "NOT_STARTED",
    "STATUS_LINES",
    "WATCHABLE_SECONDS",
    "TrainingPanel",
    "companion_test_set",
    "format_duration",
    "progress_text",
    "run_names",
    "speed_text",
]


class TrainingPanel(Panel):
    """Trains the bound document. The panel owns its :class:`TrainingController` (``controller``) and its
    :class:`~nnstudio.ui.plot.ErrorPlot` (``plot``); the window calls :meth:`bind`, and before closing
    :meth:`confirm_stop_for_close` or :meth:`shutdown`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.setAccessibleName("Training")
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self.controller = TrainingController(self)
        self.dataset_choice = DatasetChoice(self.controller, self._set_status, self._ask_import_path, self)
        self.loader = self.dataset_choice.loader
        # Step is the window's animated step once the animation bar offers it (use_animated_step).
        self._animated_step: Callable[[], bool] | None = None
        self._animator: Any = None
        self._last_sample_name = ""
        # What the progress shows is a finished run's; the next change of the weights makes it stale.
        self._showing_run_end = False
        self._run_message = ""
        # What the progress line says once the network moves on: steps taken by hand, and whether a run
        # came before them.
        self._hand_steps = 0
        self._after_run = False
        # How long a short run takes unless "As fast as possible" is ticked (None: never paced).
        self.watchable_seconds: float | None = WATCHABLE_SECONDS

        self.dataset_combo = self.dataset_choice.combo
        # A new network (an empty one naming no dataset, with the default settings) trains for enough epochs
        # to show learning on the dataset chosen; the epochs follow the dataset until the person sets them.
        self._new_network = False
        # Set by the window before it binds a document opened from a file: a saved file keeps its settings,
        # even those of an empty network (changing them would change the file behind the person's back).
        self.document_from_file = False
        self._suggested_epochs = TrainSettings().epochs
        self.dataset_combo.currentIndexChanged.connect(self._fit_new_network_epochs)
        self.settings_form = SettingsForm()
        form = self.settings_form
        self.loss_combo = form.loss_combo
        self.learning_rate = form.learning_rate
        self.batch_size = form.batch_size
        self.momentum = form.momentum
        self.epochs = form.epochs
        self.seed = form.seed
        self.l1 = form.l1
        self.l2 = form.l2
        self.stop_kind = form.stop_kind
        self.stop_target = form.stop_target
        self.init_combo = form.init_combo
        form.settingChosen.connect(self._on_setting_chosen)

        self.run_buttons = RunButtons()
        self.randomize_button = self.run_buttons.randomize_button
        self.train_button = self.run_buttons.train_button
        self.pause_button = self.run_buttons.pause_button
        self.step_button = self.run_buttons.step_button
        self.stop_button = self.run_buttons.stop_button
        self.fastest = self.run_buttons.fastest
        self.randomize_button.clicked.connect(self.randomize)
        self.train_button.clicked.connect(self.start_training)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.step_button.clicked.connect(self.step)
        self.stop_button.clicked.connect(self.controller.stop)
        self.fastest.toggled.connect(self._on_fastest_toggled)

        self.progress = ProgressLine(self.fontMetrics().height())
        self.progress_bar = self.progress.bar
        self.progress_label = self.progress.label
        self.speed_label = self.progress.speed_label
        self.status_line = StatusLine()
        self.status = self.status_line.label
        self.status_scroll = self.status_line.scroll
        self.undo_run_button = named(
            QPushButton("Undo this run"), "trainingUndoRun", "Undo the training run that made it worse"
        )
        self.undo_run_button.setToolTip("Put back the weights from before this run (the same as Edit > Undo)")
        self.undo_run_button.clicked.connect(self._undo_worse_run)
        self.undo_run_button.hide()
        self._worse_message: str | None = None

        self.plot = ErrorPlot()
        self.plot.connect_training(self.controller)
        self.timeline = RunTimeline(self.controller)
        self.timeline.smoothed_error = self.plot.smoothed_at
        self.timeline.rerunRequested.connect(self.rerun_from_start)
        self.timeline.message.connect(self._set_status)
        self.timeline.usableChanged.connect(self.plot.set_pickable)
        self.plot.stepClicked.connect(self.timeline.go_to_step)
        self.controller.previewChanged.connect(self._on_preview_changed)
        self.controller.epochEnded.connect(self._on_epoch_end)
        self._last_accuracy: float | None = None

        # Settings and the error plot take turns: a dock beside the canvas is not tall enough for both, and
        # while training runs the plot is what to watch (the settings cannot change then anyway).
        self.tabs = named(QTabWidget(), "trainingTabs", "Training settings or error plot")
        self.tabs.setDocumentMode(True)
        named(self.tabs.tabBar(), "trainingTabBar", "Training pages: Settings, Error plot")
        # The plot's page scrolls when the dock is shorter than the plot and its key need: a finished run's
        # curves must not make the window taller than a small screen.
        self.plot_page = PlotPage(self.plot)
        self.tabs.addTab(self.settings_form, "Settings")
        self.tabs.addTab(self.plot_page, "Error plot")
        self.tabs.setTabToolTip(0, "Loss, learning rate, batch size, momentum, epochs, seed")
        self.tabs.setTabToolTip(
            1, "The error of every training step, falling as the network learns, and the run's timeline"
        )

        dataset_row = QHBoxLayout()
        dataset_label = QLabel("&Dataset")
        dataset_label.setBuddy(self.dataset_combo)
        dataset_row.addWidget(dataset_label)
        dataset_row.addWidget(self.dataset_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(dataset_row)
        layout.addLayout(self.run_buttons.grid)
        layout.addLayout(self.progress.row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_scroll)
        layout.addWidget(self.undo_run_button)
        layout.addWidget(self.tabs, 1)
        # The run's timeline sits right under the curves it goes back through, outside the plot's scrolling
        # page: in view whatever the dock's height, and from the settings too.
        layout.addWidget(self.timeline)

        self.controller.runningChanged.connect(self._on_running_changed)
        self.controller.pausedChanged.connect(self._on_paused_changed)
        self.controller.progress.connect(self._on_progress)
        self.controller.ended.connect(self._on_ended)
        self.controller.worsened.connect(self._on_worsened)
        self.settings_form.show_settings(TrainSettings())
        self._update_enabled()

    # ------------------------------------------------------------------ window contract
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        if self.live is not None:
            self.live.lockedChanged.disconnect(self._on_locked_changed)
            self.live.planChanged.disconnect(self._update_enabled)
            self.live.document.events.dataset.disconnect(self.refresh_datasets)
            self.live.document.events.properties.disconnect(self._show_document_settings)
        if self.undo_stack is not None:
            self.undo_stack.indexChanged.disconnect(self._on_history_changed)
            self.undo_stack.cleanChanged.disconnect(self._on_clean_changed)
        self.controller.bind(live, undo_stack)
        self.live = live
        self.undo_stack = undo_stack
        live.lockedChanged.connect(self._on_locked_changed)
        live.planChanged.connect(self._update_enabled)
        # The document's own samples change through the Samples panel and undo: look again each time.
        live.document.events.dataset.connect(self.refresh_datasets)
        # Its settings change through this form and undo: show the document's each time.
        live.document.events.properties.connect(self._show_document_settings)
        undo_stack.indexChanged.connect(self._on_history_changed)
        undo_stack.cleanChanged.connect(self._on_clean_changed)
        document = live.document
        self._new_network = (
            not self.document_from_file
            and not document.network.neurons
            and not document.training_data
            and document.dataset is None
            and document.training == TrainSettings()
        )
        self._suggested_epochs = TrainSettings().epochs
        self.dataset_choice.forget_document(live)
        self.settings_form.show_settings(document.training)
        self.dataset_choice.choose_for_document()
        self._fit_new_network_epochs()
        self.plot.bind(live, undo_stack)
        self._hand_steps = 0
        self._after_run = False
        self._show_idle_progress()
        self._set_status("")
        if document.training_data and self.dataset_choice.missing():
            # Said at once, not only when Train is pressed: the file names a dataset that is not there.
            self._set_status(missing_text(document.training_data), error=True, tip=missing_tip())
        elif document.training_data and self.dataset_choice.start_loading(document.training_data):
            self._set_status(f"Loading {title_of(document.training_data)}...")
        self._update_enabled()

    def confirm_stop_for_close(self, parent: QWidget | None = None) -> bool:
        return self.controller.confirm_stop_for_close(parent or self.window())

    def shutdown(self) -> None:
        self.controller.shutdown()
        self.controller.end_preview()
        if self.live is not None:
            self.live.document.events.dataset.disconnect(self.refresh_datasets)
            self.live.document.events.properties.disconnect(self._show_document_settings)

    # ------------------------------------------------------------------ settings (the form's)
    def current_settings(self) -> TrainSettings:
        """The settings the widgets show. Raises :class:`TrainingError` when they are not usable."""
        return self.settings_form.current_settings()

    def stop_condition(self) -> StopCondition:
        """The stop condition the panel shows (a target accuracy as a share: 95% is 0.95)."""
        return self.settings_form.stop_condition()

    def set_stop_condition(self, kind: str, target: float | None = None) -> None:
        """Choose a stop condition as the person would (``target``: an error, or an accuracy in percent)."""
        self.settings_form.set_stop_condition(kind, target)

    @Slot(str, object)
    def _on_setting_chosen(self, name: str, value: object) -> None:
        """The person changed a setting: the document keeps it (one undo step, so it is saved with it)."""
        live, stack = self.live, self.undo_stack
        if live is None or stack is None or self.controller.running:
            return
        if getattr(live.document.training, name) == value:
            return
        stack.push(SetTrainingSetting(live.document, name, value, setting_text(name, value)))

    @Slot()
    def _fit_new_network_epochs(self) -> None:
        """A new network's epochs: enough steps on the chosen dataset to show learning, as long as the
        person has not set the epochs themselves (a saved document keeps its own)."""
        live = self.live
        if live is None or not self._new_network or self.controller.running:
            return
        training = live.document.training
        samples = self.dataset_choice.sample_count()
        if training.epochs != self._suggested_epochs or not samples:
            return
        epochs = suggested_epochs(samples, training.batch_size, TrainSettings().epochs)
        self._suggested_epochs = epochs
        if epochs != training.epochs:
            live.document.training = replace(training, epochs=epochs)
            self.settings_form.show_settings(live.document.training)

    @Slot()
    def _show_document_settings(self) -> None:
        """Show the document's settings, when the form shows others (an undo, say)."""
        if self.live is None:
            return
        training = self.live.document.training
        form = self.settings_form
        if any(getattr(training, name) != form.value(name) for name in form.setting_names()):
            form.show_settings(training)

    # ------------------------------------------------------------------ datasets (the dataset choice's)
    def dataset_spec(self) -> str:
        """What the dataset box names: a built-in name, ``"document"`` or a file path."""
        return self.dataset_choice.spec()

    def selected_dataset(self) -> Dataset:
        """The chosen dataset, loaded (and kept). Raises :class:`DataError` with what is wrong."""
        return self.dataset_choice.selected()

    def select_dataset(self, spec: str) -> None:
        """Choose the dataset named ``spec`` (a built-in name, a point recipe such as ``spiral(noise=0.2):train``
        or a path) to train on."""
        self.dataset_choice.select(spec)

    def test_dataset(self) -> Dataset | None:
        return self.dataset_choice.test_dataset()

    @Slot()
    def refresh_datasets(self) -> None:
        """Look again at the document's own samples (one was added or deleted, or that was undone).

        The dataset box shows how many there are. A document that names no dataset of its own, and whose
        dataset the person has not picked, switches to its samples when it gets some.
        """
        self.dataset_choice.refresh()

    def import_dataset(self, path: str) -> Dataset | None:
        """Load a dataset file or folder and select it; on a problem, say what is wrong and change nothing.

        A path that exists is read in the background: the dataset is selected (and returned by a later
        :meth:`selected_dataset`) when it has loaded, and None is returned now."""
        return self.dataset_choice.import_dataset(path)

    def importing(self) -> bool:
        """True while an imported file or folder is still loading."""
        return self.dataset_choice.importing()

    def _ask_import_path(self, kind: str) -> str:
        return self._ask_dataset_file() if kind == IMPORT_FILE else self._ask_dataset_folder()

    def _ask_dataset_file(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import a dataset", "", DATASET_FILTER)
        return path

    def _ask_dataset_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Import a folder of images (one sub-folder per class)")

    # ------------------------------------------------------------------ actions
    @Slot()
    def start_training(self, start_from: Any = None) -> bool:
        """Start training with what the panel shows; False (and a message) if it cannot start.

        ``start_from``: the flat weights to start from (a run's first ones) instead of the network's."""
        if self.live is None:
            return False
        if isinstance(start_from, bool):  # clicked(bool) of a button
            start_from = None
        try:
            settings = self.current_settings()
            dataset = self.selected_dataset()
            problem = self.controller.check(dataset)
            if problem is not None:
                raise TrainingError(problem)
            test = self.test_dataset()
            pace = None if self.fastest.isChecked() else self.watchable_seconds
            if start_from is not None:
                history = self.controller.history
                earlier = history.settings if history is not None and history.settings else settings
                self.plot.compare_runs(*run_names(earlier, settings))
            self.controller.start(
                dataset,
                settings,
                test,
                pace_seconds=pace,
                stop_when=settings.stop,
                start_from=start_from,
                data_spec=self.dataset_spec(),
            )
        except (DataError, TrainingError, ValueError) as exc:
            tip = missing_tip() if self.dataset_choice.missing() else ""
            self._set_status(str(exc), error=True, tip=tip)
            return False
        self._last_accuracy = None
        self.plot.set_test_note(
            ""
            if test is not None
            else f"No test curve: {self.dataset_choice.title()} has no held-out test half."
        )
        document = self.live.document
        document.training = settings
        spec = self.dataset_spec()
        document.training_data = spec
        self._showing_run_end = False
        self.progress.show_fraction(0.0)
        self.progress.show_text(f"epoch 1/{settings.epochs}")
        test_note = f", testing on {test.name}" if test is not None else ""
        name = "this document's samples" if spec == DOCUMENT_SAMPLES else dataset.name
        pace_note = "" if pace is None else " at a watchable pace"
        what = "Training again from the same start" if start_from is not None else "Training"
        self._set_status(f"{what} on {name} ({len(dataset)} samples{test_note}){pace_note}...")
        return True

    @Slot()
    def rerun_from_start(self) -> bool:
        """Train again from the weights the last run started with, with the settings shown now; the plot
        draws the new run over the earlier one. False (and a message) if it cannot start."""
        history = self.controller.history
        if history is None or not self.controller.history_usable():
            self._set_status("There is no run to repeat since the network last changed: train first.", True)
            return False
        return self.start_training(history.initial.parameters)

    @Slot(int)
    def _on_preview_changed(self, index: int) -> None:
        history = self.controller.history
        if index < 0 or history is None:
            self.plot.mark_step(None)
            return
        self.plot.mark_step(history[index].step)
        self.tabs.setCurrentWidget(self.plot_page)

    @Slot(object)
    def _on_epoch_end(self, item: EpochEnd) -> None:
        if item.accuracy is not None:
            self._last_accuracy = item.accuracy

    @Slot()
    def toggle_pause(self) -> None:
        if self.controller.paused:
            self.controller.resume()
        else:
            self.controller.pause()

    @Slot()
    def randomize(self) -> None:
        """New random weights from the method and seed shown; the seed then goes up by one, so pressing
        Randomize again draws other weights, and the seed shown is always the one the next press uses."""
        seed = self.seed.value()
        try:
            self.controller.randomize(self.init_combo.currentData(), seed)
        except TrainingError as exc:
            self._set_status(str(exc), error=True)
            return
        # The next seed goes with the new weights (Randomize is the undo step), not as an undo step of its own.
        if self.live is not None:
            document = self.live.document
            document.training = replace(document.training, seed=seed + 1 if seed < self.seed.maximum() else 0)
            self.settings_form.show_settings(document.training)
        self._hand_steps = 0
        self._after_run = False
        self._show_since_run(RANDOMIZED)
        self._set_status(f"New random weights ({self.init_combo.currentData()}, seed {seed}).")

    def next_sample(self) -> tuple[Array, Array, str]:
        """The next sample of the chosen dataset for a single step, going round the samples in order.

        Raises :class:`DataError` or :class:`TrainingError` when the dataset cannot serve this network."""
        dataset = self.selected_dataset()
        if self.live is not None and self.live.plan is not None:
            problem = self.controller.check(dataset) if not self.controller.running else None
            if problem is not None:
                raise TrainingError(problem)
        index = self.dataset_choice.next_index(len(dataset))
        name = dataset.sample_names[index] if dataset.sample_names else f"sample {index + 1}"
        self._last_sample_name = name
        return dataset.inputs[index].copy(), dataset.targets[index].copy(), name

    def learning_settings(self) -> tuple[str, float]:
        """(loss name, learning rate) as the panel shows them: what a single step uses."""
        return str(self.loss_combo.currentData()), float(self.learning_rate.value())

    def regularisation(self) -> tuple[float, float]:
        """(L1 rate, L2 rate) as the panel shows them: a single step pays the same penalties as a run."""
        return float(self.l1.value()), float(self.l2.value())

    def use_animated_step(self, step: Callable[[], bool], animator: Any) -> None:
        """Make Step the window's animated step, so Step means one thing everywhere: ``step()`` animates the
        next sample forward and backward, then changes the weights; ``animator`` says when it plays
        (``started``, ``finished``, ``cancelled``) and when it changed the weights (``stepApplied``)."""
        self._animated_step = step
        self._animator = animator
        for signal in (animator.started, animator.finished, animator.cancelled):
            signal.connect(self._update_enabled)
        animator.stepApplied.connect(self._on_step_applied)

    def animating(self) -> bool:
        return self._animator is not None and bool(self._animator.running)

    def report_step_problem(self, text: str) -> None:
        """Why a step could not be taken, said here too (the person may have pressed this panel's Step)."""
        self._set_status(text, error=True)

    @Slot(object)
    def _on_step_applied(self, result: Any) -> None:
        name = self._last_sample_name or "the current input"
        self._count_hand_step()
        self._set_status(
            f"One step on {name!r}: loss {result.loss:.4g}; "
            f"the weights moved by -{result.learning_rate:g} x slope."
        )

    @Slot()
    def step(self) -> None:
        """One sample forward and backward and one weight change, shown on the canvas with that sample:
        animated when the window's animation bar offers its step, else at once."""
        if self.live is None:
            return
        if self._animated_step is not None:
            self._animated_step()
            return
        try:
            inputs, truth, name = self.next_sample()
            self.live.set_input(inputs)
            self.live.set_truth(truth)
            loss, rate = self.learning_settings()
            l1, l2 = self.regularisation()
            result = self.controller.step_once(inputs, truth, loss, rate, l1=l1, l2=l2)
        except (DataError, TrainingError, ValueError) as exc:
            self._set_status(str(exc), error=True)
            return
        self._count_hand_step()
        self._set_status(
            f"One step on {name!r}: loss {result.loss:.4g}; the weights moved by -{rate:g} x slope."
        )

    def _count_hand_step(self) -> None:
        self._hand_steps += 1
        count = self._hand_steps
        steps = "1 step" if count == 1 else f"{count:,} steps"
        self._show_since_run(f"{steps} by hand{' after the run' if self._after_run else ''}")

    def _show_since_run(self, text: str) -> None:
        """Say on the progress line what last changed the weights, when it was not a run."""
        self._showing_run_end = False
        self.undo_run_button.hide()
        self.progress.show_fraction(0.0)
        self.progress.show_text(text)
        self.progress.speed_label.setText("")

    # ------------------------------------------------------------------ following the controller
    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self.run_buttons.show_paused(False)
        if running:
            self.tabs.setCurrentWidget(self.plot_page)
        self._update_enabled()

    @Slot(bool)
    def _on_paused_changed(self, paused: bool) -> None:
        self.run_buttons.show_paused(paused)
        latest = self.controller.latest_update
        if paused and latest is not None:
            self.progress.show_text(f"paused, epoch {latest.epoch}/{latest.epochs}")

    @Slot(object)
    def _on_progress(self, update: TrainingUpdate) -> None:
        self.progress.show_fraction(update.fraction)
        if not self.controller.paused:
            self.progress.show_text(progress_text(update, self._last_accuracy))
        self.progress.show_speed(update)

    @Slot(str, str)
    def _on_ended(self, outcome: str, message: str) -> None:
        latest = self.controller.latest_update
        if latest is not None:
            self.progress.show_fraction(latest.fraction)
            self.progress.show_speed(latest)
        if outcome == "completed":
            self.progress.show_fraction(1.0)
            self.progress.show_text("done")
        elif outcome == "reached" and latest is not None:
            self.progress.show_text(f"target reached in epoch {latest.epoch}/{latest.epochs}")
        else:
            epoch = f", epoch {latest.epoch}/{latest.epochs}" if latest is not None else ""
            self.progress.show_text(f"{outcome}{epoch}")
        worse, self._worse_message = self._worse_message, None
        if worse is not None:
            message = f"{message} {worse}".strip()
        self._set_status(message, error=outcome in ("diverged", "failed") or worse is not None)
        self.undo_run_button.setVisible(worse is not None)
        self._showing_run_end = True
        self._run_message = message
        self._hand_steps = 0
        self._after_run = True

    @Slot(str)
    def _on_worsened(self, message: str) -> None:
        self._worse_message = message

    def _undo_worse_run(self) -> None:
        self.undo_run_button.hide()
        if self.undo_stack is not None and self.undo_stack.canUndo() and not self.controller.running:
            self.undo_stack.undo()
            self._set_status("The run was undone: the network has its weights from before it again.")

    @Slot()
    def _on_history_changed(self) -> None:
        """The history moved on after a run ended (a step, Randomize, an edit, a new stop condition, an undo):
        what the progress says of that run no longer describes the network (and Undo this run would undo
        something else), so it goes."""
        if not self._alive():
            return
        self.controller.notice_changes()
        if not self._showing_run_end or self.controller.running:
            return
        self._show_since_run(CHANGED_AFTER_RUN)
        if self.status.text() == self._run_message:
            self._set_status("")

    @Slot(bool)
    def _on_clean_changed(self, clean: bool) -> None:
        """Saved while a point of the run was shown: the file holds those weights, so they become the
        network's (one undo step) and the document stays saved."""
        if not self._alive():
            return
        stack = self.undo_stack
        if (
            not clean
            or stack is None
            or not shiboken6.isValid(stack)
            or self.controller.preview_index is None
        ):
            return
        if stack.count() == 0:
            return  # a stack emptied (a document closing) is clean too, but nothing was saved
        try:
            snapshot = self.controller.restore_snapshot()
        except TrainingError:
            return
        stack.setClean()
        self._set_status(
            f"Saved with the weights from {snapshot_name(snapshot)}; Edit > Undo takes them back."
        )

    def _alive(self) -> bool:
        """False once the garbage collector has cleared this panel: a panel and its undo stack collected in
        one reference cycle lose their attributes first, and then the stack, destroyed, says it was emptied."""
        return "controller" in self.__dict__

    def _show_idle_progress(self) -> None:
        self.progress.show_idle()

    def progress_text(self) -> str:
        """What the progress line says (``epoch 3/40, 0:02 left``, ``done``, ``stopped, epoch 9/40``)."""
        return self.progress.text()

    @Slot(bool)
    def _on_fastest_toggled(self, fastest: bool) -> None:
        # (The run buttons keep the choice for the next session.)
        self.controller.set_pace(None if fastest else self.watchable_seconds)

    @Slot(bool)
    def _on_locked_changed(self, locked: bool) -> None:
        self._update_enabled()

    def _update_enabled(self) -> None:
        bound = self.live is not None
        running = self.controller.running
        idle = bound and not running
        for widget in (
            self.dataset_combo,
            *self.settings_form.fields(),
            self.randomize_button,
            self.train_button,
            self.step_button,
        ):
            widget.setEnabled(idle)
        # A network that cannot run yet has nothing to train, step or randomize.
        runnable = idle and self.live is not None and self.live.plan is not None
        self.run_buttons.show_state(runnable, running, self.animating())
        self.timeline.refresh()

    def status_text(self) -> str:
        return self.status_line.text()

    def _set_status(self, text: str, error: bool = False, tip: str = "") -> None:
        self.status_line.show(text, error, self.width() - 8, tip)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.status_scroll.isVisible():
            self.status_line.fit_height(self.width() - 8)
