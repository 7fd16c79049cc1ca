"""What the main window asks of a docked panel: follow a document, and let the window close.

Every panel the window docks (the pad, samples, training, answer, error table, dataset, animation, the
inspector) is a :class:`Panel`. The window binds each one to the open document's live network and undo
stack, binds it again whenever another document is opened, and before closing asks each panel whether it
may close and then tells it to stop.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from nnstudio.ui.live import LiveNetwork


class Panel(QWidget):
    """A widget the window docks and binds to each document in turn.

    A subclass must define :meth:`bind`; it is checked when the subclass is defined. The two closing
    methods have answers that fit a panel running nothing in the background.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.bind is Panel.bind:
            raise TypeError(f"{cls.__name__} is a Panel but does not define bind(live, undo_stack)")

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """Show ``live``'s document and push edits on ``undo_stack``, forgetting the previous document."""
        raise NotImplementedError(f"{type(self).__name__}.bind")

    def confirm_stop_for_close(self, parent: QWidget | None = None) -> bool:
        """Whether the window may close now; a panel with work running asks the person to stop it first."""
        return True

    def shutdown(self) -> None:
        """Stop work running in the background before the window closes; a plain view has none."""
