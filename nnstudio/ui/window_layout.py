"""Where the studio's panels go around the canvas, for the room the window has.

Two arrangements, chosen by the window's height. Both keep the canvas in the middle as the largest thing,
trying things out on the left (drawing pad, answer) and changing the network on the right (inspector,
training), with the animation bar under the canvas:

- **compact** (a laptop: up to 1366x768, 1440x900): fewer, taller panels. The pad shares its place with the
  neuron palette and the samples as tabs; the answer with the error table and the dataset; the inspector
  with training, which has the whole height so its error plot is tall enough to read.
- **roomy** (1920x1080 and more): the palette has its own place above the pad, the answer its own under it,
  and the error table sits under training.

The side columns take a share of the window's width within bounds, so the canvas gets whatever is left.

While the arrangement is the studio's own, it follows the window: crossing from one arrangement to the other
re-arranges the panels, and every resize ends with the same split for the same size (so making the window
smaller and then larger again gives back the panels it had). Once the person moves a panel or drags a
divider, the arrangement is theirs and stays as they left it, until *View > Reset Layout*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QProxyStyle,
    QScrollArea,
    QStyle,
    QStyleOption,
    QTabBar,
    QToolBar,
    QWidget,
)

Area = Qt.DockWidgetArea
Group = tuple[str, ...]

# A window at least this tall (logical pixels) gets the roomy arrangement.
ROOMY_HEIGHT = 940
# Pixels added to what a panel needs: the main window's division of a column is off by a pixel or two.
ROUNDING_SLACK = 4
# How long after the last resize event the panels are fitted to the new size.
SETTLE_MS = 120

STATE_KEY = "window/state"
OWN_LAYOUT_KEY = "window/own_layout"
PALETTE = "paletteDock"
PAD = "padDock"

# The largest first window: on a 4K screen a window the size of the screen is more than a person wants.
LARGEST_FIRST_SIZE = QSize(2560, 1600)


@dataclass(frozen=True)
class Column:
    """Groups of docks from top to bottom; a group's docks are tabs, the first in front. ``shares`` are the
    parts of the column's height each group gets.

    With ``grow``, each group first gets what its panel needs (the pad and the answer should not scroll): a
    group that needs less than its share gives the rest to those that need more, and room beyond every
    need goes out by ``grow`` (to the drawing, say, not to the palette's empty space). Without it the shares
    hold (tables and plots use whatever room they get)."""

    groups: tuple[Group, ...]
    shares: tuple[float, ...]
    grow: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Arrangement:
    name: str
    left: Column
    right: Column
    bottom: Column

    def columns(self) -> tuple[tuple[Area, Column], ...]:
        return (
            (Area.LeftDockWidgetArea, self.left),
            (Area.RightDockWidgetArea, self.right),
            (Area.BottomDockWidgetArea, self.bottom),
        )

    def names(self) -> list[str]:
        return [name for _area, column in self.columns() for group in column.groups for name in group]


ANIMATION = Column((("animationDock",),), (1.0,))

COMPACT = Arrangement(
    "compact",
    left=Column(
        (("padDock", "paletteDock", "samplesDock"), ("outputsDock", "errorTableDock", "datasetDock")),
        (0.58, 0.42),
        grow=(0.8, 0.2),
    ),
    right=Column((("inspectorDock", "trainingDock", "challengesDock"),), (1.0,)),
    bottom=ANIMATION,
)

ROOMY = Arrangement(
    "roomy",
    left=Column(
        (("paletteDock", "samplesDock"), ("padDock",), ("outputsDock",)),
        (0.3, 0.44, 0.26),
        grow=(0.1, 0.8, 0.1),
    ),
    right=Column(
        (("inspectorDock", "trainingDock", "challengesDock"), ("errorTableDock", "datasetDock")), (0.62, 0.38)
    ),
    bottom=ANIMATION,
)


def arrangement_for(size: QSize) -> Arrangement:
    """The arrangement for a window of this size."""
    return ROOMY if size.height() >= ROOMY_HEIGHT else COMPACT


def column_widths(window_width: int) -> tuple[int, int]:
    """Widths of the left and right columns: a share of the window within bounds, the rest for the canvas."""
    left = max(250, min(360, round(window_width * 0.22)))
    right = max(264, min(480, round(window_width * 0.25)))
    return left, right


def first_window_size(available: QSize) -> QSize:
    """The window's size the first time it opens: nearly all of the screen, room left for its frame."""
    width = min(LARGEST_FIRST_SIZE.width(), int(available.width() * 0.95))
    height = min(LARGEST_FIRST_SIZE.height(), int(available.height() * 0.92))
    return QSize(width, height)


class DockLayout(QObject):
    """Arranges ``window``'s docks, follows its size while the arrangement is the studio's, and remembers
    whether the person made it their own. ``docks`` lists the window's docks when asked.

    ``laidOut``: the studio split the room between the canvas and the panels, and the window has laid them
    out (emitted once the new sizes are applied)."""

    laidOut = Signal()

    def __init__(self, window: QMainWindow, docks: Callable[[], list[QDockWidget]]) -> None:
        super().__init__(window)
        self.window = window
        self._docks = docks
        self.automatic = True
        self.current: Arrangement | None = None
        self._arranging = False
        self._signature: dict[str, tuple[int, bool, frozenset[str]]] | None = None
        self._separator_pressed = False
        # An empty network is built from the palette: where the palette shares a place, it comes to the front.
        self._building = False
        self._shown = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.follow_size)
        # The side columns reach the bottom edge: the animation bar sits under the canvas only.
        window.setCorner(Qt.Corner.BottomLeftCorner, Area.LeftDockWidgetArea)
        window.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
        window.installEventFilter(self)

    # ------------------------------------------------------------------ docks joining
    def watch(self, dock: QDockWidget) -> None:
        """Notice when the person floats ``dock`` or moves it to another side, and when its tab comes to the
        front or it is closed (its place's height is then divided for the panel now showing)."""
        dock.topLevelChanged.connect(self._on_dock_moved)
        dock.dockLocationChanged.connect(self._on_dock_moved)
        dock.visibilityChanged.connect(self._on_dock_shown_or_hidden)

    def _on_dock_shown_or_hidden(self, _visible: bool) -> None:
        if not self._window_alive():
            return
        if not self._arranging and self.automatic and self.current is not None and self.window.isVisible():
            self._settle.start()

    def _window_alive(self) -> bool:
        # While the window is torn down its docks still announce that they are hidden.
        return shiboken6.isValid(self.window) and shiboken6.isValid(self._settle)

    def _on_dock_moved(self, *_args: object) -> None:
        if not self._window_alive():
            return
        if not self._arranging and self.window.isVisible():
            self.automatic = False

    # ------------------------------------------------------------------ arranging
    def docks_by_name(self) -> dict[str, QDockWidget]:
        return {dock.objectName(): dock for dock in self._docks()}

    def arrange(self, arrangement: Arrangement | None = None, *, show_all: bool = False) -> None:
        """Put the docks where ``arrangement`` (by default the one for the window's size) places them.

        A panel the person closed stays closed, and a tab they brought to the front stays in front if it is
        still in the same group, unless ``show_all`` (a reset). Docks the arrangement does not name stay
        where they are.
        """
        window = self.window
        arrangement = arrangement or arrangement_for(window.size())
        docks = self.docks_by_name()
        named = [name for name in arrangement.names() if name in docks]
        shown = {name: show_all or not docks[name].isHidden() for name in named}
        # The first arrangement and a reset bring the first tab of each place to the front.
        fresh = show_all or self.current is None
        in_front = set() if fresh else {name for name in named if _in_front(docks[name])}
        self._arranging = True
        try:
            for name in named:
                dock = docks[name]
                if dock.isFloating():
                    dock.setFloating(False)
                window.removeDockWidget(dock)
            for area, column in arrangement.columns():
                orientation = (
                    Qt.Orientation.Horizontal
                    if area == Area.BottomDockWidgetArea
                    else Qt.Orientation.Vertical
                )
                for group in column.groups:
                    members = [docks[name] for name in group if name in docks]
                    if not members:
                        continue
                    window.addDockWidget(area, members[0], orientation)
                    for other in members[1:]:
                        window.tabifyDockWidget(members[0], other)
            for name in named:
                docks[name].setVisible(shown[name])
            for _area, column in arrangement.columns():
                for group in column.groups:
                    members = [docks[name] for name in group if name in docks and shown[name]]
                    front = [dock for dock in members if dock.objectName() in in_front] or members
                    if self._building and not in_front:
                        front = [dock for dock in members if dock.objectName() == PALETTE] or front
                    if front:
                        front[0].raise_()
            self.current = arrangement
            self.fit_sizes()
        finally:
            self._arranging = False
        # Which docks share a tab bar is known once the window has laid them out: noted just after.
        self._signature = None
        QTimer.singleShot(0, self, self._note_signature)

    def _note_signature(self) -> None:
        if self.automatic:
            self._signature = self._layout_signature()

    def fit_sizes(self) -> None:
        """Split the room between the canvas and the columns, and each column between its groups."""
        arrangement = self.current
        if arrangement is None:
            return
        window = self.window
        docks = self.docks_by_name()
        left_width, right_width = column_widths(window.width())
        sides: list[QDockWidget] = []
        widths: list[int] = []
        column_height = self._column_height()
        for area, column, width in (
            (Area.LeftDockWidgetArea, arrangement.left, left_width),
            (Area.RightDockWidgetArea, arrangement.right, right_width),
        ):
            shown = self._shown_groups(column, docks)
            if not shown:
                continue
            sides.append(shown[0][0])
            widths.append(width)
            if len(shown) > 1:
                heads = [head for head, _share, _grow in shown]
                shares = [share for _head, share, _grow in shown]
                # The places share what the dividers between them leave; a place's height counts its tab bar.
                room = column_height - (len(heads) - 1) * _separator(window)
                if column.grow is not None:
                    wanted = [_wanted_height(head, width) for head in heads]
                    grow = [weight for _head, _share, weight in shown]
                    heights = split_height(room, shares, wanted, grow)
                else:
                    heights = [round(room * share / sum(shares)) for share in shares]
                window.resizeDocks(heads, heights, Qt.Orientation.Vertical)
            del area
        if sides:
            window.resizeDocks(sides, widths, Qt.Orientation.Horizontal)
        QTimer.singleShot(0, self, self._announce_laid_out)

    def _announce_laid_out(self) -> None:
        if self._window_alive():
            self.laidOut.emit()

    def _shown_groups(
        self, column: Column, docks: dict[str, QDockWidget]
    ) -> list[tuple[QDockWidget, float, float]]:
        """(the dock in front, share, grow) for each group with a panel showing."""
        shown = []
        grow = column.grow or column.shares
        for group, share, weight in zip(column.groups, column.shares, grow, strict=True):
            members = [docks[name] for name in group if name in docks and not docks[name].isHidden()]
            if members:
                front = [dock for dock in members if _in_front(dock)] or members
                shown.append((front[0], share, weight))
        return shown

    def _column_height(self) -> int:
        """The height of a side column: the window less its menu bar, status bar and top and bottom toolbars."""
        window = self.window
        taken = window.menuBar().height() if window.menuBar().isVisible() else 0
        status = window.statusBar()
        taken += status.height() if status.isVisible() else 0
        for toolbar in window.findChildren(QToolBar):
            across = window.toolBarArea(toolbar) in (
                Qt.ToolBarArea.TopToolBarArea,
                Qt.ToolBarArea.BottomToolBarArea,
            )
            if (
                toolbar.parentWidget() is window
                and toolbar.isVisible()
                and not toolbar.isFloating()
                and across
            ):
                taken += toolbar.height()
        return max(1, window.height() - taken)

    def set_building(self, empty: bool) -> None:
        """The window shows another document: an empty one brings the neuron palette to the front, one with
        neurons the drawing pad (when they share a place), so what to do first is in view."""
        self._building = empty
        docks = self.docks_by_name()
        wanted = docks.get(PALETTE if empty else PAD)
        if wanted is None or wanted.isHidden() or not self.window.tabifiedDockWidgets(wanted):
            return
        wanted.raise_()

    def reset(self) -> None:
        """The studio's arrangement for this size again, every panel showing (View > Reset Layout)."""
        self.automatic = True
        self.arrange(show_all=True)

    # ------------------------------------------------------------------ following the window's size
    def follow_size(self) -> None:
        """After a resize: the arrangement for the new size, or the same split as before for this size."""
        self._settle.stop()
        if not self.window.isVisible():
            return
        if self._moved_by_hand():
            self.automatic = False  # a panel was moved into another group or place by hand
        if not self.automatic:
            return
        wanted = arrangement_for(self.window.size())
        if wanted != self.current:
            self.arrange(wanted)
        else:
            self.fit_sizes()

    def settling(self) -> bool:
        """True while a resize has not been followed yet."""
        return self._settle.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Resize and self.automatic and self.current is not None:
                self._settle.start()
                if arrangement_for(event.size()) != self.current:
                    # At once, not when the resize ends: the roomy arrangement's panels need more height than
                    # the compact one's, and a window being made shorter should not stop at that height.
                    QTimer.singleShot(0, self, self.follow_size)
            elif kind == QEvent.Type.MouseButtonPress:
                self._separator_pressed = self.window.isSeparator(event.position().toPoint())
            elif kind == QEvent.Type.MouseButtonRelease and self._separator_pressed:
                self._separator_pressed = False
                self.automatic = False  # the person sized the panels themselves
        return False

    def _layout_signature(self) -> dict[str, tuple[int, bool, frozenset[str]]]:
        """For each panel showing: its side, whether it floats, and the showing panels it shares a place with.

        Closed panels are left out: closing or reopening one is not moving it."""
        window = self.window
        showing = {dock.objectName() for dock in self._docks() if not dock.isHidden()}
        signature = {}
        for dock in self._docks():
            name = dock.objectName()
            if name not in showing:
                continue
            mates = frozenset(d.objectName() for d in window.tabifiedDockWidgets(dock)) & showing
            signature[name] = (window.dockWidgetArea(dock).value, dock.isFloating(), mates)
        return signature

    def _moved_by_hand(self) -> bool:
        """Whether a panel showing now and when the studio last arranged them has moved since."""
        if self._signature is None:
            return False
        now = self._layout_signature()
        both = now.keys() & self._signature.keys()
        return any(_same_place(now[name], both) != _same_place(self._signature[name], both) for name in both)

    # ------------------------------------------------------------------ remembering
    def save(self, settings: QSettings) -> None:
        settings.setValue(STATE_KEY, self.window.saveState())
        settings.setValue(OWN_LAYOUT_KEY, not self.automatic)

    def restore(self, settings: QSettings) -> bool:
        """Bring back the docks as they were left; True when they were the person's own arrangement.

        A studio arrangement is not restored as it was (it was for that window's size): only which panels
        were closed is kept, and the arrangement for this window's size is made when it shows.
        """
        state = settings.value(STATE_KEY)
        own = str(settings.value(OWN_LAYOUT_KEY, "false")).lower() == "true"
        if isinstance(state, QByteArray) and self.window.restoreState(state):
            self.automatic = not own
        self.prepare()
        return not self.automatic

    def prepare(self) -> None:
        """Arrange the docks for the window's size before it first shows (after every panel was added),
        unless the person's own arrangement was restored: arranged only when showing, the window would
        first grow to fit every dock in a column of its own."""
        if self.automatic and self.current is None:
            self.arrange()

    def on_show(self) -> None:
        """When the window shows, split the room now that it has its size; the first time, bring the tab
        for the document to the front (tabs raised before the window showed have no tab bar to go to)."""
        first = not self._shown
        self._shown = True
        if not self.automatic:
            return
        if self.current is None:
            self.arrange()
        else:
            self.fit_sizes()
        if first:
            QTimer.singleShot(0, self, lambda: self.set_building(self._building))


