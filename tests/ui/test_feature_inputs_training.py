"""Training in the studio on points in the plane: feature inputs get their features, a lone output its
yes/no truth, and the test half is found for a recipe with settings too."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.data import load_dataset
from nnstudio.examples import load_example
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingPanel
from nnstudio.ui.training.panel import companion_test_set


@pytest.fixture
def panel_for(qtbot):
    made: list[tuple[TrainingPanel, LiveNetwork]] = []

    def make(document) -> tuple[TrainingPanel, LiveNetwork]:
        live = LiveNetwork(document)
        panel = TrainingPanel()
        qtbot.addWidget(panel)
        panel.bind(live, QUndoStack())
        panel.show()
        made.append((panel, live))
        return panel, live

    yield make
    for panel, live in made:
        panel.shutdown()
        live.detach()


def test_the_spiral_trains_on_its_feature_inputs_with_a_test_curve(panel_for, qtbot):
    document = load_example("spiral")
    panel, live = panel_for(document)
    assert panel.dataset_spec() == "spiral:train"
    data = panel.selected_dataset()
    assert data.n_inputs == 4 == live.plan.n_inputs
    points = load_dataset("spiral:train").inputs
    np.testing.assert_allclose(data.inputs[:, 2], np.sin(points[:, 0]), rtol=1e-5, atol=1e-6)
    assert panel.test_dataset() is not None and panel.test_dataset().n_inputs == 4
    panel.epochs.setValue(2)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "completed", ended.args[1]


def test_a_lone_output_trains_on_two_classes(panel_for, qtbot):
    document = load_example("xor-features")
    panel, live = panel_for(document)
    data = panel.selected_dataset()
    assert data.n_inputs == 3 and data.n_outputs == 1 and data.labels == ["same sign"]
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "completed", ended.args[1]


def test_a_recipe_with_settings_has_its_test_half():
    assert companion_test_set("spiral(noise=0.2, seed=3):train") == "spiral(noise=0.2, seed=3):test"
    assert companion_test_set("circle:train") == "circle:test"


def test_the_panel_can_be_told_which_points_to_train_on(panel_for):
    panel, _ = panel_for(load_example("circle"))
    panel.select_dataset("circle(noise=0.3, seed=5):train")
    assert panel.dataset_spec() == "circle(noise=0.3, seed=5):train"
    assert len(panel.selected_dataset()) == 250


def test_the_dataset_table_grades_the_points_through_the_feature_inputs(qtbot):
    from nnstudio.ui.error_tables import RIGHT, DatasetTable

    document = load_example("spiral")
    document.training_data = "spiral(points=40):train"  # a table lists up to 64 samples
    live = LiveNetwork(document)
    table = DatasetTable()
    qtbot.addWidget(table)
    table.bind(live, QUndoStack())
    table.resize(520, 600)
    table.show()
    rows = table.shown_rows()
    assert len(rows) == 20
    assert sum(row[4] == RIGHT for row in rows) >= 15
    live.detach()
