"""``nnstudio new`` makes a layered network from its sizes; ``nnstudio info`` says what a network is made of."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.document.builders import parse_layer_spec
from nnstudio.document.fileformat import load_document
from nnstudio.engine.graph import GraphError
from nnstudio.engine.plan import compile_network


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("spec", "sizes", "grid"),
    [
        ("784-64-64-10", [784, 64, 64, 10], None),
        ("28x28-16-10", [784, 16, 10], (28, 28)),
        ("2-8-8-1", [2, 8, 8, 1], None),
        ("3X2-4-1", [6, 4, 1], (3, 2)),
    ],
)
def test_a_layer_spec_gives_sizes_and_the_input_grid(spec, sizes, grid):
    assert parse_layer_spec(spec) == (sizes, grid)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("784", "not a layer list"),
        ("4--2", "not a layer list"),
        ("4-x-2", "not a layer size"),
        ("4-3x3-2", "only the input layer"),
        ("4-0-2", "1 to 100,000"),
        ("28xb-2", "not an image size"),
    ],
)
def test_a_bad_layer_spec_says_why(spec, fragment):
    with pytest.raises(GraphError, match=fragment):
        parse_layer_spec(spec)


def test_new_writes_a_network_that_info_describes(tmp_path, capsys):
    out = tmp_path / "reader.nnet"
    made = run_json(capsys, "new", "28x28-16-10", "--out", str(out), "--activation", "tanh", "--seed", "3")
    info = run_json(capsys, "info", str(out))
    assert made["file"] == str(out)
    for summary in (made, info):
        assert summary["neurons"] == 784 + 16 + 10
        assert summary["inputs"] == 784 and summary["outputs"] == 10
        assert summary["connections"] == 784 * 16 + 16 * 10
        assert summary["parameters"] == summary["trainable"] == 784 * 16 + 16 * 10 + 16 + 10
        assert [(l["kind"], l["shape"]) for l in summary["layers"]] == [
            ("input", [28, 28]),
            ("dense", [16]),
            ("dense", [10]),
        ]
    doc = load_document(out)
    assert doc.grid == (28, 28) and doc.value_range == (0.0, 1.0)
    assert doc.training.loss == "cross_entropy" and doc.training.seed == 3
    assert [n.activation for n in doc.network.outputs()] == ["softmax"] * 10
    plan = compile_network(doc.network)
    answer = plan.forward(np.zeros((1, 784), np.float32)).output
    assert answer.sum() == pytest.approx(1.0, abs=1e-5)


def test_new_is_seeded(tmp_path, capsys):
    for name in ("a", "b"):
        assert main(["new", "2-8-1", "--out", str(tmp_path / f"{name}.nnet"), "--seed", "7"]) == 0
    assert (tmp_path / "a.nnet").read_bytes() == (tmp_path / "b.nnet").read_bytes()
    assert main(["new", "2-8-1", "--out", str(tmp_path / "c.nnet"), "--seed", "8"]) == 0
    assert (tmp_path / "a.nnet").read_bytes() != (tmp_path / "c.nnet").read_bytes()


def test_info_counts_frozen_connections_as_not_trainable(capsys, tmp_path):
    doc = load_document_from_example("four-pixel-camera")
    first = next(iter(doc.network.edges))
    doc.network.set_frozen({first: True})
    path = tmp_path / "frozen.nnet"
    from nnstudio.document.fileformat import save_document

    save_document(doc, path)
    info = run_json(capsys, "info", str(path))
    assert info["frozen"] == 1
    assert info["trainable"] == info["parameters"] - 1
    assert info["layers"][0] == {
        "name": "input",
        "kind": "input",
        "shape": [2, 2],
        "role": "input",
        "activation": "identity",
        "connections_in": 0,
    }
    assert {l["kind"] for l in info["layers"][1:]} == {"sparse"}


def load_document_from_example(name: str):
    from nnstudio.examples import example_path

    return load_document(example_path(name))


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["new", "2-x", "--out", "{tmp}/x.nnet"], "not a layer size"),
        (["new", "2-3", "--out", "{tmp}/x.nnet", "--activation", "softmax"], "works over the outputs"),
        (["new", "2-3", "--out", "{tmp}/x.nnet", "--loss", "hinge"], "unknown loss"),
        (["new", "2-3", "--out", "{tmp}/x.nnet", "--seed", "-1"], "--seed"),
        (["info", "no-such-network"], "no file or built-in example"),
    ],
)
def test_mistakes_are_one_line_and_leave_stdout_empty(argv, fragment, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main([*argv, "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert fragment in captured.err and len(captured.err.strip().splitlines()) == 1
    assert not (tmp_path / "x.nnet").exists()


def test_train_warns_when_the_run_leaves_the_network_much_worse(tmp_path, capsys):
    out = tmp_path / "ruined.nnet"
    argv = ["train", "four-pixel-learner", "--epochs", "5", "--lr", "1000", "--out", str(out), "--quiet"]
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["worse"] is True and result["loss"] > result["loss_before"]
    warning = captured.err.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith("nnstudio: warning: Training made the network worse")
    assert "train the original again" in warning[0]
    assert (
        main(["train", "xor", "--data", "document", "--epochs", "50", "--out", str(out), "--quiet", "--json"])
        == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out)["worse"] is False and captured.err == ""


def test_counts_of_one_read_in_the_singular(capsys):
    """``1 output`` and ``1 parameter``, not ``1 outputs``: the words a person reads are counted right."""
    from tests.test_cli import run_cli

    code, out, _ = run_cli(capsys, "info", "xor-single")
    assert code == 0 and "(2 inputs, 1 output)" in out
    code, out, _ = run_cli(capsys, "gradcheck", "xor-single")
    assert code == 0 and " 1 parameter  " in out and "1 parameters" not in out


def test_info_describes_a_shaped_layer_by_its_kernels_or_window_not_as_zero_connections(capsys):
    from tests.test_cli import run_cli

    code, out, _ = run_cli(capsys, "info", "digits-convnet")
    lines = {line[2:19].strip(): line for line in out.splitlines()[1:]}  # by the layer's name
    assert code == 0
    assert "16 kernels 5x5" in lines["conv1"] and "416 parameters" in lines["conv1"]
    assert "2x2 window, stride 2" in lines["pool1"]
    assert "reads pool2 in order" in lines["pool2 flattened"]
    assert "5,120 connections in" in lines["output"]
    assert " 0 connections in" not in out
