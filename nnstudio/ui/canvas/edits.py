"""What the canvas turns into undo commands: palette drops, pastes, the image grid, and the layered layout.

Everything here works on a network and a document and knows nothing of items or views, so it can be
checked without a window. The canvas validates an edit here before pushing it, so a command never fails
halfway inside ``QUndoStack.push``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from nnstudio.data.points import FEATURES
from nnstudio.document.layout import Layout, Position
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.connections import Array, BlockLinks
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id

PALETTE_MIME = "application/x-nnstudio-palette"
CLIPBOARD_MIME = "application/x-nnstudio-neurons"

SNAP = 10.0
LAYER_SPACING = 60.0
PASTE_OFFSET = 40.0
MAX_GRID_SIDE = 64
MAX_LAYER = 512


class CanvasEditError(ValueError):
    """A palette payload, pasted text or typed value that cannot become an edit; the message says why."""


class DocumentLike(Protocol):
    network: Network
    layout: Layout
    grid: tuple[int, int] | None
    value_range: tuple[float, float]


PALETTE_KINDS = ("input", "feature", "grid", "hidden", "output", "layer")


@dataclass(frozen=True)
class PaletteItem:
    """What a palette entry carries in a drag: the kind of thing to add and its settings."""

    kind: str
    activation: str = "tanh"
    count: int = 1
    width: int = 2
    height: int = 2
    role: str = "hidden"
    # For a feature input: the feature of a point in the plane it takes (X1, X1^2, sin X1, ...).
    feature: str = "X1"

    def to_json(self) -> bytes:
        data = {
            "kind": self.kind,
            "activation": self.activation,
            "count": self.count,
            "width": self.width,
            "height": self.height,
            "role": self.role,
            "feature": self.feature,
        }
        return json.dumps(data).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> PaletteItem:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CanvasEditError(f"the dropped palette data is not readable ({exc})") from None
        if not isinstance(data, dict):
            raise CanvasEditError("the dropped palette data is not an object")
        item = cls(
            kind=str(data.get("kind", "")),
            activation=str(data.get("activation", "tanh")),
            count=_whole(data.get("count", 1), "count"),
            width=_whole(data.get("width", 2), "width"),
            height=_whole(data.get("height", 2), "height"),
            role=str(data.get("role", "hidden")),
            feature=str(data.get("feature", "X1")),
        )
        item.check()
        return item

    def check(self) -> None:
        if self.kind not in PALETTE_KINDS:
            raise CanvasEditError(f"unknown palette entry {self.kind!r}")
        if self.activation not in ACTIVATIONS:
            raise CanvasEditError(f"unknown activation {self.activation!r}")
        if self.kind == "layer" and not 1 <= self.count <= MAX_LAYER:
            raise CanvasEditError(f"a layer has 1 to {MAX_LAYER} neurons, not {self.count}")
        if self.kind == "layer" and self.role not in (r.value for r in Role):
            raise CanvasEditError(f"unknown role {self.role!r} for a layer")
        if self.kind == "grid" and not (
            1 <= self.width <= MAX_GRID_SIDE and 1 <= self.height <= MAX_GRID_SIDE
        ):
            raise CanvasEditError(f"an image grid is 1 to {MAX_GRID_SIDE} pixels on each side")
        if self.kind == "feature" and self.feature not in FEATURES:
            raise CanvasEditError(f"unknown feature {self.feature!r}; known: {', '.join(FEATURES)}")

    @property
    def new_role(self) -> Role:
        if self.kind in ("input", "feature", "grid"):
            return Role.INPUT
        if self.kind == "layer":
            return Role(self.role)
        return Role(self.kind)


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CanvasEditError(f"the palette {name} must be a whole number, got {value!r}")
    return value


# ----------------------------------------------------------------------------------- ids, snapping
ROLE_PREFIX = {Role.INPUT: "i", Role.HIDDEN: "h", Role.OUTPUT: "o"}


def fresh_ids(network: Network, prefix: str, count: int, taken: Iterable[str] = ()) -> list[str]:
    """``count`` ids that are neither in ``network`` nor in ``taken``, numbered like ``new_neuron_id``."""
    taken = set(taken)
    ids: list[str] = []
    if count <= 0:
        return ids
    first = network.new_neuron_id(prefix)
    number = int(first[len(prefix) :])
    while len(ids) < count:
        candidate = f"{prefix}{number}"
        if candidate not in network.neurons and candidate not in taken:
            ids.append(candidate)
        number += 1
    return ids


def snap(value: float, step: float = SNAP) -> float:
    return round(value / step) * step


def role_labels(network: Network, role: Role, count: int) -> list[str]:
    """ "input 3", "hidden 2", "output 1"...: numbered after the neurons of that role already there, one
    naming scheme for every role (a bare id like "h4" beside "input 1" reads as a different kind of thing)."""
    start = sum(1 for n in network.neurons.values() if n.role is role)
    return [f"{role.value} {start + k + 1}" for k in range(count)]


def cell_size(width: int, height: int) -> float:
    """Pixel size of a drawn image grid: big cells for a 2x2 camera, small ones for 28x28 digits."""
    return float(max(8, min(40, 336 // max(width, height, 1))))


# ----------------------------------------------------------------------------------- palette drops
@dataclass
class PlannedAdd:
    """The neurons a drop adds, where they go, and the image grid they form when it is one."""

    neurons: list[Neuron]
    positions: dict[str, Position]
    grid: tuple[int, int] | None = None

    @property
    def text(self) -> str:
        if self.grid is not None:
            return f"Add {self.grid[0]} x {self.grid[1]} image"
        if len(self.neurons) == 1:
            return f"Add {self.neurons[0].display_name}"
        return f"Add layer of {len(self.neurons)}"


def plan_palette_drop(document: DocumentLike, item: PaletteItem, x: float, y: float) -> PlannedAdd:
    """The neurons a palette entry adds at scene position (x, y); raises CanvasEditError when it cannot."""
    item.check()
    network = document.network
    role = item.new_role
    activation = "identity" if role is Role.INPUT else item.activation
    if ACTIVATIONS[activation].joint and role is not Role.OUTPUT:
        raise CanvasEditError(f"{activation} works over the outputs; pick another activation for this neuron")
    x, y = snap(x), snap(y)
    if item.kind == "grid":
        if image_grid(document) is not None:
            w, h = document.grid  # type: ignore[misc]
            raise CanvasEditError(f"this network already has a {w} x {h} input image; delete it first")
        w, h = item.width, item.height
        cell = cell_size(w, h)
        left, top = x - (w - 1) * cell / 2, y - (h - 1) * cell / 2
        ids = fresh_ids(network, "p", w * h)
        neurons = [
            Neuron(ids[r * w + c], Role.INPUT, "identity", 0.0, f"pixel {r + 1},{c + 1}")
            for r in range(h)
            for c in range(w)
        ]
        positions = {ids[r * w + c]: (left + c * cell, top + r * cell) for r in range(h) for c in range(w)}
        _refuse_unfitting(document, neurons)
        return PlannedAdd(neurons, positions, (w, h))
    count = item.count if item.kind == "layer" else 1
    ids = fresh_ids(network, ROLE_PREFIX[role], count)
    labels = [item.feature] if item.kind == "feature" else role_labels(network, role, count)
    spacing = LAYER_SPACING
    top = y - (count - 1) * spacing / 2
    neurons = [Neuron(ids[k], role, activation, 0.0, labels[k]) for k in range(count)]
    positions = {ids[k]: (x, snap(top + k * spacing)) for k in range(count)}
    _refuse_unfitting(document, neurons)
    return PlannedAdd(neurons, positions)


# How far left of the view's middle new inputs go, and right of it new outputs, when there are none yet
# (hidden neurons go in the middle): the three columns fit a laptop's canvas.
ROLE_COLUMN_OFFSET = {Role.INPUT: -120.0, Role.HIDDEN: 0.0, Role.OUTPUT: 120.0}


def palette_spot(
    document: DocumentLike, role: Role, x: float, y: float, count: int = 1
) -> tuple[float, float]:
    """Where a palette entry added without a drag (double-click, Enter) goes, for a view whose middle is
    (x, y): the middle of ``count`` new neurons stacked LAYER_SPACING apart.

    Each new neuron joins its role's column: under the lowest neuron of that role when there are some, else
    left of the middle for inputs, right of it for outputs, in it for hidden ones; and it moves down until it
    covers no other neuron, so adding several in a row never stacks them on one spot."""
    layout, network = document.layout, document.network
    same = [layout.position(n.id) for n in network.neurons.values() if n.role is role and n.id in layout]
    if same:
        lowest = max(same, key=lambda p: p[1])
        left, top = lowest[0], lowest[1] + LAYER_SPACING
    else:
        left, top = x + ROLE_COLUMN_OFFSET[role], y - (count - 1) * LAYER_SPACING / 2
    left, top = snap(left), snap(top)
    taken = [layout.position(n) for n in network.neurons if n in layout]
    clear = LAYER_SPACING * 0.75

    def covers(top: float) -> bool:
        return any(
            abs(px - left) < clear and abs(py - (top + k * LAYER_SPACING)) < clear
            for px, py in taken
            for k in range(count)
        )

    while covers(top):
        top += LAYER_SPACING
    return left, top + (count - 1) * LAYER_SPACING / 2


def _refuse_unfitting(document: DocumentLike, neurons: list[Neuron]) -> None:
    """Refuse new inputs or outputs that the document's own samples would not fit."""
    check = getattr(document, "edit_problem", None)
    problem = check(add=neurons) if check is not None else None
    if problem is not None:
        raise CanvasEditError(problem)


