"""Training in the window: does the GUI stay responsive, and how much training speed do the live views cost?

(a) Event-loop stalls: the 784-16-16-10 sigmoid digits network trains on ``digits:train`` in the worker thread
    while the Training panel (with its live error plot) and, when it exists, the network canvas are shown and
    updating. A 5 ms QTimer probe on the GUI thread records the gaps between its ticks; the target is no gap
    over 50 ms. Prints the largest, median and 99th-percentile gaps.
(b) Throughput: the same settings through the same ``train`` generator without Qt (headless) against the
    worker with the window-side updates running; prints samples/s of both and their ratio (target >= 0.8).
(c) The GUI thread's work per training frame, from showing it to its repaint being done (target: <= 5 ms at
    784-1024-1024-10 whatever the connection count): median, p95 and max, for weights frames (the newest
    weights shown) and data frames (losses and epoch ends) apart, in wall time (what training waits, with
    whatever else the machine runs) and in the GUI thread's own CPU time (its work alone, steadier on a
    shared machine).

Run: ``python benchmarks/ui_training.py`` (offscreen), or under ``xvfb-run`` with ``--platform xcb``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs per run (8,000 samples each)")
    parser.add_argument("--batch", type=int, default=32, help="batch size (the brief: 32 or 10)")
    parser.add_argument("--learning-rate", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each kind; medians are reported")
    parser.add_argument("--platform", default="offscreen", help="Qt platform plugin (offscreen, xcb)")
    parser.add_argument("--no-canvas", action="store_true", help="leave the network canvas out")
    parser.add_argument("--hidden", type=int, default=16, help="neurons per hidden layer: 784-H-H-10")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    os.environ["QT_QPA_PLATFORM"] = args.platform

    import numpy as np
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from nnstudio.app import create_application
    from nnstudio.data import load_dataset
    from nnstudio.document.builders import dense_network
    from nnstudio.document.model import Document
    from nnstudio.engine.plan import compile_network
    from nnstudio.engine.train import TrainSettings, train
    from nnstudio.ui.live import LiveNetwork
    from nnstudio.ui.training import TrainingPanel

    # The studio's own application: among other things it collects Python's garbage between events.
    app = create_application(sys.argv[:1])
    train_set = load_dataset("digits:train")
    test_set = load_dataset("digits:test")
    settings = TrainSettings(
        epochs=args.epochs,
        learning_rate=args.learning_rate,
        batch_size=args.batch,
        momentum=0.0,
        seed=1,
        loss="squared",
    )

    def make_document() -> Document:
        network = dense_network(
            [784, args.hidden, args.hidden, 10],
            "sigmoid",
            seed=0,
            grid=(28, 28),
            output_labels=[str(d) for d in range(10)],
        )
        return Document(
            network,
            title="digits",
            grid=(28, 28),
            value_range=(0.0, 1.0),
            training=settings,
            training_data="digits:train",
        )

    # ------------------------------------------------------------------ (b) headless
    def headless_run() -> float:
        plan = compile_network(make_document().network)
        started = time.perf_counter()
        seen = 0
        for item in train(
            plan, train_set.inputs, train_set.targets, settings, test=(test_set.inputs, test_set.targets)
        ):
            seen = getattr(item, "samples_seen", seen)
        return seen / (time.perf_counter() - started)

    # ------------------------------------------------------------------ (a) + (b) in the window
    canvas_cls = None
    if not args.no_canvas:
        try:
            from nnstudio.ui.canvas import NetworkCanvas as canvas_cls  # type: ignore[attr-defined]
        except ImportError:
            canvas_cls = None

    def probe_gaps(seconds: float) -> np.ndarray:
        """Gaps of the 5 ms probe with nothing else running: what the machine itself adds."""
        ticks: list[float] = []
        probe = QTimer()
        probe.setTimerType(Qt.TimerType.PreciseTimer)
        probe.setInterval(5)
        probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        probe.start()
        loop.exec()
        probe.stop()
        return np.diff(np.array(ticks)) * 1000.0

    frame_costs: list[float] = []
    frame_kinds: list[str] = []
    frame_cpu: list[float] = []

    def window_run() -> tuple[float, np.ndarray, int, int]:
        document = make_document()
        live = LiveNetwork(document)
        stack = QUndoStack()
        window = QWidget()
        window.resize(1600, 1000)
        row = QHBoxLayout(window)
        canvas = None
        if canvas_cls is not None:
            canvas = canvas_cls()
            row.addWidget(canvas, 3)
            canvas.bind(live, stack)
        panel = TrainingPanel()
        panel.watchable_seconds = None  # full speed: a short run's watchable pace is not what is measured
        row.addWidget(panel, 1)
        panel.bind(live, stack)
        window.show()
        for _ in range(5):
            app.processEvents()

        ticks: list[float] = []
        probe = QTimer()
        probe.setTimerType(Qt.TimerType.PreciseTimer)
        probe.setInterval(5)
        probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()
        result: dict[str, object] = {}

        def on_ended(outcome: str, message: str) -> None:
            result["outcome"] = outcome
            result["message"] = message
            result["ended"] = time.perf_counter()
            loop.quit()

        panel.controller.ended.connect(on_ended)
        controller = panel.controller
        show, settle = controller._show_frame, controller._frame_settled
        cpu_started = [0.0]

        def timed_show() -> None:
            cpu_started[0] = time.thread_time()
            show()

        def timed_settle() -> None:
            # One frame: from showing it to its repaint being done, in wall time (what the worker waits, with
            # whatever else the machine runs) and in the GUI thread's own CPU time (its work alone).
            frame_costs.append((time.perf_counter() - controller._frame_started) * 1000.0)
            frame_cpu.append((time.thread_time() - cpu_started[0]) * 1000.0)
            frame_kinds.append(controller._last_kind)
            settle()

        controller._frame_timer.timeout.disconnect(show)
        controller._frame_timer.timeout.connect(timed_show)
        controller._settled_timer.timeout.disconnect(settle)
        controller._settled_timer.timeout.connect(timed_settle)
        probe.start()
        started = time.perf_counter()
        if not panel.start_training():
            raise SystemExit(f"training did not start: {panel.status_text()}")
        loop.exec()
        probe.stop()
        latest = panel.controller.latest_update
        assert latest is not None and result["outcome"] == "completed", result
        rate = latest.samples_seen / (float(result["ended"]) - started)  # type: ignore[arg-type]
        gaps = np.diff(np.array(ticks)) * 1000.0
        displays = panel.controller.display_count
        redraws = len(panel.plot.raw)
        panel.shutdown()
        window.close()
        window.deleteLater()
        live.detach()
        app.processEvents()
        return rate, gaps, displays, redraws

    print(
        f"784-{args.hidden}-{args.hidden}-10 sigmoid, squared error, batch {args.batch}, {args.epochs} epochs of "
        f"{len(train_set)} digits (test set {len(test_set)} evaluated each epoch), "
        f"platform {args.platform}, "
        f"canvas {'yes' if canvas_cls is not None else 'no (nnstudio.ui.canvas.NetworkCanvas not found)'}"
    )
    headless = []
    windowed = []
    all_gaps = []
    for repeat in range(args.repeats):
        headless.append(headless_run())
        rate, gaps, displays, points = window_run()
        windowed.append(rate)
        all_gaps.append(gaps)
        print(
            f"  run {repeat + 1}: headless {headless[-1]:,.0f} samples/s, window {rate:,.0f} samples/s, "
            f"largest GUI gap {gaps.max():.1f} ms, network shown {displays} times, {points} plot points"
        )
    gaps = np.concatenate(all_gaps)
    idle = probe_gaps(2.0)
    h = float(np.median(headless))
    w = float(np.median(windowed))
    print()
    print("(a) GUI event-loop gaps with a 5 ms probe while training (all runs):")
    print(
        f"    max {gaps.max():.1f} ms   median {np.median(gaps):.1f} ms   "
        f"p99 {np.percentile(gaps, 99):.1f} ms   "
        f"ticks {len(gaps) + len(all_gaps)}   gaps over 50 ms: {(gaps > 50).sum()}"
    )
    print(
        f"    same probe, nothing training (machine noise): max {idle.max():.1f} ms   "
        f"median {np.median(idle):.1f} ms   p99 {np.percentile(idle, 99):.1f} ms"
    )
    kinds = np.array(frame_kinds)
    for measure, values in (("wall", np.array(frame_costs)), ("CPU", np.array(frame_cpu))):
        print(f"    GUI-thread work per frame ({measure} time):")
        for name, chosen in (
            ("every frame", values),
            ("weights frames", values[kinds == "weights"]),
            ("data frames", values[kinds == "data"]),
        ):
            if chosen.size:
                print(
                    f"      {name + ':':<16} median {np.median(chosen):5.1f} ms   "
                    f"p95 {np.percentile(chosen, 95):5.1f} ms   max {chosen.max():5.1f} ms   "
                    f"({chosen.size} frames)"
                )
    print("(b) throughput, median of runs:")
    print(f"    headless {h:>10,.0f} samples/s")
    print(f"    window   {w:>10,.0f} samples/s")
    print(f"    ratio    {w / h:>10.2f}  (target >= 0.8)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
