"""The whole studio at once, as a person meets it: draw on the pad, read the answer, keep a drawn sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton, QWidget

from nnstudio.ui.main_window import MainWindow
from nnstudio.ui.outputs import OutputPanel

from ..studio_windows import studio_windows

Button = QMessageBox.StandardButton


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot, size=(1600, 1000)) as open_window:
        yield open_window


def paint_cell(qtbot, window: MainWindow, index: int, button=Qt.MouseButton.LeftButton) -> None:
    cells = window.findChild(QWidget, "padCells")
    centre = cells.cell_rect(index).center().toPoint()
    qtbot.mouseClick(cells, button, pos=QPoint(centre.x(), centre.y()))


def test_painting_the_pad_changes_the_answer(qtbot, studio) -> None:
    window = studio(example="four-pixel-camera")
    panel = window.findChild(OutputPanel)
    assert panel.answer() == "Answer: solid"  # it opens on the all-white image
    # Dark top, light bottom: the talk's horizontal line.
    paint_cell(qtbot, window, 0, Qt.MouseButton.RightButton)
    paint_cell(qtbot, window, 1, Qt.MouseButton.RightButton)
    assert list(window.live.input) == [-1, -1, 1, 1]
    assert panel.answer() == "Answer: horizontal"
    shown = panel.shown_values()
    assert float(shown["horizontal"]) > 0.5 and float(shown["solid"]) == 0.0


def test_a_drawn_and_labelled_sample_survives_save_and_reopen(qtbot, studio, tmp_path: Path) -> None:
    window = studio(example="four-pixel-camera")
    paint_cell(qtbot, window, 1, Qt.MouseButton.RightButton)
    paint_cell(qtbot, window, 2, Qt.MouseButton.RightButton)  # a dark diagonal from top-right
    drawn = window.live.input
    combo = window.findChild(QComboBox, "samplesClass")
    combo.setCurrentIndex(combo.findText("diagonal"))
    qtbot.mouseClick(window.findChild(QPushButton, "samplesAdd"), Qt.MouseButton.LeftButton)
    assert window.document.dataset is not None and len(window.document.dataset) == 1
    assert window.isWindowModified()

    path = tmp_path / "my-camera.nnet"
    assert window.save_as(path)
    assert not window.isWindowModified()

    reopened = studio(path=path)
    dataset = reopened.document.dataset
    assert dataset is not None and len(dataset) == 1
    np.testing.assert_array_equal(dataset.inputs[0], drawn)
    assert dataset.labels[dataset.classes[0]] == "diagonal"
