"""The error landscape of two weights: the grid's numbers are the network's error there, today's point is
today's error, and gradient descent across it behaves as descent does."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import load_dataset
from nnstudio.engine.landscape import LandscapeError, descent_path, error_landscape, steepest_pair
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import evaluate
from nnstudio.examples import load_example


@pytest.fixture(scope="module")
def camera():
    document = load_example("four-pixel-camera")
    plan = compile_network(document.network, np.float64)
    data = load_dataset("four-pixel")
    return plan, data, LOSSES[document.training.loss]


def test_the_landscape_at_todays_weights_is_todays_error(camera):
    plan, data, loss = camera
    ids = ("h1_0>h2_0", "h2_1>h3_2")
    before = plan.flat.copy()
    landscape = error_landscape(plan, data.inputs, data.targets, loss, ids, (-3.0, 3.0), 7)
    assert np.array_equal(plan.flat, before)  # the weights are left as they were
    today, _, _ = evaluate(plan, data.inputs, data.targets, loss)
    assert landscape.current_error == pytest.approx(today, abs=1e-12)
    cx, cy = landscape.current
    j = int(np.flatnonzero(np.isclose(landscape.axis_x, cx))[0])
    i = int(np.flatnonzero(np.isclose(landscape.axis_y, cy))[0])
    assert landscape.errors[i, j] == pytest.approx(today, abs=1e-12)


def test_every_point_of_the_grid_is_the_networks_error_with_those_two_weights(camera):
    plan, data, loss = camera
    ids = ("i0>h1_0", "h1_0")  # a first-layer weight and a bias, both in the first level
    landscape = error_landscape(plan, data.inputs, data.targets, loss, ids, (-2.0, 2.0), 5)
    w_index = int(plan.parameter_index([ids[0]])[0])
    b_index = plan.bias_index(ids[1])
    for i, j in [(0, 0), (1, 3), (4, 2), (2, 4)]:
        trial = plan.flat.copy()
        saved = plan.flat.copy()
        trial[w_index], trial[b_index] = landscape.axis_x[j], landscape.axis_y[i]
        plan.flat[:] = trial
        try:
            expected = plan.loss_value(data.inputs, data.targets, loss)
        finally:
            plan.flat[:] = saved
        assert landscape.errors[i, j] == pytest.approx(expected, abs=1e-12)


def test_weights_in_different_layers_and_the_digits_network():
    document = load_example("digits")
    plan = compile_network(document.network, np.float32)
    data = load_dataset("digits:test")
    loss = LOSSES[document.training.loss]
    ids = steepest_pair(plan, data.inputs, data.targets, loss)
    landscape = error_landscape(plan, data.inputs[:300], data.targets[:300], loss, ids, steps=5)
    today, _, _ = evaluate(plan, data.inputs[:300], data.targets[:300], loss)
    assert landscape.current_error == pytest.approx(today, rel=1e-5)
    assert landscape.errors.shape == (5, 5) and np.isfinite(landscape.errors).all()


def test_descent_walks_downhill_and_momentum_with_a_large_rate_overshoots(camera):
    plan, data, loss = camera
    ids = ("h1_0>h2_0", "h2_1>h3_2")
    before = plan.flat.copy()
    careful = descent_path(plan, data.inputs, data.targets, loss, ids, (2.5, -2.5), 0.05, 0.0, 40)
    assert np.array_equal(plan.flat, before)
    assert careful.points.shape == (41, 2)
    assert np.all(np.diff(careful.errors) <= 1e-12)
    assert careful.errors[-1] < careful.errors[0]
    wild = descent_path(plan, data.inputs, data.targets, loss, ids, (2.5, -2.5), 2.0, 0.9, 40)
    assert np.any(np.diff(wild.errors[np.isfinite(wild.errors)]) > 0)


def test_bad_weights_and_settings_say_what_to_give(camera):
    plan, data, loss = camera
    with pytest.raises(LandscapeError, match="no connection or neuron 'nope'"):
        error_landscape(plan, data.inputs, data.targets, loss, ("nope", "h1_0"))
    with pytest.raises(LandscapeError, match="is an input"):
        error_landscape(plan, data.inputs, data.targets, loss, ("i0", "h1_0"))
    with pytest.raises(LandscapeError, match="two different"):
        error_landscape(plan, data.inputs, data.targets, loss, ("h1_0", "h1_0"))
    with pytest.raises(LandscapeError, match="learning rate"):
        descent_path(plan, data.inputs, data.targets, loss, ("h1_0", "h1_1"), (0, 0), -1.0)


def test_a_landscape_of_a_network_with_convolution_and_pooling():
    from nnstudio.document.builders import conv_network, parse_network_spec

    plan = compile_network(conv_network(parse_network_spec("6x6-c2k3p1-p2-3"), seed=1), np.float64)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 1, (12, 36)), np.eye(3)[rng.integers(0, 3, 12)]
    loss = LOSSES["cross_entropy"]
    ids = steepest_pair(plan, x, y, loss)
    landscape = error_landscape(plan, x, y, loss, ids, (-2.0, 2.0), 5)
    assert landscape.current_error == pytest.approx(plan.loss_value(x, y, loss), abs=1e-12)
    w = int(plan.parameter_index([ids[0]])[0])
    saved = plan.flat.copy()
    plan.flat[w] = landscape.axis_x[1]
    plan.flat[int(plan.parameter_index([ids[1]])[0])] = landscape.axis_y[3]
    expected = plan.loss_value(x, y, loss)
    plan.flat[:] = saved
    assert landscape.errors[3, 1] == pytest.approx(expected, abs=1e-12)


def test_each_step_of_the_walk_follows_backprops_slope(camera):
    plan, data, loss = camera
    ids = ("h1_0>h2_0", "h2_1")
    start, rate = (0.7, -0.4), 0.3
    path = descent_path(plan, data.inputs, data.targets, loss, ids, start, rate, 0.0, 3)
    w_index, b_index = int(plan.parameter_index([ids[0]])[0]), plan.bias_index(ids[1])
    saved = plan.flat.copy()
    try:
        plan.flat[w_index], plan.flat[b_index] = start
        grads = plan.backward(plan.forward(data.inputs), data.targets, loss)
        expected = np.array(start) - rate * np.array([grads.flat[w_index], grads.flat[b_index]])
    finally:
        plan.flat[:] = saved
    assert path.points[1] == pytest.approx(expected, abs=1e-7)
    assert path.errors[0] == pytest.approx(grads.loss, abs=1e-12)


def test_a_landscape_of_a_graph_that_skips_levels():
    from tests.instruments.test_receptive import skip_network

    plan = compile_network(skip_network(), np.float64)
    rng = np.random.default_rng(2)
    x, y = rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (4, 1))
    loss = LOSSES["squared"]
    for ids in (("i0>a", "b>c"), ("i0>c", "i1>o"), ("a>b", "c")):
        landscape = error_landscape(plan, x, y, loss, ids, (-2.0, 2.0), 5)
        first = int(plan.parameter_index([ids[0]])[0])
        second = int(plan.parameter_index([ids[1]])[0]) if ">" in ids[1] else plan.bias_index(ids[1])
        saved = plan.flat.copy()
        plan.flat[first], plan.flat[second] = landscape.axis_x[1], landscape.axis_y[3]
        expected = plan.loss_value(x, y, loss)
        plan.flat[:] = saved
        assert landscape.errors[3, 1] == pytest.approx(expected, abs=1e-12)
        assert landscape.current_error == pytest.approx(plan.loss_value(x, y, loss), abs=1e-12)
