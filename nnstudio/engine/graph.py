"""The network as a person builds it: neurons and weighted connections with stable ids, an acyclic graph.

This is the model every view shows and every undo command edits. Neurons are small objects
(:mod:`nnstudio.engine.neuron`); connections live in weight matrices, one per layer of target neurons
(:mod:`nnstudio.engine.connections`), so a layer of a million links costs three arrays, not a million
objects; how deep each neuron sits is worked out in :mod:`nnstudio.engine.depth`. Numbers are computed by
compiling the network (:mod:`nnstudio.engine.plan`); training writes its results back through
:meth:`Network.write_blocks`. Where neurons sit on the canvas is not the network's business: the document's
layout holds it (:mod:`nnstudio.document.layout`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from . import depth
from .activations import ACTIVATIONS
from .connections import ConnectionBlock, Connections, Edge, LayerKey, edge_id, layer_key
from .conv import Convolution
from .events import NetworkEvents
from .neuron import GraphError, Neuron, Role, finite

# The records a network is made of are imported from here across the studio, beside the network itself.
__all__ = ["Convolution", "DenseLinks", "Edge", "GraphError", "Network", "Neuron", "Role", "edge_id"]


@dataclass(frozen=True, slots=True)
class DenseLinks:
    """A whole matrix of connections given at once (a fully connected layer): ``weight[i, j]`` joins
    ``sources[j]`` to ``targets[i]``. The targets must all be in one layer (or be one neuron)."""

    sources: list[str]
    targets: list[str]
    weight: np.ndarray
    # Which of the pairs are connected (None: all of them) and which of those are frozen (None: none).
    present: np.ndarray | None = None
    frozen: np.ndarray | None = None


class Network:
    """Neurons in insertion order (inputs and outputs keep their order) and the connections between them.

    Every mutation goes through a method here so that listeners on :attr:`events` stay in step.
    """

    def __init__(self) -> None:
        self.neurons: dict[str, Neuron] = {}
        self.edges = Connections()
        # Members of each named layer, in order (a neuron without a layer name is a layer of its own).
        self._members: dict[LayerKey, list[str]] = {}
        # What feeds each shaped layer (convolution or pooling), by the target layer's name.
        self.convolutions: dict[str, Convolution] = {}
        # Convolutions dropped because a layer they join lost neurons: each comes back when its layers are
        # whole again (the undo of a deletion puts the neurons back, and with them their convolution).
        self._dropped: dict[str, Convolution] = {}
        self.events = NetworkEvents()
        # Bumped on every change of the maths; a compiled plan remembers the revision it was built from.
        # A new label changes neither. Positions are not the network's at all (the document's layout).
        self.revision = 0
        self.structure_revision = 0
        self._depth_cache: tuple[int, dict[str, int]] | None = None

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_parts(
        cls,
        neurons: Iterable[Neuron],
        edges: Iterable[Edge] = (),
        dense: Iterable[DenseLinks] = (),
        convolutions: Iterable[Convolution] = (),
    ) -> Network:
        """Build a whole network at once, validating it in one pass: neurons, single edges, whole
        matrices of connections (a 1.86M-connection network loads without making an object per link) and
        the convolutions and poolings that feed shaped layers."""
        net = cls()
        for neuron in neurons:
            net._check_new_neuron(neuron)
            net._put_neuron(neuron)
        # In the order they feed each other, whatever order they are given in.
        pending = list(convolutions)
        while pending:
            fed = {c.target for c in pending}
            ready = [c for c in pending if c.source not in fed] or pending[:1]
            for conv in ready:
                net._put_convolution(conv)
                pending.remove(conv)
        for links in dense:
            net._put_dense(links)
        pairs: set[tuple[str, str]] = set()
        singles: list[Edge] = []
        for edge in edges:
            pair = (edge.source, edge.target)
            net._check_new_edge(edge, check_cycle=False, duplicate=pair in pairs or None)
            pairs.add(pair)
            singles.append(edge)
        net.edges.put(singles, net._key_map(e.target for e in singles), net._members_view())
        net.check_acyclic()
        return net

    def copy(self) -> Network:
        net = Network()
        net.neurons = {nid: n.copy() for nid, n in self.neurons.items()}
        net.edges = self.edges.copy()
        net._members = {k: list(v) for k, v in self._members.items()}
        net.convolutions = {name: c.copy() for name, c in self.convolutions.items()}
        return net

    # ----------------------------------------------------------------- shaped layers
    def layer_members(self, name: str) -> list[str]:
        """The neuron ids of the named layer, in order (empty when there is no such layer)."""
        return list(self._members.get((name, ""), []))

    def layer_shape(self, name: str) -> tuple[int, int, int] | None:
        """(channels, height, width) of a layer that a convolution reads or writes, else None."""
        conv = self.convolutions.get(name)
        if conv is not None:
            return conv.out_shape
        for other in self.convolutions.values():
            if other.source == name:
                return other.in_shape
        return None

    def _put_convolution(self, conv: Convolution) -> None:
        where = f"the {conv.kind.value} into layer {conv.target!r}"
        if conv.target in self.convolutions:
            raise GraphError(f"layer {conv.target!r} is already fed by a convolution or pooling")
        if conv.source == conv.target:
            raise GraphError(f"{where} reads its own layer")
        sources, targets = self.layer_members(conv.source), self.layer_members(conv.target)
        if not sources:
            raise GraphError(f"{where} reads layer {conv.source!r}, which this network does not have")
        if not targets:
            raise GraphError(f"{where}: this network has no layer {conv.target!r}")
        c, h, w = conv.in_shape
        if len(sources) != c * h * w:
            raise GraphError(
                f"{where} reads {c} x {h} x {w} = {c * h * w:,} values, but layer {conv.source!r} "
                f"has {len(sources):,} neurons"
            )
        oc, oh, ow = conv.out_shape
        if len(targets) != oc * oh * ow:
            raise GraphError(
                f"{where} makes {oc} x {oh} x {ow} = {oc * oh * ow:,} values, but layer {conv.target!r} "
                f"has {len(targets):,} neurons"
            )
        source_roles = {self.neurons[n].role for n in sources}
        if source_roles != {Role.INPUT} and conv.source not in self.convolutions:
            raise GraphError(
                f"{where} reads layer {conv.source!r}: a convolution or pooling reads the input image or "
                f"another convolution or pooling layer"
            )
        for nid in targets:
            if self.neurons[nid].role is Role.INPUT:
                raise GraphError(f"{where}: input {nid!r} takes its value from the image")
        for nid in sources:
            if self.neurons[nid].role is Role.OUTPUT:
                raise GraphError(f"{where}: output {nid!r} cannot feed other neurons")
        block = self.edges.blocks.get((conv.target, ""))
        if block is not None and block.count:
            raise GraphError(f"layer {conv.target!r} already has single connections into it")
        self.convolutions[conv.target] = conv
        self._depth_cache = None

    def add_convolution(self, conv: Convolution) -> None:
        """Feed an existing layer by a convolution or pooling of another (see :mod:`nnstudio.engine.conv`)."""
        self._put_convolution(conv)
        self._changed(structural=True)
        self.events.structure.emit()

    def set_convolution_values(
        self, layer: str, kernel: np.ndarray | None = None, bias: np.ndarray | None = None
    ) -> None:
        """Set the kernels (kernels, in channels, size, size) and/or biases of the convolution into
        ``layer`` (a hand edit of a kernel): one ``parameters`` event, no change of structure."""
        conv = self.convolutions.get(layer)
        if conv is None or conv.kernel is None or conv.bias is None:
            raise GraphError(f"layer {layer!r} is not fed by a convolution")
        new_kernel = conv.kernel if kernel is None else np.asarray(kernel, dtype=np.float64)
        new_bias = conv.bias if bias is None else np.asarray(bias, dtype=np.float64)
        if new_kernel.shape != conv.kernel.shape or new_bias.shape != conv.bias.shape:
            raise GraphError(
                f"the kernels of {layer!r} are shaped {conv.kernel.shape} with {conv.bias.size} biases"
            )
        if not (np.isfinite(new_kernel).all() and np.isfinite(new_bias).all()):
            raise GraphError("kernels and biases must be finite numbers")
        conv.kernel[...] = new_kernel
        conv.bias[...] = new_bias
        self._changed()
        self.events.parameters.emit()

    def _put_neuron(self, neuron: Neuron) -> None:
        self.neurons[neuron.id] = neuron
        if neuron.layer:
            key = layer_key(neuron.layer, neuron.id)
            self._members.setdefault(key, []).append(neuron.id)
            block = self.edges.blocks.get(key)
            if block is not None:
                self.edges.ensure_block(key, [neuron.id])

    def _key(self, nid: str) -> LayerKey:
        return layer_key(self.neurons[nid].layer, nid)

    def _key_map(self, targets: Iterable[str]) -> dict[str, LayerKey]:
        return {t: self._key(t) for t in targets}

    def _members_view(self) -> _Members:
        return _Members(self._members)

    def _put_dense(self, links: DenseLinks) -> None:
        sources, targets = list(links.sources), list(links.targets)
        weight = np.asarray(links.weight, dtype=np.float64)
        if weight.shape != (len(targets), len(sources)):
            raise GraphError(
                f"a matrix of connections is shaped {weight.shape}, not {len(targets)} x {len(sources)}"
            )
        if not np.isfinite(weight).all():
            raise GraphError("a matrix of connections holds weights that are not finite numbers")
        for nid in sources + targets:
            if nid not in self.neurons:
                raise GraphError(
                    f"a matrix of connections names {nid!r}, which is not a neuron of this network"
                )
        keys = {self._key(t) for t in targets}
        for key in keys:
            if key[0] in self.convolutions:
                raise GraphError(f"layer {key[0]!r} takes its values from a convolution or pooling")
        if len(keys) != 1:
            raise GraphError("the targets of one matrix of connections must form one layer")
        if len(set(sources)) != len(sources) or len(set(targets)) != len(targets):
            raise GraphError("a matrix of connections names a neuron twice")
        for t in targets:
            if self.neurons[t].role is Role.INPUT:
                raise GraphError(f"input {self.neurons[t].display_name!r} takes its value from the image")
        for s in sources:
            if self.neurons[s].role is Role.OUTPUT:
                raise GraphError(f"output {self.neurons[s].display_name!r} cannot feed other neurons")
        if set(sources) & set(targets):
            raise GraphError("a neuron cannot connect to itself")
        (key,) = keys
        block = self.edges.ensure_block(key, self._members.get(key, targets))
        existing = [s for s in sources if s in block.col_of]
        if existing:
            rows = [block.row_of[t] for t in targets]
            cols = [block.col_of[s] for s in existing]
            mine = [sources.index(s) for s in existing]
            wanted = (
                np.ones((len(rows), len(cols)), bool) if links.present is None else links.present[:, mine]
            )
            if (block.present[np.ix_(rows, cols)] & wanted).any():
                raise GraphError("a matrix of connections repeats a connection that is already there")
        present = np.ones(weight.shape, bool) if links.present is None else np.asarray(links.present, bool)
        frozen = np.zeros(weight.shape, bool) if links.frozen is None else np.asarray(links.frozen, bool)
        if present.shape != weight.shape or frozen.shape != weight.shape:
            raise GraphError("the masks of a matrix of connections are not shaped like its weights")
        frozen = frozen & present
        weight = np.where(present, weight, 0.0)
        rows = np.fromiter((block.row_of[t] for t in targets), dtype=np.intp, count=len(targets))
        if len(rows) == len(block.targets) and np.array_equal(rows, np.arange(len(rows))):
            self.edges.put_block(block, sources, weight, present, frozen)
        else:
            shape = (len(block.targets), len(sources))
            full_w, full_p, full_f = np.zeros(shape), np.zeros(shape, bool), np.zeros(shape, bool)
            full_w[rows], full_p[rows], full_f[rows] = weight, present, frozen
            self.edges.put_block(block, sources, full_w, full_p, full_f)

    # ----------------------------------------------------------------- queries
    def __contains__(self, item_id: str) -> bool:
        return item_id in self.neurons or item_id in self.edges

    def inputs(self) -> list[Neuron]:
        return [n for n in self.neurons.values() if n.role is Role.INPUT]

    def outputs(self) -> list[Neuron]:
        return [n for n in self.neurons.values() if n.role is Role.OUTPUT]

    def incoming(self, neuron_id: str) -> list[Edge]:
        return self.edges.into(neuron_id)

    def outgoing(self, neuron_id: str) -> list[Edge]:
        return self.edges.out_of(neuron_id)

    def edge_between(self, source: str, target: str) -> Edge | None:
        if self.edges.locate(source, target) is None:
            return None
        return self.edges[self.edges.id_of(source, target)]

    def new_neuron_id(self, prefix: str = "n") -> str:
        i = len(self.neurons)
        while f"{prefix}{i}" in self.neurons:
            i += 1
        return f"{prefix}{i}"

    def layers(self) -> list[tuple[str, list[str]]]:
        """(name, neuron ids) for every layer in network order; a lone neuron's layer is named by its id."""
        seen: dict[LayerKey, list[str]] = {}
        for nid, neuron in self.neurons.items():
            seen.setdefault(layer_key(neuron.layer, nid), []).append(nid)
        return [(key[0] or key[1], ids) for key, ids in seen.items()]

    def blocks(self) -> list[ConnectionBlock]:
        """The weight matrices, one per layer that has incoming connections (read them, never write)."""
        return list(self.edges.blocks.values())

    def depths(self) -> dict[str, int]:
        """Each neuron's depth: 0 for inputs, else one more than the deepest neuron feeding it (at least 1);
        kept until the structure changes (see :func:`nnstudio.engine.depth.depths`)."""
        cached = self._depth_cache
        if cached is not None and cached[0] == self.structure_revision:
            return cached[1]
        found = depth.depths(self)
        self._depth_cache = (self.structure_revision, found)
        return found

    def levels(self) -> list[list[str]]:
        """Neuron ids grouped by depth: level 0 holds the inputs, the last level holds every output.

        Outputs are all put in the last level so that a softmax over them sees every output at once.
        """
        return depth.levels(self)

    def topological_order(self) -> list[str]:
        """Neuron ids, each after every neuron feeding it; raises :class:`GraphError` naming a loop."""
        return depth.topological_order(self)

    def check_acyclic(self) -> None:
        """Raise :class:`GraphError` naming a loop if the connections form one."""
        self._depth_cache = None
        self.depths()

    # ----------------------------------------------------------------- validation
    def _check_new_neuron(self, neuron: Neuron) -> None:
        if not neuron.id or not isinstance(neuron.id, str) or ">" in neuron.id:
            raise GraphError(f"neuron id {neuron.id!r} is not allowed (a non-empty name without '>')")
        if neuron.id in self.neurons:
            raise GraphError(f"there is already a neuron with id {neuron.id!r}")
        if neuron.activation not in ACTIVATIONS:
            raise GraphError(f"neuron {neuron.id!r}: unknown activation {neuron.activation!r}")
        if ACTIVATIONS[neuron.activation].joint and neuron.role is not Role.OUTPUT:
            raise GraphError(
                f"neuron {neuron.display_name!r}: {neuron.activation} works over the outputs; make it an output"
            )
        if not isinstance(neuron.layer, str) or ">" in neuron.layer:
            raise GraphError(f"neuron {neuron.id!r}: layer name {neuron.layer!r} is not allowed")

    def _check_new_edge(self, edge: Edge, *, check_cycle: bool = True, duplicate: bool | None = None) -> None:
        """Raise GraphError if ``edge`` may not be added. ``duplicate`` says whether the pair is already
        connected when the caller knows; None looks it up."""
        if edge.id in self.edges:
            raise GraphError(f"there is already an edge with id {edge.id!r}")
        if not edge.id or not isinstance(edge.id, str):
            raise GraphError(f"edge id {edge.id!r} is not allowed")
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
        if target.layer in self.convolutions:
            raise GraphError(
                f"{target.display_name!r} takes its value from a convolution or pooling, not from a connection"
            )
        if source.role is Role.OUTPUT:
            raise GraphError(
                f"output {source.display_name!r} is the end of the network; it cannot feed other neurons"
            )
        if not duplicate:
            duplicate = self.edges.locate(edge.source, edge.target) is not None
        if duplicate:
            raise GraphError(f"{source.display_name!r} is already connected to {target.display_name!r}")
        if (
            edge.id != f"{edge.source}>{edge.target}"
            and ">" in edge.id
            and edge.id.partition(">")[0] in self.neurons
        ):
            raise GraphError(f"edge id {edge.id!r} names another pair of neurons")
        if check_cycle:
            path = depth.path_between(self, edge.target, edge.source)
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

    def _attach(self, edges: list[Edge]) -> None:
        self.edges.put(edges, self._key_map(e.target for e in edges), self._members_view())
        self._depth_cache = None

    def _detach(self, pairs: list[tuple[str, str]]) -> None:
        self.edges.cut(pairs)
        self._depth_cache = None

    def add_neurons(
        self,
        neurons: Iterable[Neuron],
        edges: Iterable[Edge] = (),
        order: Mapping[str, int] | None = None,
    ) -> None:
        """Add neurons (and edges among or to them) as one change; ``order`` (id -> index among the
        network's neurons) puts them back where they were (undo)."""
        neurons = list(neurons)
        edges = list(edges)
        for neuron in neurons:
            self._check_new_neuron(neuron)
        ids = [n.id for n in neurons]
        if len(set(ids)) != len(ids):
            raise GraphError("two new neurons share an id")
        for neuron in neurons:
            self._put_neuron(neuron)
        self._depth_cache = None
        try:
            self._add_edges_checked(edges)
        except GraphError:
            for neuron in neurons:
                self._forget_neuron(neuron.id)
            raise
        if order:
            self._reorder(order)
        self._restore_dropped()
        self._changed(structural=True)
        self.events.structure.emit()

    def _restore_dropped(self) -> None:
        # Again while any comes back: a pooling can return only after the convolution it reads.
        restored = True
        while restored:
            restored = False
            for name, conv in list(self._dropped.items()):
                try:
                    self._put_convolution(conv)
                except GraphError:
                    continue  # its layers are not whole yet
                del self._dropped[name]
                restored = True

    def add_neuron(self, neuron: Neuron) -> None:
        self.add_neurons([neuron])

    def _add_edges_checked(self, edges: list[Edge]) -> None:
        """Check and add edges one by one (each may not close a loop with those before it); all or none."""
        added: list[tuple[str, str]] = []
        try:
            for edge in edges:
                self._check_new_edge(edge)
                self._attach([edge])
                added.append((edge.source, edge.target))
        except GraphError:
            self._detach(added)
            raise

    def _reorder(self, indices: Mapping[str, int]) -> None:
        order = [nid for nid in self.neurons if nid not in indices]
        for nid, index in sorted(indices.items(), key=lambda kv: kv[1]):
            order.insert(min(index, len(order)), nid)
        self.neurons = {nid: self.neurons[nid] for nid in order}

    def _forget_neuron(self, nid: str) -> None:
        neuron = self.neurons.pop(nid, None)
        if neuron is None:
            return
        self._detach([(e.source, e.target) for e in self.edges.into(nid) + self.edges.out_of(nid)])
        self.edges.forget_neuron(nid)
        if neuron.layer:
            key = layer_key(neuron.layer, nid)
            members = self._members.get(key, [])
            if nid in members:
                members.remove(nid)
            if not members:
                self._members.pop(key, None)
        self._depth_cache = None

    def remove(
        self, neuron_ids: Iterable[str] = (), edge_ids: Iterable[str] = ()
    ) -> tuple[list[tuple[int, Neuron]], list[Edge]]:
        """Remove neurons (with every edge touching them) and edges as one change.

        Returns what was removed, with each neuron's former index, so an undo can put it all back.
        """
        neuron_ids = [nid for nid in dict.fromkeys(neuron_ids) if nid in self.neurons]
        order = {nid: i for i, nid in enumerate(self.neurons)}
        removed: dict[str, Edge] = {}
        for eid in edge_ids:
            if eid not in removed and eid in self.edges:
                removed[eid] = self.edges[eid]
        for nid in neuron_ids:
            for edge in self.edges.into(nid) + self.edges.out_of(nid):
                removed.setdefault(edge.id, edge)
        removed_edges = list(removed.values())
        self._detach([(e.source, e.target) for e in removed_edges])
        removed_neurons = [(order[nid], self.neurons[nid]) for nid in neuron_ids]
        # A convolution cannot feed or read a layer that lost neurons: its shape no longer fits.
        touched = {self.neurons[nid].layer for nid in neuron_ids} - {""}
        for name in [n for n, c in self.convolutions.items() if n in touched or c.source in touched]:
            self._dropped[name] = self.convolutions.pop(name)
        for nid in neuron_ids:
            self._forget_neuron(nid)
        if removed_edges or removed_neurons:
            self._changed(structural=True)
            self.events.structure.emit()
        return removed_neurons, removed_edges

    def add_edges(self, edges: Iterable[Edge]) -> None:
        edges = list(edges)
        self._add_edges_checked(edges)
        if edges:
            self._changed(structural=True)
            self.events.structure.emit()

    def add_edge(self, edge: Edge) -> None:
        self.add_edges([edge])

    def _located(self, eid: str) -> tuple[str, str]:
        pair = self.edges.pair_of(eid)
        if pair is None or self.edges.locate(*pair) is None:
            raise KeyError(eid)
        return pair

    def set_weights(self, weights: Mapping[str, float]) -> None:
        pairs = {eid: self._located(eid) for eid in weights}
        for eid, w in weights.items():
            finite(w, f"the weight of {eid!r}")
        for eid, w in weights.items():
            self.edges.set_value(*pairs[eid], weight=float(w))
        if weights:
            self._changed()
            self.events.weights.emit(list(weights))

    def set_frozen(self, frozen: Mapping[str, bool]) -> None:
        pairs = {eid: self._located(eid) for eid in frozen}
        for eid, f in frozen.items():
            self.edges.set_value(*pairs[eid], frozen=bool(f))
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
                if name not in Neuron.__slots__ or name in ("id", "layer"):
                    raise GraphError(f"a neuron has no field {name!r} that can be set")
                if name == "role":
                    try:
                        value = Role(value)
                    except ValueError:
                        raise GraphError(f"unknown role {value!r} (input, hidden or output)") from None
                if name == "bias":
                    value = finite(value, f"{trial.display_name!r}: {name}")
                setattr(trial, name, value)
            if trial.activation not in ACTIVATIONS:
                raise GraphError(f"unknown activation {trial.activation!r}")
            if ACTIVATIONS[trial.activation].joint and trial.role is not Role.OUTPUT:
                raise GraphError(
                    f"{trial.display_name!r}: {trial.activation} works over the outputs; make it an output first"
                )
            if trial.role is Role.INPUT and self.edges.source_ids(nid):
                raise GraphError(f"{trial.display_name!r} has incoming connections, so it cannot be an input")
            if trial.role is Role.OUTPUT and self.edges.target_ids(nid):
                raise GraphError(f"{trial.display_name!r} feeds other neurons, so it cannot be an output")

    def set_neuron_fields(self, changes: Mapping[str, Mapping[str, object]]) -> None:
        """Set fields of several neurons, e.g. ``{"h1": {"bias": 0.5, "activation": "relu"}}``.

        Role and activation changes are checked against the edges already there (:meth:`check_neuron_fields`).
        Only a new label leaves the maths alone: then no revision is counted. (Where a neuron sits on the
        canvas is no business of the network's: see :mod:`nnstudio.document.layout`.)
        """
        self.check_neuron_fields(changes)
        structural = False
        maths = False
        for nid, fields in changes.items():
            neuron = self.neurons[nid]
            for name, value in fields.items():
                if name == "role":
                    value = Role(value)
                    structural = structural or value is not neuron.role
                if name == "bias":
                    value = float(value)  # type: ignore[arg-type]
                if name != "label":
                    maths = True
                setattr(neuron, name, value)
            if "activation" in fields:
                structural = True
        if changes:
            if maths:
                self._changed(structural=structural)
            if structural:
                self._depth_cache = None
                self.events.structure.emit()
            self.events.neurons.emit(list(changes))

    def set_parameters(
        self, weights: Mapping[str, float] | None = None, biases: Mapping[str, float] | None = None
    ) -> None:
        """Bulk write-back of weights and biases by id (randomising, undo): one event, no per-edge signals."""
        for eid, w in (weights or {}).items():
            self.edges.set_value(*self._located(eid), weight=float(w))
        for nid, b in (biases or {}).items():
            self.neurons[nid].bias = float(b)
        self._changed()
        self.events.parameters.emit()

    def write_blocks(
        self,
        weights: Mapping[LayerKey, np.ndarray],
        biases: Mapping[str, float],
        before_event: Callable[[int], object] | None = None,
        kernels: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        """Write whole weight matrices (training's results): every present, unfrozen connection of the block
        ``key`` takes its value from ``weights[key]``, shaped like the block. One ``parameters`` event;
        ``before_event(revision)`` is called just before it (a plan that already holds these values says
        so, and its listeners need not copy them again)."""
        for key, values in weights.items():
            block = self.edges.blocks[key]
            if block.full and not block.frozen.any():
                np.copyto(block.weight, values, casting="unsafe")
            else:
                np.copyto(block.weight, values, where=block.present & ~block.frozen, casting="unsafe")
        for nid, b in biases.items():
            self.neurons[nid].bias = float(b)
        for name, (kernel, bias) in (kernels or {}).items():
            conv = self.convolutions[name]
            assert conv.kernel is not None and conv.bias is not None
            np.copyto(conv.kernel, kernel, casting="unsafe")
            np.copyto(conv.bias, bias, casting="unsafe")
        self._changed()
        if before_event is not None:
            before_event(self.revision)
        self.events.parameters.emit()

    def __iter__(self) -> Iterator[Neuron]:
        return iter(self.neurons.values())

    def __repr__(self) -> str:
        return f"Network({len(self.neurons)} neurons, {len(self.edges)} edges)"


class _Members(Mapping[LayerKey, list[str]]):
    """The neurons of a layer: a named layer's members, or the one neuron a lone neuron's layer holds."""

    def __init__(self, named: dict[LayerKey, list[str]]) -> None:
        self._named = named

    def __getitem__(self, key: LayerKey) -> list[str]:
        return self._named.get(key) or [key[1]]

    def __iter__(self) -> Iterator[LayerKey]:
        return iter(self._named)

    def __len__(self) -> int:
        return len(self._named)
