"""Zoomed out so far that the canvas leaves neuron names out (the convolutional digits network fitted to a
laptop's canvas), the outputs still say which digit each is: their names are fanned out in a readable
column beside the outputs, each joined to its ring by a thin line, clear of the connections' tangle."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from nnstudio.examples import load_example

from .canvas_fixtures import close_open_canvases, open_canvas, shown


def test_the_convnets_outputs_are_named_0_to_9_when_zoomed_out(qtbot):
    canvas, live = open_canvas(qtbot, load_example("digits-convnet"), (700, 600))
    canvas.fit_all()
    assert not canvas.canvas_scene.names_shown  # too far out for every other name
    plates = canvas.output_name_plates()
    assert [p.text for p in plates] == [str(k) for k in range(10)]
    seen = canvas.viewport().rect()
    for plate, below in zip(plates, plates[1:], strict=False):
        assert plate.rect.bottom() <= below.rect.top(), "plates overlap"
    for plate in plates:
        assert seen.contains(plate.rect.toAlignedRect()), plate
        assert plate.rect.height() >= 12  # a readable size on screen
        assert plate.rect.left() > plate.ring.x()  # right of its output, beyond the connections
    # Drawn: the plates' light background shows where each plate is.
    image = shown(canvas)
    beside_text = plates[0].rect.topLeft().toPoint() + QPoint(2, round(plates[0].rect.height() / 2))
    assert image.pixelColor(beside_text).lightness() > 180
    close_open_canvases()


def test_outputs_with_names_of_their_own_get_no_fanned_names(qtbot):
    canvas, live = open_canvas(qtbot, load_example("four-pixel-camera"), (900, 700))
    assert canvas.canvas_scene.names_shown
    assert canvas.output_name_plates() == []
    close_open_canvases()
