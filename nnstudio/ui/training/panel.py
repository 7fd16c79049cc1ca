"""The Training panel: dataset and settings, Randomize / Train / Pause / Step / Stop, progress, error plot.

The error plot's page also holds the run's timeline (:mod:`.timeline`): go back through the last run, keep a
point of it, or run it again from the same start and compare the two runs' curves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data import BUILTIN_DATASETS, DataError, Dataset, load_dataset
from nnstudio.data.points import fit_dataset_to, is_point_spec
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.train import INITIALISERS, EpochEnd, TrainingError, TrainSettings
from nnstudio.ui.dataset_loading import reads_a_file, shared_loader
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.panel import Panel
from nnstudio.ui.plot import ErrorPlot
from nnstudio.ui.settings import studio_settings
from nnstudio.ui.theme import Tone, set_tone
from nnstudio.ui.widgets.flow_layout import FlowLayout

from .controller import TrainingController, snapshot_name
from .stopping import EPOCHS, STOP_KINDS, TARGET_ACCURACY, TARGET_ERROR, StopCondition
from .timeline import RunTimeline
from .worker import TrainingUpdate

Array = np.ndarray

DOCUMENT_SAMPLES = "document"
DOCUMENT_SAMPLES_TITLE = "This document's samples"
_IMPORT_FILE = "\x00import-file"
_IMPORT_FOLDER = "\x00import-folder"
# The person's choice of pace, kept between sessions: True trains as fast as possible.
FASTEST_KEY = "training/as_fast_as_possible"
# A run takes at least this long unless the person asks for full speed: the four-pixel learner's 4,800 steps
# would otherwise be over in about a second, too fast to see the error fall or a weight change.
WATCHABLE_SECONDS = 6.0
NOT_STARTED = "not started"
# The status message shows at most this many lines at once; a longer one scrolls.
STATUS_LINES = 4
_DATASET_FILTER = "Datasets (*.csv *.gz *.idx *ubyte *.idx3-ubyte);;CSV files (*.csv);;All files (*)"


def companion_test_set(name: str) -> str | None:
    """The built-in test set that goes with a built-in training set (``digits:train`` -> ``digits:test``)."""
    if name.endswith(":train"):
        candidate = name[: -len(":train")] + ":test"
        if candidate in BUILTIN_DATASETS or is_point_spec(candidate):
            return candidate
    return None


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(update: TrainingUpdate, accuracy: float | None = None) -> str:
    left = update.seconds_left
    text = f"epoch {update.epoch}/{update.epochs}"
    if accuracy is not None:
        text += f", {accuracy:.0%} right"
    return text if left is None else f"{text}, {format_duration(left)} left"


_SETTING_NAMES = {
    "learning_rate": "rate",
    "batch_size": "batch",
    "momentum": "momentum",
    "epochs": "epochs",
    "seed": "seed",
    "loss": "loss",
    "l1": "L1",
    "l2": "L2",
    "shuffle": "shuffled",
}


def run_names(earlier: TrainSettings, this: TrainSettings) -> tuple[str, str]:
    """Two runs named by the settings in which they differ: (``rate 0.02``, ``rate 0.05``), or both
    ``same settings`` when they differ in none."""
    a, b = earlier.to_dict(), this.to_dict()
    names: tuple[list[str], list[str]] = ([], [])
    for key, title in _SETTING_NAMES.items():
        if a.get(key) != b.get(key):
            for parts, values in zip(names, (a, b), strict=True):
                value = values.get(key)
                parts.append(f"{title} {value:g}" if isinstance(value, float) else f"{title} {value}")
    if not names[0]:
        return "same settings", "same settings"
    return ", ".join(names[0]), ", ".join(names[1])


def speed_text(update: TrainingUpdate) -> str:
    return f"{update.step:,} steps, {update.samples_per_second:,.0f} samples/s"


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
        self._datasets: dict[str, Dataset] = {}
        self._dataset_index = 0
        # Whether the person picked a dataset since the document was opened (then new samples do not
        # take over the choice).
        self._dataset_chosen = False
        self._step_cursor: dict[str, int] = {}
        # Datasets named by a path load in the background, so a slow or hostile file never freezes the window.
        self.loader = shared_loader()
        self.loader.loaded.connect(self._on_dataset_loaded)
        self.loader.failed.connect(self._on_dataset_failed)
        self._load_errors: dict[str, str] = {}
        self._pending_import: str | None = None
        # Step is the window's animated step once the animation bar offers it (use_animated_step).
        self._animated_step: Callable[[], bool] | None = None
        self._animator: Any = None
        self._last_sample_name = ""
        # What the progress shows is a finished run's; the next change of the weights makes it stale.
        self._showing_run_end = False
        self._run_message = ""
        # How long a short run takes unless "As fast as possible" is ticked (None: never paced).
        self.watchable_seconds: float | None = WATCHABLE_SECONDS

        self.dataset_combo = self._named(QComboBox(), "trainingDataset", "Dataset to train on")
        for name, description in BUILTIN_DATASETS.items():
            self.dataset_combo.addItem(name, name)
            self.dataset_combo.setItemData(
                self.dataset_combo.count() - 1, description, Qt.ItemDataRole.ToolTipRole
            )
        self.dataset_combo.addItem(DOCUMENT_SAMPLES_TITLE, DOCUMENT_SAMPLES)
        self.dataset_combo.addItem("Import file (IDX or CSV)...", _IMPORT_FILE)
        self.dataset_combo.addItem("Import image folder...", _IMPORT_FOLDER)
        self.dataset_combo.activated.connect(self._on_dataset_activated)

        self.loss_combo = self._named(QComboBox(), "trainingLoss", "Loss function")
        for loss in LOSSES.values():
            self.loss_combo.addItem(loss.title, loss.name)
            self.loss_combo.setItemData(
                self.loss_combo.count() - 1, loss.formula, Qt.ItemDataRole.ToolTipRole
            )
        self.learning_rate = self._named(QDoubleSpinBox(), "trainingLearningRate", "Learning rate")
        self.learning_rate.setDecimals(4)
        self.learning_rate.setRange(0.0001, 10000.0)
        self.learning_rate.setSingleStep(0.01)
        self.batch_size = self._named(QSpinBox(), "trainingBatchSize", "Batch size")
        self.batch_size.setRange(1, 100_000)
        self.momentum = self._named(QDoubleSpinBox(), "trainingMomentum", "Momentum")
        self.momentum.setDecimals(3)
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setSingleStep(0.05)
        self.epochs = self._named(QSpinBox(), "trainingEpochs", "Epochs")
        self.epochs.setRange(1, 1_000_000)
        self.seed = self._named(QSpinBox(), "trainingSeed", "Random seed")
        self.seed.setRange(0, 2_147_483_647)
        self.l1 = self._named(QDoubleSpinBox(), "trainingL1", "L1 rate")
        self.l2 = self._named(QDoubleSpinBox(), "trainingL2", "L2 rate")
        for spin in (self.l1, self.l2):
            spin.setDecimals(5)
            spin.setRange(0.0, 10.0)
            spin.setSingleStep(0.001)
        self.stop_kind = self._named(QComboBox(), "trainingStopWhen", "When training stops")
        for kind, title in STOP_KINDS.items():
            self.stop_kind.addItem(title, kind)
        # Combo boxes as wide as their longest entry would widen the settings past a narrow dock.
        for combo in (self.loss_combo, self.stop_kind):
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.stop_target = self._named(QDoubleSpinBox(), "trainingStopTarget", "Target to stop at")
        self._stop_targets = {TARGET_ERROR: 0.01, TARGET_ACCURACY: 95.0}
        self.stop_kind.currentIndexChanged.connect(self._on_stop_kind_changed)
        self.stop_target.valueChanged.connect(self._on_stop_target_changed)
        self._form: QFormLayout | None = None
        self.init_combo = self._named(QComboBox(), "trainingInit", "How Randomize draws weights")
        for name, description in INITIALISERS.items():
            self.init_combo.addItem(name, name)
            self.init_combo.setItemData(self.init_combo.count() - 1, description, Qt.ItemDataRole.ToolTipRole)

        self.randomize_button = self._named(
            QPushButton("Randomize weights"), "trainingRandomize", "Randomize weights"
        )
        self.train_button = self._named(QPushButton("Train"), "trainingTrain", "Train")
        self.pause_button = self._named(QPushButton("Pause"), "trainingPause", "Pause or resume training")
        self.step_button = self._named(QPushButton("Step"), "trainingStep", "One training step on one sample")
        self.stop_button = self._named(QPushButton("Stop"), "trainingStop", "Stop training")
        self.randomize_button.clicked.connect(self.randomize)
        self.train_button.clicked.connect(self.start_training)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.step_button.clicked.connect(self.step)
        self.stop_button.clicked.connect(self.controller.stop)

        self.progress_bar = self._named(QProgressBar(), "trainingProgress", "Training progress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        # The words sit beside the bar, not on it: drawn over a half-filled bar, a word shows in two colours
        # ("stop|ped"). The bar keeps its format too, for screen readers.
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFormat(NOT_STARTED)
        self.progress_bar.setMaximumHeight(max(8, self.fontMetrics().height() // 2))
        self.progress_label = self._named(QLabel(NOT_STARTED), "trainingProgressText", "Training progress")
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fastest = self._named(
            QCheckBox("As fast as possible"), "trainingFastest", "Train as fast as possible"
        )
        self.fastest.setToolTip(
            f"Unticked, a short run is spread over at least {WATCHABLE_SECONDS:g} seconds, so you can watch the "
            f"error fall and the weights change. Ticked, training goes at full speed."
        )
        self.fastest.setChecked(_stored_bool(FASTEST_KEY))
        self.fastest.toggled.connect(self._on_fastest_toggled)
        self.speed_label = self._named(QLabel(""), "trainingSpeed", "Training speed")
        self.speed_label.setToolTip(
            "Training steps so far, and how many samples a second go through the network"
        )
        self.status = self._named(QLabel(""), "trainingStatus", "Training status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # names datasets and paths from the file
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # At most a few lines high, scrolling beyond: a long message must not squeeze the error plot.
        self.status_scroll = self._named(QScrollArea(), "trainingStatusScroll", "Training status")
        self.status_scroll.setWidgetResizable(True)
        self.status_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.status_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status_scroll.setWidget(self.status)
        self.status_scroll.hide()  # shown when there is something to say, so it takes no room otherwise
        self.undo_run_button = self._named(
            QPushButton("Undo this run"), "trainingUndoRun", "Undo the training run that made it worse"
        )
        self.undo_run_button.setToolTip("Put back the weights from before this run (the same as Edit > Undo)")
        self.undo_run_button.clicked.connect(self._undo_worse_run)
        self.undo_run_button.hide()
        self._worse_message: str | None = None

        self.plot = ErrorPlot()
        self.plot.connect_training(self.controller)
        self.timeline = RunTimeline(self.controller)
        self.timeline.rerunRequested.connect(self.rerun_from_start)
        self.timeline.message.connect(self._set_status)
        self.timeline.usableChanged.connect(self.plot.set_pickable)
        self.plot.stepClicked.connect(self.timeline.go_to_step)
        self.controller.previewChanged.connect(self._on_preview_changed)
        self.controller.epochEnded.connect(self._on_epoch_end)
        self._last_accuracy: float | None = None

        form = QFormLayout()
        self._form = form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Loss", self.loss_combo)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Momentum", self.momentum)
        form.addRow("Epochs", self.epochs)
        form.addRow("Seed", self.seed)
        form.addRow("Randomize with", self.init_combo)
        form.addRow("Stop when", self.stop_kind)
        form.addRow("Target", self.stop_target)
        form.addRow("L1 rate", self.l1)
        form.addRow("L2 rate", self.l2)
        self._on_stop_kind_changed(0)
        for row, tip in enumerate(
            (
                "How the error of an answer is measured; training makes it smaller",
                "How far each step moves the weights: too small learns slowly, too large overshoots",
                "How many samples are averaged for one step",
                "How much of the previous step carries into the next (0: none)",
                "How many times training goes through the whole dataset",
                "Fixes the random order of samples and the random weights, so a run can be repeated",
                "How Randomize weights draws new starting weights",
                "Stop after the epochs, or as soon as an epoch ends with the error at most, or the share of"
                " training samples right at least, the target (the epochs still bound the run)",
                "The error, or the share of training samples right, at which the run stops",
                "L1 regularisation: each step pulls every weight towards zero by this rate; weights that do"
                " not help die (0: none)",
                "L2 regularisation: each step shrinks every weight in proportion to its size (0: none)",
            )
        ):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            label.setToolTip(tip)
            field.setToolTip(tip)
        settings_page = QWidget()
        settings_page.setLayout(form)
        settings_scroll = QScrollArea()
        settings_scroll.setObjectName("trainingSettingsScroll")
        settings_scroll.setAccessibleName("Training settings")
        settings_scroll.setWidgetResizable(True)
        settings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        settings_scroll.setWidget(settings_page)

        # Settings and the error plot take turns: a dock beside the canvas is not tall enough for both, and
        # while training runs the plot is what to watch (the settings cannot change then anyway).
        self.tabs = self._named(QTabWidget(), "trainingTabs", "Training settings or error plot")
        self.tabs.setDocumentMode(True)
        self._named(self.tabs.tabBar(), "trainingTabBar", "Training pages: Settings, Error plot")
        # The timeline sits under the curves it scrubs through, on the same page.
        self.plot.layout().addWidget(self.timeline)
        self.tabs.addTab(settings_scroll, "Settings")
        self.tabs.addTab(self.plot, "Error plot")
        self.tabs.setTabToolTip(0, "Loss, learning rate, batch size, momentum, epochs, seed")
        self.tabs.setTabToolTip(
            1, "The error of every training step, falling as the network learns, and the run's timeline"
        )

        dataset_row = QHBoxLayout()
        dataset_label = QLabel("&Dataset")
        dataset_label.setBuddy(self.dataset_combo)
        dataset_row.addWidget(dataset_label)
        dataset_row.addWidget(self.dataset_combo, 1)
        self.dataset_combo.setMinimumContentsLength(12)
        self.dataset_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        buttons = QGridLayout()
        buttons.addWidget(self.train_button, 0, 0)
        buttons.addWidget(self.pause_button, 0, 1)
        buttons.addWidget(self.stop_button, 0, 2)
        buttons.addWidget(self.step_button, 1, 0)
        buttons.addWidget(self.randomize_button, 1, 1, 1, 2)
        buttons.addWidget(self.fastest, 2, 0, 1, 3)
        # The speed goes under the progress when the dock is too narrow for both on one line.
        progress_row = FlowLayout(spacing=12)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.speed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(dataset_row)
        layout.addLayout(buttons)
        layout.addLayout(progress_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_scroll)
        layout.addWidget(self.undo_run_button)
        layout.addWidget(self.tabs, 1)

        self.controller.runningChanged.connect(self._on_running_changed)
        self.controller.pausedChanged.connect(self._on_paused_changed)
        self.controller.progress.connect(self._on_progress)
        self.controller.ended.connect(self._on_ended)
        self.controller.worsened.connect(self._on_worsened)
        self._show_settings(TrainSettings())
        self._update_enabled()

    @staticmethod
    def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        return widget

    # ------------------------------------------------------------------ window contract
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        if self.live is not None:
            self.live.lockedChanged.disconnect(self._on_locked_changed)
            self.live.planChanged.disconnect(self._update_enabled)
            self.live.document.events.dataset.disconnect(self.refresh_datasets)
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
        undo_stack.indexChanged.connect(self._on_history_changed)
        undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._step_cursor.clear()
        self._forget_document_samples()
        self._dataset_chosen = False
        document = live.document
        self._show_settings(document.training)
        self._show_document_samples()
        if document.training_data:
            self._select_dataset_spec(document.training_data)
        elif document.dataset is not None:
            self._select_dataset_spec(DOCUMENT_SAMPLES)
        self.plot.bind(live, undo_stack)
        self._show_idle_progress()
        self._set_status("")
        self._pending_import = None
        self._load_errors.clear()
        if document.training_data and self._start_loading(document.training_data):
            self._set_status(f"Loading {self._title_of(document.training_data)}...")
        self._update_enabled()

    def confirm_stop_for_close(self, parent: QWidget | None = None) -> bool:
        return self.controller.confirm_stop_for_close(parent or self.window())

    def shutdown(self) -> None:
        self.controller.shutdown()
        self.controller.end_preview()
        if self.live is not None:
            self.live.document.events.dataset.disconnect(self.refresh_datasets)

    # ------------------------------------------------------------------ settings
    def _show_settings(self, settings: TrainSettings) -> None:
        self.learning_rate.setValue(settings.learning_rate)
        self.batch_size.setValue(settings.batch_size)
        self.momentum.setValue(settings.momentum)
        self.epochs.setValue(settings.epochs)
        self.seed.setValue(settings.seed)
        self.l1.setValue(settings.l1)
        self.l2.setValue(settings.l2)
        index = self.loss_combo.findData(settings.loss)
        if index >= 0:
            self.loss_combo.setCurrentIndex(index)
        index = self.init_combo.findData(settings.init)
        if index >= 0:
            self.init_combo.setCurrentIndex(index)
        self._shuffle = settings.shuffle

    def current_settings(self) -> TrainSettings:
        """The settings the widgets show. Raises :class:`TrainingError` when they are not usable."""
        settings = TrainSettings(
            epochs=self.epochs.value(),
            learning_rate=self.learning_rate.value(),
            batch_size=self.batch_size.value(),
            momentum=self.momentum.value(),
            shuffle=self._shuffle,
            seed=self.seed.value(),
            loss=self.loss_combo.currentData(),
            init=self.init_combo.currentData(),
            l1=self.l1.value(),
            l2=self.l2.value(),
        )
        settings.validate()
        return settings

    def stop_condition(self) -> StopCondition:
        """The stop condition the panel shows (a target accuracy as a share: 95% is 0.95)."""
        kind = str(self.stop_kind.currentData())
        if kind == EPOCHS:
            return StopCondition()
        target = self.stop_target.value()
        return StopCondition(kind, target / 100.0 if kind == TARGET_ACCURACY else target)

    def set_stop_condition(self, kind: str, target: float | None = None) -> None:
        """Choose a stop condition as the person would (``target``: an error, or an accuracy in percent)."""
        self.stop_kind.setCurrentIndex(self.stop_kind.findData(kind))
        if target is not None and kind != EPOCHS:
            self.stop_target.setValue(target)

    @Slot(int)
    def _on_stop_kind_changed(self, _index: int) -> None:
        kind = str(self.stop_kind.currentData())
        target = self.stop_target
        target.blockSignals(True)
        try:
            if kind == TARGET_ACCURACY:
                target.setDecimals(1)
                target.setRange(0.0, 100.0)
                target.setSingleStep(1.0)
                target.setSuffix(" %")
            else:
                target.setDecimals(4)
                target.setRange(0.0, 1_000_000.0)
                target.setSingleStep(0.001)
                target.setSuffix("")
            target.setValue(self._stop_targets.get(kind, 0.0))
        finally:
            target.blockSignals(False)
        # The target's row shows only when there is a target (not before the form is built).
        if self._form is not None:
            self._form.setRowVisible(self.stop_target, kind != EPOCHS)

    @Slot(float)
    def _on_stop_target_changed(self, value: float) -> None:
        kind = str(self.stop_kind.currentData())
        if kind != EPOCHS:
            self._stop_targets[kind] = value

    # ------------------------------------------------------------------ datasets
    def dataset_spec(self) -> str:
        """What the dataset box names: a built-in name, ``"document"`` or a file path."""
        return str(self.dataset_combo.currentData())

    def selected_dataset(self) -> Dataset:
        """The chosen dataset, loaded (and kept). Raises :class:`DataError` with what is wrong."""
        spec = self.dataset_spec()
        if spec == DOCUMENT_SAMPLES:
            dataset = self.live.document.dataset if self.live is not None else None
            if dataset is None:
                raise DataError("This document has no samples of its own; choose another dataset.")
            return dataset
        if spec not in self._datasets:
            if reads_a_file(spec):
                self._wait_for_load(spec)
            self._datasets[spec] = load_dataset(spec)
        return self._fitted(self._datasets[spec])

    def _fitted(self, dataset: Dataset) -> Dataset:
        """Points in the plane as this network takes them: feature inputs get their features."""
        return fit_dataset_to(dataset, self.live.document.network) if self.live is not None else dataset

    def select_dataset(self, spec: str) -> None:
        """Choose the dataset named ``spec`` (a built-in name, a point recipe such as ``spiral(noise=0.2):train``
        or a path) to train on."""
        self._select_dataset_spec(spec)

    def _wait_for_load(self, spec: str) -> None:
        """Raise a DataError that says the dataset at ``spec`` is loading (starting it) or why it failed."""
        problem = self._load_errors.pop(spec, None)
        if problem is not None:
            raise DataError(problem)  # said once; asking again tries the file again
        self._start_loading(spec)
        raise DataError(f"{self._title_of(spec)} is still loading; try again when it has loaded.")

    def _start_loading(self, spec: str) -> bool:
        """Start loading a dataset named by a path, unless it is loaded already; True when it started."""
        if spec in self._datasets or not reads_a_file(spec):
            return False
        self.loader.start(spec)
        return True

    @staticmethod
    def _title_of(spec: str) -> str:
        return Path(spec).name or spec

    @Slot(str, object)
    def _on_dataset_loaded(self, spec: str, dataset: Dataset) -> None:
        self._datasets[spec] = dataset
        self._load_errors.pop(spec, None)
        if spec == self._pending_import:
            self._pending_import = None
            self._select_imported(spec, dataset)
        elif spec == self.dataset_spec() and not self.controller.running:
            # (While a run goes on, its own messages stay: the table may have asked for the same file.)
            self._set_status(f"Loaded {len(dataset)} samples from {self._title_of(spec)}.")

    @Slot(str, str)
    def _on_dataset_failed(self, spec: str, message: str) -> None:
        if spec == self._pending_import:
            self._pending_import = None
            self._set_status(message, error=True)
        elif spec == self.dataset_spec() and not self.controller.running:
            self._load_errors[spec] = message
            self._set_status(message, error=True)

    def test_dataset(self) -> Dataset | None:
        name = companion_test_set(self.dataset_spec())
        if name is None:
            return None
        if name not in self._datasets:
            self._datasets[name] = load_dataset(name)
        return self._fitted(self._datasets[name])

    def _select_dataset_spec(self, spec: str) -> None:
        index = self.dataset_combo.findData(spec)
        if index < 0:
            index = self._add_dataset_item(spec, Path(spec).name or spec)
        self.dataset_combo.setCurrentIndex(index)
        self._dataset_index = index

    def _add_dataset_item(self, spec: str, title: str) -> int:
        index = self.dataset_combo.findData(DOCUMENT_SAMPLES) + 1
        self.dataset_combo.insertItem(index, title, spec)
        self.dataset_combo.setItemData(index, spec, Qt.ItemDataRole.ToolTipRole)
        return index

    def _forget_document_samples(self) -> None:
        self._datasets.pop(DOCUMENT_SAMPLES, None)

    def _document_sample_count(self) -> int:
        dataset = self.live.document.dataset if self.live is not None else None
        return 0 if dataset is None else len(dataset)

    def _show_document_samples(self) -> None:
        """Name the document's own samples with their number; they can be chosen once there are some."""
        index = self.dataset_combo.findData(DOCUMENT_SAMPLES)
        count = self._document_sample_count()
        self.dataset_combo.setItemText(index, f"{DOCUMENT_SAMPLES_TITLE} ({count if count else 'none yet'})")
        tip = (
            "The samples drawn and labelled in the Samples panel, saved with the network"
            if count
            else "Draw on the pad, pick a class and add it in the Samples panel to train on your own samples"
        )
        self.dataset_combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        item = self.dataset_combo.model().item(index)  # type: ignore[attr-defined]
        item.setEnabled(count > 0)

    @Slot()
    def refresh_datasets(self) -> None:
        """Look again at the document's own samples (one was added or deleted, or that was undone).

        The dataset box shows how many there are. A document that names no dataset of its own, and whose
        dataset the person has not picked, switches to its samples when it gets some.
        """
        self._forget_document_samples()
        self._step_cursor.pop(DOCUMENT_SAMPLES, None)
        self._show_document_samples()
        if self.live is None or self.controller.running:
            return
        document = self.live.document
        if self._document_sample_count() and not document.training_data and not self._dataset_chosen:
            self._select_dataset_spec(DOCUMENT_SAMPLES)

    @Slot(int)
    def _on_dataset_activated(self, index: int) -> None:
        data = self.dataset_combo.itemData(index)
        self._dataset_chosen = True
        if data not in (_IMPORT_FILE, _IMPORT_FOLDER):
            self._dataset_index = index
            if self._start_loading(str(data)):
                self._set_status(f"Loading {self._title_of(str(data))}...")
            return
        path = self._ask_dataset_file() if data == _IMPORT_FILE else self._ask_dataset_folder()
        self.dataset_combo.setCurrentIndex(self._dataset_index)
        if path:
            self.import_dataset(path)

    def _ask_dataset_file(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import a dataset", "", _DATASET_FILTER)
        return path

    def _ask_dataset_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Import a folder of images (one sub-folder per class)")

    def import_dataset(self, path: str) -> Dataset | None:
        """Load a dataset file or folder and select it; on a problem, say what is wrong and change nothing.

        A path that exists is read in the background: the dataset is selected (and returned by a later
        :meth:`selected_dataset`) when it has loaded, and None is returned now."""
        if reads_a_file(path):
            self._datasets.pop(path, None)  # read it again: the file may have changed since
            self._pending_import = path
            self.loader.start(path)
            self._set_status(f"Loading {self._title_of(path)}...")
            return None
        try:
            dataset = load_dataset(path)
        except DataError as exc:
            self._set_status(str(exc), error=True)
            return None
        self._select_imported(path, dataset)
        return dataset

    def importing(self) -> bool:
        """True while an imported file or folder is still loading."""
        return self._pending_import is not None

    def _select_imported(self, path: str, dataset: Dataset) -> None:
        self._datasets[path] = dataset
        index = self.dataset_combo.findData(path)
        if index < 0:
            index = self._add_dataset_item(path, Path(path).name or path)
        self.dataset_combo.setCurrentIndex(index)
        self._dataset_index = index
        self._set_status(f"Imported {len(dataset)} samples from {Path(path).name}.")

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
            stop_when = self.stop_condition()
            if start_from is not None:
                history = self.controller.history
                earlier = history.settings if history is not None and history.settings else settings
                self.plot.compare_runs(*run_names(earlier, settings))
            self.controller.start(
                dataset,
                settings,
                test,
                pace_seconds=pace,
                stop_when=stop_when,
                start_from=start_from,
                data_spec=self.dataset_spec(),
            )
        except (DataError, TrainingError, ValueError) as exc:
            self._set_status(str(exc), error=True)
            return False
        self._last_accuracy = None
        self.plot.set_test_note(
            "" if test is not None else f"No test curve: {self._spec_title()} has no held-out test half."
        )
        document = self.live.document
        document.training = settings
        spec = self.dataset_spec()
        document.training_data = spec
        self._showing_run_end = False
        self.progress_bar.setValue(0)
        self._show_progress_text(f"epoch 1/{settings.epochs}")
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

    def _spec_title(self) -> str:
        spec = self.dataset_spec()
        return "This document's samples" if spec == DOCUMENT_SAMPLES else self._title_of(spec)

    @Slot(int)
    def _on_preview_changed(self, index: int) -> None:
        history = self.controller.history
        if index < 0 or history is None:
            self.plot.mark_step(None)
            return
        self.plot.mark_step(history[index].step)
        self.tabs.setCurrentWidget(self.plot)

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
        self.seed.setValue(seed + 1 if seed < self.seed.maximum() else 0)
        self._set_status(f"New random weights ({self.init_combo.currentData()}, seed {seed}).")

    def next_sample(self) -> tuple[Array, Array, str]:
        """The next sample of the chosen dataset for a single step, going round the samples in order.

        Raises :class:`DataError` or :class:`TrainingError` when the dataset cannot serve this network."""
        dataset = self.selected_dataset()
        if self.live is not None and self.live.plan is not None:
            problem = self.controller.check(dataset) if not self.controller.running else None
            if problem is not None:
                raise TrainingError(problem)
        spec = self.dataset_spec()
        index = self._step_cursor.get(spec, 0) % len(dataset)
        self._step_cursor[spec] = index + 1
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
        self._set_status(
            f"One step on {name!r}: loss {result.loss:.4g}; the weights moved by -{rate:g} x slope."
        )

    # ------------------------------------------------------------------ following the controller
    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self.pause_button.setText("Pause")
        if running:
            self.tabs.setCurrentWidget(self.plot)
        self._update_enabled()

    @Slot(bool)
    def _on_paused_changed(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        latest = self.controller.latest_update
        if paused and latest is not None:
            self._show_progress_text(f"paused, epoch {latest.epoch}/{latest.epochs}")

    @Slot(object)
    def _on_progress(self, update: TrainingUpdate) -> None:
        self.progress_bar.setValue(int(round(update.fraction * 1000)))
        if not self.controller.paused:
            self._show_progress_text(progress_text(update, self._last_accuracy))
        self.speed_label.setText(speed_text(update))

    @Slot(str, str)
    def _on_ended(self, outcome: str, message: str) -> None:
        latest = self.controller.latest_update
        if latest is not None:
            self.progress_bar.setValue(int(round(latest.fraction * 1000)))
            self.speed_label.setText(speed_text(latest))
        if outcome == "completed":
            self.progress_bar.setValue(1000)
            self._show_progress_text("done")
        elif outcome == "reached" and latest is not None:
            self._show_progress_text(f"target reached in epoch {latest.epoch}/{latest.epochs}")
        else:
            epoch = f", epoch {latest.epoch}/{latest.epochs}" if latest is not None else ""
            self._show_progress_text(f"{outcome}{epoch}")
        worse, self._worse_message = self._worse_message, None
        if worse is not None:
            message = f"{message} {worse}".strip()
        self._set_status(message, error=outcome in ("diverged", "failed") or worse is not None)
        self.undo_run_button.setVisible(worse is not None)
        self._showing_run_end = True
        self._run_message = message

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
        """The weights changed after a run ended (a step, Randomize, an edit, an undo): what the progress says
        of that run no longer describes the network, so it goes."""
        self.controller.notice_changes()
        if not self._showing_run_end or self.controller.running:
            return
        self._showing_run_end = False
        self.undo_run_button.hide()
        self._show_idle_progress()
        if self.status.text() == self._run_message:
            self._set_status("")

    @Slot(bool)
    def _on_clean_changed(self, clean: bool) -> None:
        """Saved while a point of the run was shown: the file holds those weights, so they become the
        network's (one undo step) and the document stays saved."""
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

    def _show_idle_progress(self) -> None:
        self.progress_bar.setValue(0)
        self._show_progress_text(NOT_STARTED)
        self.speed_label.setText("")

    def _show_progress_text(self, text: str) -> None:
        self.progress_bar.setFormat(text)
        self.progress_label.setText(text)

    def progress_text(self) -> str:
        """What the progress line says (``epoch 3/40, 0:02 left``, ``done``, ``stopped, epoch 9/40``)."""
        return self.progress_label.text()

    @Slot(bool)
    def _on_fastest_toggled(self, fastest: bool) -> None:
        settings = studio_settings()
        settings.setValue(FASTEST_KEY, fastest)
        settings.sync()
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
            self.loss_combo,
            self.learning_rate,
            self.batch_size,
            self.momentum,
            self.epochs,
            self.seed,
            self.init_combo,
            self.stop_kind,
            self.stop_target,
            self.l1,
            self.l2,
            self.randomize_button,
            self.train_button,
            self.step_button,
        ):
            widget.setEnabled(idle)
        # A network that cannot run yet has nothing to train, step or randomize.
        runnable = idle and self.live is not None and self.live.plan is not None
        for button in (self.train_button, self.step_button, self.randomize_button):
            button.setEnabled(runnable)
        self.step_button.setEnabled(runnable and not self.animating())
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.timeline.refresh()

    def status_text(self) -> str:
        return self.status.text()

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        set_tone(self.status, Tone.PROBLEM if error else Tone.PLAIN)
        self.status_scroll.setVisible(bool(text))
        self._fit_status_height()

    def _fit_status_height(self) -> None:
        """As tall as the message at this width, up to :data:`STATUS_LINES` lines."""
        width = max(1, self.status_scroll.viewport().width() or self.width() - 8)
        wanted = self.status.heightForWidth(width)
        most = self.status.fontMetrics().lineSpacing() * STATUS_LINES + 4
        self.status_scroll.setFixedHeight(max(1, min(wanted, most)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.status_scroll.isVisible():
            self._fit_status_height()


def _stored_bool(key: str) -> bool:
    """A yes/no preference (an INI file gives it back as the text "true" or "false")."""
    value = studio_settings().value(key, False)
    return value.strip().lower() in ("true", "1", "yes") if isinstance(value, str) else bool(value)
