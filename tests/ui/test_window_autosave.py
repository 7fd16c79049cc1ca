"""Autosave and crash recovery: copies of unsaved work, never over the person's file, back after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from nnstudio.app import create_main_window
from nnstudio.document.autosave import AutosaveStore
from nnstudio.document.fileformat import document_to_bytes
from nnstudio.ui.autosave_controller import AutosaveController, RecoveryDialog
from nnstudio.ui.main_window import MainWindow

from .dialogs import answer_next_dialog

Button = QMessageBox.StandardButton
FAST_MS = 40


def click_child(name: str) -> Callable[[QWidget], None]:
    return lambda dialog: dialog.findChild(QWidget, name).click()


@pytest.fixture
def open_windows():
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        if window.isVisible():
            window.ask_save_changes = lambda: Button.Discard
            window.close()
        window.deleteLater()


def new_window(open_windows: list[MainWindow], qtbot, **options) -> MainWindow:
    window = create_main_window(autosave_interval_ms=FAST_MS, **options)
    window.show()
    qtbot.waitExposed(window)
    open_windows.append(window)
    return window


def edit_weight(qtbot, window: MainWindow, edge_id: str, text: str) -> None:
    window.canvas.select([], [edge_id])
    spin = window.inspector.weight.spin
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def test_a_modified_document_is_autosaved_and_the_copy_removed_on_save(qtbot, open_windows, tmp_path):
    window = new_window(open_windows, qtbot)
    store = window.autosave.store
    assert window.autosave.interval == FAST_MS
    assert MainWindow(None).autosave.interval == 120_000  # the default: every two minutes
    own_file = tmp_path / "camera.nnet"
    assert window.save_as(own_file)
    on_disk = own_file.read_bytes()
    qtbot.wait(3 * FAST_MS)
    assert store.recoverable() == []  # nothing unsaved, nothing written

    edit_weight(qtbot, window, "i0>h1_0", "-1.75")
    qtbot.waitUntil(lambda: len(store.recoverable()) == 1, timeout=5000)
    recovery = store.recoverable()[0]
    assert recovery.original_path == own_file.absolute()
    assert recovery.title == "The four-pixel camera"
    assert document_to_bytes(store.load(recovery)) == document_to_bytes(window.document)
    assert own_file.read_bytes() == on_disk  # the person's file is never touched by autosave

    assert window.save()
    assert store.recoverable() == []
    assert own_file.read_bytes() == document_to_bytes(window.document)


def test_undoing_back_to_the_saved_state_removes_the_copy(qtbot, open_windows):
    window = new_window(open_windows, qtbot)
    store = window.autosave.store
    edit_weight(qtbot, window, "i0>h1_0", "2")
    qtbot.waitUntil(lambda: len(store.recoverable()) == 1, timeout=5000)
    window.actions["undo"].trigger()
    qtbot.waitUntil(lambda: store.recoverable() == [], timeout=5000)


def test_discarding_and_a_clean_close_remove_the_copy(qtbot, open_windows):
    window = new_window(open_windows, qtbot)
    store = window.autosave.store
    edit_weight(qtbot, window, "i0>h1_0", "2")
    qtbot.waitUntil(lambda: len(store.recoverable()) == 1, timeout=5000)
    seen: list[str] = []
    answer_next_dialog(lambda box: box.button(Button.Discard).click(), seen)
    window.close()
    assert seen and not window.isVisible()
    assert store.recoverable() == []


_CRASHING_SESSION = r"""
import sys, time
from nnstudio.app import create_application, create_main_window
from nnstudio.ui.commands import SetWeights


app = create_application(["nnstudio"])
window = create_main_window(autosave_interval_ms=50)
window.show()
window.undo_stack.push(SetWeights(window.document.network, {"i0>h1_0": -3.25}))
store = window.autosave.store
while not store.recoverable():
    app.processEvents()
    time.sleep(0.01)
print("autosaved", flush=True)
while True:
    app.processEvents()
    time.sleep(0.05)
