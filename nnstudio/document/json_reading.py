"""Reading a JSON file nnstudio trusts nothing in: the part a network file and a challenge file share.

The file's size is checked before it is read, its bytes are decoded and parsed into a JSON value, and the
value must be an object that says the file's format; a field check refuses missing and unknown fields.
Each problem is one :class:`FormatError` of one line saying where in the file it is and what is wrong.
A :class:`FileKind` says what the file is called in those messages, so each kind of file keeps its own
words ("not a network file", "not a challenge file") while the reading is the same.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

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
    """A file (or a document about to be saved) that is not a valid network; a challenge file that is not a
    valid challenge is its subclass ChallengeError.

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


class JsonConstant:
    """NaN or Infinity in the file, kept as a marker so that the check at its place can name it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass(frozen=True)
class FileKind:
    """A kind of JSON file nnstudio reads: what it is called in messages and what its first field says."""

    # What the file is, in "not a network file", "not an nnstudio challenge (a JSON object)".
    noun: str
    # What its "format" field says.
    format_name: str
    # What a field the file may not have is told: "is not a field nnstudio knows here".
    unknown_field: str
    # The error every problem with the file raises (a FormatError or a subclass).
    error: type[FormatError] = FormatError
    # NaN and Infinity, which JSON does not allow: kept as JsonConstant markers, so that the check at their
    # place names them, or refused at once for the whole file.
    keep_constants: bool = True

    def fail(self, where: str, problem: str) -> NoReturn:
        raise self.error(where, problem)

    def too_big(self, size: int, max_bytes: int) -> str:
        return (
            f"the file is {size:,} bytes; a {self.noun} file may be at most {max_bytes:,} bytes, "
            f"so this is not one nnstudio can open"
        )


def read_file_bytes(path: Path, max_bytes: int, kind: FileKind) -> bytes:
    """The bytes of the ``kind`` file at ``path``, at most ``max_bytes`` + 1 of them: a file that grew after
    its size was looked at still reads as too big (:func:`parse_json` refuses it).

    A missing, unreadable or oversized file, a folder or anything else that is not a regular file is a
    ``kind.error`` about the whole "file" naming ``path``.
    """
    source = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise kind.error("file", "there is no such file", source) from None
    except OSError as exc:
        raise kind.error("file", f"the file cannot be read: {exc.strerror or exc}", source) from None
    if stat.S_ISDIR(info.st_mode):
        raise kind.error("file", f"this is a folder, not a {kind.noun} file", source)
    if not stat.S_ISREG(info.st_mode):
        raise kind.error("file", "this is not a regular file", source)
    if info.st_size > max_bytes:
        raise kind.error("file", kind.too_big(info.st_size, max_bytes), source)
    try:
        with path.open("rb") as file:
            return file.read(max_bytes + 1)
    except OSError as exc:
        raise kind.error("file", f"the file cannot be read: {exc.strerror or exc}", source) from None


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


def _refuse_constant(text: str) -> NoReturn:
    # A ValueError, as json's own complaints are, so that it is reported as they are.
    raise ValueError(f"the file holds {text}, which is not a number JSON allows")


def parse_json(data: bytes, max_bytes: int, kind: FileKind) -> Any:
    """The JSON value in a ``kind`` file's bytes (at most ``max_bytes`` of them); every problem, NaN and
    Infinity too unless ``kind`` keeps them, is one ``kind.error`` about the whole "file"."""
    if not isinstance(data, bytes | bytearray | memoryview):
        kind.fail("file", f"expected the file's bytes, not {type(data).__name__}")
    if len(data) > max_bytes:
        kind.fail("file", kind.too_big(len(data), max_bytes))
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        kind.fail(
            "file",
            f"the file is not UTF-8 text (byte {exc.start} is not valid), so it is not a {kind.noun} file",
        )
    if not text.strip():
        kind.fail("file", "the file is empty")
    constant = JsonConstant if kind.keep_constants else _refuse_constant
    try:
        return json.loads(text, parse_constant=constant, object_pairs_hook=object_pairs)
    except json.JSONDecodeError as exc:
        kind.fail("file", f"the file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except DuplicateKey as exc:
        kind.fail(
            "file", f"the file is not valid: the field {quoted(exc.args[0])} appears twice in one object"
        )
    except RecursionError:
        kind.fail("file", f"the file is not a {kind.noun}: its lists or objects are nested far too deeply")
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        kind.fail("file", f"the file is not valid JSON: {exc}")


def top_object(value: Any, kind: FileKind) -> dict[str, Any]:
    """``value``, a file's whole JSON value, as the object it must be, with ``"format": kind.format_name``."""
    if not isinstance(value, dict):
        kind.fail("file", f"the file holds {describe(value)}, not an nnstudio {kind.noun} (a JSON object)")
    if "format" not in value:
        kind.fail(
            "file", f'this is not an nnstudio {kind.noun} file (it has no "format": "{kind.format_name}")'
        )
    if value["format"] != kind.format_name:
        kind.fail("format", f"is {describe(value['format'])}; a {kind.noun} file says {kind.format_name!r}")
    return value


def object_fields(
    value: Any, where: str, required: Iterable[str], optional: Iterable[str], kind: FileKind
) -> dict[str, Any]:
    """``value`` as an object with every ``required`` field and no field but those and the ``optional``."""
    if not isinstance(value, dict):
        kind.fail(where, f"must be an object {{...}}, not {describe(value)}")
    for key in required:
        if key not in value:
            kind.fail(where, f"the field {key!r} is missing")
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            place = _key(key) if where == "file" else f"{where}.{_key(key)}"
            kind.fail(place, f"{kind.unknown_field} (known: {', '.join(sorted(allowed))})")
    return value


def whole_number(value: Any, where: str, low: int, high: int, what: str = "") -> int:
    """``value`` as a whole number from ``low`` to ``high``; ``what``, if given, begins the message."""
    subject = f"{what} " if what else ""
    if not isinstance(value, int) or isinstance(value, bool):
        raise FormatError(where, f"{subject}must be a whole number, not {describe(value)}")
    if not low <= value <= high:
        raise FormatError(where, f"{subject}must be between {low:,} and {high:,}, not {describe(value)}")
    return value


def describe(value: Any) -> str:
    """A JSON value as a message names it: ``null``, ``a list``, ``the text 'abc'``, ``NaN``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JsonConstant):
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
    return key if len(key) <= 40 and key.isidentifier() else quoted(key)


def quoted(key: str) -> str:
    return repr(key if len(key) <= 40 else f"{key[:37]}...")
