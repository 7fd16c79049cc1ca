"""The error plot's page of the Training panel: the plot fills the page, and scrolls when the page is shorter
than the plot and its key need (a finished run must not make the window taller than a small screen)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QScrollArea, QWidget

from .naming import named


class PlotPage(QScrollArea):
    """``widget`` as wide as the page and as tall as the page or its minimum height, whichever is more.

    Not a resizable scroll area: that one makes a widget with wrapped text (the plot's key) as tall as its
    preferred height, so the plot would scroll even with room to spare."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "trainingPlotScroll", "Error plot")
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(False)
        self.setWidget(widget)
        widget.installEventFilter(self)

    def fit(self) -> None:
        widget = self.widget()
        if widget is None:
            return
        room = self.viewport().size()
        height = max(room.height(), widget.minimumSizeHint().height(), widget.minimumHeight())
        if widget.size().width() != room.width() or widget.height() != height:
            widget.resize(room.width(), height)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return super().viewportEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The plot's minimum changes when the accuracy strip shows or the key gets another line.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)
