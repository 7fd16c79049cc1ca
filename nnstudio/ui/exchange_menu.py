"""File > Export... and File > Import...: a network out as ONNX or a numpy script, an ONNX model in.

The entries sit in the File menu after the picture exports; the work is nnstudio.exchange's, the window only
asks where, and says in its status bar (or, for a file that cannot be read, in a message) what happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from nnstudio.exchange import ExchangeError

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow

ONNX_FILTER = "ONNX model (*.onnx)"
NUMPY_FILTER = "Python script using numpy (*.py)"


def _folder(window: MainWindow) -> Path:
    finder = getattr(window, "_last_folder", None)
    folder = finder() if callable(finder) else Path.home()
    return folder if folder.is_dir() else Path.home()


def _stem(window: MainWindow) -> str:
    text = window.document.title or "network"
    return (
        "".join(c if c.isalnum() or c in "-_ " else "-" for c in text).strip().replace(" ", "-") or "network"
    )


def export_to(window: MainWindow, path: Path) -> str:
    """Export the window's network to ``path`` (ONNX for ``.onnx``, else a numpy script); the status line.
    Raises :class:`ExchangeError` or OSError."""
    from nnstudio.exchange.numpy_export import export_numpy
    from nnstudio.exchange.onnx_export import export_onnx

    path = Path(path)
    if path.suffix.lower() == ".onnx":
        description = export_onnx(window.document, path)
        return f"Exported {path.name}: an ONNX model taking {description.n_inputs} inputs"
    if path.suffix.lower() != ".py":
        path = path.with_suffix(".py")
    description, weights = export_numpy(window.document, path)
    beside = f", weights in {weights.name}" if weights is not None else ""
    return f"Exported {path.name}: a numpy script with forward(x) for {description.n_inputs} inputs{beside}"


def import_from(window: MainWindow, path: Path) -> bool:
    """Open the ONNX model at ``path`` as a new, unsaved network; False (after saying why) if it cannot."""
    from nnstudio.exchange.onnx_import import import_onnx
    from nnstudio.ui.main_window import DocumentNotShown

    try:
        document = import_onnx(Path(path))
    except ExchangeError as exc:
        QMessageBox.warning(window, "Could not import", f"{Path(path).name} could not be imported.\n\n{exc}")
        return False
    if not window.maybe_save():
        return False
    try:
        window.set_document(document, None, name=document.title)
    except DocumentNotShown as exc:
        QMessageBox.warning(window, "Could not import", str(exc))
        return False
    sizes = "-".join(str(len(ids)) for _, ids in document.network.layers())
    window.statusBar().showMessage(
        f"Imported {Path(path).name} as a {sizes} network; save it to keep it", 8000
    )
    return True


def _export(window: MainWindow) -> None:
    chosen, chosen_filter = QFileDialog.getSaveFileName(
        window,
        "Export network",
        str(_folder(window) / f"{_stem(window)}.onnx"),
        f"{ONNX_FILTER};;{NUMPY_FILTER}",
    )
    if not chosen:
        return
    path = Path(chosen)
    if path.suffix.lower() not in (".onnx", ".py"):
        path = path.with_suffix(".py" if chosen_filter == NUMPY_FILTER else ".onnx")
    try:
        message = export_to(window, path)
    except (ExchangeError, OSError) as exc:
        QMessageBox.warning(window, "Could not export", f"{path.name} could not be written.\n\n{exc}")
        return
    window.statusBar().showMessage(message, 8000)


def _import(window: MainWindow) -> None:
    live = window.live
    if live is not None and live.locked:
        window.statusBar().showMessage("Training is running; stop it first.", 8000)
        return
    chosen, _ = QFileDialog.getOpenFileName(window, "Import network", str(_folder(window)), ONNX_FILTER)
    if chosen:
        import_from(window, Path(chosen))


def install_exchange(window: MainWindow) -> tuple[QAction, QAction]:
    """Add File > Export... and File > Import... after the picture exports; the two actions."""
    export_action = QAction("E&xport Network...", window)
    export_action.setObjectName("action_export_network")
    export_action.setStatusTip("Write the network as an ONNX model or a standalone numpy script")
    export_action.triggered.connect(lambda _checked=False: _export(window))
    import_action = QAction("&Import Network...", window)
    import_action.setObjectName("action_import_network")
    import_action.setStatusTip(
        "Open an ONNX model (fully connected, convolution and pooling layers) as a new network"
    )
    import_action.triggered.connect(lambda _checked=False: _import(window))
    for action in (export_action, import_action):
        action.setToolTip(action.statusTip())
    menu = window.findChild(QMenu, "fileMenu")
    if menu is None:  # a window without the usual File menu still gets the two commands
        menu = window.menuBar().addMenu("&File")
    actions = menu.actions()
    anchor = next((a for a in actions if a.objectName() == "action_export_svg"), None)
    place = actions.index(anchor) + 1 if anchor in actions else len(actions)
    before = actions[place] if place < len(actions) else None
    menu.insertActions(before, [export_action, import_action])
    return export_action, import_action
