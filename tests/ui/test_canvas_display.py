"""What the canvas shows: activations, the image grid, the live-display hooks, hover texts, schemes, exports,
and the 784-16-16-10 digits network drawn in a few batched items."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor, QImage

from nnstudio.document.builders import dense_network
from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.canvas import SCHEMES, NetworkCanvas
from nnstudio.ui.canvas.items import dimmed, value_colour
from nnstudio.ui.live import LiveNetwork

from .canvas_fixtures import hover_at as hover
from .canvas_fixtures import open_canvas, shown

CLASSIC = SCHEMES["classic"]


def camera_document() -> Document:
    """A 2x2 image feeding one tanh neuron h1, which feeds the output o1 ("answer")."""
    neurons = [Neuron(f"p{k}", Role.INPUT, "identity") for k in range(4)]
    neurons += [Neuron("h1", Role.HIDDEN, "tanh"), Neuron("o1", Role.OUTPUT, "sigmoid", label="answer")]
    layout = Layout({f"p{k}": ((k % 2) * 40.0, (k // 2) * 40.0) for k in range(4)})
    layout.place({"h1": (260, 20), "o1": (460, 20)})
    edges = [
        Edge("p0>h1", "p0", "h1", 0.5),
        Edge("p1>h1", "p1", "h1", -0.75),
        Edge("p2>h1", "p2", "h1", 0.0),
        Edge("p3>h1", "p3", "h1", 0.25, frozen=True),
        Edge("h1>o1", "h1", "o1", 1.0),
    ]
    return Document(Network.from_parts(neurons, edges), grid=(2, 2), value_range=(-1.0, 1.0), layout=layout)


@pytest.fixture
def canvas_for(qtbot):
    def make(document: Document, size: tuple[int, int] = (800, 600)) -> tuple[NetworkCanvas, LiveNetwork]:
        canvas, live = open_canvas(qtbot, document, size)
        return canvas, live

    return make


def colour_at(canvas: NetworkCanvas, scene_point: QPointF, image: QImage | None = None) -> QColor:
    image = image if image is not None else shown(canvas)
    return image.pixelColor(canvas.mapFromScene(scene_point))


def near(a: QColor, b: QColor, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def disc_point(canvas: NetworkCanvas, neuron_id: str) -> QPointF:
    """A point inside a neuron's disc, below the name written at its centre."""
    return canvas.canvas_scene.position_of(neuron_id) + QPointF(0, 12)


# ---------------------------------------------------------------------------------------------- values
def test_neurons_and_pixels_are_filled_by_their_values(canvas_for):
    canvas, live = canvas_for(camera_document())
    live.set_input(np.array([1.0, -1.0, 0.0, 0.5], dtype=np.float32))
    image = shown(canvas)
    grid = canvas.canvas_scene.grid_item
    assert grid is not None
    cells = [colour_at(canvas, grid.mapToScene(grid.cell_centre(k)), image) for k in range(4)]
    assert near(cells[0], QColor(255, 255, 255)) and near(cells[1], QColor(0, 0, 0))
    assert near(cells[2], CLASSIC.signed_mid) and near(cells[3], QColor(192, 192, 192))
    h1 = np.tanh(0.5 * 1 + -0.75 * -1 + 0.25 * 0.5)
    assert near(colour_at(canvas, disc_point(canvas, "h1"), image), value_colour(CLASSIC, h1, -1, 1))
    # a 0..1 activation (sigmoid) is drawn like every neuron: grey at 0, white at 1
    o1 = 1 / (1 + np.exp(-h1))
    assert near(colour_at(canvas, disc_point(canvas, "o1"), image), value_colour(CLASSIC, o1, -1, 1))


def test_image_cells_are_outlined_so_grey_pixels_read_as_pixels(canvas_for):
    canvas, live = canvas_for(camera_document())
    live.set_input(np.zeros(4, dtype=np.float32))  # every pixel the grey of the background
    image = shown(canvas)
    grid = canvas.canvas_scene.grid_item
    rect = grid.pixels_rect()
    for start, end in (
        (QPointF(rect.left() + grid.cell, rect.top() + grid.cell / 2), QPointF(1, 0)),  # between columns
        (QPointF(rect.left() + grid.cell / 2, rect.top() + grid.cell), QPointF(0, 1)),  # between rows
    ):
        at = canvas.mapFromScene(grid.mapToScene(start))
        step = end.toPoint()
        across = [image.pixelColor(at + step * d) for d in range(-3, 4)]
        grey = CLASSIC.signed_mid.red()
        assert any(all(v <= grey - 50 for v in c.getRgb()[:3]) for c in across)  # a darker line
        assert any(all(v >= grey + 50 for v in c.getRgb()[:3]) for c in across)  # and a lighter one
        inside = image.pixelColor(at - step * int(grid.cell * canvas.transform().m11() / 2))
        assert near(inside, CLASSIC.signed_mid)


