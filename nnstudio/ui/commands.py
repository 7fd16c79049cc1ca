"""Undo commands: every edit of a network is one of these, pushed on the document's QUndoStack.

Each stores what changed (old and new values of the touched items), never a copy of the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QUndoCommand

from nnstudio.engine.graph import Edge, Network, Neuron

# Command ids for mergeWith: consecutive edits of the same items merge into one undo step.
_MERGE_WEIGHTS = 1001
_MERGE_NEURON_FIELDS = 1002


class AddNeurons(QUndoCommand):
    """Add neurons, and optionally edges among them or to existing neurons, as one step."""

    def __init__(
        self, network: Network, neurons: Iterable[Neuron], edges: Iterable[Edge] = (), text: str = ""
    ) -> None:
        self.neurons = [n.copy() for n in neurons]
        self.edges = [e.copy() for e in edges]
        count = len(self.neurons)
        super().__init__(
            text or (f"Add {count} neurons" if count != 1 else f"Add {self.neurons[0].display_name}")
        )
        self.network = network

    def redo(self) -> None:
        self.network.add_neurons([n.copy() for n in self.neurons], [e.copy() for e in self.edges])

    def undo(self) -> None:
        self.network.remove([n.id for n in self.neurons], [e.id for e in self.edges])


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
    """Delete neurons (with their edges) and edges; undo puts them back in their old order."""

    def __init__(
        self, network: Network, neuron_ids: Iterable[str] = (), edge_ids: Iterable[str] = (), text: str = ""
    ) -> None:
        self.network = network
        self.neuron_ids = [n for n in neuron_ids if n in network.neurons]
        self.edge_ids = [e for e in edge_ids if e in network.edges]
        self.removed_neurons: list[tuple[int, Neuron]] = []
        self.removed_edges: list[Edge] = []
        count = len(self.neuron_ids) + len(self.edge_ids)
        super().__init__(text or ("Delete" if count == 1 else f"Delete {count} items"))

    def redo(self) -> None:
        removed_neurons, removed_edges = self.network.remove(self.neuron_ids, self.edge_ids)
        self.removed_neurons = [(i, n.copy()) for i, n in removed_neurons]
        self.removed_edges = [e.copy() for e in removed_edges]

    def undo(self) -> None:
        positions = {n.id: i for i, n in self.removed_neurons}
        self.network.add_neurons(
            [n.copy() for _, n in self.removed_neurons],
            [e.copy() for e in self.removed_edges],
            positions=positions,
        )


class MoveNeurons(QUndoCommand):
    """One drag, or one layout: old and new positions of the neurons that moved."""

    def __init__(
        self,
        network: Network,
        old: Mapping[str, tuple[float, float]],
        new: Mapping[str, tuple[float, float]],
        text: str = "",
    ) -> None:
        super().__init__(text or ("Move" if len(new) == 1 else f"Move {len(new)} neurons"))
        self.network = network
        self.old = dict(old)
        self.new = dict(new)

    def redo(self) -> None:
        self.network.move_neurons(self.new)

    def undo(self) -> None:
        self.network.move_neurons(self.old)


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
