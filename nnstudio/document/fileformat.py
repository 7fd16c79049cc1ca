"""The ``.nnet`` file: a network document as versioned JSON (described field by field in docs/FORMAT.md).

Reading trusts nothing in the file. Every field is checked for its type, range and meaning before anything
is built from it, sizes are checked before anything is allocated for them, and every problem becomes a
:class:`FormatError` that says where in the file it is and what is wrong. Names in the file (activations,
losses, roles) are looked up in closed tables; nothing in a file is ever run.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from ..data.dataset import DataError, Dataset
from ..engine.activations import ACTIVATIONS
from ..engine.connections import ConnectionBlock
from ..engine.conv import MAX_KERNEL, ConvKind, Convolution
from ..engine.graph import DenseLinks, Edge, GraphError, Network, Neuron, Role
from ..engine.losses import LOSSES
from ..engine.train import INITIALISERS, TrainingError, TrainSettings
from .atomic import atomic_write
from .layout import Layout
from .model import Document

FORMAT_NAME = "nnstudio-network"
FORMAT_VERSION = 2

# Limits a file must stay within; each is checked before the memory it would take is allocated.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NEURONS = 100_000
MAX_EDGES = 5_000_000
MAX_DATASET_VALUES = 16_000_000

# Every text in a file, by kind: (most characters, most lines). A name is shown on one line in the canvas
# and the panels; a few lines are allowed so that a label pasted with a line break can still be saved.
# Laying out text costs memory per line, so both are capped: 200,000 line breaks in one label once took
# the studio to 11 GB.
NAME_CHARS, NAME_LINES = 1_000, 4
TEXT_LIMITS: dict[str, tuple[int, int]] = {
    "name": (NAME_CHARS, NAME_LINES),
    # An edge's id is by convention "source>target": two neuron ids joined.
    "edge id": (2 * NAME_CHARS + 1, 2 * NAME_LINES - 1),
    "description": (20_000, 500),
    "path": (4_096, 1),
}

# How far from the origin a neuron may sit on the canvas. Far beyond any network a person lays out, and
# near enough that distances between neurons never overflow in the canvas's geometry.
MAX_POSITION = 1_000_000.0

# The whole numbers of the training settings, low and high included: what the training panel's spin boxes
# hold (a Qt spin box holds a 32-bit int; beyond that setting one fails) and numpy's generators accept.
TRAINING_RANGES: dict[str, tuple[int, int]] = {
    "epochs": (1, 1_000_000),
    "batch_size": (1, 100_000),
    "seed": (0, 2**31 - 1),
}

# A weight matrix of at least this many places, at least a quarter of them connected, is written whole
# (with masks for missing and frozen connections); the connections of smaller or emptier ones one by one.
DENSE_MIN_EDGES = 64
DENSE_MIN_SHARE = 0.25

Tree = dict[str, Any]
Migration = Callable[[Tree], Tree]

# MIGRATIONS[n] turns a file of version n into one of version n + 1; loading applies them one by one.
MIGRATIONS: dict[int, Migration] = {}


def _version_1_to_2(tree: Tree) -> Tree:
    """Version 2 names each neuron's layer. A version 1 file's inputs become the layer ``input`` and the
    targets of each of its weight matrices one layer (``layer1``, ``layer2``, ...); every other neuron stays
    a layer of its own. Ids, weights and everything else are unchanged."""
    neurons = tree.get("neurons")
    dense = tree.get("dense", [])
    if not isinstance(neurons, list) or not isinstance(dense, list):
        return tree  # the checks that follow say what is wrong
    by_id = {n.get("id"): n for n in neurons if isinstance(n, dict) and isinstance(n.get("id"), str)}
    for neuron in by_id.values():
        if neuron.get("role") == "input":
            neuron["layer"] = "input"
    for k, block in enumerate(dense, start=1):
        targets = block.get("targets") if isinstance(block, dict) else None
        if not isinstance(targets, list):
            continue
        for target in targets:
            neuron = by_id.get(target) if isinstance(target, str) else None
            if neuron is not None and "layer" not in neuron:
                neuron["layer"] = f"layer{k}"
    return tree


MIGRATIONS[1] = _version_1_to_2

_TOP_FIELDS = (
    "format",
    "version",
    "title",
    "description",
    "input",
    "training",
    "training_data",
    "neurons",
    "edges",
    "dense",
    "convolutions",
    "dataset",
)


# The parts of a FormatError's message, each kept to one line of about this many characters.
MAX_WHERE_CHARS = 200
MAX_PROBLEM_CHARS = 400
MAX_SOURCE_CHARS = 1_000


def one_line(text: str, limit: int) -> str:
    """``text`` as one line of at most about ``limit`` characters: line breaks and other control
    characters written as escapes, and the middle of a longer text left out."""
    if len(text) > limit:
        text = f"{text[: limit * 3 // 4]} \u2026 {text[-(limit // 4) :]}"
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)
    return text


class FormatError(ValueError):
    """A file (or a document about to be saved) that is not a valid network.

    ``where`` is the place in the file, as a JSON path like ``neurons[3].bias``, or ``"file"`` for the
    file as a whole; ``problem`` says what is wrong in plain words; ``source`` names the file.
    """

    def __init__(self, where: str, problem: str, source: str | None = None) -> None:
        # One short line whatever the file holds: keys, ids and loops from the file end up in these.
        self.where = one_line(where, MAX_WHERE_CHARS)
        self.problem = one_line(problem, MAX_PROBLEM_CHARS)
        self.source = one_line(source, MAX_SOURCE_CHARS) if source is not None else None
        super().__init__(self.where, self.problem, self.source)

    def __str__(self) -> str:
        place = "" if self.where == "file" else f"{self.where}: "
        origin = f"{self.source}: " if self.source else ""
        return f"{origin}{place}{self.problem}"


# --------------------------------------------------------------------------------------------- public


def document_to_bytes(doc: Document) -> bytes:
    """The file's bytes for ``doc``; raises :class:`FormatError` if the document could not be read back."""
    tree = _document_to_tree(doc)
    try:
        _check_tree(tree)
    except FormatError as exc:
        raise FormatError(exc.where, f"cannot be saved: {exc.problem}") from None
    return _dumps(tree).encode("utf-8")


