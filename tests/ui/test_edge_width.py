"""Thicker is stronger across the whole range of weights (walkthrough: the festival's weights 4, 2, 2 and 1 were
drawn equally thick, every width capped at a weight of 1, hiding that example's lesson)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF

from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.examples import load_example

from .canvas_fixtures import open_canvas, shown


def drawn_width(canvas, source: str, target: str) -> float:
    """How wide the line between two neurons looks halfway along it, in pixels, measured across the line."""
    image = shown(canvas)
    background = canvas.canvas_scene.scheme.background
    a, b = QPointF(canvas.view_position_of(source)), QPointF(canvas.view_position_of(target))
    middle = (a + b) / 2
    length = math.hypot(b.x() - a.x(), b.y() - a.y())
    normal = QPointF(-(b.y() - a.y()) / length, (b.x() - a.x()) / length)
    step = 0.25
    distances = []
    for k in range(-80, 81):
        p = middle + normal * (k * step)
        colour = image.pixelColor(QPoint(round(p.x()), round(p.y())))
        distances.append(
            sum(abs(x - y) for x, y in zip(colour.getRgb()[:3], background.getRgb()[:3], strict=True))
        )
    # Antialiased edges fade: each pixel counts by how far it is from the background, against the line's
    # core (so a fainter colour does not read as a thinner line).
    core = max(distances)
    return sum(distances) / core * step if core else 0.0


def parallel_lines(weights: list[float]) -> Document:
    neurons, edges, places = [], [], {}
    for k, weight in enumerate(weights):
        neurons += [Neuron(f"a{k}", Role.INPUT, "identity"), Neuron(f"o{k}", Role.OUTPUT, "tanh")]
        edges.append(Edge(f"a{k}>o{k}", f"a{k}", f"o{k}", weight))
        places[f"a{k}"], places[f"o{k}"] = (0.0, 90.0 * k), (400.0, 90.0 * k)
    return Document(Network.from_parts(neurons, edges), layout=Layout(places))


def test_the_festivals_weights_are_drawn_thicker_the_larger_they_are(qtbot):
    canvas, live = open_canvas(qtbot, load_example("festival"))
    weights = {e.source: e.weight for e in live.document.network.edges.values()}
    assert sorted(weights.values()) == [1.0, 2.0, 2.0, 4.0]
    width = {source: drawn_width(canvas, source, "o0") for source in weights}
    by_weight = sorted(width, key=lambda s: weights[s])
    one, two_a, two_b, four = (width[s] for s in by_weight)
    assert four > max(two_a, two_b) + 1.0, width
    assert min(two_a, two_b) > one + 0.5, width
    assert abs(two_a - two_b) < 1.0, width
    assert "thicker is stronger" in canvas.legend.accessibleDescription()


def test_widths_grow_with_the_weights_size_whatever_its_sign_up_to_a_maximum(qtbot):
    weights = [8.0, -4.0, 2.0, 0.5, 0.05]
    canvas, _ = open_canvas(qtbot, parallel_lines(weights), (700, 600))
    width = [drawn_width(canvas, f"a{k}", f"o{k}") for k in range(len(weights))]
    assert width[0] > width[1] > width[2] > width[3], width
    assert width[4] > 0.5, "the weakest line is still drawn"
    assert width[0] < 16, "the strongest line stays a line"


def test_weights_under_one_keep_their_widths_apart(qtbot):
    canvas, _ = open_canvas(qtbot, parallel_lines([1.0, 0.5, 0.1]), (700, 600))
    width = [drawn_width(canvas, f"a{k}", f"o{k}") for k in range(3)]
    assert width[0] > width[1] > width[2], width
