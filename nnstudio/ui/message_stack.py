"""A panel's content, or in its place a centred message saying why there is nothing to show yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget


class MessageStack(QStackedWidget):
    """Shows ``content`` or a word-wrapped message (no network yet, nothing to feed it, ...)."""

    def __init__(
        self, content: QWidget, message_name: str, message_accessible_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote names from the file
        self.message.setObjectName(message_name)
        self.message.setAccessibleName(message_accessible_name)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.content = content
        self.addWidget(self.message)
        self.addWidget(content)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentWidget(self.message)

    def show_content(self) -> None:
        self.setCurrentWidget(self.content)

    def install_in(self, panel: QWidget) -> None:
        """Make this the panel's only child, with the slim margins a small dock needs."""
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 4, 4, 4)  # a dock is small: the room goes to the content
        layout.addWidget(self)
