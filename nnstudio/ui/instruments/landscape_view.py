"""The error landscape window: the error over two weights as a heat map with contours, and the path that
gradient descent takes across it from a start point you drag, with learning-rate and momentum sliders.

Rosie Campbell's "Demystifying Deep Neural Networks" pictures gradient descent as walking down a mountain
blindfolded; Distill's "Why Momentum Really Works" (Gabriel Goh) lets you feel how a large step or a lot of
momentum overshoots the valley. Here the mountain is the network's own error on its training data, with
every other weight held where it is today. The two weights are the two connections (or neurons, for their
biases) selected on the canvas, or the two steepest connections today. The numbers come from
:mod:`nnstudio.engine.landscape`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.graph import GraphError
from nnstudio.engine.landscape import (
    DescentPath,
    Landscape,
    LandscapeError,
    descent_path,
    error_landscape,
    steady_learning_rate,
    steepest_pair,
)
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import Plan, compile_network
from nnstudio.ui.instruments import connection_ends, place_beside
from nnstudio.ui.widgets.tool_window import close_with_keys

if TYPE_CHECKING:
    from nnstudio.data.dataset import Dataset
    from nnstudio.ui.main_window import MainWindow

Array = np.ndarray

# At most this many training samples make the landscape (evenly spread over the set), so a drag stays quick;
# a network with more than BIG_NETWORK parameters takes fewer samples and a coarser grid.
MAX_SAMPLES = 1000
GRID_STEPS = 41
BIG_NETWORK = 50_000
BIG_SAMPLES = 300
BIG_GRID_STEPS = 25
PATH_STEPS = 80
CONTOURS = 9
# The learning-rate slider is logarithmic: 10^(LR_LOW .. LR_HIGH) in LR_TICKS steps. Until the person moves
# it, each new pair of weights sets it to the rate its map suggests (steady_learning_rate): one rate for
# every network (0.1 was) barely stirs a walk on one map and throws it off another.
LR_LOW, LR_HIGH, LR_TICKS = -3.0, 1.0, 80
DEFAULT_LR = 0.1
DEFAULT_MOMENTUM = 0.0
# A rise in the error of more than this share of the way down says the steps overshoot; smaller ones are
# the walk stepping across a valley's sharp bottom.
OVERSHOOT_SHARE = 0.05
# A drag moves the start many times a second: the path is worked out again at most this often.
DRAG_MS = 30
REFRESH_MS = 400

PATH_COLOUR = (255, 255, 255)
TRAINING_COLOUR = (255, 150, 40)
START_COLOUR = (255, 80, 60)
START_LABEL_TEXT = (255, 255, 255)
START_LABEL_FILL = (40, 20, 20, 200)
TODAY_COLOUR = (255, 220, 0)


def learning_rate_of(tick: int) -> float:
    return float(10 ** (LR_LOW + (LR_HIGH - LR_LOW) * tick / LR_TICKS))


def tick_of(learning_rate: float) -> int:
    return round((math.log10(learning_rate) - LR_LOW) / (LR_HIGH - LR_LOW) * LR_TICKS)


def spread_rows(count: int, limit: int) -> Array:
    """At most ``limit`` row numbers spread evenly over ``count`` rows (all of them when they fit)."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(np.intp))


