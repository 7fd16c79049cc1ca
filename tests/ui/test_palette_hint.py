"""The palette's line on how to add a neuron reads as an instruction, not as a greyed-out, switched-off line."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from nnstudio.ui.canvas.palette import NeuronPalette
from nnstudio.ui.theme import contrast_ratio


def test_the_how_to_line_is_plain_readable_text(qtbot) -> None:
    palette = NeuronPalette()
    qtbot.addWidget(palette)
    palette.show()
    qtbot.waitExposed(palette)
    hint = palette.findChild(QLabel, "paletteHint")
    assert hint is not None and hint.isVisible()
    assert hint.text() == "Drag onto the canvas, or double-click to add it (inputs go left, outputs right)."
    assert hint.isEnabled()
    colours = hint.palette()
    text = colours.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    ground = colours.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)
    assert contrast_ratio(text, ground) >= 4.5
