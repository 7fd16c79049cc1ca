"""The freehand pad for digits (strokes, the 28x28 image the network receives, clear, undo); plain inputs."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad import DrawingPad, FreehandPad, InputSliders
from nnstudio.ui.pad_freehand import MIN_FREEHAND_SIDE


def digit_network() -> Network:
    """784 inputs, 10 sigmoid outputs each wired to every pixel with seeded random weights."""
    rng = np.random.default_rng(7)
    inputs = [Neuron(f"i{k}", Role.INPUT) for k in range(784)]
    outputs = [Neuron(f"d{d}", Role.OUTPUT, activation="sigmoid", label=str(d)) for d in range(10)]
    weights = rng.normal(0.0, 0.1, size=(10, 784))
    edges = [
        Edge(f"i{k}>d{d}", f"i{k}", f"d{d}", float(weights[d, k])) for d in range(10) for k in range(784)
    ]
    return Network.from_parts(inputs + outputs, edges)


@pytest.fixture(scope="module")
def digit_net() -> Network:
    return digit_network()


@pytest.fixture
def digit_pad(qtbot, digit_net):
    live = LiveNetwork(Document(digit_net.copy(), grid=(28, 28), value_range=(0.0, 1.0)))
    pad = DrawingPad()
    qtbot.addWidget(pad)
    pad.bind(live, QUndoStack())
    pad.show()
    yield live, pad
    live.detach()


def _mouse(widget, kind, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:
    pos = QPointF(x, y)
    held = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseButtonRelease else button
    event_button = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else button
    event = QMouseEvent(
        kind, pos, widget.mapToGlobal(pos), event_button, held, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def _pen(canvas, kind, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:
    """A mouse event at (x, y) in drawing pixels (0..280), wherever the canvas shows the drawing."""
    point = canvas.widget_point(QPointF(x, y))
    _mouse(canvas, kind, point.x(), point.y(), button=button)


def draw_stroke(canvas, points: list[tuple[float, float]], button=Qt.MouseButton.LeftButton) -> None:
    """Press at the first point, drag through the others with the button held, release at the last (points
    in drawing pixels)."""
    _pen(canvas, QMouseEvent.Type.MouseButtonPress, *points[0], button=button)
    for x, y in points[1:]:
        _pen(canvas, QMouseEvent.Type.MouseMove, x, y, button=button)
    _pen(canvas, QMouseEvent.Type.MouseButtonRelease, *points[-1], button=button)


def test_digit_document_gets_the_freehand_pad(digit_pad):
    live, pad = digit_pad
    assert pad.mode == "freehand"
    assert isinstance(pad.editor, FreehandPad)
    canvas = pad.editor.canvas
    assert (canvas.canvas_size.width(), canvas.canvas_size.height()) == (280, 280)
    shown = canvas.picture_rect()
    assert shown.width() == pytest.approx(shown.height())  # square however the pad is sized
    assert shown.width() >= MIN_FREEHAND_SIDE
    assert not pad.editor.undo_button.isEnabled()


def test_a_stroke_feeds_the_preprocessed_image(digit_pad):
    live, pad = digit_pad
    editor = pad.editor
    before_outputs = live.outputs()
    draw_stroke(editor.canvas, [(140, 50), (140, 120), (140, 190), (140, 240)])
    fed = live.input
    assert fed.shape == (784,)
    assert fed.max() > 0.5
    np.testing.assert_array_equal(editor.preview.values, fed)
    np.testing.assert_array_equal(pad.pad_values(), fed)
    # A vertical bar is centred: its ink sits in the middle columns of the 28x28 image.
    image = fed.reshape(28, 28)
    ink_cols = np.flatnonzero(image.max(axis=0) > 0.1)
    assert ink_cols.min() >= 10 and ink_cols.max() <= 17
    assert not np.allclose(live.outputs(), before_outputs)
    assert editor.undo_button.isEnabled()


def test_undo_stroke_with_ctrl_z_and_clear(qtbot, digit_pad):
    live, pad = digit_pad
    canvas = pad.editor.canvas
    draw_stroke(canvas, [(60, 60), (220, 60)])
    first = live.input
    draw_stroke(canvas, [(60, 200), (220, 200)])
    both = live.input
    assert not np.array_equal(first, both)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(live.input, first)
    qtbot.mouseClick(pad.editor.undo_button, Qt.MouseButton.LeftButton)
    assert live.input.max() == 0.0
    draw_stroke(canvas, [(100, 100), (180, 180)])
    assert live.input.max() > 0.0
    qtbot.mouseClick(pad.findChild(type(pad.editor.undo_button), "padClear"), Qt.MouseButton.LeftButton)
    assert live.input.max() == 0.0
    assert pad.editor.preview.values.max() == 0.0
    assert pad.editor.canvas.is_blank()


def test_right_button_erases(digit_pad):
    live, pad = digit_pad
    canvas = pad.editor.canvas
    draw_stroke(canvas, [(140, 40), (140, 240)])
    assert live.input.sum() > 0
    draw_stroke(canvas, [(140, 20), (140, 260)], button=Qt.MouseButton.RightButton)
    assert canvas.is_blank()
    assert live.input.max() == 0.0


def test_an_input_set_elsewhere_is_drawn_on_the_canvas(digit_pad):
    live, pad = digit_pad
    sample = np.zeros((28, 28), dtype=np.float32)
    sample[4:24, 12:16] = 1.0
    live.set_input(sample.ravel())
    np.testing.assert_array_equal(pad.pad_values(), sample.ravel())
    assert not pad.editor.canvas.is_blank()
    gray = pad.editor.canvas.gray()
    assert gray[140, 140] > 0.9 and gray[140, 20] < 0.1


def test_network_without_grid_gets_a_slider_per_input(qtbot):
    weights = (4.0, 2.0, 2.0, 1.0)
    names = ["weather", "music", "company", "money"]
    inputs = [Neuron(f"x{i}", Role.INPUT, label=names[i]) for i in range(4)]
    go = Neuron("go", Role.OUTPUT, activation="identity", bias=-25.0, label="go")
    edges = [Edge(f"x{i}>go", f"x{i}", "go", w) for i, w in enumerate(weights)]
    live = LiveNetwork(Document(Network.from_parts(inputs + [go], edges)))
    pad = DrawingPad()
    qtbot.addWidget(pad)
    pad.bind(live, QUndoStack())
    assert pad.mode == "inputs"
    sliders = pad.editor
    assert isinstance(sliders, InputSliders)
    assert len(sliders.spins) == 4
    for spin, value in zip(sliders.spins, (3, 2, 4, 2), strict=True):
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, str(value))
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    np.testing.assert_array_equal(live.input, [3, 2, 4, 2])
    assert live.outputs()[0] == pytest.approx(26.0 - 25.0)  # the festival's total of 26 beats 25
    assert sliders.sliders[1].value() == 200  # 2 lies beyond the slider's -1..1, so it sits at the end
    sliders.sliders[1].setValue(150)  # three quarters of the way from -1 to 1
    assert live.input[1] == pytest.approx(0.5)
    assert sliders.spins[1].value() == pytest.approx(0.5)
    live.detach()


def test_pad_keys_win_over_the_windows_shortcuts(qtbot, digit_net):
    """Inside a window whose Undo and Delete actions use Ctrl+Z and Delete, the focused pad keeps them."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    live = LiveNetwork(Document(digit_net.copy(), grid=(28, 28), value_range=(0.0, 1.0)))
    window = QMainWindow()
    qtbot.addWidget(window)
    pad = DrawingPad()
    window.setCentralWidget(pad)
    triggered: list[str] = []
    for name, keys in (("undo", QKeySequence.StandardKey.Undo), ("delete", QKeySequence.StandardKey.Delete)):
        action = QAction(name, window)
        action.setShortcut(keys)
        action.triggered.connect(lambda _c=False, n=name: triggered.append(n))
        window.addAction(action)
    pad.bind(live, QUndoStack())
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)  # window shortcuts only fire in the active window
    canvas = pad.editor.canvas
    draw_stroke(canvas, [(60, 60), (220, 220)])
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert live.input.max() == 0.0
    draw_stroke(canvas, [(60, 60), (220, 220)])
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert canvas.is_blank()
    assert triggered == []
    live.detach()


