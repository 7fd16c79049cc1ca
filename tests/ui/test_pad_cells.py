"""The pad of cells for small grids, and the output panel that answers as the pixels change."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.outputs import OutputPanel
from nnstudio.ui.pad import DrawingPad, PixelGridEditor

LABELS = ["solid", "vertical", "diagonal", "horizontal"]
PATTERNS = [(1, 1, 1, 1), (1, -1, 1, -1), (1, -1, -1, 1), (1, 1, -1, -1)]


def four_pixel_network(activation: str = "tanh") -> Network:
    """2x2 inputs, four outputs; each output's weights are half its pattern, so it likes that pattern."""
    corners = ["top-left", "top-right", "bottom-left", "bottom-right"]
    inputs = [Neuron(f"p{i}", Role.INPUT, label=corners[i]) for i in range(4)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, activation=activation, label=LABELS[k]) for k in range(4)]
    edges = [Edge(f"p{i}>o{k}", f"p{i}", f"o{k}", 0.5 * PATTERNS[k][i]) for k in range(4) for i in range(4)]
    return Network.from_parts(inputs + outputs, edges)


@pytest.fixture
def four_pixel(qtbot):
    doc = Document(four_pixel_network(), grid=(2, 2))
    live = LiveNetwork(doc)
    stack = QUndoStack()
    pad = DrawingPad()
    outputs = OutputPanel()
    for widget in (pad, outputs):
        qtbot.addWidget(widget)
        widget.bind(live, stack)
        widget.resize(420, 360)
        widget.show()
    yield doc, live, pad, outputs
    live.detach()


def cell_point(pad: DrawingPad, index: int) -> QPoint:
    editor = pad.editor.editor
    return editor.cell_rect(index).center().toPoint()


def click_cell(qtbot, pad: DrawingPad, index: int, button=Qt.MouseButton.LeftButton) -> None:
    editor = pad.editor.editor
    qtbot.mouseClick(editor, button, pos=cell_point(pad, index))


def test_small_grid_shows_cells_and_grey_start(four_pixel):
    _, live, pad, outputs = four_pixel
    assert pad.mode == "cells"
    assert isinstance(pad.editor.editor, PixelGridEditor)
    np.testing.assert_array_equal(pad.pad_values(), [0, 0, 0, 0])
    # All grey: every output is tanh(0) = 0, so nothing stands out.
    assert set(outputs.shown_values().values()) == {"0.00"}
    assert "undecided" in outputs.answer()


def test_clicks_paint_white_and_black_and_outputs_follow(qtbot, four_pixel):
    _, live, pad, outputs = four_pixel
    before = outputs.shown_values()
    click_cell(qtbot, pad, 0)
    click_cell(qtbot, pad, 1)
    np.testing.assert_array_equal(live.input, [1, 1, 0, 0])
    assert outputs.shown_values() != before
    assert outputs.shown_values()["horizontal"] == f"{np.tanh(1.0):.2f}"
    click_cell(qtbot, pad, 2, Qt.MouseButton.RightButton)
    click_cell(qtbot, pad, 3, Qt.MouseButton.RightButton)
    np.testing.assert_array_equal(pad.pad_values(), [1, 1, -1, -1])
    np.testing.assert_array_equal(live.input, [1, 1, -1, -1])
    assert outputs.answer() == "Answer: horizontal"
    assert outputs.shown_values()["horizontal"] == f"{np.tanh(2.0):.2f}"
    assert outputs.shown_values()["vertical"] == "0.00"
    highlighted = [bar.label for bar in outputs.bars if bar.highlighted]
    assert highlighted == ["horizontal"]


def test_drag_paints_every_cell_it_crosses(qtbot, four_pixel):
    _, live, pad, _ = four_pixel
    editor = pad.editor.editor
    qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=cell_point(pad, 0))
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    for index in (1, 3):
        p = QPointF(cell_point(pad, index))
        move = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            p,
            editor.mapToGlobal(p),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(editor, move)
    qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=cell_point(pad, 3))
    np.testing.assert_array_equal(live.input, [1, 1, 0, 1])


