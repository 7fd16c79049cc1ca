"""Writing a file so that a crash or a full disk never leaves it half written.

The bytes go to a temporary file in the same folder, are flushed to the disk, and only then take the
file's place with one rename. Until that rename the old file is untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
from pathlib import Path


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
    try:
        fd, temp = _create_temp(folder, path.name)
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
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:
            continue


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
