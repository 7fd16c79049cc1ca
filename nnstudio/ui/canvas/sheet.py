"""The discs of a crowded level drawn as one picture.

A level with more than :data:`CROWDED_FROM` neurons (a dense layer of 256) would cost one Python paint
callback per neuron on every repaint, each waiting for the interpreter while training runs. Its neurons keep
their :class:`~.items.NeuronItem` (hit-testing, hover, selection, drags and names work as for any neuron),
but those items paint nothing until the person touches them (hovered, selected, pulsing): one
:class:`NeuronSheet` draws every resting disc of the level in one paint. Each look (role, reached, fill
colour in steps too small to see) is drawn once per view scale and copied to every disc that has it; discs a
few pixels across are drawn by numpy straight into one picture of the level; an SVG export, or a view
zoomed far in, draws each disc as a shape. What a disc looks like is worked out again only when a value, a
position, a flag or the colour scheme changes, and the level's picture is kept while no disc's look changes:
a training frame whose values moved less than a colour step (a trained or saturated layer) draws one picture
instead of a copy per disc, and does not ask for a repaint at all.
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
    """What :meth:`NeuronItem.fill_colour` gives, for many neurons at once: (n, 3) ints.

    A training frame colours both 1,024-neuron sheets of 784-1024-1024-10 this way: a level whose neurons
    share one kind of range (all signed or none), all reached and finite, takes only the steps its colours
    need (about a third of the time of working out every case and choosing between them)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    every_finite = bool(finite.all())
    v = values if every_finite else np.where(finite, values, 0.0)
    signed = lows < 0
    any_signed = bool(signed.any())
    every_signed = any_signed and bool(signed.all())
    if any_signed:
        mid = (lows + highs) / 2
        half = (highs - lows) / 2
        half = np.where(half == 0, 1.0, half)
        s = np.clip((v - mid) / half, -1.0, 1.0)[:, None]
        m = _rgb(scheme.signed_mid)
        signed_rgb = np.where(
            s >= 0, m + (_rgb(scheme.signed_high) - m) * s, m + (_rgb(scheme.signed_low) - m) * -s
        )
    if not every_signed:
        span = highs - lows
        span = np.where(span == 0, 1.0, span)
        u = np.clip((v - lows) / span, 0.0, 1.0)[:, None]
        a = _rgb(scheme.unsigned_low)
        unsigned_rgb = a + (_rgb(scheme.unsigned_high) - a) * u
    if every_signed:
        rgb = signed_rgb
    elif any_signed:
        rgb = np.where(signed[:, None], signed_rgb, unsigned_rgb)
    else:
        rgb = unsigned_rgb
    if not every_finite:
        known = ~np.isnan(values)
        rgb = np.where(known[:, None], rgb, _rgb(scheme.unknown))
        rgb = np.where((known & ~finite)[:, None], _rgb(NOT_FINITE), rgb)
    reached = np.asarray(reached, dtype=bool)
    if not reached.all():
        rgb = np.where(reached[:, None], rgb, _rgb(dimmed(scheme, QColor(scheme.unknown))))
    return np.clip(np.rint(rgb), 0, 255).astype(np.int64)


