"""Text from a file shown as the characters it holds, never as markup.

Qt reads the text of a QLabel (unless told otherwise), a tooltip or a message box as HTML when its first line
looks like HTML, so a dataset named ``<img width=30000 height=30000 src=x>`` would draw a picture 30,000
pixels wide. Labels that show names, labels or descriptions from a document are set to plain text
(``label.setTextFormat(Qt.TextFormat.PlainText)``); tooltips and the texts of the standard message boxes
cannot be, so they go through :func:`plain_tooltip` and :func:`plain_message`; the few labels that are rich
text on purpose put such strings through :func:`escape`.
"""

from __future__ import annotations

import html

from PySide6.QtGui import Qt as QtText

# Rich text wraps a long line; these keep line breaks and spaces as written.
_AS_WRITTEN = '<p style="white-space:pre-wrap">{}</p>'


def escape(text: str) -> str:
    """``text`` for a place that is rich text on purpose: every character shows as written."""
    return html.escape(text, quote=False)


def _as_written(text: str) -> str:
    """Text Qt would take as plain stays as it is; text it would read as HTML is escaped and marked as
    rich text, so the markup shows as characters."""
    if not QtText.mightBeRichText(text):
        return text
    return _AS_WRITTEN.format(escape(text))


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as written."""
    return _as_written(text)


def plain_message(text: str) -> str:
    """The text of a ``QMessageBox.warning`` (or another standard box) that shows ``text`` as written."""
    return _as_written(text)
