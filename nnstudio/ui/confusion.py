"""The confusion matrix: for every true class, how often the network answered each class.

Rows are the true classes, columns the network's answers (its largest output), counted over the training
panel's dataset or its held-out test half, exactly as ``nnstudio eval`` counts them (one function does both:
a single output is a yes/no answer, two classes "not X" and "X"; with many outputs, samples of no class are
left out, and the summary says how many). The diagonal is what it gets right (green, darker the larger the
share of its row), everything else is a mix-up (red, darkest for the most frequent mix-up). It follows the weights: after a run, an undo, a step, and while the timeline goes back
through a run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data.dataset import DataError, Dataset
from nnstudio.engine.plan import Plan
from nnstudio.engine.train import confusion_matrix
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.panel import Panel
from nnstudio.ui.widgets.signals import SignalLinks

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow
    from nnstudio.ui.training.panel import TrainingPanel

Array = np.ndarray

# Beyond this many classes a table of counts is no longer readable at a glance.
MAX_CLASSES = 40
# Forward passes go in batches of this many samples, so memory stays bounded on big sets.
BATCH = 1024
# Changes that come in quick succession (dragging the timeline) are counted once, this long after the last.
SETTLE_MS = 120
TRAINING_SET, TEST_SET = "training", "test"
NO_CLASS_TIP = (
    "Only samples with a class are counted. A sample of no class (its truth is all 0, \u201cnone of these\u201d"
    " in the Error table) has no row here, and Training's share of samples right leaves it out too."
)
RIGHT_COLOUR = (40, 150, 60)
WRONG_COLOUR = (200, 40, 50)


def network_outputs(plan: Plan, data: Dataset) -> Array:
    """The network's outputs for every sample, in batches so memory stays bounded."""
    parts = [plan.forward(data.inputs[i : i + BATCH]).output for i in range(0, len(data), BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, plan.n_outputs), dtype=plan.dtype)


def cell_of_each_sample(outputs: Array, data: Dataset) -> tuple[Array, Array]:
    """(true class, answer) of every sample as the matrix counts them; -1 for a sample it leaves out. A
    single output is a yes/no answer: class 1 at 0.5 and above, else class 0."""
    if data.targets.shape[1] == 1:
        return (data.targets[:, 0] >= 0.5).astype(np.int64), (outputs[:, 0] >= 0.5).astype(np.int64)
    truth = np.asarray(data.classes, dtype=np.int64)
    answers = np.where(truth >= 0, outputs.argmax(axis=1), -1) if len(outputs) else truth.copy()
    return truth, answers


def confusion_counts(plan: Plan, data: Dataset) -> tuple[Array, list[str]]:
    """(counts, class names): row = true class, column = the network's answer, as ``nnstudio eval`` counts
    them (:func:`nnstudio.engine.train.confusion_matrix`)."""
    return confusion_matrix(network_outputs(plan, data), data.targets, data.classes, list(data.labels))


def left_out_count(data: Dataset) -> int:
    """How many samples the matrix leaves out: those of no class (all-zero truth), when there are many
    outputs; a single output counts every sample, as a yes or a no."""
    if data.targets.shape[1] == 1:
        return 0
    return int(np.count_nonzero(np.asarray(data.classes) < 0))


def summary_text(counts: Array, name: str, left_out: int = 0) -> str:
    """``1,712 of 2,000 right (85.6%) on digits:test``, and how many samples of no class are left out
    (``8 of 8 right (100.0%) on four-pixel; 8 more samples belong to no class and are left out``)."""
    total = int(counts.sum())
    right = int(np.trace(counts))
    if total == 0:
        return f"{name} has no samples with a class to count."
    text = f"{right:,} of {total:,} right ({right / total:.1%}) on {name}"
    if left_out:
        what = "sample belongs" if left_out == 1 else "samples belong"
        text += f"; {left_out:,} more {what} to no class (truth all 0) and are left out"
    return text


def _mix(colour: tuple[int, int, int], share: float) -> QColor:
    """``colour`` faded towards white: share 0 is white, 1 the full colour."""
    share = float(min(1.0, max(0.0, share)))
    r, g, b = (int(round(255 + (c - 255) * share)) for c in colour)
    return QColor(r, g, b)