def document_from_bytes(data: bytes, source: str = "<memory>") -> Document:
    """Read a document from a file's bytes; every problem is a :class:`FormatError` naming ``source``."""
    try:
        tree = _parse(data)
        return _build(_check_tree(_migrate(tree)))
    except FormatError as exc:
        raise FormatError(exc.where, exc.problem, source) from None


def save_document(doc: Document, path: Path) -> None:
    """Write ``doc`` to ``path`` atomically, keeping the previous file as ``name~``.

    Raises :class:`FormatError` when the document cannot be saved as it is, and
    :class:`~nnstudio.document.atomic.SaveError` (an :class:`OSError`) when the disk refuses; either way
    the file that was there before is untouched.
    """
    atomic_write(Path(path), document_to_bytes(doc), keep_backup=True)


def load_document(path: Path) -> Document:
    """Read the document at ``path``; every problem, a missing or unreadable file too, is a FormatError."""
    path = Path(path)
    return document_from_bytes(read_file_bytes(path, MAX_FILE_BYTES, "network", _too_big), str(path))


def read_file_bytes(
    path: Path,
    max_bytes: int,
    kind: str,
    too_big: Callable[[int], str],
    error: type[FormatError] = FormatError,
) -> bytes:
    """The bytes of the ``kind`` file (``"network"``, ``"challenge"``) at ``path``, at most ``max_bytes`` + 1
    of them: a file that grew after its size was looked at still reads as too big.

    A missing, unreadable or oversized file, a folder or anything else that is not a regular file is an
    ``error`` (a FormatError) about the whole "file" naming ``path``; ``too_big`` words the size problem.
    """
    source = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error("file", "there is no such file", source) from None
    except OSError as exc:
        raise error("file", f"the file cannot be read: {exc.strerror or exc}", source) from None
    if stat.S_ISDIR(info.st_mode):
        raise error("file", f"this is a folder, not a {kind} file", source)
    if not stat.S_ISREG(info.st_mode):
        raise error("file", "this is not a regular file", source)
    if info.st_size > max_bytes:
        raise error("file", too_big(info.st_size), source)
    try:
        with path.open("rb") as file:
            return file.read(max_bytes + 1)
    except OSError as exc:
        raise error("file", f"the file cannot be read: {exc.strerror or exc}", source) from None


# --------------------------------------------------------------------------------------------- parsing


