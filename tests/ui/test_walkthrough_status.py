"""The status bar never keeps a message about something that has changed since: a hovered weight's value
follows the weight, "Connected a -> b" goes when Undo takes the connection away, and the in-place editor's
hint goes when the editor closes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from nnstudio.ui.canvas import NeuronPalette

from ..studio_windows import studio_windows
from .test_canvas_editing import drag
from .test_canvas_first_minutes import move_mouse


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window


def status_text(window) -> str:  # noqa: ANN001 - MainWindow
    return window.statusBar().currentMessage()


def test_a_hovered_weights_message_follows_the_weight_set_in_the_inspector(studio, qtbot):
    window = studio(example="four-pixel-camera")
    canvas = window.canvas
    edge_id = next(e.id for e in window.document.network.edges.values() if e.weight == 1.0)
    at = canvas.view_position_of_edge(edge_id, 0.3)
    move_mouse(canvas, at)
    assert status_text(window).startswith("weight 1.00")
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=at)
    spin = window.inspector.findChild(QWidget, "weightSpin")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "-1")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.network.edges[edge_id].weight == -1
    assert "weight 1.00" not in status_text(window)
    assert status_text(window) == "" or status_text(window).startswith("weight -1.00")


def test_connected_goes_when_undo_takes_the_connection_away(studio, qtbot):
    window = studio()
    window.new_document()
    palette = window.findChild(NeuronPalette)
    for kind in ("input", "output"):
        palette.entries[kind].setFocus()
        qtbot.keyClick(palette.entries[kind], Qt.Key.Key_Return)
    network = window.document.network
    (source,), (target,) = network.inputs(), network.outputs()
    canvas = window.canvas
    drag(qtbot, canvas, canvas.view_position_of(source.id), canvas.view_position_of(target.id))
    assert len(network.edges) == 1
    assert status_text(window).startswith("Connected")
    window.actions["undo"].trigger()
    assert not network.edges
    assert "Connected" not in status_text(window)


def test_the_editors_hint_goes_when_the_editor_closes(studio, qtbot):
    window = studio(example="four-pixel-camera")
    canvas = window.canvas
    edge_id = next(iter(window.document.network.edges))
    qtbot.mouseDClick(
        canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of_edge(edge_id, 0.4)
    )
    editor = canvas.editor
    assert editor is not None and "Enter to set it" in status_text(window)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert canvas.editor is None
    assert "Enter to set it" not in status_text(window)
    editor = canvas.edit_value(edge_id)
    editor.selectAll()
    qtbot.keyClicks(editor, "0.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.network.edges[edge_id].weight == 0.5
    assert "Enter to set it" not in status_text(window)