def test_invert_and_clear_keys(qtbot, four_pixel):
    _, live, pad, outputs = four_pixel
    click_cell(qtbot, pad, 0)
    click_cell(qtbot, pad, 3, Qt.MouseButton.RightButton)
    editor = pad.editor.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_I)
    np.testing.assert_array_equal(live.input, [-1, 0, 0, 1])
    qtbot.keyClick(editor, Qt.Key.Key_C)
    np.testing.assert_array_equal(live.input, [0, 0, 0, 0])
    click_cell(qtbot, pad, 1)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    np.testing.assert_array_equal(pad.pad_values(), [0, 0, 0, 0])


def test_grey_tool_and_brush(qtbot, four_pixel):
    _, live, pad, _ = four_pixel
    click_cell(qtbot, pad, 0)
    qtbot.mouseClick(pad.editor.tool_buttons["grey"], Qt.MouseButton.LeftButton)
    click_cell(qtbot, pad, 0)
    assert live.input[0] == 0.0
    brush = pad.editor.brush
    brush.setValue(25)  # a quarter of the way from black (-1) to white (+1)
    assert pad.editor.tool_buttons["brush"].isChecked()
    click_cell(qtbot, pad, 2)
    assert live.input[2] == pytest.approx(-0.5)


def test_presets_feed_the_four_shapes(qtbot, four_pixel):
    _, live, pad, outputs = four_pixel
    names = [b.text() for b in pad.editor.preset_buttons]
    assert names[:4] == ["Solid", "Vertical", "Diagonal", "Horizontal"]
    for button, label, pattern in zip(pad.editor.preset_buttons, LABELS, PATTERNS, strict=False):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        np.testing.assert_array_equal(live.input, pattern)
        assert outputs.answer() == f"Answer: {label}"


def test_input_set_elsewhere_shows_on_the_pad(four_pixel):
    _, live, pad, _ = four_pixel
    live.set_input(np.array([-1, 1, -1, 1], dtype=np.float32))
    np.testing.assert_array_equal(pad.pad_values(), [-1, 1, -1, 1])
    pad.set_pad_values(np.array([1, -1, -1, 1]))
    np.testing.assert_array_equal(live.input, [1, -1, -1, 1])


def test_softmax_outputs_read_as_percentages(qtbot):
    doc = Document(four_pixel_network("softmax"), grid=(2, 2))
    live = LiveNetwork(doc)
    panel = OutputPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    assert set(panel.shown_values().values()) == {"25%"}
    live.set_input(np.array([1, 1, -1, -1], dtype=np.float32))
    shown = panel.shown_values()
    e = np.exp([0.0, 0.0, 0.0, 2.0])
    assert shown["horizontal"] == f"{100 * e[3] / e.sum():.0f}%"
    assert panel.answer() == "Answer: horizontal"
    live.detach()


def test_network_without_outputs_says_so(qtbot):
    net = Network.from_parts([Neuron(f"p{i}", Role.INPUT) for i in range(4)], [])
    live = LiveNetwork(Document(net, grid=(2, 2)))
    pad = DrawingPad()
    panel = OutputPanel()
    for widget in (pad, panel):
        qtbot.addWidget(widget)
        widget.bind(live, QUndoStack())
    assert panel.message.text().startswith("This network has no outputs yet")
    assert pad.mode == "empty"
    assert "no outputs yet" in pad.message.text()
    live.detach()


def test_rebinding_follows_the_new_network_only(qtbot, four_pixel):
    doc, live, pad, outputs = four_pixel
    other = LiveNetwork(Document(four_pixel_network(), grid=(2, 2)))
    outputs.bind(other, QUndoStack())
    pad.bind(other, QUndoStack())
    live.set_input(np.array([1, 1, -1, -1], dtype=np.float32))
    assert "undecided" in outputs.answer()
    click_cell(qtbot, pad, 0)
    np.testing.assert_array_equal(other.input, [1, 0, 0, 0])
    np.testing.assert_array_equal(live.input, [1, 1, -1, -1])
    other.detach()