class _Constant:
    """NaN or Infinity in the file, kept as a marker so that the check at its place can name it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class DuplicateKey(Exception):
    """A key that appears twice in one JSON object, raised by :func:`object_pairs` (its argument is the key)."""


def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, for ``json.loads``'s ``object_pairs_hook``: a key given twice is a DuplicateKey
    (``json`` alone would keep the last one without a word)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return obj


def _too_big(size: int) -> str:
    return (
        f"the file is {size:,} bytes; a network file may be at most {MAX_FILE_BYTES:,} bytes, "
        f"so this is not one nnstudio can open"
    )


def _parse(data: bytes) -> Any:
    if not isinstance(data, bytes | bytearray | memoryview):
        _fail("file", f"expected the file's bytes, not {type(data).__name__}")
    if len(data) > MAX_FILE_BYTES:
        _fail("file", _too_big(len(data)))
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(
            "file", f"the file is not UTF-8 text (byte {exc.start} is not valid), so it is not a network file"
        )
    if not text.strip():
        _fail("file", "the file is empty")
    try:
        return json.loads(text, parse_constant=_Constant, object_pairs_hook=object_pairs)
    except json.JSONDecodeError as exc:
        _fail("file", f"the file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except DuplicateKey as exc:
        _fail("file", f"the file is not valid: the field {_quoted(exc.args[0])} appears twice in one object")
    except RecursionError:
        _fail("file", "the file is not a network: its lists or objects are nested far too deeply")
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        _fail("file", f"the file is not valid JSON: {exc}")


def _migrate(tree: Any) -> Tree:
    if not isinstance(tree, dict):
        _fail("file", f"the file holds {_describe(tree)}, not an nnstudio network (a JSON object)")
    if "format" not in tree:
        _fail("file", f'this is not an nnstudio network file (it has no "format": "{FORMAT_NAME}")')
    if tree["format"] != FORMAT_NAME:
        _fail("format", f"is {_describe(tree['format'])}; an nnstudio network file says {FORMAT_NAME!r}")
    if "version" not in tree:
        _fail("version", "the format version is missing")
    version = tree["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        _fail("version", f"must be a whole number, not {_describe(version)}")
    if version > FORMAT_VERSION:
        _fail(
            "version",
            f"the file was made by a newer nnstudio (version {version}); "
            f"this one reads up to {FORMAT_VERSION}",
        )
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            _fail("version", f"version {version} is not a format version nnstudio ever wrote")
        try:
            tree = step(tree)
        except FormatError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            _fail("file", f"the version {version} file could not be brought up to date: {exc!r}")
        if not isinstance(tree, dict):
            _fail("file", f"the version {version} file could not be brought up to date")
        version += 1
        tree["version"] = version
    return tree


# --------------------------------------------------------------------------------------------- checks


def _fail(where: str, problem: str) -> NoReturn:
    raise FormatError(where, problem)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Constant):
        return value.text
    if isinstance(value, str):
        shown = value if len(value) <= 40 else f"{value[:37]}..."
        return f"the text {shown!r}"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10**30 else f"a {len(str(abs(value)))}-digit number"
        return text
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _key(key: str) -> str:
    """A field's name from the file as it reads in a message: a plain short name as it is, anything else
    quoted and escaped, at most 40 characters."""
    return key if len(key) <= 40 and key.isidentifier() else _quoted(key)


def _quoted(key: str) -> str:
    return repr(key if len(key) <= 40 else f"{key[:37]}...")


def _count(n: int, noun: str, plural: str = "") -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _subject(what: str) -> str:
    return f"{what} " if what else ""


def _at(where: str, key: str | int) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"


def _object(value: Any, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(where, f"must be an object {{...}}, not {_describe(value)}")
    for key in required:
        if key not in value:
            _fail(where, f"the field {key!r} is missing")
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            _fail(f"{where}.{_key(key)}", f"is not a field nnstudio knows here (known: {known})")
    return value


def _list(value: Any, where: str, cap: int, what: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(where, f"must be a list [...], not {_describe(value)}")
    if len(value) > cap:
        _fail(where, f"holds {len(value):,} {what}; a file may hold at most {cap:,}")
    return value


def text_kind(where: str) -> str:
    """Which of :data:`TEXT_LIMITS` applies to the text at ``where`` (a JSON path like ``title``)."""
    if where.endswith("description"):
        return "description"
    if where == "training_data":
        return "path"
    if where.startswith("edges[") and where.endswith(".id"):
        return "edge id"
    return "name"


# Line breaks as str.splitlines() knows them; "\r\n" is one break.
_LINE_BREAKS = ("\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def count_lines(text: str) -> int:
    """How many lines ``text`` shows: one more than its line breaks (``"\r\n"`` counts once)."""
    if text.isascii():
        breaks = sum(text.count(c) for c in _LINE_BREAKS[:7])
    else:
        breaks = sum(text.count(c) for c in _LINE_BREAKS)
    return 1 + breaks - text.count("\r\n")


def _text(value: Any, where: str, what: str = "") -> str:
    if not isinstance(value, str):
        _fail(where, f"{_subject(what)}must be text, not {_describe(value)}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            _fail(where, f"{_subject(what or 'the text')}holds a character that is not valid Unicode")
    max_chars, max_lines = TEXT_LIMITS[text_kind(where)]
    lines = count_lines(value)
    if lines > max_lines:
        _fail(where, f"{what or 'the text'} has {lines:,} lines; it may have at most {max_lines:,}")
    if len(value) > max_chars:
        _fail(
            where,
            f"{what or 'the text'} is {len(value):,} characters long; it may be at most {max_chars:,}",
        )
    return value


def _number(value: Any, where: str, what: str = "") -> float:
    if isinstance(value, float):
        if math.isfinite(value):
            return value
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            pass
    else:
        _fail(where, f"{_subject(what)}must be a number, not {_describe(value)}")
    _fail(where, f"{_subject(what)}must be a finite number, not {_describe(value)}")


def _position(value: Any, where: str, what: str) -> float:
    number = _number(value, where, what)
    if not -MAX_POSITION <= number <= MAX_POSITION:
        _fail(where, f"{what} must be between {-MAX_POSITION:,.0f} and {MAX_POSITION:,.0f}, not {number!r}")
    return number


def _whole(value: Any, where: str, low: int, high: int, what: str = "") -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        _fail(where, f"{_subject(what)}must be a whole number, not {_describe(value)}")
    if not low <= value <= high:
        _fail(where, f"{_subject(what)}must be between {low:,} and {high:,}, not {_describe(value)}")
    return value


def _flag(value: Any, where: str, what: str = "") -> bool:
    if not isinstance(value, bool):
        _fail(where, f"{_subject(what)}must be true or false, not {_describe(value)}")
    return value


def _grid(value: Any, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        _fail(where, f"must be [width, height] or null, not {_describe(value)}")
    width = _whole(value[0], _at(where, 0), 1, MAX_NEURONS, "the width")
    height = _whole(value[1], _at(where, 1), 1, MAX_NEURONS, "the height")
    return width, height


def _range(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        _fail(where, f"must be [low, high], not {_describe(value)}")
    low = _number(value[0], _at(where, 0), "the low end")
    high = _number(value[1], _at(where, 1), "the high end")
    if not low < high:
        _fail(where, f"the low end ({low!r}) must be below the high end ({high!r})")
    return low, high


def _base64_length(n_bytes: int) -> int:
    return 4 * ((n_bytes + 2) // 3)


def _array(
    value: Any, where: str, expected: tuple[int | None, int | None], cap: int, what: str, wide: bool = False
) -> np.ndarray:
    """A matrix from ``{"dtype", "shape", "data"}``, its size checked before a byte is decoded.

    ``dtype`` is "float32", or "float64" where ``wide`` allows it (weights typed by hand keep every digit).
    """
    spec = _object(value, where, ("dtype", "shape", "data"))
    widths = {"float32": 4, "float64": 8} if wide else {"float32": 4}
    if not isinstance(spec["dtype"], str) or spec["dtype"] not in widths:
        allowed = " or ".join(f'"{name}"' for name in widths)
        _fail(_at(where, "dtype"), f"must be {allowed}, not {_describe(spec['dtype'])}")
    width = widths[spec["dtype"]]
    shape = spec["shape"]
    if not isinstance(shape, list) or len(shape) != 2:
        _fail(_at(where, "shape"), f"must be [rows, columns], not {_describe(shape)}")
    for i, size in enumerate(shape):
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            _fail(f"{where}.shape[{i}]", f"a size must be a whole number, at least 0, not {_describe(size)}")
    rows, cols = shape
    count = rows * cols
    if count > cap:
        _fail(f"{where}.shape", f"{rows:,} x {cols:,} means {count:,} {what}; a file holds at most {cap:,}")
    for i, (size, want) in enumerate(zip(shape, expected, strict=True)):
        if want is not None and size != want:
            side = "rows" if i == 0 else "columns"
            _fail(_at(where, "shape"), f"says {size:,} {side} but there must be {want:,}")
    data = spec["data"]
    if not isinstance(data, str):
        _fail(_at(where, "data"), f"must be base64 text, not {_describe(data)}")
    n_bytes = count * width
    if len(data) != _base64_length(n_bytes):
        _fail(
            f"{where}.data",
            f"holds {len(data):,} base64 characters, but {rows:,} x {cols:,} {spec['dtype']} "
            f"values take {_base64_length(n_bytes):,}",
        )
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        _fail(_at(where, "data"), "is not valid base64 text")
    if len(raw) != n_bytes:
        _fail(_at(where, "data"), f"decodes to {len(raw):,} bytes, not the {n_bytes:,} its shape needs")
    little = "<f4" if width == 4 else "<f8"
    array = np.frombuffer(raw, dtype=little).astype(little[1:]).reshape(rows, cols)
    finite = np.isfinite(array)
    if not finite.all():
        r, c = (int(i) for i in np.argwhere(~finite)[0])
        _fail(_at(where, "data"), f"holds a value that is not a finite number (row {r}, column {c})")
    return array


def _array_tree(array: np.ndarray, wide: bool = False) -> Tree:
    values = np.ascontiguousarray(array, dtype="<f8" if wide else "<f4")
    return {
        "dtype": "float64" if wide else "float32",
        "shape": list(values.shape),
        "data": base64.b64encode(values.tobytes()).decode("ascii"),
    }


def _mask(value: Any, where: str, shape: tuple[int, int]) -> np.ndarray:
    """A boolean matrix from ``{"shape", "bits"}``: its places row by row, eight to a byte (numpy's
    ``packbits`` order, the last byte padded with zeros), as base64."""
    spec = _object(value, where, ("shape", "bits"))
    if spec["shape"] != list(shape):
        _fail(
            _at(where, "shape"),
            f"must be {list(shape)}, the shape of the weights, not {_describe(spec['shape'])}",
        )
    bits = spec["bits"]
    n_bytes = (shape[0] * shape[1] + 7) // 8
    if not isinstance(bits, str) or len(bits) != _base64_length(n_bytes):
        _fail(
            _at(where, "bits"), f"must be {_base64_length(n_bytes):,} base64 characters for {n_bytes:,} bytes"
        )
    try:
        raw = base64.b64decode(bits, validate=True)
    except (binascii.Error, ValueError):
        _fail(_at(where, "bits"), "is not valid base64 text")
    if len(raw) != n_bytes:
        _fail(_at(where, "bits"), f"decodes to {len(raw):,} bytes, not {n_bytes:,}")
    flat = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), count=shape[0] * shape[1])
    return flat.reshape(shape).astype(bool)


def _mask_tree(mask: np.ndarray) -> Tree:
    return {
        "shape": list(mask.shape),
        "bits": base64.b64encode(np.packbits(mask.ravel()).tobytes()).decode("ascii"),
    }


@dataclass
class _DenseBlock:
    sources: list[str]
    targets: list[str]
    weights: np.ndarray  # (targets, sources)
    present: np.ndarray | None  # None: every pair is connected
    frozen: np.ndarray | None  # None: none is frozen


@dataclass
class _Checked:
    """A file's content after every check, ready to be built into a Document."""

    tree: Tree
    neurons: list[Neuron]
    positions: dict[str, tuple[float, float]]
    edges: list[Edge]
    blocks: list[_DenseBlock]
    convolutions: list[Convolution]
    grid: tuple[int, int] | None
    value_range: tuple[float, float]
    training: TrainSettings
    dataset: Dataset | None


