"""Screenshots of the studio at the screen sizes people have, to look at as a newcomer would.

    .venv/bin/python scripts/screenshots.py OUT_FOLDER [--sizes 1024x700,1366x768] [--scale 2] [--offscreen]

For each size the studio opens on a virtual screen of that size (Xvfb, when ``xvfb-run`` is installed;
otherwise Qt's offscreen platform), its window filling the screen as a maximised window would, and saves:

- ``WxH-start.png``: the four-pixel camera as it opens;
- ``WxH-trained.png``: the four-pixel learner after a short training run, the error plot showing;
- ``WxH-digits.png``: the digit reader with a digit drawn (the freehand pad and ten answers).

``--scale 2`` shows the studio at 200% (Qt's scale factor): a 3840x2160 screen at 200% is laid out like a
1920x1080 one, with every pixel doubled. A line per picture says where each panel is and how big.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from shot_setup import train_to_the_end

SIZES = ("1024x700", "1280x720", "1366x768", "1920x1080")


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder for the PNG files (made if missing)")
    parser.add_argument("--sizes", default=",".join(SIZES), help="screen sizes, e.g. 1024x700,1920x1080")
    parser.add_argument("--scale", type=float, default=1.0, help="Qt scale factor (2 for 200%%)")
    parser.add_argument("--offscreen", action="store_true", help="use Qt's offscreen platform, not Xvfb")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return shoot(args.out, parse_size(args.sizes), args.scale)
    args.out.mkdir(parents=True, exist_ok=True)
    use_xvfb = not args.offscreen and shutil.which("xvfb-run") is not None
    failures = 0
    for text in args.sizes.split(","):
        width, height = parse_size(text)
        failures += run_child(args.out, width, height, args.scale, use_xvfb)
    return 1 if failures else 0


def run_child(out: Path, width: int, height: int, scale: float, use_xvfb: bool) -> int:
    """Shoot one screen size in a process of its own (a screen's size is fixed for a process)."""
    pixels = (round(width * scale), round(height * scale))
    command = [sys.executable, __file__, str(out), "--sizes", f"{width}x{height}", "--scale", str(scale)]
    command.append("--child")
    with tempfile.TemporaryDirectory(prefix="nnstudio-shots-") as home:
        env = dict(os.environ)
        # Settings and autosaves of a throwaway person: no remembered layout, no recovery dialog.
        env["NNSTUDIO_CONFIG_DIR"] = str(Path(home) / "config")
        env["NNSTUDIO_DATA_DIR"] = str(Path(home) / "data")
        env["XDG_DATA_HOME"] = str(Path(home) / "data")
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        if scale != 1.0:
            env["QT_SCALE_FACTOR"] = f"{scale:g}"
        if use_xvfb:
            screen = f"-screen 0 {pixels[0]}x{pixels[1]}x24"
            command = ["xvfb-run", "-a", "-s", screen, *command]
        else:
            env["QT_QPA_PLATFORM"] = "offscreen"
        done = subprocess.run(command, env=env, check=False)
    return 0 if done.returncode == 0 else 1


def shoot(out: Path, size: tuple[int, int], scale: float) -> int:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from nnstudio.app import create_application, create_main_window

    app = create_application([sys.argv[0]])
    width, height = size
    prefix = f"{width}x{height}" + (f"@{scale:g}x" if scale != 1.0 else "")

    def open_window(example: str):
        window = create_main_window(example=example)
        screen = window.screen() or QApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, width, height)
        if QApplication.platformName() == "offscreen":
            area = QRect(0, 0, width, height)
        window.show()
        window.setGeometry(area)  # as a maximised window: no window manager here to maximise it
        settle(app)
        return window

    def save(window, name: str) -> None:
        settle(app)
        path = out / f"{prefix}-{name}.png"
        window.grab().save(str(path))
        print(f"{path}: {describe(window)}")

    def close(window) -> None:
        window.undo_stack.setClean()
        window.close()
        window.deleteLater()
        settle(app)

    window = open_window("four-pixel-camera")
    save(window, "start")
    close(window)

    window = open_window("four-pixel-learner")
    train_to_the_end(window)
    save(window, "trained")
    close(window)

    window = open_window("digits")
    pad = window.panel_widget("padDock")
    draw_a_seven(pad)
    save(window, "digits")
    close(window)
    return 0


def draw_a_seven(pad) -> None:
    """A 7 on the freehand pad, as strokes of the mouse would draw it."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    editor = getattr(pad, "editor", None)
    canvas = getattr(editor, "canvas", None)
    if canvas is None or not hasattr(canvas, "picture_rect"):
        return
    shown = canvas.picture_rect()

    def at(fx: float, fy: float) -> QPointF:
        return QPointF(shown.left() + shown.width() * fx, shown.top() + shown.height() * fy)

    points = [at(0.3, 0.25), at(0.5, 0.25), at(0.7, 0.25), at(0.6, 0.5), at(0.5, 0.75)]
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    kinds = [QMouseEvent.Type.MouseButtonPress] + [QMouseEvent.Type.MouseMove] * (len(points) - 1)
    for kind, pos in zip(kinds, points, strict=True):
        button = none if kind == QMouseEvent.Type.MouseMove else left
        event = QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, left, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(canvas, event)
    end = points[-1]
    release = QMouseEvent(
        QMouseEvent.Type.MouseButtonRelease,
        end,
        canvas.mapToGlobal(end),
        left,
        none,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, release)


def settle(app) -> None:
    """Let the window lay itself out (layouts, timers that follow a resize, repaints)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(600, loop.quit)
    loop.exec()
    app.processEvents()


def describe(window) -> str:
    """Where each visible panel is and how big, the canvas and the error plot."""
    from PySide6.QtWidgets import QDockWidget, QWidget

    parts = [f"window {window.width()}x{window.height()}", f"canvas {size_of(window.canvas)}"]
    for dock in window.findChildren(QDockWidget):
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            parts.append(f"{dock.windowTitle()} {size_of(dock)}")
    plot = window.findChild(QWidget, "errorPlotLoss")
    if plot is not None and plot.isVisible():
        parts.append(f"error plot {size_of(plot)}")
    return ", ".join(parts)


def size_of(widget) -> str:
    return f"{widget.width()}x{widget.height()}"


if __name__ == "__main__":
    sys.exit(main())
