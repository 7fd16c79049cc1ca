"""Screenshots of the first run: the start page over the window, then each step of the guided tour.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/first_run_screenshots.py OUT [--size 1366x768]

(without a display it uses Qt's offscreen platform). Saves ``WxH-start-page.png`` (the whole screen: the
window with the start page over it) and ``WxH-tour-N-KEY.png`` for each tour step, each taken after doing
what the step asks (a horizontal line painted, a weight changed, Train pressed), as a newcomer would.
Settings and autosaves go to a temporary folder, so it runs as a first launch every time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from shot_setup import private_studio, window_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files (made if missing)")
    parser.add_argument("--size", default="1366x768", help="window size, e.g. 1024x700")
    args = parser.parse_args()
    size = window_size(args.size)
    args.out.mkdir(parents=True, exist_ok=True)
    private_studio("nnstudio-first-run-")

    from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QPushButton, QToolButton, QWidget

    from nnstudio.app import create_application, create_main_window
    from nnstudio.ui.start_page import StartPage, greet
    from nnstudio.ui.tour import GuidedTour

    app = create_application(sys.argv[:1])

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def click(widget: QWidget, pos: QPoint | None = None) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos or QPoint())
        settle()

    window = create_main_window()
    window.resize(*size)
    window.show()
    settle(600)
    prefix = f"{size[0]}x{size[1]}"

    greet(window)
    settle(500)
    page = window.findChild(StartPage)
    screen = window.screen()
    shot = screen.grabWindow(0) if os.environ.get("QT_QPA_PLATFORM") != "offscreen" else page.grab()
    shot.save(str(args.out / f"{prefix}-start-page.png"))
    print(f"{prefix}-start-page.png: start page {page.width()}x{page.height()}")
    click(page.findChild(QPushButton, "startTour"))
    settle(600)

    tour = window.findChild(GuidedTour)
    assert tour is not None, "the tour did not start"

    def save_step(key: str) -> None:
        settle(400)
        name = f"{prefix}-tour-{tour.index + 1}-{key}.png"
        window.grab().save(str(args.out / name))
        print(f"{name}: card at {tour.geometry().getRect()}, frame around {tour.target_rect().getRect()}")

    # 1. paint a line
    save_step("paint-before")
    click(window.findChild(QToolButton, "padPreset_horizontal"))
    save_step("paint")
    # 2. read the answer
    click(tour.next_button)
    save_step("answer")
    # 3. change a weight
    click(tour.next_button)
    edge_id = next(iter(window.document.network.edges))
    click(window.canvas.viewport(), window.canvas.view_position_of_edge(edge_id, 0.3))
    spin = window.inspector.findChild(QWidget, "weightSpin")
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, "-0.5")
    QTest.keyClick(spin, Qt.Key.Key_Return)
    save_step("weight")
    # 4. press Train
    click(tour.next_button)
    save_step("train-before")
    click(window.findChild(QPushButton, "trainingTrain"))
    settle(800)
    save_step("train")
    click(window.findChild(QPushButton, "trainingStop"))
    settle(500)
    tour.end(finished=True)
    window.ask_save_changes = lambda: None  # type: ignore[method-assign]
    window.autosave.stop()
    window.hide()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
