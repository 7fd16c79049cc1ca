"""The inspector dock on its own: a person selects things and types, drags and picks values."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.inspector import Inspector
from nnstudio.ui.live import LiveNetwork


def small_network() -> Network:
    neurons = [
        Neuron("a", Role.INPUT, "identity", label="left"),
        Neuron("b", Role.INPUT, "identity"),
        Neuron("h", Role.HIDDEN, "tanh", bias=0.5, label="middle"),
        Neuron("o", Role.OUTPUT, "sigmoid", label="answer"),
    ]
    edges = [Edge("a>h", "a", "h", 1.0), Edge("b>h", "b", "h", -2.0), Edge("h>o", "h", "o", 0.25)]
    return Network.from_parts(neurons, edges)


@pytest.fixture
def inspected(qtbot):
    document = Document(small_network(), title="small")
    live = LiveNetwork(document)
    stack = QUndoStack()
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.bind(live, stack)
    inspector.resize(420, 520)
    inspector.show()
    yield inspector, document.network, stack, live
    live.detach()


def type_value(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def choose(qtbot, combo, data: str) -> None:
    """Open the combo's list and click the entry, as a person would."""
    index = combo.findData(data)
    assert index >= 0
    combo.showPopup()
    view = combo.view()
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())


def test_nothing_selected_shows_how_to_build(inspected):
    inspector, *_ = inspected
    assert inspector.hint.isVisible()
    assert "Drag a neuron from the palette" in inspector.hint.text()
    assert not inspector.edge_box.isVisible() and not inspector.neuron_box.isVisible()


