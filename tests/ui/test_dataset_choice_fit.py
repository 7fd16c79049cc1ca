"""The Training panel's dataset box as a newcomer meets it: datasets named in words, each with what it holds,
those that do not fit the network greyed with the reason, and one that fits chosen for a new network."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.data import BUILTIN_DATASETS
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingPanel


def two_in_one_out() -> Document:
    """What a newcomer builds first: two inputs, one tanh output, nothing named to train on."""
    inputs = [Neuron("i1", Role.INPUT, label="input 1"), Neuron("i2", Role.INPUT, label="input 2")]
    output = Neuron("o1", Role.OUTPUT, "tanh", label="output 1")
    edges = [Edge(edge_id(i.id, "o1"), i.id, "o1", 0.5) for i in inputs]
    return Document(Network.from_parts([*inputs, output], edges), title="mine")


def four_pixel_camera() -> Document:
    inputs = [Neuron(f"p{k}", Role.INPUT) for k in range(4)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, "tanh") for k in range(4)]
    edges = [Edge(edge_id(a.id, b.id), a.id, b.id, 0.1) for a in inputs for b in outputs]
    return Document(Network.from_parts(inputs + outputs, edges), grid=(2, 2), training_data="four-pixel")


@pytest.fixture
def panel_for(qtbot):
    made: list[tuple[TrainingPanel, LiveNetwork]] = []

    def make(document: Document) -> TrainingPanel:
        live = LiveNetwork(document)
        panel = TrainingPanel()
        qtbot.addWidget(panel)
        panel.bind(live, QUndoStack())
        panel.resize(360, 700)
        panel.show()
        qtbot.waitExposed(panel)
        made.append((panel, live))
        return panel

    yield make
    for panel, live in made:
        panel.shutdown()
        live.detach()


def item(panel: TrainingPanel, spec: str):
    combo = panel.dataset_combo
    index = combo.findData(spec)
    assert index >= 0, spec
    return combo.model().item(index), combo.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_a_new_two_input_network_starts_on_the_xor_truth_table_and_trains(panel_for, qtbot):
    panel = panel_for(two_in_one_out())
    assert panel.dataset_combo.currentData() == "xor"
    assert panel.dataset_combo.currentText().startswith("XOR truth table")
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert "does not fit" not in panel.status_text()
    qtbot.waitUntil(lambda: not panel.controller.running, timeout=20_000)
    assert "Trained" in panel.status_text() or "epoch" in panel.status_text(), panel.status_text()


def test_every_built_in_set_is_named_in_words_with_what_it_holds(panel_for):
    panel = panel_for(two_in_one_out())
    combo = panel.dataset_combo
    for spec in BUILTIN_DATASETS:
        index = combo.findData(spec)
        assert index >= 0, spec
        text = combo.itemText(index)
        assert text != spec and ":" not in text.split(" ")[0], text
        tip = combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
        assert "input" in tip and "output" in tip and "sample" in tip, tip
    _, tip = item(panel, "digits:train")
    assert "784 inputs" in tip and "10 outputs" in tip and "8,000 samples" in tip


def test_sets_that_do_not_fit_are_greyed_saying_why(panel_for):
    panel = panel_for(two_in_one_out())
    four, tip = item(panel, "four-pixel")
    assert not four.isEnabled()
    assert "Does not fit" in tip and "4 inputs" in tip and "2 inputs" in tip, tip
    digits, tip = item(panel, "digits:train")
    assert not digits.isEnabled() and "784 inputs" in tip
    # Two classes of points fit one output: it answers yes for one of them.
    circle, tip = item(panel, "circle:train")
    assert circle.isEnabled() and "Does not fit" not in tip
    xor, _ = item(panel, "xor")
    assert xor.isEnabled()


def test_what_fits_follows_the_network(panel_for):
    panel = panel_for(four_pixel_camera())
    assert panel.dataset_combo.currentData() == "four-pixel"
    assert item(panel, "four-pixel")[0].isEnabled()
    assert not item(panel, "xor")[0].isEnabled()
    assert not item(panel, "shapes3x3")[0].isEnabled()


def test_a_network_that_changes_size_gets_a_set_that_fits_unless_one_was_chosen(panel_for):
    document = two_in_one_out()
    panel = panel_for(document)
    assert panel.dataset_combo.currentData() == "xor"
    network = document.network
    network.add_neuron(Neuron("o2", Role.OUTPUT, "tanh", label="output 2"))
    assert not item(panel, "xor")[0].isEnabled()
    assert panel.dataset_combo.currentData() == "circle", "the first set with 2 inputs and 2 outputs"
