"""Convolutional layers on the canvas: a block of kernels and feature maps instead of thousands of discs.

A layer fed by a convolution or a pooling keeps its neurons (they are hit-tested, selected and connected
like any other) but they draw nothing: one :class:`FeatureMapBlock` draws the layer, each channel as a small
image of the current input's feature map laid exactly over its neurons, with the kernel that made it
beside it (white positive, black negative, grey zero, like the connections' lines). Pictures are made
from the values the scene is given anyway, so the canvas stays as fast as for a dense layer.

Clicking a feature map selects the neuron under the pointer and opens the story of how that map was made
(:mod:`nnstudio.ui.canvas.feature_map_story`); a kernel dragged out of the kernel lab can be dropped on the
layer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.ui.commands import SetKernel

from .feature_map_story import FeatureMapStory
from .guard import reports_errors
from .items import Z_NEURONS
from .map_images import gray_image, map_range, signed_image

if TYPE_CHECKING:
    from nnstudio.engine.conv import Convolution

    from .scene import CanvasScene

Array = np.ndarray

# The MIME type a kernel dragged out of the kernel lab carries (see nnstudio.ui.kernel_lab).
KERNEL_MIME = "application/x-nnstudio-kernel"
Z_MAPS = Z_NEURONS - 0.4
# Above every block: a caption wider than its layer reaches over the next layer's kernels, and stays whole.
Z_MAP_CAPTIONS = Z_MAPS + 0.2
CAPTION_HEIGHT = 16.0
# A layer's caption is never smaller on screen than this many pixels tall.
CAPTION_PX = 14.0
KERNEL_GAP = 6.0


class FeatureMapBlock(QGraphicsItem):
    """One shaped layer drawn as its channels' feature maps, each with its kernel beside it."""

    def __init__(self, layer: str, conv: Convolution, ids: list[str], positions: Array) -> None:
        super().__init__()
        self.layer = layer
        self.conv = conv
        self.ids = ids
        self.setZValue(Z_MAPS)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        c, h, w = conv.out_shape
        self.shape3 = (c, h, w)
        self.maps = np.full((c, h, w), np.nan)
        self._map_images: list[QImage] = []
        self._kernel_images: list[list[QImage]] = []
        self.view_scale = 1.0
        self.caption_item = FeatureMapCaption(self)
        self.place(positions)
        self.kernels_changed()
        self.set_maps(self.maps)

    # ------------------------------------------------------------------ geometry
    def place(self, positions: Array) -> None:
        """Lay each channel's picture over its neurons (positions: (neurons, 2) in channel, row, column order)."""
        self.prepareGeometryChange()
        self._positions = positions
        c, h, w = self.shape3
        xy = np.asarray(positions, dtype=np.float64).reshape(c, h * w, 2)
        step_x = float(xy[0, 1, 0] - xy[0, 0, 0]) if w > 1 else 8.0
        step_y = float(xy[0, w, 1] - xy[0, 0, 1]) if h > 1 else step_x
        step = max(1.0, abs(step_x) if w > 1 else abs(step_y))
        half = step / 2
        self.step = step
        self.channel_rects = [
            QRectF(
                float(xy[k, :, 0].min()) - half,
                float(xy[k, :, 1].min()) - half,
                float(xy[k, :, 0].max() - xy[k, :, 0].min()) + step,
                float(xy[k, :, 1].max() - xy[k, :, 1].min()) + step,
            )
            for k in range(c)
        ]
        box = QRectF(self.channel_rects[0])
        for rect in self.channel_rects[1:]:
            box = box.united(rect)
        columns = 1 if self.conv.kernel is None or self.conv.kernel.shape[1] == 1 else 2
        room = columns * (self._kernel_side() + 2) + KERNEL_GAP if self.conv.kernel is not None else 0.0
        self.picture_rect = box.adjusted(-room - 2, -2, 2, 2)
        self._bounds = self.picture_rect
        self.caption_item.follow()

    def caption_placed(self) -> None:
        """The caption's place counts as the layer's: a fitted view shows it, other names keep clear of it."""
        self.prepareGeometryChange()
        self._bounds = self.picture_rect.united(self.caption_item.sceneBoundingRect())

    def caption_height(self) -> float:
        """The caption grows with the maps, so it reads at the zoom that shows them, and never gets smaller
        on screen than CAPTION_PX: a ConvNet fitted in the view is tiny, and its layers' names still read."""
        # In neuron spacings, the same in every layer, so every layer's caption is the same size.
        return max(CAPTION_HEIGHT, 6 * getattr(self, "step", 0.0), CAPTION_PX / self.view_scale)

    def set_view_scale(self, scale: float) -> None:
        """The view's zoom (device pixels per scene unit)."""
        if scale > 0 and scale != self.view_scale:
            self.view_scale = scale
            self.place(self._positions)

    def _kernel_side(self) -> float:
        if not self.channel_rects:
            return 0.0
        rect = self.channel_rects[0]
        return max(6.0, min(rect.height() * 0.5, rect.width() * 0.5))

    def kernel_rects(self, channel: int) -> list[QRectF]:
        """Where the slices of one kernel (one per input channel, at most four shown, two by two) are drawn."""
        if self.conv.kernel is None:
            return []
        rect = self.channel_rects[channel]
        count = min(4, self.conv.kernel.shape[1])
        columns = 1 if count == 1 else 2
        rows = (count + columns - 1) // columns
        each = min(self._kernel_side(), (rect.height() - (rows - 1) * 2) / rows)
        right = rect.left() - KERNEL_GAP
        return [
            QRectF(
                right - (columns - i % columns) * (each + 2) + 2,
                rect.top() + (i // columns) * (each + 2),
                each,
                each,
            )
            for i in range(count)
        ]

    def boundingRect(self) -> QRectF:
        return self._bounds

    def channel_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """(channel, row, column) of the map pixel at scene point (x, y), if any."""
        c, h, w = self.shape3
        for k, rect in enumerate(self.channel_rects):
            if rect.contains(x, y):
                col = min(w - 1, int((x - rect.left()) / rect.width() * w))
                row = min(h - 1, int((y - rect.top()) / rect.height() * h))
                return k, row, col
        return None

    # ------------------------------------------------------------------ pictures
    def kernels_changed(self, kernel: Array | None = None) -> None:
        """Draw the kernels again: ``kernel`` (kernels, in channels, size, size) or the network's own."""
        kernel = self.conv.kernel if kernel is None else kernel
        if kernel is None:
            self._kernel_images = []
        else:
            self._kernel_images = [
                [signed_image(kernel[k, i]) for i in range(min(4, kernel.shape[1]))]
                for k in range(kernel.shape[0])
            ]
        self.update()

    def set_maps(self, maps: Array) -> None:
        """Each map is shaded on its own scale (so a weak map still shows its shape), but never stretched
        beyond a twentieth of the layer's strongest, so a map that is all but silent stays dark."""
        self.maps = np.asarray(maps, dtype=np.float64).reshape(self.shape3)
        low, high = map_range(self.maps)
        self.range = (low, high)
        floor = max(abs(low), abs(high)) / 20
        images = []
        for channel in self.maps:
            own_low, own_high = map_range(channel)
            if own_low >= 0 and low >= 0:
                images.append(gray_image(channel, 0.0, max(own_high, floor)))
            else:
                reach = max(abs(own_low), abs(own_high), floor)
                images.append(gray_image(channel, -reach, reach))
        self._map_images = images
        self.update()

    def caption(self) -> str:
        return f"{self.layer}: {self.conv.describe()}"

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        frame = QPen(QColor(150, 150, 160), 0)
        for k, rect in enumerate(self.channel_rects):
            if k < len(self._map_images):
                painter.drawImage(rect, self._map_images[k])
            painter.setPen(frame)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
            if self._kernel_images:
                for kernel_rect, image in zip(self.kernel_rects(k), self._kernel_images[k], strict=False):
                    painter.drawImage(kernel_rect, image)
                    painter.drawRect(kernel_rect)


class FeatureMapCaption(QGraphicsItem):
    """A shaped layer's name and what it does, above its block's top-left corner.

    An item of its own, stacked above every block: a caption is often wider than its layer (a pooling
    layer is a thin column) and reaches over the next layer's kernels, which would otherwise be drawn over
    it. A translucent dark backing keeps the text legible over those kernels."""

    def __init__(self, block: FeatureMapBlock) -> None:
        super().__init__()
        self.block = block
        self.setZValue(Z_MAP_CAPTIONS)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._box = QRectF()
        self._padding = 0.0

    def font(self) -> QFont:
        font = QFont()
        font.setPixelSize(max(1, round(self.block.caption_height() * 0.8)))
        return font

    def follow(self) -> None:
        """Take the block's place and the size its zoom asks for: just above its first map and its kernels."""
        block = self.block
        height = block.caption_height()
        self._padding = 0.25 * height
        width = QFontMetricsF(self.font()).horizontalAdvance(block.caption())
        self.prepareGeometryChange()
        self._box = QRectF(0.0, 0.0, width + 2 * self._padding, height)
        first = block.channel_rects[0]
        self.setPos(block.picture_rect.left() + 2, first.top() - height - 2)
        block.caption_placed()
        self.update()

    def lift_above(self, others: list[QRectF]) -> None:
        """Rise until clear of the ``others`` (captions already placed): zoomed out, every caption keeps its
        readable size while the layers shrink, and neighbours' captions would run into each other."""
        gap = 0.15 * self._box.height()
        rect = self.sceneBoundingRect()
        clashing = True
        while clashing:
            clashing = False
            for other in others:
                # Half the gap asked, the whole gap given: a caption once lifted clear of another stays so.
                if rect.adjusted(0, -gap / 2, 0, gap / 2).intersects(other):
                    rect.moveBottom(other.top() - gap)
                    clashing = True
        if rect.top() != self.sceneBoundingRect().top():
            self.setPos(self.pos().x(), rect.top())
            self.block.caption_placed()

    def text_rect(self) -> QRectF:
        """Where the text is written, in the item's coordinates."""
        return self._box.adjusted(self._padding, 0, -self._padding, 0)

    def boundingRect(self) -> QRectF:
        return self._box

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        radius = self._box.height() * 0.2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(24, 24, 30, 170))
        painter.drawRoundedRect(self._box, radius, radius)
        painter.setFont(self.font())
        painter.setPen(QColor(235, 235, 240))
        painter.drawText(
            self._box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, self.block.caption()
        )


