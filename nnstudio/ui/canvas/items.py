"""The things drawn on the canvas besides edges: neurons, the input image grid, and the colour schemes.

A neuron is a disc filled by its activation (black -1, grey 0, white +1; dark to light for 0..1
activations), outlined by its role. An image input is drawn as its pixel grid. Items only paint: the
view decides what is hovered, selected or pulsing and tells them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Role

from .guard import reports_errors

NEURON_RADIUS = 18.0
HANDLE_RADIUS = 6.0
HANDLE_OFFSET = NEURON_RADIUS + 10.0

Z_EDGES = 0.0
Z_OVERLAY = 1.0
Z_NEURONS = 2.0
Z_RUBBER = 5.0


@dataclass(frozen=True)
class ColourScheme:
    name: str
    title: str
    background: QColor
    positive: QColor
    negative: QColor
    signed_low: QColor
    signed_mid: QColor
    signed_high: QColor
    unsigned_low: QColor
    unsigned_high: QColor
    unknown: QColor
    outline_input: QColor
    outline_hidden: QColor
    outline_output: QColor
    selection: QColor
    pulse: QColor
    text: QColor
    label_background: QColor
    rubber_ok: QColor
    rubber_refused: QColor

    def outline(self, role: Role) -> QColor:
        return {
            Role.INPUT: self.outline_input,
            Role.HIDDEN: self.outline_hidden,
            Role.OUTPUT: self.outline_output,
        }[role]


SCHEMES: dict[str, ColourScheme] = {
    "classic": ColourScheme(
        "classic",
        "White positive, black negative, on grey",
        background=QColor(128, 128, 128),
        positive=QColor(255, 255, 255),
        negative=QColor(0, 0, 0),
        signed_low=QColor(0, 0, 0),
        signed_mid=QColor(128, 128, 128),
        signed_high=QColor(255, 255, 255),
        unsigned_low=QColor(24, 24, 24),
        unsigned_high=QColor(255, 255, 255),
        unknown=QColor(150, 150, 150),
        outline_input=QColor(32, 72, 150),
        outline_hidden=QColor(35, 35, 35),
        outline_output=QColor(205, 110, 0),
        selection=QColor(30, 165, 255),
        pulse=QColor(255, 236, 110),
        text=QColor(15, 15, 15),
        label_background=QColor(225, 225, 225, 215),
        rubber_ok=QColor(30, 165, 255),
        rubber_refused=QColor(200, 30, 30),
    ),
    "3b1b": ColourScheme(
        "3b1b",
        "Green positive, red negative, on dark",
        background=QColor(22, 24, 30),
        positive=QColor(88, 200, 110),
        negative=QColor(230, 78, 70),
        signed_low=QColor(0, 0, 0),
        signed_mid=QColor(90, 90, 96),
        signed_high=QColor(255, 255, 255),
        unsigned_low=QColor(10, 10, 12),
        unsigned_high=QColor(255, 255, 255),
        unknown=QColor(70, 72, 80),
        outline_input=QColor(90, 160, 225),
        outline_hidden=QColor(200, 200, 205),
        outline_output=QColor(255, 180, 60),
        selection=QColor(30, 165, 255),
        pulse=QColor(255, 240, 140),
        text=QColor(230, 230, 235),
        label_background=QColor(40, 42, 52, 220),
        rubber_ok=QColor(30, 165, 255),
        rubber_refused=QColor(255, 90, 90),
    ),
}


def display_range(activation: str) -> tuple[float, float]:
    """The value range a neuron's colour spans: the activation's own, with unbounded ends cut at +-1 / 1."""
    act = ACTIVATIONS.get(activation)
    if act is None:
        return (-1.0, 1.0)
    low = act.low if math.isfinite(act.low) else -1.0
    high = act.high if math.isfinite(act.high) else 1.0
    return (low, high)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def value_colour(scheme: ColourScheme, value: float | None, low: float, high: float) -> QColor:
    """Fill colour of a neuron or pixel: black..grey..white over a signed range, dark..light over 0..1."""
    if value is None or not math.isfinite(value):
        return QColor(scheme.unknown)
    if low < 0:
        mid, half = (low + high) / 2, (high - low) / 2 or 1.0
        s = max(-1.0, min(1.0, (value - mid) / half))
        return (
            _mix(scheme.signed_mid, scheme.signed_high, s)
            if s >= 0
            else _mix(scheme.signed_mid, scheme.signed_low, -s)
        )
    span = (high - low) or 1.0
    return _mix(scheme.unsigned_low, scheme.unsigned_high, max(0.0, min(1.0, (value - low) / span)))


def _rgb(colour: QColor) -> np.ndarray:
    return np.array([colour.red(), colour.green(), colour.blue()], dtype=np.float32)


def value_colours(
    scheme: ColourScheme, values: np.ndarray, reached: np.ndarray, low: float, high: float
) -> np.ndarray:
    """Vectorised :func:`value_colour` for image pixels: (n, 3) uint8; NaN is unknown; unreached is dimmed."""
    v = np.asarray(values, dtype=np.float32)
    known = np.isfinite(v)
    v = np.where(known, v, 0.0)
    if low < 0:
        mid, half = (low + high) / 2, (high - low) / 2 or 1.0
        s = np.clip((v - mid) / half, -1.0, 1.0)[:, None]
        m = _rgb(scheme.signed_mid)
        rgb = np.where(s >= 0, m + (_rgb(scheme.signed_high) - m) * s, m + (_rgb(scheme.signed_low) - m) * -s)
    else:
        u = np.clip((v - low) / ((high - low) or 1.0), 0.0, 1.0)[:, None]
        a = _rgb(scheme.unsigned_low)
        rgb = a + (_rgb(scheme.unsigned_high) - a) * u
    rgb = np.where(known[:, None], rgb, _rgb(scheme.unknown))
    dim = ~np.asarray(reached, dtype=bool)
    if dim.any():
        rgb[dim] = rgb[dim] * 0.3 + _rgb(scheme.background) * 0.7
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def dimmed(scheme: ColourScheme, colour: QColor) -> QColor:
    return _mix(colour, scheme.background, 0.7)


class _Fonts:
    """Fonts are made once a QGuiApplication exists (a QFont needs one)."""

    name: QFont | None = None
    small: QFont | None = None
    label: QFont | None = None

    @classmethod
    def ensure(cls) -> None:
        if cls.name is None:
            cls.name = QFont()
            cls.name.setPointSizeF(7.5)
            cls.small = QFont()
            cls.small.setPointSizeF(6.3)
            cls.label = QFont()
            cls.label.setPointSizeF(9.0)
            cls.label.setBold(True)


def draw_handle(painter: QPainter, centre: QPointF, scheme: ColourScheme) -> None:
    """The connect handle: a small disc with a plus, dragged onto another neuron to connect."""
    painter.setPen(QPen(scheme.outline_hidden, 1.2))
    painter.setBrush(QBrush(QColor(250, 250, 250)))
    painter.drawEllipse(centre, HANDLE_RADIUS, HANDLE_RADIUS)
    painter.setPen(QPen(QColor(30, 30, 30), 1.4))
    d = HANDLE_RADIUS * 0.55
    painter.drawLine(QPointF(centre.x() - d, centre.y()), QPointF(centre.x() + d, centre.y()))
    painter.drawLine(QPointF(centre.x(), centre.y() - d), QPointF(centre.x(), centre.y() + d))


def draw_glow(painter: QPainter, centre: QPointF, radius: float, scheme: ColourScheme) -> None:
    gradient = QRadialGradient(centre, radius + 14)
    inner = QColor(scheme.pulse)
    inner.setAlpha(230)
    outer = QColor(scheme.pulse)
    outer.setAlpha(0)
    gradient.setColorAt(radius / (radius + 14), inner)
    gradient.setColorAt(1.0, outer)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawEllipse(centre, radius + 14, radius + 14)


class NeuronItem(QGraphicsItem):
    """One neuron: fill by value, outline by role, name below, outputs' labels beside."""

    def __init__(self, neuron_id: str, scheme: ColourScheme) -> None:
        super().__init__()
        _Fonts.ensure()
        self.neuron_id = neuron_id
        self.scheme = scheme
        self.role = Role.HIDDEN
        self.activation = "tanh"
        self.name = neuron_id
        self.side_label = ""
        self.extra_text = ""
        self.low, self.high = -1.0, 1.0
        self.value: float | None = None
        self.total: float | None = None
        self.reached = True
        self.selected = False
        self.hovered = False
        self.pulsing = False
        self.handle_visible = False
        self._rect = QRectF()
        self._name_inside = False
        self._inside_font: QFont | None = None
        self._below: list[tuple[QRectF, str]] = []
        self._side_box: QRectF | None = None
        self.setZValue(Z_NEURONS)
        self._relayout()

    # ------------------------------------------------------------------ state
    def configure(
        self, role: Role, activation: str, name: str, side_label: str, value_range: tuple[float, float] | None
    ) -> None:
        changed = (role, activation, name, side_label) != (
            self.role,
            self.activation,
            self.name,
            self.side_label,
        )
        self.role, self.activation, self.name, self.side_label = role, activation, name, side_label
        low_high = value_range if value_range is not None else display_range(activation)
        if changed or low_high != (self.low, self.high):
            self.low, self.high = low_high
            self._relayout()
            self.update()

    def set_value(self, total: float | None, value: float | None, reached: bool = True) -> None:
        if (total, value, reached) != (self.total, self.value, self.reached):
            self.total, self.value, self.reached = total, value, reached
            self.update()

    def set_flags(
        self,
        *,
        selected: bool | None = None,
        hovered: bool | None = None,
        pulsing: bool | None = None,
        handle: bool | None = None,
    ) -> None:
        before = (self.selected, self.hovered, self.pulsing, self.handle_visible)
        if selected is not None:
            self.selected = selected
        if hovered is not None:
            self.hovered = hovered
        if pulsing is not None:
            self.pulsing = pulsing
        if handle is not None:
            self.handle_visible = handle
        if before != (self.selected, self.hovered, self.pulsing, self.handle_visible):
            self.update()

    def set_extra_text(self, text: str) -> None:
        if text != self.extra_text:
            self.extra_text = text
            self._relayout()
            self.update()

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self.update()

    # ------------------------------------------------------------------ geometry
    def _relayout(self) -> None:
        """Place the texts once (paint only draws them) and size the bounding rect to hold them."""
        r = NEURON_RADIUS + 16  # glow and selection ring
        rect = QRectF(-r, -r, 2 * r, 2 * r)
        rect = rect.united(QRectF(-r, -r, r + HANDLE_OFFSET + HANDLE_RADIUS + 2, 2 * r))
        name_metrics = QFontMetricsF(_Fonts.name)  # type: ignore[arg-type]
        below = NEURON_RADIUS + 3
        # A short name goes inside the disc, so columns of close neurons stay readable; a long one below.
        shown = self.name if self.role is not Role.OUTPUT else ""
        self._inside_font = None
        if shown:
            for font in (_Fonts.name, _Fonts.small):
                if QFontMetricsF(font).horizontalAdvance(shown) <= 2 * NEURON_RADIUS - 5:  # type: ignore[arg-type]
                    self._inside_font = font
                    break
        self._name_inside = self._inside_font is not None
        self._below: list[tuple[QRectF, str]] = []
        for text in ("" if self._name_inside else shown, self.extra_text):
            if not text:
                continue
            width = name_metrics.horizontalAdvance(text) + 6
            box = QRectF(-width / 2, below, width, name_metrics.height() + 2)
            self._below.append((box, text))
            rect = rect.united(box)
            below += name_metrics.height()
        self._side_box: QRectF | None = None
        if self.role is Role.OUTPUT and self.side_label:
            metrics = QFontMetricsF(_Fonts.label)  # type: ignore[arg-type]
            width = metrics.horizontalAdvance(self.side_label) + 10
            self._side_box = QRectF(NEURON_RADIUS + 8, -metrics.height() / 2 - 2, width, metrics.height() + 4)
            rect = rect.united(self._side_box)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), NEURON_RADIUS + 2, NEURON_RADIUS + 2)
        return path

    @staticmethod
    def handle_centre() -> QPointF:
        return QPointF(HANDLE_OFFSET, 0.0)

    def hits_handle(self, local: QPointF) -> bool:
        if self.role is Role.OUTPUT:
            return False
        d = local - self.handle_centre()
        return math.hypot(d.x(), d.y()) <= HANDLE_RADIUS + 2

    def hits_body(self, local: QPointF) -> bool:
        return math.hypot(local.x(), local.y()) <= NEURON_RADIUS + 2

    # ------------------------------------------------------------------ painting
    def fill_colour(self) -> QColor:
        colour = value_colour(self.scheme, self.value, self.low, self.high)
        return colour if self.reached else dimmed(self.scheme, QColor(self.scheme.unknown))

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        scheme = self.scheme
        r = NEURON_RADIUS
        centre = QPointF(0, 0)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if self.pulsing:
            draw_glow(painter, centre, r, scheme)
        outline = QColor(scheme.outline(self.role))
        if not self.reached:
            outline = dimmed(scheme, outline)
        pen = QPen(outline, 2.5 if self.role is not Role.HIDDEN else 1.6)
        if not self.reached:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        fill = self.fill_colour()
        if self.value is not None and not math.isfinite(self.value):
            painter.setBrush(QBrush(QColor(200, 0, 160), Qt.BrushStyle.BDiagPattern))
        else:
            painter.setBrush(QBrush(fill))
        if self.role is Role.INPUT:
            side = r * 1.75
            painter.drawRoundedRect(QRectF(-side / 2, -side / 2, side, side), 5, 5)
        else:
            painter.drawEllipse(centre, r, r)
            if self.role is Role.OUTPUT:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(outline, 1.2))
                painter.drawEllipse(centre, r + 4, r + 4)
        if self.selected:
            sel = QPen(scheme.selection, 2.5)
            sel.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(sel)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(centre, r + 8, r + 8)
        if self.handle_visible and self.role is not Role.OUTPUT:
            draw_handle(painter, self.handle_centre(), scheme)
        if lod < 0.45:
            return
        r_rect = QRectF(-r, -r, 2 * r, 2 * r)
        if self._name_inside:
            light = fill.lightness() < 128 if self.reached else scheme.background.lightness() < 128
            painter.setPen(QColor(235, 235, 235) if light else QColor(20, 20, 20))
            painter.setFont(self._inside_font)  # type: ignore[arg-type]
            painter.drawText(r_rect, Qt.AlignmentFlag.AlignCenter, self.name)
        if self._below:
            painter.setPen(scheme.text if self.reached else dimmed(scheme, scheme.text))
            painter.setFont(_Fonts.name)  # type: ignore[arg-type]
            for box, text in self._below:
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        if self._side_box is not None:
            painter.setFont(_Fonts.label)  # type: ignore[arg-type]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(scheme.label_background)
            painter.drawRoundedRect(self._side_box, 4, 4)
            painter.setPen(scheme.text)
            painter.drawText(self._side_box, Qt.AlignmentFlag.AlignCenter, self.side_label)


