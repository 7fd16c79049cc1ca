"""Receptive fields in the studio, used as a person would: the View menu's switch draws each neuron's field inside
it (and takes them away), the fields follow a weight edit, and the gallery shows a layer's fields."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from nnstudio.app import create_main_window
from nnstudio.ui.instruments.receptive_gallery import ReceptiveGallery


def studio(qtbot, example: str):
    window = create_main_window(example=example)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def camera(qtbot):
    window = studio(qtbot, "four-pixel-camera")
    yield window
    for gallery in window.findChildren(ReceptiveGallery):
        gallery.close()
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()
    window.deleteLater()


def toggle(window) -> QAction:
    action = window.findChild(QAction, "receptiveFieldsAction")
    assert action is not None and action in window.view_menu.actions() and action.isCheckable()
    return action


def seen(window):
    QApplication.processEvents()
    return window.canvas.viewport().grab().toImage()


def pixel_tones(image, centre, reach: int = 4) -> set[str]:
    """What a small square around ``centre`` holds: 'white', 'black' or 'other' pixels."""
    tones = set()
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            c = image.pixelColor(centre.x() + dx, centre.y() + dy)
            if min(c.red(), c.green(), c.blue()) > 235:
                tones.add("white")
            elif max(c.red(), c.green(), c.blue()) < 20:
                tones.add("black")
            else:
                tones.add("other")
    return tones


def test_the_toggle_draws_each_neurons_field_inside_it_and_takes_it_away(camera):
    canvas = camera.canvas
    action = toggle(camera)
    network = camera.document.network
    after_inputs = [n for n in network.neurons if network.neurons[n].role.value != "input"]
    assert canvas.neuron_pictures == {}

    action.trigger()
    assert set(canvas.neuron_pictures) == set(after_inputs)
    # "dark left" (h3_3) is black on the left and white on the right, as its field says.
    item = canvas.canvas_scene.neuron_items["h3_3"]
    assert item.has_picture
    centre = canvas.view_position_of("h3_3")
    image = seen(camera)
    half = max(2, round(item.boundingRect().width() * canvas.transform().m11() / 12))
    left = image.pixelColor(centre.x() - half, centre.y())
    right = image.pixelColor(centre.x() + half, centre.y())
    assert max(left.red(), left.green(), left.blue()) < 30
    assert min(right.red(), right.green(), right.blue()) > 225

    action.trigger()
    assert canvas.neuron_pictures == {}
    assert not item.has_picture


def test_the_fields_follow_an_edit_of_a_weight(camera, qtbot):
    canvas = camera.canvas
    toggle(camera).trigger()
    before = canvas.neuron_pictures["h1_0"].cacheKey()
    edge = next(e for e in camera.document.network.edges if e.endswith(">h1_0"))
    camera.document.network.set_weights({edge: -1.0})
    qtbot.waitUntil(lambda: canvas.neuron_pictures["h1_0"].cacheKey() != before, timeout=3000)


def test_the_gallery_shows_a_layer_and_a_tile_selects_its_neuron(camera, qtbot):
    action = camera.findChild(QAction, "receptiveGalleryAction")
    assert action in camera.tools_menu.actions()
    action.trigger()
    gallery = camera.findChild(ReceptiveGallery, "receptiveGallery")
    qtbot.waitExposed(gallery)
    qtbot.waitUntil(lambda: not gallery.busy, timeout=30_000)
    first = camera.live.plan.levels[1].ids
    assert set(gallery.tiles) == set(first)
    assert all(not tile.icon().isNull() for tile in gallery.tiles.values())
    assert "sign of each weight" in gallery.message.text()
    gallery.show_level(gallery.layer_box.count() - 1)
    qtbot.waitUntil(lambda: not gallery.busy, timeout=30_000)
    assert set(gallery.tiles) == set(camera.live.plan.output_ids)
    assert "every black, grey and white image" in gallery.message.text()
    solid = gallery.tiles["o0"]
    qtbot.mouseClick(solid, Qt.MouseButton.LeftButton)
    assert camera.canvas.selected_neuron_ids() == ["o0"]


def test_a_digit_gallery_has_weight_pictures_and_the_strongest_images(qtbot):
    window = studio(qtbot, "digits")
    try:
        window.findChild(QAction, "receptiveGalleryAction").trigger()
        gallery = window.findChild(ReceptiveGallery, "receptiveGallery")
        qtbot.waitExposed(gallery)
        qtbot.waitUntil(lambda: not gallery.busy, timeout=30_000)
        assert len(gallery.tiles) == 16
        assert all(field.weights is not None for field in gallery.fields.values())
        assert all(len(rows) == 9 for rows in gallery.strongest.values())
        assert "green positive, red negative" in gallery.legend.text()
        icon = next(iter(gallery.tiles.values())).iconSize()
        assert icon.width() > 2.5 * icon.height()  # field, weights and the nine images side by side
    finally:
        for gallery in window.findChildren(ReceptiveGallery):
            gallery.close()
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.close()
        window.deleteLater()


def test_a_network_too_big_to_climb_draws_its_first_layer_and_says_so(qtbot, tmp_path):
    from nnstudio.document.builders import dense_network
    from nnstudio.document.fileformat import save_document
    from nnstudio.document.model import Document
    from nnstudio.ui.instruments.fields_in_neurons import MAX_CLIMBED

    network = dense_network([100, 6, MAX_CLIMBED + 1, 3], "tanh", seed=2, grid=(10, 10))
    path = tmp_path / "wide.nnet"
    save_document(Document(network, grid=(10, 10), value_range=(0.0, 1.0)), path)
    window = create_main_window(path)
    window.show()
    qtbot.waitExposed(window)
    try:
        toggle(window).trigger()
        scene = window.canvas.canvas_scene  # the six first-layer neurons carry their fields, no other does
        pictured = set(window.canvas.neuron_pictures)
        assert len(pictured) == 6
        assert all(scene.neuron_items[nid].has_picture for nid in pictured)
        assert "first layer only" in window.statusBar().currentMessage()
    finally:
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.close()
        window.deleteLater()


def test_the_fields_follow_the_window_to_another_network(camera):
    toggle(camera).trigger()
    assert camera.open_example("three-by-three-shapes")
    network = camera.document.network
    after_inputs = {n for n in network.neurons if network.neurons[n].role.value != "input"}
    assert set(camera.canvas.neuron_pictures) == after_inputs
    assert toggle(camera).isChecked()


def test_a_digit_gallery_fills_its_width_with_tiles(qtbot):
    """At the size it opens, the gallery puts as many tiles side by side as fit, not one long column."""
    window = studio(qtbot, "digits")
    window.resize(1366, 768)  # a laptop's screen: the gallery opens beside the canvas at half of it
    try:
        window.findChild(QAction, "receptiveGalleryAction").trigger()
        gallery = window.findChild(ReceptiveGallery, "receptiveGallery")
        qtbot.waitExposed(gallery)
        qtbot.waitUntil(lambda: not gallery.busy, timeout=30_000)
        assert gallery.windowTitle() == "Receptive Field Gallery"  # as the Tools menu calls it
        tiles = list(gallery.tiles.values())
        qtbot.waitUntil(lambda: all(t.isVisible() for t in tiles))
        first_row = [t for t in tiles if t.y() == tiles[0].y()]
        fits = gallery._scroll.viewport().width() // (tiles[0].width() + 8)
        assert fits >= 2
        assert len(first_row) == fits
        # Every tile gives its activation to the same three places (1.000, not 1 beside 0.964).
        assert all(re.fullmatch(r"activation -?\d+\.\d{3}", t.text().splitlines()[1]) for t in tiles)
        # Wider still: a third tile joins the row.
        gallery.resize(gallery.width() + tiles[0].width() + 16, gallery.height())
        qtbot.waitUntil(lambda: len([t for t in tiles if t.y() == tiles[0].y()]) > len(first_row))
    finally:
        for gallery in window.findChildren(ReceptiveGallery):
            gallery.close()
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.close()
        window.deleteLater()


def test_on_a_plane_network_the_toggle_draws_each_neurons_heat_map(qtbot):
    """Two inputs that are X1 and X2 are not a picture: a field of two pixels says nothing there, so each
    neuron shows its heat map over the plane, the same picture the Input Plane window puts in it."""
    window = studio(qtbot, "circle")
    try:
        action = toggle(window)
        action.trigger()
        pictures = window.canvas.neuron_pictures
        network = window.document.network
        hidden = [n for n in network.neurons if network.neurons[n].role.value == "hidden"]
        assert hidden and all(n in pictures for n in hidden)
        assert all(pictures[n].width() == pictures[n].height() > 8 for n in hidden)
        assert "Input Plane" in window.statusBar().currentMessage()
        action.trigger()
        assert window.canvas.neuron_pictures == {}
    finally:
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.close()
        window.deleteLater()


def test_two_inputs_that_are_not_the_plane_keep_their_fields(qtbot):
    """XOR's inputs A and B are two pixels, on or off: its neurons show their two-pixel fields, not maps."""
    window = studio(qtbot, "xor")
    try:
        toggle(window).trigger()
        pictures = window.canvas.neuron_pictures
        assert pictures and all(p.width() > p.height() for p in pictures.values())
        assert "plane" not in window.statusBar().currentMessage()
    finally:
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.close()
        window.deleteLater()


def test_a_gallery_of_inputs_that_are_no_image_says_which_cell_is_which(qtbot):
    """The festival's neuron reads four numbers, not an image: its field is a strip, and the legend says the
    strip's order; a white field keeps a dark frame so it shows on the light window."""
    window = studio(qtbot, "festival")
    try:
        window.findChild(QAction, "receptiveGalleryAction").trigger()
        gallery = window.findChild(ReceptiveGallery, "receptiveGallery")
        qtbot.waitExposed(gallery)
        qtbot.waitUntil(lambda: not gallery.busy, timeout=30_000)
        assert "a strip, left to right: weather, music, company, money." in gallery.legend.text()
        icon = gallery.tiles["o0"].icon().pixmap(gallery.tiles["o0"].iconSize()).toImage()
        corner, middle = icon.pixelColor(0, 0), icon.pixelColor(icon.width() // 2, icon.height() // 2)
        assert max(corner.red(), corner.green(), corner.blue()) < 100
        assert min(middle.red(), middle.green(), middle.blue()) > 240
    finally:
        for gallery in window.findChildren(ReceptiveGallery):
            gallery.close()
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.close()
        window.deleteLater()
