"""Signal bookkeeping for views: the links a view made to a model, and silence while syncing from it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject


class SignalLinks:
    """The connections a view made to one LiveNetwork, so that binding another one can undo exactly them."""

    def __init__(self) -> None:
        self._links: list[tuple[Any, Callable[..., Any]]] = []

    def connect(self, signal: Any, slot: Callable[..., Any]) -> None:
        signal.connect(slot)
        self._links.append((signal, slot))

    def disconnect_all(self) -> None:
        for signal, slot in self._links:
            with contextlib.suppress(RuntimeError, TypeError):  # the other object may be gone already
                signal.disconnect(slot)
        self._links.clear()


@contextlib.contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Silence widgets while they are set from the model, so syncing never looks like a user's edit."""
    previous = [obj.blockSignals(True) for obj in objects]
    try:
        yield
    finally:
        for obj, was_blocked in zip(objects, previous, strict=True):
            obj.blockSignals(was_blocked)
