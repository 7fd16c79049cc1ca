"""The dataset table: every pattern with the network's answer, kept live, and rows that feed the network."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.data.patterns import four_pixel, shapes3x3
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.commands import SetWeights
from nnstudio.ui.error_tables import RIGHT, UNGRADED, WRONG, DatasetTable, ErrorTablePanel
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad import DrawingPad

LABELS = ["solid", "vertical", "diagonal", "horizontal"]
PATTERNS = [(1, 1, 1, 1), (1, -1, 1, -1), (1, -1, -1, 1), (1, 1, -1, -1)]


def four_pixel_document() -> Document:
    """Each output's weights are half its pattern: the light version of every shape is answered right."""
    inputs = [Neuron(f"p{i}", Role.INPUT) for i in range(4)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, activation="tanh", label=LABELS[k]) for k in range(4)]
    edges = [Edge(f"p{i}>o{k}", f"p{i}", f"o{k}", 0.5 * PATTERNS[k][i]) for k in range(4) for i in range(4)]
    return Document(Network.from_parts(inputs + outputs, edges), grid=(2, 2), training_data="four-pixel")


@pytest.fixture
def table(qtbot):
    doc = four_pixel_document()
    live = LiveNetwork(doc)
    stack = QUndoStack()
    widget = DatasetTable()
    qtbot.addWidget(widget)
    widget.bind(live, stack)
    widget.resize(520, 600)
    widget.show()
    yield doc, live, stack, widget
    live.detach()


def click_row(qtbot, widget: DatasetTable, row: int) -> None:
    rect = widget.table.visualItemRect(widget.table.item(row, 1))
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_lists_the_sixteen_four_pixel_images(table):
    _, live, _, widget = table
    rows = widget.shown_rows()
    assert len(rows) == 16
    expected = four_pixel()
    targets = [r[1] for r in rows]
    assert targets[:8] == [expected.labels[c] for c in expected.classes[:8]]
    assert targets[8:] == ["none"] * 8
    assert rows[0][0] == expected.sample_names[0]  # the picture's tooltip names the pattern
    assert not widget.table.item(0, 0).icon().isNull()
    # Light versions match their output's weights; dark versions are their opposites and are answered wrong.
    marks = [r[4] for r in rows]
    assert marks[0::2][:4] == [RIGHT] * 4
    assert marks[1::2][:4] == [WRONG] * 4
    assert set(marks[8:]) == {UNGRADED}
    assert widget.summary.text().startswith("4 of 8 right")
    solid = float(np.tanh(2.0))
    assert rows[0][2] == f"solid {solid:.2f}"
    assert rows[0][3] == f"{(1 - solid) ** 2:.2f}"  # squared error: (1 - .96)^2 + 0 + 0 + 0
    dark_solid = float(np.tanh(-2.0))
    assert rows[1][3] == f"{(1 - dark_solid) ** 2:.2f}"


def test_updates_when_a_weight_changes(table):
    doc, live, stack, widget = table
    before = widget.shown_rows()
    stack.push(SetWeights(doc.network, {"p0>o0": -2.0}))
    after = widget.shown_rows()
    assert after != before
    assert after[0][3] != before[0][3]
    stack.undo()
    assert widget.shown_rows() == before


def test_clicking_a_row_feeds_the_pattern_and_its_truth(qtbot, table):
    _, live, _, widget = table
    pad = DrawingPad()
    errors = ErrorTablePanel()
    for other in (pad, errors):
        qtbot.addWidget(other)
        other.bind(live, QUndoStack())
    click_row(qtbot, widget, 6)  # "horizontal, light top"
    np.testing.assert_array_equal(live.input, [1, 1, -1, -1])
    np.testing.assert_array_equal(live.truth, [0, 0, 0, 1])
    np.testing.assert_array_equal(pad.pad_values(), [1, 1, -1, -1])
    assert errors.truth_combo.currentText() == "horizontal"
    click_row(qtbot, widget, 9)  # a pattern of no class: all-zero truth
    np.testing.assert_array_equal(live.truth, [0, 0, 0, 0])
    assert errors.truth_combo.currentText() == "none of these (all 0)"
    # The keyboard walks the rows too, feeding each one.
    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Down)
    np.testing.assert_array_equal(live.input, four_pixel().inputs[10])


def test_the_row_of_the_current_input_is_selected(table):
    _, live, _, widget = table
    live.set_input(np.array([-1, 1, -1, 1], dtype=np.float32))
    assert widget.table.currentRow() == 3
    live.set_input(np.array([0, 0, 0, 0], dtype=np.float32))
    assert widget.table.selectedItems() == []


def test_set_dataset_and_mismatch_message(table):
    _, live, _, widget = table
    widget.set_dataset(shapes3x3())
    assert widget.stack.currentWidget() is widget.message
    assert "9 values" in widget.message.text() and "4 inputs" in widget.message.text()
    widget.set_dataset(None)
    assert len(widget.shown_rows()) == 16


def test_the_documents_own_samples_and_empty_states(qtbot):
    doc = four_pixel_document()
    doc.training_data = "document"
    live = LiveNetwork(doc)
    widget = DatasetTable()
    qtbot.addWidget(widget)
    widget.bind(live, QUndoStack())
    widget.show()
    assert "no samples" in widget.message.text() or "none yet" in widget.message.text()
    doc.dataset = four_pixel().subset(np.arange(4), name="document")
    widget.refresh_dataset()
    assert len(widget.shown_rows()) == 4
    doc.training_data = "no-such-dataset"
    widget.refresh_dataset()
    assert "could not be loaded" in widget.message.text()
    live.detach()


def test_the_four_pixel_example_when_it_is_built(qtbot):
    examples = pytest.importorskip("nnstudio.examples")
    try:
        doc = examples.load_example("four-pixel-camera")
    except Exception as exc:  # the example files are generated; without them there is nothing to check
        pytest.skip(f"four-pixel example not available: {exc}")
    live = LiveNetwork(doc)
    widget = DatasetTable()
    qtbot.addWidget(widget)
    widget.bind(live, QUndoStack())
    widget.show()
    widget.set_dataset(four_pixel())
    rows = widget.shown_rows()
    assert len(rows) == 16
    assert [r[4] for r in rows[:8]] == [RIGHT] * 8  # the hand-wired camera gets every shape right
    live.detach()


def test_a_large_dataset_is_left_to_the_training_panel(qtbot, monkeypatch):
    import nnstudio.ui.error_tables as error_tables

    doc = four_pixel_document()
    doc.training_data = "many"
    big = four_pixel().subset(np.arange(16).repeat(5), name="many")
    loads: list[str] = []
    monkeypatch.setattr(error_tables, "load_dataset", lambda name: loads.append(name) or big)
    live = LiveNetwork(doc)
    widget = DatasetTable()
    qtbot.addWidget(widget)
    widget.bind(live, QUndoStack())
    widget.show()
    assert "80 samples" in widget.message.text()
    live.set_input(np.ones(4, dtype=np.float32))
    assert loads == ["many"]  # loaded once, not again on every change
    live.detach()