def test_display_override_shows_given_values_and_dims_the_rest(canvas_for):
    canvas, live = canvas_for(camera_document())
    live.set_input(np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32))
    before = colour_at(canvas, disc_point(canvas, "h1"))
    canvas.set_display_override({"p0": -1.0, "p1": -1.0, "p2": -1.0, "p3": -1.0, "h1": -1.0})
    image = shown(canvas)
    assert near(colour_at(canvas, disc_point(canvas, "h1"), image), QColor(0, 0, 0))
    not_reached = dimmed(CLASSIC, CLASSIC.unknown)
    assert near(colour_at(canvas, disc_point(canvas, "o1"), image), not_reached)
    grid = canvas.canvas_scene.grid_item
    assert near(colour_at(canvas, grid.mapToScene(grid.cell_centre(0)), image), QColor(0, 0, 0))
    canvas.set_display_override({"h1": 0.0})
    image = shown(canvas)
    assert near(
        colour_at(canvas, grid.mapToScene(grid.cell_centre(0)), image),
        dimmed(CLASSIC, QColor(CLASSIC.unknown)),
        tolerance=8,
    )
    live.set_input(np.array([-1.0, 0.0, 0.0, 0.0], dtype=np.float32))  # the override stays in charge
    assert near(colour_at(canvas, disc_point(canvas, "h1")), CLASSIC.signed_mid)
    canvas.set_display_override(None)
    after = colour_at(canvas, disc_point(canvas, "h1"))
    assert near(after, value_colour(CLASSIC, np.tanh(-0.5), -1, 1)) and not near(after, before)


def test_pulse_makes_a_glow_and_brightens_edges(canvas_for):
    canvas, live = canvas_for(camera_document())
    scene = canvas.canvas_scene
    glow_point = scene.position_of("h1") + QPointF(0, -27)  # outside the disc, inside the glow
    edge_point = scene.edge_point("h1>o1", 0.5) + QPointF(0, 5)  # beside the line, inside the halo
    before = shown(canvas)
    canvas.set_pulse(["h1"], ["h1>o1"])
    during = shown(canvas)
    assert not near(colour_at(canvas, glow_point, before), colour_at(canvas, glow_point, during), 20)
    assert not near(colour_at(canvas, edge_point, before), colour_at(canvas, edge_point, during), 20)
    assert scene.neuron_items["h1"].pulsing and not scene.neuron_items["o1"].pulsing
    canvas.set_pulse([], [])
    assert near(colour_at(canvas, glow_point), colour_at(canvas, glow_point, before))


def test_edge_and_neuron_labels_are_drawn(canvas_for):
    canvas, live = canvas_for(camera_document())
    scene = canvas.canvas_scene
    label_point = scene.edge_point("h1>o1", 0.62)
    under_h1 = scene.position_of("h1") + QPointF(0, 30)
    before = shown(canvas)
    canvas.set_edge_labels({"h1>o1": -0.0123})
    canvas.set_neuron_labels({"h1": "delta -0.12"})
    after = shown(canvas)
    assert scene.overlay.labels == {scene.edges.index["h1>o1"]: "-0.0123"}
    assert near(colour_at(canvas, label_point, after), CLASSIC.label_background, 12)
    assert not near(colour_at(canvas, label_point, before), CLASSIC.label_background, 12)
    assert scene.neuron_items["h1"].extra_text == "delta -0.12"
    region = canvas.mapFromScene(under_h1)
    strip = [after.pixelColor(region + QPoint(dx, 0)) for dx in range(-20, 21)]
    assert any(not near(c, CLASSIC.background, 30) for c in strip)  # text is there
    canvas.set_edge_labels(None)
    canvas.set_neuron_labels(None)
    assert scene.overlay.labels == {} and scene.neuron_items["h1"].extra_text == ""


