"""Version 1 files (every example nnstudio ever shipped, and hand-made ones) load as version 2: the same
neurons and edges under the same ids, the same outputs, the same undo behaviour, and exact round trips."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from nnstudio.document import document_from_bytes, document_to_bytes
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.plan import compile_network
from nnstudio.ui.commands import RemoveItems, SetFrozen, SetWeights

V1_EXAMPLES = Path(__file__).with_name("v1_examples")
EXAMPLE_FILES = sorted(V1_EXAMPLES.glob("*.nnet.gz"))


def v1_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def v1_connections(tree: dict) -> dict[str, tuple[str, str, float, bool]]:
    """Every edge a version 1 tree describes, read straight from the JSON: id -> (source, target, w, frozen)."""
    out = {
        e["id"]: (e["source"], e["target"], float(e["weight"]), bool(e.get("frozen"))) for e in tree["edges"]
    }
    for block in tree["dense"]:
        rows, cols = block["weights"]["shape"]
        raw = base64.b64decode(block["weights"]["data"])
        weights = np.frombuffer(raw, "<f4").reshape(rows, cols).astype(np.float64)
        for r, target in enumerate(block["targets"]):
            for c, source in enumerate(block["sources"]):
                out[f"{source}>{target}"] = (source, target, float(weights[r, c]), False)
    return out


def v1_outputs(tree: dict, x: np.ndarray) -> np.ndarray:
    """The outputs a version 1 file means, worked out from the JSON alone, neuron by neuron (an oracle
    that shares no code with the engine's layers)."""
    neurons = {n["id"]: n for n in tree["neurons"]}
    inputs = [n["id"] for n in tree["neurons"] if n["role"] == "input"]
    outputs = [n["id"] for n in tree["neurons"] if n["role"] == "output"]
    into: dict[str, list[tuple[str, float]]] = {}
    for source, target, weight, _ in v1_connections(tree).values():
        into.setdefault(target, []).append((source, weight))
    values: dict[str, np.ndarray] = {nid: x[:, k] for k, nid in enumerate(inputs)}
    sums: dict[str, np.ndarray] = {}

    def value(nid: str) -> np.ndarray:
        if nid not in values:
            z = np.full(len(x), float(neurons[nid]["bias"]))
            for source, weight in into.get(nid, []):
                z = z + weight * value(source)
            sums[nid] = z
            name = neurons[nid]["activation"]
            values[nid] = z if ACTIVATIONS[name].joint else ACTIVATIONS[name].value(z)
        return values[nid]

    columns = [value(o) for o in outputs]
    if outputs and ACTIVATIONS[neurons[outputs[0]]["activation"]].joint:
        return ACTIVATIONS["softmax"].value(np.stack([sums[o] for o in outputs], axis=1))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name.split(".")[0] for p in EXAMPLE_FILES])
def test_every_shipped_version_1_example_loads_with_the_same_ids_and_outputs(path):
    data = v1_bytes(path)
    tree = json.loads(data)
    assert tree["version"] == 1
    doc = document_from_bytes(data)
    assert list(doc.network.neurons) == [n["id"] for n in tree["neurons"]]
    expected = v1_connections(tree)
    got = {e.id: (e.source, e.target, e.weight, e.frozen) for e in doc.network.edges.values()}
    assert got == expected
    plan = compile_network(doc.network, np.float64)
    x = np.random.default_rng(0).uniform(*doc.value_range, (5, plan.n_inputs))
    np.testing.assert_allclose(plan.forward(x).output, v1_outputs(tree, x), atol=1e-6)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name.split(".")[0] for p in EXAMPLE_FILES])
def test_a_migrated_example_saves_as_version_2_and_round_trips_exactly(path):
    doc = document_from_bytes(v1_bytes(path))
    saved = document_to_bytes(doc)
    assert json.loads(saved)["version"] == 2
    again = document_from_bytes(saved)
    assert document_to_bytes(again) == saved
    assert {e.id: e for e in again.network.edges.values()} == {e.id: e for e in doc.network.edges.values()}


def test_migrated_layers_are_the_inputs_and_each_matrix_targets():
    doc = document_from_bytes(v1_bytes(V1_EXAMPLES / "digits.nnet.gz"))
    layers = {name: len(ids) for name, ids in doc.network.layers()}
    assert layers == {"input": 784, "layer1": 16, "layer2": 16, "layer3": 10}
    assert len(doc.network.blocks()) == 3, "one weight matrix per layer, not one per neuron"


