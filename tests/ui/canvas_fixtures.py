"""A canvas on screen, bound to a document, and what it shows: shared by the canvas tests."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from nnstudio.document.model import Document
from nnstudio.ui.canvas import NetworkCanvas
from nnstudio.ui.live import LiveNetwork

# Canvases opened by a test, kept until the test has ended: a canvas collected while a paint of it is still
# pending crashes the process, so they are closed and their events handled before the last reference goes.
OPEN_CANVASES: list[NetworkCanvas] = []


def close_open_canvases() -> None:
    for canvas in OPEN_CANVASES:
        canvas.close()
    QApplication.processEvents()
    OPEN_CANVASES.clear()


def open_canvas(
    qtbot, document: Document, size: tuple[int, int] = (800, 600)
) -> tuple[NetworkCanvas, LiveNetwork]:
    live = LiveNetwork(document)
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(*size)
    canvas.show()
    qtbot.waitExposed(canvas)
    stack = QUndoStack()
    canvas.bind(live, stack)
    canvas._test_refs = (live, stack)  # the canvas holds them weakly; keep them alive for the test
    OPEN_CANVASES.append(canvas)
    return canvas, live


def shown(canvas: NetworkCanvas) -> QImage:
    QApplication.processEvents()
    return canvas.viewport().grab().toImage()


def hover_at(canvas: NetworkCanvas, at: QPoint) -> None:
    """Move the mouse, no button held, to ``at`` in the canvas's viewport, as a person pointing would."""
    viewport = canvas.viewport()
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(at),
        QPointF(viewport.mapToGlobal(at)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)
