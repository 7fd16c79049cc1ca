"""How the Training panel names its widgets: an object name to find each by, and a name for screen readers."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

NamedWidget = TypeVar("NamedWidget", bound=QWidget)


def named(widget: NamedWidget, name: str, accessible: str) -> NamedWidget:
    """``widget`` with its object name and accessible name set."""
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget
