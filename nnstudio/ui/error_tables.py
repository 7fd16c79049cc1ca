"""Error tables: how far the network's answer is from the truth.

:class:`ErrorTablePanel` is seed 002's table for the current input: pick the truth, read truth, answer
and error for every output, and the total. :class:`DatasetTable` lists every pattern of a small dataset
with the network's answer and error, recomputed in one batched pass whenever the weights change; clicking
a row feeds that pattern to the network.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QIcon, QKeyEvent, QPalette, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data.dataset import DataError, Dataset
from nnstudio.data.loaders import load_dataset
from nnstudio.data.points import fit_dataset_to
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.losses import LOSSES
from nnstudio.ui.dataset_loading import reads_a_file, shared_loader
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.message_stack import MessageStack
from nnstudio.ui.outputs import format_output
from nnstudio.ui.panel import Panel
from nnstudio.ui.plain_text import escape, plain_tooltip
from nnstudio.ui.theme import Tone, tone_colour
from nnstudio.ui.widgets.pixel_images import pixel_icon, pixel_pixmap
from nnstudio.ui.widgets.signals import SignalLinks

Array = np.ndarray

# The dataset table lists sets up to this size; bigger ones (the digits) are for the training panel.
MAX_TABLE_SAMPLES = 64
# Marks for the right/wrong column.
RIGHT = "✓"
WRONG = "✗"
UNGRADED = "–"


def format_number(value: float) -> str:
    """Two decimals as the seed's table reads (``0.50``, ``-0.25``), never ``-0.00``."""
    if not math.isfinite(value):
        return "—"
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _named(widget: QWidget, name: str, accessible: str, tip: str = "") -> None:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(plain_tooltip(tip))


