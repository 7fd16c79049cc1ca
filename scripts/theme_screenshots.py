"""Screenshots of the studio in the system's light and dark colour schemes, to check that both read.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/theme_screenshots.py OUT [--scheme dark]

(without a display it uses Qt's offscreen platform). The studio runs in the Fusion style with the scheme
asked for, as a desktop set to light or dark would give it, and saves ``SCHEME-NAME.png`` for: the
four-pixel camera, its error table and its dataset (with right and wrong marks), the start page, the help
window, the properties dialog (with its problem line showing), the inspector refusing an edit, a new, empty
network, the digit reader with a digit drawn, and the training panel after a run (and with a problem).
Settings and autosaves go to a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shot_setup import private_studio, train_to_the_end, window_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files (made if missing)")
    parser.add_argument("--scheme", choices=("light", "dark"), default="dark")
    parser.add_argument("--size", default="1366x768", help="window size, e.g. 1024x700")
    args = parser.parse_args()
    size = window_size(args.size)
    args.out.mkdir(parents=True, exist_ok=True)
    private_studio("nnstudio-theme-")

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from nnstudio.app import create_application, create_main_window
    from nnstudio.ui.properties_dialog import NetworkPropertiesDialog
    from nnstudio.ui.start_page import StartPage, greet
    from nnstudio.ui.theme import dark_palette

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from screenshots import draw_a_seven

    app = create_application(sys.argv[:1])
    app.setStyle("Fusion")
    if args.scheme == "dark":
        QApplication.styleHints().setColorScheme(Qt.ColorScheme.Dark)
        # A desktop without a theme plugin (Xvfb) may not follow the hint: give the palette it would.
        app.setPalette(dark_palette())
    else:
        QApplication.styleHints().setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(app.style().standardPalette())

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(widget: QWidget, name: str) -> None:
        settle()
        path = args.out / f"{args.scheme}-{name}.png"
        widget.grab().save(str(path))
        print(path)

    def open_window(example: str | None):
        window = create_main_window(example=example)
        window.resize(*size)
        window.show()
        settle(600)
        return window

    def close(window) -> None:
        window.undo_stack.setClean()
        window.ask_save_changes = lambda: None
        window.autosave.stop()
        window.close()
        window.deleteLater()
        settle(200)

    window = open_window("four-pixel-camera")
    save(window, "four-pixel-camera")
    for dock_name in ("errorTableDock", "datasetDock"):
        dock = window.findChild(type(window.inspector_dock), dock_name)
        dock.show()
        dock.raise_()
        save(window, dock_name.removesuffix("Dock").lower())
    greet(window)
    settle(500)
    page = window.findChild(StartPage)
    if page is not None:
        save(page, "start-page")
        page.reject()
    help_dialog = window.show_build_help()
    save(help_dialog, "help")
    help_dialog.close()
    dialog = NetworkPropertiesDialog(window.document, window)
    dialog.show()
    dialog.low_spin.setValue(2.0)
    dialog.high_spin.setValue(1.0)
    dialog._accept_if_valid()
    save(dialog, "properties")
    dialog.done(QDialog.DialogCode.Rejected)
    # A refused edit in the inspector, as a name too long or a value out of range would give.
    window.inspector._refuse("Not changed: a label may have at most 64 characters.")
    save(window, "inspector-problem")
    window.undo_stack.setClean()
    window.actions["new"].trigger()
    save(window, "new-network")
    close(window)

    window = open_window("digits")
    draw_a_seven(window.panel_widget("padDock"))
    save(window, "digits")
    close(window)

    window = open_window("four-pixel-learner")
    train_to_the_end(window)
    training = window.panel_widget("trainingDock")
    save(window, "trained")
    save(training, "training-panel")
    training._set_status("Cannot run: the dataset file could not be read.", error=True)
    save(training, "training-problem")
    close(window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
