"""``nnstudio train --l1/--l2`` on point datasets, and feature inputs fed from the points by their names."""

from __future__ import annotations

import json

import numpy as np

from nnstudio.cli import main
from nnstudio.document.fileformat import load_document, save_document
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.train import TrainSettings


def _feature_network(path, features: list[str], hidden: int = 4) -> None:
    """Inputs named after features, one tanh hidden layer, two softmax outputs."""
    rng = np.random.default_rng(0)
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity", label=name) for k, name in enumerate(features)]
    neurons += [Neuron(f"h{k}", Role.HIDDEN, "tanh") for k in range(hidden)]
    neurons += [
        Neuron(f"o{k}", Role.OUTPUT, "softmax", label=label) for k, label in enumerate(["outside", "inside"])
    ]
    edges = [
        Edge(edge_id(s.id, t.id), s.id, t.id, float(rng.uniform(-0.5, 0.5)))
        for layer_from, layer_to in ((Role.INPUT, Role.HIDDEN), (Role.HIDDEN, Role.OUTPUT))
        for t in neurons
        if t.role is layer_to
        for s in neurons
        if s.role is layer_from
    ]
    doc = Document(
        Network.from_parts(neurons, edges),
        training=TrainSettings(loss="cross_entropy", learning_rate=0.1, batch_size=10, epochs=30),
        training_data="circle:train",
    )
    save_document(doc, path)


def _run(capsys, *args: str) -> dict:
    quiet = ["--quiet"] if args[0] == "train" else []
    code = main([*args, *quiet, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_train_with_l1_leaves_weights_at_zero_and_saves_the_rates(tmp_path, capsys):
    start, out = tmp_path / "start.nnet", tmp_path / "out.nnet"
    _feature_network(start, ["X1", "X2", "X1^2", "X2^2", "X1*X2", "sin X1", "sin X2"])
    result = _run(capsys, "train", str(start), "--l1", "0.01", "--out", str(out))
    assert result["l1"] == 0.01 and result["zero_weights"] >= 3
    doc = load_document(out)
    assert doc.training.l1 == 0.01
    weights = [e.weight for e in doc.network.edges.values()]
    assert sum(w == 0.0 for w in weights) == result["zero_weights"]


def test_squared_feature_inputs_separate_the_circle_with_two_hidden_neurons(tmp_path, capsys):
    squares, out = tmp_path / "squares.nnet", tmp_path / "out.nnet"
    _feature_network(squares, ["X1^2", "X2^2"], hidden=2)
    _run(capsys, "train", str(squares), "--epochs", "60", "--out", str(out))
    result = _run(capsys, "eval", str(out), "--data", "circle:test")
    assert result["accuracy"] >= 0.95


def test_l2_shrinks_the_weights_of_a_trained_network(tmp_path, capsys):
    start = tmp_path / "start.nnet"
    _feature_network(start, ["X1", "X2"])
    norms = []
    for rate in ("0", "0.05"):
        out = tmp_path / f"l2-{rate}.nnet"
        _run(capsys, "train", str(start), "--l2", rate, "--out", str(out))
        norms.append(np.linalg.norm([e.weight for e in load_document(out).network.edges.values()]))
    assert norms[1] < norms[0]


def test_a_negative_rate_is_one_clear_line(tmp_path, capsys):
    start = tmp_path / "start.nnet"
    _feature_network(start, ["X1", "X2"])
    code = main(["train", str(start), "--l1", "-1", "--out", str(tmp_path / "x.nnet")])
    _, err = capsys.readouterr()
    assert code != 0 and "L1 rate must be zero or a positive number" in err
    assert len(err.strip().splitlines()) == 1
