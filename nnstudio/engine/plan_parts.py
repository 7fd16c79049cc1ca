"""The pieces a compiled :class:`~nnstudio.engine.plan.Plan` is made of: its levels, the weight block that
computes each level's sums, where the network's weight matrices sit in those blocks, and the results of
running it (every level's sums and values, and the gradients).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .activations import Activation
from .connections import LayerKey

Array = np.ndarray


@dataclass(slots=True)
class Level:
    ids: list[str]
    bias: Array
    # (activation, columns): columns is a slice when one activation covers the whole level (no copies).
    groups: list[tuple[Activation, slice | Array]]


@dataclass(slots=True)
class Block:
    """The weighted sums of one level: its sources (whole levels, side by side) times ``W``.

    ``W[r, j]`` is the weight from column ``j`` of the sources (level ``sources[k]`` occupies the columns
    from ``starts[k]``) into neuron ``r`` of level ``target``.
    """

    target: int
    sources: list[int]
    starts: list[int]
    W: Array
    # 1 where training may change the weight (the connection exists and is not frozen); None: everywhere.
    trainable: Array | None
    # Where W starts in the plan's flat parameter buffer.
    offset: int

    @property
    def width(self) -> int:
        return self.W.shape[1]

    def parameter_slice(self) -> slice:
        return slice(self.offset, self.offset + self.W.size)

    def gather(self, activations: list[Array]) -> Array:
        """The block's input: the source levels' activations side by side (no copy for one source)."""
        if len(self.sources) == 1:
            return activations[self.sources[0]]
        return np.concatenate([activations[s] for s in self.sources], axis=1)

    def forward(self, activations: list[Array]) -> Array:
        return self.gather(activations) @ self.W.T

    def backward(
        self,
        delta: Array,
        activations: list[Array],
        grad_w: Array,
        grad_a: list[Array | None],
        need_input: bool,
    ) -> None:
        """Write dE/dW into ``grad_w`` and add dE/d(source activations) into ``grad_a``."""
        x = self.gather(activations)
        if delta.shape[0] == 1:
            # One sample: the gradient is an outer product, and a broadcast multiply writes it about three
            # times faster than a matrix product with an inner size of 1.
            np.multiply(delta.T, x, out=grad_w)
        else:
            np.matmul(delta.T, x, out=grad_w)
        wanted = [k for k, s in enumerate(self.sources) if s > 0 or need_input]
        if not wanted:
            return
        back = delta @ self.W
        for k in wanted:
            s = self.sources[k]
            part = (
                back if len(self.sources) == 1 else back[:, self.starts[k] : self.starts[k] + _width(self, k)]
            )
            prev = grad_a[s]
            if prev is None:
                grad_a[s] = part
            else:
                prev += part


def _width(block: Block, k: int) -> int:
    end = block.starts[k + 1] if k + 1 < len(block.starts) else block.width
    return end - block.starts[k]


@dataclass(slots=True)
class Piece:
    """Where part of one of the network's weight matrices sits in the plan: rows ``rows`` and columns
    ``cols`` of the network's block are ``W[r, c]`` of the plan's block for level ``level``."""

    rows: Array | slice
    cols: Array | slice
    level: int
    r: Array | slice
    c: Array | slice


@dataclass(slots=True)
class BlockMap:
    """Where one of the network's weight matrices sits in the plan: as pieces (rows in one level, columns
    from the levels that feed it) for a large matrix, or connection by connection for a small one."""

    key: LayerKey
    targets: list[str]
    sources: list[str]
    shape: tuple[int, int]
    # None when every connection of the block exists (a fully connected layer).
    present: Array | None
    pieces: list[Piece]
    # A small matrix: each connection's row, column and place in the flat buffer (row by row).
    rows: Array | None = None
    cols: Array | None = None
    flat_index: Array | None = None


@dataclass(slots=True)
class ForwardResult:
    """Per level, the weighted sums and activations of a batch: arrays shaped (samples, neurons)."""

    sums: list[Array]
    activations: list[Array]
    # Every level's activations side by side (samples, neurons), when the plan runs a general graph: the
    # activations above are views of it.
    buffer: Array | None = None
    # Per level fed by a convolution or pooling, what its backward pass needs (patches, winning cells).
    kept: dict[int, Any] = field(default_factory=dict)

    @property
    def output(self) -> Array:
        return self.activations[-1]


@dataclass(slots=True)
class Gradients:
    """dE/dW per block, dE/db per level, and each neuron's delta dE/dz (per sample) for showing the chain."""

    weights: list[Array]
    biases: list[Array]
    deltas: list[Array]
    loss: float
    per_sample: Array
    # dE/d(input), when asked for: how to nudge the image rather than the weights.
    inputs: Array | None = None
    # All of the above weights and biases, laid out like the plan's flat buffer.
    flat: Array | None = None


def cross_index(rows: Array | slice, cols: Array | slice) -> tuple:
    if isinstance(rows, slice) or isinstance(cols, slice):
        return (rows, cols) if isinstance(rows, slice) and isinstance(cols, slice) else _mixed(rows, cols)
    return np.ix_(rows, cols)


def _mixed(rows: Array | slice, cols: Array | slice) -> tuple:
    r = rows if not isinstance(rows, slice) else np.arange(rows.start or 0, rows.stop)
    c = cols if not isinstance(cols, slice) else np.arange(cols.start or 0, cols.stop)
    return np.ix_(r, c)


def single_activation(level: Level) -> Activation | None:
    groups = level.groups
    return groups[0][0] if len(groups) == 1 and isinstance(groups[0][1], slice) else None


def activate_level(level: Level, z: Array) -> Array:
    groups = level.groups
    if len(groups) == 1 and isinstance(groups[0][1], slice):
        return groups[0][0].value(z)
    a = np.empty_like(z)
    for act, cols in groups:
        a[:, cols] = act.value(z[:, cols])
    return a


def level_backward(level: Level, z: Array, a: Array, grad_a: Array) -> Array:
    groups = level.groups
    if len(groups) == 1 and isinstance(groups[0][1], slice):
        return groups[0][0].backward(z, a, grad_a)
    delta = np.empty_like(z)
    for act, cols in groups:
        delta[:, cols] = act.backward(z[:, cols], a[:, cols], grad_a[:, cols])
    return delta