def _check_tree(tree: Tree) -> _Checked:
    top = _object(tree, "file", ("format", "version", "neurons"), _TOP_FIELDS)
    _text(top.get("title", ""), "title", "the title")
    _text(top.get("description", ""), "description", "the description")
    training_data = top.get("training_data")
    if training_data is not None:
        _text(training_data, "training_data", "the training data's name")
        if not training_data:
            _fail("training_data", "must name a dataset, or be null")

    neurons, positions = _check_neurons(top["neurons"])
    index = {neuron.id: i for i, neuron in enumerate(neurons)}
    roles = [neuron.role for neuron in neurons]
    n_inputs = roles.count(Role.INPUT)
    n_outputs = roles.count(Role.OUTPUT)

    listed = _list(top.get("edges", []), "edges", MAX_EDGES, "edges")
    dense = _list(top.get("dense", []), "dense", MAX_EDGES, "dense blocks")
    edges = _check_edges(listed, neurons, index)
    blocks = _check_dense(dense, neurons, index, edges)
    weights = len(edges) + sum(b.weights.size for b in blocks)
    convolutions = _check_convolutions(top.get("convolutions", []), weights)

    io = _object(top.get("input", {}), "input", (), ("grid", "range"))
    grid = _grid(io.get("grid"), "input.grid")
    value_range = _range(io.get("range", [-1.0, 1.0]), "input.range")
    if grid is not None and grid[0] * grid[1] > n_inputs:
        _fail(
            "input.grid",
            f"a {grid[0]} x {grid[1]} image needs {grid[0] * grid[1]:,} inputs, "
            f"but the network has {_count(n_inputs, 'input')}",
        )

    training = _check_training(top.get("training", {}), "training")
    dataset = None
    if top.get("dataset") is not None:
        dataset = _check_dataset(top["dataset"], "dataset", n_inputs, n_outputs)
    return _Checked(
        top, neurons, positions, edges, blocks, convolutions, grid, value_range, training, dataset
    )


_CONV_FIELDS = ("kind", "source", "target", "in_shape", "size")


def _check_convolutions(value: Any, weights: int) -> list[Convolution]:
    """The convolutions and poolings that feed shaped layers; ``weights`` other numbers are already held,
    and the kernels count toward the same cap."""
    items = _list(value, "convolutions", MAX_NEURONS, "convolutions")
    out: list[Convolution] = []
    kinds = [kind.value for kind in ConvKind]
    for i, item in enumerate(items):
        where = f"convolutions[{i}]"
        obj = _object(item, where, _CONV_FIELDS, ("stride", "padding", "kernel", "bias"))
        kind = obj["kind"]
        if not isinstance(kind, str) or kind not in kinds:
            _fail(_at(where, "kind"), f"must be one of {', '.join(kinds)}, not {_describe(kind)}")
        source = _text(obj["source"], _at(where, "source"), "the source layer")
        target = _text(obj["target"], _at(where, "target"), "the target layer")
        shape = obj["in_shape"]
        if not isinstance(shape, list) or len(shape) != 3:
            _fail(_at(where, "in_shape"), f"must be [channels, height, width], not {_describe(shape)}")
        in_shape = tuple(_whole(v, f"{where}.in_shape[{k}]", 1, MAX_NEURONS) for k, v in enumerate(shape))
        size = _whole(obj["size"], _at(where, "size"), 1, MAX_KERNEL, "the window size")
        stride = _whole(obj.get("stride", 1), _at(where, "stride"), 1, MAX_KERNEL, "the stride")
        padding = _whole(obj.get("padding", 0), _at(where, "padding"), 0, MAX_KERNEL, "the padding")
        kernel = bias = None
        if kind == ConvKind.CONV2D.value:
            if "kernel" not in obj or "bias" not in obj:
                _fail(where, "a conv2d needs its kernel and bias")
            columns = in_shape[0] * size * size
            kernel = _array(
                obj["kernel"],
                _at(where, "kernel"),
                (None, columns),
                MAX_EDGES - weights,
                "weights",
                wide=True,
            )
            weights += kernel.size
            count = kernel.shape[0]
            raw_bias = _list(obj["bias"], _at(where, "bias"), count, "biases")
            if len(raw_bias) != count:
                _fail(_at(where, "bias"), f"{count} kernels need {count} biases, not {len(raw_bias)}")
            bias = np.array([_number(b, f"{where}.bias[{k}]") for k, b in enumerate(raw_bias)])
            kernel = kernel.reshape(count, in_shape[0], size, size)
        elif "kernel" in obj or "bias" in obj:
            _fail(where, f"a {kind} has no kernel or bias")
        try:
            conv = Convolution(ConvKind(kind), source, target, in_shape, size, stride, padding, kernel, bias)
        except ValueError as exc:
            _fail(where, str(exc))
        out.append(conv)
    return out


