"""A wide layer (more neurons than a hand-built graph has in one level) is drawn as one picture, and its
neurons still show their values and can be hovered, selected and dragged like any other."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.canvas import SCHEMES
from nnstudio.ui.canvas.sheet import CROWDED_FROM

from .canvas_fixtures import hover_at as hover_over
from .canvas_fixtures import open_canvas, shown
from .test_canvas_editing import drag

WIDE = CROWDED_FROM + 8


def wide_document() -> Document:
    """One input feeding WIDE tanh neurons in a column (even ones biased to +1, odd ones to -1, h3 at
    0), which feed one output; an input of 1 turns h0 to -1."""
    neurons = [Neuron("i0", Role.INPUT, "identity")]
    neurons += [
        Neuron(f"h{k}", Role.HIDDEN, "tanh", bias=0.0 if k == 3 else 8.0 if k % 2 == 0 else -8.0)
        for k in range(WIDE)
    ]
    neurons.append(Neuron("o1", Role.OUTPUT, "sigmoid"))
    layout = Layout({"i0": (0.0, WIDE * 25.0), "o1": (600.0, WIDE * 25.0)})
    layout.place({f"h{k}": (300.0, k * 50.0) for k in range(WIDE)})
    edges = [Edge(f"i0>h{k}", "i0", f"h{k}", -16.0 if k == 0 else 0.0) for k in range(WIDE)]
    edges += [Edge(f"h{k}>o1", f"h{k}", "o1", 0.01) for k in range(WIDE)]
    return Document(Network.from_parts(neurons, edges), value_range=(-1.0, 1.0), layout=layout)


def colour_at(image: QImage, at: QPoint) -> QColor:
    return image.pixelColor(at)


def bluish_near(image: QImage, at: QPoint, reach: int) -> bool:
    """A pixel of the selection's blue (blended with what is under a thin ring) within ``reach``."""
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            seen = image.pixelColor(at + QPoint(dx, dy))
            if seen.blue() - seen.red() >= 40:
                return True
    return False


def test_a_wide_layer_is_one_picture_and_shows_each_neurons_value(qtbot):
    canvas, _ = open_canvas(qtbot, wide_document())
    scene = canvas.canvas_scene
    assert len(scene.sheets) == 1
    image = shown(canvas)
    for nid, light in (("h0", True), ("h1", False), ("h6", True), ("h7", False)):
        seen = colour_at(image, canvas.view_position_of(nid))
        if light:
            assert min(seen.red(), seen.green(), seen.blue()) >= 240, (nid, seen.getRgb())
        else:
            assert max(seen.red(), seen.green(), seen.blue()) <= 15, (nid, seen.getRgb())


def test_zoomed_far_out_a_wide_layer_still_shows_each_neurons_value(qtbot):
    canvas, _ = open_canvas(qtbot, wide_document())
    canvas.zoom_by(0.4, canvas.view_position_of("h20"))
    image = shown(canvas)
    for nid, light in (("h0", True), ("h1", False), ("h20", True), ("h21", False)):
        seen = colour_at(image, canvas.view_position_of(nid))
        if light:
            assert min(seen.red(), seen.green(), seen.blue()) >= 240, (nid, seen.getRgb())
        else:
            assert max(seen.red(), seen.green(), seen.blue()) <= 15, (nid, seen.getRgb())


def test_a_new_input_recolours_a_wide_layers_disc(qtbot):
    canvas, live = open_canvas(qtbot, wide_document())
    at = canvas.view_position_of("h0")
    assert min(colour_at(shown(canvas), at).getRgb()[:3]) >= 240
    live.set_input(np.array([1.0], dtype=np.float32))  # h0 = tanh(8 - 16): -1
    assert max(colour_at(shown(canvas), at).getRgb()[:3]) <= 15
    live.set_input(np.array([0.0], dtype=np.float32))
    assert min(colour_at(shown(canvas), at).getRgb()[:3]) >= 240


def test_new_values_reach_a_wide_layer_in_one_step_and_a_hovered_neuron_reads_the_new_one(qtbot, monkeypatch):
    """A training frame must not cost a call per neuron of a wide layer; the neuron the person then hovers
    still says its current value (h0 went from +1 to -1)."""
    from nnstudio.ui.canvas.items import NeuronItem

    canvas, live = open_canvas(qtbot, wide_document())
    calls: list[str] = []
    original = NeuronItem.set_value
    monkeypatch.setattr(
        NeuronItem, "set_value", lambda self, *a: (calls.append(self.neuron_id), original(self, *a))[1]
    )
    live.set_input(np.array([1.0], dtype=np.float32))
    assert not [nid for nid in calls if nid.startswith("h")], "the wide layer took its values in one step"
    at = canvas.view_position_of("h0")
    assert max(colour_at(shown(canvas), at).getRgb()[:3]) <= 15
    hover_over(canvas, at)
    item = canvas.canvas_scene.neuron_items["h0"]
    assert item.value is not None and item.value < -0.99
    assert max(colour_at(shown(canvas), at).getRgb()[:3]) <= 15


