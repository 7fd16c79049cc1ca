"""The network canvas: neurons, edges and the image grid, edited by hand; and the palette to drag from."""

from .binding import LOCKED_MESSAGE
from .edits import CLIPBOARD_MIME, PALETTE_MIME, CanvasEditError, PaletteItem
from .items import SCHEMES
from .palette import NeuronPalette, palette_mime_data
from .view import NetworkCanvas

__all__ = [
    "CLIPBOARD_MIME",
    "LOCKED_MESSAGE",
    "PALETTE_MIME",
    "SCHEMES",
    "CanvasEditError",
    "NetworkCanvas",
    "NeuronPalette",
    "PaletteItem",
    "palette_mime_data",
]
