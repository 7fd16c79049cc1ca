"""A compiled network described level by level, in the terms an exporter writes out.

Level ``k`` takes the activations of the levels ``first .. k-1`` side by side (one matrix when it is fed by
its predecessor only, a concatenation when a connection skips levels), multiplies them by ``W.T`` (``W``
shaped (neurons, sources), zero where a hand-built network has no connection) and adds the bias. Its
neurons then apply their activations: one for the whole level, or one per group of columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..document.model import Document
from ..engine.graph import GraphError
from ..engine.plan import compile_network

Array = np.ndarray


class ExchangeError(ValueError):
    """A network or file that cannot be exported or imported; the message says why and what to do."""


@dataclass(frozen=True)
class ConvLink:
    """What feeds a level made by a convolution or a pooling: the source level's neurons ``columns`` (None:
    all of them) seen as images ``in_shape`` (channels, height, width), and the link's geometry.
    ``kind`` is ``conv2d``, ``maxpool`` or ``avgpool``; only a convolution has ``kernel`` (kernels, in
    channels, size, size) and ``bias`` (kernels,). Its output, (channels, height, width) flattened in that
    order, is the level's neurons."""

    kind: str
    source: int
    columns: Array | None
    in_shape: tuple[int, int, int]
    out_shape: tuple[int, int, int]
    size: int
    stride: int
    padding: int
    kernel: Array | None = None
    bias: Array | None = None

    @property
    def n_parameters(self) -> int:
        return 0 if self.kernel is None or self.bias is None else self.kernel.size + self.bias.size


@dataclass(frozen=True)
class Level:
    """One level after the inputs: ``activations`` pairs a name with the columns it covers (None: all).

    A level fed by connections has ``W`` (neurons, neurons of levels ``first_source`` .. ``index - 1``);
    a level fed by a convolution or pooling has ``conv`` instead (and ``W`` is None). Either way the level's
    own ``bias`` is added to the sums before the activations."""

    index: int
    name: str
    first_source: int
    W: Array | None
    bias: Array
    activations: list[tuple[str, Array | None]]
    conv: ConvLink | None = None

    @property
    def size(self) -> int:
        return self.bias.shape[0]

    @property
    def n_parameters(self) -> int:
        own = self.W.size if self.W is not None else 0
        return own + self.bias.size + (self.conv.n_parameters if self.conv is not None else 0)


@dataclass(frozen=True)
class NetworkDescription:
    title: str
    input_name: str
    output_name: str
    input_labels: list[str]
    output_labels: list[str]
    sizes: list[int]
    levels: list[Level]
    grid: tuple[int, int] | None = None
    value_range: tuple[float, float] = (-1.0, 1.0)
    metadata: dict[str, str] = field(default_factory=dict)
    # How many single connections the network has: a weight of 0 in the file is one, or no connection.
    connections: int = 0

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def n_parameters(self) -> int:
        return sum(level.n_parameters for level in self.levels)


def tensor_name(text: str, fallback: str) -> str:
    """``text`` as an identifier (letters, digits, underscores, not starting with a digit), or ``fallback``."""
    name = re.sub(r"\W+", "_", text.strip()).strip("_")
    if not name:
        return fallback
    return f"_{name}" if name[0].isdigit() else name


def _layer_name(names: set[str], fallback: str) -> str:
    return tensor_name(next(iter(names)), fallback) if len(names) == 1 else fallback


def describe(doc: Document) -> NetworkDescription:
    """The document's network as levels of matrices, in float64 exactly as the engine holds them.

    Raises :class:`ExchangeError` for a network that does not compile (no inputs, a cycle, ...).
    """
    network = doc.network
    try:
        plan = compile_network(network, np.float64)
    except GraphError as exc:
        raise ExchangeError(f"the network cannot run, so it cannot be exported: {exc}") from None
    blocks = {block.target: block for block in plan.blocks}
    convs = {conv.target: conv for conv in getattr(plan, "convs", [])}
    names = [level_name(network, plan.levels[li].ids, li, len(plan.levels)) for li in range(len(plan.levels))]
    levels: list[Level] = []
    for li in range(1, len(plan.levels)):
        level = plan.levels[li]
        block = blocks.get(li)
        conv = convs.get(li)
        link: ConvLink | None = None
        if conv is not None:
            first, W = conv.source, None
            columns = None if isinstance(conv.columns, slice) else np.asarray(conv.columns, dtype=np.int64)
            if isinstance(conv.columns, slice) and conv.columns != slice(None):
                columns = np.arange(len(plan.levels[conv.source].ids))[conv.columns].astype(np.int64)
            link = ConvLink(
                str(conv.kind),
                conv.source,
                columns,
                tuple(conv.in_shape),
                tuple(conv.out_shape),
                conv.size,
                conv.stride,
                conv.padding,
                None if conv.kernel is None else np.array(conv.kernel, dtype=np.float64),
                None if conv.bias is None else np.array(conv.bias, dtype=np.float64),
            )
        elif block is None:
            # No incoming connection at all: the sums are the biases alone.
            first, W = li - 1, np.zeros((len(level.ids), len(plan.levels[li - 1].ids)))
        else:
            first, W = block.sources[0], np.array(block.W, dtype=np.float64)
        groups = [
            (activation.name, None if isinstance(cols, slice) else np.asarray(cols, dtype=np.int64))
            for activation, cols in level.groups
        ]
        levels.append(Level(li, names[li], first, W, np.array(level.bias, dtype=np.float64), groups, link))
    neurons = network.neurons
    inputs = [neurons[n] for n in plan.input_ids]
    outputs = [neurons[n] for n in plan.output_ids]
    return NetworkDescription(
        title=doc.title,
        input_name=_layer_name({n.layer for n in inputs}, "inputs"),
        output_name=_layer_name({n.layer for n in outputs}, "outputs"),
        input_labels=[n.display_name for n in inputs],
        output_labels=[n.display_name for n in outputs],
        sizes=[len(level.ids) for level in plan.levels],
        levels=levels,
        grid=doc.grid,
        value_range=doc.value_range,
        connections=len(doc.network.edges),
    )


def level_name(network, ids: list[str], index: int, count: int) -> str:  # noqa: ANN001 - a Network
    """The layer name the level's neurons share, else ``level{index}`` (``inputs``/``outputs`` at the ends)."""
    if index == 0:
        fallback = "inputs"
    elif index == count - 1:
        fallback = "outputs"
    else:
        fallback = f"level{index}"
    return _layer_name({network.neurons[n].layer for n in ids}, fallback)
