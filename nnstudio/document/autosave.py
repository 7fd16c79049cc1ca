"""Autosave: copies of open documents in a private folder, so that work survives a crash.

Each open document has a key (one per window, say). Its copy is ``<key>.nnet`` in the autosave folder,
with ``<key>.json`` beside it saying which file it came from, its title and when it was written. The
person's own file is never written here; after a crash, :meth:`AutosaveStore.recoverable` lists what can
be brought back. No Qt: the caller decides when to write (a timer, after edits).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .atomic import atomic_write, remove_stale_temps_in
from .fileformat import document_to_bytes, load_document
from .model import Document

_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]{1,100}")
_DOCUMENT_SUFFIX = ".nnet"
_INFO_SUFFIX = ".json"


def default_data_dir() -> Path:
    """Where nnstudio keeps its own files: ``$NNSTUDIO_DATA_DIR``, else ``$XDG_DATA_HOME/nnstudio``,
    else ``~/.local/share/nnstudio``."""
    own = os.environ.get("NNSTUDIO_DATA_DIR")
    if own:
        return Path(own).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    # The XDG specification says a relative path there is invalid and must be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "nnstudio"
    return Path.home() / ".local" / "share" / "nnstudio"


@dataclass(frozen=True)
class Recovery:
    """One autosaved document that can be brought back. ``saved_at`` is timezone-aware (UTC)."""

    path: Path
    original_path: Path | None
    title: str
    saved_at: datetime

    @property
    def key(self) -> str:
        """The file-safe form of the key the document was autosaved under."""
        return self.path.stem


class AutosaveStore:
    """The autosave folder: write a document's copy, list what can be recovered, load it, discard it."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_data_dir() / "autosave"

    def path_for(self, key: str) -> Path:
        """Where the copy for ``key`` lives (keys that are not simple names are hashed into one)."""
        return self.folder / f"{_file_key(key)}{_DOCUMENT_SUFFIX}"

    def write(self, doc: Document, key: str, original_path: Path | None) -> Path:
        """Write the copy of ``doc`` kept for ``key``, atomically; returns its path.

        Raises :class:`ValueError` if the copy would land on ``original_path`` itself, and
        :class:`~nnstudio.document.atomic.SaveError` or :class:`~nnstudio.document.fileformat.FormatError`
        as saving does.
        """
        target = self.path_for(key)
        if original_path is not None and _same_place(target, Path(original_path)):
            raise ValueError(
                f"{original_path} is the autosave copy itself; autosave never writes to a person's own file"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        data = document_to_bytes(doc)
        atomic_write(target, data)
        original = str(Path(original_path).absolute()) if original_path is not None else None
        title = doc.title or (Path(original_path).stem if original_path is not None else "")
        info = {
            "original_path": original,
            "title": title,
            "saved_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        }
        atomic_write(target.with_suffix(_INFO_SUFFIX), json.dumps(info, ensure_ascii=False).encode("utf-8"))
        return target

    def remove_leftovers(self) -> list[Path]:
        """Remove the temporary files that writes killed half-way left in the folder (done at start)."""
        return remove_stale_temps_in(self.folder)

    def recoverable(self) -> list[Recovery]:
        """Every copy in the folder, newest first."""
        try:
            paths = [
                p
                for p in self.folder.iterdir()
                if p.suffix == _DOCUMENT_SUFFIX and not p.name.startswith(".") and p.is_file()
            ]
        except OSError:
            return []
        found = [self._recovery(path) for path in paths]
        return sorted((r for r in found if r is not None), key=lambda r: r.saved_at, reverse=True)

    def load(self, recovery: Recovery) -> Document:
        """The autosaved document; raises FormatError if the copy is damaged."""
        return load_document(recovery.path)

    def discard(self, recovery_or_key: Recovery | str) -> None:
        """Delete a copy (given as a Recovery or by the key it was written with); a missing one is fine."""
        if isinstance(recovery_or_key, Recovery):
            name = recovery_or_key.path.stem
            if recovery_or_key.path.parent.resolve() != self.folder.resolve():
                raise ValueError(f"{recovery_or_key.path} is not in the autosave folder {self.folder}")
        else:
            name = _file_key(recovery_or_key)
        for suffix in (_DOCUMENT_SUFFIX, _INFO_SUFFIX):
            (self.folder / f"{name}{suffix}").unlink(missing_ok=True)

    def _recovery(self, path: Path) -> Recovery | None:
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except OSError:
            return None  # removed meanwhile
        info = _read_info(path.with_suffix(_INFO_SUFFIX))
        original = info.get("original_path")
        saved_at = modified
        if isinstance(info.get("saved_at"), str):
            with contextlib.suppress(ValueError):
                saved_at = datetime.fromisoformat(info["saved_at"])
            if saved_at.tzinfo is None:
                saved_at = saved_at.replace(tzinfo=UTC)
        title = info.get("title") if isinstance(info.get("title"), str) else ""
        return Recovery(
            path, Path(original) if isinstance(original, str) and original else None, title, saved_at
        )


def _file_key(key: str) -> str:
    if _SAFE_KEY.fullmatch(key):
        return key
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _same_place(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return True  # cannot tell, so do not risk it


def _read_info(path: Path) -> dict[str, object]:
    try:
        info = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return info if isinstance(info, dict) else {}
