"""The inspector's sliders never throw away a value they cannot show (walkthrough: the festival's "go" neuron
has a bias of -25; a slider over -3..3 sat pinned at its end, and moving it 2 pixels set the bias to -2.937 and
flipped the answer). A slider's range covers the value it shows, and a drag moves the value smoothly from
where it is."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QSlider, QStyle, QStyleOptionSlider

from nnstudio.examples import load_example
from nnstudio.ui.inspector import Inspector
from nnstudio.ui.live import LiveNetwork

from ..studio_windows import studio_windows
from .test_window_inspector import type_value


@pytest.fixture
def festival(qtbot):
    document = load_example("festival")
    live = LiveNetwork(document)
    stack = QUndoStack()
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.bind(live, stack)
    inspector.resize(480, 500)
    inspector.show()
    qtbot.waitExposed(inspector)
    yield inspector, document.network, stack
    live.detach()


def handle_centre(slider: QSlider) -> QPoint:
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    rect = slider.style().subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
    )
    return rect.center()


def drag_handle(qtbot, slider: QSlider, dx: int, release: bool = True) -> QPoint:
    start = handle_centre(slider)
    end = start + QPoint(dx, 0)
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=start)
    # Several small moves, as a hand makes them.
    steps = max(1, abs(dx) // 5)
    for k in range(1, steps + 1):
        qtbot.mouseMove(slider, start + QPoint(round(dx * k / steps), 0))
    if release:
        qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=end)
    return end


def test_the_bias_slider_shows_a_bias_of_minus_25_inside_its_range(festival):
    inspector, network, _ = festival
    inspector.show_selection(["o0"], [])
    slider = inspector.bias.slider
    assert inspector.bias.spin.value() == -25.0
    assert slider.minimum() < slider.value() < slider.maximum(), "not pinned at an end"
    assert "-30" in slider.toolTip() and "30" in slider.toolTip()


def test_moving_the_bias_slider_two_pixels_nudges_the_bias_from_where_it_is(qtbot, festival):
    inspector, network, stack = festival
    inspector.show_selection(["o0"], [])
    slider = inspector.bias.slider
    drag_handle(qtbot, slider, 2)
    bias = network.neurons["o0"].bias
    assert bias != -25.0
    assert -25.0 < bias < -23.5, f"a 2-pixel drag moved the bias to {bias}"
    assert inspector.bias.spin.value() == pytest.approx(bias)
    assert "threshold 24." in inspector.neuron_values.text()
    assert stack.count() == 1


def test_a_drag_keeps_the_range_under_the_hand_and_lands_on_round_values(qtbot, festival):
    inspector, network, _ = festival
    inspector.show_selection(["o0"], [])
    slider = inspector.bias.slider
    low, high = slider.minimum(), slider.maximum()
    drag_handle(qtbot, slider, 150, release=False)
    assert (slider.minimum(), slider.maximum()) == (low, high), "the range does not change under the hand"
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=handle_centre(slider))
    bias = network.neurons["o0"].bias
    assert bias > -25.0
    assert round(bias, 2) == bias, "a slider step of this range is 0.01"


def test_a_typed_value_beyond_the_range_grows_the_range(qtbot, festival):
    inspector, network, _ = festival
    inspector.show_selection([], ["i0>o0"])
    slider = inspector.weight.slider
    assert slider.minimum() < slider.value() < slider.maximum()
    type_value(qtbot, inspector.weight.spin, "-120")
    assert network.edges["i0>o0"].weight == -120.0
    assert slider.minimum() < slider.value() < slider.maximum()
    assert "-200" in slider.toolTip()


def test_a_small_value_gets_the_fine_slider_back_when_selected(qtbot, festival):
    inspector, network, _ = festival
    inspector.show_selection(["o0"], [])
    assert "-30" in inspector.bias.slider.toolTip()
    inspector.show_selection(["i0"], [])
    slider = inspector.bias.slider
    assert "-3 to 3" in slider.toolTip()
    assert slider.value() == (slider.minimum() + slider.maximum()) // 2


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window


def test_a_small_drag_of_the_go_neurons_threshold_keeps_its_answer(qtbot, studio):
    window = studio(example="festival")
    window.live.set_input(np.array([1, 3, 4, 2], dtype=np.float32))
    window.canvas.select(["o0"])
    dock = next(d for d in window.findChildren(QDockWidget) if d.isAncestorOf(window.inspector))
    dock.raise_()
    qtbot.waitUntil(lambda: window.inspector.bias.slider.isVisible())
    arithmetic = window.inspector.arithmetic
    assert arithmetic.text() == "1x4 + 3x2 + 4x2 + 2x1 = 20 < 25 -> not go"
    drag_handle(qtbot, window.inspector.bias.slider, 2)
    bias = window.document.network.neurons["o0"].bias
    # However narrow the column, two pixels of -30..30 are a few units, not a jump to -3.
    assert -25.0 < bias <= -21.0, bias
    assert arithmetic.text().endswith("-> not go"), arithmetic.text()
    assert window.live.values()["o0"][1] == 0.0
