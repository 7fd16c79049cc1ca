"""What the screenshot scripts share: a private studio folder, a screen size from text, the platform."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def window_size(text: str) -> tuple[int, int]:
    """``"1366x768"`` as (1366, 768)."""
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def private_studio(prefix: str) -> Path:
    """Point nnstudio's data and settings at a fresh folder (so no real settings or recent files show), one
    thread for numpy, and Qt's offscreen platform when there is no display. Returns the folder."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["NNSTUDIO_DATA_DIR"] = str(home / "data")
    os.environ["NNSTUDIO_CONFIG_DIR"] = str(home / "config")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return home
