"""Replay every hostile ``.nnet`` file as real processes: ``nnstudio run`` and the studio window.

For each file of tests/hostile/corpus.py:

- ``nnstudio run FILE --input 0``: exit 1, exactly one line on stderr, no traceback.
- the window, as ``nnstudio FILE`` starts it, then File > Open of the same file in a window showing the
  four-pixel camera, with every dialog dismissed as it opens: no crash and no traceback; a refused file
  gives one message and leaves an empty window (at start) or the camera (File > Open); a valid one is shown.

Opening a file must take less than the time limit (5 s: for the command line the whole run, for the window
opening the file at start and through File > Open, each timed inside the process, whose start-up of Python
and Qt is not counted; a process still running after 30 s is a hang), and every run must stay within the
memory limit (500 MB peak resident, measured with wait4; an address-space limit well above it stops a
runaway before it takes the machine).
Prints one line per failure and the counts; exits 1 if any run failed.

Run as ``.venv/bin/python tests/stress/nnet_hostile_replay.py [--no-window] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.hostile.corpus import build_all  # noqa: E402

TIME_LIMIT_S = 5.0
HANG_S = 30.0
MEMORY_LIMIT_MB = 500
ADDRESS_SPACE_MB = 4096
CAMERA_TITLE = "The four-pixel camera — nnstudio"

# A fresh interpreter doing what `nnstudio FILE` does, then File > Open of FILE over the camera example.
WINDOW = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from nnstudio.app import add_standard_panels, create_application, create_main_window

app = create_application(["nnstudio"])
shown = []

def dismiss():
    dialog = QApplication.activeModalWidget()
    if dialog is not None:
        shown.append(dialog.text() if isinstance(dialog, QMessageBox) else dialog.windowTitle())
        dialog.close()

poller = QTimer()
poller.timeout.connect(dismiss)
poller.start(10)

def settle(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)

def title(window):
    return window.windowTitle().replace("[*]", "*" if window.isWindowModified() else "")

path = Path(sys.argv[1])
clock = time.perf_counter()
started = create_main_window(path)
started.show()
started.offer_recovery()
app.processEvents()
started.grab()
start_seconds = time.perf_counter() - clock
settle(0.3)  # the message about a refused file comes from the event loop
result = {"start_title": title(started), "start_path": str(started.path), "start_messages": list(shown)}
shown.clear()
camera = create_main_window()
camera.show()
settle(0.1)
clock = time.perf_counter()
result["open_ok"] = camera.open_path(path)
app.processEvents()
camera.grab()
open_seconds = time.perf_counter() - clock
settle(0.3)
result.update(open_title=title(camera), open_path=str(camera.path), open_messages=list(shown))
result["seconds"] = max(start_seconds, open_seconds)
for window in (started, camera):
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.close()
print(json.dumps(result))
"""


def _limit_address_space() -> None:
    limit = ADDRESS_SPACE_MB << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_measured(argv: list[str], workdir: Path) -> tuple[int, str, str, float, float]:
    """(exit status, stdout, stderr, seconds, peak resident MB) of one child process."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OPENBLAS_NUM_THREADS="1")
    env["NNSTUDIO_DATA_DIR"] = str(workdir / "user-data")
    env["XDG_CONFIG_HOME"] = str(workdir / "user-config")
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    start = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=err, cwd=ROOT, env=env, preexec_fn=_limit_address_space
        )
    status, peak_kb = None, 0
    while status is None:
        pid, raw, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, peak_kb = os.waitstatus_to_exitcode(raw), usage.ru_maxrss
            proc.returncode = status
            break
        if time.perf_counter() - start > HANG_S:
            proc.kill()
            _, raw, usage = os.wait4(proc.pid, 0)
            status, peak_kb = -9, usage.ru_maxrss
            proc.returncode = status
            break
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    text = out_path.read_text(errors="replace"), err_path.read_text(errors="replace")
    return status, text[0], text[1], seconds, peak_kb / 1024


def check_run(case, path: Path, stdout: str, stderr: str, status: int) -> str | None:
    """What is wrong with the command line's answer, or None."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if status != 1 or stdout or len(lines) != 1 or "Traceback" in stderr:
        return f"exit {status}, {len(lines)} lines on stderr: {stderr.strip()[-300:]!r}"
    if not lines[0].startswith("nnstudio: error: "):
        return f"not one clean line: {lines[0][:300]!r}"
    return None


