"""The window at the screen sizes people have: 1024x700, 1280x720, 1366x768 and 1920x1080.

At each size the window fits the screen, the canvas is the largest thing in it, no panel showing overlaps
another or is squeezed below its minimum size, and the error plot is tall enough to read. Resizing and
resizing back gives back the same panels; View > Reset Layout puts everything back; a layout the person
made their own is kept, and one the studio made is made again for the next window's size.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox, QTabBar, QToolButton, QWidget

from nnstudio.app import add_standard_panels, create_main_window
from nnstudio.engine.train import EpochEnd
from nnstudio.ui.main_window import MainWindow
from nnstudio.ui.window_layout import (
    COMPACT,
    ROOMY,
    ROOMY_HEIGHT,
    arrangement_for,
    first_window_size,
    split_height,
)

SCREENS = [QSize(1024, 700), QSize(1280, 720), QSize(1366, 768), QSize(1920, 1080)]
# What a desktop takes from a screen's height at most: a panel or task bar, and the window's title bar.
DESKTOP_FURNITURE = 70


def settle(qtbot, window: MainWindow) -> None:
    """Let the window lay itself out after a resize, as it does when a person stops dragging its edge.

    Then let it come to rest: laying out posts more work (a scroll area shows or hides its bars one round of
    events after it was resized), so events are processed until a round changes no widget's place, size or
    visibility. On a busy machine the panels are placed in the last round the wait sees."""
    QApplication.processEvents()
    qtbot.waitUntil(lambda: not window.dock_layout.settling(), timeout=5_000)
    before = None
    for _round in range(50):
        QApplication.processEvents()
        now = _widget_places(window)
        if now == before:
            return
        before = now
    raise AssertionError("the window did not come to rest after 50 rounds of events")


def _widget_places(window: QWidget) -> list[tuple[str, QRect, bool]]:
    return [
        (widget.objectName(), widget.geometry(), widget.isVisible())
        for widget in window.findChildren(QWidget)
    ]


def open_window(qtbot, size: QSize, example: str = "four-pixel-camera") -> MainWindow:
    window = create_main_window(example=example)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(size)  # a window filling the screen, as a maximised one does
    settle(qtbot, window)
    return window


def close(window: MainWindow) -> None:
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()


def in_window(widget: QWidget, window: MainWindow) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def showing(window: MainWindow) -> list[QDockWidget]:
    """The docks a person sees: not closed, not floating, not a tab behind another."""
    return [
        dock
        for dock in window.all_docks()
        if dock.isVisible() and not dock.isFloating() and not dock.visibleRegion().isEmpty()
    ]


def bring_to_front(qtbot, window: MainWindow, dock: QDockWidget) -> None:
    """Click the dock's tab, as a person would, when it shares its place with others."""
    if not dock.visibleRegion().isEmpty():
        return
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            if bar.isVisible() and bar.tabText(index) == dock.windowTitle():
                qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
                QApplication.processEvents()
                assert not dock.visibleRegion().isEmpty()
                return
    raise AssertionError(f"no tab for {dock.windowTitle()}")


def assert_fits(window: MainWindow, screen: QSize) -> None:
    """Nothing overlaps, nothing is squeezed, the canvas is the largest."""
    assert window.size() == screen, "the window could not be made as small as the screen"
    docks = showing(window)
    rects = {dock.windowTitle(): in_window(dock, window) for dock in docks}
    canvas = in_window(window.canvas, window)
    for title, rect in rects.items():
        assert window.rect().contains(rect), title
        assert not rect.intersects(canvas), f"{title} overlaps the canvas"
        for other, other_rect in rects.items():
            assert other == title or not rect.intersects(other_rect), f"{title} overlaps {other}"
    for dock in docks:
        wanted = dock.minimumSizeHint()
        assert dock.width() >= wanted.width() and dock.height() >= wanted.height(), dock.windowTitle()
        content = dock.widget()
        assert content.height() >= content.minimumSizeHint().height(), dock.windowTitle()
    area = canvas.width() * canvas.height()
    for title, rect in rects.items():
        assert area > rect.width() * rect.height(), f"{title} is larger than the canvas"


