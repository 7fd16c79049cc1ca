"""Pictures inside neurons: drawn in each disc, enlarged while hovered, kept across edits, cleared by None."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage

from nnstudio.examples import load_example
from nnstudio.ui.canvas.items import body_half
from nnstudio.ui.canvas.neuron_pictures import CLOSE_UP_GAP_PX, CLOSE_UP_PX
from tests.ui.canvas_fixtures import close_open_canvases, hover_at, open_canvas, shown
from tests.ui.test_canvas_wide_layer import wide_document

PURE_RED = QColor(255, 0, 0)


@pytest.fixture(autouse=True)
def _close_canvases():
    yield
    close_open_canvases()


def solid(colour: QColor, side: int = 2) -> QImage:
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(colour)
    return image


def reddish(colour: QColor) -> bool:
    return colour.red() > 200 and colour.green() < 60 and colour.blue() < 60


def hidden_ids(canvas) -> list[str]:
    network = canvas.live.document.network
    return [nid for nid in canvas.canvas_scene.neuron_items if network.neurons[nid].role.value == "hidden"]


def test_a_picture_is_drawn_inside_its_neuron_and_none_takes_it_away(qtbot):
    canvas, _ = open_canvas(qtbot, load_example("four-pixel-camera"))
    first = hidden_ids(canvas)[0]
    centre = canvas.view_position_of(first)
    assert not reddish(shown(canvas).pixelColor(centre))

    canvas.set_neuron_pictures({first: solid(PURE_RED)})
    assert reddish(shown(canvas).pixelColor(centre))
    assert set(canvas.neuron_pictures) == {first}
    # The other neurons are drawn as before.
    other = canvas.view_position_of(hidden_ids(canvas)[1])
    assert not reddish(shown(canvas).pixelColor(other))

    canvas.set_neuron_pictures(None)
    assert not reddish(shown(canvas).pixelColor(centre))
    assert canvas.neuron_pictures == {}


def test_a_picture_keeps_its_pixels_crisp_in_the_disc(qtbot):
    canvas, _ = open_canvas(qtbot, load_example("four-pixel-camera"))
    first = hidden_ids(canvas)[0]
    image = QImage(2, 1, QImage.Format.Format_RGB32)
    image.setPixelColor(0, 0, QColor(0, 0, 255))
    image.setPixelColor(1, 0, QColor(255, 0, 0))
    canvas.set_neuron_pictures({first: image})
    seen = shown(canvas)
    centre = canvas.view_position_of(first)
    left, right = seen.pixelColor(centre + QPoint(-5, 0)), seen.pixelColor(centre + QPoint(5, 0))
    assert left.blue() > 200 and left.red() < 60
    assert reddish(right)


def close_up_centre(canvas, nid: str, side: str) -> QPoint:
    """Where the middle of a neuron's enlarged picture shows on ``side`` of it, in the view."""
    item = canvas.canvas_scene.neuron_items[nid]
    centre = canvas.view_position_of(nid)
    edge = round(body_half(item.role) * canvas.transform().m11())
    reach = int(edge + CLOSE_UP_GAP_PX + CLOSE_UP_PX / 2)
    return centre + {"left": QPoint(-reach, 0), "above": QPoint(0, -reach), "below": QPoint(0, reach)}[side]


def test_hovering_a_neuron_shows_its_picture_enlarged_beside_it(qtbot):
    canvas, _ = open_canvas(qtbot, load_example("four-pixel-camera"))
    first = hidden_ids(canvas)[0]
    canvas.set_neuron_pictures({first: solid(PURE_RED)})
    item = canvas.canvas_scene.neuron_items[first]
    left = close_up_centre(canvas, first, "left")
    assert not item.close_up_shown
    assert not reddish(shown(canvas).pixelColor(left))

    hover_at(canvas, canvas.view_position_of(first))
    assert item.close_up_shown
    # Left of the neuron: a tooltip opens below and to the right of the pointer.
    assert reddish(shown(canvas).pixelColor(left))

    hover_at(canvas, QPoint(2, 2))
    assert not item.close_up_shown
    assert not reddish(shown(canvas).pixelColor(left))


