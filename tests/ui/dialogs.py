"""Answering the studio's modal dialogs from a test, the way a person would click their buttons."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def answer_next_dialog(respond: Callable[[QWidget], None], seen: list[str] | None = None) -> None:
    """When the next modal dialog opens, note its text in ``seen`` and let ``respond`` press a button."""
    deadline = time.monotonic() + 10

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None:
            if seen is not None:
                seen.append(widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle())
            respond(widget)
            # If the answer did not close it, the test fails on its assertions instead of hanging here.
            QTimer.singleShot(3000, widget, widget.close)
        elif time.monotonic() < deadline:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
