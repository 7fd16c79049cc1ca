"""A short run plays at a watchable pace by default; "As fast as possible" is one click away and remembered
(issue 9, finding 7)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox

from nnstudio.app import create_main_window
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
    assert paced_wait(seen=500, total=1000, elapsed=1.5, seconds=6.0) == pytest.approx(1.5)
    assert paced_wait(seen=500, total=1000, elapsed=4.0, seconds=6.0) == 0.0  # behind: no wait
    assert paced_wait(seen=500, total=1000, elapsed=0.0, seconds=None) == 0.0  # as fast as possible
    assert paced_wait(seen=0, total=1000, elapsed=0.0, seconds=6.0) == 0.0


def test_a_short_run_plays_at_a_watchable_pace_by_default(training, qtbot):
    panel = training()
    fastest = panel.findChild(QCheckBox, "trainingFastest")
    assert fastest is not None and fastest.isVisible() and fastest.accessibleName()
    assert not fastest.isChecked()
    updates = []
    panel.controller.progress.connect(updates.append)
    with qtbot.waitSignal(panel.controller.progress, timeout=10_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert "watchable pace" in panel.status_text()
    qtbot.waitUntil(lambda: len(updates) >= 5, timeout=10_000)
    with qtbot.waitSignal(panel.controller.ended, timeout=10_000):
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    # 200 epochs of 16 samples spread over the watchable time: never faster than that pace allows.
    settings = panel.controller.settings
    total = settings.epochs * 16
    latest = panel.controller.latest_update
    assert latest.samples_per_second <= 1.25 * total / panel.watchable_seconds + 16


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
