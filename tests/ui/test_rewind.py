"""Going back through a run in the Training panel: drag the timeline, restore a point, rerun from the start."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from nnstudio.data import load_dataset
from nnstudio.engine.parameters import ParameterSnapshot
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import TrainSettings, train
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingPanel

from .test_training_panel import four_pixel_document

SETTINGS = TrainSettings(epochs=12, learning_rate=0.02, batch_size=1, momentum=0.5, seed=3)


@pytest.fixture
def trained(qtbot):
    """A panel whose four-pixel network has just been trained for 12 epochs by clicking Train."""
    document = four_pixel_document()
    document.training = SETTINGS
    start = ParameterSnapshot.of(document.network)
    live = LiveNetwork(document)
    stack = QUndoStack()
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.bind(live, stack)
    panel.resize(420, 800)
    panel.show()
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    yield panel, live, stack, start
    panel.shutdown()
    live.detach()


def network_after(start: ParameterSnapshot, document_network, epochs: int) -> ParameterSnapshot:
    """The network's weights after ``epochs`` epochs trained from ``start`` without the window."""
    network = document_network.copy()
    start.restore(network)
    plan = compile_network(network.copy())
    data = load_dataset("four-pixel")
    settings = TrainSettings.from_dict(SETTINGS.to_dict() | {"epochs": epochs})
    for _ in train(plan, data.inputs, data.targets, settings):
        pass
    return ParameterSnapshot.from_plan(network, plan)


def drag_to(qtbot, panel: TrainingPanel, index: int) -> None:
    """Move the timeline's slider to ``index`` from the keyboard, one point at a time, as a person would."""
    slider = panel.timeline.slider
    slider.setFocus()
    key = Qt.Key.Key_Left if index < slider.value() else Qt.Key.Key_Right
    while slider.value() != index:
        qtbot.keyClick(slider, key)
    qtbot.waitUntil(lambda: panel.controller.preview_index == index, timeout=2000)


def test_dragging_shows_the_network_of_then_without_undo_steps_and_restore_is_one(trained, qtbot):
    panel, live, stack, start = trained
    network = live.document.network
    end = ParameterSnapshot.of(network)
    history = panel.controller.history
    assert history is not None and panel.timeline.slider.isEnabled()
    assert panel.timeline.slider.maximum() == len(history) - 1
    steps_on_stack = stack.count()
    epoch = 5
    index = next(i for i, s in enumerate(history) if s.epoch == epoch and s.epoch_end)
    drag_to(qtbot, panel, index)
    # The network (and so the canvas and the answer) is the network at the end of epoch 5.
    shown = ParameterSnapshot.of(network)
    assert shown.same_as(network_after(start, network, epoch))
    plan = compile_network(network.copy())
    assert np.allclose(live.outputs(), plan.forward(live.input).output)
    assert stack.count() == steps_on_stack  # no undo entries while scrubbing
    assert panel.timeline.label.text().startswith("The end of epoch 5: epoch average error ")
    assert panel.plot.marked_step() == history[index].step
    assert panel.timeline.restore_button.isEnabled()

    qtbot.mouseClick(panel.timeline.restore_button, Qt.MouseButton.LeftButton)
    assert stack.count() == steps_on_stack + 1
    assert stack.undoText() == "Go back to the end of epoch 5"
    assert ParameterSnapshot.of(network).same_as(shown)
    assert panel.controller.preview_index is None
    stack.undo()
    assert ParameterSnapshot.of(network).same_as(end)
    stack.redo()
    assert ParameterSnapshot.of(network).same_as(shown)


def test_back_to_now_puts_the_present_weights_back(trained, qtbot):
    panel, live, stack, start = trained
    network = live.document.network
    end = ParameterSnapshot.of(network)
    drag_to(qtbot, panel, 0)
    assert ParameterSnapshot.of(network).same_as(start)  # the run's first point is its start
    assert panel.timeline.label.text().startswith("The start of the run")
    qtbot.mouseClick(panel.timeline.now_button, Qt.MouseButton.LeftButton)
    assert ParameterSnapshot.of(network).same_as(end)
    assert panel.controller.preview_index is None and panel.plot.marked_step() is None
    assert not panel.timeline.restore_button.isEnabled()


def test_an_undo_while_looking_back_starts_from_what_is_shown(trained, qtbot):
    panel, live, stack, start = trained
    drag_to(qtbot, panel, 3)
    stack.undo()  # the run itself: the weights from before it
    assert ParameterSnapshot.of(live.document.network).same_as(start)
    assert panel.controller.preview_index is None
    assert not panel.timeline.restore_button.isEnabled()


