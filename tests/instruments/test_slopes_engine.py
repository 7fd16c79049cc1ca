"""One weight's slope: backprop against nudging on every example, and the chain that multiplies out to it."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.slopes import error_curve, weight_slope
from nnstudio.examples import list_examples, load_example

EXAMPLES = [e.name for e in list_examples()]


def setup(name: str, samples: int = 1, seed: int = 0):
    document = load_example(name)
    plan = compile_network(document.network, np.float64)
    rng = np.random.default_rng(seed)
    low, high = document.value_range
    x = rng.uniform(low, high, (samples, plan.n_inputs))
    y = np.eye(plan.n_outputs)[rng.integers(0, plan.n_outputs, samples)]
    return document, plan, x, y, LOSSES[document.training.loss]


def picked_edges(plan, count: int = 6) -> list[str]:
    ids = plan.edge_ids()
    return [ids[int(k)] for k in np.linspace(0, len(ids) - 1, min(count, len(ids)))]


@pytest.mark.parametrize("name", EXAMPLES)
def test_nudged_slope_equals_backprop_and_the_chain_multiplies_out(name: str) -> None:
    _doc, plan, x, y, loss = setup(name)
    for edge in picked_edges(plan):
        slope = weight_slope(plan, x, y, loss, edge, h=1e-5)
        scale = max(abs(slope.backprop), 1e-3)
        assert abs(slope.nudged - slope.backprop) <= 1e-4 * scale, (edge, slope.backprop, slope.nudged)
        assert abs(slope.chain_product - slope.backprop) <= 1e-9 * scale + 1e-15, edge
        assert slope.passes_for_all == 2 * plan.n_parameters
        # Both costs are reported (their size is the benchmarks' business).
        costs = (slope.backprop_seconds, slope.nudged_seconds)
        assert all(isinstance(cost, float) for cost in costs)


def test_the_chain_of_a_hidden_weight_names_its_three_factors() -> None:
    _doc, plan, x, y, loss = setup("xor")
    slope = weight_slope(plan, x, y, loss, "i0>h1_0")
    names = [f.name for f in slope.chain]
    assert names[0].startswith("d sum/d weight")
    assert names[1].startswith("d activation/d sum (tanh")
    assert names[2] == "d error/d activation (summed over every path from here to the error)"
    assert slope.chain[0].value == x[0, 0]


def test_a_softmax_output_takes_the_error_slope_of_its_sum_in_one_step() -> None:
    _doc, plan, x, y, loss = setup("digits-wide")
    slope = weight_slope(plan, x, y, loss, "h1_3>o2")
    assert [f.name.split(" (")[0] for f in slope.chain] == ["d sum/d weight", "d error/d sum"]


def test_over_several_samples_the_slope_is_the_mean_of_their_chains() -> None:
    _doc, plan, x, y, loss = setup("four-pixel-learner", samples=5)
    slope = weight_slope(plan, x, y, loss, "i1>h1_2")
    products = [np.prod([f.value for f in chain]) for chain in slope.chains]
    assert len(products) == 5
    assert abs(np.mean(products) - slope.backprop) < 1e-12
    assert abs(slope.nudged - slope.backprop) < 1e-7


def test_the_error_curve_passes_through_the_current_error_with_the_backprop_slope() -> None:
    _doc, plan, x, y, loss = setup("four-pixel-learner")
    slope = weight_slope(plan, x, y, loss, "h1_0>h2_0")
    before = plan.flat.copy()
    w = slope.weight
    errors = error_curve(plan, x, y, loss, "h1_0>h2_0", np.array([w - 1e-5, w, w + 1e-5]))
    assert np.array_equal(plan.flat, before)
    assert abs(errors[1] - slope.error) < 1e-12
    assert abs((errors[2] - errors[0]) / 2e-5 - slope.backprop) < 1e-6


@pytest.mark.parametrize(
    ("name", "edge"), [("xor", "i1>h1_0"), ("four-pixel-learner", "i1>h1_3"), ("digits", "i300>h1_2")]
)
def test_a_hidden_neurons_error_slope_is_the_sum_of_its_paths_onward(name: str, edge: str) -> None:
    document, plan, x, y, loss = setup(name, seed=3)
    slope = weight_slope(plan, x, y, loss, edge)
    onward = slope.chain[2].value
    assert sum(p.product for p in slope.paths) == pytest.approx(onward, rel=1e-9, abs=1e-15)
    target = edge.split(">")[1]
    assert {p.neuron for p in slope.paths} == {e.target for e in document.network.outgoing(target)}
    sizes = [abs(p.product) for p in slope.paths]
    assert sizes == sorted(sizes, reverse=True)


def test_an_output_weight_has_no_paths_onward() -> None:
    _doc, plan, x, y, loss = setup("xor")
    assert weight_slope(plan, x, y, loss, "h1_0>o0").paths == []
