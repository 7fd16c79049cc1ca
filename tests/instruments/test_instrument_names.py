"""The Tools menu's instruments as a newcomer meets them: an entry that opens a window ends in "...", and the
window it opens is titled with the entry's own words."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from ..studio_windows import studio_windows

# Each instrument's menu entry and the title of the window it opens.
INSTRUMENTS = {
    "activationExplorerAction": "Activation Explorer",
    "receptiveGalleryAction": "Receptive field gallery",
    "landscapeAction": "Error landscape",
    "inputPlaneAction": "Input plane",
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