def _item(text: str, align_right: bool = False, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(plain_tooltip(tip))  # tips quote sample names and labels from the file
    return item


# ---------------------------------------------------------------------------------------------- one input
# Special entries of the truth combo besides the output labels.
_NO_TRUTH = "__none__"
_ALL_ZERO = "__zeros__"
_OTHER = "__other__"


class _EveryRowTable(QTableWidget):
    """A table whose preferred height shows every row: the window's layout gives a panel the height it
    prefers when there is room, so ten outputs show without scrolling (it still scrolls in a shorter dock)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        rows = sum(self.rowHeight(row) for row in range(self.rowCount()))
        header = self.horizontalHeader().sizeHint().height() if self.horizontalHeader().isVisible() else 0
        return QSize(hint.width(), rows + header + 2 * self.frameWidth() + 2)


class ErrorTablePanel(Panel):
    """Truth, answer and error per output for the current input, and the total (seed 002's table)."""

    COLUMNS = ("Output", "Truth", "Answer", "Error")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "errorTablePanel", "Error table", "How far each output's answer is from the truth")
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._links = SignalLinks()
        self._syncing = False

        self.truth_combo = QComboBox(self)
        _named(
            self.truth_combo,
            "errorTruth",
            "Truth",
            "What the input really is: that output should be 1 and every other 0",
        )
        self.truth_combo.currentIndexChanged.connect(self._truth_chosen)
        truth_label = QLabel("&Truth:", self)
        truth_label.setBuddy(self.truth_combo)
        _named(truth_label, "errorTruthLabel", "Truth label")
        top = QHBoxLayout()
        top.addWidget(truth_label)
        top.addWidget(self.truth_combo, 1)

        self.formula = QLabel(self)
        self.formula.setWordWrap(True)
        _named(self.formula, "errorFormula", "Error formula")
        self.table = _EveryRowTable(0, len(self.COLUMNS), self)
        _named(
            self.table,
            "errorTable",
            "Error per output",
            "Error is the loss of each output's answer against its truth; Total adds them up",
        )
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        # Rows as tall as the text needs: a short dock then still shows every output and the total.
        row_height = self.table.fontMetrics().height() + 3
        self.table.verticalHeader().setMinimumSectionSize(row_height)
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab goes on to the next control, as everywhere else; the arrow keys move between cells.
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(self.COLUMNS)):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        _named(self.hint, "errorHint", "Error table hint")

        # The total is the table's headline number: a row of its own under the table, outside the table's
        # scrolling, so a short panel scrolls the outputs and never the total out of view.
        total_tip = "The error of this input: the errors of all outputs added up"
        self.total_row = QFrame(self)
        self.total_row.setFrameShape(QFrame.Shape.StyledPanel)
        _named(self.total_row, "errorTotalRow", "Total error", total_tip)
        bold = QFont(self.font())
        bold.setBold(True)
        self.total_label = QLabel("Total", self.total_row)
        self.total_value = QLabel(self.total_row)
        for label, name, accessible in (
            (self.total_label, "errorTotalLabel", "Total"),
            (self.total_value, "errorTotalValue", "Total error value"),
        ):
            label.setFont(bold)
            label.setTextFormat(Qt.TextFormat.PlainText)
            _named(label, name, accessible, total_tip)
        self.total_value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        total_layout = QHBoxLayout(self.total_row)
        total_layout.setContentsMargins(4, 2, 0, 2)
        total_layout.setSpacing(0)
        total_layout.addWidget(self.total_label, 1)
        total_layout.addWidget(self.total_value)
        self.table.horizontalHeader().sectionResized.connect(self._align_total)
        self.table.horizontalHeader().geometriesChanged.connect(self._align_total)

        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(top)
        content_layout.addWidget(self.formula)
        content_layout.addWidget(self.table, 1)
        content_layout.addWidget(self.total_row)
        content_layout.addWidget(self.hint)
        self.stack = MessageStack(content, "errorMessage", "Error table message", self)
        self.message = self.stack.message
        self._content = content
        self.stack.install_in(self)
        self._labels: list[str] = []
        self._show_message("Open or build a network to compare its answer with the truth.")

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        self._links.disconnect_all()
        self.live = live
        self.undo_stack = undo_stack
        self._labels = []
        self._links.connect(live.valuesChanged, self.refresh)
        self._links.connect(live.planChanged, self.refresh)
        self._links.connect(live.truthChanged, self._sync_truth)
        self.refresh()

    def _show_message(self, text: str) -> None:
        self.stack.show_message(text)

    # ------------------------------------------------------------------ truth
    def _fill_truth_combo(self, labels: list[str]) -> None:
        self._syncing = True
        self.truth_combo.clear()
        self.truth_combo.addItem("none chosen", _NO_TRUTH)
        for label in labels:
            self.truth_combo.addItem(label, label)
        if len(labels) > 1:
            self.truth_combo.addItem("none of these (all 0)", _ALL_ZERO)
        self._labels = list(labels)
        self._syncing = False
        self._sync_truth()

    def set_truth_label(self, label: str | None) -> None:
        """Choose the truth as a person would in the combo: an output label, or None for no truth."""
        index = self.truth_combo.findData(_NO_TRUTH if label is None else label)
        if index < 0:
            raise ValueError(f"{label!r} is not one of the outputs ({', '.join(self._labels)})")
        self.truth_combo.setCurrentIndex(index)

    def _truth_chosen(self, index: int) -> None:
        if self._syncing or self.live is None or index < 0:
            return
        key = self.truth_combo.itemData(index)
        if key == _NO_TRUTH:
            self.live.set_truth(None)
        elif key == _ALL_ZERO:
            self.live.set_truth(np.zeros(len(self._labels), dtype=np.float32))
        elif key == _OTHER:
            return
        else:
            self.live.set_truth_label(str(key))

    def _sync_truth(self) -> None:
        """Show in the combo the truth chosen elsewhere (a dataset row, a sample)."""
        if self.live is None:
            return
        truth = self.live.truth
        other = self.truth_combo.findData(_OTHER)
        if truth is None:
            key = _NO_TRUTH
        elif truth.size == len(self._labels) and not truth.any() and len(self._labels) > 1:
            key = _ALL_ZERO
        elif truth.size == len(self._labels) and np.count_nonzero(truth) == 1 and truth.max() == 1.0:
            key = self._labels[int(np.argmax(truth))]
        else:
            key = _OTHER
        self._syncing = True
        if key == _OTHER and other < 0:
            self.truth_combo.addItem("as given by the sample", _OTHER)
        elif key != _OTHER and other >= 0:
            self.truth_combo.removeItem(other)
        self.truth_combo.setCurrentIndex(self.truth_combo.findData(key))
        self._syncing = False

    # ------------------------------------------------------------------ table
    def refresh(self) -> None:
        live = self.live
        if live is None:
            return
        network = live.document.network
        if live.plan is None:
            if not network.outputs():
                self._show_message(
                    "This network has no outputs yet, so there is no answer to compare with"
                    " the truth. Add an output neuron."
                )
            else:
                self._show_message(f"The network cannot run: {live.problem}")
            return
        labels = live.output_labels()
        if labels != self._labels:
            self._fill_truth_combo(labels)
        answer = live.outputs().astype(np.float64)
        if answer.size != len(labels):
            self._show_message("Feed the network an input to see its answer.")
            return
        loss = LOSSES[live.document.training.loss]
        formula = f"{loss.title}: {loss.formula}"
        if self.formula.text() != formula:
            self.formula.setText(formula)
        table = live.error_table()
        if self.table.rowCount() != len(labels):
            self.table.setRowCount(len(labels))
        best = int(np.argmax(answer)) if answer.size > 1 else -1
        for row, label in enumerate(labels):
            texts = (
                label,
                "" if table is None else format_number(float(table.truth[row])),
                format_number(float(answer[row])),
                "" if table is None else format_number(float(table.error[row])),
            )
            for col, text in enumerate(texts):
                self._show_cell(row, col, text, label, row == best)
        total = "" if table is None else format_number(table.total)
        if self.total_value.text() != total:
            self.total_value.setText(total)
        hint = (
            "Choose the truth above to see each output's error."
            if table is None
            else "Training changes the weights to make the total error smaller."
        )
        if self.hint.text() != hint:
            self.hint.setText(hint)
        self.stack.show_content()

    def _show_cell(self, row: int, col: int, text: str, label: str, best: bool) -> None:
        """Update one cell in place: a pad change rewrites only the texts that changed, no new items."""
        item = self.table.item(row, col)
        if item is None:
            item = _item(text, col > 0)
            self.table.setItem(row, col, item)
        elif item.text() != text:
            item.setText(text)
        if item.font().bold() != best:
            font = QFont(self.table.font())
            font.setBold(best)
            item.setFont(font)
            item.setToolTip(plain_tooltip(f"{label} has the highest value: it is the answer") if best else "")

    def _align_total(self, *_args: object) -> None:
        """Keep the total under the Error column, whatever its width and the table's scroll bar."""
        header = self.table.horizontalHeader()
        error_column = len(self.COLUMNS) - 1
        width = header.sectionSize(error_column) + self.table.frameWidth()
        scroll_bar = self.table.verticalScrollBar()
        if scroll_bar.isVisible():
            width += scroll_bar.width()
        self.total_value.setFixedWidth(max(width, self.total_value.fontMetrics().horizontalAdvance("00.00")))
        margins = self.total_value.contentsMargins()
        padding = self.table.style().pixelMetric(self.table.style().PixelMetric.PM_FocusFrameHMargin) + 2
        self.total_value.setContentsMargins(margins.left(), 0, padding, 0)

    def shown_rows(self) -> list[list[str]]:
        """The table's texts, row by row, as the user reads them, and last the Total row under it."""
        table = self.table
        rows = [
            [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())
        ]
        return [*rows, [self.total_label.text(), "", "", self.total_value.text()]]