"""


def run_until_autosaved_then_kill(data_dir: Path, config_dir: Path) -> None:
    env = dict(
        os.environ,
        NNSTUDIO_DATA_DIR=str(data_dir),
        XDG_CONFIG_HOME=str(config_dir),
        QT_QPA_PLATFORM="offscreen",
    )
    process = subprocess.Popen(
        [sys.executable, "-c", _CRASHING_SESSION],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=60)
    try:
        assert lines == ["autosaved\n"], process.stderr.read() if process.poll() is not None else lines
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_after_a_kill_the_next_start_offers_the_work_back(qtbot, open_windows, tmp_path):
    data_dir = Path(os.environ["NNSTUDIO_DATA_DIR"])
    run_until_autosaved_then_kill(data_dir, Path(os.environ["XDG_CONFIG_HOME"]))
    store = AutosaveStore()
    assert len(store.recoverable()) == 1

    window = new_window(open_windows, qtbot)
    assert window.document.network.edges["i0>h1_0"].weight == 1.0
    seen: list[str] = []
    answer_next_dialog(click_child("recoverButton"), seen)
    assert window.offer_recovery()
    assert seen == ["Recover unsaved work"]
    assert window.document.network.edges["i0>h1_0"].weight == -3.25
    assert window.isWindowModified()
    assert window.windowTitle().replace("[*]", "*") == "The four-pixel camera* — nnstudio"
    # The copy stays until the work is saved or thrown away.
    assert len(store.recoverable()) == 1
    assert window.save_as(tmp_path / "recovered.nnet")
    assert store.recoverable() == []
    assert not window.isWindowModified()


def test_the_recovery_dialog_can_discard_or_wait(qtbot, open_windows, tmp_path):
    window = new_window(open_windows, qtbot)
    store = window.autosave.store
    for key in ("first", "second"):
        store.write(window.document, key, None)
    seen: list[str] = []
    answer_next_dialog(click_child("laterButton"), seen)
    assert not window.offer_recovery()
    assert len(store.recoverable()) == 2  # Later keeps them for next time

    dialog = RecoveryDialog(store, store.recoverable())
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2
    assert dialog.list.item(0).text().startswith("The four-pixel camera: autosaved ")
    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 1
    assert len(store.recoverable()) == 1
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert store.recoverable() == []
    assert dialog.result() == dialog.DialogCode.Rejected


def test_a_second_window_does_not_offer_the_first_ones_live_work(qtbot, open_windows, monkeypatch):
    first = new_window(open_windows, qtbot)
    store = first.autosave.store
    edit_weight(qtbot, first, "i0>h1_0", "2")
    qtbot.waitUntil(lambda: len(store.recoverable()) == 1, timeout=5000)
    second = new_window(open_windows, qtbot)
    offered: list[RecoveryDialog] = []
    monkeypatch.setattr(RecoveryDialog, "exec", lambda dialog: offered.append(dialog) or 0)
    assert not second.offer_recovery()
    assert offered == []  # no dialog: that copy belongs to a running session
    first.ask_save_changes = lambda: Button.Discard
    first.close()
    assert store.recoverable() == []


def test_marks_of_ended_sessions_are_cleared(qtbot, open_windows):
    window = new_window(open_windows, qtbot)
    folder = window.autosave.store.folder
    own_lock = folder / f"{window.autosave.key}.lock"
    assert own_lock.exists()
    # A session killed before it ever autosaved leaves only its lock, naming a process that is gone.
    leave_lock = (
        "import os, sys; from PySide6.QtCore import QLockFile; "
        "lock = QLockFile(sys.argv[1]); assert lock.tryLock(0); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", leave_lock, str(folder / "ended.lock")], check=True, timeout=60)
    assert (folder / "ended.lock").exists()
    window.offer_recovery()
    assert not (folder / "ended.lock").exists()
    assert own_lock.exists()


def test_the_first_unsaved_change_is_autosaved_within_seconds_then_on_the_interval(
    qtbot, open_windows, tmp_path
):
    """Issue 8: the first copy came one whole interval (two minutes) after opening, so a crash early in
    the work recovered nothing. Now it comes a few seconds after the first change."""
    window = new_window(open_windows, qtbot)
    controller = window.autosave
    controller._timer.setInterval(3_600_000)  # the interval alone would write nothing during this test
    assert controller.first_change_delay == AutosaveController.first_change_delay_ms == 3_000
    controller.first_change_delay = FAST_MS
    store = controller.store
    assert window.save_as(tmp_path / "camera.nnet")

    edit_weight(qtbot, window, "i0>h1_0", "-1.75")
    qtbot.waitUntil(lambda: len(store.recoverable()) == 1, timeout=5000)
    assert store.load(store.recoverable()[0]).network.edges["i0>h1_0"].weight == -1.75
    # A copy exists now: later changes wait for the interval instead of writing every few seconds.
    edit_weight(qtbot, window, "i0>h1_0", "2.5")
    assert not controller.write_pending()
    assert store.load(store.recoverable()[0]).network.edges["i0>h1_0"].weight == -1.75
    controller.tick()  # what the interval does
    assert store.load(store.recoverable()[0]).network.edges["i0>h1_0"].weight == 2.5

    # Saved, the copy goes; the next first change is again written within seconds.
    assert window.save()
    assert store.recoverable() == []
    edit_weight(qtbot, window, "i0>h1_0", "0.5")
    qtbot.waitUntil(lambda: len(store.recoverable()) == 1, timeout=5000)
    assert store.load(store.recoverable()[0]).network.edges["i0>h1_0"].weight == 0.5


def test_changes_in_quick_succession_are_written_once_they_pause(qtbot, open_windows):
    window = new_window(open_windows, qtbot)
    controller = window.autosave
    controller._timer.setInterval(3_600_000)
    controller.first_change_delay = 60_000  # long enough that nothing is written while the test runs
    written: list[Path] = []
    controller.saved.connect(written.append)
    for value in ("1.25", "2", "3"):
        edit_weight(qtbot, window, "i0>h1_0", value)
        assert controller.write_pending()
    assert written == []
    controller.first_change_delay = FAST_MS  # the pause: the pending write happens and holds the last change
    edit_weight(qtbot, window, "i0>h1_0", "4")
    qtbot.waitUntil(lambda: len(written) == 1, timeout=5000)
    store = controller.store
    assert store.load(store.recoverable()[0]).network.edges["i0>h1_0"].weight == 4.0
    assert not controller.write_pending()


def test_leftovers_of_killed_saves_are_removed_at_start(qtbot, open_windows, tmp_path):
    """A kill during a save leaves a hidden temporary file; the next start clears those of the autosave
    folder and of the file it opens, and nothing else."""
    long_ago = time.time() - 3600
    own = tmp_path / "camera.nnet"
    first = new_window(open_windows, qtbot)
    assert first.save_as(own)
    store = first.autosave.store
    store.folder.mkdir(parents=True, exist_ok=True)
    planted = [
        tmp_path / ".camera.nnet.1a2b3c4d.tmp",
        tmp_path / ".camera.nnet~.1a2b3c4d.tmp",
        store.folder / ".0f0f.nnet.1a2b3c4d.tmp",
        store.folder / ".0f0f.json.1a2b3c4d.tmp",
    ]
    kept = [tmp_path / ".camera.nnet.swp", tmp_path / ".other.nnet.1a2b3c4d.tmp"]
    for path in planted + kept:
        path.write_bytes(b"partial")
        os.utime(path, (long_ago, long_ago))

    window = new_window(open_windows, qtbot, path=own)
    window.offer_recovery()  # what the studio does as it starts
    assert [p for p in planted if p.exists()] == []
    assert all(p.exists() for p in kept)


def test_killed_seconds_after_the_first_edit_the_next_start_recovers_it(tmp_path):
    """The in-suite run of tests/stress/crash_recovery.py (20 trials there, at the real 3 s delay): here the
    first copy is due 0.3 s after the first change, and the kill comes 2 s after it."""
    from tests.stress.crash_recovery import run_trial

    trial = run_trial(tmp_path, kill_after=2.0, first_change_delay="300")
    assert trial.recovered, trial.problem
    assert 1 <= trial.edits_recovered <= trial.edits_made
