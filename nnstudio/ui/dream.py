"""Dream: change a picture, step by step, until a chosen neuron fires as strongly as it can.

Pick an output or a hidden neuron, start from the pad's picture or from noise, and press Dream: each
step nudges every pixel uphill along the neuron's slope (:mod:`nnstudio.engine.imagine`), shown as it
happens. Blur and Smooth keep the dream looking like a picture rather than speckle. Beside it, the real
pictures of the training set that excite the same neuron most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.imagine import (
    DreamSettings,
    activation,
    dream_steps,
    map_target,
    noise_picture,
    parse_map_target,
)
from nnstudio.ui.kernel_lab import ImageGrid, gray_colour, named
from nnstudio.ui.picture_tool import PictureToolWindow
from nnstudio.ui.samples import NO_CLASS, class_name
from nnstudio.ui.widgets.tool_window import BESIDE_PAD_SHARE, close_with_keys, place_over_right_column

if TYPE_CHECKING:
    from nnstudio.ui.live import LiveNetwork
    from nnstudio.ui.main_window import MainWindow

Array = np.ndarray

DREAM_INTERVAL_MS = 30
STRONGEST_SHOWN = 6
# Samples looked through for the ones exciting the neuron most (enough to find good ones, quick to run).
SAMPLES_SEARCHED = 2000


def neuron_choices(live: LiveNetwork) -> list[tuple[str, str]]:
    """(text, neuron id) for every output, then every hidden neuron by layer."""
    plan = live.plan
    if plan is None:
        return []
    neurons = live.document.network.neurons
    choices = [(f"Output \u201c{neurons[nid].display_name}\u201d", nid) for nid in plan.output_ids]
    # A convolutional layer offers its whole feature maps rather than each of its thousands of neurons.
    shaped = set()
    for conv in getattr(plan, "convs", []):
        shaped.add(conv.target)
        for channel in range(conv.out_shape[0]):
            choices.append((f"Feature map {channel + 1} of {conv.layer}", map_target(conv.layer, channel)))
    for depth, level in enumerate(plan.levels[1:-1], start=1):
        if depth in shaped:
            continue
        for nid in level.ids:
            choices.append((f"Hidden (layer {depth}) {neurons[nid].display_name}", nid))
    return choices


def gray_in(value_range: tuple[float, float]) -> Callable[[float], QColor]:
    """Grey for a pixel in the network's own values: the bottom of ``value_range`` black, the top white. The
    pictures keep those values, so the numbers written in them read as on the pad (-1 and +1, or 0 and 1)."""
    low, high = value_range
    span = high - low if high > low else 1.0
    return lambda value: gray_colour((value - low) / span)


def samples_for(live: LiveNetwork) -> tuple[Array, list[str]] | None:
    """Pictures to search for the strongest: the document's training data when it is built in, else its
    own samples; with a name for each."""
    doc = live.document
    if doc.training_data:
        from nnstudio.data import BUILTIN_DATASETS, load_dataset

        if doc.training_data in BUILTIN_DATASETS:
            data = load_dataset(doc.training_data)
            if data.n_inputs == live.n_inputs:
                names = [class_name(data.labels, int(c)) for c in data.classes[:SAMPLES_SEARCHED]]
                return data.inputs[:SAMPLES_SEARCHED], names
    if doc.dataset is not None and len(doc.dataset) and doc.dataset.n_inputs == live.n_inputs:
        data = doc.dataset
        return data.inputs[:SAMPLES_SEARCHED], [
            class_name(data.labels, int(c)) for c in data.classes[:SAMPLES_SEARCHED]
        ]
    return None


class DreamWindow(PictureToolWindow):
    """The Dream window (see the module's description) for the window's live network."""

    def __init__(
        self, live: Callable[[], LiveNetwork], pad_values: Callable[[], Array], parent: QWidget | None = None
    ):
        super().__init__(live, "dreamWindow", "Dream", parent)
        close_with_keys(self)
        self._pad_values = pad_values
        self._step: Callable[[], tuple[Array, float]] | None = None
        self.steps_taken = 0
        self.picture: Array | None = None
        self.before = 0.0
        self.value = 0.0
        self._strongest_cache: dict[str, tuple[Array, Array]] = {}
        self._samples_forward: tuple[object, object] | None = None

        self.neuron_combo = QComboBox()
        named(self.neuron_combo, "dreamNeuron", "Neuron to dream of")
        self.from_pad = QRadioButton("From the pad's picture")
        named(self.from_pad, "dreamFromPad", "Start from the pad's picture")
        self.from_noise = QRadioButton("From noise")
        named(self.from_noise, "dreamFromNoise", "Start from noise")
        self.from_noise.setChecked(True)
        # Where each dream from noise gets its noise: a new picture every time Dream is pressed.
        self.noise_seeds = np.random.default_rng()
        self.blur_box = QCheckBox("Blur now and then")
        self.blur_box.setChecked(True)
        named(self.blur_box, "dreamBlur", "Blur", "A slight blur every few steps keeps speckle away")
        self.smooth_box = QCheckBox("Keep neighbours alike")
        self.smooth_box.setChecked(True)
        named(
            self.smooth_box, "dreamSmooth", "Smoothness", "Total variation: pull neighbouring pixels together"
        )
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 1000)
        self.steps_spin.setValue(60)
        named(self.steps_spin, "dreamSteps", "Steps")
        self.dream_button = QPushButton("Dream")
        self.dream_button.setCheckable(True)
        named(
            self.dream_button, "dreamStart", "Dream", "Start nudging the picture uphill; press again to stop"
        )
        self.pad_button = QPushButton("Put it on the pad")
        named(
            self.pad_button,
            "dreamToPad",
            "Put the dream on the pad",
            "Feed the dreamed picture to the network",
        )
        self.pad_button.setEnabled(False)

        self.view = ImageGrid(gray_colour)
        named(self.view, "dreamPicture", "The dreamed picture")
        self.value_label = QLabel("Choose a neuron and press Dream.")
        self.value_label.setWordWrap(True)
        named(self.value_label, "dreamValue", "The neuron's value")
        self.strongest_title = QLabel("The real pictures that excite it most")
        self.strongest_views: list[tuple[ImageGrid, QLabel]] = []
        strongest = QGridLayout()
        for k in range(STRONGEST_SHOWN):
            view = ImageGrid(gray_colour)
            named(view, f"dreamStrongest{k}", f"Strongest picture {k + 1}")
            caption = QLabel()
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            named(caption, f"dreamStrongestCaption{k}", f"Strongest picture {k + 1}: class and value")
            strongest.addWidget(view, 2 * (k // 3), k % 3, Qt.AlignmentFlag.AlignCenter)
            strongest.addWidget(caption, 2 * (k // 3) + 1, k % 3)
            self.strongest_views.append((view, caption))

        controls = QGridLayout()
        controls.addWidget(QLabel("Neuron"), 0, 0)
        controls.addWidget(self.neuron_combo, 0, 1, 1, 3)
        controls.addWidget(self.from_noise, 1, 0, 1, 2)
        controls.addWidget(self.from_pad, 1, 2, 1, 2)
        controls.addWidget(self.blur_box, 2, 0, 1, 2)
        controls.addWidget(self.smooth_box, 2, 2, 1, 2)
        controls.addWidget(QLabel("Steps"), 3, 0)
        controls.addWidget(self.steps_spin, 3, 1)
        controls.addWidget(self.dream_button, 3, 2)
        controls.addWidget(self.pad_button, 3, 3)

        left = QVBoxLayout()
        left.addLayout(controls)
        left.addWidget(QLabel("The dream"))
        left.addWidget(self.view, 0, Qt.AlignmentFlag.AlignCenter)
        left.addWidget(self.value_label)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.strongest_title)
        right.addLayout(strongest)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self.timer = QTimer(self)
        self.timer.setInterval(DREAM_INTERVAL_MS)
        self.timer.timeout.connect(self.advance)
        self.dream_button.toggled.connect(self._toggled)
        self.neuron_combo.currentIndexChanged.connect(self._neuron_chosen)
        self.pad_button.clicked.connect(self._to_pad)
        self.refresh()
        self.resize(760, 520)

    def refresh(self) -> None:
        """List the neurons of the network now open (after a document was opened or the network changed)."""
        self.stop()
        current = self.neuron_combo.currentData()
        self.neuron_combo.blockSignals(True)
        self.neuron_combo.clear()
        for text, nid in neuron_choices(self.live):
            self.neuron_combo.addItem(text, nid)
        index = self.neuron_combo.findData(current)
        self.neuron_combo.setCurrentIndex(max(0, index))
        self.neuron_combo.blockSignals(False)
        self._strongest_cache.clear()
        self._samples_forward = None
        runnable = self.live.plan is not None and self.grid() is not None
        self.dream_button.setEnabled(runnable)
        if self.live.plan is None:
            self.value_label.setText("The network cannot run yet: nothing to dream with.")
        elif self.grid() is None:
            self.value_label.setText("This network has no picture for its inputs: there is nothing to dream.")
        else:
            self.value_label.setText("Choose a neuron and press Dream.")
        grid = self.grid()
        if self.picture is None and grid is not None:
            self.view.set_cell(max(4, 280 // max(grid)))
            self.view.set_placeholder("The dream shows here: press Dream", (grid[1], grid[0]))
        self._neuron_chosen()

    @property
    def neuron_id(self) -> str | None:
        return self.neuron_combo.currentData()

    # ------------------------------------------------------------------ dreaming
    def start_picture(self) -> Array:
        n = self.live.n_inputs
        if self.from_pad.isChecked():
            values = np.asarray(self._pad_values(), dtype=np.float64)
            if values.size == n:
                return values
        return noise_picture(n, self.value_range(), seed=int(self.noise_seeds.integers(1 << 30)))

    def start(self) -> None:
        nid, grid, plan = self.neuron_id, self.grid(), self.live.plan
        if nid is None or grid is None or plan is None:
            self.dream_button.setChecked(False)
            return
        start = self.start_picture()
        settings = DreamSettings(
            steps=self.steps_spin.value(),
            blur_every=DreamSettings.blur_every if self.blur_box.isChecked() else 0,
            total_variation=DreamSettings.total_variation if self.smooth_box.isChecked() else 0.0,
        )
        self._step = dream_steps(plan, start, nid, self.value_range(), grid, settings)
        self.picture = np.clip(start, *self.value_range())
        self.before = self.value = float(activation(plan, self.picture, nid)[0])
        self.steps_taken = 0
        self._show()
        self.timer.start()

    def advance(self) -> None:
        """One step of the dream (the timer's tick)."""
        if self._step is None:
            return
        self.picture, self.value = self._step()
        self.steps_taken += 1
        self._show()
        if self.steps_taken >= self.steps_spin.value():
            self.dream_button.setChecked(False)

    def stop(self) -> None:
        self.timer.stop()
        if self.dream_button.isChecked():
            self.dream_button.blockSignals(True)
            self.dream_button.setChecked(False)
            self.dream_button.blockSignals(False)
        self.dream_button.setText("Dream")

    def _toggled(self, on: bool) -> None:
        if on:
            self.dream_button.setText("Stop")
            self.start()
        else:
            self.stop()

    def _show(self) -> None:
        grid = self.grid()
        if self.picture is None or grid is None:
            return
        self.view.colour = gray_in(self.value_range())
        self.view.set_values(self.picture.reshape(grid[1], grid[0]))
        self.view.set_cell(max(4, 280 // max(grid)))
        name = self.neuron_combo.currentText()
        text = f"{name}: {self.before:.3g} at the start, {self.value:.3g} after {self.steps_taken} steps."
        if self.steps_taken >= self.steps_spin.value() and self.before == 0 and self.value == 0:
            text += (
                " It never fired: no picture tried woke it (a ReLU whose weights cannot outweigh its"
                " bias for any picture in the input range never does)."
            )
        self.value_label.setText(text)
        self.pad_button.setEnabled(True)

    def _to_pad(self) -> None:
        if self.picture is None:
            return
        parent = self.parentWidget()
        pad = parent.panel_widget("padDock") if hasattr(parent, "panel_widget") else None  # type: ignore[union-attr]
        if pad is not None:
            pad.set_pad_values(self.picture)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ the strongest real pictures
    def _neuron_chosen(self) -> None:
        nid, grid, plan = self.neuron_id, self.grid(), self.live.plan
        for view, caption in self.strongest_views:
            view.setVisible(False)
            caption.setText("")
        if nid is None or grid is None or plan is None:
            self.strongest_title.setText("")
            return
        found = samples_for(self.live)
        if found is None:
            self.strongest_title.setText("No training pictures to compare with.")
            return
        inputs, names = found
        if nid not in self._strongest_cache:
            values = self._sample_values(plan, inputs, nid)
            order = np.argsort(-values, kind="stable")[:STRONGEST_SHOWN]
            self._strongest_cache[nid] = (order, values[order])
        rows, values = self._strongest_cache[nid]
        self.strongest_title.setText(
            f"The {len(rows)} real pictures (of {len(inputs):,}) that excite it most"
        )
        cell = max(2, 84 // max(grid))
        colour = gray_in(self.value_range())
        for (view, caption), row, value in zip(self.strongest_views, rows, values, strict=False):
            view.colour = colour
            view.set_values(np.asarray(inputs[row], dtype=np.float64).reshape(grid[1], grid[0]))
            view.set_cell(cell)
            view.setVisible(True)
            # "none" would read as an output of that name: a picture of no class says so in words.
            caption.setText(f"{'no class' if names[row] == NO_CLASS else names[row]}: {value:.3g}")
            caption.setToolTip(
                f"A picture of no class in the training set ({NO_CLASS} of the classes); the neuron gives"
                f" {value:.3g} for it"
                if names[row] == NO_CLASS
                else f"A picture of {names[row]} from the training set; the neuron gives {value:.3g} for it"
            )

    def _sample_values(self, plan: object, inputs: Array, nid: str) -> Array:
        """Every sample's value of the neuron (or map): the samples go forward once per network, and
        choosing another neuron then only reads their values."""
        if self._samples_forward is None or self._samples_forward[0] is not plan:
            self._samples_forward = (plan, plan.forward(inputs))  # type: ignore[attr-defined]
        fw = self._samples_forward[1]
        whole_map = parse_map_target(plan, nid)  # type: ignore[arg-type]
        if whole_map is not None:
            conv = plan.convolution(whole_map[0])  # type: ignore[attr-defined]
            maps = np.asarray(fw.activations[conv.target], dtype=np.float64)
            return maps.reshape(len(inputs), conv.out_shape[0], -1)[:, whole_map[1]].mean(axis=1)
        level, index = plan.position[nid]  # type: ignore[attr-defined]
        return np.asarray(fw.activations[level][:, index], dtype=np.float64)

    def closeEvent(self, event: object) -> None:
        self.stop()
        super().closeEvent(event)  # type: ignore[arg-type]


def open_dream(window: MainWindow, opened: dict[str, QWidget]) -> DreamWindow:
    """Show the window's Dream window, made on first use and following each document the window opens."""
    dream = opened.get("dream")
    if not isinstance(dream, DreamWindow):

        def pad_values() -> Array:
            try:
                return window.panel_widget("padDock").pad_values()  # type: ignore[attr-defined]
            except KeyError:
                return np.zeros(0)

        dream = DreamWindow(lambda: window.live, pad_values, window)  # type: ignore[arg-type, return-value]
        opened["dream"] = dream
        # Over the main window's right side: the pad, whose picture it can start from, stays in view.
        place_over_right_column(dream, window, dream.width(), dream.height(), share=BESIDE_PAD_SHARE)
        window.documentReplaced.connect(dream.refresh)
        window.documentReplaced.connect(lambda: window.live.planChanged.connect(dream.refresh))  # type: ignore[union-attr]
        window.live.planChanged.connect(dream.refresh)  # type: ignore[union-attr]
    else:
        dream.refresh()
    dream.show()
    dream.raise_()
    return dream
