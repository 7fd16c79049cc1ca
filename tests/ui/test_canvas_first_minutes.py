"""The canvas a newcomer meets (issue "The first five minutes"): the mouse does what the help says, names
sit clear of the neurons, every colour, delta and slope is explained where it shows, and small confusions
(a ReLU at 0 drawn black, softmax offered for a hidden neuron, "h4" beside "input 1", a yes/no output
answering its own name at 0) are gone."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from nnstudio.cli import main as cli_main
from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.examples import load_example
from nnstudio.ui.canvas import SCHEMES, NetworkCanvas, NeuronPalette
from nnstudio.ui.canvas.items import NeuronItem
from nnstudio.ui.inspector import Inspector
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.main_window import HELP_TEXT
from nnstudio.ui.outputs import OutputPanel

from .canvas_fixtures import open_canvas

CLASSIC = SCHEMES["classic"]


def tiny_document() -> Document:
    """Two inputs feed a tanh neuron h1 that feeds the output o1 ("answer"); h2 stands alone."""
    neurons = [
        Neuron("i1", Role.INPUT, "identity", label="input 1"),
        Neuron("i2", Role.INPUT, "identity", label="input 2"),
        Neuron("h1", Role.HIDDEN, "tanh", label="hidden 1"),
        Neuron("h2", Role.HIDDEN, "relu", label="hidden 2"),
        Neuron("o1", Role.OUTPUT, "tanh", label="answer"),
    ]
    layout = Layout({"i1": (0, -60), "i2": (0, 60), "h1": (200, 0), "h2": (200, 160), "o1": (400, 0)})
    edges = [
        Edge("i1>h1", "i1", "h1", 0.5),
        Edge("i2>h1", "i2", "h1", -0.75),
        Edge("h1>o1", "h1", "o1", 1.0),
    ]
    return Document(Network.from_parts(neurons, edges), title="tiny", layout=layout)


def open_shown(
    qtbot, document: Document, size: tuple[int, int] = (800, 600)
) -> tuple[NetworkCanvas, LiveNetwork]:
    """A canvas on screen, painted once, as a person sees it before touching it."""
    canvas, live = open_canvas(qtbot, document, size)
    QApplication.processEvents()
    return canvas, live


@pytest.fixture
def tiny(qtbot):
    canvas, live = open_shown(qtbot, tiny_document())
    return canvas, live, canvas._test_refs[1]


def move_mouse(canvas: NetworkCanvas, at: QPoint, buttons=Qt.MouseButton.NoButton, modifiers=None) -> None:
    viewport = canvas.viewport()
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(at),
        QPointF(viewport.mapToGlobal(at)),
        Qt.MouseButton.NoButton,
        buttons,
        modifiers or Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def drag(qtbot, canvas: NetworkCanvas, start: QPoint, end: QPoint, modifiers=None, steps: int = 6) -> None:
    modifiers = modifiers or Qt.KeyboardModifier.NoModifier
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, start)
    for k in range(1, steps + 1):
        at = start + (end - start) * (k / steps)
        move_mouse(canvas, at, Qt.MouseButton.LeftButton, modifiers)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, end)


def name_plate(canvas: NetworkCanvas, neuron_id: str) -> QPoint:
    """The middle of a neuron's name plate, in viewport pixels."""
    item = canvas.canvas_scene.neuron_items[neuron_id]
    assert item.labels, f"{neuron_id} shows no name"
    return canvas.mapFromScene(item.mapToScene(item.labels[0].box.center()))


# ---------------------------------------------------------------------------------------------- finding 2
def test_dragging_from_a_neuron_connects_it_as_the_help_says(tiny, qtbot):
    canvas, live, stack = tiny
    network = live.document.network
    assert "Drag from one neuron to another" in HELP_TEXT
    drag(qtbot, canvas, canvas.view_position_of("h2"), canvas.view_position_of("o1"))
    assert network.edge_between("h2", "o1") is not None
    assert live.document.layout["h2"] == (200.0, 160.0)  # it did not move
    assert stack.count() == 1 and stack.text(0) == "Connect"


def test_dragging_from_an_output_onto_a_neuron_feeds_the_output(tiny, qtbot):
    canvas, live, stack = tiny
    drag(qtbot, canvas, canvas.view_position_of("o1"), canvas.view_position_of("h2"))
    assert live.document.network.edge_between("h2", "o1") is not None


