"""A wide layer's picture is kept while its discs look the same (values that moved less than a colour step
ask for no repaint) and drawn again, exactly as a fresh canvas would draw it, when one of them changes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from nnstudio.document.builders import dense_network
from nnstudio.document.model import Document
from nnstudio.ui.canvas.sheet import NeuronSheet

from .canvas_fixtures import open_canvas, shown


def wide_document() -> Document:
    """784-64-10: the hidden level is drawn as one sheet; its discs are a few pixels across when fitted."""
    network = dense_network([784, 64, 10], "tanh", seed=3, grid=(28, 28))
    return Document(network, grid=(28, 28), value_range=(0.0, 1.0))


def pixels(canvas) -> np.ndarray:
    image = shown(canvas)
    return np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), -1).copy()


@pytest.fixture
def paints(monkeypatch):
    """Counts the paints of every sheet."""
    counted: list[NeuronSheet] = []
    original = NeuronSheet.paint

    def counting(self, *args):  # noqa: ANN001, ANN202
        counted.append(self)
        return original(self, *args)

    monkeypatch.setattr(NeuronSheet, "paint", counting)
    return counted


# Discs 14 and 5.5 pixels across are copied from pictures, 2 pixels across drawn by numpy.
@pytest.mark.parametrize("size", [(1000, 700), (500, 350), (300, 200)])
def test_a_new_input_redraws_the_wide_layer_as_a_fresh_canvas_shows_it(qtbot, size):
    rng = np.random.default_rng(0)
    first, second = rng.uniform(0, 1, 784), rng.uniform(0, 1, 784)
    canvas, live = open_canvas(qtbot, wide_document(), size)
    assert len(canvas.canvas_scene.sheets) == 1
    live.set_input(first)
    showing_first = pixels(canvas)
    live.set_input(second)
    showing_second = pixels(canvas)
    assert not np.array_equal(showing_first, showing_second)

    fresh, fresh_live = open_canvas(qtbot, wide_document(), size)
    fresh_live.set_input(second)
    np.testing.assert_array_equal(showing_second, pixels(fresh))
    live.set_input(first)
    np.testing.assert_array_equal(pixels(canvas), showing_first)


def test_values_that_change_no_disc_ask_for_no_repaint(qtbot, paints):
    canvas, live = open_canvas(qtbot, wide_document())
    [sheet] = canvas.canvas_scene.sheets.values()
    live.set_input(np.full(784, 0.5))
    before = pixels(canvas)
    slots = np.arange(len(sheet.items))
    paints.clear()

    sheet.take_values(slots, sheet.totals + 1e-7, sheet.values + 1e-7)
    QApplication.processEvents()
    assert sheet not in paints
    np.testing.assert_array_equal(pixels(canvas), before)

    paints.clear()
    sheet.take_values(slots, sheet.totals, -sheet.values)
    QApplication.processEvents()
    assert sheet in paints
    assert not np.array_equal(pixels(canvas), before)
