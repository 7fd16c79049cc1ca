"""Resize the window, switch tabs, close and reopen panels and reset the layout at random: after each step
no panel showing overlaps another or the canvas, none is below its minimum size, the canvas is the largest,
and the studio's arrangement is still the studio's (only moving a panel or a divider makes it the person's).

Each trial opens the digit reader (the largest panels) and takes ``--steps`` random steps, a window size
between 1024x700 and 1920x1080 six times in ten. Prints the counts; exits 1 on any problem.

Run as ``.venv/bin/python tests/stress/window_layout_shuffle.py [--trials 5] [--steps 60] [--seed 1]``
(on Qt's offscreen platform unless a display is set). The fast version is tests/ui/test_layout_sizes.py.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def problems_now(window) -> list[str]:
    from PySide6.QtCore import QPoint, QRect

    def rect(widget) -> QRect:
        return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())

    docks = [
        dock
        for dock in window.all_docks()
        if dock.isVisible() and not dock.isFloating() and not dock.visibleRegion().isEmpty()
    ]
    canvas = rect(window.canvas)
    found = []
    for dock in docks:
        here = rect(dock)
        name = dock.objectName()
        if here.intersects(canvas):
            found.append(f"{name} overlaps the canvas")
        wanted = dock.minimumSizeHint()
        if dock.width() < wanted.width() or dock.height() < wanted.height():
            found.append(f"{name} is below its minimum size")
        if here.width() * here.height() >= canvas.width() * canvas.height():
            found.append(f"{name} is larger than the canvas")
        found.extend(
            f"{name} overlaps {other.objectName()}"
            for other in docks
            if other is not dock and here.intersects(rect(other))
        )
    if not window.dock_layout.automatic:
        found.append("the arrangement stopped following the window")
    return found


def run_trial(rng: random.Random, steps: int) -> tuple[int, list[str]]:
    from PySide6.QtCore import QEventLoop, QSize, QTimer

    from nnstudio.app import create_main_window

    def settle() -> None:
        loop = QEventLoop()
        QTimer.singleShot(250, loop.quit)
        loop.exec()

    window = create_main_window(example="digits")
    window.show()
    settle()
    problems = []
    for step in range(steps):
        roll = rng.random()
        docks = window.all_docks()
        if roll < 0.6:
            window.resize(QSize(rng.randint(1024, 1920), rng.randint(700, 1080)))
            what = f"resize to {window.width()}x{window.height()}"
        elif roll < 0.8:
            dock = rng.choice(docks)
            dock.raise_()
            what = f"bring {dock.objectName()} to the front"
        elif roll < 0.92:
            dock = rng.choice(docks)
            dock.toggleViewAction().trigger()
            what = f"{'open' if dock.toggleViewAction().isChecked() else 'close'} {dock.objectName()}"
        else:
            window.actions["reset_layout"].trigger()
            what = "reset the layout"
        settle()
        problems.extend(f"step {step} ({what}): {problem}" for problem in problems_now(window))
    window.undo_stack.setClean()
    window.close()
    window.deleteLater()
    settle()
    return steps, problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnstudio-layout-") as home:
        os.environ["NNSTUDIO_CONFIG_DIR"] = str(Path(home) / "config")
        os.environ["NNSTUDIO_DATA_DIR"] = str(Path(home) / "data")
        from nnstudio.app import create_application

        app = create_application([sys.argv[0]])
        rng = random.Random(args.seed)
        total_steps = 0
        problems: list[str] = []
        for trial in range(args.trials):
            steps, found = run_trial(rng, args.steps)
            total_steps += steps
            problems.extend(f"trial {trial}, {problem}" for problem in found)
        del app
    print(f"{args.trials} trials, {total_steps} steps, {len(problems)} problems")
    for problem in problems[:20]:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
