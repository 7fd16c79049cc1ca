"""Training on the samples a person drew: the Training panel follows the Samples panel."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import create_main_window
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.train import TrainSettings
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad import DrawingPad
from nnstudio.ui.samples import SamplesPanel
from nnstudio.ui.training import DOCUMENT_SAMPLES, TrainingPanel

LABELS = ["solid", "vertical", "diagonal", "horizontal"]


def own_network_document() -> Document:
    """A 2x2 network built by hand that names no dataset to train on."""
    rng = np.random.default_rng(5)
    inputs = [Neuron(f"p{k}", Role.INPUT) for k in range(4)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, "tanh", label=label) for k, label in enumerate(LABELS)]
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-1, 1))) for a in inputs for b in outputs
    ]
    settings = TrainSettings(epochs=5, learning_rate=0.05, batch_size=1, momentum=0.0, seed=2)
    return Document(Network.from_parts(inputs + outputs, edges), title="mine", grid=(2, 2), training=settings)


@pytest.fixture
def studio(qtbot):
    """Pad, samples and training wired as the window wires them."""
    live = LiveNetwork(own_network_document())
    stack = QUndoStack()
    pad = DrawingPad()
    samples = SamplesPanel(pad)
    training = TrainingPanel()
    samples.datasetChanged.connect(training.refresh_datasets)
    for widget in (pad, samples, training):
        qtbot.addWidget(widget)
        widget.bind(live, stack)
    yield live, stack, pad, samples, training
    training.shutdown()
    live.detach()


def own_samples_item(training: TrainingPanel):
    combo = training.dataset_combo
    index = combo.findData(DOCUMENT_SAMPLES)
    return combo.itemText(index), combo.model().item(index).isEnabled()


def add_sample(qtbot, pad: DrawingPad, samples: SamplesPanel, pattern: list[float], label: str) -> None:
    pad.set_pad_values(np.array(pattern, dtype=np.float32))
    samples.class_combo.setCurrentIndex(samples.class_combo.findText(label))
    qtbot.mouseClick(samples.add_button, Qt.MouseButton.LeftButton)


def test_new_samples_are_offered_and_trained_on(qtbot, studio):
    live, stack, pad, samples, training = studio
    assert own_samples_item(training) == ("This document's samples (none yet)", False)
    add_sample(qtbot, pad, samples, [1, 1, 1, 1], "solid")
    add_sample(qtbot, pad, samples, [1, -1, 1, -1], "vertical")
    assert own_samples_item(training) == ("This document's samples (2)", True)
    # The network named no dataset and none was picked: its own samples become the choice.
    assert training.dataset_spec() == DOCUMENT_SAMPLES
    assert training.dataset_combo.currentText() == "This document's samples (2)"
    before = live.outputs().copy()
    with qtbot.waitSignal(training.controller.ended, timeout=10_000) as ended:
        qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
        started = training.status_text()
    assert started.startswith("Training on this document's samples (2 samples")
    assert ended.args[0] == "completed"
    assert training.controller.latest_update.step == 5 * 2  # five epochs of two samples, one at a time
    finished = training.status_text()
    assert finished.startswith("Training finished: 10 steps.")
    # The run's outcome in words: the last epoch's error and how many samples it got right.
    assert "Mean error in the last epoch: " in finished and "(squared error)" in finished
    assert "of the samples right" in finished
    assert live.document.training_data == DOCUMENT_SAMPLES
    assert not np.allclose(live.outputs(), before)


def test_undoing_the_only_sample_takes_the_offer_back(qtbot, studio):
    live, stack, pad, samples, training = studio
    add_sample(qtbot, pad, samples, [1, 1, -1, -1], "horizontal")
    assert own_samples_item(training) == ("This document's samples (1)", True)
    stack.undo()
    assert own_samples_item(training) == ("This document's samples (none yet)", False)
    qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    assert not training.controller.running  # refused at once, with the reason
    assert "no samples of its own" in training.status_text()


def test_a_dataset_the_person_picked_is_kept_when_samples_come(qtbot, studio):
    live, stack, pad, samples, training = studio
    combo = training.dataset_combo
    index = combo.findData("four-pixel")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as a pick from the list does
    add_sample(qtbot, pad, samples, [1, -1, -1, 1], "diagonal")
    assert training.dataset_spec() == "four-pixel"
    assert own_samples_item(training) == ("This document's samples (1)", True)


def test_the_window_wires_samples_to_training(qtbot):
    window = create_main_window(example="four-pixel-camera")
    window.show()
    qtbot.waitExposed(window)
    try:
        pad = window.panel_widget("padDock")
        samples = window.panel_widget("samplesDock")
        training = window.panel_widget("trainingDock")
        assert training.dataset_spec() == "four-pixel"  # what the example trains on stays chosen
        assert own_samples_item(training)[1] is False
        add_sample(qtbot, pad, samples, [1, 1, 1, 1], "solid")
        assert own_samples_item(training) == ("This document's samples (1)", True)
        combo = training.dataset_combo
        index = combo.findData(DOCUMENT_SAMPLES)
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        training.epochs.setValue(3)
        with qtbot.waitSignal(training.controller.ended, timeout=10_000) as ended:
            qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
        assert ended.args[0] == "completed"
        assert training.controller.latest_update.step == 3
    finally:
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.close()
        window.deleteLater()