def test_the_input_follows_the_pen_before_it_is_lifted(qtbot, digit_pad):
    live, pad = digit_pad
    canvas = pad.editor.canvas
    _pen(canvas, QMouseEvent.Type.MouseButtonPress, 140, 50)
    for y in range(60, 240, 20):
        _pen(canvas, QMouseEvent.Type.MouseMove, 140, y)
    qtbot.waitUntil(lambda: live.input.max() > 0.5, timeout=2000)
    _pen(canvas, QMouseEvent.Type.MouseButtonRelease, 140, 240)
    np.testing.assert_array_equal(pad.editor.preview.values, live.input)


def test_wiping_the_drawing_forgets_the_truth_of_the_old_picture(qtbot, digit_pad):
    live, pad = digit_pad
    sample = np.zeros((28, 28), dtype=np.float32)
    sample[4:24, 12:16] = 1.0
    live.set_input(sample.ravel())
    live.set_truth_label("1")
    draw_stroke(pad.editor.canvas, [(60, 60), (220, 60)])
    assert live.truth is not None  # adding to the picture keeps what it shows
    qtbot.mouseClick(pad.findChild(type(pad.editor.undo_button), "padClear"), Qt.MouseButton.LeftButton)
    assert live.truth is None
    assert live.input.max() == 0.0
