"""The model and its views: a change reaches only what shows it, and a move changes no number."""

from __future__ import annotations

import numpy as np

from nnstudio.document.builders import dense_network
from nnstudio.document.fileformat import load_document
from nnstudio.document.model import Document
from nnstudio.engine.plan import Plan
from nnstudio.examples import example_path
from nnstudio.ui.live import LiveNetwork

from .canvas_fixtures import open_canvas


def counting_forwards(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = Plan.forward

    def forward(self, inputs):
        calls.append(1)
        return original(self, inputs)

    monkeypatch.setattr(Plan, "forward", forward)
    return calls


def test_moving_a_neuron_runs_no_forward_pass(monkeypatch, qapp):
    live = LiveNetwork(load_document(example_path("four-pixel-camera")))
    values = []
    live.valuesChanged.connect(lambda: values.append(1))
    forwards = counting_forwards(monkeypatch)
    network, layout = live.document.network, live.document.layout
    heard: list[object] = []
    for name in ("structure", "neurons", "weights", "parameters"):
        getattr(network.events, name).connect(lambda *_args, name=name: heard.append(name))
    layout.events.moved.connect(lambda ids: heard.append(("moved", ids)))
    revision = network.revision
    nid = next(iter(network.neurons))
    layout.move({nid: (123.0, -45.0)})
    # A move is the layout's alone: the network hears nothing and counts no revision.
    assert heard == [("moved", [nid])] and network.revision == revision
    network.set_neuron_fields({nid: {"label": "renamed"}})
    assert forwards == [] and values == []
    assert layout[nid] == (123.0, -45.0)
    # A bias is a number: it runs the network again, once.
    hidden = next(n.id for n in network if n.role.value == "hidden")
    network.set_neuron_fields({hidden: {"bias": 0.25}})
    assert len(forwards) == 1 and len(values) == 1
    live.detach()


def test_a_weight_edit_copies_only_that_weight_into_the_plan(monkeypatch, qapp):
    live = LiveNetwork(Document(dense_network([784, 64, 10], "relu", 1)))
    plan = live.plan

    def whole_reload(*_args):
        raise AssertionError("a single weight edit reloaded every weight")

    monkeypatch.setattr(plan, "read_parameters", whole_reload)
    network = live.document.network
    network.set_weights({"i5>h1_3": 0.75})
    (index,) = plan.parameter_index(["i5>h1_3"])
    assert plan.flat[index] == np.float32(0.75)
    x = np.linspace(0, 1, 784, dtype=np.float32)
    live.set_input(x)
    fresh = live.plan.forward(x).output
    np.testing.assert_allclose(live.outputs(), fresh[0], rtol=1e-6)
    live.detach()


def test_a_weight_edit_restyles_only_that_connection_on_the_canvas(monkeypatch, qtbot):
    canvas, live = open_canvas(qtbot, Document(dense_network([16, 8, 4], "tanh", 2)))
    scene = canvas._scene
    calls: list[object] = []
    original = scene.edges.set_weights

    def set_weights(network, edge_ids=None):
        calls.append(None if edge_ids is None else list(edge_ids))
        return original(network, edge_ids)

    monkeypatch.setattr(scene.edges, "set_weights", set_weights)
    live.document.network.set_weights({"h1_2>o1": -1.5})
    assert calls == [["h1_2>o1"]]
    i = scene.edges.index["h1_2>o1"]
    assert scene.edges.weight[i] == -1.5


def test_the_canvas_refuses_an_input_the_samples_would_not_fit(qtbot):
    from PySide6.QtCore import QPointF

    from nnstudio.document import document_to_bytes
    from nnstudio.ui.canvas.edits import PaletteItem
    from tests.document.conftest import layered_document

    document = layered_document()
    canvas, _live = open_canvas(qtbot, document)
    said: list[str] = []
    canvas.statusMessage.connect(said.append)
    before = document_to_bytes(document)
    assert canvas.add_from_palette(PaletteItem("input"), QPointF(0, 0)) == []
    assert said and "Samples panel" in said[-1]
    assert document_to_bytes(document) == before
    assert canvas.add_from_palette(PaletteItem("hidden"), QPointF(0, 0)), "a hidden neuron fits the samples"


def test_the_training_panel_and_dataset_table_follow_the_documents_samples(qtbot):
    """No panel tells another: both see the document's own announcement of a new sample."""
    import numpy as np
    from PySide6.QtGui import QUndoStack

    from nnstudio.ui.commands import AddSample
    from nnstudio.ui.error_tables import DatasetTable
    from nnstudio.ui.training.panel import DOCUMENT_SAMPLES, TrainingPanel

    document = load_document(example_path("four-pixel-learner"))
    document.dataset = None
    document.training_data = None
    live = LiveNetwork(document)
    stack = QUndoStack()
    training, table = TrainingPanel(), DatasetTable()
    for panel in (training, table):
        qtbot.addWidget(panel)
        panel.bind(live, stack)

    def samples_entry() -> str:
        return training.dataset_combo.itemText(training.dataset_combo.findData(DOCUMENT_SAMPLES))

    assert samples_entry().endswith("(none yet)")
    labels = document.output_labels
    stack.push(AddSample(document, np.array([1, -1, 1, -1], np.float32), 0, labels))
    assert samples_entry().endswith("(1)")
    assert training.dataset_combo.currentData() == DOCUMENT_SAMPLES, "a document naming no data picks its own"
    stack.undo()
    assert samples_entry().endswith("(none yet)")
    training.shutdown()
    live.detach()


def test_a_training_frame_hands_its_values_to_the_window_plan_in_one_copy(monkeypatch, qtbot):
    """Whenever a frame writes the network, the live plan takes the same values without reading them back."""
    from PySide6.QtGui import QUndoStack

    from nnstudio.data import load_dataset
    from nnstudio.engine.plan import compile_network
    from nnstudio.engine.train import TrainSettings
    from nnstudio.ui.training.controller import TrainingController

    document = Document(dense_network([784, 32, 10], "sigmoid", 0, grid=(28, 28)), grid=(28, 28))
    live = LiveNetwork(document)
    controller = TrainingController()
    controller.bind(live, QUndoStack())
    reads: list[bool] = []
    original = Plan.read_parameters
    monkeypatch.setattr(
        Plan, "read_parameters", lambda self, net: (reads.append(controller.running), original(self, net))[1]
    )
    frames: list[bool] = []

    def check_frame(*_args) -> None:
        fresh = compile_network(document.network)
        frames.append(bool(np.allclose(live.plan.flat, fresh.flat, atol=1e-6)))

    document.network.events.parameters.connect(check_frame)
    data = load_dataset("digits:train")
    with qtbot.waitSignal(controller.ended, timeout=60_000):
        controller.start(data, TrainSettings(epochs=2, learning_rate=0.5, batch_size=10, seed=0))
    assert frames and all(frames), "the live plan held the network's values at every frame"
    assert not any(reads), "no frame read every weight back from the network (the end of the run may)"
    controller.shutdown()
    live.detach()
