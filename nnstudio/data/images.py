"""Reading an image file that a person or a document names: only the formats meant, checked before decoding.

Qt's image reader picks a decoder by the file's name or its content and has plugins for some twenty formats,
SVG among them: a ``.png`` that holds SVG is drawn at whatever size it claims. Here the format comes from the
file's first bytes and must be PNG, JPEG or BMP; Qt is then given exactly that format, must agree with it,
and must report the picture's size from its header, which is checked before a single pixel is decoded.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
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


@contextlib.contextmanager
def _decoder_messages() -> Iterator[list[str]]:
    """Collect what the image decoders say about a damaged file while the block runs, instead of letting it
    reach the terminal: Qt's own messages through its message handler (every other Qt message goes on to
    the handler that was there before), and libpng's errors, which it writes straight to file descriptor 2
    (held in a temporary file for those few milliseconds; any other line is written back afterwards)."""
    from PySide6 import QtCore

    said: list[str] = []
    previous = None

    def handler(kind: QtCore.QtMsgType, context: QtCore.QMessageLogContext, message: str) -> None:
        category = context.category or ""
        if category.startswith("qt.gui.imageio") or message.startswith(_DECODER_PREFIXES):
            said.append(_plain(message))
        elif previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(f"{message}\n")

    sys.stderr.flush()
    with tempfile.TemporaryFile() as capture:
        try:
            saved_fd: int | None = os.dup(2)
            os.dup2(capture.fileno(), 2)
        except OSError:
            saved_fd = None  # no descriptor 2 to borrow: decoder messages simply go where they would
        previous = QtCore.qInstallMessageHandler(handler)
        try:
            yield said
        finally:
            QtCore.qInstallMessageHandler(previous)
            if saved_fd is not None:
                os.dup2(saved_fd, 2)
                os.close(saved_fd)
            capture.seek(0)
            for line in capture.read(1 << 16).decode("utf-8", "replace").splitlines():
                if line.startswith(_DECODER_PREFIXES):
                    said.append(_plain(line))
                elif line:
                    sys.stderr.write(f"{line}\n")


_DECODER_PREFIXES = ("libpng", "Corrupt JPEG", "JPEG", "Premature end of JPEG", "Invalid JPEG")


def _plain(message: str) -> str:
    for prefix in ("libpng error: ", "libpng warning: "):
        message = message.removeprefix(prefix)
    return message.strip()


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
    with _decoder_messages() as messages:
        array = QtCore.QByteArray(data)
        buffer = QtCore.QBuffer(array)
        buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
        reader = QtGui.QImageReader(buffer, fmt.encode())
        reader.setDecideFormatFromContent(False)
        detected = bytes(reader.format().data()).decode("ascii", "replace").lower()
        readable = reader.canRead()
        size = reader.size()
        width, height = size.width(), size.height()
        checked = readable and detected.replace("jpg", "jpeg") == fmt and width > 0 and height > 0
        small = width <= MAX_IMAGE_SIDE and height <= MAX_IMAGE_SIDE and width * height <= MAX_IMAGE_PIXELS
        image = reader.read() if checked and small else None
    why = f" ({messages[0]})" if messages else ""
    if not readable or detected.replace("jpg", "jpeg") != fmt:
        raise DataError(f"{path}: starts like a {fmt.upper()} image but cannot be read as one{why}")
    if width <= 0 or height <= 0:
        raise DataError(f"{path}: the {fmt.upper()} header gives no usable picture size{why}")
    if not small:
        raise DataError(
            f"{path}: a {width}x{height} picture is too large to read here (at most"
            f" {MAX_IMAGE_PIXELS:,} pixels); make it smaller first"
        )
    if image is None or image.isNull():
        raise DataError(f"{path}: the {fmt.upper()} picture cannot be decoded ({reader.errorString()})")
    if (image.width(), image.height()) != (width, height):
        raise DataError(
            f"{path}: the header says {width}x{height} but the picture decodes as"
            f" {image.width()}x{image.height()}"
        )
    return image
