"""The caption that says, while training thins a big network's edges, that not every connection is drawn."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget

from .items import ColourScheme

STRONGEST_ONLY_CAPTION = "Showing the strongest connections while training"
# The caption's distance from the view's bottom-left corner, in pixels.
CAPTION_MARGIN_PX = 8


class DetailCaption(QLabel):
    """A child of the view rather than of its viewport, so scrolling the viewport never carries it along."""

    def __init__(self, view: QWidget, scheme: ColourScheme) -> None:
        super().__init__(STRONGEST_ONLY_CAPTION, view)
        self.setObjectName("canvasDetailCaption")
        self.setAccessibleName("Canvas detail")
        self.setAccessibleDescription(
            "While training runs, only the strongest connections of each layer are drawn; all of them return "
            "when it stops."
        )
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.set_scheme(scheme)
        self.hide()

    def show_when(self, thinned: bool, area: QRect) -> None:
        """Show the caption exactly while the edges drawn are only the strongest ones."""
        if thinned:
            self.place(area)
        self.setVisible(thinned)

    def place(self, area: QRect) -> None:
        """At the bottom-left corner of ``area`` (the viewport's geometry in the view)."""
        self.adjustSize()
        self.move(area.left() + CAPTION_MARGIN_PX, area.bottom() - self.height() - CAPTION_MARGIN_PX + 1)
        self.raise_()

    def set_scheme(self, scheme: ColourScheme) -> None:
        back, text = scheme.label_background, scheme.text
        self.setStyleSheet(
            f"QLabel {{ color: {text.name()}; background: rgba({back.red()}, {back.green()}, {back.blue()}, "
            f"{back.alpha()}); border-radius: 3px; padding: 2px 6px; }}"
        )

    @property
    def shown_text(self) -> str:
        """The caption's text while it shows, empty when the canvas shows everything."""
        return "" if self.isHidden() else self.text()
