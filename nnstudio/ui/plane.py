"""The input plane: what a network with two inputs answers at every point of the plane, as a heat map.

For a network whose inputs are X1 and X2 (two plain inputs, or feature inputs such as X1^2 and sin X2 made
from them, see :mod:`nnstudio.data.points`), every point of the square -6..6 is run through it. One output
is drawn orange below its threshold and blue above, stronger the surer it is; several outputs mix their
classes' colours by how much each one says. "Discretize output" shows only the answer. The training points
lie on top (white rims), and the test points too on request (dark rims).

Beside it the points themselves are chosen as in TensorFlow Playground: the problem, the number of classes
where it has more, the noise, the share of training points, and Regenerate for a new seed (the seed is
shown, so a picture can be made again). The choice becomes the document's training data.

While the window is open every neuron on the canvas shows its own small heat map: its value over the same
plane (orange negative, blue positive), enlarged when hovered.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QUndoStack
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data.dataset import DataError, Dataset
from nnstudio.data.points import (
    EXTENT,
    POINT_KINDS,
    PointRecipe,
    feature_columns,
    feature_names,
    fit_to_network,
    is_point_spec,
    make_points,
    parse_point_spec,
)
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import ForwardResult, Plan
from nnstudio.engine.train import evaluate
from nnstudio.ui.commands import SetTrainingData

if TYPE_CHECKING:
    from nnstudio.ui.live import LiveNetwork
    from nnstudio.ui.main_window import MainWindow

Array = np.ndarray

# Points across each side of the heat map; each neuron's picture takes every second one.
RESOLUTION = 64
NEURON_STEP = 2
# Playground's colours for "no" and "yes", then one more per class.
CLASS_COLOURS: list[tuple[int, int, int]] = [
    (245, 147, 34),  # orange
    (8, 119, 189),  # blue
    (44, 160, 44),  # green
    (148, 103, 189),  # purple
    (214, 39, 40),  # red
    (140, 86, 75),  # brown
    (227, 119, 194),  # pink
    (110, 110, 110),  # grey
    (188, 189, 34),  # olive
    (23, 190, 207),  # teal
]
# How far the heat map goes from white towards a class's colour where the network is sure: the points,
# drawn in the full colours, stay visible on top.
BACKGROUND_STRENGTH = 0.7
WHITE = np.array([255.0, 255.0, 255.0])
# The canvas shows pictures in neurons from several views; the plane's are known by this name.
PICTURE_SOURCE = "plane"
CLASSES_TIP = "Blobs or spiral arms: one per class"
# Redraw at most this often while training writes new weights.
REFRESH_MS = 80


# ---------------------------------------------------------------------------------------- the numbers
def plane_points(resolution: int = RESOLUTION) -> Array:
    """Points on a grid over the plane, row by row from the top (X2 = +6) and left (X1 = -6): (n*n, 2)."""
    axis = np.linspace(-EXTENT, EXTENT, resolution)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1)


def input_features(input_labels: list[str]) -> list[str] | None:
    """The feature each input takes from a point: named features, or X1 and X2 for two plain inputs."""
    names = feature_names(input_labels)
    if names is not None:
        return names
    return ["X1", "X2"] if len(input_labels) == 2 else None


def plane_problem(input_labels: list[str]) -> str | None:
    """Why a network with these inputs cannot be drawn over the plane, or None."""
    if input_features(input_labels) is not None:
        return None
    return (
        f"This network has {len(input_labels)} input{'s' if len(input_labels) != 1 else ''}; the plane shows a"
        f" network with two inputs, or with feature inputs (X1, X2, X1^2, sin X1, ...) from the palette."
    )


def forward_over_plane(plan: Plan, input_labels: list[str], points: Array) -> ForwardResult:
    """Every neuron's value at each point (the inputs fed their features)."""
    names = input_features(input_labels)
    if names is None:
        raise ValueError(plane_problem(input_labels))
    inputs = feature_columns(points, names).astype(plan.dtype)
    with np.errstate(all="ignore"):
        return plan.forward(inputs)


def _blend(colour: Array, strength: Array) -> Array:
    """White blended towards ``colour`` (n, 3) by ``strength`` (n,) in 0..1, as bytes."""
    strength = np.clip(np.nan_to_num(strength), 0.0, 1.0)[:, None]
    return (WHITE * (1 - strength) + colour * strength).round().astype(np.uint8)


