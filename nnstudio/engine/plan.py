"""Compile a :class:`~nnstudio.engine.graph.Network` into an execution plan and run it forward and backward.

Neurons are grouped in levels by depth. Each level's weighted sums are ONE matrix product: the activations
of every level that feeds it, side by side, times a weight matrix ``W`` shaped (targets, sources), so
``z = a @ W.T + b`` for a batch of rows. A missing connection is a zero that a mask keeps at zero; a frozen
one is masked out of training. A hand-built 2x2 network, a chain of 20,000 neurons and a dense
784-1024-1024-10 run through the same code; the dense one has one product per layer and no mask at all.

Every weight and bias lives in one flat buffer (:attr:`Plan.flat`); each product's ``W`` and each level's
bias is a view into it. The plan is also the one translator between the network's ids and that buffer:
:meth:`Plan.parameter_index`, :meth:`Plan.edge_index`, :meth:`Plan.write_back` and
:meth:`Plan.read_parameters`; nothing outside the engine needs to know where a weight sits.

A layer fed by a convolution or pooling (:mod:`nnstudio.engine.conv`) is a level of its own, computed by a
:class:`~nnstudio.engine.conv.ConvBlock` instead of a matrix product; its kernels and biases sit after
every other parameter in :attr:`Plan.flat`, and its neurons' own biases are held at zero.

Each responsibility has a module of its own; their public names are importable from here:
:mod:`~nnstudio.engine.plan_compile` turns a network into levels and blocks (:func:`compile_network`),
:mod:`~nnstudio.engine.plan_running` runs them forward and backward, :mod:`~nnstudio.engine.plan_parameters`
translates between ids and the flat buffer, and :mod:`~nnstudio.engine.plan_parts` holds the pieces (levels,
blocks, forward results, gradients).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .conv import ConvBlock
from .plan_parameters import PlanParameters
from .plan_parts import Block, BlockMap, ForwardResult, Gradients, Level
from .plan_running import PlanRunning

Array = np.ndarray

__all__ = ["Block", "ForwardResult", "Gradients", "Level", "Plan", "compile_network"]


@dataclass
class Plan(PlanRunning, PlanParameters):
    """Levels and blocks of a compiled network (see the module's description)."""

    levels: list[Level]
    blocks: list[Block]
    dtype: np.dtype
    revision: int
    structure_revision: int
    flat: Array
    # 1 where training may change the parameter, 0 for missing and frozen edges; None when everything may.
    flat_trainable: Array | None
    position: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Where each block's weights, then each level's biases (levels 1..), start in the flat buffer.
    offsets: list[int] = field(default_factory=list)
    n_connections: int = 0
    maps: list[BlockMap] = field(default_factory=list)
    # Connections known by an id other than "source>target".
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The convolutions and poolings, in level order; their parameters come last in :attr:`flat`.
    convs: list[ConvBlock] = field(default_factory=list)

    # ------------------------------------------------------------------ shape
    @property
    def input_ids(self) -> list[str]:
        return self.levels[0].ids

    @property
    def output_ids(self) -> list[str]:
        return self.levels[-1].ids

    @property
    def n_inputs(self) -> int:
        return len(self.levels[0].ids)

    @property
    def n_outputs(self) -> int:
        return len(self.levels[-1].ids)

    @property
    def n_parameters(self) -> int:
        """Weights and biases a person can set: connections, the biases of neurons, kernels and their
        biases (a shaped layer's neurons have no bias of their own)."""
        shaped = sum(len(self.levels[c.target].ids) for c in self.convs)
        kernels = sum(c.n_parameters for c in self.convs)
        return self.n_connections + sum(len(l.ids) for l in self.levels[1:]) - shaped + kernels

    def __post_init__(self) -> None:
        self._prepare_running()
        self._prepare_parameters()


# compile_network builds a Plan, so its module imports this one and comes after the class.
from .plan_compile import compile_network  # noqa: E402
