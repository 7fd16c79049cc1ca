"""Saving and loading give back the same document, and a second save gives the same bytes."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nnstudio.document import (
    Document,
    FormatError,
    dense_network,
    document_from_bytes,
    document_to_bytes,
    format_checks,
    load_document,
    save_document,
)
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.train import TrainSettings


def neuron_fields(doc: Document) -> list[tuple]:
    """Each neuron's maths and where it sits on the canvas."""
    return [(n.id, n.role, n.activation, n.bias, n.label, doc.layout[n.id]) for n in doc.network]


def edge_fields(network: Network) -> dict[str, tuple]:
    return {e.id: (e.source, e.target, e.weight, e.frozen) for e in network.edges.values()}


def test_hand_built_graph_round_trips_exactly(tmp_path, hand_built):
    path = tmp_path / "edges.nnet"
    save_document(hand_built, path)
    loaded = load_document(path)

    assert neuron_fields(loaded) == neuron_fields(hand_built)
    assert edge_fields(loaded.network) == edge_fields(hand_built.network)
    assert math.copysign(1.0, loaded.network.neurons["horizontal"].bias) == -1.0  # -0.0 stays -0.0
    assert loaded.title == "Edges «2×2»"
    assert loaded.description == "Two lines\nof notes"
    assert loaded.grid == (2, 2)
    assert loaded.value_range == (-1.0, 1.0)
    assert loaded.training == hand_built.training
    assert loaded.training_data == "four-pixel"
    assert loaded.dataset is None
    assert loaded.output_labels == ["Vertical", "horizontal"]

    first = path.read_bytes()
    save_document(loaded, path)
    assert path.read_bytes() == first


def test_hand_built_graph_is_stored_as_readable_edges(hand_built):
    tree = json.loads(document_to_bytes(hand_built))
    assert tree["format"] == "nnstudio-network" and tree["version"] == 2
    assert tree["dense"] == []
    # Listed by target, then source, in network order: the same file whatever order edits left them in.
    order = {nid: i for i, nid in enumerate(hand_built.network.neurons)}
    edges = hand_built.network.edges
    expected = sorted(edges, key=lambda e: (order[edges[e].target], order[edges[e].source]))
    assert [e["id"] for e in tree["edges"]] == expected
    frozen = [e for e in tree["edges"] if "frozen" in e]
    assert frozen == [
        {
            "id": "p1>edge detector",
            "source": "p1",
            "target": "edge detector",
            "weight": -2 / 3,
            "frozen": True,
        }
    ]
    assert [n["id"] for n in tree["neurons"]] == list(hand_built.network.neurons)
    # One neuron or edge per line keeps the file readable and its diffs small.
    text = document_to_bytes(hand_built).decode("utf-8")
    assert '    {"id": "w-custom", "source": "p2", "target": "h2", "weight": 123456.78901234567}' in text
    assert "Δ détecteur" in text


def test_dense_network_round_trips_with_float32_weights(tmp_path):
    network = dense_network([784, 16, 16, 10], ["relu", "relu", "softmax"], seed=5, grid=(28, 28))
    doc = Document(
        network, title="digits", grid=(28, 28), value_range=(0.0, 1.0), training_data="digits:train"
    )
    path = tmp_path / "digits.nnet"
    save_document(doc, path)
    tree = json.loads(path.read_bytes())
    assert [(len(b["sources"]), len(b["targets"])) for b in tree["dense"]] == [(784, 16), (16, 16), (16, 10)]
    assert tree["edges"] == []
    assert tree["dense"][0]["weights"]["shape"] == [16, 784]

    loaded = load_document(path)
    assert list(loaded.network.neurons) == list(network.neurons)
    assert neuron_fields(loaded) == neuron_fields(doc)
    assert set(loaded.network.edges) == set(network.edges)
    for eid, edge in network.edges.items():
        got = loaded.network.edges[eid]
        assert (got.source, got.target, got.frozen) == (edge.source, edge.target, False)
        assert np.float32(got.weight) == np.float32(edge.weight)
    assert loaded.grid == (28, 28) and loaded.value_range == (0.0, 1.0)

    first = path.read_bytes()
    save_document(loaded, path)
    assert path.read_bytes() == first


