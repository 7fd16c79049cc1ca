"""Words in the tool windows that a newcomer met and could not take at face value: Fool the Network on a
network that reads no digits, Dream's captions of pictures of no class, and the Slope window's count of the
other slopes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from nnstudio.ui.dream import DreamWindow
from nnstudio.ui.fool import FoolWindow
from nnstudio.ui.instruments.slope_view import SlopeWindow

from ..studio_windows import studio_windows


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window


def open_tool(window, qtbot, action_name: str, kind, object_name: str):
    window.findChild(QAction, action_name).trigger()
    found = window.findChild(kind, object_name)
    qtbot.waitExposed(found)
    return found


def test_fool_on_the_four_pixel_camera_asks_for_a_picture_not_a_digit(studio, qtbot):
    window = studio(example="four-pixel-camera")
    fool = open_tool(window, qtbot, "foolAction", FoolWindow, "foolWindow")
    text = fool.size_label.text()
    assert "digit" not in text
    assert text.startswith("Draw a picture on the pad")


def test_fool_on_a_digit_network_asks_for_a_digit(studio, qtbot):
    window = studio(example="digits")
    fool = open_tool(window, qtbot, "foolAction", FoolWindow, "foolWindow")
    assert fool.size_label.text().startswith("Draw a digit on the pad")


def test_dream_captions_a_picture_of_no_class_in_words_not_as_an_output_named_none(studio, qtbot):
    window = studio(example="four-pixel-camera")
    dream = open_tool(window, qtbot, "dreamAction", DreamWindow, "dreamWindow")
    dream.neuron_combo.setCurrentIndex(dream.neuron_combo.findText("Output \u201csolid\u201d"))
    captions = [caption.text() for view, caption in dream.strongest_views if view.isVisible()]
    assert captions
    outputs = window.live.output_labels()
    assert "none" not in outputs
    for caption in captions:
        assert not caption.startswith("none:")
    assert any(caption.startswith("no class: ") for caption in captions)


def test_the_slope_window_counts_the_other_slopes_without_this_one(studio, qtbot):
    window = studio(example="four-pixel-camera")
    edge = next(iter(window.document.network.edges))
    window.canvas.select([], [edge])
    qtbot.mouseClick(window.inspector.slope_button, Qt.MouseButton.LeftButton)
    view = window.findChild(SlopeWindow)
    qtbot.waitUntil(view.isVisible)
    parameters = view.result.parameters
    assert f"gives this slope and all {parameters - 1:,} others at once" in view.backprop.text()
