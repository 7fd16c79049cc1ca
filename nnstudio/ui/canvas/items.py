"""The things drawn on the canvas besides edges: neurons, the input image grid, and the colour schemes.

A neuron is a disc filled by its activation (black -1, grey 0, white +1, whatever its activation's range:
a ReLU or sigmoid at 0 is grey too), outlined by its role; inputs are filled by their value over the
document's input range, the way the drawing pad shows them. An image input is drawn as its pixel grid. Items only paint: the
view decides what is hovered, selected or pulsing and tells them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    QPixmap,
    QRadialGradient,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Role

from .guard import reports_errors
from .labels import Side
from .neuron_pictures import PictureCloseUp, draw_picture, inscribed_square, picture_pixmap

if TYPE_CHECKING:
    from .sheet import NeuronSheet

NEURON_RADIUS = 18.0
HANDLE_RADIUS = 7.0
HANDLE_OFFSET = NEURON_RADIUS + 10.0
HANDLE_DIAGONAL = math.sqrt(0.5)

Z_EDGES = 0.0
Z_OVERLAY = 1.0
Z_NEURONS = 2.0
# Names above every neuron: a name below a disc may reach a little into the disc under it.
Z_NAMES = 3.0
Z_HOVERED = 4.0
Z_RUBBER = 5.0

# Cell borders of an image grid are drawn once its cells are this big on screen (a 2x2 camera, not 28x28).
CELL_BORDERS_FROM_PX = 14.0
CELL_BORDER_DARK = QColor(40, 40, 40)
CELL_BORDER_LIGHT = QColor(205, 205, 205)


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
        # A shade darker than a neuron at 0 (signed_mid), so a disc or pixel at 0 reads as filled grey
        # rather than as an empty outline on the canvas.
        background=QColor(108, 108, 108),
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
    """The value range a neuron's colour spans, always centred on 0 so that 0 is grey whatever the
    activation (a ReLU or sigmoid at 0 is grey, not black): +-1 for the bounded ones, unbounded ends cut at 1.
    """
    act = ACTIVATIONS.get(activation)
    if act is None:
        return (-1.0, 1.0)
    ends = [abs(end) for end in (act.low, act.high) if math.isfinite(end)]
    reach = max(ends, default=1.0) or 1.0
    return (-reach, reach)


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


def colour_words(value: float | None, low: float, high: float) -> str:
    """The fill of a neuron or pixel in words ("light grey"), for the tooltip that explains it."""
    if value is None or not math.isfinite(value):
        return "not known"
    if low < 0:
        mid, half = (low + high) / 2, (high - low) / 2 or 1.0
        t = max(-1.0, min(1.0, (value - mid) / half))
    else:
        t = 2 * max(0.0, min(1.0, (value - low) / ((high - low) or 1.0))) - 1
    if t < -0.8:
        return "black"
    if t < -0.25:
        return "dark grey"
    if t <= 0.25:
        return "grey"
    return "light grey" if t < 0.8 else "white"


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
    _metrics: dict[bool, QFontMetricsF] = {}

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

    @classmethod
    def metrics(cls, bold: bool) -> QFontMetricsF:
        """Metrics of the name font (bold: the outputs' labels)."""
        cls.ensure()
        if bold not in cls._metrics:
            cls._metrics[bold] = QFontMetricsF(cls.label if bold else cls.name)  # type: ignore[arg-type]
        return cls._metrics[bold]


# Room on a name plate above capitals and below the lowest glyph, in pixels at zoom 1.
PLATE_ABOVE_PX = 1.0
PLATE_BELOW_PX = 0.8


@functools.cache
def plate_height(bold: bool, lines: int = 1) -> float:
    """Height of a name plate at zoom 1, in pixels: capitals, descenders and underscores fit inside; each
    line after the first adds :func:`line_advance`. (Measured once: the layout asks for every name.)"""
    metrics = _Fonts.metrics(bold)
    lowest = max(metrics.descent(), metrics.tightBoundingRect("_gjpqy").bottom())
    return PLATE_ABOVE_PX + metrics.capHeight() + lowest + PLATE_BELOW_PX + (lines - 1) * line_advance(bold)


@functools.cache
def line_advance(bold: bool) -> float:
    """From one line of a wrapped name to the next: capitals and the font's descent, no extra leading (a
    wrapped name sits beside a tight column, two lines in the room of a neuron's disc)."""
    metrics = _Fonts.metrics(bold)
    return metrics.capHeight() + metrics.descent()


@dataclass(frozen=True)
class PlacedLabel:
    """A name as drawn: its plate in the item's coordinates, the (maybe shortened) text and its font.

    ``scale`` enlarges the font and padding in scene units, so the text keeps its size on screen when the
    view zooms out.
    """

    box: QRectF
    text: str
    bold: bool
    scale: float


def draw_label(painter: QPainter, label: PlacedLabel, scheme: ColourScheme, text_colour: QColor) -> None:
    """A name on a small semi-transparent plate, so it reads over edges."""
    k = label.scale
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(scheme.label_background)
    painter.drawRoundedRect(label.box, 3 * k, 3 * k)
    painter.save()
    painter.translate(label.box.topLeft())
    painter.scale(k, k)
    metrics = _Fonts.metrics(label.bold)
    painter.setFont(_Fonts.label if label.bold else _Fonts.name)  # type: ignore[arg-type]
    painter.setPen(text_colour)
    # A name too long for one line beside a tight column is wrapped onto two (see the scene's layout).
    for row, line in enumerate(label.text.split("\n")):
        left = (label.box.width() / k - metrics.horizontalAdvance(line)) / 2
        painter.drawText(
            QPointF(left, PLATE_ABOVE_PX + metrics.capHeight() + row * line_advance(label.bold)), line
        )
    painter.restore()


def body_half(role: Role) -> float:
    """Half the side of the square a neuron's body (disc, input square, output ring) covers."""
    if role is Role.INPUT:
        return NEURON_RADIUS * 0.875 + 1.5
    if role is Role.OUTPUT:
        return NEURON_RADIUS + 5.0
    return NEURON_RADIUS + 1.0


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
    """One neuron: fill by value, outline by role; its name left (input), below (hidden) or right (output).

    The scene places the names (:meth:`label_requests`, :meth:`set_labels`), since how much of a name fits
    depends on the neighbours and the zoom.
    """

    def __init__(self, neuron_id: str, scheme: ColourScheme) -> None:
        super().__init__()
        _Fonts.ensure()
        self.neuron_id = neuron_id
        self.scheme = scheme
        self.role = Role.HIDDEN
        self.activation = "tanh"
        self.name = neuron_id
        self.extra_text = ""
        self.low, self.high = -1.0, 1.0
        self.value: float | None = None
        self.total: float | None = None
        self.reached = True
        self.selected = False
        self.hovered = False
        self.pulsing = False
        self.handle_visible = False
        # The sheet drawing this neuron's disc while nothing marks it (a neuron of a crowded level).
        self.sheet: NeuronSheet | None = None
        # A picture drawn inside the disc (see .neuron_pictures): the image's key and its pixmap.
        self.picture_key: int | None = None
        self._picture: QPixmap | None = None
        self._close_up: PictureCloseUp | None = None
        self._rect = QRectF()
        self.labels: list[PlacedLabel] = []
        self.names = NameItem(self)
        self.setZValue(Z_NEURONS)
        self._relayout()

    # ------------------------------------------------------------------ state
    def configure(
        self, role: Role, activation: str, name: str, value_range: tuple[float, float] | None
    ) -> bool:
        """Take the neuron's fields; True when its name or role changed (its label needs placing again)."""
        renamed = (role, name) != (self.role, self.name)
        changed = renamed or activation != self.activation
        self.role, self.activation, self.name = role, activation, name
        low_high = value_range if value_range is not None else display_range(activation)
        if changed or low_high != (self.low, self.high):
            self.low, self.high = low_high
            self._repaint()
        return renamed

    def set_value(self, total: float | None, value: float | None, reached: bool = True) -> None:
        if (total, value, reached) != (self.total, self.value, self.reached):
            if reached != self.reached:
                self.names.update()
            self.total, self.value, self.reached = total, value, reached
            if self.sheet is not None:
                self.sheet.store(self, total, value, reached)
            self._repaint()

    def set_flags(
        self,
        *,
        selected: bool | None = None,
        hovered: bool | None = None,
        pulsing: bool | None = None,
        handle: bool | None = None,
    ) -> None:
        before = (self.selected, self.hovered, self.pulsing, self.handle_visible)
        if self.sheet is not None:
            # The sheet holds the value of a neuron it draws; one about to draw itself needs it.
            self.sheet.sync(self)
        if hovered is not None and hovered != self.hovered:
            # A hovered neuron and its connect handle are drawn above every name plate.
            self.setZValue(Z_HOVERED if hovered else Z_NEURONS)
        if selected is not None:
            self.selected = selected
        if hovered is not None:
            self.hovered = hovered
        if pulsing is not None:
            self.pulsing = pulsing
        if handle is not None:
            self.handle_visible = handle
        if before != (self.selected, self.hovered, self.pulsing, self.handle_visible):
            self._show_close_up()
            # Painted again before and after: an item without contents asks for no repaint of its own.
            self.update()
            self._sync_contents()
            self.update()
            if self.sheet is not None:
                self.sheet.changed()

    def set_picture(self, image: QImage | None) -> None:
        """Draw ``image`` inside the disc (None: no picture); the same image again changes nothing."""
        key = None if image is None or image.isNull() else image.cacheKey()
        if key == self.picture_key:
            return
        self.picture_key = key
        self._picture = None if key is None else picture_pixmap(image)  # type: ignore[arg-type]
        if self._close_up is not None:
            self._close_up.set_pixmap(self._picture)
        self._show_close_up()
        self._sync_contents()
        self.update()
        if self.sheet is not None:
            self.sheet.changed()

    @property
    def has_picture(self) -> bool:
        return self._picture is not None

    @property
    def close_up_shown(self) -> bool:
        """True while the enlarged picture shows beside the neuron (it is hovered and has a picture)."""
        return self._close_up is not None and self._close_up.isVisible()

    def _show_close_up(self) -> None:
        wanted = self.hovered and self._picture is not None
        if wanted and self._close_up is None:
            self._close_up = PictureCloseUp(self, body_half(self.role))
            self._close_up.set_pixmap(self._picture)
        if self._close_up is not None and self._close_up.isVisible() != wanted:
            if wanted:
                self._close_up.place(body_half(self.role))
            self._close_up.setVisible(wanted)

    def set_sheet(self, sheet: NeuronSheet | None) -> None:
        """Let ``sheet`` draw this neuron while nothing marks it (None: the neuron draws itself)."""
        self.sheet = sheet
        self._sync_contents()
        self.update()

    def draws_itself(self) -> bool:
        """True unless a sheet draws this neuron: it has none, it is selected, hovered or pulsing, or it has a
        picture."""
        return (
            self.sheet is None
            or self.selected
            or self.hovered
            or self.pulsing
            or self.handle_visible
            or self._picture is not None
        )

    def _sync_contents(self) -> None:
        # An item without contents is never painted (no Python call per repaint), yet is still found by
        # the scene's hit-testing.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, not self.draws_itself())

    def _repaint(self) -> None:
        """Ask for the disc to be drawn again, by this item or by the sheet that draws it."""
        if self.draws_itself():
            self.update()
        else:
            self.sheet.changed()  # type: ignore[union-attr]

    def set_extra_text(self, text: str) -> bool:
        """Text under the neuron (e.g. its delta); a hidden neuron shows it in place of its name.

        True when the text changed (labels need placing again)."""
        if text == self.extra_text:
            return False
        self.extra_text = text
        return True

    def set_scheme(self, scheme: ColourScheme) -> None:
        self.scheme = scheme
        self._repaint()
        self.names.update()

    def move_to(self, x: float, y: float) -> None:
        """Put the neuron at (x, y) with its names (a separate item, drawn above all neurons), and tell the
        sheet drawing it. Moves go through here rather than an itemChange callback: that would call into
        Python for every change of every item, a dozen times per neuron when a ConvNet's 14,000 are made."""
        self.setPos(x, y)
        self.names.setPos(x, y)
        if self.sheet is not None:
            self.sheet.moved(self)

    # ------------------------------------------------------------------ geometry
    def label_requests(self) -> list[tuple[Side, str, bool]]:
        """(side, text, bold) of each text this neuron shows beside it: its name and any extra text (below,
        or after an output's name)."""
        requests: list[tuple[Side, str, bool]] = []
        if self.role is Role.OUTPUT:
            # Outputs sit in a tight column with room to their right: the extra text follows the name.
            text = f"{self.name}   {self.extra_text}" if self.extra_text else self.name
            return [(Side.RIGHT, text, True)] if text else []
        if self.role is Role.INPUT and self.name:
            requests.append((Side.LEFT, self.name, False))
        elif self.role is Role.HIDDEN and self.name and not self.extra_text:
            requests.append((Side.BELOW, self.name, False))
        if self.extra_text:
            requests.append((Side.BELOW, self.extra_text, False))
        return requests

    def set_labels(self, labels: list[PlacedLabel]) -> None:
        if labels != self.labels:
            self.labels = labels
            self.names.set_labels(labels)

    def body_rect(self) -> QRectF:
        half = body_half(self.role)
        return QRectF(-half, -half, 2 * half, 2 * half)

    def visible_rect(self) -> QRectF:
        """What is drawn of the neuron when nothing is hovered or selected: its body and its names."""
        rect = self.body_rect()
        for label in self.labels:
            rect = rect.united(label.box)
        return rect

    def _relayout(self) -> None:
        r = NEURON_RADIUS + 16  # glow and selection ring
        rect = QRectF(-r, -r, 2 * r, 2 * r)
        rect = rect.united(QRectF(-r, -r, r + HANDLE_OFFSET + HANDLE_RADIUS + 2, 2 * r))
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
        """Up and to the right of the disc: clear of a name beside it (right) or under it."""
        return QPointF(HANDLE_OFFSET * HANDLE_DIAGONAL, -HANDLE_OFFSET * HANDLE_DIAGONAL)

    def hits_handle(self, local: QPointF) -> bool:
        if self.role is Role.OUTPUT:
            return False
        d = local - self.handle_centre()
        return math.hypot(d.x(), d.y()) <= HANDLE_RADIUS + 2

    def hits_body(self, local: QPointF) -> bool:
        return math.hypot(local.x(), local.y()) <= NEURON_RADIUS + 2

    def hits_name(self, local: QPointF) -> bool:
        """On one of the neuron's name plates (what a person drags to move the neuron)."""
        return any(label.box.contains(local) for label in self.labels)

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
        if self._picture is not None:
            draw_picture(painter, self._picture, inscribed_square(r))
        if self.selected:
            sel = QPen(scheme.selection, 2.5)
            sel.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(sel)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(centre, r + 8, r + 8)
        if self.handle_visible and self.role is not Role.OUTPUT:
            draw_handle(painter, self.handle_centre(), scheme)


class NameItem(QGraphicsItem):
    """A neuron's names on their plates; placed by the scene, kept at the neuron's position by it."""

    def __init__(self, neuron: NeuronItem) -> None:
        super().__init__()
        self.neuron = neuron
        self.labels: list[PlacedLabel] = []
        self._rect = QRectF()
        self.setZValue(Z_NAMES)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        # No names (zoomed far out, or a neuron of a crowded level): no paint call on each repaint.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)

    def set_labels(self, labels: list[PlacedLabel]) -> None:
        rect = QRectF()
        for label in labels:
            rect = rect.united(label.box.adjusted(-1, -1, 1, 1))
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.labels = labels
        self.update()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, not labels)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        scheme = self.neuron.scheme
        text_colour = scheme.text if self.neuron.reached else dimmed(scheme, scheme.text)
        for label in self.labels:
            draw_label(painter, label, scheme, text_colour)


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
        self.caption: PlacedLabel | None = None
        self.setZValue(Z_NEURONS)
        self.set_label_scale(1.0)

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

    def caption_text(self) -> str:
        return f"{self.grid_width} x {self.grid_height} image"

    def set_label_scale(self, scale: float, shown: bool = True) -> None:
        """Place the caption above the image, ``scale`` times its size at zoom 1 (see PlacedLabel), or
        leave it out."""
        if not shown:
            if self.caption is not None:
                self.prepareGeometryChange()
                self.caption = None
                self.update()
            return
        text = self.caption_text()
        width = (_Fonts.metrics(False).horizontalAdvance(text) + 6) * scale
        height = plate_height(False) * scale
        rect = self.pixels_rect()
        box = QRectF(rect.left(), rect.top() - height - 4 * scale, width, height)
        caption = PlacedLabel(box, text, False, scale)
        if caption != self.caption:
            self.prepareGeometryChange()
            self.caption = caption
            self.update()

    def visible_rect(self) -> QRectF:
        rect = self.pixels_rect().adjusted(-1, -1, 1, 1)
        return rect.united(self.caption.box) if self.caption is not None else rect

    def boundingRect(self) -> QRectF:
        rect = self.pixels_rect().adjusted(-10, -10, 10, 10)
        if self.caption is not None:
            rect = rect.united(self.caption.box.adjusted(-1, -1, 1, 1))
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

    def hits_caption(self, local: QPointF) -> bool:
        """On the caption above the image (what a person drags to move the image)."""
        return self.caption is not None and self.caption.box.contains(local)

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
        if self.cell * lod >= CELL_BORDERS_FROM_PX:
            self._draw_cell_borders(painter, rect, 1.0 / max(lod, 1e-6))
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
        if self.caption is not None:
            draw_label(painter, self.caption, scheme, scheme.text)

    def _draw_cell_borders(self, painter: QPainter, rect: QRectF, pixel: float) -> None:
        """A dark and a light line between cells, one screen pixel each: cells read as pixels whatever their
        value, even grey ones on the grey background. Opaque, one batch per colour: translucent lines are
        slow in the raster engine."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for colour, shift in ((CELL_BORDER_DARK, 0.0), (CELL_BORDER_LIGHT, pixel)):
            lines = [
                QLineF(
                    rect.left() + c * self.cell + shift,
                    rect.top(),
                    rect.left() + c * self.cell + shift,
                    rect.bottom(),
                )
                for c in range(1, self.grid_width)
            ]
            lines += [
                QLineF(
                    rect.left(),
                    rect.top() + r * self.cell + shift,
                    rect.right(),
                    rect.top() + r * self.cell + shift,
                )
                for r in range(1, self.grid_height)
            ]
            if lines:
                painter.setPen(QPen(colour, 0))
                painter.drawLines(lines)