class NeuronSheet(QGraphicsItem):
    """Every resting disc of one crowded level, drawn in one paint (see the module's note).

    The sheet keeps its neurons' values in arrays (:attr:`values`, :attr:`totals`, :attr:`reached`), so a
    training frame hands a level's values over in one numpy step (:meth:`take_values`) instead of one call
    per neuron. A neuron the sheet does not draw (hovered, selected, pulsing) is told its value at once; the
    others are told when they start drawing themselves (:meth:`sync`).
    """

    def __init__(self, items: list[NeuronItem], scheme: ColourScheme) -> None:
        super().__init__()
        self.items = items
        self.scheme = scheme
        self._rect = QRectF()
        self._slot = {item: k for k, item in enumerate(items)}
        nan = float("nan")
        self.values = np.array([nan if i.value is None else i.value for i in items], dtype=np.float64)
        self.totals = np.array([nan if i.total is None else i.total for i in items], dtype=np.float64)
        self.reached = np.array([i.reached for i in items], dtype=bool)
        # Which neurons draw themselves (None: to be asked again), and what each neuron's role makes of its
        # disc (None: to be worked out again; roles and ranges change only with an edit).
        self._marked: np.ndarray | None = None
        self._kinds: tuple[np.ndarray, ...] | None = None
        # The resting neurons' positions in ``items`` and each one's look as one int (None: values changed).
        self._resting = np.zeros(0, dtype=np.intp)
        self._codes: np.ndarray | None = None
        # Where the discs go on the device for one view (kept while the view and the positions stay), and
        # the picture of the level drawn for that view (kept while the looks stay too).
        self._placement: tuple[tuple[float, ...], np.ndarray, np.ndarray, np.ndarray] | None = None
        self._placed: tuple[tuple[float, ...], list[tuple[float, float, QPixmap | QImage]]] | None = None
        # The discs' pictures copied into one picture of the level for one view (kept while the looks stay).
        self._composed: tuple[tuple[float, ...], int, int, QPixmap] | None = None
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
                self.sync(item)
                item.set_sheet(None)
        self.items = []
        self._slot = {}

    # ------------------------------------------------------------------ values
    def slots(self, items: list[NeuronItem]) -> np.ndarray | None:
        """Where ``items`` sit in this sheet's arrays; None when one of them is not on this sheet."""
        try:
            return np.fromiter((self._slot[item] for item in items), dtype=np.intp, count=len(items))
        except KeyError:
            return None

    def take_values(self, slots: np.ndarray, totals: np.ndarray, values: np.ndarray) -> None:
        """The neurons at ``slots`` now have these weighted sums and values, and were reached."""
        self.totals[slots] = totals
        self.values[slots] = values
        self.reached[slots] = True
        for k in np.flatnonzero(self._marked_mask()).tolist():
            self.sync(self.items[k])
        self._new_looks_only()

    def store(self, item: NeuronItem, total: float | None, value: float | None, reached: bool) -> None:
        """One neuron's value changed through the neuron itself."""
        k = self._slot.get(item)
        if k is None:
            return
        self.totals[k] = math.nan if total is None else total
        self.values[k] = math.nan if value is None else value
        self.reached[k] = reached
        if self._codes is not None:
            self._codes = None
            self.update()

    def sync(self, item: NeuronItem) -> None:
        """Tell ``item`` the value the sheet holds for it (it is about to draw itself, or to be read)."""
        k = self._slot.get(item)
        if k is None:
            return
        total, value = float(self.totals[k]), float(self.values[k])
        item.total = None if math.isnan(total) else total
        item.value = None if math.isnan(value) else value
        item.reached = bool(self.reached[k])
        self._marked = None

    def _new_looks_only(self) -> None:
        """A level's new values: their looks are worked out now (a numpy step for the level), and the sheet
        draws again only when one of them changed."""
        if self._codes is None:
            return  # a paint that works them out is due anyway
        resting, codes = self._resting, self._codes
        self._work_out_looks()
        if not (np.array_equal(resting, self._resting) and np.array_equal(codes, self._codes)):
            self._drop_pictures()
            self.update()

    def _drop_pictures(self) -> None:
        self._placed = None
        self._composed = None

    # ------------------------------------------------------------------ changes
    def changed(self) -> None:
        """A role, a range or a flag of a neuron changed: its look is worked out again at the next paint."""
        self._marked = None
        self._kinds = None
        if self._codes is not None:
            self._codes = None
            self.update()

    def positions_changed(self) -> None:
        rect = QRectF()
        self._centres = np.array([(item.x(), item.y()) for item in self.items], dtype=np.float64).reshape(
            -1, 2
        )
        if self.items:
            xs, ys = self._centres[:, 0], self._centres[:, 1]
            r = NEURON_RADIUS + 8
            rect = QRectF(
                xs.min() - r, ys.min() - r, xs.max() - xs.min() + 2 * r, ys.max() - ys.min() + 2 * r
            )
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self._placement = None
        self.changed()
        self.update()

    def moved(self, item: NeuronItem) -> None:
        """One neuron moved (a drag): the sheet grows to hold it, and draws again."""
        r = NEURON_RADIUS + 8
        disc = QRectF(item.x() - r, item.y() - r, 2 * r, 2 * r)
        if not self._rect.contains(disc):
            self.prepareGeometryChange()
            self._rect = self._rect.united(disc)
        k = self._slot.get(item)
        if k is not None:
            self._centres[k] = (item.x(), item.y())
        self._placement = None
        self.changed()
        self.update()

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self._sprites.clear()
        self.changed()
        self.update()

    # ------------------------------------------------------------------ looks
    def _marked_mask(self) -> np.ndarray:
        if self._marked is None:
            self._marked = np.fromiter(
                (item.draws_itself() for item in self.items), dtype=bool, count=len(self.items)
            )
        return self._marked

    def _role_kinds(self) -> tuple[np.ndarray, ...]:
        """Per neuron: its role's number, input (a square), pen width, outline when reached and when not,
        and the range its value is shaded over."""
        if self._kinds is None:
            roles = list(Role)
            outlines: dict[tuple[Role, bool], int] = {}
            for role in roles:
                colour = QColor(self.scheme.outline(role))
                outlines[(role, True)] = colour.rgb() & 0xFFFFFF
                outlines[(role, False)] = dimmed(self.scheme, colour).rgb() & 0xFFFFFF
            items = self.items
            self._kinds = (
                np.array([roles.index(item.role) for item in items], dtype=np.int64),
                np.array([item.role is Role.INPUT for item in items], dtype=bool),
                np.array([1.6 if item.role is Role.HIDDEN else 2.5 for item in items]),
                np.array([outlines[(item.role, True)] for item in items], dtype=np.uint32),
                np.array([outlines[(item.role, False)] for item in items], dtype=np.uint32),
                np.array([item.low for item in items], dtype=np.float64),
                np.array([item.high for item in items], dtype=np.float64),
            )
        return self._kinds

    def _work_out_looks(self) -> None:
        """Each resting disc's look as one int: fill colour (in steps too small to see), reached, role."""
        roles, squares, pens, outline_on, outline_off, lows, highs = self._role_kinds()
        resting = np.flatnonzero(~self._marked_mask())
        reached = self.reached[resting]
        rgb = fill_colours(self.scheme, self.values[resting], reached, lows[resting], highs[resting])
        step = COLOUR_STEP
        rgb = np.minimum(rgb // step * step + step // 2, 255)
        fills = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        self._resting = resting
        self._codes = fills | (reached.astype(np.int64) << 24) | (roles[resting] << 25)
        self._fills = fills.astype(np.uint32) | np.uint32(0xFF000000)
        self._outlines = np.where(reached, outline_on[resting], outline_off[resting]) | np.uint32(0xFF000000)
        self._squares = squares[resting]
        self._pens = pens[resting]

    @staticmethod
    def _look(code: int) -> tuple[Role, bool, int]:
        return list(Role)[code >> 25], bool((code >> 24) & 1), code & 0xFFFFFF

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
            size = self._sprite_size(scale, ratio)
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

    @staticmethod
    def _sprite_size(scale: float, ratio: float) -> int:
        return math.ceil(2 * SPRITE_HALF * scale * ratio)

    # ------------------------------------------------------------------ painting
    def boundingRect(self) -> QRectF:
        return self._rect

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self._codes is None:
            self._work_out_looks()
            self._drop_pictures()
        codes = self._codes
        assert codes is not None
        transform = painter.worldTransform()
        scale = QStyleOptionGraphicsItem.levelOfDetailFromTransform(transform)
        engine = painter.paintEngine()
        vector = engine is None or engine.type() != QPaintEngine.Type.Raster
        if vector or transform.isRotating() or scale * NEURON_RADIUS > SPRITES_UP_TO_PX:
            # An export to SVG keeps every disc a shape; zoomed far in only a few discs show: each is
            # drawn as it is.
            for k, code in zip(self._resting.tolist(), codes.tolist(), strict=True):
                x, y = self._centres[k]
                self._draw_disc(painter, QPointF(float(x), float(y)), self._look(code))
            return
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        width = device.width() if device is not None else 0
        height = device.height() if device is not None else 0
        state = (transform.m11(), transform.m22(), transform.dx(), transform.dy(), ratio, width, height)
        painter.save()
        painter.resetTransform()
        if scale * NEURON_RADIUS * ratio <= TINY_RADIUS_PX:
            if self._placed is None or self._placed[0] != state:
                self._placed = (state, self._picture(transform, scale, ratio, width, height))
            for x, y, picture in self._placed[1]:
                painter.drawImage(QPointF(x, y), picture)  # type: ignore[arg-type]
        else:
            self._draw_sprites(painter, state, transform, scale, ratio, width, height)
        painter.restore()

    def _draw_sprites(
        self,
        painter: QPainter,
        state: tuple[float, ...],
        transform: QTransform,
        scale: float,
        ratio: float,
        width: int,
        height: int,
    ) -> None:
        """Copy each resting disc's picture to its place, all into one picture of the level kept while the
        view and the looks stay: the places are kept while the view stays, the discs' pictures while the looks
        repeat, so new looks cost a lookup per look and a copy per disc, and a repaint without them one copy."""
        composed = self._composed
        if composed is None or composed[0] != state:
            composed = self._compose(state, transform, scale, ratio, width, height)
            self._composed = composed
        if not composed[3].isNull():
            painter.drawPixmap(composed[1], composed[2], composed[3])

    def _compose(
        self,
        state: tuple[float, ...],
        transform: QTransform,
        scale: float,
        ratio: float,
        width: int,
        height: int,
    ) -> tuple[tuple[float, ...], int, int, QPixmap]:
        """The picture of every resting disc on screen, and where its top left corner goes."""
        if scale not in self._sprites:
            while len(self._sprites) >= SPRITE_SCALES_KEPT:
                del self._sprites[next(iter(self._sprites))]
            self._sprites[scale] = {}
        if self._placement is None or self._placement[0] != state:
            half = SPRITE_HALF * scale
            xs = self._centres[:, 0] * transform.m11() + transform.dx()
            ys = self._centres[:, 1] * transform.m22() + transform.dy()
            shown = (xs > -half) & (ys > -half)
            if width > 0 and height > 0:
                shown &= (xs < width + half) & (ys < height + half)
            side = self._sprite_size(scale, ratio) / ratio
            self._placement = (
                state,
                np.rint(xs - side / 2).astype(np.int64),
                np.rint(ys - side / 2).astype(np.int64),
                shown,
            )
        _, left, top, shown = self._placement
        resting, codes = self._resting, self._codes
        assert codes is not None
        on = shown[resting]
        at = resting[on]
        if not at.size:
            return state, 0, 0, QPixmap()
        distinct, which = np.unique(codes[on], return_inverse=True)
        sprites = [self._sprite(self._look(code), scale, ratio) for code in distinct.tolist()]
        xs, ys = left[at], top[at]
        x0, y0 = int(xs.min()), int(ys.min())
        side = math.ceil(self._sprite_size(scale, ratio) / ratio)
        picture = QPixmap(
            math.ceil((int(xs.max()) - x0 + side) * ratio), math.ceil((int(ys.max()) - y0 + side) * ratio)
        )
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        draw = painter.drawPixmap
        for x, y, k in zip((xs - x0).tolist(), (ys - y0).tolist(), which.tolist(), strict=True):
            draw(x, y, sprites[k])
        painter.end()
        return state, x0, y0, picture

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
        centres = self._centres[self._resting]
        if not len(centres):
            return []
        radius = scale * NEURON_RADIUS * ratio
        xs = np.rint((centres[:, 0] * transform.m11() + transform.dx()) * ratio).astype(np.int64)
        ys = np.rint((centres[:, 1] * transform.m22() + transform.dy()) * ratio).astype(np.int64)
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
