"""A weight's slope, three ways to see it: the error as a curve of that one weight with the tangent where the
weight is now; the slope by backprop beside the slope by nudging (and what nudging every weight would cost);
the chain of local slopes multiplied out, as the chaining slides of "How neural networks work" (Brandon
Rohrer) do. The numbers come from :mod:`nnstudio.engine.slopes` on a float64 copy of the network, so the
window never disturbs the network it looks at.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Network
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import Plan, compile_network
from nnstudio.engine.slopes import WeightSlope, error_curve, weight_slope
from nnstudio.ui.instruments import connection_ends
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.theme import Tone, set_tone
from nnstudio.ui.widgets.tool_window import close_with_keys

Array = np.ndarray

CURVE_POINTS = 161
MIN_CURVE_POINTS = 21
CURVE_BUDGET_S = 0.3
CURVE_COLOUR = (30, 80, 200)
TANGENT_COLOUR = (230, 120, 20)
POINT_COLOUR = (200, 30, 60)
# The nudge: small enough to be a slope, large enough that float64 rounding stays far below it.
NUDGE = 1e-4
# Measured on the training data, the error is the mean over at most this many of its samples (evenly
# spread), so the curve of a large dataset is still drawn in a moment.
DATA_SAMPLES = 200
# While training changes the weights many times a second, the window measures again at most this often
# (the curve of a convolutional network costs tens of milliseconds).
REFRESH_MS = 150


def _number(value: float) -> str:
    """Four significant digits: slopes range from 1e-8 (a saturated sigmoid) to hundreds."""
    return f"{value + 0.0:.4g}"


def _time(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds < 1 else f"{seconds:.2f} s"


# Why a curve of the error can have a corner, when nothing more particular is known.
CORNER_CAUSES_DEFAULT = (
    "a ReLU or step neuron at its switch, or the absolute error where an output meets its truth"
)


def corner_causes(network: Network, loss: str) -> str:
    """What in this network and loss can put a corner in the error's curve, in words: only what is there."""
    causes = []
    used = {n.activation for n in network.neurons.values()}
    kinked = sorted(name for name in used if ACTIVATIONS[name].kink is not None)
    if kinked:
        causes.append(f"a {' or '.join(ACTIVATIONS[a].title for a in kinked)} neuron at its switch")
    if loss == "absolute":
        causes.append("the absolute error, which turns a corner where an output meets its truth")
    return "; or ".join(causes) if causes else CORNER_CAUSES_DEFAULT


