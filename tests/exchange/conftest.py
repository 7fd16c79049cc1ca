"""The studio window the File menu's export and import tests act on."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import create_main_window


@pytest.fixture
def window(qtbot):
    opened = create_main_window(example="four-pixel-camera")
    opened.resize(1366, 768)
    opened.show()
    qtbot.waitExposed(opened)
    yield opened
    opened.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    opened.close()
    opened.deleteLater()
