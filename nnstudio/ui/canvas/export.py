"""The canvas as a picture: a PNG-ready image or an SVG file, without selection or hover marks."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize
from PySide6.QtGui import QImage, QPaintDevice, QPainter
from PySide6.QtSvg import QSvgGenerator

from .binding import CanvasBinding
from .scene import CanvasScene
from .zoom import ZoomAndFit

MAX_EXPORT_PIXELS = 40_000_000


class CanvasExport:
    """Draws the whole network, names at their natural size, whatever the view's zoom and scroll.

    While :attr:`active`, the canvas shows no marks (selection, hover, handles); ``refresh_marks`` redraws
    them from the canvas's state, before and after a picture is drawn.
    """

    def __init__(
        self, scene: CanvasScene, zoom: ZoomAndFit, binding: CanvasBinding, refresh_marks: Callable[[], None]
    ) -> None:
        self._scene = scene
        self._zoom = zoom
        self._binding = binding
        self._refresh_marks = refresh_marks
        self.active = False

    def _source_rect(self) -> QRectF:
        rect = self._zoom.content_rect()
        return rect.adjusted(-20, -20, 20, 20) if not rect.isEmpty() else QRectF(0, 0, 200, 150)

    def render_to_image(self, scale: float = 2.0) -> QImage:
        """The whole network as a picture.

        The scale is lowered when the picture would exceed MAX_EXPORT_PIXELS (a 784-neuron column is tall).
        """
        with self._names_at_zoom_one():
            source = self._source_rect()
            scale = min(scale, math.sqrt(MAX_EXPORT_PIXELS / max(1.0, source.width() * source.height())))
            size = QSize(
                max(1, math.ceil(source.width() * scale)), max(1, math.ceil(source.height() * scale))
            )
            image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(self._scene.scheme.background)
            self._render(image, QRectF(0, 0, size.width(), size.height()), source)
        return image

    def export_svg(self, path: Path) -> None:
        """Write the network as an SVG drawing; raises OSError when the file cannot be written."""
        path = Path(path)
        binding = self._binding
        # Drawn into memory, then written by Python: a folder that is missing or read-only is one OSError
        # with the reason, not a warning from the SVG engine.
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        with self._names_at_zoom_one():
            source = self._source_rect()
            generator = QSvgGenerator()
            generator.setOutputDevice(buffer)
            generator.setSize(QSize(math.ceil(source.width()), math.ceil(source.height())))
            generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
            generator.setTitle(
                binding.document.title if binding.live is not None and binding.document.title else "Network"
            )
            self._render(generator, QRectF(0, 0, source.width(), source.height()), source)
        buffer.close()
        path.write_bytes(bytes(buffer.data()))

    @contextlib.contextmanager
    def _names_at_zoom_one(self) -> Iterator[None]:
        """Exported pictures show names at their natural size, whatever the view's zoom."""
        self._scene.set_view_scale(1.0)
        try:
            yield
        finally:
            self._zoom.scale_changed()

    def _render(self, device: QPaintDevice, target: QRectF, source: QRectF) -> None:
        painter = QPainter()
        if not painter.begin(device):
            raise OSError("could not start drawing the network (is the file writable?)")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.active = True
        self._refresh_marks()
        try:
            self._scene.render(painter, target, source)
        finally:
            painter.end()
            self.active = False
            self._refresh_marks()
