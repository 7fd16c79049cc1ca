"""L1 and L2 regularisation: the slopes with the penalty match finite differences, L1 kills weights for
good, L2 shrinks them, biases and frozen weights are left alone."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.step import training_step
from nnstudio.engine.train import (
    Step,
    TrainingError,
    TrainSettings,
    penalised_weights,
    penalty,
    penalty_gradient,
    train,
)

from .helpers import layered_network


def _data(n_in: int, n_out: int, n: int = 24, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, n_in)), rng.uniform(-1, 1, (n, n_out))


@pytest.mark.parametrize("l1,l2", [(0.0, 0.3), (0.2, 0.0), (0.05, 0.1)])
def test_slopes_with_the_penalty_match_finite_differences(l1, l2):
    net = layered_network([3, 4, 2], ["tanh", "sigmoid"], seed=3, sparse=0.2)
    net.set_frozen({e: True for e in list(net.edges)[:2]})
    plan = compile_network(net, np.float64)
    x, y = _data(3, 2)
    loss = LOSSES["squared"]
    fw = plan.forward(x)
    analytic = plan.backward(fw, y, loss, out=np.empty_like(plan.flat)).flat
    analytic = analytic * (plan.flat_trainable if plan.flat_trainable is not None else 1.0)
    analytic = analytic + penalty_gradient(plan, l1, l2)
    start = plan.snapshot()

    def objective(flat: np.ndarray) -> float:
        plan.restore(flat)
        return plan.loss_value(x, y, loss) + penalty(plan, l1, l2)

    h = 1e-6
    trainable = (
        np.flatnonzero(plan.flat_trainable != 0) if plan.flat_trainable is not None else range(start.size)
    )
    checked = 0
    for i in trainable:
        if abs(start[i]) < 1e-3:
            continue  # |w| has no slope at zero
        up, down = start.copy(), start.copy()
        up[i] += h
        down[i] -= h
        numeric = (objective(up) - objective(down)) / (2 * h)
        assert numeric == pytest.approx(analytic[i], rel=1e-5, abs=1e-7)
        checked += 1
    plan.restore(start)
    assert checked > 15


def test_penalty_covers_trainable_weights_and_never_biases():
    net = layered_network([2, 3, 1], ["tanh", "tanh"], seed=1)
    frozen = list(net.edges)[0]
    net.set_frozen({frozen: True})
    plan = compile_network(net, np.float64)
    mask = penalised_weights(plan)
    assert mask.sum() == len(net.edges) - 1
    assert not mask[plan.bias_index("o0")]
    assert not mask[plan.parameter_index([frozen])[0]]
    weights = plan.flat[mask]
    assert penalty(plan, 0.5, 0.0) == pytest.approx(0.5 * np.abs(weights).sum())
    assert penalty(plan, 0.0, 2.0) == pytest.approx((weights**2).sum())
    assert penalty(plan, 0.0, 0.0) == 0.0


def _train(l1: float, l2: float, epochs: int = 60, momentum: float = 0.0):
    net = layered_network([4, 6, 2], ["tanh", "tanh"], seed=5)
    plan = compile_network(net, np.float64)
    x, y = _data(4, 2, n=40, seed=2)
    settings = TrainSettings(
        epochs=epochs, learning_rate=0.05, batch_size=8, seed=3, l1=l1, l2=l2, momentum=momentum
    )
    zeros_seen: list[np.ndarray] = []
    mask = penalised_weights(plan)
    for event in train(plan, x, y, settings):
        if isinstance(event, Step):
            zeros_seen.append(plan.flat[mask] == 0.0)
    return plan, mask, zeros_seen


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_l1_kills_weights_and_a_dead_weight_stays_dead(momentum):
    plan, mask, zeros_seen = _train(l1=0.05, l2=0.0, momentum=momentum)
    dead = plan.flat[mask] == 0.0
    assert dead.sum() >= 5
    # Once a weight is exactly zero it stays zero to the end of the run, whatever the data wants.
    for earlier, later in zip(zeros_seen, zeros_seen[1:], strict=False):
        assert not (earlier & ~later).any()
    unregularised, _, _ = _train(l1=0.0, l2=0.0, momentum=momentum)
    assert (unregularised.flat[mask] == 0.0).sum() == 0
    # Biases are not penalised: none of them is made zero.
    biases = ~plan.connection_mask()
    assert (plan.flat[biases] != 0).all()


def test_l2_shrinks_the_weights():
    plain, mask, _ = _train(l1=0.0, l2=0.0)
    shrunk, _, _ = _train(l1=0.0, l2=0.5)
    assert np.linalg.norm(shrunk.flat[mask]) < 0.6 * np.linalg.norm(plain.flat[mask])
    assert (shrunk.flat[mask] != 0).all()


def test_without_rates_the_run_is_the_plain_one():
    a, _, _ = _train(0.0, 0.0, epochs=5)
    net = layered_network([4, 6, 2], ["tanh", "tanh"], seed=5)
    b = compile_network(net, np.float64)
    x, y = _data(4, 2, n=40, seed=2)
    list(train(b, x, y, TrainSettings(epochs=5, learning_rate=0.05, batch_size=8, seed=3)))
    np.testing.assert_array_equal(a.flat, b.flat)


@pytest.mark.parametrize("field", ["l1", "l2"])
def test_a_negative_rate_is_refused(field):
    with pytest.raises(TrainingError, match="rate must be zero or a positive number"):
        TrainSettings(**{field: -0.1}).validate()


def test_a_shown_step_regularises_like_the_trainer():
    net = layered_network([2, 2, 1], ["tanh", "tanh"], seed=4)
    plan = compile_network(net, np.float64)
    x, y = np.array([0.5, -0.25]), np.array([0.3])
    plain = training_step(plan, net, x, y, "squared", 0.1)
    decayed = training_step(plan, net, x, y, "squared", 0.1, l2=0.5)
    slopes = plain.edge_gradients
    for eid, old in plain.old_weights.items():
        assert decayed.new_weights[eid] == pytest.approx(old - 0.1 * (slopes[eid] + 0.5 * old))
    # A rate of L1 larger than every weight stops each of them at zero instead of crossing it.
    big = training_step(plan, net, x, y, "squared", 0.1, l1=100.0)
    assert all(w == 0.0 for w in big.new_weights.values())