def test_the_same_images_again_repaint_nothing(qtbot):
    canvas, _ = open_canvas(qtbot, load_example("four-pixel-camera"))
    first = hidden_ids(canvas)[0]
    image = solid(PURE_RED)
    canvas.set_neuron_pictures({first: image})
    item = canvas.canvas_scene.neuron_items[first]
    pixmap = item._picture
    canvas.set_neuron_pictures({first: image})
    assert item._picture is pixmap


def test_pictures_stay_through_an_edit_of_the_network_and_go_with_another_document(qtbot):
    canvas, live = open_canvas(qtbot, load_example("four-pixel-camera"))
    first = hidden_ids(canvas)[0]
    canvas.set_neuron_pictures({first: solid(PURE_RED)})
    canvas.refresh()  # what a structural edit does: the scene is rebuilt
    assert canvas.canvas_scene.neuron_items[first].has_picture
    assert reddish(shown(canvas).pixelColor(canvas.view_position_of(first)))

    from PySide6.QtGui import QUndoStack

    from nnstudio.ui.live import LiveNetwork

    other = LiveNetwork(load_example("four-pixel-camera"))
    stack = QUndoStack()
    canvas.bind(other, stack)
    canvas._test_refs = (other, stack)
    assert canvas.neuron_pictures == {}
    assert not canvas.canvas_scene.neuron_items[first].has_picture


def test_a_neuron_of_a_wide_layer_draws_its_picture_too(qtbot):
    canvas, _ = open_canvas(qtbot, wide_document(), size=(900, 900))
    assert canvas.canvas_scene.sheets
    canvas.set_neuron_pictures({"h5": solid(PURE_RED, 8)})
    assert canvas.canvas_scene.neuron_items["h5"].draws_itself()
    assert not canvas.canvas_scene.neuron_items["h6"].draws_itself()
    assert canvas.transform().m11() > 0.3  # the disc is big enough on screen to see its picture
    assert reddish(shown(canvas).pixelColor(canvas.view_position_of("h5")))


def test_two_sources_each_show_and_take_away_their_own(qtbot):
    canvas, _ = open_canvas(qtbot, load_example("four-pixel-camera"))
    first, second = hidden_ids(canvas)[:2]
    blue = solid(QColor(0, 0, 255))
    canvas.set_neuron_pictures({first: solid(PURE_RED), second: solid(PURE_RED)}, source="fields")
    canvas.set_neuron_pictures({first: blue})  # another view's picture, on top where it has one
    assert canvas.neuron_pictures[first].cacheKey() == blue.cacheKey()
    assert reddish(shown(canvas).pixelColor(canvas.view_position_of(second)))
    # The first source updating its pictures stays underneath.
    canvas.set_neuron_pictures({first: solid(PURE_RED)}, source="fields")
    assert canvas.neuron_pictures[first].cacheKey() == blue.cacheKey()
    canvas.set_neuron_pictures(None)  # the other view closes: the fields show again
    assert reddish(shown(canvas).pixelColor(canvas.view_position_of(first)))
    canvas.set_neuron_pictures(None, source="fields")
    assert canvas.neuron_pictures == {}


def test_the_close_up_stays_on_the_screen_near_its_edges(qtbot):
    canvas, _ = open_canvas(qtbot, load_example("four-pixel-camera"))
    first = hidden_ids(canvas)[0]
    canvas.set_neuron_pictures({first: solid(PURE_RED)})
    item = canvas.canvas_scene.neuron_items[first]
    # Scroll so the neuron sits near the left edge of the view, low enough for room above it.
    centre = canvas.view_position_of(first)
    scale = canvas.transform().m11()
    canvas.translate(-(centre.x() - 40) / scale, (300 - centre.y()) / scale)
    hover_at(canvas, canvas.view_position_of(first))
    assert item.close_up_shown
    assert reddish(shown(canvas).pixelColor(close_up_centre(canvas, first, "above")))
    # Now near the top-left corner: no room on the left or above, so below.
    hover_at(canvas, QPoint(2, 2))
    canvas.translate(0, -(300 - 40) / scale)
    hover_at(canvas, canvas.view_position_of(first))
    assert item.close_up_shown
    assert reddish(shown(canvas).pixelColor(close_up_centre(canvas, first, "below")))