class ImageGridItem(QGraphicsItem):
    """The input image drawn as its pixels (2x2, 3x3, 28x28 squares); each pixel is one input neuron.

    The grid's place is that of its first pixel (the top-left cell's centre). Pixel values are drawn
    through a w x h image scaled up without smoothing, so a 28x28 digit costs one drawImage.
    """

    def __init__(
        self, pixel_ids: list[str], width: int, height: int, cell: float, scheme: ColourScheme
    ) -> None:
        super().__init__()
        _Fonts.ensure()
        self.pixel_ids = pixel_ids
        self.index = {pid: k for k, pid in enumerate(pixel_ids)}
        self.grid_width, self.grid_height = width, height
        self.cell = cell
        self.scheme = scheme
        self.low, self.high = -1.0, 1.0
        self.values = np.full(width * height, np.nan, dtype=np.float32)
        self.reached = np.ones(width * height, dtype=bool)
        self.selected = False
        self.hovered_pixel: int | None = None
        self.handle_visible = False
        self.pulsing: np.ndarray = np.zeros(0, dtype=np.intp)
        self._image: QImage | None = None
        self.setZValue(Z_NEURONS)

    # ------------------------------------------------------------------ geometry
    def cell_centre(self, k: int) -> QPointF:
        r, c = divmod(k, self.grid_width)
        return QPointF(c * self.cell, r * self.cell)

    def cell_centres(self) -> np.ndarray:
        k = np.arange(self.grid_width * self.grid_height)
        r, c = np.divmod(k, self.grid_width)
        return np.stack([c * self.cell, r * self.cell], axis=1).astype(np.float64)

    def pixels_rect(self) -> QRectF:
        half = self.cell / 2
        return QRectF(-half, -half, self.grid_width * self.cell, self.grid_height * self.cell)

    def handle_centre(self) -> QPointF:
        rect = self.pixels_rect()
        return QPointF(rect.right() + HANDLE_RADIUS + 6, rect.center().y())

    def boundingRect(self) -> QRectF:
        rect = self.pixels_rect().adjusted(-10, -24, 10, 10)
        return rect.united(QRectF(self.handle_centre(), self.handle_centre()).adjusted(-9, -9, 9, 9))

    def pixel_at(self, local: QPointF) -> int | None:
        rect = self.pixels_rect()
        if not rect.contains(local):
            return None
        c = min(self.grid_width - 1, int((local.x() - rect.left()) // self.cell))
        r = min(self.grid_height - 1, int((local.y() - rect.top()) // self.cell))
        return r * self.grid_width + c

    def hits_handle(self, local: QPointF) -> bool:
        d = local - self.handle_centre()
        return math.hypot(d.x(), d.y()) <= HANDLE_RADIUS + 2

    # ------------------------------------------------------------------ state
    def set_values(self, values: np.ndarray, reached: np.ndarray, value_range: tuple[float, float]) -> None:
        values = np.asarray(values, dtype=np.float32)
        reached = np.asarray(reached, dtype=bool)
        if (
            self._image is not None
            and value_range == (self.low, self.high)
            and np.array_equal(values, self.values, equal_nan=True)
            and np.array_equal(reached, self.reached)
        ):
            return
        self.values, self.reached = values.copy(), reached.copy()
        self.low, self.high = value_range
        self._image = None
        self.update(self.pixels_rect())

    def set_flags(
        self,
        *,
        selected: bool | None = None,
        hovered_pixel: int | None | bool = False,
        handle: bool | None = None,
        pulsing: np.ndarray | None = None,
    ) -> None:
        if selected is not None and selected != self.selected:
            self.selected = selected
            self.update()
        if hovered_pixel is not False and hovered_pixel != self.hovered_pixel:
            self.hovered_pixel = hovered_pixel  # type: ignore[assignment]
            self.update()
        if handle is not None and handle != self.handle_visible:
            self.handle_visible = handle
            self.update()
        if pulsing is not None and not np.array_equal(pulsing, self.pulsing):
            self.pulsing = pulsing
            self.update()

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self._image = None
        self.update()

    def image(self) -> QImage:
        if self._image is None:
            rgb = value_colours(self.scheme, self.values, self.reached, self.low, self.high)
            rgb = np.ascontiguousarray(rgb.reshape(self.grid_height, self.grid_width, 3))
            image = QImage(
                rgb.data, self.grid_width, self.grid_height, 3 * self.grid_width, QImage.Format.Format_RGB888
            )
            self._image = image.copy()  # own the pixels: the numpy buffer goes away
        return self._image

    # ------------------------------------------------------------------ painting
    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        scheme = self.scheme
        rect = self.pixels_rect()
        # Crisp pixels, and no antialiased image edges (that path costs 10x for a scaled image).
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.drawImage(rect, self.image())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if self.cell * lod >= 18:
            # Cell borders for small images (a 2x2 camera); one opaque batch: translucent unclipped lines
            # are slow in the raster engine.
            border = _mix(scheme.outline_input, scheme.signed_mid, 0.5)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(border, 0))
            lines = [
                QLineF(rect.left() + c * self.cell, rect.top(), rect.left() + c * self.cell, rect.bottom())
                for c in range(1, self.grid_width)
            ]
            lines += [
                QLineF(rect.left(), rect.top() + r * self.cell, rect.right(), rect.top() + r * self.cell)
                for r in range(1, self.grid_height)
            ]
            painter.drawLines(lines)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(scheme.outline_input, 2.0))
        painter.drawRect(rect)
        if self.pulsing.size:
            pen = QPen(scheme.pulse, 2.0)
            painter.setPen(pen)
            if self.pulsing.size == len(self.pixel_ids):
                painter.drawRect(rect.adjusted(-4, -4, 4, 4))
            else:
                for k in self.pulsing.tolist():
                    centre = self.cell_centre(k)
                    half = self.cell / 2
                    painter.drawRect(QRectF(centre.x() - half, centre.y() - half, self.cell, self.cell))
        if self.hovered_pixel is not None:
            centre = self.cell_centre(self.hovered_pixel)
            half = self.cell / 2
            painter.setPen(QPen(scheme.selection, 2.0))
            painter.drawRect(QRectF(centre.x() - half, centre.y() - half, self.cell, self.cell))
        if self.selected:
            sel = QPen(scheme.selection, 2.5)
            sel.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(sel)
            painter.drawRect(rect.adjusted(-6, -6, 6, 6))
        if self.handle_visible:
            draw_handle(painter, self.handle_centre(), scheme)
        if lod >= 0.45:
            painter.setPen(QPen(scheme.text))
            painter.setFont(_Fonts.name)  # type: ignore[arg-type]
            painter.drawText(
                QRectF(rect.left(), rect.top() - 20, rect.width(), 16),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                f"{self.grid_width} x {self.grid_height} image",
            )
