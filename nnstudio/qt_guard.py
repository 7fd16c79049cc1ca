"""Refuse to start on a Qt binding that would crash the studio, with a message that says what to do.

PySide6 6.12.0 on CPython 3.11 drops one reference to ``None`` on every Qt call that returns nothing, so any
real session aborts within seconds with "Fatal Python error: none_dealloc". A couple of hundred cheap calls
show the leak long before it is fatal (``None`` starts with thousands of references). From CPython 3.12 on,
``None`` is immortal and the leak is harmless.

This module imports Qt only inside :func:`check_qt_binding`, so it can report a missing binding too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

PROBE_CALLS = 200

FIX_HINT = (
    "Install a working binding with: pip install 'PySide6-Essentials!=6.12.0' "
    "(or run nnstudio with Python 3.12 or newer)."
)


def none_references_lost(call: Callable[[], object], calls: int = PROBE_CALLS) -> int:
    """How many references to ``None`` vanished while ``call`` ran ``calls`` times (0 for a sound binding)."""
    before = sys.getrefcount(None)
    for _ in range(calls):
        call()
    return before - sys.getrefcount(None)


def _qpointf_probe() -> Callable[[], object]:
    from PySide6.QtCore import QPointF

    point = QPointF()
    return lambda: point.setX(1.0)


def check_qt_binding(probe: Callable[[], object] | None = None) -> str | None:
    """None when the installed PySide6 is safe to use, else a message saying what is wrong and what to do.

    ``probe`` is a void Qt call to repeat; by default ``QPointF.setX``.
    """
    try:
        import PySide6
        from PySide6 import QtCore  # noqa: F401
    except ImportError as exc:
        return f"nnstudio needs PySide6 (Qt for Python), which could not be imported: {exc}. {FIX_HINT}"
    version = getattr(PySide6, "__version__", "unknown")
    immortal_none = sys.version_info >= (3, 12)
    if immortal_none and probe is None:
        return None
    call = probe if probe is not None else _qpointf_probe()
    lost = none_references_lost(call)
    # Other threads may touch None meanwhile; a broken binding loses one reference per call.
    if lost >= PROBE_CALLS // 2:
        python = ".".join(map(str, sys.version_info[:3]))
        return (
            f"The installed PySide6 {version} is broken on Python {python}: every Qt call leaks "
            f"a reference to None ({lost} lost in {PROBE_CALLS} calls), "
            f"so nnstudio would crash within seconds. {FIX_HINT}"
        )
    return None