class FeatureMapLayers:
    """The scene's shaped layers: one :class:`FeatureMapBlock` each, kept in line with the network."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene
        self.blocks: dict[str, FeatureMapBlock] = {}
        # Per layer (the conv layers and their sources): (level, positions in it) in the plan's levels.
        self._where: dict[str, tuple[int, Array]] = {}
        self._levels_key: tuple[int, ...] | None = None
        self.values: dict[str, Array] = {}
        self.story: FeatureMapStory | None = None
        self._followed: set[int] = set()
        # The neurons the blocks draw (their own discs step aside): the blocks' rectangles stand for them.
        self.covered: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ structure
    def rebuild(self) -> None:
        scene = self.scene
        document = scene.document
        convs = {} if document is None else dict(getattr(document.network, "convolutions", {}))
        for name in [n for n in self.blocks if n not in convs]:
            self._remove(self.blocks.pop(name))
        self._levels_key = None
        if not convs:
            self.covered = frozenset()
            return
        network = document.network  # type: ignore[union-attr]
        members = self.layer_members(network)
        hidden: set[str] = set()
        for name, conv in convs.items():
            ids = members.get(name, [])
            if len(ids) != int(np.prod(conv.out_shape)):
                continue
            positions = np.array([document.layout.position(nid) for nid in ids])
            block = self.blocks.get(name)
            if block is None or block.conv is not conv or block.ids != ids:
                if block is not None:
                    self._remove(block)
                block = FeatureMapBlock(name, conv, ids, positions)
                block.set_view_scale(scene.view_scale)
                self.blocks[name] = block
                scene.addItem(block)
                scene.addItem(block.caption_item)
            else:
                block.place(positions)
                block.kernels_changed()
            hidden.update(ids)
        # The layer's own discs step aside: the block draws it, its neurons are still there to be touched.
        # A crowded layer's discs are drawn by its sheet, hidden below; a disc draws itself only while
        # touched, showing the pixel pointed at. A small layer's discs are always drawn, so they are made
        # all but transparent (not fully: Qt stops hit-testing a fully transparent item). Nameless too: the
        # block's caption names the layer, and thousands of neuron names would bury it.
        for nid in hidden:
            item = scene.neuron_items.get(nid)
            if item is not None:
                if item.sheet is None:
                    item.setOpacity(0.01)
                item.name = ""
        for key, sheet in scene.sheets.items():
            sheet.setVisible(not hidden.issuperset(key))
        self.covered = frozenset(hidden)
        self._separate_captions()
        self._follow_selection()

    def _remove(self, block: FeatureMapBlock) -> None:
        self.scene.removeItem(block)
        self.scene.removeItem(block.caption_item)

    @property
    def captions(self) -> dict[str, FeatureMapCaption]:
        """Each shaped layer's caption item, by layer name."""
        return {name: block.caption_item for name, block in self.blocks.items()}

    def set_view_scale(self, scale: float) -> None:
        """The view zoomed: every layer's caption stays readable on screen."""
        for block in self.blocks.values():
            block.set_view_scale(scale)
        self._separate_captions()

    def _separate_captions(self) -> None:
        """Each caption at its layer's corner, those that would run into a caption on their left lifted
        clear of it (a caption on the left keeps its place)."""
        placed: list[QRectF] = []
        for block in sorted(self.blocks.values(), key=lambda b: b.picture_rect.left()):
            caption = block.caption_item
            caption.follow()
            caption.lift_above(placed)
            placed.append(caption.sceneBoundingRect())

    def moved(self, positions: Any) -> None:
        """Neurons moved: a layer any of whose neurons moved lays its pictures over them again."""
        items = self.scene.neuron_items
        for block in self.blocks.values():
            if not any(nid in positions for nid in block.ids):
                continue
            spots = [items[nid] for nid in block.ids if nid in items]
            if len(spots) != len(block.ids):
                continue
            for item in spots:
                item.name = ""  # (set again from the network when it moved; the caption names the layer)
            block.place(np.array([(item.x(), item.y()) for item in spots]))
            block.update()
        self._separate_captions()

    @staticmethod
    def layer_members(network: Any) -> dict[str, list[str]]:
        members: dict[str, list[str]] = {}
        for nid, neuron in network.neurons.items():
            if neuron.layer:
                members.setdefault(neuron.layer, []).append(nid)
        return members

    def kernels_changed(self, plan: Any = None) -> None:
        """The kernels changed (an edit, a training frame): from ``plan`` when it holds the newest."""
        held = plan.conv_values() if plan is not None and hasattr(plan, "conv_values") else {}
        for name, block in self.blocks.items():
            values = held.get(name)
            block.kernels_changed(None if values is None else values[0].reshape(block.conv.kernel.shape))
        if self.story is not None and self.story.isVisible():
            self.story.refresh()

    # ------------------------------------------------------------------ values
    def show_levels(self, levels: Sequence[tuple[list[str], Array, Array]]) -> None:
        """Take each shaped layer's maps from the plan's levels (ids, sums, activations)."""
        if not self.blocks:
            return
        key = tuple(id(ids) for ids, _, _ in levels)
        if key != self._levels_key:
            self._locate([ids for ids, _, _ in levels])
            self._levels_key = key
        for name, (level, positions) in self._where.items():
            self.values[name] = np.asarray(levels[level][2][positions], dtype=np.float64)
        self._show()

    def show_values(self, values: dict[str, tuple[float, float]], override: dict[str, float] | None) -> None:
        """Take the maps from a value per neuron id (an animation's override, or the live values)."""
        if not self.blocks or self.scene.document is None:
            return
        members = self.layer_members(self.scene.document.network)
        for name in self._wanted_layers():
            ids = members.get(name, [])
            if override is not None:
                self.values[name] = np.array([override.get(nid, np.nan) for nid in ids], dtype=np.float64)
            else:
                self.values[name] = np.array(
                    [values[nid][1] if nid in values else np.nan for nid in ids], dtype=np.float64
                )
        self._show()

    def _wanted_layers(self) -> set[str]:
        wanted = set(self.blocks)
        wanted.update(block.conv.source for block in self.blocks.values())
        return wanted

    def _locate(self, levels: list[list[str]]) -> None:
        members = self.layer_members(self.scene.document.network)  # type: ignore[union-attr]
        where_level = {}
        for li, ids in enumerate(levels):
            for pos, nid in enumerate(ids):
                where_level[nid] = (li, pos)
        self._where = {}
        for name in self._wanted_layers():
            ids = members.get(name, [])
            spots = [where_level.get(nid) for nid in ids]
            if not ids or any(s is None for s in spots) or len({s[0] for s in spots}) != 1:  # type: ignore[index]
                continue
            self._where[name] = (spots[0][0], np.array([s[1] for s in spots], dtype=np.intp))  # type: ignore[index]

    def _show(self) -> None:
        for name, block in self.blocks.items():
            values = self.values.get(name)
            if values is not None and values.size == block.maps.size:
                block.set_maps(values)
        if self.story is not None and self.story.isVisible():
            self.story.refresh()

    def source_maps(self, layer: str) -> Array | None:
        """The picture(s) a layer's convolution reads, (channels, height, width), from the current values."""
        block = self.blocks.get(layer)
        if block is None:
            return None
        values = self.values.get(block.conv.source)
        if values is None or values.size != int(np.prod(block.conv.in_shape)):
            return None
        return values.reshape(block.conv.in_shape)

    def pooling_after(self, layer: str) -> FeatureMapBlock | None:
        for block in self.blocks.values():
            if block.conv.source == layer and block.conv.kernel is None:
                return block
        return None

    # ------------------------------------------------------------------ clicking a map
    def _follow_selection(self) -> None:
        for view in self.scene.views():
            signal = getattr(view, "selectionChangedIds", None)
            if signal is not None and id(view) not in self._followed:
                signal.connect(self.selected)
                self._followed.add(id(view))

    def neuron_at(self, x: float, y: float) -> str | None:
        """The neuron whose map pixel is at scene point (x, y), if any."""
        for block in self.blocks.values():
            spot = block.channel_at(x, y)
            if spot is not None:
                channel, row, col = spot
                c, h, w = block.shape3
                return block.ids[channel * h * w + row * w + col]
        return None

    def block_of(self, neuron_id: str) -> tuple[FeatureMapBlock, int, int, int] | None:
        for block in self.blocks.values():
            try:
                index = block.ids.index(neuron_id)
            except ValueError:
                continue
            c, h, w = block.shape3
            channel, rest = divmod(index, h * w)
            row, col = divmod(rest, w)
            return block, channel, row, col
        return None

    def selected(self, neuron_ids: list[str], _edge_ids: list[str] | None = None) -> None:
        """One neuron of a feature map selected: show how its map was made, at its place."""
        if len(neuron_ids) != 1:
            return
        views = self.scene.views()
        view = views[0] if views else None
        found = self.block_of(neuron_ids[0])
        if found is None:
            return
        block, channel, row, col = found
        self.open_story(block.layer, channel, (row, col), view)

    def open_story(
        self, layer: str, channel: int, place: tuple[int, int] | None = None, view: Any = None
    ) -> FeatureMapStory:
        parent = view.window() if view is not None else None
        if self.story is None:
            self.story = FeatureMapStory(self, parent)
        self.story.view = view
        self.story.show_map(layer, channel, place)
        self.story.show()
        self.story.raise_()
        return self.story

    # ------------------------------------------------------------------ kernels dropped from the lab
    def drop_kernel(self, x: float, y: float, payload: bytes, push: Any) -> tuple[bool, str] | None:
        """Give the kernel under (x, y) the numbers of a kernel dragged from the lab: (taken, what to say),
        or None when (x, y) is on no shaped layer."""
        for block in self.blocks.values():
            spot = block.channel_at(x, y)
            near_kernel = spot is None and any(
                r.adjusted(-4, -4, 4, 4).contains(x, y)
                for k in range(len(block.channel_rects))
                for r in block.kernel_rects(k)
            )
            if spot is None and not near_kernel:
                continue
            if block.conv.kernel is None:
                return False, f"{block.layer} is a pooling layer: it has no kernels to take numbers"
            if spot is None:
                spot = next(
                    (k, 0, 0)
                    for k in range(len(block.channel_rects))
                    if any(r.adjusted(-4, -4, 4, 4).contains(x, y) for r in block.kernel_rects(k))
                )
            channel = spot[0]
            try:
                values = np.array(json.loads(payload.decode("utf-8"))["values"], dtype=np.float64)
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                return False, "That kernel could not be read"
            kernel = block.conv.kernel.copy()
            size = kernel.shape[-1]
            if values.shape != (size, size):
                return (
                    False,
                    f"{block.layer}'s kernels are {size}x{size}; this one is {values.shape[0]}x{values.shape[-1]}:"
                    f" set Size to {size}x{size} in the Kernel Lab and drag it again",
                )
            kernel[channel, :] = values
            network = self.scene.document.network  # type: ignore[union-attr]
            push(
                SetKernel(
                    network, block.layer, kernel, block.conv.bias, f"Kernel {channel + 1} of {block.layer}"
                )
            )
            self.kernels_changed()
            return True, f"Kernel {channel + 1} of {block.layer} takes the lab's numbers"
        return None
