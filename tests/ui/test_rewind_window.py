"""Going back through a run in the whole window: saving or closing while a point of the run is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import create_main_window
from nnstudio.document.fileformat import load_document
from nnstudio.engine.parameters import ParameterSnapshot
from nnstudio.ui.confusion import ConfusionPanel


def trained_window(qtbot):
    window = create_main_window(example="four-pixel-learner")
    window.show()
    qtbot.waitExposed(window)
    training = window.panel_widget("trainingDock")
    training.epochs.setValue(10)
    with qtbot.waitSignal(training.controller.ended, timeout=20_000):
        qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    return window, training


def test_save_while_looking_back_writes_and_keeps_that_point(qtbot, tmp_path):
    window, training = trained_window(qtbot)
    training.timeline.slider.setValue(3)
    qtbot.waitUntil(lambda: training.controller.preview_index == 3, timeout=2000)
    shown = ParameterSnapshot.of(window.document.network)
    path = tmp_path / "looked-back.nnet"
    assert window.save_as(path)
    assert not window.is_modified()
    assert ParameterSnapshot.of(window.document.network).same_as(shown)
    saved = load_document(path).network
    assert all(saved.edges[e.id].weight == e.weight for e in window.document.network.edges.values())
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()
    window.deleteLater()


def test_closing_while_looking_back_with_the_confusion_matrix_open(qtbot):
    window, training = trained_window(qtbot)
    window.findChild(QAction, "confusionMatrixAction").trigger()
    matrix = window.findChild(ConfusionPanel)
    qtbot.waitUntil(lambda: matrix.counts is not None, timeout=5000)
    training.timeline.slider.setValue(0)
    qtbot.waitUntil(lambda: training.controller.preview_index == 0, timeout=2000)
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    assert window.close()
    assert not matrix.isVisible()
    window.deleteLater()
