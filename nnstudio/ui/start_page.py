"""The start page: what a person sees first, and the way back to it from the Help menu.

Three ways in, side by side: open one of the built-in examples, build a network of one's own from an empty
canvas, or continue where one left off (a recent file, or unsaved work that autosave kept when the studio
ended unexpectedly). Below them, the guided tour on the four-pixel camera (:mod:`nnstudio.ui.tour`).

It shows when the studio starts without a file to open, until the person unticks "Show this page when
nnstudio starts"; that choice is kept in the studio's settings. The window calls :func:`install_first_run`
to get the Help menu's Start Page and Guided Tour, and :func:`greet` once it is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.autosave import Recovery
from nnstudio.examples import list_examples
from nnstudio.ui.autosave_controller import in_use_elsewhere, remove_stale_locks
from nnstudio.ui.gallery import ExampleThumbnails
from nnstudio.ui.plain_text import plain_tooltip
from nnstudio.ui.tour import GuidedTour, tour_done

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow

# Settings key: show the start page when the studio starts without a file (true until the person says no).
SHOW_AT_START_KEY = "firstRun/showStartPage"
# The example the start page offers first: the one the seeds begin with.
FIRST_EXAMPLE = "four-pixel-camera"
# Where an example's item keeps its description (shown under the list for the chosen one).
_DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 1
# The example pictures' size on the start page (the gallery's, smaller: several rows show at once).
START_THUMBNAIL_SIZE = QSize(140, 84)


def shows_at_start(settings: QSettings) -> bool:
    """Whether the start page greets the person when the studio starts without a file."""
    value = settings.value(SHOW_AT_START_KEY, True)
    return value not in (False, "false", "0", 0)


def _named(widget: QWidget, name: str, accessible: str, tip: str = "") -> None:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(plain_tooltip(tip))


def _heading_font(parent: QWidget) -> QFont:
    """A group's title: bold and a little larger (the group's contents set their own, plain font back)."""
    font = QFont(parent.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    return font


def _plain_font(parent: QWidget) -> QFont:
    """The normal font, said explicitly, so a group's bold title does not pass on to what is in it."""
    font = QFont(parent.font())
    font.setBold(False)
    font.setPointSizeF(parent.font().pointSizeF())
    return font


def recoverable_work(window: MainWindow) -> list[Recovery]:
    """Autosaved copies of unsaved work from an earlier session that no running studio has open."""
    store = window.autosave.store
    remove_stale_locks(store)
    store.remove_leftovers()
    return [r for r in store.recoverable() if r.key != window.autosave.key and not in_use_elsewhere(store, r)]


def _describe_recovery(recovery: Recovery) -> str:
    title = recovery.title or "Untitled network"
    when = recovery.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"Unsaved work: {title} (autosaved {when})"


