"""A run's frames show its newest weights on the canvas through the window's plan; the network itself takes
them when the run pauses and when it ends (stopped, finished or closed), so undo and saving see the trained
weights."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import TrainSettings
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingPanel
from nnstudio.ui.training import controller as controller_module

from .canvas_fixtures import open_canvas
from .test_training_controller import four_pixel_document, parameters_of

ENDLESS = TrainSettings(epochs=100_000, learning_rate=0.02, batch_size=1, momentum=0.5, seed=3)


@pytest.fixture
def studio(qtbot, monkeypatch):
    """The canvas and the Training panel on one document, as in the window; the network is due to take a
    run's weights only at its first frame (what writing them costs is measured there), a pause or the end."""
    monkeypatch.setattr(controller_module, "NETWORK_WRITE_SHARE", 1e-12)
    monkeypatch.setattr(controller_module, "MAX_NETWORK_LAG", 1e9)
    made: list[tuple[TrainingPanel, LiveNetwork]] = []

    def make(settings: TrainSettings = ENDLESS):
        document = four_pixel_document()
        document.training = settings
        canvas, live = open_canvas(qtbot, document)
        stack = canvas.binding.undo_stack
        panel = TrainingPanel()
        qtbot.addWidget(panel)
        panel.bind(live, stack)
        panel.show()
        made.append((panel, live))
        return panel, canvas, live, stack

    yield make
    for panel, live in made:
        panel.shutdown()
        live.detach()


def network_flat(live: LiveNetwork) -> np.ndarray:
    """Every weight and bias the document's network holds, laid out as the window's plan lays them out."""
    return compile_network(live.document.network).flat


def shown_neuron_values(canvas) -> dict[str, tuple[float | None, float | None]]:
    canvas.grab()
    return {nid: (item.total, item.value) for nid, item in canvas.canvas_scene.neuron_items.items()}


def computed_neuron_values(canvas, live) -> dict[str, tuple[float, float]]:
    values = live.values()
    return {nid: values[nid] for nid in canvas.canvas_scene.neuron_items}


def shown_line_weights(canvas) -> dict[str, float]:
    edges = canvas.canvas_scene.edges
    return dict(zip(edges.ids, edges.weight.tolist(), strict=True))


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_frames_show_new_weights_without_writing_them_into_the_network_until_a_pause(studio, qtbot):
    panel, canvas, live, stack = studio()
    network = live.document.network
    before = parameters_of(network)
    writes: list[int] = []
    network.events.parameters.connect(lambda: writes.append(panel.controller.display_count))
    click(qtbot, panel.train_button)
    qtbot.waitUntil(lambda: panel.controller.display_count >= 5, timeout=20_000)

    # Only the first frame wrote the network; every frame since showed newer weights through the plan.
    assert len(writes) == 1
    assert live.ahead and not np.array_equal(live.plan.flat, network_flat(live))
    assert parameters_of(network) != before
    assert shown_neuron_values(canvas) == computed_neuron_values(canvas, live)
    assert shown_line_weights(canvas) == live.plan.weights_by_edge()

    click(qtbot, panel.pause_button)
    assert panel.controller.paused and len(writes) >= 2
    qtbot.wait(200)  # the update the worker sends as it pauses arrives, and is written too
    assert not live.ahead
    np.testing.assert_array_equal(network_flat(live), live.plan.flat)
    assert shown_neuron_values(canvas) == computed_neuron_values(canvas, live)

    click(qtbot, panel.pause_button)  # resume
    shown_so_far = panel.controller.display_count
    qtbot.waitUntil(lambda: panel.controller.display_count >= shown_so_far + 3, timeout=20_000)
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000):
        click(qtbot, panel.stop_button)
    history = panel.controller.history
    assert history is not None
    trained = history[len(history) - 1].parameters
    np.testing.assert_array_equal(network_flat(live), trained)
    np.testing.assert_array_equal(live.plan.flat, trained)
    assert not live.ahead
    assert shown_neuron_values(canvas) == computed_neuron_values(canvas, live)
    assert shown_line_weights(canvas) == live.plan.weights_by_edge()

    assert stack.count() == 1 and "stopped in epoch" in stack.text(0)
    after = parameters_of(network)
    stack.undo()
    assert parameters_of(network) == before
    assert shown_line_weights(canvas) == pytest.approx(before[0])
    stack.redo()
    assert parameters_of(network) == after


def test_closing_mid_run_leaves_the_trained_weights_in_the_document(studio, qtbot, monkeypatch):
    panel, canvas, live, stack = studio()
    network = live.document.network
    before = parameters_of(network)
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    click(qtbot, panel.train_button)
    qtbot.waitUntil(lambda: panel.controller.display_count >= 5, timeout=20_000)
    assert live.ahead
    training_plan = panel.controller._worker.plan  # the weights the run trains

    assert panel.confirm_stop_for_close() is True
    assert not panel.controller.running
    np.testing.assert_array_equal(network_flat(live), training_plan.flat)
    np.testing.assert_array_equal(live.plan.flat, training_plan.flat)
    assert not live.ahead
    assert stack.count() == 1
    stack.undo()
    assert parameters_of(network) == before


def test_a_finished_run_leaves_its_last_weights_in_the_network_and_the_timeline_still_rewinds(studio, qtbot):
    panel, canvas, live, stack = studio(TrainSettings(epochs=40, learning_rate=0.02, batch_size=1, seed=3))
    network = live.document.network
    before = parameters_of(network)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        click(qtbot, panel.train_button)
    assert ended.args[0] == "completed"
    controller = panel.controller
    history = controller.history
    assert history is not None and len(history) > 2
    trained = history[len(history) - 1].parameters
    np.testing.assert_array_equal(network_flat(live), trained)

    controller.show_snapshot(1)
    np.testing.assert_array_equal(network_flat(live), history[1].parameters)
    np.testing.assert_array_equal(live.plan.flat, history[1].parameters)
    controller.end_preview()
    np.testing.assert_array_equal(network_flat(live), trained)
    stack.undo()
    assert parameters_of(network) == before


def test_shown_weights_leave_the_network_alone_until_it_changes_itself(qtbot):
    document = four_pixel_document()
    live = LiveNetwork(document)
    network = document.network
    before = parameters_of(network)
    heard: list[int] = []
    live.parametersShown.connect(lambda: heard.append(1))
    newer = live.plan.flat * np.float32(0.5)

    assert live.show_parameters(newer)
    assert heard == [1] and live.ahead
    assert parameters_of(network) == before
    np.testing.assert_array_equal(live.plan.flat, newer)
    fresh = compile_network(network.copy())
    fresh.restore(newer)
    np.testing.assert_allclose(live.outputs(), fresh.forward(live.input).output[0], rtol=1e-6)

    # An edit of one weight makes the network's own values the truth again, all of them.
    network.set_weights({"p0>h0": 0.25})
    assert not live.ahead
    np.testing.assert_array_equal(live.plan.flat, compile_network(network).flat)
    assert not live.show_parameters(newer[:-1]), "values laid out for another network are refused"
    live.detach()
