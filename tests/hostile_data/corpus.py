"""Hostile datasets, built by code: every one must be refused with one clear line, fast and in little memory.

Each case is a name, what it attacks, and a builder that makes it in a folder and returns the dataset spec
to give nnstudio (a file, a folder or a device path). Nothing large is stored: bombs are inflated at build
time and a claimed size is only claimed, or made of a sparse file that takes no room on disk.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="30000" height="30000">'
    b'<image width="30000" height="30000" href="x.png"/><rect width="30000" height="30000"/></svg>'
)


@dataclass(frozen=True)
class HostileDataset:
    name: str
    attack: str
    build: Callable[[Path], str]
    needs_fifo: bool = False


# ---------------------------------------------------------------------------------------------- builders
def idx(type_code: int, dims: tuple[int, ...], data: bytes = b"", ndim: int | None = None) -> bytes:
    n = len(dims) if ndim is None else ndim
    return bytes([0, 0, type_code, n]) + struct.pack(f">{len(dims)}I", *dims) + data


def png(width: int, height: int, rows: int | None = None, value: int = 0x80) -> bytes:
    """A grey PNG; with ``rows`` only that many rows of pixel data follow a header claiming ``height``."""
    raw = b"".join(b"\x00" + bytes([value]) * width for _ in range(height if rows is None else rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def gzip_zeros(path: Path, header: bytes, n_zeros: int) -> None:
    """A gzip stream of ``header`` and ``n_zeros`` zero bytes, inflated block by block (a bomb)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    with open(path, "wb") as f:
        f.write(compressor.compress(header))
        for start in range(0, n_zeros, len(block)):
            f.write(compressor.compress(block[: min(len(block), n_zeros - start)]))
        f.write(compressor.flush())


