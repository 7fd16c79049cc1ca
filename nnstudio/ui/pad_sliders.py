"""The pad for networks whose inputs are no image: one slider and number box per input neuron.

When the inputs are features of a point in the plane (X1, X2, sin X1, X1*X2, ...), as TensorFlow
Playground's are, the person sets the point (X1 and X2) and every other feature follows from it, as it does
in the training data: a sin X1 set apart from X1 is a point no dataset holds."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QScrollArea, QSlider, QVBoxLayout, QWidget

from nnstudio.data.points import feature_columns, feature_names
from nnstudio.ui.pad_shared import named as _named
from nnstudio.ui.widgets.pixel_images import Range

Array = np.ndarray

# At most this many inputs get a slider of their own when the network has no image grid.
MAX_INPUT_SLIDERS = 64


class InputSliders(QWidget):
    """One slider and number box per input neuron, for networks whose inputs are not an image."""

    edited = Signal()

    def __init__(self, names: list[str], value_range: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "padInputs", "Input values")
        self.value_range = value_range
        self._values = np.zeros(len(names), dtype=np.float32)
        self.sliders: list[QSlider] = []
        self.spins: list[QDoubleSpinBox] = []
        self.labels: list[QLabel] = []
        # The features each input is, when they are features of a point that X1 and X2 set; else None.
        self.features = point_features(names)
        inner = QWidget()
        grid = QGridLayout(inner)
        shown = names[:MAX_INPUT_SLIDERS]
        low, high = value_range
        for i, name in enumerate(shown):
            label = QLabel(name, inner)
            label.setTextFormat(Qt.TextFormat.PlainText)
            _named(label, f"padInputLabel_{i}", f"Input {name}")
            slider = QSlider(Qt.Orientation.Horizontal, inner)
            slider.setRange(0, 200)
            _named(
                slider,
                f"padInputSlider_{i}",
                f"Input {name} slider",
                f"Drag to set {name} between {low:g} and {high:g}",
            )
            spin = QDoubleSpinBox(inner)
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(2)
            spin.setSingleStep(0.1)
            spin.setKeyboardTracking(False)
            _named(spin, f"padInputValue_{i}", f"Input {name} value", f"Type any value for {name}")
            slider.valueChanged.connect(lambda pos, index=i: self._slider_moved(index, pos))
            spin.valueChanged.connect(lambda value, index=i: self._spin_changed(index, value))
            if self.features is not None and self.features[i] not in ("X1", "X2"):
                worked_out = f"{name} is worked out from X1 and X2: set those to move the point"
                for widget in (slider, spin):
                    widget.setEnabled(False)
                    widget.setToolTip(worked_out)
            grid.addWidget(label, i, 0)
            grid.addWidget(slider, i, 1)
            grid.addWidget(spin, i, 2)
            self.labels.append(label)
            self.sliders.append(slider)
            self.spins.append(spin)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(shown), 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        _named(scroll, "padInputsScroll", "Input values list")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if len(names) > MAX_INPUT_SLIDERS:
            note = QLabel(
                f"Showing the first {MAX_INPUT_SLIDERS} of {len(names)} inputs; the others keep "
                f"their values. Give the network an image grid to draw its input instead.",
                self,
            )
            note.setWordWrap(True)
            _named(note, "padInputsNote", "Only some inputs shown")
            layout.addWidget(note)
        layout.addWidget(scroll, 1)
        self._show_values()

    def _slider_position(self, value: float) -> int:
        low, high = self.value_range
        span = high - low if high != low else 1.0
        return int(round(np.clip((value - low) / span, 0.0, 1.0) * 200))

    def _show_values(self) -> None:
        for i, (slider, spin) in enumerate(zip(self.sliders, self.spins, strict=True)):
            slider.blockSignals(True)
            spin.blockSignals(True)
            slider.setValue(self._slider_position(float(self._values[i])))
            spin.setValue(float(self._values[i]))
            slider.blockSignals(False)
            spin.blockSignals(False)

    def _slider_moved(self, index: int, position: int) -> None:
        low, high = self.value_range
        self._set(index, low + (high - low) * position / 200.0)

    def _spin_changed(self, index: int, value: float) -> None:
        self._set(index, value)

    def _set(self, index: int, value: float) -> None:
        """One input set by the person; the features of a point follow its X1 and X2."""
        self._values[index] = value
        if self.features is not None:
            point = np.array([[self._values[self.features.index(axis)] for axis in ("X1", "X2")]])
            self._values = feature_columns(point, self.features)[0]
        self._show_values()
        self.edited.emit()

    def values(self) -> Array:
        return self._values.copy()

    def set_values(self, values: Array, notify: bool = False) -> None:
        self._values = np.asarray(values, dtype=np.float32).ravel().copy()
        self._show_values()
        if notify:
            self.edited.emit()

    def clear(self) -> None:
        self.set_values(np.zeros_like(self._values), notify=True)

    def focus_editor(self) -> None:
        if self.spins:
            self.spins[0].setFocus()


def point_features(names: list[str]) -> list[str] | None:
    """The features inputs named ``names`` are, when they are features of a point that includes the point
    itself (X1 and X2) and more; None otherwise (each input is then set on its own)."""
    features = feature_names(names)
    if features is None or not {"X1", "X2"} <= set(features) or len(set(features)) == 2:
        return None
    return features
