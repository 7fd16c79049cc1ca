"""Painting the edges: :class:`EdgeLayer` draws every edge of the network in one QGraphicsItem,
:class:`EdgeOverlay` the few the person is touching above them, in the pens of :class:`EdgeStyle`.

For a big network the layer draws one ``drawLines`` per bucket, one pixel wide, without antialiasing, clipped
to the visible area, into an image kept until the view, the weights or the geometry change; repaints in
between (activations, hover, selection) only copy that image. While training thins a big network's edges every
frame of weights redraws them, and they are drawn straight into the view. For a small network it draws each
edge antialiased with its own width and an arrowhead.
"""

from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .edge_detail import LINE_BUDGET
from .edge_lines import BUCKET_MIX
from .edge_model import EdgeModel
from .guard import reports_errors
from .items import (
    NEURON_RADIUS,
    Z_EDGES,
    Z_OVERLAY,
    ColourScheme,
    PlacedLabel,
    _Fonts,
    draw_label,
    plate_height,
)

if TYPE_CHECKING:
    from collections.abc import Callable

# Above this many highlighted edges the overlay draws them thin and without antialiasing.
OVERLAY_DETAIL_LIMIT = 200
# Neighbours of a selection are highlighted only up to this many edges (selecting a 28x28 grid is not).
NEIGHBOUR_LIMIT = 2500

Array = np.ndarray


def _between(one: QColor, other: QColor, background: QColor) -> QColor:
    """Halfway between the two sign colours, moved away from the background far enough to be seen."""
    mixed = QColor(
        (one.red() + other.red()) // 2, (one.green() + other.green()) // 2, (one.blue() + other.blue()) // 2
    )
    if abs(mixed.lightness() - background.lightness()) < 60:
        mixed = mixed.lighter(160) if background.lightness() < 160 else mixed.darker(160)
    return mixed


