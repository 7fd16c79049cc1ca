"""Dropping a palette entry on the canvas adds what it describes where it lands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

from .binding import LOCKED_MESSAGE
from .edits import PALETTE_MIME, CanvasEditError, PaletteItem

if TYPE_CHECKING:
    from .view import NetworkCanvas


class PaletteDrops:
    """Accepts drags that carry a palette entry while the network may be edited, and adds on drop."""

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas

    def enter(self, event: QDragEnterEvent) -> None:
        live = self._canvas.binding.live
        if not event.mimeData().hasFormat(PALETTE_MIME) or live is None:
            event.ignore()
            return
        if live.locked:
            self._canvas.statusMessage.emit(LOCKED_MESSAGE)
            event.ignore()
            return
        event.acceptProposedAction()

    def move(self, event: QDragMoveEvent) -> None:
        live = self._canvas.binding.live
        if event.mimeData().hasFormat(PALETTE_MIME) and live is not None and not live.locked:
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        canvas = self._canvas
        mime = event.mimeData()
        if not mime.hasFormat(PALETTE_MIME) or canvas.binding.live is None:
            event.ignore()
            return
        try:
            item = PaletteItem.from_json(bytes(mime.data(PALETTE_MIME)))
        except CanvasEditError as exc:
            canvas.statusMessage.emit(f"Cannot add: {exc}")
            event.ignore()
            return
        ids = canvas.edit_actions.add_from_palette(item, canvas.mapToScene(event.position().toPoint()))
        if ids:
            event.acceptProposedAction()
        else:
            event.ignore()
