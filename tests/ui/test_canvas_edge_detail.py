"""Zoomed in far enough, the canvas draws every connection that crosses the view, whatever the network's
shape: here a deep network whose first layer pair is big (worked out on its own) and whose twelve small
layer pairs are worked out together, with the picture's image grid, hidden layers and outputs in view."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from nnstudio.document.builders import dense_network
from nnstudio.document.model import Document
from nnstudio.ui.canvas import NetworkCanvas
from nnstudio.ui.canvas.edge_detail import VIEW_MARGIN

from .canvas_fixtures import open_canvas, shown


def visible_rect(canvas: NetworkCanvas) -> QRectF:
    return canvas.mapToScene(canvas.viewport().rect()).boundingRect()


def crossing_the_view(canvas: NetworkCanvas, margin: float = 0.0) -> set[int]:
    """The connections whose drawn line passes through the view (grown by ``margin`` of its size on each
    side), worked out here by walking along each line in small steps; of those, the ones a big picture keeps
    (the faintest are left out of every one)."""
    edges = canvas.canvas_scene.edges
    view = visible_rect(canvas)
    grow = margin * max(view.width(), view.height())
    view = view.adjusted(-grow, -grow, grow, grow)
    along = np.linspace(0.0, 1.0, 200)[:, None]
    xs = edges.x1 + along * (edges.x2 - edges.x1)
    ys = edges.y1 + along * (edges.y2 - edges.y1)
    meets = ((xs >= view.left()) & (xs <= view.right()) & (ys >= view.top()) & (ys <= view.bottom())).any(
        axis=0
    )
    return set(np.flatnonzero(meets & (edges.bucket >= 4)).tolist())


@pytest.fixture
def deep_canvas(qtbot):
    network = dense_network([784, 24, *[40] * 12, 10], "relu", seed=2, grid=(28, 28))
    document = Document(network, grid=(28, 28), value_range=(0.0, 1.0))
    canvas, _live = open_canvas(qtbot, document, size=(1000, 700))
    shown(canvas)
    return canvas


@pytest.mark.parametrize("spot", ["h1_12", "h7_20", "o4"])
def test_zooming_in_on_a_deep_network_ends_with_every_connection_in_view_drawn(deep_canvas, spot):
    canvas = deep_canvas
    edges = canvas.canvas_scene.edges
    assert edges.count == 784 * 24 + 24 * 40 + 11 * 40 * 40 + 40 * 10
    # The whole network is too much to draw: the canvas says it shows some of them.
    assert canvas.detail_caption.startswith(f"Showing {edges.drawn_count:,} of {edges.count:,} connections")
    for _ in range(8):
        canvas.zoom_by(2.0, canvas.view_position_of(spot))
        shown(canvas)
        if canvas.detail_caption == "":
            break
    assert canvas.detail_caption == ""
    crossing = crossing_the_view(canvas)
    assert len(crossing) > 50
    drawn = set(edges.drawn().tolist())
    assert crossing <= drawn
    # And no more than that: a line drawn passes through the view or near it (the choice covers a little
    # more, so that a small pan keeps it), give or take a step of the walk along each line.
    near = crossing_the_view(canvas, margin=VIEW_MARGIN * 1.02)
    assert len(drawn - near) <= 0.01 * len(drawn)
