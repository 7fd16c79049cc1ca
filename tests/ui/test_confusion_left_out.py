"""The Confusion Matrix says how many samples it leaves out and why, and its share right is Training's.

The four-pixel set has 16 samples, 8 of which are none of the four shapes (their truth is all 0): the matrix
has no row for them, and says so rather than leaving "8 of 8" to puzzle someone who was told "16 samples".
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from nnstudio.engine.train import accuracy
from nnstudio.ui.confusion import ConfusionPanel, network_outputs

from ..studio_windows import studio_windows
from .test_confusion import panels  # noqa: F401 - the fixture
from .test_training_panel import four_pixel_document


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window(example="four-pixel-camera")


def open_matrix(window, qtbot) -> ConfusionPanel:
    window.findChild(QAction, "confusionMatrixAction").trigger()
    panel = window.findChild(ConfusionPanel)
    qtbot.waitUntil(lambda: panel.counts is not None, timeout=10_000)
    return panel


def test_the_samples_of_no_class_are_counted_as_left_out(window, qtbot):
    panel = open_matrix(window, qtbot)
    text = panel.summary.text()
    assert text.startswith("8 of 8 right (100.0%) on four-pixel")
    assert "8 more samples belong to no class" in text
    assert "left out" in text
    assert "none of these" in panel.summary.toolTip() or "all 0" in panel.summary.toolTip()
    # Clicking a cell keeps saying so.
    panel.show_cell_sample(0, 0)
    assert "8 more samples belong to no class" in panel.summary.text()


def test_a_set_where_every_sample_has_a_class_says_nothing_of_left_out_ones(window, qtbot):
    window.undo_stack.setClean()
    assert window.open_example("three-by-three-shapes")
    panel = open_matrix(window, qtbot)
    qtbot.waitUntil(lambda: "right" in panel.summary.text(), timeout=10_000)
    assert "no class" not in panel.summary.text()


def test_its_share_right_is_the_one_training_reports(panels, qtbot):  # noqa: F811 - the fixture
    training, confusion, live, stack = panels(four_pixel_document())
    with qtbot.waitSignal(training.controller.ended, timeout=30_000):
        qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: confusion.counts is not None and not confusion._timer.isActive(), timeout=5000)
    data = training.selected_dataset()
    outputs = network_outputs(live.plan, data)
    share = accuracy(outputs, data.targets)
    right, counted = int(np.trace(confusion.counts)), int(confusion.counts.sum())
    assert right / counted == pytest.approx(share)
    # Only the samples that have a class count, and the line says so.
    assert (
        f"{share:.0%} of the 8 samples with a class right (8 more belong to no class)"
        in training.status.text()
    )
