"""Select All on a big network answers at once: its connections go with the neurons instead of being
listed one by one (784-1024-1024-10 took 25 s to list its 1.86 million), and Delete still takes them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from nnstudio.document.builders import dense_network
from nnstudio.document.model import Document
from nnstudio.ui.canvas.view import SELECT_EACH_CONNECTION_UP_TO

from .canvas_fixtures import open_canvas


def test_select_all_in_a_big_network_selects_the_neurons_and_says_the_connections_go_with_them(qtbot):
    document = Document(dense_network([784, 32, 10], "sigmoid", 0, grid=(28, 28)), grid=(28, 28))
    network = document.network
    assert len(network.edges) > SELECT_EACH_CONNECTION_UP_TO
    canvas, live = open_canvas(qtbot, document)
    said: list[str] = []
    canvas.statusMessage.connect(said.append)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(canvas.selected_neuron_ids()) == sorted(network.neurons)
    assert said and said[-1] == "Selected all 826 neurons; their 25,408 connections go with them"

    stack = canvas._test_refs[1]
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(network.neurons) == 0 and len(network.edges) == 0
    stack.undo()
    assert len(network.neurons) == 826 and len(network.edges) == 25_408


def test_select_all_in_a_small_network_marks_every_connection_too(qtbot):
    document = Document(dense_network([4, 3, 2], "tanh", 0))
    canvas, _ = open_canvas(qtbot, document)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(canvas.selection.edges) == sorted(document.network.edges)


def test_copying_a_whole_big_network_is_refused_with_what_to_do_instead(qtbot, monkeypatch):
    from nnstudio.ui.canvas import edit_actions

    monkeypatch.setattr(edit_actions, "COPY_CONNECTIONS_UP_TO", 10_000)
    document = Document(dense_network([784, 32, 10], "sigmoid", 0, grid=(28, 28)), grid=(28, 28))
    canvas, _ = open_canvas(qtbot, document)
    said: list[str] = []
    canvas.statusMessage.connect(said.append)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert said[-1] == (
        "Cannot copy 25,408 connections at once (at most 10,000): select fewer neurons, or use File > Save As"
        " to keep the whole network"
    )
    # The hidden and output layers alone fit: 32 x 10 connections among them.
    canvas.selection.set([n for n in document.network.neurons if not n.startswith("i")], [])
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert said[-1] == "Copied 42 neurons and 320 connections"
