"""Reading an image file that a person or a document names: only the formats meant, checked before decoding.

Qt's image reader picks a decoder by the file's name or its content and has plugins for some twenty formats,
SVG among them: a ``.png`` that holds SVG is drawn at whatever size it claims. Here the format comes from the
file's first bytes and must be PNG, JPEG or BMP; Qt is then given exactly that format, must agree with it,
and must report the picture's size from its header, which is checked before a single pixel is decoded.
"""

from __future__ import annotations

from pathlib import Path

from .dataset import DataError
from .files import open_regular_file

# The image formats nnstudio reads, by their first bytes; the name is Qt's name for the format.
IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png", "PNG"),
    (b"\xff\xd8\xff", "jpeg", "JPEG"),
    (b"BM", "bmp", "BMP"),
)
MAX_IMAGE_FILE_BYTES = 64 << 20
# 4096 x 4096: a photo from a phone fits; a picture claiming more is refused before it is decoded.
MAX_IMAGE_PIXELS = 4096 * 4096
MAX_IMAGE_SIDE = 16384


def image_format(head: bytes) -> str | None:
    """Qt's name of the format whose signature ``head`` starts with ("png", "jpeg", "bmp"), else None."""
    for signature, name, _ in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return name
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        with open_regular_file(path, "an image file", MAX_IMAGE_FILE_BYTES, noun="image file") as f:
            return f.read()
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_checked_image(path: str | Path):  # -> QtGui.QImage
    """The picture in a PNG, JPEG or BMP file as a QImage, after checking the file and the picture's size.

    Raises DataError, naming the file, for anything else: not a regular file, another format whatever the
    file's name says, a size Qt cannot tell from the header, an empty picture, or one larger than
    :data:`MAX_IMAGE_PIXELS`.
    """
    # QImage needs no QApplication; imported here so the rest of nnstudio.data works without Qt.
    from PySide6 import QtCore, QtGui

    path = Path(path)
    data = _read_bytes(path)
    fmt = image_format(data[:8])
    if fmt is None:
        kinds = ", ".join(label for _, _, label in IMAGE_SIGNATURES[:-1]) + f" or {IMAGE_SIGNATURES[-1][2]}"
        raise DataError(
            f"{path}: cannot be read as an image: not a {kinds} image (whatever its name says);"
            f" nnstudio reads only those"
        )
    array = QtCore.QByteArray(data)
    buffer = QtCore.QBuffer(array)
    buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
    reader = QtGui.QImageReader(buffer, fmt.encode())
    reader.setDecideFormatFromContent(False)
    detected = bytes(reader.format().data()).decode("ascii", "replace").lower()
    if detected.replace("jpg", "jpeg") != fmt or not reader.canRead():
        raise DataError(f"{path}: starts like a {fmt.upper()} image but cannot be read as one")
    size = reader.size()
    width, height = size.width(), size.height()
    if width <= 0 or height <= 0:
        raise DataError(f"{path}: the {fmt.upper()} header gives no picture size ({width}x{height})")
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise DataError(
            f"{path}: a {width}x{height} picture is too large to read here (at most"
            f" {MAX_IMAGE_PIXELS:,} pixels); make it smaller first"
        )
    image = reader.read()
    if image.isNull():
        raise DataError(f"{path}: the {fmt.upper()} picture cannot be decoded ({reader.errorString()})")
    if (image.width(), image.height()) != (width, height):
        raise DataError(
            f"{path}: the header says {width}x{height} but the picture decodes as"
            f" {image.width()}x{image.height()}"
        )
    return image
