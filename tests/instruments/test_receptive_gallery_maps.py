"""The Receptive Field Gallery on the convolutional digit reader, used as a newcomer would: Tools > Receptive
Field Gallery shows a tile per feature map (16 kernels, not 9,216 neurons), each with what it looks for in
the few input pixels it sees and the digits that excite it most; a search that finds nothing says so in
words; the dense layers after keep their own tiles."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from nnstudio.app import create_main_window
from nnstudio.ui.instruments.receptive_gallery import ReceptiveGallery


@pytest.fixture(scope="module")
def convnet():
    window = create_main_window(example="digits-convnet")
    window.resize(1366, 768)
    window.show()
    QApplication.processEvents()
    window.findChild(QAction, "receptiveGalleryAction").trigger()
    gallery = window.findChild(ReceptiveGallery, "receptiveGallery")
    QApplication.processEvents()
    yield window, gallery
    gallery.close()
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()
    window.deleteLater()


def show_level(gallery, qtbot, index: int) -> None:
    """Choose a layer and wait for its fields: a layer that takes long is worked out while the window waits."""
    gallery.show_level(index)
    qtbot.waitUntil(lambda: not gallery.busy, timeout=60_000)


def tile_texts(gallery) -> list[str]:
    return [tile.text() for tile in gallery.tiles.values()]


def test_the_first_conv_layer_shows_one_tile_per_kernel(convnet, qtbot):
    window, gallery = convnet
    show_level(gallery, qtbot, 0)
    assert "16 feature maps" in gallery.layer_box.currentText()
    assert "5x5" in gallery.layer_box.currentText()
    assert len(gallery.tiles) == 16
    texts = tile_texts(gallery)
    assert all(text.startswith(f"conv1 map {k + 1}\n") for k, text in enumerate(texts)), texts
    assert not any("activation 0.000" in text for text in texts)
    assert "kernel" in gallery.legend.text() and "5x5" in gallery.legend.text()
    # The digits beside each tile are those that excite that map, not the same nine everywhere.
    shown = {tuple(rows.tolist()) for rows in gallery.strongest.values() if len(rows)}
    assert len(shown) > 3
    assert all(not tile.icon().isNull() for tile in gallery.tiles.values())


def test_a_deeper_conv_layer_shows_its_maps_and_says_which_were_not_found(convnet, qtbot):
    window, gallery = convnet
    index = next(k for k in range(gallery.layer_box.count()) if "conv2" in gallery.layer_box.itemText(k))
    show_level(gallery, qtbot, index)
    assert len(gallery.tiles) == 32
    texts = tile_texts(gallery)
    assert not any("activation 0.000" in text for text in texts)
    assert "14x14" in gallery.legend.text()
    unfound = [t for t in texts if "no preferred input found" in t or "off for every" in t]
    found = [t for t in texts if t not in unfound]
    assert found, texts


def test_the_outputs_after_the_maps_are_climbed_and_a_tile_selects_its_neuron(convnet, qtbot):
    window, gallery = convnet
    show_level(gallery, qtbot, gallery.layer_box.count() - 1)
    assert set(gallery.tiles) == set(window.live.plan.output_ids)
    assert all(field.found for field in gallery.fields.values())
    assert all(len(rows) == 9 for rows in gallery.strongest.values())
    qtbot.mouseClick(gallery.tiles["o3"], Qt.MouseButton.LeftButton)
    assert window.canvas.selected_neuron_ids() == ["o3"]


def test_tiles_with_different_pictures_sit_in_an_even_grid(convnet, qtbot):
    """A map that excites no digit has one picture where its neighbours have three: every tile still takes
    one cell of the same size, so the columns line up with equal gaps."""
    window, gallery = convnet
    index = next(k for k in range(gallery.layer_box.count()) if "pool1" in gallery.layer_box.itemText(k))
    show_level(gallery, qtbot, index)
    tiles = list(gallery.tiles.values())
    qtbot.waitUntil(lambda: all(t.isVisible() for t in tiles))
    assert len({t.iconSize().width() for t in tiles}) > 1  # the pictures do differ
    assert len({(t.width(), t.height()) for t in tiles}) == 1
    for places in ({t.x() for t in tiles}, {t.y() for t in tiles}):
        places = sorted(places)
        assert len(places) >= 2
        assert len(set(np.diff(places).tolist())) == 1, places