def diverging_colours(values: Array, middle: float, half_range: float) -> Array:
    """Orange below ``middle``, blue above, white at it; full colour ``half_range`` away. (n, 3) bytes."""
    t = (np.asarray(values, dtype=np.float64) - middle) / max(half_range, 1e-12)
    t = np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=-1.0)
    colour = np.where((t >= 0)[:, None], np.array(CLASS_COLOURS[1]), np.array(CLASS_COLOURS[0]))
    return _blend(colour.astype(np.float64), np.abs(t))


def output_colours(
    outputs: Array, activation: str, discretize: bool, strength: float = BACKGROUND_STRENGTH
) -> Array:
    """The heat map's colour at each point from the network's outputs (n, k); (n, 3) bytes.

    One output: orange below its activation's threshold, blue above (discretized: only the side). Several:
    each class's colour mixed by its share of the answer, paler where the network is unsure (discretized:
    the colour of the largest output).
    """
    outputs = np.nan_to_num(np.asarray(outputs, dtype=np.float64))
    n, k = outputs.shape
    if k == 1:
        act = ACTIVATIONS[activation]
        middle = act.threshold
        low, high = act.low, act.high
        half = (high - low) / 2 if math.isfinite(low) and math.isfinite(high) else 1.0
        values = outputs[:, 0]
        if discretize:
            values = np.where(values >= middle, middle + half, middle - half)
        colours = diverging_colours(values, middle, half).astype(np.float64)
        return _blend_towards(colours, strength)
    palette = np.array([CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in range(k)], dtype=np.float64)
    if discretize:
        return _blend(palette[outputs.argmax(axis=1)], np.full(n, strength))
    act = ACTIVATIONS[activation]
    if act.joint:
        shares = outputs
    else:
        # Each output's height above its lowest value is its say: -1 says nothing for tanh, 0 for sigmoid.
        low = act.low if math.isfinite(act.low) else outputs.min()
        positive = np.clip(outputs - low, 0, None)
        total = positive.sum(axis=1, keepdims=True)
        shares = np.where(total > 0, positive / np.where(total > 0, total, 1.0), 1.0 / k)
    mixed = shares @ palette
    sureness = (shares.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
    return _blend(mixed, sureness * strength)


def _blend_towards(colours: Array, strength: float) -> Array:
    """Colours already blended from white, taken ``strength`` of the way (the rest stays white)."""
    return (WHITE * (1 - strength) + colours * strength).round().astype(np.uint8)


def neuron_colours(values: Array, activation: str = "identity") -> Array:
    """One neuron's values as a picture's colours: orange below the middle of its activation's range (0
    for an unbounded one), blue above, scaled to its own farthest value."""
    act = ACTIVATIONS.get(activation)
    middle = 0.0
    if act is not None and math.isfinite(act.low) and math.isfinite(act.high):
        middle = (act.low + act.high) / 2
    values = np.nan_to_num(np.asarray(values, dtype=np.float64))
    farthest = float(np.abs(values - middle).max(initial=0.0))
    return diverging_colours(values, middle, farthest if farthest > 1e-9 else 1.0)


def to_image(colours: Array, side: int) -> QImage:
    """(side*side, 3) bytes, row by row, as an RGB image that owns its pixels."""
    data = np.ascontiguousarray(colours.reshape(side, side, 3), dtype=np.uint8)
    image = QImage(data.data, side, side, side * 3, QImage.Format.Format_RGB888)
    return image.copy()


def neuron_pictures(
    plan: Plan, fw: ForwardResult, activations: Mapping[str, str], resolution: int, step: int = NEURON_STEP
) -> dict[str, QImage]:
    """Each neuron's heat map over the plane, by id, from a forward pass over :func:`plane_points`;
    ``activations`` names each neuron's activation (where its range is centred)."""
    side = len(range(0, resolution, step))
    pictures: dict[str, QImage] = {}
    for level, values in zip(plan.levels, fw.activations, strict=True):
        grid = values.reshape(resolution, resolution, -1)[::step, ::step]
        for column, nid in enumerate(level.ids):
            colours = neuron_colours(grid[:, :, column].ravel(), activations.get(nid, "identity"))
            pictures[nid] = to_image(colours, side)
    return pictures


# ------------------------------------------------------------------------------------------- the map
class HeatMap(QWidget):
    """The plane's picture: the heat map, the points on top, the axes' ends. Click a point to show it."""

    pointClicked = Signal(int, bool)  # index into the training (True) or test points

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planeHeatMap")
        self.setAccessibleName("Heat map of the network's answer over the plane")
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.train: Dataset | None = None
        self.test: Dataset | None = None
        self.show_test = False

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def square(self) -> QRectF:
        """Where the plane is drawn, in widget pixels: the largest square that fits, with room for labels."""
        margin = 18.0
        side = max(10.0, min(self.width(), self.height()) - 2 * margin)
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_widget(self, points: Array) -> Array:
        """Plane coordinates (n, 2) as widget pixels (n, 2)."""
        square = self.square()
        x = square.left() + (points[:, 0] + EXTENT) / (2 * EXTENT) * square.width()
        y = square.top() + (EXTENT - points[:, 1]) / (2 * EXTENT) * square.height()
        return np.stack([x, y], axis=1)

    def point_colours(self, data: Dataset) -> Array:
        if data.n_outputs == 1 and (data.classes < 0).all():
            return diverging_colours(data.targets[:, 0], 0.0, 1.0)
        palette = np.array(CLASS_COLOURS, dtype=np.uint8)
        return palette[np.clip(data.classes, 0, None) % len(CLASS_COLOURS)]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        square = self.square()
        if self.image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(square, self.image)
        else:
            painter.fillRect(square, QColor(245, 245, 245))
        painter.setPen(QPen(QColor(120, 120, 120), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(square)
        sets = [(self.train, QColor(255, 255, 255))]
        if self.show_test:
            sets.append((self.test, QColor(20, 20, 20)))
        radius = max(2.5, square.width() / 110)
        for data, rim in sets:
            if data is None or len(data) == 0:
                continue
            at = self.to_widget(data.inputs)
            colours = self.point_colours(data)
            painter.setPen(QPen(rim, 1.2))
            for (x, y), (r, g, b) in zip(at.tolist(), colours.tolist(), strict=True):
                painter.setBrush(QColor(r, g, b))
                painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.setPen(QColor(60, 60, 60))
        low, high = f"{-EXTENT:g}", f"{EXTENT:g}"
        painter.drawText(QRectF(square.left(), square.bottom() + 1, 30, 16), low)
        painter.drawText(
            QRectF(square.right() - 30, square.bottom() + 1, 30, 16), Qt.AlignmentFlag.AlignRight, high
        )
        painter.drawText(
            QRectF(square.left(), square.bottom() + 1, square.width(), 16),
            Qt.AlignmentFlag.AlignHCenter,
            "X1",
        )
        painter.drawText(
            QRectF(square.left() - 18, square.top() - 1, 18, 16), Qt.AlignmentFlag.AlignRight, high
        )
        painter.drawText(
            QRectF(square.left() - 18, square.center().y() - 8, 18, 16), Qt.AlignmentFlag.AlignRight, "X2"
        )
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        where = np.array([event.position().x(), event.position().y()])
        best: tuple[float, int, bool] | None = None
        for data, is_train in ((self.train, True), (self.test if self.show_test else None, False)):
            if data is None or len(data) == 0:
                continue
            distance = np.hypot(*(self.to_widget(data.inputs) - where).T)
            index = int(distance.argmin())
            if best is None or distance[index] < best[0]:
                best = (float(distance[index]), index, is_train)
        if best is not None and best[0] <= 8:
            self.pointClicked.emit(best[1], best[2])


# ---------------------------------------------------------------------------------------- the window
class PlaneWindow(QWidget):
    """The input plane and the choice of points, following one document (see the module's description).

    ``show_pictures`` puts each neuron's heat map into the canvas (None takes them away).
    """

    def __init__(
        self, show_pictures: Callable[[Mapping[str, QImage] | None], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("planeWindow")
        self.setAccessibleName("Input Plane")
        self.setWindowTitle("Input Plane")
        self._show_pictures = show_pictures
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self.recipe = PointRecipe("circle")
        self.train: Dataset | None = None
        self.test: Dataset | None = None
        self.pictures: dict[str, QImage] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

        self.heat_map = HeatMap(self)
        self.heat_map.pointClicked.connect(self._show_point)
        self.problem = QLabel(self)
        self.problem.setObjectName("planeProblem")
        self.problem.setWordWrap(True)
        # At the top of an otherwise empty window when the network does not fit the plane.
        self.problem.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.problem.hide()

        self.kind = QComboBox(self)
        self._name(self.kind, "planeProblemChoice", "Points in the plane")
        for name, kind in POINT_KINDS.items():
            what = "regression" if kind.regression else "classification"
            self.kind.addItem(f"{kind.title} ({what})", name)
            self.kind.setItemData(self.kind.count() - 1, kind.description, Qt.ItemDataRole.ToolTipRole)
        self.classes = QSpinBox(self)
        self._name(self.classes, "planeClasses", "Number of classes")
        self.classes.setToolTip(CLASSES_TIP)
        self.noise = self._slider("planeNoise", "Noise", 0, 50, "Noise in percent: how far points stray")
        self.ratio = self._slider(
            "planeRatio", "Share of training data", 10, 90, "Percent of the points used for training"
        )
        self.ratio.setSingleStep(10)
        self.ratio.setPageStep(10)
        self.noise_value = QLabel(self)
        self.ratio_value = QLabel(self)
        self.regenerate = QPushButton("Regenerate", self)
        self._name(self.regenerate, "planeRegenerate", "Regenerate the points with a new seed")
        self.regenerate.setToolTip("New points from the next seed")
        self.seed = QLabel(self)
        self.seed.setObjectName("planeSeed")
        self.show_test = QCheckBox("Show test data", self)
        self._name(self.show_test, "planeShowTest", "Show test data")
        self.discretize = QCheckBox("Discretize output", self)
        self._name(self.discretize, "planeDiscretize", "Discretize output")
        self.discretize.setToolTip("Show only the answer at each point, not how sure the network is")
        self.summary = QLabel(self)
        self.summary.setObjectName("planeSummary")
        self.summary.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setObjectName("planeLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)

        form = self._form = QFormLayout()
        form.addRow("Problem", self.kind)
        form.addRow("Classes", self.classes)
        form.addRow("Noise", self._with_value(self.noise, self.noise_value))
        form.addRow("Training data", self._with_value(self.ratio, self.ratio_value))
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.regenerate)
        seed_row.addWidget(self.seed, 1)
        form.addRow(seed_row)
        form.addRow(self.show_test)
        form.addRow(self.discretize)
        controls = QVBoxLayout()
        controls.addLayout(form)
        controls.addWidget(self.legend)
        controls.addWidget(self.summary)
        controls.addStretch(1)
        side = QWidget(self)
        side.setLayout(controls)
        side.setMaximumWidth(300)
        self._side = side
        # Side by side in a wide window, the controls above the map in a narrow one (beside the canvas).
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addWidget(side)
        self.body.addWidget(self.heat_map, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addLayout(self.body, 1)

        self._idle_tips = {
            w: w.toolTip() for w in (self.kind, self.classes, self.noise, self.ratio, self.regenerate)
        }
        self._show_recipe()
        self.kind.currentIndexChanged.connect(self._on_controls)
        self.classes.valueChanged.connect(self._on_controls)
        self.noise.valueChanged.connect(self._on_controls)
        self.ratio.valueChanged.connect(self._on_controls)
        self.regenerate.clicked.connect(self._on_regenerate)
        self.show_test.toggled.connect(self._on_show_test)
        self.discretize.toggled.connect(lambda _on: self.refresh())
        self.resize(420, 640)

    # ------------------------------------------------------------------ building
    @staticmethod
    def _name(widget: QWidget, name: str, accessible: str) -> None:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)

    def _slider(self, name: str, accessible: str, low: int, high: int, tip: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal, self)
        self._name(slider, name, accessible)
        slider.setRange(low, high)
        slider.setToolTip(tip)
        return slider

    def _with_value(self, slider: QSlider, value: QLabel) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(slider, 1)
        value.setMinimumWidth(36)
        row.addWidget(value)
        return box

    # ------------------------------------------------------------------ following a document
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack | None = None) -> None:
        """Follow ``live``'s document: its training data (when points) and its network's answers. New
        points become the document's training data as one step on ``undo_stack`` (when given)."""
        self.detach()
        self.live = live
        self.undo_stack = undo_stack
        live.valuesChanged.connect(self.schedule_refresh)
        live.planChanged.connect(self.schedule_refresh)
        live.lockedChanged.connect(self._on_locked)
        live.document.events.properties.connect(self._follow_training_data)
        self._read_training_data()
        self._on_locked(live.locked)
        self._make_points(announce=False)
        self.refresh()

    def _read_training_data(self) -> None:
        spec = self.live.document.training_data if self.live is not None else None
        if spec and is_point_spec(spec):
            # A malformed name keeps the points shown; the training panel says what is wrong with it.
            with contextlib.suppress(DataError):
                self.recipe = parse_point_spec(spec).with_half(None)
        self._show_recipe()

    def _follow_training_data(self) -> None:
        """The document names other training data (an undo, the training panel): show those points."""
        live = self.live
        if live is None or live.document.training_data == self.recipe.with_half("train").name:
            return
        self._read_training_data()
        self._make_points(announce=False)
        self.refresh()

    def detach(self) -> None:
        if self.live is not None:
            self.live.valuesChanged.disconnect(self.schedule_refresh)
            self.live.planChanged.disconnect(self.schedule_refresh)
            self.live.lockedChanged.disconnect(self._on_locked)
            self.live.document.events.properties.disconnect(self._follow_training_data)
            self.live = None
        self._show_pictures(None)
        self.pictures = {}

    def _on_locked(self, locked: bool) -> None:
        """While the network trains its points stay as they are: new ones would not be what it learns from."""
        why = "Training is running: the points change when it stops." if locked else ""
        for widget in (self.kind, self.classes, self.noise, self.ratio, self.regenerate):
            widget.setEnabled(not locked and (widget is not self.classes or self._classes_choosable()))
            widget.setToolTip(why or self._idle_tips[widget])

    def _classes_choosable(self) -> bool:
        low, high = POINT_KINDS[self.recipe.kind].classes
        return high > low

    def schedule_refresh(self) -> None:
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    # ------------------------------------------------------------------ the points
    def _show_recipe(self) -> None:
        recipe = self.recipe
        kind = POINT_KINDS[recipe.kind]
        for widget in (self.kind, self.classes, self.noise, self.ratio):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(recipe.kind))
        low, high = kind.classes
        self.classes.setRange(low, high)
        self.classes.setValue(recipe.classes if not kind.regression else 1)
        self.classes.setEnabled(high > low)
        # A greyed box says why it cannot change, rather than looking broken.
        tip = CLASSES_TIP if high > low else f"{kind.title} always has {low} classes"
        self._idle_tips[self.classes] = tip
        self.classes.setToolTip(tip)
        # A regression problem has values, not classes: the row goes rather than showing a greyed "1".
        self._form.setRowVisible(self.classes, not kind.regression)
        self.noise.setValue(round(recipe.noise * 100))
        self.ratio.setValue(round(recipe.ratio * 100))
        for widget in (self.kind, self.classes, self.noise, self.ratio):
            widget.blockSignals(False)
        self.noise_value.setText(f"{self.noise.value()}%")
        self.ratio_value.setText(f"{self.ratio.value()}%")
        self.seed.setText(f"Seed {recipe.seed}")

    def _on_controls(self) -> None:
        kind_name = str(self.kind.currentData())
        kind = POINT_KINDS[kind_name]
        low, high = kind.classes
        classes = min(max(self.classes.value(), low), high) if not kind.regression else 2
        self.recipe = PointRecipe(
            kind_name,
            points=self.recipe.points,
            noise=self.noise.value() / 100,
            seed=self.recipe.seed,
            ratio=self.ratio.value() / 100,
            classes=classes,
        )
        self._show_recipe()
        self._make_points()
        self.refresh()

    def _on_regenerate(self) -> None:
        self.recipe = PointRecipe(
            self.recipe.kind,
            points=self.recipe.points,
            noise=self.recipe.noise,
            seed=(self.recipe.seed + 1) % 2**32,
            ratio=self.recipe.ratio,
            classes=self.recipe.classes,
        )
        self._show_recipe()
        self._make_points()
        self.refresh()

    def _on_show_test(self, on: bool) -> None:
        self.heat_map.show_test = on
        self.heat_map.update()

    def _make_points(self, announce: bool = True) -> None:
        """Draw the recipe's points; with ``announce`` they become the document's training data."""
        self.train = make_points(self.recipe.with_half("train"))
        self.test = make_points(self.recipe.with_half("test"))
        self.heat_map.train, self.heat_map.test = self.train, self.test
        live = self.live
        if announce and live is not None and not live.locked:
            document = live.document
            spec = self.recipe.with_half("train").name
            if document.training_data != spec:
                if self.undo_stack is not None:
                    self.undo_stack.push(SetTrainingData(document, spec, "New points in the plane"))
                else:
                    document.training_data = spec
                    document.events.properties.emit()
                self._select_in_training_panel(spec)
        self.heat_map.update()

    def _select_in_training_panel(self, spec: str) -> None:
        """Let a training panel that can choose a dataset by name choose this one."""
        window = self.parent()
        finder = getattr(window, "panel_widget", None)
        if finder is None:
            return
        try:
            panel = finder("trainingDock")
        except KeyError:
            return
        select = getattr(panel, "select_dataset", None)
        if callable(select):
            select(spec)

    def _show_point(self, index: int, is_train: bool) -> None:
        """Feed one point to the network, so the canvas shows it flowing through."""
        data = self.train if is_train else self.test
        live = self.live
        if data is None or live is None or live.plan is None:
            return
        network = live.document.network
        fitted = fit_to_network(
            data, [network.neurons[n].label for n in live.plan.input_ids], live.plan.n_outputs
        )
        truth = fitted.targets[index] if fitted.n_outputs == live.plan.n_outputs else None
        live.show_sample(fitted.inputs[index], truth)

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        """Run the network over the plane again and redraw the map and the neurons' pictures."""
        live = self.live
        plan = None if live is None else live.plan
        if live is None or plan is None:
            self._say(live.problem if live is not None and live.problem else "There is no network to draw.")
            return
        network = live.document.network
        labels = [network.neurons[nid].label for nid in plan.input_ids]
        problem = plane_problem(labels)
        if problem is not None:
            self._say(problem)
            return
        self._side.show()
        self.heat_map.show()
        points = plane_points(RESOLUTION)
        fw = forward_over_plane(plan, labels, points)
        activation = network.neurons[plan.output_ids[0]].activation
        colours = output_colours(fw.output, activation, self.discretize.isChecked())
        self.heat_map.image = to_image(colours, RESOLUTION)
        self.problem.hide()
        activations = {nid: neuron.activation for nid, neuron in network.neurons.items()}
        self.pictures = neuron_pictures(plan, fw, activations, RESOLUTION)
        if self.isVisible():
            self._show_pictures(self.pictures)
        self.summary.setText(self._summary(plan, labels))
        self.legend.setText(self._legend(plan.n_outputs))
        self.heat_map.update()

    def _summary(self, plan: Plan, labels: list[str]) -> str:
        """The points' numbers, and how the network does on them when it fits them."""
        train, test = self.train, self.test
        if train is None or test is None:
            return ""
        text = f"{len(train)} training and {len(test)} test points."
        fitted_train = fit_to_network(train, labels, plan.n_outputs)
        fitted_test = fit_to_network(test, labels, plan.n_outputs)
        if fitted_train.n_inputs != plan.n_inputs or fitted_train.n_outputs != plan.n_outputs:
            return (
                f"{text} These points have {train.n_outputs} answer{'s' if train.n_outputs != 1 else ''}"
                f" ({', '.join(train.labels)}) but the network has {plan.n_outputs}"
                f" output{'s' if plan.n_outputs != 1 else ''}."
            )
        loss = LOSSES[self.live.document.training.loss] if self.live is not None else LOSSES["squared"]
        with np.errstate(all="ignore"):
            train_loss, train_acc, _ = evaluate(plan, fitted_train.inputs, fitted_train.targets, loss)
            test_loss, test_acc, _ = evaluate(plan, fitted_test.inputs, fitted_test.targets, loss)
        if POINT_KINDS[self.recipe.kind].regression or train_acc is None or test_acc is None:
            return f"{text} Error: training {train_loss:.3f}, test {test_loss:.3f}."
        return f"{text} Right: {train_acc:.0%} of training, {test_acc:.0%} of test points."

    def _legend(self, n_outputs: int) -> str:
        """What each colour means, for these points and this many outputs."""
        train = self.train
        if train is None:
            return ""

        def swatch(c: int) -> str:
            r, g, b = CLASS_COLOURS[c % len(CLASS_COLOURS)]
            return f'<span style="color:#{r:02x}{g:02x}{b:02x}">&#9632;</span>'

        if POINT_KINDS[self.recipe.kind].regression:
            return f"{swatch(0)} low (-1) &nbsp; {swatch(1)} high (+1): the value at each point"
        if n_outputs == 1 and len(train.labels) == 2:
            return f"{swatch(0)} {train.labels[0]} &nbsp; {swatch(1)} {train.labels[1]} (the output says yes)"
        return " &nbsp; ".join(f"{swatch(c)} {label}" for c, label in enumerate(train.labels))

    def _say(self, text: str) -> None:
        """Only ``text`` where the plane would be: points and controls that have nothing to do with this
        network would only puzzle (a circle of points beside a four-pixel camera)."""
        self.problem.setText(text[:1].upper() + text[1:])
        self.problem.show()
        self._side.hide()
        self.heat_map.hide()
        self.heat_map.image = None
        self.pictures = {}
        self._show_pictures(None)
        self.heat_map.update()

    def resizeEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        super().resizeEvent(event)
        wide = self.width() > self.height() * 1.25
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.body.direction() != direction:
            self.body.setDirection(direction)
            self._side.setMaximumWidth(300 if wide else 16_777_215)

    def place_beside(self, window: QWidget) -> None:
        """Open along the right edge of ``window``, over its side panels rather than its canvas."""
        frame = window.geometry()
        height = min(760, max(420, frame.height() - 80))
        self.resize(round(min(520, max(340, frame.width() * 0.28))), height)
        self.move(frame.right() - self.width() - 8, frame.top() + 40)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        super().showEvent(event)
        self.refresh()

    def hideEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        super().hideEvent(event)
        self._show_pictures(None)


PLANE_TIP = "The network's answer over the plane of two inputs, with the points it learns from"


def install_plane(window: MainWindow) -> None:
    """Add the input plane to the window's Tools menu; it follows the window's document."""
    from nnstudio.ui.kernel_lab import add_tool

    opened: dict[str, PlaneWindow] = {}

    def open_plane() -> None:
        plane = opened.get("plane")
        if plane is None:
            canvas = window.canvas
            plane = opened["plane"] = PlaneWindow(
                lambda pictures: canvas.set_neuron_pictures(pictures, PICTURE_SOURCE), window
            )
            plane.place_beside(window)
            window.documentReplaced.connect(
                lambda: plane.bind(window.live, window.undo_stack) if window.live is not None else None
            )
        if window.live is not None:
            plane.bind(window.live, window.undo_stack)
        plane.show()
        plane.raise_()

    action = add_tool(window, "inputPlaneAction", "&Input Plane...", open_plane, PLANE_TIP)
    # A greyed entry says why when pointed at: the Tools menu shows its entries' tips.
    window.tools_menu.setToolTipsVisible(True)
    followed: dict[str, LiveNetwork] = {}

    def follow_network() -> None:
        """Grey the entry, saying why, while the open network has no two inputs to put on the plane."""
        live = window.live
        if live is not followed.get("live"):
            old = followed.pop("live", None)
            if old is not None:
                old.planChanged.disconnect(follow_network)
            if live is not None:
                followed["live"] = live
                live.planChanged.connect(follow_network)
        fits = True
        tip = PLANE_TIP
        if live is not None and live.plan is not None:
            network = live.document.network
            labels = [network.neurons[nid].label for nid in live.plan.input_ids]
            fits = plane_problem(labels) is None
            if not fits:
                tip = (
                    f"Greyed: this network has {len(labels)} input{'s' if len(labels) != 1 else ''}; the plane"
                    " needs two inputs (X1, X2) or feature inputs"
                )
        action.setEnabled(fits)
        action.setToolTip(tip)
        action.setStatusTip(tip)

    window.documentReplaced.connect(follow_network)
    follow_network()
