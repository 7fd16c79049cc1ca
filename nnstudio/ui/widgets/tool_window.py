"""What the tool windows (Kernel Lab, Dream, Fool the Network, Error Landscape, Slope, how a feature map is
made) share: the keys that close a window, and a place to open on a small screen that leaves the canvas and
the drawing pad in view.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

# On a small screen a tool window opens over the main window's right column, no wider than this share of
# the main window (nor narrower than RIGHT_COLUMN_MIN_WIDTH): the canvas and the pad stay in view beside it.
RIGHT_COLUMN_SHARE = 0.34
RIGHT_COLUMN_MIN_WIDTH = 340
# A tool that works on the pad's picture (Dream, Fool the Network) may cover the canvas but not the pad on
# the left: it takes up to this share of a small main window.
BESIDE_PAD_SHARE = 0.75
# A main window at least this wide has room for the tool at its own width beside most of the canvas.
ROOMY_WIDTH = 1600


def close_with_keys(window: QWidget) -> list[QShortcut]:
    """Escape closes ``window``, and so does the platform's key for closing a window (Ctrl+W, Ctrl+F4 on
    Windows). The keys work anywhere in the window; a cell being edited still takes Escape to cancel the
    edit first, as Qt's item editors claim it."""
    sequences = [QKeySequence(Qt.Key.Key_Escape), *QKeySequence.keyBindings(QKeySequence.StandardKey.Close)]
    shortcuts = []
    for sequence in sequences:
        shortcut = QShortcut(sequence, window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(window.close)
        shortcuts.append(shortcut)
    return shortcuts


def place_over_right_column(
    tool: QWidget, window: QWidget, width: int, height: int, share: float = RIGHT_COLUMN_SHARE
) -> None:
    """Open ``tool`` (at most ``width`` x ``height``) along the right edge of ``window``, over its right
    column rather than its canvas and pad: no wider than ``share`` of the window on a small screen, at its
    own width on a roomy one."""
    frame = window.geometry()
    if frame.width() < ROOMY_WIDTH:
        width = min(width, max(RIGHT_COLUMN_MIN_WIDTH, round(frame.width() * share)))
    height = min(height, max(360, frame.height() - 60))
    width = max(width, tool.minimumSizeHint().width())
    tool.resize(width, height)
    # A tool that cannot be made that narrow keeps its right edge on the window's, growing leftwards.
    tool.move(frame.right() - width - 8, frame.top() + 40)
