"""The Training panel's dataset and epochs as a newcomer meets them: a file naming a dataset nnstudio cannot
find says so at once in one line, a new network gets a dataset of its own (not the last file's), and a new
hand-built network trains for enough steps to show learning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import create_main_window
from nnstudio.engine.graph import Edge, Neuron, Role, edge_id
from nnstudio.ui.commands import AddNeurons
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.main_window import empty_document
from nnstudio.ui.training import TrainingPanel

from .test_training_layout import four_pixel_document

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def file_naming(tmp_path: Path, dataset: str) -> Path:
    """The XOR example, saved naming ``dataset`` as its training data."""
    data = json.loads((EXAMPLES / "xor.nnet").read_text())
    data["training_data"] = dataset
    path = tmp_path / "bad-data.nnet"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def studio(qtbot):
    window = create_main_window(example="xor")
    window.show()
    qtbot.waitExposed(window)
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    yield window, window.panel_widget("trainingDock")
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()
    window.deleteLater()


def test_an_unknown_dataset_is_said_at_once_in_one_line(studio, qtbot, tmp_path):
    window, panel = studio
    assert window.open_path(file_naming(tmp_path, "nosuchdata"))
    said = panel.status_text()
    assert panel.dataset_combo.currentText() == "nosuchdata (not found)"
    assert panel.status.isVisible()
    assert "nosuchdata" in said and "choose a dataset in the Dataset box" in said
    assert "\n" not in said and len(said) < 160
    assert "four-pixel:canonical" not in said  # the names of the datasets go in the tip, not the line
    assert "four-pixel:canonical" in panel.status.toolTip()
    # The whole line is in view: no scrolling to read what to do.
    assert panel.status.height() <= panel.status_scroll.height()
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert not panel.controller.running
    assert panel.status_text() == said


def test_a_new_network_gets_its_own_dataset_and_no_old_error(studio, qtbot, tmp_path):
    window, panel = studio
    assert window.open_path(file_naming(tmp_path, "nosuchdata"))
    window.actions["new"].trigger()
    assert panel.dataset_combo.currentText() == "XOR truth table"
    assert panel.dataset_combo.findText("nosuchdata (not found)") < 0
    assert "nosuchdata" not in panel.status_text()
    # Another file opened next shows its own choice too.
    assert window.open_path(file_naming(tmp_path, "nosuchdata"))
    assert window.open_path(EXAMPLES / "xor.nnet")
    assert panel.dataset_combo.currentText() == "This document's samples (4)"  # what the file names
    assert "nosuchdata" not in panel.status_text()
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert panel.status_text().startswith("Training finished")


def test_a_new_network_trains_long_enough_to_show_learning(studio):
    window, panel = studio
    window.actions["new"].trigger()
    assert panel.dataset_combo.currentText() == "XOR truth table"
    steps_per_epoch = 4 / panel.batch_size.value()
    assert panel.epochs.value() * steps_per_epoch >= 2000


def test_saved_documents_keep_their_own_epochs(qtbot):
    live = LiveNetwork(four_pixel_document())
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    assert panel.epochs.value() == 30
    fresh = LiveNetwork(empty_document())
    panel.bind(fresh, QUndoStack())
    assert panel.epochs.value() >= 500
    panel.bind(LiveNetwork(four_pixel_document()), QUndoStack())
    assert panel.epochs.value() == 30
    panel.shutdown()


def test_an_empty_network_opened_from_a_file_keeps_the_files_epochs(studio, tmp_path):
    """A saved empty network is the person's file: opening it changes nothing in it, epochs included."""
    from nnstudio.document.fileformat import document_to_bytes, save_document
    from nnstudio.engine.train import TrainSettings

    window, panel = studio
    path = tmp_path / "empty.nnet"
    save_document(empty_document(), path)
    assert window.open_path(path)
    assert panel.epochs.value() == TrainSettings().epochs
    assert document_to_bytes(window.document) == path.read_bytes()
    assert not window.isWindowModified()


def test_a_hand_built_xor_network_trains_for_thousands_of_steps(studio, qtbot):
    window, panel = studio
    window.actions["new"].trigger()
    inputs = [Neuron(f"in{k}", Role.INPUT) for k in range(2)]
    hidden = Neuron("hidden", Role.HIDDEN, "tanh")
    output = Neuron("out", Role.OUTPUT, "tanh")
    edges = [
        Edge(edge_id(a.id, hidden.id), a.id, hidden.id, w) for a, w in zip(inputs, (0.4, -0.3), strict=True)
    ]
    edges.append(Edge(edge_id(hidden.id, output.id), hidden.id, output.id, 0.5))
    places = {"in0": (0.0, 0.0), "in1": (0.0, 100.0), "hidden": (150.0, 50.0), "out": (300.0, 50.0)}
    window.undo_stack.push(AddNeurons(window.document, [*inputs, hidden, output], places, edges))
    assert panel.dataset_combo.currentText() == "XOR truth table"
    panel.fastest.setChecked(True)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert panel.controller.latest_update.step >= 2000
    assert panel.speed_label.text().startswith(f"{panel.controller.latest_update.step:,} steps")
