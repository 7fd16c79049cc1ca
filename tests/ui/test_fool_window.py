"""The Fool window, used as a person would: draw a digit, Tools > Fool, pick an answer, Fool it."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from nnstudio.data.digits import digits_test
from nnstudio.ui.fool import FoolWindow

from ..studio_windows import studio_windows


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window(example="digits")


def open_fool(window, qtbot) -> FoolWindow:
    window.findChild(QAction, "foolAction").trigger()
    found = window.findChild(FoolWindow, "foolWindow")
    qtbot.waitExposed(found)
    return found


def test_fooling_a_drawing_from_the_pad(window, qtbot):
    data = digits_test()
    pad = window.panel_widget("padDock")
    pad.set_pad_values(data.inputs[0])
    truth = data.labels[data.classes[0]]
    fool = open_fool(window, qtbot)
    assert fool.original_answer.text().startswith(f"Reads {truth} (")
    # Before fooling, the change and the result say what will show there (black squares looked like results).
    assert fool.change_view.placeholder == "The change shows here after Fool it"
    assert fool.result_view.placeholder == "The fooled picture shows here after Fool it"
    target = "3" if truth != "3" else "5"
    fool.target_combo.setCurrentIndex(fool.target_combo.findText(target))
    qtbot.mouseClick(fool.fool_button, Qt.MouseButton.LeftButton)
    assert fool.result is not None and fool.result.success
    assert fool.result_answer.text().startswith(f"Reads {target} (")
    text = fool.size_label.text()
    assert "No pixel changed by more than" in text and f"now reads {target}" in text
    assert fool.result.max_change <= 0.3
    assert fool.change_caption.text().startswith("Amplified")
    assert np.abs(fool.change_view.values).max() > 0 and not fool.change_view.placeholder
    qtbot.mouseClick(fool.pad_button, Qt.MouseButton.LeftButton)
    assert window.live.answer() == target


def test_asking_for_the_answer_it_already_gives(window, qtbot):
    data = digits_test()
    window.panel_widget("padDock").set_pad_values(data.inputs[1])
    fool = open_fool(window, qtbot)
    answer = data.labels[data.classes[1]]
    fool.target_combo.setCurrentIndex(fool.target_combo.findText(answer))
    qtbot.mouseClick(fool.fool_button, Qt.MouseButton.LeftButton)
    assert "already reads" in fool.size_label.text()
