"""The animator on a recording stand-in canvas: lighting order, pulses, the backward pass, the weight step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.step import training_step
from nnstudio.engine.train import TrainSettings
from nnstudio.ui.animation import LEVEL_AT_ONCE, AnimationBar, Animator, speed_text
from nnstudio.ui.animation import seconds_per_neuron as neuron_delay
from nnstudio.ui.commands import SetWeights
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingPanel

LABELS = ["solid", "vertical", "diagonal", "horizontal"]


class RecordingCanvas:
    """Has the four hooks of the real canvas and writes down every call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def set_display_override(self, values):  # noqa: ANN001, ANN201
        self.calls.append(("override", None if values is None else dict(values)))

    def set_pulse(self, neuron_ids, edge_ids):  # noqa: ANN001, ANN201
        self.calls.append(("pulse", (list(neuron_ids), list(edge_ids))))

    def set_neuron_labels(self, texts):  # noqa: ANN001, ANN201
        self.calls.append(("neuron_labels", None if texts is None else dict(texts)))

    def set_edge_labels(self, values):  # noqa: ANN001, ANN201
        self.calls.append(("edge_labels", None if values is None else dict(values)))

    def of(self, kind: str) -> list:
        return [value for name, value in self.calls if name == kind]


def layered_document(sizes: tuple[int, ...] = (4, 3, 4), seed: int = 2) -> Document:
    rng = np.random.default_rng(seed)
    layers = []
    for li, size in enumerate(sizes):
        role = Role.INPUT if li == 0 else Role.OUTPUT if li == len(sizes) - 1 else Role.HIDDEN
        prefix = "p" if li == 0 else "o" if role is Role.OUTPUT else f"h{li}_"
        layers.append(
            [
                Neuron(
                    f"{prefix}{k}",
                    role,
                    "tanh",
                    bias=float(rng.uniform(-0.5, 0.5)),
                    label=LABELS[k] if role is Role.OUTPUT and k < 4 else "",
                )
                for k in range(size)
            ]
        )
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-1, 1)))
        for upper, lower in zip(layers, layers[1:], strict=False)
        for a in upper
        for b in lower
    ]
    neurons = [n for layer in layers for n in layer]
    return Document(
        Network.from_parts(neurons, edges),
        grid=(2, 2) if sizes[0] == 4 else None,
        training=TrainSettings(learning_rate=0.25),
        training_data="four-pixel",
    )


@pytest.fixture
def animated(qtbot):
    made = []

    def make(document: Document) -> tuple[Animator, RecordingCanvas, LiveNetwork, QUndoStack]:
        canvas = RecordingCanvas()
        animator = Animator(canvas)
        live = LiveNetwork(document)
        stack = QUndoStack()
        animator.bind(live, stack)
        made.append((animator, live))
        return animator, canvas, live, stack

    yield make
    for animator, live in made:
        animator.cancel()
        live.detach()


def sources_of(network: Network, nid: str) -> set[str]:
    return {e.source for e in network.incoming(nid)}


def test_run_lights_neurons_one_by_one_in_topological_order(animated, qtbot):
    document = layered_document((4, 3, 4))
    animator, canvas, live, stack = animated(document)
    live.set_input([1, -1, 1, -1])
    expected = {nid: a for nid, (_, a) in live.values().items()}
    animator.set_speed(99)
    with qtbot.waitSignal(animator.finished, timeout=5_000):
        assert animator.run()
    overrides = [o for o in canvas.of("override") if o is not None]
    network = document.network
    # Inputs first, all at once; then exactly one new neuron per frame.
    assert set(overrides[0]) == {"p0", "p1", "p2", "p3"}
    lit_order = []
    for before, after in zip(overrides, overrides[1:], strict=False):
        new = set(after) - set(before)
        assert len(new) == 1 and set(before) <= set(after)
        (nid,) = new
        assert sources_of(network, nid) <= set(before)  # everything feeding it is already lit
        lit_order.append(nid)
    assert lit_order == ["h1_0", "h1_1", "h1_2", "o0", "o1", "o2", "o3"]
    assert overrides[-1] == pytest.approx(expected)
    # The edges feeding each neuron pulse as it lights.
    pulses = [p for p in canvas.of("pulse") if p[0]]
    for nid, (neurons, edges) in zip(lit_order, pulses[1:], strict=False):
        assert neurons == [nid] and set(edges) == {e.id for e in network.incoming(nid)}
    # At the end the canvas shows live values again, with nothing pulsing.
    assert canvas.calls[-4:] == [
        ("override", None),
        ("pulse", ([], [])),
        ("neuron_labels", None),
        ("edge_labels", None),
    ]
    assert not animator.running


