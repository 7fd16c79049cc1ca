"""The window's menu bar: every action with its keys and tips, and the menus in their order.

File, Edit, View, Network, Run, Tools and Help. The Run actions are made by the window's
:class:`~nnstudio.ui.run_controls.RunControls`; the tools add their own entries to Tools, which
:func:`arrange_tools_menu` puts in groups once they all have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow

COLOUR_SCHEMES = (
    ("classic", "&Classic (white positive, black negative)"),
    ("3b1b", "&3Blue1Brown (green positive, red negative)"),
)
ZOOM_STEP = 1.25

# The Tools menu's groups, by the object names of the entries the tools add (see arrange_tools_menu).
TOOL_GROUPS = (
    ("activationExplorerAction", "receptiveGalleryAction", "landscapeAction"),
    ("inputPlaneAction", "confusionMatrixAction"),
    ("kernelLabAction", "dreamAction", "foolAction"),
    ("action_challenges",),
)


def add_action(
    window: MainWindow,
    key: str,
    text: str,
    slot: Callable[[], object] | None = None,
    shortcut: QKeySequence.StandardKey | str | None = None,
    tip: str = "",
) -> QAction:
    """A new action of the window, named ``action_<key>`` and kept as ``window.actions[key]``."""
    action = QAction(text, window)
    action.setObjectName(f"action_{key}")
    if shortcut is not None:
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        else:
            action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    window.actions[key] = action
    return action


def build_actions(window: MainWindow, undo_group: QUndoGroup) -> None:
    """Every action of the menus, in ``window.actions``; Undo and Redo follow ``undo_group``'s active stack."""
    key = QKeySequence.StandardKey
    canvas = window.canvas

    def a(
        name: str,
        text: str,
        slot: Callable[[], object] | None = None,
        shortcut: QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        return add_action(window, name, text, slot, shortcut, tip)

    a("new", "&New", window.new_document, key.New, "Start an empty network")
    a("open", "&Open...", window.open_file, key.Open, "Open a network file")
    a(
        "open_example",
        "Open &Example...",
        window.open_example,
        "Ctrl+Shift+E",
        "Open one of the built-in examples",
    )
    a("save", "&Save", window.save, key.Save, "Save the network")
    a("save_as", "Save &As...", window.save_as, key.SaveAs, "Save the network under a new name")
    a("export_png", "Export Canvas as &PNG...", window.export_png, tip="Save a picture of the canvas")
    a(
        "export_svg",
        "Export Canvas as S&VG...",
        window.export_svg,
        tip="Save the canvas as a vector drawing",
    )
    a("close", "&Close", window.close, key.Close, "Close this window")
    a("quit", "&Quit", QApplication.closeAllWindows, key.Quit, "Quit nnstudio")
    window.actions["quit"].setMenuRole(QAction.MenuRole.QuitRole)

    undo = undo_group.createUndoAction(window, "&Undo")
    undo.setObjectName("action_undo")
    undo.setShortcuts(key.Undo)
    redo = undo_group.createRedoAction(window, "&Redo")
    redo.setObjectName("action_redo")
    redo.setShortcuts(key.Redo)
    window.actions["undo"], window.actions["redo"] = undo, redo

    def cut() -> None:
        canvas.copy_selection()
        canvas.delete_selection()

    a("cut", "Cu&t", cut, key.Cut, "Copy the selection and delete it")
    a("copy", "&Copy", lambda: canvas.copy_selection(), key.Copy, "Copy the selected neurons")
    a("paste", "&Paste", lambda: canvas.paste(), key.Paste, "Paste copied neurons")
    a("delete", "&Delete", lambda: canvas.delete_selection(), key.Delete, "Delete the selection")
    a("select_all", "Select &All", lambda: canvas.select_all(), key.SelectAll, "Select everything")
    # These keys act on the canvas only: in a text box, a list or a table they keep their own meaning.
    for name in ("cut", "copy", "paste", "delete", "select_all"):
        window.actions[name].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        canvas.addAction(window.actions[name])

    a("fit", "&Fit Network in View", lambda: canvas.fit_all(), "Ctrl+0", "Show the whole network")
    a("zoom_in", "Zoom &In", lambda: canvas.zoom_by(ZOOM_STEP), key.ZoomIn)
    a("zoom_out", "Zoom &Out", lambda: canvas.zoom_by(1 / ZOOM_STEP), key.ZoomOut)
    a(
        "reset_layout",
        "&Reset Layout",
        lambda: window.dock_layout.reset(),
        tip="Put every panel back in its place for this window's size, and show the closed ones",
    )

    a(
        "arrange",
        "&Arrange in Layers",
        lambda: canvas.arrange_in_layers(),
        "Ctrl+L",
        "Put the neurons in columns, inputs on the left and outputs on the right",
    )
    window.run_controls.build_actions()  # Randomize, Train, Pause, Stop, Step
    a(
        "properties",
        "Network &Properties...",
        window.edit_properties,
        "Ctrl+I",
        "Title, description, input image and pixel values",
    )
    scheme_group = QActionGroup(window)
    scheme_group.setExclusive(True)
    for scheme, text in COLOUR_SCHEMES:
        action = a(f"scheme_{scheme}", text, lambda s=scheme: window.apply_colour_scheme(s))
        action.setCheckable(True)
        scheme_group.addAction(action)

    a("about", "&About nnstudio", window.show_about)
    window.actions["about"].setMenuRole(QAction.MenuRole.AboutRole)
    a("help", "&How to Build a Network", window.show_build_help, key.HelpContents)


def _menu(bar: QMenuBar, title: str, object_name: str) -> QMenu:
    menu = bar.addMenu(title)
    menu.setObjectName(object_name)
    return menu


def build_menus(window: MainWindow) -> None:
    """The menus, and the Run toolbar after the Run menu. The window keeps the menus others add to:
    ``view_menu``, ``panels_menu`` (a toggle per panel), ``tools_menu``; and ``run_toolbar``."""
    actions = window.actions
    bar = window.menuBar()
    bar.setObjectName("menuBar")
    file_menu = _menu(bar, "&File", "fileMenu")
    for key in ("new", "open", "open_example"):
        file_menu.addAction(actions[key])
    file_menu.addMenu(window.recent_menu)
    file_menu.addSeparator()
    for key in ("save", "save_as"):
        file_menu.addAction(actions[key])
    file_menu.addSeparator()
    for key in ("export_png", "export_svg"):
        file_menu.addAction(actions[key])
    file_menu.addSeparator()
    file_menu.addAction(actions["close"])
    file_menu.addAction(actions["quit"])

    edit_menu = _menu(bar, "&Edit", "editMenu")
    edit_menu.addAction(actions["undo"])
    edit_menu.addAction(actions["redo"])
    edit_menu.addSeparator()
    for key in ("cut", "copy", "paste", "delete"):
        edit_menu.addAction(actions[key])
    edit_menu.addSeparator()
    edit_menu.addAction(actions["select_all"])

    window.view_menu = view_menu = _menu(bar, "&View", "viewMenu")
    for key in ("fit", "zoom_in", "zoom_out"):
        view_menu.addAction(actions[key])
    view_menu.addSeparator()
    window.panels_menu = panels_menu = QMenu("&Panels", window)
    panels_menu.setObjectName("panelsMenu")
    view_menu.addMenu(panels_menu)
    panels_menu.addAction(window.palette_dock.toggleViewAction())
    panels_menu.addAction(window.inspector_dock.toggleViewAction())
    view_menu.addAction(actions["reset_layout"])

    network_menu = _menu(bar, "&Network", "networkMenu")
    network_menu.addAction(actions["arrange"])
    network_menu.addAction(actions["randomize"])
    network_menu.addSeparator()
    scheme_menu = QMenu("&Colours", window)
    scheme_menu.setObjectName("colourSchemeMenu")
    for scheme, _ in COLOUR_SCHEMES:
        scheme_menu.addAction(actions[f"scheme_{scheme}"])
    network_menu.addMenu(scheme_menu)
    network_menu.addSeparator()
    network_menu.addAction(actions["properties"])

    run_menu = _menu(bar, "&Run", "runMenu")
    for key in ("train", "pause", "stop"):
        run_menu.addAction(actions[key])
    run_menu.addSeparator()
    run_menu.addAction(actions["step"])
    run_menu.addAction(actions["randomize"])
    window.run_toolbar = window.run_controls.build_toolbar(view_menu)

    # The instruments and labs (See inside, kernels, dreaming, challenges) add their entries here.
    window.tools_menu = _menu(bar, "&Tools", "toolsMenu")

    help_menu = _menu(bar, "&Help", "helpMenu")
    help_menu.addAction(actions["help"])
    help_menu.addAction(actions["about"])


def arrange_tools_menu(window: MainWindow) -> None:
    """Put the Tools menu in groups once every tool has added its entry: looking inside the network,
    its answers on a dataset, working with images, then the challenges (anything else after them).
    Showing receptive fields inside the neurons changes the canvas, so that switch goes to View."""
    menu = window.tools_menu
    actions = {action.objectName(): action for action in menu.actions() if action.objectName()}
    for action in menu.actions():
        menu.removeAction(action)
    toggle = actions.pop("receptiveFieldsAction", None)
    if toggle is not None:
        window.view_menu.insertAction(window.actions["reset_layout"], toggle)
        window.view_menu.insertSeparator(window.actions["reset_layout"])
    first = True
    for group in TOOL_GROUPS:
        present = [actions.pop(name) for name in group if name in actions]
        if not present:
            continue
        if not first:
            menu.addSeparator()
        menu.addActions(present)
        first = False
    if actions:
        menu.addSeparator()
        menu.addActions(list(actions.values()))
