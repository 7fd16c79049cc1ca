"""The error table for one input: seed 002's truth, answer, error and total."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.engine.graph import Network, Neuron, Role
from nnstudio.engine.train import TrainSettings
from nnstudio.ui.error_tables import ErrorTablePanel
from nnstudio.ui.live import LiveNetwork

LABELS = ["solid", "vertical", "diagonal", "horizontal"]
SEED_ANSWER = (0.5, 0.75, -0.25, -0.75)


def seed_002_document(loss: str = "absolute") -> Document:
    """Four pixels that reach nothing, and four identity outputs whose biases are the seed's answer."""
    inputs = [Neuron(f"p{i}", Role.INPUT) for i in range(4)]
    outputs = [
        Neuron(f"o{k}", Role.OUTPUT, activation="identity", bias=b, label=LABELS[k])
        for k, b in enumerate(SEED_ANSWER)
    ]
    return Document(Network.from_parts(inputs + outputs, []), grid=(2, 2), training=TrainSettings(loss=loss))


@pytest.fixture
def seed_table(qtbot):
    live = LiveNetwork(seed_002_document())
    panel = ErrorTablePanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    panel.show()
    yield live, panel
    live.detach()


def test_without_truth_the_table_shows_the_answer_and_asks_for_truth(seed_table):
    live, panel = seed_table
    assert panel.truth_combo.currentText() == "none chosen"
    rows = panel.shown_rows()
    assert [r[0] for r in rows] == [*LABELS, "Total"]
    assert [r[2] for r in rows[:4]] == ["0.50", "0.75", "-0.25", "-0.75"]
    assert [r[3] for r in rows] == ["", "", "", "", ""]
    assert "Choose the truth" in panel.hint.text()


def test_seed_002_error_table_with_truth_horizontal(qtbot, seed_table):
    live, panel = seed_table
    combo = panel.truth_combo
    combo.setFocus()
    # Pick "horizontal" as a person would: it is the fourth label after "none chosen".
    combo.setCurrentIndex(combo.findText("horizontal"))
    np.testing.assert_array_equal(live.truth, [0, 0, 0, 1])
    rows = panel.shown_rows()
    assert rows[:4] == [
        ["solid", "0.00", "0.50", "0.50"],
        ["vertical", "0.00", "0.75", "0.75"],
        ["diagonal", "0.00", "-0.25", "0.25"],
        ["horizontal", "1.00", "-0.75", "1.75"],
    ]
    assert rows[4] == ["Total", "", "", "3.25"]
    assert "Absolute error" in panel.formula.text()


def test_truth_none_clears_the_errors(seed_table):
    live, panel = seed_table
    panel.set_truth_label("vertical")
    assert panel.shown_rows()[4][3] == f"{0.5 + 0.25 + 0.25 + 0.75:.2f}"
    panel.set_truth_label(None)
    assert live.truth is None
    assert panel.shown_rows()[4][3] == ""


def test_truth_set_elsewhere_shows_in_the_combo(seed_table):
    live, panel = seed_table
    live.set_truth_label("diagonal")
    assert panel.truth_combo.currentText() == "diagonal"
    live.set_truth(np.zeros(4, dtype=np.float32))
    assert panel.truth_combo.currentText() == "none of these (all 0)"
    assert panel.shown_rows()[4][3] == f"{0.5 + 0.75 + 0.25 + 0.75:.2f}"


def test_squared_loss_uses_the_documents_loss(qtbot):
    live = LiveNetwork(seed_002_document("squared"))
    panel = ErrorTablePanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    panel.set_truth_label("horizontal")
    rows = panel.shown_rows()
    assert [r[3] for r in rows[:4]] == ["0.25", "0.56", "0.06", "3.06"]
    assert rows[4][3] == f"{0.25 + 0.5625 + 0.0625 + 3.0625:.2f}"
    assert "Squared error" in panel.formula.text()
    live.detach()


def test_answer_follows_the_weights(seed_table):
    live, panel = seed_table
    panel.set_truth_label("horizontal")
    live.document.network.set_neuron_fields({"o3": {"bias": 1.0}})
    rows = panel.shown_rows()
    assert rows[3] == ["horizontal", "1.00", "1.00", "0.00"]
    assert rows[4][3] == "1.50"


def test_network_without_outputs(qtbot):
    live = LiveNetwork(Document(Network.from_parts([Neuron("p0", Role.INPUT)], [])))
    panel = ErrorTablePanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    assert panel.message.text().startswith("This network has no outputs yet")
    live.detach()