# Room either side of a panel tab's title (pixels): the style's usual room makes three titles too wide for a
# side column on a 1024-pixel screen, and they would be cut to "Drawing p…".
PANEL_TAB_SPACE = 8


class _PanelTabStyle(QProxyStyle):
    """The application's style, with less room beside the titles of the panels' tabs."""

    def pixelMetric(
        self, metric: QStyle.PixelMetric, option: QStyleOption | None = None, widget: QWidget | None = None
    ) -> int:
        if metric == QStyle.PixelMetric.PM_TabBarTabHSpace:
            return PANEL_TAB_SPACE
        return super().pixelMetric(metric, option, widget)


def compact_panel_tabs(window: QMainWindow) -> None:
    """Give the tab bars Qt makes for the window's tabbed panels narrower tabs, so their titles read whole."""
    style = window.findChild(_PanelTabStyle, "panelTabStyle")
    app_style = QApplication.style()
    if style is None or style.baseStyle().name() != app_style.name():
        if style is not None:
            style.deleteLater()
        style = _PanelTabStyle(app_style.name())
        style.setObjectName("panelTabStyle")
        style.setParent(window)
    for bar in window.findChildren(QTabBar):
        if bar.parentWidget() is window and bar.style() is not style:
            bar.setStyle(style)


def split_height(
    height: int, shares: list[float], wanted: list[int], grow: list[float] | None = None
) -> list[int]:
    """Heights for the places of a column ``height`` tall: each gets what it wants while that fits in its
    share; what others leave goes to those that want more (a tall pad takes what a short answer leaves);
    room beyond every want goes out by ``grow`` (by default the shares)."""
    total_share = sum(shares)
    base = [height * share / total_share for share in shares]
    if sum(wanted) <= height:
        weights = grow if grow is not None and sum(grow) > 0 else shares
        spare = height - sum(wanted)
        total = sum(weights)
        return [round(w + spare * weight / total) for w, weight in zip(wanted, weights, strict=True)]
    given = [min(w, b) for w, b in zip(wanted, base, strict=True)]
    left = height - sum(given)
    short = [w - g for w, g in zip(wanted, given, strict=True)]
    missing = sum(short)
    return [round(g + left * s / missing) if missing else round(g) for g, s in zip(given, short, strict=True)]


