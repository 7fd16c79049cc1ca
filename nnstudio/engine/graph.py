"""The network as a person builds it: neurons and weighted edges with stable ids, a directed acyclic graph.

This is the model every view shows and every undo command edits. Numbers are computed by compiling it
(:mod:`nnstudio.engine.plan`); training writes its results back here through :meth:`Network.set_parameters`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .activations import ACTIVATIONS
from .events import NetworkEvents


class GraphError(ValueError):
    """An edit or a graph that would make the network invalid; the message says what and where."""


def _finite(value: object, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise GraphError(f"{what} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise GraphError(f"{what} must be a finite number, not {number}")
    return number


class Role(StrEnum):
    INPUT = "input"
    HIDDEN = "hidden"
    OUTPUT = "output"


@dataclass(slots=True)
class Neuron:
    id: str
    role: Role = Role.HIDDEN
    activation: str = "tanh"
    bias: float = 0.0
    label: str = ""
    x: float = 0.0
    y: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            try:
                self.role = Role(self.role)
            except ValueError:
                raise GraphError(
                    f"neuron {self.id!r}: unknown role {self.role!r} (input, hidden or output)"
                ) from None

    def copy(self) -> Neuron:
        return replace(self)

    @property
    def display_name(self) -> str:
        return self.label or self.id


@dataclass(slots=True)
class Edge:
    id: str
    source: str
    target: str
    weight: float = 0.0
    frozen: bool = False

    def copy(self) -> Edge:
        return replace(self)


def edge_id(source: str, target: str) -> str:
    """The conventional id of the edge from ``source`` to ``target`` (ids never contain '>')."""
    return f"{source}>{target}"


@dataclass
class _Adjacency:
    incoming: dict[str, list[str]] = field(default_factory=dict)
    outgoing: dict[str, list[str]] = field(default_factory=dict)


class Network:
    """Neurons and edges in insertion order (inputs and outputs keep their order).

    Every mutation goes through a method here so that listeners on :attr:`events` stay in step.
    """

    def __init__(self) -> None:
        self.neurons: dict[str, Neuron] = {}
        self.edges: dict[str, Edge] = {}
        self._adj = _Adjacency()
        self.events = NetworkEvents()
        # Bumped on every change; a compiled plan remembers the revision it was built from.
        self.revision = 0
        self.structure_revision = 0

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_parts(cls, neurons: Iterable[Neuron], edges: Iterable[Edge]) -> Network:
        """Build a whole network at once, validating it in one pass (fast for 13k edges)."""
        net = cls()
        for neuron in neurons:
            net._check_new_neuron(neuron)
            net.neurons[neuron.id] = neuron
            net._adj.incoming[neuron.id] = []
            net._adj.outgoing[neuron.id] = []
        # A set of connected pairs replaces the per-edge scan of a neuron's outgoing list, which grows with
        # the square of fan-out (784 x 100 edges would take seconds).
        pairs: set[tuple[str, str]] = set()
        for edge in edges:
            pair = (edge.source, edge.target)
            net._check_new_edge(edge, check_cycle=False, duplicate=pair in pairs)
            pairs.add(pair)
            net._attach(edge)
        net.check_acyclic()
        return net

    def copy(self) -> Network:
        return Network.from_parts(
            (n.copy() for n in self.neurons.values()), (e.copy() for e in self.edges.values())
        )

    # ----------------------------------------------------------------- queries
    def __contains__(self, item_id: str) -> bool:
        return item_id in self.neurons or item_id in self.edges

    def inputs(self) -> list[Neuron]:
        return [n for n in self.neurons.values() if n.role is Role.INPUT]

    def outputs(self) -> list[Neuron]:
        return [n for n in self.neurons.values() if n.role is Role.OUTPUT]

    def incoming(self, neuron_id: str) -> list[Edge]:
        return [self.edges[e] for e in self._adj.incoming[neuron_id]]

    def outgoing(self, neuron_id: str) -> list[Edge]:
        return [self.edges[e] for e in self._adj.outgoing[neuron_id]]

    def edge_between(self, source: str, target: str) -> Edge | None:
        for eid in self._adj.outgoing.get(source, ()):
            if self.edges[eid].target == target:
                return self.edges[eid]
        return None

    def neuron_index(self, neuron_id: str) -> int:
        return list(self.neurons).index(neuron_id)

    def new_neuron_id(self, prefix: str = "n") -> str:
        i = len(self.neurons)
        while f"{prefix}{i}" in self.neurons:
            i += 1
        return f"{prefix}{i}"

    def levels(self) -> list[list[str]]:
        """Neuron ids grouped by depth: level 0 holds the inputs, the last level holds every output.

        A neuron's level is one more than the deepest neuron feeding it. Outputs are all put in the last
        level so that a softmax over them sees every output at once.
        """
        order = self.topological_order()
        depth: dict[str, int] = {}
        for nid in order:
            neuron = self.neurons[nid]
            if neuron.role is Role.INPUT:
                depth[nid] = 0
            else:
                depth[nid] = 1 + max(
                    (depth[self.edges[e].source] for e in self._adj.incoming[nid]), default=0
                )
        outputs = [n.id for n in self.outputs()]
        last = max((depth[n] for n in depth if self.neurons[n].role is not Role.OUTPUT), default=0) + 1
        if outputs:
            last = max(last, max(depth[o] for o in outputs))
            for o in outputs:
                depth[o] = last
        count = max(depth.values(), default=-1) + 1
        levels: list[list[str]] = [[] for _ in range(count)]
        for nid in self.neurons:  # insertion order inside each level
            levels[depth[nid]].append(nid)
        return [level for i, level in enumerate(levels) if level or i == 0]

    def topological_order(self) -> list[str]:
        """Kahn's algorithm; raises :class:`GraphError` naming the neurons on a cycle if there is one."""
        indegree = {nid: len(self._adj.incoming[nid]) for nid in self.neurons}
        ready = [nid for nid, d in indegree.items() if d == 0]
        order: list[str] = []
        while ready:
            nid = ready.pop()
            order.append(nid)
            for eid in self._adj.outgoing[nid]:
                target = self.edges[eid].target
                indegree[target] -= 1
                if indegree[target] == 0:
                    ready.append(target)
        if len(order) != len(self.neurons):
            stuck = {nid for nid, d in indegree.items() if d > 0}
            cycle = self._find_cycle(stuck)
            names = " -> ".join(cycle + cycle[:1])
            raise GraphError(f"the connections form a loop: {names}; a network must be acyclic")
        return order

    def check_acyclic(self) -> None:
        self.topological_order()

    def _find_cycle(self, among: set[str]) -> list[str]:
        # Every neuron left by Kahn's algorithm has a predecessor also left, so walking back must repeat.
        start = next(iter(sorted(among)))
        path: list[str] = []
        seen: dict[str, int] = {}
        node = start
        while node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = next(
                self.edges[e].source for e in self._adj.incoming[node] if self.edges[e].source in among
            )
        cycle = path[seen[node] :]
        cycle.reverse()
        return cycle

    def _reaches(self, start: str, goal: str) -> list[str] | None:
        """A path of neuron ids from start to goal along edges, or None."""
        stack = [(start, [start])]
        seen = {start}
        while stack:
            node, path = stack.pop()
            if node == goal:
                return path
            for eid in self._adj.outgoing[node]:
                nxt = self.edges[eid].target
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
        return None

    # ----------------------------------------------------------------- validation
    def _check_new_neuron(self, neuron: Neuron) -> None:
        if not neuron.id or not isinstance(neuron.id, str) or ">" in neuron.id:
            raise GraphError(f"neuron id {neuron.id!r} is not allowed (a non-empty name without '>')")
        if neuron.id in self.neurons:
            raise GraphError(f"there is already a neuron with id {neuron.id!r}")
        if neuron.activation not in ACTIVATIONS:
            raise GraphError(f"neuron {neuron.id!r}: unknown activation {neuron.activation!r}")
        if neuron.activation == "softmax" and neuron.role is not Role.OUTPUT:
            raise GraphError(
                f"neuron {neuron.display_name!r}: softmax works over the outputs; make it an output"
            )

    def _check_new_edge(self, edge: Edge, *, check_cycle: bool = True, duplicate: bool | None = None) -> None:
        """Raise GraphError if ``edge`` may not be added. ``duplicate`` says whether the pair is already
        connected when the caller knows; None looks it up."""
        if edge.id in self.edges:
            raise GraphError(f"there is already an edge with id {edge.id!r}")
        for end in (edge.source, edge.target):
            if end not in self.neurons:
                raise GraphError(f"edge {edge.id!r} connects {end!r}, which is not a neuron of this network")
        source, target = self.neurons[edge.source], self.neurons[edge.target]
        if edge.source == edge.target:
            raise GraphError(f"a neuron cannot connect to itself ({source.display_name!r})")
        if target.role is Role.INPUT:
            raise GraphError(
                f"input {target.display_name!r} takes its value from the image, not from a connection"
            )
        if source.role is Role.OUTPUT:
            raise GraphError(
                f"output {source.display_name!r} is the end of the network; it cannot feed other neurons"
            )
        if duplicate is None:
            duplicate = self.edge_between(edge.source, edge.target) is not None
        if duplicate:
            raise GraphError(f"{source.display_name!r} is already connected to {target.display_name!r}")
        if check_cycle:
            path = self._reaches(edge.target, edge.source)
            if path is not None:
                names = " -> ".join(self.neurons[n].display_name for n in path + [edge.target])
                raise GraphError(f"connecting these would make a loop: {names}; a network must be acyclic")

    def can_connect(self, source: str, target: str) -> str | None:
        """None if an edge source -> target may be added, else the reason it may not."""
        try:
            self._check_new_edge(Edge(edge_id(source, target), source, target))
        except GraphError as exc:
            return str(exc)
        return None

    # ----------------------------------------------------------------- mutation
    def _changed(self, structural: bool = False) -> None:
        self.revision += 1
        if structural:
            self.structure_revision += 1

    def _attach(self, edge: Edge) -> None:
        self.edges[edge.id] = edge
        self._adj.outgoing[edge.source].append(edge.id)
        self._adj.incoming[edge.target].append(edge.id)

    def add_neurons(
        self,
        neurons: Iterable[Neuron],
        edges: Iterable[Edge] = (),
        positions: Mapping[str, int] | None = None,
    ) -> None:
        """Add neurons (and edges among or to them) as one change; ``positions`` restores order (undo)."""
        neurons = list(neurons)
        edges = list(edges)
        for neuron in neurons:
            self._check_new_neuron(neuron)
        ids = [n.id for n in neurons]
        if len(set(ids)) != len(ids):
            raise GraphError("two new neurons share an id")
        for neuron in neurons:
            self.neurons[neuron.id] = neuron
            self._adj.incoming[neuron.id] = []
            self._adj.outgoing[neuron.id] = []
        try:
            for edge in edges:
                self._check_new_edge(edge)
                self._attach(edge)
        except GraphError:
            for edge in edges:
                if edge.id in self.edges:
                    self._detach(edge.id)
            for neuron in neurons:
                self._forget_neuron(neuron.id)
            raise
        if positions:
            self._reorder(positions)
        self._changed(structural=True)
        self.events.structure.emit()

    def add_neuron(self, neuron: Neuron) -> None:
        self.add_neurons([neuron])

    def _reorder(self, positions: Mapping[str, int]) -> None:
        order = [nid for nid in self.neurons if nid not in positions]
        for nid, pos in sorted(positions.items(), key=lambda kv: kv[1]):
            order.insert(min(pos, len(order)), nid)
        self.neurons = {nid: self.neurons[nid] for nid in order}

    def _detach(self, eid: str) -> Edge:
        edge = self.edges.pop(eid)
        self._adj.outgoing[edge.source].remove(eid)
        self._adj.incoming[edge.target].remove(eid)
        return edge

    def _forget_neuron(self, nid: str) -> None:
        self.neurons.pop(nid, None)
        self._adj.incoming.pop(nid, None)
        self._adj.outgoing.pop(nid, None)

    def remove(
        self, neuron_ids: Iterable[str] = (), edge_ids: Iterable[str] = ()
    ) -> tuple[list[tuple[int, Neuron]], list[Edge]]:
        """Remove neurons (with every edge touching them) and edges as one change.

        Returns what was removed, with each neuron's former index, so an undo can put it all back.
        """
        neuron_ids = [nid for nid in dict.fromkeys(neuron_ids) if nid in self.neurons]
        order = list(self.neurons)
        edge_set = dict.fromkeys(eid for eid in edge_ids if eid in self.edges)
        for nid in neuron_ids:
            edge_set.update(dict.fromkeys(self._adj.incoming[nid] + self._adj.outgoing[nid]))
        removed_edges = [self._detach(eid) for eid in edge_set]
        removed_neurons = [(order.index(nid), self.neurons[nid]) for nid in neuron_ids]
        for nid in neuron_ids:
            self._forget_neuron(nid)
        if removed_edges or removed_neurons:
            self._changed(structural=True)
            self.events.structure.emit()
        return removed_neurons, removed_edges

    def add_edges(self, edges: Iterable[Edge]) -> None:
        added: list[str] = []
        try:
            for edge in edges:
                self._check_new_edge(edge)
                self._attach(edge)
                added.append(edge.id)
        except GraphError:
            for eid in added:
                self._detach(eid)
            raise
        if added:
            self._changed(structural=True)
            self.events.structure.emit()

    def add_edge(self, edge: Edge) -> None:
        self.add_edges([edge])

    def set_weights(self, weights: Mapping[str, float]) -> None:
        for eid, w in weights.items():
            _finite(w, f"the weight of {eid!r}")
        for eid, w in weights.items():
            self.edges[eid].weight = float(w)
        if weights:
            self._changed()
            self.events.weights.emit(list(weights))

    def set_frozen(self, frozen: Mapping[str, bool]) -> None:
        for eid, f in frozen.items():
            self.edges[eid].frozen = bool(f)
        if frozen:
            # Structural for the compiled plan (which weights may train), but views only need to redraw.
            self._changed(structural=True)
            self.events.weights.emit(list(frozen))

    def check_neuron_fields(self, changes: Mapping[str, Mapping[str, object]]) -> None:
        """Raise :class:`GraphError` saying why :meth:`set_neuron_fields` would refuse ``changes``.

        Views call it before pushing an undo command, so that a command never fails when it is redone.
        """
        for nid, fields in changes.items():
            if nid not in self.neurons:
                raise GraphError(f"there is no neuron {nid!r}")
            trial = self.neurons[nid].copy()
            for name, value in fields.items():
                if name not in Neuron.__slots__ or name == "id":
                    raise GraphError(f"a neuron has no field {name!r} that can be set")
                if name == "role":
                    try:
                        value = Role(value)
                    except ValueError:
                        raise GraphError(f"unknown role {value!r} (input, hidden or output)") from None
                if name in ("bias", "x", "y"):
                    value = _finite(value, f"{trial.display_name!r}: {name}")
                setattr(trial, name, value)
            if trial.activation not in ACTIVATIONS:
                raise GraphError(f"unknown activation {trial.activation!r}")
            if trial.activation == "softmax" and trial.role is not Role.OUTPUT:
                raise GraphError(
                    f"{trial.display_name!r}: softmax works over the outputs; make it an output first"
                )
            if trial.role is Role.INPUT and self._adj.incoming[nid]:
                raise GraphError(f"{trial.display_name!r} has incoming connections, so it cannot be an input")
            if trial.role is Role.OUTPUT and self._adj.outgoing[nid]:
                raise GraphError(f"{trial.display_name!r} feeds other neurons, so it cannot be an output")

    def set_neuron_fields(self, changes: Mapping[str, Mapping[str, object]]) -> None:
        """Set fields of several neurons, e.g. ``{"h1": {"bias": 0.5, "activation": "relu"}}``.

        Role and activation changes are checked against the edges already there (:meth:`check_neuron_fields`).
        """
        self.check_neuron_fields(changes)
        structural = False
        for nid, fields in changes.items():
            neuron = self.neurons[nid]
            for name, value in fields.items():
                if name == "role":
                    value = Role(value)
                    structural = structural or value is not neuron.role
                if name in ("bias", "x", "y"):
                    value = float(value)  # type: ignore[arg-type]
                setattr(neuron, name, value)
            if "activation" in fields:
                structural = True
        if changes:
            self._changed(structural=structural)
            if structural:
                self.events.structure.emit()
            self.events.neurons.emit(list(changes))

    def move_neurons(self, positions: Mapping[str, tuple[float, float]]) -> None:
        for nid, (x, y) in positions.items():
            neuron = self.neurons[nid]
            neuron.x, neuron.y = float(x), float(y)
        if positions:
            self._changed()
            self.events.neurons.emit(list(positions))

    def set_parameters(
        self, weights: Mapping[str, float] | None = None, biases: Mapping[str, float] | None = None
    ) -> None:
        """Bulk write-back of weights and biases (training, randomising): one event, no per-edge signals."""
        for eid, w in (weights or {}).items():
            self.edges[eid].weight = float(w)
        for nid, b in (biases or {}).items():
            self.neurons[nid].bias = float(b)
        self._changed()
        self.events.parameters.emit()

    def __iter__(self) -> Iterator[Neuron]:
        return iter(self.neurons.values())

    def __repr__(self) -> str:
        return f"Network({len(self.neurons)} neurons, {len(self.edges)} edges)"
