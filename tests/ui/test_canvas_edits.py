"""The canvas's edit planning without a window: palette payloads, typed numbers, paste data, layout."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QUndoStack

from nnstudio.document.layout import Layout, layer_positions
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.canvas.edits import (
    CanvasEditError,
    PaletteItem,
    copy_payload,
    fresh_ids,
    grid_pixel_ids,
    image_grid,
    nudged,
    parse_number,
    plan_connections,
    plan_palette_drop,
    plan_paste,
)
from nnstudio.ui.commands import AddImageGrid


def small_network() -> Network:
    neurons = [
        Neuron("i0", Role.INPUT, "identity"),
        Neuron("i1", Role.INPUT, "identity"),
        Neuron("h2", Role.HIDDEN, "relu"),
        Neuron("o3", Role.OUTPUT, "sigmoid", label="yes"),
    ]
    edges = [Edge("i0>h2", "i0", "h2", 0.5), Edge("h2>o3", "h2", "o3", -1.5, frozen=True)]
    return Network.from_parts(neurons, edges)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not readable"),
        (b"[1, 2]", "not an object"),
        (json.dumps({"kind": "layer", "count": 0}).encode(), "a layer has 1 to"),
        (json.dumps({"kind": "layer", "count": "3"}).encode(), "whole number"),
        (json.dumps({"kind": "grid", "width": 65, "height": 2}).encode(), "1 to 64 pixels"),
        (json.dumps({"kind": "hidden", "activation": "swish"}).encode(), "unknown activation"),
    ],
)
def test_bad_palette_payloads_are_refused_with_a_reason(raw, message):
    with pytest.raises(CanvasEditError, match=message):
        PaletteItem.from_json(raw)


def test_palette_payload_round_trips():
    item = PaletteItem("grid", "sigmoid", 3, 28, 28, "hidden")
    assert PaletteItem.from_json(item.to_json()) == item


@pytest.mark.parametrize(
    ("text", "value"), [("7", 7.0), ("-0.25", -0.25), (" 0,5 ", 0.5), ("1e-3", 0.001), ("\u22121", -1.0)]
)
def test_typed_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2.3", "nan", "inf", "--1"])
def test_typed_non_numbers_are_refused(text):
    with pytest.raises(CanvasEditError):
        parse_number(text)


def test_nudges_stay_free_of_binary_noise():
    value = 0.0
    for _ in range(3):
        value = nudged(value, 1)
    assert value == 0.3
    assert nudged(0.3, -4) == -0.1


def test_fresh_ids_skip_the_taken_ones():
    network = small_network()
    assert fresh_ids(network, "h", 3) == ["h4", "h5", "h6"]
    assert fresh_ids(network, "i", 2, taken={"i4"}) == ["i5", "i6"]
    assert fresh_ids(network, "o", 1) == [network.new_neuron_id("o")]


def test_a_dropped_layer_is_centred_and_labelled():
    document = Document(small_network())
    plan = plan_palette_drop(document, PaletteItem("layer", "tanh", count=3, role="output"), 103, 48)
    assert [n.label for n in plan.neurons] == ["output 2", "output 3", "output 4"]
    assert [plan.positions[n.id] for n in plan.neurons] == [(100.0, -10.0), (100.0, 50.0), (100.0, 110.0)]
    inputs = plan_palette_drop(document, PaletteItem("input", "relu"), 0, 0).neurons
    assert inputs[0].activation == "identity" and inputs[0].label == "input 3"


def test_an_image_grid_command_puts_its_pixels_first_and_undoes_cleanly():
    document = Document(small_network())
    plan = plan_palette_drop(document, PaletteItem("grid", width=3, height=2), 0, 0)
    assert plan.grid == (3, 2) and len(plan.neurons) == 6
    stack = QUndoStack()
    stack.push(AddImageGrid(document, plan.neurons, plan.positions, plan.grid))
    assert [n.id for n in document.network.inputs()][:6] == [n.id for n in plan.neurons]
    assert document.grid == (3, 2)
    with pytest.raises(CanvasEditError, match="already has a 3 x 2 input image"):
        plan_palette_drop(document, PaletteItem("grid"), 0, 0)
    stack.undo()
    assert document.grid is None and [n.id for n in document.network.inputs()] == ["i0", "i1"]


def test_connection_planning_reports_the_first_refusal_only_when_nothing_connects():
    network = small_network()
    edges, reason = plan_connections(network, ["i0", "i1"], "h2")
    assert [e.id for e in edges] == ["i1>h2"] and edges[0].weight == 1.0 and reason is None
    edges, reason = plan_connections(network, ["i0", "i1"], "o3")
    assert [e.weight for e in edges] == [0.5, 0.5]
    edges, reason = plan_connections(network, ["o3"], "h2")
    assert edges == [] and "end of the network" in reason


def test_copy_then_paste_keeps_fields_places_and_inner_edges_only():
    document = Document(small_network(), layout=Layout({"h2": (0.0, 0.0), "o3": (200.0, -20.0)}))
    network = document.network
    raw = copy_payload(document, ["h2", "o3"])
    pasted = plan_paste(network, raw, 40)
    neurons, edges = pasted.neurons, pasted.edges
    assert [(n.role, n.activation, n.label, pasted.positions[n.id]) for n in neurons] == [
        (Role.HIDDEN, "relu", "", (40.0, 40.0)),
        (Role.OUTPUT, "sigmoid", "yes", (240.0, 20.0)),
    ]
    assert len(edges) == 1 and edges[0].weight == -1.5 and edges[0].frozen
    assert {n.id for n in neurons}.isdisjoint(network.neurons)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"format": "something-else"}, "no neurons to paste"),
        ({"format": "nnstudio-neurons", "neurons": []}, "no neurons to paste"),
        ({"format": "nnstudio-neurons", "neurons": [{"id": "a", "role": "boss"}]}, "unknown role"),
        ({"format": "nnstudio-neurons", "neurons": [{"id": "a", "bias": "big"}]}, "not a finite number"),
        (
            {
                "format": "nnstudio-neurons",
                "neurons": [{"id": "a"}],
                "edges": [{"source": "a", "target": "z"}],
            },
            "not pasted with it",
        ),
        (
            {
                "format": "nnstudio-neurons",
                "neurons": [{"id": "a"}, {"id": "b"}],
                "edges": [{"source": "a", "target": "b"}, {"source": "b", "target": "a"}],
            },
            "loop",
        ),
    ],
)
def test_bad_paste_data_is_refused(payload, message):
    with pytest.raises(CanvasEditError, match=message):
        plan_paste(small_network(), json.dumps(payload), 0)


def arranged(document: Document) -> dict[str, tuple[float, float]]:
    """Where Network > Arrange in layers puts each neuron."""
    return layer_positions(document.network, image_grid(document))


def test_arranging_puts_each_depth_in_a_column_and_the_image_first():
    document = Document(small_network())
    positions = arranged(document)
    assert positions["i0"][0] == positions["i1"][0] < positions["h2"][0] < positions["o3"][0]
    plan = plan_palette_drop(document, PaletteItem("grid", width=2, height=2), 500, 500)
    AddImageGrid(document, plan.neurons, plan.positions, plan.grid).redo()
    positions = arranged(document)
    pixels = grid_pixel_ids(document)
    assert sorted(pixels) == sorted(n.id for n in plan.neurons)
    xs = sorted({positions[p][0] for p in pixels})
    ys = sorted({positions[p][1] for p in pixels})
    assert len(xs) == 2 and len(ys) == 2 and xs[1] - xs[0] == ys[1] - ys[0]  # a square grid
    # The other inputs stand below the image, in its last column; the next depth is right of both.
    others = [positions["i0"], positions["i1"]]
    assert all(x == max(xs) and y > max(ys) for x, y in others)
    assert max(xs) < positions["h2"][0]


def test_a_level_of_hundreds_becomes_a_block_of_columns():
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity") for k in range(100)]
    neurons.append(Neuron("o", Role.OUTPUT, "tanh"))
    edges = [Edge(f"i{k}>o", f"i{k}", "o", 0.1) for k in range(100)]
    positions = arranged(Document(Network.from_parts(neurons, edges)))
    xs = {positions[f"i{k}"][0] for k in range(100)}
    ys = {positions[f"i{k}"][1] for k in range(100)}
    assert len(xs) == 4 and len(ys) == 25
    assert len(set(positions.values())) == len(positions)  # no two neurons in one place
    assert positions["o"][0] > max(xs)
