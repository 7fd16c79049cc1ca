"""The canvas's zoom and scroll: zoom around a point, fit the whole network, and keep it fitted on resize."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRectF
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsView

from .scene import CanvasScene

EDGE_TOLERANCE_PX = 5.0
MIN_SCALE, MAX_SCALE = 0.05, 8.0
FIT_MAX_SCALE = 1.5
# The fitted network keeps this far from the view's border (pixels, or this share of its smaller side).
FIT_MARGIN_PX = 24.0
FIT_MARGIN_SHARE = 0.04
FIT_STEPS = 4
# Halvings of the zoom range when the steps do not settle on a fitting zoom: within 1/1024 of the best.
FIT_HALVINGS = 10


class ZoomAndFit:
    """How much of the scene ``view`` shows. A zoom or pan by hand ends the automatic fitting on resize."""

    def __init__(self, view: QGraphicsView, scene: CanvasScene) -> None:
        self._view = view
        self._scene = scene
        self._auto_fit = True
        # Pixels at the top of the viewport a fitted network leaves free (the legend is there).
        self.reserve_top: Callable[[], float] = lambda: 0.0
        # Pixels drawn right of the content (scene rect given) at the present zoom: the outputs' names, fanned
        # out when the view is too far out for names.
        self.reserve_right: Callable[[QRectF], float] = lambda _content: 0.0

    @property
    def auto_fit(self) -> bool:
        """True while the view refits the network on every resize (until the person zooms or pans)."""
        return self._auto_fit

    def scale(self) -> float:
        return self._view.transform().m11()

    def tolerance(self) -> float:
        """How near (in scene units) a point must be to an edge to hit it: a few pixels at any zoom."""
        return EDGE_TOLERANCE_PX / max(self.scale(), 1e-6)

    def visible_scene_rect(self) -> QRectF:
        return self._view.mapToScene(self._view.viewport().rect()).boundingRect()

    def content_rect(self) -> QRectF:
        rect = self._scene.content_rect()
        edges = self._scene.edges.bounds()
        return rect.united(edges) if not edges.isEmpty() else rect

    def update_scene_rect(self, content: QRectF | None = None) -> None:
        content = content if content is not None else self.content_rect()
        viewport = self._view.viewport()
        margin = max(viewport.width(), viewport.height()) / max(self.scale(), 1e-6)
        rect = (
            content.adjusted(-margin, -margin, margin, margin)
            if not content.isEmpty()
            else QRectF(-margin, -margin, 2 * margin, 2 * margin)
        )
        self._view.setSceneRect(rect.united(self.visible_scene_rect()))

    def fit_all(self) -> None:
        """Show the whole network, and keep it so as the view is resized."""
        self._auto_fit = True
        self.fit()

    def fit(self) -> None:
        view = self._view
        viewport = view.viewport().rect()
        margin = max(FIT_MARGIN_PX, FIT_MARGIN_SHARE * min(viewport.width(), viewport.height()))
        reserve = min(self.reserve_top(), viewport.height() / 3)
        room_w = max(1.0, viewport.width() - 2 * margin)
        room_h = max(1.0, viewport.height() - 2 * margin - reserve)
        content = self.content_rect()
        if content.isEmpty():
            view.resetTransform()
            self.scale_changed()
            self.update_scene_rect(QRectF(-100, -100, 200, 200))
            view.centerOn(0, 0)
            return
        # Names keep their size on screen, so the network's extent depends on the zoom: settle in a few steps.
        for _ in range(FIT_STEPS):
            width_room = max(1.0, room_w - self.reserve_right(content))
            scale = min(width_room / max(content.width(), 1e-6), room_h / max(content.height(), 1e-6))
            scale = max(MIN_SCALE, min(FIT_MAX_SCALE, scale))
            if abs(scale - self.scale()) <= 1e-4 * scale:
                break
            content = self._zoom_to(scale)
        if self.scale() > MIN_SCALE * (1 + 1e-6) and not self._fits(content, room_w, room_h):
            content = self._largest_fitting_zoom(room_w, room_h)
        self.update_scene_rect(content)
        # The network's centre goes to the middle of the room below the reserve and left of the names.
        scale = max(self.scale(), 1e-6)
        right = self.reserve_right(content)
        view.centerOn(content.center() + QPointF(right / 2 / scale, -reserve / 2 / scale))

    def _zoom_to(self, scale: float) -> QRectF:
        """Zoom to ``scale``; the content's extent at that zoom."""
        self._view.setTransform(QTransform.fromScale(scale, scale))
        self.scale_changed()
        return self.content_rect()

    def _largest_fitting_zoom(self, room_w: float, room_h: float) -> QRectF:
        """Zoom to (nearly) the largest scale at which the content fits the room; the content's extent there.

        Names show only from a certain zoom on, so the content's extent jumps there and the steps above can
        go back and forth across that zoom without fitting: halving the gap between a zoom that fits and one
        that does not always ends on one that fits."""
        fitting, too_big = MIN_SCALE, self.scale()
        for _ in range(FIT_HALVINGS):
            middle = (fitting + too_big) / 2
            if self._fits(self._zoom_to(middle), room_w, room_h):
                fitting = middle
            else:
                too_big = middle
        return self._zoom_to(fitting)

    def _fits(self, content: QRectF, room_w: float, room_h: float) -> bool:
        """True when ``content`` (scene), and the names drawn beside it, fit the room at the present zoom,
        give or take a pixel."""
        scale = self.scale()
        width = content.width() * scale + self.reserve_right(content)
        return width <= room_w + 1 and content.height() * scale <= room_h + 1

    def shows_whole(self, rect: QRectF) -> bool:
        """True when ``rect`` (scene) lies inside the viewport."""
        return self.visible_scene_rect().contains(rect)

    def follow_resize(self) -> None:
        if self._auto_fit:
            self.fit()
        else:
            self.update_scene_rect()

    def manual_view_change(self) -> None:
        self._auto_fit = False

    def scale_changed(self) -> None:
        self._scene.set_view_scale(self.scale())

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom by ``factor`` keeping the scene point under ``anchor`` (view coords) where it is."""
        self.manual_view_change()
        view = self._view
        anchor = anchor if anchor is not None else view.viewport().rect().center()
        scale = self.scale()
        factor = max(MIN_SCALE / scale, min(MAX_SCALE / scale, factor))
        if abs(factor - 1.0) < 1e-9:
            return
        before = view.mapToScene(anchor)
        view.scale(factor, factor)
        self.scale_changed()
        self.update_scene_rect()
        moved = view.mapFromScene(before) - anchor
        self.scroll_by(moved.x(), moved.y())

    def scroll_by(self, dx: int, dy: int) -> None:
        """Move the view's scroll position by ``(dx, dy)`` pixels (the scene slides the other way)."""
        horizontal, vertical = self._view.horizontalScrollBar(), self._view.verticalScrollBar()
        horizontal.setValue(horizontal.value() + dx)
        vertical.setValue(vertical.value() + dy)
