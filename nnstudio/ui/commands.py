"""Undo commands: every edit of a document is one of these, pushed on the document's QUndoStack.

Each stores what changed (old and new values of the touched items), never a copy of the network. They
are grouped by what they change: the network's neurons and connections, the input image grid, the
document's own samples, and the document's properties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QUndoCommand

from nnstudio.data.dataset import Dataset
from nnstudio.document.layout import Layout, Position
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron
from nnstudio.engine.parameters import ParameterSnapshot
from nnstudio.ui.properties_dialog import DocumentProperties

if TYPE_CHECKING:
    from nnstudio.ui.canvas.edits import DocumentLike

Array = np.ndarray

# Command ids for mergeWith: consecutive edits of the same items merge into one undo step.
_MERGE_WEIGHTS = 1001
_MERGE_NEURON_FIELDS = 1002
_MERGE_TRAINING_SETTING = 1003


class AddNeurons(QUndoCommand):
    """Add neurons at ``positions`` on the canvas, and optionally edges among them or to existing neurons,
    as one step."""

    def __init__(
        self,
        document: DocumentLike,
        neurons: Iterable[Neuron],
        positions: Mapping[str, Position],
        edges: Iterable[Edge] = (),
        text: str = "",
    ) -> None:
        self.neurons = [n.copy() for n in neurons]
        self.positions = {n.id: positions[n.id] for n in self.neurons}
        self.edges = [e.copy() for e in edges]
        count = len(self.neurons)
        super().__init__(
            text or (f"Add {count} neurons" if count != 1 else f"Add {self.neurons[0].display_name}")
        )
        self.document = document

    def redo(self) -> None:
        # Placed first, so that every view that hears of the new neurons finds where they are.
        self.document.layout.place(self.positions)
        self.document.network.add_neurons([n.copy() for n in self.neurons], [e.copy() for e in self.edges])

    def undo(self) -> None:
        self.document.network.remove([n.id for n in self.neurons], [e.id for e in self.edges])
        self.document.layout.remove(self.positions)


class AddEdges(QUndoCommand):
    def __init__(self, network: Network, edges: Iterable[Edge], text: str = "") -> None:
        self.edges = [e.copy() for e in edges]
        super().__init__(
            text or ("Connect" if len(self.edges) == 1 else f"Add {len(self.edges)} connections")
        )
        self.network = network

    def redo(self) -> None:
        self.network.add_edges([e.copy() for e in self.edges])

    def undo(self) -> None:
        self.network.remove((), [e.id for e in self.edges])


class RemoveItems(QUndoCommand):
    """Delete neurons (with their edges) and edges; undo puts them back in their old order and places."""

    def __init__(
        self,
        document: DocumentLike,
        neuron_ids: Iterable[str] = (),
        edge_ids: Iterable[str] = (),
        text: str = "",
    ) -> None:
        self.document = document
        network = document.network
        self.neuron_ids = [n for n in neuron_ids if n in network.neurons]
        self.edge_ids = [e for e in edge_ids if e in network.edges]
        self.removed_neurons: list[tuple[int, Neuron]] = []
        self.removed_edges: list[Edge] = []
        self.removed_positions: dict[str, Position] = {}
        count = len(self.neuron_ids) + len(self.edge_ids)
        super().__init__(text or ("Delete" if count == 1 else f"Delete {count} items"))

    def redo(self) -> None:
        removed_neurons, removed_edges = self.document.network.remove(self.neuron_ids, self.edge_ids)
        self.removed_neurons = [(i, n.copy()) for i, n in removed_neurons]
        self.removed_edges = [e.copy() for e in removed_edges]
        self.removed_positions = self.document.layout.remove(n.id for _, n in removed_neurons)

    def undo(self) -> None:
        self.document.layout.place(self.removed_positions)
        self.document.network.add_neurons(
            [n.copy() for _, n in self.removed_neurons],
            [e.copy() for e in self.removed_edges],
            order={n.id: i for i, n in self.removed_neurons},
        )


class MoveNeurons(QUndoCommand):
    """One drag, or one arrangement: old and new positions of the neurons that moved, in the document's
    layout (the network is not touched, so nothing is computed again)."""

    def __init__(
        self,
        layout: Layout,
        old: Mapping[str, Position],
        new: Mapping[str, Position],
        text: str = "",
    ) -> None:
        super().__init__(text or ("Move" if len(new) == 1 else f"Move {len(new)} neurons"))
        self.layout = layout
        self.old = dict(old)
        self.new = dict(new)

    def redo(self) -> None:
        self.layout.move(self.new)

    def undo(self) -> None:
        self.layout.move(self.old)


class SetWeights(QUndoCommand):
    """Set the weights of edges. With ``merge=True`` consecutive changes of the same edges become one step
    (Alt+wheel nudges, a slider drag)."""

    def __init__(
        self,
        network: Network,
        new: Mapping[str, float],
        text: str = "",
        merge: bool = False,
        old: Mapping[str, float] | None = None,
    ) -> None:
        self.network = network
        self.new = {k: float(v) for k, v in new.items()}
        self.old = dict(old) if old is not None else {k: network.edges[k].weight for k in self.new}
        self.merge = merge
        super().__init__(text or ("Set weight" if len(self.new) == 1 else f"Set {len(self.new)} weights"))

    def id(self) -> int:
        return _MERGE_WEIGHTS if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetWeights) or not other.merge or set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True

    def redo(self) -> None:
        self.network.set_weights(self.new)

    def undo(self) -> None:
        self.network.set_weights(self.old)


class SetFrozen(QUndoCommand):
    def __init__(self, network: Network, new: Mapping[str, bool], text: str = "") -> None:
        self.network = network
        self.new = {k: bool(v) for k, v in new.items()}
        self.old = {k: network.edges[k].frozen for k in self.new}
        frozen = all(self.new.values())
        super().__init__(
            text or ("Freeze" if frozen else "Unfreeze") + (" weight" if len(self.new) == 1 else " weights")
        )

    def redo(self) -> None:
        self.network.set_frozen(self.new)

    def undo(self) -> None:
        self.network.set_frozen(self.old)


class SetNeuronFields(QUndoCommand):
    """Change bias, activation, role, label of one or several neurons, e.g. ``{"h1": {"bias": 0.5}}``.

    With ``merge=True`` consecutive changes of the same fields of the same neurons become one step.
    """

    def __init__(
        self, network: Network, new: Mapping[str, Mapping[str, object]], text: str = "", merge: bool = False
    ) -> None:
        self.network = network
        self.new = {nid: dict(fields) for nid, fields in new.items()}
        self.old = {
            nid: {f: getattr(network.neurons[nid], f) for f in fields} for nid, fields in self.new.items()
        }
        self.merge = merge
        fields = sorted({f for fs in self.new.values() for f in fs})
        super().__init__(text or f"Set {', '.join(fields)}")

    def id(self) -> int:
        return _MERGE_NEURON_FIELDS if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetNeuronFields) or not other.merge:
            return False
        if {k: set(v) for k, v in other.new.items()} != {k: set(v) for k, v in self.new.items()}:
            return False
        self.new = {nid: dict(fields) for nid, fields in other.new.items()}
        return True

    def redo(self) -> None:
        self.network.set_neuron_fields(self.new)

    def undo(self) -> None:
        self.network.set_neuron_fields(self.old)


class SetParameters(QUndoCommand):
    """Many weights and biases at once (training, randomising, loading values): one step, one event."""

    def __init__(
        self, network: Network, weights: Mapping[str, float], biases: Mapping[str, float], text: str
    ) -> None:
        super().__init__(text)
        self.network = network
        self.new_weights = dict(weights)
        self.new_biases = dict(biases)
        self.old_weights = {k: network.edges[k].weight for k in self.new_weights}
        self.old_biases = {k: network.neurons[k].bias for k in self.new_biases}

    def redo(self) -> None:
        self.network.set_parameters(self.new_weights, self.new_biases)

    def undo(self) -> None:
        self.network.set_parameters(self.old_weights, self.old_biases)


class SetAllParameters(QUndoCommand):
    """Every weight and bias at once, as whole matrices (a training run, randomising): one step, one event,
    and memory for two copies of the weights however many connections there are."""

    def __init__(
        self, network: Network, before: ParameterSnapshot, after: ParameterSnapshot, text: str
    ) -> None:
        super().__init__(text)
        self.network = network
        self.before = before
        self.after = after

    def redo(self) -> None:
        self.after.restore(self.network)

    def undo(self) -> None:
        self.before.restore(self.network)


class SetKernel(QUndoCommand):
    """One hand edit of a convolution's kernels and biases (the whole layer's, copied: they are small)."""

    def __init__(self, network: Network, layer: str, kernel: Array, bias: Array, text: str) -> None:
        super().__init__(text)
        conv = network.convolutions[layer]
        self.network = network
        self.layer = layer
        self.old = (conv.kernel.copy(), conv.bias.copy())
        self.new = (np.array(kernel, dtype=np.float64), np.array(bias, dtype=np.float64))

    def redo(self) -> None:
        self.network.set_convolution_values(self.layer, *self.new)

    def undo(self) -> None:
        self.network.set_convolution_values(self.layer, *self.old)


# -------------------------------------------------------------------------------------- image grid
class AddImageGrid(QUndoCommand):
    """Add the pixels of an input image as the first inputs and make the document read them as a grid."""

    def __init__(
        self,
        document: DocumentLike,
        neurons: Iterable[Neuron],
        positions: Mapping[str, Position],
        grid: tuple[int, int],
        text: str = "",
    ) -> None:
        self.document = document
        self.neurons = [n.copy() for n in neurons]
        self.positions = {n.id: positions[n.id] for n in self.neurons}
        self.grid = grid
        self.old_grid = document.grid
        super().__init__(text or f"Add {grid[0]} x {grid[1]} image")

    def redo(self) -> None:
        # The grid and the places are set before the neurons arrive, so every listener of the structure
        # event sees all three.
        self.document.grid = self.grid
        self.document.layout.place(self.positions)
        order = {n.id: i for i, n in enumerate(self.neurons)}
        self.document.network.add_neurons([n.copy() for n in self.neurons], order=order)

    def undo(self) -> None:
        self.document.grid = self.old_grid
        self.document.network.remove([n.id for n in self.neurons])
        self.document.layout.remove(self.positions)


class RemoveItemsAndGrid(RemoveItems):
    """Delete items that include pixels of the input image: the rest of the image becomes plain inputs."""

    def __init__(
        self,
        document: DocumentLike,
        neuron_ids: Iterable[str] = (),
        edge_ids: Iterable[str] = (),
        text: str = "",
    ) -> None:
        super().__init__(document, neuron_ids, edge_ids, text)
        self.old_grid = document.grid

    def redo(self) -> None:
        self.document.grid = None
        super().redo()

    def undo(self) -> None:
        self.document.grid = self.old_grid
        super().undo()


# ---------------------------------------------------------------------------------- document samples
# The name of a document's own samples, as ``Document.training_data`` refers to them.
DOCUMENT_DATASET = "document"


class SampleError(ValueError):
    """A sample that cannot join the document's samples (wrong size, unknown class); the message says why."""


