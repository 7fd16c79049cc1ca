"""The user guide's pictures, taken from the real studio so they stay current: docs/guide/images/*.png.

    .venv/bin/python scripts/guide_screenshots.py [OUT_FOLDER] [--size 1366x768] [--only NAME,...]

The studio opens on a virtual screen (Xvfb through ``xvfb-run`` when it is installed, else Qt's offscreen
platform) in a throwaway settings folder, does what each chapter of docs/guide describes and saves the
window (or the instrument's own window). One line per picture says what it shows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import draw_a_seven, settle  # noqa: E402
from shot_setup import private_studio, train_to_the_end, window_size  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "guide" / "images"


class Studio:
    """Opens windows the size of the screen and saves pictures of them."""

    def __init__(self, out: Path, size: tuple[int, int]) -> None:
        from nnstudio.app import create_application

        self.app = create_application([sys.argv[0]])
        self.out = out
        self.size = size
        self.windows: list = []

    def open(self, example: str | None = None, document=None):  # noqa: ANN001, ANN201
        from nnstudio.app import create_main_window

        window = create_main_window(example=example or "four-pixel-camera")
        if document is not None:
            window.set_document(document)
        window.show()
        window.setGeometry(0, 0, *self.size)
        settle(self.app)
        self.windows.append(window)
        return window

    def save(self, widget, name: str, what: str) -> None:  # noqa: ANN001
        settle(self.app)
        path = self.out / f"{name}.png"
        widget.grab().save(str(path))
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {what}")

    def tool(self, window, action_name: str, size: tuple[int, int] | None = None):  # noqa: ANN001, ANN201
        """Open a Tools-menu instrument; its window."""
        from PySide6.QtWidgets import QApplication

        before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
        action = next(a for a in window.tools_menu.actions() if a.objectName() == action_name)
        action.trigger()
        settle(self.app)
        opened = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
        tool = opened[0]
        if size is not None:
            tool.resize(*size)
        settle(self.app)
        return tool

    def close_all(self) -> None:
        from PySide6.QtWidgets import QApplication

        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget not in self.windows:
                widget.close()
        for window in self.windows:
            window.undo_stack.setClean()
            window.close()
            window.deleteLater()
        self.windows.clear()
        settle(self.app)


def camera_by_hand(studio: Studio) -> None:
    from nnstudio.examples import load_example

    window = studio.open()
    window.new_document()
    settle(studio.app)
    studio.save(window, "camera-1-empty", "a new, empty network: the palette of neurons on the left")
    studio.close_all()

    half = load_example("four-pixel-camera")
    network = half.network
    network.remove([n.id for n in network if n.layer not in ("input", "hidden1")])
    window = studio.open(document=half)
    window.canvas.fit_all()
    studio.save(window, "camera-2-first-layer", "the four pixels and the first layer wired with +1 and -1")
    studio.close_all()

    window = studio.open("four-pixel-camera")
    window.live.set_input([1.0, -1.0, 1.0, -1.0])  # white left column, dark right column: vertical
    first_hidden = next(n.id for n in window.document.network if n.layer == "hidden1")
    window.canvas.select([first_hidden])
    settle(studio.app)
    studio.save(
        window, "camera-3-finished", "the whole camera reading a vertical image; a neuron's arithmetic"
    )
    studio.close_all()


def digits(studio: Studio) -> None:
    from PySide6.QtWidgets import QAbstractButton

    window = studio.open("digits")
    pad = window.panel_widget("padDock")
    pad.findChild(QAbstractButton, "padClear").click()
    draw_a_seven(pad)
    studio.save(window, "digits-1-drawn", "a 7 drawn on the pad and the ten answers")
    studio.close_all()


def training(studio: Studio) -> None:
    window = studio.open("four-pixel-learner")
    studio.save(window, "training-1-before", "the learner's random weights before training")
    train_to_the_end(window)
    studio.save(window, "training-2-after", "after training: the error plot and the rewired network")
    studio.close_all()


def instruments(studio: Studio) -> None:
    from PySide6.QtWidgets import QAbstractButton

    window = studio.open("four-pixel-camera")
    studio.save(
        studio.tool(window, "activationExplorerAction"), "instrument-activations", "activation explorer"
    )
    studio.save(
        studio.tool(window, "receptiveGalleryAction", (900, 600)), "instrument-receptive", "receptive fields"
    )
    studio.save(studio.tool(window, "landscapeAction", (900, 650)), "instrument-landscape", "error landscape")
    studio.close_all()
    window = studio.open("spiral")
    train_to_the_end(window)
    studio.save(studio.tool(window, "inputPlaneAction", (800, 650)), "instrument-plane", "the input plane")
    studio.close_all()
    window = studio.open("digits-convnet")
    pad = window.panel_widget("padDock")
    pad.findChild(QAbstractButton, "padClear").click()
    draw_a_seven(pad)
    studio.save(window, "instrument-convnet", "digits-convnet reading a drawn 7: kernels and feature maps")
    studio.save(studio.tool(window, "kernelLabAction", (900, 650)), "instrument-kernel-lab", "the kernel lab")
    studio.close_all()


def challenges(studio: Studio) -> None:
    from PySide6.QtWidgets import QAbstractButton

    window = studio.open("four-pixel-camera")
    next(a for a in window.tools_menu.actions() if a.objectName() == "action_challenges").trigger()
    settle(studio.app)
    studio.save(window, "challenges-1-list", "the Challenges panel: a card per task")

    def button(prefix: str, key: str) -> QAbstractButton:
        return next(
            b
            for b in window.findChildren(QAbstractButton)
            if b.objectName().startswith(prefix) and key in b.objectName()
        )

    button("challengeStart_", "xor").click()
    settle(studio.app)
    button("challengeCheck_", "xor").click()
    settle(studio.app)
    studio.save(window, "challenges-2-checked", "XOR by hand started and checked: each case green or red")
    studio.close_all()


def sharing(studio: Studio) -> None:
    from PySide6.QtWidgets import QMenu

    window = studio.open("digits")
    menu = window.findChild(QMenu, "fileMenu")
    menu.popup(window.mapToGlobal(window.menuBar().geometry().bottomLeft()))
    settle(studio.app)
    studio.save(menu, "sharing-1-file-menu", "File > Export Network... and Import Network...")
    menu.close()
    studio.close_all()


CHAPTERS: dict[str, Callable[[Studio], None]] = {
    "camera": camera_by_hand,
    "digits": digits,
    "training": training,
    "instruments": instruments,
    "challenges": challenges,
    "sharing": sharing,
}


def shoot(out: Path, size: tuple[int, int], only: list[str]) -> int:
    studio = Studio(out, size)
    failures = 0
    for name, chapter in CHAPTERS.items():
        if only and name not in only:
            continue
        try:
            chapter(studio)
        except Exception as exc:  # noqa: BLE001 - one chapter's failure is reported, the rest still shot
            failures += 1
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}")
            studio.close_all()
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, nargs="?", default=OUT, help="folder for the PNG files")
    parser.add_argument("--size", default="1366x768", help="the screen size, e.g. 1366x768")
    parser.add_argument("--only", default="", help=f"chapters to shoot: {', '.join(CHAPTERS)}")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    only = [c for c in args.only.split(",") if c]
    if args.child or os.environ.get("DISPLAY"):
        private_studio("nnstudio-guide-")
        return shoot(args.out, window_size(args.size), only)
    command = [sys.executable, __file__, str(args.out), "--size", args.size, "--only", args.only, "--child"]
    if shutil.which("xvfb-run") is not None:
        width, height = window_size(args.size)
        command = ["xvfb-run", "-a", "-s", f"-screen 0 {width}x{height}x24", *command]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