class SlopeWindow(QDialog):
    """The slope of the error with respect to one connection's weight, for the window's current input."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slopeWindow")
        self.setAccessibleName("Slope of the error for one weight")
        self.setWindowTitle("Slope")
        close_with_keys(self)
        self._live: LiveNetwork | None = None
        self._edge_id: str | None = None
        self._plan: Plan | None = None
        self.result: WeightSlope | None = None
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(REFRESH_MS)
        self._pending.timeout.connect(self.refresh)
        self._last_seconds = 0.0

        self.heading = QLabel()
        self.heading.setObjectName("slopeHeading")
        self.heading.setAccessibleName("Which weight")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)

        self.truth = QComboBox()
        self.truth.setObjectName("slopeTruth")
        self.truth.setAccessibleName("The right answer the error is measured against")
        self.truth.setToolTip("The error is measured against this answer, for the input the window shows")
        self.truth.activated.connect(lambda _index: self.refresh())
        self.measured_on = QComboBox()
        self.measured_on.setObjectName("slopeMeasuredOn")
        self.measured_on.setAccessibleName("What the error is measured on")
        self.measured_on.setToolTip(
            "The input shown in the window (with the right answer above), or the mean error over samples of"
            " the network's training data, as training sees it"
        )
        self.measured_on.activated.connect(self._on_measured_on)
        self._data_cache: tuple[str, object] | None = None

        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("slopePlot")
        self.plot.setAccessibleName("The error as a curve of this weight, with its tangent")
        self.plot.setMinimumHeight(200)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "weight")
        item.setLabel("left", "error")
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setMenuEnabled(False)
        self.curve = item.plot(pen=pg.mkPen(CURVE_COLOUR, width=2), name="error")
        self.tangent = item.plot(pen=pg.mkPen(TANGENT_COLOUR, width=2, style=Qt.PenStyle.DashLine))
        self.point = item.plot(
            pen=None, symbol="o", symbolSize=10, symbolBrush=pg.mkBrush(POINT_COLOUR), symbolPen=None
        )
        self.key = QLabel(
            '<span style="color: rgb(30,80,200);">━</span> the error as this weight changes (the rest kept)'
            '&nbsp;&nbsp;<span style="color: rgb(200,30,60);">●</span> the weight now'
            '&nbsp;&nbsp;<span style="color: rgb(230,120,20);">╌</span> the slope there (tangent)'
        )
        self.key.setObjectName("slopeKey")
        self.key.setAccessibleName("What the plot's lines are")
        self.key.setWordWrap(True)

        self.backprop = self._value_label("slopeBackprop", "Slope by backprop")
        self.nudged = self._value_label("slopeNudged", "Slope by nudging")
        self.chain = self._value_label("slopeChain", "The chain of local slopes")
        self.problem = self._value_label("slopeProblem", "Why there is no slope to show")
        set_tone(self.problem, Tone.PROBLEM)

        form = QFormLayout()
        form.addRow("Error on", self.measured_on)
        form.addRow("Right answer", self.truth)
        form.addRow("By backprop", self.backprop)
        form.addRow("By nudging", self.nudged)
        form.addRow("The chain", self.chain)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.problem)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.key)
        layout.addLayout(form)
        self.resize(560, 560)

    @staticmethod
    def _value_label(name: str, accessible: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # ------------------------------------------------------------------ following a network
    def show_edge(self, live: LiveNetwork, edge_id: str) -> None:
        """Show ``edge_id``'s slope in ``live``'s network and keep it up to date as it changes."""
        if live is not self._live:
            self.detach()
            self._live = live
            live.valuesChanged.connect(self._schedule)
            live.truthChanged.connect(self._fill_truths)
            self._plan = None
        self._edge_id = edge_id
        self._fill_truths()
        self._fill_measured_on()
        self.refresh()

    def detach(self) -> None:
        if self._live is not None:
            self._live.valuesChanged.disconnect(self._schedule)
            self._live.truthChanged.disconnect(self._fill_truths)
        self._live = None
        self._plan = None

    def _schedule(self) -> None:
        """The network's values changed: measure again shortly (several changes in a row, once)."""
        if self.isVisible() and not self._pending.isActive():
            # Never more than about a third of the time spent measuring while the weights keep changing.
            self._pending.start(max(REFRESH_MS, round(2000 * self._last_seconds)))

    def _fill_truths(self) -> None:
        """The answers to measure against: the truth chosen in the window (if any), then each output."""
        live = self._live
        keep = self.truth.currentText()
        self.truth.clear()
        if live is None or live.plan is None:
            return
        network = live.document.network
        labels = live.output_labels()
        if live.truth is not None:
            chosen = live.truth
            one_hot = len(labels) > 1 and sorted(chosen.tolist()) == [0.0] * (len(labels) - 1) + [1.0]
            if one_hot:
                name = labels[int(np.argmax(chosen))]
            elif len(labels) == 1:
                name = f"{labels[0]} = {chosen[0]:g}"
            else:
                name = ", ".join(f"{v:g}" for v in chosen)
            self.truth.addItem(f"{name} (the truth in the error table)", chosen)
        if len(labels) == 1:
            act = ACTIVATIONS[network.neurons[live.plan.output_ids[0]].activation]
            high = act.high if math.isfinite(act.high) else 1.0
            low = act.low if math.isfinite(act.low) else 0.0
            self.truth.addItem(f"{labels[0]} ({high:g})", np.array([high]))
            self.truth.addItem(f"not {labels[0]} ({low:g})", np.array([low]))
        else:
            for k, label in enumerate(labels):
                self.truth.addItem(label, np.eye(len(labels))[k])
        index = self.truth.findText(keep)
        self.truth.setCurrentIndex(max(index, 0))

    def _fill_measured_on(self) -> None:
        keep = self.measured_on.currentIndex()
        self.measured_on.clear()
        self.measured_on.addItem("the input shown in the window", None)
        live = self._live
        if live is not None:
            doc = live.document
            if doc.dataset is not None and len(doc.dataset):
                self.measured_on.addItem(f"the network's own {len(doc.dataset)} samples (mean)", "document")
            elif doc.training_data:
                self.measured_on.addItem(f"the training data, {doc.training_data} (mean)", doc.training_data)
        self.measured_on.setCurrentIndex(keep if 0 <= keep < self.measured_on.count() else 0)
        self.truth.setEnabled(self.measured_on.currentData() is None)

    def _on_measured_on(self, _index: int) -> None:
        self.truth.setEnabled(self.measured_on.currentData() is None)
        self.refresh()

    def _samples(self, plan: Plan) -> tuple[Array, Array, str] | str:
        """The inputs and right answers the error is measured on, and what they are; or why there are none."""
        live = self._live
        assert live is not None
        spec = self.measured_on.currentData()
        if spec is None:
            truth = self.truth.currentData()
            if truth is None:
                return "There is no right answer to measure the error against."
            x = live.input.astype(np.float64)[None, :]
            return x, np.asarray(truth, dtype=np.float64)[None, :], "this input"
        from nnstudio.data import DataError, load_dataset

        doc = live.document
        if spec == "document":
            data = doc.dataset
        elif self._data_cache is not None and self._data_cache[0] == spec:
            data = self._data_cache[1]
        else:
            try:
                data = load_dataset(spec)
            except DataError as exc:
                return f"The training data could not be read: {exc}"
            self._data_cache = (spec, data)
        if data is None or data.n_inputs != plan.n_inputs or data.n_outputs != plan.n_outputs:
            return "The training data does not fit this network's inputs and outputs."
        pick = np.unique(np.linspace(0, len(data) - 1, min(DATA_SAMPLES, len(data))).astype(int))
        x = data.inputs[pick].astype(np.float64)
        y = data.targets[pick].astype(np.float64)
        return x, y, f"{len(pick)} samples of {data.name}"

    @staticmethod
    def _affordable(
        plan: Plan, x: Array, y: Array, what: str, loss: object
    ) -> tuple[Array, Array, str, float]:
        """Fewer samples, evenly spread, where one error over all of them costs too much (a convolutional
        network over a dataset), so the curve's points are measured within about a third of a second; and
        what one error then costs."""
        started = time.perf_counter()
        with np.errstate(over="ignore", invalid="ignore"):
            plan.loss_value(x, y, loss)  # type: ignore[arg-type]
        each = max(time.perf_counter() - started, 1e-6)
        most = CURVE_BUDGET_S / MIN_CURVE_POINTS
        if len(x) > 1 and each > most:
            keep = max(1, int(len(x) * most / each))
            pick = np.unique(np.linspace(0, len(x) - 1, keep).astype(int))
            name = what.split(" samples of ", 1)[-1]
            each *= len(pick) / len(x)
            x, y = x[pick], y[pick]
            what = f"{len(pick)} sample{'s' if len(pick) != 1 else ''} of {name}"
        return x, y, what, each

    def _compiled(self) -> Plan | None:
        live = self._live
        if live is None or live.plan is None:
            return None
        network = live.document.network
        if self._plan is None or self._plan.structure_revision != network.structure_revision:
            self._plan = compile_network(network, np.float64)
            if self.truth.count() == 0:
                self._fill_truths()
        else:
            self._plan.read_parameters(network)
        return self._plan

    def _say(self, problem: str) -> None:
        self.problem.setText(problem)
        self.problem.show()
        for label in (self.backprop, self.nudged, self.chain):
            label.setText("")
        self.curve.setData([], [])
        self.tangent.setData([], [])
        self.point.setData([], [])
        self.result = None

    def refresh(self) -> None:
        """Measure again: the weight, the input or the network changed."""
        self._pending.stop()
        started = time.perf_counter()
        try:
            self._measure()
        finally:
            self._last_seconds = time.perf_counter() - started

    def _measure(self) -> None:
        live, edge_id = self._live, self._edge_id
        if live is None or edge_id is None:
            return
        network = live.document.network
        if edge_id not in network.edges:
            self.heading.setText(f"Connection {edge_id}")
            self._say("This connection is no longer in the network; select another and click Slope… again.")
            return
        edge = network.edges[edge_id]
        grid = live.document.grid
        source, target = connection_ends(network, edge, grid)
        self.heading.setText(f"The weight from {source} to {target}")
        self.setWindowTitle(f"Slope of {source} → {target}")
        plan = self._compiled()
        if plan is None:
            self._say(
                f"The network cannot run: {live.problem}" if live.problem else "The network cannot run."
            )
            return
        samples = self._samples(plan)
        if isinstance(samples, str):
            self._say(samples)
            return
        x, y, what = samples
        loss = LOSSES[live.document.training.loss]
        x, y, what, each = self._affordable(plan, x, y, what, loss)
        self.plot.getPlotItem().setLabel(
            "left", f"error on {what}" if len(x) == 1 else f"mean error on {what}"
        )
        with np.errstate(over="ignore", invalid="ignore"):
            result = weight_slope(plan, x, y, loss, edge_id, h=NUDGE)
            if not all(math.isfinite(v) for v in (result.error, result.backprop, result.nudged)):
                self._say("The numbers are too large to measure a slope: make the weights or inputs smaller.")
                return
            w = result.weight
            span = max(2.0, abs(w))
            points = int(np.clip(CURVE_BUDGET_S / each, MIN_CURVE_POINTS, CURVE_POINTS)) | 1
            weights = np.linspace(w - span, w + span, points)
            errors = error_curve(plan, x, y, loss, edge_id, weights)
        self.problem.hide()
        self.result = result
        self.curve.setData(weights, errors)
        self.point.setData([w], [result.error])
        # A flat curve (a weight this input does not reach) is drawn flat, not blown up to fill the plot.
        low, high = float(errors.min()), float(errors.max())
        room = max(high - low, 0.05 * abs(result.error), 1e-6)
        self.plot.getPlotItem().setYRange(low - 0.1 * room, high + 0.1 * room, padding=0)
        reach = span / 3
        self.tangent.setData(
            [w - reach, w + reach],
            [result.error - result.backprop * reach, result.error + result.backprop * reach],
        )
        self.backprop.setText(
            f"{_number(result.backprop)}   one pass forward and one back ({_time(result.backprop_seconds)})"
            f" gives this slope and all {result.parameters - 1:,} others at once"
        )
        self.nudged.setText(self.nudged_text(result, corner_causes(network, live.document.training.loss)))
        self.chain.setText(self.chain_text(result, _names(network)))

    @staticmethod
    def nudged_text(result: WeightSlope, causes: str = CORNER_CAUSES_DEFAULT) -> str:
        text = (
            f"{_number(result.nudged)}   (error(w + h) − error(w − h)) / 2h with h = {result.h:g}: two forward"
            f" passes ({_time(result.nudged_seconds)}) for this one weight; every slope this way would take"
            f" {result.passes_for_all:,} passes"
        )
        apart = abs(result.nudged - result.backprop)
        if apart > 1e-3 * max(abs(result.backprop), abs(result.nudged)) and apart > 1e-9:
            text += (
                f". The two differ: the curve has a corner at this weight ({causes}), so the slopes on its two"
                " sides are not the same"
            )
        return text

    @staticmethod
    def chain_text(result: WeightSlope, name: Callable[[str], str] = str) -> str:
        product = " × ".join(_number(f.value) for f in result.chain)
        lines = [f"{product} = {_number(result.chain_product)}"]
        lines += [f"{_number(f.value)}: {f.name}" for f in result.chain]
        if result.paths:
            lines.append(paths_text(result, name))
        if len(result.chain) > 1 and result.chain[0].value == 0:
            lines.append(
                "The source's value is 0 for this input, so this weight cannot change the error now."
            )
        return "\n".join(lines)


