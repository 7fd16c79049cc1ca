"""A weight of exactly 0 passes nothing (L1 regularisation leaves weights dead at 0): the canvas draws it
as a thin dotted grey line, told apart from the weakest live weight, and the legend says so."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role

from .canvas_fixtures import open_canvas, shown


def two_lines() -> Document:
    neurons = [
        Neuron("a", Role.INPUT, "identity"),
        Neuron("b", Role.INPUT, "identity"),
        Neuron("o", Role.OUTPUT, "tanh"),
        Neuron("p", Role.OUTPUT, "tanh"),
    ]
    layout = Layout({"a": (0.0, 0.0), "b": (0.0, 200.0), "o": (400.0, 100.0), "p": (400.0, 300.0)})
    edges = [Edge("a>o", "a", "o", 0.0), Edge("b>p", "b", "p", 0.05)]
    return Document(Network.from_parts(neurons, edges), layout=layout)


def along(canvas, source: str, target: str) -> list[tuple[int, int, int]]:
    """The colours on the middle third of the straight line between two neurons."""
    image = shown(canvas)
    a, b = canvas.view_position_of(source), canvas.view_position_of(target)
    points = [a + (b - a) * (k / 60) for k in range(20, 41)]
    return [image.pixelColor(QPoint(p.x(), p.y())).getRgb()[:3] for p in points]


def test_a_dead_weight_is_dotted_and_a_weak_live_one_is_solid(qtbot):
    canvas, _ = open_canvas(qtbot, two_lines())
    background = canvas.canvas_scene.scheme.background.getRgb()[:3]
    dead = along(canvas, "a", "o")
    assert any(c == background for c in dead), "gaps between the dots"
    assert any(c != background for c in dead), "the dots"
    live = along(canvas, "b", "p")
    assert all(c != background for c in live), "a weak live weight is still a solid line"
    assert "dotted is 0" in canvas.legend.accessibleDescription() or any(
        "dotted is 0" in line for line in canvas.legend.plain_lines()
    )
