"""Moving through the window with Tab and Shift+Tab.

Qt's own Tab order follows a chain of widgets made in the order they were created, and the studio's panels
are made apart from the window and then docked: the chain went from the canvas into the Neurons palette
hidden behind the Drawing pad's tab, through the pad and back to the canvas, and never reached the Training,
Answer, Error table, Dataset or Animation panels. Here the order is worked out from what shows: the canvas
first, then each panel and tab bar in reading order (top to bottom down each column, columns from left to
right), each panel's controls in the order they were laid out. A panel hidden behind another's tab is not
visited until its tab is chosen (the tab bar is a stop of its own, with the arrow keys to choose).

The window's tab bars for tabbed panels are made by Qt as panels are tabbed together; they are named here
after the panels they hold, so a screen reader can say what they are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QMainWindow,
    QTabBar,
    QWidget,
)


def takes_tab_focus(widget: QWidget) -> bool:
    """True for a control Tab may stop at: shown, enabled, taking focus from Tab, not a part of another
    control (a spin box's or combo box's text field, a view's viewport that hands focus on)."""
    if not (widget.isVisible() and widget.isEnabled()):
        return False
    if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or widget.focusProxy() is not None:
        return False
    return not isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox)


def _showing(widget: QWidget) -> bool:
    """A dock tabbed behind another stays 'visible' to Qt but shows nothing: it has no visible region."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _units(window: QMainWindow) -> list[QWidget]:
    """The parts of the window Tab goes through in turn: the central widget, each showing docked panel,
    each tab bar of tabbed panels and any other child of the window (a tour's card), in reading order."""
    central = window.centralWidget()
    others: list[QWidget] = []
    for child in window.children():
        if not isinstance(child, QWidget) or child is central or child.isWindow() or not _showing(child):
            continue
        if isinstance(child, QDockWidget) and child.isFloating():
            continue
        others.append(child)

    def reading_order(widget: QWidget) -> tuple[int, int]:
        return widget.x(), widget.y()

    # Columns first: a panel's column is where its left edge is; inside a column, top to bottom.
    others.sort(key=reading_order)
    return ([central] if central is not None and central.isVisible() else []) + others


def tab_stops(window: QMainWindow) -> list[QWidget]:
    """Every control Tab reaches in the window, in the order it reaches them."""
    stops: list[QWidget] = []
    for unit in _units(window):
        candidates = [unit, *unit.findChildren(QWidget)]
        stops.extend(w for w in candidates if w.window() is window and takes_tab_focus(w))
    return stops


def _stop_holding(stops: list[QWidget], widget: QWidget | None, window: QWidget) -> int:
    """The index of the stop that is ``widget`` or holds it, or -1."""
    while widget is not None and widget is not window:
        if widget in stops:
            return stops.index(widget)
        widget = widget.parentWidget()
    return -1


def move_focus(window: QMainWindow, forward: bool) -> bool:
    """Give focus to the next (or previous) control after the one that has it; False if there is none.

    A control that hands its focus on to a part of it (the drawing pad to its picture) is passed over when
    that part is where focus already was, so Shift+Tab never bounces between the two.
    """
    stops = tab_stops(window)
    if not stops:
        return False
    start = _stop_holding(stops, window.focusWidget(), window)
    step = 1 if forward else -1
    reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
    index = start if start >= 0 else (-1 if forward else 0)
    for _ in range(len(stops)):
        index = (index + step) % len(stops)
        stops[index].setFocus(reason)
        landed = _stop_holding(stops, window.focusWidget(), window)
        if landed != start or start < 0:
            return True
    return True


def name_panel_tabs(window: QMainWindow) -> None:
    """Name the window's tab bars of tabbed panels after the panels they hold (Qt makes them unnamed)."""
    for bar in window.findChildren(QTabBar):
        if bar.parentWidget() is not window:
            continue  # a tab widget's own tab bar, named with its tab widget
        titles = [bar.tabText(index).replace("&", "") for index in range(bar.count())]
        if titles:
            bar.setObjectName("panelTabs_" + "_".join(title.replace(" ", "") for title in titles))
            bar.setAccessibleName(f"Panels: {', '.join(titles)}")
        else:
            bar.setObjectName("panelTabs_unused")
            bar.setAccessibleName("Panel tabs (none)")