def test_dragging_a_neuron_by_its_name_moves_it_snapped_in_one_step(tiny, qtbot):
    canvas, live, stack = tiny
    network = live.document.network
    start = name_plate(canvas, "h2")
    scale = canvas.transform().m11()
    drag(qtbot, canvas, start, start + QPoint(round(63 * scale), round(-27 * scale)), steps=8)
    assert live.document.layout["h2"] == (260.0, 130.0)
    assert not network.incoming("h2") and not network.outgoing("h2")
    assert stack.count() == 1 and stack.text(0).startswith("Move")


def test_shift_drag_moves_the_selection_and_alt_places_it_freely(tiny, qtbot):
    canvas, live, stack = tiny
    canvas.select(["i1", "i2"], [])
    start = canvas.view_position_of("i1")
    scale = canvas.transform().m11()
    drag(
        qtbot,
        canvas,
        start,
        start + QPoint(round(30 * scale), 0),
        modifiers=Qt.KeyboardModifier.ShiftModifier,
    )
    assert live.document.layout["i1"][0] == live.document.layout["i2"][0] == 30.0
    assert stack.count() == 1 and stack.text(0) == "Move 2 neurons"
    free = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier
    start = canvas.view_position_of("i1")
    drag(qtbot, canvas, start, start + QPoint(round(33 * scale), 0), modifiers=free)
    assert (
        live.document.layout["i1"][0] % 10 != 0
        and live.document.layout["i1"][0] == live.document.layout["i2"][0]
    )


def test_the_cursor_and_the_tooltip_say_what_a_drag_will_do(tiny, qtbot):
    canvas, live, stack = tiny
    viewport = canvas.viewport()
    move_mouse(canvas, canvas.view_position_of("h1"))
    assert viewport.cursor().shape() == Qt.CursorShape.CrossCursor
    tip = canvas.hover.tooltip_text()
    assert "drag" in tip.lower() and "connect" in tip.lower() and "move" in tip.lower()
    # the handle shows while hovering, and says what it is for
    item = canvas.canvas_scene.neuron_items["h1"]
    assert item.handle_visible
    move_mouse(canvas, canvas.mapFromScene(item.mapToScene(item.handle_centre())))
    assert viewport.cursor().shape() == Qt.CursorShape.CrossCursor
    assert "connect" in canvas.hover.tooltip_text().lower()
    move_mouse(canvas, name_plate(canvas, "h1"))
    assert viewport.cursor().shape() == Qt.CursorShape.OpenHandCursor
    assert "move" in canvas.hover.tooltip_text().lower()
    move_mouse(canvas, QPoint(5, 5))
    assert viewport.cursor().shape() == Qt.CursorShape.ArrowCursor


def test_the_help_says_exactly_what_the_mouse_does():
    text = " ".join(HELP_TEXT.split()).lower()
    assert "drag from one neuron to another" in text
    assert "drag a neuron by its name" in text and "shift" in text


# ---------------------------------------------------------------------------------------------- finding 5
def covered(canvas: NetworkCanvas) -> list[tuple[str, str]]:
    """(name's neuron, covered neuron) for every name plate that reaches into another neuron's body."""
    found = []
    transform = canvas.viewportTransform()
    items = canvas.canvas_scene.neuron_items
    for nid, item in items.items():
        for label in item.labels:
            plate = transform.mapRect(label.box.translated(item.pos()))
            for other, other_item in items.items():
                if other == nid:
                    continue
                body = transform.mapRect(other_item.body_rect().translated(other_item.pos()))
                both = plate.intersected(body)
                if not both.isEmpty() and min(both.width(), both.height()) > 1.0:
                    found.append((nid, other))
    return found


@pytest.mark.parametrize("name", ["four-pixel-learner", "digits", "four-pixel-camera", "festival"])
@pytest.mark.parametrize("size", [(574, 660), (900, 700)])
def test_no_name_covers_a_neuron(qtbot, name, size):
    canvas, live = open_shown(qtbot, load_example(name), size)
    assert covered(canvas) == []


def test_the_learners_hidden_names_show_beside_their_discs(qtbot):
    canvas, live = open_shown(qtbot, load_example("four-pixel-learner"), (574, 660))
    items = canvas.canvas_scene.neuron_items
    shown = [nid for nid, item in items.items() if item.labels]
    assert len(shown) == len(items)  # every neuron is named, none over another


def test_the_cameras_long_names_are_not_cut(qtbot):
    canvas, live = open_shown(qtbot, load_example("four-pixel-camera"), (900, 700))
    network = live.document.network
    for nid, item in canvas.canvas_scene.neuron_items.items():
        for label in item.labels:
            assert "\u2026" not in label.text, f"{network.neurons[nid].display_name!r} is cut"


