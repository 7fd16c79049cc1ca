"""Ready-made networks: fully connected layers (and convolutions) with the engine's conventional ids.

They are maths only; a document made from one lays its layers out in columns
(:func:`nnstudio.document.layout.layer_positions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..engine.activations import ACTIVATIONS
from ..engine.conv import ConvKind, Convolution
from ..engine.graph import DenseLinks, GraphError, Network, Neuron, Role


def layer_names(count: int) -> list[str]:
    """The layer names: ``input``, ``hidden1``.., ``output``."""
    return ["input"] + [f"hidden{k}" for k in range(1, count - 1)] + ["output"]


def layer_ids(sizes: Sequence[int]) -> list[list[str]]:
    """The neuron ids of each layer: ``i0..`` for the inputs, ``h{layer}_{k}`` hidden, ``o{k}`` outputs."""
    last = len(sizes) - 1
    ids = []
    for layer, size in enumerate(sizes):
        if layer == 0:
            ids.append([f"i{k}" for k in range(size)])
        elif layer == last:
            ids.append([f"o{k}" for k in range(size)])
        else:
            ids.append([f"h{layer}_{k}" for k in range(size)])
    return ids


def dense_network(
    sizes: Sequence[int],
    activations: str | Sequence[str] = "tanh",
    seed: int = 0,
    *,
    grid: tuple[int, int] | None = None,
    output_labels: Sequence[str] | None = None,
) -> Network:
    """A network whose every layer is fully connected to the next, e.g. ``dense_network([784, 16, 16, 10])``.

    ``activations`` is one name for every layer after the inputs, or one name per such layer. Weights are
    drawn uniformly, scaled by the layer's fan-in and fan-out (Xavier), from a generator seeded with
    ``seed``, and rounded to float32; biases start at zero. ``grid=(width, height)`` is checked against the
    inputs (an image needs that many). Raises :class:`GraphError` for sizes or names that cannot work.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise GraphError("a layered network needs at least an input and an output layer, each with a neuron")
    names = [activations] * (len(sizes) - 1) if isinstance(activations, str) else list(activations)
    if len(names) != len(sizes) - 1:
        raise GraphError(
            f"give one activation per layer after the inputs ({len(sizes) - 1}), not {len(names)}"
        )
    for name in names:
        if name not in ACTIVATIONS:
            raise GraphError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}")
    if output_labels is not None and len(output_labels) != sizes[-1]:
        raise GraphError(f"the outputs need {sizes[-1]} labels, not {len(output_labels)}")
    if grid is not None and grid[0] * grid[1] > sizes[0]:
        raise GraphError(f"a {grid[0]} x {grid[1]} image needs {grid[0] * grid[1]} inputs, not {sizes[0]}")
    ids = layer_ids(sizes)
    rng = np.random.default_rng(seed)
    neurons: list[Neuron] = []
    last = len(sizes) - 1
    layers = layer_names(len(sizes))
    for layer, layer_neurons in enumerate(ids):
        role = Role.INPUT if layer == 0 else Role.OUTPUT if layer == last else Role.HIDDEN
        activation = "identity" if layer == 0 else names[layer - 1]
        for k, nid in enumerate(layer_neurons):
            label = output_labels[k] if role is Role.OUTPUT and output_labels is not None else ""
            neurons.append(Neuron(nid, role, activation, 0.0, label, layers[layer]))
    dense: list[DenseLinks] = []
    for sources, targets in zip(ids, ids[1:], strict=False):
        limit = np.sqrt(6.0 / (len(sources) + len(targets)))
        weights = rng.uniform(-limit, limit, (len(targets), len(sources)))
        # Rounded to float32, the precision training works in, so that a saved file keeps them exactly.
        dense.append(DenseLinks(sources, targets, weights.astype(np.float32).astype(np.float64)))
    return Network.from_parts(neurons, dense=dense)


