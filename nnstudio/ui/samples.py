"""The samples panel: paint a labelled training set of one's own, stored in the document.

A person draws on the pad, picks the class and adds the picture as a sample; the samples live in
``document.dataset`` and are saved with the ``.nnet`` file. Adding and deleting are undo steps on the
document's undo stack (``AddSample`` and ``RemoveSamples`` in :mod:`nnstudio.ui.commands`), each storing
only the rows it touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.model import Document
from nnstudio.ui.commands import AddSample, RemoveSamples, SampleError
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad import DrawingPad
from nnstudio.ui.panel import Panel
from nnstudio.ui.plain_text import plain_tooltip
from nnstudio.ui.widgets.pixel_images import pixel_icon
from nnstudio.ui.widgets.signals import SignalLinks

Array = np.ndarray
THUMBNAIL = 40
# What a sample of no class is called (class -1: the four-pixel pictures that are none of the four shapes).
NO_CLASS = "none"


def class_name(labels: Sequence[str], cls: int) -> str:
    """The name of class ``cls``, or :data:`NO_CLASS` for a sample of no class: -1 (or any index the labels
    do not reach) must not be looked up, as ``labels[-1]`` would name the last class."""
    return labels[cls] if 0 <= cls < len(labels) else NO_CLASS


class _SampleList(QListWidget):
    """The thumbnails; Delete (or Backspace) removes the selected samples."""

    deleteRequested = Signal()

    def _is_delete(self, event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and bool(self.selectedItems())

    def event(self, event: QEvent) -> bool:
        # Claim Delete before the window's own Delete action would take it.
        override = event.type() == QEvent.Type.ShortcutOverride
        if override and isinstance(event, QKeyEvent) and self._is_delete(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_delete(event):
            self.deleteRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def _named(widget: QWidget, name: str, accessible: str, tip: str = "") -> None:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(plain_tooltip(tip))


class SamplesPanel(Panel):
    """Add the pad's picture as a labelled sample, browse the samples, show one on the pad, delete them.

    ``datasetChanged`` is emitted after every change of ``document.dataset`` made here (and by undo/redo
    of those changes). Other views need not listen to it: the document announces the same change
    (``document.events.dataset``), whoever made it.
    """

    datasetChanged = Signal()

    def __init__(self, pad: DrawingPad | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "samplesPanel", "Samples", "Your own labelled samples, saved with the network")
        self.pad = pad
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._links = SignalLinks()
        self._showing = False

        self.class_combo = QComboBox(self)
        _named(
            self.class_combo, "samplesClass", "Class of the new sample", "What the picture on the pad shows"
        )
        class_label = QLabel("&Class:", self)
        class_label.setBuddy(self.class_combo)
        _named(class_label, "samplesClassLabel", "Class label")
        self.add_button = QPushButton("&Add sample", self)
        _named(
            self.add_button,
            "samplesAdd",
            "Add sample",
            "Store the picture on the pad as a sample of the chosen class",
        )
        self.add_button.clicked.connect(self.add_current)
        top = QHBoxLayout()
        top.addWidget(class_label)
        top.addWidget(self.class_combo, 1)
        top.addWidget(self.add_button)

        self.list = _SampleList(self)
        _named(
            self.list,
            "samplesList",
            "Samples list",
            "Select a sample to show it on the pad; Delete removes the selected samples",
        )
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setSpacing(4)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.deleteRequested.connect(self.delete_selected)
        self.delete_button = QPushButton("&Delete", self)
        _named(self.delete_button, "samplesDelete", "Delete samples", "Delete the selected samples (Del)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)  # class labels come from the file
        self.count_label.setWordWrap(True)  # "12 samples: 3 solid, 3 vertical, ..." wraps in a narrow dock
        _named(self.count_label, "samplesCount", "Number of samples")
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        _named(self.status, "samplesStatus", "Samples message")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.delete_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self._update_enabled()

    # ------------------------------------------------------------------ binding
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        self._links.disconnect_all()
        self.live = live
        self.undo_stack = undo_stack
        self._links.connect(live.planChanged, self._refresh_classes)
        self._links.connect(live.lockedChanged, lambda _locked: self._update_enabled())
        if self.pad is not None:
            self._links.connect(self.pad.imageChanged, self._update_enabled)
        self.status.clear()
        self._refresh_classes()
        self.refresh()

    @property
    def document(self) -> Document | None:
        return None if self.live is None else self.live.document

    def _labels(self) -> list[str]:
        doc = self.document
        if doc is None:
            return []
        if doc.dataset is not None and len(doc.dataset.labels) == len(doc.output_labels):
            return list(doc.output_labels)
        if doc.dataset is not None:
            return list(doc.dataset.labels)
        return list(doc.output_labels)

    def _refresh_classes(self) -> None:
        labels = self._labels()
        current = self.class_combo.currentText()
        if [self.class_combo.itemText(i) for i in range(self.class_combo.count())] != labels:
            self.class_combo.clear()
            self.class_combo.addItems(labels)
            if current in labels:
                self.class_combo.setCurrentIndex(labels.index(current))
        self._update_enabled()

    def _update_enabled(self) -> None:
        live = self.live
        locked = live is not None and live.locked
        can_feed = live is not None and live.plan is not None and self._current_values().size > 0
        self.add_button.setEnabled(can_feed and self.class_combo.count() > 0 and not locked)
        self.delete_button.setEnabled(bool(self.list.selectedItems()) and not locked)
        if live is None:
            tip = "Open a network first"
        elif live.plan is None:
            tip = "The network cannot run yet, so there is no picture to add"
        elif self.class_combo.count() == 0:
            tip = "This network has no outputs yet, so a sample has no class to belong to"
        elif locked:
            tip = "Samples cannot change while training runs"
        else:
            tip = "Store the picture on the pad as a sample of the chosen class"
        self.add_button.setToolTip(tip)

    # ------------------------------------------------------------------ the list
    def refresh(self) -> None:
        """Show the document's samples again (after a change, an undo, or another document)."""
        doc = self.document
        self.list.blockSignals(True)
        self.list.clear()
        dataset = None if doc is None else doc.dataset
        if dataset is not None:
            for row in range(len(dataset)):
                cls = int(dataset.classes[row])
                label = class_name(dataset.labels, cls)
                item = QListWidgetItem(label)
                if dataset.grid is not None:
                    grid, value_range = dataset.grid, dataset.value_range
                    item.setIcon(pixel_icon(dataset.inputs[row], grid, value_range, THUMBNAIL))
                name = dataset.sample_names[row] if row < len(dataset.sample_names) else f"sample {row + 1}"
                item.setToolTip(plain_tooltip(f"{name} ({label})"))
                item.setData(Qt.ItemDataRole.UserRole, row)
                self.list.addItem(item)
        self.list.blockSignals(False)
        count = 0 if dataset is None else len(dataset)
        if count == 0:
            self.count_label.setText("No samples yet: draw on the pad, pick the class and add it.")
        else:
            labels = dataset.labels
            known = dataset.classes[(dataset.classes >= 0) & (dataset.classes < len(labels))]
            per_class = np.bincount(known, minlength=len(labels))
            parts = [f"{n} {label}" for label, n in zip(labels, per_class, strict=True) if n]
            if count > len(known):  # samples of no class: named, so the parts add up to the total
                parts.append(f"{count - len(known)} of no class")
            detail = ", ".join(parts)
            self.count_label.setText(f"{count} sample{'s' if count != 1 else ''}: {detail}")
        self._update_enabled()

    def _dataset_changed(self) -> None:
        self._refresh_classes()
        self.refresh()
        self.datasetChanged.emit()

    def selected_rows(self) -> list[int]:
        return sorted(int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems())

    def _selection_changed(self) -> None:
        self._update_enabled()
        rows = self.selected_rows()
        if len(rows) == 1:
            self.show_sample(rows[0])

    def show_sample(self, row: int) -> None:
        """Put a stored sample on the pad (and feed it), with its class as the truth."""
        doc = self.document
        live = self.live
        if doc is None or live is None or doc.dataset is None or live.plan is None:
            return
        dataset = doc.dataset
        values = dataset.inputs[row]
        if self.pad is not None and self.pad.pad_values().size == values.size:
            self.pad.set_pad_values(values)
        elif values.size <= live.n_inputs:
            full = live.input
            full[: values.size] = values
            live.set_input(full)
        else:
            self.status.setText(
                f"This sample has {values.size} values; the network takes {live.n_inputs} inputs."
            )
            return
        if dataset.n_outputs == live.plan.n_outputs:
            live.set_truth(dataset.targets[row])

    # ------------------------------------------------------------------ editing
    def _current_values(self) -> Array:
        if self.pad is not None and self.pad.live is self.live:
            return self.pad.pad_values()
        if self.live is None or self.live.plan is None:
            return np.zeros(0, dtype=np.float32)
        doc = self.live.document
        values = self.live.input
        if doc.grid is not None and doc.grid[0] * doc.grid[1] <= values.size:
            return values[: doc.grid[0] * doc.grid[1]]
        return values

    def add_current(self) -> bool:
        """Add the pad's picture as a sample of the chosen class; False, with a message, if it cannot."""
        doc = self.document
        if doc is None or self.undo_stack is None or self.live is None:
            return False
        if self.live.locked:
            self.status.setText("Samples cannot change while training runs.")
            return False
        values = self._current_values()
        class_index = self.class_combo.currentIndex()
        if values.size == 0 or class_index < 0:
            self.status.setText("There is no picture or no class to add.")
            return False
        try:
            command = AddSample(doc, values, class_index, self._labels(), self._dataset_changed)
        except SampleError as exc:
            self.status.setText(f"Not added: {exc}.")
            return False
        self.undo_stack.push(command)
        self.status.setText(f"Added a sample of {self.class_combo.currentText()}.")
        return True

    def delete_selected(self) -> bool:
        doc = self.document
        rows = self.selected_rows()
        if doc is None or self.undo_stack is None or not rows or (self.live is not None and self.live.locked):
            return False
        self.undo_stack.push(RemoveSamples(doc, rows, self._dataset_changed))
        self.status.setText("Deleted." if len(rows) == 1 else f"Deleted {len(rows)} samples.")
        return True
