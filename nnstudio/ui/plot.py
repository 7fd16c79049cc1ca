"""The live error plot: training loss per step (raw and smoothed) and per epoch, test loss, and accuracy.

Curves are created once and fed with ``setData`` on the GUI thread. Step losses go into decimating buffers
of bounded size, so a run of a million steps draws as fast as one of a thousand: when a buffer is full its
points are averaged in pairs and later points each stand for twice as many steps.

The error scale is automatic by default: linear while the error stays within a factor of
:data:`AUTO_LOG_RATIO` of itself, logarithmic once it has fallen further. Training error typically drops
fast and then creeps down; on a linear scale everything after the first drop is a flat line along the
bottom, on a logarithmic one every tenfold fall takes the same height, so the slow part stays readable.
The person can pick Linear or Log instead.

A run started again from the same first weights (:meth:`ErrorPlot.compare_runs`) is drawn over the earlier
one: both start at step 0, the earlier run's curves dimmed, each run named in the key. While the person looks
back through a run, a vertical line (:meth:`ErrorPlot.mark_step`) marks the point shown.
"""

from __future__ import annotations

import math
import re
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnstudio.engine.train import EpochEnd

Array = np.ndarray

# The smallest loss drawn: a loss of exactly 0 has no logarithm.
_FLOOR = 1e-12
# Smoothing of the step losses: an exponential moving average over about this many steps.
SMOOTHING_STEPS = 50
# Curves are redrawn at most this many times a second, however fast steps and epochs arrive: painting a plot
# takes the GIL from the training thread (a redraw costs a few ms of Python in pyqtgraph).
REDRAWS_PER_SECOND = 10.0
# Epoch curves show a marker on every point while there are few enough of them to tell apart.
_MAX_MARKERS = 120

# Colours of the curves; the key under the plot names each one in its colour.
RAW_COLOUR = (170, 185, 220)
SMOOTH_COLOUR = (30, 80, 200)
EPOCH_COLOUR = (230, 120, 20)
TEST_COLOUR = (200, 30, 60)
ACCURACY_COLOUR = (40, 150, 60)
TEST_ACCURACY_COLOUR = (120, 40, 160)
# The earlier of two compared runs: the same hues, faded, so the run being watched stands out.
EARLIER_ALPHA = 90
EARLIER_SMOOTH_COLOUR = (90, 90, 90)
MARKER_COLOUR = (20, 20, 20)
AXIS_WIDTH = 50
# The error plot is never shorter than this (pixels): below it the tick labels crowd and the curve is a smear.
READABLE_HEIGHT = 180
ACCURACY_MIN_HEIGHT = 60
# The accuracy strip's labels; the middle one goes when the strip is too short for three.
ACCURACY_TICKS = [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]
ACCURACY_MAX_HEIGHT = 150
# With the scale on Auto, the error is shown on a logarithmic scale once its largest value is this many
# times its smallest (smoothed and per-epoch curves; single steps are too noisy to decide on).
AUTO_LOG_RATIO = 30.0
SCALE_AUTO, SCALE_LINEAR, SCALE_LOG = "auto", "linear", "log"
SCALE_TIP = (
    f"How the error axis is drawn.\n"
    f"Auto: linear while the error stays within a factor of {AUTO_LOG_RATIO:g} of itself; once it has "
    f"fallen further, logarithmic, so each tenfold fall takes the same height and the slow end of "
    f"training stays readable instead of a flat line along the bottom.\n"
    f"Linear: equal steps of error take equal height.\n"
    f"Log: each tenfold fall of the error takes the same height."
)
EMPTY_KEY = "Click Train: the error of every training step is drawn here, falling as the network learns."


def _swatch(colour: tuple[int, int, int], mark: str, text: str) -> str:
    r, g, b = colour
    return f'<span style="color: rgb({r},{g},{b}); font-weight: bold;">{mark}</span>&nbsp;{text}'


def _plain(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)
    return text.replace("&nbsp;", " ")


def plain_number(value: float, places: int | None = None) -> str:
    """A tick label in plain decimals (``0.001``, ``100``), never ``1e-03``, ``10²`` or a scale factor:
    with ``places`` decimals, or else with two significant digits and no trailing zeros."""
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "0"
    if places is not None:
        return f"{value:.{max(0, places)}f}"
    return np.format_float_positional(value, precision=2, unique=False, fractional=False, trim="-")


