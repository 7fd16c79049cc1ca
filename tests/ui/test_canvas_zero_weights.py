"""A big network whose weights are all equal (every one 0, say) still paints: every edge is in the faintest
bucket, which a big overview leaves out, so nothing is drawn, and that is not an error."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from nnstudio.examples import load_example
from nnstudio.ui.canvas.edges import EdgeModel
from nnstudio.ui.commands import SetWeights

from .canvas_fixtures import open_canvas


def digits_with_every_weight(value: float):
    document = load_example("digits")
    document.network.set_weights({edge_id: value for edge_id in document.network.edges})
    return document


@pytest.mark.parametrize("value", [0.0, 0.25, -1.0])
def test_digits_with_all_equal_weights_opens_and_paints(qtbot, value):
    canvas, _live = open_canvas(qtbot, digits_with_every_weight(value))
    picture = canvas.grab()
    assert not picture.isNull() and picture.width() == canvas.width()
    layer = canvas.canvas_scene.edge_layer
    assert layer.model.count == 12960
    # Equal weights of any size other than 0 are all "strongest" in their layer; 0 is no signal at all.
    assert (layer.lines_drawn > 0) == (value != 0.0)


def test_setting_every_weight_to_zero_in_an_open_canvas_repaints(qtbot):
    canvas, live = open_canvas(qtbot, load_example("digits"))
    canvas.grab()
    before = canvas.canvas_scene.edge_layer.lines_drawn
    assert before > 0
    stack: QUndoStack = canvas._test_refs[1]
    network = live.document.network
    stack.push(SetWeights(network, dict.fromkeys(network.edges, 0.0)))
    picture = canvas.grab()
    assert not picture.isNull()
    assert canvas.canvas_scene.edge_layer.lines_drawn == 0  # every connection is "no signal"
    stack.undo()
    canvas.grab()
    assert canvas.canvas_scene.edge_layer.lines_drawn == before


def test_no_edge_drawn_gives_no_batches():
    model = EdgeModel()
    assert model._batches(model.drawn()) == []
