"""A connection between two neurons that share a label must not read like a self-loop: the inspector and
the Error Landscape's axis tell its two ends apart."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.inspector import Inspector
from nnstudio.ui.instruments import connection_ends
from nnstudio.ui.instruments.landscape_view import LandscapeWindow
from nnstudio.ui.live import LiveNetwork

from .canvas_fixtures import close_open_canvases, open_canvas


def twin_labels() -> Network:
    neurons = [
        Neuron("i", Role.INPUT, "identity", label="all light"),
        Neuron("h1", Role.HIDDEN, "tanh", label="all light"),
        Neuron("h2", Role.HIDDEN, "tanh", label="all light"),
        Neuron("o", Role.OUTPUT, "tanh", label="all light"),
    ]
    edges = [Edge("i>h1", "i", "h1", 1.0), Edge("h1>h2", "h1", "h2", 1.0), Edge("h2>o", "h2", "o", 1.0)]
    return Network.from_parts(neurons, edges)


def test_the_inspector_names_both_ends_of_a_connection_between_twins(qtbot):
    document = Document(twin_labels(), title="twins")
    live = LiveNetwork(document)
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.bind(live, QUndoStack())
    inspector.show_selection([], ["i>h1"])
    assert inspector.edge_ends.text() == "from input all light to hidden all light"
    inspector.show_selection([], ["h1>h2"])  # same role too: the ids tell them apart
    assert inspector.edge_ends.text() == "from all light (h1) to all light (h2)"
    live.detach()


def test_distinct_labels_stay_as_they_are_and_the_landscape_axis_uses_the_same_names():
    network = twin_labels()
    assert connection_ends(network, network.edges["h2>o"], None) == ("hidden all light", "output all light")
    assert LandscapeWindow._name_of("h2>o", network) == "weight hidden all light → output all light"
    network.neurons["o"].label = "solid"
    assert connection_ends(network, network.edges["h2>o"], None) == ("all light", "solid")


def test_hovering_and_connecting_name_twin_ends_apart(qtbot):
    network = twin_labels()
    canvas, live = open_canvas(qtbot, Document(network, title="twins"))
    seen: list[str] = []
    canvas.statusMessage.connect(seen.append)
    canvas.hover.update(canvas.view_position_of_edge("h2>o", 0.5))
    assert seen[-1] == "weight 1.00 (hidden all light \u2192 output all light)"
    canvas.edit_actions.connect(["i"], "o")
    assert seen[-1].startswith("Connected input all light -> output all light")
    editor = canvas.edit_value("h2>o")
    assert editor.accessibleName() == "Weight of hidden all light to output all light"
    close_open_canvases()
