"""The Tools menu's instruments as a newcomer meets them: an entry that opens a window ends in "...", and the
window it opens is titled with the entry's own words."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from ..studio_windows import studio_windows

# Each instrument's menu entry and the title of the window it opens.
INSTRUMENTS = {
    "activationExplorerAction": "Activation Explorer",
    "receptiveGalleryAction": "Receptive Field Gallery",
    "landscapeAction": "Error Landscape",
    "inputPlaneAction": "Input Plane",
}


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window


def test_each_instrument_window_is_titled_as_its_menu_entry(qtbot, studio) -> None:
    window = studio(example="circle")
    actions = {a.objectName(): a for a in window.tools_menu.actions()}
    for name, title in INSTRUMENTS.items():
        action = actions[name]
        assert action.text().replace("&", "") == f"{title}...", name
        before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
        action.trigger()
        qtbot.waitUntil(
            lambda before=before: any(
                w.isVisible() and id(w) not in before for w in QApplication.topLevelWidgets()
            )
        )
        opened = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
        assert [w.windowTitle() for w in opened] == [title], name
        for w in opened:
            w.close()


def test_on_a_small_screen_each_instrument_opens_beside_the_canvas_not_over_it(qtbot) -> None:
    """At 1024x700 an instrument opens over the side panels on the right: the left half of the canvas, where
    the network starts, stays in view."""
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        window = open_window(example="four-pixel-camera")
        canvas = window.canvas
        canvas_middle = canvas.mapToGlobal(canvas.rect().center()).x()
        actions = {a.objectName(): a for a in window.tools_menu.actions()}
        for name in ("activationExplorerAction", "receptiveGalleryAction", "landscapeAction"):
            before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
            actions[name].trigger()
            opened = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
            assert len(opened) == 1, name
            tool = opened[0]
            assert tool.geometry().left() >= canvas_middle, name
            assert tool.geometry().right() <= window.geometry().right(), name
            assert tool.height() <= window.height(), name
            tool.close()