class ConfusionPanel(Panel):
    """The confusion matrix of the bound network on the training panel's data (``training``), or on its
    held-out test half when there is one. Counts again only while it is visible."""

    def __init__(self, training: TrainingPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionPanel")
        self.setAccessibleName("Confusion Matrix")
        self.training = training
        self.live: LiveNetwork | None = None
        self._links = SignalLinks()
        self.counts: Array | None = None
        # Samples of no class in the set counted last: not in the matrix (it has no row for them).
        self.left_out = 0
        self.count_runs = 0
        # What the last count saw: the samples and the class each was answered with (for a click on a cell).
        self._data: Dataset | None = None
        self._cells: tuple[Array, Array] | None = None
        self.labels: list[str] = []
        self._cell_turns: dict[tuple[int, int], int] = {}

        self.data_box = QComboBox()
        self.data_box.setObjectName("confusionData")
        self.data_box.setAccessibleName("Samples to count")
        self.data_box.addItem("Training set", TRAINING_SET)
        self.data_box.addItem("Test set", TEST_SET)
        self.data_box.setToolTip(
            "Count over the training panel's dataset, or over its held-out test half (a name ending in :train"
            " has one: digits:train is tested on digits:test)"
        )
        self.data_box.currentIndexChanged.connect(self.schedule)
        self.summary = QLabel("")
        self.summary.setObjectName("confusionSummary")
        self.summary.setAccessibleName("How many the network gets right")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setToolTip(NO_CLASS_TIP)
        self.table = QTableWidget()
        self.table.setObjectName("confusionTable")
        self.table.setAccessibleName("Confusion Matrix: rows the true class, columns the network's answer")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table
        self.table.setCornerButtonEnabled(False)
        self.table.cellClicked.connect(self.show_cell_sample)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setMinimumSectionSize(24)
        self.note = QLabel(
            "Rows: the true class. Columns: the network's answer. The diagonal is right. Click a number to"
            " put one of its samples into the network (again for the next one)."
        )
        self.note.setObjectName("confusionNote")
        self.note.setAccessibleName("How to read the matrix")
        self.note.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(QLabel("Count on"))
        row.addWidget(self.data_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.refresh)
        controller = training.controller
        controller.ended.connect(self.schedule)
        controller.previewChanged.connect(self.schedule)
        controller.weightsRandomized.connect(self.schedule)
        training.dataset_combo.currentIndexChanged.connect(self.schedule)
        training.loader.loaded.connect(self.schedule)

    # ------------------------------------------------------------------ window contract
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        self._links.disconnect_all()
        self.live = live
        self._links.connect(undo_stack.indexChanged, self.schedule)
        self._links.connect(live.planChanged, self.schedule)
        self.schedule()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.schedule()

    # ------------------------------------------------------------------ counting
    @Slot()
    def schedule(self, *_args: object) -> None:
        """Count again soon (once, however many changes come in the meantime)."""
        self._timer.start()

    def dataset(self) -> Dataset:
        """The samples chosen: the training panel's dataset or its test half. Raises :class:`DataError`."""
        if self.data_box.currentData() == TEST_SET:
            test = self.training.test_dataset()
            if test is None:
                raise DataError(
                    f"{self.training.dataset_spec()} has no held-out test half: choose the training set, or"
                    f" a dataset whose name ends in :train in the Training panel."
                )
            return test
        return self.training.selected_dataset()

    @Slot()
    def refresh(self) -> bool:
        """Count now (if visible and not training); True when the table shows fresh counts."""
        self._timer.stop()
        live = self.live
        if live is None or not self.isVisible():
            return False
        if self.training.controller.running:
            self._say("Training is running: the matrix is counted again when it ends.")
            return False
        if live.plan is None:
            self._show_problem(f"The network cannot run yet: {live.problem}.")
            return False
        try:
            data = self.dataset()
        except DataError as exc:
            self._show_problem(str(exc))
            return False
        if data.n_outputs != live.plan.n_outputs or data.n_inputs != live.plan.n_inputs:
            self._show_problem(
                f"{data.name} does not fit this network ({data.n_inputs} values and {data.n_outputs} classes"
                f" for {live.plan.n_inputs} inputs and {live.plan.n_outputs} outputs)."
            )
            return False
        if data.n_outputs > MAX_CLASSES:
            self._show_problem(f"{data.name} has {data.n_outputs} classes: too many to draw as a matrix.")
            return False
        with np.errstate(all="ignore"):
            outputs = network_outputs(live.plan, data)
        counts, labels = confusion_matrix(outputs, data.targets, data.classes, list(data.labels))
        if self._data is not data:
            self._cell_turns = {}
        self._data, self._cells = data, cell_of_each_sample(outputs, data)
        self.counts, self.labels = counts, labels
        self.count_runs += 1
        self.left_out = left_out_count(data)
        self._show(counts, labels, data.name)
        return True

    # ------------------------------------------------------------------ showing
    def _say(self, text: str) -> None:
        self.summary.setText(text)

    def _show_problem(self, text: str) -> None:
        self.counts = None
        self._data = self._cells = None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self._say(text)

    def _show(self, counts: Array, names: list[str], data_name: str) -> None:
        k = len(counts)
        labels = [label if len(label) <= 12 else f"{label[:11]}…" for label in names]
        table = self.table
        table.clear()
        table.setRowCount(k)
        table.setColumnCount(k)
        table.setHorizontalHeaderLabels(labels)
        table.setVerticalHeaderLabels(labels)
        row_totals = counts.sum(axis=1)
        shares = counts / np.maximum(row_totals, 1)[:, None]
        # Mix-ups are shaded against the worst one, so the classes the network confuses most stand out.
        off_diagonal = shares * (1 - np.eye(k))
        worst = float(off_diagonal.max()) if k > 1 else 0.0
        for r in range(k):
            for c in range(k):
                value = int(counts[r, c])
                item = QTableWidgetItem(f"{value:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                share = float(shares[r, c])
                colour = RIGHT_COLOUR if r == c else WRONG_COLOUR
                if r != c and worst > 0:
                    share /= worst
                if value:
                    item.setBackground(QBrush(_mix(colour, 0.15 + 0.85 * share)))
                    if share > 0.55:
                        item.setForeground(QBrush(QColor(255, 255, 255)))
                truth, answer = names[r], names[c]
                what = "answered right" if r == c else f"taken for {answer}"
                item.setToolTip(f"{value:,} of the {int(row_totals[r]):,} samples of {truth} {what}")
                table.setItem(r, c, item)
        self._say(summary_text(counts, data_name, self.left_out))

    @Slot(int, int)
    def show_cell_sample(self, row: int, column: int) -> int | None:
        """Put a sample of true class ``row`` answered ``column`` into the network (the next one on each
        click); its index in the dataset, or None when the cell counts none."""
        data, cells, live, names = self._data, self._cells, self.live, self.labels
        if data is None or cells is None or live is None:
            return None
        truth, answers = cells
        matching = np.flatnonzero((truth == row) & (answers == column))
        if len(matching) == 0:
            self._say(f"No sample of {names[row]} is answered {names[column]}.")
            return None
        turn = self._cell_turns.get((row, column), 0) % len(matching)
        self._cell_turns[(row, column)] = turn + 1
        index = int(matching[turn])
        live.show_sample(data.inputs[index], data.targets[index])
        name = data.sample_names[index] if data.sample_names else f"sample {index + 1}"
        self._say(
            f"{summary_text(self.counts, data.name, self.left_out)}. Showing {name!r} ({turn + 1} of {len(matching):,}):"
            f" truth {names[row]}, answered {names[column]}."
            if self.counts is not None
            else ""
        )
        return index

    def cell_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""


def install_confusion(window: MainWindow) -> None:
    """Tools > Confusion Matrix: one window of it per main window, following its document and training."""
    from nnstudio.ui.instruments import ClosesWithWindow
    from nnstudio.ui.training.panel import TrainingPanel

    training = window.findChild(TrainingPanel)
    if training is None:
        return
    holder: dict[str, ConfusionPanel] = {}

    def open_matrix() -> None:
        panel = holder.get("view")
        if panel is None:
            panel = holder["view"] = ConfusionPanel(training, window)
            panel.setWindowFlag(Qt.WindowType.Window, True)
            panel.setWindowTitle("Confusion Matrix — nnstudio")
            panel.resize(460, 460)
            ClosesWithWindow(window, panel)
        if window.live is not None and window.undo_stack is not None:
            panel.bind(window.live, window.undo_stack)
        panel.show()
        panel.raise_()
        panel.activateWindow()

    def on_document() -> None:
        panel = holder.get("view")
        if panel is not None and window.live is not None and window.undo_stack is not None:
            panel.bind(window.live, window.undo_stack)

    action = QAction("&Confusion Matrix...", window)
    action.setObjectName("confusionMatrixAction")
    action.setToolTip("For every true class, how often the network answers each class")
    action.setStatusTip(action.toolTip())
    action.triggered.connect(open_matrix)
    window.tools_menu.addAction(action)
    window.documentReplaced.connect(on_document)