def assert_plot_readable(qtbot, window: MainWindow) -> None:
    training = window.panel_widget("trainingDock")
    dock = window.findChild(QDockWidget, "trainingDock")
    bring_to_front(qtbot, window, dock)
    bar = training.tabs.tabBar()
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(training.tabs.indexOf(training.plot_page)).center()
    )
    plot = training.plot
    # After an epoch with accuracy, the plot shows the accuracy strip and a key of two lines under it.
    plot.add_steps(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.8, 0.5]))
    plot.add_epoch(EpochEnd(1, 3, 0.8, 0.5, 0.9, 0.4))
    plot.redraw()
    QApplication.processEvents()
    assert plot.accuracy_plot.isVisible()
    assert plot.loss_plot.height() >= 180
    frame = in_window(dock, window)
    parts = [plot.scale_box, plot.loss_plot, plot.accuracy_plot, plot.key]
    for part in parts:
        assert frame.contains(in_window(part, window)), part.objectName()
    for a, b in zip(parts, parts[1:], strict=False):
        assert not in_window(a, window).intersects(in_window(b, window)), (a.objectName(), b.objectName())
    assert plot.key.height() >= plot.key.heightForWidth(plot.key.width())  # every line of the key shows


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s.width()}x{s.height()}")
def test_the_window_fits_each_screen(qtbot, screen):
    window = open_window(qtbot, screen)
    # With room left for a task bar and a title bar, it can still be made that small.
    smallest = window.minimumSizeHint()
    assert smallest.width() <= screen.width() and smallest.height() <= screen.height() - DESKTOP_FURNITURE
    assert window.dock_layout.current == arrangement_for(screen)
    assert_fits(window, screen)
    # The drawing pad and the answer show, whatever the size: they are what a newcomer tries first.
    titles = {dock.windowTitle() for dock in showing(window)}
    assert {"Drawing pad", "Answer"} <= titles
    assert_plot_readable(qtbot, window)
    assert_fits(window, screen)
    close(window)


def test_the_digit_reader_fits_the_smallest_screen(qtbot):
    screen = SCREENS[0]
    window = open_window(qtbot, screen, "digits")
    assert_fits(window, screen)
    pad = window.panel_widget("padDock")
    dock = window.findChild(QDockWidget, "padDock")
    frame = in_window(dock.widget(), window)
    for button in pad.findChildren(QToolButton):
        if button.isVisible():
            assert frame.contains(in_window(button, window)), button.objectName()
    answer = window.panel_widget("outputsDock")
    assert answer.columns == 2  # the ten digits in two columns, so all of them show
    viewport = answer.bars_scroll.viewport()
    for bar in answer.bars:
        assert viewport.rect().contains(QRect(bar.mapTo(viewport, QPoint(0, 0)), bar.size())), bar.label
    close(window)


def test_first_window_fits_the_screen_with_room_for_its_frame():
    for screen in [*SCREENS, QSize(3840, 2160)]:
        size = first_window_size(screen)
        assert size.width() <= screen.width() - 40 and size.height() <= screen.height() - 50
        assert size.width() >= min(screen.width() * 0.9, 2560)


def test_a_column_gives_each_panel_what_it_needs_first():
    # Both fit: the spare room is shared out by the shares.
    assert split_height(600, [0.6, 0.4], [300, 200]) == [360, 240]
    # Both fit, the pad needing more than its share: each gets what it needs, the rest by shares.
    assert split_height(600, [0.6, 0.4], [420, 150]) == [438, 162]
    # Not both: the answer needs less than its share, and what it leaves goes to the pad.
    assert split_height(600, [0.6, 0.4], [500, 150]) == [450, 150]
    # Neither fits: each keeps its share.
    assert split_height(600, [0.5, 0.5], [800, 800]) == [300, 300]


