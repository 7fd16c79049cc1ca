"""The Animation bar as a newcomer meets it: its buttons say they play the forward pass (not a second set of
training buttons), and its line about the last step goes once training moves on."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

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


def test_a_narrow_bar_puts_the_speed_below_the_buttons_instead_of_widening_the_canvas(qtbot):
    """The bar sits under the canvas: its least width is the canvas column's least width, so on a small
    screen it goes to two rows rather than squeeze the side panels."""
    window = (
        QWidget()
    )  # the bar inside a window, as in its dock: a window cannot be made narrower than its layout
    bar = AnimationBar(RecordingCanvas(), window)
    qtbot.addWidget(window)
    window.resize(900, 200)
    window.show()
    one_row = bar.sizeHint().width()
    assert bar.minimumSizeHint().width() < one_row * 0.7
    for width, rows in ((one_row + 40, 1), (bar.minimumSizeHint().width(), 2)):
        bar.resize(width, 200)
        QApplication.processEvents()
        bar.resize(width, bar.minimumSizeHint().height())
        QApplication.processEvents()
        controls = [bar.run_button, bar.step_button, bar.stop_button, bar.speed_slider, bar.speed_label]
        places = [QRect(widget.mapTo(bar, QPoint(0, 0)), widget.size()) for widget in controls]
        for widget, place in zip(controls, places, strict=True):
            assert bar.rect().contains(place), (width, widget.objectName(), place)
            least = widget.minimumWidth() or widget.minimumSizeHint().width()
            assert widget.width() >= least, (width, widget.objectName())
        for k, place in enumerate(places):
            assert not any(place.intersects(other) for other in places[k + 1 :]), (width, places)
        speed_below_buttons = places[3].top() > places[0].bottom()
        assert speed_below_buttons is (rows == 2), width
