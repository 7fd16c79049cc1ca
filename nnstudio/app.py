"""Starting the studio: check the Qt binding, create the application and the window, run the event loop.

Qt is imported only after :func:`nnstudio.qt_guard.check_qt_binding` has passed, so a missing or broken
binding gives a clear message instead of a crash.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from nnstudio import __version__
from nnstudio.qt_guard import check_qt_binding

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from nnstudio.document.autosave import AutosaveStore
    from nnstudio.ui.main_window import MainWindow

DEFAULT_EXAMPLE = "four-pixel-camera"
APP_NAME = "nnstudio"
ORGANISATION = "nnstudio"
DESKTOP_FILE_NAME = "nnstudio"
ERROR_LOG_NAME = "errors.log"


def icon_path() -> Path:
    from nnstudio.examples import resources_dir

    return resources_dir() / "icons" / "nnstudio.svg"


def error_log_path() -> Path:
    from nnstudio.document.autosave import default_data_dir

    return default_data_dir() / "logs" / ERROR_LOG_NAME


def _show_refusal(message: str) -> None:
    """Show the guard's message in a dialog too, when a QApplication can be made at all."""
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication([APP_NAME])
        QMessageBox.critical(None, "nnstudio cannot start", message)
        del app
    except Exception:  # noqa: BLE001 - the message is on stderr already; a dialog is a courtesy
        pass


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with nnstudio's name, organisation, desktop file name and icon."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    icon = icon_path()
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    collect_garbage_on_gui_thread(app)
    if app.platformName() == "offscreen":
        # Qt's offscreen platform crashes on the way out while the clipboard holds what a Copy put there (a
        # self-test or a run without a display must still end cleanly); a real screen hands it over.
        app.aboutToQuit.connect(lambda: app.clipboard().clear())  # type: ignore[attr-defined]
    return app  # type: ignore[return-value]


def collect_garbage_on_gui_thread(app: QApplication) -> object:
    """Run Python's cycle collector from a timer on the GUI thread instead of wherever an allocation tips it.

    A collection frees every widget whose last references form a cycle, and Qt deletes a widget at once when
    its wrapper goes. Started by the training thread, or inside a paint or a signal Qt is still delivering
    to that widget, it crashes the studio; from the timer it happens between events on the GUI thread.
    Returns pyqtgraph's collector, one per application (its ``check`` collects now if enough has piled up).
    """
    import gc

    from pyqtgraph.util.garbage_collector import GarbageCollector

    collector = getattr(app, "_nnstudio_garbage_collector", None)
    if collector is None:
        collector = GarbageCollector(interval=1.0)
        app._nnstudio_garbage_collector = collector  # type: ignore[attr-defined]
    gc.disable()  # GarbageCollector does at its start; again here, should anything have turned it back on
    return collector


def create_main_window(
    path: Path | None = None,
    example: str | None = None,
    *,
    autosave_store: AutosaveStore | None = None,
    autosave_interval_ms: int | None = None,
    settings: QSettings | None = None,
) -> MainWindow:
    """The window with ``path`` open, or the built-in ``example`` (by default the four-pixel camera).

    A file or example that cannot be opened leaves the window with an empty network and says why.
    Needs a QApplication; does not show the window or run the event loop.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from nnstudio.document.fileformat import FormatError, load_document
    from nnstudio.examples import UnknownExampleError, example_info, load_example
    from nnstudio.ui.main_window import DocumentNotShown, MainWindow

    options = {
        "autosave_store": autosave_store,
        "autosave_interval_ms": autosave_interval_ms,
        "settings": settings,
    }
    problem: str | None = None
    document = title = None
    try:
        if path is not None:
            document = load_document(Path(path))
        else:
            name = example or DEFAULT_EXAMPLE
            document, title = load_example(name), example_info(name).title
    except (FormatError, UnknownExampleError) as exc:
        problem = str(exc)
    # The panels come first and the document after, through the same all-or-nothing opening as File >
    # Open: a file that some panel cannot show leaves the window empty and says why, instead of no window.
    window = MainWindow(None, **options)
    add_standard_panels(window)
    window.restore_panel_layout()
    if document is not None:
        try:
            window.set_document(document, Path(path) if path is not None else None, name=title)
        except DocumentNotShown as exc:
            problem = str(exc)
        else:
            if path is not None:
                window.remember_recent(Path(path))
    from nnstudio.ui.start_page import install_first_run

    install_first_run(window)
    if problem is not None:
        message = f"Could not open the network.\n\n{problem}"
        QTimer.singleShot(0, window, lambda: QMessageBox.warning(window, "Could not open", message))
    return window


def add_standard_panels(window: MainWindow) -> None:
    """Dock the studio's panels around the canvas and connect the ones that work together."""
    from PySide6.QtCore import Qt

    from nnstudio.ui.animation import AnimationBar
    from nnstudio.ui.challenges import install_challenges
    from nnstudio.ui.confusion import install_confusion
    from nnstudio.ui.error_tables import DatasetTable, ErrorTablePanel
    from nnstudio.ui.exchange_menu import install_exchange
    from nnstudio.ui.instruments import install_instruments
    from nnstudio.ui.instruments.receptive_gallery import install_views
    from nnstudio.ui.kernel_lab import install_labs
    from nnstudio.ui.outputs import OutputPanel
    from nnstudio.ui.pad import DrawingPad
    from nnstudio.ui.plane import install_plane
    from nnstudio.ui.samples import SamplesPanel
    from nnstudio.ui.training.panel import TrainingPanel

    area = Qt.DockWidgetArea
    pad_widget = DrawingPad()
    samples_widget = SamplesPanel(pad_widget)
    training_widget = TrainingPanel()
    dataset_widget = DatasetTable()
    animation_widget = AnimationBar(window.canvas)
    animation_widget.connect_training(training_widget)

    window.add_panel(pad_widget, "Drawing pad", area.LeftDockWidgetArea, "padDock")
    window.add_panel(samples_widget, "Samples", area.LeftDockWidgetArea, "samplesDock")
    # Panels that scroll their own long parts (settings, bars, table rows) need no scroll area around them:
    # one would scroll the whole panel, hiding the buttons and the totals that should stay in view.
    own_scrolling = {"scrollable": False}
    window.add_panel(training_widget, "Training", area.RightDockWidgetArea, "trainingDock", **own_scrolling)
    window.add_panel(OutputPanel(), "Answer", area.RightDockWidgetArea, "outputsDock", **own_scrolling)
    window.add_panel(
        ErrorTablePanel(), "Error table", area.RightDockWidgetArea, "errorTableDock", **own_scrolling
    )
    window.add_panel(dataset_widget, "Dataset", area.RightDockWidgetArea, "datasetDock", **own_scrolling)
    window.add_panel(
        animation_widget, "Animation", area.BottomDockWidgetArea, "animationDock", scrollable=False
    )
    window.connect_run_controls(training_widget, animation_widget)  # after the answer panel was added
    install_confusion(window)
    install_instruments(window)
    install_labs(window)
    install_plane(window)
    install_views(window)
    install_challenges(window)
    install_exchange(window)
    window.arrange_tools_menu()
    # Where each panel goes, and which share a place as tabs, depends on the window's size: see
    # nnstudio.ui.window_layout, which places these docks by their object names.


