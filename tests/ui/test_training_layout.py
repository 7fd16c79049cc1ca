"""The Training panel in a dock of the window's size: buttons in view, the plot shown while training runs."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.train import EpochEnd, TrainSettings
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.plot import EMPTY_KEY, ErrorPlot
from nnstudio.ui.training import TrainingPanel

LABELS = ["solid", "vertical", "diagonal", "horizontal"]


def four_pixel_document() -> Document:
    rng = np.random.default_rng(4)
    inputs = [Neuron(f"p{k}", Role.INPUT) for k in range(4)]
    middle = [Neuron(f"h{k}", Role.HIDDEN, "tanh") for k in range(6)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, "tanh", label=label) for k, label in enumerate(LABELS)]
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-1, 1)))
        for layer_a, layer_b in ((inputs, middle), (middle, outputs))
        for a in layer_a
        for b in layer_b
    ]
    settings = TrainSettings(epochs=30, learning_rate=0.05, batch_size=4, momentum=0.5, seed=3)
    return Document(
        Network.from_parts(inputs + middle + outputs, edges),
        grid=(2, 2),
        training=settings,
        training_data="four-pixel",
    )


@pytest.fixture
def docked_panel(qtbot):
    live = LiveNetwork(four_pixel_document())
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    panel.resize(300, 530)  # its dock at 1024x700 (the smallest screen), less its title and tab bar
    panel.show()
    qtbot.waitExposed(panel)
    yield live, panel
    panel.shutdown()
    live.detach()


def inside(widget: QWidget, panel: QWidget) -> bool:
    rect = QRect(widget.mapTo(panel, widget.rect().topLeft()), widget.size())
    return panel.rect().contains(rect)


def test_everything_fits_and_the_settings_show_first(docked_panel):
    live, panel = docked_panel
    assert panel.minimumSizeHint().height() <= 530 and panel.minimumSizeHint().width() <= 300
    for widget in (
        panel.dataset_combo,
        panel.train_button,
        panel.pause_button,
        panel.stop_button,
        panel.step_button,
        panel.randomize_button,
        panel.progress_bar,
        panel.tabs,
    ):
        assert widget.isVisible() and inside(widget, panel), widget.objectName()
    assert panel.tabs.currentWidget() is not panel.plot_page
    assert panel.learning_rate.isVisible()
    assert not panel.status.isVisible()  # nothing to say yet, so it takes no room


def test_training_shows_the_plot_with_room_to_read_it(docked_panel, qtbot):
    live, panel = docked_panel
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert panel.tabs.currentWidget() is panel.plot_page
    plot = panel.plot
    assert plot.loss_plot.isVisible() and plot.loss_plot.height() >= 180
    assert plot.accuracy_plot.isVisible() and inside(plot.accuracy_plot, panel)
    assert panel.status.isVisible() and inside(panel.status, panel)
    assert panel.status_text().startswith("Training finished")
    key = plot.key_text()
    assert "each step" in key and "smoothed" in key and "epoch average" in key and "training set" in key
    assert "test set" not in key  # four-pixel has no test set: the key names no empty curve
    # After the run, the step axis ends where the run ended.
    x_range = plot.loss_plot.getPlotItem().vb.viewRange()[0]
    last_step = panel.controller.latest_update.step
    assert last_step <= x_range[1] <= last_step * 1.1


def test_the_key_follows_the_curves(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    assert plot.key_text() == EMPTY_KEY
    plot.add_steps(np.arange(1, 101, dtype=float), np.linspace(1.0, 0.2, 100))
    plot.add_epoch(EpochEnd(1, 100, 0.5, 0.25, 0.6, 0.2))
    plot.redraw()
    key = plot.key_text()
    assert key.startswith("By training step. Error:")
    assert "each step" in key and "epoch average" in key and "test set" in key
    assert "Right: ● training set, ▲ test set." in key
    plot.clear()
    assert plot.key_text() == EMPTY_KEY
