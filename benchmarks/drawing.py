"""Drawing on the freehand pad of the digits example: does a stroke and the answer it causes fit in a frame?

The studio window opens on the digits example (784-16-16-10), 1366x768, with every standard panel. A stroke of
``--points`` mouse moves (a scribble over the whole drawing) is sent to the pad's canvas, and this prints,
in milliseconds (medians, and the largest):

- move: one mouse move, the stroke drawn into the picture and the drawing repainted, at the stroke's start,
  middle and end (a cost that grows along the stroke makes a stroke cost O(n^2));
- pad change: the drawing fed to the network (preprocessed to 28x28, a forward pass, every view told)
  before any repaint, and of it the error table's own update;
- frame: a move, the pad change it causes and every repaint that follows (the pad, the preview, the
  network canvas, the Answer and the error table), which should fit in one 16 ms frame.

Run: ``python benchmarks/drawing.py`` (offscreen), or under ``xvfb-run`` with ``--platform xcb``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

FRAME_MS = 16.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=2000, help="mouse moves in the stroke")
    parser.add_argument("--frames", type=int, default=200, help="moves measured as whole frames")
    parser.add_argument("--platform", default="offscreen", help="Qt platform plugin (offscreen, xcb)")
    return parser.parse_args()


def scribble(count: int, width: float, height: float) -> list[tuple[float, float]]:
    """A loopy stroke over most of a width x height area, ``count`` points a pixel or two apart."""
    points = []
    for i in range(count):
        t = i / max(1, count - 1)
        angle = t * 2 * math.pi * 7
        x = width * (0.5 + 0.38 * math.sin(angle) * (0.4 + 0.6 * t))
        y = height * (0.5 + 0.38 * math.cos(angle * 1.3) * (0.5 + 0.5 * (1 - t)))
        points.append((x, y))
    return points


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f}   max {max(values):6.2f}"


def main() -> int:
    args = parse_args()
    os.environ["QT_QPA_PLATFORM"] = args.platform
    scratch = Path(tempfile.mkdtemp(prefix="nnstudio-drawing-"))
    os.environ["NNSTUDIO_DATA_DIR"] = str(scratch / "data")

    from PySide6.QtCore import QEvent, QPointF, QSettings, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from nnstudio.app import create_application, create_main_window
    from nnstudio.ui.error_tables import ErrorTablePanel
    from nnstudio.ui.pad import DrawingPad, FreehandPad

    # The error table's own share of a pad change: its update, timed (wrapped before the window binds it).
    error_refresh_ms: list[float] = []
    refresh = ErrorTablePanel.refresh

    def timed_refresh(panel: ErrorTablePanel) -> None:
        started = time.perf_counter()
        refresh(panel)
        error_refresh_ms.append((time.perf_counter() - started) * 1000.0)

    ErrorTablePanel.refresh = timed_refresh  # type: ignore[method-assign]

    app = create_application(sys.argv[:1])
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = create_main_window(example="digits", settings=settings)
    window.resize(1366, 768)
    window.show()
    for _ in range(10):
        app.processEvents()
    pad = window.findChild(DrawingPad)
    errors = window.findChild(ErrorTablePanel)
    assert pad is not None and errors is not None
    editor = pad.editor
    assert isinstance(editor, FreehandPad), "the digits example should get the freehand pad"
    canvas = editor.canvas
    rect = canvas.picture_rect()
    points = [
        (rect.left() + x, rect.top() + y) for x, y in scribble(args.points, rect.width(), rect.height())
    ]

    def send(kind: QEvent.Type, x: float, y: float) -> None:
        buttons = (
            Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
        )
        button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
        pos = QPointF(x, y)
        event = QMouseEvent(
            kind, pos, canvas.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(canvas, event)

    # (1) moves: the stroke alone, the network fed only once at the end (the feed timer is held off).
    feed_timer = editor._feed_timer
    send(QEvent.Type.MouseButtonPress, *points[0])
    move_ms: list[float] = []
    for x, y in points[1:]:
        started = time.perf_counter()
        send(QEvent.Type.MouseMove, x, y)
        canvas.repaint()
        move_ms.append((time.perf_counter() - started) * 1000.0)
        feed_timer.stop()
    send(QEvent.Type.MouseButtonRelease, *points[-1])
    app.processEvents()

    # (2) pad changes: the drawing fed to the network and every view told, before any repaint.
    change_ms: list[float] = []
    error_refresh_ms.clear()
    for _ in range(args.frames):
        started = time.perf_counter()
        editor._update_values()
        change_ms.append((time.perf_counter() - started) * 1000.0)
        app.processEvents()
    error_share = list(error_refresh_ms)

    # (3) frames: at the end of a new stroke as long, a move, the change it causes and every repaint after it.
    editor.clear()
    app.processEvents()
    frame_ms: list[float] = []
    measured = min(args.frames, len(points) - 1)
    send(QEvent.Type.MouseButtonPress, *points[0])
    for x, y in points[1:-measured]:
        send(QEvent.Type.MouseMove, x, y)
        feed_timer.stop()
    app.processEvents()
    repaint_ms: list[float] = []
    for x, y in points[-measured:]:
        started = time.perf_counter()
        send(QEvent.Type.MouseMove, x, y)
        editor._update_values()
        fed = time.perf_counter()
        app.processEvents()
        ended = time.perf_counter()
        frame_ms.append((ended - started) * 1000.0)
        repaint_ms.append((ended - fed) * 1000.0)
    send(QEvent.Type.MouseButtonRelease, *points[-1])
    app.processEvents()

    tenth = max(1, len(move_ms) // 10)
    print(
        f"digits example (784-16-16-10), window 1366x768, platform {args.platform}, "
        f"stroke of {args.points} moves"
    )
    print("ms per move (the stroke drawn and the drawing repainted):")
    print(f"  first {tenth:>5} moves   {summary(move_ms[:tenth])}")
    print(f"  middle {tenth:>4} moves   {summary(move_ms[len(move_ms) // 2 - tenth // 2 :][:tenth])}")
    print(f"  last {tenth:>6} moves   {summary(move_ms[-tenth:])}")
    print(f"  whole stroke        {sum(move_ms):8.0f} ms")
    print("ms per pad change (fed to the network, every view told, before the repaint):")
    print(f"  pad change          {summary(change_ms)}")
    print(f"  of it error table   {summary(error_share)}")
    print(
        f"ms per frame at the end of the stroke (a move, the change it causes, every repaint; target <= {FRAME_MS:g}):"
    )
    print(
        f"  frame               {summary(frame_ms)}   over {FRAME_MS:g} ms: {sum(f > FRAME_MS for f in frame_ms)}"
    )
    print(f"  of it the repaints  {summary(repaint_ms)}")
    window.ask_save_changes = lambda: None  # type: ignore[method-assign]
    window.autosave.stop()
    window.hide()
    window.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
