"""Every neuron on the canvas shows the weighted sum and activation the network computes for the input."""

from __future__ import annotations

import numpy as np

from nnstudio.engine.graph import Edge, Neuron, Role
from nnstudio.examples import load_example

from .canvas_fixtures import open_canvas


def shown_values(canvas) -> dict[str, tuple[float | None, float | None]]:
    return {nid: (item.total, item.value) for nid, item in canvas.canvas_scene.neuron_items.items()}


def computed_values(canvas, live) -> dict[str, tuple[float, float]]:
    values = live.values()
    return {nid: values[nid] for nid in canvas.canvas_scene.neuron_items}


def test_neurons_show_the_values_for_each_new_input_and_after_a_neuron_is_added(qtbot):
    canvas, live = open_canvas(qtbot, load_example("four-pixel-camera"))
    for pixels in ([1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0], [0.25, 0.5, 0.75, 1.0]):
        live.set_input(np.array(pixels, dtype=np.float32))
        canvas.grab()
        assert shown_values(canvas) == computed_values(canvas, live)
    network = live.document.network
    source = next(n.id for n in network.neurons.values() if n.role is Role.HIDDEN)
    live.document.layout.place({"extra": (900.0, 0.0)})
    network.add_neurons(
        [Neuron("extra", Role.OUTPUT, "sigmoid")],
        [Edge(f"{source}>extra", source, "extra", 0.5)],
    )
    live.set_input(np.array([1.0, 1.0, 0.0, 0.0], dtype=np.float32))
    canvas.grab()
    shown = shown_values(canvas)
    assert "extra" in shown and shown == computed_values(canvas, live)


def test_a_digits_canvas_shows_every_hidden_and_output_neurons_values(qtbot):
    canvas, live = open_canvas(qtbot, load_example("digits"))
    live.set_input(np.linspace(0.0, 1.0, live.plan.n_inputs, dtype=np.float32))
    canvas.grab()
    assert shown_values(canvas) == computed_values(canvas, live)