def image_grid(document: DocumentLike) -> tuple[int, int] | None:
    """The document's image grid when the network has enough inputs to fill it, else None."""
    grid = getattr(document, "grid", None)
    if not grid:
        return None
    w, h = int(grid[0]), int(grid[1])
    if w < 1 or h < 1:
        return None
    count = sum(1 for n in document.network.neurons.values() if n.role is Role.INPUT)
    return (w, h) if count >= w * h else None


def grid_pixel_ids(document: DocumentLike) -> list[str]:
    grid = image_grid(document)
    if grid is None:
        return []
    inputs = [n.id for n in document.network.neurons.values() if n.role is Role.INPUT]
    return inputs[: grid[0] * grid[1]]


# -------------------------------------------------------------------------------------- connecting
def connection_weight(count: int) -> float:
    """A single new connection starts at 1.0; a group of n at 1/n, so their sum stays in range."""
    return 1.0 if count <= 1 else 1.0 / count


def plan_connections(network: Network, sources: Iterable[str], target: str) -> tuple[list[Edge], str | None]:
    """The edges source -> target that may be added, and the reason of the first refusal (if any).

    With several sources the ones that cannot connect are skipped; the reason is reported only when
    none of them can.
    """
    sources = list(dict.fromkeys(sources))
    if len(sources) > 1:
        sources = [s for s in sources if s != target]
    allowed: list[str] = []
    first_reason: str | None = None
    for source in sources:
        reason = network.can_connect(source, target)
        if reason is None:
            allowed.append(source)
        elif first_reason is None:
            first_reason = reason
    weight = connection_weight(len(allowed))
    edges = [Edge(edge_id(s, target), s, target, weight) for s in allowed]
    return edges, (first_reason if not edges else None)