PATHS_SHOWN = 4


def _names(network: Network) -> Callable[[str], str]:
    """A neuron id to the name the canvas and the heading show (its label when it has one)."""

    def name(neuron_id: str) -> str:
        neuron = network.neurons.get(neuron_id)
        return neuron.display_name if neuron is not None else neuron_id

    return name


def paths_text(result: WeightSlope, name: Callable[[str], str] = str) -> str:
    """d error/d activation of a hidden neuron as the paths it adds up: weight × d error/d sum of each
    later neuron, the largest first; ``name`` turns a neuron id into what the person reads on the canvas."""
    parts = [
        f"{_number(p.weight)} × {_number(p.error_slope)} (to {name(p.neuron)})"
        for p in result.paths[:PATHS_SHOWN]
    ]
    rest = result.paths[PATHS_SHOWN:]
    if rest:
        parts.append(f"{len(rest)} more paths summing to {_number(sum(p.product for p in rest))}")
    total = sum(p.product for p in result.paths)
    return f"the paths onward: {' + '.join(parts)} = {_number(total)}"


def install_slope_view(window) -> None:  # window: MainWindow
    """The inspector's Slope… button opens one slope window per main window, following its document."""
    from nnstudio.ui.instruments import ClosesWithWindow

    holder: dict[str, SlopeWindow] = {}

    def open_slope(edge_id: str) -> None:
        if window.live is None:
            return
        view = holder.get("view")
        if view is None:
            view = holder["view"] = SlopeWindow(window)
            ClosesWithWindow(window, view)
        view.show()
        view.show_edge(window.live, edge_id)
        view.raise_()

    def forget() -> None:
        view = holder.get("view")
        if view is not None:
            view.detach()
            view.close()

    window.inspector.slopeRequested.connect(open_slope)
    window.documentReplaced.connect(forget)