def _empty_dataset(document: Document, n_values: int, labels: list[str]) -> Dataset:
    grid = document.grid
    if grid is not None and grid[0] * grid[1] != n_values:
        grid = None  # the pad fed plain inputs: the samples are not pictures
    return Dataset(
        DOCUMENT_DATASET,
        np.zeros((0, n_values), dtype=np.float32),
        np.zeros((0, len(labels)), dtype=np.float32),
        list(labels),
        np.zeros(0, dtype=np.int64),
        grid=grid,
        value_range=(float(document.value_range[0]), float(document.value_range[1])),
        description="Samples drawn and labelled in this document",
        sample_names=[],
    )


def _kept(dataset: Dataset | None) -> Dataset | None:
    """The document's samples as a sample must fit them: an emptied set fits any new first sample (it is
    made anew for the network as it is now)."""
    return dataset if dataset is not None and len(dataset) else None


def check_sample(document: Document, inputs: Array, class_index: int, labels: list[str]) -> None:
    """Raise :class:`SampleError` if this sample cannot be added to the document's samples."""
    dataset = _kept(document.dataset)
    n_classes = len(labels) if dataset is None else len(dataset.labels)
    if not 0 <= class_index < n_classes:
        raise SampleError(f"class {class_index} does not exist; the samples have {n_classes} classes")
    n_inputs = len(document.network.inputs())
    if inputs.size != n_inputs:
        raise SampleError(f"this picture has {inputs.size} values but the network has {n_inputs} inputs")
    if dataset is not None and dataset.n_inputs != inputs.size:
        raise SampleError(
            f"this picture has {inputs.size} values but the stored samples have {dataset.n_inputs}"
        )
    if not np.all(np.isfinite(inputs)):
        raise SampleError("the picture holds values that are not numbers")


