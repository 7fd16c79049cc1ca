"""The canvas scene: keeps neuron items, the image grid and the edge layers in step with a document.

It reads the network and draws; it never edits. The view owns interaction (selection, hover, drags) and
passes the resulting state here through :meth:`CanvasScene.show_state`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QGraphicsScene

from nnstudio.engine.graph import GraphError, Role

from .detail_caption import STRONGEST_ONLY_CAPTION, partial_caption
from .edges import NEIGHBOUR_LIMIT, EdgeLayer, EdgeModel, EdgeOverlay
from .edits import DocumentLike, cell_size, grid_pixel_ids, image_grid
from .feature_maps import FeatureMapLayers
from .items import (
    NEURON_RADIUS,
    SCHEMES,
    ColourScheme,
    ImageGridItem,
    NameItem,
    NeuronItem,
    PlacedLabel,
    _Fonts,
    body_half,
    plate_height,
)
from .labels import drawn_text, layout_labels
from .sheet import CROWDED_FROM, NeuronSheet

if TYPE_CHECKING:
    from nnstudio.engine.plan import Plan

# Name plates are measured in screen pixels at zoom 1 (and scaled by the label scale, see set_view_scale).
LABEL_PADDING_PX = 6.0
LABEL_GAP_PX = 3.0
# How far a name beside a neuron may reach over a body just above or below its band, in screen pixels.
LABEL_TOLERANCE_PX = 1.0
# Names keep their size on screen as the view zooms out down to 1 / LABEL_MAX_SCALE, then shrink with it,
# and are left out once smaller than NAMES_FROM_SIZE of their size.
LABEL_MAX_SCALE = 2.5
NAMES_FROM_SIZE = 0.7
# Shortened names tried on two lines, one layout each (beyond this many, a crowded view keeps them short).
WRAP_TRIES = 12
# The widest text a training step adds after an output's name (see content_rect).
DELTA_ROOM_TEXT = "   δ -0.00"
# A shortened name keeps at least this much text, else it is left out.
LABEL_MIN_TEXT = "Mw\u2026"


def two_lines(text: str) -> str:
    """A name broken at the space nearest its middle (unchanged when it has no space)."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces or "\n" in text:
        return text
    middle = len(text) / 2
    at = min(spaces, key=lambda i: abs(i - middle))
    return f"{text[:at]}\n{text[at + 1 :]}"


def _losses(placed: list[tuple[PlacedLabel | None, bool, bool]]) -> tuple[int, int]:
    """How bad a layout is: names left out, then names shortened."""
    return (sum(1 for _, out, _ in placed if out), sum(1 for _, out, cut in placed if cut and not out))


@dataclass(frozen=True)
class Hit:
    """What is under a point: ``kind`` is neuron, handle, name (a neuron's name plate), pixel, grid-handle,
    caption (the image grid's caption) or edge."""

    kind: str
    id: str
    pixel: int | None = None


