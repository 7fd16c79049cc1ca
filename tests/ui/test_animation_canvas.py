"""The animator and its bar on the real network canvas."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.ui.animation import AnimationBar
from nnstudio.ui.canvas import NetworkCanvas
from nnstudio.ui.live import LiveNetwork


def small_document() -> Document:
    rng = np.random.default_rng(4)
    pixels = [Neuron(f"p{k}", Role.INPUT) for k in range(4)]
    hidden = [Neuron(f"h{k}", Role.HIDDEN, "tanh") for k in range(2)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, "tanh", label=name) for k, name in enumerate(["light", "dark"])]
    edges = [
        Edge(edge_id(a.id, b.id), a.id, b.id, float(rng.uniform(-1, 1)))
        for upper, lower in ((pixels, hidden), (hidden, outputs))
        for a in upper
        for b in lower
    ]
    return Document(Network.from_parts(pixels + hidden + outputs, edges), grid=(2, 2))


def test_step_animates_on_the_canvas_and_changes_the_weights(qtbot):
    document = small_document()
    canvas = NetworkCanvas()
    bar = AnimationBar(canvas)
    qtbot.addWidget(canvas)
    qtbot.addWidget(bar)
    live = LiveNetwork(document)
    stack = QUndoStack()
    canvas.bind(live, stack)
    bar.bind(live, stack)
    canvas.resize(500, 400)
    canvas.show()
    live.set_input([1, 1, -1, -1])
    live.set_truth([1, 0])
    before = {e.id: e.weight for e in document.network.edges.values()}
    bar.speed_slider.setValue(99)
    with qtbot.waitSignal(bar.animator.finished, timeout=5_000):
        qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
        qtbot.wait(30)
        canvas.grab()  # paints mid-animation, with an override, pulses and labels in place
    assert stack.text(stack.count() - 1) == "Training step"
    assert {e.id: e.weight for e in document.network.edges.values()} != before
    image = canvas.grab().toImage()
    assert not image.isNull()
    canvas.close()
    live.detach()


def test_a_network_too_big_to_list_its_connections_lights_only_its_neurons(qtbot, monkeypatch):
    from nnstudio.document.builders import dense_network
    from nnstudio.document.model import Document
    from nnstudio.ui import animation as animation_module
    from nnstudio.ui.animation import Animator
    from nnstudio.ui.live import LiveNetwork

    monkeypatch.setattr(animation_module, "EDGE_PULSE_LIMIT", 100)
    live = LiveNetwork(Document(dense_network([6, 20, 4], "tanh", 0)))
    animator = Animator(canvas=None)  # no canvas: only the list of connections is asked for
    animator.live = live
    assert animator._incoming(["h1_0", "h1_1"]) == []
    monkeypatch.setattr(animation_module, "EDGE_PULSE_LIMIT", 10_000)
    assert len(animator._incoming(["h1_0", "h1_1"])) == 12
    live.detach()