@pytest.mark.parametrize("name", ["festival", "four-pixel-camera", "four-pixel-learner"])
def test_delta_labels_stay_inside_the_canvas(qtbot, name):
    canvas, live = open_shown(qtbot, load_example(name), (574, 660))
    network = live.document.network
    canvas.set_neuron_labels(
        {nid: "δ -0.00" for nid, n in network.neurons.items() if n.role is not Role.INPUT}
    )
    QApplication.processEvents()
    area = QRectF(canvas.viewport().rect())
    for nid, item in canvas.canvas_scene.neuron_items.items():
        for label in item.labels:
            plate = canvas.viewportTransform().mapRect(label.box.translated(item.pos()))
            assert area.contains(plate), f"the delta of {nid} is clipped at the canvas edge"


# ---------------------------------------------------------------------------------------------- finding 6
def test_hovering_a_neuron_with_its_delta_explains_delta(tiny, qtbot):
    canvas, live, stack = tiny
    canvas.set_neuron_labels({"h1": "δ -0.12", "o1": "δ 0.50"})
    move_mouse(canvas, canvas.view_position_of("h1"))
    tip = canvas.hover.tooltip_text()
    assert "δ -0.12" in tip and "how much the error changes when this neuron's sum changes" in tip
    legend = canvas.legend
    assert legend.isVisible() and "δ" in legend.text() and "error" in legend.text()
    canvas.set_neuron_labels({"h1": "δ -0.00"})
    move_mouse(canvas, QPoint(5, 5))
    move_mouse(canvas, canvas.view_position_of("h1"))
    assert "smaller than 0.005" in canvas.hover.tooltip_text()
    canvas.set_neuron_labels(None)
    assert "δ" not in legend.text()


def test_hovering_a_connection_with_its_slope_explains_the_slope(tiny, qtbot):
    canvas, live, stack = tiny
    canvas.set_edge_labels({"i1>h1": -0.25})
    move_mouse(canvas, canvas.view_position_of_edge("i1>h1", 0.4))
    tip = canvas.hover.tooltip_text()
    assert "slope" in tip and "how much the error changes when this weight changes" in tip
    assert "slope" in canvas.legend.text()


def test_the_legend_explains_every_colour_on_the_canvas(tiny):
    canvas, live, stack = tiny
    text = canvas.legend.text().lower()
    for word in (
        "black",
        "grey",
        "white",
        "-1",
        "0",
        "+1",
        "positive",
        "negative",
        "thicker",
        "input",
        "output",
    ):
        assert word in text, word
    assert canvas.legend.objectName() == "canvasLegend" and canvas.legend.accessibleName()
    # while an animation carries the signal, the legend says what the glow and the faded neurons mean
    canvas.set_display_override({"i1": 1.0, "i2": 0.0})
    assert "not reached yet" in canvas.legend.text()
    taller = canvas.legend.height()
    canvas.set_display_override(None)
    assert "not reached yet" not in canvas.legend.text()
    assert canvas.legend.height() < taller  # and it shrinks back
    # hovering a neuron names its colour in words
    live.set_input(np.array([0.0, 0.0], dtype=np.float32))
    move_mouse(canvas, canvas.view_position_of("h2"))
    assert "grey" in canvas.hover.tooltip_text()


# ---------------------------------------------------------------------------------------------- finding 10
def test_a_relu_neuron_at_zero_is_grey_not_black(tiny):
    canvas, live, stack = tiny
    live.set_input(np.array([0.0, 0.0], dtype=np.float32))
    h2: NeuronItem = canvas.canvas_scene.neuron_items["h2"]
    assert h2.value == 0.0
    assert h2.fill_colour() == CLASSIC.signed_mid
    h2.set_value(1.0, 1.0)
    assert h2.fill_colour() == CLASSIC.signed_high


def test_softmax_is_not_offered_for_a_hidden_neuron(qtbot):
    inspector = Inspector()
    qtbot.addWidget(inspector)
    live = LiveNetwork(tiny_document())
    inspector.bind(live, QUndoStack())
    combo = inspector.activation
    softmax = combo.findData("softmax")
    inspector.show_selection(["h1"], [])
    assert not combo.model().item(softmax).isEnabled()
    inspector.show_selection(["o1"], [])
    assert combo.model().item(softmax).isEnabled()
    inspector.show_selection(["h1", "o1"], [])
    assert not combo.model().item(softmax).isEnabled()
    live.detach()
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.activation.setCurrentIndex(palette.activation.findData("softmax"))
    assert not palette.entries["hidden"].isEnabled()
    assert "output" in palette.entries["hidden"].toolTip()
    assert palette.entries["output"].isEnabled()
    assert palette.layer_role.currentData() == "output"  # a softmax layer is a layer of outputs
    palette.activation.setCurrentIndex(palette.activation.findData("relu"))
    assert palette.entries["hidden"].isEnabled()


