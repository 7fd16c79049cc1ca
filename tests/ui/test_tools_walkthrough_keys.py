"""Every tool window closes from the keyboard, as a person used to windows expects: Escape, and Ctrl+W (the
platform's key for closing a window here)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from nnstudio.ui.canvas.feature_map_story import FeatureMapStory
from nnstudio.ui.dream import DreamWindow
from nnstudio.ui.fool import FoolWindow
from nnstudio.ui.instruments.landscape_view import LandscapeWindow
from nnstudio.ui.instruments.slope_view import SlopeWindow
from nnstudio.ui.kernel_lab import KernelLab

from ..studio_windows import studio_windows


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window


def from_menu(action_name: str, kind: type, object_name: str):
    def open_tool(window) -> QWidget:
        window.findChild(QAction, action_name).trigger()
        return window.findChild(kind, object_name)

    return open_tool


def slope(window) -> QWidget:
    window.canvas.select([], [next(iter(window.document.network.edges))])
    window.inspector.slope_button.click()
    return window.findChild(SlopeWindow)


def map_story(window) -> QWidget:
    layers = window.canvas.scene().feature_maps
    layers.open_story("conv1", 7, None, window.canvas)
    return window.findChild(FeatureMapStory, "featureMapStory")


TOOLS = {
    "Kernel Lab": ("digits-convnet", from_menu("kernelLabAction", KernelLab, "kernelLab")),
    "how a map is made": ("digits-convnet", map_story),
    "Slope": ("four-pixel-camera", slope),
    "Error Landscape": (
        "four-pixel-camera",
        from_menu("landscapeAction", LandscapeWindow, "landscapeWindow"),
    ),
    "Dream": ("four-pixel-camera", from_menu("dreamAction", DreamWindow, "dreamWindow")),
    "Fool the Network": ("four-pixel-camera", from_menu("foolAction", FoolWindow, "foolWindow")),
}


def shown(qtbot, tool: QWidget) -> QWidget:
    qtbot.waitExposed(tool)
    tool.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tool)
    return tool.focusWidget() or tool


@pytest.mark.parametrize("name", list(TOOLS))
@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ],
    ids=["Escape", "Ctrl+W"],
)
def test_a_tool_window_closes_from_the_keyboard(studio, qtbot, name, key, modifier):
    example, open_tool = TOOLS[name]
    window = studio(example=example)
    tool = open_tool(window)
    assert tool is not None, name
    target = shown(qtbot, tool)
    qtbot.keyClick(target, key, modifier)
    qtbot.waitUntil(lambda: not tool.isVisible(), timeout=2000)
    assert window.isVisible()


def test_escape_in_a_kernel_cell_being_edited_cancels_the_edit_and_keeps_the_window(studio, qtbot):
    window = studio(example="digits-convnet")
    lab = from_menu("kernelLabAction", KernelLab, "kernelLab")(window)
    shown(qtbot, lab)
    table = lab.kernel_table
    before = table.item(0, 0).text()
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_7)
    editor = QApplication.focusWidget()
    assert editor is not table  # the cell editor
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert lab.isVisible()
    assert table.item(0, 0).text() == before
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not lab.isVisible(), timeout=2000)