class ErrorReporter:
    """``sys.excepthook`` for the GUI: log the traceback, autosave, and tell the person in a short dialog.

    An error in a slot must never end the session or show a traceback to someone building a network.
    The autosave and the dialog are queued to the event loop: the hook is often called from inside a paint
    event or another handler, where a modal dialog's nested event loop repaints the widget being painted.
    """

    def __init__(
        self, log_path: Path, before_dialog: Callable[[], object] | None = None, show_dialogs: bool = True
    ) -> None:
        self.log_path = log_path
        self.before_dialog = before_dialog
        self.show_dialogs = show_dialogs
        self._reporting = False
        self._last_shown: tuple[str, float] | None = None
        self.previous_hook = sys.excepthook

    def install(self) -> None:
        self.previous_hook = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self.previous_hook

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous_hook(exc_type, exc, tb)
            return
        self._log(exc_type, exc, tb)
        if self._reporting:  # a message is queued or showing: the log has this one, do not stack dialogs
            return
        # An error that repeats (in every repaint, say) is shown once, not in an endless row of dialogs.
        what = f"{exc_type.__name__}: {exc}"
        now = time.monotonic()
        if self._last_shown is not None and self._last_shown[0] == what and now - self._last_shown[1] < 30:
            return
        self._last_shown = (what, now)
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is None:
            return
        self._reporting = True
        # Only the text travels: the traceback (and the frames it holds) is released when this returns.
        message = self.message(exc)
        QTimer.singleShot(0, app, lambda: self._tell(message))

    def _tell(self, message: str) -> None:
        try:
            if self.before_dialog is not None:
                try:
                    self.before_dialog()
                except Exception as inner:  # noqa: BLE001 - autosaving is best effort here
                    self._log(type(inner), inner, inner.__traceback__)
            if self.show_dialogs:
                from PySide6.QtWidgets import QApplication, QMessageBox

                from nnstudio.ui.plain_text import plain_message

                # The error's text may quote a name from a file: shown as written, never read as HTML.
                QMessageBox.critical(QApplication.activeWindow(), "nnstudio", plain_message(message))
        finally:
            self._reporting = False

    def message(self, exc: BaseException) -> str:
        what = str(exc) or type(exc).__name__
        return (
            f"Something went wrong: {what}\n\nYour work is autosaved. "
            f"The details were written to {self.log_path}."
        )

    def _log(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(f"--- {stamp} nnstudio {__version__}\n{text}\n")
        except OSError:
            sys.stderr.write(text)


def run_gui(path: Path | None = None, example: str | None = None, argv: Sequence[str] | None = None) -> int:
    """Start the studio and return its exit status (1 when the Qt binding is missing or broken)."""
    problem = check_qt_binding()
    if problem is not None:
        print(f"nnstudio: {problem}", file=sys.stderr)
        _show_refusal(problem)
        return 1
    from PySide6.QtCore import QTimer

    app = create_application(argv)
    window = create_main_window(path, example)
    reporter = ErrorReporter(error_log_path(), before_dialog=window.autosave.write_now)
    reporter.install()
    window.show()
    from nnstudio.ui.start_page import greet

    # The start page (with any unsaved work from last time) when started without a file, else recovery.
    QTimer.singleShot(0, window, lambda: greet(window, show_start=path is None and example is None))
    try:
        return app.exec()
    finally:
        reporter.uninstall()
