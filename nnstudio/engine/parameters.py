"""Moving weights and biases between a compiled plan and its network, by id or by whole matrix.

Training runs on a plan (flat float32 arrays); the network is what views show and what undo edits. These
helpers carry results across: as dictionaries by id for small, exact changes (one training step, an undo
step), and as whole matrices for everything that scales with the connection count (a training frame, a
snapshot of a million weights).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .connections import LayerKey
from .graph import Network
from .plan import Plan

Array = np.ndarray


def parameters_to_dicts(plan: Plan, parameters: list[Array]) -> tuple[dict[str, float], dict[str, float]]:
    """Weights by edge id and biases by neuron id from a parameter list shaped like ``plan.parameters()``."""
    flat = plan.flat_from(parameters)
    return plan.weights_by_edge(flat), plan.biases_by_neuron(flat)


def trainable_parameters(
    network: Network, plan: Plan, parameters: list[Array]
) -> tuple[dict[str, float], dict[str, float]]:
    """Like :func:`parameters_to_dicts`, without frozen edges: their weights stay exactly as they are."""
    weights, biases = parameters_to_dicts(plan, parameters)
    edges = network.edges
    return {e: w for e, w in weights.items() if not edges[e].frozen}, biases


def current_parameters(network: Network, plan: Plan) -> tuple[dict[str, float], dict[str, float]]:
    """The network's weights of every edge that may train and biases of every non-input neuron."""
    weights = {e.id: e.weight for e in network.edges.values() if not e.frozen}
    neurons = network.neurons
    biases = {nid: neurons[nid].bias for level in plan.levels[1:] for nid in level.ids}
    return weights, biases


def same_parameters(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] for k in a)


@dataclass(frozen=True, slots=True)
class ParameterSnapshot:
    """Every weight matrix and bias of a network at one moment (copies), to compare or put back."""

    structure_revision: int
    weights: dict[LayerKey, Array]
    biases: dict[str, float]

    @classmethod
    def of(cls, network: Network) -> ParameterSnapshot:
        return cls(
            network.structure_revision,
            {key: block.weight.copy() for key, block in network.edges.blocks.items()},
            {nid: n.bias for nid, n in network.neurons.items()},
        )

    @classmethod
    def from_plan(cls, network: Network, plan: Plan, flat: Array | None = None) -> ParameterSnapshot:
        """The network's parameters as they would be with the plan's (or ``flat``'s) values written back:
        connections that may train and biases take the plan's values, frozen ones keep their own."""
        values = plan.block_values(flat)
        weights = {}
        for key, block in network.edges.blocks.items():
            weight = block.weight.copy()
            if key in values:
                np.copyto(weight, values[key], where=block.present & ~block.frozen, casting="unsafe")
            weights[key] = weight
        biases = {nid: n.bias for nid, n in network.neurons.items()}
        biases.update(plan.biases_by_neuron(flat))
        return cls(network.structure_revision, weights, biases)

    def same_as(self, other: ParameterSnapshot) -> bool:
        return (
            self.biases == other.biases
            and self.weights.keys() == other.weights.keys()
            and all(np.array_equal(w, other.weights[k]) for k, w in self.weights.items())
        )

    def restore(self, network: Network) -> None:
        """Put these values back (one ``parameters`` event); the structure must be the one they came from."""
        if network.structure_revision != self.structure_revision:
            raise ValueError("the network's structure changed since the snapshot was taken")
        network.write_blocks(self.weights, self.biases)


class NetworkWriter:
    """Writes parameter lists shaped like a plan's into the network, one numpy step per weight matrix, then
    announces one ``parameters`` change. Frozen edges are left alone (training cannot change them, and a
    trip through float32 would). Use it only while the network's structure is the one the plan was
    compiled from (:attr:`valid`).
    """

    def __init__(self, network: Network, plan: Plan) -> None:
        self.network = network
        self.plan = plan
        self.structure_revision = network.structure_revision

    @property
    def valid(self) -> bool:
        return self.network.structure_revision == self.structure_revision

    def write(self, parameters: list[Array]) -> None:
        self.plan.write_back(self.network, self.plan.flat_from(parameters))
