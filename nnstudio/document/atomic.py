"""Writing a file so that a crash or a full disk never leaves it half written.

The bytes go to a temporary file in the same folder, are flushed to the disk, and only then take the
file's place with one rename. Until that rename the old file is untouched.

A process killed during a save leaves its temporary file behind (``.name.nnet.1a2b3c4d.tmp``, or
``.name.nnet~.1a2b3c4d.tmp`` for the backup). Each save, and :func:`remove_stale_temps` at start, removes
those of the file it saves: only names of exactly that pattern, regular files, older than a moment and not
locked. A save holds a lock on its temporary file from creating it until it has taken the file's place, so
a save still running in another process never loses its file to a cleaner.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no locks, so only the age tells a leftover from a save in progress
    fcntl = None  # type: ignore[assignment]

# A temporary file untouched this long and not locked is a leftover (a live save holds its lock throughout;
# the moment covers the instant between creating the file and locking it).
STALE_AFTER_SECONDS = 1.0
# Without locks, a temporary file counts as left over only when it is this old.
STALE_AFTER_SECONDS_WITHOUT_LOCKS = 3600.0
_TEMP_SUFFIX = re.compile(r"\.[0-9a-f]{8}\.tmp")


class SaveError(OSError):
    """A file could not be written; the message names the file and the reason. The old file is untouched."""


def atomic_write(path: Path, data: bytes, *, keep_backup: bool = False) -> None:
    """Replace ``path`` with ``data`` in one step; with ``keep_backup`` the previous file becomes ``name~``.

    Raises :class:`SaveError` (an :class:`OSError`) when anything fails; no temporary file is left behind.
    """
    path = Path(path)
    if path.is_symlink():
        # Write through the link, as an editor does, rather than replacing the link with a file.
        try:
            path = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise SaveError(f"could not save {path}: the link does not lead to a file ({exc})") from exc
    folder = path.parent
    temp: Path | None = None
    remove_stale_temps(path)
    try:
        fd, temp = _create_temp(folder, path.name)
        # The file stays open, and so locked, until it has taken the file's place.
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            if path.exists():
                os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
                if keep_backup:
                    _keep_backup(path)
            os.replace(temp, path)
            temp = None
        _fsync_folder(folder)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        error = SaveError(f"could not save {path}: {reason}")
        error.errno = exc.errno
        raise error from exc
    finally:
        if temp is not None:
            _remove_quietly(temp)


def backup_path(path: Path) -> Path:
    """Where :func:`atomic_write` keeps the previous version of ``path``."""
    return path.with_name(f"{path.name}~")


def _keep_backup(path: Path) -> None:
    backup = backup_path(path)
    with contextlib.suppress(OSError):
        if os.path.samefile(path, backup):
            # A save killed between keeping the backup and replacing the file leaves both names on one
            # file. Renaming a link onto the same file does nothing at all (POSIX), which would leave the
            # temporary name behind; the backup already holds these bytes.
            return
    temp = _unused_name(path.parent, backup.name)
    try:
        try:
            # A hard link keeps the old bytes without copying them, and the file stays in place meanwhile.
            os.link(path, temp)
        except OSError:
            shutil.copy2(path, temp)
        os.replace(temp, backup)
    except BaseException:
        _remove_quietly(temp)
        raise


def _unused_name(folder: Path, name: str) -> Path:
    while True:
        candidate = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        if not os.path.lexists(candidate):
            return candidate


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        candidate = _unused_name(folder, name)
        try:
            # Mode 0o666 lets the umask decide, so a new file gets the same permissions as any other.
            fd = os.open(candidate, flags, 0o666)
        except FileExistsError:
            continue
        try:
            lock_temp(fd)
        except OSError:
            os.close(fd)
            _remove_quietly(candidate)
            raise
        return fd, candidate


def lock_temp(fd: int) -> None:
    """Mark an open temporary file as being written (the lock ends when the file is closed or the
    process ends, however it ends)."""
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a file system without locks: the age still protects it
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _is_leftover(path: Path, older_than: float) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if fcntl is None:
        older_than = max(older_than, STALE_AFTER_SECONDS_WITHOUT_LOCKS)
    if time.time() - info.st_mtime < older_than:
        return False
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a save is writing it
    finally:
        os.close(fd)
    return True


def is_temp_name(name: str, of: str) -> bool:
    """True when ``name`` is the name of a temporary file a save of the file named ``of`` makes."""
    for stem in (f".{of}", f".{of}~"):
        if name.startswith(stem) and _TEMP_SUFFIX.fullmatch(name, len(stem)):
            return True
    return False


def remove_stale_temps(path: Path, *, older_than: float | None = None) -> list[Path]:
    """Remove the temporary files that interrupted saves of ``path`` left in its folder; returns them.

    Only names of our own pattern for exactly this file, regular files (never a link or a folder), not
    changed for ``older_than`` seconds (:data:`STALE_AFTER_SECONDS` by default) and not locked by a save
    still running. Never raises: a file that cannot be removed stays for the next time.
    """
    path = Path(path)
    wait = STALE_AFTER_SECONDS if older_than is None else older_than
    return _remove_matching(path.parent, lambda name: is_temp_name(name, path.name), wait)


def remove_stale_temps_in(folder: Path, *, older_than: float | None = None) -> list[Path]:
    """Like :func:`remove_stale_temps` for every file in ``folder`` (a folder only nnstudio writes to)."""
    wait = STALE_AFTER_SECONDS if older_than is None else older_than

    def ours(name: str) -> bool:
        match = _TEMP_SUFFIX.search(name)
        return name.startswith(".") and match is not None and match.end() == len(name) and match.start() > 1

    return _remove_matching(Path(folder), ours, wait)


def _remove_matching(folder: Path, ours: Callable[[str], bool], older_than: float) -> list[Path]:
    removed: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            candidates = [folder / entry.name for entry in entries if ours(entry.name)]
    except OSError:
        return removed
    for candidate in sorted(candidates):
        if _is_leftover(candidate, older_than):
            try:
                os.unlink(candidate)
            except OSError:
                continue
            removed.append(candidate)
    return removed


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; folders cannot be opened this way everywhere, which is fine.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