def gzip_bytes(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def _images(folder: Path, data: bytes, labels: bytes | None = None, name: str = "train") -> str:
    images = folder / f"{name}-images-idx3-ubyte"
    images.write_bytes(data)
    if labels is not None:
        (folder / f"{name}-labels-idx1-ubyte").write_bytes(labels)
    return str(images)


def _good_images(n: int = 4) -> bytes:
    return idx(0x08, (n, 2, 2), bytes(range(4 * n)))


def _labels(values: list[int], type_code: int = 0x08) -> bytes:
    fmt = {0x08: "B", 0x09: "b", 0x0C: "i"}[type_code]
    return idx(type_code, (len(values),), struct.pack(f">{len(values)}{fmt}", *values))


def _file(name: str, content: bytes) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        path = folder / name
        path.write_bytes(content)
        return str(path)

    return build


def _csv(text: str, name: str = "data.csv") -> Callable[[Path], str]:
    return _file(name, text.encode("utf-8"))


def _idx_case(data: bytes, labels: bytes | None = None) -> Callable[[Path], str]:
    return lambda folder: _images(folder, data, labels)


def _fifo(name: str) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        path = folder / name
        os.mkfifo(path)
        return str(path)

    return build


def _loop(name: str) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        a, b = folder / name, folder / f"other-{name}"
        a.symlink_to(b)
        b.symlink_to(a)
        return str(a)

    return build


def _broken_link(name: str) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        path = folder / name
        path.symlink_to(folder / "nowhere")
        return str(path)

    return build


def _labels_fifo(folder: Path) -> str:
    images = _images(folder, _good_images())
    os.mkfifo(folder / "train-labels-idx1-ubyte")
    return images


def _gzip_bomb(folder: Path) -> str:
    # A header that claims 200 MB of pixels, within every size cap, then zeros at 1000 to 1. The reader
    # must stop within the first 16 MiB, so the stream is cut after 40 MiB to keep it quick to build.
    n, side = 255_102, 28
    path = folder / "train-images-idx3-ubyte.gz"
    gzip_zeros(path, idx(0x08, (n, side, side)), 40 << 20)
    (folder / "train-labels-idx1-ubyte").write_bytes(idx(0x08, (n,), bytes(n)))
    return str(path)


def _gzip_tail_bomb(folder: Path) -> str:
    path = folder / "train-images-idx3-ubyte.gz"
    gzip_zeros(path, _good_images(), 64 << 20)
    (folder / "train-labels-idx1-ubyte").write_bytes(_labels([0, 1, 2, 3]))
    return str(path)


def _gzip_cut(folder: Path) -> str:
    data = gzip_bytes(_good_images(50))
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(data[: len(data) // 2])
    (folder / "train-labels-idx1-ubyte").write_bytes(_labels([0] * 50))
    return str(path)


def _gzip_corrupt(folder: Path) -> str:
    data = bytearray(gzip_bytes(_good_images(50)))
    data[12:40] = b"\xff" * 28
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(bytes(data))
    return str(path)


def _sparse_csv(size: int) -> Callable[[Path], str]:
    """A CSV whose first rows are real and whose claimed length is a sparse hole (no room on disk)."""

    def build(folder: Path) -> str:
        path = folder / f"sparse-{size >> 20}mb.csv"
        row = ",".join(["0"] * 100) + ",1\n"
        with open(path, "wb") as f:
            f.write((row * 5000).encode())
            f.truncate(size)
        return str(path)

    return build


def _csv_endless_line(folder: Path) -> str:
    path = folder / "endless.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("0," * 400_000)
    return str(path)


def _csv_many_classes(folder: Path) -> str:
    path = folder / "classes.csv"
    path.write_text("".join(f"0,1,class{i}\n" for i in range(10_001)), encoding="utf-8")
    return str(path)


def _image_folder(images: dict[str, bytes]) -> Callable[[Path], str]:
    """A folder ``set/<class>/<file>`` of the given files (``"a/x.png": content``)."""

    def build(folder: Path) -> str:
        root = folder / "set"
        for relative, content in images.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        root.mkdir(exist_ok=True)
        return str(root)

    return build


def _folder_with_fifo(folder: Path) -> str:
    root = folder / "set"
    (root / "a").mkdir(parents=True)
    os.mkfifo(root / "a" / "pipe.png")
    return str(root)


def _folder_class_loop(folder: Path) -> str:
    root = folder / "set"
    root.mkdir()
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")
    return str(root)


def _bmp_lie() -> bytes:
    header = struct.pack("<2sIHHI", b"BM", 70, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, 60_000, 60_000, 1, 8, 0, 0, 2835, 2835, 0, 0)
    return header + info + bytes(16)


GOOD = png(4, 4)

CASES: list[HostileDataset] = [
    # IDX files
    HostileDataset("idx-empty-file", "a file of no bytes", _file("train-images-idx3-ubyte", b"")),
    HostileDataset("idx-magic-only", "a header cut after two bytes", _idx_case(b"\x00\x00")),
    HostileDataset("idx-wrong-magic", "a header that is not IDX", _idx_case(b"\x01\x02\x08\x03" + bytes(12))),
    HostileDataset("idx-unknown-type", "an unknown value type", _idx_case(idx(0x07, (1, 2, 2), bytes(4)))),
    HostileDataset("idx-no-dimensions", "zero dimensions", _idx_case(bytes([0, 0, 8, 0]))),
    HostileDataset(
        "idx-200-dimensions", "a dimension count far too large", _idx_case(idx(0x08, (1,) * 4, ndim=200))
    ),
    HostileDataset("idx-truncated-header", "sizes cut short", _idx_case(idx(0x08, (5,), ndim=3))),
    HostileDataset(
        "idx-huge-claim", "4 billion cubed values claimed", _idx_case(idx(0x08, (2**32 - 1,) * 3, bytes(64)))
    ),
    HostileDataset(
        "idx-over-memory-budget",
        "60,000 images of 128x128 claimed: 3.9 GB as floats",
        _idx_case(idx(0x08, (60_000, 128, 128), bytes(64)), _labels([0])),
    ),
    HostileDataset(
        "idx-short-data",
        "fewer images than the header says",
        _idx_case(idx(0x08, (100, 28, 28), bytes(7840)), _labels([0] * 100)),
    ),
    HostileDataset(
        "idx-trailing-bytes",
        "more data than the header says",
        _idx_case(_good_images() + bytes(100), _labels([0, 1, 2, 3])),
    ),
    HostileDataset("idx-zero-images", "no samples", _idx_case(idx(0x08, (0, 28, 28)), _labels([]))),
    HostileDataset(
        "idx-four-dimensions", "images with a fourth dimension", _idx_case(idx(0x08, (2, 2, 2, 2), bytes(16)))
    ),
    HostileDataset("idx-labels-as-images", "a labels file given as images", _idx_case(_labels([1, 2, 3]))),
    HostileDataset("idx-labels-missing", "no labels file beside the images", _idx_case(_good_images())),
    HostileDataset(
        "idx-labels-count", "fewer labels than images", _idx_case(_good_images(), _labels([0, 1]))
    ),
    HostileDataset(
        "idx-labels-2d", "labels with two dimensions", _idx_case(_good_images(), idx(0x08, (4, 1), bytes(4)))
    ),
    HostileDataset(
        "idx-labels-float", "labels that are floats", _idx_case(_good_images(), idx(0x0D, (4,), bytes(16)))
    ),
    HostileDataset(
        "idx-label-negative", "a negative label", _idx_case(_good_images(), _labels([0, -1, 0, 0], 0x09))
    ),
    HostileDataset(
        "idx-label-huge", "a label of 2^31-1", _idx_case(_good_images(), _labels([0, 2**31 - 1, 0, 0], 0x0C))
    ),
    HostileDataset(
        "idx-nan-pixels",
        "float pixels that are NaN",
        _idx_case(idx(0x0D, (4, 2, 2), struct.pack(">16f", *([float("nan")] * 16))), _labels([0, 1, 2, 3])),
    ),
    HostileDataset(
        "idx-inf-pixels",
        "float pixels that are infinite",
        _idx_case(idx(0x0D, (4, 2, 2), struct.pack(">16f", *([float("inf")] * 16))), _labels([0, 1, 2, 3])),
    ),
    HostileDataset(
        "idx-float-out-of-range",
        "float pixels of 1e30",
        _idx_case(idx(0x0E, (4, 2, 2), struct.pack(">16d", *([1e30] * 16))), _labels([0, 1, 2, 3])),
    ),
    HostileDataset("idx-gzip-bomb", "200 MB of zeros in 200 KB of gzip", _gzip_bomb),
    HostileDataset("idx-gzip-tail-bomb", "a small array then 64 MB of zeros", _gzip_tail_bomb),
    HostileDataset("idx-gzip-cut", "a gzip stream cut in half", _gzip_cut),
    HostileDataset("idx-gzip-corrupt", "damaged deflate data", _gzip_corrupt),
    HostileDataset(
        "idx-fifo", "a named pipe as the images file", _fifo("train-images-idx3-ubyte"), needs_fifo=True
    ),
    HostileDataset("idx-labels-fifo", "a named pipe as the labels file", _labels_fifo, needs_fifo=True),
    HostileDataset("idx-symlink-loop", "a symbolic link loop", _loop("train-images-idx3-ubyte")),
    HostileDataset("idx-broken-link", "a link to nothing", _broken_link("train-images-idx3-ubyte")),
    HostileDataset("device-zero", "/dev/zero, which never ends", lambda folder: "/dev/zero"),
    # CSV files
    HostileDataset("csv-empty", "no bytes", _csv("")),
    HostileDataset("csv-blank-lines", "only blank lines", _csv("\n\n  \n")),
    HostileDataset("csv-header-only", "a header and no rows", _csv("p1,p2,label\n")),
    HostileDataset("csv-one-column", "no label column", _csv("1\n2\n")),
    HostileDataset("csv-ragged-rows", "rows of different lengths", _csv("0,1,a\n0,1,1,b\n")),
    HostileDataset("csv-not-utf8", "Latin-1 text", _file("data.csv", "0,1,caf\xe9\n".encode("latin-1"))),
    HostileDataset("csv-binary", "binary garbage", _file("data.csv", bytes(range(256)) * 4)),
    HostileDataset("csv-nul-bytes", "NUL bytes in a row", _file("data.csv", b"0,\x00,1\n")),
    HostileDataset("csv-nan-pixels", "NaN pixels", _csv("0,1,a\nnan,1,b\n")),
    HostileDataset("csv-inf-pixels", "infinite pixels", _csv("0,1,a\ninf,-inf,b\n")),
    HostileDataset("csv-huge-pixel", "a pixel of 1e300", _csv("0,1,a\n1e300,1,b\n")),
    HostileDataset("csv-label-1e19", "a label beyond 64-bit integers", _csv("0,1,0\n1,0,1e19\n")),
    HostileDataset("csv-label-1e300", "a label of 1e300", _csv("0,1,0\n1,0,1e300\n")),
    HostileDataset("csv-label-nan", "a label that is NaN", _csv("0,1,0\n1,0,nan\n")),
    HostileDataset("csv-label-inf", "an infinite label", _csv("0,1,0\n1,0,inf\n")),
    HostileDataset("csv-label-negative", "a negative label", _csv("0,1,0\n1,0,-3\n")),
    HostileDataset("csv-label-empty", "an empty label", _csv("0,1,a\n1,0,\n")),
    HostileDataset("csv-too-many-classes", "10,001 different labels", _csv_many_classes),
    HostileDataset("csv-endless-line", "one line of 800,000 characters", _csv_endless_line),
    HostileDataset("csv-too-many-columns", "20,000 values in a row", _csv(",".join(["0"] * 20_000) + ",a\n")),
    HostileDataset("csv-open-quote", "a quote that never closes", _csv('0,1,"a\n1,0,b\n')),
    HostileDataset("csv-over-memory-budget", "900 MB of rows (sparse on disk)", _sparse_csv(900 << 20)),
    HostileDataset("csv-over-file-cap", "a 2 GB file (sparse on disk)", _sparse_csv(2 << 30)),
    HostileDataset("csv-fifo", "a named pipe named .csv", _fifo("data.csv"), needs_fifo=True),
    HostileDataset("csv-symlink-loop", "a symbolic link loop named .csv", _loop("data.csv")),
    # Image folders
    HostileDataset(
        "png-svg-inside", "SVG in a .png file", _image_folder({"a/one.png": GOOD, "b/two.png": SVG})
    ),
    HostileDataset(
        "png-gif-inside", "a GIF in a .png file", _image_folder({"a/one.png": b"GIF89a" + bytes(30)})
    ),
    HostileDataset(
        "png-huge-dimensions",
        "a PNG claiming 60000x60000",
        _image_folder({"a/one.png": png(60_000, 60_000, rows=1)}),
    ),
    HostileDataset("png-zero-size", "a 0x0 PNG", _image_folder({"a/one.png": png(0, 0)})),
    HostileDataset(
        "png-truncated", "a PNG cut short", _image_folder({"a/one.png": GOOD, "a/two.png": GOOD[:30]})
    ),
    HostileDataset("png-garbage", "random bytes named .png", _image_folder({"a/one.png": os.urandom(64)})),
    HostileDataset("png-empty-file", "an empty .png", _image_folder({"a/one.png": b""})),
    HostileDataset(
        "jpeg-header-only",
        "a JPEG signature and nothing else",
        _image_folder({"a/one.jpg": b"\xff\xd8\xff" + bytes(20)}),
    ),
    HostileDataset(
        "bmp-dimension-lie", "a BMP claiming 60000x60000", _image_folder({"a/one.bmp": _bmp_lie()})
    ),
    HostileDataset("folder-empty", "a folder with no class sub-folders", _image_folder({})),
    HostileDataset("folder-fifo-image", "a named pipe named .png", _folder_with_fifo, needs_fifo=True),
    HostileDataset("folder-class-loop", "class folders that are a link loop", _folder_class_loop),
]


def build_one(root: Path, name: str) -> str:
    """The case called ``name`` built in ``root/name``: its dataset spec."""
    case = next(case for case in CASES if case.name == name)
    folder = root / case.name
    folder.mkdir(parents=True)
    return case.build(folder)


def build_all(root: Path) -> list[tuple[HostileDataset, str]]:
    """Every case built in its own sub-folder of ``root``: (case, dataset spec)."""
    built = []
    for case in CASES:
        if case.needs_fifo and not hasattr(os, "mkfifo"):
            continue
        folder = root / case.name
        folder.mkdir(parents=True)
        built.append((case, case.build(folder)))
    return built