def test_frozen_and_renamed_edges_in_a_dense_layer_are_kept_exactly():
    network = dense_network([70, 3], "tanh", seed=1)
    network.set_frozen({edge_id("i5", "o1"): True})
    network.set_weights({edge_id("i6", "o2"): 1e300, edge_id("i7", "o0"): 0.1})
    renamed = network.edges[edge_id("i9", "o0")]
    network.remove(edge_ids=[renamed.id])
    network.add_edge(Edge("my edge", "i9", "o0", 0.25))

    data = document_to_bytes(Document(network))
    tree = json.loads(data)
    # The layer stays one matrix: a mask says which weight is frozen; the renamed edge is listed with its id.
    assert [e["id"] for e in tree["edges"]] == ["my edge"]
    (matrix,) = tree["dense"]
    assert "frozen" in matrix and "present" in matrix
    # 1e300 and 0.1 do not fit a float32 exactly, so the matrix keeps every digit.
    assert matrix["weights"]["dtype"] == "float64"
    loaded = document_from_bytes(data)
    assert edge_fields(loaded.network)["i5>o1"][3] is True
    assert loaded.network.edges["i6>o2"].weight == 1e300
    assert loaded.network.edges["i7>o0"].weight == 0.1
    assert loaded.network.edges["my edge"].source == "i9"
    assert edge_fields(loaded.network) == edge_fields(network)
    assert document_to_bytes(loaded) == data


def test_embedded_dataset_round_trips(tmp_path, layered):
    path = tmp_path / "small.nnet"
    save_document(layered, path)
    loaded = load_document(path)
    got, want = loaded.dataset, layered.dataset
    assert got is not None and want is not None
    assert got.name == "my drawings" and got.description == "drawn by hand"
    assert got.labels == ["yes", "no"]
    assert got.grid == (2, 4) and got.value_range == (-1.0, 1.0)
    np.testing.assert_array_equal(got.inputs, want.inputs)
    np.testing.assert_array_equal(got.targets, want.targets)
    np.testing.assert_array_equal(got.classes, want.classes)
    assert got.sample_names == want.sample_names
    assert got.inputs.flags.writeable
    assert loaded.training_data == "document"
    first = path.read_bytes()
    save_document(loaded, path)
    assert path.read_bytes() == first


def test_empty_dataset_round_trips(make_layered, make_dataset):
    doc = make_layered(with_dataset=False)
    doc.dataset = make_dataset(8, ["yes", "no"], 0, None)
    loaded = document_from_bytes(document_to_bytes(doc))
    assert loaded.dataset is not None and len(loaded.dataset) == 0
    assert loaded.dataset.inputs.shape == (0, 8)


def test_minimal_file_takes_defaults():
    text = {
        "format": "nnstudio-network",
        "version": 1,
        "neurons": [
            {"id": "a", "role": "input", "activation": "identity", "bias": 0},
            {"id": "b", "role": "output", "activation": "sigmoid", "bias": 1},
        ],
        "edges": [{"id": "a>b", "source": "a", "target": "b", "weight": 2}],
    }
    doc = document_from_bytes(json.dumps(text).encode())
    assert doc.title == "" and doc.grid is None and doc.value_range == (-1.0, 1.0)
    assert doc.training == TrainSettings()
    assert doc.network.edges["a>b"].weight == 2.0
    assert isinstance(doc.network.neurons["b"].bias, float)
    assert doc.network.neurons["a"].label == "" and doc.layout["a"] == (0.0, 0.0)


def test_a_byte_order_mark_is_accepted(hand_built):
    data = document_to_bytes(hand_built)
    assert document_to_bytes(document_from_bytes(b"\xef\xbb\xbf" + data)) == data


def test_saving_refuses_what_could_not_be_read_back(tmp_path, hand_built):
    path = tmp_path / "x.nnet"
    # Network edits refuse NaN; the writer is the last guard against one that got in some other way.
    hand_built.network.neurons["h2"].bias = float("nan")
    with pytest.raises(FormatError) as caught:
        save_document(hand_built, path)
    assert caught.value.where == "neurons[5].bias"
    assert "cannot be saved" in str(caught.value) and "'h2'" in str(caught.value)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_saving_refuses_a_dataset_that_no_longer_fits_the_network(layered):
    layered.network.remove(neuron_ids=["o1"])
    with pytest.raises(FormatError) as caught:
        document_to_bytes(layered)
    assert caught.value.where == "dataset.labels"
    assert caught.value.problem == "cannot be saved: names 2 classes, but the network has 1 output"


def test_output_labels_fall_back_to_ids():
    network = Network.from_parts(
        [Neuron("x", Role.INPUT), Neuron("b", Role.OUTPUT, label="Bee"), Neuron("a", Role.OUTPUT)], []
    )
    assert Document(network).output_labels == ["Bee", "a"]


def test_dense_ids_are_the_engines_conventional_ids():
    assert format_checks.dense_id("i3", "h1_0") == edge_id("i3", "h1_0")


def test_numpy_numbers_in_the_document_are_written_as_plain_numbers(hand_built):
    hand_built.grid = (np.int64(2), np.int64(2))
    hand_built.value_range = (np.float32(0.0), np.float64(1.0))
    hand_built.training.epochs = np.int64(3)
    hand_built.training.learning_rate = np.float32(0.5)
    loaded = document_from_bytes(document_to_bytes(hand_built))
    assert loaded.grid == (2, 2) and loaded.value_range == (0.0, 1.0)
    assert loaded.training.epochs == 3 and loaded.training.learning_rate == 0.5
