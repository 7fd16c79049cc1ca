"""The stacked training step: the same gradients as the plan's own forward and backward, for every activation
and loss, and a trainer that takes it runs as the plan's general path does, stops on divergence the same way
and puts back exactly the weights from before the failing step."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine import train as train_module
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.stack_step import StackStep, stacked
from nnstudio.engine.train import Diverged, Step, TrainSettings, train
from nnstudio.engine.training_rows import TrainingRows

from .helpers import layered_network

ACTIVATION_PAIRS = [
    ["sigmoid", "sigmoid"],
    ["tanh", "identity"],
    ["relu", "softmax"],
    ["step", "tanh"],
    ["identity", "relu"],
]


def _data(n: int, inputs: int, outputs: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, inputs)), rng.uniform(0, 1, (n, outputs))


@pytest.mark.parametrize("name", [name for name, act in ACTIVATIONS.items() if act.in_place is not None])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_in_place_step_is_its_activations_own_arithmetic_to_the_last_bit(name, dtype) -> None:
    act = ACTIVATIONS[name]
    in_place = act.in_place
    rng = np.random.default_rng(3)
    # Sums on both sides of zero, zero itself, and far out where sigmoid and tanh saturate.
    z = np.concatenate([rng.normal(0, 3, (6, 5)), [[0.0, -0.0, 40.0, -40.0, 1e-8]]]).astype(dtype)
    grad_a = rng.normal(0, 1, z.shape).astype(dtype)
    constants = (np.array(0.5, dtype), np.array(1, dtype))
    a = in_place.value(z, np.empty_like(z), constants)
    np.testing.assert_array_equal(a, act.value(z))
    scratch = np.empty(z.shape, in_place.scratch or dtype)
    delta = in_place.backward(z, a, grad_a, np.empty_like(z), scratch, constants)
    np.testing.assert_array_equal(delta, act.backward(z, act.value(z), grad_a))
    assert a.dtype == delta.dtype == dtype


def test_a_plain_stack_is_stacked_and_other_graphs_are_not() -> None:
    assert stacked(compile_network(layered_network([3, 4, 2], ["tanh", "sigmoid"])))
    assert stacked(compile_network(layered_network([3, 4, 2], ["tanh", "sigmoid"], sparse=0.3)))
    # Input -> output skip connections: the outputs are fed by two levels.
    assert not stacked(compile_network(layered_network([3, 4, 2], ["tanh", "sigmoid"], skip=True)))
    mixed = Network.from_parts(
        [
            Neuron("a", Role.INPUT, "identity"),
            Neuron("o1", Role.OUTPUT, "tanh"),
            Neuron("o2", Role.OUTPUT, "sigmoid"),
        ],
        [Edge("a>o1", "a", "o1", 0.5), Edge("a>o2", "a", "o2", -0.5)],
    )
    # Two activations in one level.
    assert not stacked(compile_network(mixed))


@pytest.mark.parametrize("activations", ACTIVATION_PAIRS)
@pytest.mark.parametrize("loss_name", list(LOSSES))
@pytest.mark.parametrize("batch", [1, 5])
def test_the_stacked_step_gives_the_plans_gradient_loss_and_errors(activations, loss_name, batch) -> None:
    plan = compile_network(layered_network([4, 5, 3], activations, seed=1), np.float64)
    x, y = _data(9, 4, 3)
    loss = LOSSES[loss_name]
    grad = np.full_like(plan.flat, np.nan)
    step = StackStep(plan, loss, batch, TrainingRows(x, y, plan.dtype), grad)
    rows = np.array([7, 2, 4, 0, 8][:batch])
    mean, per_sample = step.run(rows)
    expected = plan.backward(plan.forward(x[rows]), y[rows], loss)
    np.testing.assert_allclose(grad, expected.flat, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(per_sample, expected.per_sample, rtol=1e-12)
    assert mean == pytest.approx(expected.loss, rel=1e-12)


def test_a_narrow_layer_fed_by_a_wide_one_at_a_large_batch_gives_the_same_gradient_in_panels() -> None:
    # 300 inputs into 8 neurons at batch 150: the first block's products go in panels of rows.
    plan = compile_network(layered_network([300, 8, 3], ["sigmoid", "tanh"], seed=5), np.float64)
    x, y = _data(200, 300, 3, seed=6)
    loss = LOSSES["squared"]
    grad = np.empty_like(plan.flat)
    step = StackStep(plan, loss, 150, TrainingRows(x, y, plan.dtype), grad)
    assert step.forward_steps[0][-1] is not None and step.forward_steps[1][-1] is None
    rows = np.random.default_rng(7).permutation(200)[:150]
    mean, per_sample = step.run(rows)
    expected = plan.backward(plan.forward(x[rows]), y[rows], loss)
    np.testing.assert_allclose(grad, expected.flat, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(per_sample, expected.per_sample, rtol=1e-12)
    assert mean == pytest.approx(expected.loss, rel=1e-12)


def test_each_steps_sample_errors_are_its_own() -> None:
    plan = compile_network(layered_network([2, 3, 1], ["tanh", "sigmoid"]))
    x, y = _data(8, 2, 1)
    steps = [e for e in train(plan, x, y, TrainSettings(epochs=1, batch_size=4)) if isinstance(e, Step)]
    first, second = steps
    assert first.sample_errors is not second.sample_errors
    assert not np.shares_memory(first.sample_errors, second.sample_errors)


@pytest.mark.parametrize(
    "settings",
    [
        TrainSettings(epochs=3, learning_rate=0.3, batch_size=3, loss="squared"),
        TrainSettings(epochs=3, learning_rate=0.2, batch_size=4, momentum=0.9, loss="cross_entropy"),
        TrainSettings(epochs=3, learning_rate=0.1, batch_size=1, l1=0.01, l2=0.02, loss="absolute"),
    ],
    ids=["plain-last-batch-shorter", "momentum", "regularised"],
)
def test_training_a_stack_runs_as_the_plans_general_path_does(settings, monkeypatch) -> None:
    x, y = _data(11, 3, 2, seed=4)
    runs = []
    for use_stack in (True, False):
        net = layered_network([3, 4, 2], ["tanh", "softmax"], seed=2, sparse=0.2)
        net.set_frozen({next(iter(net.edges)): True})
        plan = compile_network(net, np.float64)
        monkeypatch.setattr(train_module, "stacked", lambda p, use=use_stack: use)
        events = list(train(plan, x, y, settings, initialise_first=True))
        losses = [(e.step, e.loss, len(e.sample_errors)) for e in events if isinstance(e, Step)]
        runs.append((losses, plan.flat.copy()))
    (stack_losses, stack_flat), (plan_losses, plan_flat) = runs
    assert [s for s, _, _ in stack_losses] == [s for s, _, _ in plan_losses]
    assert [k for _, _, k in stack_losses] == [k for _, _, k in plan_losses]
    np.testing.assert_allclose([v for _, v, _ in stack_losses], [v for _, v, _ in plan_losses], rtol=1e-9)
    np.testing.assert_allclose(stack_flat, plan_flat, rtol=1e-9, atol=1e-12)


def _weights_before_step(net: Network, x, y, settings, step: int, dtype) -> np.ndarray:
    plan = compile_network(net, dtype)
    for event in train(plan, x, y, settings):
        if isinstance(event, Step) and event.step == step - 1:
            return plan.flat.copy()
    return plan.flat.copy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_diverging_stack_puts_back_exactly_the_weights_before_the_failing_step(dtype) -> None:
    net = layered_network([2, 8, 8, 1], ["relu", "relu", "identity"], seed=3)
    x = np.random.default_rng(1).uniform(-1, 1, (16, 2)) * 50
    y = np.random.default_rng(2).uniform(-1, 1, (16, 1)) * 50
    settings = TrainSettings(epochs=50, learning_rate=1e3, batch_size=1)
    plan = compile_network(net, dtype)
    last = list(train(plan, x, y, settings))[-1]
    assert isinstance(last, Diverged)
    np.testing.assert_array_equal(plan.flat, _weights_before_step(net, x, y, settings, last.step, dtype))


def test_weights_beyond_any_usable_size_stop_the_first_step_and_stay() -> None:
    # A frozen weight of 1e20 makes the weights' sum of squares overflow in float32: "weights", at once.
    net = layered_network([4, 3, 2], ["tanh", "identity"], seed=0)
    huge = next(iter(net.edges))
    net.set_weights({huge: 1e20})
    net.set_frozen({huge: True})
    plan = compile_network(net, np.float32)
    before = plan.flat.copy()
    x, y = _data(20, 4, 2)
    events = list(train(plan, x, y, TrainSettings(epochs=2, batch_size=5, learning_rate=0.01)))
    assert isinstance(events[-1], Diverged)
    assert (events[-1].step, events[-1].quantity) == (1, "weights")
    np.testing.assert_array_equal(plan.flat, before)


@pytest.mark.parametrize(
    ("sizes", "activations"),
    [([300, 8, 3], ["identity", "tanh"]), ([6, 300, 8, 3], ["identity", "sigmoid", "softmax"])],
)
def test_panels_fed_by_an_activation_that_hands_back_another_array_give_the_same_gradient(
    sizes, activations
) -> None:
    # An identity level hands back its sums (and its slope as its delta), not the arrays the panels' views
    # were made of: the panels are then cut from the arrays it does hand back.
    plan = compile_network(layered_network(sizes, activations, seed=8), np.float64)
    x, y = _data(200, sizes[0], sizes[-1], seed=9)
    loss = LOSSES["squared"]
    grad = np.empty_like(plan.flat)
    step = StackStep(plan, loss, 150, TrainingRows(x, y, plan.dtype), grad)
    assert any(forward[-1] is not None for forward in step.forward_steps)
    rows = np.random.default_rng(10).permutation(200)[:150]
    mean, per_sample = step.run(rows)
    expected = plan.backward(plan.forward(x[rows]), y[rows], loss)
    np.testing.assert_allclose(grad, expected.flat, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(per_sample, expected.per_sample, rtol=1e-12)
    assert mean == pytest.approx(expected.loss, rel=1e-12)