class LandscapeWindow(QWidget):
    """The landscape of two weights of the window's network (see the module's description)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self._window = window
        self.setObjectName("landscapeWindow")
        self.setAccessibleName("Error Landscape")
        self.setWindowTitle("Error Landscape")
        close_with_keys(self)
        self.weights: tuple[str, str] | None = None
        self.landscape: Landscape | None = None
        self.path: DescentPath | None = None
        self._plan: Plan | None = None
        self._data: tuple[Array, Array, str] | None = None
        self._revision: tuple | None = None
        self._live = None
        # Whether the person has set the learning rate; until then each new map sets its own.
        self.rate_chosen = False
        self._setting_rate = False

        self.weights_label = QLabel("")
        self.weights_label.setObjectName("landscapeWeights")
        self.weights_label.setWordWrap(True)
        self.selected_button = QPushButton("Use &selected")
        self.selected_button.setObjectName("landscapeUseSelected")
        self.selected_button.setAccessibleName("Use the two selected connections")
        self.selected_button.setToolTip(
            "Take the two connections selected on the canvas (Ctrl-click to select a second one); a selected"
            " neuron stands for its bias"
        )
        self.selected_button.clicked.connect(self.use_selection)
        self.steepest_button = QPushButton("S&teepest two")
        self.steepest_button.setObjectName("landscapeSteepest")
        self.steepest_button.setAccessibleName("Use the two steepest connections")
        self.steepest_button.setToolTip("The two connections whose slopes are steepest at today's weights")
        self.steepest_button.clicked.connect(self.use_steepest)
        top = QHBoxLayout()
        top.addWidget(self.weights_label, 1)
        top.addWidget(self.selected_button)
        top.addWidget(self.steepest_button)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("landscapePlot")
        self.plot.setAccessibleName("Error Landscape heat map")
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.plot.addItem(self.image)
        self.contours: list[pg.IsocurveItem] = []
        for _ in range(CONTOURS):
            curve = pg.IsocurveItem(
                level=0.0, pen=pg.mkPen((255, 255, 255, 110), width=1), axisOrder="row-major"
            )
            curve.setParentItem(self.image)
            self.contours.append(curve)
        self.path_curve = pg.PlotDataItem(
            pen=pg.mkPen(PATH_COLOUR, width=2),
            symbol="o",
            symbolSize=4,
            symbolBrush=PATH_COLOUR,
            symbolPen=None,
        )
        self.plot.addItem(self.path_curve)
        # Where training took the two weights (every weight moving at once), drawn as it goes.
        self.training_trail: list[tuple[float, float]] = []
        self.training_curve = pg.PlotDataItem(
            pen=pg.mkPen(TRAINING_COLOUR, width=2, style=Qt.PenStyle.DashLine)
        )
        self.plot.addItem(self.training_curve)
        # An outline, drawn over the start point: both show when the walk starts from today's weights.
        self.today = pg.ScatterPlotItem(
            size=26, symbol="star", brush=None, pen=pg.mkPen(TODAY_COLOUR, width=2)
        )
        self.today.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.plot.addItem(self.today)
        self.start = pg.TargetItem(
            pos=(0.0, 0.0),
            size=16,
            symbol="o",
            pen=pg.mkPen(START_COLOUR, width=2),
            brush=pg.mkBrush(START_COLOUR),
            hoverBrush=pg.mkBrush((255, 160, 140)),
            movable=True,
            label="start",
            # White on a dark patch: red letters alone vanish into the dark, low part of the map.
            labelOpts={"color": START_LABEL_TEXT, "fill": START_LABEL_FILL, "offset": (10, -10)},
        )
        self.plot.addItem(self.start)
        self.today.setZValue(self.start.zValue() + 1)
        self.start.sigPositionChanged.connect(self._start_moved)
        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.timeout.connect(self.redraw_path)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._network_changed)

        self.lr_slider = QSlider(Qt.Orientation.Horizontal)
        self.lr_slider.setObjectName("landscapeLearningRate")
        self.lr_slider.setAccessibleName("Learning rate")
        self.lr_slider.setRange(0, LR_TICKS)
        self.lr_slider.setValue(tick_of(DEFAULT_LR))
        self.lr_slider.setToolTip(
            "How far each step goes along the slope. Each new map starts at a rate that walks steadily down it;"
            " raise it to see the steps overshoot"
        )
        self.lr_label = QLabel("")
        self.lr_label.setMinimumWidth(60)
        self.momentum_slider = QSlider(Qt.Orientation.Horizontal)
        self.momentum_slider.setObjectName("landscapeMomentum")
        self.momentum_slider.setAccessibleName("Momentum")
        self.momentum_slider.setRange(0, 99)
        self.momentum_slider.setValue(round(DEFAULT_MOMENTUM * 100))
        self.momentum_label = QLabel("")
        self.momentum_label.setMinimumWidth(60)
        for slider in (self.lr_slider, self.momentum_slider):
            slider.valueChanged.connect(self._settings_changed)
        controls = QGridLayout()
        lr_name = QLabel("&Learning rate")
        lr_name.setBuddy(self.lr_slider)
        momentum_name = QLabel("&Momentum")
        momentum_name.setBuddy(self.momentum_slider)
        controls.addWidget(lr_name, 0, 0)
        controls.addWidget(self.lr_slider, 0, 1)
        controls.addWidget(self.lr_label, 0, 2)
        controls.addWidget(momentum_name, 1, 0)
        controls.addWidget(self.momentum_slider, 1, 1)
        controls.addWidget(self.momentum_label, 1, 2)
        controls.setColumnStretch(1, 1)

        self.info = QLabel("")
        self.info.setObjectName("landscapeInfo")
        self.info.setWordWrap(True)
        self.legend = QLabel(self._legend_text(None))
        self.legend.setObjectName("landscapeLegend")
        self.legend.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addLayout(controls)
        layout.addWidget(self.info)
        layout.addWidget(self.legend)
        self.resize(620, 640)
        self._show_settings()

        window.documentReplaced.connect(self._follow)
        self._follow()

    # ------------------------------------------------------------------ settings
    @property
    def learning_rate(self) -> float:
        return learning_rate_of(self.lr_slider.value())

    @property
    def momentum(self) -> float:
        return self.momentum_slider.value() / 100

    def _show_settings(self) -> None:
        self.lr_label.setText(f"{self.learning_rate:.3g}")
        self.momentum_label.setText(f"{self.momentum:.2f}")

    def _settings_changed(self) -> None:
        if not self._setting_rate:
            self.rate_chosen = True
        self._show_settings()
        self.redraw_path()

    def _suggest_rate(self, landscape: Landscape) -> None:
        """Set the learning rate this map suggests, unless the person has chosen one."""
        if self.rate_chosen:
            return
        rate = steady_learning_rate(landscape, learning_rate_of(0), learning_rate_of(LR_TICKS))
        self._setting_rate = True
        try:
            self.lr_slider.setValue(max(0, min(LR_TICKS, tick_of(rate))))
        finally:
            self._setting_rate = False
        self._show_settings()

    # ------------------------------------------------------------------ following the document
    def _follow(self) -> None:
        live = self._window.live
        if live is not self._live:
            if self._live is not None:
                self._live.valuesChanged.disconnect(self._poke)
                self._live.lockedChanged.disconnect(self._poke)
                self._live.lockedChanged.disconnect(self._training_started)
            self._live = live
            if live is not None:
                live.valuesChanged.connect(self._poke)
                # While training runs the landscape waits: it is drawn again when training stops.
                live.lockedChanged.connect(self._poke)
                live.lockedChanged.connect(self._training_started)
        self._set_trail([])
        self.weights = None
        self._revision = None
        if self.isVisible():
            self.choose_default()

    def _key(self) -> tuple:
        document = self._window.document
        return (document.network.revision, document.network.structure_revision, document.training_data)

    def _poke(self, *_args: object) -> None:
        live = self._live
        if live is not None and live.locked:
            self._follow_training()
            return
        if self.isVisible() and self._key() != self._revision and not self._refresh_timer.isActive():
            self._refresh_timer.start(REFRESH_MS)

    def _training_started(self, locked: bool) -> None:
        if locked:
            self._set_trail([])
            self._follow_training()

    def _follow_training(self) -> None:
        """Add where the two weights are now to the training's trail."""
        if self.weights is None or not self.isVisible():
            return
        network = self._window.document.network
        point = tuple(self._value_of(pid, network) for pid in self.weights)
        if None in point:
            return
        if not self.training_trail or self.training_trail[-1] != point:
            self._set_trail([*self.training_trail, point])  # type: ignore[list-item]

    @staticmethod
    def _value_of(pid: str, network) -> float | None:  # noqa: ANN001 - network: Network
        if pid in network.neurons:
            return float(network.neurons[pid].bias)
        if pid in network.edges:
            return float(network.edges[pid].weight)
        return None

    def _set_trail(self, points: list[tuple[float, float]]) -> None:
        self.training_trail = points
        if points:
            xy = np.array(points, dtype=np.float64)
            self.training_curve.setData(xy[:, 0], xy[:, 1])
        else:
            self.training_curve.setData([], [])

    def _network_changed(self) -> None:
        if self.weights is not None and self._key() != self._revision:
            self.show_weights(self.weights, keep_start=True)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        super().showEvent(event)
        if self.weights is None:
            self.choose_default()
        elif self._key() != self._revision:
            self.show_weights(self.weights, keep_start=True)

    # ------------------------------------------------------------------ choosing weights
    def choose_default(self) -> None:
        """The selected pair when two are selected, else the steepest two."""
        if len(self._selected_parameters()) >= 2:
            self.use_selection()
        else:
            self.use_steepest()

    def _selected_parameters(self) -> list[str]:
        canvas = self._window.canvas
        network = self._window.document.network
        edges = canvas.selected_edge_ids()
        biases = [n for n in canvas.selected_neuron_ids() if network.neurons[n].role.value != "input"]
        return edges + biases

    def use_selection(self) -> None:
        chosen = self._selected_parameters()
        if len(chosen) < 2:
            self._say(
                "Select two connections on the canvas first (click one, Ctrl-click another; a selected neuron"
                " stands for its bias), then press Use selected."
            )
            return
        self.show_weights((chosen[0], chosen[1]))

    def use_steepest(self) -> None:
        prepared = self._prepare()
        if prepared is None:
            return
        plan, (inputs, targets, _name), loss = prepared
        try:
            # A network gone wild overflows; what overflowed is said in words, not in numpy's warnings.
            with np.errstate(all="ignore"):
                pair = steepest_pair(plan, inputs, targets, loss)
        except LandscapeError as exc:
            self._say(str(exc))
            return
        self.show_weights(pair)

    def _say(self, text: str) -> None:
        self.info.setText(text)

    # ------------------------------------------------------------------ numbers
    def _dataset(self) -> Dataset | None:
        from nnstudio.data import BUILTIN_DATASETS, DataError, load_dataset

        document = self._window.document
        data = document.dataset
        if (data is None or len(data) == 0) and document.training_data in BUILTIN_DATASETS:
            try:
                data = load_dataset(document.training_data)
            except DataError:
                return None
        return data if data is not None and len(data) else None

    def _prepare(self) -> tuple[Plan, tuple[Array, Array, str], object] | None:
        document = self._window.document
        data = self._dataset()
        if data is None:
            self._say(
                "This network has no training data to measure its error on: add samples or pick a dataset."
            )
            return None
        try:
            plan = compile_network(document.network, np.float64)
        except GraphError as exc:
            self._say(f"No landscape: {exc}")
            return None
        if data.n_inputs != plan.n_inputs or data.n_outputs != plan.n_outputs:
            self._say(
                f"The training data {data.name!r} does not fit this network ({data.n_inputs} inputs and"
                f" {data.n_outputs} outputs; the network has {plan.n_inputs} and {plan.n_outputs})."
            )
            return None
        big = plan.n_parameters > BIG_NETWORK
        rows = spread_rows(len(data), BIG_SAMPLES if big else MAX_SAMPLES)
        name = (
            data.name if len(rows) == len(data) else f"{len(rows):,} of {len(data):,} samples of {data.name}"
        )
        self._plan = plan
        self._data = (data.inputs[rows].astype(np.float64), data.targets[rows].astype(np.float64), name)
        return plan, self._data, LOSSES[document.training.loss]

    def show_weights(self, weights: tuple[str, str], keep_start: bool = False) -> None:
        """Draw the landscape of these two weights (connection ids, or neuron ids for biases)."""
        prepared = self._prepare()
        if prepared is None:
            return
        plan, (inputs, targets, name), loss = prepared
        try:
            steps = BIG_GRID_STEPS if plan.n_parameters > BIG_NETWORK else GRID_STEPS
            # A network gone wild overflows; what overflowed is said in words, not in numpy's warnings.
            with np.errstate(all="ignore"):
                landscape = error_landscape(plan, inputs, targets, loss, weights, steps=steps)
        except LandscapeError as exc:
            self._say(str(exc))
            return
        if not np.isfinite(landscape.errors).any():
            self._say("Every error on this map overflowed: the network's weights or biases are too large.")
            return
        self._revision = self._key()
        if landscape.weights != self.weights:
            self._set_trail([])
            self._suggest_rate(landscape)
        self.weights = landscape.weights
        self.landscape = landscape
        x, y = landscape.axis_x, landscape.axis_y
        dx, dy = x[1] - x[0], y[1] - y[0]
        finite = np.isfinite(landscape.errors)
        errors = np.where(finite, landscape.errors, landscape.errors[finite].max())
        self.image.setImage(errors, autoLevels=True)
        self.image.setRect(QRectF(x[0] - dx / 2, y[0] - dy / 2, dx * len(x), dy * len(y)))
        levels = np.quantile(errors, np.linspace(0.05, 0.95, CONTOURS))
        for curve, level in zip(self.contours, levels, strict=True):
            curve.setData(errors, float(level))
        self.today.setData([landscape.current[0]], [landscape.current[1]])
        self.legend.setText(self._legend_text(errors))
        self.plot.setXRange(x[0] - dx / 2, x[-1] + dx / 2, padding=0)
        self.plot.setYRange(y[0] - dy / 2, y[-1] + dy / 2, padding=0)
        document = self._window.document
        network = document.network
        across, down = (self._name_of(w, network, document.grid) for w in weights[:2])
        self.plot.setLabel("bottom", across)
        self.plot.setLabel("left", down)
        self.weights_label.setText(f"Across: {across}; down: {down}. Error ({loss.title.lower()}) on {name}.")
        if not keep_start:
            self.start.blockSignals(True)
            self.start.setPos(landscape.current[0], landscape.current[1])
            self.start.blockSignals(False)
        self.redraw_path()

    @staticmethod
    def _legend_text(errors: Array | None) -> str:
        scale = (
            "Dark is low error, yellow is high"
            if errors is None
            else f"Dark is low error ({np.min(errors):.3g}), yellow is high ({np.max(errors):.3g})"
        )
        return (
            f"{scale}; lines join equal errors. The star is today's weights; drag the red start point and watch"
            " gradient descent walk from it (white). While the network trains, the orange dashes follow where"
            " training takes these two weights."
        )

    @staticmethod
    def _name_of(pid: str, network, grid: tuple[int, int] | None = None) -> str:  # noqa: ANN001 - Network
        if pid in network.neurons:
            return f"bias of {network.neurons[pid].display_name}"
        if pid in network.edges:
            source, target = connection_ends(network, network.edges[pid], grid)
            return f"weight {source} → {target}"
        return f"weight {pid}"

    def _start_moved(self) -> None:
        if not self._drag_timer.isActive():
            self._drag_timer.start(DRAG_MS)

    @property
    def start_point(self) -> tuple[float, float]:
        pos = self.start.pos()
        return (float(pos.x()), float(pos.y()))

    def set_start(self, x: float, y: float) -> None:
        """Put the start point at (x, y) and walk again from there."""
        self.start.setPos(x, y)
        self.redraw_path()

    def redraw_path(self) -> None:
        self._drag_timer.stop()
        landscape, plan, data = self.landscape, self._plan, self._data
        if landscape is None or plan is None or data is None:
            return
        inputs, targets, _name = data
        loss = LOSSES[self._window.document.training.loss]
        bounds = ((landscape.axis_x[0], landscape.axis_x[-1]), (landscape.axis_y[0], landscape.axis_y[-1]))
        try:
            with np.errstate(all="ignore"):
                path = descent_path(
                    plan,
                    inputs,
                    targets,
                    loss,
                    landscape.weights,
                    self.start_point,
                    self.learning_rate,
                    self.momentum,
                    PATH_STEPS,
                    bounds,
                )
        except LandscapeError as exc:
            self._say(str(exc))
            return
        self.path = path
        self.path_curve.setData(path.points[:, 0], path.points[:, 1])
        self._say(self._describe(path, landscape, self.lr_label.text()))

    @staticmethod
    def _describe(path: DescentPath, landscape: Landscape, rate: str) -> str:
        errors = path.errors[np.isfinite(path.errors)]
        steps = len(path.points) - 1
        if path.diverged or not len(errors):
            return (
                f"The walk ran off the map after {steps} steps: the error grew without end. Lower the learning"
                " rate (or the momentum)."
            )
        climbs = np.diff(errors)
        rises = int((climbs > 1e-12).sum())
        # A rise that is small beside the way down is the walk stepping across a valley's sharp bottom, not
        # a step flying past the valley.
        descent = max(float(errors[0] - errors.min()), 1e-12)
        large = int((climbs > OVERSHOOT_SHARE * descent).sum())
        text = (
            f"{steps} steps of gradient descent at learning rate {rate}: error {errors[0]:.4g} at the start,"
            f" {errors[-1]:.4g} at the end"
        )
        text += f" (today {landscape.current_error:.4g})."
        if large:
            text += (
                f" The error went up {rises} time{'s' if rises != 1 else ''} on the way: the steps overshoot."
            )
        elif rises:
            text += (
                " At the bottom it steps back and forth a little (the error rose slightly"
                f" {rises} time{'s' if rises != 1 else ''}): the valley is narrower there than a step."
            )
        elif steps and abs(errors[-1] - errors[0]) < 1e-4 * max(1.0, abs(errors[0])):
            text += " It barely moved: the ground is flat here, or the learning rate is small."
        return text


def install_landscape(window: MainWindow) -> None:
    """Tools > Error Landscape...: one window per main window, made on first use."""
    holder: dict[str, LandscapeWindow] = {}

    def open_landscape() -> None:
        view = holder.get("view")
        if view is None:
            view = holder["view"] = LandscapeWindow(window)
            place_beside(view, window)
        elif len(view._selected_parameters()) >= 2:
            view.use_selection()
        view.show()
        view.raise_()

    action = QAction("Error &Landscape...", window)
    action.setObjectName("landscapeAction")
    tip = "The error over two weights, and gradient descent walking across it (select two connections first)"
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: open_landscape())
    window.tools_menu.addAction(action)
