"""A run's history: bounded, evenly thinned, first and last kept, and each snapshot the weights of its time."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import load_dataset
from nnstudio.engine.history import RunHistory, snapshot_capacity
from nnstudio.engine.parameters import ParameterSnapshot
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import TrainSettings, train

from .helpers import layered_network

SETTINGS = TrainSettings(epochs=12, learning_rate=0.05, batch_size=1, momentum=0.5, seed=4)


def _trained(settings: TrainSettings, history: RunHistory | None = None):
    data = load_dataset("four-pixel")
    network = layered_network([4, 6, 4], ["tanh", "sigmoid"], seed=2)
    plan = compile_network(network)
    if history is not None:
        history.start(plan.flat)
    last = None
    for item in train(plan, data.inputs, data.targets, settings):
        if history is not None:
            history.observe(item, plan.flat)
        last = item
    if history is not None:
        history.finish(last.epoch, last.step, last.loss, plan.flat)
    return network, plan


def test_each_epoch_snapshot_is_the_network_after_that_many_epochs() -> None:
    _, plan = _trained(SETTINGS)
    history = RunHistory(len(plan.flat))
    history.plan_intervals(12 * 16, 12)
    network, plan = _trained(SETTINGS, history)
    for epoch in (0, 1, 5, 12):
        snapshot = history.at_epoch(epoch)
        assert snapshot is not None and snapshot.epoch_end == (epoch > 0)
        shorter = SETTINGS.to_dict() | {"epochs": max(1, epoch)}
        if epoch == 0:
            expected = compile_network(layered_network([4, 6, 4], ["tanh", "sigmoid"], seed=2)).flat
        else:
            _, expected_plan = _trained(TrainSettings.from_dict(shorter))
            expected = expected_plan.flat
        assert np.array_equal(snapshot.parameters, expected)
    # The last snapshot is the weights the run ended with, and it carries into the network exactly.
    assert np.array_equal(history.last.parameters, plan.flat)
    restored = ParameterSnapshot.from_plan(network, plan, history.at_epoch(5).parameters)
    _, five = _trained(TrainSettings.from_dict(SETTINGS.to_dict() | {"epochs": 5}))
    assert restored.same_as(ParameterSnapshot.from_plan(network, plan, five.flat))


def test_memory_stays_within_the_count_and_thins_evenly() -> None:
    history = RunHistory(10, max_snapshots=20)
    first = np.zeros(10, np.float32)
    history.start(first)
    for step in range(1, 1001):
        if history.due(step):
            history.record(1 + step // 100, step, 1.0 / step, np.full(10, step, np.float32))
    history.finish(10, 1000, 0.001, np.full(10, 1000, np.float32))
    assert 10 <= len(history) <= 20
    assert history.initial.step == 0 and np.array_equal(history.initial.parameters, first)
    assert history.last.step == 1000 and history.last.parameters[0] == 1000
    steps = np.array([s.step for s in history])
    assert np.all(np.diff(steps) > 0)
    gaps = np.diff(steps[1:-1])
    # Evenly spread: every gap between kept snapshots (the first and last aside) is the same.
    assert gaps.min() == gaps.max()


def test_the_byte_budget_wins_over_the_count_and_never_drops_below_two() -> None:
    assert snapshot_capacity(1_000_000, max_snapshots=200, max_bytes=40_000_000) == 10
    assert snapshot_capacity(1_000_000_000) == 2
    history = RunHistory(1000, max_bytes=4000 * 3)
    history.start(np.zeros(1000, np.float32))
    for step in range(1, 50):
        history.record(1, step, 0.5, np.full(1000, step, np.float32))
    assert len(history) <= 3 and history.nbytes <= 4000 * 3
    assert history.initial.step == 0 and history.last.step == 49


def test_records_out_of_order_or_of_another_size_are_refused() -> None:
    history = RunHistory(3)
    with pytest.raises(ValueError, match="starting weights"):
        history.record(1, 1, 0.1, np.zeros(3))
    history.start(np.zeros(3))
    history.record(1, 5, 0.1, np.zeros(3))
    with pytest.raises(ValueError, match="before the last"):
        history.record(1, 4, 0.1, np.zeros(3))
    with pytest.raises(ValueError, match="expected 3"):
        history.record(1, 6, 0.1, np.zeros(4))


def test_planned_intervals_use_the_budget_without_thinning() -> None:
    for total_steps, epochs in ((1600, 2), (2400, 150), (50, 50), (10**5, 1000)):
        history = RunHistory(100)
        history.plan_intervals(total_steps, epochs)
        planned = history.interval
        history.start(np.zeros(100, np.float32))
        steps_per_epoch = total_steps // epochs
        for step in range(1, total_steps + 1):
            epoch = (step - 1) // steps_per_epoch + 1
            if history.due(step):
                history.record(epoch, step, 0.1, np.zeros(100, np.float32))
            if step % steps_per_epoch == 0 and history.epoch_due(epoch):
                history.record(epoch, step, 0.1, np.zeros(100, np.float32), epoch_end=True)
        assert len(history) >= min(total_steps, 100), (total_steps, epochs, len(history))
        assert len(history) <= history.capacity
        assert history.interval == planned, (total_steps, epochs)
