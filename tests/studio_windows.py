"""Whole studio windows opened by a test, shown at a given size, and closed after it: shared by the window tests.

Use it inside a fixture, so the windows close when the test ends however it ended:

    @pytest.fixture
    def studio(qtbot):
        with studio_windows(qtbot) as open_window:
            yield open_window
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QMessageBox, QWidget

from nnstudio.app import create_main_window
from nnstudio.ui.main_window import MainWindow

# A laptop screen: the size most window tests look at.
LAPTOP_SIZE = (1366, 768)


@contextmanager
def studio_windows(qtbot, size: tuple[int, int] = LAPTOP_SIZE) -> Iterator[Callable[..., MainWindow]]:
    """A function that opens a studio window (``create_main_window``'s arguments), shown and exposed at ``size``.

    Every window it opened is closed on the way out, its unsaved changes thrown away (a test has no one to
    answer "Save changes?"), and the tool windows it opened closed first; one the test closed itself is only
    deleted.
    """
    opened: list[MainWindow] = []

    def open_window(**kwargs) -> MainWindow:
        window = create_main_window(**kwargs)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        opened.append(window)
        return window

    try:
        yield open_window
    finally:
        for window in opened:
            # Tool windows (Dream, the kernel lab, ...) are windows of their own inside the studio's.
            for tool in window.findChildren(QWidget):
                if tool.isWindow() and tool.isVisible():
                    tool.close()
            if window.isVisible():
                window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
                window.close()
            window.deleteLater()