def test_resizing_and_back_gives_back_the_same_panels(qtbot):
    window = open_window(qtbot, QSize(1366, 768))
    before = {dock.windowTitle(): in_window(dock, window) for dock in showing(window)}
    for size in (QSize(1024, 700), QSize(1920, 1080), QSize(1100, 720), QSize(1366, 768)):
        window.resize(size)
        settle(qtbot, window)
    after = {dock.windowTitle(): in_window(dock, window) for dock in showing(window)}
    assert after == before
    # The pad's buttons are all in view again.
    pad_dock = window.findChild(QDockWidget, "padDock")
    frame = in_window(pad_dock.widget(), window)
    buttons = [b for b in window.panel_widget("padDock").findChildren(QToolButton) if b.isVisible()]
    assert buttons and all(frame.contains(in_window(b, window)) for b in buttons)
    close(window)


def test_a_tall_window_gives_the_palette_and_the_error_table_places_of_their_own(qtbot):
    window = open_window(qtbot, QSize(1920, 1080))
    assert window.dock_layout.current == ROOMY
    titles = {dock.windowTitle() for dock in showing(window)}
    assert {"Neurons", "Drawing pad", "Answer", "Error table"} <= titles
    # Made shorter, it takes the compact arrangement; it can be made short enough to get there.
    assert window.minimumSizeHint().height() < ROOMY_HEIGHT
    window.resize(1920, 800)
    settle(qtbot, window)
    assert window.dock_layout.current == COMPACT
    titles = {dock.windowTitle() for dock in showing(window)}
    assert "Neurons" not in titles and {"Drawing pad", "Answer", "Inspector"} <= titles
    close(window)


def test_reset_layout_puts_every_panel_back(qtbot):
    window = open_window(qtbot, QSize(1366, 768))
    expected = {dock.windowTitle(): in_window(dock, window) for dock in showing(window)}
    answer = window.findChild(QDockWidget, "outputsDock")
    answer.toggleViewAction().trigger()  # View > Panels > Answer: closed
    window.findChild(QDockWidget, "padDock").setFloating(True)  # the pad torn off as a window of its own
    settle(qtbot, window)
    assert not window.dock_layout.automatic
    assert not answer.isVisible()
    action = window.actions["reset_layout"]
    assert action in window.view_menu.actions() and action.text() == "&Reset Layout"
    action.trigger()
    settle(qtbot, window)
    assert window.dock_layout.automatic
    assert window.size() == QSize(1366, 768)
    assert {dock.windowTitle(): in_window(dock, window) for dock in showing(window)} == expected
    assert all(dock.isVisible() for dock in window.all_docks())
    close(window)


def test_a_layout_of_the_persons_own_is_kept_and_one_of_the_studios_is_made_again(qtbot):
    window = open_window(qtbot, QSize(1920, 1080))
    close(window)  # the studio's roomy arrangement, left as it was
    window = open_window(qtbot, QSize(1024, 700))
    assert window.dock_layout.automatic and window.dock_layout.current == COMPACT
    # The person moves the answer to the right side: from now on the arrangement is theirs.
    answer = window.findChild(QDockWidget, "outputsDock")
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, answer)
    settle(qtbot, window)
    assert not window.dock_layout.automatic
    window.resize(1920, 1080)
    settle(qtbot, window)
    assert window.dockWidgetArea(answer) == Qt.DockWidgetArea.RightDockWidgetArea
    close(window)
    window = open_window(qtbot, QSize(1920, 1080))
    assert not window.dock_layout.automatic
    answer = window.findChild(QDockWidget, "outputsDock")
    assert window.dockWidgetArea(answer) == Qt.DockWidgetArea.RightDockWidgetArea
    close(window)


def test_an_empty_network_shows_the_palette_and_one_with_neurons_the_pad(qtbot):
    window = open_window(qtbot, QSize(1366, 768))
    palette = window.findChild(QDockWidget, "paletteDock")
    pad = window.findChild(QDockWidget, "padDock")
    assert window.tabifiedDockWidgets(pad) and pad in showing(window)
    window.actions["new"].trigger()  # File > New: there is nothing to draw for yet, only neurons to add
    QApplication.processEvents()
    assert palette in showing(window) and pad not in showing(window)
    window.open_example("four-pixel-camera")
    QApplication.processEvents()
    assert pad in showing(window) and palette not in showing(window)
    close(window)


