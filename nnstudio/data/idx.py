"""Reading and writing IDX files, the format of the MNIST database, raw or gzip-compressed.

An IDX file is a 4-byte magic number ``00 00 <type> <ndim>``, then ``ndim`` big-endian 32-bit sizes, then
the values in row-major order, big-endian. The reader trusts nothing in the header: it checks the type code,
the number of dimensions and the total size against a cap before it allocates anything, and it insists on
exactly as many data bytes as the header promises (a short file is truncated, a longer one has trailing
bytes). Every problem is a :class:`DataError` that names the file.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .dataset import DataError
from .files import open_regular_file, read_head

GZIP_MAGIC = b"\x1f\x8b"

# type code -> (big-endian numpy dtype, name used in messages)
IDX_TYPES: dict[int, tuple[str, str]] = {
    0x08: (">u1", "unsigned byte"),
    0x09: (">i1", "signed byte"),
    0x0B: (">i2", "16-bit integer"),
    0x0C: (">i4", "32-bit integer"),
    0x0D: (">f4", "32-bit float"),
    0x0E: (">f8", "64-bit float"),
}
_CODE_OF_DTYPE = {np.dtype(dt).newbyteorder("="): code for code, (dt, _) in IDX_TYPES.items()}

MAX_NDIM = 8
# Fashion-MNIST's training images are 47 MB; a file claiming far more than this is refused unread.
DEFAULT_MAX_BYTES = 1 << 30


# A gzip stream that inflates to more than this many times its compressed size, past the first few MiB, is
# a bomb: real image data compresses about five to one (MNIST's images: 9.9 MB to 47 MB).
BOMB_RATIO = 200
BOMB_FREE_BYTES = 16 << 20


def is_idx_or_gzip(path: Path) -> bool:
    """True when the file is a regular file that starts like an IDX file (``00 00``) or a gzip stream."""
    try:
        return read_head(path, 2) in (GZIP_MAGIC, b"\x00\x00")
    except DataError:
        return False


class _InflateWatch(io.RawIOBase):
    """A gzip stream that refuses to inflate far beyond what its compressed bytes can honestly hold."""

    def __init__(self, path: Path, raw: BinaryIO) -> None:
        super().__init__()
        self._path = path
        self._raw = raw
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self.inflated = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - any writable buffer
        view = memoryview(buffer)[: 1 << 20]
        n = self._gzip.readinto(view)
        self.inflated += n
        consumed = max(1, self._raw.tell())
        if self.inflated > BOMB_FREE_BYTES and self.inflated > BOMB_RATIO * consumed:
            raise DataError(
                f"{self._path}: the gzip data inflates more than {BOMB_RATIO} times ({consumed:,} bytes"
                f" became {self.inflated:,} so far); no image data compresses that well, so this looks"
                f" like a gzip bomb and is not read"
            )
        return n

    def close(self) -> None:
        self._gzip.close()
        super().close()


def _open_stream(path: Path, raw: BinaryIO) -> tuple[BinaryIO, int | None]:
    """(the decoded stream, the raw file's size or None when it is gzip-compressed)."""
    compressed = raw.read(2) == GZIP_MAGIC
    raw.seek(0)
    if compressed:
        return _InflateWatch(path, raw), None
    return raw, os.fstat(raw.fileno()).st_size


def _idx_errors(path: Path, exc: BaseException) -> DataError:
    if isinstance(exc, (EOFError, gzip.BadGzipFile, zlib.error)):
        return DataError(f"{path}: the gzip data is damaged or cut short ({exc})")
    if isinstance(exc, OSError):
        return DataError(f"{path}: cannot be read ({exc.strerror or exc})")
    return DataError(f"{path}: cannot be read ({exc})")


def read_idx_header(path: str | Path) -> tuple[np.dtype, tuple[int, ...]]:
    """(value type, dimensions) from an IDX file's header, raw or gzip-compressed, reading nothing more."""
    path = Path(path)
    try:
        with open_regular_file(path, "an IDX file") as raw:
            stream, file_size = _open_stream(path, raw)
            return _read_header(path, stream, file_size)[:2]
    except DataError:
        raise
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise _idx_errors(path, exc) from None


def read_idx(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """The array stored in an IDX file (gzip-compressed or raw, told apart by the first bytes).

    Integer and float values come back in native byte order with the file's own type (uint8 for MNIST).
    Raises DataError for anything that is not a well-formed IDX file in a regular file, one whose data
    would exceed ``max_bytes``, or a gzip stream that inflates like a bomb.
    """
    path = Path(path)
    try:
        with open_regular_file(path, "an IDX file") as raw:
            stream, file_size = _open_stream(path, raw)
            return _read_stream(path, stream, max_bytes, file_size)
    except DataError:
        raise
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise _idx_errors(path, exc) from None


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    """Up to ``n`` bytes; fewer only at the end of the stream (gzip streams return short reads)."""
    chunks = []
    remaining = n
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 24))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _data_buffer(n_bytes: int) -> np.ndarray:
    """Room for the data, not yet touched: memory is only taken as it is filled, so a stream refused
    part-way (a gzip bomb, a short file) never costs the whole claimed size."""
    return np.empty(n_bytes, dtype=np.uint8)


