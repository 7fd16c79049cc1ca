"""The canvas's tie to one document: its live network, its undo stack, and the events the canvas follows."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtGui import QUndoCommand, QUndoStack

from .guard import reports_errors

if TYPE_CHECKING:
    from nnstudio.document.model import Document
    from nnstudio.engine.graph import Network
    from nnstudio.ui.live import LiveNetwork

    from .view import NetworkCanvas

LOCKED_MESSAGE = "Stop training to edit the network"
# The network's (Qt-free) events the canvas follows; each goes to the canvas's ``_on_<name>``.
NETWORK_EVENTS = ("structure", "neurons", "weights", "parameters")


def _network_callback(canvas: NetworkCanvas, method: str) -> Callable[..., None]:
    """A callback for the network's (Qt-free) events that does nothing once the canvas is gone."""
    ref = weakref.ref(canvas)

    @reports_errors
    def callback(*args: object) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            getattr(target, method)(*args)

    return callback


class CanvasBinding:
    """The live network and undo stack a canvas shows and edits, and its connections to their events.

    Every edit goes through :meth:`push`; :meth:`refuse_if_locked` says why an edit cannot be made now.
    """

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._callbacks: dict[str, Callable[..., None]] = {}

    def attach(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """Follow ``live``'s values, its lock and its network's events (after :meth:`detach` of the old one)."""
        canvas = self._canvas
        self.live = live
        self.undo_stack = undo_stack
        live.valuesChanged.connect(canvas._on_values)
        live.lockedChanged.connect(canvas._on_locked)
        # A training frame's weights reach the live plan without the network: the connections redraw from
        # the plan as after the network's own ``parameters`` event.
        live.parametersShown.connect(canvas._on_parameters)
        events = live.document.network.events
        self._callbacks = {name: _network_callback(canvas, f"_on_{name}") for name in NETWORK_EVENTS}
        for name, callback in self._callbacks.items():
            getattr(events, name).connect(callback)
        # A move is the layout's, not the network's: the canvas places the neurons again, as for a rename.
        live.document.layout.events.moved.connect(self._callbacks["neurons"])
        # Undo moves the stack's index after the network's event: a message about the undone edit goes then.
        undo_stack.indexChanged.connect(canvas._on_undo_index)

    def detach(self) -> None:
        if self.live is None:
            return
        canvas = self._canvas
        for signal, slot in (
            (self.live.valuesChanged, canvas._on_values),
            (self.live.lockedChanged, canvas._on_locked),
            (self.live.parametersShown, canvas._on_parameters),
        ):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        events = self.live.document.network.events
        for name, callback in self._callbacks.items():
            getattr(events, name).disconnect(callback)
        self.live.document.layout.events.moved.disconnect(self._callbacks["neurons"])
        if self.undo_stack is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.undo_stack.indexChanged.disconnect(canvas._on_undo_index)
        self._callbacks = {}
        self.live = None
        self.undo_stack = None

    @property
    def document(self) -> Document:
        return self.live.document  # type: ignore[union-attr]

    @property
    def network(self) -> Network:
        return self.live.document.network  # type: ignore[union-attr]

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)  # type: ignore[union-attr]

    def refuse_if_locked(self) -> bool:
        """True when nothing may be edited now: no network, or training runs (then the person is told)."""
        if self.live is None:
            return True
        if self.live.locked:
            self._canvas.statusMessage.emit(LOCKED_MESSAGE)
            return True
        return False
