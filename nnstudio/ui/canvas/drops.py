"""Dropping a palette entry on the canvas adds what it describes where it lands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

from .binding import LOCKED_MESSAGE
from .edits import PALETTE_MIME, CanvasEditError, PaletteItem
from .feature_maps import KERNEL_MIME

if TYPE_CHECKING:
    from .view import NetworkCanvas


class PaletteDrops:
    """Accepts drags that carry a palette entry while the network may be edited, and adds on drop."""

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas

    def enter(self, event: QDragEnterEvent) -> None:
        live = self._canvas.binding.live
        if not _carries_ours(event) or live is None:
            event.ignore()
            return
        if live.locked:
            self._canvas.statusMessage.emit(LOCKED_MESSAGE)
            event.ignore()
            return
        event.acceptProposedAction()

    def move(self, event: QDragMoveEvent) -> None:
        live = self._canvas.binding.live
        if _carries_ours(event) and live is not None and not live.locked:
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        canvas = self._canvas
        mime = event.mimeData()
        if mime.hasFormat(KERNEL_MIME) and canvas.binding.live is not None:
            # A kernel from the kernel lab, dropped on a convolutional layer's maps or kernels.
            at = canvas.mapToScene(event.position().toPoint())
            said = canvas.scene().feature_maps.drop_kernel(
                at.x(), at.y(), bytes(mime.data(KERNEL_MIME)), canvas.binding.push
            )
            taken, message = said or (False, "Drop a kernel on a convolutional layer's maps")
            canvas.statusMessage.emit(message)
            if taken:
                event.acceptProposedAction()
            else:
                event.ignore()
            return
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


def _carries_ours(event: QDragEnterEvent | QDragMoveEvent) -> bool:
    """A palette entry, or a kernel from the kernel lab."""
    mime = event.mimeData()
    return mime.hasFormat(PALETTE_MIME) or mime.hasFormat(KERNEL_MIME)
