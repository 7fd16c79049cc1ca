"""Double-clicking palette entries one after another puts each new neuron where it is seen, in its role's
column, and never on top of another: inputs on the left, outputs on the right."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt

from nnstudio.document.model import Document
from nnstudio.engine.graph import Network, Role
from nnstudio.ui.canvas import NeuronPalette
from nnstudio.ui.canvas.items import NEURON_RADIUS

from .canvas_fixtures import close_open_canvases, open_canvas


def test_input_input_output_by_double_click_land_apart_in_their_columns(qtbot):
    canvas, live = open_canvas(qtbot, Document(Network()), (700, 500))
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.attach_canvas(canvas)
    palette.show()
    for kind in ("input", "input", "output", "hidden", "hidden"):
        qtbot.mouseDClick(palette.entries[kind], Qt.MouseButton.LeftButton)
    document = live.document
    network = document.network
    assert len(network.neurons) == 5
    where = {n.id: document.layout[n.id] for n in network.neurons.values()}
    for (a, pa), (b, pb) in itertools.combinations(where.items(), 2):
        assert abs(pa[0] - pb[0]) > 2 * NEURON_RADIUS or abs(pa[1] - pb[1]) > 2 * NEURON_RADIUS, (a, b, where)
    inputs = [where[n.id] for n in network.inputs()]
    hidden = [where[n.id] for n in network.neurons.values() if n.role is Role.HIDDEN]
    (output,) = [where[n.id] for n in network.outputs()]
    assert inputs[0][0] == inputs[1][0] and hidden[0][0] == hidden[1][0]  # one column each
    assert max(x for x, _ in inputs) < min(x for x, _ in hidden) < output[0]
    seen = canvas.viewport().rect()
    for x, y in where.values():
        assert seen.contains(canvas.mapFromScene(x, y)), (x, y)
    close_open_canvases()


def test_a_new_input_goes_under_the_inputs_already_there(qtbot):
    canvas, live = open_canvas(qtbot, Document(Network()), (700, 500))
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.attach_canvas(canvas)
    palette.show()
    qtbot.mouseDClick(palette.entries["input"], Qt.MouseButton.LeftButton)
    first = live.document.network.inputs()[0].id
    # The person drags it somewhere else; the next input joins it there.
    live.document.layout.move({first: (40.0, 60.0)})
    palette.entries["input"].setFocus()
    qtbot.keyClick(palette.entries["input"], Qt.Key.Key_Return)
    second = live.document.network.inputs()[1].id
    x, y = live.document.layout[second]
    assert x == 40.0 and y > 60.0 + 2 * NEURON_RADIUS
    close_open_canvases()
