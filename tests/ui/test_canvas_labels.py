"""Neuron names: one place per role (inputs left, hidden below, outputs right), readable plates, shortened or
left out where neurons are too close at the current zoom, the full name in the hover text."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.examples import load_example
from nnstudio.ui.canvas import SCHEMES, NetworkCanvas
from nnstudio.ui.canvas.items import NeuronItem
from nnstudio.ui.canvas.labels import Side, layout_labels
from nnstudio.ui.commands import MoveNeurons, SetNeuronFields

from .canvas_fixtures import open_canvas, shown

CLASSIC = SCHEMES["classic"]
ELLIPSIS = "\u2026"


def festival_document() -> Document:
    """Four named inputs, 48 apart, feeding one output (the festival example's shape)."""
    names = ["weather", "music", "company", "money"]
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity", label=name) for k, name in enumerate(names)]
    neurons.append(Neuron("o0", Role.OUTPUT, "step", label="go"))
    layout = Layout({f"i{k}": (0.0, -72.0 + 48.0 * k) for k in range(len(names))} | {"o0": (240.0, 0.0)})
    edges = [Edge(f"i{k}>o0", f"i{k}", "o0", 1.0) for k in range(4)]
    return Document(
        Network.from_parts(neurons, edges), title="festival", value_range=(0.0, 4.0), layout=layout
    )


def column_document(names: list[str], spacing: float = 48.0, x_step: float = 240.0) -> Document:
    """An input, a column of named hidden neurons ``spacing`` apart, and an output."""
    mid = (len(names) - 1) * spacing / 2
    neurons = [Neuron("a", Role.INPUT, "identity", label="in")]
    neurons += [Neuron(f"h{k}", Role.HIDDEN, "tanh", label=name) for k, name in enumerate(names)]
    neurons.append(Neuron("z", Role.OUTPUT, "tanh", label="out"))
    layout = Layout({"a": (0.0, mid), "z": (2 * x_step, mid)})
    layout.place({f"h{k}": (x_step, k * spacing) for k in range(len(names))})
    edges = [Edge(f"a>h{k}", "a", f"h{k}", 0.5) for k in range(len(names))]
    edges += [Edge(f"h{k}>z", f"h{k}", "z", 0.5) for k in range(len(names))]
    return Document(Network.from_parts(neurons, edges), title="column", layout=layout)


@pytest.fixture
def canvas_for(qtbot):
    def make(document: Document, size: tuple[int, int] = (800, 600)) -> NetworkCanvas:
        canvas, live = open_canvas(qtbot, document, size)
        QApplication.processEvents()
        return canvas

    return make


def item(canvas: NetworkCanvas, neuron_id: str) -> NeuronItem:
    return canvas.canvas_scene.neuron_items[neuron_id]


def label_boxes(canvas: NetworkCanvas) -> dict[str, list[QRectF]]:
    """Every drawn name plate, in scene coordinates, by neuron."""
    return {
        nid: [label.box.translated(it.pos()) for label in it.labels]
        for nid, it in canvas.canvas_scene.neuron_items.items()
    }


def on_screen(canvas: NetworkCanvas, rect: QRectF) -> QRectF:
    """A scene rectangle in viewport pixels (unrounded)."""
    return canvas.viewportTransform().mapRect(rect)


def body(canvas: NetworkCanvas, neuron_id: str) -> QRectF:
    it = item(canvas, neuron_id)
    return it.body_rect().translated(it.pos())


def count_plate_pixels(image: QImage, rect: QRectF) -> int:
    """Pixels of the name plate's colour (over the grey background) inside ``rect`` (view pixels)."""
    plate = CLASSIC.label_background
    alpha = plate.alphaF()
    background = CLASSIC.background.getRgb()[:3]
    expected = [
        round(c * alpha + b * (1 - alpha)) for c, b in zip(plate.getRgb()[:3], background, strict=True)
    ]
    found = 0
    for x in range(int(rect.left()) + 1, int(rect.right())):
        for y in range(int(rect.top()) + 1, int(rect.bottom())):
            colour = image.pixelColor(x, y)
            if all(abs(a - b) <= 6 for a, b in zip(colour.getRgb()[:3], expected, strict=True)):
                found += 1
    return found


def assert_no_overlaps(canvas: NetworkCanvas, tolerance_px: float = 4.5) -> None:
    """No two plates overlap; no plate covers another neuron's body more than a sliver (on screen)."""
    boxes = [(nid, box) for nid, found in label_boxes(canvas).items() for box in found]
    tolerance_px *= max(1.0, canvas.transform().m11())  # names grow with the zoom above zoom 1
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        both = box_a.intersected(box_b)
        assert both.isEmpty() or both.width() * both.height() < 1e-6, f"names of {a} and {b} overlap"
    for nid, box in boxes:
        for other in canvas.canvas_scene.neuron_items:
            if other == nid:
                continue
            both = on_screen(canvas, box).intersected(on_screen(canvas, body(canvas, other)))
            assert both.isEmpty() or min(both.width(), both.height()) <= tolerance_px, (
                f"the name of {nid} covers {other}"
            )


# ---------------------------------------------------------------------------------------------- places
def test_every_input_name_is_left_of_its_square_in_one_font(canvas_for):
    canvas = canvas_for(festival_document())
    image = shown(canvas)
    for k, name in enumerate(["weather", "music", "company", "money"]):
        it = item(canvas, f"i{k}")
        assert [label.text for label in it.labels] == [name]
        label = it.labels[0]
        square = it.body_rect()
        assert label.box.right() <= square.left()
        assert label.box.center().y() == pytest.approx(0.0, abs=0.5)
        assert not label.bold
        # the person sees a plate left of the square, and none below it
        left = on_screen(canvas, label.box.translated(it.pos()))
        assert count_plate_pixels(image, left) > 0.3 * left.width() * left.height()
        under = on_screen(
            canvas, QRectF(square.left(), square.bottom() + 2, square.width(), 12).translated(it.pos())
        )
        assert count_plate_pixels(image, under) == 0
    heights = {round(label.box.height(), 3) for k in range(4) for label in item(canvas, f"i{k}").labels}
    assert len(heights) == 1
    output = item(canvas, "o0").labels
    assert [label.text for label in output] == ["go"] and output[0].bold
    assert output[0].box.left() >= item(canvas, "o0").body_rect().right()


def test_hidden_names_sit_below_or_beside_their_discs_on_plates_and_stay_readable_when_fitted(canvas_for):
    names = ["left column light", "right column light", "left: light over dark", "right: light over dark"]
    canvas = canvas_for(column_document(names), size=(450, 400))
    assert canvas.transform().m11() < 1.0  # fitted: the network is wider than the view at zoom 1
    image = shown(canvas)
    for k, name in enumerate(names):
        it = item(canvas, f"h{k}")
        assert [label.text.replace("\n", " ") for label in it.labels] == [name]  # whole, maybe on two lines
        box = it.labels[0].box
        disc = it.body_rect()
        if k == len(names) - 1:  # the lowest has room under its disc
            assert box.center().x() == pytest.approx(0.0, abs=0.5) and box.top() >= disc.bottom()
        else:  # the others have a disc too close under them: their names sit right of the disc
            assert box.left() >= disc.right() and box.center().y() == pytest.approx(0.0, abs=0.5)
        plate = on_screen(canvas, box.translated(it.pos()))
        assert plate.height() >= 11  # the text keeps a readable size on screen
        assert count_plate_pixels(image, plate) > 0.2 * plate.width() * plate.height()
    assert_no_overlaps(canvas)


def test_names_too_long_for_the_room_are_shortened_and_hovering_shows_them_whole(canvas_for):
    long = "light top-left and bottom-right, dark elsewhere"
    canvas = canvas_for(column_document([long, "short"], spacing=48.0, x_step=110.0), size=(900, 500))
    text = item(canvas, "h0").labels[0].text
    assert text.endswith(ELLIPSIS) and long.startswith(text[:-1]) and len(text) > 4
    assert item(canvas, "h1").labels[0].text == "short"
    assert_no_overlaps(canvas)
    seen: list[str] = []
    canvas.statusMessage.connect(seen.append)
    at = canvas.view_position_of("h0")
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(at),
        QPointF(canvas.viewport().mapToGlobal(at)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas.viewport(), event)
    assert seen and seen[-1].startswith(f"{long} (Tanh squash)")


def test_zooming_out_keeps_names_on_screen_size_and_leaves_out_those_without_room(canvas_for):
    names = [f"feature {k}" for k in range(6)]
    canvas = canvas_for(column_document(names), size=(900, 700))
    canvas.zoom_by(0.8 / canvas.transform().m11())
    heights = {
        nid: [on_screen(canvas, b).height() for b in found] for nid, found in label_boxes(canvas).items()
    }
    assert all(len(item(canvas, f"h{k}").labels) == 1 for k in range(6))
    canvas.zoom_by(0.5 / canvas.transform().m11())
    for nid, found in label_boxes(canvas).items():
        assert np.allclose([on_screen(canvas, b).height() for b in found], heights[nid], atol=1)
    canvas.zoom_by(0.3 / canvas.transform().m11())
    # 48 apart at zoom 0.3 leaves 3 pixels between the discs: no room for names there, so they sit right
    # of the discs, none drawn over them; the lowest neuron has room under it
    for k in range(5):
        it = item(canvas, f"h{k}")
        assert len(it.labels) == 1 and it.labels[0].box.left() >= it.body_rect().right()
    assert len(item(canvas, "h5").labels) == 1
    assert_no_overlaps(canvas, tolerance_px=1.0)
    canvas.zoom_by(0.1 / canvas.transform().m11())
    # so far out, names would be too small to read: the view shows the network's shape alone
    assert all(it.labels == [] for it in canvas.canvas_scene.neuron_items.values())
    canvas.fit_all()
    assert all(len(item(canvas, f"h{k}").labels) == 1 for k in range(6))


def test_renaming_and_moving_a_neuron_places_its_name_again(canvas_for):
    canvas = canvas_for(column_document(["a", "b"]))
    network = canvas.live.document.network
    stack = canvas._test_refs[1]
    stack.push(SetNeuronFields(network, {"h0": {"label": "renamed"}}, text="Rename"))
    assert [label.text for label in item(canvas, "h0").labels] == ["renamed"]
    # move h1 far down: h0's name has room under its disc; back right under h0: it moves right of the disc
    layout = canvas.live.document.layout
    stack.push(MoveNeurons(layout, {"h1": (240.0, 48.0)}, {"h1": (240.0, 200.0)}))
    below = item(canvas, "h0").labels[0].box
    assert below.top() >= item(canvas, "h0").body_rect().bottom()
    stack.push(MoveNeurons(layout, {"h1": (240.0, 200.0)}, {"h1": (240.0, 30.0)}))
    beside = item(canvas, "h0").labels[0].box
    assert beside.left() >= item(canvas, "h0").body_rect().right() and beside.top() < below.top()
    stack.undo()
    assert [label.text for label in item(canvas, "h0").labels] == ["renamed"]
    assert item(canvas, "h0").labels[0].box == below


@pytest.mark.parametrize("name", ["four-pixel-camera", "three-by-three-shapes", "festival", "digits"])
def test_example_names_never_overlap_when_fitted(canvas_for, name):
    canvas = canvas_for(load_example(name), size=(806, 880))
    assert_no_overlaps(canvas)
    if name != "digits":  # every named neuron shows its name at the fitted zoom
        for nid, it in canvas.canvas_scene.neuron_items.items():
            assert it.labels, f"{nid} shows no name"


def test_the_delta_under_a_hidden_neuron_stands_in_for_its_name(canvas_for):
    canvas = canvas_for(column_document(["first", "second"]))
    canvas.set_neuron_labels({"h0": "delta -0.12", "z": "delta 0.5"})
    assert [label.text for label in item(canvas, "h0").labels] == ["delta -0.12"]
    assert [label.text for label in item(canvas, "z").labels] == ["out   delta 0.5"]
    canvas.set_neuron_labels(None)
    assert [label.text for label in item(canvas, "h0").labels] == ["first"]


# ---------------------------------------------------------------------------------------------- layout alone
def test_layout_shares_the_gap_between_two_names_facing_each_other():
    boxes = layout_labels(
        x=np.array([0.0, 100.0]),
        y=np.array([0.0, 0.0]),
        half=np.array([10.0, 10.0]),
        side=np.array([Side.BELOW, Side.BELOW]),
        width=np.array([300.0, 40.0]),
        height=np.array([12.0, 12.0]),
        bodies=np.array([[-10, -10, 10, 10], [90, -10, 110, 10]], dtype=float),
        own_body=np.array([0, 1]),
        gap=2.0,
        tolerance=3.0,
        min_width=np.array([20.0, 20.0]),
    )
    # the short name keeps its 40, the long one takes the rest of the 98 between the centres, both ways
    assert boxes.width[1] == pytest.approx(40.0)
    assert boxes.width[0] == pytest.approx(2 * (98 - 20))
    assert boxes.left[0] + boxes.width[0] <= boxes.left[1] - 2 + 1e-9
    assert boxes.top[0] == pytest.approx(12.0)


def test_layout_leaves_out_a_name_with_no_room_and_puts_one_beside_a_tight_gap():
    boxes = layout_labels(
        x=np.array([0.0, 0.0, 0.0]),
        y=np.array([0.0, 30.0, 90.0]),
        half=np.array([10.0, 10.0, 10.0]),
        side=np.array([Side.BELOW] * 3),
        width=np.array([50.0, 50.0, 50.0]),
        height=np.array([12.0, 12.0, 12.0]),
        bodies=np.array([[-10, -10, 10, 10], [-10, 20, 10, 40], [-10, 80, 10, 100]], dtype=float),
        own_body=np.array([0, 1, 2]),
        gap=1.0,
        tolerance=3.0,
        min_width=np.array([10.0] * 3),
    )
    # 10 free under the first disc for a 12-high name: it goes right of the disc, level with it
    assert boxes.width[0] == pytest.approx(50.0) and boxes.top[0] == pytest.approx(-6.0)
    assert boxes.left[0] == pytest.approx(11.0)
    # 40 free under the second: right under it
    assert boxes.top[1] == pytest.approx(41.0)
    crowded = layout_labels(
        x=np.array([0.0]),
        y=np.array([0.0]),
        half=np.array([10.0]),
        side=np.array([Side.BELOW]),
        width=np.array([50.0]),
        height=np.array([12.0]),
        # a disc right under it and another right beside it: no room below nor beside
        bodies=np.array([[-10, -10, 10, 10], [-10, 12, 10, 32], [14, -10, 34, 10]], dtype=float),
        own_body=np.array([0]),
        gap=1.0,
        tolerance=3.0,
        min_width=np.array([10.0]),
    )
    assert not crowded.shown[0]


def test_layout_of_left_and_right_names_stops_at_the_next_body():
    boxes = layout_labels(
        x=np.array([100.0, 0.0]),
        y=np.array([0.0, 0.0]),
        half=np.array([10.0, 10.0]),
        side=np.array([Side.LEFT, Side.RIGHT]),
        width=np.array([500.0, 30.0]),
        height=np.array([12.0, 12.0]),
        bodies=np.array([[90, -10, 110, 10], [-10, -10, 10, 10]], dtype=float),
        own_body=np.array([0, 1]),
        gap=2.0,
        tolerance=3.0,
        min_width=np.array([5.0, 5.0]),
    )
    right_end_of_second = boxes.left[1] + boxes.width[1]
    assert boxes.left[1] == pytest.approx(12.0) and boxes.width[1] == pytest.approx(30.0)
    assert boxes.left[0] >= right_end_of_second + 2 - 1e-9
    assert boxes.left[0] + boxes.width[0] == pytest.approx(88.0)


def test_view_scale_is_followed_by_the_overlay_and_the_grid_caption(canvas_for):
    canvas = canvas_for(load_example("four-pixel-camera"))
    scene = canvas.canvas_scene
    k = scene.label_scale
    assert k == pytest.approx(1 / canvas.transform().m11())
    assert scene.overlay.label_scale == pytest.approx(k)
    caption = scene.grid_item.caption
    assert caption is not None and caption.scale == pytest.approx(k)
    assert on_screen(canvas, caption.box.translated(scene.grid_item.pos())).height() >= 11


def test_deltas_of_a_tight_output_column_follow_the_names(canvas_for):
    canvas = canvas_for(load_example("four-pixel-camera"), size=(806, 880))
    deltas = {f"o{k}": f"delta {k / 10:+.2f}" for k in range(4)}
    canvas.set_neuron_labels(deltas)
    for nid, text in deltas.items():
        labels = item(canvas, nid).labels
        assert len(labels) == 1 and labels[0].text.endswith(text)
    assert_no_overlaps(canvas)
