"""Where the studio keeps its preferences (recent files, window layout, colour scheme)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "nnstudio"
APPLICATION = "nnstudio"


def studio_settings() -> QSettings:
    """The studio's settings: an INI file under ``$NNSTUDIO_CONFIG_DIR`` or ``$XDG_CONFIG_HOME`` when set
    (read on every call, so a test or a portable setup can point it elsewhere), else the platform's place."""
    own = os.environ.get("NNSTUDIO_CONFIG_DIR")
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if own:
        return QSettings(str(Path(own).expanduser() / f"{APPLICATION}.ini"), QSettings.Format.IniFormat)
    if xdg and Path(xdg).is_absolute():
        return QSettings(str(Path(xdg) / ORGANISATION / f"{APPLICATION}.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def string_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings stored under ``key`` (an INI file gives back one item as a plain string)."""
    value = settings.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]
