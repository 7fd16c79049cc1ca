"""Feature inputs: dropped from the palette as input neurons named after a feature, fed that feature of each
point by a point dataset, and kept in a saved file by their names."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from nnstudio.data import load_dataset
from nnstudio.data.points import FEATURES, fit_dataset_to
from nnstudio.document.fileformat import load_document, save_document
from nnstudio.document.model import Document
from nnstudio.engine.graph import Network, Role
from nnstudio.ui.canvas.edits import CanvasEditError, PaletteItem
from nnstudio.ui.canvas.palette import NeuronPalette

from .canvas_fixtures import open_canvas


@pytest.fixture
def palette_and_canvas(qtbot):
    document = Document(Network())
    canvas, live = open_canvas(qtbot, document)
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.attach_canvas(canvas)
    palette.show()
    return palette, canvas, document


def _add_feature(qtbot, palette: NeuronPalette, name: str) -> None:
    choice = palette.feature
    choice.setCurrentIndex(choice.findText(name))
    entry = palette.entries["feature"]
    entry.setFocus()
    qtbot.keyClick(entry, Qt.Key.Key_Return)


def test_the_palette_offers_every_feature(palette_and_canvas):
    palette, _, _ = palette_and_canvas
    choice = palette.feature
    assert [choice.itemText(i) for i in range(choice.count())] == list(FEATURES)
    assert palette.entries["feature"].accessibleName() == "Add feature input"
    assert choice.objectName() and choice.accessibleName()


def test_a_feature_input_dropped_from_the_palette_is_an_input_named_after_it(qtbot, palette_and_canvas):
    palette, canvas, document = palette_and_canvas
    for name in ("X1", "X2", "X1*X2", "sin X1"):
        _add_feature(qtbot, palette, name)
    inputs = document.network.inputs()
    assert [n.label for n in inputs] == ["X1", "X2", "X1*X2", "sin X1"]
    assert all(n.role is Role.INPUT and n.activation == "identity" for n in inputs)
    # One undo step each.
    canvas._test_refs[1].undo()
    assert [n.label for n in document.network.inputs()] == ["X1", "X2", "X1*X2"]


def test_point_data_feeds_each_feature_input_its_feature(qtbot, palette_and_canvas, tmp_path):
    palette, _, document = palette_and_canvas
    for name in ("X1^2", "X2^2", "sin X2"):
        _add_feature(qtbot, palette, name)
    data = fit_dataset_to(load_dataset("circle:train"), document.network)
    points = load_dataset("circle:train").inputs
    assert data.n_inputs == 3
    np.testing.assert_allclose(data.inputs[:, 0], points[:, 0] ** 2, rtol=1e-6)
    np.testing.assert_allclose(data.inputs[:, 2], np.sin(points[:, 1]), rtol=1e-6, atol=1e-7)
    # Saved and opened again, the inputs are still feature inputs: their names are the whole story.
    path = tmp_path / "features.nnet"
    save_document(document, path)
    again = load_document(path)
    assert [n.label for n in again.network.inputs()] == ["X1^2", "X2^2", "sin X2"]
    assert fit_dataset_to(load_dataset("circle:train"), again.network).n_inputs == 3


def test_a_payload_with_an_unknown_feature_is_refused():
    item = PaletteItem("feature", feature="X3")
    with pytest.raises(CanvasEditError, match="unknown feature 'X3'"):
        PaletteItem.from_json(item.to_json())
    same = PaletteItem("feature", feature="X1*X2")
    assert PaletteItem.from_json(same.to_json()) == same


def test_the_feature_entry_shows_the_chosen_feature_over_the_plane(palette_and_canvas):
    palette, _, _ = palette_and_canvas
    icon = palette.entries["feature"].icon
    choice = palette.feature
    choice.setCurrentIndex(choice.findText("X1"))
    x1 = icon.pixmap().toImage()
    # X1 runs from low (orange) on the left to high (blue) on the right.
    left, right = QColor(x1.pixel(6, 15)), QColor(x1.pixel(24, 15))
    assert left.red() > left.blue() and right.blue() > right.red()
    choice.setCurrentIndex(choice.findText("X2"))
    x2 = icon.pixmap().toImage()
    top, bottom = QColor(x2.pixel(15, 6)), QColor(x2.pixel(15, 24))
    assert top.blue() > top.red() and bottom.red() > bottom.blue()
