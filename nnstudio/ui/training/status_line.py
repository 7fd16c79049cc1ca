"""The Training panel's status message: one message at a time (what started, what went wrong), a few lines
high at most and scrolling beyond, hidden when there is nothing to say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea

from nnstudio.ui.theme import Tone, set_tone

from .naming import named

# The status message shows at most this many lines at once; a longer one scrolls.
STATUS_LINES = 4


class StatusLine:
    """The message (``label``, ``trainingStatus``) in its scroll area (``scroll``, ``trainingStatusScroll``),
    which the panel lays out."""

    def __init__(self) -> None:
        self.label = named(QLabel(""), "trainingStatus", "Training status")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names datasets and paths from the file
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # At most a few lines high, scrolling beyond: a long message must not squeeze the error plot.
        self.scroll = named(QScrollArea(), "trainingStatusScroll", "Training status")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.label)
        self.scroll.hide()  # shown when there is something to say, so it takes no room otherwise

    def text(self) -> str:
        return self.label.text()

    def show(self, text: str, error: bool, fallback_width: int, tip: str = "") -> None:
        """Say ``text`` (in the problem colour when ``error``); an empty text hides the message.
        ``fallback_width``: the width to wrap at while the scroll area has none yet. ``tip``: more than the
        line should hold (the names of the datasets, say), shown when the mouse rests on it."""
        self.label.setText(text)
        self.label.setToolTip(tip)
        set_tone(self.label, Tone.PROBLEM if error else Tone.PLAIN)
        self.scroll.setVisible(bool(text))
        self.fit_height(fallback_width)

    def fit_height(self, fallback_width: int) -> None:
        """As tall as the message at this width, up to :data:`STATUS_LINES` lines."""
        width = max(1, self.scroll.viewport().width() or fallback_width)
        wanted = self.label.heightForWidth(width)
        most = self.label.fontMetrics().lineSpacing() * STATUS_LINES + 4
        self.scroll.setFixedHeight(max(1, min(wanted, most)))
