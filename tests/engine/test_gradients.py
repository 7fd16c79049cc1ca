"""Backprop against centred finite differences in float64, for every activation and every loss."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.slopes import gradient_check, numerical_bias_slope, numerical_slope

from .helpers import layered_network

SMOOTH = ["identity", "sigmoid", "tanh"]
KINKED = ["relu", "step"]


def _data(n_in: int, n_out: int, seed: int, classes: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (5, n_in))
    y = np.eye(n_out)[rng.integers(0, n_out, 5)] if classes else rng.uniform(-1, 1, (5, n_out))
    return x, y


@pytest.mark.parametrize("hidden", SMOOTH + KINKED)
@pytest.mark.parametrize("output", ["identity", "sigmoid", "tanh"])
@pytest.mark.parametrize("loss_name", ["squared", "absolute"])
def test_backprop_matches_centred_differences(hidden: str, output: str, loss_name: str) -> None:
    net = layered_network([3, 4, 3, 2], [hidden, hidden, output], seed=1, skip=True, sparse=0.2)
    plan = compile_network(net, np.float64)
    x, y = _data(3, 2, seed=2)
    smooth = hidden in SMOOTH
    # Near a kink (ReLU/step at z = 0) a smaller nudge keeps the difference on one side of it.
    report = gradient_check(plan, x, y, LOSSES[loss_name], h=1e-3 if smooth else 1e-4)
    assert report.max_relative_error < (1e-7 if smooth else 1e-4), report.per_block


@pytest.mark.parametrize("hidden", SMOOTH + ["relu"])
def test_softmax_with_cross_entropy_matches_centred_differences(hidden: str) -> None:
    net = layered_network([4, 5, 3], [hidden, "softmax"], seed=3)
    plan = compile_network(net, np.float64)
    x, y = _data(4, 3, seed=4, classes=True)
    report = gradient_check(plan, x, y, LOSSES["cross_entropy"], h=1e-3 if hidden in SMOOTH else 1e-4)
    assert report.max_relative_error < (1e-7 if hidden in SMOOTH else 1e-4)


def test_softmax_with_cross_entropy_delta_is_answer_minus_truth() -> None:
    net = layered_network([2, 3], ["softmax"], seed=5)
    plan = compile_network(net, np.float64)
    x, y = _data(2, 3, seed=6, classes=True)
    fw = plan.forward(x)
    grads = plan.backward(fw, y, LOSSES["cross_entropy"])
    np.testing.assert_allclose(grads.deltas[-1] * len(x), fw.output - y, atol=1e-12)


def test_mixed_activations_in_one_level() -> None:
    net = layered_network([3, 4, 2], ["tanh", "sigmoid"], seed=7)
    acts = ["tanh", "relu", "sigmoid", "identity"]
    net.set_neuron_fields({f"h1_{k}": {"activation": a} for k, a in enumerate(acts)})
    plan = compile_network(net, np.float64)
    assert len(plan.levels[1].groups) == 4
    x, y = _data(3, 2, seed=8)
    assert gradient_check(plan, x, y, LOSSES["squared"], h=1e-4).max_relative_error < 1e-4


def test_single_slopes_agree_with_backprop_for_each_edge_and_bias() -> None:
    net = layered_network([2, 2, 1], ["tanh", "sigmoid"], seed=9)
    plan = compile_network(net, np.float64)
    x, y = _data(2, 1, seed=10)
    loss = LOSSES["squared"]
    grads = plan.backward(plan.forward(x), y, loss)
    by_edge = plan.edge_gradients(grads)
    for eid in net.edges:
        assert numerical_slope(plan, x, y, loss, eid) == pytest.approx(by_edge[eid], rel=1e-6, abs=1e-10)
    for nid, g in plan.bias_gradients(grads).items():
        assert numerical_bias_slope(plan, x, y, loss, nid) == pytest.approx(g, rel=1e-6, abs=1e-10)


def test_input_gradient_points_the_way_to_nudge_the_image() -> None:
    net = layered_network([3, 3, 1], ["tanh", "identity"], seed=11)
    plan = compile_network(net, np.float64)
    x = np.array([[0.2, -0.4, 0.6]])
    y = np.array([[1.0]])
    loss = LOSSES["squared"]
    g = plan.backward(plan.forward(x), y, loss, input_gradient=True).inputs
    h = 1e-6
    for i in range(3):
        up, down = x.copy(), x.copy()
        up[0, i] += h
        down[0, i] -= h
        fd = (plan.loss_value(up, y, loss) - plan.loss_value(down, y, loss)) / (2 * h)
        assert g[0, i] == pytest.approx(fd, rel=1e-7, abs=1e-10)


def test_every_activation_has_a_backward_step() -> None:
    z = np.linspace(-2, 2, 9)[None, :]
    for act in ACTIVATIONS.values():
        a = act.value(z)
        assert act.backward(z, a, np.ones_like(z)).shape == z.shape


def _layered_with_everything():
    """Named layers whose matrices are mapped as pieces: a missing link, a frozen one, skip connections into
    the outputs' matrix (two source levels), and a link inside a layer that splits it over two levels."""
    from nnstudio.document.builders import dense_network
    from nnstudio.engine.graph import Edge, edge_id

    net = dense_network([6, 12, 6], ["tanh", "sigmoid"], seed=3)
    net.remove(edge_ids=[edge_id("i2", "h1_0")])
    net.set_frozen({edge_id("i3", "h1_4"): True})
    net.add_edges([Edge(edge_id(f"i{k}", f"o{k}"), f"i{k}", f"o{k}", 0.1 * (k + 1)) for k in range(6)])
    net.add_edge(Edge(edge_id("h1_0", "h1_1"), "h1_0", "h1_1", 0.7))
    net.set_neuron_fields({n.id: {"bias": 0.05 * k} for k, n in enumerate(net) if n.role.value != "input"})
    return net


def test_layer_matrices_in_pieces_match_centred_differences() -> None:
    net = _layered_with_everything()
    plan = compile_network(net, np.float64)
    assert any(len(b.sources) > 1 for b in plan.blocks), "the outputs are fed by two levels at once"
    assert len(plan.levels) == 4, "the link inside the hidden layer puts h1_1 a level deeper"
    x, y = _data(6, 6, seed=4)
    report = gradient_check(plan, x, y, LOSSES["squared"], h=1e-3)
    assert report.max_relative_error < 1e-7, report.per_block
    assert report.parameters == len(net.edges) + 18
    # Every connection's slope by nudging it alone agrees with backprop's, missing and frozen ones aside.
    grads = plan.edge_gradients(plan.backward(plan.forward(x), y, LOSSES["squared"]))
    for eid in ["i0>h1_0", "i3>h1_4", "i5>o5", "h1_0>h1_1", "h1_11>o2"]:
        nudged = numerical_slope(plan, x, y, LOSSES["squared"], eid)
        assert grads[eid] == pytest.approx(nudged, rel=1e-6, abs=1e-9), eid
    assert "i2>h1_0" not in grads
