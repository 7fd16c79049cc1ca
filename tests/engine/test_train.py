"""The trainer: seeded, respects frozen and missing edges, stops on request and on divergence."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import Diverged, EpochEnd, Step, TrainingError, TrainSettings, initialise, train

from .helpers import layered_network

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def _run(plan, x, y, settings, **kw):
    return list(train(plan, x, y, settings, **kw))


def test_training_lowers_the_loss_and_learns_xor() -> None:
    plan = compile_network(layered_network([2, 3, 1], ["tanh", "sigmoid"], seed=0), np.float64)
    settings = TrainSettings(epochs=600, learning_rate=0.5, batch_size=4, momentum=0.9, seed=1, init="xavier")
    events = _run(plan, XOR_X, XOR_Y, settings, initialise_first=True)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert len(epochs) == 600
    assert epochs[-1].loss < epochs[0].loss / 10
    out = plan.forward(XOR_X).output
    assert np.array_equal(out.round(), XOR_Y)


def test_the_same_seed_gives_the_same_run() -> None:
    runs = []
    for _ in range(2):
        plan = compile_network(layered_network([2, 3, 1], ["tanh", "sigmoid"], seed=0))
        settings = TrainSettings(epochs=5, learning_rate=0.3, batch_size=1, seed=7)
        steps = [
            e.loss for e in train(plan, XOR_X, XOR_Y, settings, initialise_first=True) if isinstance(e, Step)
        ]
        runs.append((steps, [p.copy() for p in plan.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_frozen_and_missing_edges_never_change() -> None:
    net = layered_network([3, 4, 2], ["tanh", "tanh"], seed=2, sparse=0.3)
    frozen = list(net.edges)[:3]
    net.set_frozen({e: True for e in frozen})
    plan = compile_network(net, np.float64)
    before = plan.weights_by_edge()
    missing_before = [b.W[b.trainable == 0].copy() for b in plan.blocks]
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (20, 3)), rng.uniform(-1, 1, (20, 2))
    _run(
        plan,
        x,
        y,
        TrainSettings(epochs=5, learning_rate=0.5, batch_size=3, momentum=0.5),
        initialise_first=True,
    )
    after = plan.weights_by_edge()
    for e in frozen:
        assert after[e] == before[e]
    assert any(after[e] != before[e] for e in net.edges if e not in frozen)
    for b, m in zip(plan.blocks, missing_before, strict=True):
        np.testing.assert_array_equal(b.W[b.trainable == 0], m)


def test_stopping_between_steps_keeps_consistent_weights() -> None:
    plan = compile_network(layered_network([2, 3, 1], ["tanh", "sigmoid"]))
    gen = train(plan, XOR_X, XOR_Y, TrainSettings(epochs=100, batch_size=1))
    taken = list(itertools.islice(gen, 7))
    gen.close()
    assert [e.step for e in taken if isinstance(e, Step)] == [1, 2, 3, 4, 5, 6]
    assert all(np.isfinite(p).all() for p in plan.parameters())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_diverging_run_stops_and_restores_the_last_good_weights(dtype) -> None:
    net = layered_network([2, 8, 8, 1], ["relu", "relu", "identity"], seed=3)
    plan = compile_network(net, dtype)
    x = np.random.default_rng(1).uniform(-1, 1, (16, 2)) * 50
    y = np.random.default_rng(2).uniform(-1, 1, (16, 1)) * 50
    events = _run(plan, x, y, TrainSettings(epochs=50, learning_rate=1e3, batch_size=1))
    last = events[-1]
    assert isinstance(last, Diverged)
    assert last.quantity in {"loss", "gradient", "weights"}
    assert f"step {last.step}" in last.message and "learning rate" in last.message
    steps = [e for e in events if isinstance(e, Step)]
    assert len(steps) == last.step - 1
    assert all(np.isfinite(p).all() for p in plan.parameters())


def test_initialisers_touch_only_trainable_edges() -> None:
    net = Network.from_parts(
        [
            Neuron("a", Role.INPUT, "identity"),
            Neuron("b", Role.INPUT, "identity"),
            Neuron("o", Role.OUTPUT, "tanh"),
        ],
        [Edge("a>o", "a", "o", 0.25, frozen=True)],
    )
    plan = compile_network(net)
    for method in ("uniform", "xavier", "he"):
        initialise(plan, method, seed=1)
        assert plan.weights_by_edge() == {"a>o": 0.25}
        assert plan.blocks[0].W[0, 1] == 0.0


def test_initialiser_scales() -> None:
    net = layered_network([400, 100, 10], ["relu", "identity"])
    plan = compile_network(net, np.float64)
    initialise(plan, "uniform", 0)
    assert plan.blocks[0].W.min() >= -1 and plan.blocks[0].W.max() <= 1 and plan.blocks[0].W.std() > 0.5
    initialise(plan, "he", 0)
    assert plan.blocks[0].W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    initialise(plan, "xavier", 0)
    assert np.abs(plan.blocks[0].W).max() <= np.sqrt(6 / 500) + 1e-12


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        (TrainSettings(epochs=0), "epochs"),
        (TrainSettings(learning_rate=-1), "learning rate"),
        (TrainSettings(batch_size=0), "batch size"),
        (TrainSettings(momentum=1.0), "momentum"),
        (TrainSettings(loss="hinge"), "unknown loss"),
        (TrainSettings(init="zeros"), "unknown initialisation"),
    ],
)
def test_bad_settings_are_refused(settings: TrainSettings, fragment: str) -> None:
    plan = compile_network(layered_network([2, 2, 1], ["tanh", "tanh"]))
    with pytest.raises(TrainingError, match=fragment):
        next(train(plan, XOR_X, XOR_Y, settings))


def test_data_of_the_wrong_shape_is_refused() -> None:
    plan = compile_network(layered_network([2, 2, 1], ["tanh", "tanh"]))
    with pytest.raises(TrainingError, match="takes 2 inputs"):
        next(train(plan, np.zeros((4, 3)), XOR_Y, TrainSettings()))
    with pytest.raises(TrainingError, match="1 outputs"):
        next(train(plan, XOR_X, np.zeros((4, 2)), TrainSettings()))
    with pytest.raises(TrainingError, match="not finite"):
        next(train(plan, XOR_X * np.nan, XOR_Y, TrainSettings()))


def test_epoch_end_reports_test_figures() -> None:
    plan = compile_network(layered_network([2, 3, 2], ["tanh", "softmax"]), np.float64)
    y = np.eye(2)[XOR_Y[:, 0].astype(int)]
    events = _run(plan, XOR_X, y, TrainSettings(epochs=2, loss="cross_entropy"), test=(XOR_X, y))
    ends = [e for e in events if isinstance(e, EpochEnd)]
    assert len(ends) == 2 and ends[-1].test_loss is not None and 0 <= ends[-1].test_accuracy <= 1


def test_accuracy_counts_classes_and_yes_no_answers() -> None:
    from nnstudio.engine.train import accuracy

    targets = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float)
    outputs = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.5, 0.5, 0.5]])
    assert accuracy(outputs, targets) == 0.5  # the all-zero truth does not count
    assert accuracy(np.array([[0.7], [0.2], [0.6]]), np.array([[1.0], [0.0], [0.0]])) == pytest.approx(2 / 3)


def test_a_run_that_leaves_the_network_much_worse_is_told_apart():
    from nnstudio.engine.train import Fit, worse_after_training

    ruined = worse_after_training(Fit(0.04, 0.98), Fit(2.6, 0.10), 1000.0)
    assert ruined is not None
    assert "0.04 to 2.6" in ruined and "98% to 10%" in ruined and "such as 10" in ruined
    assert "undo the run" in ruined
    assert "train the original again" in worse_after_training(Fit(0.5, None), Fit(0.9, None), 1.0, undo=False)
    # A run that did not help much, or helped, says nothing; accuracy that rose is not named.
    assert worse_after_training(Fit(0.5, 0.5), Fit(0.7, 0.45), 0.1) is None
    assert worse_after_training(Fit(0.5, 0.5), Fit(0.1, 0.9), 0.1) is None
    assert "accuracy" not in worse_after_training(Fit(0.8, 0.125), Fit(4.0, 0.25), 1000.0)


def test_digits_at_a_learning_rate_of_a_thousand_end_worse_without_overflowing():
    from nnstudio.data import load_dataset
    from nnstudio.engine.train import measure_fit, worse_after_training
    from nnstudio.examples import load_example

    doc = load_example("digits")
    data = load_dataset("digits:test")
    plan = compile_network(doc.network)
    before = measure_fit(plan, data.inputs, data.targets, doc.training.loss)
    settings = TrainSettings(epochs=1, learning_rate=1000.0, batch_size=10, seed=0, loss=doc.training.loss)
    events = list(train(plan, data.inputs, data.targets, settings, measure_epochs=False))
    assert not any(type(e).__name__ == "Diverged" for e in events), "nothing overflowed: the ruin is silent"
    after = measure_fit(plan, data.inputs, data.targets, doc.training.loss)
    assert worse_after_training(before, after, 1000.0) is not None


def test_an_epoch_end_carries_the_loss_over_the_whole_training_set_at_its_weights() -> None:
    """The window's "worse after training" check reads the last epoch's end instead of a second pass."""
    from nnstudio.engine.train import EpochEnd, measure_fit

    net = layered_network([2, 4, 1], ["tanh", "sigmoid"], seed=3)
    plan = compile_network(net)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (40, 2)), (rng.uniform(size=(40, 1)) > 0.5).astype(float)
    ends = [
        e
        for e in train(plan, x, y, TrainSettings(epochs=3, learning_rate=0.5, batch_size=8))
        if isinstance(e, EpochEnd)
    ]
    fit = measure_fit(plan, x, y, "squared")
    assert ends[-1].fit_loss == pytest.approx(fit.loss, rel=1e-12)
    assert ends[-1].accuracy == fit.accuracy
