"""The canvas legend follows the network's value ranges: a network whose neurons never go below 0 (sigmoid,
ReLU) is not told "black -1", and inputs shaded from 0 say so in the first line, where the colours are."""

from __future__ import annotations

from nnstudio.examples import load_example

from .test_canvas_first_minutes import open_shown


def first_line(canvas) -> str:  # noqa: ANN001 - NetworkCanvas
    return canvas.legend.plain_lines()[0]


def test_a_sigmoid_network_with_inputs_from_0_says_black_is_0(qtbot):
    canvas, live = open_shown(qtbot, load_example("digits"))
    line = first_line(canvas)
    assert "-1" not in line and "grey 0" in line and "white 1" in line, line
    assert "Inputs: black at 0, white at 1" in line, line
    assert "-1" not in canvas.legend.text().split("<br>")[0]


def test_a_network_with_tanh_neurons_keeps_the_signed_scale_and_names_its_inputs(qtbot):
    canvas, live = open_shown(qtbot, load_example("xor"))  # tanh hidden, sigmoid out, inputs 0..1
    line = first_line(canvas)
    assert "black -1, grey 0, white +1" in line and "Inputs: black at 0, white at 1" in line, line


def test_the_camera_keeps_its_legend(qtbot):
    canvas, live = open_shown(qtbot, load_example("four-pixel-camera"))
    assert first_line(canvas) == "Neuron values: black -1, grey 0, white +1."
