"""Hovering over the canvas: what is under the pointer, told in the status bar and a tooltip, and the
cursor that says what a drag from there does.

The status bar gets one line (what the thing is and holds); the tooltip adds, in plain words, what its
colour means, what a delta or slope shown on it means, and what the mouse does with it:
a drag from a neuron (or its + handle) draws a connection; a drag by its name, or Shift+drag, moves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolTip

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Network, Role
from nnstudio.ui.instruments import connection_ends
from nnstudio.ui.plain_text import plain_tooltip

from .items import colour_words
from .scene import Hit

# What the mouse does, told where it does it.
CONNECT_HINT = "Drag from it onto another neuron to connect them; drag its name (or Shift+drag) to move it."
HANDLE_HINT = "Connect handle: drag from here onto another neuron to connect them."
NAME_HINT = (
    "Drag the name to move the neuron (Shift+drag moves it from anywhere; hold Alt to place it freely)."
)
CAPTION_HINT = "Drag the caption to move the image (or Shift+drag any pixel)."
PIXEL_HINT = (
    "Drag from a pixel onto a neuron to connect that pixel, or from the + handle to connect every pixel."
)
EDGE_HINT = "Click to select, double-click to type its weight, Alt+wheel to nudge it."
# The sign the animation writes before a neuron's delta (nnstudio.ui.animation.delta_text).
DELTA_SIGN = "δ"
DELTA_MEANING = (
    "δ (delta) = how much the error changes when this neuron's sum changes. Near 0: this neuron barely "
    "matters for the error right now; the bigger it is (+ or -), the more its weights will change."
)
TINY_DELTA = (
    "0.00 or -0.00 means smaller than 0.005 (the sign says which way): changing this neuron's sum now "
    "barely changes the error."
)
SLOPE_MEANING = (
    "The number on the line is its slope: how much the error changes when this weight changes. "
    "Training moves the weight the other way (down the slope), by the learning rate times the slope."
)
COLOUR_MEANING = "black is -1, grey 0, white +1"
EDGE_COLOUR_MEANING = "White lines are positive weights, black negative; thicker is stronger."
# Cursors by what is under the pointer: a cross where a drag draws a connection, a hand where it moves.
CURSORS = {
    "neuron": Qt.CursorShape.CrossCursor,
    "handle": Qt.CursorShape.CrossCursor,
    "pixel": Qt.CursorShape.CrossCursor,
    "grid-handle": Qt.CursorShape.CrossCursor,
    "name": Qt.CursorShape.OpenHandCursor,
    "caption": Qt.CursorShape.OpenHandCursor,
    "edge": Qt.CursorShape.PointingHandCursor,
}

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
        source, target = connection_ends(network, edge, live.document.grid)
        text = f"weight {edge.weight:.2f} ({source} \u2192 {target})"
        return text + (", frozen" if edge.frozen else "")
    if hit.kind == "grid-handle":
        return "Drag onto a neuron to connect every pixel of the image to it"
    if hit.kind == "caption":
        return "The input image: drag its caption to move it"
    neuron = network.neurons.get(hit.id)
    if neuron is None:
        return ""
    name = neuron.display_name
    # The activation as the inspector names it (Tanh squash, ReLU, Step), without its range.
    activation = (
        ACTIVATIONS[neuron.activation].title.split(" (")[0] if neuron.activation in ACTIVATIONS else ""
    )
    if override is not None:
        value = override.get(hit.id)
        shown = "not reached yet" if value is None else f"{value:.2f}"
        kind = "input" if neuron.role is Role.INPUT else activation
        return f"{name} ({kind}): {shown}"
    pair = live.values().get(hit.id)
    if neuron.role is Role.INPUT:
        text = f"{name} (input): {pair[1]:.2f}" if pair is not None else f"{name} (input)"
    elif pair is not None:
        text = f"{name} ({activation}): sum {pair[0]:.2f} \u2192 {pair[1]:.2f}, bias {neuron.bias:.2f}"
    else:
        problem = live.problem
        text = f"{name} ({activation}): bias {neuron.bias:.2f}" + (
            f"; not running: {problem}" if problem else ""
        )
    if hit.kind == "handle":
        text += " - drag the handle onto another neuron to connect"
    return text


def explain_hit(
    hit: Hit | None,
    network: Network,
    shown_value: float | None,
    value_range: tuple[float, float],
    neuron_text: str,
    edge_text: str,
    edge_meaning: str = EDGE_COLOUR_MEANING,
) -> list[str]:
    """Lines that explain what the pointer is over, in plain words: its colour, the delta or slope written
    on it (``neuron_text``, ``edge_text``: what the canvas shows there, empty for nothing) and what a drag
    does."""
    if hit is None:
        return []
    if hit.kind == "edge":
        lines = [edge_meaning]
        if edge_text:
            lines.append(f"slope {edge_text}: {SLOPE_MEANING}")
        return [*lines, EDGE_HINT]
    if hit.kind in ("grid-handle", "caption"):
        return [CAPTION_HINT if hit.kind == "caption" else PIXEL_HINT]
    neuron = network.neurons.get(hit.id)
    if neuron is None:
        return []
    lines: list[str] = []
    if shown_value is not None:
        words = colour_words(shown_value, *value_range)
        low, high = value_range
        if neuron.role is Role.INPUT:
            lines.append(
                f"Drawn {words}: inputs go from black at {low:g} to white at {high:g}, like the pad."
            )
        else:
            lines.append(f"Drawn {words} ({COLOUR_MEANING})")
    if neuron_text.startswith(DELTA_SIGN):
        lines.append(f"{neuron_text.strip()}: {DELTA_MEANING}")
        if neuron_text.strip().endswith(("-0.00", " 0.00")):
            lines.append(TINY_DELTA)
    if hit.kind == "handle":
        lines.append(HANDLE_HINT)
    elif hit.kind == "name":
        lines.append(NAME_HINT)
    elif hit.kind == "pixel":
        lines.append(PIXEL_HINT)
    elif neuron.role is Role.OUTPUT:
        lines.append(
            "Drag from it onto a neuron to feed this output from it; drag its name (or Shift+drag) to move it."
        )
    else:
        lines.append(CONNECT_HINT)
    return lines


class Hover:
    """The item under the pointer (drawn highlighted), followed as the pointer moves over the canvas."""

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas
        self.hit: Hit | None = None
        self._cursor: Qt.CursorShape | None = None

    def describe(self, hit: Hit | None) -> str:
        canvas = self._canvas
        live = canvas.binding.live
        if hit is None or live is None:
            return ""
        return describe_hit(hit, live.document.network, live, canvas.display_override)

    def _describe_again(self, hit: Hit | None) -> str:
        """What was hovered, as it is now (its weight or value changed): "" once it is gone."""
        network = self._canvas.binding.network if self._canvas.binding.live is not None else None
        if hit is None or network is None or hit.id not in network:
            return ""
        return self.describe(hit)

    def text(self) -> str:
        """What hovering shows right now in the status bar, empty over nothing."""
        return self.describe(self.hit)

    def tooltip_text(self) -> str:
        """The tooltip over what is under the pointer: what it is, then what its colour, delta or slope
        mean and what the mouse does with it; empty over nothing."""
        first = self.text()
        if not first:
            return ""
        canvas = self._canvas
        hit = self.hit
        assert hit is not None
        scene = canvas.canvas_scene
        network = canvas.binding.network
        value: float | None = None
        value_range = (-1.0, 1.0)
        neuron_text = edge_text = ""
        item = scene.neuron_items.get(hit.id)
        if item is not None and hit.kind in ("neuron", "handle", "name"):
            value, value_range, neuron_text = item.value, (item.low, item.high), item.extra_text
        elif hit.kind == "pixel" and scene.grid_item is not None and hit.pixel is not None:
            grid = scene.grid_item
            shown = float(grid.values[hit.pixel])
            value, value_range = (shown if shown == shown else None), (grid.low, grid.high)
        elif hit.kind == "edge":
            edge_text = canvas.edge_label_text(hit.id)
        edge_meaning = canvas.legend.plain_lines()[1]
        lines = explain_hit(hit, network, value, value_range, neuron_text, edge_text, edge_meaning)
        return "\n".join([first, *lines])

    def update(self, view_pos: QPoint, announce: bool = True, force: bool = False) -> None:
        canvas = self._canvas
        hit = (
            canvas.canvas_scene.hit(canvas.mapToScene(view_pos), canvas.zoom.tolerance())
            if canvas.binding.live is not None
            else None
        )
        self._set_cursor(hit)
        if hit == self.hit and not force:
            return
        self.hit = hit
        canvas.refresh_marks()
        if not announce:
            return
        text = self.describe(hit)
        if text:
            canvas.status_line.say(text, lambda: self._describe_again(hit))
            # Names in the tooltip come from the file: shown as written, never read as HTML.
            tip = plain_tooltip(self.tooltip_text())
            QToolTip.showText(canvas.viewport().mapToGlobal(view_pos), tip, canvas.viewport())
        else:
            QToolTip.hideText()

    def _set_cursor(self, hit: Hit | None) -> None:
        """A cross where a drag connects, an open hand where it moves, the arrow elsewhere."""
        canvas = self._canvas
        if canvas.gestures.active or canvas.gestures.space_down:
            return
        locked = canvas.binding.live is None or canvas.binding.live.locked
        shape = Qt.CursorShape.ArrowCursor
        if hit is not None and not (locked and hit.kind != "edge"):
            shape = CURSORS.get(hit.kind, Qt.CursorShape.ArrowCursor)
        if shape != self._cursor:
            self._cursor = shape
            canvas.viewport().setCursor(shape)

    def forget_cursor(self) -> None:
        """Someone else set the cursor (a gesture): set it again on the next move."""
        self._cursor = None

    def clear(self) -> None:
        """Nothing is under the pointer any more (it left the canvas)."""
        if self.hit is not None:
            self.hit = None
            self._canvas.refresh_marks()

    def forget_missing(self, network: Network) -> None:
        """Forget an item the network no longer has, without redrawing (the caller redraws)."""
        if self.hit is not None and self.hit.id not in network:
            self.hit = None