class AddSample(QUndoCommand):
    """Append one labelled sample to ``document.dataset``, creating the dataset for the first one."""

    def __init__(
        self,
        document: Document,
        inputs: Array,
        class_index: int,
        labels: list[str],
        changed: Callable[[], None] | None = None,
        name: str = "",
    ) -> None:
        self.document = document
        self.inputs = np.asarray(inputs, dtype=np.float32).ravel().copy()
        self.class_index = int(class_index)
        self.labels = list(labels)
        check_sample(document, self.inputs, self.class_index, self.labels)
        self.changed = changed
        kept = _kept(document.dataset)
        label = (kept.labels if kept is not None else self.labels)[self.class_index]
        self.name = name or label
        self.created = False
        # An emptied sample set that the first new sample replaces, to be put back on undo.
        self.replaced: Dataset | None = None
        self.row = -1
        super().__init__(f"Add sample ({label})")

    def redo(self) -> None:
        doc = self.document
        if _kept(doc.dataset) is None:
            self.replaced = doc.dataset
            doc.dataset = _empty_dataset(doc, self.inputs.size, self.labels)
            self.created = True
        dataset = doc.dataset
        target = np.zeros((1, dataset.n_outputs), dtype=np.float32)
        target[0, self.class_index] = 1.0
        self.row = len(dataset)
        keep_names = len(dataset.sample_names) == len(dataset)
        dataset.inputs = np.vstack([dataset.inputs, self.inputs[None, :]])
        dataset.targets = np.vstack([dataset.targets, target])
        dataset.classes = np.append(dataset.classes, np.int64(self.class_index))
        if keep_names:
            dataset.sample_names.append(self.name)
        self._announce()

    def undo(self) -> None:
        doc = self.document
        dataset = doc.dataset
        if dataset is None:
            return
        if self.created and len(dataset) == 1:
            doc.dataset = self.replaced
        else:
            _delete_rows(dataset, [self.row])
        self._announce()

    def _announce(self) -> None:
        self.document.events.dataset.emit()
        if self.changed is not None:
            self.changed()


