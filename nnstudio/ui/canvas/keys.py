"""The canvas's keys: delete, copy, paste, select all, zoom and fit, Esc, and Space to pan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

if TYPE_CHECKING:
    from .view import NetworkCanvas

# Keys the view scrolls with (a scroll by hand, like a pan).
SCROLL_KEYS = frozenset(
    {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    },
)


def handle_key_press(canvas: NetworkCanvas, event: QKeyEvent) -> bool:
    """Act on a canvas key and accept it; False for a key the view itself should handle."""
    key = event.key()
    ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
        canvas.delete_selection()
    elif event.matches(QKeySequence.StandardKey.Copy):
        canvas.copy_selection()
    elif event.matches(QKeySequence.StandardKey.Paste):
        canvas.paste()
    elif event.matches(QKeySequence.StandardKey.SelectAll):
        canvas.select_all()
    elif ctrl and key == Qt.Key.Key_0:
        canvas.fit_all()
    elif event.matches(QKeySequence.StandardKey.ZoomIn) or (ctrl and key == Qt.Key.Key_Equal):
        canvas.zoom_by(1.25)
    elif event.matches(QKeySequence.StandardKey.ZoomOut):
        canvas.zoom_by(0.8)
    elif key == Qt.Key.Key_Escape:
        if canvas.gestures.active:
            canvas.gestures.cancel()
        else:
            canvas.selection.set([], [])
    elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
        canvas.gestures.space_down = True
        canvas.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        canvas.hover.forget_cursor()
    else:
        if key in SCROLL_KEYS:
            canvas.zoom.manual_view_change()
        return False
    event.accept()
    return True


def handle_key_release(canvas: NetworkCanvas, event: QKeyEvent) -> bool:
    """Space released ends panning mode; False for a key the view itself should handle."""
    if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
        canvas.gestures.space_down = False
        if not canvas.gestures.panning:
            canvas.viewport().unsetCursor()
            canvas.hover.forget_cursor()
        event.accept()
        return True
    return False
