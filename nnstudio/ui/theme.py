"""Colours that read on the system's light and dark themes alike.

A few texts carry a meaning in their colour (a problem in red, a step done in green, a right or wrong answer
in the error table). A fixed red chosen on white is dim on a dark window, so these colours are taken from
the palette in use: the hue says what the text means, the lightness is picked until the text stands out from
its background by the contrast ratio the Web Content Accessibility Guidelines ask of body text (4.5:1).
Labels marked with :func:`set_tone` follow a change of the system theme while the studio runs.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

# The contrast the guidelines (WCAG 2, level AA) ask of ordinary text against its background.
READABLE_CONTRAST = 4.5
# The contrast they ask of the parts of a graphic that carry meaning (a bar, a line).
GRAPHIC_CONTRAST = 3.0


class Tone(Enum):
    """What a text's colour says: nothing (the palette's text colour), a problem, or something done."""

    PLAIN = "plain"
    PROBLEM = "problem"
    DONE = "done"


# Each tone's hue and saturation; the lightness is the palette's business (see tone_colour).
TONE_HUES: dict[Tone, tuple[int, int]] = {Tone.PROBLEM: (0, 200), Tone.DONE: (135, 170)}


def relative_luminance(colour: QColor) -> float:
    """The colour's relative luminance in the guidelines' sense (0 black, 1 white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(first: QColor, second: QColor) -> float:
    """The guidelines' contrast ratio of two opaque colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def is_dark(palette: QPalette) -> bool:
    """True when the palette draws light text on a dark window."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return relative_luminance(window) < relative_luminance(text)


def readable_on(background: QColor, hue: int, saturation: int, contrast: float = READABLE_CONTRAST) -> QColor:
    """The colour of this hue and saturation nearest to mid-lightness that reads on ``background``.

    On a light background it is made darker, on a dark one lighter, until the contrast reaches ``contrast``
    (READABLE_CONTRAST for text; the guidelines ask 3 of a bar or a line); black or white is the last resort.
    """
    darker = relative_luminance(background) >= 0.18
    steps = range(128, -1, -4) if darker else range(128, 256, 4)
    for lightness in steps:
        colour = QColor.fromHsl(hue, saturation, lightness)
        if contrast_ratio(colour, background) >= contrast:
            return colour
    return QColor(0, 0, 0) if darker else QColor(255, 255, 255)


def tone_colour(
    tone: Tone, palette: QPalette, role: QPalette.ColorRole = QPalette.ColorRole.Window
) -> QColor:
    """The text colour for ``tone`` on the palette's ``role`` background (Window for labels, Base for
    tables and text fields)."""
    if tone is Tone.PLAIN:
        text_role = (
            QPalette.ColorRole.Text if role == QPalette.ColorRole.Base else QPalette.ColorRole.WindowText
        )
        return palette.color(text_role)
    hue, saturation = TONE_HUES[tone]
    return readable_on(palette.color(role), hue, saturation)


class _ToneKeeper(QObject):
    """Sets a label's colour for its tone again when the application's palette changes (the system's theme
    switched from light to dark, say). A label with a style sheet is not told of a new palette itself, so
    the keeper listens to the application."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.setObjectName("toneKeeper")
        self.label = label
        self.tone = Tone.PLAIN
        self.extra = ""
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.paletteChanged.connect(self._palette_changed)

    def apply(self) -> None:
        if self.tone is Tone.PLAIN:
            sheet = self.extra
        else:
            colour = tone_colour(self.tone, _palette_around(self.label))
            sheet = f"color: {colour.name()}; {self.extra}".strip()
        if self.label.styleSheet() != sheet:
            self.label.setStyleSheet(sheet)

    def _palette_changed(self, _palette: QPalette) -> None:
        self.apply()


def _palette_around(widget: QWidget) -> QPalette:
    """The palette the widget sits on: the nearest ancestor's own, else the application's (the label's own
    palette carries its style sheet's colour, and a new application palette reaches widgets later)."""
    ancestor = widget.parentWidget()
    while ancestor is not None:
        if ancestor.testAttribute(Qt.WidgetAttribute.WA_SetPalette):
            return ancestor.palette()
        ancestor = ancestor.parentWidget()
    return QApplication.palette()


def set_tone(label: QLabel, tone: Tone, extra_style: str = "") -> None:
    """Colour the label's text for ``tone`` on the current palette, and again whenever the theme changes.

    ``extra_style`` is the rest of the label's style sheet (say, ``font-weight: bold``), kept in every tone.
    """
    keeper = label.findChild(_ToneKeeper, "toneKeeper")
    if keeper is None:
        keeper = _ToneKeeper(label)
    keeper.tone = tone
    keeper.extra = extra_style
    keeper.apply()


def label_tone(label: QLabel) -> Tone:
    """The tone :func:`set_tone` last gave the label (PLAIN for one it never coloured)."""
    keeper = label.findChild(_ToneKeeper, "toneKeeper")
    return keeper.tone if keeper is not None else Tone.PLAIN


def dark_palette() -> QPalette:
    """A dark palette like the one a desktop in dark mode gives the Fusion style (for the screenshots and
    the tests of both themes, on machines whose desktop gives none)."""
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(232, 232, 235)
    disabled_text = QColor(128, 128, 132)
    palette = QPalette(window)
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, window),
        (roles.WindowText, text),
        (roles.Base, base),
        (roles.AlternateBase, QColor(40, 40, 44)),
        (roles.ToolTipBase, QColor(60, 60, 64)),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, QColor(150, 150, 155)),
        (roles.Text, text),
        (roles.Button, QColor(55, 55, 59)),
        (roles.ButtonText, text),
        (roles.BrightText, QColor(255, 255, 255)),
        (roles.Light, QColor(75, 75, 80)),
        (roles.Midlight, QColor(62, 62, 66)),
        (roles.Mid, QColor(40, 40, 43)),
        (roles.Dark, QColor(25, 25, 27)),
        (roles.Shadow, QColor(0, 0, 0)),
        (roles.Highlight, QColor(42, 130, 218)),
        (roles.HighlightedText, QColor(255, 255, 255)),
        (roles.Link, QColor(110, 170, 255)),
        (roles.LinkVisited, QColor(180, 140, 255)),
    ):
        palette.setColor(role, colour)
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled_text)
    return palette