class CanvasScene(QGraphicsScene):
    # What the canvas should say about the edges it leaves out changed (see detail_text).
    detailChanged = Signal()

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.scheme: ColourScheme = SCHEMES["classic"]
        self.document: DocumentLike | None = None
        self.neuron_items: dict[str, NeuronItem] = {}
        # (rebuild count, the plan's level id lists, what _items_by_level made of them)
        self._level_items: tuple[int, list[list[str]], list, list[NeuronItem]] | None = None
        self.grid_item: ImageGridItem | None = None
        self.pixel_ids: list[str] = []
        self.pixel_set: set[str] = set()
        self.edges = EdgeModel()
        self.edge_layer = EdgeLayer(self.edges, self.scheme)
        self.edge_layer.set_detail_listener(self._edge_detail_changed)
        self.overlay = EdgeOverlay(self.edges, self.scheme)
        self.addItem(self.edge_layer)
        self.addItem(self.overlay)
        self.setBackgroundBrush(QBrush(self.scheme.background))
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.rebuilds = 0
        self.view_scale = 1.0
        self.label_scale = 1.0
        self.label_layouts = 0
        self._text_widths: dict[tuple[bool, str], float] = {}
        # One sheet per crowded level, keyed by its neurons' ids (see .sheet).
        self.sheets: dict[tuple[str, ...], NeuronSheet] = {}
        # Convolutional layers drawn as kernels and feature maps (see .feature_maps).
        self.feature_maps = FeatureMapLayers(self)

    # ------------------------------------------------------------------ structure
    def set_document(self, document: DocumentLike | None) -> None:
        self.document = document
        self.rebuild()

    def rebuild(self) -> None:
        """Bring items in line with the network: new, gone and changed neurons, the grid, all edges."""
        self.rebuilds += 1
        document = self.document
        if document is None:
            for item in self.neuron_items.values():
                self._remove_neuron_item(item)
            self.neuron_items.clear()
            self._set_sheets([])
            self._set_grid(None, [])
            self.overlay.clear()
            self.edges.clear()
            self.feature_maps.rebuild()
            self._geometry_changed()
            return
        network = document.network
        grid = image_grid(document)
        pixels = grid_pixel_ids(document)
        self._set_grid(grid, pixels)
        value_range = tuple(document.value_range)
        outputs = [n for n in network.neurons.values() if n.role is Role.OUTPUT]
        for neuron in network.neurons.values():
            if neuron.id in self.pixel_set:
                continue
            item = self.neuron_items.get(neuron.id)
            if item is None:
                item = NeuronItem(neuron.id, self.scheme)
                self.neuron_items[neuron.id] = item
                self.addItem(item)
                self.addItem(item.names)
            self._configure(item, neuron, value_range, outputs)  # type: ignore[arg-type]
        for nid in [nid for nid in self.neuron_items if nid not in network.neurons or nid in self.pixel_set]:
            self._remove_neuron_item(self.neuron_items.pop(nid))
        try:
            levels = network.levels()
        except GraphError:
            levels = [list(network.neurons)]
        groups = {nid: depth for depth, level in enumerate(levels) for nid in level}
        self._set_sheets(levels)
        # Edge positions in the arrays change with the structure: forget the old highlighted ones.
        self.overlay.clear()
        self.edges.rebuild(network, self.node_positions(), self.pixel_set, self._pixel_rect(), groups)
        self.feature_maps.rebuild()
        self._geometry_changed()
        self.relayout_labels()

    def _set_sheets(self, levels: list[list[str]]) -> None:
        """One sheet for each level with more than CROWDED_FROM neurons drawn as discs; the sheets of
        levels that changed are replaced."""
        crowded = [
            tuple(nid for nid in level if nid in self.neuron_items)
            for level in levels
            if sum(1 for nid in level if nid in self.neuron_items) > CROWDED_FROM
        ]
        for key in [key for key in self.sheets if key not in crowded]:
            sheet = self.sheets.pop(key)
            sheet.release()
            self.removeItem(sheet)
        for key in crowded:
            sheet = self.sheets.get(key)
            if sheet is None:
                sheet = NeuronSheet([self.neuron_items[nid] for nid in key], self.scheme)
                self.sheets[key] = sheet
                self.addItem(sheet)
            else:
                sheet.positions_changed()

    def _configure(
        self, item: NeuronItem, neuron: object, value_range: tuple[float, float], outputs: list
    ) -> bool:
        """Bring one item in line with its neuron; True when its name or role changed."""
        role = neuron.role  # type: ignore[attr-defined]
        renamed = item.configure(
            role,
            neuron.activation,  # type: ignore[attr-defined]
            neuron.display_name,  # type: ignore[attr-defined]
            value_range if role is Role.INPUT else None,
        )
        x, y = self.document.layout.position(item.neuron_id)  # type: ignore[union-attr]
        if (item.x(), item.y()) != (x, y):
            item.move_to(x, y)
        return renamed

    def _remove_neuron_item(self, item: NeuronItem) -> None:
        self.removeItem(item.names)
        self.removeItem(item)

    def _set_grid(self, grid: tuple[int, int] | None, pixels: list[str]) -> None:
        if grid is None:
            if self.grid_item is not None:
                self.removeItem(self.grid_item)
                self.grid_item = None
            self.pixel_ids, self.pixel_set = [], set()
            return
        w, h = grid
        cell = self._infer_cell(pixels, w, h)
        item = self.grid_item
        if (
            item is None
            or item.pixel_ids != pixels
            or (item.grid_width, item.grid_height, item.cell) != (w, h, cell)
        ):
            if item is not None:
                self.removeItem(item)
            item = ImageGridItem(pixels, w, h, cell, self.scheme)
            item.set_label_scale(self.label_scale, self.names_shown)
            self.grid_item = item
            self.addItem(item)
        item.setPos(*self.document.layout.position(pixels[0]))  # type: ignore[union-attr]
        self.pixel_ids, self.pixel_set = list(pixels), set(pixels)

    def _infer_cell(self, pixels: list[str], w: int, h: int) -> float:
        """Use the cell size the stored pixel positions show, when they form a regular grid."""
        where = self.document.layout.position  # type: ignore[union-attr]
        first_x, first_y = where(pixels[0])
        step = None
        if w > 1:
            step = where(pixels[1])[0] - first_x
            if h > 1 and abs(where(pixels[w])[1] - first_y - step) > 1e-6:
                step = None
        elif h > 1:
            step = where(pixels[1])[1] - first_y
        if step is not None and 4.0 <= step <= 80.0:
            return float(step)
        return cell_size(w, h)

    def _pixel_rect(self) -> tuple[float, float, float, float] | None:
        if self.grid_item is None:
            return None
        rect = self.grid_item.pixels_rect().translated(self.grid_item.pos())
        return (rect.left(), rect.top(), rect.right(), rect.bottom())

    def node_positions(self) -> dict[str, tuple[float, float]]:
        """Drawn centre of every neuron, pixels at their cell centres."""
        positions: dict[str, tuple[float, float]] = {}
        network = self.document.network  # type: ignore[union-attr]
        if self.grid_item is not None:
            origin = self.grid_item.pos()
            centres = self.grid_item.cell_centres() + np.array([origin.x(), origin.y()])
            for pid, (x, y) in zip(self.pixel_ids, centres.tolist(), strict=True):
                positions[pid] = (x, y)
        for nid in network.neurons:
            if nid not in self.pixel_set:
                item = self.neuron_items[nid]
                positions[nid] = (item.x(), item.y())
        # Keep the network's neuron order, so edge arrays stay aligned with it.
        return {nid: positions[nid] for nid in network.neurons}

    def _geometry_changed(self) -> None:
        self.edge_layer.geometry_changed()
        self.overlay.geometry_changed()

    def neurons_changed(self, ids: Iterable[str]) -> None:
        """Bias, label or activation of these neurons changed in the network, or they moved in the layout."""
        if self.document is None:
            return
        network = self.document.network
        ids = [nid for nid in ids if nid in network.neurons]
        value_range = tuple(self.document.value_range)
        outputs = network.outputs()
        moved: dict[str, tuple[float, float]] = {}
        grid_moved = False
        renamed = False
        for nid in ids:
            if nid in self.pixel_set:
                grid_moved = grid_moved or nid == self.pixel_ids[0]
                continue
            item = self.neuron_items.get(nid)
            if item is None:
                continue
            neuron = network.neurons[nid]
            where = self.document.layout.position(nid)
            if (item.x(), item.y()) != where:
                moved[nid] = where
            renamed = self._configure(item, neuron, value_range, outputs) or renamed  # type: ignore[arg-type]
        if grid_moved and self.grid_item is not None:
            self.grid_item.setPos(*self.document.layout.position(self.pixel_ids[0]))
            moved.update({pid: xy for pid, xy in self.pixel_positions().items()})
        if moved:
            self.move_nodes(moved)
        elif renamed:
            self.relayout_labels()

    def move_nodes(self, positions: Mapping[str, tuple[float, float]], dragging: bool = False) -> None:
        """Neurons moved. While a drag goes on (``dragging``) names are placed without trying two lines,
        so every mouse move stays cheap; the drag's end places them again in full."""
        self.edges.move_nodes(positions, self._pixel_rect())
        self.feature_maps.moved(positions)
        self._geometry_changed()
        self.relayout_labels(wrap=not dragging)

    def pixel_positions(self, origin: QPointF | None = None) -> dict[str, tuple[float, float]]:
        if self.grid_item is None:
            return {}
        origin = origin if origin is not None else self.grid_item.pos()
        centres = self.grid_item.cell_centres() + np.array([origin.x(), origin.y()])
        return {pid: (x, y) for pid, (x, y) in zip(self.pixel_ids, centres.tolist(), strict=True)}

    def weights_changed(self, edge_ids: list[str] | None, plan: Plan | None = None) -> None:
        """Weights changed: the given edges, or all of them (read from ``plan`` when it holds them)."""
        if self.document is None:
            return
        if edge_ids is not None or plan is None or not self.edges.set_weights_from_plan(plan):
            self.edges.set_weights(self.document.network, edge_ids)
        self.edge_layer.invalidate()
        self.overlay.update()
        if edge_ids is None:
            self.feature_maps.kernels_changed(plan)

    def set_strongest_only(self, on: bool) -> None:
        """While training, a big network's edges show only the strongest of each layer (see EdgeModel).
        When training stops, every weight is read again if only the drawn ones followed it."""
        changed = self.edges.set_strongest_only(on)
        if not on and self.edges.partly_current and self.document is not None:
            self.edges.set_weights(self.document.network)
            changed = True
        if changed:
            self.edge_layer.invalidate()

    @property
    def strongest_only(self) -> bool:
        """True while the edges shown are only the strongest of each layer, not all of them."""
        return self.edges.thinned

    def _edge_detail_changed(self) -> None:
        self.detailChanged.emit()

    @property
    def detail_text(self) -> str:
        """What the canvas says about the edges it leaves out: how many of how many it draws when the view
        of a big network cannot show every one, that only the strongest show while training, or nothing."""
        detail = self.edges.detail()
        if detail is not None:
            return partial_caption(*detail)
        return STRONGEST_ONLY_CAPTION if self.edges.thinned else ""

    # ------------------------------------------------------------------ values
    def show_values(
        self,
        values: Mapping[str, tuple[float, float]],
        inputs: np.ndarray | None,
        override: Mapping[str, float] | None,
    ) -> None:
        """Fill neurons and pixels: live (sum, activation) values, or an override (absent = not reached)."""
        for nid, item in self.neuron_items.items():
            if override is not None:
                value = override.get(nid)
                item.set_value(None, None if value is None else float(value), value is not None)
            else:
                pair = values.get(nid)
                item.set_value(*(pair if pair is not None else (None, None)), True)
        self._show_pixels(inputs, override)
        self.feature_maps.show_values(values, override)  # type: ignore[arg-type]

    def show_level_values(
        self, levels: Sequence[tuple[list[str], np.ndarray, np.ndarray]], inputs: np.ndarray | None
    ) -> None:
        """Fill neurons a level at a time from (ids, weighted sums, activations), as
        :meth:`LiveNetwork.level_values` gives them, and pixels from ``inputs``; a neuron in no level shows
        no value. The same as :meth:`show_values` with those values, without a dictionary of every neuron."""
        placed, unplaced = self._items_by_level([ids for ids, _, _ in levels])
        for (_, sums, activations), (positions, items, on_sheet) in zip(levels, placed, strict=True):
            if on_sheet is not None:
                # A crowded level's values go to its sheet in one step (a training frame of 784-1024-1024-10
                # would otherwise make 2,058 calls).
                sheet, slots = on_sheet
                sheet.take_values(slots, sums[positions], activations[positions])
                continue
            totals, values = sums[positions].tolist(), activations[positions].tolist()
            for item, total, value in zip(items, totals, values, strict=True):
                item.set_value(total, value, True)
        for item in unplaced:
            item.set_value(None, None, True)
        self._show_pixels(inputs, None)
        self.feature_maps.show_levels(levels)

    def _items_by_level(
        self, levels: list[list[str]]
    ) -> tuple[
        list[tuple[np.ndarray, list[NeuronItem], tuple[NeuronSheet, np.ndarray] | None]], list[NeuronItem]
    ]:
        """Per level, the positions of its neurons that have an item, those items, and the sheet drawing
        them all with their places on it (None when no one sheet does); then the items of neurons in no
        level. Kept while the items, the sheets and the plan's levels stay the same objects."""
        cached = self._level_items
        if (
            cached is not None
            and cached[0] == self.rebuilds
            and len(cached[1]) == len(levels)
            and all(kept is ids for kept, ids in zip(cached[1], levels, strict=True))
        ):
            return cached[2], cached[3]
        placed: list[tuple[np.ndarray, list[NeuronItem], tuple[NeuronSheet, np.ndarray] | None]] = []
        seen: set[str] = set()
        for ids in levels:
            at = [i for i, nid in enumerate(ids) if nid in self.neuron_items]
            items = [self.neuron_items[ids[i]] for i in at]
            sheet = items[0].sheet if items else None
            slots = sheet.slots(items) if sheet is not None else None
            on_sheet = (sheet, slots) if sheet is not None and slots is not None else None
            placed.append((np.array(at, dtype=np.intp), items, on_sheet))
            seen.update(ids)
        unplaced = [item for nid, item in self.neuron_items.items() if nid not in seen]
        self._level_items = (self.rebuilds, list(levels), placed, unplaced)
        return placed, unplaced

    def _show_pixels(self, inputs: np.ndarray | None, override: Mapping[str, float] | None) -> None:
        if self.grid_item is not None and self.document is not None:
            n = len(self.pixel_ids)
            if override is not None:
                pixel_values = np.array(
                    [override.get(pid, np.nan) for pid in self.pixel_ids], dtype=np.float32
                )
                reached = np.array([pid in override for pid in self.pixel_ids], dtype=bool)
            else:
                pixel_values = np.full(n, np.nan, dtype=np.float32)
                if inputs is not None and inputs.size >= n:
                    pixel_values = np.asarray(inputs[:n], dtype=np.float32)
                reached = np.ones(n, dtype=bool)
            self.grid_item.set_values(pixel_values, reached, tuple(self.document.value_range))  # type: ignore[arg-type]

    def set_extra_texts(self, texts: Mapping[str, str] | None) -> None:
        texts = texts or {}
        changed = False
        for nid, item in self.neuron_items.items():
            changed = item.set_extra_text(texts.get(nid, "")) or changed
        if changed:
            self.relayout_labels()

    # ------------------------------------------------------------------ names
    @property
    def names_shown(self) -> bool:
        """False when the view is zoomed out so far that names would be too small to read."""
        return self.view_scale * self.label_scale >= NAMES_FROM_SIZE

    def set_view_scale(self, scale: float) -> None:
        """The view's zoom: names keep their size on screen down to zoom 1 / LABEL_MAX_SCALE, then shrink
        with the view, and are left out below NAMES_FROM_SIZE of their size (a whole network in a tiny
        view shows its shape, not a few names as big as itself)."""
        label_scale = min(1.0 / scale, LABEL_MAX_SCALE) if 0 < scale < 1 else 1.0
        shown = self.names_shown
        self.view_scale = scale
        self.feature_maps.set_view_scale(scale)
        if abs(label_scale - self.label_scale) <= 1e-9 * label_scale and shown == self.names_shown:
            return
        self.label_scale = label_scale
        if self.grid_item is not None:
            self.grid_item.set_label_scale(label_scale, self.names_shown)
        self.overlay.set_label_scale(label_scale)
        self.relayout_labels()

    def _text_width(self, text: str, bold: bool) -> float:
        """Width of ``text`` in pixels at zoom 1 (measured once per text)."""
        key = (bold, text)
        width = self._text_widths.get(key)
        if width is None:
            if len(self._text_widths) > 20_000:
                self._text_widths.clear()
            width = _Fonts.metrics(bold).horizontalAdvance(text)
            self._text_widths[key] = width
        return width

    def relayout_labels(self, wrap: bool = True) -> None:
        """Place every neuron's names for the current zoom (see :mod:`.labels`); ``wrap`` tries names
        that had to be shortened on two lines."""
        self.label_layouts += 1
        # The neurons a feature-map block draws have no names of their own (the block's caption names the
        # layer): the block's rectangle is what other names keep clear of.
        covered = self.feature_maps.covered
        items = [item for nid, item in self.neuron_items.items() if nid not in covered]
        if not self.names_shown:
            for item in items:
                item.set_labels([])
            return
        requests: list[tuple[int, int, str, bool]] = []
        bodies: list[tuple[float, float, float, float]] = []
        for row, item in enumerate(items):
            body = item.body_rect().translated(item.pos())
            bodies.append((body.left(), body.top(), body.right(), body.bottom()))
            requests += [
                (row, int(side), drawn_text(text), bold) for side, text, bold in item.label_requests()
            ]
        if self.grid_item is not None:
            grid = self.grid_item.visible_rect().translated(self.grid_item.pos())
            bodies.append((grid.left(), grid.top(), grid.right(), grid.bottom()))
        for block in self.feature_maps.blocks.values():
            box = block.sceneBoundingRect()
            bodies.append((box.left(), box.top(), box.right(), box.bottom()))
        placed: list[list[PlacedLabel]] = [[] for _ in items]
        if requests:
            chosen = self._place_labels(items, requests, bodies)
            # A shortened name gets a second try on two lines: all of them at once, and when that leaves a
            # name cut or out, one name at a time, each kept when the layout then cuts or leaves out fewer
            # names (so wrapped names never overlap each other).
            cut = [n for n, (_, out, shortened) in enumerate(chosen) if shortened and not out]
            wrapped = {n: two_lines(requests[n][2]) for n in cut}
            wrapped = {n: text for n, text in wrapped.items() if text != requests[n][2]}
            if wrapped and wrap:
                every = [
                    (row, side, wrapped.get(n, text), bold)
                    for n, (row, side, text, bold) in enumerate(requests)
                ]
                placed_every = self._place_labels(items, every, bodies)
                if _losses(placed_every) == (0, 0):
                    chosen = placed_every
                elif len(wrapped) <= WRAP_TRIES:
                    tried = list(requests)
                    for n, text in wrapped.items():
                        row, side, _, bold = tried[n]
                        attempt = [*tried[:n], (row, side, text, bold), *tried[n + 1 :]]
                        placed_again = self._place_labels(items, attempt, bodies)
                        if _losses(placed_again) < _losses(chosen):
                            tried, chosen = attempt, placed_again
            for (row, *_), (label, _, _) in zip(requests, chosen, strict=True):
                if label is not None:
                    placed[row].append(label)
        for item, labels in zip(items, placed, strict=True):
            item.set_labels(labels)

    def _place_labels(
        self,
        items: list[NeuronItem],
        requests: list[tuple[int, int, str, bool]],
        bodies: list[tuple[float, float, float, float]],
    ) -> list[tuple[PlacedLabel | None, bool, bool]]:
        """Lay out the names: per request its plate (None when left out), whether it was left out and
        whether it was shortened."""
        k = self.label_scale
        rows = np.array([row for row, _, _, _ in requests], dtype=np.intp)
        xs = np.array([item.x() for item in items])[rows]
        ys = np.array([item.y() for item in items])[rows]
        lines = [text.split("\n") for _, _, text, _ in requests]
        text_px = np.array(
            [
                max(self._text_width(line, bold) for line in parts)
                for parts, (*_, bold) in zip(lines, requests, strict=True)
            ]
        )
        least_px = np.minimum(
            text_px, np.array([self._text_width(LABEL_MIN_TEXT, bold) for *_, bold in requests])
        )
        widths = (text_px + LABEL_PADDING_PX) * k
        heights = np.array(
            [plate_height(bold, len(parts)) * k for parts, (*_, bold) in zip(lines, requests, strict=True)]
        )
        boxes = layout_labels(
            x=xs,
            y=ys,
            half=np.array([body_half(items[row].role) for row in rows.tolist()]),
            side=np.array([side for _, side, _, _ in requests], dtype=np.intp),
            width=widths,
            height=heights,
            bodies=np.array(bodies),
            own_body=rows,
            gap=LABEL_GAP_PX * k,
            tolerance=LABEL_TOLERANCE_PX * k,
            min_width=(least_px + LABEL_PADDING_PX) * k,
        )
        result: list[tuple[PlacedLabel | None, bool, bool]] = []
        for n, (_, _, text, bold) in enumerate(requests):
            width = float(boxes.width[n])
            if width <= 0:
                result.append((None, True, False))
                continue
            shown, cut = text, width < widths[n] - 1e-6
            if cut:
                room = width / k - LABEL_PADDING_PX
                metrics = _Fonts.metrics(bold)
                shown = "\n".join(
                    metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines[n]
                )
                if not shown.replace("\n", "") or shown.replace("\n", "") == "\u2026":
                    result.append((None, True, True))
                    continue
            left, top = float(boxes.left[n] - xs[n]), float(boxes.top[n] - ys[n])
            box = QRectF(left, top, width, float(heights[n]))
            result.append((PlacedLabel(box, shown, bold, k), False, cut))
        return result

    # ------------------------------------------------------------------ look
    def set_scheme(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self.setBackgroundBrush(QBrush(scheme.background))
        for item in self.neuron_items.values():
            item.set_scheme(scheme)
        for sheet in self.sheets.values():
            sheet.set_scheme(scheme)
        if self.grid_item is not None:
            self.grid_item.set_scheme(scheme)
        self.edge_layer.set_scheme(scheme)
        self.overlay.set_scheme(scheme)

    def show_state(
        self,
        *,
        selected_neurons: set[str],
        selected_edges: set[str],
        hover: Hit | None,
        pulse_neurons: set[str],
        pulse_edges: set[str],
        edge_labels: Mapping[str, str],
        handles: bool,
    ) -> None:
        """Mark what is selected, hovered and pulsing; highlight the touched neurons' edges."""
        hovered_neuron = hover.id if hover is not None and hover.kind in ("neuron", "handle") else None
        for nid, item in self.neuron_items.items():
            item.set_flags(
                selected=nid in selected_neurons,
                hovered=nid == hovered_neuron,
                pulsing=nid in pulse_neurons,
                handle=handles and nid == hovered_neuron,
            )
        if self.grid_item is not None:
            grid = self.grid_item
            over_grid = hover is not None and hover.kind in ("pixel", "grid-handle")
            grid.set_flags(
                selected=bool(self.pixel_ids) and self.pixel_ids[0] in selected_neurons,
                hovered_pixel=hover.pixel if hover is not None and hover.kind == "pixel" else None,
                handle=handles and over_grid,
                pulsing=np.array([grid.index[p] for p in pulse_neurons if p in grid.index], dtype=np.intp),
            )
        edges = self.edges
        hot_nodes: list[str] = []
        if hover is not None and hover.kind in ("neuron", "handle", "pixel"):
            hot_nodes.append(hover.id)
        hot = edges.edges_of(hot_nodes)
        neighbours = edges.edges_of([n for n in selected_neurons if n not in self.pixel_set], NEIGHBOUR_LIMIT)
        hot = np.union1d(hot, neighbours)
        hovered_edge = edges.position_of(hover.id) if hover is not None and hover.kind == "edge" else None
        if hovered_edge is not None:
            hot = np.union1d(hot, [hovered_edge]).astype(np.intp)
        labels = {i: text for e, text in edge_labels.items() if (i := edges.position_of(e)) is not None}
        # Selecting every edge of a big network (Ctrl+A) marks nothing: a halo on 12,960 lines shows nothing.
        marked = (
            edges.indices(selected_edges) if len(selected_edges) <= NEIGHBOUR_LIMIT else edges.indices(())
        )
        self.overlay.set_state(hot.astype(np.intp), marked, edges.indices(pulse_edges), labels)

    # ------------------------------------------------------------------ queries
    def position_of(self, neuron_id: str) -> QPointF:
        if neuron_id in self.neuron_items:
            return self.neuron_items[neuron_id].pos()
        if self.grid_item is not None and neuron_id in self.grid_item.index:
            return self.grid_item.pos() + self.grid_item.cell_centre(self.grid_item.index[neuron_id])
        raise KeyError(neuron_id)

    def edge_point(self, edge_id: str, t: float = 0.5) -> QPointF:
        """A point on the drawn edge, ``t`` of the way from its (visible) start to its end."""
        i = self.edges.index[edge_id]
        e = self.edges
        return QPointF(e.x1[i] + (e.x2[i] - e.x1[i]) * t, e.y1[i] + (e.y2[i] - e.y1[i]) * t)

    def content_rect(self) -> QRectF:
        """What the network shows: every neuron's body and names, and the image grid with its caption.

        An output's name keeps room after it for the delta a training step writes there, so a fitted view
        still shows it whole when it comes."""
        rect = QRectF()
        room = (self._text_width(DELTA_ROOM_TEXT, True)) * self.label_scale
        covered = self.feature_maps.covered
        for block in self.feature_maps.blocks.values():
            rect = rect.united(block.sceneBoundingRect())
        for nid, item in self.neuron_items.items():
            if nid in covered:
                continue  # inside its layer's block
            shown = item.visible_rect()
            if item.role is Role.OUTPUT and not item.extra_text and item.labels:
                shown = shown.united(shown.adjusted(0, 0, room, 0))
            rect = rect.united(shown.translated(item.pos()))
        if self.grid_item is not None:
            rect = rect.united(self.grid_item.visible_rect().translated(self.grid_item.pos()))
        return rect

    def hit(self, pos: QPointF, tolerance: float) -> Hit | None:
        """The thing under a scene point: a connect handle, a neuron, a name, the image's handle, caption or
        pixel, then the nearest edge."""
        mapped = self.feature_maps.neuron_at(pos.x(), pos.y())
        if mapped is not None:  # a feature map's pixel is its neuron (their discs overlap there)
            return Hit("neuron", mapped)
        probe = QRectF(
            pos.x() - NEURON_RADIUS * 3, pos.y() - NEURON_RADIUS * 3, NEURON_RADIUS * 6, NEURON_RADIUS * 6
        )
        near = [
            it
            for it in self.items(probe, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
            if isinstance(it, NeuronItem)
        ]
        for item in near:
            if item.hits_handle(item.mapFromScene(pos)) and not item.hits_body(item.mapFromScene(pos)):
                return Hit("handle", item.neuron_id)
        for item in near:
            if item.hits_body(item.mapFromScene(pos)):
                return Hit("neuron", item.neuron_id)
        # Names reach further than the probe around their neuron: ask the name items drawn at the point.
        for it in self.items(pos, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(it, NameItem) and it.neuron.hits_name(it.neuron.mapFromScene(pos)):
                return Hit("name", it.neuron.neuron_id)
        if self.grid_item is not None:
            local = self.grid_item.mapFromScene(pos)
            if self.grid_item.hits_handle(local):
                return Hit("grid-handle", self.pixel_ids[0])
            if self.grid_item.hits_caption(local):
                return Hit("caption", self.pixel_ids[0])
            pixel = self.grid_item.pixel_at(local)
            if pixel is not None:
                return Hit("pixel", self.pixel_ids[pixel], pixel)
        index = self.edges.nearest(pos.x(), pos.y(), tolerance)
        if index is not None:
            return Hit("edge", self.edges.ids[index])
        return None

    def neurons_in(self, rect: QRectF) -> list[str]:
        """Neurons whose centre lies in ``rect``; the whole image when its centre does."""
        found = [nid for nid, item in self.neuron_items.items() if rect.contains(item.pos())]
        if self.grid_item is not None:
            centre = self.grid_item.mapToScene(self.grid_item.pixels_rect().center())
            if rect.contains(centre):
                found.extend(self.pixel_ids)
        return found
