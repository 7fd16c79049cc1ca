"""The canvas at any size: a network of 1.86 million connections binds without walking them one by one,
draws what fits and says how many of how many; zooming in draws every connection between the neurons in
view; pointing at, hovering and selecting a connection work as on a small network; small networks still
draw every edge."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLabel

from nnstudio.document.builders import dense_network
from nnstudio.document.layout import layer_positions
from nnstudio.document.model import Document
from nnstudio.engine.connections import Connections, Edge
from nnstudio.engine.graph import Neuron, Role
from nnstudio.examples import load_example
from nnstudio.ui.canvas import NetworkCanvas, edge_model
from nnstudio.ui.canvas.detail_caption import partial_caption
from nnstudio.ui.canvas.edges import LINE_BUDGET, EdgeModel
from nnstudio.ui.live import LiveNetwork

from .canvas_fixtures import hover_at as move_mouse

BIG = 1_861_632  # 784*1024 + 1024*1024 + 1024*10


@pytest.fixture(scope="module")
def big_canvas(qapp):
    """One shown canvas bound to 784-1024-1024-10, shared by the tests of this module (each puts the view
    back first); ``walks`` counts the times binding and painting it walked the connections one by one."""
    network = dense_network([784, 1024, 1024, 10], "relu", seed=0, grid=(28, 28))
    document = Document(network, grid=(28, 28), value_range=(0.0, 1.0))
    live = LiveNetwork(document)
    canvas = NetworkCanvas()
    canvas.resize(1200, 800)
    canvas.show()
    QApplication.processEvents()
    walks: list[str] = []
    values, iterate = Connections.values, Connections.__iter__
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Connections, "values", lambda self: (walks.append("values"), values(self))[1])
        patch.setattr(Connections, "__iter__", lambda self: (walks.append("iter"), iterate(self))[1])
        canvas.bind(live, QUndoStack())
        shown(canvas)
    canvas._test_refs = (live, walks)
    yield canvas
    canvas.close()
    canvas.deleteLater()  # deleted by Qt at the next test's end, not cleared by the cycle collector while alive


@pytest.fixture
def big(big_canvas):
    big_canvas.select([], [])
    big_canvas.hover.clear()
    big_canvas.fit_all()
    shown(big_canvas)
    yield big_canvas
    # A hover's tooltip belongs to the shared canvas, which stays open: put it away with the test.
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "qtooltip_label":
            widget.hide()


@pytest.fixture
def open_canvas(qtbot):
    """Bind a shown canvas to a document; the canvas is held (and closed) here until the test is over."""
    held: list[NetworkCanvas] = []

    def make(document: Document, size: tuple[int, int] = (1200, 800)) -> tuple[NetworkCanvas, LiveNetwork]:
        live = LiveNetwork(document)
        canvas = NetworkCanvas()
        qtbot.addWidget(canvas)
        canvas.resize(*size)
        canvas.show()
        qtbot.waitExposed(canvas)
        canvas.bind(live, QUndoStack())
        canvas._test_refs = (live,)
        held.append(canvas)
        shown(canvas)
        return canvas, live

    yield make
    for canvas in held:
        canvas.close()


def shown(canvas: NetworkCanvas) -> None:
    """Paint the canvas now, then let the caption follow what the paint chose."""
    canvas.viewport().repaint()
    QApplication.processEvents()


def caption(canvas: NetworkCanvas) -> QLabel:
    label = canvas.findChild(QLabel, "canvasDetailCaption")
    assert label is not None
    return label


def drawn_set(canvas: NetworkCanvas) -> set[int]:
    return set(canvas.canvas_scene.edges.drawn().tolist())


def visible_rect(canvas: NetworkCanvas) -> QRectF:
    return canvas.mapToScene(canvas.viewport().rect()).boundingRect()


# ---------------------------------------------------------------------------------------------- binding
def test_a_network_of_1_86_million_connections_binds_and_says_how_many_it_draws(big):
    canvas = big
    scene = canvas.canvas_scene
    edges = scene.edges
    assert edges.count == BIG == len(canvas.live.document.network.edges)  # type: ignore[union-attr]
    drawn = edges.drawn()
    assert 0 < drawn.size <= LINE_BUDGET and scene.edge_layer.lines_drawn == drawn.size
    label = caption(canvas)
    assert canvas.detail_caption == partial_caption(drawn.size, BIG)
    assert f"{drawn.size:,} of 1,861,632" in label.text()
    assert label.isVisible() and canvas.viewport().geometry().contains(label.geometry())
    # Every layer pair shows, and what shows of it are its strongest connections.
    magnitude = np.abs(edges.weight)
    for layer in (1, 2, 3):
        members = magnitude[edges.group == layer]
        shown_here = magnitude[drawn[edges.group[drawn] == layer]]
        share = shown_here.size / members.size
        assert 0 < share < 0.5
        # The strongest share of the layer, give or take the sampling that picks them in a big layer.
        assert shown_here.min() >= np.quantile(members, 1 - 1.5 * share)


def test_binding_made_no_object_per_connection(big):
    walks = big._test_refs[1]
    assert walks == []


# ---------------------------------------------------------------------------------------------- zooming
def test_zooming_into_a_small_region_draws_every_connection_inside_it(big):
    canvas = big
    edges = canvas.canvas_scene.edges
    before = edges.drawn_count
    canvas.zoom_by(8.0, canvas.view_position_of("o5"))
    shown(canvas)
    view = visible_rect(canvas)
    node_in = (edges.nx >= view.left()) & (edges.nx <= view.right())
    node_in &= (edges.ny >= view.top()) & (edges.ny <= view.bottom())
    inside = np.flatnonzero(node_in[edges.source] & node_in[edges.target])
    assert inside.size > 100  # hidden neurons and outputs in view, joined by their connections
    keep = edges.bucket[inside] >= 4  # the faintest are left out of every big picture, zoomed in or not
    assert set(inside[keep].tolist()) <= drawn_set(canvas)
    assert canvas.detail_caption == partial_caption(edges.drawn_count, BIG)
    assert edges.drawn_count != before


def test_a_view_whose_connections_all_fit_draws_every_one_and_says_nothing(open_canvas):
    document = Document(dense_network([784, 64, 64, 10], "relu", seed=1, grid=(28, 28)), grid=(28, 28))
    canvas, live = open_canvas(document)
    edges = canvas.canvas_scene.edges
    assert canvas.detail_caption.startswith(f"Showing {edges.drawn_count:,} of {edges.count:,} connections")
    canvas.zoom_by(8.0, canvas.view_position_of("o4"))
    shown(canvas)
    view = visible_rect(canvas)
    along = np.linspace(0.0, 1.0, 100)[:, None]
    xs = edges.x1 + along * (edges.x2 - edges.x1)
    ys = edges.y1 + along * (edges.y2 - edges.y1)
    meets = ((xs >= view.left()) & (xs <= view.right()) & (ys >= view.top()) & (ys <= view.bottom())).any(
        axis=0
    )
    crossing = np.flatnonzero(meets & (edges.bucket >= 4)).tolist()
    assert len(crossing) > 50
    assert set(crossing) <= drawn_set(canvas)
    assert canvas.detail_caption == "" and caption(canvas).isHidden()
    canvas.fit_all()
    shown(canvas)
    assert canvas.detail_caption.startswith("Showing ")


# ---------------------------------------------------------------------------------------------- pointing
def nearest_drawn(canvas: NetworkCanvas, at: QPoint) -> str:
    """The id of the drawn connection whose line passes nearest to a viewport point, worked out here from
    the two neurons each line joins (where the network puts them), not by asking the canvas."""
    scene = canvas.canvas_scene
    network = canvas.live.document.network  # type: ignore[union-attr]
    point = canvas.mapToScene(at)
    ids = scene.edges.ids_at(scene.edges.drawn())

    def centre(neuron_id: str) -> tuple[float, float]:
        at = scene.position_of(neuron_id)
        return at.x(), at.y()

    ends = np.array([centre(network.edges[e].source) + centre(network.edges[e].target) for e in ids])
    x1, y1, x2, y2 = ends.T
    dx, dy = x2 - x1, y2 - y1
    along = np.clip(
        ((point.x() - x1) * dx + (point.y() - y1) * dy) / np.maximum(dx * dx + dy * dy, 1e-9), 0, 1
    )
    distance = np.hypot(point.x() - x1 - along * dx, point.y() - y1 - along * dy)
    assert distance.min() <= canvas.zoom.tolerance()
    return ids[int(np.argmin(distance))]


def test_pointing_hovering_and_selecting_a_connection_of_a_big_network(big, qtbot):
    canvas = big
    network = canvas.live.document.network  # type: ignore[union-attr]
    scene = canvas.canvas_scene
    # Halfway between the two hidden layers, among the lines into the second.
    gap = (scene.position_of("h1_900") + scene.position_of("h2_100")) / 2
    canvas.zoom_by(4.0, canvas.mapFromScene(gap))
    shown(canvas)
    spot = canvas.mapFromScene(gap)
    edge_id = nearest_drawn(canvas, spot)
    edge = network.edges[edge_id]
    move_mouse(canvas, spot)
    target = network.neurons[edge.target].display_name
    assert canvas.hover_text().startswith(f"weight {edge.weight:.2f} (")
    assert canvas.hover_text().endswith(f"\u2192 {target})")
    assert scene.edges.index[edge_id] in scene.overlay.hot.tolist()  # drawn brighter while hovered
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert canvas.selected_edge_ids() == [edge_id]
    assert scene.overlay.selected.tolist() == [scene.edges.index[edge_id]]


def test_hovering_a_neuron_of_a_big_network_highlights_its_connections(big):
    canvas = big
    canvas.zoom_by(4.0, canvas.view_position_of("h2_600"))
    shown(canvas)
    move_mouse(canvas, canvas.view_position_of("h2_600"))
    hovered = canvas.hover.hit.id  # h2_600, or a neighbour whose disc overlaps it in the packed column
    assert hovered.startswith("h2_")
    hot = canvas.canvas_scene.overlay.hot
    assert hot.size == 1024 + 10  # from every neuron of the first hidden layer, to every output
    ids = set(canvas.canvas_scene.edges.ids_at(hot))
    assert f"h1_3>{hovered}" in ids and f"{hovered}>o9" in ids


def test_adding_a_connected_neuron_to_a_big_network_redraws_without_walking_every_connection(
    big, monkeypatch
):
    canvas = big
    network = canvas.live.document.network  # type: ignore[union-attr]
    walks: list[str] = []
    values, iterate = Connections.values, Connections.__iter__
    monkeypatch.setattr(Connections, "values", lambda self: (walks.append("values"), values(self))[1])
    monkeypatch.setattr(Connections, "__iter__", lambda self: (walks.append("iter"), iterate(self))[1])
    canvas.set_pulse([], ["h2_7>o3"])
    extra = Neuron("extra", Role.OUTPUT, "sigmoid")
    canvas.live.document.layout.place({"extra": (900.0, 0.0)})  # type: ignore[union-attr]
    network.add_neurons([extra], [Edge("h2_7>extra", "h2_7", "extra", 0.5)])
    try:
        shown(canvas)
        edges = canvas.canvas_scene.edges
        assert edges.count == BIG + 1 and edges.index["h2_7>extra"] == edges.count - 1
        assert walks == []
    finally:
        monkeypatch.undo()
        network.remove(neuron_ids=["extra"])
        canvas.set_pulse([], [])
    assert canvas.canvas_scene.edges.count == BIG


def test_training_a_big_network_follows_what_is_drawn_and_reads_every_weight_when_it_stops(big, monkeypatch):
    canvas = big
    live = canvas.live
    network = live.document.network  # type: ignore[union-attr]
    edges = canvas.canvas_scene.edges
    values = live.plan.block_values()  # type: ignore[union-attr]
    rng = np.random.default_rng(4)

    def training_step() -> None:
        network.write_blocks({key: w + rng.normal(0.0, 0.05, w.shape) for key, w in values.items()}, {})
        shown(canvas)

    live.set_locked(True)  # type: ignore[union-attr]
    try:
        shown(canvas)
        training_step()
        choices = edges.view_choices
        monkeypatch.setattr(edge_model, "TRAINING_CHOICE_EVERY_S", 3600.0)
        training_step()
        # Between choices only the drawn connections are read and restyled; the choice stays.
        assert edges.partly_current and edges.view_choices == choices
        drawn = edges.drawn()
        np.testing.assert_allclose(
            edges.weight[drawn], network.edges.weights_and_frozen()[0][drawn], rtol=1e-6
        )
        assert canvas.detail_caption == partial_caption(drawn.size, BIG)
    finally:
        live.set_locked(False)  # type: ignore[union-attr]
    shown(canvas)
    assert not edges.partly_current
    assert np.array_equal(edges.weight, network.edges.weights_and_frozen()[0])


# ---------------------------------------------------------------------------------------------- ids on demand
def masked_network():
    network = dense_network([6, 5, 3], "tanh", seed=4)
    network.remove(edge_ids=[e for k, e in enumerate(network.edges) if k % 4 == 1])
    network.set_frozen({e: True for k, e in enumerate(network.edges) if k % 5 == 0})
    network.add_edges([Edge("skip", "i2", "o1", 0.75)])
    return network


def test_edge_ids_are_made_on_demand_and_found_from_their_neurons():
    network = masked_network()
    model = EdgeModel()
    positions = {nid: (float(k), float(k % 3)) for k, nid in enumerate(network.neurons)}
    model.rebuild(network, positions, set(), None, {})
    listed = list(network.edges)
    assert list(model.ids) == listed and len(model.index) == len(listed) == model.count
    for k, eid in enumerate(listed):
        assert model.ids[k] == eid and model.index[eid] == k
        edge = network.edges[eid]
        assert model.weight[k] == edge.weight and model.frozen[k] == edge.frozen
    assert "skip" in model.index and "i2>o1" not in model.index  # known by its own id only
    assert "i1>h1_0" not in network.edges and model.index.get("i1>h1_0") is None  # removed
    assert model.index.get("o0>i0") is None and model.index.get("nonsense") is None
    h = "h1_2"
    expected = sorted(k for k, e in enumerate(network.edges.values()) if h in (e.source, e.target))
    assert model.edges_of([h]).tolist() == expected
    assert model.edges_of([h], limit=len(expected) - 1).size == 0


def test_lines_placed_whole_matrix_at_a_time_match_lines_placed_one_by_one():
    network = dense_network([784, 64, 10], "relu", seed=2, grid=(28, 28))
    network.remove(edge_ids=["h1_3>o2", "i5>h1_7"])  # one full matrix, one with gaps
    positions = layer_positions(network, (28, 28))
    pixels = {f"i{k}" for k in range(784)}
    xs = [x for nid, (x, _) in positions.items() if nid in pixels]
    ys = [y for nid, (_, y) in positions.items() if nid in pixels]
    grid = (min(xs) - 5, min(ys) - 5, max(xs) + 5, max(ys) + 5)
    model = EdgeModel()
    model.rebuild(network, positions, pixels, grid, {})
    whole = [a.copy() for a in (model.x1, model.y1, model.x2, model.y2)]
    assert not np.array_equal(whole[0], model.nx[model.source])  # pixel lines start at the grid's border
    model.move_nodes(positions, grid)  # every neuron "moved": each line placed again, one by one
    for placed, again in zip(whole, (model.x1, model.y1, model.x2, model.y2), strict=True):
        np.testing.assert_allclose(placed, again, rtol=0, atol=1e-3)


def test_strength_is_measured_within_each_layer_however_many_layers_there_are():
    # 20 layers of 4 (19 weight matrices, 304 edges): more layers than are measured one by one.
    network = dense_network([4] * 20, "tanh", seed=5)
    groups = {nid: depth for depth, level in enumerate(network.levels()) for nid in level}
    model = EdgeModel()
    model.rebuild(network, layer_positions(network), set(), None, groups)
    assert not model.detailed and len(np.unique(model.group)) == 19
    magnitude = np.abs(model.weight)
    for layer in np.unique(model.group).tolist():
        members = model.group == layer
        expected = np.clip(magnitude[members] / np.percentile(magnitude[members], 98), 0, 1)
        np.testing.assert_allclose(model.strength[members], expected, rtol=1e-5)


def test_a_small_network_still_draws_every_edge(open_canvas):
    canvas, live = open_canvas(load_example("four-pixel-camera"))
    edges = canvas.canvas_scene.edges
    assert edges.detailed and canvas.canvas_scene.edge_layer.lines_drawn == edges.count
    assert canvas.detail_caption == ""


def test_the_digits_network_draws_every_edge_it_keeps_at_any_zoom(open_canvas):
    canvas, live = open_canvas(load_example("digits"))
    edges = canvas.canvas_scene.edges
    kept = np.flatnonzero(edges.bucket >= 4)
    assert edges.count == 12_960 and np.array_equal(edges.drawn(), kept)
    assert canvas.canvas_scene.edge_layer.lines_drawn == kept.size
    canvas.zoom_by(4.0, canvas.view_position_of("h1_3"))
    shown(canvas)
    assert np.array_equal(edges.drawn(), kept) and canvas.detail_caption == ""
