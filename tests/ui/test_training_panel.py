"""The Training panel as a person uses it: choose data and settings, click Train, Pause, Step, Stop."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from nnstudio.data.dataset import Dataset, one_hot
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.train import TrainSettings
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.theme import Tone, label_tone
from nnstudio.ui.training import (
    TrainingPanel,
    TrainingUpdate,
    companion_test_set,
    format_duration,
    progress_text,
)

LABELS = ["solid", "vertical", "diagonal", "horizontal"]


def four_pixel_document(output_activation: str = "tanh", seed: int = 1) -> Document:
    rng = np.random.default_rng(seed)
    inputs = [Neuron(f"p{k}", Role.INPUT) for k in range(4)]
    middle = [Neuron(f"h{k}", Role.HIDDEN, "tanh") for k in range(8)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, output_activation, label=label) for k, label in enumerate(LABELS)]
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-1, 1)))
        for layer_a, layer_b in ((inputs, middle), (middle, outputs))
        for a in layer_a
        for b in layer_b
    ]
    settings = TrainSettings(epochs=40, learning_rate=0.02, batch_size=1, momentum=0.5, seed=3)
    return Document(
        Network.from_parts(inputs + middle + outputs, edges),
        title="four pixels",
        grid=(2, 2),
        training=settings,
        training_data="four-pixel",
    )


def weights_of(network: Network) -> dict[str, float]:
    return {e.id: e.weight for e in network.edges.values()}


@pytest.fixture
def panel_with(qtbot):
    made: list[tuple[TrainingPanel, LiveNetwork]] = []

    def make(document: Document) -> tuple[TrainingPanel, LiveNetwork, QUndoStack]:
        live = LiveNetwork(document)
        stack = QUndoStack()
        panel = TrainingPanel()
        qtbot.addWidget(panel)
        panel.bind(live, stack)
        panel.resize(420, 800)
        panel.show()
        made.append((panel, live))
        return panel, live, stack

    yield make
    for panel, live in made:
        panel.shutdown()
        live.detach()


def set_spin(qtbot, spin, text: str) -> None:
    """Select the spin box's text and type a new value, as a person would."""
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Enter)


def test_panel_shows_the_documents_settings_and_dataset(panel_with):
    panel, live, stack = panel_with(four_pixel_document())
    assert panel.dataset_spec() == "four-pixel"
    assert panel.epochs.value() == 40 and panel.batch_size.value() == 1
    assert panel.learning_rate.value() == pytest.approx(0.02)
    assert panel.momentum.value() == pytest.approx(0.5)
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()
    for widget in (panel.dataset_combo, panel.train_button, panel.learning_rate, panel.plot.scale_box):
        assert widget.objectName() and widget.accessibleName()


def test_clicking_train_trains_and_reports(panel_with, qtbot):
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    set_spin(qtbot, panel.epochs, "60")
    assert panel.epochs.value() == 60
    running: list[bool] = []
    panel.controller.runningChanged.connect(running.append)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
        assert not panel.train_button.isEnabled() and panel.stop_button.isEnabled()
        assert live.locked
    assert running == [True, False]
    assert panel.progress_bar.value() == 1000 and panel.progress_bar.format() == "done"
    assert panel.status_text().startswith("Training finished")
    assert "samples/s" in panel.speed_label.text()
    assert panel.train_button.isEnabled() and not live.locked
    # Setting the epochs is a step of its own, the run another.
    assert stack.count() == 2 and stack.text(0) == "Set epochs to 60" and stack.text(1) == "Train 60 epochs"
    assert document.training.epochs == 60  # the settings used are kept with the document
    x, y = panel.plot.raw_curve.getData()
    assert x is not None and len(x) > 10 and x[-1] == 60 * 16
    epochs_x, epochs_y = panel.plot.epoch_curve.getData()
    assert len(epochs_x) == 60 and np.isfinite(epochs_y).all()
    assert panel.plot.accuracy_plot.isVisible()


def test_pause_button_pauses_and_resumes(panel_with, qtbot):
    panel, live, stack = panel_with(four_pixel_document())
    panel.epochs.setValue(100_000)
    with qtbot.waitSignal(panel.controller.progress, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.controller.pausedChanged, timeout=2_000):
        qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    assert panel.pause_button.text() == "Resume" and panel.progress_bar.format().startswith("paused")
    with qtbot.waitSignal(panel.controller.pausedChanged, timeout=2_000):
        qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    assert panel.pause_button.text() == "Pause"
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert panel.progress_bar.format().startswith("stopped")
    assert "stopped" in panel.status_text()


