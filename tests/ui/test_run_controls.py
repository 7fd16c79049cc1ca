"""Train, Pause, Stop, Step and Randomize from the Run menu, the toolbar and the keyboard (issue 9, findings 6,
8 and 9): one Step everywhere, the answer after the animation reaches it, texts that never go stale."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QDockWidget,
    QLabel,
    QMenu,
    QMessageBox,
    QToolBar,
)

from nnstudio.app import create_main_window
from nnstudio.ui.main_window import MainWindow
from nnstudio.ui.theme import Tone, label_tone

Button = QMessageBox.StandardButton
RUN_ACTIONS = ("train", "pause", "stop", "step", "randomize")


@pytest.fixture
def window(qtbot):
    win = create_main_window(example="four-pixel-camera")
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    # The run keys are window shortcuts: they work only once the window is the active one.
    with qtbot.waitActive(win):
        win.activateWindow()
    yield win
    win.ask_save_changes = lambda: Button.Discard
    training_of(win).shutdown()  # a run still going would make close() ask first
    win.close()
    win.deleteLater()


def training_of(window: MainWindow):
    return window.panel_widget("trainingDock")


def animation_of(window: MainWindow):
    return window.panel_widget("animationDock")


def answer_of(window: MainWindow):
    return window.panel_widget("outputsDock")


def key(qtbot, window: MainWindow, sequence: str) -> None:
    """Press a key combination as a person would, with the canvas focused."""
    combo = QKeySequence(sequence)[0]
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, combo.key(), combo.keyboardModifiers())


def long_run(window: MainWindow) -> None:
    training_of(window).epochs.setValue(1_000_000)


# ---------------------------------------------------------------------------------------------- finding 8
def test_run_menu_and_toolbar_offer_every_run_command_with_its_keys(window):
    menu = window.findChild(QMenu, "runMenu")
    toolbar = window.findChild(QToolBar, "runToolBar")
    assert menu is not None and toolbar is not None and toolbar.isVisible()
    for name in RUN_ACTIONS:
        action = window.actions[name]
        assert action in menu.actions(), name
        assert action in toolbar.actions(), name
        assert action.objectName() and action.text()
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert shortcut, name
        assert shortcut in action.toolTip(), name  # the toolbar's tooltip teaches the key
    shortcuts = {name: [s.toString() for s in window.actions[name].shortcuts()] for name in RUN_ACTIONS}
    assert "F5" in shortcuts["train"] and "Ctrl+Return" in shortcuts["train"]
    assert "F6" in shortcuts["pause"]
    assert "Shift+F5" in shortcuts["stop"]
    assert "F10" in shortcuts["step"]
    # The panels' own buttons teach the same keys.
    assert "F5" in training_of(window).train_button.toolTip()
    assert "F10" in training_of(window).step_button.toolTip()
    assert "F10" in animation_of(window).step_button.toolTip()


def test_keys_train_pause_resume_and_stop_and_the_commands_follow_the_state(qtbot, window):
    actions = window.actions
    controller = training_of(window).controller
    long_run(window)
    assert actions["train"].isEnabled() and actions["step"].isEnabled() and actions["randomize"].isEnabled()
    assert not actions["pause"].isEnabled() and not actions["stop"].isEnabled()
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        key(qtbot, window, "F5")
    assert controller.running
    assert not actions["train"].isEnabled() and not actions["step"].isEnabled()
    assert not actions["randomize"].isEnabled()
    assert actions["pause"].isEnabled() and actions["stop"].isEnabled()
    pause_button = window.findChild(QToolBar, "runToolBar").widgetForAction(actions["pause"])
    assert pause_button.text() == "Pause"
    key(qtbot, window, "F6")
    assert controller.paused and actions["pause"].isChecked()
    # The toolbar says what pressing it does now, as the panel's button does.
    assert pause_button.text() == "Resume" == training_of(window).pause_button.text()
    assert "Resume" in pause_button.toolTip()
    key(qtbot, window, "F6")
    assert not controller.paused and not actions["pause"].isChecked()
    assert pause_button.text() == "Pause"
    with qtbot.waitSignal(controller.ended, timeout=10_000) as ended:
        key(qtbot, window, "Shift+F5")
    assert ended.args[0] == "stopped"
    assert actions["train"].isEnabled() and not actions["stop"].isEnabled()
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        key(qtbot, window, "Ctrl+Return")
    with qtbot.waitSignal(controller.ended, timeout=10_000):
        window.findChild(QToolBar, "runToolBar").widgetForAction(actions["stop"]).click()


def test_the_training_panels_step_is_the_animated_step(qtbot, window):
    training, bar = training_of(window), animation_of(window)
    stack = window.undo_stack
    bar.speed_slider.setValue(0)  # slow motion: the step plays out
    qtbot.mouseClick(training.step_button, Qt.MouseButton.LeftButton)
    assert bar.animator.running and bar.animator.kind == "step"
    assert stack.count() == 0  # the weights change at the end of the animation, not before
    # While it plays, no second step starts from anywhere.
    assert not training.step_button.isEnabled() and not bar.step_button.isEnabled()
    assert not window.actions["step"].isEnabled() and window.actions["stop"].isEnabled()
    key(qtbot, window, "Shift+F5")  # Stop ends the animation too
    assert not bar.animator.running and stack.count() == 0
    assert training.step_button.isEnabled() and window.actions["step"].isEnabled()
    bar.speed_slider.setValue(100)
    qtbot.mouseClick(training.step_button, Qt.MouseButton.LeftButton)
    assert stack.count() == 1 and stack.text(0) == "Training step"
    assert bar.animator.last_step is not None
    key(qtbot, window, "F10")
    assert stack.count() == 2 and stack.text(1) == "Training step"
    # Each step goes on to the next sample (the cancelled one had the first): F10 took the third.
    np.testing.assert_array_equal(window.live.input, training.selected_dataset().inputs[2])
    assert "One step on" in training.status_text()


def test_a_step_pays_the_l2_penalty_the_training_panel_shows(qtbot, window):
    """Step is one training step of the run the panel describes: with L2 set, each weight also moves by
    -rate * l2 * w (it took no penalty before, so a run and its steps disagreed)."""
    training, bar = training_of(window), animation_of(window)
    bar.speed_slider.setValue(100)
    network = window.document.network
    before = {eid: edge.weight for eid, edge in network.edges.items()}
    training.l2.setValue(0.5)
    key(qtbot, window, "F10")
    step = bar.animator.last_step
    assert step is not None
    rate = training.learning_settings()[1]
    slopes = step.edge_gradients
    moved = {eid: network.edges[eid].weight - before[eid] for eid in before}
    eid = max(before, key=lambda e: abs(before[e]))  # the largest weight shows the penalty best
    expected = -rate * (slopes[eid] + 0.5 * before[eid])
    assert moved[eid] == pytest.approx(expected, rel=1e-4, abs=1e-6)


# ---------------------------------------------------------------------------------------------- finding 6
def test_the_answer_waits_until_the_animation_reaches_the_outputs(qtbot, window):
    bar, answer = animation_of(window), answer_of(window)
    # Paint a different input first, so the step's sample gives a different answer.
    window.live.set_input(np.array([1, -1, 1, -1], dtype=np.float32))
    before = answer.answer()
    bar.speed_slider.setValue(0)
    key(qtbot, window, "F10")
    assert bar.animator.running
    np.testing.assert_array_equal(window.live.input, [1, 1, 1, 1])  # the pad shows the sample at once
    shown = answer.answer()
    assert shown != before or "wait" in shown.lower()
    assert "wait" in shown.lower(), shown  # the answer is on its way, not shown yet
    # Let it play to the end at full speed: the answer shows.
    bar.speed_slider.setValue(100)
    qtbot.waitUntil(lambda: not bar.animator.running, timeout=5_000)
    assert answer.answer().startswith("Answer: ")
    assert "wait" not in answer.answer().lower()


def test_the_answer_shows_once_the_outputs_light_up(qtbot, window):
    bar, answer = animation_of(window), answer_of(window)
    bar.speed_slider.setValue(95)
    key(qtbot, window, "F10")
    qtbot.waitUntil(lambda: not bar.animator.running, timeout=10_000)
    assert answer.answer().startswith("Answer: ")
    # A Run animation waits too, and a cancelled one gives the answer back at once.
    bar.speed_slider.setValue(0)
    qtbot.mouseClick(bar.run_button, Qt.MouseButton.LeftButton)
    assert "wait" in answer.answer().lower()
    qtbot.mouseClick(bar.stop_button, Qt.MouseButton.LeftButton)
    assert answer.answer().startswith("Answer: ")


# ---------------------------------------------------------------------------------------------- finding 9
def test_randomize_after_a_run_clears_its_done_text(qtbot, window):
    training = training_of(window)
    training.epochs.setValue(5)
    with qtbot.waitSignal(training.controller.ended, timeout=10_000):
        key(qtbot, window, "F5")
    assert training.progress_text() == "done"
    window.findChild(QToolBar, "runToolBar").widgetForAction(window.actions["randomize"]).click()
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Randomize weights"
    assert "done" not in training.progress_text()
    assert "steps" not in training.speed_label.text()
    assert not training.status_text().startswith("Training finished")


def test_a_step_after_a_stopped_run_clears_its_stopped_text(qtbot, window):
    training = training_of(window)
    long_run(window)
    with qtbot.waitSignal(training.controller.progress, timeout=10_000):
        key(qtbot, window, "F5")
    with qtbot.waitSignal(training.controller.ended, timeout=10_000):
        key(qtbot, window, "Shift+F5")
    assert training.progress_text().startswith("stopped")
    animation_of(window).speed_slider.setValue(100)
    key(qtbot, window, "F10")
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Training step"
    assert "stopped" not in training.progress_text()
    assert "stopped" not in training.status_text()


def test_the_progress_text_is_never_split_by_the_bars_fill(qtbot, window):
    training = training_of(window)
    long_run(window)
    with qtbot.waitSignal(training.controller.progress, timeout=10_000):
        key(qtbot, window, "F5")
    with qtbot.waitSignal(training.controller.ended, timeout=10_000):
        key(qtbot, window, "Shift+F5")
    # Drawn over a half-filled bar, "stopped" shows in two colours ("stop|ped"): the words sit beside it.
    assert not training.progress_bar.isTextVisible()
    label = training.findChild(QLabel, "trainingProgressText")
    assert label is not None and label.isVisible() and label.text().startswith("stopped")
    assert label.accessibleName()


def test_a_new_document_greets_with_a_hint_not_an_error(qtbot, window):
    assert window.new_document()
    QApplication.processEvents()
    shown = [
        w.text() for w in window.statusBar().findChildren(QLabel) if w.isVisible() and w.text().strip()
    ] + [window.statusBar().currentMessage()]
    assert not any("Cannot run" in text for text in shown), shown
    problem = window.findChild(QLabel, "networkProblem")
    assert not problem.isVisible() or label_tone(problem) is not Tone.PROBLEM
    assert any("drag" in text.lower() for text in shown), shown
    # Nothing to run yet: the run commands wait until there is a network.
    for name in ("train", "step", "randomize"):
        assert not window.actions[name].isEnabled(), name
    training, bar = training_of(window), animation_of(window)
    for button in (training.train_button, training.step_button, bar.run_button, bar.step_button):
        assert not button.isEnabled(), button.objectName()
    assert window.open_example("four-pixel-camera")
    for name in ("train", "step", "randomize"):
        assert window.actions[name].isEnabled(), name
    for button in (training.train_button, training.step_button, bar.run_button, bar.step_button):
        assert button.isEnabled(), button.objectName()


def test_a_real_problem_is_still_shown_as_one(qtbot, window):
    network = window.document.network
    assert network.inputs() and network.outputs()
    problem = window.findChild(QLabel, "networkProblem")
    assert not problem.isVisible()


# ---------------------------------------------------------------------------------------------- finding 8
def test_help_explains_panning_and_running_and_closes_with_a_button(qtbot, window):
    dialog = window.show_build_help()
    qtbot.waitExposed(dialog)
    text = dialog.findChild(object, "buildHelpText").toPlainText()
    assert "middle" in text.lower() and "Space" in text  # how to pan the canvas
    assert "F5" in text and "F10" in text
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close is not None and close.isVisible() and close.accessibleName()
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_middle_drag_pans_the_canvas(qtbot, window):
    canvas = window.canvas
    viewport = canvas.viewport()
    centre = viewport.rect().center()
    before = canvas.mapToScene(centre)
    qtbot.mousePress(viewport, Qt.MouseButton.MiddleButton, pos=centre)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, centre + type(centre)(step * 20, step * 10))
    qtbot.mouseRelease(viewport, Qt.MouseButton.MiddleButton, pos=centre + type(centre)(100, 50))
    after = canvas.mapToScene(centre)
    assert (after - before).manhattanLength() > 20


def test_randomize_twice_draws_different_weights_each_time(qtbot, window):
    training = training_of(window)
    network = window.document.network
    button = window.findChild(QToolBar, "runToolBar").widgetForAction(window.actions["randomize"])
    button.click()
    first = {e.id: e.weight for e in network.edges.values()}
    seed = training.seed.value()
    key(qtbot, window, "Ctrl+R")
    assert {e.id: e.weight for e in network.edges.values()} != first
    assert training.seed.value() == seed + 1  # the seed shown is the one the next Randomize uses
    assert f"seed {seed}" in training.status_text()
    window.undo_stack.undo()
    assert {e.id: e.weight for e in network.edges.values()} == first


def test_train_brings_the_training_panel_forward_even_to_say_why_it_cannot(qtbot, window):
    training = training_of(window)
    window.inspector_dock.show()
    window.tabifyDockWidget(window.inspector_dock, window.findChild(QDockWidget, "trainingDock"))
    window.inspector_dock.raise_()
    QApplication.processEvents()
    assert training.visibleRegion().isEmpty()  # behind the Inspector's tab
    combo = training.dataset_combo
    combo.setCurrentIndex(combo.findData("shapes3x3"))  # nine pixels: does not fit the camera's four
    key(qtbot, window, "F5")
    QApplication.processEvents()
    assert not training.controller.running
    assert not training.visibleRegion().isEmpty() and "does not fit" in training.status_text()


def test_the_view_menu_names_the_toolbar_it_shows_and_hides(window, qtbot):
    """Ticked "Run" in the View menu read like a command; it is the toolbar's switch, and says so."""
    toggle = window.findChild(QToolBar, "runToolBar").toggleViewAction()
    assert toggle in window.view_menu.actions()
    assert toggle.text().replace("&", "") == "Run Toolbar" and toggle.isChecked()
    assert "toolbar" in toggle.toolTip().lower()
    toggle.trigger()
    assert not window.findChild(QToolBar, "runToolBar").isVisible()
