"""The Dream window on the four-pixel camera: pictures of no class are captioned as such (not as the last class),
and every picture's pixels read in the network's own values, as the pad shows them (-1 and +1 here)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QAction

from nnstudio.ui.dream import DreamWindow
from nnstudio.ui.samples import NO_CLASS, class_name

from ..studio_windows import studio_windows


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window(example="four-pixel-camera")


def open_dream(window, qtbot) -> DreamWindow:
    window.findChild(QAction, "dreamAction").trigger()
    found = window.findChild(DreamWindow, "dreamWindow")
    qtbot.waitExposed(found)
    return found


def choose(dream: DreamWindow, text: str) -> None:
    index = dream.neuron_combo.findText(text)
    assert index >= 0, text
    dream.neuron_combo.setCurrentIndex(index)


def test_a_class_index_of_no_class_is_named_none_not_the_last_class():
    labels = ["solid", "vertical", "diagonal", "horizontal"]
    assert class_name(labels, 3) == "horizontal"
    assert class_name(labels, -1) == NO_CLASS
    assert class_name(labels, 4) == NO_CLASS


def test_pictures_of_no_class_are_not_captioned_as_horizontal(window, qtbot):
    dream = open_dream(window, qtbot)
    choose(dream, "Output \u201csolid\u201d")
    shown = [(view, caption) for view, caption in dream.strongest_views if view.isVisible()]
    assert len(shown) == 6
    captions = [caption.text() for _view, caption in shown]
    assert captions[:2] == ["solid: 0.744", "solid: 0.744"]
    for view, caption in shown[2:]:
        # One white pixel on black: none of solid, vertical, diagonal or horizontal.
        assert sorted(view.values.ravel().tolist()) == [-1, -1, -1, 1]
        assert caption.text() == "no class: 0.633"
        assert "no class" in caption.toolTip()
    # A real horizontal line is still called horizontal.
    choose(dream, "Output \u201chorizontal\u201d")
    first = dream.strongest_views[0][1].text()
    assert first.startswith("horizontal: ")


def test_the_pixels_read_in_the_networks_values_as_on_the_pad(window, qtbot):
    dream = open_dream(window, qtbot)
    choose(dream, "Output \u201csolid\u201d")
    all_white, all_black = dream.strongest_views[0][0], dream.strongest_views[1][0]
    assert np.unique(all_white.values).tolist() + np.unique(all_black.values).tolist() in ([1, -1], [-1, 1])
    # Drawn white and black, as on the pad.
    assert all_white.colour(1.0).lightness() == 255 or all_black.colour(1.0).lightness() == 255
    assert all_white.colour(-1.0).lightness() == 0
    # The dream itself, too: its pixels as the network takes them (what Put it on the pad puts there).
    dream.steps_spin.setValue(3)
    dream.dream_button.setChecked(True)
    dream.timer.stop()
    for _ in range(3):
        dream.advance()
    np.testing.assert_allclose(dream.view.values.ravel(), dream.picture)
    assert dream.view.colour(-1.0).lightness() == 0 and dream.view.colour(1.0).lightness() == 255
