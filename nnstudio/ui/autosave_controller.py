"""When to autosave, and the dialog that offers autosaved work back after a crash.

:class:`AutosaveController` keeps one open document's recovery copy up to date: a few seconds after the
first unsaved change (so a crash early in the work loses little), then on every tick of a timer (two
minutes by default) it writes the document if it has unsaved changes that are not in the copy yet, and
removes the copy once the document has no unsaved changes any more. The person's own file is never
touched; the copies live in :class:`~nnstudio.document.autosave.AutosaveStore`'s folder.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.atomic import SaveError
from nnstudio.document.autosave import AutosaveStore, Recovery
from nnstudio.document.fileformat import FormatError
from nnstudio.document.model import Document


def new_autosave_key() -> str:
    return uuid.uuid4().hex


def _lock_file(store: AutosaveStore, key: str) -> QLockFile:
    lock = QLockFile(str(store.folder / f"{key}.lock"))
    # Only a lock whose process has ended counts as stale: a session may run for days.
    lock.setStaleLockTime(0)
    return lock


def remove_stale_locks(store: AutosaveStore) -> None:
    """Delete the marks left by sessions that ended without closing (a killed process leaves its lock)."""
    try:
        locks = list(store.folder.glob("*.lock"))
    except OSError:
        return
    for path in locks:
        lock = _lock_file(store, path.stem)
        if lock.tryLock(0):  # only succeeds when its process is gone
            lock.unlock()


def in_use_elsewhere(store: AutosaveStore, recovery: Recovery) -> bool:
    """True while another running session owns this copy (it is that session's live work, not a crash's)."""
    lock = _lock_file(store, recovery.key)
    if lock.tryLock(0):
        lock.unlock()
        return False
    return lock.error() == QLockFile.LockError.LockFailedError


class AutosaveController(QObject):
    """Writes the tracked document's recovery copy while it has unsaved changes.

    The window calls :meth:`track` for each document it shows, :meth:`discard` when the person saves or
    throws away the changes, and may call :meth:`write_now` (before a risky moment, or after an error).

    The window also calls :meth:`note_change` on every change: the first unsaved change (since the copy
    was last current, or since the document was opened or saved) is written ``first_change_delay`` ms
    later. Changes in quick succession push that back (a drag writes once, when it pauses), but never
    past twice the delay after the first change; after that first copy, the interval takes over.

    ``saved(Path)`` after a copy was written; ``failed(str)`` when writing it failed (the disk is full,
    say): the document stays open and the next tick tries again.
    """

    saved = Signal(Path)
    failed = Signal(str)

    interval_ms = 120_000
    first_change_delay_ms = 3_000

    def __init__(
        self,
        store: AutosaveStore,
        parent: QObject | None = None,
        interval_ms: int | None = None,
        first_change_delay_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._timer = QTimer(self)
        self._timer.setObjectName("autosaveTimer")
        self._timer.setInterval(interval_ms if interval_ms is not None else self.interval_ms)
        self._timer.timeout.connect(self.tick)
        self._soon = QTimer(self)
        self._soon.setObjectName("autosaveSoonTimer")
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self._write_soon)
        self.first_change_delay = (
            first_change_delay_ms if first_change_delay_ms is not None else self.first_change_delay_ms
        )
        self._first_change_at: float | None = None
        self._document: Document | None = None
        self._original_path: Path | None = None
        self._is_modified: Callable[[], bool] = lambda: False
        self._state: Callable[[], Hashable] = lambda: None
        self._key = new_autosave_key()
        self._written_state: Hashable | None = None
        self._has_copy = False
        self._lock: QLockFile | None = None

    @property
    def key(self) -> str:
        return self._key

    @property
    def interval(self) -> int:
        return self._timer.interval()

    def write_pending(self) -> bool:
        """True while a first unsaved change waits its few seconds to be written."""
        return self._soon.isActive()

    def note_change(self) -> None:
        """The document changed. If no copy holds unsaved work yet, write one a few seconds from now."""
        if self._document is None or self._has_copy:
            return  # a copy exists: the interval keeps it current
        now = time.monotonic()
        if self._first_change_at is None or not self._soon.isActive():
            self._first_change_at = now
        latest = self._first_change_at + 2 * self.first_change_delay / 1000
        wait_ms = min(self.first_change_delay, max(0.0, (latest - now) * 1000))
        self._soon.start(int(wait_ms))

    def _write_soon(self) -> None:
        self._first_change_at = None
        self.tick()

    def track(
        self,
        document: Document,
        *,
        original_path: Path | None,
        is_modified: Callable[[], bool],
        state: Callable[[], Hashable],
        key: str | None = None,
    ) -> None:
        """Keep ``document``'s copy from now on. ``state()`` changes whenever the document does (used to
        skip writing a copy that is already current); ``key`` continues an existing copy (a recovered one)."""
        self._document = document
        self._original_path = original_path
        self._is_modified = is_modified
        self._state = state
        self._key = key if key is not None else new_autosave_key()
        self._has_copy = key is not None
        self._written_state = None
        self._soon.stop()
        self._first_change_at = None
        self._hold_lock()
        self._timer.start()

    def _hold_lock(self) -> None:
        """Mark this key as taken by a running session, so another start does not offer it for recovery."""
        self._release_lock()
        try:
            self.store.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # writing the copy will fail too, and say so
        lock = _lock_file(self.store, self._key)
        if lock.tryLock(0):
            self._lock = lock

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def set_original_path(self, path: Path | None) -> None:
        self._original_path = path

    def stop(self) -> None:
        """No more autosaving (the window closes); the copy's key is free again."""
        self._timer.stop()
        self._soon.stop()
        self._release_lock()

    def tick(self) -> None:
        if self._document is None:
            return
        if self._is_modified():
            if self._state() != self._written_state or not self._has_copy:
                self.write_now()
        elif self._has_copy:
            # Undone back to what is on disk: nothing left to recover.
            self.discard()

    def write_now(self) -> bool:
        """Write the copy now if there are unsaved changes; False if writing failed."""
        if self._document is None or not self._is_modified():
            return True
        state = self._state()
        try:
            path = self.store.write(self._document, self._key, self._original_path)
        except (FormatError, SaveError, OSError, ValueError) as exc:
            self.failed.emit(f"Autosave failed: {exc}")
            return False
        self._written_state = state
        self._has_copy = True
        self.saved.emit(path)
        return True

    def discard(self) -> None:
        """Remove the copy: the document was saved, or its changes were thrown away."""
        try:
            self.store.discard(self._key)
        except OSError as exc:
            self.failed.emit(f"Could not remove the autosaved copy: {exc}")
        self._has_copy = False
        self._written_state = None