def test_rerun_with_the_same_settings_reproduces_the_first_run_on_one_plot(trained, qtbot):
    panel, live, stack, start = trained
    network = live.document.network
    first_end = ParameterSnapshot.of(network)
    first = panel.controller.history
    first_epochs = panel.plot.epoch_losses()[1]
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000) as ended:
        qtbot.mouseClick(panel.timeline.rerun_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "completed"
    second = panel.controller.history
    assert second is not first and len(second) == len(first)
    for a, b in zip(first, second, strict=True):
        assert (a.step, a.epoch) == (b.step, b.epoch) and np.array_equal(a.parameters, b.parameters)
    assert ParameterSnapshot.of(network).same_as(first_end)
    # Both runs' curves on one plot from step 0: the earlier one dimmed, both named in the key.
    earlier = panel.plot.earlier_run()
    x, y = panel.plot.epoch_losses()
    assert np.array_equal(earlier["epoch"][1], first_epochs) and np.array_equal(y, first_epochs)
    assert np.array_equal(earlier["epoch"][0], x)
    key = panel.plot.key_text()
    assert "dimmed: the earlier run (same settings)" in key and "this run (same settings)" in key


def test_a_rerun_with_other_settings_starts_from_the_same_weights(trained, qtbot):
    panel, live, stack, start = trained
    panel.learning_rate.setValue(0.05)
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000):
        qtbot.mouseClick(panel.timeline.rerun_button, Qt.MouseButton.LeftButton)
    assert ParameterSnapshot.of(live.document.network).same_as(network_after_rate(start, live, 0.05))
    assert (
        "earlier run (rate 0.02" in panel.plot.key_text() and "this run (rate 0.05" in panel.plot.key_text()
    )
    # One undo puts back the weights the network had before the rerun (the first run's end).
    stack.undo()
    drag_to(qtbot, panel, 0)
    assert ParameterSnapshot.of(live.document.network).same_as(start)


def network_after_rate(start: ParameterSnapshot, live: LiveNetwork, rate: float) -> ParameterSnapshot:
    network = live.document.network.copy()
    start.restore(network)
    plan = compile_network(network.copy())
    data = load_dataset("four-pixel")
    for _ in train(
        plan, data.inputs, data.targets, TrainSettings.from_dict(SETTINGS.to_dict() | {"learning_rate": rate})
    ):
        pass
    return ParameterSnapshot.from_plan(network, plan)


def test_a_changed_structure_ends_the_timeline(trained, qtbot):
    panel, live, stack, start = trained
    network = live.document.network
    victim = next(iter(network.edges.values())).id
    network.remove(edge_ids=[victim])
    assert not panel.timeline.slider.isEnabled() and not panel.timeline.rerun_button.isEnabled()
    assert "changed since the last run" in panel.timeline.label.text()


def test_l1_and_l2_typed_in_the_panel_shrink_the_weights_of_a_rerun(trained, qtbot):
    panel, live, stack, start = trained
    network = live.document.network

    def total_size() -> float:
        return float(sum(np.abs(w).sum() for w in ParameterSnapshot.of(network).weights.values()))

    plain = total_size()
    panel.tabs.setCurrentIndex(0)
    for spin, rate in ((panel.l1, "0.002"), (panel.l2, "0.05")):
        spin.selectAll()
        qtbot.keyClicks(spin, rate)
        qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert panel.current_settings().l1 == 0.002 and panel.current_settings().l2 == 0.05
    panel.tabs.setCurrentWidget(panel.plot_page)
    assert panel.timeline.rerun_button.isVisible()
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000):
        qtbot.mouseClick(panel.timeline.rerun_button, Qt.MouseButton.LeftButton)
    assert total_size() < plain
    assert "this run (L1 0.002, L2 0.05)" in panel.plot.key_text()
    assert live.document.training.l1 == 0.002 and live.document.training.l2 == 0.05


def test_saving_while_looking_back_keeps_what_was_saved_as_the_networks_weights(trained, qtbot):
    panel, live, stack, start = trained
    network = live.document.network
    end = ParameterSnapshot.of(network)
    drag_to(qtbot, panel, 2)
    shown = ParameterSnapshot.of(network)
    steps = stack.count()
    stack.setClean()  # what saving the document does once the file is written
    assert stack.isClean() and stack.count() == steps + 1
    assert stack.undoText().startswith("Go back to ")
    assert ParameterSnapshot.of(network).same_as(shown) and panel.controller.preview_index is None
    stack.undo()
    assert ParameterSnapshot.of(network).same_as(end) and not stack.isClean()