# ------------------------------------------------------------------------------------ typed values
def format_value(value: float) -> str:
    """Numbers on edges and in labels: 3 significant digits (0.5, -0.75, 0.00123)."""
    return f"{value:.3g}"


def parse_number(text: str) -> float:
    """A typed weight or bias: ``7``, ``-0.25``, ``0,5``, ``1e-3``; raises CanvasEditError otherwise."""
    cleaned = text.strip().replace("\u2212", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise CanvasEditError(f"{text.strip()!r} is not a number; type e.g. 0.5 or -1") from None
    if not math.isfinite(value):
        raise CanvasEditError(f"{text.strip()!r} is not a finite number")
    return value


def nudged(value: float, steps: float, step: float = 0.1) -> float:
    """A weight or bias moved by ``steps`` wheel notches, free of binary noise (0.30000000000000004)."""
    return round(value + steps * step, 6)


# ---------------------------------------------------------------------------------- copy and paste
def edges_among(network: Network, keep: set[str]) -> list[tuple[BlockLinks, Array]]:
    """Per block of connections, which of its connections (a mask in the block's order) run between two
    neurons of ``keep``: found block by block in numpy, without making an Edge for each connection."""
    found = []
    for links in network.edges.arrays():
        sources = np.fromiter((s in keep for s in links.sources), bool, len(links.sources))
        targets = np.fromiter((t in keep for t in links.targets), bool, len(links.targets))
        if sources.any() and targets.any():
            found.append((links, links.per_row(targets) & links.per_col(sources)))
    return found


def count_edges_among(network: Network, keep: set[str]) -> int:
    """How many connections run between two neurons of ``keep``."""
    return sum(int(np.count_nonzero(among)) for _, among in edges_among(network, keep))


def copy_payload(document: DocumentLike, neuron_ids: Iterable[str]) -> bytes:
    """The selected neurons (with where they sit) and the edges among them, as JSON for the clipboard."""
    network = document.network
    chosen = [nid for nid in dict.fromkeys(neuron_ids) if nid in network.neurons]
    keep = set(chosen)
    neurons = [
        {
            "id": n.id,
            "role": n.role.value,
            "activation": n.activation,
            "bias": n.bias,
            "label": n.label,
            "x": document.layout.position(n.id)[0],
            "y": document.layout.position(n.id)[1],
        }
        for n in (network.neurons[nid] for nid in chosen)
    ]
    edges = []
    for links, among in edges_among(network, keep):
        rows, cols = links.rows[among].tolist(), links.cols[among].tolist()
        weights, frozen = links.weight[among].tolist(), links.frozen[among].tolist()
        edges += [
            {"source": links.sources[c], "target": links.targets[r], "weight": w, "frozen": f}
            for r, c, w, f in zip(rows, cols, weights, frozen, strict=True)
        ]
    return json.dumps(
        {"format": "nnstudio-neurons", "version": 1, "neurons": neurons, "edges": edges}
    ).encode()


@dataclass
class PlannedPaste:
    """What a paste adds: neurons with fresh ids, where they go, and the edges among them."""

    neurons: list[Neuron]
    positions: dict[str, Position]
    edges: list[Edge]


def plan_paste(network: Network, raw: bytes | str, offset: float) -> PlannedPaste:
    """Neurons and edges from a clipboard payload, with fresh ids, shifted by ``offset``."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise CanvasEditError("the clipboard holds no neurons to paste") from None
    if not isinstance(data, dict) or data.get("format") != "nnstudio-neurons":
        raise CanvasEditError("the clipboard holds no neurons to paste")
    raw_neurons = data.get("neurons")
    raw_edges = data.get("edges", [])
    if not isinstance(raw_neurons, list) or not isinstance(raw_edges, list) or not raw_neurons:
        raise CanvasEditError("the clipboard holds no neurons to paste")
    mapping: dict[str, str] = {}
    neurons: list[Neuron] = []
    positions: dict[str, Position] = {}
    for entry in raw_neurons:
        if not isinstance(entry, dict):
            raise CanvasEditError("the pasted neurons are not readable")
        try:
            role = Role(entry.get("role", "hidden"))
        except ValueError:
            raise CanvasEditError(f"a pasted neuron has an unknown role {entry.get('role')!r}") from None
        activation = entry.get("activation", "tanh")
        if activation not in ACTIVATIONS:
            raise CanvasEditError(f"a pasted neuron has an unknown activation {activation!r}")
        old_id = str(entry.get("id", ""))
        if not old_id or old_id in mapping:
            raise CanvasEditError("the pasted neurons have missing or repeated ids")
        new_id = fresh_ids(network, ROLE_PREFIX[role], 1, taken=mapping.values())[0]
        mapping[old_id] = new_id
        bias, x, y = (_finite(entry.get(k, 0.0), k) for k in ("bias", "x", "y"))
        neurons.append(Neuron(new_id, role, activation, bias, str(entry.get("label", ""))))
        positions[new_id] = (x + offset, y + offset)
    edges: list[Edge] = []
    for entry in raw_edges:
        if (
            not isinstance(entry, dict)
            or entry.get("source") not in mapping
            or entry.get("target") not in mapping
        ):
            raise CanvasEditError("a pasted connection joins neurons that are not pasted with it")
        s, t = mapping[entry["source"]], mapping[entry["target"]]
        edges.append(
            Edge(edge_id(s, t), s, t, _finite(entry.get("weight", 0.0), "weight"), bool(entry.get("frozen")))
        )
    try:
        Network.from_parts([n.copy() for n in neurons], [e.copy() for e in edges])
    except ValueError as exc:
        raise CanvasEditError(f"the pasted neurons do not form a valid network: {exc}") from None
    return PlannedPaste(neurons, positions, edges)


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CanvasEditError(f"a pasted {name} is not a finite number: {value!r}")
    return float(value)


# ------------------------------------------------------------------------------------------ layout
def changed_positions(
    layout: Mapping[str, Position], positions: Mapping[str, Position]
) -> tuple[dict[str, Position], dict[str, Position]]:
    """(old, new) for the neurons whose position in ``layout`` differs, for one MoveNeurons command."""
    old: dict[str, Position] = {}
    new: dict[str, Position] = {}
    for nid, (x, y) in positions.items():
        where = layout.get(nid)
        if where is not None and where != (x, y):
            old[nid] = where
            new[nid] = (float(x), float(y))
    return old, new
