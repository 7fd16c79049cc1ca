"""The start-up guard against a Qt binding that leaks references to None."""

import ctypes
import sys

import pytest

from nnstudio import qt_guard


def test_installed_binding_passes():
    assert qt_guard.check_qt_binding() is None


def test_real_probe_loses_no_reference():
    assert qt_guard.none_references_lost(qt_guard._qpointf_probe()) < qt_guard.PROBE_CALLS // 2


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_leaky_binding_is_refused_with_the_fix():
    decref = ctypes.pythonapi.Py_DecRef
    decref.argtypes = [ctypes.py_object]
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    dropped = 0

    def leaky_call() -> None:
        nonlocal dropped
        decref(None)
        dropped += 1

    try:
        message = qt_guard.check_qt_binding(probe=leaky_call)
    finally:
        for _ in range(dropped):
            incref(None)
    assert message is not None
    assert "leaks a reference to None" in message
    assert "pip install 'PySide6-Essentials!=6.12.0'" in message
    assert "Python 3.12" in message


def test_missing_binding_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "PySide6", None)
    message = qt_guard.check_qt_binding()
    assert message is not None
    assert "could not be imported" in message
    assert "PySide6-Essentials!=6.12.0" in message