def test_colour_schemes(canvas_for):
    canvas, live = canvas_for(camera_document())
    corner = canvas.mapToScene(QPoint(3, 3))
    edge = canvas.canvas_scene.edge_point("h1>o1", 0.45)
    image = shown(canvas)
    assert near(colour_at(canvas, corner, image), CLASSIC.background)
    assert near(colour_at(canvas, edge, image), QColor(255, 255, 255), 30)
    canvas.set_colour_scheme("3b1b")
    image = shown(canvas)
    assert near(colour_at(canvas, corner, image), SCHEMES["3b1b"].background)
    assert near(colour_at(canvas, edge, image), SCHEMES["3b1b"].positive, 30)
    with pytest.raises(ValueError, match="unknown colour scheme"):
        canvas.set_colour_scheme("neon")


def test_selection_is_marked(canvas_for):
    canvas, live = canvas_for(camera_document())
    ring = canvas.canvas_scene.position_of("h1") + QPointF(26, 0)
    before = colour_at(canvas, ring)
    canvas.select(["h1"], [])
    assert canvas.canvas_scene.neuron_items["h1"].selected
    assert not near(colour_at(canvas, ring), before, 20)


# ---------------------------------------------------------------------------------------------- hover
def test_hovering_shows_values_in_tooltip_and_status(canvas_for):
    canvas, live = canvas_for(camera_document())
    live.set_input(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32))
    seen: list[str] = []
    canvas.statusMessage.connect(seen.append)
    hover(canvas, canvas.view_position_of("h1"))
    assert seen[-1] == "h1 (Tanh squash): sum 0.50 \u2192 0.46, bias 0.00"
    assert canvas.hover_text() == seen[-1]
    assert canvas.canvas_scene.neuron_items["h1"].handle_visible
    hover(canvas, canvas.view_position_of_edge("p1>h1", 0.5))
    assert seen[-1] == "weight -0.75 (pixel at row 1, column 2 \u2192 h1)"  # named as in the inspector
    hover(canvas, canvas.view_position_of_edge("p3>h1", 0.5))
    assert seen[-1] == "weight 0.25 (pixel at row 2, column 2 \u2192 h1), frozen"
    hover(canvas, canvas.view_position_of("p0"))
    assert seen[-1] == "p0 (input): 1.00"
    canvas.set_display_override({"p0": 1.0})
    hover(canvas, canvas.view_position_of("h1"))
    assert seen[-1] == "h1 (Tanh squash): not reached yet"
    live.set_locked(True)
    assert not canvas.canvas_scene.neuron_items["h1"].handle_visible  # no connect handle while training


# ---------------------------------------------------------------------------------------------- export
def test_render_to_image_leaves_out_selection_marks(canvas_for):
    canvas, live = canvas_for(camera_document())
    plain = canvas.render_to_image(2.0)
    content = canvas.canvas_scene.content_rect()
    assert plain.width() >= 2 * content.width() and plain.height() >= 2 * content.height()
    canvas.select(["h1"], ["h1>o1"])
    hover(canvas, canvas.view_position_of("o1"))
    marked = canvas.render_to_image(2.0)
    assert marked == plain
    assert canvas.canvas_scene.neuron_items["h1"].selected  # the view keeps its selection


def test_export_svg_writes_a_vector_drawing(canvas_for, tmp_path):
    canvas, live = canvas_for(camera_document())
    path = tmp_path / "net.svg"
    canvas.export_svg(path)
    text = path.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "answer" in text
    with pytest.raises(OSError):
        canvas.export_svg(tmp_path / "missing-folder" / "net.svg")


# ---------------------------------------------------------------------------------------------- digits
def digits_document() -> Document:
    network = dense_network(
        [784, 16, 16, 10], ["sigmoid"] * 3, seed=0, grid=(28, 28), output_labels=[str(k) for k in range(10)]
    )
    return Document(network, grid=(28, 28), value_range=(0.0, 1.0))


def test_the_digits_network_is_drawn_in_a_few_batched_items(canvas_for):
    canvas, live = canvas_for(digits_document(), size=(1600, 1000))
    scene = canvas.canvas_scene
    assert scene.edges.count == 12960 and not scene.edges.detailed
    assert len(scene.items()) < 100  # 42 neurons and their names, the grid, the edge layer and its overlay
    assert scene.grid_item is not None and len(scene.grid_item.pixel_ids) == 784
    pixels = np.linspace(0, 1, 784, dtype=np.float32)
    live.set_input(pixels)
    image = shown(canvas)
    values = live.values()
    a = values["h1_3"][1]
    assert near(colour_at(canvas, disc_point(canvas, "h1_3"), image), value_colour(CLASSIC, a, -1, 1))
    grid = scene.grid_item
    last = colour_at(canvas, grid.mapToScene(grid.cell_centre(783)), image)
    assert near(last, QColor(255, 255, 255))
    # pixel edges are drawn from the pixel cells: the i0 -> h1_0 line starts on the grid's border
    k = scene.edges.index["i0>h1_0"]
    rect = grid.sceneBoundingRect()
    assert rect.left() - 1 <= scene.edges.x1[k] <= rect.right() + 1


