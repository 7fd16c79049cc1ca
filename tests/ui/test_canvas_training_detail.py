"""While training runs, a big network's canvas draws only the strongest connections of each layer (and says
so); when training stops, and for small networks always, it draws every connection."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtWidgets import QLabel

from nnstudio.document.builders import dense_network
from nnstudio.document.model import Document
from nnstudio.ui.canvas import SCHEMES, NetworkCanvas
from nnstudio.ui.canvas.detail_caption import STRONGEST_ONLY_CAPTION
from nnstudio.ui.canvas.edges import FULL_DETAIL_BELOW, STRONGEST_SHARE
from nnstudio.ui.live import LiveNetwork

from .canvas_fixtures import open_canvas, shown


def digits_document() -> Document:
    network = dense_network(
        [784, 16, 16, 10], ["sigmoid"] * 3, seed=0, grid=(28, 28), output_labels=[str(k) for k in range(10)]
    )
    return Document(network, grid=(28, 28), value_range=(0.0, 1.0))


def small_document() -> Document:
    """40-30-10: 1,500 edges, below the size that is thinned while training."""
    return Document(dense_network([40, 30, 10], ["sigmoid"] * 2, seed=0), value_range=(0.0, 1.0))


@pytest.fixture
def canvas_for(qtbot):
    def make(document: Document) -> tuple[NetworkCanvas, LiveNetwork]:
        canvas, live = open_canvas(qtbot, document, (1200, 800))
        return canvas, live

    return make


def edge_pixels(canvas: NetworkCanvas) -> int:
    """Pixels of the band between the image grid and the first hidden layer that are not background."""
    image = shown(canvas).convertToFormat(QImage.Format.Format_RGB32)
    scene = canvas.canvas_scene
    left = canvas.mapFromScene(scene.grid_item.sceneBoundingRect().topRight()).x() + 4
    right = canvas.view_position_of("h1_0").x() - 20
    band = QRect(left, 0, right - left, image.height())
    assert band.width() > 50
    view = np.frombuffer(image.constBits(), dtype=np.uint32).reshape(image.height(), -1)
    part = view[band.top() : band.bottom() + 1, band.left() : band.right() + 1]
    background = SCHEMES["classic"].background.rgb() & 0xFFFFFFFF
    return int(np.count_nonzero(part != background))


def caption(canvas: NetworkCanvas) -> QLabel:
    label = canvas.findChild(QLabel, "canvasDetailCaption")
    assert label is not None and label.accessibleName()
    return label


def test_training_draws_only_the_strongest_edges_and_says_so(canvas_for):
    canvas, live = canvas_for(digits_document())
    edges = canvas.canvas_scene.edges
    full_pixels = edge_pixels(canvas)
    full_lines = canvas.canvas_scene.edge_layer.lines_drawn
    assert full_lines > 10_000 and canvas.detail_caption == ""
    assert caption(canvas).isHidden()

    live.set_locked(True)
    thin_pixels = edge_pixels(canvas)
    thin_lines = canvas.canvas_scene.edge_layer.lines_drawn
    assert thin_lines == edges.drawn_count < full_lines / 4
    # Where thousands of lines cross, fewer lines still cover much of the band, but never more of it.
    assert thin_pixels < full_pixels
    assert canvas.detail_caption == STRONGEST_ONLY_CAPTION
    label = caption(canvas)
    assert label.isVisible() and canvas.viewport().geometry().contains(label.geometry())

    # The input layer keeps its strongest share, and they are the strongest: every edge left out is weaker.
    drawn = np.zeros(edges.count, dtype=bool)
    drawn[edges.drawn()] = True
    first = edges.group == edges.group[edges.index["i0>h1_0"]]
    magnitude = np.abs(edges.weight)
    assert drawn[first].sum() <= math.ceil(STRONGEST_SHARE * first.sum())
    assert magnitude[first & drawn].min() >= magnitude[first & ~drawn].max()


def test_new_weights_while_training_choose_the_strongest_anew(canvas_for):
    canvas, live = canvas_for(digits_document())
    edges = canvas.canvas_scene.edges
    live.set_locked(True)
    shown(canvas)
    weakest = int(np.argmin(np.abs(edges.weight)))
    assert weakest not in set(edges.drawn().tolist())
    live.document.network.set_parameters({edges.ids[weakest]: 5.0}, {})
    shown(canvas)
    assert weakest in set(edges.drawn().tolist())
    assert canvas.canvas_scene.edge_layer.lines_drawn == edges.drawn_count


def test_training_stops_and_every_edge_returns(canvas_for):
    canvas, live = canvas_for(digits_document())
    layer = canvas.canvas_scene.edge_layer
    full_pixels, full_lines = edge_pixels(canvas), layer.lines_drawn
    live.set_locked(True)
    assert edge_pixels(canvas) < full_pixels and layer.lines_drawn < full_lines
    live.set_locked(False)
    assert edge_pixels(canvas) == full_pixels
    assert layer.lines_drawn == full_lines
    assert canvas.detail_caption == "" and caption(canvas).isHidden()


def test_a_small_network_shows_every_edge_while_training(canvas_for):
    canvas, live = canvas_for(small_document())
    edges = canvas.canvas_scene.edges
    assert 300 < edges.count < FULL_DETAIL_BELOW
    before = shown(canvas)
    lines = canvas.canvas_scene.edge_layer.lines_drawn
    live.set_locked(True)
    assert shown(canvas) == before
    assert canvas.canvas_scene.edge_layer.lines_drawn == lines
    assert canvas.detail_caption == "" and caption(canvas).isHidden()


def test_a_picture_exported_while_training_has_every_edge(canvas_for):
    canvas, live = canvas_for(digits_document())
    exported = canvas.render_to_image(scale=0.25)
    live.set_locked(True)
    assert canvas.detail_caption
    assert canvas.render_to_image(scale=0.25) == exported


def test_opening_a_document_while_locked_follows_its_lock(canvas_for):
    canvas, live = canvas_for(digits_document())
    live.set_locked(True)
    assert canvas.detail_caption
    other = LiveNetwork(digits_document())
    canvas.bind(other, QUndoStack())
    assert canvas.detail_caption == ""
    assert not canvas.canvas_scene.strongest_only
    shown(canvas)
    assert canvas.canvas_scene.edge_layer.lines_drawn > 10_000
    other.set_locked(True)
    assert canvas.detail_caption == STRONGEST_ONLY_CAPTION
    live.set_locked(False)  # the old document no longer reaches this canvas
    assert canvas.detail_caption == STRONGEST_ONLY_CAPTION
