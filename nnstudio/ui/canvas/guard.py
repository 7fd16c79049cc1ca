"""Exceptions in methods that Qt calls (event handlers, paint) go to ``sys.excepthook``, once.

An exception escaping a Python override is stored by the binding and re-raised later in whatever Python
code called into Qt; when a second one arrives before that, PySide6 6.11 can crash while storing it.
Handing each exception to the excepthook (which prints it, and which pytest-qt turns into a test failure)
keeps the window alive and the report intact.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(method: Callable[P, R]) -> Callable[P, R | None]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(*args, **kwargs)
        except Exception:  # reported through the excepthook, not swallowed
            sys.excepthook(*sys.exc_info())
            return None

    return wrapper
