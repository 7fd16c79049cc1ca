"""The legend in the canvas's top-left corner: what every colour and shape means, and, while a training
step shows them, what the deltas under the neurons and the slopes on the lines mean. In plain words, where
they appear, so a newcomer never has to look them up."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget

from .items import ColourScheme

# The legend's distance from the view's top-left corner, in pixels.
LEGEND_MARGIN_PX = 6

DELTA_LINE = (
    "δ next to a neuron: how much the error changes when this neuron's sum changes "
    "(near 0: it barely matters for the error now)."
)
SIGNAL_LINE = "Glowing yellow: the neuron the signal reaches now; faded, dashed outline: not reached yet."
SLOPE_LINE = (
    "Number on a line: its slope, how much the error changes when that weight changes; "
    "training moves the weight down the slope."
)


def _swatch(fill: str, border: str, round_: bool) -> str:
    radius = "6px" if round_ else "2px"
    return (
        f'<span style="background:{fill}; border:1px solid {border}; border-radius:{radius};">'
        "&nbsp;&nbsp;&nbsp;</span>"
    )


class CanvasLegend(QLabel):
    """A child of the view rather than of its viewport, so scrolling never carries it along; the mouse goes
    through it to the canvas."""

    def __init__(self, view: QWidget, scheme: ColourScheme) -> None:
        super().__init__(view)
        self.setObjectName("canvasLegend")
        self.setAccessibleName("Canvas legend")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._scheme = scheme
        self._deltas = False
        self._slopes = False
        self._signal = False
        self._inputs: tuple[float, float] = (-1.0, 1.0)
        # Whether any neuron past the inputs can go below 0 (tanh, identity): only then is black -1 seen.
        self._signed = True
        self._area = QRect()
        self._base_height = 0
        self.set_scheme(scheme)

    # ------------------------------------------------------------------ what it says
    def plain_lines(self) -> list[str]:
        """The legend as plain sentences (its accessible description, and its rich text's words)."""
        s = self._scheme
        positive = "white" if s.positive.lightness() > 200 else "green"
        negative = "black" if s.negative.lightness() < 50 else "red"
        values = "black -1, grey 0, white +1" if self._signed else "grey 0, white 1"
        low, high = self._inputs
        inputs = (
            ""
            if (low, high) == (-1.0, 1.0)
            else f" Inputs: black at {low:g}, white at {high:g}, as on the pad."
        )
        lines = [
            f"Neuron values: {values}.{inputs}",
            f"Lines: {positive} positive weight, {negative} negative; thicker is stronger, dotted is 0.",
            "Square: input, disc: hidden, ringed disc: output.",
        ]
        if self._signal:
            lines.append(SIGNAL_LINE)
        if self._deltas:
            lines.append(DELTA_LINE)
        if self._slopes:
            lines.append(SLOPE_LINE)
        return lines

    def _rich(self) -> str:
        s = self._scheme
        text, outline = s.text.name(), s.outline_hidden.name()
        black = f"{_swatch(s.signed_low.name(), outline, True)}&nbsp;black&nbsp;-1 " if self._signed else ""
        values = (
            f"{black}{_swatch(s.signed_mid.name(), outline, True)}&nbsp;grey&nbsp;0 "
            f"{_swatch(s.signed_high.name(), outline, True)}&nbsp;white&nbsp;{'+1' if self._signed else '1'}"
        )
        plain = self.plain_lines()
        first = f"<b>Neuron values:</b> {values}"
        low, high = self._inputs
        if (low, high) != (-1.0, 1.0):
            # Inputs are shaded like the pad: dark..light over their own range (see items.value_colour).
            dark, light = (s.signed_low, s.signed_high) if low < 0 else (s.unsigned_low, s.unsigned_high)
            first += (
                f"<br><b>Inputs:</b> {_swatch(dark.name(), outline, False)}&nbsp;black&nbsp;at&nbsp;{low:g} "
                f"{_swatch(light.name(), outline, False)}&nbsp;white&nbsp;at&nbsp;{high:g}, as on the pad"
            )
        # Short phrases stay whole when a narrow canvas wraps the legend ("dotted is" / "0." read badly).
        rest = "<br>".join(escape(line).replace("dotted is 0", "dotted&nbsp;is&nbsp;0") for line in plain[1:])
        return f'<span style="color:{text};">{first}<br>{rest}</span>'

    def show_deltas(self, shown: bool) -> None:
        if shown != self._deltas:
            self._deltas = shown
            self._refresh()

    def set_input_range(self, low: float, high: float) -> None:
        """The document's input range: inputs are shaded black to white over it, like the drawing pad."""
        if (low, high) != self._inputs:
            self._inputs = (low, high)
            self._refresh()

    def set_signed(self, signed: bool) -> None:
        """Whether some neuron past the inputs can go below 0; a network of sigmoid and ReLU neurons never
        shows black, so the legend does not promise it."""
        if signed != self._signed:
            self._signed = signed
            self._refresh()

    def show_signal(self, shown: bool) -> None:
        """While an animation carries the signal through the network: what its glow and fading mean."""
        if shown != self._signal:
            self._signal = shown
            self._refresh()

    def show_slopes(self, shown: bool) -> None:
        if shown != self._slopes:
            self._slopes = shown
            self._refresh()

    def set_scheme(self, scheme: ColourScheme) -> None:
        self._scheme = scheme
        back = scheme.label_background
        self.setStyleSheet(
            f"QLabel {{ background: rgba({back.red()}, {back.green()}, {back.blue()}, {back.alpha()}); "
            "border-radius: 3px; padding: 2px 6px; font-size: 8pt; }"
        )
        self._refresh()

    def _refresh(self) -> None:
        self.setText(self._rich())
        self.setAccessibleDescription(" ".join(self.plain_lines()))
        if not self._area.isNull():
            self.place(self._area)

    # ------------------------------------------------------------------ where it goes
    def place(self, area: QRect) -> None:
        """At the top-left corner of ``area`` (the viewport's geometry in the view), as wide as it needs up
        to the area's width."""
        self._area = QRect(area)
        room = max(80, area.width() - 2 * LEGEND_MARGIN_PX)
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        first, *rest = self.plain_lines()[:3]
        shown = [*first.split(" Inputs:"), *rest]  # the inputs' part of the first line is a line of its own
        widest = max(metrics.horizontalAdvance(line) for line in shown)
        fitted = min(room, widest + margins.left() + margins.right() + 2 * 6 + 8)
        self.setFixedWidth(fitted)
        # A label's height for a width grows to its minimum height: let go of the last one to measure.
        self.setMinimumHeight(0)
        self.setFixedHeight(self.heightForWidth(fitted))
        self.move(area.left() + LEGEND_MARGIN_PX, area.top() + LEGEND_MARGIN_PX)
        self.raise_()
        if not (self._deltas or self._slopes or self._signal):
            self._base_height = self.height()

    def base_height(self) -> int:
        """The legend's height without a step's lines: the room a fitted network leaves it."""
        return self._base_height
