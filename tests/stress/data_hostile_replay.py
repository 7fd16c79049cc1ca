"""Replay every hostile dataset as real processes: ``nnstudio eval``, ``nnstudio train`` and the window's import.

Each run gets a memory limit (address space, set with resource.setrlimit in the child) and a time limit (the
whole process for the commands, the import itself for the window); a run passes when it exits 1 with
exactly one line on stderr and no traceback (the window's import: the panel shows one line and keeps its
dataset). Prints one line per failure and the counts, and exits 1 if any run
failed. Run as ``.venv/bin/python tests/stress/data_hostile_replay.py [--no-window] [--memory-mb N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.hostile_data.corpus import build_all  # noqa: E402

TIME_LIMIT_S = 5.0

# Run in a fresh interpreter: import one hostile dataset through the training panel, as the window does.
WINDOW_IMPORT = """
import os, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QUndoStack
app = QApplication([])
from nnstudio.examples import load_example
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training.panel import TrainingPanel
spec = sys.argv[1]
panel = TrainingPanel()
live = LiveNetwork(load_example("four-pixel-learner"))
panel.bind(live, QUndoStack())

before = panel.dataset_spec()
import time
started = time.perf_counter()
panel.import_dataset(spec)
while panel.importing():
    app.processEvents()
    panel.loader.wait(0.01)
text = panel.status_text()
ok = "color" in panel.status.styleSheet() and panel.dataset_spec() == before and "\\n" not in text and text
print(text)
print(f"import seconds {time.perf_counter() - started:.3f}")
sys.exit(1 if ok else 3)
"""


def _limits(memory_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return apply


def run_one(argv: list[str], memory_bytes: int, workdir: Path) -> tuple[int, str, str, float, int]:
    """(exit status, stdout, stderr, seconds, peak resident KiB) of one child process."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OPENBLAS_NUM_THREADS="1")
    env["NNSTUDIO_DATA_DIR"] = str(workdir / "user-data")
    env["XDG_CONFIG_HOME"] = str(workdir / "user-config")
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
        preexec_fn=_limits(memory_bytes),
    )
    try:
        out, err = proc.communicate(timeout=TIME_LIMIT_S * 4)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return -9, out, err + "\n(killed: no answer in time)", time.perf_counter() - start, 0
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return proc.returncode, out, err, seconds, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-window", action="store_true", help="only the command line, not the window")
    parser.add_argument("--memory-mb", type=int, default=500, help="address-space limit of each run")
    args = parser.parse_args()
    memory = args.memory_mb << 20
    python = sys.executable
    counts = {"runs": 0, "passed": 0, "failed": 0}
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus = build_all(root / "corpus")
        print(
            f"{len(corpus)} hostile datasets, memory limit {args.memory_mb} MB, time limit {TIME_LIMIT_S:g} s"
        )
        for case, spec in corpus:
            runs = {
                "eval": [python, "-m", "nnstudio", "eval", "four-pixel-learner", "--data", spec],
                "train": [
                    python, "-m", "nnstudio", "train", "four-pixel-learner", "--data", spec,
                    "--epochs", "1", "--out", str(root / "out.nnet"),
                ],
            }  # fmt: skip
            if not args.no_window:
                runs["window"] = [python, "-c", WINDOW_IMPORT, spec]
            for way, argv in runs.items():
                status, out, err, seconds, _ = run_one(argv, memory, root)
                lines = [line for line in err.splitlines() if line.strip()]
                if way == "window":
                    # Starting Python and Qt is not the import: the window judges the import's own time.
                    seconds = float(out.rsplit(" ", 1)[-1]) if "import seconds" in out else seconds
                    good = status == 1 and "Traceback" not in err and not lines
                else:
                    good = status == 1 and len(lines) == 1 and "Traceback" not in err and not out
                good = good and seconds < TIME_LIMIT_S
                counts["runs"] += 1
                counts["passed" if good else "failed"] += 1
                slowest = max(slowest, (seconds, f"{case.name} ({way})"))
                if not good:
                    print(
                        f"FAILED {case.name} via {way}: exit {status}, {seconds:.1f} s\n  {err.strip()[-600:]}"
                    )
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"runs {counts['runs']}, passed {counts['passed']}, failed {counts['failed']};"
        f" slowest {slowest[0]:.2f} s ({slowest[1]}); largest peak memory of any run {peak_mb:.0f} MB"
    )
    return 0 if counts["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
