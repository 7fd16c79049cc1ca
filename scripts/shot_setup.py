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


def train_to_the_end(window, seconds: float = 60.0) -> None:
    """Bring the window's Training panel forward, press Train and handle events until the run ends."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    training = window.panel_widget("trainingDock")
    window.findChild(type(window.inspector_dock), "trainingDock").raise_()
    finished: list[bool] = []
    training.controller.ended.connect(lambda *_: finished.append(True))
    if training.start_training():
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.start(round(seconds * 1000))
        while not finished and deadline.isActive():
            QApplication.processEvents()