class EdgeStyle:
    """Pens and colours of edges for one colour scheme."""

    def __init__(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self.dead = _between(scheme.positive, scheme.negative, scheme.background)
        self.pens: dict[int, QPen] = {}
        for level in range(len(BUCKET_MIX)):
            for frozen in (0, 1):
                for positive in (0, 1):
                    end = scheme.positive if positive else scheme.negative
                    colour = QColor(end)
                    colour.setAlphaF(BUCKET_MIX[level])
                    pen = QPen(colour, 0)
                    if frozen:
                        pen.setStyle(Qt.PenStyle.DashLine)
                    self.pens[level * 4 + frozen * 2 + positive] = pen

    def colour(self, weight: float, strength: float, alpha: bool = True) -> QColor:
        colour = QColor(self.scheme.positive if weight >= 0 else self.scheme.negative)
        if alpha:
            colour.setAlphaF(0.35 + 0.65 * min(1.0, strength * 2.0))
        return colour

    @staticmethod
    def width(strength: float) -> float:
        return 0.8 + 5.2 * strength

    def pen(
        self, weight: float, strength: float, frozen: bool, brighten: bool = False, extra_width: float = 0.0
    ) -> QPen:
        """The pen of one edge drawn on its own: its sign's colour, wider when stronger, dashed when frozen.
        A weight of exactly 0 passes nothing (L1 regularisation leaves such weights dead): a thin dotted
        grey line."""
        if weight == 0.0:
            pen = QPen(self.dead, 1.2 + extra_width)
            pen.setStyle(Qt.PenStyle.DotLine)
            return pen
        colour = self.colour(weight, strength, alpha=not brighten)
        if brighten:
            colour = colour.lighter(130) if weight >= 0 else colour
        pen = QPen(colour, self.width(strength) + extra_width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if frozen:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen


def draw_detailed(
    painter: QPainter,
    model: EdgeModel,
    style: EdgeStyle,
    which: Array | None = None,
    extra_width: float = 0.0,
    brighten: bool = False,
) -> None:
    """Each edge on its own: antialiased, width by weight, dashed when frozen, arrowhead at the target."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    indices = range(model.count) if which is None else which.tolist()
    for i in indices:
        w, strength = float(model.weight[i]), float(model.strength[i])
        pen = style.pen(w, strength, bool(model.frozen[i]), brighten, extra_width)
        colour, width = pen.color(), pen.widthF()
        painter.setPen(pen)
        x1, y1, x2, y2 = float(model.x1[i]), float(model.y1[i]), float(model.x2[i]), float(model.y2[i])
        length = math.hypot(x2 - x1, y2 - y1)
        if length < 1e-6:
            continue
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        tip = NEURON_RADIUS + 4
        head = 7.0 + width
        painter.drawLine(QPointF(x1, y1), QPointF(x2 - ux * (tip + head * 0.6), y2 - uy * (tip + head * 0.6)))
        if length > tip + head + NEURON_RADIUS:
            ax, ay = x2 - ux * tip, y2 - uy * tip
            bx, by = ax - ux * head, ay - uy * head
            half = head * 0.45
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(colour))
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(ax, ay),
                        QPointF(bx - uy * half, by + ux * half),
                        QPointF(bx + uy * half, by - ux * half),
                    ]
                )
            )


def draw_buckets(
    painter: QPainter,
    model: EdgeModel,
    style: EdgeStyle,
    clip: QRectF | None,
    antialias: bool = False,
    every: bool = False,
) -> int:
    """The drawn edges (:meth:`EdgeModel.drawn`), one drawLines per bucket, faint ones first; how many.

    The overlay still shows every edge of a hovered or selected neuron, including those left out here.
    """
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    if clip is not None and not clip.isEmpty():
        # Any clip rect makes the raster engine reject off-screen spans early (measured 15x faster).
        painter.setClipRect(clip, Qt.ClipOperation.IntersectClip)
    count = 0
    for key, lines in model.bucket_lines(every):
        painter.setPen(style.pens[key])
        painter.drawLines(lines)
        count += len(lines)
    return count


class EdgeLayer(QGraphicsItem):
    """Every edge of the network in one item."""

    def __init__(self, model: EdgeModel, scheme: ColourScheme) -> None:
        super().__init__()
        self.model = model
        self.style = EdgeStyle(scheme)
        self.setZValue(Z_EDGES)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._rect = QRectF()
        self._cache: QImage | None = None
        self._cache_key: tuple | None = None
        self.cache_renders = 0
        # Edge lines in the picture last drawn (fewer than the model's count while training thins it).
        self.lines_drawn = 0
        # Told when a view's choice of edges changes what the canvas should say about them (a network too
        # big to draw whole). Held weakly: the scene that listens owns this item, and a cycle between the two
        # would leave a closed canvas's scene to be collected in the middle of another one's paint.
        self._detail_listener: weakref.WeakMethod | None = None
        self._detail: tuple[int, int] | None = None

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.style = EdgeStyle(scheme)
        self.invalidate()

    def set_detail_listener(self, method: Callable[[], None]) -> None:
        """Call ``method`` (a bound method, held weakly) when :meth:`EdgeModel.detail` changes on a paint."""
        self._detail_listener = weakref.WeakMethod(method)  # type: ignore[arg-type]

    def geometry_changed(self) -> None:
        rect = self.model.bounds()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.invalidate()

    def invalidate(self) -> None:
        self._cache_key = None
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        model = self.model
        if model.count == 0:
            return
        if model.detailed:
            draw_detailed(painter, model, self.style)
            self.lines_drawn = model.count
            return
        if widget is None:
            # Rendering to an image or SVG: vector lines, antialiased, no cache, and every edge even while
            # training (an exported picture has no caption saying some are left out).
            draw_buckets(painter, model, self.style, option.exposedRect, antialias=True, every=True)
            return
        transform = painter.worldTransform()
        width, height = widget.width(), widget.height()
        ratio = widget.devicePixelRatioF()
        if model.thinned:
            # Training a big network: every frame of weights redraws its lines, so a picture kept between
            # repaints is filled, drawn and copied for one repaint only; they go straight into the view.
            self._cache_key = None
            visible, ok = transform.inverted()
            if ok:
                model.select_view(
                    visible.mapRect(QRectF(0, 0, width, height)),
                    math.sqrt(abs(transform.determinant())) * ratio,
                )
            painter.save()
            try:
                self.lines_drawn = draw_buckets(painter, model, self.style, option.exposedRect)
            finally:
                painter.restore()
            self.cache_renders += 1
            self._tell_detail()
            return
        key = (
            transform.m11(),
            transform.m12(),
            transform.m21(),
            transform.m22(),
            transform.dx(),
            transform.dy(),
            width,
            height,
            ratio,
            model.geometry_version,
            model.style_version,
            self.style.scheme.name,
        )
        if key != self._cache_key or self._cache is None:
            size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
            image = self._cache
            if image is None or (image.width(), image.height()) != size or image.devicePixelRatio() != ratio:
                image = QImage(*size, QImage.Format.Format_RGB32)
                image.setDevicePixelRatio(ratio)
            image.fill(self.style.scheme.background)
            inner = QPainter(image)
            # Ended whatever happens: a painter still active on an image that is freed first (both held by
            # a reported exception's traceback) crashes the process when that traceback is released.
            try:
                inner.setTransform(transform)
                visible, ok = transform.inverted()
                clip = visible.mapRect(QRectF(0, 0, width, height)) if ok else None
                if clip is not None:
                    scale = math.sqrt(abs(transform.determinant())) * ratio
                    model.select_view(clip, scale)
                self.lines_drawn = draw_buckets(inner, model, self.style, clip)
            finally:
                inner.end()
            self._cache, self._cache_key = image, key
            self.cache_renders += 1
            self._tell_detail()
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.drawImage(QPointF(0, 0), self._cache)
        painter.restore()

    def _tell_detail(self) -> None:
        """Tell the listener when what :meth:`EdgeModel.detail` says changed with this paint."""
        detail = self.model.detail()
        if detail != self._detail:
            self._detail = detail
            listener = self._detail_listener() if self._detail_listener is not None else None
            if listener is not None:
                listener()


class EdgeOverlay(QGraphicsItem):
    """The edges the person is touching, drawn above the rest: hovered, selected, pulsing; and edge labels."""

    def __init__(self, model: EdgeModel, scheme: ColourScheme) -> None:
        super().__init__()
        _Fonts.ensure()
        self.model = model
        self.style = EdgeStyle(scheme)
        self.hot = np.zeros(0, dtype=np.intp)
        self.selected = np.zeros(0, dtype=np.intp)
        self.pulsed = np.zeros(0, dtype=np.intp)
        self.labels: dict[int, str] = {}
        self.label_scale = 1.0
        self._rect = QRectF()
        self.setZValue(Z_OVERLAY)

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.style = EdgeStyle(scheme)
        self.update()

    def set_label_scale(self, scale: float) -> None:
        """Numbers on edges keep their size on screen as the view zooms out (like neuron names)."""
        if scale != self.label_scale:
            self.label_scale = scale
            self.geometry_changed()

    def geometry_changed(self) -> None:
        margin = 40 * self.label_scale
        rect = self.model.bounds().adjusted(-margin, -margin, margin, margin)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def _touched(self) -> Array:
        parts = [
            self.hot,
            self.selected,
            self.pulsed,
            np.fromiter(self.labels, dtype=np.intp, count=len(self.labels)),
        ]
        return np.unique(np.concatenate(parts)) if any(p.size for p in parts) else np.zeros(0, dtype=np.intp)

    def set_state(self, hot: Array, selected: Array, pulsed: Array, labels: dict[int, str]) -> None:
        same = (
            np.array_equal(hot, self.hot)
            and np.array_equal(selected, self.selected)
            and np.array_equal(pulsed, self.pulsed)
            and labels == self.labels
        )
        if same:
            return
        margin = 40 * self.label_scale
        before = self.model.segment_bounds(self._touched(), margin)
        self.hot, self.selected, self.pulsed, self.labels = hot, selected, pulsed, dict(labels)
        after = self.model.segment_bounds(self._touched(), margin)
        dirty = before.united(after) if not before.isEmpty() else after
        if not dirty.isEmpty():
            self.update(dirty)

    def clear(self) -> None:
        empty = np.zeros(0, dtype=np.intp)
        self.hot, self.selected, self.pulsed, self.labels = empty, empty, empty, {}
        self.update()

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        model = self.model
        if model.count == 0:
            return
        valid = model.count
        selected = self.selected[self.selected < valid]
        pulsed = self.pulsed[self.pulsed < valid]
        hot = self.hot[self.hot < valid]
        scheme = self.style.scheme
        detailed = (selected.size + pulsed.size + hot.size) <= OVERLAY_DETAIL_LIMIT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, detailed)
        if selected.size:
            # Wide and nearly opaque: a selected connection must stand out at a glance, even zoomed out.
            self._draw_halo(painter, selected, QColor(scheme.selection), 220, (16.0, 10.0, 5.0), detailed)
        if pulsed.size > NEIGHBOUR_LIMIT:
            # A whole layer pulsing in a big network: bright thin lines, no halo, and no more of them than
            # the overview would draw (the strongest), so a frame stays cheap.
            shown = model.strongest(pulsed, LINE_BUDGET)
            self._draw_plain(painter, shown, QPen(QColor(scheme.pulse), 0), cosmetic=True)
            pulsed = pulsed[:0]
        if pulsed.size:
            self._draw_halo(painter, pulsed, QColor(scheme.pulse), 150, (11.0, 6.0, 3.0), detailed)
        emphasised = np.unique(np.concatenate([hot, selected, pulsed]))
        if model.detailed:
            draw_detailed(painter, model, self.style, emphasised, extra_width=1.5, brighten=True)
        elif emphasised.size:
            self._draw_strong(painter, emphasised, detailed)
        if self.labels:
            self._draw_labels(painter)

    def _draw_halo(
        self,
        painter: QPainter,
        which: Array,
        colour: QColor,
        alpha: int,
        widths: tuple[float, float, float],
        detailed: bool,
    ) -> None:
        """A translucent wide line under edges that stand out (selected, pulsing). ``widths``: in scene units
        when the model is drawn in detail (zoomed in), else on screen for a few edges, or for many."""
        colour.setAlpha(alpha)
        in_scene, few, many = widths
        if self.model.detailed:
            # Zoomed out, a width in scene units would shrink to a hairline: never thinner than ``few`` pixels.
            scale = abs(painter.worldTransform().m11()) or 1.0
            self._draw_plain(painter, which, QPen(colour, max(in_scene * scale, few)), cosmetic=True)
            return
        self._draw_plain(painter, which, QPen(colour, few if detailed else many), cosmetic=True)

    def _draw_plain(self, painter: QPainter, which: Array, pen: QPen, cosmetic: bool) -> None:
        pen.setCosmetic(cosmetic)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLines(self.model.segments(which))

    def _draw_strong(self, painter: QPainter, which: Array, detailed: bool) -> None:
        """Big network: the touched edges in full colour, positive and negative apart."""
        model = self.model
        for positive in (False, True):
            part = which[(model.weight[which] >= 0) == positive]
            if part.size == 0:
                continue
            colour = QColor(self.style.scheme.positive if positive else self.style.scheme.negative)
            pen = QPen(colour, 1.6 if detailed else 0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLines(model.segments(part))

    def _draw_labels(self, painter: QPainter) -> None:
        model = self.model
        scheme = self.style.scheme
        k = self.label_scale
        metrics = _Fonts.metrics(False)
        for i, text in self.labels.items():
            if i >= model.count:
                continue
            # Labels sit near the target end, where the edges into one neuron fan apart.
            t = 0.62
            x = float(model.x1[i] + (model.x2[i] - model.x1[i]) * t)
            y = float(model.y1[i] + (model.y2[i] - model.y1[i]) * t)
            width = (metrics.horizontalAdvance(text) + 6) * k
            height = (plate_height(False) + 2) * k
            draw_label(
                painter,
                PlacedLabel(QRectF(x - width / 2, y - height / 2, width, height), text, False, k),
                scheme,
                scheme.text,
            )
