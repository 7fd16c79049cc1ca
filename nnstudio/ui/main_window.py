"""The studio window: the canvas in the middle, docks around it, menus, files, autosave.

The window owns the open document, its :class:`~nnstudio.ui.live.LiveNetwork` and its undo stack; every
view gets them through ``bind(live, undo_stack)``, again each time another document is opened. The
modified mark follows the undo stack's clean state. Every way of dropping unsaved work goes through
:meth:`MainWindow.maybe_save`.

What the window is built from lives beside it: the actions and menus in :mod:`~nnstudio.ui.menu_bar`,
Train/Pause/Stop/Step/Randomize and the Run toolbar in :mod:`~nnstudio.ui.run_controls`, File > Open
Recent in :mod:`~nnstudio.ui.recent_files`, the status bar's size and problem line in
:mod:`~nnstudio.ui.network_status`, the help texts in :mod:`~nnstudio.ui.help_dialogs`.
"""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QShowEvent,
    QUndoGroup,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QWidget,
)

from nnstudio.document.atomic import SaveError, remove_stale_temps
from nnstudio.document.autosave import AutosaveStore, Recovery
from nnstudio.document.fileformat import FormatError, load_document, save_document
from nnstudio.document.model import Document
from nnstudio.engine.graph import Network
from nnstudio.engine.parameters import ParameterSnapshot
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import TrainingError, initialise
from nnstudio.examples import UnknownExampleError, example_info, load_example, resources_dir
from nnstudio.ui import menu_bar
from nnstudio.ui.autosave_controller import (
    AutosaveController,
    RecoveryDialog,
    in_use_elsewhere,
    remove_stale_locks,
)
from nnstudio.ui.canvas import NetworkCanvas, NeuronPalette
from nnstudio.ui.commands import SetAllParameters, SetDocumentProperties
from nnstudio.ui.gallery import ExampleGallery
from nnstudio.ui.help_dialogs import HELP_TEXT as HELP_TEXT  # still importable from here
from nnstudio.ui.help_dialogs import build_help_dialog, show_about_box
from nnstudio.ui.inspector import Inspector
from nnstudio.ui.keyboard import move_focus, name_panel_tabs
from nnstudio.ui.live import LiveNetwork, opening_sample
from nnstudio.ui.network_status import NetworkStatus
from nnstudio.ui.network_status import network_size_text as network_size_text  # still importable from here
from nnstudio.ui.panel import Panel
from nnstudio.ui.plain_text import plain_message
from nnstudio.ui.properties_dialog import (
    DocumentProperties,
    NetworkPropertiesDialog,
    properties_problem,
)
from nnstudio.ui.recent_files import RecentFiles
from nnstudio.ui.run_controls import RunControls
from nnstudio.ui.settings import studio_settings
from nnstudio.ui.window_layout import DockLayout, compact_panel_tabs, first_window_size

FILE_FILTER = "nnstudio networks (*.nnet)"
FILE_SUFFIX = ".nnet"

_FOLDER_KEY = "files/last_folder"
_SCHEME_KEY = "view/colour_scheme"
_GEOMETRY_KEY = "window/geometry"

Button = QMessageBox.StandardButton


class DocumentNotShown(RuntimeError):
    """A document passed every check of its file but the window could not show it; it still shows the
    document it had."""


def empty_document() -> Document:
    return Document(network=Network())


