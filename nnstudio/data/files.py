"""Opening a file that a document or a person names, without trusting it.

A path from a file may lead anywhere: to a named pipe (opening it waits for a writer that never comes), a
device (``/dev/zero`` never ends), a socket, a symbolic link loop, or a file far larger than any dataset.
Everything here is checked with ``stat`` before the file is opened, the file is opened without blocking
and checked again on the open descriptor (so it cannot be swapped for a pipe in between), and its size on
disk is capped. Every problem is a :class:`DataError` that names the file and says what is wrong.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .dataset import DataError

# No dataset file nnstudio reads is larger than this on disk (Fashion-MNIST's largest is 47 MB).
MAX_FILE_BYTES = 1 << 30

_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words ("a named pipe (FIFO)", "a regular file", ...)."""
    for test, name in _NOT_REGULAR:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def path_status(path: str | Path, noun: str = "file") -> os.stat_result:
    """``os.stat`` of the path (following links) that says in words why there is nothing to read;
    ``noun`` names what was expected in "no such <noun>"."""
    path = Path(path)
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise DataError(f"{path}: a broken symbolic link (its target does not exist)") from None
        raise DataError(f"{path}: no such {noun}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError(f"{path}: a symbolic link loop (the link leads back to itself)") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise DataError(f"{path}: the name is too long for this system") from None
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError:  # a NUL character in the name
        raise DataError(f"{path!s:.200}: not a possible file name") from None


def _refuse_kind(path: Path, mode: int, what: str) -> None:
    if not stat.S_ISREG(mode):
        raise DataError(
            f"{path}: is {kind_of(mode)}, not a regular file; give {what} that is an ordinary file"
        )


def check_regular_file(
    path: str | Path, what: str = "a data file", max_bytes: int | None = None, noun: str = "file"
) -> int:
    """The size of the regular file at ``path``; a DataError for anything else or a file too large."""
    path = Path(path)
    status = path_status(path, noun)
    _refuse_kind(path, status.st_mode, what)
    _refuse_size(path, status.st_size, max_bytes)
    return status.st_size


def _refuse_size(path: Path, size: int, max_bytes: int | None) -> None:
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise DataError(
            f"{path}: {size:,} bytes is more than the {limit:,} bytes a dataset file may have here"
        )


def open_regular_file(
    path: str | Path, what: str = "a data file", max_bytes: int | None = None, noun: str = "file"
) -> BinaryIO:
    """The regular file at ``path`` opened for binary reading, never waiting on a pipe or device.

    ``max_bytes`` caps the size on disk (default :data:`MAX_FILE_BYTES`)."""
    path = Path(path)
    check_regular_file(path, what, max_bytes, noun)
    # Opening without blocking: were the name swapped for a pipe after the check, open() would not wait.
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    flags = os.O_RDONLY | nonblocking | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError(f"{path}: a symbolic link loop (the link leads back to itself)") from None
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        # The name may have been pointed elsewhere since the check: what counts is what was opened.
        status = os.fstat(fd)
        _refuse_kind(path, status.st_mode, what)
        _refuse_size(path, status.st_size, max_bytes)
        if nonblocking:
            os.set_blocking(fd, True)  # a regular file after all: read it the ordinary way
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_head(path: str | Path, n: int, what: str = "a data file") -> bytes:
    """The first ``n`` bytes of a regular file (fewer when it is shorter)."""
    try:
        with open_regular_file(path, what) as f:
            return f.read(n)
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