def test_a_dataset_that_does_not_fit_is_refused_with_a_clear_message(panel_with, qtbot):
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    before = weights_of(document.network)
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("shapes3x3"))
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert "does not fit" in panel.status_text() and "9 values" in panel.status_text()
    assert not panel.controller.running and not live.locked
    assert weights_of(document.network) == before and stack.count() == 0


def test_a_diverging_run_stops_with_the_step_and_advice(panel_with, qtbot):
    document = four_pixel_document(output_activation="identity")
    panel, live, stack = panel_with(document)
    set_spin(qtbot, panel.learning_rate, "1000")
    assert panel.learning_rate.value() == 1000
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    text = panel.status_text()
    assert "diverged at step" in text and "lower learning rate" in text
    assert label_tone(panel.status) is Tone.PROBLEM
    values = np.array(list(weights_of(document.network).values()))
    assert np.isfinite(values).all() and np.isfinite(live.outputs()).all()


def test_a_run_that_ruins_the_network_says_so_and_offers_to_undo(panel_with, qtbot):
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    before = weights_of(document.network)
    set_spin(qtbot, panel.learning_rate, "1000")
    set_spin(qtbot, panel.epochs, "5")
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    text = panel.status_text()
    assert "made the network worse" in text and "learning rate 1000 is probably too high" in text
    assert label_tone(panel.status) is Tone.PROBLEM
    assert panel.undo_run_button.isVisible()
    assert weights_of(document.network) != before
    qtbot.mouseClick(panel.undo_run_button, Qt.MouseButton.LeftButton)
    assert weights_of(document.network) == before
    assert not panel.undo_run_button.isVisible() and "undone" in panel.status_text()


def test_a_run_that_helps_says_nothing_of_the_kind(panel_with, qtbot):
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    set_spin(qtbot, panel.learning_rate, "0.05")
    set_spin(qtbot, panel.epochs, "50")
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert "worse" not in panel.status_text() and not panel.undo_run_button.isVisible()


def test_randomize_is_one_undo_step_and_clears_the_plot(panel_with, qtbot):
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert len(panel.plot.raw_curve.getData()[0]) > 0
    trained = weights_of(document.network)
    qtbot.mouseClick(panel.randomize_button, Qt.MouseButton.LeftButton)
    assert stack.count() == 2 and stack.text(1) == "Randomize weights"
    assert weights_of(document.network) != trained
    for curve in (panel.plot.raw_curve, panel.plot.smooth_curve, panel.plot.epoch_curve):
        x, _ = curve.getData()
        assert x is None or len(x) == 0
    stack.undo()
    assert weights_of(document.network) == trained


def test_step_button_trains_on_the_next_sample_and_shows_it(panel_with, qtbot):
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    before = weights_of(document.network)
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    assert stack.count() == 1 and stack.text(0) == "Training step"
    assert weights_of(document.network) != before
    np.testing.assert_array_equal(live.input, [1, 1, 1, 1])  # the first sample: solid, light
    np.testing.assert_array_equal(live.truth, [1, 0, 0, 0])
    assert "solid, light" in panel.status_text()
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(live.input, [-1, -1, -1, -1])
    assert stack.count() == 2


def test_importing_a_csv_adds_and_selects_it(panel_with, qtbot, tmp_path, monkeypatch):
    panel, live, stack = panel_with(four_pixel_document())
    path = tmp_path / "mine.csv"
    path.write_text("1,1,1,1,solid\n-1,-1,-1,-1,solid\n1,-1,1,-1,vertical\n-1,1,-1,1,vertical\n")
    monkeypatch.setattr(panel, "_ask_dataset_file", lambda: str(path))
    panel.dataset_combo.activated.emit(panel.dataset_combo.findData("\x00import-file"))
    qtbot.waitUntil(lambda: not panel.importing())  # a file is read in the background
    assert panel.dataset_spec() == str(path)
    assert panel.dataset_combo.currentText() == "mine.csv"
    assert "Imported 4 samples" in panel.status_text()
    assert len(panel.selected_dataset()) == 4