def test_wide_levels_light_at_once(animated, qtbot):
    document = layered_document((4, LEVEL_AT_ONCE + 8, 4))
    animator, canvas, live, stack = animated(document)
    animator.set_speed(99)
    with qtbot.waitSignal(animator.finished, timeout=5_000):
        animator.run()
    overrides = [o for o in canvas.of("override") if o is not None]
    grown = [len(b) - len(a) for a, b in zip(overrides, overrides[1:], strict=False)]
    assert grown == [LEVEL_AT_ONCE + 8, 1, 1, 1, 1]


def test_full_speed_shows_the_whole_pass_at_once(animated):
    animator, canvas, live, stack = animated(layered_document())
    finished: list[str] = []
    animator.finished.connect(finished.append)
    animator.set_speed(100)
    animator.run()
    assert finished == ["run"] and not animator.running
    assert canvas.calls[-4][0] == "override" and canvas.calls[-4][1] is None


def test_slow_motion_keeps_the_window_responsive_and_can_be_cancelled(animated, qtbot):
    animator, canvas, live, stack = animated(layered_document())
    animator.set_speed(0)
    assert neuron_delay(0) == pytest.approx(1.5)
    animator.run()
    qtbot.wait(200)  # the event loop runs while the animation waits for its next frame
    assert animator.running
    shown = len(canvas.of("override"))
    with qtbot.waitSignal(animator.cancelled, timeout=1_000):
        animator.cancel()
    assert canvas.calls[-4:] == [
        ("override", None),
        ("pulse", ([], [])),
        ("neuron_labels", None),
        ("edge_labels", None),
    ]
    calls = len(canvas.calls)
    qtbot.wait(100)
    assert len(canvas.calls) == calls and len(canvas.of("override")) == shown + 1


def test_step_changes_each_weight_by_minus_rate_times_slope(animated, qtbot):
    document = layered_document((4, 3, 4))
    animator, canvas, live, stack = animated(document)
    x = np.array([1, -1, -1, 1], dtype=np.float32)
    y = np.array([0, 0, 1, 0], dtype=np.float32)
    live.set_input(x)
    live.set_truth(y)
    expected = training_step(live.plan, document.network, x, y, "squared", 0.25)
    old = {e.id: e.weight for e in document.network.edges.values()}
    old_bias = {n.id: n.bias for n in document.network.neurons.values()}
    animator.set_speed(99)
    with qtbot.waitSignal(animator.finished, timeout=5_000):
        assert animator.step()
    assert stack.count() == 1 and stack.text(0) == "Training step"
    for eid, slope in expected.edge_gradients.items():
        assert document.network.edges[eid].weight == pytest.approx(old[eid] - 0.25 * slope, abs=1e-12)
    for nid, slope in expected.bias_gradients.items():
        assert document.network.neurons[nid].bias == pytest.approx(old_bias[nid] - 0.25 * slope, abs=1e-12)
    # Backward: the output level's deltas first, then the hidden level's, as labels.
    labels = [texts for texts in canvas.of("neuron_labels") if texts]
    assert set(labels[0]) == {"o0", "o1", "o2", "o3"}
    assert set(labels[1]) == {"o0", "o1", "o2", "o3", "h1_0", "h1_1", "h1_2"}
    assert labels[1]["h1_0"] == f"δ {expected.deltas['h1_0']:.2f}"
    # Small network: every edge's slope is shown on it by the end of the backward pass.
    slopes = [values for values in canvas.of("edge_labels") if values]
    assert slopes[-1] == pytest.approx(expected.edge_gradients)
    assert animator.last_step is not None and animator.last_step.loss == pytest.approx(expected.loss)
    stack.undo()
    assert {e.id: e.weight for e in document.network.edges.values()} == old


