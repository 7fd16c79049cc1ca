"""Ready-made networks: fully connected layers, laid out in columns, with the engine's conventional ids."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..engine.activations import ACTIVATIONS
from ..engine.graph import DenseLinks, GraphError, Network, Neuron, Role

# Canvas spacing: columns this far apart, neurons this far apart within a column.
COLUMN_SPACING = 240.0
ROW_SPACING = 48.0
# Above this many neurons a layer is drawn as a block of up to BLOCK_COLUMNS side-by-side columns (or as an
# image when a grid is given), so its discs never overlap; very tall blocks pack closer (COMPACT_SPACING).
COMPACT_ROWS = 32
COMPACT_SPACING = 12.0
BLOCK_ROWS = 25
BLOCK_COLUMNS = 4
BLOCK_SPACING = 34.0


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
    ``seed``, and rounded to float32; biases start at zero. With ``grid=(width, height)`` the first ``width * height`` inputs are
    laid out as an image, row by row. Raises :class:`GraphError` for sizes or names that cannot work.
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
    ids = layer_ids(sizes)
    rng = np.random.default_rng(seed)
    neurons: list[Neuron] = []
    last = len(sizes) - 1
    layers = layer_names(len(sizes))
    for layer, layer_neurons in enumerate(ids):
        role = Role.INPUT if layer == 0 else Role.OUTPUT if layer == last else Role.HIDDEN
        activation = "identity" if layer == 0 else names[layer - 1]
        positions = _column(len(layer_neurons), layer, grid if layer == 0 else None)
        for k, (nid, (x, y)) in enumerate(zip(layer_neurons, positions, strict=True)):
            label = output_labels[k] if role is Role.OUTPUT and output_labels is not None else ""
            neurons.append(Neuron(nid, role, activation, 0.0, label, x, y, layers[layer]))
    dense: list[DenseLinks] = []
    for sources, targets in zip(ids, ids[1:], strict=False):
        limit = np.sqrt(6.0 / (len(sources) + len(targets)))
        weights = rng.uniform(-limit, limit, (len(targets), len(sources)))
        # Rounded to float32, the precision training works in, so that a saved file keeps them exactly.
        dense.append(DenseLinks(sources, targets, weights.astype(np.float32).astype(np.float64)))
    return Network.from_parts(neurons, dense=dense)


def _column(count: int, layer: int, grid: tuple[int, int] | None) -> list[tuple[float, float]]:
    x0 = layer * COLUMN_SPACING
    spacing = COMPACT_SPACING if count > COMPACT_ROWS else ROW_SPACING
    if grid is not None and grid[0] * grid[1] <= count:
        # The image ends at the column's x, centred on y = 0; any further inputs continue below it.
        width, height = grid
        pixels = width * height
        image = [
            (x0 - (width - 1 - k % width) * spacing, (k // width - (height - 1) / 2) * spacing)
            for k in range(pixels)
        ]
        below = ((height - 1) / 2 + 1) * spacing
        return image + [(x0, below + j * spacing) for j in range(count - pixels)]
    if count <= COMPACT_ROWS:
        return [(x0, (k - (count - 1) / 2) * spacing) for k in range(count)]
    columns = min(-(-count // BLOCK_ROWS), BLOCK_COLUMNS)
    rows = -(-count // columns)
    step = BLOCK_SPACING if rows <= BLOCK_ROWS else COMPACT_SPACING
    # The block ends at the column's x, like an image does, and fills column by column.
    return [
        (x0 - (columns - 1 - k // rows) * BLOCK_SPACING, (k % rows - (rows - 1) / 2) * step)
        for k in range(count)
    ]


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
