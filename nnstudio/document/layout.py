"""Where each neuron sits on the canvas: the document's layout, kept apart from the network's maths.

A :class:`Layout` maps neuron ids to ``(x, y)`` scene positions. The network (:mod:`nnstudio.engine`) knows
nothing of it, so moving a neuron changes no number and compiles nothing: a move is a layout event, which
only views follow. Files still store each neuron's ``x`` and ``y`` beside its maths (docs/FORMAT.md);
loading splits them into the network and the layout, saving joins them again.

:func:`layer_positions` places a network that comes without positions (one made by a builder or a
command): every layer in a column, left to right, an image input as a picture and a shaped layer as a
stack of small images.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np

from ..engine.events import Event
from ..engine.graph import GraphError, Network

Position = tuple[float, float]

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


class LayoutEvents:
    """What a :class:`Layout` announces.

    - ``moved(ids)``: these neurons moved on the canvas. Nothing about the network changed, so nothing is
      computed again; views redraw where the neurons are.
    """

    def __init__(self) -> None:
        self.moved = Event()


class Layout(Mapping[str, Position]):
    """Neuron id -> ``(x, y)`` on the canvas. Every change goes through a method here.

    :meth:`move` is what a person does (a drag, an arrangement) and announces ``moved``; :meth:`place` and
    :meth:`remove` go with a neuron arriving or leaving the network, whose own structure event tells the
    views, so they announce nothing.
    """

    def __init__(self, positions: Mapping[str, Position] | None = None) -> None:
        self._positions: dict[str, Position] = {}
        self.events = LayoutEvents()
        if positions:
            self.place(positions)

    # ----------------------------------------------------------------- reading
    def __getitem__(self, neuron_id: str) -> Position:
        return self._positions[neuron_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def position(self, neuron_id: str) -> Position:
        """Where the neuron sits; (0, 0) for a neuron the layout has not placed."""
        return self._positions.get(neuron_id, (0.0, 0.0))

    def copy(self) -> Layout:
        """The same positions, with no listeners."""
        return Layout(self._positions)

    # ----------------------------------------------------------------- changing
    def move(self, positions: Mapping[str, Position]) -> None:
        """Move neurons (a drag, an arrangement, its undo): one ``moved`` event."""
        if not positions:
            return
        self._set(positions)
        self.events.moved.emit(list(positions))

    def place(self, positions: Mapping[str, Position]) -> None:
        """Give positions to neurons that are joining the network (no event: the network announces them)."""
        self._set(positions)

    def remove(self, neuron_ids: Iterable[str]) -> dict[str, Position]:
        """Forget the positions of neurons that left the network; returns them, so an undo can place them."""
        return {nid: self._positions.pop(nid) for nid in neuron_ids if nid in self._positions}

    def _set(self, positions: Mapping[str, Position]) -> None:
        for nid, (x, y) in positions.items():
            self._positions[nid] = (float(x), float(y))

    def place_missing(self, network: Network, grid: tuple[int, int] | None = None) -> None:
        """Place every neuron of ``network`` that has no position yet (see :func:`layer_positions`)."""
        if all(nid in self._positions for nid in network.neurons):
            return
        self.place(
            {nid: xy for nid, xy in layer_positions(network, grid).items() if nid not in self._positions}
        )

    def __repr__(self) -> str:
        return f"Layout({len(self._positions)} positions)"


# ---------------------------------------------------------------------------------- placing a network
def layer_positions(network: Network, grid: tuple[int, int] | None = None) -> dict[str, Position]:
    """A position for every neuron: each layer a column, left to right in network order.

    With ``grid=(width, height)`` the first ``width * height`` neurons of the first layer are an image, row
    by row; a shaped layer (a convolution's or pooling's maps) is a stack of small images.
    """
    if not all(neuron.layer for neuron in network):
        return _level_positions(network, grid)
    positions: dict[str, Position] = {}
    for column, (name, ids) in enumerate(network.layers()):
        image = grid if column == 0 else None
        shape = network.layer_shape(name) if image is None and len(ids) > 1 else None
        if shape is not None and shape[0] * shape[1] * shape[2] == len(ids):
            spots = map_positions(shape, column * COLUMN_SPACING, COMPACT_SPACING / 2)
        else:
            spots = column_positions(len(ids), column, image)
        positions.update(zip(ids, spots, strict=True))
    return positions


def _level_positions(network: Network, grid: tuple[int, int] | None) -> dict[str, Position]:
    """Hand-placed neurons (no layer names): one column per depth, the first depth holding the image."""
    try:
        levels = network.levels()
    except GraphError:
        levels = [list(network.neurons)]
    positions: dict[str, Position] = {}
    for column, ids in enumerate(levels):
        positions.update(
            zip(ids, column_positions(len(ids), column, grid if column == 0 else None), strict=True)
        )
    return positions


def column_positions(count: int, layer: int, grid: tuple[int, int] | None) -> list[Position]:
    """``count`` neurons of the ``layer``-th column: a column, a block of columns, or an image."""
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


def map_positions(shape: tuple[int, int, int], x0: float, spacing: float) -> list[Position]:
    """Each channel of a shaped layer as a small image, the channels stacked top to bottom."""
    c, h, w = shape
    gap = 2 * spacing
    total = c * h * spacing + (c - 1) * gap
    top = -total / 2
    index = np.arange(c * h * w)
    ch, pixel = np.divmod(index, h * w)
    y, x = np.divmod(pixel, w)
    xs = x0 - (w - 1 - x) * spacing
    ys = top + ch * (h * spacing + gap) + y * spacing
    return list(zip(xs.tolist(), ys.tolist(), strict=True))