def _separator(window: QMainWindow) -> int:
    return window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, window)


def _tab_bar_height(dock: QDockWidget) -> int:
    """The height of the tab bar under ``dock`` when it shares its place with others, else 0."""
    window = dock.parentWidget()
    if not isinstance(window, QMainWindow) or not window.tabifiedDockWidgets(dock):
        return 0
    heights = [
        bar.height()
        for bar in window.findChildren(QTabBar)
        if bar.parentWidget() is window and bar.isVisible() and bar.count() > 1
    ]
    return max(heights, default=dock.fontMetrics().height() + 12)


def _wanted_height(dock: QDockWidget, width: int) -> int:
    """How tall ``dock``'s place would like to be at ``width``: its panel's height for that width, its title
    bar, and the tab bar under it when it shares its place."""
    content = dock.widget()
    if content is None:
        return dock.sizeHint().height()
    inner = content.widget() if isinstance(content, QScrollArea) and content.widget() is not None else content
    panel = inner.sizeHint().height()
    if inner.hasHeightForWidth():
        panel = max(panel, inner.heightForWidth(width))
    chrome = max(0, dock.minimumSizeHint().height() - content.minimumSizeHint().height())
    return panel + chrome + _tab_bar_height(dock) + ROUNDING_SLACK


def _same_place(place: tuple[int, bool, frozenset[str]], names: set[str]) -> tuple[int, bool, frozenset[str]]:
    """A dock's place as far as the panels in ``names`` go (others may have been closed or opened since)."""
    area, floating, mates = place
    return area, floating, mates & names


def _in_front(dock: QDockWidget) -> bool:
    """Showing, and not a tab behind another."""
    if dock.isHidden():
        return False
    if not dock.isVisible():
        return True  # the window is not showing yet: nothing is behind anything
    return not dock.visibleRegion().isEmpty()