class PlainAxis(pg.AxisItem):
    """An axis numbered in plain decimals on a linear and on a logarithmic scale alike, with no scale factor
    in its title: an error axis reading "10^2 ... (x0.001)" says 0.1 in a way a newcomer cannot read."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode:
            return [plain_number(10.0 ** float(v) * scale) for v in values]
        step = abs(spacing * scale)
        places = max(0, math.ceil(-math.log10(step))) if step > 0 else 0
        return [plain_number(float(v) * scale, places) for v in values]


class DecimatingSeries:
    """(x, y) points, at most ``capacity`` of them; each stored point is the mean of ``stride`` inputs."""

    def __init__(self, capacity: int = 4096) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("the capacity must be an even number of at least 2")
        self.capacity = capacity
        self._x = np.zeros(capacity, dtype=np.float64)
        self._y = np.zeros(capacity, dtype=np.float64)
        self._n = 0
        self.stride = 1
        self._pending_x = np.zeros(0, dtype=np.float64)
        self._pending_y = np.zeros(0, dtype=np.float64)

    def __len__(self) -> int:
        return self._n + (1 if len(self._pending_y) else 0)

    def clear(self) -> None:
        self._n = 0
        self.stride = 1
        self._pending_x = np.zeros(0, dtype=np.float64)
        self._pending_y = np.zeros(0, dtype=np.float64)

    def extend(self, xs: Array, ys: Array) -> None:
        xs = np.concatenate([self._pending_x, np.asarray(xs, dtype=np.float64)])
        ys = np.concatenate([self._pending_y, np.asarray(ys, dtype=np.float64)])
        while True:
            k = self.stride
            buckets = len(ys) // k
            if buckets == 0:
                break
            space = self.capacity - self._n
            if space == 0:
                self._compact()
                continue
            take = min(buckets, space)
            used = take * k
            self._y[self._n : self._n + take] = ys[:used].reshape(take, k).mean(axis=1)
            self._x[self._n : self._n + take] = xs[k - 1 : used : k]
            self._n += take
            xs, ys = xs[used:], ys[used:]
        self._pending_x, self._pending_y = xs, ys

    def _compact(self) -> None:
        half = self._n // 2
        self._y[:half] = self._y[: 2 * half].reshape(half, 2).mean(axis=1)
        self._x[:half] = self._x[1 : 2 * half : 2]
        self._n = half
        self.stride *= 2

    def data(self) -> tuple[Array, Array]:
        """Fresh copies of the points, the unfinished last bucket included as one point."""
        x = self._x[: self._n]
        y = self._y[: self._n]
        if len(self._pending_y):
            x = np.append(x, self._pending_x[-1])
            y = np.append(y, self._pending_y.mean())
        else:
            x = x.copy()
            y = y.copy()
        return x, y

    @property
    def last_x(self) -> float:
        if len(self._pending_x):
            return float(self._pending_x[-1])
        return float(self._x[self._n - 1]) if self._n else 0.0


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value`` (> 0)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= value * (1 - 1e-12):
            return factor * power
    return 10.0 * power


class ErrorPlot(QWidget):
    """Loss and accuracy of training as it runs. Connect it to a training controller with
    :meth:`connect_training`; :meth:`bind` (a new document) clears it, as does Randomize.

    The axes follow the data in coarse steps (1-2-2.5-5 ceilings) rather than on every point: a changed
    range re-lays the axes, which is most of a redraw's cost. Zooming or panning by hand stops the
    following; the plot's "A" (auto-range) button or :meth:`clear` starts it again.

    ``stepClicked(step)``: the person clicked the error plot at this step of the last run (counted from the
    run's start), while :attr:`pickable` (there is a run to go back through).
    """

    stepClicked = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorPlot")
        self.setAccessibleName("Training error plot")
        self._controller: QObject | None = None
        self._offset = 0.0
        # Where the last run started on the step axis.
        self._run_start = 0.0
        self._ema: float | None = None
        self._alpha = 2.0 / (SMOOTHING_STEPS + 1)
        self.raw = DecimatingSeries()
        self.smooth = DecimatingSeries()
        self._epoch_x: list[float] = []
        self._epoch_loss: list[float] = []
        self._test_x: list[float] = []
        self._test_loss: list[float] = []
        self._acc_x: list[float] = []
        self._acc: list[float] = []
        self._test_acc_x: list[float] = []
        self._test_acc: list[float] = []
        # The earlier run of a comparison: (x, y) of its smoothed, epoch and test curves, and both runs' names.
        self._earlier: dict[str, tuple[Array, Array]] = {}
        self._run_names: tuple[str, str] | None = None
        # Shown when a run has no held-out test set, saying why (the key has no test curve then).
        self._test_note = ""
        self._steps_dirty = False
        self._epochs_dirty = False
        self._last_redraw = 0.0
        self._follow = True
        self._x_top = 0.0
        self._y_range: tuple[float, float] | None = None
        # While a run goes, the controller says when to redraw (its frames); otherwise a timer paces redraws.
        self._paced = False
        self.redraw_count = 0
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._redraw_timer.timeout.connect(self.redraw)

        # Thin cosmetic pens and no grid: wider pens and the grid's long translucent lines cost the most.
        # No legend inside the plot: in a dock it covers the curves. The key under the plot names them.
        self.loss_plot = pg.PlotWidget(background="w", axisItems={"left": PlainAxis("left")})
        self.loss_plot.setObjectName("errorPlotLoss")
        self.loss_plot.setAccessibleName("Error by training step")
        self.loss_plot.setMinimumHeight(READABLE_HEIGHT)
        item = self.loss_plot.getPlotItem()
        item.setLabel("left", "error")
        item.getAxis("left").setWidth(AXIS_WIDTH)  # the same as the accuracy plot's, so the steps line up
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.disableAutoRange()
        item.setXRange(0, 1, padding=0)
        item.setYRange(0, 1, padding=0)
        item.setMenuEnabled(True)
        self.raw_curve = item.plot(pen=pg.mkPen(RAW_COLOUR), name="step loss")
        # Epoch averages are rings, drawn under the smoothed line: filled dots over it hid it.
        self.smooth_curve = item.plot(pen=pg.mkPen(SMOOTH_COLOUR), name="step loss, smoothed")
        self.epoch_curve = item.plot(
            pen=pg.mkPen(EPOCH_COLOUR),
            name="epoch loss",
            symbol="o",
            symbolSize=6,
            symbolBrush=None,
            symbolPen=pg.mkPen(EPOCH_COLOUR, width=1.5),
        )
        self.test_curve = item.plot(
            pen=pg.mkPen(TEST_COLOUR, style=Qt.PenStyle.DashLine),
            name="test loss",
            symbol="t",
            symbolSize=6,
            symbolBrush=TEST_COLOUR,
            symbolPen=None,
        )
        self.earlier_smooth_curve = item.plot(
            pen=pg.mkPen((*EARLIER_SMOOTH_COLOUR, EARLIER_ALPHA + 60), width=2), name="earlier run, smoothed"
        )
        self.earlier_epoch_curve = item.plot(
            pen=pg.mkPen((*EPOCH_COLOUR, EARLIER_ALPHA)),
            name="earlier run, epoch loss",
            symbol="o",
            symbolSize=4,
            symbolBrush=(*EPOCH_COLOUR, EARLIER_ALPHA),
            symbolPen=None,
        )
        self.earlier_test_curve = item.plot(
            pen=pg.mkPen((*TEST_COLOUR, EARLIER_ALPHA), style=Qt.PenStyle.DashLine),
            name="earlier run, test loss",
            symbol="t",
            symbolSize=5,
            symbolBrush=(*TEST_COLOUR, EARLIER_ALPHA),
            symbolPen=None,
        )
        # Over the single steps' noise (which would hide it), under the run being watched.
        self.raw_curve.setZValue(-2)
        self.smooth_curve.setZValue(1)
        for curve in (self.earlier_smooth_curve, self.earlier_epoch_curve, self.earlier_test_curve):
            curve.setZValue(-1)
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(MARKER_COLOUR, width=2))
        self.marker.setZValue(9)
        item.addItem(self.marker, ignoreBounds=True)
        self.marker.hide()
        item.vb.sigRangeChangedManually.connect(self._on_range_changed_by_hand)
        item.vb.sigStateChanged.connect(self._on_view_state_changed)

        self.accuracy_plot = pg.PlotWidget(background="w")
        self.accuracy_plot.setObjectName("errorPlotAccuracy")
        self.accuracy_plot.setAccessibleName("Accuracy by training step")
        acc_item = self.accuracy_plot.getPlotItem()
        acc_item.setLabel("left", "right")
        acc_item.getAxis("left").setWidth(AXIS_WIDTH)
        acc_item.disableAutoRange()
        # Room above 100% and below 0% for half a tick label: the labels are centred on their ticks.
        acc_item.setYRange(0.0, 1.0, padding=0.0)
        acc_item.vb.sigResized.connect(self._accuracy_margin)
        self._accuracy_ticks: list[tuple[float, str]] = []
        self._show_accuracy_ticks(ACCURACY_TICKS)
        acc_item.setMouseEnabled(x=True, y=False)
        acc_item.setXLink(item)
        self.accuracy_curve = acc_item.plot(
            pen=pg.mkPen(ACCURACY_COLOUR),
            name="training accuracy",
            symbol="o",
            symbolSize=5,
            symbolBrush=ACCURACY_COLOUR,
            symbolPen=None,
        )
        dashed = pg.mkPen(TEST_ACCURACY_COLOUR, style=Qt.PenStyle.DashLine)
        self.test_accuracy_curve = acc_item.plot(
            pen=dashed,
            name="test accuracy",
            symbol="t",
            symbolSize=6,
            symbolBrush=TEST_ACCURACY_COLOUR,
            symbolPen=None,
        )
        # Room for three labels one above the other (100%, 50%, 0%) and the step axis under them.
        line = self.fontMetrics().height()
        self.accuracy_plot.setMinimumHeight(max(ACCURACY_MIN_HEIGHT, 5 * line + 8))
        self.accuracy_plot.setMaximumHeight(ACCURACY_MAX_HEIGHT)
        self.accuracy_plot.hide()

        self.key = QLabel(EMPTY_KEY)
        self.key.setObjectName("errorPlotKey")
        self.key.setAccessibleName("What the curves show")
        self.key.setWordWrap(True)
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.crosshair = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen((90, 90, 90), style=Qt.PenStyle.DotLine)
        )
        self.crosshair.setZValue(10)
        self.hover_label = pg.TextItem(color=(20, 20, 20), anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 220))
        self.hover_label.setZValue(11)
        item.addItem(self.crosshair, ignoreBounds=True)
        item.addItem(self.hover_label, ignoreBounds=True)
        self.crosshair.hide()
        self.hover_label.hide()
        self.loss_plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.loss_plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        # Whether a click on the curves picks a point of the last run (set while there is one to show).
        self.pickable = False

        self._log = False  # whether the error axis is logarithmic now
        self.scale_box = QComboBox()
        self.scale_box.setObjectName("errorPlotScale")
        self.scale_box.setAccessibleName("Error scale")
        self.scale_box.addItem("Auto scale", SCALE_AUTO)
        self.scale_box.addItem("Linear scale", SCALE_LINEAR)
        self.scale_box.addItem("Log scale", SCALE_LOG)
        self.scale_box.setToolTip(SCALE_TIP)
        self.scale_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scale_box.currentIndexChanged.connect(self._on_scale_chosen)
        self.readout = QLabel("")
        self.readout.setObjectName("errorPlotReadout")
        self.readout.setAccessibleName("Value under the mouse")
        # The readout's text changes with the mouse: it must never widen the panel.
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        top = QHBoxLayout()
        top.addWidget(self.scale_box)
        top.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.loss_plot, 3)
        layout.addWidget(self.accuracy_plot, 1)
        layout.addWidget(self.key)

    # ------------------------------------------------------------------ wiring
    def bind(self, live: QObject, undo_stack: QUndoStack) -> None:
        """Another document: its training history starts empty."""
        self.clear()

    def connect_training(self, controller: QObject) -> None:
        """Follow a :class:`~nnstudio.ui.training.TrainingController` (and stop following any other)."""
        self.disconnect_training()
        self._controller = controller
        controller.progress.connect(self.add_update)
        controller.epochEnded.connect(self.add_epoch)
        controller.runningChanged.connect(self._on_running_changed)
        controller.weightsRandomized.connect(self.clear)
        controller.frameReady.connect(self.redraw)

    def disconnect_training(self) -> None:
        controller = self._controller
        if controller is None:
            return
        self._controller = None
        controller.progress.disconnect(self.add_update)
        controller.epochEnded.disconnect(self.add_epoch)
        controller.runningChanged.disconnect(self._on_running_changed)
        controller.weightsRandomized.disconnect(self.clear)
        controller.frameReady.disconnect(self.redraw)
        self._paced = False

    # ------------------------------------------------------------------ data
    @Slot()
    def clear(self) -> None:
        self._offset = 0.0
        self._run_start = 0.0
        self._ema = None
        self.raw.clear()
        self.smooth.clear()
        for values in (
            self._epoch_x,
            self._epoch_loss,
            self._test_x,
            self._test_loss,
            self._acc_x,
            self._acc,
            self._test_acc_x,
            self._test_acc,
        ):
            values.clear()
        self._earlier = {}
        self._run_names = None
        self.marker.hide()
        self.crosshair.hide()
        self.hover_label.hide()
        self.readout.setText("")
        self.accuracy_plot.hide()
        self._redraw_timer.stop()
        self._follow = True
        self._x_top = 0.0
        self._y_range = None
        if self.scale() == SCALE_AUTO:
            self._set_log_mode(False)
        self._steps_dirty = self._epochs_dirty = True
        self.redraw()

    def compare_runs(self, earlier: str, this: str) -> None:
        """The next run starts again from the same weights: keep the last run's curves, dimmed and named
        ``earlier``, and draw the next one (named ``this``) over them from step 0."""
        start = self._run_start
        earlier_curves = {}
        for name, (x, y) in (
            ("smooth", self.smooth.data()),
            ("epoch", (np.array(self._epoch_x), np.array(self._epoch_loss))),
            ("test", (np.array(self._test_x), np.array(self._test_loss))),
        ):
            keep = x >= start
            earlier_curves[name] = (x[keep] - start, y[keep])
        test_note = self._test_note
        self.clear()
        self._earlier = earlier_curves
        self._run_names = (earlier, this)
        self._test_note = test_note
        self._steps_dirty = self._epochs_dirty = True
        self.redraw()

    def earlier_run(self) -> dict[str, tuple[Array, Array]]:
        """The dimmed run's curves (``smooth``, ``epoch``, ``test``: x and y), empty without a comparison."""
        return {name: (x.copy(), y.copy()) for name, (x, y) in self._earlier.items()}

    def epoch_losses(self) -> tuple[Array, Array]:
        """The epoch-average error points (x, y) as drawn."""
        return np.array(self._epoch_x), np.array(self._epoch_loss)

    def test_losses(self) -> tuple[Array, Array]:
        """The test-set error points (x, y) as drawn."""
        return np.array(self._test_x), np.array(self._test_loss)

    def set_test_note(self, text: str) -> None:
        """What the key says about the test set when there is none (empty: nothing)."""
        self._test_note = text
        self._update_key()

    def mark_step(self, step: int | None) -> None:
        """Mark step ``step`` of the last run with a vertical line (None: no mark)."""
        if step is None:
            self.marker.hide()
            return
        self.marker.setPos(self._run_start + step)
        self.marker.show()

    def smoothed_at(self, step: float) -> float | None:
        """The smoothed error curve's value at step ``step`` of the last run (the point drawn nearest), or
        None when the run drew no curve there."""
        x, y = self.smooth.data()
        if len(x) == 0:
            return None
        target = self._run_start + step
        index = int(np.searchsorted(x, target))
        candidates = [i for i in (index - 1, index) if 0 <= i < len(x) and x[i] >= self._run_start]
        if not candidates:
            return None
        nearest = min(candidates, key=lambda i: abs(x[i] - target))
        return float(y[nearest])

    def marked_step(self) -> float | None:
        """Where the mark stands on the step axis, or None when it is hidden."""
        return float(self.marker.value()) if self.marker.isVisible() else None

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self._paced = running
        if running:
            # A new run continues the step axis where the previous one ended.
            self._offset = self.raw.last_x
            self._run_start = self._offset
            self.marker.hide()
        else:
            self.redraw()
            self._fit_steps_exactly()

    def _fit_steps_exactly(self) -> None:
        """After a run, the step axis ends where the run ended: the room left for more steps while it ran
        would only suggest that something is still to come."""
        extent = self._loss_extent()
        if not self._follow or extent is None:
            return
        self._x_top = extent[0]
        self.loss_plot.getPlotItem().setXRange(0, self._x_top, padding=0.02)

    @Slot(object)
    def add_update(self, update: object) -> None:
        """Append a training update's step losses (``update.losses``, the last one at ``update.step``)."""
        losses = np.asarray(update.losses, dtype=np.float64)  # type: ignore[attr-defined]
        if len(losses) == 0:
            return
        first = update.step - len(losses) + 1  # type: ignore[attr-defined]
        steps = np.arange(first, first + len(losses), dtype=np.float64) + self._offset
        self.add_steps(steps, losses)

    def add_steps(self, steps: Array, losses: Array) -> None:
        """Append step losses at these step numbers; the smoothed curve follows them."""
        losses = np.asarray(losses, dtype=np.float64)
        smooth = np.empty_like(losses)
        ema = self._ema
        alpha = self._alpha
        for i, value in enumerate(losses.tolist()):
            if math.isfinite(value):
                ema = value if ema is None else ema + alpha * (value - ema)
            smooth[i] = ema if ema is not None else np.nan
        self._ema = ema
        finite = np.isfinite(losses)
        self.raw.extend(steps[finite], losses[finite])
        self.smooth.extend(steps[finite], smooth[finite])
        self._steps_dirty = True
        self._request_redraw()

    @Slot(object)
    def add_epoch(self, item: EpochEnd) -> None:
        x = item.step + self._offset
        if math.isfinite(item.loss):
            self._epoch_x.append(x)
            self._epoch_loss.append(item.loss)
        if item.test_loss is not None and math.isfinite(item.test_loss):
            self._test_x.append(x)
            self._test_loss.append(item.test_loss)
        if item.accuracy is not None:
            self._acc_x.append(x)
            self._acc.append(item.accuracy)
        if item.test_accuracy is not None:
            self._test_acc_x.append(x)
            self._test_acc.append(item.test_accuracy)
        self._epochs_dirty = True
        self._request_redraw()

    # ------------------------------------------------------------------ drawing
    def _request_redraw(self) -> None:
        if self._paced or self._redraw_timer.isActive():
            return
        wait = self._last_redraw + 1.0 / REDRAWS_PER_SECOND - time.perf_counter()
        self._redraw_timer.start(max(0, int(wait * 1000)))

    @Slot()
    def redraw(self) -> None:
        """Bring the curves up to date now (normally paced by a timer)."""
        self._redraw_timer.stop()
        if not (self._steps_dirty or self._epochs_dirty):
            return
        if self._steps_dirty:
            self._refresh_steps()
        if self._epochs_dirty:
            self._refresh_epochs()
        self._update_key()
        self._fit_ranges()
        self._last_redraw = time.perf_counter()
        self.redraw_count += 1

    def _refresh_steps(self) -> None:
        self._steps_dirty = False
        x, y = self.raw.data()
        self.raw_curve.setData(x, np.maximum(y, _FLOOR))
        x, y = self.smooth.data()
        self.smooth_curve.setData(x, np.maximum(y, _FLOOR))

    def _refresh_epochs(self) -> None:
        self._epochs_dirty = False
        self._set_epoch_curve(self.epoch_curve, "o", self._epoch_x, self._epoch_loss, floor=True)
        self._set_epoch_curve(self.test_curve, "t", self._test_x, self._test_loss, floor=True)
        self._set_epoch_curve(self.accuracy_curve, "o", self._acc_x, self._acc)
        self._set_epoch_curve(self.test_accuracy_curve, "t", self._test_acc_x, self._test_acc)
        empty = (np.zeros(0), np.zeros(0))
        x, y = self._earlier.get("smooth", empty)
        self.earlier_smooth_curve.setData(x, np.maximum(y, _FLOOR))
        for name, curve, symbol in (
            ("epoch", self.earlier_epoch_curve, "o"),
            ("test", self.earlier_test_curve, "t"),
        ):
            x, y = self._earlier.get(name, empty)
            self._set_epoch_curve(curve, symbol, list(x), list(y), floor=True)
        with_accuracy = bool(self._acc or self._test_acc)
        self.accuracy_plot.setVisible(with_accuracy)
        # The plots share the step axis: with both shown, the lower one numbers it for both.
        self.loss_plot.getPlotItem().getAxis("bottom").setStyle(showValues=not with_accuracy)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_key_height()
        self._accuracy_margin()

    def _accuracy_margin(self) -> None:
        """Keep half a label's height (in the strip's units) above 100% and below 0%, whatever its height."""
        height = self.accuracy_plot.getPlotItem().vb.height() or self.accuracy_plot.height()
        margin = self.fontMetrics().height() / 2 + 2
        # The range -share..1+share puts ``margin`` pixels outside 0..1 at each end.
        share = min(0.5, margin / max(1.0, height - 2 * margin))
        self.accuracy_plot.getPlotItem().setYRange(-share, 1.0 + share, padding=0.0)
        # Three labels need three lines of height; fewer would print them over one another.
        line = self.fontMetrics().height()
        fits_three = height >= len(ACCURACY_TICKS) * line
        self._show_accuracy_ticks(ACCURACY_TICKS if fits_three else [ACCURACY_TICKS[0], ACCURACY_TICKS[-1]])

    def _show_accuracy_ticks(self, ticks: list[tuple[float, str]]) -> None:
        if ticks != self._accuracy_ticks:
            self._accuracy_ticks = list(ticks)
            self.accuracy_plot.getPlotItem().getAxis("left").setTicks([ticks])

    def accuracy_labels(self) -> list[str]:
        """The labels the accuracy strip shows on its axis, bottom to top."""
        return [label for _value, label in self._accuracy_ticks]

    def _fit_key_height(self) -> None:
        """Keep room for every line of the key at this width: a dock does not ask a wrapped label how tall
        it is, so without a minimum the key would be squeezed over the plots."""
        width = self.key.width() if self.key.width() > 0 else self.width()
        self.key.setMinimumHeight(self.key.heightForWidth(max(1, width)))

    def key_text(self) -> str:
        """The key under the plot as plain words: the curves that have points, in the order drawn."""
        return _plain(self.key.text())

    def _update_key(self) -> None:
        parts = []
        if len(self.raw):
            parts.append(_swatch(RAW_COLOUR, "━", "each step"))
            parts.append(_swatch(SMOOTH_COLOUR, "━", "smoothed"))
        if self._epoch_loss:
            parts.append(_swatch(EPOCH_COLOUR, "○", "epoch average"))
        if self._test_loss:
            parts.append(_swatch(TEST_COLOUR, "▲", "test set"))
        accuracy = []
        if self._acc:
            accuracy.append(_swatch(ACCURACY_COLOUR, "●", "training set"))
        if self._test_acc:
            accuracy.append(_swatch(TEST_ACCURACY_COLOUR, "▲", "test set"))
        if not parts and not accuracy and not self._earlier:
            self.key.setText(EMPTY_KEY)
            self._fit_key_height()
            return
        text = f"By training step. Error: {', '.join(parts)}."
        if accuracy:
            text += f" Right: {', '.join(accuracy)}."
        if self._test_note and not self._test_loss:
            text += f" {self._test_note}"
        if self._run_names is not None:
            earlier, this = self._run_names
            faded = _swatch(EARLIER_SMOOTH_COLOUR, "━", f"dimmed: the earlier run ({earlier})")
            text += f" <br>From the same start: {faded}; in colour: this run ({this})."
        self.key.setText(text)
        self._fit_key_height()

    @staticmethod
    def _set_epoch_curve(
        curve: pg.PlotDataItem, symbol: str, xs: list[float], ys: list[float], floor: bool = False
    ) -> None:
        y = np.array(ys, dtype=np.float64)
        if floor:
            y = np.maximum(y, _FLOOR)
        wanted = symbol if len(xs) <= _MAX_MARKERS else None
        if curve.opts["symbol"] != wanted:
            curve.setSymbol(wanted)
        curve.setData(np.array(xs, dtype=np.float64), y)

    def _loss_extent(self) -> tuple[float, float, float] | None:
        """(largest step, smallest and largest loss) over the smoothed, epoch and test curves, or None when
        nothing is drawn. Single steps are left out: one noisy step would stretch the axis for all the rest
        (it may go off the top; the smoothed curve is the one to read)."""
        xs = []
        lows = []
        highs = []
        for x, y in (
            self.smooth.data(),
            (np.array(self._epoch_x), np.array(self._epoch_loss)),
            (np.array(self._test_x), np.array(self._test_loss)),
            *self._earlier.values(),
        ):
            if len(x):
                xs.append(float(np.max(x)))
                lows.append(float(np.min(y)))
                highs.append(float(np.max(y)))
        if not xs:
            return None
        return max(xs), min(lows), max(highs)

    def _fit_ranges(self) -> None:
        if not self._follow:
            return
        extent = self._loss_extent()
        item = self.loss_plot.getPlotItem()
        if extent is None:
            self._x_top = 0.0
            self._y_range = None
            item.setXRange(0, 1, padding=0)
            item.setYRange(0, 1, padding=0)
            return
        x_max, low, high = extent
        if x_max > self._x_top or x_max < self._x_top / 4:
            self._x_top = nice_ceiling(x_max * 1.25)
            item.setXRange(0, self._x_top, padding=0)
        if self.scale() == SCALE_AUTO and not self._log and high >= AUTO_LOG_RATIO * max(low, _FLOOR):
            self._set_log_mode(True)  # stays logarithmic for the rest of the run: no flipping back and forth
        if self._log:
            bottom = math.floor(math.log10(max(low, _FLOOR)))
            top = math.ceil(math.log10(max(high, _FLOOR)))
            wanted = (float(bottom), float(max(top, bottom + 1)))
            fits = self._y_range is not None and self._y_range == wanted
        else:
            current = self._y_range
            fits = current is not None and current[0] == 0.0 and high <= current[1] and high >= current[1] / 4
            wanted = (0.0, nice_ceiling(high * 1.1))
        if not fits:
            self._y_range = wanted
            # A little room above and below, so the top and bottom tick labels are not cut in half.
            item.setYRange(*wanted, padding=0.04)

    @Slot(object)
    def _on_range_changed_by_hand(self, *_args: object) -> None:
        self._follow = False

    @Slot(object)
    def _on_view_state_changed(self, *_args: object) -> None:
        # The plot's "A" button turns pyqtgraph's own auto-range on: take over again with coarse steps.
        vb = self.loss_plot.getPlotItem().vb
        if any(vb.state["autoRange"]):
            vb.disableAutoRange()
            self._follow = True
            self._x_top = 0.0
            self._y_range = None
            self._fit_ranges()

    def scale(self) -> str:
        """The scale chosen: :data:`SCALE_AUTO`, :data:`SCALE_LINEAR` or :data:`SCALE_LOG`."""
        return str(self.scale_box.currentData())

    def is_log(self) -> bool:
        """Whether the error axis is logarithmic now (chosen, or picked by the automatic scale)."""
        return self._log

    @Slot(bool)
    def set_log_scale(self, on: bool) -> None:
        """Choose the logarithmic scale (True) or the linear one (False) instead of the automatic one."""
        self.scale_box.setCurrentIndex(self.scale_box.findData(SCALE_LOG if on else SCALE_LINEAR))

    @Slot(int)
    def _on_scale_chosen(self, _index: int) -> None:
        chosen = self.scale()
        if chosen != SCALE_AUTO:
            self._set_log_mode(chosen == SCALE_LOG)
        else:
            self._set_log_mode(False)  # the automatic scale decides again from the curves
        self._follow = True
        self._fit_ranges()

    def _set_log_mode(self, on: bool) -> None:
        if on == self._log:
            return
        self._log = on
        self.loss_plot.getPlotItem().setLogMode(x=False, y=on)
        self.hover_label.hide()
        self.crosshair.hide()
        self._y_range = None
        self.scale_box.setAccessibleDescription("logarithmic now" if on else "linear now")

    # ------------------------------------------------------------------ reading values
    def value_at(self, step: float) -> tuple[int, float] | None:
        """The smoothed step loss nearest to ``step`` on the step axis: (step, loss), or None with no data."""
        x, y = self.smooth.data()
        if len(x) == 0:
            return None
        i = int(np.searchsorted(x, step))
        if i >= len(x):
            i = len(x) - 1
        elif i > 0 and step - x[i - 1] < x[i] - step:
            i -= 1
        return int(round(x[i])), float(y[i])

    def show_value_at(self, step: float) -> str | None:
        """Put the crosshair and the readout at the point nearest to ``step``; the text shown, or None."""
        found = self.value_at(step)
        if found is None:
            self.crosshair.hide()
            self.hover_label.hide()
            self.readout.setText("")
            return None
        s, loss = found
        text = f"step {s}: loss {loss:.4g}"
        self.crosshair.setPos(s)
        y = math.log10(max(loss, _FLOOR)) if self._log else loss
        self.hover_label.setText(text)
        self.hover_label.setPos(s, y)
        self.crosshair.show()
        self.hover_label.show()
        self.readout.setText(text)
        return text

    def set_pickable(self, pickable: bool) -> None:
        """Let a click on the error plot pick a point of the last run (``stepClicked``), or not."""
        self.pickable = pickable
        self.loss_plot.setToolTip(
            "Click the curves to see the network as it was at that step" if pickable else ""
        )

    @Slot(object)
    def _on_mouse_clicked(self, event: object) -> None:
        if not self.pickable or event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        item = self.loss_plot.getPlotItem()
        scene_pos = event.scenePos()  # type: ignore[attr-defined]
        if not item.vb.sceneBoundingRect().contains(scene_pos):
            return
        step = item.vb.mapSceneToView(scene_pos).x() - self._run_start
        if step >= 0:
            self.stepClicked.emit(step)

    @Slot(object)
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        item = self.loss_plot.getPlotItem()
        if not item.vb.sceneBoundingRect().contains(scene_pos):
            self.crosshair.hide()
            self.hover_label.hide()
            return
        point = item.vb.mapSceneToView(scene_pos)
        self.show_value_at(point.x())