@pytest.mark.parametrize("name", ["four-pixel-camera", "digits"])
def test_undo_after_migration_gives_back_the_same_bytes(name, qapp):
    doc = document_from_bytes(v1_bytes(V1_EXAMPLES / f"{name}.nnet.gz"))
    before = document_to_bytes(doc)
    network = doc.network
    stack = QUndoStack()
    edges = list(network.edges)[:3]
    hidden = next(n.id for n in network if n.role.value == "hidden")
    stack.push(SetWeights(network, {edges[0]: 0.5}))
    stack.push(SetFrozen(network, {edges[1]: True}))
    stack.push(RemoveItems(doc, [hidden], [edges[2]]))
    after = document_to_bytes(doc)
    assert after != before
    while stack.canUndo():
        stack.undo()
    assert document_to_bytes(doc) == before
    while stack.canRedo():
        stack.redo()
    assert document_to_bytes(doc) == after


HAND_MADE_V1 = {
    # A layer whose frozen and renamed edges version 1 listed one by one beside its matrix.
    "layer with listed extras": {
        "neurons": [{"id": f"i{k}", "role": "input", "activation": "identity", "bias": 0.0} for k in range(9)]
        + [{"id": f"o{k}", "role": "output", "activation": "sigmoid", "bias": 0.1 * k} for k in range(8)],
        "edges": [
            {"id": "i8>o0", "source": "i8", "target": "o0", "weight": 0.3, "frozen": True},
            {"id": "odd", "source": "i8", "target": "o1", "weight": -0.7},
        ],
        "dense": [("i0 i1 i2 i3 i4 i5 i6 i7", "o0 o1 o2 o3 o4 o5 o6 o7")],
    },
    # Two matrices into the same targets from different sources.
    "two matrices into one layer": {
        "neurons": [{"id": f"a{k}", "role": "input", "activation": "identity", "bias": 0.0} for k in range(8)]
        + [{"id": f"b{k}", "role": "hidden", "activation": "tanh", "bias": 0.0} for k in range(8)]
        + [{"id": f"c{k}", "role": "output", "activation": "softmax", "bias": 0.0} for k in range(8)],
        "edges": [],
        "dense": [
            ("a0 a1 a2 a3 a4 a5 a6 a7", "b0 b1 b2 b3 b4 b5 b6 b7"),
            ("b0 b1 b2 b3 b4 b5 b6 b7", "c0 c1 c2 c3 c4 c5 c6 c7"),
            ("a0 a1 a2 a3 a4 a5 a6 a7", "c0 c1 c2 c3 c4 c5 c6 c7"),
        ],
    },
    # A matrix whose targets a version 1 writer grouped across what are two layers today.
    "matrix across targets fed elsewhere too": {
        "neurons": [{"id": f"x{k}", "role": "input", "activation": "identity", "bias": 0.0} for k in range(8)]
        + [{"id": f"h{k}", "role": "hidden", "activation": "relu", "bias": 0.5} for k in range(8)]
        + [{"id": "y", "role": "output", "activation": "identity", "bias": 0.0}],
        "edges": [
            {"id": f"h{k}>y", "source": f"h{k}", "target": "y", "weight": 1.0 / (k + 1)} for k in range(8)
        ]
        + [{"id": "x0>y", "source": "x0", "target": "y", "weight": 2.0}],
        "dense": [("x0 x1 x2 x3 x4 x5 x6 x7", "h0 h1 h2 h3 h4 h5 h6 h7")],
    },
}


def hand_made(parts: dict) -> bytes:
    rng = np.random.default_rng(3)
    dense = []
    for sources, targets in parts["dense"]:
        s, t = sources.split(), targets.split()
        w = rng.uniform(-1, 1, (len(t), len(s))).astype("<f4")
        dense.append(
            {
                "sources": s,
                "targets": t,
                "weights": {
                    "dtype": "float32",
                    "shape": [len(t), len(s)],
                    "data": base64.b64encode(w.tobytes()).decode(),
                },
            }
        )
    tree = {
        "format": "nnstudio-network",
        "version": 1,
        "neurons": parts["neurons"],
        "edges": parts["edges"],
        "dense": dense,
    }
    return json.dumps(tree).encode()


@pytest.mark.parametrize("name", list(HAND_MADE_V1))
def test_hand_made_version_1_files_migrate_exactly(name):
    data = hand_made(HAND_MADE_V1[name])
    tree = json.loads(data)
    doc = document_from_bytes(data)
    got = {e.id: (e.source, e.target, e.weight, e.frozen) for e in doc.network.edges.values()}
    assert got == v1_connections(tree)
    plan = compile_network(doc.network, np.float64)
    x = np.random.default_rng(1).uniform(-1, 1, (4, plan.n_inputs))
    np.testing.assert_allclose(plan.forward(x).output, v1_outputs(tree, x), atol=1e-6)
    saved = document_to_bytes(doc)
    assert document_to_bytes(document_from_bytes(saved)) == saved