def test_clicking_the_curves_shows_the_network_at_that_step(trained, qtbot):
    panel, live, stack, start = trained
    history = panel.controller.history
    plot = panel.plot
    panel.tabs.setCurrentWidget(panel.plot_page)
    plot.redraw()
    target = history[len(history) // 2]
    vb = plot.loss_plot.getPlotItem().vb
    low, high = vb.viewRange()[1]
    scene = vb.mapViewToScene(QPointF(target.step, (low + high) / 2))
    where = plot.loss_plot.mapFromScene(scene)
    qtbot.mouseClick(plot.loss_plot.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: panel.controller.preview_index is not None, timeout=2000)
    shown = history[panel.controller.preview_index]
    assert abs(shown.step - target.step) <= max(s.step for s in history) / 50
    assert panel.timeline.slider.value() == panel.controller.preview_index


def mouse_drag_slider(slider, index: int) -> None:
    """Press on the slider's handle, move the mouse along the groove to ``index`` and let go."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    style = slider.style()
    handle = style.subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
    )
    groove = style.subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, slider
    )
    span = groove.width() - handle.width()
    x = (
        groove.x()
        + handle.width() / 2
        + QStyle.sliderPositionFromValue(slider.minimum(), slider.maximum(), index, span)
    )
    start = QPointF(handle.center())
    left = Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(slider, QMouseEvent(QEvent.Type.MouseButtonPress, start, start, left, left, none))
    for fraction in (0.25, 0.5, 0.75, 1.0):
        point = QPointF(start.x() + (x - start.x()) * fraction, start.y())
        QApplication.sendEvent(
            slider, QMouseEvent(QEvent.Type.MouseMove, point, point, Qt.MouseButton.NoButton, left, none)
        )
    end = QPointF(x, start.y())
    QApplication.sendEvent(
        slider, QMouseEvent(QEvent.Type.MouseButtonRelease, end, end, left, Qt.MouseButton.NoButton, none)
    )


def test_dragging_the_handle_with_the_mouse_goes_back_and_the_undo_stack_stays(trained, qtbot):
    panel, live, stack, start = trained
    panel.tabs.setCurrentWidget(panel.plot_page)
    slider = panel.timeline.slider
    steps = stack.count()
    target = slider.maximum() // 2
    mouse_drag_slider(slider, target)
    qtbot.waitUntil(lambda: panel.controller.preview_index is not None, timeout=2000)
    assert abs(slider.value() - target) <= 1 and panel.controller.preview_index == slider.value()
    shown = panel.controller.history[slider.value()]
    assert ParameterSnapshot.of(live.document.network).same_as(
        ParameterSnapshot.from_plan(live.document.network, panel.controller._history_layout, shown.parameters)
    )
    assert stack.count() == steps
    qtbot.mouseClick(panel.timeline.restore_button, Qt.MouseButton.LeftButton)
    assert stack.count() == steps + 1
    stack.undo()
    assert stack.count() == steps + 1 and stack.index() == steps


def test_a_stopped_run_can_be_looked_back_through_up_to_where_it_stopped(qtbot):
    document = four_pixel_document()
    document.training = TrainSettings.from_dict(SETTINGS.to_dict() | {"epochs": 5000})
    live = LiveNetwork(document)
    stack = QUndoStack()
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.bind(live, stack)
    panel.show()
    with qtbot.waitSignal(panel.controller.epochEnded, timeout=20_000):
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.controller.ended, timeout=20_000) as ended:
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "stopped"
    history = panel.controller.history
    assert history is not None and history.last.step == panel.controller.latest_update.step
    end = ParameterSnapshot.of(live.document.network)
    assert ParameterSnapshot.from_plan(
        live.document.network, panel.controller._history_layout, history.last.parameters
    ).same_as(end)
    assert panel.timeline.slider.isEnabled() and panel.timeline.rerun_button.isEnabled()
    panel.shutdown()
    live.detach()


def test_the_timeline_says_the_error_the_plot_shows_at_that_point(trained, qtbot):
    panel, live, stack, start = trained
    history = panel.controller.history
    middle = next(i for i in range(len(history)) if history[i].step > 0 and not history[i].epoch_end)
    drag_to(qtbot, panel, middle)
    snapshot = history[middle]
    text = panel.timeline.label.text()
    # The smoothed curve's value there, named as such; the single step's batch error only labelled as that.
    smoothed = panel.plot.smoothed_at(snapshot.step)
    assert smoothed is not None
    assert f"smoothed error {smoothed:.3g}" in text
    assert f"this step's batch: {snapshot.loss:.3g}" in text
    end = next(i for i in range(len(history)) if history[i].epoch_end)
    drag_to(qtbot, panel, end)
    assert f"epoch average error {history[end].loss:.3g}" in panel.timeline.label.text()
