"""A canvas freed by Python's cycle collector while what it was bound to still sends it signals.

The collector clears an object's attributes before Qt deletes it. A slot made up on the fly for a method
that was not declared a slot lives in those attributes, so a signal arriving in between found no slot:
"Slot 'NetworkCanvas::' not found" (an error dialog in the studio, a failed test in the suite). The
canvas's slots are declared, so they belong to its class and outlive its attributes.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from nnstudio.examples import load_example
from nnstudio.ui.canvas import NetworkCanvas
from nnstudio.ui.live import LiveNetwork


def test_signals_reach_a_canvas_whose_attributes_the_collector_cleared(qtbot):
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    live = LiveNetwork(load_example("xor"))
    stack = QUndoStack()
    canvas.bind(live, stack)
    canvas.__dict__.pop("__METAOBJECT__", None)  # what the collector's clearing of the canvas does
    live.valuesChanged.emit()
    live.lockedChanged.emit(False)
    live.parametersShown.emit()
    stack.indexChanged.emit(0)
    canvas.canvas_scene.detailChanged.emit()
    canvas.binding.detach()
    live.detach()


def test_in_the_window_every_slot_of_the_canvas_is_declared(qtbot):
    """Wired into the window (inspector, palette, panels), the canvas still needs no slot made up on the fly."""
    from nnstudio.app import create_main_window

    window = create_main_window(example="digits-convnet")
    qtbot.addWidget(window)
    canvas = window.canvas
    assert canvas.metaObject().methodCount() == NetworkCanvas.staticMetaObject.methodCount()
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()