def test_new_hidden_neurons_are_named_like_inputs(tiny, qtbot):
    canvas, live, stack = tiny
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    added = canvas.add_from_palette(palette.item_for("hidden"))
    network = live.document.network
    assert [network.neurons[n].display_name for n in added] == ["hidden 3"]
    added = canvas.add_from_palette(palette.item_for("input"))
    assert [network.neurons[n].display_name for n in added] == ["input 3"]


def test_a_single_output_answers_yes_or_no_at_its_threshold(qtbot, capsys):
    document = load_example("festival")
    live = LiveNetwork(document)
    panel = OutputPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    live.set_input(np.array([0.0, 0.0, 0.0, 0.0], dtype=np.float32))
    assert live.outputs()[0] == 0.0
    assert "no" in panel.answer().lower().split() and "yes" not in panel.answer().lower()
    live.set_input(np.array([3.0, 2.0, 4.0, 2.0], dtype=np.float32))
    assert "yes" in panel.answer().lower()
    live.detach()
    assert cli_main(["run", "festival", "--input", "0,0,0,0", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["answer"] != "go" and result["yes"] is False
    assert cli_main(["run", "festival", "--input", "0,0,0,0"]) == 0
    text = capsys.readouterr().out
    assert "answer: go" not in text and "no" in text.split("answer:")[1]
    assert cli_main(["run", "festival", "--input", "3,2,4,2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answer"] == "go"


def test_the_image_moves_by_its_caption_and_a_pixel_drag_connects_that_pixel(qtbot):
    canvas, live = open_shown(qtbot, load_example("four-pixel-camera"))
    network = live.document.network
    grid = canvas.canvas_scene.grid_item
    pixels = list(canvas.canvas_scene.pixel_ids)
    before = [live.document.layout[p] for p in pixels]
    caption = canvas.mapFromScene(grid.mapToScene(grid.caption.box.center()))
    move_mouse(canvas, caption)
    assert canvas.viewport().cursor().shape() == Qt.CursorShape.OpenHandCursor
    scale = canvas.transform().m11()
    drag(qtbot, canvas, caption, caption + QPoint(0, round(100 * scale)))
    after = [live.document.layout[p] for p in pixels]
    print("DBG", before, after, scale)
    shifts = {(ax - bx, ay - by) for (bx, by), (ax, ay) in zip(before, after, strict=True)}
    assert len(shifts) == 1  # the whole image moved as one (snapped to the grid)
    dx, dy = shifts.pop()
    assert abs(dx) <= 5 and abs(dy - 100) <= 10
    # a drag from one pixel onto a hidden neuron's name connects that pixel alone
    target = next(
        n.id
        for n in network.neurons.values()
        if n.role is Role.HIDDEN and network.edge_between(pixels[3], n.id) is None
    )
    incoming = {e.source for e in network.incoming(target)}
    drag(qtbot, canvas, canvas.view_position_of(pixels[3]), name_plate(canvas, target))
    assert {e.source for e in network.incoming(target)} == incoming | {pixels[3]}


def test_the_legend_says_how_inputs_with_their_own_range_are_shaded(qtbot):
    canvas, live = open_shown(qtbot, load_example("festival"))
    assert "Inputs: black at 0, white at 4" in canvas.legend.accessibleDescription()
    assert "Inputs:" in canvas.legend.text() and "white&nbsp;at&nbsp;4" in canvas.legend.text()
    other, stack = LiveNetwork(tiny_document()), QUndoStack()
    canvas.bind(other, stack)  # inputs from -1 to +1, like every neuron
    canvas._test_refs = (other, stack)
    assert "Inputs:" not in canvas.legend.text()


def test_names_are_placed_in_full_when_a_drag_ends(qtbot):
    canvas, live = open_shown(qtbot, load_example("four-pixel-camera"), (900, 700))
    network = live.document.network
    mover = next(n.id for n in network.neurons.values() if n.role is Role.OUTPUT)
    start = name_plate(canvas, mover)
    drag(qtbot, canvas, start, start + QPoint(40, 0))
    for nid, item in canvas.canvas_scene.neuron_items.items():
        for label in item.labels:
            assert "\u2026" not in label.text, f"{network.neurons[nid].display_name!r} is left cut"
