"""Every figure of docs/PERFORMANCE.md in one run, written as one table.

    python benchmarks/run_all.py [--out docs/PERFORMANCE.md] [--seconds 2] [--frames 10] [--quick]

It calls the other benchmarks' own functions (engine_vs_torch's runners, canvas_render's measure_size,
engine_scale's launch script) and runs ui_training.py as it is, so the table measures exactly what they
measure: training speed of the engine beside hand-written numpy and PyTorch CPU at batch 1, 10, 32 and 250;
canvas repaint for 13k, 270k and 1.86M connections; the GUI's longest stall and the in-window training
speed; launch to a painted window and the memory it takes; and, when packaging/build.sh has built the app
and Xvfb is installed, the built app's start-up on a real X screen. ``--quick`` makes every measurement
short (for checking the script, not for figures).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "packaging"))

import canvas_render  # noqa: E402
import engine_scale  # noqa: E402
import engine_vs_torch  # noqa: E402
import numpy as np  # noqa: E402

Row = tuple[str, str, str]  # what, figure, note

# After engine_scale's launch script has painted its window and quit: the process's own peak memory (a
# child's rusage would count the parent's pages it was forked from).
PEAK_MEMORY = """
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print("peak", int(line.split()[1]) // 1024, flush=True)
"""


def training_rows(seconds: float, batches: list[int]) -> list[Row]:
    from nnstudio.data import load_dataset

    data = load_dataset("digits:train")
    x, y = data.inputs, data.targets
    rows: list[Row] = []
    for batch in batches:
        rates = engine_vs_torch.interleaved(
            {
                "nnstudio": engine_vs_torch.engine_runner(x, y, batch),
                "numpy": engine_vs_torch.numpy_runner(x, y, batch),
                "torch": engine_vs_torch.torch_runner(x, y, batch),
                "limit": engine_vs_torch.limit_runner(),
            },
            seconds,
        )
        torch = f"{rates['torch']:,.0f}" if "torch" in rates else "not installed"
        versus_torch = f", {rates['nnstudio'] / rates['torch']:.1f}x PyTorch" if "torch" in rates else ""
        rows.append(
            (
                f"training 784-16-16-10, batch {batch} (samples/s: nnstudio / numpy / PyTorch)",
                f"{rates['nnstudio']:,.0f} / {rates['numpy']:,.0f} / {torch}",
                f"{rates['nnstudio'] / rates['numpy']:.2f}x hand-written numpy{versus_torch}, "
                f"{rates['nnstudio'] / rates['limit']:.0%} of the arithmetic limit",
            )
        )
    return rows


def canvas_rows(frames: int, sizes: list[int]) -> list[Row]:
    from nnstudio.app import create_application

    # The studio's own application: among other things it collects Python's garbage between events.
    app = create_application(sys.argv[:1])
    rows: list[Row] = []
    for hidden in sizes:
        column = canvas_render.measure_size(app, hidden, frames)
        name = f"784-{hidden}-{hidden}-10 ({column['connections']} connections)"
        wall = column["full repaint"].split("/")[0].strip()
        rows.append((f"canvas full repaint, {name}, 1600x1000", f"{wall} ms", "target <= 33 ms"))
        rows.append(
            (
                f"canvas new input (activations only), {name}",
                f"{column['activations only'].split('/')[0].strip()} ms",
                "",
            )
        )
        rows.append(
            (
                f"canvas bind (building the canvas for the network), {name}",
                f"{column['bind'].split('/')[0].strip()} ms",
                "",
            )
        )
        for measured, what in (
            ("first paint", "first paint after binding"),
            ("weights changed", "every weight changed at once"),
            ("zoomed in 8x", "zoomed in 8x"),
        ):
            wall = column[measured].split("/")[0].strip()
            rows.append((f"canvas {what}, {name}", f"{wall} ms", "target <= 33 ms"))
    return rows


def ui_training_rows(epochs: int, repeats: int, hidden: int = 16) -> list[Row]:
    """Training 784-H-H-10 in the window (ui_training.py as it is): stalls, speed and, for a big network, the
    GUI thread's work per frame that shows new weights."""
    command = [
        sys.executable,
        str(HERE / "ui_training.py"),
        "--epochs",
        str(epochs),
        "--repeats",
        str(repeats),
    ]
    done = subprocess.run(
        [*command, "--hidden", str(hidden)], capture_output=True, text=True, check=False, timeout=1800
    )
    text = done.stdout
    stall = re.search(r"\(a\).*?\n\s+max ([\d.]+) ms\s+median ([\d.]+) ms\s+p99 ([\d.]+) ms", text, re.S)
    speed = re.search(r"headless\s+([\d,]+).*?window\s+([\d,]+).*?ratio\s+([\d.]+)", text, re.S)
    frame = re.search(
        r"\(CPU time\):.*?weights frames:\s+median\s+([\d.]+) ms\s+p95\s+([\d.]+) ms", text, re.S
    )
    name = f"784-{hidden}-{hidden}-10"
    if stall is None or speed is None or frame is None:
        return [(f"training {name} in the window", "failed", (done.stderr or text).strip()[-120:])]
    rows = [
        (
            f"GUI event-loop stall while training {name} (5 ms probe)",
            f"max {stall[1]} ms, p99 {stall[3]} ms",
            "target: no gap over 50 ms",
        ),
        (
            f"training {name} in the window vs headless (batch 32, samples/s, {epochs} epochs)",
            f"{speed[2]} vs {speed[1]}",
            f"ratio {speed[3]} (target >= 0.8)",
        ),
    ]
    if hidden >= 1024:
        rows.append(
            (
                f"GUI thread's work per frame of new weights, {name} (CPU time)",
                f"median {frame[1]} ms, p95 {frame[2]} ms",
                "target: median <= 5 ms",
            )
        )
    return rows


def _launch_once(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds to a painted window and the peak memory (MB) of a fresh studio process opening ``path``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", engine_scale.LAUNCH + PEAK_MEMORY, str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    painted = None
    out = ""
    for line in process.stdout:
        out += line
        if painted is None and line.startswith("painted"):
            painted = time.perf_counter() - start
    process.wait()
    peak = re.search(r"peak (\d+)", out)
    if process.returncode != 0 or painted is None or peak is None:
        raise RuntimeError(f"the window for {path.name} did not open")
    return painted, float(peak[1])


def launch_rows(repeats: int) -> list[Row]:
    from nnstudio.document.builders import dense_network
    from nnstudio.document.fileformat import save_document
    from nnstudio.document.model import Document
    from nnstudio.examples import example_path

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "h1024.nnet"
        save_document(Document(dense_network([784, 1024, 1024, 10], "relu", 0, grid=(28, 28))), big)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNSTUDIO_DATA_DIR=str(Path(tmp) / "data"))
        for name, path in (("digits", example_path("digits")), ("784-1024-1024-10", big)):
            _launch_once(path, env)  # warm the disk cache
            runs = [_launch_once(path, env) for _ in range(repeats)]
            seconds = statistics.median(r[0] for r in runs)
            memory = statistics.median(r[1] for r in runs)
            rows.append(
                (f"launch to a painted window, {name} (from source, offscreen)", f"{seconds:.2f} s", "")
            )
            rows.append((f"memory of the studio with {name} open (peak RSS)", f"{memory:,.0f} MB", ""))
    app = ROOT / "packaging" / "dist" / "nnstudio" / "nnstudio"
    if app.exists():
        try:
            import measure_startup

            for name, times in measure_startup.measure({"digits": [str(app), "digits"]}, repeats).items():
                rows.append(
                    (
                        f"built app start-up to a visible window, {name} (Xvfb, warm disk)",
                        f"{statistics.median(times):.2f} s",
                        f"{min(times):.2f} to {max(times):.2f} s over {len(times)} runs",
                    )
                )
        except (SystemExit, subprocess.SubprocessError, OSError) as exc:
            rows.append(("built app start-up", "not measured", str(exc).splitlines()[0][:120]))
    return rows


def machine() -> str:
    from PySide6 import __version__ as pyside

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, numpy {np.__version__}, "
        f"PySide6 {pyside}, PyTorch {torch_version}; OpenBLAS on one thread"
    )


