"""Instruments that show what happens inside a network: a neuron's arithmetic, a weight's slope and the
chain behind it, the activation functions to play with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from nnstudio.engine.graph import Edge, Network, Neuron
    from nnstudio.ui.main_window import MainWindow


class ClosesWithWindow(QObject):
    """Closes an instrument's own window when the main window it belongs to closes (a dialog parented to the
    main window would otherwise stay on screen after it)."""

    def __init__(self, window: QWidget, tool: QWidget) -> None:
        super().__init__(tool)
        self._window = window
        self._tool = tool
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Hide and not self._window.isMinimized():
            self._tool.close()
        return False


# The most of the main window's width an instrument takes when it opens beside it.
BESIDE_SHARE = 0.5
BESIDE_MIN_WIDTH = 360


def place_beside(tool: QWidget, window: QWidget) -> None:
    """Open ``tool`` along the right edge of ``window``, over its side panels rather than its canvas: no
    wider than about half the window, no taller than it, so the network stays in view beside the tool."""
    frame = window.geometry()
    width = min(tool.width(), max(BESIDE_MIN_WIDTH, round(frame.width() * BESIDE_SHARE)))
    height = min(tool.height(), max(320, frame.height() - 60))
    tool.resize(width, height)
    tool.move(frame.right() - width - 8, frame.top() + 40)


def pixel_name(network: Network, neuron: Neuron, grid: tuple[int, int] | None) -> str:
    """A neuron's name; an unnamed input of an image says which pixel it is ("pixel at row 10, column 18"),
    since its id (i269) means nothing to a person."""
    if grid is None or neuron.label or neuron.role.value != "input":
        return neuron.display_name
    ids = [n.id for n in network.inputs()]
    columns, rows = grid  # a document's grid is (width, height)
    index = ids.index(neuron.id)
    if index >= rows * columns:
        return neuron.display_name
    return f"pixel at row {index // columns + 1}, column {index % columns + 1}"


def connection_ends(network: Network, edge: Edge, grid: tuple[int, int] | None) -> tuple[str, str]:
    """The names of a connection's two ends, told apart: two neurons may share a label ("all light" in and
    "all light" out), and "all light → all light" would read as a loop. Equal names get their roles ("input
    all light", "output all light"), or their ids when the roles are equal too."""
    source, target = network.neurons[edge.source], network.neurons[edge.target]
    source_name, target_name = pixel_name(network, source, grid), target.display_name
    if source_name != target_name:
        return source_name, target_name
    if source.role != target.role:
        return f"{source.role.value} {source_name}", f"{target.role.value} {target_name}"
    return f"{source_name} ({source.id})", f"{target_name} ({target.id})"


def install_instruments(window: MainWindow) -> None:
    """Connect the inspector's arithmetic and slope button to the canvas and the slope window, and put the
    activation explorer in the Tools menu."""
    from nnstudio.ui.instruments.activation_explorer import install_activation_explorer
    from nnstudio.ui.instruments.slope_view import install_slope_view

    inspector, canvas = window.inspector, window.canvas
    inspector.connectionHovered.connect(
        lambda edge_id, source: canvas.set_pulse([source] if source else [], [edge_id] if edge_id else [])
    )
    install_slope_view(window)
    install_activation_explorer(window)
