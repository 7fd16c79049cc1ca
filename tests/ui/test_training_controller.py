"""Training on the worker thread through TrainingController: learning, stopping, closing, diverging, undo."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThread
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from nnstudio.data import load_dataset
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.step import training_step
from nnstudio.engine.train import TrainingError, TrainSettings
from nnstudio.ui.commands import SetWeights
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingController, TrainingUpdate

LABELS = ["solid", "vertical", "diagonal", "horizontal"]
# Settings that teach the 4-8-4 tanh network all eight patterns within a few dozen epochs (every seed tried).
LEARNING = TrainSettings(epochs=150, learning_rate=0.02, batch_size=1, momentum=0.5, seed=3)


def four_pixel_document(hidden: int = 8, seed: int = 1, output_activation: str = "tanh") -> Document:
    rng = np.random.default_rng(seed)
    inputs = [Neuron(f"p{k}", Role.INPUT) for k in range(4)]
    middle = [Neuron(f"h{k}", Role.HIDDEN, "tanh") for k in range(hidden)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, output_activation, label=label) for k, label in enumerate(LABELS)]
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-1, 1)))
        for layer_a, layer_b in ((inputs, middle), (middle, outputs))
        for a in layer_a
        for b in layer_b
    ]
    return Document(
        Network.from_parts(inputs + middle + outputs, edges),
        title="four pixels",
        grid=(2, 2),
        training_data="four-pixel",
    )


def parameters_of(network: Network) -> tuple[dict[str, float], dict[str, float]]:
    return (
        {e.id: e.weight for e in network.edges.values()},
        {n.id: n.bias for n in network.neurons.values() if n.role is not Role.INPUT},
    )


def all_finite(network: Network) -> bool:
    weights, biases = parameters_of(network)
    return bool(np.isfinite(list(weights.values())).all() and np.isfinite(list(biases.values())).all())


@pytest.fixture
def four_pixel():
    return load_dataset("four-pixel")


@pytest.fixture
def setup(qtbot):
    document = four_pixel_document()
    live = LiveNetwork(document)
    stack = QUndoStack()
    controller = TrainingController()
    controller.bind(live, stack)
    yield document, live, stack, controller
    controller.shutdown()
    live.detach()


def test_training_teaches_all_eight_patterns(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    with qtbot.waitSignal(controller.ended, timeout=30_000) as ended:
        controller.start(four_pixel, LEARNING)
    assert ended.args[0] == "completed"
    answers = live.plan.forward(four_pixel.inputs[:8]).output.argmax(axis=1)
    assert answers.tolist() == four_pixel.classes[:8].tolist()
    assert not live.locked
    assert stack.count() == 1 and stack.text(0) == "Train 150 epochs"
    assert controller.latest_update is not None and controller.latest_update.step == 150 * 16


def test_editing_is_locked_while_training(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    locks: list[bool] = []
    live.lockedChanged.connect(locks.append)
    slow = TrainSettings(epochs=100_000, learning_rate=0.01, batch_size=1, seed=0)
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        controller.start(four_pixel, slow)
    assert live.locked and controller.running
    with pytest.raises(TrainingError, match="running"):
        controller.randomize("uniform", 1)
    with pytest.raises(TrainingError, match="running"):
        controller.start(four_pixel, slow)
    with qtbot.waitSignal(controller.ended, timeout=10_000):
        controller.stop()
    assert locks == [True, False]


def test_stop_mid_training_keeps_sane_weights_and_unlocks(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    before = parameters_of(document.network)
    long_run = TrainSettings(epochs=100_000, learning_rate=0.02, batch_size=1, seed=0)
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        controller.start(four_pixel, long_run)
    ends: list[tuple[str, str]] = []
    controller.ended.connect(lambda *args: ends.append(args))
    with qtbot.waitSignals([controller.runningChanged, controller.ended], order="strict", timeout=10_000):
        controller.stop()
    [(outcome, message)] = ends
    assert outcome == "stopped" and "stopped after" in message
    assert not controller.running and not live.locked
    assert all_finite(document.network)
    assert parameters_of(document.network) != before
    assert stack.count() == 1 and "stopped in epoch" in stack.text(0)
    # The last update seen is far from the end of the run: the stop took effect at once.
    assert controller.latest_update.fraction < 0.5


def test_pause_and_resume(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    run = TrainSettings(epochs=100_000, learning_rate=0.01, batch_size=1, seed=0)
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        controller.start(four_pixel, run)
    with qtbot.waitSignal(controller.pausedChanged, timeout=2_000) as paused:
        controller.pause()
    assert paused.args == [True] and controller.paused
    qtbot.wait(150)  # any update still on its way arrives
    seen = controller.latest_update.step
    qtbot.wait(300)
    assert controller.latest_update.step == seen
    with qtbot.waitSignal(controller.pausedChanged, timeout=2_000):
        controller.resume()
    qtbot.waitUntil(lambda: controller.latest_update.step > seen, timeout=5_000)
    with qtbot.waitSignal(controller.ended, timeout=10_000):
        controller.stop()


def test_frozen_weights_come_through_training_exactly(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    document.network.set_frozen({"p1>h2": True, "h3>o1": True})
    kept = {e: document.network.edges[e].weight for e in ("p1>h2", "h3>o1")}
    with qtbot.waitSignal(controller.ended, timeout=30_000):
        controller.start(four_pixel, TrainSettings(epochs=10, learning_rate=0.05, batch_size=2, seed=1))
    assert {e: document.network.edges[e].weight for e in kept} == kept
    assert document.network.edges["p1>h3"].weight != four_pixel_document().network.edges["p1>h3"].weight


def test_one_undo_restores_the_weights_from_before_training(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    before = parameters_of(document.network)
    out_before = live.outputs()
    with qtbot.waitSignal(controller.ended, timeout=30_000):
        controller.start(four_pixel, TrainSettings(epochs=20, learning_rate=0.05, batch_size=1, seed=1))
    after = parameters_of(document.network)
    assert after != before
    stack.undo()
    assert parameters_of(document.network) == before
    np.testing.assert_allclose(live.outputs(), out_before, rtol=1e-6)
    stack.redo()
    assert parameters_of(document.network) == after


def test_divergence_names_the_step_and_keeps_finite_weights(qtbot, four_pixel):
    document = four_pixel_document(output_activation="identity")
    live = LiveNetwork(document)
    stack = QUndoStack()
    controller = TrainingController()
    controller.bind(live, stack)
    with qtbot.waitSignal(controller.ended, timeout=10_000) as ended:
        controller.start(four_pixel, TrainSettings(epochs=50, learning_rate=1e3, batch_size=1, seed=0))
    outcome, message = ended.args
    assert outcome == "diverged"
    assert "step " in message and "learning rate" in message
    assert all_finite(document.network)
    assert np.isfinite(live.outputs()).all()
    assert not live.locked
    controller.shutdown()
    live.detach()


def test_mismatched_dataset_is_refused_before_anything_changes(setup, qtbot):
    document, live, stack, controller = setup
    before = parameters_of(document.network)
    digits_like = load_dataset("shapes3x3")
    with pytest.raises(TrainingError) as error:
        controller.start(digits_like, LEARNING)
    assert "9 values" in str(error.value) and "4 inputs" in str(error.value)
    assert not controller.running and not live.locked
    assert parameters_of(document.network) == before and stack.count() == 0


def test_progress_updates_are_copies(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    updates: list[TrainingUpdate] = []
    controller.progress.connect(updates.append)
    with qtbot.waitSignal(controller.ended, timeout=30_000):
        controller.start(four_pixel, TrainSettings(epochs=3000, learning_rate=0.02, batch_size=1, seed=2))
    assert len(updates) >= 2
    first, last = updates[0], updates[-1]
    # An early snapshot still holds early weights: nobody wrote into it afterwards.
    assert not all(np.array_equal(a, b) for a, b in zip(first.parameters, last.parameters, strict=True))
    assert sum(len(u.losses) for u in updates) == last.step
    assert all(u.parameters[0] is not v.parameters[0] for u, v in zip(updates, updates[1:], strict=False))


def _pending_threads(controller: TrainingController) -> list[QThread]:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return [t for t in controller.findChildren(QThread)]


def test_closing_mid_training_twenty_times_exits_cleanly(qtbot, qtlog, four_pixel):
    endless = TrainSettings(epochs=1_000_000, learning_rate=0.01, batch_size=1, seed=0)
    for round_number in range(20):
        document = four_pixel_document(seed=round_number)
        live = LiveNetwork(document)
        stack = QUndoStack()
        controller = TrainingController()
        controller.bind(live, stack)
        with qtbot.waitSignal(controller.progress, timeout=10_000):
            controller.start(four_pixel, endless)
        assert controller.running
        controller.shutdown()
        controller.shutdown()  # idempotent
        assert not controller.running and not live.locked
        assert all_finite(document.network)
        assert _pending_threads(controller) == []
        controller.deleteLater()
        live.detach()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    messages = [record.message for record in qtlog.records]
    assert not [m for m in messages if "QThread" in m or "Destroyed" in m], messages


def test_confirm_stop_for_close_asks_and_respects_no(setup, four_pixel, qtbot, monkeypatch):
    document, live, stack, controller = setup
    assert controller.confirm_stop_for_close() is True  # nothing running: no question
    questions: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def ask(parent, title, text, *args):  # noqa: ANN001, ANN202
        questions.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", ask)
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        controller.start(four_pixel, TrainSettings(epochs=1_000_000, learning_rate=0.01, seed=0))
    assert controller.confirm_stop_for_close() is False
    assert questions == ["Training is running. Stop it and close?"]
    assert controller.running and not controller.paused
    answer[0] = QMessageBox.StandardButton.Yes
    assert controller.confirm_stop_for_close() is True
    assert not controller.running and not live.locked


def test_randomize_is_one_undo_step_and_clears_nothing_frozen(setup, qtbot):
    document, live, stack, controller = setup
    frozen_edge = "p0>h0"
    document.network.set_frozen({frozen_edge: True})
    kept = document.network.edges[frozen_edge].weight
    before = parameters_of(document.network)
    with qtbot.waitSignal(controller.weightsRandomized):
        controller.randomize("xavier", 7)
    assert stack.count() == 1 and stack.text(0) == "Randomize weights"
    assert document.network.edges[frozen_edge].weight == kept
    assert parameters_of(document.network)[0] != before[0]
    stack.undo()
    assert parameters_of(document.network) == before


def test_step_once_moves_each_weight_by_minus_rate_times_slope(setup, four_pixel, qtbot):
    document, live, stack, controller = setup
    x, y = four_pixel.inputs[2], four_pixel.targets[2]
    weights, biases = parameters_of(document.network)
    expected = training_step(live.plan, document.network, x, y, "squared", 0.1)
    result = controller.step_once(x, y, "squared", 0.1)
    assert stack.count() == 1 and stack.text(0) == "Training step"
    new_weights, new_biases = parameters_of(document.network)
    for eid, slope in expected.edge_gradients.items():
        assert new_weights[eid] == pytest.approx(weights[eid] - 0.1 * slope, abs=1e-12)
    for nid, slope in expected.bias_gradients.items():
        assert new_biases[nid] == pytest.approx(biases[nid] - 0.1 * slope, abs=1e-12)
    assert result.loss == pytest.approx(expected.loss)
    assert any(abs(s) > 1e-6 for s in expected.edge_gradients.values())
    # The loss on that sample went down.
    after = training_step(live.plan, document.network, x, y, "squared", 0.1)
    assert after.loss < result.loss


def test_step_once_leaves_frozen_weights_alone(setup, four_pixel):
    document, live, stack, controller = setup
    stack.push(SetWeights(document.network, {"h0>o0": 0.5}))
    document.network.set_frozen({"h0>o0": True})
    controller.step_once(four_pixel.inputs[0], four_pixel.targets[0], "squared", 0.5)
    assert document.network.edges["h0>o0"].weight == 0.5


def test_a_failing_run_reports_and_puts_the_weights_back(setup, four_pixel, qtbot, monkeypatch):
    from nnstudio.engine import train as engine_train
    from nnstudio.ui.training import worker as worker_module

    def broken_train(plan, inputs, targets, settings, **kwargs):  # noqa: ANN001, ANN202, ARG001
        for item in engine_train.train(plan, inputs, targets, settings, **kwargs):
            yield item
            plan.parameters()[0][...] = np.nan  # the plan is ruined, then the loop fails
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(worker_module, "train", broken_train)
    document, live, stack, controller = setup
    before = parameters_of(document.network)
    with qtbot.waitSignal(controller.ended, timeout=10_000) as ended:
        controller.start(four_pixel, LEARNING)
    outcome, message = ended.args
    assert outcome == "failed" and "disk on fire" in message
    assert parameters_of(document.network) == before and stack.count() == 0
    assert not live.locked and not controller.running


def test_a_run_lets_the_window_have_the_gil_quickly_and_puts_the_interval_back(setup, four_pixel, qtbot):
    """While a run goes, a thread waiting for the GIL (the window, to draw) gets it within 1 ms instead of
    Python's usual 5 ms, without the trainer giving it away by hand at every millisecond; afterwards the
    interpreter's interval is what it was."""
    import sys

    from nnstudio.ui.training.worker import SWITCH_INTERVAL

    document, live, stack, controller = setup
    before = sys.getswitchinterval()
    seen: list[float] = []
    controller.progress.connect(lambda *_: seen.append(sys.getswitchinterval()))
    slow = TrainSettings(epochs=100_000, learning_rate=0.01, batch_size=1, seed=0)
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        controller.start(four_pixel, slow)
    assert seen and seen[-1] == pytest.approx(SWITCH_INTERVAL)
    with qtbot.waitSignal(controller.ended, timeout=10_000):
        controller.stop()
    qtbot.waitUntil(lambda: sys.getswitchinterval() == pytest.approx(before), timeout=5_000)


def test_one_slow_frame_never_holds_the_next_back_longer_than_the_cap(setup, four_pixel, qtbot):
    """Frames take a share of the time, so the gap after a frame grows with its cost; a single slow frame
    (the first paint on a busy machine) must not leave the plot standing for many seconds."""
    from nnstudio.ui.training.controller import MAX_FRAME_GAP

    document, live, stack, controller = setup
    slow = TrainSettings(epochs=100_000, learning_rate=0.01, batch_size=1, seed=0)
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        controller.start(four_pixel, slow)
    qtbot.waitUntil(lambda: controller._has_pending(), timeout=5_000)
    controller._frame_timer.stop()
    controller._settled_timer.stop()
    controller._frame_cost = 5.0  # a frame that took five seconds
    controller._last_frame = time.perf_counter()
    controller._schedule_frame()
    assert controller._frame_timer.isActive()
    assert controller._frame_timer.interval() <= MAX_FRAME_GAP * 1000
    with qtbot.waitSignal(controller.ended, timeout=10_000):
        controller.stop()
