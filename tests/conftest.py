"""Test-wide setup: Qt without a screen; user folders (settings, autosave) inside each test's tmp_path.

And what every test must leave as it found it, checked after each one:
- Qt said nothing wrong: a warning or critical message from Qt fails the test (except the few harmless
  ones in HARMLESS_QT_MESSAGES, each with the reason it is harmless);
- no thread it started still runs (a QThread destroyed while running aborts the process);
- no window it opened is still showing (it is closed here, so the next test starts clean; a window a
  module-wide fixture shares between tests was showing before the test and is left alone); what it closed
  with deleteLater is deleted before the next test.

Python's garbage is collected on the main thread, between events, as in the studio (after each test and on the
studio's timer), never wherever an allocation happens to start a collection.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import re  # noqa: E402
import threading  # noqa: E402
import weakref  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QThread, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip, QWidget  # noqa: E402
from shiboken6 import isValid  # noqa: E402

# Qt messages that say nothing about nnstudio, each allowed for the reason given. Keep this list short.
HARMLESS_QT_MESSAGES = [
    # The offscreen platform the tests run on has no window manager to hand a window's size hints to, or to
    # raise a window with; on a desktop both work, and no test depends on either.
    re.compile(r"^This plugin does not support propagateSizeHints\(\)$"),
    re.compile(r"^This plugin does not support raise\(\)$"),
    # Nor a keyboard for a popup (a combo box's list, a menu) to grab; the popup works the same without.
    re.compile(r"^This plugin does not support grabbing the keyboard$"),
]
FAILING_QT_MESSAGES = {QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}
# How long a test's leftover thread is given to stop before the next test starts (it fails either way).
LEFTOVER_THREAD_WAIT_S = 5.0

_started_qthreads: "weakref.WeakSet[QThread]" = weakref.WeakSet()
_qthread_start = QThread.start


def _start_and_remember(thread: QThread, *args, **kwargs):
    _started_qthreads.add(thread)
    return _qthread_start(thread, *args, **kwargs)


# Qt has no list of the threads it runs; every QThread started from Python is remembered here instead.
QThread.start = _start_and_remember


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path, monkeypatch):
    data = tmp_path / "user-data"
    config = tmp_path / "user-config"
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    yield


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item):
    """The collector's timer stops as the test returns (before pytest-qt handles its last events): what the
    test held in cycles, its shown widgets too, waits for Qt to close and delete them at teardown."""
    try:
        return (yield)
    finally:
        collector = getattr(QApplication.instance(), "_nnstudio_garbage_collector", None)
        if collector is not None:
            collector.timer.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """No collection of Python's cycles while a test is torn down, until Qt has deleted what it closed.

    pytest-qt closes a test's widgets with ``deleteLater`` and then handles events. Had the collector's
    timer fired then, it would have cleared a closed canvas's attributes while Qt still held the canvas,
    and Qt, deleting it, would call its Python methods on an object with none left: errors, then a crash.
    The timer waits until the deferred deletes are done (in ``_leaves_qt_clean``)."""
    collector = getattr(QApplication.instance(), "_nnstudio_garbage_collector", None)
    if collector is not None:
        collector.timer.stop()
    try:
        return (yield)
    finally:
        if collector is not None:
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            collector.timer.start()


@pytest.fixture(scope="session")
def _garbage_collector(qapp):
    """The studio's own garbage collection on the GUI thread (nnstudio.app.collect_garbage_on_gui_thread)."""
    from nnstudio.app import collect_garbage_on_gui_thread

    return collect_garbage_on_gui_thread(qapp)


@pytest.fixture(autouse=True)
def _leaves_qt_clean(_garbage_collector):
    """Fail the test on a Qt warning, a thread still running or a window still showing after it."""
    problems: list[str] = []

    def handler(kind: QtMsgType, context, message: str) -> None:
        if kind in FAILING_QT_MESSAGES and not any(p.search(message) for p in HARMLESS_QT_MESSAGES):
            problems.append(f"Qt {kind.name}: {message}")
        if previous is not None:
            previous(kind, context, message)

    previous = qInstallMessageHandler(handler)
    python_threads = set(threading.enumerate())
    qthreads = set(_started_qthreads)
    windows = _showing_windows()
    try:
        yield
        problems.extend(_leftover_threads(python_threads, qthreads))
        problems.extend(_leftover_windows(windows))
        # What the test (or its fixtures) closed with deleteLater goes now, not in a later test's event loop.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        _garbage_collector.check()
    finally:
        qInstallMessageHandler(previous)
    if problems:
        pytest.fail("The test did not leave Qt clean:\n" + "\n".join(problems[:20]), pytrace=False)


def _leftover_threads(python_before: set[threading.Thread], qt_before: set[QThread]) -> list[str]:
    found: list[str] = []
    for thread in list(_started_qthreads):
        if thread in qt_before or not isValid(thread) or not thread.isRunning():
            continue
        found.append(f"a QThread still runs: {thread!r} ({thread.objectName() or 'unnamed'})")
        thread.quit()
        thread.wait(round(LEFTOVER_THREAD_WAIT_S * 1000))
    for thread in threading.enumerate():
        if thread in python_before or not thread.is_alive():
            continue
        found.append(f"a Python thread still runs: {thread.name}")
        thread.join(LEFTOVER_THREAD_WAIT_S)
    return found


def _showing_windows() -> set[QWidget]:
    if QApplication.instance() is None:
        return set()
    return {widget for widget in QApplication.topLevelWidgets() if widget.isVisible()}


def _leftover_windows(before: set[QWidget]) -> list[str]:
    if QApplication.instance() is None:
        return []
    QToolTip.hideText()  # a tooltip hides itself after a while; it is not a window left open
    found: list[str] = []
    for widget in _showing_windows() - before:
        name = widget.objectName() or type(widget).__name__
        title = widget.windowTitle()
        found.append(f"a window is still showing: {name}" + (f" ({title!r})" if title else ""))
        widget.close()
        widget.hide()  # even one whose closeEvent refused
        widget.deleteLater()
    return found


def pytest_sessionfinish(session, exitstatus):
    """Empty the clipboard before the process ends: with a copy of a network still on it, Qt's teardown at
    exit crashes the process (status 139) after every test has passed."""
    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()
