"""The Fool window's legend for the amplified change names every colour the change is drawn in: white for
pixels made lighter, red for darker, and black for the pixels left as they were."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from nnstudio.data.digits import digits_test
from nnstudio.ui.fool import FoolWindow

from ..studio_windows import studio_windows


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window(example="digits")


def test_the_legend_says_what_each_colour_of_the_change_means(window, qtbot):
    data = digits_test()
    window.panel_widget("padDock").set_pad_values(data.inputs[0])
    window.findChild(QAction, "foolAction").trigger()
    fool = window.findChild(FoolWindow, "foolWindow")
    qtbot.waitExposed(fool)
    fool.target_combo.setCurrentIndex(fool.target_combo.findText("3"))
    qtbot.mouseClick(fool.fool_button, Qt.MouseButton.LeftButton)
    legend = fool.change_caption.text()
    assert legend.startswith("Amplified")
    assert "white: made lighter" in legend
    assert "red: made darker" in legend
    assert "black: unchanged" in legend
    # The words match the colours drawn.
    values = fool.change_view.values.ravel()
    colour = fool.change_view.colour
    lighter, darker = values.argmax(), values.argmin()
    lit = colour(values[lighter])
    assert values[lighter] > 0 and lit.red() == lit.green() == lit.blue() > 0
    assert values[darker] < 0 and colour(values[darker]).red() > 3 * colour(values[darker]).green()
    assert colour(0.0).name() == "#000000"
    assert "the brighter, the bigger" in legend


def test_the_pictures_read_in_the_networks_values_as_on_the_pad(qtbot):
    """On the four-pixel camera (-1..+1) the pixels are big enough to carry their numbers: they read -1 and
    +1 as on the pad, and the change reads as the change in those values."""
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        window = open_window(example="four-pixel-camera")
        window.panel_widget("padDock").set_pad_values([1.0, 1.0, -1.0, -1.0])
        window.findChild(QAction, "foolAction").trigger()
        fool = window.findChild(FoolWindow, "foolWindow")
        qtbot.waitExposed(fool)
        qtbot.mouseClick(fool.take_button, Qt.MouseButton.LeftButton)
        assert sorted(fool.original_view.values.ravel().tolist()) == [-1, -1, 1, 1]
        assert fool.original_view.colour(-1.0).name() == "#000000"
        assert fool.original_view.colour(1.0).name() == "#ffffff"
        fool.target_combo.setCurrentIndex(fool.target_combo.findText("vertical"))
        qtbot.mouseClick(fool.fool_button, Qt.MouseButton.LeftButton)
        assert fool.result is not None
        shown = fool.result_view.values.ravel()
        assert shown.min() >= -1 and shown.max() <= 1
        assert shown.tolist() == pytest.approx(fool.result.picture.tolist())
        assert fool.change_view.values.ravel().tolist() == pytest.approx(fool.result.change.tolist())