def _check_neurons(value: Any) -> tuple[list[Neuron], dict[str, tuple[float, float]]]:
    """The neurons (their maths) and where each sits on the canvas (its ``x`` and ``y``)."""
    items = _list(value, "neurons", MAX_NEURONS, "neurons")
    neurons: list[Neuron] = []
    positions: dict[str, tuple[float, float]] = {}
    seen: dict[str, int] = {}
    roles = {role.value: role for role in Role}
    for i, item in enumerate(items):
        where = f"neurons[{i}]"
        obj = _object(item, where, ("id", "role", "activation", "bias"), ("label", "x", "y", "layer"))
        nid = _text(obj["id"], f"{where}.id", "a neuron's id")
        if not nid or ">" in nid:
            _fail(f"{where}.id", f"{nid!r} is not a valid neuron id (it must be non-empty and have no '>')")
        if nid in seen:
            _fail(f"{where}.id", f"the id {nid!r} is already used by neurons[{seen[nid]}]")
        seen[nid] = i
        role_name = obj["role"]
        if not isinstance(role_name, str) or role_name not in roles:
            _fail(
                f"{where}.role",
                f"neuron {nid!r} has the unknown role {_describe(role_name)} (known: {', '.join(roles)})",
            )
        role = roles[role_name]
        activation = obj["activation"]
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            _fail(
                f"{where}.activation",
                f"neuron {nid!r} has the unknown activation {_describe(activation)} "
                f"(known: {', '.join(ACTIVATIONS)})",
            )
        if ACTIVATIONS[activation].joint and role is not Role.OUTPUT:
            _fail(
                f"{where}.activation",
                f"neuron {nid!r} uses {activation}, which works over the outputs, but it is not an output",
            )
        bias = _number(obj["bias"], f"{where}.bias", f"the bias of neuron {nid!r}")
        label = _text(obj.get("label", ""), f"{where}.label", f"the label of neuron {nid!r}")
        x = _position(obj.get("x", 0.0), f"{where}.x", f"the position of neuron {nid!r}")
        y = _position(obj.get("y", 0.0), f"{where}.y", f"the position of neuron {nid!r}")
        layer = _text(obj.get("layer", ""), f"{where}.layer", f"the layer of neuron {nid!r}")
        if ">" in layer:
            _fail(f"{where}.layer", f"{layer!r} is not a valid layer name (it must have no '>')")
        neurons.append(Neuron(nid, role, activation, bias, label, layer))
        positions[nid] = (x, y)
    return neurons, positions


def _check_ends(source: str, target: str, neurons: list[Neuron], index: dict[str, int], where: str) -> None:
    src, dst = neurons[index[source]], neurons[index[target]]
    if source == target:
        _fail(where, f"neuron {source!r} cannot connect to itself")
    if dst.role is Role.INPUT:
        _fail(where, f"input {target!r} takes its value from the image, so no connection may lead into it")
    if src.role is Role.OUTPUT:
        _fail(where, f"output {source!r} is the end of the network, so no connection may start from it")


def _check_edges(items: list[Any], neurons: list[Neuron], index: dict[str, int]) -> list[Edge]:
    edges: list[Edge] = []
    ids: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        where = f"edges[{i}]"
        obj = _object(item, where, ("id", "source", "target", "weight"), ("frozen",))
        eid = _text(obj["id"], f"{where}.id", "an edge's id")
        if not eid:
            _fail(f"{where}.id", "an edge's id must not be empty")
        if eid in ids:
            _fail(f"{where}.id", f"the id {eid!r} is already used by edges[{ids[eid]}]")
        ids[eid] = i
        ends = []
        for end in ("source", "target"):
            name = _text(obj[end], f"{where}.{end}", f"the {end} of edge {eid!r}")
            if name not in index:
                _fail(
                    f"{where}.{end}", f"edge {eid!r} leads to {name!r}, which is not a neuron of this network"
                )
            ends.append(name)
        source, target = ends
        _check_ends(source, target, neurons, index, where)
        if (source, target) in pairs:
            _fail(where, f"{source!r} is already connected to {target!r} by edges[{pairs[source, target]}]")
        pairs[source, target] = i
        weight = _number(obj["weight"], f"{where}.weight", f"the weight of edge {eid!r}")
        frozen = _flag(obj.get("frozen", False), f"{where}.frozen", f"whether edge {eid!r} is frozen")
        edges.append(Edge(eid, source, target, weight, frozen))
    return edges


def _check_id_list(value: Any, where: str, index: dict[str, int], what: str) -> list[str]:
    items = _list(value, where, MAX_NEURONS, "neurons")
    if not items:
        _fail(where, f"must name at least one {what} neuron")
    seen: set[str] = set()
    for i, nid in enumerate(items):
        if not isinstance(nid, str) or nid not in index:
            _fail(_at(where, i), f"{_describe(nid)} is not a neuron of this network")
        if nid in seen:
            _fail(_at(where, i), f"neuron {nid!r} is named twice")
        seen.add(nid)
    return items