def test_typing_a_weight_sets_it_as_one_undo_step(qtbot, inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection([], ["b>h"])
    assert inspector.edge_ends.text() == "from b to middle"
    assert inspector.weight.spin.value() == -2.0
    type_value(qtbot, inspector.weight.spin, "750.125")
    assert network.edges["b>h"].weight == 750.125
    slider = inspector.weight.slider
    assert slider.minimum() < slider.value() < slider.maximum(), "the slider's range grew to hold it"
    assert inspector.weight.slider_range() == (-1000.0, 1000.0)
    assert stack.count() == 1
    stack.undo()
    assert network.edges["b>h"].weight == -2.0
    assert inspector.weight.spin.value() == -2.0  # follows undo


def test_a_slider_drag_is_one_undo_step(qtbot, inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection([], ["a>h"])
    slider = inspector.weight.slider
    for _drag in range(2):
        slider.setSliderDown(True)
        for position in (1200, 1500, 2000):
            slider.setValue(position)
        slider.setSliderDown(False)
        assert network.edges["a>h"].weight == 2.0
        assert inspector.weight.spin.value() == 2.0
        slider.setSliderDown(True)
        slider.setValue(-500)
        slider.setSliderDown(False)
    assert stack.count() == 4
    stack.undo()
    assert network.edges["a>h"].weight == 2.0
    stack.undo()
    stack.undo()
    assert network.edges["a>h"].weight == 2.0
    stack.undo()
    assert network.edges["a>h"].weight == 1.0


def test_several_edges_are_set_at_once(qtbot, inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection([], ["a>h", "b>h", "h>o"])
    assert inspector.edge_box.title() == "3 connections"
    assert inspector.weight.mixed.isVisible()
    # The spin box shows the first weight (1.0); typing the same number still sets all of them.
    type_value(qtbot, inspector.weight.spin, "1")
    assert [e.weight for e in network.edges.values()] == [1.0, 1.0, 1.0]
    assert not inspector.weight.mixed.isVisible()
    type_value(qtbot, inspector.weight.spin, "0")
    assert [e.weight for e in network.edges.values()] == [0.0, 0.0, 0.0]
    assert stack.count() == 2


def test_freezing_a_connection(qtbot, inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection([], ["h>o"])
    qtbot.mouseClick(inspector.frozen, Qt.MouseButton.LeftButton)
    assert network.edges["h>o"].frozen
    stack.undo()
    assert not network.edges["h>o"].frozen
    assert not inspector.frozen.isChecked()


def test_a_neuron_shows_its_numbers_and_takes_an_activation(qtbot, inspected):
    inspector, network, stack, live = inspected
    inspector.show_selection(["h"], [])
    assert inspector.neuron_box.title() == "middle"
    assert inspector.bias.spin.value() == 0.5
    assert inspector.activation.currentText() == ACTIVATIONS["tanh"].title
    assert inspector.role.currentData() == "hidden"
    live.set_input(np.array([1.0, 0.0]))
    assert inspector.neuron_values.text() == f"sum 1.500 → activation {np.tanh(1.5):.3f}"
    choose(qtbot, inspector.activation, "relu")
    assert network.neurons["h"].activation == "relu"
    assert inspector.neuron_values.text() == "sum 1.500 → activation 1.500"
    type_value(qtbot, inspector.bias.spin, "-0.25")
    assert network.neurons["h"].bias == -0.25
    stack.undo()
    stack.undo()
    assert network.neurons["h"].activation == "tanh"
    assert inspector.activation.currentData() == "tanh"


def test_renaming_a_neuron(qtbot, inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection(["b"], [])
    inspector.label_edit.setFocus()
    qtbot.keyClicks(inspector.label_edit, "right")
    qtbot.keyClick(inspector.label_edit, Qt.Key.Key_Return)
    assert network.neurons["b"].label == "right"
    assert inspector.neuron_box.title() == "right"


def test_a_refused_change_says_why_and_changes_nothing(qtbot, inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection(["h"], [])
    # softmax works over the outputs: a hidden neuron is not even offered it
    assert not inspector.activation.model().item(inspector.activation.findData("softmax")).isEnabled()
    choose(qtbot, inspector.role, "output")  # h feeds o, so it cannot be an output
    assert network.neurons["h"].role is Role.HIDDEN
    assert "cannot be an output" in inspector.problem.text()
    assert stack.count() == 0


def test_several_neurons_take_one_bias_and_activation(qtbot, inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection(["h", "o"], [])
    assert inspector.neuron_box.title() == "2 neurons"
    assert inspector.activation.currentIndex() == -1  # tanh and sigmoid: no single answer
    assert not inspector.label_edit.isEnabled()
    choose(qtbot, inspector.activation, "relu")
    type_value(qtbot, inspector.bias.spin, "0")
    assert [network.neurons[n].activation for n in ("h", "o")] == ["relu", "relu"]
    assert [network.neurons[n].bias for n in ("h", "o")] == [0.0, 0.0]
    assert stack.count() == 2


def test_edits_are_refused_while_training_runs(qtbot, inspected):
    inspector, network, stack, live = inspected
    inspector.show_selection([], ["a>h"])
    live.set_locked(True)
    assert not inspector.edge_box.isEnabled()
    inspector.weight.slider.setValue(2500)  # even a stray programmatic change is refused
    assert network.edges["a>h"].weight == 1.0
    assert stack.count() == 0
    live.set_locked(False)
    assert inspector.edge_box.isEnabled()
    assert inspector.weight.spin.value() == 1.0


def test_deleted_items_drop_out_of_the_selection(inspected):
    inspector, network, stack, _ = inspected
    inspector.show_selection(["h"], ["h>o"])
    network.remove(["h"])
    assert inspector.selected_ids() == ([], [])
    assert inspector.hint.isVisible()


def test_every_control_has_names(inspected):
    inspector, *_ = inspected
    for widget in (
        inspector.weight.spin,
        inspector.weight.slider,
        inspector.frozen,
        inspector.label_edit,
        inspector.bias.spin,
        inspector.bias.slider,
        inspector.activation,
        inspector.role,
    ):
        assert widget.objectName() and widget.accessibleName()


def test_names_and_descriptions_typed_by_hand_stay_within_what_a_file_holds(qapp):
    from nnstudio.document.fileformat import NAME_CHARS
    from nnstudio.ui.inspector import Inspector
    from nnstudio.ui.properties_dialog import DocumentProperties, properties_problem

    inspector = Inspector()
    inspector.label_edit.setText("x" * (NAME_CHARS + 500))
    assert len(inspector.label_edit.text()) == NAME_CHARS
    long_notes = DocumentProperties("t", "line\n" * 600, None, (-1.0, 1.0))
    assert "at most" in properties_problem(long_notes, 4)
    inspector.deleteLater()