def test_importing_a_bad_file_says_why_and_keeps_the_choice(panel_with, qtbot, tmp_path, monkeypatch):
    panel, live, stack = panel_with(four_pixel_document())
    path = tmp_path / "broken.csv"
    path.write_text("this is not, a dataset\n")
    monkeypatch.setattr(panel, "_ask_dataset_file", lambda: str(path))
    panel.dataset_combo.activated.emit(panel.dataset_combo.findData("\x00import-file"))
    qtbot.waitUntil(lambda: not panel.importing())  # a file is read in the background
    assert panel.dataset_spec() == "four-pixel"
    assert "broken.csv" in panel.status_text()


def test_the_documents_own_samples_can_be_chosen(panel_with, qtbot):
    document = four_pixel_document()
    inputs = np.array([[1, 1, 1, 1], [1, -1, 1, -1]], dtype=np.float32)
    classes = np.array([0, 1])
    document.dataset = Dataset("drawn", inputs, one_hot(classes, 4), list(LABELS), classes, grid=(2, 2))
    document.training_data = "document"
    panel, live, stack = panel_with(document)
    assert panel.dataset_combo.currentText() == "This document's samples (2)"
    assert panel.selected_dataset() is document.dataset
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert panel.controller.latest_update.step == 40 * 2


def test_confirm_stop_for_close_through_the_panel(panel_with, qtbot, monkeypatch):
    panel, live, stack = panel_with(four_pixel_document())
    panel.epochs.setValue(1_000_000)
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.controller.progress, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert panel.confirm_stop_for_close() is True
    assert not panel.controller.running and not live.locked
    assert panel.train_button.isEnabled()


def test_binding_another_document_stops_a_run_and_resets(panel_with, qtbot):
    first = four_pixel_document()
    panel, live, stack = panel_with(first)
    panel.epochs.setValue(1_000_000)
    with qtbot.waitSignal(panel.controller.progress, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    second = four_pixel_document(seed=5)
    second.training = TrainSettings(epochs=7, learning_rate=0.3)
    live2 = LiveNetwork(second)
    panel.bind(live2, QUndoStack())
    assert not panel.controller.running and not live.locked
    assert panel.epochs.value() == 7 and panel.learning_rate.value() == pytest.approx(0.3)
    assert panel.progress_bar.format() == "not started"
    assert panel.plot.raw_curve.getData()[0] is None or len(panel.plot.raw_curve.getData()[0]) == 0
    live2.detach()


def test_progress_text_and_test_sets():
    update = TrainingUpdate(
        run=1,
        parameters=[],
        losses=np.zeros(3),
        epoch=3,
        epochs=10,
        step=30,
        samples_seen=300,
        samples_per_second=100.0,
        fraction=0.25,
        elapsed=4.0,
    )
    assert progress_text(update) == "epoch 3/10, 0:12 left"
    clock = format_duration(3725)  # what the progress bar shows for time left
    assert clock == "1:02:05"
    assert companion_test_set("digits:train") == "digits:test"
    assert companion_test_set("four-pixel") is None


def test_digits_train_is_tested_on_digits_test(panel_with, qtbot):
    rng = np.random.default_rng(0)
    pixels = [Neuron(f"px{k}", Role.INPUT) for k in range(784)]
    hidden = [Neuron(f"h{k}", Role.HIDDEN, "sigmoid") for k in range(4)]
    digits = [Neuron(f"d{k}", Role.OUTPUT, "sigmoid", label=str(k)) for k in range(10)]
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-0.1, 0.1)))
        for upper, lower in ((pixels, hidden), (hidden, digits))
        for a in upper
        for b in lower
    ]
    document = Document(
        Network.from_parts(pixels + hidden + digits, edges),
        grid=(28, 28),
        value_range=(0.0, 1.0),
        training_data="digits:train",
        training=TrainSettings(epochs=2, learning_rate=1.0, batch_size=100, seed=0),
    )
    panel, live, stack = panel_with(document)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
        started_text = panel.status_text()
    assert ended.args[0] == "completed"
    assert "8000 samples, testing on digits:test" in started_text
    test_x, test_y = panel.plot.test_curve.getData()
    assert len(test_x) == 2 and np.isfinite(test_y).all()
    accuracy_x, accuracy_y = panel.plot.test_accuracy_curve.getData()
    assert len(accuracy_x) == 2 and 0.0 <= accuracy_y.min() <= accuracy_y.max() <= 1.0
