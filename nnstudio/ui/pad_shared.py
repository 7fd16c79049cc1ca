"""What the drawing pad's parts share: how a widget is named, and which key takes back a stroke."""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from nnstudio.ui.plain_text import plain_tooltip


def named(widget: QWidget, object_name: str, accessible: str, tip: str = "") -> None:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(plain_tooltip(tip))  # tips name inputs, whose names come from the file


def is_undo_key(event: QKeyEvent) -> bool:
    return event.matches(QKeySequence.StandardKey.Undo)