def _describe(recovery: Recovery) -> str:
    title = recovery.title or "Untitled network"
    when = recovery.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
    origin = f" (from {recovery.original_path})" if recovery.original_path is not None else " (never saved)"
    return f"{title}: autosaved {when}{origin}"


class RecoveryDialog(QDialog):
    """Lists the autosaved documents a crash left behind: Recover one, Discard some, or decide Later.

    After ``exec()``, :attr:`chosen` is the Recovery to open (accepted) or None (Later / closed).
    Discarding removes the selected copies at once and keeps the dialog open while any remain.
    """

    def __init__(
        self, store: AutosaveStore, recoveries: list[Recovery], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setAccessibleName("Recover unsaved work")
        self.setWindowTitle("Recover unsaved work")
        self.store = store
        self.chosen: Recovery | None = None
        intro = QLabel(
            "nnstudio did not close properly last time. These networks had unsaved changes, "
            "which were autosaved. Recover one to continue where you left off."
        )
        intro.setObjectName("recoveryIntro")
        intro.setAccessibleName("What happened")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("recoveryList")
        self.list.setAccessibleName("Autosaved networks")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        for recovery in recoveries:
            item = QListWidgetItem(_describe(recovery))
            item.setData(Qt.ItemDataRole.UserRole, recovery)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self._recover())
        buttons = QDialogButtonBox()
        self.recover_button = QPushButton("&Recover")
        self.discard_button = QPushButton("&Discard")
        self.later_button = QPushButton("&Later")
        for button, name, role in (
            (self.recover_button, "recoverButton", QDialogButtonBox.ButtonRole.AcceptRole),
            (self.discard_button, "discardButton", QDialogButtonBox.ButtonRole.DestructiveRole),
            (self.later_button, "laterButton", QDialogButtonBox.ButtonRole.RejectRole),
        ):
            button.setObjectName(name)
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addButton(button, role)
        self.recover_button.setDefault(True)
        self.recover_button.setToolTip("Open the selected network, with its unsaved changes")
        self.discard_button.setToolTip("Delete the selected autosaved copies for good")
        self.later_button.setToolTip("Keep the copies and decide next time")
        self.recover_button.clicked.connect(self._recover)
        self.discard_button.clicked.connect(self._discard)
        self.later_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def _selected(self) -> list[Recovery]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]

    def _recover(self) -> None:
        selected = self._selected()
        if selected:
            self.chosen = selected[0]
            self.accept()

    def _discard(self) -> None:
        for item in self.list.selectedItems():
            self.store.discard(item.data(Qt.ItemDataRole.UserRole))
            self.list.takeItem(self.list.row(item))
        if self.list.count() == 0:
            self.reject()
        else:
            self.list.setCurrentRow(0)
