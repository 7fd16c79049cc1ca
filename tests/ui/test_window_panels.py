"""The window's contract with its docked panels: bound to each document, asked before closing, then stopped."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from nnstudio.app import create_main_window
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.panel import Panel


class RunningPanel(Panel):
    """A panel with work running: it lets the window close only once it is told it may stop."""

    def __init__(self) -> None:
        super().__init__()
        self.bound_to: list[str] = []
        self.may_stop = False
        self.asked = 0
        self.stopped = False

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        self.bound_to.append(live.document.title)

    def confirm_stop_for_close(self, parent: QWidget | None = None) -> bool:
        self.asked += 1
        return self.may_stop

    def shutdown(self) -> None:
        self.stopped = True


@pytest.fixture
def window(qtbot):
    win = create_main_window()
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.isVisible():
        win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        win.close()
    win.deleteLater()


def test_a_panel_must_say_how_it_binds():
    with pytest.raises(TypeError, match="does not define bind"):

        class Forgetful(Panel):
            pass


def test_a_docked_panel_is_bound_at_once_and_again_for_a_new_document(window):
    panel = RunningPanel()
    window.add_panel(panel, "Running", Qt.DockWidgetArea.RightDockWidgetArea, "runningDock")
    assert panel.bound_to == [window.document.title]
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.new_document()
    assert len(panel.bound_to) == 2
    panel.may_stop = True  # its work is done: the window may close at the end of the test


def test_a_panel_with_work_running_keeps_the_window_open_until_it_may_stop(window):
    panel = RunningPanel()
    window.add_panel(panel, "Running", Qt.DockWidgetArea.RightDockWidgetArea, "runningDock")
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard

    window.close()
    assert window.isVisible()
    assert panel.asked == 1 and not panel.stopped

    panel.may_stop = True
    window.close()
    assert not window.isVisible()
    assert panel.stopped


def test_the_standard_panels_are_panels(window):
    assert len(window.panels()) == 8
    for dock in window.panels():
        assert isinstance(window.panel_widget(dock.objectName()), Panel)
