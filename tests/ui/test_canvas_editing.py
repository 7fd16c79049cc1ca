"""Building and editing a network on the canvas the way a person does: drops, drags, typing, keys."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QMouseEvent,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication

from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.canvas import LOCKED_MESSAGE, PALETTE_MIME, NetworkCanvas, NeuronPalette
from nnstudio.ui.live import LiveNetwork


def tiny_document() -> Document:
    """Two inputs feed a tanh neuron h1 that feeds the output o1 ("answer")."""
    neurons = [
        Neuron("i1", Role.INPUT, "identity"),
        Neuron("i2", Role.INPUT, "identity"),
        Neuron("h1", Role.HIDDEN, "tanh"),
        Neuron("h2", Role.HIDDEN, "tanh"),
        Neuron("o1", Role.OUTPUT, "tanh", label="answer"),
    ]
    layout = Layout({"i1": (0, -60), "i2": (0, 60), "h1": (200, 0), "h2": (200, 160), "o1": (400, 0)})
    edges = [
        Edge("i1>h1", "i1", "h1", 0.5),
        Edge("i2>h1", "i2", "h1", -0.75),
        Edge("h1>o1", "h1", "o1", 1.0),
    ]
    return Document(Network.from_parts(neurons, edges), title="tiny", layout=layout)


def snapshot(document: Document) -> tuple[dict, dict, list[str]]:
    """Every neuron's maths and place, every edge, and the neurons' order."""
    network = document.network
    neurons = {n.id: (n.role, n.activation, n.bias, n.label, document.layout[n.id]) for n in network}
    edges = {e.id: (e.source, e.target, e.weight, e.frozen) for e in network.edges.values()}
    return neurons, edges, list(network.neurons)


@pytest.fixture
def make_canvas(qtbot):
    def make(document: Document | None = None) -> tuple[NetworkCanvas, LiveNetwork, QUndoStack]:
        live = LiveNetwork(document or tiny_document())
        stack = QUndoStack()
        canvas = NetworkCanvas()
        qtbot.addWidget(canvas)
        canvas.resize(800, 600)
        canvas.show()
        qtbot.waitExposed(canvas)
        canvas.bind(live, stack)
        canvas._test_refs = (live, stack)  # keep the model alive as long as the widget
        return canvas, live, stack

    return make


def messages(canvas: NetworkCanvas) -> list[str]:
    seen: list[str] = []
    canvas.statusMessage.connect(seen.append)
    return seen


def drag(
    qtbot,
    canvas: NetworkCanvas,
    start: QPoint,
    end: QPoint,
    button=Qt.MouseButton.LeftButton,
    modifiers=Qt.KeyboardModifier.NoModifier,
    steps: int = 6,
) -> None:
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, button, modifiers, start)
    for k in range(1, steps + 1):
        at = QPointF(start + (end - start) * (k / steps))
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            at,
            QPointF(viewport.mapToGlobal(at)),
            Qt.MouseButton.NoButton,
            button,
            modifiers,
        )
        QApplication.sendEvent(viewport, move)
    qtbot.mouseRelease(viewport, button, modifiers, end)


def wheel(canvas: NetworkCanvas, at: QPoint, notches: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    viewport = canvas.viewport()
    event = QWheelEvent(
        QPointF(at),
        QPointF(viewport.mapToGlobal(at)),
        QPoint(),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def drop(canvas: NetworkCanvas, mime: QMimeData, at: QPoint) -> QDropEvent:
    """What a drag from the palette delivers to the canvas: enter, move, drop (QDrag.exec would block)."""
    viewport = canvas.viewport()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, QDragEnterEvent(at, *args))
    QApplication.sendEvent(viewport, QDragMoveEvent(at, *args))
    event = QDropEvent(QPointF(at), *args)
    QApplication.sendEvent(viewport, event)
    return event


def handle_of(canvas: NetworkCanvas, neuron_id: str) -> QPoint:
    item = canvas.canvas_scene.neuron_items[neuron_id]
    return canvas.mapFromScene(item.mapToScene(item.handle_centre()))


# ---------------------------------------------------------------------------------------------- palette
def test_dropping_a_palette_neuron_adds_it_where_it_was_dropped(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.activation.setCurrentIndex(palette.activation.findData("relu"))
    at = QPoint(300, 450)
    event = drop(canvas, palette.mime_data("hidden"), at)
    assert event.isAccepted() is True
    network = live.document.network
    new = [n for n in network.neurons.values() if n.id not in tiny_document().network.neurons]
    assert len(new) == 1 and new[0].role is Role.HIDDEN and new[0].activation == "relu"
    where = canvas.mapToScene(at)
    x, y = live.document.layout[new[0].id]
    assert abs(x - where.x()) <= 5 and abs(y - where.y()) <= 5
    assert x % 10 == 0 and y % 10 == 0  # snapped to the grid
    assert canvas.selected_neuron_ids() == [new[0].id]
    assert stack.count() == 1
    stack.undo()
    assert new[0].id not in network.neurons


def test_palette_layer_and_outputs_get_numbered_labels(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.layer_size.setValue(3)
    palette.layer_role.setCurrentIndex(palette.layer_role.findData("output"))
    drop(canvas, palette.mime_data("layer"), QPoint(600, 300))
    outputs = live.document.network.outputs()
    assert [n.label for n in outputs] == ["answer", "output 2", "output 3", "output 4"]
    assert stack.count() == 1 and stack.text(0) == "Add layer of 3"


def test_double_clicking_a_palette_entry_adds_it_under_its_roles_column(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.attach_canvas(canvas)
    palette.show()
    entry = palette.entries["output"]
    qtbot.mouseDClick(entry, Qt.MouseButton.LeftButton)
    network = live.document.network
    assert len(network.outputs()) == 2
    first, added = network.outputs()[0], network.outputs()[-1]
    x, y = live.document.layout[added.id]
    (fx, fy) = live.document.layout[first.id]
    assert x == fx and y > fy  # in the outputs' column, under the output already there
    assert canvas.viewport().rect().contains(canvas.mapFromScene(x, y))
    entry.setFocus()
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert len(network.outputs()) == 3


def test_dropping_an_image_grid_makes_the_first_inputs_a_grid(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.grid_width.setValue(3)
    palette.grid_height.setValue(2)
    drop(canvas, palette.mime_data("grid"), QPoint(200, 200))
    document = live.document
    assert document.grid == (3, 2)
    inputs = [n.id for n in document.network.inputs()]
    assert len(inputs) == 8 and inputs[6:] == ["i1", "i2"]
    assert canvas.canvas_scene.grid_item is not None
    assert canvas.canvas_scene.grid_item.pixel_ids == inputs[:6]
    seen = messages(canvas)
    drop(canvas, palette.mime_data("grid"), QPoint(400, 400))
    assert "already has a 3 x 2 input image" in seen[-1]
    stack.undo()
    assert document.grid is None and [n.id for n in document.network.inputs()] == ["i1", "i2"]
    assert canvas.canvas_scene.grid_item is None


def test_a_bad_palette_payload_is_refused_with_a_message(make_canvas):
    canvas, live, stack = make_canvas()
    seen = messages(canvas)
    mime = QMimeData()
    mime.setData(PALETTE_MIME, json.dumps({"kind": "dragon"}).encode())
    event = drop(canvas, mime, QPoint(100, 100))
    assert event.isAccepted() is False
    assert seen and "unknown palette entry" in seen[-1]
    assert stack.count() == 0


def test_softmax_hidden_neuron_is_refused(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.activation.setCurrentIndex(palette.activation.findData("softmax"))
    seen = messages(canvas)
    drop(canvas, palette.mime_data("hidden"), QPoint(100, 100))
    assert stack.count() == 0 and "softmax works over the outputs" in seen[-1]


# ---------------------------------------------------------------------------------------------- connecting
def test_dragging_from_a_handle_onto_a_neuron_connects_them(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    drag(qtbot, canvas, handle_of(canvas, "h2"), canvas.view_position_of("o1"))
    assert network.edge_between("h2", "o1") is not None
    assert network.edges["h2>o1"].weight == 1.0
    assert stack.count() == 1 and stack.text(0) == "Connect"
    assert canvas.canvas_scene.edges.count == 4


def test_alt_drag_and_right_drag_also_connect(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    drag(
        qtbot,
        canvas,
        canvas.view_position_of("i1"),
        canvas.view_position_of("h2"),
        modifiers=Qt.KeyboardModifier.AltModifier,
    )
    drag(
        qtbot,
        canvas,
        canvas.view_position_of("i2"),
        canvas.view_position_of("h2"),
        button=Qt.MouseButton.RightButton,
    )
    assert network.edge_between("i1", "h2") is not None and network.edge_between("i2", "h2") is not None
    assert live.document.layout["i1"][0] == 0  # connecting never moves the neuron


def test_a_refused_connection_shows_the_reason(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    network.add_edge(Edge("h1>h2", "h1", "h2", 1.0))
    seen = messages(canvas)
    drag(qtbot, canvas, handle_of(canvas, "h2"), canvas.view_position_of("h1"))
    assert stack.count() == 0
    assert seen[-1].startswith("Cannot connect:") and "loop" in seen[-1]
    drag(qtbot, canvas, handle_of(canvas, "h1"), canvas.view_position_of("i1"))
    assert "takes its value from the image" in seen[-1]
    assert network.edge_between("h2", "h1") is None and stack.count() == 0


def test_dragging_from_a_selected_group_connects_each_of_them(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    canvas.select(["i1", "i2"], [])
    drag(qtbot, canvas, handle_of(canvas, "i1"), canvas.view_position_of("h2"))
    network = live.document.network
    assert network.edges["i1>h2"].weight == pytest.approx(0.5)
    assert network.edges["i2>h2"].weight == pytest.approx(0.5)
    assert stack.count() == 1


# ---------------------------------------------------------------------------------------------- moving
def test_shift_dragging_a_neuron_moves_it_snapped_and_undo_is_one_step(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    start = canvas.view_position_of("h2")
    scale = canvas.transform().m11()
    shift = Qt.KeyboardModifier.ShiftModifier
    drag(
        qtbot, canvas, start, start + QPoint(round(63 * scale), round(-27 * scale)), modifiers=shift, steps=8
    )
    assert live.document.layout["h2"] == (260.0, 130.0)
    assert stack.count() == 1
    stack.undo()
    assert live.document.layout["h2"] == (200.0, 160.0)
    assert canvas.canvas_scene.neuron_items["h2"].pos() == QPointF(200, 160)


def test_shift_alt_drag_places_freely_and_moves_the_whole_selection(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    canvas.select(["i1", "i2"], [])
    start = canvas.view_position_of("i1")
    scale = canvas.transform().m11()
    drag(
        qtbot,
        canvas,
        start,
        start + QPoint(round(33 * scale), 0),
        modifiers=Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier,
    )
    dx1 = live.document.layout["i1"][0]
    assert dx1 != 0 and dx1 % 10 != 0
    assert live.document.layout["i2"][0] == dx1  # moved together
    assert stack.count() == 1 and stack.text(0) == "Move 2 neurons"
    # the edges follow: the drawn line from i1 now starts at its new place
    edges = canvas.canvas_scene.edges
    k = edges.index["i1>h1"]
    assert edges.x1[k] == pytest.approx(dx1)


def test_a_click_without_moving_pushes_nothing(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of("h1"))
    assert stack.count() == 0
    assert canvas.selected_neuron_ids() == ["h1"]


# ---------------------------------------------------------------------------------------------- typing values
def test_double_click_an_edge_and_type_a_weight(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    at = canvas.view_position_of_edge("i2>h1", 0.4)
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=at)
    editor = canvas.editor
    assert editor is not None and editor.isVisible()
    assert editor.objectName() == "canvasValueEditor" and editor.accessibleName() == "Weight of i2 to h1"
    assert editor.text() == "-0.75"
    editor.selectAll()
    qtbot.keyClicks(editor, "7")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert network.edges["i2>h1"].weight == 7.0
    assert stack.count() == 1 and canvas.editor is None
    assert canvas.selected_edge_ids() == ["i2>h1"]


def test_invalid_typed_text_changes_nothing_and_escape_cancels(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    seen = messages(canvas)
    editor = canvas.edit_value("h1")
    assert editor.accessibleName() == "Bias of h1"
    editor.setText("abc")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert "is not a number" in seen[-1]
    assert network.neurons["h1"].bias == 0.0 and stack.count() == 0
    assert canvas.editor is editor  # still open to fix the typing
    editor.setText("-0,25")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert network.neurons["h1"].bias == -0.25 and stack.count() == 1
    editor = canvas.edit_value("h1")
    editor.setText("3")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert canvas.editor is None and network.neurons["h1"].bias == -0.25 and stack.count() == 1


def test_double_click_a_neuron_edits_its_bias(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of("o1"))
    editor = canvas.editor
    assert editor is not None and editor.accessibleName() == "Bias of answer"
    editor.setText("0.5")
    qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert live.document.network.neurons["o1"].bias == 0.5


def test_alt_wheel_nudges_a_weight_and_merges_into_one_step(make_canvas):
    canvas, live, stack = make_canvas()
    network = live.document.network
    at = canvas.view_position_of_edge("i1>h1", 0.4)
    for _ in range(3):
        wheel(canvas, at, 1, Qt.KeyboardModifier.AltModifier)
    assert network.edges["i1>h1"].weight == pytest.approx(0.8)
    wheel(canvas, at, -1, Qt.KeyboardModifier.AltModifier)
    assert network.edges["i1>h1"].weight == pytest.approx(0.7)
    assert stack.count() == 1
    stack.undo()
    assert network.edges["i1>h1"].weight == 0.5


def test_plain_wheel_zooms_around_the_cursor(make_canvas):
    canvas, live, stack = make_canvas()
    at = canvas.view_position_of("h1")
    before_scale = canvas.transform().m11()
    wheel(canvas, at, 2)
    assert canvas.transform().m11() > before_scale * 1.3
    after = canvas.view_position_of("h1")
    assert abs(after.x() - at.x()) <= 2 and abs(after.y() - at.y()) <= 2
    assert stack.count() == 0


# ---------------------------------------------------------------------------------------------- keys
def test_delete_removes_the_selection_and_undo_restores_the_exact_network(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    before = snapshot(live.document)
    canvas.select(["h1"], ["h1>o1"])
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert "h1" not in network.neurons and not network.edges
    assert "h1" not in canvas.canvas_scene.neuron_items
    assert canvas.selected_neuron_ids() == []
    stack.undo()
    assert snapshot(live.document) == before
    assert canvas.canvas_scene.edges.count == 3
    canvas.select([], ["i2>h1"])
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert "i2>h1" not in network.edges and "i2" in network.neurons


def test_copy_and_paste_makes_fresh_neurons_with_their_edges(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    canvas.select(["i1", "h1"], [])
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    payload = json.loads(QGuiApplication.clipboard().text())
    assert {n["id"] for n in payload["neurons"]} == {"i1", "h1"} and len(payload["edges"]) == 1
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(network.neurons) == 7 and len(network.edges) == 4
    new = canvas.selected_neuron_ids()
    assert len(new) == 2 and not set(new) & {"i1", "h1"}
    pasted = {network.neurons[n].role: network.neurons[n] for n in new}
    layout = live.document.layout
    assert layout[pasted[Role.INPUT].id][0] == 40 and layout[pasted[Role.HIDDEN].id][0] == 240
    edge = network.edge_between(pasted[Role.INPUT].id, pasted[Role.HIDDEN].id)
    assert edge is not None and edge.weight == 0.5
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(network.neurons) == 9 and stack.count() == 2


def test_paste_of_foreign_text_is_refused(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    QGuiApplication.clipboard().setText("hello")
    seen = messages(canvas)
    canvas.paste()
    assert stack.count() == 0 and seen[-1] == "Cannot paste: the clipboard holds no neurons to paste"


def test_select_all_and_rubber_band(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    got: list[tuple[list, list]] = []
    canvas.selectionChangedIds.connect(lambda n, e: got.append((n, e)))
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert set(canvas.selected_neuron_ids()) == {"i1", "i2", "h1", "h2", "o1"}
    assert set(canvas.selected_edge_ids()) == {"i1>h1", "i2>h1", "h1>o1"}
    assert got[-1][0] == canvas.selected_neuron_ids()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.selected_neuron_ids() == []
    # a band around the two inputs (from empty space above-left to below-right of them)
    top_left = canvas.mapFromScene(QPointF(-50, -100))
    bottom_right = canvas.mapFromScene(QPointF(50, 100))
    drag(qtbot, canvas, top_left, bottom_right)
    assert set(canvas.selected_neuron_ids()) == {"i1", "i2"}
    qtbot.mouseClick(
        canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        canvas.view_position_of("h2"),
    )
    assert set(canvas.selected_neuron_ids()) == {"i1", "i2", "h2"}
    qtbot.mouseClick(
        canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        canvas.view_position_of("i1"),
    )
    assert set(canvas.selected_neuron_ids()) == {"i2", "h2"}


def test_arrange_in_layers_lays_out_by_depth_in_one_step(make_canvas):
    canvas, live, stack = make_canvas()
    live.document.layout.move({"o1": (-300.0, 500.0), "h1": (900.0, 0.0)})
    canvas.arrange_in_layers()
    assert stack.count() == 1 and stack.text(0) == "Arrange in layers"
    x = {nid: x for nid, (x, _) in live.document.layout.items()}
    assert x["i1"] == x["i2"] < x["h1"] == x["h2"] < x["o1"]
    assert live.document.layout["i1"][1] < live.document.layout["i2"][1]
    stack.undo()
    assert live.document.layout["o1"] == (-300.0, 500.0)


@pytest.mark.parametrize("example", ["four-pixel-camera", "three-by-three-shapes", "digits-convnet"])
def test_arrange_in_layers_gives_back_the_layout_a_new_network_gets(make_canvas, example):
    """One placement for a network made by a builder and for Network > Arrange in layers: an example whose
    neurons were moved comes back as it was shipped, each feature map a small image again."""
    from nnstudio.examples import load_example

    shipped = load_example(example)
    canvas, live, stack = make_canvas(load_example(example))
    layout = live.document.layout
    layout.move(
        {nid: (x + 37.0 * (k % 5), y - 11.0 * (k % 3)) for k, (nid, (x, y)) in enumerate(layout.items())}
    )
    moved = dict(layout.items())
    QApplication.processEvents()  # the move and the menu's command are two events, as with a person
    canvas.arrange_in_layers()
    assert stack.text(stack.count() - 1) == "Arrange in layers"
    assert dict(layout.items()) == dict(shipped.layout.items())
    stack.undo()
    assert dict(layout.items()) == moved


# ---------------------------------------------------------------------------------------------- locked
def test_every_edit_is_refused_while_training(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    network = live.document.network
    before = snapshot(live.document)
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    live.set_locked(True)
    seen = messages(canvas)
    drop(canvas, palette.mime_data("hidden"), QPoint(100, 100))
    drag(qtbot, canvas, handle_of(canvas, "h2"), canvas.view_position_of("o1"))
    start = canvas.view_position_of("h2")
    drag(qtbot, canvas, start, start + QPoint(80, 40))
    canvas.select(["h1"], [])
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    wheel(canvas, canvas.view_position_of_edge("i1>h1", 0.4), 1, Qt.KeyboardModifier.AltModifier)
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of("h1"))
    assert canvas.editor is None
    canvas.arrange_in_layers()
    canvas.paste()
    assert snapshot(live.document) == before and stack.count() == 0
    assert canvas.canvas_scene.neuron_items["h2"].pos() == QPointF(200, 160)
    assert seen.count(LOCKED_MESSAGE) >= 7
    live.set_locked(False)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert "h1" not in network.neurons


def test_starting_training_cancels_a_drag_in_progress(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    viewport = canvas.viewport()
    start = canvas.view_position_of("h2")
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(30, 30))
    qtbot.mouseMove(viewport, start + QPoint(60, 60))
    live.set_locked(True)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 60))
    assert stack.count() == 0
    assert canvas.canvas_scene.neuron_items["h2"].pos() == QPointF(200, 160)


def test_rebinding_follows_the_new_document(make_canvas):
    canvas, live, stack = make_canvas()
    other = LiveNetwork(tiny_document())
    other_stack = QUndoStack()
    old_network = live.document.network
    canvas.bind(other, other_stack)
    old_network.remove(["h1"])  # edits of the old document no longer reach the canvas
    assert "h1" in canvas.canvas_scene.neuron_items
    other.document.network.remove(["h2"])
    assert "h2" not in canvas.canvas_scene.neuron_items
    canvas.select(["h1"], [])
    canvas.delete_selection()
    assert other_stack.count() == 1 and stack.count() == 0


def test_inputs_values_follow_the_live_input(make_canvas):
    canvas, live, stack = make_canvas()
    live.set_input(np.array([1.0, -1.0], dtype=np.float32))
    items = canvas.canvas_scene.neuron_items
    assert items["i1"].value == 1.0 and items["i2"].value == -1.0
    assert items["h1"].value == pytest.approx(np.tanh(0.5 + 0.75), abs=1e-6)


# ---------------------------------------------------------------------------------------------- image grid
def camera_document() -> Document:
    """A 2x2 image (pixels p0..p3, cells 40 apart) and a hidden neuron h1 feeding the output o1."""
    neurons = [Neuron(f"p{k}", Role.INPUT, "identity") for k in range(4)]
    neurons += [Neuron("h1", Role.HIDDEN, "tanh"), Neuron("o1", Role.OUTPUT, "tanh", label="answer")]
    layout = Layout({f"p{k}": ((k % 2) * 40.0, (k // 2) * 40.0) for k in range(4)})
    layout.place({"h1": (260, 20), "o1": (460, 20)})
    edges = [Edge("h1>o1", "h1", "o1", 1.0)]
    return Document(Network.from_parts(neurons, edges), grid=(2, 2), layout=layout)


def test_the_grid_handle_connects_every_pixel_and_a_pixel_connects_alone(make_canvas, qtbot):
    canvas, live, stack = make_canvas(camera_document())
    network = live.document.network
    grid = canvas.canvas_scene.grid_item
    handle = canvas.mapFromScene(grid.mapToScene(grid.handle_centre()))
    drag(qtbot, canvas, handle, canvas.view_position_of("h1"))
    assert sorted(e.source for e in network.incoming("h1")) == ["p0", "p1", "p2", "p3"]
    assert all(e.weight == pytest.approx(0.25) for e in network.incoming("h1"))
    assert stack.count() == 1 and stack.text(0) == "Add 4 connections"
    stack.undo()
    drag(
        qtbot,
        canvas,
        canvas.view_position_of("p3"),
        canvas.view_position_of("h1"),
        button=Qt.MouseButton.RightButton,
    )
    assert [e.id for e in network.incoming("h1")] == ["p3>h1"]


def test_shift_dragging_the_image_moves_all_its_pixels_in_one_step(make_canvas, qtbot):
    canvas, live, stack = make_canvas(camera_document())
    start = canvas.view_position_of("p0")
    scale = canvas.transform().m11()
    end = start + QPoint(round(-60 * scale), round(100 * scale))
    drag(qtbot, canvas, start, end, modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert canvas.selected_neuron_ids() == ["p0", "p1", "p2", "p3"]
    assert [live.document.layout[f"p{k}"] for k in range(4)] == [
        (-60.0, 100.0),
        (-20.0, 100.0),
        (-60.0, 140.0),
        (-20.0, 140.0),
    ]
    assert stack.count() == 1
    stack.undo()
    assert live.document.layout["p3"] == (40.0, 40.0)
    assert canvas.canvas_scene.grid_item.pos() == QPointF(0, 0)


def test_deleting_the_image_and_undo_bring_the_grid_back(make_canvas, qtbot):
    canvas, live, stack = make_canvas(camera_document())
    document = live.document
    before = snapshot(document)
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of("p2"))
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert document.grid is None and not document.network.inputs()
    assert canvas.canvas_scene.grid_item is None
    stack.undo()
    assert document.grid == (2, 2) and snapshot(document) == before
    assert canvas.canvas_scene.grid_item is not None


def test_pixels_and_inputs_have_no_bias_to_type(make_canvas, qtbot):
    canvas, live, stack = make_canvas(camera_document())
    seen = messages(canvas)
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of("p1"))
    assert canvas.editor is None and "is an input" in seen[-1]


def test_alt_wheel_over_a_neuron_nudges_its_bias(make_canvas):
    canvas, live, stack = make_canvas()
    at = canvas.view_position_of("h1")
    wheel(canvas, at, 2, Qt.KeyboardModifier.AltModifier)
    wheel(canvas, at, 1, Qt.KeyboardModifier.AltModifier)
    assert live.document.network.neurons["h1"].bias == pytest.approx(0.3)
    assert stack.count() == 1


# ---------------------------------------------------------------------------------------------- view
def test_middle_button_and_space_drag_pan_and_ctrl_0_fits(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    before = canvas.view_position_of("h1")
    drag(qtbot, canvas, QPoint(400, 300), QPoint(300, 250), button=Qt.MouseButton.MiddleButton)
    moved = canvas.view_position_of("h1")
    assert (moved.x() - before.x(), moved.y() - before.y()) == (-100, -50)
    canvas.setFocus()
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(qtbot, canvas, QPoint(300, 300), QPoint(350, 300))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert canvas.view_position_of("h1").x() == moved.x() + 50
    assert stack.count() == 0 and canvas.selected_neuron_ids() == []  # panning neither moves nor selects
    wheel(canvas, QPoint(10, 10), -6)
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    area = canvas.viewport().rect()
    assert all(area.contains(canvas.view_position_of(n)) for n in live.document.network.neurons)


def test_widgets_have_names_for_assistive_technology(make_canvas, qtbot):
    canvas, live, stack = make_canvas()
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    editor = canvas.edit_value("i1>h1")
    widgets = [
        canvas,
        editor,
        palette,
        palette.activation,
        palette.grid_width,
        palette.grid_height,
        palette.layer_size,
        palette.layer_role,
        *palette.entries.values(),
    ]
    for widget in widgets:
        assert widget.objectName(), widget
        assert widget.accessibleName(), widget.objectName()
    assert len({w.objectName() for w in widgets}) == len(widgets)


def test_an_unbound_canvas_ignores_every_call(qtbot):
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    canvas.show()
    seen = messages(canvas)
    for call in (
        canvas.select_all,
        canvas.delete_selection,
        canvas.copy_selection,
        canvas.paste,
        canvas.arrange_in_layers,
        canvas.fit_all,
    ):
        call()
    canvas.select(["x"], ["y"])
    canvas.set_display_override({"x": 1.0})
    canvas.set_pulse(["x"], ["y"])
    canvas.set_edge_labels({"y": 1.0})
    canvas.set_neuron_labels({"x": "hello"})
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    assert canvas.selected_neuron_ids() == [] and canvas.edit_value("x") is None
    assert not canvas.render_to_image(1.0).isNull()
    assert seen == []
