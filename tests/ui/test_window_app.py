"""Starting the studio: the binding guard, the application's identity, opening files, reporting errors."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from nnstudio import app as studio_app
from nnstudio.app import ErrorReporter, create_application, create_main_window, error_log_path, run_gui
from nnstudio.document.fileformat import save_document
from nnstudio.examples import load_example
from nnstudio.ui.commands import SetWeights

from .dialogs import answer_next_dialog

Button = QMessageBox.StandardButton


@pytest.fixture
def windows():
    made = []
    yield made
    for window in made:
        window.ask_save_changes = lambda: Button.Discard
        window.close()
        window.deleteLater()


def test_a_broken_binding_stops_the_start_with_the_fix(monkeypatch, capsys):
    shown: list[str] = []
    message = "PySide6 6.12.0 is broken here. pip install ..."
    monkeypatch.setattr(studio_app, "check_qt_binding", lambda: message)
    monkeypatch.setattr(studio_app, "_show_refusal", shown.append)
    assert run_gui() == 1
    assert "PySide6 6.12.0 is broken here" in capsys.readouterr().err
    assert shown == [message]


def test_the_application_says_who_it_is(qapp):
    app = create_application()
    assert app is qapp
    assert app.applicationName() == "nnstudio"
    assert app.organizationName() == "nnstudio"
    assert app.desktopFileName() == "nnstudio"
    assert not app.windowIcon().isNull()


def test_python_garbage_is_collected_on_the_gui_thread_only(qtbot):
    """A collection frees widgets held in reference cycles, and Qt must delete a widget on the GUI thread, outside
    whatever it is doing with it: the training thread allocating must never start one."""
    gc.enable()
    create_application()
    assert not gc.isenabled()
    freed_in: list[threading.Thread] = []

    class Cycle:
        pass

    garbage = Cycle()
    garbage.itself = garbage
    weakref.finalize(garbage, lambda: freed_in.append(threading.current_thread()))
    del garbage
    # Far more new objects than it takes to start a collection where the collector runs by itself.
    made: list[list[list]] = []
    worker = threading.Thread(target=lambda: made.extend([[] for _ in range(10)] for _ in range(100_000)))
    worker.start()
    worker.join()
    assert freed_in == []
    qtbot.waitUntil(lambda: bool(freed_in), timeout=3000)
    assert freed_in == [threading.main_thread()]
    made.clear()


def test_a_file_given_at_start_opens(qtbot, windows, tmp_path):
    path = tmp_path / "festival.nnet"
    save_document(load_example("festival"), path)
    window = create_main_window(path)
    windows.append(window)
    assert window.windowTitle() == "festival.nnet[*] — nnstudio"
    assert window.recent_files() == [path.absolute()]
    titles = [dock.windowTitle() for dock in window.panels()]
    assert titles == [
        "Drawing pad",
        "Samples",
        "Training",
        "Answer",
        "Error table",
        "Dataset",
        "Animation",
        "Challenges",
    ]
    window.show()
    # Docks sharing a place are tabs, the first of each showing.
    assert window.tabifiedDockWidgets(window.inspector_dock) == [window.panels()[2], window.panels()[7]]
    assert not window.inspector_dock.visibleRegion().isEmpty()
    assert window.panels()[2].visibleRegion().isEmpty()


def test_a_missing_file_at_start_opens_an_empty_window_and_says_why(qtbot, windows, tmp_path):
    seen: list[str] = []
    answer_next_dialog(lambda box: box.button(Button.Ok).click(), seen)
    window = create_main_window(tmp_path / "nowhere.nnet")
    windows.append(window)
    window.show()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "there is no such file" in seen[0]
    assert window.windowTitle() == "Untitled[*] — nnstudio"
    assert len(window.document.network.neurons) == 0


def test_a_file_a_panel_cannot_show_at_start_opens_an_empty_window_and_says_why(
    qtbot, windows, tmp_path, monkeypatch
):
    from nnstudio.ui.training.panel import TrainingPanel

    path = tmp_path / "learner.nnet"
    save_document(load_example("four-pixel-learner"), path)
    bind = TrainingPanel.bind

    def refuse(self, live, stack):
        if len(live.document.network.neurons):
            raise ValueError("this panel cannot show that network")
        bind(self, live, stack)

    monkeypatch.setattr(TrainingPanel, "bind", refuse)
    seen: list[str] = []
    answer_next_dialog(lambda box: box.button(Button.Ok).click(), seen)
    window = create_main_window(path)
    windows.append(window)
    window.show()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "cannot show that network" in seen[0]
    assert window.windowTitle() == "Untitled[*] — nnstudio"
    assert len(window.document.network.neurons) == 0


def test_an_error_in_a_slot_shows_a_short_message_and_is_logged(qtbot, windows, monkeypatch):
    window = create_main_window()
    windows.append(window)
    window.show()
    window.undo_stack.push(SetWeights(window.document.network, {"i0>h1_0": 0.75}))
    reporter = ErrorReporter(error_log_path(), before_dialog=window.autosave.write_now)
    seen: list[str] = []
    answer_next_dialog(lambda box: box.button(Button.Ok).click(), seen)
    try:
        print(1 / 0)
    except ZeroDivisionError as exc:
        reporter(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)  # the message is queued, shown by the event loop
    assert seen[0].startswith("Something went wrong: division by zero")
    assert "Your work is autosaved" in seen[0]
    assert "Traceback" not in seen[0]
    log = error_log_path().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "ZeroDivisionError" in log
    assert len(window.autosave.store.recoverable()) == 1  # autosaved before the message
    # The same error again at once is logged but not shown again.
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: seen.append(args[2]))
    try:
        print(1 / 0)
    except ZeroDivisionError as exc:
        reporter(type(exc), exc, exc.__traceback__)
    assert len(seen) == 1
    assert error_log_path().read_text(encoding="utf-8").count("ZeroDivisionError: division by zero") == 2


@pytest.mark.qt_no_exception_capture
def test_the_hook_catches_exceptions_raised_in_qt_slots(qtbot):
    reporter = ErrorReporter(error_log_path(), show_dialogs=False)
    reporter.install()
    try:

        def broken_slot() -> None:
            raise RuntimeError("a slot failed")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: error_log_path().exists(), timeout=5000)
    finally:
        reporter.uninstall()
    assert "RuntimeError: a slot failed" in error_log_path().read_text(encoding="utf-8")
