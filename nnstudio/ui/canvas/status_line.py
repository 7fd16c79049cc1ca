"""What the canvas last told the status bar, and how to tell it again.

A status message describes something: the weight under the pointer, the connection just made, the editor
that is open. When that thing changes (the weight is set to another value, Undo takes the connection away,
the editor closes), a message left as it was would tell the person something no longer true. So each
message comes with a way to say it again now; after every change the canvas asks for it, and the status bar
gets the new words, or is cleared when there is nothing to say any more. A message someone else has put in
the status bar since is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from .view import NetworkCanvas

# Says a message again as things are now: the same words, new ones, or "" when it no longer applies.
Again = Callable[[], str]


class StatusLine:
    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas
        self._said = ""
        self._again: Again | None = None

    def say(self, text: str, again: Again | None = None) -> None:
        """Show ``text``; ``again`` says it as things are after a change (None: it stays true, like a
        refusal, and goes when the status bar's time for it runs out)."""
        self._said, self._again = text, again
        self._canvas.statusMessage.emit(text)

    def say_until_undone(self, text: str) -> None:
        """Show ``text`` about the edit just made: it goes when the edit is undone or another one made."""
        stack = self._canvas.binding.undo_stack
        if stack is None:
            self.say(text)
            return
        index = stack.index()
        self.say(text, lambda: text if stack.index() == index else "")

    def refresh(self) -> None:
        """Something changed: say the message again in its new words, or take it back."""
        again = self._again
        if not self._said or again is None:
            return
        if not self._still_shown():
            self._said, self._again = "", None
            return
        text = again()
        if text != self._said:
            self._said = text
            self._canvas.statusMessage.emit(text)
        if not text:
            self._again = None

    def _still_shown(self) -> bool:
        """Whether the status bar still shows this message (a canvas outside a window has none to ask)."""
        window = self._canvas.window()
        if not isinstance(window, QMainWindow):
            return True
        return window.statusBar().currentMessage() == self._said
