"""The example gallery: a picture and a sentence for every built-in network; double-click one to open it.

Pictures are drawn from each example's own neurons and connections (white for positive weights, black for
negative, the strongest ones on top), one example per turn of the event loop so the dialog opens at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PySide6.QtCore import QLineF, QObject, QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.fileformat import FormatError, load_document
from nnstudio.engine.graph import GraphError, Network, Role
from nnstudio.examples import ExampleInfo, list_examples

THUMBNAIL_SIZE = QSize(200, 120)
_MAX_PREVIEW_EDGES = 1500
_BACKGROUND = QColor("#808080")
_POSITIVE = QColor(255, 255, 255)
_NEGATIVE = QColor(0, 0, 0)

# Pictures already drawn, by example file and its modification time: reopening the gallery is instant.
_thumbnail_cache: dict[tuple[str, int], QImage] = {}


def _positions(network: Network, layout: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    placed = {nid: layout.get(nid, (0.0, 0.0)) for nid in network.neurons}
    xs = [x for x, _ in placed.values()]
    ys = [y for _, y in placed.values()]
    if xs and (max(xs) - min(xs) > 1e-9 or max(ys) - min(ys) > 1e-9):
        return placed
    # Never laid out: one column per level, left to right.
    try:
        levels = network.levels()
    except GraphError:
        levels = [list(network.neurons)]
    return {
        nid: (float(col), float(row) - len(level) / 2)
        for col, level in enumerate(levels)
        for row, nid in enumerate(level)
    }


def draw_network_preview(
    network: Network, layout: Mapping[str, tuple[float, float]], size: QSize = THUMBNAIL_SIZE
) -> QImage:
    """A small picture of ``network``: its neurons where ``layout`` puts them on the canvas and its strongest
    links."""
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(_BACKGROUND)
    if not network.neurons:
        return image
    positions = _positions(network, layout)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    margin = 10.0
    span_x = max(max(xs) - min(xs), 1e-9)
    span_y = max(max(ys) - min(ys), 1e-9)
    scale = min((size.width() - 2 * margin) / span_x, (size.height() - 2 * margin) / span_y)
    offset_x = (size.width() - scale * span_x) / 2 - scale * min(xs)
    offset_y = (size.height() - scale * span_y) / 2 - scale * min(ys)
    points = {nid: QPointF(offset_x + scale * x, offset_y + scale * y) for nid, (x, y) in positions.items()}

    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(network.edges) < 2000)
    edges = _strongest_links(network, _MAX_PREVIEW_EDGES)
    strongest = max((abs(w) for _, _, w in edges), default=0.0) or 1.0
    for colour, keep in ((_NEGATIVE, lambda w: w < 0), (_POSITIVE, lambda w: w > 0)):
        for band in (0.25, 0.5, 0.75, 1.0):
            lines = [
                QLineF(points[source], points[target])
                for source, target, w in edges
                if keep(w) and band - 0.25 < abs(w) / strongest <= band
            ]
            if lines:
                pen_colour = QColor(colour)
                pen_colour.setAlphaF(0.25 + 0.75 * band)
                painter.setPen(QPen(pen_colour, 0.5 + 2.0 * band))
                painter.drawLines(lines)
    radius = max(1.0, min(6.0, 0.35 * min(size.width(), size.height()) / max(len(network.neurons) ** 0.5, 1)))
    painter.setPen(QPen(QColor("#3d5a99"), 1.0 if radius > 2 else 0.0))
    for neuron in network:
        fill = {Role.INPUT: "#d9d9d9", Role.OUTPUT: "#f2d16b"}.get(neuron.role, "#b3b3b3")
        painter.setBrush(QBrush(QColor(fill)))
        painter.drawEllipse(points[neuron.id], radius, radius)
    painter.end()
    return image


def _strongest_links(network: Network, limit: int) -> list[tuple[str, str, float]]:
    """The ``limit`` strongest connections (source, target, weight), weakest first: chosen in numpy from the
    network's weight blocks, so a big network's picture makes no object per connection."""
    blocks = network.edges.arrays()
    if not blocks:
        return []
    weights = np.concatenate([links.weight for links in blocks])
    block_of = np.repeat(np.arange(len(blocks)), [links.weight.size for links in blocks])
    starts = np.cumsum([0] + [links.weight.size for links in blocks])
    chosen = np.argsort(np.abs(weights), kind="stable")[-limit:]
    out = []
    for k, b in zip(chosen.tolist(), block_of[chosen].tolist(), strict=True):
        links, at = blocks[b], k - int(starts[b])
        # A full block's connection k is row k // len(sources), column k % len(sources).
        row, col = (
            divmod(at, len(links.sources)) if links.full else (int(links.rows[at]), int(links.cols[at]))
        )
        out.append((links.sources[col], links.targets[row], float(weights[k])))
    return out


def example_thumbnail(info: ExampleInfo) -> QImage | None:
    """The example's picture, or None when its file cannot be read."""
    try:
        stamp = info.path.stat().st_mtime_ns
    except OSError:
        return None
    key = (str(info.path), stamp)
    if key not in _thumbnail_cache:
        try:
            document = load_document(info.path)
        except FormatError:
            return None
        _thumbnail_cache[key] = draw_network_preview(document.network, document.layout)
    return _thumbnail_cache[key]


