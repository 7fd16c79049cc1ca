"""Network properties: the document's title, description, input image grid and pixel value range."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.fileformat import NAME_CHARS, TEXT_LIMITS, count_lines
from nnstudio.document.model import Document
from nnstudio.ui.theme import Tone, set_tone

_MAX_GRID_SIDE = 1024


@dataclass(frozen=True)
class DocumentProperties:
    title: str
    description: str
    grid: tuple[int, int] | None
    value_range: tuple[float, float]

    @classmethod
    def of(cls, document: Document) -> DocumentProperties:
        return cls(document.title, document.description, document.grid, tuple(document.value_range))

    def apply_to(self, document: Document) -> None:
        document.title = self.title
        document.description = self.description
        document.grid = self.grid
        document.value_range = self.value_range


def properties_problem(props: DocumentProperties, n_inputs: int) -> str | None:
    """Why these properties do not fit a network with ``n_inputs`` inputs, or None."""
    chars, lines = TEXT_LIMITS["description"]
    if len(props.description) > chars or count_lines(props.description) > lines:
        return (
            f"the description may have at most {chars:,} characters on {lines} lines, so that it can be saved"
        )
    low, high = props.value_range
    if not low < high:
        return "the value range must go from a lower number (black) to a higher one (white)"
    if props.grid is not None:
        width, height = props.grid
        if width * height > n_inputs:
            return (
                f"a {width} x {height} image needs {width * height} input neurons, "
                f"but the network has {n_inputs}"
            )
    return None


def _named(widget: QWidget, object_name: str, accessible_name: str) -> QWidget:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


class NetworkPropertiesDialog(QDialog):
    """Edits a copy of the properties; after ``exec()`` returns Accepted, :meth:`properties` holds them."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "networkPropertiesDialog", "Network properties")
        self.setWindowTitle("Network properties")
        self._n_inputs = len(document.network.inputs())
        current = DocumentProperties.of(document)

        self.title_edit = _named(QLineEdit(current.title), "propertiesTitle", "Title")
        self.title_edit.setMaxLength(NAME_CHARS)  # what a file may hold
        self.description_edit = _named(
            QPlainTextEdit(current.description), "propertiesDescription", "Description"
        )
        self.description_edit.setTabChangesFocus(True)
        self.grid_check = _named(
            QCheckBox("The first inputs form an image"), "propertiesGridCheck", "Inputs form an image"
        )
        self.grid_width = _named(QSpinBox(), "propertiesGridWidth", "Image width")
        self.grid_height = _named(QSpinBox(), "propertiesGridHeight", "Image height")
        for spin in (self.grid_width, self.grid_height):
            spin.setRange(1, _MAX_GRID_SIDE)
        width, height = current.grid if current.grid is not None else self._guess_grid()
        self.grid_width.setValue(width)
        self.grid_height.setValue(height)
        self.grid_check.setChecked(current.grid is not None)
        grid_row = QHBoxLayout()
        grid_row.addWidget(self.grid_width)
        grid_row.addWidget(QLabel("by"))
        grid_row.addWidget(self.grid_height)
        grid_row.addWidget(QLabel("pixels, row by row from the top left"))
        self.low_spin = _named(QDoubleSpinBox(), "propertiesRangeLow", "Value of black")
        self.high_spin = _named(QDoubleSpinBox(), "propertiesRangeHigh", "Value of white")
        low, high = current.value_range
        for spin, value in ((self.low_spin, low), (self.high_spin, high)):
            spin.setRange(-1000.0, 1000.0)
            spin.setDecimals(3)
            spin.setValue(value)
        range_row = QHBoxLayout()
        range_row.addWidget(QLabel("black ="))
        range_row.addWidget(self.low_spin)
        range_row.addWidget(QLabel("white ="))
        range_row.addWidget(self.high_spin)

        self.problem = _named(QLabel(), "propertiesProblem", "Why these properties cannot be used")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        set_tone(self.problem, Tone.PROBLEM)
        self.problem.hide()

        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Description", self.description_edit)
        form.addRow(self.grid_check)
        form.addRow("Image", grid_row)
        form.addRow("Pixel values", range_row)
        form.addRow(QLabel(f"The network has {self._n_inputs} input neurons."))
        standard = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        self.buttons.setObjectName("propertiesButtons")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        self.grid_check.toggled.connect(self._sync_enabled)
        self._sync_enabled()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _guess_grid(self) -> tuple[int, int]:
        side = max(1, int(self._n_inputs**0.5))
        return side, max(1, self._n_inputs // side)

    def _sync_enabled(self) -> None:
        self.grid_width.setEnabled(self.grid_check.isChecked())
        self.grid_height.setEnabled(self.grid_check.isChecked())

    def properties(self) -> DocumentProperties:
        grid = (self.grid_width.value(), self.grid_height.value()) if self.grid_check.isChecked() else None
        return DocumentProperties(
            self.title_edit.text().strip(),
            self.description_edit.toPlainText().strip(),
            grid,
            (self.low_spin.value(), self.high_spin.value()),
        )

    def _accept_if_valid(self) -> None:
        problem = properties_problem(self.properties(), self._n_inputs)
        if problem is not None:
            self.problem.setText(f"Cannot use these: {problem}.")
            self.problem.show()
            return
        self.accept()
