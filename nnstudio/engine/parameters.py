"""Moving weights and biases between a compiled plan and its network as whole matrices.

Training runs on a plan (flat float32 arrays); the network is what views show and what undo edits. These
carry results across in numpy steps per weight matrix, whatever the connection count: a run's weights into
the network (:class:`NetworkWriter`), every weight at one moment (:class:`ParameterSnapshot`, for undo), and
one flat copy seen as a plan's parameter list (:func:`parameter_views`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .connections import LayerKey
from .graph import Network
from .plan import Plan

Array = np.ndarray


@dataclass(frozen=True, slots=True)
class ParameterSnapshot:
    """Every weight matrix and bias of a network at one moment (copies), to compare or put back."""

    structure_revision: int
    weights: dict[LayerKey, Array]
    biases: dict[str, float]
    # Each convolution's (kernel, bias), by the layer it feeds.
    kernels: dict[str, tuple[Array, Array]] = field(default_factory=dict)

    @classmethod
    def of(cls, network: Network) -> ParameterSnapshot:
        return cls(
            network.structure_revision,
            {key: block.weight.copy() for key, block in network.edges.blocks.items()},
            {nid: n.bias for nid, n in network.neurons.items()},
            {
                name: (c.kernel.copy(), c.bias.copy())
                for name, c in network.convolutions.items()
                if c.kernel is not None and c.bias is not None
            },
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
        kernels = {
            name: (kernel.astype(np.float64), bias.astype(np.float64))
            for name, (kernel, bias) in plan.conv_values(flat).items()
        }
        return cls(network.structure_revision, weights, biases, kernels)

    def same_as(self, other: ParameterSnapshot) -> bool:
        return (
            self.biases == other.biases
            and self.weights.keys() == other.weights.keys()
            and all(np.array_equal(w, other.weights[k]) for k, w in self.weights.items())
            and self.kernels.keys() == other.kernels.keys()
            and all(
                np.array_equal(k, other.kernels[name][0]) and np.array_equal(b, other.kernels[name][1])
                for name, (k, b) in self.kernels.items()
            )
        )

    def restore(self, network: Network) -> None:
        """Put these values back (one ``parameters`` event); the structure must be the one they came from."""
        if network.structure_revision != self.structure_revision:
            raise ValueError("the network's structure changed since the snapshot was taken")
        network.write_blocks(self.weights, self.biases, kernels=self.kernels)


def parameter_views(plan: Plan, flat: Array) -> list[Array]:
    """``flat`` (laid out like ``plan.flat``) seen as the plan's parameter list (:meth:`Plan.parameters`:
    weights per block, biases per level, each convolution's stretch): views, nothing copied."""
    weights, biases = plan.views(flat)
    return weights + biases[1:] + [flat[c.parameter_slice()] for c in plan.convs if c.n_parameters]


class NetworkWriter:
    """Writes a run's parameters (a flat array laid out like the plan's, or a parameter list shaped like
    :meth:`Plan.parameters`) into the network, one numpy step per weight matrix, then announces one
    ``parameters`` change. Frozen edges are left alone (training cannot change them, and a trip through
    float32 would). Use it only while the network's structure is the one the plan was compiled from
    (:attr:`valid`).
    """

    def __init__(self, network: Network, plan: Plan, mirror: Plan | None = None) -> None:
        self.network = network
        self.plan = plan
        # The window's own plan of the same network: it takes the values in one copy (or none, when it
        # already shows them), and is current when the event goes out.
        self.mirror = mirror
        self.structure_revision = network.structure_revision

    @property
    def valid(self) -> bool:
        return self.network.structure_revision == self.structure_revision

    def write(self, parameters: list[Array] | Array, *, mirror_holds_them: bool = False) -> None:
        """Write ``parameters`` into the network. ``mirror_holds_them``: the mirror already holds exactly
        these values (they were shown through it), so it is only marked current."""
        flat = parameters if isinstance(parameters, np.ndarray) else self.plan.flat_from(parameters)
        mirror = self.mirror
        if mirror is not None and mirror.structure_revision != self.network.structure_revision:
            mirror = None
        if mirror is not None and mirror_holds_them:

            def mark(revision: int) -> None:
                self.plan.revision = revision
                mirror.revision = revision

            self.network.write_blocks(
                self.plan.block_values(flat),
                self.plan.biases_by_neuron(flat),
                before_event=mark,
                kernels=self.plan.conv_values(flat),
            )
            return
        self.plan.write_back(self.network, flat, mirror)
