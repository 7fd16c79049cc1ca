"""Every control keyboard-reachable with an accessible name (issue 9).

A person who cannot use a mouse moves through the window with Tab and Shift+Tab; a screen reader says each
control's accessible name. The tests walk the window as it opens (and with a connection selected, so the
inspector shows its fields), check each control's names, then press Tab and Shift+Tab round the whole window
and check that the canvas and every panel's main controls are reached, and nothing hidden behind a tab.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QSlider,
    QTabBar,
    QWidget,
)

from nnstudio.app import create_main_window

CONTROL_KINDS = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QSlider, QAbstractItemView, QTabBar)

# What a keyboard user must reach in each panel, when the panel shows and the network has it (a pad of
# cells or a freehand pad), with a connection selected.
MAIN_CONTROLS = {
    "padDock": ("padCells", "padPreset_horizontal", "padCanvas", "padClear"),
    "paletteDock": ("paletteActivation", "paletteHidden"),
    "samplesDock": ("samplesAdd", "samplesList"),
    "inspectorDock": ("weightSpin",),
    "trainingDock": ("trainingDataset", "trainingTrain", "trainingRandomize", "trainingTabBar"),
    "errorTableDock": ("errorTruth", "errorTable"),
    "datasetDock": ("datasetRows",),
    "animationDock": ("animationRun", "animationStep", "animationSpeed"),
}


@pytest.fixture(params=["four-pixel-camera", "digits"])
def window(qtbot, request):
    win = create_main_window(example=request.param)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    # The tab bars of tabbed panels are named once the arrangement has settled.
    qtbot.waitUntil(lambda: all(bar.accessibleName() for bar in panel_tab_bars(win)))
    yield win
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.close()
    win.deleteLater()


def panel_tab_bars(window) -> list[QTabBar]:
    return [bar for bar in window.findChildren(QTabBar) if bar.parentWidget() is window]


def select_a_connection(qtbot, window) -> None:
    edge_id = next(iter(window.document.network.edges))
    position = window.canvas.view_position_of_edge(edge_id, 0.3)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert window.canvas.selected_edge_ids() == [edge_id]


def is_control(widget: QWidget) -> bool:
    """A widget a person operates: shown, enabled, and taking focus from Tab or of a control's kind. Not a
    part of another control (a spin box's text field, a table's header, a view's viewport) or Qt's
    off-screen spare tab bars."""
    if not (widget.isVisible() and widget.isEnabled()) or isinstance(widget, QHeaderView):
        return False
    if widget.focusProxy() is not None or isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox):
        return False
    if isinstance(widget, QTabBar) and widget.count() == 0:
        return False
    takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    return takes_tab or isinstance(widget, CONTROL_KINDS)


def describe(widget: QWidget) -> str:
    parent = widget.parentWidget()
    return f"{type(widget).__name__} {widget.objectName()!r} in {parent.objectName() if parent else None!r}"


def assert_every_control_named(window) -> int:
    controls = [w for w in window.findChildren(QWidget) if is_control(w)]
    unnamed = [describe(w) for w in controls if not w.objectName().strip()]
    unspoken = [describe(w) for w in controls if not w.accessibleName().strip()]
    assert not unnamed, f"controls without an objectName: {unnamed}"
    assert not unspoken, f"controls without an accessible name: {unspoken}"
    return len(controls)


def test_every_control_has_an_object_name_and_an_accessible_name(qtbot, window):
    checked = assert_every_control_named(window)
    assert checked > 20
    select_a_connection(qtbot, window)
    assert window.inspector.findChild(QWidget, "weightSpin").isVisible()
    assert_every_control_named(window)
    # Every panel in turn at the front of its tab group: hidden panels' controls are named too.
    for dock in window.findChildren(QDockWidget):
        dock.raise_()
        QApplication.processEvents()
        assert_every_control_named(window)


def dock_of(widget: QWidget) -> QDockWidget | None:
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget


def showing(dock: QDockWidget) -> bool:
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def tab_round(qtbot, window, key: Qt.Key) -> list[QWidget]:
    """Press ``key`` from the canvas until focus comes back to it; the controls focus went to, in order."""
    window.canvas.setFocus()
    assert QApplication.focusWidget() is window.canvas
    visited: list[QWidget] = []
    for _ in range(400):
        qtbot.keyClick(QApplication.focusWidget(), key)
        focused = QApplication.focusWidget()
        assert focused is not None, f"{key.name} after {visited[-1:]} left nothing focused"
        if focused is window.canvas:
            return visited
        visited.append(focused)
    raise AssertionError(f"{key.name} never came back to the canvas: {[describe(w) for w in visited[-12:]]}")


def check_round(qtbot, window, key: Qt.Key) -> set[str]:
    visited = tab_round(qtbot, window, key)
    names = {w.objectName() for w in visited}
    hidden = [describe(w) for w in visited if (d := dock_of(w)) is not None and not showing(d)]
    assert not hidden, f"{key.name} went into panels hidden behind a tab: {hidden}"
    assert len(names) == len(visited), "focus came to a control twice in one round"
    for dock_name, controls in MAIN_CONTROLS.items():
        dock = window.findChild(QDockWidget, dock_name)
        if dock is not None and showing(dock):
            present = [(name, window.findChild(QWidget, name)) for name in controls]
            shown = [name for name, control in present if control is not None and is_control(control)]
            missing = [name for name in shown if name not in names]
            assert not missing, f"{key.name} does not reach {missing} in {dock_name}"
    for bar in panel_tab_bars(window):
        if bar.count() and bar.isVisible():
            assert bar.objectName() in names, f"{key.name} does not reach the tab bar {bar.accessibleName()}"
    return names


def test_tab_and_backtab_go_round_the_canvas_and_every_panel(qtbot, window):
    select_a_connection(qtbot, window)
    seen: set[str] = set()
    reached_docks: set[str] = set()
    # Each panel of each tab group comes to the front in turn; Tab and Shift+Tab reach what shows.
    for dock in [None, *window.findChildren(QDockWidget)]:
        if dock is not None:
            dock.raise_()
            QApplication.processEvents()
        forward = check_round(qtbot, window, Qt.Key.Key_Tab)
        backward = check_round(qtbot, window, Qt.Key.Key_Backtab)
        assert forward == backward
        seen |= forward
        reached_docks |= {d.objectName() for d in window.findChildren(QDockWidget) if showing(d)}
    assert set(MAIN_CONTROLS) <= reached_docks
    # Focus came back to the canvas after every round; each panel's main controls were reached in one.
    assert {"trainingTrain", "animationRun", "weightSpin", "paletteHidden", "padClear", "errorTruth"} <= seen


def test_backtab_visits_the_same_controls_in_the_opposite_order(qtbot, window):
    forward = [w.objectName() for w in tab_round(qtbot, window, Qt.Key.Key_Tab)]
    backward = [w.objectName() for w in tab_round(qtbot, window, Qt.Key.Key_Backtab)]
    assert backward == forward[::-1]
