"""File > Open Recent: the networks opened or saved lately, newest first, kept in the settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu, QWidget

from nnstudio.ui.plain_text import plain_tooltip
from nnstudio.ui.settings import string_list

MAX_RECENT_FILES = 8
RECENT_KEY = "files/recent"


class RecentFiles:
    """The recent files and their menu. ``open_recent(path)`` opens a chosen one; ``show_status(text)``
    says which ones the menu dropped because they no longer exist."""

    def __init__(
        self,
        settings: QSettings,
        parent: QWidget,
        open_recent: Callable[[Path], object],
        show_status: Callable[[str], None],
    ) -> None:
        self._settings = settings
        self._open_recent = open_recent
        self._show_status = show_status
        self.menu = QMenu("Open &Recent", parent)
        self.menu.setObjectName("recentMenu")
        self.menu.aboutToShow.connect(self._fill_menu)

    def paths(self) -> list[Path]:
        return [Path(p) for p in string_list(self._settings, RECENT_KEY)]

    def remember(self, path: Path) -> None:
        path = path.absolute()
        self._store([path] + [p for p in self.paths() if p != path])

    def forget(self, path: Path) -> None:
        self._store([p for p in self.paths() if p != path])

    def _store(self, paths: list[Path]) -> None:
        self._settings.setValue(RECENT_KEY, [str(p) for p in paths[:MAX_RECENT_FILES]])

    def _fill_menu(self) -> None:
        self.menu.clear()
        paths = self.paths()
        missing = [p for p in paths if not p.exists()]
        if missing:
            self._store([p for p in paths if p.exists()])
            names = ", ".join(p.name for p in missing)
            self._show_status(f"Removed from the recent files because they no longer exist: {names}")
        for number, path in enumerate((p for p in paths if p.exists()), start=1):
            action = self.menu.addAction(f"&{number} {path.name}")
            action.setObjectName(f"action_recent_{number}")
            action.setToolTip(plain_tooltip(str(path)))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self._open_recent(p))
        if self.menu.isEmpty():
            empty = self.menu.addAction("No recent files")
            empty.setEnabled(False)
