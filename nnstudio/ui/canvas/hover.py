"""Hovering over the canvas: what is under the pointer, told in the status bar and a tooltip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QToolTip

from nnstudio.engine.graph import Network, Role

from .scene import Hit

if TYPE_CHECKING:
    from nnstudio.ui.live import LiveNetwork

    from .view import NetworkCanvas


def describe_hit(
    hit: Hit | None, network: Network, live: LiveNetwork | None, override: Mapping[str, float] | None
) -> str:
    """One line about what is under the pointer: a weight and its ends, or a neuron and what it holds.

    With an ``override`` (an animation's values) a neuron shows that value, or that it is not reached yet.
    """
    if hit is None or live is None:
        return ""
    if hit.kind == "edge":
        edge = network.edges.get(hit.id)
        if edge is None:
            return ""
        text = (
            f"weight {edge.weight:.2f} ({network.neurons[edge.source].display_name} -> "
            f"{network.neurons[edge.target].display_name})"
        )
        return text + (", frozen" if edge.frozen else "")
    if hit.kind == "grid-handle":
        return "Drag onto a neuron to connect every pixel of the image to it"
    neuron = network.neurons.get(hit.id)
    if neuron is None:
        return ""
    name = neuron.display_name
    if override is not None:
        value = override.get(hit.id)
        shown = "not reached yet" if value is None else f"{value:.2f}"
        kind = "input" if neuron.role is Role.INPUT else neuron.activation
        return f"{name} ({kind}): {shown}"
    pair = live.values().get(hit.id)
    if neuron.role is Role.INPUT:
        text = f"{name} (input): {pair[1]:.2f}" if pair is not None else f"{name} (input)"
    elif pair is not None:
        text = f"{name} ({neuron.activation}): sum {pair[0]:.2f} -> {pair[1]:.2f}, bias {neuron.bias:.2f}"
    else:
        problem = live.problem
        text = f"{name} ({neuron.activation}): bias {neuron.bias:.2f}" + (
            f"; not running: {problem}" if problem else ""
        )
    if hit.kind == "handle":
        text += " - drag the handle onto another neuron to connect"
    return text


class Hover:
    """The item under the pointer (drawn highlighted), followed as the pointer moves over the canvas."""

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas
        self.hit: Hit | None = None

    def describe(self, hit: Hit | None) -> str:
        canvas = self._canvas
        live = canvas.binding.live
        if hit is None or live is None:
            return ""
        return describe_hit(hit, live.document.network, live, canvas.display_override)

    def text(self) -> str:
        """What hovering shows right now (the tooltip and status text), empty over nothing."""
        return self.describe(self.hit)

    def update(self, view_pos: QPoint, announce: bool = True) -> None:
        canvas = self._canvas
        hit = (
            canvas.canvas_scene.hit(canvas.mapToScene(view_pos), canvas.zoom.tolerance())
            if canvas.binding.live is not None
            else None
        )
        if hit == self.hit:
            return
        self.hit = hit
        canvas.refresh_marks()
        if not announce:
            return
        text = self.describe(hit)
        if text:
            canvas.statusMessage.emit(text)
            QToolTip.showText(canvas.viewport().mapToGlobal(view_pos), text, canvas.viewport())
        else:
            QToolTip.hideText()

    def clear(self) -> None:
        """Nothing is under the pointer any more (it left the canvas)."""
        if self.hit is not None:
            self.hit = None
            self._canvas.refresh_marks()

    def forget_missing(self, network: Network) -> None:
        """Forget an item the network no longer has, without redrawing (the caller redraws)."""
        if self.hit is not None and self.hit.id not in network:
            self.hit = None