class StartPage(QDialog):
    """Open an example, build your own, continue where you left off; or take the guided tour."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        _named(self, "startPage", "Start page")
        self.setWindowTitle("Welcome to nnstudio")
        self.setModal(False)

        intro = QLabel(
            "Build a neural network by hand and watch it think: every neuron shows its value, every"
            " connection its weight, and the answer changes as you draw.",
            self,
        )
        intro.setWordWrap(True)
        _named(intro, "startIntro", "What nnstudio is")

        # ---- open an example
        examples_box = QGroupBox("Open an example", self)
        _named(examples_box, "startExamplesBox", "Open an example")
        examples_box.setFont(_heading_font(self))
        # Each example with its picture (the gallery's, drawn by the same code), in a grid of tiles.
        self.examples = QListWidget(examples_box)
        self.examples.setFont(_plain_font(self))
        self.examples.setViewMode(QListView.ViewMode.IconMode)
        self.examples.setIconSize(START_THUMBNAIL_SIZE)
        self.examples.setGridSize(
            QSize(START_THUMBNAIL_SIZE.width() + 24, START_THUMBNAIL_SIZE.height() + self._tile_text_height())
        )
        self.examples.setWordWrap(True)
        self.examples.setMovement(QListView.Movement.Static)
        self.examples.setResizeMode(QListView.ResizeMode.Adjust)
        self.examples.setUniformItemSizes(True)
        self.examples.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.thumbnails = ExampleThumbnails(self)
        _named(
            self.examples,
            "startExamples",
            "Examples",
            "Double-click an example, or press Enter, to open it",
        )
        # The titles in the list, the chosen one's description under it: every title fits without scrolling.
        self.example_text = QLabel(examples_box)
        self.example_text.setFont(_plain_font(self))
        self.example_text.setWordWrap(True)
        self.example_text.setTextFormat(Qt.TextFormat.PlainText)
        self.example_text.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.example_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        _named(self.example_text, "startExampleText", "What the chosen example is")
        self.examples.currentItemChanged.connect(self._describe_example)
        for info in list_examples():
            item = QListWidgetItem(info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            item.setData(_DESCRIPTION_ROLE, info.description)
            item.setToolTip(plain_tooltip(info.description))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.examples.addItem(item)
            self.thumbnails.add(item, info)
            if info.name == FIRST_EXAMPLE:
                self.examples.setCurrentItem(item)
        self.examples.itemActivated.connect(lambda _item: self.open_chosen_example())
        self.open_example_button = QPushButton("&Open Example", examples_box)
        _named(self.open_example_button, "startOpenExample", "Open the chosen example")
        self.open_example_button.clicked.connect(self.open_chosen_example)
        examples_layout = QVBoxLayout(examples_box)
        examples_layout.addWidget(self.examples, 1)
        examples_layout.addWidget(self.example_text)
        examples_layout.addWidget(self.open_example_button, 0, Qt.AlignmentFlag.AlignRight)

        # ---- build your own
        build_box = QGroupBox("Build your own", self)
        _named(build_box, "startBuildBox", "Build your own")
        build_box.setFont(_heading_font(self))
        build_text = QLabel(
            "Start from an empty canvas: drag neurons from the Neurons panel, connect them, and set"
            " their weights in the Inspector.",
            build_box,
        )
        build_text.setFont(_plain_font(self))
        build_text.setWordWrap(True)
        _named(build_text, "startBuildText", "How to build your own")
        self.new_button = QPushButton("&New Empty Network", build_box)
        _named(self.new_button, "startNew", "New empty network")
        self.new_button.clicked.connect(self.build_new)
        build_layout = QVBoxLayout(build_box)
        build_layout.addWidget(build_text)
        build_layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignRight)

        # ---- continue where you left off
        continue_box = QGroupBox("Continue where you left off", self)
        _named(continue_box, "startContinueBox", "Continue where you left off")
        continue_box.setFont(_heading_font(self))
        self.recent = QListWidget(continue_box)
        self.recent.setFont(_plain_font(self))
        self.recent.setWordWrap(True)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        _named(
            self.recent,
            "startRecent",
            "Recent files and unsaved work",
            "Double-click, or press Enter, to open it again",
        )
        self.recent.itemActivated.connect(self._continue_with)
        self.open_file_button = QPushButton("Open &File...", continue_box)
        _named(self.open_file_button, "startOpenFile", "Open a network file")
        self.open_file_button.clicked.connect(self.open_file)
        continue_layout = QVBoxLayout(continue_box)
        continue_layout.addWidget(self.recent, 1)
        continue_layout.addWidget(self.open_file_button, 0, Qt.AlignmentFlag.AlignRight)
        self.fill_recent()

        right = QVBoxLayout()
        right.addWidget(build_box)
        right.addWidget(continue_box, 1)
        columns = QHBoxLayout()
        columns.addWidget(examples_box, 3)
        columns.addLayout(right, 2)

        # ---- the tour, and whether to come back
        self.tour_button = QPushButton("New here? Take the &Guided Tour (2 minutes)", self)
        _named(
            self.tour_button,
            "startTour",
            "Take the guided tour",
            "Four short steps on the four-pixel camera: paint a line, read the answer, change a weight,"
            " press Train",
        )
        self.tour_button.clicked.connect(self.take_tour)
        # The first thing to try, above the three ways in, in larger type.
        self.tour_button.setFont(_heading_font(self))
        self.tour_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.tour_button.setMinimumHeight(self.fontMetrics().height() * 3)
        self.show_at_start = QCheckBox("&Show this page when nnstudio starts", self)
        _named(self.show_at_start, "startShowAtStart", "Show the start page when nnstudio starts")
        self.show_at_start.setChecked(shows_at_start(window.settings))
        self.show_at_start.toggled.connect(self._remember_show_at_start)
        self.close_button = QPushButton("&Close", self)
        _named(self.close_button, "startClose", "Close the start page")
        self.close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.show_at_start)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tour_button)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)
        # The tour is the first thing to try until it was taken or skipped once.
        first_time = not tour_done(window.settings)
        self.tour_button.setDefault(first_time)
        self.tour_button.setAutoDefault(first_time)
        (self.tour_button if first_time else self.examples).setFocus()
        self.resize(self._first_size())

    def _tile_text_height(self) -> int:
        """Room under a tile's picture for its title on up to three lines."""
        return self.fontMetrics().lineSpacing() * 3 + 10

    def _first_size(self) -> QSize:
        """Large enough for a few rows of example tiles, never larger than the screen leaves room for."""
        wanted = QSize(960, 640)
        screen = self.window_.screen()
        if screen is None:
            return wanted
        room = screen.availableGeometry().size()
        return wanted.boundedTo(QSize(room.width() - 40, room.height() - 60))

    def done(self, result: int) -> None:
        self.thumbnails.stop()  # a closed page draws no more pictures
        super().done(result)

    def _describe_example(self, item: QListWidgetItem | None) -> None:
        self.example_text.setText("" if item is None else str(item.data(_DESCRIPTION_ROLE) or ""))

    # ------------------------------------------------------------------ continue
    def fill_recent(self) -> None:
        """Unsaved work first (it exists nowhere else), then the recent files that still exist."""
        self.recent.clear()
        for recovery in recoverable_work(self.window_):
            item = QListWidgetItem(_describe_recovery(recovery))
            item.setData(Qt.ItemDataRole.UserRole, recovery)
            font = QFont(self.recent.font())
            font.setBold(True)
            item.setFont(font)
            item.setToolTip(
                plain_tooltip("nnstudio ended before this was saved; open it to keep working and save it")
            )
            self.recent.addItem(item)
        for path in self.window_.recent_files():
            if not path.exists():
                continue
            item = QListWidgetItem(f"{path.name}    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(plain_tooltip(str(path)))
            self.recent.addItem(item)
        if self.recent.count() == 0:
            empty = QListWidgetItem("Nothing yet: networks you save will be listed here.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(empty)
        else:
            self.recent.setCurrentRow(0)

    def _continue_with(self, item: QListWidgetItem) -> None:
        chosen = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(chosen, Recovery):
            opened = self.window_.recover(chosen)
        elif isinstance(chosen, str):
            opened = self.window_.open_recent(Path(chosen))
        else:
            return
        if opened:
            self.close()
        else:
            self.fill_recent()

    # ------------------------------------------------------------------ the other ways in
    def open_chosen_example(self) -> bool:
        item = self.examples.currentItem()
        if item is None:
            return False
        opened = self.window_.open_example(str(item.data(Qt.ItemDataRole.UserRole)))
        if opened:
            self.close()
        return opened

    def build_new(self) -> bool:
        made = self.window_.new_document()
        if made:
            self.close()
        return made

    def open_file(self) -> bool:
        opened = self.window_.open_file()
        if opened:
            self.close()
        return opened

    def take_tour(self) -> GuidedTour | None:
        self.close()
        return start_tour(self.window_)

    def _remember_show_at_start(self, shown: bool) -> None:
        self.window_.settings.setValue(SHOW_AT_START_KEY, shown)


# ---------------------------------------------------------------------------------------------- the hooks
def show_start_page(window: MainWindow) -> StartPage:
    """Show the start page over the window (one at a time; shown again, it lists the files anew)."""
    page = window.findChild(StartPage, "startPage")
    if page is None:
        page = StartPage(window)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    else:
        page.fill_recent()
    page.show()
    page.raise_()
    page.activateWindow()
    return page


def start_tour(window: MainWindow) -> GuidedTour | None:
    """Start the guided tour, ending one already under way; None if the person kept their unsaved work."""
    running = window.findChild(GuidedTour)
    if running is not None:
        running.end(finished=False)
    tour = GuidedTour(window)
    return tour if tour.begin() else None


def install_first_run(window: MainWindow) -> None:
    """Put Start Page and Guided Tour at the top of the window's Help menu."""
    help_menu = window.menuBar().findChild(QMenu, "helpMenu")
    first = help_menu.actions()[0] if help_menu is not None and help_menu.actions() else None
    for key, text, slot, tip in (
        ("start_page", "&Start Page", show_start_page, "Open an example, build your own or continue"),
        ("tour", "Guided &Tour", start_tour, "Four short steps on the four-pixel camera"),
    ):
        action = QAction(text, window)
        action.setObjectName(f"action_{key}")
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False, run=slot: run(window))
        window.actions[key] = action
        if help_menu is not None:
            help_menu.insertAction(first, action)
    if help_menu is not None:
        help_menu.insertSeparator(first)
    window.actions["start_page"].setShortcut(QKeySequence("Ctrl+Shift+H"))


def greet(window: MainWindow, show_start: bool = True) -> None:
    """What the person sees once the window is up: the start page (which lists any unsaved work kept
    from an earlier session) when the studio started without a file and the page is wanted; otherwise the
    question about that unsaved work, if there is any."""
    if show_start and shows_at_start(window.settings):
        show_start_page(window)
    else:
        window.offer_recovery()