def test_activation_updates_never_rebuild_edge_geometry(canvas_for):
    canvas, live = canvas_for(digits_document(), size=(1600, 1000))
    scene = canvas.canvas_scene
    shown(canvas)
    builds, geometry, renders = (
        scene.edges.line_builds,
        scene.edges.geometry_version,
        scene.edge_layer.cache_renders,
    )
    rng = np.random.default_rng(0)
    for _ in range(3):
        live.set_input(rng.random(784).astype(np.float32))
        canvas.viewport().repaint()
    hover(canvas, canvas.view_position_of("h2_5"))
    canvas.viewport().repaint()
    assert (scene.edges.line_builds, scene.edges.geometry_version) == (builds, geometry)
    assert scene.edge_layer.cache_renders == renders  # edges were copied from the cached picture
    assert scene.overlay.hot.size == 26  # the hovered neuron's 16 incoming and 10 outgoing edges
    live.document.network.set_weights({"h2_5>o3": 3.0})
    canvas.viewport().repaint()
    assert scene.edges.line_builds == builds and scene.edge_layer.cache_renders == renders + 1


def test_frozen_edges_are_dashed(canvas_for):
    canvas, live = canvas_for(camera_document())
    canvas.zoom_by(2.0, canvas.view_position_of_edge("p3>h1", 0.35))
    image = shown(canvas)
    scene = canvas.canvas_scene

    def gaps(edge_id: str) -> int:
        """How many of 40 points along the line show the background."""
        points = [scene.edge_point(edge_id, t / 100) for t in range(15, 55)]
        assert all(canvas.viewport().rect().contains(canvas.mapFromScene(p)) for p in points)
        return sum(near(colour_at(canvas, p, image), CLASSIC.background, 10) for p in points)

    frozen, solid = gaps("p3>h1"), gaps("p0>h1")
    assert frozen >= 8 and solid <= 1, (frozen, solid)


# ---------------------------------------------------------------------------------------------- training
class CountingEdges(dict):
    """The network's edge table, counting look-ups of single edges."""

    reads = 0

    def __getitem__(self, key):
        CountingEdges.reads += 1
        return super().__getitem__(key)

    def get(self, key, default=None):
        CountingEdges.reads += 1
        return super().get(key, default)


def sparse_document() -> Document:
    """A 30-12-4 network whose first layer misses some edges and has frozen ones (a masked block)."""
    network = dense_network([30, 12, 4], ["tanh", "sigmoid"], seed=3)
    network.remove(edge_ids=[e for k, e in enumerate(network.edges) if k % 7 == 0])
    network.set_frozen({e: True for k, e in enumerate(network.edges) if k % 11 == 0})
    return Document(network)


def test_a_training_write_back_is_read_from_the_plan_not_edge_by_edge(canvas_for):
    canvas, live = canvas_for(sparse_document())
    network = live.document.network
    edges = canvas.canvas_scene.edges
    rng = np.random.default_rng(7)
    frozen_before = edges.frozen.copy()
    assert frozen_before.any()
    new = {eid: float(w) for eid, w in zip(network.edges, rng.normal(0, 2, len(network.edges)), strict=True)}
    network.set_parameters(new, {})
    expected = np.array([network.edges[e].weight for e in edges.ids])
    assert np.allclose(edges.weight, expected, rtol=1e-6, atol=1e-6)
    assert np.array_equal(edges.frozen, frozen_before)
    # the canvas's own reload touches no edge of the network once the live plan holds the values
    original = network.edges
    network.edges = CountingEdges(original)
    try:
        CountingEdges.reads = 0
        canvas._on_parameters()
        assert CountingEdges.reads == 0
    finally:
        network.edges = original
    assert np.allclose(edges.weight, expected, rtol=1e-6, atol=1e-6)


def test_a_stale_plan_is_not_used_for_weights(canvas_for):
    canvas, live = canvas_for(sparse_document())
    network = live.document.network
    edges = canvas.canvas_scene.edges
    eid = edges.ids[5]
    live.detach()  # the plan no longer follows the network
    network.set_parameters({eid: 4.25}, {})
    assert edges.weight[5] == 4.25