def _dense_id(source: str, target: str) -> str:
    """The id of an edge in a dense block (the engine's conventional id, fixed here as part of the format)."""
    return f"{source}>{target}"


def _check_dense(
    items: list[Any], neurons: list[Neuron], index: dict[str, int], edges: list[Edge]
) -> list[_DenseBlock]:
    # First every block's size, so that the total is known before any weights are decoded.
    specs: list[tuple[list[str], list[str], Any, Any, Any]] = []
    total = len(edges)
    for b, item in enumerate(items):
        where = f"dense[{b}]"
        obj = _object(item, where, ("sources", "targets", "weights"), ("present", "frozen"))
        weights = _object(obj["weights"], f"{where}.weights", ("dtype", "shape", "data"))
        shape = weights["shape"]
        if (
            isinstance(shape, list)
            and len(shape) == 2
            and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)
        ):
            total += shape[0] * shape[1]
            if total > MAX_EDGES:
                _fail(
                    f"{where}.weights.shape",
                    f"with {shape[0]:,} x {shape[1]:,} more weights the "
                    f"file would hold {total:,} edges; at most {MAX_EDGES:,} "
                    f"are allowed",
                )
        specs.append((obj["sources"], obj["targets"], weights, obj.get("present"), obj.get("frozen")))

    # For each target, the sources already joined to it: by listed edges, then by earlier blocks.
    joined: dict[str, set[str]] = {}
    owned: set[str] = set()
    for edge in edges:
        joined.setdefault(edge.target, set()).add(edge.source)
        owned.add(edge.target)
    # Listed edges whose id looks like a dense block's id, by the target that id names.
    id_claims: dict[str, list[tuple[str, int]]] = {}
    for i, edge in enumerate(edges):
        if edge.id.count(">") == 1:
            source, target = edge.id.split(">")
            id_claims.setdefault(target, []).append((source, i))

    blocks: list[_DenseBlock] = []
    for b, (source_value, target_value, weights, present_value, frozen_value) in enumerate(specs):
        where = f"dense[{b}]"
        sources = _check_id_list(source_value, f"{where}.sources", index, "source")
        targets = _check_id_list(target_value, f"{where}.targets", index, "target")
        source_set = set(sources)
        for t, target in enumerate(targets):
            if target in source_set:
                _fail(f"{where}.targets[{t}]", f"neuron {target!r} cannot connect to itself")
            if neurons[index[target]].role is Role.INPUT:
                _fail(
                    f"{where}.targets[{t}]",
                    f"input {target!r} takes its value from the image, so no connection may lead into it",
                )
        for s, source in enumerate(sources):
            if neurons[index[source]].role is Role.OUTPUT:
                _fail(
                    f"{where}.sources[{s}]",
                    f"output {source!r} is the end of the network, so no connection may start from it",
                )
        shape = (len(targets), len(sources))
        matrix = _array(weights, f"{where}.weights", shape, MAX_EDGES, "weights", wide=True)
        present = None if present_value is None else _mask(present_value, f"{where}.present", shape)
        frozen = None if frozen_value is None else _mask(frozen_value, f"{where}.frozen", shape)
        if present is not None and frozen is not None and (frozen & ~present).any():
            _fail(f"{where}.frozen", "marks a pair as frozen that the present mask says is not connected")
        rows = (
            [source_set] * len(targets)
            if present is None
            else [{sources[c] for c in np.flatnonzero(row).tolist()} for row in present]
        )
        for target, row_set in zip(targets, rows, strict=True):
            for source, i in id_claims.get(target, ()):
                if source in row_set:
                    _fail(
                        f"edges[{i}].id",
                        f"the id {_dense_id(source, target)!r} is also the id of a connection in {where}",
                    )
            seen = joined.get(target)
            if seen is None:
                joined[target] = row_set
                continue
            if not seen.isdisjoint(row_set):
                source = next(s for s in sources if s in seen and s in row_set)
                other = _joined_by(source, target, edges, blocks)
                _fail(where, f"{source!r} is also connected to {target!r} by {other}")
            if target not in owned:
                seen = joined[target] = set(seen)
                owned.add(target)
            seen.update(row_set)
        blocks.append(_DenseBlock(sources, targets, matrix, present, frozen))
    return blocks


def _joined_by(source: str, target: str, edges: list[Edge], blocks: list[_DenseBlock]) -> str:
    for i, edge in enumerate(edges):
        if edge.source == source and edge.target == target:
            return f"edges[{i}]"
    for b, block in enumerate(blocks):
        if (
            source in block.sources
            and target in block.targets
            and (
                block.present is None
                or block.present[block.targets.index(target), block.sources.index(source)]
            )
        ):
            return f"dense[{b}]"
    return "another connection"


# Training settings added after version 2 was first written: a file leaves them out while they are off, so
# every file saved before them is still written byte for byte the same.
_WRITTEN_WHEN_SET = frozenset({"l1", "l2"})


def _check_training(value: Any, where: str) -> TrainSettings:
    defaults = TrainSettings()
    known = [f.name for f in fields(TrainSettings)]
    obj = _object(value, where, (), known)
    values: dict[str, Any] = {}
    for key, raw in obj.items():
        at = f"{where}.{key}"
        default = getattr(defaults, key)
        if isinstance(default, bool):
            values[key] = _flag(raw, at)
        elif isinstance(default, int):
            values[key] = _whole(raw, at, *TRAINING_RANGES.get(key, (0, 2**31 - 1)))
        elif isinstance(default, float):
            values[key] = _number(raw, at)
        elif isinstance(default, str):
            values[key] = _text(raw, at)
        elif raw is None or isinstance(raw, bool | str):
            values[key] = raw
        else:
            values[key] = _number(raw, at)
    if "loss" in values and values["loss"] not in LOSSES:
        _fail(f"{where}.loss", f"unknown loss {values['loss']!r} (known: {', '.join(LOSSES)})")
    if "init" in values and values["init"] not in INITIALISERS:
        known = ", ".join(INITIALISERS)
        _fail(f"{where}.init", f"unknown initialisation {values['init']!r} (known: {known})")
    settings = TrainSettings(**values)
    try:
        settings.validate()
    except TrainingError as exc:
        _fail(where, str(exc))
    return settings