def test_a_neuron_of_a_wide_layer_can_be_hovered_and_selected_by_a_click(qtbot):
    canvas, _ = open_canvas(qtbot, wide_document())
    at = canvas.view_position_of("h5")
    hover_over(canvas, at)
    assert "h5" in canvas.hover_text()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert canvas.selected_neuron_ids() == ["h5"]
    hover_over(canvas, QPoint(5, 5))
    image = shown(canvas)
    # The dashed selection ring around the disc, and the disc still dark (h5 is at -1).
    scale = canvas.transform().m11()
    ring = at + QPoint(0, -round(26 * scale))
    assert bluish_near(image, ring, 3)
    assert max(colour_at(image, at).getRgb()[:3]) <= 15
    # Another neuron's disc shows no ring.
    other = canvas.view_position_of("h9")
    assert not bluish_near(image, other + QPoint(0, -round(26 * scale)), 3)


def test_a_neuron_of_a_wide_layer_can_be_dragged_and_is_drawn_where_it_went(qtbot):
    canvas, live = open_canvas(qtbot, wide_document())
    start = canvas.view_position_of("h4")
    scale = canvas.transform().m11()
    end = start + QPoint(round(-150 * scale), 0)
    drag(qtbot, canvas, start, end, modifiers=Qt.KeyboardModifier.ShiftModifier, steps=8)
    assert live.document.layout["h4"][0] < 300.0
    canvas.select([], [])
    image = shown(canvas)
    moved_to = canvas.view_position_of("h4")
    assert min(colour_at(image, moved_to).getRgb()[:3]) >= 240
    # Nothing light is left where it was: the background or a line shows there.
    assert min(colour_at(image, start).getRgb()[:3]) < 200


def test_a_wide_layer_follows_a_change_of_colour_scheme(qtbot):
    canvas, _ = open_canvas(qtbot, wide_document())
    canvas.set_colour_scheme("3b1b")
    image = shown(canvas)
    # A neuron at 0 takes the dark scheme's middle grey; at -1 and +1 it stays black and white.
    middle = SCHEMES["3b1b"].signed_mid
    seen = colour_at(image, canvas.view_position_of("h3"))
    assert all(abs(a - b) <= 3 for a, b in zip(seen.getRgb()[:3], middle.getRgb()[:3], strict=True)), seen
    assert max(colour_at(image, canvas.view_position_of("h1")).getRgb()[:3]) <= 15
    assert min(colour_at(image, canvas.view_position_of("h2")).getRgb()[:3]) >= 240
    background = SCHEMES["3b1b"].background
    between = canvas.view_position_of("h2") + QPoint(round(canvas.transform().m11() * 100), 0)
    assert colour_at(image, between).getRgb()[:3] == background.getRgb()[:3]


def test_a_wide_layer_exports_to_svg_as_shapes(qtbot, tmp_path):
    canvas, _ = open_canvas(qtbot, wide_document())
    path = tmp_path / "wide.svg"
    canvas.export_svg(path)
    text = path.read_text()
    assert "<image" not in text
    assert text.count("<circle") >= WIDE


def test_a_layer_that_shrinks_to_a_few_neurons_draws_them_one_by_one_and_undo_brings_the_picture_back(qtbot):
    canvas, live = open_canvas(qtbot, wide_document())
    stack = canvas._test_refs[1]
    canvas.select([f"h{k}" for k in range(CROWDED_FROM, WIDE)], [])
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(live.document.network.neurons) == CROWDED_FROM + 2
    assert canvas.canvas_scene.sheets == {}
    image = shown(canvas)
    assert min(colour_at(image, canvas.view_position_of("h0")).getRgb()[:3]) >= 240
    assert max(colour_at(image, canvas.view_position_of("h1")).getRgb()[:3]) <= 15
    stack.undo()
    assert len(canvas.canvas_scene.sheets) == 1
    image = shown(canvas)
    last = f"h{WIDE - 1}"
    assert max(colour_at(image, canvas.view_position_of(last)).getRgb()[:3]) <= 15
    assert min(colour_at(image, canvas.view_position_of("h0")).getRgb()[:3]) >= 240
