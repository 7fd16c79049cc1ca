"""The point-problem examples: each gets its test half right as its description promises."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from nnstudio.data import load_dataset
from nnstudio.data.points import feature_names, fit_dataset_to
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import evaluate
from nnstudio.examples import load_example

REPO = Path(__file__).resolve().parents[2]


def _test_accuracy(name: str) -> float:
    doc = load_example(name)
    test = fit_dataset_to(load_dataset(doc.training_data.replace(":train", ":test")), doc.network)
    plan = compile_network(doc.network, np.float64)
    _, accuracy, _ = evaluate(plan, test.inputs, test.targets, LOSSES[doc.training.loss])
    assert accuracy is not None
    return accuracy


@pytest.mark.parametrize(
    "name,data,required",
    [
        ("spiral", "spiral", 0.95),
        ("circle", "circle", 0.95),
        ("gauss", "gauss", 0.97),
        ("xor-features", "xor-points", 0.97),
    ],
)
def test_each_point_example_gets_its_test_points_right(name, data, required):
    doc = load_example(name)
    assert doc.training_data == f"{data}:train"
    assert feature_names([n.label for n in doc.network.inputs()]) is not None
    assert _test_accuracy(name) >= required


def test_the_spiral_needs_its_hidden_layers_and_sine_features():
    doc = load_example("spiral")
    assert [n.label for n in doc.network.inputs()] == ["X1", "X2", "sin X1", "sin X2"]
    assert [len(level) for level in doc.network.levels()] == [4, 8, 8, 2]


def test_l1_left_only_the_feature_that_matters_in_xor():
    doc = load_example("xor-features")
    weights = {doc.network.neurons[e.source].label: e.weight for e in doc.network.edges.values()}
    assert weights["X1"] == 0.0 and weights["X2"] == 0.0
    assert weights["X1*X2"] > 1.0
    assert doc.training.l1 > 0


@pytest.mark.parametrize("name", ["gauss", "xor-features", "circle"])
def test_shipped_point_example_is_what_the_build_script_trains(name):
    spec = importlib.util.spec_from_file_location("point_examples", REPO / "scripts" / "point_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    built = module.build_point_example(name)
    shipped = load_example(name)
    assert [(n.id, n.label, n.activation) for n in built.network] == [
        (n.id, n.label, n.activation) for n in shipped.network
    ]
    for key, edge in built.network.edges.items():
        assert edge.weight == pytest.approx(shipped.network.edges[key].weight, abs=1e-3), key