def parse_layer_spec(spec: str) -> tuple[list[int], tuple[int, int] | None]:
    """Layer sizes from text such as ``784-64-64-10``, ``28x28-16-10`` (an image grid as the input layer,
    width x height) or ``2-8-8-1``; with the grid, if one was given. Raises :class:`GraphError` saying why.
    """
    parts = [p.strip() for p in spec.split("-")]
    if len(parts) < 2 or not all(parts):
        raise GraphError(
            f"{spec!r} is not a layer list: give sizes joined by '-', e.g. 784-64-10 or 28x28-16-10"
        )
    sizes: list[int] = []
    grid: tuple[int, int] | None = None
    for k, part in enumerate(parts):
        width, cross, height = part.lower().partition("x")
        if cross and (width.isdigit() or height.isdigit()):
            if k != 0:
                raise GraphError(f"only the input layer can be an image grid ({part!r} is layer {k + 1})")
            if not (width.isdigit() and height.isdigit()):
                raise GraphError(f"{part!r} is not an image size: write it as WIDTHxHEIGHT, e.g. 28x28")
            grid = (int(width), int(height))
            size = grid[0] * grid[1]
        elif part.isdigit():
            size = int(part)
        else:
            raise GraphError(f"{part!r} is not a layer size (a whole number, or WIDTHxHEIGHT for the input)")
        if not 1 <= size <= 100_000:
            raise GraphError(f"a layer needs 1 to 100,000 neurons, not {size:,}")
        sizes.append(size)
    return sizes, grid


# ------------------------------------------------------------------------------------------ convolutional
@dataclass(frozen=True, slots=True)
class ConvLayerSpec:
    """One shaped layer of a spec: a convolution (``kind`` conv2d, ``channels`` kernels) or a pooling."""

    kind: ConvKind
    size: int
    channels: int = 0
    stride: int = 1
    padding: int = 0


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    """A parsed ``nnstudio new`` spec: the input image (channels, height, width) or input count, the shaped
    layers after it, then the sizes of the dense layers (the last is the output)."""

    inputs: int
    grid: tuple[int, int] | None
    shaped: tuple[ConvLayerSpec, ...]
    dense: tuple[int, ...]

    @property
    def convolutional(self) -> bool:
        return bool(self.shaped)


_CONV_TOKEN = re.compile(r"c(\d+)k(\d+)(?:s(\d+))?(?:p(\d+))?")
_POOL_TOKEN = re.compile(r"([pma])(\d+)(?:s(\d+))?")


def parse_network_spec(spec: str) -> NetworkSpec:
    """A layer spec with optional convolution and pooling layers after an image input, e.g.
    ``28x28-c8k5-p2-c16k5-p2-10``: ``cNkK`` is N kernels of K x K (``s2`` after it: stride 2, ``p1``:
    padding 1), ``pN`` (or ``mN``) a max-pool of N x N, ``aN`` an average-pool, each with stride N unless
    ``sS`` follows. Dense sizes come after the last of them (the first dense layer reads the shaped layer
    flattened). Plain specs (``784-64-10``, ``28x28-16-10``) parse as :func:`parse_layer_spec` does.
    Raises :class:`GraphError` saying why."""
    parts = [p.strip().lower() for p in spec.split("-")]
    shaped_at = [k for k, p in enumerate(parts) if _CONV_TOKEN.fullmatch(p) or _POOL_TOKEN.fullmatch(p)]
    if not shaped_at:
        sizes, grid = parse_layer_spec(spec)
        return NetworkSpec(sizes[0], grid, (), tuple(sizes[1:]))
    first, last = shaped_at[0], shaped_at[-1]
    if first != 1 or shaped_at != list(range(first, last + 1)):
        raise GraphError(
            f"{spec!r}: convolution and pooling layers come right after the image input and before "
            f"the dense layers, e.g. 28x28-c8k5-p2-10"
        )
    head, grid = parse_layer_spec(f"{parts[0]}-1")
    if grid is None:
        raise GraphError(f"{spec!r}: a convolution needs an image as input, e.g. 28x28 (WIDTHxHEIGHT)")
    dense_parts = parts[last + 1 :]
    if not dense_parts:
        raise GraphError(f"{spec!r}: end with the number of outputs, e.g. 28x28-c8k5-p2-10")
    sizes, _ = parse_layer_spec("-".join(["1", *dense_parts]))
    shaped: list[ConvLayerSpec] = []
    for part in parts[first : last + 1]:
        conv = _CONV_TOKEN.fullmatch(part)
        if conv is not None:
            channels, size, stride, padding = conv.groups()
            shaped.append(
                ConvLayerSpec(ConvKind.CONV2D, int(size), int(channels), int(stride or 1), int(padding or 0))
            )
            continue
        pool = _POOL_TOKEN.fullmatch(part)
        assert pool is not None
        letter, size, stride = pool.groups()
        kind = ConvKind.AVGPOOL if letter == "a" else ConvKind.MAXPOOL
        shaped.append(ConvLayerSpec(kind, int(size), 0, int(stride or size)))
    return NetworkSpec(head[0], grid, tuple(shaped), tuple(sizes[1:]))


