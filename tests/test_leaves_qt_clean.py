"""The checks tests/conftest.py runs after every test: a Qt warning, a thread still running or a window still
showing fails the test that left it; the few harmless Qt messages do not.

Run in a separate pytest process on tests written to fail, with a copy of the suite's conftest.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

LEAVING_THINGS_BEHIND = """
import threading

from PySide6.QtCore import QThread, qCritical, qWarning
from PySide6.QtWidgets import QWidget

KEPT = []


def test_a_qt_warning():
    qWarning("something is wrong")


def test_a_qt_critical_message():
    qCritical("something is badly wrong")


def test_a_harmless_message_of_the_offscreen_platform():
    qWarning("This plugin does not support raise()")


def test_a_window_left_showing(qapp):
    window = QWidget()
    window.setObjectName("forgottenWindow")
    window.show()
    KEPT.append(window)


def test_a_window_closed_in_time(qapp):
    window = QWidget()
    window.show()
    window.close()
    KEPT.append(window)


def test_a_qthread_left_running(qapp):
    thread = QThread()
    thread.setObjectName("forgottenThread")
    thread.start()
    KEPT.append(thread)


def test_a_python_thread_left_running():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, args=(0.2,), name="forgotten thread")
    thread.start()
"""


def test_what_a_test_leaves_behind_fails_it(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_leaving.py").write_text(LEAVING_THINGS_BEHIND)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    out = done.stdout
    # Each test's own body passes; what it left behind fails it after it ends (an error at teardown).
    assert "7 passed, 5 errors" in out, out
    for name in ("harmless_message_of_the_offscreen_platform", "window_closed_in_time"):
        assert f"ERROR test_leaving.py::test_a_{name}" not in out
    for name in (
        "qt_warning",
        "qt_critical_message",
        "window_left_showing",
        "qthread_left_running",
        "python_thread_left_running",
    ):
        assert f"ERROR test_leaving.py::test_a_{name}" in out
    assert "Qt QtWarningMsg: something is wrong" in out
    assert "Qt QtCriticalMsg: something is badly wrong" in out
    assert "a window is still showing: forgottenWindow" in out
    assert "a QThread still runs" in out and "forgottenThread" in out
    assert "a Python thread still runs: forgotten thread" in out