def _read_into(stream: BinaryIO, buffer: np.ndarray) -> int:
    """Fill ``buffer`` from the stream; the count is short only when the stream ends first."""
    view = memoryview(buffer)
    filled = 0
    while filled < len(buffer):
        n = stream.readinto(view[filled : filled + (1 << 24)])
        if not n:
            break
        filled += n
    return filled


def _read_header(
    path: Path, stream: BinaryIO, file_size: int | None
) -> tuple[np.dtype, tuple[int, ...], int]:
    """(value type, dimensions, header size) of the IDX stream, checked."""
    kind = "gzip-compressed IDX file" if file_size is None else "IDX file"
    magic = _read_exactly(stream, 4)
    if len(magic) < 4:
        raise DataError(f"{path}: too short to be an {kind} ({len(magic)} bytes, the header alone needs 4)")
    if magic[0] != 0 or magic[1] != 0:
        raise DataError(
            f"{path}: not an IDX file: it starts with bytes {magic[:2].hex(' ')}, an IDX file"
            f" starts with 00 00"
        )
    type_code, ndim = magic[2], magic[3]
    if type_code not in IDX_TYPES:
        known = ", ".join(f"0x{code:02X} ({name})" for code, (_, name) in IDX_TYPES.items())
        raise DataError(f"{path}: unknown IDX data type code 0x{type_code:02X}; known codes are {known}")
    if not 1 <= ndim <= MAX_NDIM:
        raise DataError(
            f"{path}: the header says {ndim} dimensions; an IDX file here may have 1 to {MAX_NDIM}"
        )
    dims_bytes = _read_exactly(stream, 4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise DataError(
            f"{path}: truncated header: {ndim} dimension sizes need {4 * ndim} bytes,"
            f" only {len(dims_bytes)} are there"
        )
    dims = struct.unpack(f">{ndim}I", dims_bytes)
    return np.dtype(IDX_TYPES[type_code][0]), dims, 4 + 4 * ndim


def _read_stream(path: Path, stream: BinaryIO, max_bytes: int, file_size: int | None) -> np.ndarray:
    dtype, dims, header_size = _read_header(path, stream, file_size)
    count = 1
    for d in dims:
        count *= d
    n_bytes = count * dtype.itemsize
    shape = " x ".join(str(d) for d in dims)
    if n_bytes > max_bytes:
        raise DataError(
            f"{path}: the header claims {shape} values of {dtype.itemsize} byte(s), {n_bytes:,}"
            f" bytes, more than the {max_bytes:,} bytes accepted; the header is damaged or the"
            f" file is too large"
        )
    if file_size is not None:
        # A raw file's size is known up front: refuse a wrong length before reading any data.
        expected = header_size + n_bytes
        if file_size < expected:
            raise DataError(
                f"{path}: truncated: a {shape} array needs {expected:,} bytes with its header,"
                f" the file has {file_size:,}"
            )
        if file_size > expected:
            raise DataError(
                f"{path}: {file_size - expected:,} trailing bytes after the {shape} array"
                f" ({expected:,} bytes expected, the file has {file_size:,})"
            )
    data = _data_buffer(n_bytes)
    got = _read_into(stream, data)
    if got < n_bytes:
        raise DataError(
            f"{path}: truncated: a {shape} array needs {n_bytes:,} data bytes, only {got:,} are there"
        )
    if stream.read(1):
        raise DataError(f"{path}: trailing bytes after the {shape} array of {n_bytes:,} data bytes")
    array = np.frombuffer(data, dtype=dtype).reshape(dims)
    return array.astype(dtype.newbyteorder("="), copy=False)


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array`` (uint8, int8, int16, int32, float32 or float64, 1 to 8 dimensions)."""
    array = np.asarray(array)
    code = _CODE_OF_DTYPE.get(array.dtype.newbyteorder("="))
    if code is None:
        raise DataError(f"an IDX file cannot hold values of type {array.dtype}")
    if not 1 <= array.ndim <= MAX_NDIM:
        raise DataError(f"an IDX file holds 1 to {MAX_NDIM} dimensions, not {array.ndim}")
    if any(d >= 1 << 32 for d in array.shape):
        raise DataError(f"an IDX dimension must be below 2^32, not {max(array.shape)}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    big_endian = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder(">"))
    return header + big_endian.tobytes()


def write_idx(path: str | Path, array: np.ndarray, *, compress: bool | None = None) -> None:
    """Write ``array`` as an IDX file; gzip-compressed when ``compress`` is true or, by default, when the
    name ends in ``.gz``. The gzip stream carries no time stamp or name, so equal arrays give equal files."""
    path = Path(path)
    payload = idx_bytes(array)
    if compress is None:
        compress = path.suffix == ".gz"
    if compress:
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
            gz.write(payload)
        payload = buffer.getvalue()
    try:
        path.write_bytes(payload)
    except OSError as exc:
        raise DataError(f"{path}: cannot be written ({exc.strerror or exc})") from None
