"""The activation explorer: "your number goes in here". Sigmoid, tanh, ReLU and step drawn as curves; drag
the input along the axis (or type it) and read what each one gives back; the selected neuron's current sum
is marked on its own curve.

"Demystifying Deep Neural Networks" (Rosie Campbell) introduces step, sigmoid and ReLU this way; "How Deep
Neural Networks Work" (Brandon Rohrer) squashes with tanh. The curves are the engine's own functions, so
what the explorer draws is what the network computes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.widgets.tool_window import close_with_keys

Array = np.ndarray

SHOWN = ("sigmoid", "tanh", "relu", "step")
COLOURS = {
    "sigmoid": (30, 80, 200),
    "tanh": (40, 150, 60),
    "relu": (230, 120, 20),
    "step": (150, 40, 160),
}
INPUT_RANGE = 6.0
# The axis widens to show a selected neuron's sum out to this far; beyond it the mark sits at the edge.
WIDEST_RANGE = 60.0
# Step is drawn as an upright jump at 0, not as a slope between two samples either side of it.
_CURVE_POINTS = 601


def _curve(name: str, reach: float = INPUT_RANGE) -> tuple[Array, Array]:
    z = np.linspace(-reach, reach, _CURVE_POINTS)
    if name == "step":
        z = np.array([-reach, 0.0, 0.0, reach])
        return z, np.array([0.0, 0.0, 1.0, 1.0])
    return z, ACTIVATIONS[name].value(z)


def activation_value(name: str, z: float) -> float:
    """What activation ``name`` gives for the sum ``z`` (the engine's own function)."""
    return float(ACTIVATIONS[name].value(np.array([z], dtype=np.float64))[0])


class ActivationExplorer(QDialog):
    """Four activation curves, one draggable input, and the selected neuron's sum on its own curve."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activationExplorer")
        self.setAccessibleName("Activation explorer")
        self.setWindowTitle("Activation Explorer")
        close_with_keys(self)
        self._live: LiveNetwork | None = None
        self._neuron: str | None = None
        self._network = None
        self.reach = INPUT_RANGE

        intro = QLabel(
            "Your number goes in here: drag the vertical line (or type a sum) and read what each activation"
            " gives back."
        )
        intro.setObjectName("explorerIntro")
        intro.setAccessibleName("What the explorer shows")
        intro.setWordWrap(True)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("explorerPlot")
        self.plot.setAccessibleName("Sigmoid, tanh, ReLU and step as curves")
        self.plot.setMinimumHeight(220)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "sum going in")
        item.setLabel("left", "value coming out")
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setMenuEnabled(False)
        item.setXRange(-INPUT_RANGE, INPUT_RANGE, padding=0.02)
        item.setYRange(-1.3, 3.0, padding=0)
        self.curves = {}
        self.dots = {}
        for name in SHOWN:
            z, a = _curve(name)
            self.curves[name] = item.plot(z, a, pen=pg.mkPen(COLOURS[name], width=2))
            self.dots[name] = item.plot(
                pen=None, symbol="o", symbolSize=8, symbolBrush=pg.mkBrush(COLOURS[name]), symbolPen=None
            )
        self.input_line = pg.InfiniteLine(
            pos=0.5,
            angle=90,
            movable=True,
            pen=pg.mkPen((60, 60, 60), width=2),
            hoverPen=pg.mkPen((0, 0, 0), width=3),
            bounds=(-INPUT_RANGE, INPUT_RANGE),
        )
        item.addItem(self.input_line)
        self.neuron_mark = item.plot(
            pen=None,
            symbol="star",
            symbolSize=18,
            symbolBrush=pg.mkBrush(255, 200, 0),
            symbolPen=pg.mkPen("k"),
        )
        self.neuron_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((255, 170, 0), width=1))
        item.addItem(self.neuron_line)
        self.neuron_line.hide()

        self.input_spin = QDoubleSpinBox()
        self.input_spin.setObjectName("explorerInput")
        self.input_spin.setAccessibleName("The sum going in")
        self.input_spin.setRange(-INPUT_RANGE, INPUT_RANGE)
        self.input_spin.setDecimals(3)
        self.input_spin.setSingleStep(0.1)
        self.input_spin.setValue(0.5)
        self.readouts: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel("Sum going in"), 0, 0)
        grid.addWidget(self.input_spin, 0, 1)
        for row, name in enumerate(SHOWN, start=1):
            r, g, b = COLOURS[name]
            # Named as the inspector's Activation box names it, so a neuron's choice is found here.
            title = ACTIVATIONS[name].title
            swatch = QLabel(f'<span style="color: rgb({r},{g},{b}); font-weight: bold;">━</span> {title}')
            swatch.setObjectName(f"explorerKey_{name}")
            swatch.setAccessibleName(f"{name} curve colour")
            readout = QLabel()
            readout.setObjectName(f"explorerValue_{name}")
            readout.setAccessibleName(f"What {name} gives")
            readout.setTextFormat(Qt.TextFormat.PlainText)
            readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.readouts[name] = readout
            grid.addWidget(swatch, row, 0)
            grid.addWidget(readout, row, 1)
        self.neuron_text = QLabel()
        self.neuron_text.setObjectName("explorerNeuron")
        self.neuron_text.setAccessibleName("The selected neuron's sum on its curve")
        self.neuron_text.setTextFormat(Qt.TextFormat.PlainText)
        self.neuron_text.setWordWrap(True)

        numbers = QHBoxLayout()
        numbers.addLayout(grid)
        numbers.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.plot, 1)
        layout.addLayout(numbers)
        layout.addWidget(self.neuron_text)
        self.resize(560, 520)

        self.input_line.sigPositionChanged.connect(self._on_line_moved)
        self.input_spin.valueChanged.connect(self.set_input)
        self.set_input(0.5)
        self.show_neuron(None)

    # ------------------------------------------------------------------ the input
    def input_value(self) -> float:
        return float(self.input_spin.value())

    def set_input(self, z: float) -> None:
        z = float(np.clip(z, -self.reach, self.reach))
        if abs(self.input_line.value() - z) > 1e-9:
            self.input_line.setValue(z)
        if abs(self.input_spin.value() - z) > 5e-4:
            self.input_spin.blockSignals(True)
            self.input_spin.setValue(z)
            self.input_spin.blockSignals(False)
        for name in SHOWN:
            a = activation_value(name, z)
            self.dots[name].setData([z], [a])
            self.readouts[name].setText(f"{name}({z:.3f}) = {a:.3f}")

    def _on_line_moved(self) -> None:
        self.set_input(float(self.input_line.value()))

    def readout(self, name: str) -> str:
        return self.readouts[name].text()

    # ------------------------------------------------------------------ the selected neuron
    def follow(self, live: LiveNetwork | None) -> None:
        """Mark the selected neuron of ``live``'s network (its values change with the input and weights)."""
        if self._live is not None:
            self._live.valuesChanged.disconnect(self._refresh_neuron)
        self._live = live
        if live is not None:
            live.valuesChanged.connect(self._refresh_neuron)
        self._refresh_neuron()

    def show_neuron(self, neuron_id: str | None) -> None:
        self._neuron = neuron_id
        self._refresh_neuron()

    def _refresh_neuron(self) -> None:
        live, nid = self._live, self._neuron
        values = live.values() if live is not None else {}
        if nid is None or nid not in values or live is None:
            self._emphasise(None)
            self._set_reach(INPUT_RANGE)
            self.neuron_mark.setData([], [])
            self.neuron_line.hide()
            self.neuron_text.setText("Select a neuron on the canvas to see its sum marked on its own curve.")
            return
        neuron = live.document.network.neurons[nid]
        z, a = values[nid]
        name = neuron.display_name
        if neuron.activation not in SHOWN:
            self._emphasise(None)
            self.neuron_mark.setData([], [])
            self.neuron_line.hide()
            what = (
                "an input: it passes its value on" if neuron.activation == "identity" else neuron.activation
            )
            self.neuron_text.setText(f"{name} is {what}; its sum is {z:.3f}, its value {a:.3f}.")
            return
        self._emphasise(neuron.activation)
        if np.isfinite(z):
            self._set_reach(min(max(INPUT_RANGE, float(np.ceil(abs(z) * 1.2))), WIDEST_RANGE))
        shown = float(np.clip(z, -self.reach, self.reach))
        self.neuron_mark.setData([shown], [a])
        self.neuron_line.setValue(shown)
        self.neuron_line.show()
        beyond = "" if shown == z else " (beyond the drawn range, shown at its edge)"
        if neuron.activation == "step" and neuron.bias != 0:
            # The threshold is kept as a bias; say what the sum means in the threshold's terms.
            beyond += f" (its weighted sum {z - neuron.bias:g} against the threshold {-neuron.bias:g})"
        self.neuron_text.setText(f"★ {name} ({neuron.activation}): its sum {z:.3f} gives {a:.3f}{beyond}.")

    def _set_reach(self, reach: float) -> None:
        """Draw the curves from -reach to reach (wider for a neuron whose sum lies far out)."""
        if reach == self.reach:
            return
        self.reach = reach
        for name, curve in self.curves.items():
            curve.setData(*_curve(name, reach))
        self.plot.getPlotItem().setXRange(-reach, reach, padding=0.02)
        self.input_line.setBounds((-reach, reach))
        self.input_spin.setRange(-reach, reach)

    def _emphasise(self, name: str | None) -> None:
        """Draw the selected neuron's own curve thicker than the others."""
        for curve_name, curve in self.curves.items():
            curve.setPen(pg.mkPen(COLOURS[curve_name], width=4 if curve_name == name else 2))

    def neuron_text_shown(self) -> str:
        return self.neuron_text.text()


def install_activation_explorer(window) -> None:  # window: MainWindow
    """Tools > Activation explorer: one explorer per main window, following its selection and document."""
    from PySide6.QtGui import QAction

    from nnstudio.ui.instruments import ClosesWithWindow, place_beside

    holder: dict[str, ActivationExplorer] = {}

    def selected_neuron() -> str | None:
        neurons = window.canvas.selected_neuron_ids()
        return neurons[0] if len(neurons) == 1 else None

    def open_explorer() -> None:
        explorer = holder.get("view")
        if explorer is None:
            explorer = holder["view"] = ActivationExplorer(window)
            ClosesWithWindow(window, explorer)
            place_beside(explorer, window)
        explorer.follow(window.live)
        explorer.show_neuron(selected_neuron())
        explorer.show()
        explorer.raise_()

    def on_selection(neuron_ids: list[str], _edge_ids: list[str]) -> None:
        explorer = holder.get("view")
        if explorer is not None:
            explorer.show_neuron(neuron_ids[0] if len(neuron_ids) == 1 else None)

    def on_document() -> None:
        explorer = holder.get("view")
        if explorer is not None:
            explorer.follow(window.live)
            explorer.show_neuron(None)

    action = QAction("&Activation Explorer...", window)
    action.setObjectName("activationExplorerAction")
    action.setToolTip("Sigmoid, tanh, ReLU and step as curves: put a number in and read what comes out")
    action.setStatusTip(action.toolTip())
    action.triggered.connect(open_explorer)
    window.tools_menu.addAction(action)
    window.canvas.selectionChangedIds.connect(on_selection)
    window.documentReplaced.connect(on_document)