def conv_network(
    spec: NetworkSpec,
    activation: str = "relu",
    output_activation: str = "softmax",
    seed: int = 0,
    *,
    output_labels: Sequence[str] | None = None,
) -> Network:
    """A network from a parsed spec with convolution and pooling layers (see :func:`parse_network_spec`).

    Layers are named ``input``, ``conv1``/``pool1``.. in order, then ``hidden..`` and ``output``; a shaped
    layer's neuron ids are ``<layer>_<channel>_<row>_<column>``. Kernels and dense weights are drawn
    uniformly scaled by fan-in and fan-out (Xavier) from ``seed``, rounded to float32; biases start at 0.
    Convolution layers take ``activation``, pooling layers pass values through (identity).
    """
    if spec.grid is None or not spec.shaped:
        raise GraphError("a convolutional network needs an image input and at least one convolution")
    for name in (activation, output_activation):
        if name not in ACTIVATIONS:
            raise GraphError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}")
    if output_labels is not None and len(output_labels) != spec.dense[-1]:
        raise GraphError(f"the outputs need {spec.dense[-1]} labels, not {len(output_labels)}")
    rng = np.random.default_rng(seed)
    width, height = spec.grid
    neurons: list[Neuron] = []
    inputs = [f"i{k}" for k in range(spec.inputs)]
    neurons.extend(Neuron(nid, Role.INPUT, "identity", 0.0, "", "input") for nid in inputs)
    shape: tuple[int, int, int] = (1, height, width)
    previous = "input"
    convolutions: list[Convolution] = []
    counts = {ConvKind.CONV2D: 0, ConvKind.MAXPOOL: 0, ConvKind.AVGPOOL: 0}
    column = 0
    for layer in spec.shaped:
        counts[layer.kind] += 1
        is_conv = layer.kind is ConvKind.CONV2D
        name = (
            f"conv{counts[layer.kind]}"
            if is_conv
            else f"pool{counts[ConvKind.MAXPOOL] + counts[ConvKind.AVGPOOL]}"
        )
        kernel = bias = None
        if is_conv:
            fan_in = shape[0] * layer.size**2
            fan_out = layer.channels * layer.size**2
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            draw = rng.uniform(-limit, limit, (layer.channels, shape[0], layer.size, layer.size))
            kernel = draw.astype(np.float32).astype(np.float64)
            bias = np.zeros(layer.channels)
        try:
            conv = Convolution(
                layer.kind, previous, name, shape, layer.size, layer.stride, layer.padding, kernel, bias
            )
        except ValueError as exc:
            raise GraphError(f"layer {name}: {exc}") from None
        column += 1
        act = activation if is_conv else "identity"
        c, h, w = conv.out_shape
        ids = [f"{name}_{k}_{y}_{x}" for k in range(c) for y in range(h) for x in range(w)]
        neurons.extend(Neuron(nid, Role.HIDDEN, act, 0.0, "", name) for nid in ids)
        convolutions.append(conv)
        shape, previous = conv.out_shape, name
    sources = [n.id for n in neurons if n.layer == previous]
    dense: list[DenseLinks] = []
    last = len(spec.dense) - 1
    for k, size in enumerate(spec.dense):
        column += 1
        role = Role.OUTPUT if k == last else Role.HIDDEN
        name = "output" if k == last else f"hidden{k + 1}"
        ids = [f"o{j}" for j in range(size)] if k == last else [f"h{column}_{j}" for j in range(size)]
        act = output_activation if k == last else activation
        for j, nid in enumerate(ids):
            label = output_labels[j] if role is Role.OUTPUT and output_labels is not None else ""
            neurons.append(Neuron(nid, role, act, 0.0, label, name))
        limit = np.sqrt(6.0 / (len(sources) + size))
        weights = rng.uniform(-limit, limit, (size, len(sources)))
        dense.append(DenseLinks(sources, ids, weights.astype(np.float32).astype(np.float64)))
        sources = ids
    return Network.from_parts(neurons, dense=dense, convolutions=convolutions)