def test_dragging_a_divider_makes_the_layout_the_persons_own(qtbot):
    window = open_window(qtbot, QSize(1366, 768))
    pad = window.findChild(QDockWidget, "padDock")
    edge = in_window(pad, window)
    divider = QPoint(edge.right() + 3, edge.center().y())  # between the left column and the canvas
    assert window.isSeparator(divider)
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=divider)
    qtbot.mouseMove(window, divider + QPoint(40, 0))
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=divider + QPoint(40, 0))
    settle(qtbot, window)
    assert not window.dock_layout.automatic
    width = pad.width()
    window.resize(1300, 760)  # a resize keeps the person's widths instead of the studio's
    settle(qtbot, window)
    assert pad.width() == width
    close(window)


def test_a_window_opened_on_an_empty_network_shows_the_palette(qtbot):
    window = MainWindow()  # no document: an empty network to build
    qtbot.addWidget(window)
    add_standard_panels(window)
    window.restore_panel_layout()
    window.show()
    qtbot.waitExposed(window)
    window.resize(QSize(1024, 700))
    settle(qtbot, window)
    palette = window.findChild(QDockWidget, "paletteDock")
    assert window.tabifiedDockWidgets(palette) and palette in showing(window)
    close(window)


def test_a_tall_window_made_short_in_steps_gets_as_short_as_the_screen(qtbot):
    window = open_window(qtbot, QSize(1920, 1080))
    assert window.dock_layout.current == ROOMY
    # A person dragging the bottom edge up: the sizes come one after another, with no pause between them.
    for height in range(1060, 640, -40):
        window.resize(1920, height)
        QApplication.processEvents()
    settle(qtbot, window)
    assert window.dock_layout.current == COMPACT
    assert window.height() == 660
    close(window)


def test_a_tab_brought_to_the_front_gets_the_room_its_panel_needs(qtbot):
    window = open_window(qtbot, QSize(1024, 700), "digits")
    answer = window.findChild(QDockWidget, "outputsDock")
    table = window.findChild(QDockWidget, "errorTableDock")
    answer_height = answer.height()
    bring_to_front(qtbot, window, table)  # a table of ten rows wants more room than ten bars in two columns
    settle(qtbot, window)
    assert table.height() > answer_height
    assert_fits(window, QSize(1024, 700))
    close(window)


def test_closing_and_reopening_a_panel_keeps_the_studios_arrangement(qtbot):
    window = open_window(qtbot, QSize(1366, 768))
    training = window.findChild(QDockWidget, "trainingDock")
    toggle = training.toggleViewAction()  # View > Panels > Training
    toggle.trigger()
    settle(qtbot, window)
    toggle.trigger()
    settle(qtbot, window)
    window.resize(1920, 1080)
    settle(qtbot, window)
    assert window.dock_layout.automatic and window.dock_layout.current == ROOMY
    assert_fits(window, QSize(1920, 1080))
    close(window)


def test_after_a_run_and_every_panel_shown_the_window_still_fits_the_smallest_screen(qtbot):
    screen = SCREENS[0]
    window = open_window(qtbot, screen, "four-pixel-learner")
    try:
        training = window.panel_widget("trainingDock")
        bring_to_front(qtbot, window, window.findChild(QDockWidget, "trainingDock"))
        training.fastest.setChecked(True)
        with qtbot.waitSignal(training.controller.ended, timeout=60_000):
            qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
        settle(qtbot, window)
        # The run's timeline, its Rerun button and its progress line scroll in the panel: the window keeps
        # its size, and its status bar stays on the screen.
        assert training.timeline.isVisible() and training.timeline.rerun_button.isVisible()
        smallest = window.minimumSizeHint()
        assert smallest.width() <= screen.width() and smallest.height() <= screen.height() - DESKTOP_FURNITURE
        assert_fits(window, screen)
        assert window.rect().contains(in_window(window.statusBar(), window))
        for dock in window.all_docks():
            bring_to_front(qtbot, window, dock)
            settle(qtbot, window)
            smallest = window.minimumSizeHint()
            assert smallest.height() <= screen.height() - DESKTOP_FURNITURE, dock.windowTitle()
            assert smallest.width() <= screen.width(), dock.windowTitle()
            assert_fits(window, screen)
    finally:
        close(window)