# ---------------------------------------------------------------------------------------------- a dataset
class _RowTable(QTableWidget):
    """A table whose rows feed the network: Return or Space feeds the current row again."""

    activatedRow = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.currentRow() >= 0:
            self.activatedRow.emit(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)


class DatasetTable(Panel):
    """Every pattern of a small dataset with its target, the network's answer, the error and right/wrong.

    By default it shows the dataset the document trains on (``training_data``), or the document's own
    samples; :meth:`set_dataset` shows another one. Clicking a row feeds the pattern and its truth.
    """

    COLUMNS = ("Pattern", "Target", "Answer", "Error", "Right?")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(
            self,
            "datasetTable",
            "Dataset table",
            "Every pattern of the dataset with the network's answer; click a row to feed that pattern",
        )
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._links = SignalLinks()
        self._chosen: Dataset | None = None
        # The training_data name the default dataset in _chosen was loaded for (a file's dataset is named
        # after the file, not after the path the document gives).
        self._chosen_for: str | None = None
        # (training_data name, why it cannot be listed): not loaded again on every refresh.
        self._unusable: tuple[str, str] | None = None
        self._explicit = False
        # A training_data that names a file is read in the background (one read shared with the training
        # panel); the table shows it when it arrives.
        self.loader = shared_loader()
        self.loader.loaded.connect(self._on_dataset_loaded)
        self.loader.failed.connect(self._on_dataset_failed)
        self.dataset: Dataset | None = None
        self._icons: list[QIcon] = []
        self._icon_key: tuple[object, ...] | None = None
        self._last: tuple[Array, Array] | None = None
        self._dirty = True
        self._updating = False
        self._current_match = -1

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)  # the name in bold; both texts escaped
        self.title.setWordWrap(True)
        _named(self.title, "datasetTitle", "Dataset name")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        _named(self.summary, "datasetSummary", "How many patterns the network gets right")
        self.table = _RowTable(0, len(self.COLUMNS), self)
        _named(
            self.table,
            "datasetRows",
            "Dataset patterns",
            "Click a pattern to feed it to the network with its truth",
        )
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrow keys choose a pattern
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for col in range(len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(lambda row, _col: self._feed_row(row))
        self.table.currentCellChanged.connect(self._current_changed)
        self.table.activatedRow.connect(self._feed_row)

        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.title)
        content_layout.addWidget(self.summary)
        content_layout.addWidget(self.table, 1)
        self.stack = MessageStack(content, "datasetMessage", "Dataset table message", self)
        self.message = self.stack.message
        self._content = content
        self.stack.install_in(self)
        self._show_message("Open a network to see how it answers every pattern of its dataset.")

    # ------------------------------------------------------------------ binding and choosing
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        self._links.disconnect_all()
        self.live = live
        self.undo_stack = undo_stack
        self._chosen = None
        self._chosen_for = None
        self._unusable = None
        self._explicit = False
        self._links.connect(live.valuesChanged, self._values_changed)
        self._links.connect(live.planChanged, self.refresh_dataset)
        self._links.connect(live.document.events.dataset, self.refresh_dataset)
        self.refresh_dataset()

    def set_dataset(self, dataset: Dataset | None) -> None:
        """Show this dataset, or with None go back to the document's default one."""
        self._chosen = dataset
        self._explicit = dataset is not None
        self.refresh_dataset()

    def refresh_dataset(self) -> None:
        """Look again at which dataset to show (the document's samples may have changed) and recompute.

        A hidden table only notes that it is out of date; it catches up when it is shown.
        """
        self._icon_key = None
        self._last = None
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def _default_dataset(self) -> tuple[Dataset | None, str]:
        """The document's dataset: its own samples, or the built-in one it trains on; or why there is none."""
        assert self.live is not None
        doc = self.live.document
        name = doc.training_data
        if name in (None, "document"):
            if doc.dataset is not None and len(doc.dataset) > 0:
                return doc.dataset, ""
            if name == "document":
                return None, (
                    "This network trains on its own samples, and there are none yet. Draw an input"
                    " on the pad, pick its class and add it as a sample."
                )
            return None, (
                "This network has no dataset. Add samples of your own (Samples panel) or choose a"
                " dataset to train on."
            )
        assert name is not None
        if self._chosen is not None and name in (self._chosen.name, self._chosen_for):
            return self._chosen, ""
        if self._unusable is not None and self._unusable[0] == name:
            return None, self._unusable[1]
        if reads_a_file(name):
            self.loader.start(name)
            return None, f"Loading the dataset {name!r}..."
        try:
            # Points in the plane reach feature inputs as their features (X1^2, sin X1, ...).
            dataset = fit_dataset_to(load_dataset(name), doc.network)
        except (DataError, OSError, KeyError, ValueError) as exc:
            self._unusable = (name, f"The dataset {name!r} could not be loaded: {exc}")
            return None, self._unusable[1]
        return self._keep_default(name, dataset)

    def _keep_default(self, name: str, dataset: Dataset) -> tuple[Dataset | None, str]:
        if len(dataset) > MAX_TABLE_SAMPLES:
            # Say so once and let the big dataset go: the training panel keeps its own copy.
            problem = self._mismatch(dataset)
            self._unusable = (name, problem or "")
            return None, self._unusable[1]
        self._chosen = dataset
        self._chosen_for = name
        return dataset, ""

    def _on_dataset_loaded(self, name: str, dataset: Dataset) -> None:
        if self.live is None or self.live.document.training_data != name or self._explicit:
            return
        if self.live.plan is None:
            self._chosen, self._chosen_for = dataset, name  # checked against the network once it runs
        else:
            self._keep_default(name, dataset)
        self.refresh_dataset()

    def _on_dataset_failed(self, name: str, message: str) -> None:
        if self.live is None or self.live.document.training_data != name:
            return
        self._unusable = (name, f"The dataset {name!r} could not be loaded: {message}")
        self.refresh_dataset()

    def _mismatch(self, dataset: Dataset) -> str | None:
        assert self.live is not None and self.live.plan is not None
        plan = self.live.plan
        if len(dataset) == 0:
            return f"The dataset {dataset.name!r} has no samples yet."
        if len(dataset) > MAX_TABLE_SAMPLES:
            return (
                f"The dataset {dataset.name!r} has {len(dataset):,} samples; this table lists datasets of"
                f" up to {MAX_TABLE_SAMPLES}. The training panel measures the error over all of them."
            )
        if dataset.n_inputs != plan.n_inputs:
            return (
                f"Each sample of {dataset.name!r} has {dataset.n_inputs} values but the network takes"
                f" {plan.n_inputs} inputs."
            )
        if dataset.n_outputs != plan.n_outputs:
            return (
                f"The samples of {dataset.name!r} have {dataset.n_outputs} targets but the network has"
                f" {plan.n_outputs} outputs."
            )
        return None

    def _show_message(self, text: str) -> None:
        self.dataset = None
        self.stack.show_message(text)

    # ------------------------------------------------------------------ computing
    def _values_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Recompute every pattern's answer in one batched pass and update the rows that changed."""
        live = self.live
        if live is None:
            return
        self._dirty = False
        if live.plan is None:
            if not live.document.network.outputs():
                self._show_message("This network has no outputs yet. Add output neurons to see its answers.")
            else:
                self._show_message(f"The network cannot run: {live.problem}")
            return
        if self._explicit and self._chosen is not None:
            dataset, why = self._chosen, ""
        else:
            dataset, why = self._default_dataset()
        if dataset is None:
            self._show_message(why)
            return
        problem = self._mismatch(dataset)
        if problem is not None:
            self._show_message(problem)
            return
        if self.dataset is not dataset:
            self._icon_key = None
            self._last = None
        self.dataset = dataset
        loss = LOSSES[live.document.training.loss]
        # Huge weights give answers that are not numbers: the table shows them so, without numpy's warning.
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = live.plan.forward(dataset.inputs).output.astype(np.float64)
            errors = loss.per_sample(outputs, dataset.targets.astype(np.float64))
        self._fill(dataset, outputs, errors, loss.title)
        self.stack.show_content()

    def _pictures(self, dataset: Dataset) -> list[QIcon]:
        key = (id(dataset), len(dataset), dataset.grid, tuple(dataset.value_range))
        if self._icon_key != key:
            if dataset.grid is not None:
                size = 24 if max(dataset.grid) <= 4 else 36
                grid, value_range = dataset.grid, dataset.value_range
                self._icons = [pixel_icon(row, grid, value_range, size) for row in dataset.inputs]
                self.table.setIconSize(
                    pixel_pixmap(dataset.inputs[0], dataset.grid, dataset.value_range, size).size()
                )
            else:
                self._icons = []
            self._icon_key = key
        return self._icons

    def _fill(self, dataset: Dataset, outputs: Array, errors: Array, loss_title: str) -> None:
        assert self.live is not None
        labels = self.live.output_labels()
        softmax = (
            all(
                ACTIVATIONS[self.live.document.network.neurons[nid].activation].joint
                for nid in self.live.plan.output_ids
            )
            if self.live.plan is not None
            else False
        )
        icons = self._pictures(dataset)
        first_time = self._last is None or self.table.rowCount() != len(dataset)
        unchanged = (
            not first_time
            and self._last is not None
            and np.array_equal(self._last[0], outputs)
            and np.array_equal(self._last[1], errors)
        )
        self._last = (outputs.copy(), errors.copy())
        if not unchanged:
            self._updating = True
            self.table.setRowCount(len(dataset))
            right = graded = 0
            for row in range(len(dataset)):
                cls = int(dataset.classes[row])
                target = dataset.labels[cls] if 0 <= cls < len(dataset.labels) else "none"
                out = outputs[row]
                best = int(np.argmax(out))
                answer = f"{labels[best]} {format_output(float(out[best]), softmax)}"
                every = ", ".join(
                    f"{lab} {format_output(float(v), softmax)}" for lab, v in zip(labels, out, strict=True)
                )
                mark, tip = self._grade(out, dataset.targets[row], cls, best)
                if mark != UNGRADED:
                    graded += 1
                    right += mark == RIGHT
                name = dataset.sample_names[row] if row < len(dataset.sample_names) else f"sample {row + 1}"
                if icons:
                    picture = _item("", tip=name)
                    picture.setIcon(icons[row])
                else:
                    picture = _item(
                        ", ".join(f"{v:g}" for v in dataset.inputs[row][:8])
                        + (" …" if dataset.n_inputs > 8 else ""),
                        tip=name,
                    )
                mark_item = _item(mark, tip=tip)
                mark_item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if mark in (RIGHT, WRONG):
                    # Green or red that reads on the table's own background, light theme or dark.
                    tone = Tone.DONE if mark == RIGHT else Tone.PROBLEM
                    mark_item.setForeground(
                        QBrush(tone_colour(tone, self.table.palette(), QPalette.ColorRole.Base))
                    )
                cells = [
                    picture,
                    _item(target, tip=name),
                    _item(answer, tip=f"Every output: {every}"),
                    _item(format_number(float(errors[row])), True, tip=f"{loss_title} of this pattern"),
                    mark_item,
                ]
                for col, item in enumerate(cells):
                    self.table.setItem(row, col, item)
            described = f"{right} of {graded} right" if graded else "No pattern has a class to be graded by"
            ungraded = len(dataset) - graded
            extra = ""
            if ungraded and graded:
                extra = f"; the other {ungraded} belong to no class, only their error counts"
            every = "all" if len(dataset) > 2 else "both"
            self.summary.setText(
                f"{described}{extra}. Mean error of {every} {len(dataset)}:"
                f" {format_number(float(errors.mean()))} ({loss_title.lower()})."
            )
            self._updating = False
        if first_time or not unchanged:
            described = dataset.description or f"{len(dataset)} patterns"
            self.title.setText(f"<b>{escape(dataset.name)}</b>: {escape(described)}")
        self._show_current_input(dataset)

    @staticmethod
    def _grade(out: Array, target: Array, cls: int, best: int) -> tuple[str, str]:
        if out.size == 1:
            ok = abs(float(out[0]) - float(target[0])) < 0.5
            return (RIGHT if ok else WRONG), "Right when the answer is within 0.5 of the target"
        if cls < 0:
            return UNGRADED, "This pattern belongs to no class: only its error counts"
        if best == cls:
            return RIGHT, "The highest output is the target class"
        return WRONG, "Another output is higher than the target class"

    def _show_current_input(self, dataset: Dataset) -> None:
        """Select the row whose pattern is on the pad, if any, without feeding it again."""
        assert self.live is not None
        current = self.live.input
        match = -1
        if current.size == dataset.n_inputs:
            hits = np.flatnonzero(np.all(dataset.inputs == current[None, :], axis=1))
            if hits.size:
                match = int(hits[0])
        if match == self._current_match and (match < 0 or self.table.currentRow() == match):
            return
        self._current_match = match
        self._updating = True
        if match >= 0:
            self.table.setCurrentCell(match, 0)
            self.table.selectRow(match)
        else:
            self.table.clearSelection()
            self.table.setCurrentCell(-1, -1)
        self._updating = False

    # ------------------------------------------------------------------ feeding
    def _current_changed(self, row: int, _col: int, previous_row: int, _previous_col: int) -> None:
        if not self._updating and row >= 0 and row != previous_row:
            self._feed_row(row)

    def _feed_row(self, row: int) -> None:
        """Feed the pattern in ``row`` and its truth to the network."""
        if self._updating or self.live is None or self.dataset is None or not 0 <= row < len(self.dataset):
            return
        inputs = self.dataset.inputs[row]
        if not np.array_equal(self.live.input, inputs):
            self.live.set_input(inputs)
        truth = self.dataset.targets[row]
        current = self.live.truth
        if current is None or not np.array_equal(current, truth):
            self.live.set_truth(truth)

    def shown_rows(self) -> list[list[str]]:
        """The table's texts, row by row (the picture column gives the sample's name)."""
        rows = []
        for r in range(self.table.rowCount()):
            texts = []
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                texts.append("" if item is None else (item.text() or item.toolTip()))
            rows.append(texts)
        return rows
