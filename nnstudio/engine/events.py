"""A tiny observer, so the model can announce changes without knowing who listens (or that Qt exists)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks; ``emit`` calls each with the same arguments, in the order they connected."""

    __slots__ = ("_callbacks", "_blocked")

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []
        self._blocked = 0

    def connect(self, callback: Callable[..., Any]) -> None:
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        if self._blocked:
            return
        for callback in list(self._callbacks):
            callback(*args)

    def __len__(self) -> int:
        return len(self._callbacks)


class NetworkEvents:
    """What a :class:`~nnstudio.engine.graph.Network` announces.

    - ``structure()``: neurons or edges were added or removed (recompile; rebuild views).
    - ``neurons(ids)``: properties of these neurons changed (bias, activation, role, label).
      A new label counts no revision of the network: nothing needs computing again. (A move is not the
      network's: the document's layout announces it.)
    - ``weights(ids)``: weights or frozen flags of these edges changed.
    - ``parameters()``: many weights and biases changed at once (training, randomising).
    """

    def __init__(self) -> None:
        self.structure = Event()
        self.neurons = Event()
        self.weights = Event()
        self.parameters = Event()