@pytest.mark.parametrize("screen", SCREENS[:3], ids=lambda s: f"{s.width()}x{s.height()}")
def test_the_first_window_shows_the_whole_network_once_its_panels_settle(qtbot, screen):
    window = create_main_window(example="four-pixel-camera")
    qtbot.addWidget(window)
    window.resize(first_window_size(screen))  # as it opens on that screen, before it shows
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    try:
        canvas = window.canvas
        # The canvas's size after the panels settled: the network fits it, below the legend.
        view = canvas.viewport().rect()
        network = canvas.mapFromScene(canvas.canvas_scene.content_rect()).boundingRect()
        assert view.contains(network), (view, network)
        assert network.top() >= canvas.legend.geometry().bottom() - canvas.viewport().y()
        left_room, right_room = network.left(), view.right() - network.right()
        assert abs(left_room - right_room) <= max(8, view.width() // 20)  # in the middle
    finally:
        close(window)


@pytest.mark.parametrize("screen", SCREENS[:3], ids=lambda s: f"{s.width()}x{s.height()}")
def test_the_panel_tabs_read_whole(qtbot, screen):
    window = open_window(qtbot, screen)
    try:
        for size in (first_window_size(screen), screen):
            window.resize(size)
            settle(qtbot, window)
            bars = [bar for bar in window.findChildren(QTabBar) if bar.parentWidget() is window]
            shown = [bar for bar in bars if bar.isVisible() and bar.count() > 1]
            assert shown
            for bar in shown:
                for index in range(bar.count()):
                    # The tab is as wide as the style needs for the whole title: no "Drawing p…".
                    wanted = bar.tabSizeHint(index).width()
                    assert bar.tabRect(index).width() >= wanted, (size, bar.tabText(index))
    finally:
        close(window)


@pytest.mark.parametrize("example", ["four-pixel-camera", "digits"])
@pytest.mark.parametrize("screen", [QSize(1024, 700), QSize(1366, 768)], ids=["1024x700", "1366x768"])
def test_the_pad_and_the_answer_keep_their_sizes_while_the_right_hand_tabs_change(qtbot, screen, example):
    window = open_window(qtbot, screen, example)
    try:
        left = [window.findChild(QDockWidget, name) for name in ("padDock", "outputsDock")]
        before = [in_window(dock, window) for dock in left]
        for name in ("trainingDock", "challengesDock", "inspectorDock", "trainingDock"):
            bring_to_front(qtbot, window, window.findChild(QDockWidget, name))
            settle(qtbot, window)
            assert [in_window(dock, window) for dock in left] == before, name
    finally:
        close(window)


@pytest.mark.parametrize("example", ["four-pixel-camera", "digits"])
@pytest.mark.parametrize(
    "screen",
    [QSize(1024, 700), first_window_size(QSize(1024, 700)), QSize(1366, 768)],
    ids=["1024x700", "first-window-on-1024x700", "1366x768"],
)
def test_the_drawing_pad_fits_its_dock_without_scrolling(qtbot, screen, example):
    window = open_window(qtbot, screen, example)
    try:
        pad = window.panel_widget("padDock")
        scroll = window.findChild(QDockWidget, "padDock").widget()
        assert not scroll.verticalScrollBar().isVisible() and not scroll.horizontalScrollBar().isVisible()
        view = in_window(scroll.viewport(), window)
        for widget in pad.findChildren(QWidget):
            if widget.isVisible() and widget.objectName().startswith("pad"):
                assert view.contains(in_window(widget, window)), widget.objectName()
    finally:
        close(window)


def test_the_digit_readers_error_table_shows_all_ten_rows_at_1366(qtbot):
    window = open_window(qtbot, QSize(1366, 768), "digits")
    try:
        bring_to_front(qtbot, window, window.findChild(QDockWidget, "errorTableDock"))
        settle(qtbot, window)
        table = window.panel_widget("errorTableDock").table
        viewport = table.viewport().rect()
        assert table.rowCount() == 10
        for row in range(table.rowCount()):
            cell = table.visualRect(table.model().index(row, 0))
            assert viewport.contains(cell), row
    finally:
        close(window)
