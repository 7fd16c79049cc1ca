"""The Training panel's settings form: loss, learning rate, batch size, momentum, epochs, seed, how Randomize
draws weights, when a run stops (and at what target), and the L1 and L2 rates, each with a tip saying what it
does; and two runs named by the settings in which they differ. Every change the person makes is announced
(``settingChosen``) for the panel to keep in the document as an undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QScrollArea, QSpinBox, QWidget

from nnstudio.engine.losses import LOSSES
from nnstudio.engine.stopping import EPOCHS, STOP_KINDS, TARGET_ACCURACY, TARGET_ERROR, StopCondition
from nnstudio.engine.train import INITIALISERS, TrainSettings

from .naming import named

# The tip of each row of the form, in the order of the rows.
_ROW_TIPS = (
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
    if earlier.stop != this.stop:
        for parts, settings in zip(names, (earlier, this), strict=True):
            parts.append(f"stop {settings.stop.text()}")
    if not names[0]:
        return "same settings", "same settings"
    return ", ".join(names[0]), ", ".join(names[1])


# What an undo step calls each setting ("Set learning rate to 0.05").
_SETTING_TITLES = {
    "loss": "loss",
    "learning_rate": "learning rate",
    "batch_size": "batch size",
    "momentum": "momentum",
    "epochs": "epochs",
    "seed": "seed",
    "init": "Randomize with",
    "l1": "L1 rate",
    "l2": "L2 rate",
}


def setting_text(name: str, value: object) -> str:
    """The undo step of a changed setting: ``Set learning rate to 0.05``, ``Stop training at 95% right``."""
    if isinstance(value, StopCondition):
        return f"Stop training {value.text()}"
    if name == "loss" and value in LOSSES:
        value = LOSSES[str(value)].title
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"Set {_SETTING_TITLES.get(name, name)} to {shown}"


class SettingsForm(QScrollArea):
    """The settings as a form that scrolls (``trainingSettingsScroll``): :meth:`show_settings` shows a
    document's, :meth:`current_settings` and :meth:`stop_condition` read what the person set.

    ``settingChosen(name, value)``: the person changed a setting (``name`` is the
    :class:`~nnstudio.engine.train.TrainSettings` field, ``value`` its new value; ``"stop"`` for "Stop when"
    and its target); not emitted while a document's settings are being shown.

    A value the boxes cannot show exactly (a learning rate of 0.000123456 in a box of four decimals) stays
    exact while its box still shows what it showed for it."""

    settingChosen = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The condition last shown and the target box's value right after: while the box still shows that
        # value, the condition is the shown one to its last digit (the box rounds to its decimals).
        self._shown_stop: StopCondition | None = None
        self._shown_target = 0.0
        self._showing = False
        # The settings last shown, and what each box read right after.
        self._shown: TrainSettings | None = None
        self._shown_readings: dict[str, object] = {}
        self.loss_combo = named(QComboBox(), "trainingLoss", "Loss function")
        for loss in LOSSES.values():
            self.loss_combo.addItem(loss.title, loss.name)
            self.loss_combo.setItemData(
                self.loss_combo.count() - 1, loss.formula, Qt.ItemDataRole.ToolTipRole
            )
        self.learning_rate = named(QDoubleSpinBox(), "trainingLearningRate", "Learning rate")
        self.learning_rate.setDecimals(4)
        self.learning_rate.setRange(0.0001, 10000.0)
        self.learning_rate.setSingleStep(0.01)
        self.batch_size = named(QSpinBox(), "trainingBatchSize", "Batch size")
        self.batch_size.setRange(1, 100_000)
        self.momentum = named(QDoubleSpinBox(), "trainingMomentum", "Momentum")
        self.momentum.setDecimals(3)
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setSingleStep(0.05)
        self.epochs = named(QSpinBox(), "trainingEpochs", "Epochs")
        self.epochs.setRange(1, 1_000_000)
        self.seed = named(QSpinBox(), "trainingSeed", "Random seed")
        self.seed.setRange(0, 2_147_483_647)
        self.l1 = named(QDoubleSpinBox(), "trainingL1", "L1 rate")
        self.l2 = named(QDoubleSpinBox(), "trainingL2", "L2 rate")
        for spin in (self.l1, self.l2):
            spin.setDecimals(5)
            spin.setRange(0.0, 10.0)
            spin.setSingleStep(0.001)
        self.stop_kind = named(QComboBox(), "trainingStopWhen", "When training stops")
        for kind, title in STOP_KINDS.items():
            self.stop_kind.addItem(title, kind)
        # Combo boxes as wide as their longest entry would widen the settings past a narrow dock.
        for combo in (self.loss_combo, self.stop_kind):
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.stop_target = named(QDoubleSpinBox(), "trainingStopTarget", "Target to stop at")
        self._stop_targets = {TARGET_ERROR: 0.01, TARGET_ACCURACY: 95.0}
        self.stop_kind.currentIndexChanged.connect(self._on_stop_kind_changed)
        self.stop_target.valueChanged.connect(self._on_stop_target_changed)
        self._form: QFormLayout | None = None
        self.init_combo = named(QComboBox(), "trainingInit", "How Randomize draws weights")
        for name, description in INITIALISERS.items():
            self.init_combo.addItem(name, name)
            self.init_combo.setItemData(self.init_combo.count() - 1, description, Qt.ItemDataRole.ToolTipRole)
        # Whether samples are shuffled: no box of its own, it goes with the document's settings.
        self._shuffle = TrainSettings().shuffle
        # How to read each setting's box; every box announces a change the same way.
        self._readers = {
            "loss": self.loss_combo.currentData,
            "learning_rate": self.learning_rate.value,
            "batch_size": self.batch_size.value,
            "momentum": self.momentum.value,
            "epochs": self.epochs.value,
            "seed": self.seed.value,
            "init": self.init_combo.currentData,
            "l1": self.l1.value,
            "l2": self.l2.value,
        }
        for name, box in (
            ("loss", self.loss_combo),
            ("learning_rate", self.learning_rate),
            ("batch_size", self.batch_size),
            ("momentum", self.momentum),
            ("epochs", self.epochs),
            ("seed", self.seed),
            ("init", self.init_combo),
            ("l1", self.l1),
            ("l2", self.l2),
        ):
            changed = box.currentIndexChanged if isinstance(box, QComboBox) else box.valueChanged
            changed.connect(lambda *_args, name=name: self._announce(name))

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
        for row, tip in enumerate(_ROW_TIPS):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            label.setToolTip(tip)
            field.setToolTip(tip)
        page = QWidget()
        page.setLayout(form)
        self.setObjectName("trainingSettingsScroll")
        self.setAccessibleName("Training settings")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(page)

    def fields(self) -> tuple[QWidget, ...]:
        """Every box of the form, in the order of its rows."""
        return (
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
        )

    def show_settings(self, settings: TrainSettings) -> None:
        """Show ``settings`` (a document's) in the boxes, as the document's, not as the person's choice."""
        showing, self._showing = self._showing, True
        try:
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
            self._shown = settings
            self._shown_readings = {name: read() for name, read in self._readers.items()}
            self.show_stop_condition(settings.stop)
        finally:
            self._showing = showing

    def show_stop_condition(self, stop: StopCondition) -> None:
        """Show ``stop`` in "Stop when" and Target (an accuracy in percent), as the document's, not a choice."""
        showing, self._showing = self._showing, True
        try:
            if stop.kind != EPOCHS:
                self._stop_targets[stop.kind] = (
                    stop.target * 100.0 if stop.kind == TARGET_ACCURACY else stop.target
                )
            self.stop_kind.setCurrentIndex(self.stop_kind.findData(stop.kind))
            # The kind may not have changed, the target has.
            self._on_stop_kind_changed(self.stop_kind.currentIndex())
            self._shown_stop = stop
            self._shown_target = self.stop_target.value()
        finally:
            self._showing = showing

    def current_settings(self) -> TrainSettings:
        """The settings the widgets show. Raises :class:`TrainingError` when they are not usable."""
        settings = TrainSettings(
            shuffle=self._shuffle,
            stop=self.stop_condition(),
            **{name: self.value(name) for name in self._readers},
        )
        settings.validate()
        return settings

    def setting_names(self) -> tuple[str, ...]:
        """The settings the form shows, by their field names in :class:`TrainSettings` (``"stop"`` last)."""
        return (*self._readers, "stop")

    def value(self, name: str) -> object:
        """The setting ``name`` as the form shows it: the shown document's own value while its box still
        reads what it read for it (to its last digit), else what the box reads."""
        if name == "stop":
            return self.stop_condition()
        reading = self._readers[name]()
        if self._shown is not None and self._shown_readings.get(name) == reading:
            return getattr(self._shown, name)
        return reading

    def stop_condition(self) -> StopCondition:
        """The stop condition the form shows (a target accuracy as a share: 95% is 0.95)."""
        kind = str(self.stop_kind.currentData())
        if kind == EPOCHS:
            return StopCondition()
        target = self.stop_target.value()
        shown = self._shown_stop
        if shown is not None and shown.kind == kind and target == self._shown_target:
            return shown
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
            self._announce("stop")

    @Slot(float)
    def _on_stop_target_changed(self, value: float) -> None:
        kind = str(self.stop_kind.currentData())
        if kind != EPOCHS:
            self._stop_targets[kind] = value
        self._announce("stop")

    def _announce(self, name: str) -> None:
        if not self._showing and self._shown is not None:
            self.settingChosen.emit(name, self.value(name))
