"""A short run plays at a watchable pace by default; "As fast as possible" is one click away and remembered
(issue 9, finding 7)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox

from nnstudio.app import create_main_window
from nnstudio.ui.training import worker as worker_module
from nnstudio.ui.training.worker import paced_wait

pytestmark = pytest.mark.watchable_pace


@pytest.fixture
def training(qtbot):
    windows = []

    def open_window():
        win = create_main_window(example="four-pixel-camera")
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win.panel_widget("trainingDock")

    yield open_window
    for win in windows:
        win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        win.panel_widget("trainingDock").shutdown()
        win.close()
        win.deleteLater()


def test_paced_wait_spreads_a_run_over_the_watchable_time():
    # Half the samples seen after a quarter of the time: wait until half the time has passed.
    # paced_wait(samples seen, samples in all, time so far, time the run should take): no clock is read.
    assert paced_wait(500, 1000, 1.5, 6.0) == pytest.approx(1.5)
    assert paced_wait(500, 1000, 4.0, 6.0) == 0.0  # behind: no wait
    assert paced_wait(500, 1000, 0.0, None) == 0.0  # as fast as possible
    assert paced_wait(0, 1000, 0.0, 6.0) == 0.0


def test_a_short_run_plays_at_a_watchable_pace_by_default(training, qtbot, monkeypatch):
    panel = training()
    fastest = panel.findChild(QCheckBox, "trainingFastest")
    assert fastest is not None and fastest.isVisible() and fastest.accessibleName()
    assert not fastest.isChecked()
    waits: list[float] = []
    spread = paced_wait

    def recording(seen, total, elapsed, seconds):
        wait = spread(seen, total, elapsed, seconds)
        waits.append(wait)
        return wait

    monkeypatch.setattr(worker_module, "paced_wait", recording)
    with qtbot.waitSignal(panel.controller.progress, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert "watchable pace" in panel.status_text()
    # The run is spread over the watchable time: the worker paces itself by it and does wait.
    worker = panel.controller._worker
    assert worker is not None
    pace, watchable = worker.pace_seconds, panel.watchable_seconds
    assert pace == watchable
    qtbot.waitUntil(lambda: any(w > 0 for w in waits), timeout=10_000)
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)


def test_as_fast_as_possible_is_one_click_and_remembered(training, qtbot):
    panel = training()
    fastest = panel.findChild(QCheckBox, "trainingFastest")
    qtbot.mouseClick(fastest, Qt.MouseButton.LeftButton, pos=QPoint(8, fastest.height() // 2))  # its box
    assert fastest.isChecked()
    panel.epochs.setValue(5)
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
        assert "watchable pace" not in panel.status_text()
    again = training()
    assert again.findChild(QCheckBox, "trainingFastest").isChecked()
