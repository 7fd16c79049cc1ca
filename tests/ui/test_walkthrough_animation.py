"""The Animation bar as a newcomer meets it: its buttons say they play the forward pass (not a second set of
training buttons), and its line about the last step goes once training moves on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.ui.animation import AnimationBar
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingPanel
from tests.ui.test_animation_animator import RecordingCanvas, layered_document


def test_play_and_stop_say_they_animate_the_forward_pass(qtbot):
    bar = AnimationBar(RecordingCanvas())
    qtbot.addWidget(bar)
    assert bar.run_button.text().replace("&", "") == "Play"
    assert bar.stop_button.text().replace("&", "") == "Stop playing"
    for button in (bar.run_button, bar.step_button, bar.stop_button):
        assert button.toolTip(), button.objectName()
    assert "forward pass" in bar.run_button.toolTip()
    assert "playing" in bar.stop_button.toolTip()
    assert "one training step" in bar.step_button.toolTip()


def test_the_last_steps_sample_line_goes_when_training_runs(qtbot):
    document = layered_document((4, 3, 4))
    bar = AnimationBar(RecordingCanvas())
    panel = TrainingPanel()
    qtbot.addWidget(bar)
    qtbot.addWidget(panel)
    live = LiveNetwork(document)
    stack = QUndoStack()
    bar.bind(live, stack)
    panel.bind(live, stack)
    bar.connect_training(panel)
    bar.speed_slider.setValue(100)
    qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    assert "solid, light" in bar.status.text()
    live.set_locked(True)  # a training run starts
    assert bar.status.text() == ""
    live.set_locked(False)
    assert bar.status.text() == ""
    panel.shutdown()
    live.detach()
