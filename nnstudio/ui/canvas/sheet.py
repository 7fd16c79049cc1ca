"""The discs of a crowded level drawn as one picture.

A level with more than :data:`CROWDED_FROM` neurons (a dense layer of 256) would cost one Python paint
callback per neuron on every repaint, each waiting for the interpreter while training runs. Its neurons keep
their :class:`~.items.NeuronItem` (hit-testing, hover, selection, drags and names work as for any neuron),
but those items paint nothing until the person touches them (hovered, selected, pulsing): one
:class:`NeuronSheet` draws every resting disc of the level in one paint. Each look (role, reached, fill
colour in steps too small to see) is drawn once per view scale and copied to every disc that has it; discs a
few pixels across are drawn by numpy straight into one picture of the level; an SVG export, or a view
zoomed far in, draws each disc as a shape. What a disc looks like is worked out again only when a value, a
position, a flag or the colour scheme changes.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPaintEngine, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.engine.graph import Role

from .guard import reports_errors
from .items import NEURON_RADIUS, Z_NEURONS, ColourScheme, NeuronItem, dimmed

# A level with more neurons than this is drawn as one sheet (hand-built graphs stay one item per neuron).
CROWDED_FROM = 32
# Fill colours are gathered in steps of this many levels per channel (too small to see; few pictures).
COLOUR_STEP = 4
# A disc drawn not finite (an overflow) has this colour on a sheet.
NOT_FINITE = QColor(200, 0, 160)
# Half the side of a disc's picture, in scene units: the output ring and its pen fit inside.
SPRITE_HALF = NEURON_RADIUS + 6.0
# Discs are copied from pictures while their radius on screen is at most this (zoomed further in, few show).
SPRITES_UP_TO_PX = 48.0
# Pictures are kept for this many view scales (the fitted view and one zoomed in, say).
SPRITE_SCALES_KEPT = 2
# Discs up to this radius on the device's pixels are drawn by numpy into one picture of the level.
TINY_RADIUS_PX = 4.0
# Just under the neurons' own items, so a touched neuron's own disc is drawn over its place on the sheet.
Z_SHEET = Z_NEURONS - 0.5


def _rgb(colour: QColor) -> np.ndarray:
    return np.array([colour.red(), colour.green(), colour.blue()], dtype=np.float64)


def fill_colours(
    scheme: ColourScheme, values: np.ndarray, reached: np.ndarray, lows: np.ndarray, highs: np.ndarray
) -> np.ndarray:
    """What :meth:`NeuronItem.fill_colour` gives, for many neurons at once: (n, 3) ints."""
    values = np.asarray(values, dtype=np.float64)
    known = ~np.isnan(values)
    finite = np.isfinite(values)
    v = np.where(finite, values, 0.0)
    signed = lows < 0
    mid = (lows + highs) / 2
    half = (highs - lows) / 2
    half = np.where(half == 0, 1.0, half)
    s = np.clip((v - mid) / half, -1.0, 1.0)[:, None]
    m = _rgb(scheme.signed_mid)
    signed_rgb = np.where(
        s >= 0, m + (_rgb(scheme.signed_high) - m) * s, m + (_rgb(scheme.signed_low) - m) * -s
    )
    span = highs - lows
    span = np.where(span == 0, 1.0, span)
    u = np.clip((v - lows) / span, 0.0, 1.0)[:, None]
    a = _rgb(scheme.unsigned_low)
    unsigned_rgb = a + (_rgb(scheme.unsigned_high) - a) * u
    rgb = np.where(signed[:, None], signed_rgb, unsigned_rgb)
    rgb = np.where(known[:, None], rgb, _rgb(scheme.unknown))
    rgb = np.where((known & ~finite)[:, None], _rgb(NOT_FINITE), rgb)
    rgb = np.where(
        np.asarray(reached, dtype=bool)[:, None], rgb, _rgb(dimmed(scheme, QColor(scheme.unknown)))
    )
    return np.clip(np.rint(rgb), 0, 255).astype(np.int64)


class NeuronSheet(QGraphicsItem):
    """Every resting disc of one crowded level, drawn in one paint (see the module's note)."""

    def __init__(self, items: list[NeuronItem], scheme: ColourScheme) -> None:
        super().__init__()
        self.items = items
        self.scheme = scheme
        self._rect = QRectF()
        self._looks: list[tuple[NeuronItem, tuple[Role, bool, int]]] | None = None
        self._placed: tuple[tuple[float, ...], list[tuple[float, float, QPixmap | QImage]]] | None = None
        self._centres = np.zeros((0, 2))
        self._fills = np.zeros(0, dtype=np.uint32)
        self._outlines = np.zeros(0, dtype=np.uint32)
        self._squares = np.zeros(0, dtype=bool)
        self._pens = np.zeros(0)
        # Pictures of the discs by view scale, then by (look, device pixel ratio).
        self._sprites: dict[float, dict[tuple[tuple[Role, bool, int], float], QPixmap]] = {}
        self.setZValue(Z_SHEET)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        for item in items:
            item.set_sheet(self)
        self.positions_changed()

    def release(self) -> None:
        """Give the neurons back their own painting (the level is no longer crowded, or is gone)."""
        for item in self.items:
            if item.sheet is self:
                item.set_sheet(None)
        self.items = []

    # ------------------------------------------------------------------ changes
    def changed(self) -> None:
        """A value, a role or a flag of a neuron changed: the looks are worked out again at the next paint."""
        if self._looks is not None:
            self._looks = None
            self.update()

    def positions_changed(self) -> None:
        rect = QRectF()
        if self.items:
            xs = np.array([item.x() for item in self.items])
            ys = np.array([item.y() for item in self.items])
            r = NEURON_RADIUS + 8
            rect = QRectF(
                xs.min() - r, ys.min() - r, xs.max() - xs.min() + 2 * r, ys.max() - ys.min() + 2 * r
            )
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self._looks = None
        self.update()

    def moved(self, item: NeuronItem) -> None:
        """One neuron moved (a drag): the sheet grows to hold it, and draws again."""
        r = NEURON_RADIUS + 8
        disc = QRectF(item.x() - r, item.y() - r, 2 * r, 2 * r)
        if not self._rect.contains(disc):
            self.prepareGeometryChange()
            self._rect = self._rect.united(disc)
        self._looks = None
        self.update()

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self._sprites.clear()
        self._looks = None
        self.update()

    # ------------------------------------------------------------------ painting
    def boundingRect(self) -> QRectF:
        return self._rect

    def _resting(self) -> list[tuple[NeuronItem, tuple[Role, bool, int]]]:
        """The neurons this sheet draws, each with its look: role, reached, and fill colour as one int."""
        resting = [item for item in self.items if not item.draws_itself()]
        if not resting:
            return []
        nan = float("nan")
        values = np.array([nan if item.value is None else item.value for item in resting], dtype=np.float64)
        reached = np.array([item.reached for item in resting], dtype=bool)
        lows = np.array([item.low for item in resting], dtype=np.float64)
        highs = np.array([item.high for item in resting], dtype=np.float64)
        rgb = fill_colours(self.scheme, values, reached, lows, highs)
        step = COLOUR_STEP
        rgb = np.minimum(rgb // step * step + step // 2, 255)
        fills = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        outlines: dict[tuple[Role, bool], int] = {}
        for role in Role:
            colour = QColor(self.scheme.outline(role))
            outlines[(role, True)] = colour.rgb() & 0xFFFFFF
            outlines[(role, False)] = dimmed(self.scheme, colour).rgb() & 0xFFFFFF
        self._fills = fills.astype(np.uint32) | np.uint32(0xFF000000)
        self._outlines = np.array(
            [outlines[(item.role, item.reached)] for item in resting], dtype=np.uint32
        ) | np.uint32(0xFF000000)
        self._squares = np.array([item.role is Role.INPUT for item in resting], dtype=bool)
        self._pens = np.array([1.6 if item.role is Role.HIDDEN else 2.5 for item in resting])
        keys = fills.tolist()
        return [(item, (item.role, item.reached, key)) for item, key in zip(resting, keys, strict=True)]

    def _draw_disc(self, painter: QPainter, centre: QPointF, look: tuple[Role, bool, int]) -> None:
        """One resting disc, as :meth:`NeuronItem.paint` draws it."""
        role, reached, key = look
        r = NEURON_RADIUS
        outline = QColor(self.scheme.outline(role))
        if not reached:
            outline = dimmed(self.scheme, outline)
        pen = QPen(outline, 2.5 if role is not Role.HIDDEN else 1.6)
        if not reached:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(QColor((key >> 16) & 255, (key >> 8) & 255, key & 255)))
        if role is Role.INPUT:
            side = r * 1.75
            painter.drawRoundedRect(QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side), 5, 5)
        else:
            painter.drawEllipse(centre, r, r)
            if role is Role.OUTPUT:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(outline, 1.2))
                painter.drawEllipse(centre, r + 4, r + 4)

    def _sprite(self, look: tuple[Role, bool, int], scale: float, ratio: float) -> QPixmap:
        """A disc drawn once at the view's scale, then copied to the place of every disc that looks so."""
        sprites = self._sprites[scale]
        sprite = sprites.get((look, ratio))
        if sprite is None:
            size = math.ceil(2 * SPRITE_HALF * scale * ratio)
            sprite = QPixmap(size, size)
            sprite.fill(Qt.GlobalColor.transparent)
            painter = QPainter(sprite)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.scale(scale * ratio, scale * ratio)
            self._draw_disc(painter, QPointF(size / 2 / (scale * ratio), size / 2 / (scale * ratio)), look)
            painter.end()
            sprite.setDevicePixelRatio(ratio)
            sprites[(look, ratio)] = sprite
        return sprite

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self._looks is None:
            self._looks = self._resting()
            self._centres = np.array([(item.x(), item.y()) for item, _ in self._looks]).reshape(-1, 2)
            self._placed = None
        transform = painter.worldTransform()
        scale = QStyleOptionGraphicsItem.levelOfDetailFromTransform(transform)
        engine = painter.paintEngine()
        vector = engine is None or engine.type() != QPaintEngine.Type.Raster
        if vector or transform.isRotating() or scale * NEURON_RADIUS > SPRITES_UP_TO_PX:
            # An export to SVG keeps every disc a shape; zoomed far in only a few discs show: each is
            # drawn as it is.
            for item, look in self._looks:
                self._draw_disc(painter, item.pos(), look)
            return
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        width = device.width() if device is not None else 0
        height = device.height() if device is not None else 0
        state = (transform.m11(), transform.m22(), transform.dx(), transform.dy(), ratio, width, height)
        tiny = scale * NEURON_RADIUS * ratio <= TINY_RADIUS_PX
        if self._placed is None or self._placed[0] != state:
            if tiny:
                self._placed = (state, self._picture(transform, scale, ratio, width, height))
            else:
                self._placed = (state, self._place(transform, scale, ratio, width, height))
        painter.save()
        painter.resetTransform()
        for x, y, picture in self._placed[1]:
            if isinstance(picture, QImage):
                painter.drawImage(QPointF(x, y), picture)
            else:
                painter.drawPixmap(x, y, picture)
        painter.restore()

    @staticmethod
    def _rgb(argb: np.ndarray) -> np.ndarray:
        return np.stack([(argb >> 16) & 255, (argb >> 8) & 255, argb & 255], axis=1).astype(np.float64)

    @staticmethod
    def _argb(rgb: np.ndarray) -> np.ndarray:
        channels = np.clip(np.rint(rgb), 0, 255).astype(np.uint32)
        return np.uint32(0xFF000000) | (channels[:, 0] << 16) | (channels[:, 1] << 8) | channels[:, 2]

    def _picture(
        self, transform: QTransform, scale: float, ratio: float, width: int, height: int
    ) -> list[tuple[float, float, QImage]]:
        """Every disc in one picture on the device's pixels, drawn by numpy: discs this small are a few
        pixels of outline and fill, and drawing them costs the same whatever the size of the level."""
        if not len(self._centres):
            return []
        radius = scale * NEURON_RADIUS * ratio
        xs = np.rint((self._centres[:, 0] * transform.m11() + transform.dx()) * ratio).astype(np.int64)
        ys = np.rint((self._centres[:, 1] * transform.m22() + transform.dy()) * ratio).astype(np.int64)
        reach = math.ceil(radius) + 1
        left, top = xs.min() - reach, ys.min() - reach
        right, bottom = xs.max() + reach + 1, ys.max() + reach + 1
        if width > 0 and height > 0:
            left, top = max(left, -reach), max(top, -reach)
            right = min(right, int(width * ratio) + reach)
            bottom = min(bottom, int(height * ratio) + reach)
        if right <= left or bottom <= top:
            return []
        w, h = int(right - left), int(bottom - top)
        pixels = np.zeros(h * w, dtype=np.uint32)
        offsets = np.arange(-reach, reach + 1)
        dy, dx = np.meshgrid(offsets, offsets, indexing="ij")
        distance = np.hypot(dx, dy)
        # A ring one pixel wide for the outline, its colour mixed with the fill as much as the pen covers it
        # (the pen is under a pixel wide here, as antialiasing would show it).
        inner = radius - 0.5
        outer = radius + 0.5
        cover = np.minimum(self._pens * scale * ratio, 1.0)[:, None]
        fill_rgb = self._rgb(self._fills)
        rings = self._argb(fill_rgb * (1 - cover) + self._rgb(self._outlines) * cover)
        # Each disc's outline then its fill, disc after disc, as the discs' own items would draw them (a later
        # disc covers an earlier one it overlaps; numpy's assignment keeps the last value for a pixel).
        for square in (True, False):
            chosen = np.flatnonzero(self._squares == square)
            if not chosen.size:
                continue
            reach_of = np.maximum(np.abs(dx), np.abs(dy)) * 1.15 if square else distance
            fill = reach_of <= max(inner, 0.5)
            ring = (reach_of <= max(outer, 0.5)) & ~fill
            stamp_x = np.concatenate([dx[ring], dx[fill]])
            stamp_y = np.concatenate([dy[ring], dy[fill]])
            colours = np.concatenate(
                [
                    np.repeat(rings[chosen][:, None], int(ring.sum()), axis=1),
                    np.repeat(self._fills[chosen][:, None], int(fill.sum()), axis=1),
                ],
                axis=1,
            )
            px = xs[chosen][:, None] + stamp_x[None, :] - left
            py = ys[chosen][:, None] + stamp_y[None, :] - top
            inside = (px >= 0) & (px < w) & (py >= 0) & (py < h)
            pixels[(py * w + px)[inside]] = colours[inside]
        image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()
        image.setDevicePixelRatio(ratio)
        return [(left / ratio, top / ratio, image)]

    def _place(
        self, transform: QTransform, scale: float, ratio: float, width: int, height: int
    ) -> list[tuple[int, int, QPixmap]]:
        """Where each disc's picture goes on the device, for the discs on it."""
        if scale not in self._sprites:
            while len(self._sprites) >= SPRITE_SCALES_KEPT:
                del self._sprites[next(iter(self._sprites))]
            self._sprites[scale] = {}
        half = SPRITE_HALF * scale
        xs = self._centres[:, 0] * transform.m11() + transform.dx()
        ys = self._centres[:, 1] * transform.m22() + transform.dy()
        shown = (xs > -half) & (ys > -half)
        if width > 0 and height > 0:
            shown &= (xs < width + half) & (ys < height + half)
        placed: list[tuple[int, int, QPixmap]] = []
        for k in np.flatnonzero(shown).tolist():
            sprite = self._sprite(self._looks[k][1], scale, ratio)  # type: ignore[index]
            side = sprite.width() / ratio
            placed.append((round(xs[k] - side / 2), round(ys[k] - side / 2), sprite))
        return placed
