"""The samples panel: paint labelled samples on the pad, undo, browse and delete them."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.commands import AddSample, RemoveSamples, SampleError
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad import DrawingPad
from nnstudio.ui.samples import SamplesPanel

LABELS = ["solid", "vertical", "diagonal", "horizontal"]


def four_pixel_document() -> Document:
    inputs = [Neuron(f"p{i}", Role.INPUT) for i in range(4)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, activation="tanh", label=LABELS[k]) for k in range(4)]
    edges = [Edge(f"p{i}>o{k}", f"p{i}", f"o{k}", 0.1 * (i - k)) for k in range(4) for i in range(4)]
    return Document(Network.from_parts(inputs + outputs, edges), grid=(2, 2))


@pytest.fixture
def studio(qtbot):
    doc = four_pixel_document()
    live = LiveNetwork(doc)
    stack = QUndoStack()
    pad = DrawingPad()
    panel = SamplesPanel(pad)
    for widget in (pad, panel):
        qtbot.addWidget(widget)
        widget.bind(live, stack)
        widget.resize(400, 360)
        widget.show()
    yield doc, live, stack, pad, panel
    live.detach()


def paint(qtbot, pad: DrawingPad, white: list[int]) -> None:
    """Click each cell: white where listed, black elsewhere."""
    editor = pad.editor.editor
    for index in range(4):
        button = Qt.MouseButton.LeftButton if index in white else Qt.MouseButton.RightButton
        qtbot.mouseClick(editor, button, pos=editor.cell_rect(index).center().toPoint())


def add_as(qtbot, panel: SamplesPanel, label: str) -> None:
    panel.class_combo.setCurrentIndex(panel.class_combo.findText(label))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)


def test_add_two_samples_undo_one(qtbot, studio):
    doc, live, stack, pad, panel = studio
    assert doc.dataset is None
    assert [panel.class_combo.itemText(i) for i in range(panel.class_combo.count())] == LABELS
    paint(qtbot, pad, [0, 2])
    with qtbot.waitSignal(panel.datasetChanged, timeout=1000):
        add_as(qtbot, panel, "vertical")
    paint(qtbot, pad, [0, 1])
    add_as(qtbot, panel, "horizontal")
    assert doc.dataset is not None and len(doc.dataset) == 2
    np.testing.assert_array_equal(doc.dataset.inputs, [[1, -1, 1, -1], [1, 1, -1, -1]])
    assert [doc.dataset.labels[c] for c in doc.dataset.classes] == ["vertical", "horizontal"]
    np.testing.assert_array_equal(doc.dataset.targets, [[0, 1, 0, 0], [0, 0, 0, 1]])
    assert doc.dataset.grid == (2, 2) and doc.dataset.value_range == (-1.0, 1.0)
    assert panel.list.count() == 2
    assert [panel.list.item(i).text() for i in range(2)] == ["vertical", "horizontal"]

    stack.undo()
    assert len(doc.dataset) == 1
    assert [doc.dataset.labels[c] for c in doc.dataset.classes] == ["vertical"]
    assert panel.list.count() == 1
    stack.redo()
    assert [doc.dataset.labels[c] for c in doc.dataset.classes] == ["vertical", "horizontal"]
    stack.undo()
    stack.undo()
    assert doc.dataset is None  # the first sample made the dataset; undoing it takes the dataset away
    assert panel.list.count() == 0


def test_selecting_a_sample_shows_it_on_the_pad(qtbot, studio):
    doc, live, stack, pad, panel = studio
    paint(qtbot, pad, [0, 3])
    add_as(qtbot, panel, "diagonal")
    paint(qtbot, pad, [1])
    rect = panel.list.visualItemRect(panel.list.item(0))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    np.testing.assert_array_equal(pad.pad_values(), [1, -1, -1, 1])
    np.testing.assert_array_equal(live.input, [1, -1, -1, 1])
    np.testing.assert_array_equal(live.truth, [0, 0, 1, 0])


def test_delete_a_sample_with_the_delete_key_and_undo(qtbot, studio):
    doc, live, stack, pad, panel = studio
    for white, label in (([0, 1, 2, 3], "solid"), ([0, 2], "vertical"), ([0, 1], "horizontal")):
        paint(qtbot, pad, white)
        add_as(qtbot, panel, label)
    panel.list.setCurrentRow(1)
    panel.list.setFocus()
    with qtbot.waitSignal(panel.datasetChanged, timeout=1000):
        qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert [doc.dataset.labels[c] for c in doc.dataset.classes] == ["solid", "horizontal"]
    assert panel.list.count() == 2
    stack.undo()
    assert [doc.dataset.labels[c] for c in doc.dataset.classes] == ["solid", "vertical", "horizontal"]
    np.testing.assert_array_equal(doc.dataset.inputs[1], [1, -1, 1, -1])
    panel.list.clearSelection()
    panel.list.item(0).setSelected(True)
    panel.list.item(2).setSelected(True)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert [doc.dataset.labels[c] for c in doc.dataset.classes] == ["vertical"]


def test_training_lock_refuses_changes(qtbot, studio):
    doc, live, stack, pad, panel = studio
    live.set_locked(True)
    assert not panel.add_button.isEnabled()
    assert not panel.add_current()
    assert doc.dataset is None
    live.set_locked(False)
    assert panel.add_button.isEnabled()


def test_commands_check_their_samples():
    doc = four_pixel_document()
    AddSample(doc, np.array([1, 1, 1, 1]), 0, LABELS).redo()
    with pytest.raises(SampleError, match="9 values"):
        AddSample(doc, np.zeros(9), 0, LABELS)
    with pytest.raises(SampleError, match="class 7"):
        AddSample(doc, np.zeros(4), 7, LABELS)
    with pytest.raises(SampleError, match="no sample"):
        RemoveSamples(doc, [5])


def test_network_without_outputs_cannot_take_samples(qtbot):
    net = Network.from_parts([Neuron(f"p{i}", Role.INPUT) for i in range(4)], [])
    live = LiveNetwork(Document(net, grid=(2, 2)))
    panel = SamplesPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    assert not panel.add_button.isEnabled()
    assert "no outputs" in panel.add_button.toolTip() or "cannot run" in panel.add_button.toolTip()
    live.detach()
