"""What the windows that work on the network's input picture share (Dream, Fool the Network): the window's
live network, read anew each time (another document may have been opened), and its picture's shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from nnstudio.ui.kernel_lab import named

if TYPE_CHECKING:
    from nnstudio.ui.live import LiveNetwork


class PictureToolWindow(QWidget):
    """A tool window of its own, named ``object_name`` and titled ``title``, on the window's live network."""

    def __init__(
        self, live: Callable[[], LiveNetwork], object_name: str, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        named(self, object_name, title)
        self.setWindowTitle(title)
        self._live = live

    @property
    def live(self) -> LiveNetwork:
        return self._live()

    def grid(self) -> tuple[int, int] | None:
        """The input picture's (width, height), or None when the network's inputs are no picture."""
        doc = self.live.document
        grid = tuple(doc.grid) if doc.grid is not None else None
        if grid is not None and grid[0] * grid[1] == self.live.n_inputs:
            return grid  # type: ignore[return-value]
        return None

    def value_range(self) -> tuple[float, float]:
        low, high = self.live.document.value_range
        return float(low), float(high)