def _check_dataset(value: Any, where: str, n_inputs: int, n_outputs: int) -> Dataset:
    obj = _object(
        value,
        where,
        ("name", "labels", "inputs", "targets", "classes"),
        ("grid", "range", "description", "sample_names"),
    )
    name = _text(obj["name"], f"{where}.name", "the dataset's name")
    description = _text(obj.get("description", ""), f"{where}.description", "the dataset's description")
    labels = [
        _text(label, f"{where}.labels[{i}]", "a label")
        for i, label in enumerate(_list(obj["labels"], f"{where}.labels", MAX_NEURONS, "labels"))
    ]
    if len(labels) != n_outputs:
        _fail(
            f"{where}.labels",
            f"names {_count(len(labels), 'class', 'classes')}, "
            f"but the network has {_count(n_outputs, 'output')}",
        )
    grid = _grid(obj.get("grid"), f"{where}.grid")
    value_range = _range(obj.get("range", [-1.0, 1.0]), f"{where}.range")
    inputs = _array(obj["inputs"], f"{where}.inputs", (None, n_inputs), MAX_DATASET_VALUES, "values")
    n = inputs.shape[0]
    targets = _array(obj["targets"], f"{where}.targets", (n, n_outputs), MAX_DATASET_VALUES, "values")
    if grid is not None and grid[0] * grid[1] != n_inputs:
        _fail(
            f"{where}.grid",
            f"a {grid[0]} x {grid[1]} image has {grid[0] * grid[1]:,} pixels, "
            f"but each sample has {_count(n_inputs, 'value')}",
        )
    classes = _list(obj["classes"], f"{where}.classes", MAX_DATASET_VALUES, "classes")
    if len(classes) != n:
        _fail(
            f"{where}.classes", f"holds {_count(len(classes), 'class', 'classes')} for {_count(n, 'sample')}"
        )
    for i, cls in enumerate(classes):
        _whole(cls, f"{where}.classes[{i}]", -1, len(labels) - 1, "a class (-1 for none)")
    names = _list(obj.get("sample_names", []), f"{where}.sample_names", MAX_DATASET_VALUES, "names")
    if names and len(names) != n:
        _fail(f"{where}.sample_names", f"holds {_count(len(names), 'name')} for {_count(n, 'sample')}")
    for i, sample_name in enumerate(names):
        _text(sample_name, f"{where}.sample_names[{i}]", "a sample's name")
    try:
        return Dataset(
            name,
            inputs,
            targets,
            labels,
            np.array(classes, dtype=np.int64),
            grid,
            value_range,
            description,
            list(names),
        )
    except DataError as exc:
        _fail(where, str(exc))


# --------------------------------------------------------------------------------------------- building


def _build(checked: _Checked) -> Document:
    """The network from checked parts: whole weight matrices stay matrices (no object per connection).

    The targets of one matrix in the file may belong to several layers (a version 1 file's rows of
    different layers, say); each layer's rows become a matrix of their own.
    """
    layer_of = {n.id: (n.layer, "") if n.layer else ("", n.id) for n in checked.neurons}
    dense: list[DenseLinks] = []
    for block in checked.blocks:
        rows_by_layer: dict[tuple[str, str], list[int]] = {}
        for r, target in enumerate(block.targets):
            rows_by_layer.setdefault(layer_of[target], []).append(r)
        for rows in rows_by_layer.values():
            whole = len(rows) == len(block.targets)
            dense.append(
                DenseLinks(
                    block.sources,
                    block.targets if whole else [block.targets[r] for r in rows],
                    block.weights if whole else block.weights[rows],
                    block.present if whole or block.present is None else block.present[rows],
                    block.frozen if whole or block.frozen is None else block.frozen[rows],
                )
            )
    if checked.convolutions:
        # The convolutions against the layers alone first, so that a message about one points at them.
        try:
            Network.from_parts(checked.neurons, convolutions=checked.convolutions)
        except GraphError as exc:
            _fail("convolutions", str(exc))
    try:
        network = Network.from_parts(checked.neurons, checked.edges, dense, checked.convolutions)
    except GraphError as exc:
        _fail("edges", str(exc))
    top = checked.tree
    return Document(
        network=network,
        title=top.get("title", ""),
        description=top.get("description", ""),
        grid=checked.grid,
        value_range=checked.value_range,
        training=checked.training,
        training_data=top.get("training_data"),
        dataset=checked.dataset,
        layout=Layout(checked.positions),
    )


# --------------------------------------------------------------------------------------------- writing


def _written_whole(network: Network) -> list[tuple[ConnectionBlock, np.ndarray]]:
    """The weight matrices written whole, each with the mask of the connections it holds.

    A matrix is written whole when it is large and at least a quarter connected. A connection known by an id
    other than the conventional "source>target" is listed one by one, so that its id is kept.
    """
    chosen = []
    aliases = network.edges.pair_alias
    for block in network.edges.blocks.values():
        if block.present.size < DENSE_MIN_EDGES or block.count < DENSE_MIN_SHARE * block.present.size:
            continue
        held = block.present
        inside = [block.col_of[t] for t in block.targets if t in block.col_of]
        if aliases or inside:
            held = held.copy()
            # A connection between two neurons of the layer is listed: a matrix's targets are never sources.
            held[:, inside] = False
            for source, target in aliases:
                if target in block.row_of and source in block.col_of:
                    held[block.row_of[target], block.col_of[source]] = False
        chosen.append((block, held))
    return chosen


def _edges_listed(network: Network, whole: dict[Any, np.ndarray]) -> Iterable[Edge]:
    """The connections not held by a matrix written whole, by target then source in network order (so the
    file says the same whatever order edits and undos left them in)."""
    edges = network.edges
    order = {nid: i for i, nid in enumerate(network.neurons)}
    listed: list[tuple[int, int, Edge]] = []
    for key, block in edges.blocks.items():
        held = whole.get(key)
        remaining = block.present if held is None else block.present & ~held
        rows, cols = np.nonzero(remaining)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            source, target = block.sources[c], block.targets[r]
            edge = Edge(
                edges.id_of(source, target),
                source,
                target,
                float(block.weight[r, c]),
                bool(block.frozen[r, c]),
            )
            listed.append((order[target], order[source], edge))
    listed.sort(key=lambda item: (item[0], item[1]))
    return [edge for _, _, edge in listed]