class RemoveSamples(QUndoCommand):
    """Delete samples from ``document.dataset``; undo puts each back at its old place."""

    def __init__(
        self, document: Document, rows: Iterable[int], changed: Callable[[], None] | None = None
    ) -> None:
        self.document = document
        dataset = document.dataset
        if dataset is None:
            raise SampleError("the document has no samples to delete")
        self.rows = sorted({int(r) for r in rows if 0 <= int(r) < len(dataset)})
        if not self.rows:
            raise SampleError("no sample chosen to delete")
        self.inputs = dataset.inputs[self.rows].copy()
        self.targets = dataset.targets[self.rows].copy()
        self.classes = dataset.classes[self.rows].copy()
        has_names = len(dataset.sample_names) == len(dataset)
        self.names = [dataset.sample_names[r] for r in self.rows] if has_names else None
        self.changed = changed
        count = len(self.rows)
        super().__init__("Delete sample" if count == 1 else f"Delete {count} samples")

    def redo(self) -> None:
        if self.document.dataset is not None:
            _delete_rows(self.document.dataset, self.rows)
        self._announce()

    def undo(self) -> None:
        dataset = self.document.dataset
        if dataset is None:
            return
        for k, row in enumerate(self.rows):  # ascending, so each row lands where it was
            dataset.inputs = np.insert(dataset.inputs, row, self.inputs[k], axis=0)
            dataset.targets = np.insert(dataset.targets, row, self.targets[k], axis=0)
            dataset.classes = np.insert(dataset.classes, row, self.classes[k])
            if self.names is not None and len(dataset.sample_names) == len(dataset) - 1:
                dataset.sample_names.insert(row, self.names[k])
        self._announce()

    def _announce(self) -> None:
        self.document.events.dataset.emit()
        if self.changed is not None:
            self.changed()


