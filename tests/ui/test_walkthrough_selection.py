"""A selected connection stands out clearly, and the four connections of a 2x2 image to one neuron are four
lines, not two: each pixel's line leaves the image at a point of its own."""

from __future__ import annotations

from PySide6.QtCore import Qt

from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role

from .canvas_fixtures import close_open_canvases, open_canvas, shown


def image_to_one_neuron() -> Document:
    """The first challenge's network: a 2x2 image, every pixel wired to one output."""
    neurons = [Neuron(f"p{k}", Role.INPUT, "identity") for k in range(4)]
    neurons.append(Neuron("o", Role.OUTPUT, "tanh", label="vertical line"))
    layout = Layout({f"p{k}": ((k % 2) * 40.0, (k // 2) * 40.0) for k in range(4)})
    layout.place({"o": (420.0, 20.0)})
    edges = [Edge(f"p{k}>o", f"p{k}", "o", 1.0) for k in range(4)]
    return Document(Network.from_parts(neurons, edges), grid=(2, 2), value_range=(-1.0, 1.0), layout=layout)


def test_the_four_lines_of_a_2x2_image_leave_it_apart(qtbot):
    canvas, live = open_canvas(qtbot, image_to_one_neuron(), (440, 480))
    starts = [canvas.view_position_of_edge(f"p{k}>o", 0.0) for k in range(4)]
    ys = sorted(p.y() for p in starts)
    assert min(b - a for a, b in zip(ys, ys[1:], strict=False)) >= 4, ys
    close_open_canvases()


def test_a_clicked_connection_gets_a_wide_selection_band(qtbot):
    canvas, live = open_canvas(qtbot, image_to_one_neuron(), (440, 480))
    at = canvas.view_position_of_edge("p1>o", 0.6)
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert canvas.selected_edge_ids() == ["p1>o"]
    image = shown(canvas)
    band = 0
    for dy in range(-15, 16):
        colour = image.pixelColor(at.x(), at.y() + dy)
        # The band's colour, mixed into the background by its transparency: blue clearly above red.
        if colour.blue() - colour.red() > 60:
            band += 1
    assert band >= 7, band
    close_open_canvases()