def test_a_cancelled_step_changes_nothing(animated, qtbot):
    document = layered_document()
    animator, canvas, live, stack = animated(document)
    live.set_truth([1, 0, 0, 0])
    old = {e.id: e.weight for e in document.network.edges.values()}
    animator.set_speed(0)
    animator.step()
    qtbot.wait(50)
    animator.cancel()
    qtbot.wait(50)
    assert stack.count() == 0
    assert {e.id: e.weight for e in document.network.edges.values()} == old


def test_a_step_is_not_applied_when_the_network_changed_meanwhile(animated, qtbot):
    document = layered_document()
    animator, canvas, live, stack = animated(document)
    live.set_truth([1, 0, 0, 0])
    messages: list[str] = []
    animator.message.connect(messages.append)
    animator.set_speed(0)
    animator.step()
    stack.push(SetWeights(document.network, {"p0>h1_0": 0.75}))
    with qtbot.waitSignal(animator.cancelled, timeout=2_000):
        animator.set_speed(100)
    assert stack.count() == 1 and stack.text(0) != "Training step"
    assert document.network.edges["p0>h1_0"].weight == 0.75
    assert messages and "changed" in messages[-1]


def test_step_needs_a_truth_and_an_unlocked_network(animated):
    animator, canvas, live, stack = animated(layered_document())
    messages: list[str] = []
    animator.message.connect(messages.append)
    assert not animator.step()
    assert "right answer" in messages[-1]
    live.set_truth([0, 1, 0, 0])
    live.set_locked(True)
    assert not animator.step()
    assert "Training is running" in messages[-1]
    assert stack.count() == 0 and canvas.calls == []


def test_speed_text():
    assert speed_text(0) == "1.50 s per neuron"
    assert speed_text(100) == "full speed"
    assert neuron_delay(50) < neuron_delay(10) < neuron_delay(0)


def test_animation_bar_buttons_and_slider(qtbot):
    document = layered_document()
    canvas = RecordingCanvas()
    bar = AnimationBar(canvas)
    qtbot.addWidget(bar)
    live = LiveNetwork(document)
    stack = QUndoStack()
    bar.bind(live, stack)
    bar.show()
    bar.speed_slider.setValue(0)
    assert bar.speed_label.text() == "1.50 s per neuron"
    qtbot.mouseClick(bar.run_button, Qt.MouseButton.LeftButton)
    assert bar.animator.running and not bar.run_button.isEnabled() and bar.stop_button.isEnabled()
    qtbot.mouseClick(bar.stop_button, Qt.MouseButton.LeftButton)
    assert not bar.animator.running and bar.run_button.isEnabled()
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)  # no truth chosen yet
    assert "right answer" in bar.status.text()
    live.set_locked(True)
    assert not bar.step_button.isEnabled() and bar.run_button.isEnabled()
    live.set_locked(False)
    for name in ("animationRun", "animationStep", "animationStop", "animationSpeed"):
        widget = bar.findChild(object, name)
        assert widget is not None and widget.accessibleName()
    live.detach()


def test_animation_bar_steps_on_the_training_panels_samples(qtbot):
    document = layered_document((4, 3, 4))
    canvas = RecordingCanvas()
    bar = AnimationBar(canvas)
    panel = TrainingPanel()
    qtbot.addWidget(bar)
    qtbot.addWidget(panel)
    live = LiveNetwork(document)
    stack = QUndoStack()
    bar.bind(live, stack)
    panel.bind(live, stack)
    bar.connect_training(panel)
    panel.learning_rate.setValue(0.5)
    bar.speed_slider.setValue(100)
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    # The learning rate set in the panel is a step of its own (it belongs to the document), the step another.
    assert stack.count() == 2 and stack.text(1) == "Training step"
    np.testing.assert_array_equal(live.input, [1, 1, 1, 1])  # four-pixel's first sample
    np.testing.assert_array_equal(live.truth, [1, 0, 0, 0])
    assert bar.animator.last_step.learning_rate == 0.5
    assert "solid, light" in bar.status.text()
    panel.shutdown()
    live.detach()