def table(rows: list[Row]) -> str:
    lines = ["| measurement | figure | note |", "|---|---|---|"]
    lines += [f"| {what} | {figure} | {note} |" for what, figure, note in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="write the Markdown table into this file (after its intro)")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per implementation and batch size")
    parser.add_argument("--frames", type=int, default=10, help="frames per canvas measurement")
    parser.add_argument("--quick", action="store_true", help="short measurements, to check the script")
    args = parser.parse_args(argv)
    quick = args.quick
    started = time.perf_counter()
    rows: list[Row] = []
    sections = [
        ("training speed", lambda: training_rows(0.3 if quick else args.seconds, [1, 10, 32, 250])),
        ("canvas", lambda: canvas_rows(3 if quick else args.frames, [16, 256] if quick else [16, 256, 1024])),
        ("training in the window", lambda: ui_training_rows(1 if quick else 60, 1 if quick else 3)),
        (
            "training a big network in the window",
            lambda: ui_training_rows(1 if quick else 6, 1 if quick else 3, 256),
        ),
        ("GUI work per frame", lambda: ui_training_rows(1 if quick else 4, 1 if quick else 3, 1024)),
        ("launch and memory", lambda: launch_rows(1 if quick else 3)),
    ]
    for name, measure in sections:
        try:
            rows += measure()
        except Exception as exc:  # noqa: BLE001 - one section's failure leaves the others' figures
            rows.append((name, "not measured", f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"))
        print(f"{name} measured", file=sys.stderr)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result = f"Measured {stamp} in {time.perf_counter() - started:.0f} s on {machine()}.\n\n{table(rows)}\n"
    print(result)
    if args.out is not None:
        intro = ""
        if args.out.exists():
            text = args.out.read_text()
            marker = "<!-- table -->"
            if marker in text:
                intro = text.split(marker)[0] + marker + "\n\n"
        args.out.write_text(intro + result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