def _delete_rows(dataset: Dataset, rows: list[int]) -> None:
    keep_names = len(dataset.sample_names) == len(dataset)
    dataset.inputs = np.delete(dataset.inputs, rows, axis=0)
    dataset.targets = np.delete(dataset.targets, rows, axis=0)
    dataset.classes = np.delete(dataset.classes, rows)
    if keep_names:
        for row in sorted(rows, reverse=True):
            del dataset.sample_names[row]


# ------------------------------------------------------------------------------ document properties
class SetTrainingData(QUndoCommand):
    """Name other training data for the document (say new points in the plane), as one undo step."""

    def __init__(self, document: Document, spec: str | None, text: str = "Change training data") -> None:
        super().__init__(text)
        self.document = document
        self.old = document.training_data
        self.new = spec

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)

    def _set(self, spec: str | None) -> None:
        self.document.training_data = spec
        self.document.events.properties.emit()


class SetTrainingSetting(QUndoCommand):
    """One training setting of the document (``learning_rate``, ``stop``...: a field of its
    :class:`~nnstudio.engine.train.TrainSettings`) becomes ``value``, as one undo step named ``text``.

    Changes of the same setting in a row (each key typed into a box) merge into one step; one that brings the
    setting back where it started leaves the history."""

    def __init__(self, document: Document, name: str, value: object, text: str) -> None:
        super().__init__(text)
        self.document = document
        self.name = name
        self.old = getattr(document.training, name)
        self.new = value

    def id(self) -> int:
        return _MERGE_TRAINING_SETTING

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, SetTrainingSetting)
            or other.document is not self.document
            or other.name != self.name
        ):
            return False
        self.new = other.new
        self.setText(other.text())
        self.setObsolete(self.new == self.old)
        return True

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)

    def _set(self, value: object) -> None:
        # A new settings object: a run's history keeps the settings it ran with.
        self.document.training = replace(self.document.training, **{self.name: value})
        self.document.events.properties.emit()


class SetDocumentProperties(QUndoCommand):
    """Change the document's properties as one undo step; ``on_change`` lets the window refresh its views."""

    def __init__(
        self, document: Document, new: DocumentProperties, on_change: Callable[[], None] | None = None
    ) -> None:
        super().__init__("Change network properties")
        self.document = document
        self.old = DocumentProperties.of(document)
        self.new = new
        self.on_change = on_change

    def redo(self) -> None:
        self.new.apply_to(self.document)
        self._announce()

    def undo(self) -> None:
        self.old.apply_to(self.document)
        self._announce()

    def _announce(self) -> None:
        self.document.events.properties.emit()
        if self.on_change is not None:
            self.on_change()
