"""The canvas's edits as undo steps: add from the palette, delete, copy and paste, arrange, connect, nudge.

Each is planned and checked in :mod:`.edits` first, so a refused edit is one status line and pushes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPointF, QRectF
from PySide6.QtGui import QGuiApplication

from nnstudio.document.layout import layer_positions
from nnstudio.engine.graph import Role
from nnstudio.ui.commands import (
    AddEdges,
    AddImageGrid,
    AddNeurons,
    MoveNeurons,
    RemoveItems,
    RemoveItemsAndGrid,
    SetNeuronFields,
    SetWeights,
)
from nnstudio.ui.instruments import connection_ends

from .edits import (
    CLIPBOARD_MIME,
    PASTE_OFFSET,
    CanvasEditError,
    PaletteItem,
    changed_positions,
    copy_payload,
    count_edges_among,
    format_value,
    image_grid,
    nudged,
    palette_spot,
    plan_connections,
    plan_palette_drop,
    plan_paste,
)
from .scene import Hit

# Copy puts at most this many connections on the clipboard (as text: a million would take seconds and
# hundreds of megabytes); a whole big network is kept with Save As.
COPY_CONNECTIONS_UP_TO = 100_000

if TYPE_CHECKING:
    from .view import NetworkCanvas


class EditActions:
    """What the canvas's menu actions, keys and gestures change in the network, one undo step each."""

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas
        # Each paste of the same clipboard lands a little further away, so the copies do not overlap.
        self._paste_count = 0

    def forget_pastes(self) -> None:
        self._paste_count = 0

    def _say(self, text: str) -> None:
        """Say what an edit did (or why it was refused); the words go when the edit is undone."""
        self._canvas.status_line.say_until_undone(text)

    def add_from_palette(self, item: PaletteItem, scene_pos: QPointF | None = None) -> list[str]:
        """Add what a palette entry describes at ``scene_pos`` (the view centre when None); the new ids."""
        canvas = self._canvas
        binding = canvas.binding
        if binding.refuse_if_locked():
            return []
        placed = scene_pos is None
        if scene_pos is None:
            scene_pos = canvas.mapToScene(canvas.viewport().rect().center())
            if item.kind != "grid":
                # Not dropped anywhere: its role's column, clear of the neurons already there.
                count = item.count if item.kind == "layer" else 1
                x, y = palette_spot(binding.document, item.new_role, scene_pos.x(), scene_pos.y(), count)
                scene_pos = QPointF(x, y)
        try:
            plan = plan_palette_drop(binding.document, item, scene_pos.x(), scene_pos.y())
        except CanvasEditError as exc:
            self._say(f"Cannot add: {exc}")
            return []
        if plan.grid is not None:
            binding.push(AddImageGrid(binding.document, plan.neurons, plan.positions, plan.grid, plan.text))
        else:
            binding.push(AddNeurons(binding.document, plan.neurons, plan.positions, text=plan.text))
        ids = [n.id for n in plan.neurons]
        canvas.selection.set(ids, [])
        if placed:
            # A spot chosen for the person is shown to them, even when it is below the view's edge.
            xs = [x for x, _ in plan.positions.values()]
            ys = [y for _, y in plan.positions.values()]
            margin = 40.0
            canvas.ensureVisible(
                QRectF(
                    min(xs) - margin,
                    min(ys) - margin,
                    max(xs) - min(xs) + 2 * margin,
                    max(ys) - min(ys) + 2 * margin,
                )
            )
        self._say(f"{plan.text[:1].upper()}{plan.text[1:]}".replace("Add ", "Added ", 1))
        return ids

    def delete_selection(self) -> None:
        canvas = self._canvas
        binding = canvas.binding
        if binding.refuse_if_locked():
            return
        neurons, edges = list(canvas.selection.neurons), list(canvas.selection.edges)
        if not neurons and not edges:
            self._say("Nothing is selected to delete")
            return
        pixels = any(n in canvas.canvas_scene.pixel_set for n in neurons)
        problem = binding.document.edit_problem(remove=neurons, drops_grid=pixels)
        if problem is not None:
            self._say(f"Cannot delete: {problem}")
            return
        if pixels:
            command = RemoveItemsAndGrid(binding.document, neurons, edges)
        else:
            command = RemoveItems(binding.document, neurons, edges)
        canvas.selection.set([], [])
        binding.push(command)

    def copy_selection(self) -> None:
        canvas = self._canvas
        if canvas.binding.live is None:
            return
        neurons = list(canvas.selection.neurons)
        if not neurons:
            self._say("Select neurons to copy")
            return
        network = canvas.binding.network
        keep = set(neurons)
        edges = count_edges_among(network, keep)
        if edges > COPY_CONNECTIONS_UP_TO:
            self._say(
                f"Cannot copy {edges:,} connections at once (at most {COPY_CONNECTIONS_UP_TO:,}): select fewer"
                " neurons, or use File > Save As to keep the whole network"
            )
            return
        payload = copy_payload(canvas.binding.document, neurons)
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, payload)
        mime.setText(payload.decode())
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        self._say(f"Copied {len(neurons)} neurons and {edges} connections")

    def paste(self) -> None:
        binding = self._canvas.binding
        if binding.refuse_if_locked():
            return
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            self._say("Cannot paste: the clipboard holds no neurons to paste")
            return
        raw = bytes(mime.data(CLIPBOARD_MIME)) if mime.hasFormat(CLIPBOARD_MIME) else mime.text().encode()
        try:
            pasted = plan_paste(binding.network, raw, PASTE_OFFSET * (self._paste_count + 1))
        except CanvasEditError as exc:
            self._say(f"Cannot paste: {exc}")
            return
        problem = binding.document.edit_problem(add=pasted.neurons)
        if problem is not None:
            self._say(f"Cannot paste: {problem}")
            return
        self._paste_count += 1
        binding.push(
            AddNeurons(binding.document, pasted.neurons, pasted.positions, pasted.edges, text="Paste")
        )
        self._canvas.selection.set([n.id for n in pasted.neurons], [e.id for e in pasted.edges])
        self._say(f"Pasted {len(pasted.neurons)} neurons and {len(pasted.edges)} connections")

    def arrange_in_layers(self) -> None:
        """Lay the neurons out as the studio lays out a new network, a column per layer (one undo step)."""
        binding = self._canvas.binding
        if binding.refuse_if_locked():
            return
        document = binding.document
        layout = document.layout
        old, new = changed_positions(layout, layer_positions(document.network, image_grid(document)))
        if new:
            binding.push(MoveNeurons(layout, old, new, "Arrange in layers"))
        self._canvas.fit_all()

    def connect(self, sources: list[str], target: str) -> None:
        """Connect ``sources`` to ``target`` (those that may be), or say why none can."""
        binding = self._canvas.binding
        network = binding.network
        edges, reason = plan_connections(network, sources, target)
        if not edges:
            self._say(f"Cannot connect: {reason}")
            return
        binding.push(AddEdges(network, edges))
        if len(edges) == 1:
            e = edges[0]
            source, target_name = connection_ends(network, e, binding.document.grid)
            self._say(f"Connected {source} -> {target_name} (weight {format_value(e.weight)})")
        else:
            self._say(f"Added {len(edges)} connections to {network.neurons[target].display_name}")

    def nudge(self, hit: Hit, steps: float) -> None:
        """Alt+wheel: move the weight or bias under the pointer by ``steps`` tenths, merged into one step."""
        canvas = self._canvas
        binding = canvas.binding
        if binding.refuse_if_locked():
            return
        network = binding.network
        if hit.kind == "edge":
            edge = network.edges[hit.id]
            binding.push(
                SetWeights(network, {hit.id: nudged(edge.weight, steps)}, text="Nudge weight", merge=True)
            )
            self._say(canvas.hover.describe(hit))
        elif hit.kind in ("neuron", "handle") and network.neurons[hit.id].role is not Role.INPUT:
            neuron = network.neurons[hit.id]
            binding.push(
                SetNeuronFields(
                    network, {hit.id: {"bias": nudged(neuron.bias, steps)}}, text="Nudge bias", merge=True
                )
            )
            self._say(canvas.hover.describe(hit))