def check_window(case, path: Path, stdout: str, stderr: str, status: int) -> str | None:
    """What is wrong with the window's behaviour, or None."""
    if status != 0 or "Traceback" in stderr:
        return f"exit {status}: {stderr.strip()[-400:]!r}"
    try:
        result = json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"no result: {stdout[-300:]!r} {stderr[-300:]!r}"
    start, opened = result["start_messages"], result["open_messages"]
    if case.expect == "refused":
        if len(start) != 1 or "Could not open the network" not in start[0]:
            return f"at start: {start}"
        if result["start_path"] != "None" or not result["start_title"].startswith("Untitled"):
            return f"at start the window shows {result['start_title']!r}"
        if (
            result["open_ok"]
            or len(opened) != 1
            or not opened[0].startswith(f"{path.name} could not be opened.")
        ):
            return f"File > Open: {result['open_ok']}, {opened}"
        if result["open_title"] != CAMERA_TITLE or result["open_path"] != "None":
            return f"after File > Open the window shows {result['open_title']!r}"
    else:
        if start or result["start_path"] != str(path):
            return f"at start: {result['start_title']!r}, {start}"
        if not result["open_ok"] or opened or result["open_path"] != str(path):
            return f"File > Open: {result['open_ok']}, {opened}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-window", action="store_true", help="only the command line")
    parser.add_argument("--only", nargs="*", help="only these cases, by name")
    args = parser.parse_args()
    python = sys.executable
    counts = {"runs": 0, "passed": 0, "failed": 0, "over time": 0, "over memory": 0}
    slowest, largest = (0.0, ""), (0.0, "")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus = build_all(root / "corpus")
        if args.only:
            corpus = [(case, path) for case, path in corpus if case.name in args.only]
        print(
            f"{len(corpus)} hostile .nnet files ({sum(c.expect == 'refused' for c, _ in corpus)} to refuse), "
            f"time limit {TIME_LIMIT_S:g} s, memory limit {MEMORY_LIMIT_MB} MB",
            flush=True,
        )
        for case, path in corpus:
            ways = {"run": ([python, "-m", "nnstudio", "run", str(path), "--input", "0"], check_run)}
            if not args.no_window:
                ways["window"] = ([python, "-c", WINDOW, str(path)], check_window)
            for way, (argv, check) in ways.items():
                status, out, err, seconds, peak_mb = run_measured(argv, root)
                problem = check(case, path, out, err, status)
                if way == "window" and problem is None:
                    seconds = json.loads(out.strip().splitlines()[-1])["seconds"]
                if problem is None and seconds > TIME_LIMIT_S:
                    problem = f"took {seconds:.1f} s"
                    counts["over time"] += 1
                if problem is None and peak_mb > MEMORY_LIMIT_MB:
                    problem = f"peaked at {peak_mb:.0f} MB"
                    counts["over memory"] += 1
                counts["runs"] += 1
                counts["passed" if problem is None else "failed"] += 1
                slowest = max(slowest, (seconds, f"{case.name} via {way}"))
                largest = max(largest, (peak_mb, f"{case.name} via {way}"))
                if problem is not None:
                    print(f"FAILED {case.name} via {way}: {problem}", flush=True)
    print(
        f"runs {counts['runs']}, passed {counts['passed']}, failed {counts['failed']} "
        f"(over time {counts['over time']}, over memory {counts['over memory']}); "
        f"slowest {slowest[0]:.2f} s ({slowest[1]}); largest peak {largest[0]:.0f} MB ({largest[1]}); "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    return 0 if counts["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
