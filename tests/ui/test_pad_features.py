"""The pad of a network whose inputs are features of a point (X1, X2, sin X1, ...): the person sets the
point, and the features follow it, as in the training data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.examples import load_example
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad import DrawingPad, InputSliders


@pytest.fixture
def spiral_pad(qtbot):
    live = LiveNetwork(load_example("spiral"))
    pad = DrawingPad()
    qtbot.addWidget(pad)
    pad.bind(live, QUndoStack())
    pad.show()
    yield live, pad
    live.detach()


def type_into(qtbot, spin, value: float) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, f"{value:g}")
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_typing_x1_sets_every_feature_of_the_point(qtbot, spiral_pad):
    live, pad = spiral_pad
    sliders = pad.editor
    assert isinstance(sliders, InputSliders)
    names = [label.text() for label in sliders.labels]
    assert names == ["X1", "X2", "sin X1", "sin X2"]
    type_into(qtbot, sliders.spins[0], 3)
    type_into(qtbot, sliders.spins[1], -1.5)
    expected = [3.0, -1.5, math.sin(3.0), math.sin(-1.5)]
    np.testing.assert_allclose(live.input, expected, rtol=1e-6)
    assert sliders.spins[2].value() == pytest.approx(round(math.sin(3.0), 2))
    # Dragging X1's slider moves its features too.
    sliders.sliders[0].setValue(150)
    x1 = float(live.input[0])
    assert live.input[2] == pytest.approx(math.sin(x1), abs=1e-6)


def test_a_feature_cannot_be_set_apart_from_its_point(spiral_pad):
    _live, pad = spiral_pad
    sliders = pad.editor
    for index in (2, 3):
        assert not sliders.spins[index].isEnabled() and not sliders.sliders[index].isEnabled()
        assert "X1 and X2" in sliders.spins[index].toolTip()
    for index in (0, 1):
        assert sliders.spins[index].isEnabled() and sliders.sliders[index].isEnabled()
    assert "X1 and X2" in pad.title.text()