def _placeholder() -> QPixmap:
    pixmap = QPixmap(THUMBNAIL_SIZE)
    pixmap.fill(_BACKGROUND)
    return pixmap


class ExampleThumbnails(QObject):
    """Puts each example's picture on its list item: a grey placeholder at once, then the pictures one per
    turn of the event loop, so a list of examples (the gallery's, the start page's) shows at once.

    ``parent`` is the timer's context: once it is deleted, no drawing is left to run on its items."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._placeholder = QIcon(_placeholder())
        self._pending: list[tuple[QListWidgetItem, ExampleInfo]] = []

    def add(self, item: QListWidgetItem, info: ExampleInfo) -> None:
        """Show ``info``'s picture on ``item`` (when its turn comes)."""
        item.setIcon(self._placeholder)
        if not self._pending:
            QTimer.singleShot(0, self, self._draw_next)
        self._pending.append((item, info))

    def pending(self) -> int:
        """How many pictures are still to draw."""
        return len(self._pending)

    def stop(self) -> None:
        """Draw no more pictures (the list is closing)."""
        self._pending.clear()

    def _draw_next(self) -> None:
        if not self._pending:
            return
        item, info = self._pending.pop(0)
        image = example_thumbnail(info)
        if image is not None:
            item.setIcon(QIcon(QPixmap.fromImage(image)))
        else:
            item.setToolTip(f"{info.description}\n\n(The file {Path(info.path).name} cannot be read.)")
        if self._pending:
            QTimer.singleShot(0, self, self._draw_next)


class ExampleGallery(QDialog):
    """Pick a built-in example. After ``exec()`` returns Accepted, :attr:`chosen` is its name."""

    def __init__(self, examples: list[ExampleInfo] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exampleGallery")
        self.setAccessibleName("Example gallery")
        self.setWindowTitle("Open an example")
        self.chosen: str | None = None
        self.examples = list_examples() if examples is None else list(examples)
        intro = QLabel(
            "Each example is a network you can run, change and train. Double-click one to open it."
        )
        intro.setObjectName("galleryIntro")
        intro.setAccessibleName("About the examples")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("galleryList")
        self.list.setAccessibleName("Examples")
        self.list.setIconSize(THUMBNAIL_SIZE)
        self.list.setWordWrap(True)
        self.list.setSpacing(4)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.thumbnails = ExampleThumbnails(self)
        for info in self.examples:
            item = QListWidgetItem(f"{info.title}\n{info.description}")
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            item.setToolTip(info.description)
            item.setSizeHint(QSize(640, THUMBNAIL_SIZE.height() + 12))
            self.list.addItem(item)
            self.thumbnails.add(item, info)
        self.list.setCurrentRow(0)
        # Activation is a double-click, or Enter on the current item.
        self.list.itemActivated.connect(self._open_item)
        standard = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(standard.Open | standard.Cancel)
        self.buttons.setObjectName("galleryButtons")
        self.buttons.accepted.connect(self._open_current)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 620)

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(row)
                return
        raise KeyError(name)

    def done(self, result: int) -> None:
        self.thumbnails.stop()  # a closed gallery draws no more pictures
        super().done(result)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()

    def _open_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._open_item(item)

    def thumbnails_pending(self) -> int:
        return self.thumbnails.pending()
