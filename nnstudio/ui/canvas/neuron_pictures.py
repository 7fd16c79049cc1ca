"""Pictures drawn inside the neurons on the canvas: a receptive field, a heat map, any small image.

How to use it (from any view that has a :class:`~nnstudio.ui.canvas.NetworkCanvas`)::

    canvas.set_neuron_pictures({"h1": image_h1, "h2": image_h2})   # a QImage per neuron id
    canvas.set_neuron_pictures(None)                                # take every picture away
    canvas.neuron_pictures                                          # what is shown now (read only)

    canvas.set_neuron_pictures(fields, source="receptive")          # pictures of one source among others
    canvas.set_neuron_pictures(None, source="receptive")            # take only that source's away

- A picture fills a square inscribed in the neuron's disc (an input's square, an output's ring), so the
  disc's own fill, the neuron's activation, still shows around it. Any size works: a picture smaller than
  the square is enlarged with crisp pixels (a 2x2 receptive field stays four squares), a larger one is
  smoothed down (a 64x64 heat map).
- Hovering a neuron that has a picture shows it enlarged beside the neuron (left of it, clear of the
  tooltip), at a fixed size on screen (:data:`CLOSE_UP_PX`).
- Several views may show pictures at once, each under its own ``source`` (the default is ``""``): a
  neuron shows the picture of the source that began showing pictures last, and when that source takes its
  pictures away the others show again. A source updating its pictures keeps its place.
- Ids the network does not have are ignored; a picture for a neuron added later appears when it is added.
  Binding the canvas to another document takes every picture away (they belong to the network they were
  made for).
- Cheap: each picture is turned into a pixmap once, when it is set; setting the same images again (same
  ``QImage.cacheKey()``) repaints nothing; painting copies a pixmap, nothing is computed per frame.

Pixels of an image grid (a 28x28 input) are not neurons with discs and take no picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .guard import reports_errors

if TYPE_CHECKING:
    from .scene import CanvasScene

# The enlarged picture shown while a neuron is hovered: its side in screen pixels.
CLOSE_UP_PX = 120.0
# Gap between the neuron's top and the enlarged picture, in screen pixels.
CLOSE_UP_GAP_PX = 8.0
# A picture's frame inside a disc: thin and dark, so a white picture reads as a square on a white disc.
FRAME = QColor(60, 60, 60)


def picture_pixmap(image: QImage) -> QPixmap:
    """The pixmap a neuron paints: made once per picture."""
    return QPixmap.fromImage(image)


def draw_picture(painter: QPainter, pixmap: QPixmap, rect: QRectF, frame: QColor = FRAME) -> None:
    """``pixmap`` stretched over ``rect`` with a one-pixel frame: crisp pixels when enlarged, smoothed when
    shrunk."""
    painter.save()
    enlarged = pixmap.width() < rect.width() * painter.worldTransform().m11()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not enlarged)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.drawPixmap(rect, pixmap, QRectF(pixmap.rect()))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(frame, 0))
    painter.drawRect(rect)
    painter.restore()


def inscribed_square(radius: float) -> QRectF:
    """The square inside a disc of ``radius`` around (0, 0), a little inside its edge."""
    half = radius * 0.70
    return QRectF(-half, -half, 2 * half, 2 * half)


class PictureCloseUp(QGraphicsItem):
    """The hovered neuron's picture, enlarged beside it at a fixed size on screen (a child of the neuron)."""

    def __init__(self, parent: QGraphicsItem, offset: float) -> None:
        super().__init__(parent)
        self.pixmap: QPixmap | None = None
        # Which side of the neuron it shows on: "left", "above" or "below".
        self.side = "left"
        self._rect = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setVisible(False)
        self.place(offset)

    def set_pixmap(self, pixmap: QPixmap | None) -> None:
        self.pixmap = pixmap
        self.update()

    def place(self, offset: float) -> None:
        """Left of the neuron (a tooltip opens below and right of the pointer), kept inside the view; above
        it when there is no room on the left, below when there is none above either."""
        side_px, gap = CLOSE_UP_PX, CLOSE_UP_GAP_PX
        centre = QPointF(0.0, 0.0)
        size = None
        scene = self.scene()
        parent = self.parentItem()
        if scene is not None and parent is not None and scene.views():
            view = scene.views()[0]
            centre = QPointF(view.mapFromScene(parent.mapToScene(QPointF(0.0, 0.0))))
            edge = view.mapFromScene(parent.mapToScene(QPointF(offset, 0.0))).x() - centre.x()
            size = view.viewport().size()
        else:
            edge = offset
        if size is None or centre.x() - edge - gap - side_px >= 0:
            where = "left"
        elif centre.y() - edge - gap - side_px >= 0:
            where = "above"
        else:
            where = "below"
        if where == "left":
            pos = QPointF(-offset, 0.0)
            shift = 0.0
            if size is not None:
                top, bottom = centre.y() - side_px / 2, centre.y() + side_px / 2
                shift = -top if top < 0 else min(0.0, size.height() - bottom)
            rect = QRectF(-gap - side_px, -side_px / 2 + shift, side_px, side_px)
        elif where == "above":
            pos = QPointF(0.0, -offset)
            rect = QRectF(-side_px / 2, -side_px - gap, side_px, side_px)
        else:
            pos = QPointF(0.0, offset)
            rect = QRectF(-side_px / 2, gap, side_px, side_px)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.side = where
        self.setPos(pos)

    def picture_rect(self) -> QRectF:
        return QRectF(self._rect)

    def boundingRect(self) -> QRectF:
        return self.picture_rect().adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        # Never in the way of the pointer: the neuron under it is found as if the close-up were not there.
        return QPainterPath()

    @reports_errors
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.pixmap is None:
            return
        rect = self.picture_rect()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(250, 250, 250))
        painter.drawRect(rect.adjusted(-3, -3, 3, 3))
        draw_picture(painter, self.pixmap, rect)


class NeuronPictures:
    """The pictures a canvas shows inside its neurons (see the module's description)."""

    def __init__(self, scene: CanvasScene) -> None:
        self._scene = scene
        # By source, in the order the sources began showing pictures (the last one is on top).
        self._sources: dict[str, dict[str, QImage]] = {}

    @property
    def pictures(self) -> Mapping[str, QImage]:
        """What each neuron shows now: the picture of the topmost source that has one for it."""
        shown: dict[str, QImage] = {}
        for pictures in self._sources.values():
            shown.update(pictures)
        return shown

    def set(self, pictures: Mapping[str, QImage] | None, source: str = "") -> None:
        mine = {} if pictures is None else {str(k): v for k, v in pictures.items() if v is not None}
        if not mine:
            self._sources.pop(source, None)
        else:
            # A source already showing keeps its place among the others; a new one goes on top.
            self._sources[source] = mine
        self.apply()

    def clear(self) -> None:
        """Every source's pictures away (the canvas shows another document)."""
        self._sources.clear()
        self.apply()

    def apply(self) -> None:
        """Give every neuron item its picture (or none): after a change of pictures or of the network."""
        pictures = self.pictures
        for nid, item in self._scene.neuron_items.items():
            item.set_picture(pictures.get(nid))
