"""What the Training panel shows of a run, as a newcomer reads it: the progress line says what last happened,
the run's timeline is in view without scrolling, the accuracy strip's labels do not overlap, and the error
axis is numbered in plain decimals on either scale."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from nnstudio.engine.train import EpochEnd
from nnstudio.ui.plot import ErrorPlot

from .test_layout_sizes import bring_to_front, close, open_window, settle
from .test_training_layout import docked_panel  # noqa: F401 (a fixture)


def fully_in_view(widget: QWidget) -> bool:
    """Whether all of ``widget`` shows: not scrolled away or cut off by anything it sits in."""
    if not widget.isVisible():
        return False
    ancestor = widget.parentWidget()
    while ancestor is not None:
        place = QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())
        if not ancestor.rect().contains(place):
            return False
        ancestor = ancestor.parentWidget()
    return True


def train(panel, qtbot) -> None:
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def test_after_a_run_and_a_step_the_progress_says_what_last_happened(docked_panel, qtbot):  # noqa: F811
    live, panel = docked_panel
    panel.epochs.setValue(3)
    train(panel, qtbot)
    assert panel.progress_text() == "done"
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    said = panel.progress_text()
    assert said != "not started"
    assert "1 step by hand" in said and "after the run" in said
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    assert "2 steps by hand" in panel.progress_text()
    qtbot.mouseClick(panel.randomize_button, Qt.MouseButton.LeftButton)
    assert panel.progress_text() == "new random weights"


def test_the_timeline_is_in_view_after_a_run_in_a_small_dock(docked_panel, qtbot):  # noqa: F811
    live, panel = docked_panel
    panel.epochs.setValue(3)
    train(panel, qtbot)
    timeline = panel.timeline
    assert fully_in_view(timeline.slider) and fully_in_view(timeline.rerun_button)


@pytest.mark.parametrize("screen", [QSize(1366, 768), QSize(1920, 1080)], ids=["1366x768", "1920x1080"])
def test_the_timeline_is_in_view_in_the_window(qtbot, screen):
    window = open_window(qtbot, screen, "four-pixel-learner")
    try:
        training = window.panel_widget("trainingDock")
        bring_to_front(qtbot, window, window.findChild(QDockWidget, "trainingDock"))
        training.fastest.setChecked(True)
        training.epochs.setValue(20)
        train(training, qtbot)
        settle(qtbot, window)
        timeline = training.timeline
        assert fully_in_view(timeline.slider) and fully_in_view(timeline.rerun_button)
        # The accuracy strip is tall enough for its labels, one above the other without touching.
        plot = training.plot
        assert fully_in_view(plot.accuracy_plot)
        labels = plot.accuracy_labels()
        line = plot.fontMetrics().height()
        strip = plot.accuracy_plot.getPlotItem().vb.height()
        assert len(labels) >= 2 and strip >= len(labels) * line
    finally:
        close(window)


def test_the_error_axis_is_numbered_in_plain_decimals(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    plot.resize(320, 320)
    plot.show()
    steps = np.arange(1, 2001, dtype=float)
    plot.add_steps(steps, 0.2 * np.exp(-steps / 300) + 1e-4)
    plot.add_epoch(EpochEnd(1, 2000, 1e-4, None, 1.0, None))
    plot.redraw()
    axis = plot.loss_plot.getPlotItem().getAxis("left")
    assert plot.is_log()
    assert "(x" not in axis.labelString()
    assert axis.tickStrings([-4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0], 1.0, 1.0) == [
        "0.0001",
        "0.001",
        "0.01",
        "0.1",
        "1",
        "10",
        "100",
    ]
    plot.set_log_scale(False)
    assert not plot.is_log()
    assert "(x" not in axis.labelString()
    assert axis.tickStrings([0.0, 0.0001, 0.0002], 1.0, 0.0001) == ["0", "0.0001", "0.0002"]
