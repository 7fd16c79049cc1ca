"""Every edit command on a QUndoStack, in any order hypothesis finds: nothing an edit does is lost or left over.

After every step the saved bytes are the ones saved when the stack last stood at the same index (so undo
and redo give back exactly what was there), saving what was loaded from the bytes gives the same bytes,
and at the end undoing everything gives back the original file byte for byte, and redoing everything the
last state.

Two kinds of edit would leave a document that cannot be saved: one that gives a document with its own
samples another number of inputs or outputs, and one that leaves its image grid fewer inputs than pixels.
The views refuse them (they ask ``Document.edit_problem`` before pushing); the machine checks that every
such edit is refused that way (:meth:`EditCommands.fits`) and pushes only the others.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from PySide6.QtGui import QUndoCommand, QUndoStack

from nnstudio.document import document_from_bytes, document_to_bytes
from nnstudio.document.model import Document
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Edge, Role, edge_id
from nnstudio.ui.canvas.edits import CanvasEditError, PaletteItem, grid_pixel_ids, plan_palette_drop
from nnstudio.ui.commands import (
    AddEdges,
    AddImageGrid,
    AddNeurons,
    AddSample,
    MoveNeurons,
    RemoveItems,
    RemoveItemsAndGrid,
    RemoveSamples,
    SampleError,
    SetDocumentProperties,
    SetFrozen,
    SetNeuronFields,
    SetParameters,
    SetWeights,
)
from nnstudio.ui.properties_dialog import DocumentProperties

from .conftest import hand_built_document, layered_document

STARTS = {"hand-built": hand_built_document, "layered": layered_document}
values = st.floats(-10, 10, allow_nan=False, width=32) | st.sampled_from([0.0, -0.0, 1e-300, 123456.789])
places = st.floats(-2000, 2000, allow_nan=False, width=32)
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12)
picks = st.integers(0, 10_000)
activations = st.sampled_from(sorted(ACTIVATIONS))


class EditCommands(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.stack = QUndoStack()
        self.document: Document
        self.saved: list[bytes] = []

    # ------------------------------------------------------------------ helpers
    @property
    def network(self):
        return self.document.network

    def save(self) -> bytes:
        return document_to_bytes(self.document)

    def neuron(self, pick: int) -> str:
        ids = list(self.network.neurons)
        return ids[pick % len(ids)]

    def edge(self, pick: int) -> str:
        ids = list(self.network.edges)
        return ids[pick % len(ids)]

    def fits(self, make: Callable[[Any], QUndoCommand], **edit: Any) -> bool:
        """Whether the command ``make(document)`` builds leaves the document's own samples and its image
        grid fitting its network: tried on a copy first. One that does not must be one the views refuse:
        ``document.edit_problem(**edit)`` names the problem."""
        trial = SimpleNamespace(
            network=self.network.copy(),
            layout=self.document.layout.copy(),
            grid=self.document.grid,
            value_range=self.document.value_range,
        )
        make(trial).redo()
        inputs, outputs = len(trial.network.inputs()), len(trial.network.outputs())
        dataset = self.document.dataset
        # An empty sample set is written sized for the network, whatever it was made for: nothing to lose.
        fitted = (
            dataset is None or not len(dataset) or (inputs, outputs) == (dataset.n_inputs, dataset.n_outputs)
        )
        if not fitted or (trial.grid is not None and inputs < trial.grid[0] * trial.grid[1]):
            assert self.document.edit_problem(**edit) is not None
            return False
        return fitted

    def push(self, command: QUndoCommand) -> None:
        """Push, then check that one undo gives back the bytes before it and one redo those after it."""
        before_count, before_index = self.stack.count(), self.stack.index()
        before = self.save()
        self.stack.push(command)
        after = self.save()
        if self.stack.count() == before_count and self.stack.index() == before_index:
            # Merged into the step before (a slider drag, repeated nudges): that step now ends here.
            self.saved[before_index] = after
        else:
            self.saved[before_index + 1 :] = [after]
            self.stack.undo()
            assert self.save() == before
            self.stack.redo()
            assert self.save() == after

    # ------------------------------------------------------------------ start
    @initialize(start=st.sampled_from(sorted(STARTS)))
    def open_document(self, start: str) -> None:
        self.document = STARTS[start]()
        self.saved = [self.save()]

    # ------------------------------------------------------------------ network edits
    @rule(
        kind=st.sampled_from(["input", "hidden", "output", "layer", "grid"]),
        activation=activations,
        count=st.integers(1, 4),
        role=st.sampled_from(["hidden", "output"]),
        size=st.tuples(st.integers(1, 3), st.integers(1, 3)),
        x=places,
        y=places,
    )
    def add_from_palette(self, kind, activation, count, role, size, x, y) -> None:
        item = PaletteItem(kind, activation, count, size[0], size[1], role)
        try:
            planned = plan_palette_drop(self.document, item, x, y)
        except CanvasEditError:
            return
        if planned.grid is not None:
            make = lambda doc: AddImageGrid(  # noqa: E731
                doc, planned.neurons, planned.positions, planned.grid, planned.text
            )
        else:
            make = lambda doc: AddNeurons(doc, planned.neurons, planned.positions, text=planned.text)  # noqa: E731
        if self.fits(make):
            self.push(make(self.document))

    @precondition(lambda self: len(self.network.neurons) >= 2)
    @rule(into=picks, sources=st.lists(picks, min_size=1, max_size=4), weight=values)
    def connect(self, into: int, sources: list[int], weight: float) -> None:
        to = self.neuron(into)
        edges: list[Edge] = []
        for source in dict.fromkeys(self.neuron(s) for s in sources):
            if self.network.can_connect(source, to) is None:
                edges.append(Edge(edge_id(source, to), source, to, weight))
                break  # one at a time: each is checked against the network as it is
        if edges:
            self.push(AddEdges(self.network, edges))

    @precondition(lambda self: len(self.network.neurons) > 0)
    @rule(neurons=st.lists(picks, max_size=3), edges=st.lists(picks, max_size=3))
    def remove(self, neurons: list[int], edges: list[int]) -> None:
        neuron_ids = list(dict.fromkeys(self.neuron(p) for p in neurons))
        edge_ids = list(dict.fromkeys(self.edge(p) for p in edges)) if self.network.edges else []
        if not neuron_ids and not edge_ids:
            return
        pixels = bool(set(neuron_ids) & set(grid_pixel_ids(self.document)))
        if pixels:
            make = lambda doc: RemoveItemsAndGrid(doc, neuron_ids, edge_ids)  # noqa: E731
        else:
            make = lambda doc: RemoveItems(doc, neuron_ids, edge_ids)  # noqa: E731
        if self.fits(make, remove=neuron_ids, drops_grid=pixels):
            self.push(make(self.document))

    @precondition(lambda self: len(self.network.edges) > 0)
    @rule(edges=st.lists(picks, min_size=1, max_size=3), weight=values, merge=st.booleans())
    def set_weights(self, edges: list[int], weight: float, merge: bool) -> None:
        ids = dict.fromkeys(self.edge(p) for p in edges)
        self.push(SetWeights(self.network, dict.fromkeys(ids, weight), merge=merge))

    @precondition(lambda self: len(self.network.edges) > 0)
    @rule(edges=st.lists(picks, min_size=1, max_size=3), frozen=st.booleans())
    def freeze(self, edges: list[int], frozen: bool) -> None:
        ids = dict.fromkeys(self.edge(p) for p in edges)
        self.push(SetFrozen(self.network, dict.fromkeys(ids, frozen)))

    @precondition(lambda self: len(self.network.neurons) > 0)
    @rule(neuron=picks, bias=values, merge=st.booleans())
    def set_bias(self, neuron: int, bias: float, merge: bool) -> None:
        self.push(SetNeuronFields(self.network, {self.neuron(neuron): {"bias": bias}}, merge=merge))

    @precondition(lambda self: len(self.network.neurons) > 0)
    @rule(neuron=picks, label=texts)
    def rename(self, neuron: int, label: str) -> None:
        self.push(SetNeuronFields(self.network, {self.neuron(neuron): {"label": label}}))

    @precondition(lambda self: len(self.network.neurons) > 0)
    @rule(neuron=picks, activation=activations, role=st.sampled_from(list(Role)), with_role=st.booleans())
    def change_activation(self, neuron: int, activation: str, role: Role, with_role: bool) -> None:
        fields: dict[str, object] = {"activation": activation}
        if with_role:
            fields["role"] = role.value
        change = {self.neuron(neuron): fields}
        try:
            self.network.check_neuron_fields(change)  # as the inspector does before it pushes
        except ValueError:
            return
        roles = {nid: f["role"] for nid, f in change.items() if "role" in f}
        if self.fits(lambda doc: SetNeuronFields(doc.network, change), roles=roles):
            self.push(SetNeuronFields(self.network, change))

    @precondition(lambda self: len(self.network.neurons) > 0)
    @rule(neurons=st.lists(picks, min_size=1, max_size=4), dx=places, dy=places)
    def move(self, neurons: list[int], dx: float, dy: float) -> None:
        ids = dict.fromkeys(self.neuron(p) for p in neurons)
        old = {nid: self.document.layout[nid] for nid in ids}
        new = {nid: (x + dx, y + dy) for nid, (x, y) in old.items()}
        self.push(MoveNeurons(self.document.layout, old, new))

    @precondition(lambda self: len(self.network.neurons) > 0)
    @rule(edges=st.lists(picks, max_size=4), neurons=st.lists(picks, max_size=4), value=values)
    def set_parameters(self, edges: list[int], neurons: list[int], value: float) -> None:
        weights = dict.fromkeys((self.edge(p) for p in edges), value) if self.network.edges else {}
        biases = dict.fromkeys((self.neuron(p) for p in neurons), -value)
        self.push(SetParameters(self.network, weights, biases, "Randomize weights"))

    # ------------------------------------------------------------------ samples and properties
    @rule(data=st.data())
    def add_sample(self, data) -> None:
        dataset = self.document.dataset
        kept = dataset is not None and len(dataset) > 0
        labels = list(dataset.labels) if kept else self.document.output_labels
        size = dataset.n_inputs if kept else len(self.network.inputs())
        if not labels or size == 0:
            return
        inputs = np.array(data.draw(st.lists(values, min_size=size, max_size=size)), dtype=np.float32)
        class_index = data.draw(st.integers(0, len(labels) - 1))
        try:
            command = AddSample(self.document, inputs, class_index, labels)
        except SampleError:
            return
        self.push(command)

    @precondition(lambda self: self.document.dataset is not None and len(self.document.dataset) > 0)
    @rule(rows=st.lists(picks, min_size=1, max_size=3))
    def remove_samples(self, rows: list[int]) -> None:
        count = len(self.document.dataset)
        self.push(RemoveSamples(self.document, [r % count for r in rows]))

    @rule(title=texts, description=texts)
    def set_properties(self, title: str, description: str) -> None:
        old = DocumentProperties.of(self.document)
        new = DocumentProperties(title, description, old.grid, old.value_range)
        self.push(SetDocumentProperties(self.document, new))

    # ------------------------------------------------------------------ undo and redo
    @precondition(lambda self: self.stack.canUndo())
    @rule(steps=st.integers(1, 3))
    def undo(self, steps: int) -> None:
        for _ in range(steps):
            self.stack.undo()

    @precondition(lambda self: self.stack.canRedo())
    @rule(steps=st.integers(1, 3))
    def redo(self, steps: int) -> None:
        for _ in range(steps):
            self.stack.redo()

    # ------------------------------------------------------------------ what must always hold
    @invariant()
    def the_bytes_are_those_of_this_undo_step(self) -> None:
        assert self.save() == self.saved[self.stack.index()]

    @invariant()
    def loading_what_was_saved_gives_the_same_document(self) -> None:
        saved = self.save()
        assert document_to_bytes(document_from_bytes(saved)) == saved

    def teardown(self) -> None:
        try:
            if self.saved:
                self.stack.setIndex(0)
                assert self.save() == self.saved[0]
                self.stack.setIndex(self.stack.count())
                assert self.save() == self.saved[-1]
        finally:
            # The stack deletes its commands now, while the machine is whole. Left to the garbage collector
            # at exit, the stack and the Python side of its commands can be freed in an order that crashes.
            self.stack.clear()


EditCommands.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEditCommands = EditCommands.TestCase


def test_adding_an_input_to_a_document_with_samples_is_refused_and_it_stays_saveable() -> None:
    document = layered_document()
    assert document.dataset is not None and document.dataset.n_inputs == 8
    before = document_to_bytes(document)
    with pytest.raises(CanvasEditError, match="delete them in the Samples panel first"):
        plan_palette_drop(document, PaletteItem("input"), 0.0, 0.0)
    assert "one per input" in document.edit_problem(remove=["i0"], drops_grid=True)
    assert (
        document.edit_problem(add=plan_palette_drop(document, PaletteItem("hidden"), 0.0, 0.0).neurons)
        is None
    )
    assert document_to_bytes(document) == before


def test_a_connection_inside_a_layer_keeps_the_document_saveable() -> None:
    document = layered_document()
    network = document.network
    stack = QUndoStack()
    before = document_to_bytes(document)
    assert network.can_connect("h1_0", "h1_4") is None
    stack.push(AddEdges(network, [Edge(edge_id("h1_0", "h1_4"), "h1_0", "h1_4", 0.5)]))
    saved = document_to_bytes(document)
    assert document_from_bytes(saved).network.edges["h1_0>h1_4"].weight == 0.5
    stack.undo()
    assert document_to_bytes(document) == before


def test_making_a_pixel_hidden_is_refused_and_it_stays_saveable() -> None:
    document = hand_built_document()
    assert document.grid == (2, 2)
    assert "2 x 2 image" in document.edit_problem(roles={"p0": "hidden"})
    assert document.edit_problem(roles={"edge detector": "output"}) is None
    # Deleting pixels takes the image away too, so that is allowed.
    assert document.edit_problem(remove=["p0"], drops_grid=True) is None
