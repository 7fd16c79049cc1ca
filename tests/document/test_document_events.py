"""A document announces changes to its samples and properties, so views need not tell each other."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QUndoStack

from nnstudio.document.model import Document
from nnstudio.ui.commands import AddSample, RemoveSamples, SetDocumentProperties
from nnstudio.ui.properties_dialog import DocumentProperties

from .conftest import hand_built_document


def listen(document: Document) -> list[str]:
    heard: list[str] = []
    document.events.dataset.connect(lambda: heard.append("dataset"))
    document.events.properties.connect(lambda: heard.append("properties"))
    return heard


def test_sample_commands_announce_the_dataset_on_do_and_undo(qapp):
    document = hand_built_document()
    heard = listen(document)
    stack = QUndoStack()
    stack.push(AddSample(document, np.array([1, -1, 1, -1], np.float32), 0, ["Vertical", "horizontal"]))
    stack.push(RemoveSamples(document, [0]))
    stack.undo()
    stack.undo()
    assert heard == ["dataset"] * 4
    assert document.dataset is None


def test_changing_properties_announces_them(qapp):
    document = hand_built_document()
    heard = listen(document)
    stack = QUndoStack()
    old = DocumentProperties.of(document)
    new = DocumentProperties("A new title", old.description, old.grid, old.value_range)
    stack.push(SetDocumentProperties(document, new))
    assert document.title == "A new title" and heard == ["properties"]
    stack.undo()
    assert document.title == "Edges «2×2»" and heard == ["properties"] * 2


def test_events_are_not_part_of_what_a_document_is():
    a, b = hand_built_document(), hand_built_document()
    a.events.dataset.connect(lambda: None)
    assert a.title == b.title and "events" not in repr(a)


def test_a_document_says_which_shapes_its_samples_and_grid_still_fit():
    from .conftest import layered_document

    document = layered_document()
    data = document.dataset
    assert data is not None
    assert document.shape_problem(data.n_inputs, data.n_outputs) is None
    assert "one per input" in document.shape_problem(data.n_inputs + 1, data.n_outputs)
    assert "for each of" in document.shape_problem(data.n_inputs, data.n_outputs - 1)
    grid = hand_built_document()
    assert grid.shape_problem(4, 2) is None
    assert "2 x 2 image" in grid.shape_problem(3, 2)


def test_a_first_sample_after_the_network_changed_makes_the_emptied_set_anew(qapp):
    """Delete every sample, delete an input: the next sample fits the network as it is, and undo puts the
    emptied set back."""
    from nnstudio.document import document_to_bytes
    from nnstudio.ui.commands import RemoveItemsAndGrid

    document = hand_built_document()
    stack = QUndoStack()
    stack.push(AddSample(document, np.array([1, -1, 1, -1], np.float32), 0, ["Vertical", "horizontal"]))
    stack.push(RemoveSamples(document, [0]))
    emptied = document.dataset
    stack.push(RemoveItemsAndGrid(document, ["p0"]))
    stack.push(AddSample(document, np.array([1, -1, 1], np.float32), 1, document.output_labels))
    assert document.dataset is not None and document.dataset.n_inputs == 3 and len(document.dataset) == 1
    document_to_bytes(document)  # saveable
    stack.undo()
    assert document.dataset is emptied
