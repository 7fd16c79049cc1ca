"""The caption that says when the canvas does not draw every connection: while training thins a big
network's edges, and when a view of a network too big to draw whole shows only its strongest connections."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget

from .items import ColourScheme

STRONGEST_ONLY_CAPTION = "Showing the strongest connections while training"
# The caption's distance from the view's bottom-left corner, in pixels.
CAPTION_MARGIN_PX = 8


def partial_caption(drawn: int, total: int) -> str:
    """The caption of a view that draws only ``drawn`` of the network's ``total`` connections."""
    return f"Showing {drawn:,} of {total:,} connections, the strongest: zoom in to see more of them"


class DetailCaption(QLabel):
    """A child of the view rather than of its viewport, so scrolling the viewport never carries it along."""

    def __init__(self, view: QWidget, scheme: ColourScheme) -> None:
        super().__init__("", view)
        self.setObjectName("canvasDetailCaption")
        self.setAccessibleName("Canvas detail")
        self.setAccessibleDescription(
            "Says when not every connection is drawn: while training runs, only the strongest of each layer "
            "(all return when it stops); in a network too big to draw whole, the strongest in view (zooming "
            "in shows every connection of what is on screen)."
        )
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.set_scheme(scheme)
        self.hide()

    def show_text(self, text: str, area: QRect) -> None:
        """Say ``text`` at the bottom-left corner of ``area``; hidden while there is nothing to say."""
        if text != self.text():
            self.setText(text)
        if text:
            self.place(area)
        self.setVisible(bool(text))

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