def _default_folder() -> Path:
    """The person's Documents folder, or their home folder when there is none (a file dialog offered a
    folder that does not exist opens in the working directory)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _file_stem(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in " -_" else " " for c in name).strip()
    return " ".join(cleaned.split())[:80] or "Untitled"


class MainWindow(QMainWindow):
    """One document in one window. ``documentReplaced()`` after another document was opened."""

    documentReplaced = Signal()

    def __init__(
        self,
        document: Document | None = None,
        path: Path | None = None,
        *,
        name: str | None = None,
        settings: QSettings | None = None,
        autosave_store: AutosaveStore | None = None,
        autosave_interval_ms: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName("nnstudio")
        self.settings = settings if settings is not None else studio_settings()
        store = autosave_store if autosave_store is not None else AutosaveStore()
        self.autosave = AutosaveController(store, self, autosave_interval_ms)
        self.autosave.failed.connect(self._show_status)
        self._undo_group = QUndoGroup(self)
        self.document: Document = empty_document()
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._path: Path | None = None
        self._name: str | None = None
        self._recovered_changes = False
        self._change_count = 0
        self._panels: list[tuple[QDockWidget, Panel]] = []
        self._help_dialog: QDialog | None = None

        self.canvas = NetworkCanvas()
        self.setCentralWidget(self.canvas)
        # Where the docks go for the window's size (window_layout); made before any dock is.
        self.dock_layout = DockLayout(self, self.all_docks)
        # The panels settle after the canvas first fitted the network to a size it no longer has.
        self.dock_layout.laidOut.connect(self._refit_canvas)
        self.documentReplaced.connect(
            lambda: self.dock_layout.set_building(not self.document.network.neurons)
        )
        self.palette = NeuronPalette()
        self.palette.attach_canvas(self.canvas)
        area = Qt.DockWidgetArea
        self.palette_dock = self._make_dock(
            self._scrolling(self.palette, "paletteScroll", "Neurons"),
            "Neurons",
            area.LeftDockWidgetArea,
            "paletteDock",
        )
        self.inspector = Inspector()
        self.inspector_dock = self._make_dock(
            self.inspector, "Inspector", area.RightDockWidgetArea, "inspectorDock"
        )
        self.canvas.selectionChangedIds.connect(self.inspector.show_selection)
        self.inspector.kernelRequested.connect(self.canvas.show_kernel)
        self.canvas.statusMessage.connect(self._show_status)
        self.inspector.statusMessage.connect(self._show_status)

        self.actions: dict[str, QAction] = {}
        self.run_controls = RunControls(self, partial(menu_bar.add_action, self))
        menu_bar.build_actions(self, self._undo_group)
        self.recent = RecentFiles(
            self.settings, self, lambda path: self.open_recent(path), lambda text: self._show_status(text)
        )
        self.recent_menu = self.recent.menu
        # Where the tools, panels and the Run toolbar go (set by build_menus).
        self.view_menu: QMenu
        self.panels_menu: QMenu
        self.tools_menu: QMenu
        self.run_toolbar: QToolBar
        menu_bar.build_menus(self)
        self.statusBar().setObjectName("statusBar")
        self.network_status = NetworkStatus(self.statusBar())
        self.size_label = self.network_status.size_label
        self.problem_label = self.network_status.problem_label
        try:
            self.set_document(document if document is not None else empty_document(), path, name=name)
        except DocumentNotShown as exc:
            self.set_document(empty_document())
            what = path.name if path is not None else f"“{name or 'The network'}”"
            problem = exc  # the name ``exc`` ends with the except block; the message is shown later
            QTimer.singleShot(0, self, lambda: self._show_document_failure(what, problem))
        self.apply_colour_scheme(str(self.settings.value(_SCHEME_KEY, "classic")))
        self._fit_to_screen()
        self._restore_layout()

    # ================================================================== building
    def _fit_to_screen(self) -> None:
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            self.resize(1400, 900)
            return
        self.resize(first_window_size(screen.availableGeometry().size()))

    @staticmethod
    def _scrolling(widget: QWidget, object_name: str, title: str) -> QScrollArea:
        """``widget`` in a scroll area, so its dock can be smaller than it and the window fits a small screen."""
        scroll = QScrollArea()
        scroll.setObjectName(object_name)
        scroll.setAccessibleName(title)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(widget)
        return scroll

    def _make_dock(
        self, widget: QWidget, title: str, area: Qt.DockWidgetArea, object_name: str
    ) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name)
        dock.setAccessibleName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.dock_layout.watch(dock)
        toggle = dock.toggleViewAction()
        toggle.setObjectName(f"action_{object_name}")
        # Qt makes a tab bar when panels are tabbed together: it is named after them once it has its tabs.
        dock.visibilityChanged.connect(self._name_panel_tabs_soon)
        dock.dockLocationChanged.connect(self._name_panel_tabs_soon)
        return dock

    def _name_panel_tabs_soon(self, *_args: object) -> None:
        QTimer.singleShot(0, self, self._name_and_fit_panel_tabs)

    def _name_and_fit_panel_tabs(self) -> None:
        name_panel_tabs(self)
        compact_panel_tabs(self)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt's name
        # Tab follows what shows, in reading order, not the order the panels were made in.
        return move_focus(self, next) or super().focusNextPrevChild(next)

    def arrange_tools_menu(self) -> None:
        """Put the Tools menu in groups once every tool has added its entry (see menu_bar)."""
        menu_bar.arrange_tools_menu(self)

    # ================================================================== panels
    def add_panel(
        self,
        widget: Panel,
        title: str,
        area: Qt.DockWidgetArea,
        object_name: str,
        *,
        scrollable: bool = True,
    ) -> QDockWidget:
        """Dock a panel; bind it now and for every new document, and ask it before the window closes.

        A scrollable panel sits in a scroll area, so the dock can be smaller than the panel's minimum size
        and the window still fits a small screen.
        """
        if not widget.objectName():
            widget.setObjectName(f"{object_name}Widget")
        content: QWidget = widget
        if scrollable:
            content = self._scrolling(widget, f"{object_name}Scroll", title)
        dock = self._make_dock(content, title, area, object_name)
        self.panels_menu.addAction(dock.toggleViewAction())
        self._panels.append((dock, widget))
        assert self.live is not None and self.undo_stack is not None
        widget.bind(self.live, self.undo_stack)
        return dock

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Arranged on the first show: docks tabified before the window has its size leave a stray tab bar.
        self.dock_layout.on_show()

    def _refit_canvas(self) -> None:
        """Show the whole network again once the panels have their sizes, unless the person zoomed or panned."""
        if self.canvas.auto_fit:
            self.canvas.fit_all()

    def panels(self) -> list[QDockWidget]:
        return [dock for dock, _ in self._panels]

    def all_docks(self) -> list[QDockWidget]:
        """The palette, the inspector and every panel's dock, in the order they were made."""
        return [self.palette_dock, self.inspector_dock, *self.panels()]

    def panel_widget(self, object_name: str) -> Panel:
        """The panel docked as ``object_name`` (``dock.widget()`` is the scroll area around it)."""
        for dock, widget in self._panels:
            if dock.objectName() == object_name:
                return widget
        raise KeyError(object_name)

    # ================================================================== the document
    @property
    def path(self) -> Path | None:
        return self._path

    def display_name(self) -> str:
        if self._path is not None:
            return self._path.name
        return self.document.title or self._name or "Untitled"

    def is_modified(self) -> bool:
        return self.undo_stack is not None and (not self.undo_stack.isClean() or self._recovered_changes)

    def set_document(
        self,
        document: Document,
        path: Path | None = None,
        *,
        name: str | None = None,
        recovered_key: str | None = None,
    ) -> None:
        """Show ``document`` (no questions asked: callers check :meth:`maybe_save` first).

        All or nothing: everything for the new document is built and every view bound to it before the
        window lets go of the old one. If any of that fails, the window goes back wholly to the old
        document (title, canvas, every panel, undo history, autosave) and :class:`DocumentNotShown` says why.

        ``recovered_key``: the document is an autosaved copy under this key; it counts as modified until
        saved or discarded, and its copy is kept up to date under the same key.
        """
        old_state = (
            self.document,
            self.live,
            self.undo_stack,
            self._path,
            self._name,
            self._recovered_changes,
        )
        old_live, old_stack = self.live, self.undo_stack
        stack = QUndoStack(self)
        stack.setObjectName("undoStack")
        self._undo_group.addStack(stack)
        live: LiveNetwork | None = None
        try:
            live = LiveNetwork(document, self)
            self.document, self.live, self.undo_stack = document, live, stack
            self._path = Path(path) if path is not None else None
            self._name = name
            self._recovered_changes = recovered_key is not None
            self._bind_views()
            sample = opening_sample(document)
            if sample is not None:
                live.show_sample(*sample)
        except Exception as exc:  # noqa: BLE001 - any view failing to show the file must not half-switch
            (
                self.document,
                self.live,
                self.undo_stack,
                self._path,
                self._name,
                self._recovered_changes,
            ) = old_state
            if old_live is not None:
                self._bind_views()
            self._undo_group.removeStack(stack)
            stack.deleteLater()
            if live is not None:
                live.detach()
                live.deleteLater()
            raise DocumentNotShown(f"nnstudio could not show it ({type(exc).__name__}: {exc})") from exc

        # From here on the window shows the new document.
        if self._path is not None:
            remove_stale_temps(self._path)  # what saves of it killed half-way left behind
        stack.cleanChanged.connect(self._update_modified)
        stack.indexChanged.connect(self._count_change)
        live.planChanged.connect(self._update_network_status)
        live.lockedChanged.connect(self._on_locked)
        if old_live is not None:
            # The old document's changes were saved or discarded by now.
            self.autosave.discard()
            old_live.detach()
            old_live.deleteLater()
        if old_stack is not None:
            self._undo_group.removeStack(old_stack)
            old_stack.deleteLater()
        self._undo_group.setActiveStack(stack)
        self.autosave.track(
            document,
            original_path=self._path,
            is_modified=self.is_modified,
            state=lambda: self._change_count,
            key=recovered_key,
        )
        # Connected after track(): the first unsaved change is autosaved within seconds.
        stack.indexChanged.connect(self.autosave.note_change)
        self._on_locked(live.locked)
        self._update_title()
        self._update_modified()
        self._update_network_status()
        self.canvas.fit_all()
        self.documentReplaced.emit()

    def _show_document_failure(self, what: str, problem: DocumentNotShown) -> None:
        self._show_error(
            "Could not open the network",
            f"{what} could not be opened.\n\n{problem}\n\n"
            f"The window still shows “{self.display_name()}”, as it was.",
        )

    def _bind_views(self) -> None:
        assert self.live is not None and self.undo_stack is not None
        self.canvas.bind(self.live, self.undo_stack)
        self.inspector.bind(self.live, self.undo_stack)
        for _dock, widget in self._panels:
            if hasattr(widget, "document_from_file"):
                widget.document_from_file = self._path is not None
            widget.bind(self.live, self.undo_stack)

    def _count_change(self) -> None:
        self._change_count += 1

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.display_name()}[*] — nnstudio")

    def _update_modified(self) -> None:
        self.setWindowModified(self.is_modified())

    def _update_network_status(self) -> None:
        problem = self.live.problem if self.live is not None else None
        self.network_status.show(self.document.network, problem)
        self.run_controls.update_actions()

    def _show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _on_locked(self, locked: bool) -> None:
        for key in (
            "new",
            "open",
            "open_example",
            "cut",
            "paste",
            "delete",
            "arrange",
            "randomize",
            "properties",
        ):
            self.actions[key].setEnabled(not locked)
        self.recent_menu.setEnabled(not locked)
        # Undo and redo would edit the network under the trainer's feet.
        self._undo_group.setActiveStack(None if locked else self.undo_stack)
        self.run_controls.update_actions()

    def refuse_while_locked(self) -> bool:
        if self.live is not None and self.live.locked:
            self._show_status("Training is running; stop it first.")
            return True
        return False

    # ================================================================== asking before losing work
    def ask_save_changes(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel for the unsaved changes (one place, so every path asks the same way)."""
        return QMessageBox.question(
            self,
            "Unsaved changes",
            plain_message(f"“{self.display_name()}” has unsaved changes. Save them first?"),
            Button.Save | Button.Discard | Button.Cancel,
            Button.Save,
        )

    def maybe_save(self) -> bool:
        """True when the current document may be dropped: unchanged, saved now, or its changes discarded."""
        if not self.is_modified():
            return True
        answer = self.ask_save_changes()
        if answer == Button.Save:
            return self.save()
        if answer == Button.Discard:
            self.autosave.discard()
            return True
        return False

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, plain_message(text))  # texts quote file names and file contents

    # ================================================================== file commands
    def new_document(self) -> bool:
        if self.refuse_while_locked() or not self.maybe_save():
            return False
        try:
            self.set_document(empty_document())
        except DocumentNotShown as exc:
            self._show_document_failure("A new network", exc)
            return False
        self._show_status("A new, empty network: drag neurons from the palette onto the canvas.")
        return True

    def open_file(self, path: Path | None = None) -> bool:
        if self.refuse_while_locked():
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Open network", str(self._last_folder()), FILE_FILTER
            )
            if not chosen:
                return False
            path = Path(chosen)
        return self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open the file at ``path`` in this window (asking about unsaved changes once it has loaded)."""
        if self.refuse_while_locked():
            return False
        try:
            document = load_document(path)
        except FormatError as exc:
            self._show_error("Could not open the network", f"{path.name} could not be opened.\n\n{exc}")
            return False
        if not self.maybe_save():
            return False
        try:
            self.set_document(document, path)
        except DocumentNotShown as exc:
            self._show_document_failure(path.name, exc)
            return False
        self.remember_recent(path)
        self.settings.setValue(_FOLDER_KEY, str(path.parent))
        self._show_status(f"Opened {path}")
        return True

    def open_example(self, name: str | None = None) -> bool:
        """Open a built-in example as a new, unsaved network (Save asks where to put it)."""
        if self.refuse_while_locked():
            return False
        if name is None:
            gallery = ExampleGallery(parent=self)
            accepted = gallery.exec() == QDialog.DialogCode.Accepted
            name = gallery.chosen
            gallery.deleteLater()
            if not accepted or name is None:
                return False
        try:
            info = example_info(name)
            document = load_example(name)
        except (UnknownExampleError, FormatError) as exc:
            self._show_error("Could not open the example", str(exc))
            return False
        if not self.maybe_save():
            return False
        try:
            self.set_document(document, None, name=info.title)
        except DocumentNotShown as exc:
            self._show_document_failure(f"The example “{info.title}”", exc)
            return False
        self._show_status(f"Opened the example “{info.title}”; Save asks where to keep your own copy.")
        return True

    def open_recent(self, path: Path) -> bool:
        if not path.exists():
            self.recent.forget(path)
            self._show_error(
                "File not found", f"{path} no longer exists, so it was removed from the recent files."
            )
            return False
        return self.open_path(path)

    def save(self) -> bool:
        if self._path is None:
            return self.save_as()
        return self._write(self._path)

    def save_as(self, path: Path | None = None) -> bool:
        if path is None:
            path = self._ask_save_path("Save network as", FILE_SUFFIX, FILE_FILTER)
            if path is None:
                return False
        path = Path(path)
        if path.suffix != FILE_SUFFIX:
            path = path.with_name(path.name + FILE_SUFFIX)
        if not self._write(path):
            return False
        self._path = path
        self._name = None
        self.autosave.set_original_path(path)
        self.remember_recent(path)
        self.settings.setValue(_FOLDER_KEY, str(path.parent))
        self._update_title()
        return True

    def _write(self, path: Path) -> bool:
        if self.live is not None:
            self.live.write_shown_parameters()
        try:
            save_document(self.document, path)
        except (FormatError, SaveError, OSError) as exc:
            self._show_error(
                "Could not save the network",
                f"The network could not be saved to {path}.\n\n{exc}\n\n"
                f"Nothing was lost: the network is still open here, and any file that was "
                f"already there is unchanged.",
            )
            return False
        assert self.undo_stack is not None
        self.undo_stack.setClean()
        self._recovered_changes = False
        self.autosave.discard()
        self._update_modified()
        self._show_status(f"Saved to {path}")
        return True

    def _ask_save_path(self, title: str, suffix: str, file_filter: str) -> Path | None:
        stem = _file_stem(self.display_name().removesuffix(FILE_SUFFIX))
        suggested = self._last_folder() / f"{stem}{suffix}"
        chosen, _ = QFileDialog.getSaveFileName(self, title, str(suggested), file_filter)
        return Path(chosen) if chosen else None

    def _last_folder(self) -> Path:
        folder = Path(str(self.settings.value(_FOLDER_KEY, "") or _default_folder()))
        # Never offer the built-in examples' folder as a place to save or browse.
        if not folder.is_dir() or _is_inside(folder, resources_dir()):
            return _default_folder()
        return folder

    # ------------------------------------------------------------------ recent files
    def recent_files(self) -> list[Path]:
        return self.recent.paths()

    def remember_recent(self, path: Path) -> None:
        self.recent.remember(path)

    # ------------------------------------------------------------------ export
    def export_png(self, path: Path | None = None, scale: float = 2.0) -> bool:
        if path is None:
            path = self._ask_save_path("Export canvas as PNG", ".png", "PNG images (*.png)")
            if path is None:
                return False
        image = self.canvas.render_to_image(scale)
        if image.isNull() or not image.save(str(path), "PNG"):
            self._show_error("Could not export", f"The picture could not be written to {path}.")
            return False
        self._show_status(f"Exported the canvas to {path}")
        return True

    def export_svg(self, path: Path | None = None) -> bool:
        if path is None:
            path = self._ask_save_path("Export canvas as SVG", ".svg", "SVG drawings (*.svg)")
            if path is None:
                return False
        try:
            self.canvas.export_svg(path)
        except OSError as exc:
            self._show_error("Could not export", f"The drawing could not be written to {path}.\n\n{exc}")
            return False
        self._show_status(f"Exported the canvas to {path}")
        return True

    # ================================================================== crash recovery
    def offer_recovery(self) -> bool:
        """Ask about autosaved copies left by an earlier session; True when one was opened here."""
        store = self.autosave.store
        remove_stale_locks(store)
        store.remove_leftovers()
        recoveries = [
            r for r in store.recoverable() if r.key != self.autosave.key and not in_use_elsewhere(store, r)
        ]
        if not recoveries:
            return False
        dialog = RecoveryDialog(store, recoveries, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        chosen = dialog.chosen
        dialog.deleteLater()
        if not accepted or chosen is None:
            return False
        return self.recover(chosen)

    def recover(self, recovery: Recovery) -> bool:
        """Open an autosaved copy; it stays on disk until the document is saved or its changes discarded."""
        try:
            document = self.autosave.store.load(recovery)
        except FormatError as exc:
            self._show_error(
                "Could not recover", f"The autosaved copy is damaged and cannot be opened.\n\n{exc}"
            )
            return False
        if not self.maybe_save():
            return False
        original = recovery.original_path
        try:
            self.set_document(document, original, name=recovery.title or None, recovered_key=recovery.key)
        except DocumentNotShown as exc:
            self._show_document_failure("The autosaved copy", exc)
            return False
        self._show_status("Recovered unsaved work: save it to keep it.")
        return True

    # ================================================================== network commands
    def randomize_weights(self, seed: int | None = None) -> bool:
        """New random weights (the document's init method) as one undo step; frozen weights stay."""
        if self.refuse_while_locked():
            return False
        network = self.document.network
        if self.live is None or self.live.problem is not None:
            self._show_status(f"Cannot randomize: {self.live.problem if self.live else 'no network'}")
            return False
        plan = compile_network(network)  # a copy: the live plan keeps showing the current weights
        try:
            initialise(plan, self.document.training.init, secrets.randbits(32) if seed is None else seed)
        except TrainingError as exc:
            self._show_status(f"Cannot randomize: {exc}")
            return False
        assert self.undo_stack is not None
        before, after = ParameterSnapshot.of(network), ParameterSnapshot.from_plan(network, plan)
        self.undo_stack.push(SetAllParameters(network, before, after, "Randomize weights"))
        return True

    def edit_properties(self) -> bool:
        if self.refuse_while_locked():
            return False
        dialog = NetworkPropertiesDialog(self.document, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        new = dialog.properties()
        dialog.deleteLater()
        if not accepted:
            return False
        return self.set_properties(new)

    def set_properties(self, new: DocumentProperties) -> bool:
        """Apply new document properties as one undo step; False if unchanged or refused."""
        assert self.undo_stack is not None
        if new == DocumentProperties.of(self.document):
            return False
        problem = properties_problem(new, len(self.document.network.inputs()))
        if problem is not None:
            self._show_error("Cannot change the properties", problem)
            return False
        self.undo_stack.push(SetDocumentProperties(self.document, new, self._on_properties_changed))
        return True

    def _on_properties_changed(self) -> None:
        # The canvas and the panels (the pad) read the grid and value range when bound or refreshed.
        self._update_title()
        self.canvas.refresh()
        for _dock, widget in self._panels:
            widget.bind(self.live, self.undo_stack)

    def apply_colour_scheme(self, scheme: str) -> None:
        if scheme not in dict(menu_bar.COLOUR_SCHEMES):
            scheme = "classic"
        self.canvas.set_colour_scheme(scheme)
        self.actions[f"scheme_{scheme}"].setChecked(True)
        self.settings.setValue(_SCHEME_KEY, scheme)

    # ================================================================== running: train, pause, stop, step
    def connect_run_controls(self, training: Any, animation: Any) -> None:
        """Drive the Training panel and the Animation bar from the Run menu, the toolbar and the keys (see
        :class:`~nnstudio.ui.run_controls.RunControls`); every answer panel docked so far waits for the
        animation."""
        answer_panels = [widget for _dock, widget in self._panels if hasattr(widget, "hold_answer")]
        self.run_controls.connect(training, animation, answer_panels)

    def bring_panel_forward(self, widget: QWidget) -> None:
        """Show the dock holding ``widget`` (the run's progress and plot), in front of the tabs it shares."""
        for dock, panel in self._panels:
            if panel is widget:
                dock.show()
                dock.raise_()

    # ================================================================== help
    def show_about(self) -> None:
        show_about_box(self)

    def show_build_help(self) -> QDialog:
        """The build help, made once and then brought forward again."""
        if self._help_dialog is None:
            self._help_dialog = build_help_dialog(self)
        self._help_dialog.show()
        self._help_dialog.raise_()
        return self._help_dialog

    # ================================================================== closing
    def closeEvent(self, event: QCloseEvent) -> None:
        # A panel that runs work (training) may ask to stop it first, and stops it in shutdown().
        for _dock, widget in self._panels:
            if not widget.confirm_stop_for_close(self):
                event.ignore()
                return
        if not self.maybe_save():
            event.ignore()
            return
        for _dock, widget in self._panels:
            widget.shutdown()
        self.autosave.stop()
        self.autosave.discard()
        self.settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self.dock_layout.save(self.settings)
        self.settings.sync()
        if self.live is not None:
            self.live.detach()
        event.accept()

    def _restore_layout(self) -> None:
        geometry = self.settings.value(_GEOMETRY_KEY)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def restore_panel_layout(self) -> None:
        """Put the docks back where the person left them (call after every panel was added)."""
        self.dock_layout.restore(self.settings)
