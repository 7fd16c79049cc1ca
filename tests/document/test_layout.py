"""The layout apart from the maths: positions live in the document's layout, never in the network.

A file still stores each neuron's x and y; loading splits them off the network and saving joins them again.
Moving, deleting, undoing and pasting keep every neuron where the person put it.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from nnstudio.document import Document, dense_network, document_from_bytes, document_to_bytes
from nnstudio.document.layout import Layout, layer_positions
from nnstudio.engine.graph import GraphError, Network, Neuron, Role
from nnstudio.examples import EXAMPLE_NAMES, load_example
from nnstudio.ui.canvas.edits import copy_payload, plan_paste
from nnstudio.ui.commands import AddNeurons, MoveNeurons, RemoveItems, SetNeuronFields

from .conftest import hand_built_document

V1_EXAMPLES = Path(__file__).with_name("v1_examples")


def test_a_network_knows_no_positions():
    assert not {"x", "y"} & {f.name for f in dataclasses.fields(Neuron)}
    assert not hasattr(Network, "move_neurons")
    network = hand_built_document().network
    with pytest.raises(GraphError, match="no field 'x'"):
        network.check_neuron_fields({"h2": {"x": 10.0}})


def test_saving_joins_the_layout_to_the_network_and_loading_splits_them():
    doc = hand_built_document()
    tree = json.loads(document_to_bytes(doc))
    assert [(n["id"], n["x"], n["y"]) for n in tree["neurons"]] == [
        (nid, *doc.layout[nid]) for nid in doc.network.neurons
    ]
    loaded = document_from_bytes(document_to_bytes(doc))
    assert loaded.layout == doc.layout and loaded.layout is not doc.layout


@pytest.mark.parametrize("path", sorted(V1_EXAMPLES.glob("*.nnet.gz")), ids=lambda p: p.name.split(".")[0])
def test_version_1_files_load_with_every_neuron_where_the_file_put_it(path):
    raw = gzip.decompress(path.read_bytes())
    tree = json.loads(raw)
    doc = document_from_bytes(raw)
    assert dict(doc.layout) == {
        n["id"]: (float(n.get("x", 0.0)), float(n.get("y", 0.0))) for n in tree["neurons"]
    }


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_places_every_neuron(name):
    doc = load_example(name)
    assert set(doc.layout) == set(doc.network.neurons)


def test_a_document_made_from_a_network_alone_places_it_layer_by_layer():
    network = dense_network([4, 3, 2], seed=0, grid=(2, 2))
    doc = Document(network, grid=(2, 2))
    assert dict(doc.layout) == layer_positions(network, (2, 2))
    # A layout that places some neurons keeps them; only the others are placed.
    kept = Document(dense_network([4, 3, 2], seed=0), layout=Layout({"o0": (999.0, 1.0)}))
    assert kept.layout["o0"] == (999.0, 1.0) and set(kept.layout) == set(kept.network.neurons)


def test_a_move_is_one_undo_step_that_only_the_layout_announces(qapp):
    doc = hand_built_document()
    network, layout = doc.network, doc.layout
    heard: list[object] = []
    for name in ("structure", "neurons", "weights", "parameters"):
        getattr(network.events, name).connect(lambda *_args, name=name: heard.append(name))
    layout.events.moved.connect(lambda ids: heard.append(("moved", ids)))
    revision = network.revision
    stack = QUndoStack()
    stack.push(
        MoveNeurons(layout, {"h2": (0.0, 20.25), "p0": (-200.0, -30.0)}, {"h2": (5.0, 6.0), "p0": (7.0, 8.0)})
    )
    assert (layout["h2"], layout["p0"]) == ((5.0, 6.0), (7.0, 8.0)) and stack.count() == 1
    stack.undo()
    assert (layout["h2"], layout["p0"]) == ((0.0, 20.25), (-200.0, -30.0))
    assert heard == [("moved", ["h2", "p0"]), ("moved", ["h2", "p0"])] and network.revision == revision


def test_delete_and_undo_put_the_neurons_back_where_they_were(qapp):
    doc = hand_built_document()
    before = document_to_bytes(doc)
    stack = QUndoStack()
    stack.push(RemoveItems(doc, ["edge detector", "p3"], []))
    assert "edge detector" not in doc.layout and "p3" not in doc.layout
    stack.undo()
    assert doc.layout["edge detector"] == (0.0, -20.5) and doc.layout["p3"] == (-200.0, 30.0)
    assert document_to_bytes(doc) == before
    stack.redo()
    assert set(doc.layout) == set(doc.network.neurons)


def test_a_paste_places_the_copies_beside_the_originals_and_undo_forgets_them(qapp):
    doc = hand_built_document()
    pasted = plan_paste(doc.network, copy_payload(doc, ["edge detector", "vertical"]), 40.0)
    stack = QUndoStack()
    stack.push(AddNeurons(doc, pasted.neurons, pasted.positions, pasted.edges, text="Paste"))
    new = [n.id for n in pasted.neurons]
    assert [doc.layout[nid] for nid in new] == [(40.0, 19.5), (240.0, 30.0)]
    assert doc.network.edge_between(new[0], new[1]) is not None
    stack.undo()
    assert not set(new) & set(doc.layout) and not set(new) & set(doc.network.neurons)


def test_a_new_label_or_bias_leaves_the_layout_alone(qapp):
    doc = hand_built_document()
    layout = dict(doc.layout)
    stack = QUndoStack()
    stack.push(
        SetNeuronFields(doc.network, {"h2": {"label": "renamed", "bias": 0.5, "role": Role.HIDDEN.value}})
    )
    assert dict(doc.layout) == layout
