"""Output names fanned out beside the outputs when the canvas is zoomed out too far for names.

Zoomed out far enough (a convolutional network fitted to a laptop's canvas), the canvas leaves every
neuron's name out: at that size they would be specks. But the outputs' names are the network's answers
(0 to 9), and a column of unnamed rings under a tangle of connections tells a person nothing. So each
output's name is drawn at the screen's own size in a column right of the outputs, the plates spread
apart as far as they need to be read, each joined to its ring by a thin line.

Drawn over the view in screen pixels (the view's foreground), from the outputs' places on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from .items import NEURON_RADIUS, ColourScheme, PlacedLabel, _Fonts, draw_label, plate_height

# More outputs than this are not fanned out (a column of hundreds of plates would be another tangle).
MOST_FANNED = 40
# From the outputs' rings to the column of names, and between two plates, in screen pixels.
COLUMN_GAP_PX = 18.0
PLATE_GAP_PX = 2.0
PLATE_PADDING_PX = 6.0


@dataclass(frozen=True)
class OutputPlate:
    """One output's name as fanned out: its text, its plate and where its ring's right edge is (screen)."""

    text: str
    rect: QRectF
    ring: QPointF


def fan_out(names: list[tuple[str, QPointF]], ring_radius_px: float) -> list[OutputPlate]:
    """Plates for outputs named ``text`` whose rings are centred at the screen points given: one column
    right of the rightmost ring, top to bottom in the rings' order, each as near its ring's height as the
    plates above it allow, the whole column centred on the rings when it is taller than they are."""
    if not names:
        return []
    metrics = _Fonts.metrics(True)
    height = plate_height(True)
    step = height + PLATE_GAP_PX
    ordered = sorted(names, key=lambda pair: pair[1].y())
    left = max(point.x() for _, point in ordered) + ring_radius_px + COLUMN_GAP_PX
    wanted = [point.y() - height / 2 for _, point in ordered]
    span = wanted[-1] - wanted[0]
    needed = step * (len(ordered) - 1)
    if span < needed:
        centre = (wanted[0] + wanted[-1]) / 2
        tops = [centre - needed / 2 + k * step for k in range(len(ordered))]
    else:
        tops = []
        for top in wanted:
            tops.append(max(top, tops[-1] + step) if tops else top)
    plates = []
    for (text, point), top in zip(ordered, tops, strict=True):
        width = metrics.horizontalAdvance(text) + PLATE_PADDING_PX
        ring = QPointF(point.x() + ring_radius_px, point.y())
        plates.append(OutputPlate(text, QRectF(left, top, width, height), ring))
    return plates


def draw_plates(painter: QPainter, plates: list[OutputPlate], scheme: ColourScheme) -> None:
    """The plates and their lines, with ``painter`` in screen pixels."""
    line = QColor(scheme.text)
    line.setAlpha(150)
    painter.setPen(QPen(line, 1.0))
    for plate in plates:
        painter.drawLine(plate.ring, QPointF(plate.rect.left(), plate.rect.center().y()))
    for plate in plates:
        draw_label(painter, PlacedLabel(plate.rect, plate.text, True, 1.0), scheme, scheme.text)


def ring_radius_px(scale: float) -> float:
    """An output ring's outer radius on screen at the view's zoom."""
    return (NEURON_RADIUS + 5.0) * scale