def _neuron_tree(n: Neuron, position: tuple[float, float]) -> Tree:
    item: Tree = {
        "id": n.id,
        "role": Role(n.role).value,
        "activation": n.activation,
        "bias": float(n.bias),
        "label": n.label,
        "x": float(position[0]),
        "y": float(position[1]),
    }
    if n.layer:
        item["layer"] = n.layer
    return item


def _dense_tree(block: ConnectionBlock, held: np.ndarray, order: dict[str, int]) -> Tree:
    # Rows and columns in network order: the file says the same whatever order edits left the matrix in.
    rows = np.argsort([order[t] for t in block.targets], kind="stable")
    # A layer's own neurons are never among its matrix's sources in a file (those links are listed).
    outside = [c for c, source in enumerate(block.sources) if source not in block.row_of]
    cols = np.array(outside, dtype=np.intp)[
        np.argsort([order[block.sources[c]] for c in outside], kind="stable")
    ]
    held = held[np.ix_(rows, cols)]
    weights = np.where(held, block.weight[np.ix_(rows, cols)], 0.0)
    with np.errstate(over="ignore"):
        narrow = weights.astype(np.float32)
    # float32 where every weight survives the trip exactly (trained layers), else every digit is kept.
    wide = not np.array_equal(narrow.astype(np.float64), weights)
    tree: Tree = {
        "sources": [block.sources[c] for c in cols.tolist()],
        "targets": [block.targets[r] for r in rows.tolist()],
    }
    tree["weights"] = _array_tree(weights, wide=wide)
    if not held.all():
        tree["present"] = _mask_tree(held)
    frozen = block.frozen[np.ix_(rows, cols)] & held
    if frozen.any():
        tree["frozen"] = _mask_tree(frozen)
    return tree


def _convolution_tree(conv: Convolution) -> Tree:
    tree: Tree = {
        "kind": conv.kind.value,
        "source": conv.source,
        "target": conv.target,
        "in_shape": list(conv.in_shape),
        "size": conv.size,
        "stride": conv.stride,
        "padding": conv.padding,
    }
    if conv.kernel is not None and conv.bias is not None:
        kernel = conv.kernel.reshape(conv.kernel.shape[0], -1)
        with np.errstate(over="ignore"):
            wide = not np.array_equal(kernel.astype(np.float32).astype(np.float64), kernel)
        tree["kernel"] = _array_tree(kernel, wide=wide)
        tree["bias"] = [float(b) for b in conv.bias]
    return tree


def _document_to_tree(doc: Document) -> Tree:
    network = doc.network
    # The file keeps each neuron's place beside its maths: the layout joins the network again here.
    neurons = [_neuron_tree(n, doc.layout.position(n.id)) for n in network]
    order = {nid: i for i, nid in enumerate(network.neurons)}
    whole = sorted(_written_whole(network), key=lambda pair: min(order[t] for t in pair[0].targets))
    dense = [_dense_tree(block, held, order) for block, held in whole]
    in_blocks = {block.key: held for block, held in whole}
    listed = []
    for edge in _edges_listed(network, in_blocks):
        item: Tree = {
            "id": edge.id,
            "source": edge.source,
            "target": edge.target,
            "weight": float(edge.weight),
        }
        if edge.frozen:
            item["frozen"] = True
        listed.append(item)
    tree: Tree = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": doc.title,
        "description": doc.description,
        "input": {"grid": _plain(doc.grid), "range": _plain(doc.value_range)},
        "training": {
            key: _plain(value)
            for key, value in doc.training.to_dict().items()
            if key not in _WRITTEN_WHEN_SET or value
        },
        "training_data": doc.training_data,
        "neurons": neurons,
        "edges": listed,
        "dense": dense,
    }
    if network.convolutions:
        # Written only when there are any, so a file without them reads as it always did.
        tree["convolutions"] = [_convolution_tree(c) for c in network.convolutions.values()]
    if doc.dataset is not None:
        tree["dataset"] = _dataset_tree(doc.dataset, doc)
    return tree


def _plain(value: Any) -> Any:
    """numpy scalars and tuples as the JSON types they stand for; anything else is left to the checks."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _dataset_tree(dataset: Dataset, doc: Document) -> Tree:
    tree: Tree = {"name": dataset.name}
    if dataset.description:
        tree["description"] = dataset.description
    labels, grid = list(dataset.labels), dataset.grid
    inputs, targets = dataset.inputs, dataset.targets
    n_inputs, n_outputs = len(doc.network.inputs()), len(doc.network.outputs())
    if len(dataset) == 0 and (dataset.n_inputs != n_inputs or dataset.n_outputs != n_outputs):
        # No samples left, so nothing is lost by sizing the empty set for the network as it is now (its
        # inputs or outputs changed after the last sample was deleted).
        labels = doc.output_labels if dataset.n_outputs != n_outputs else labels
        grid = grid if grid is None or grid[0] * grid[1] == n_inputs else None
        inputs = np.zeros((0, n_inputs), np.float32)
        targets = np.zeros((0, n_outputs), np.float32)
    tree.update(
        {
            "labels": labels,
            "grid": _plain(grid),
            "range": _plain(dataset.value_range),
            "inputs": _array_tree(inputs),
            "targets": _array_tree(targets),
            "classes": [int(c) for c in np.asarray(dataset.classes).tolist()],
        }
    )
    if dataset.sample_names:
        tree["sample_names"] = list(dataset.sample_names)
    return tree


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _dumps(tree: Tree) -> str:
    """JSON with one neuron, edge or block per line: readable, and friendly to line-based diffs."""
    lines = []
    for key, value in tree.items():
        if key in ("neurons", "edges", "dense", "convolutions") and value:
            items = ",\n".join(f"    {_json(item)}" for item in value)
            text = f"[\n{items}\n  ]"
        elif key == "dataset":
            items = ",\n".join(f"    {_json(k)}: {_json(v)}" for k, v in value.items())
            text = f"{{\n{items}\n  }}"
        else:
            text = _json(value)
        lines.append(f"  {_json(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
