"""Edit, get killed within ten seconds of the first edit, start again: the work comes back.

Each trial starts the studio (its own autosave settings: a copy a few seconds after the first unsaved
change, then every two minutes), changes a weight, keeps changing it now and then as a person does, and is
killed with SIGKILL at a random moment 6.5 to 10 s after the first change: the first copy comes 3 s after
the first change, pushed back by changes in quick succession to at most 6 s. A second studio then starts,
is offered the work (the Recover button is pressed), and must show a weight from one of the edits, marked
as unsaved. Prints the counts; exits 1 unless every trial recovered.

Run as ``.venv/bin/python tests/stress/crash_recovery.py [--trials 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EDGE = "i0>h1_0"

# The working session: changes the weight now and then and says when; argv: first-change delay in ms, or
# "default", and the seed of its pauses.
SESSION = r"""
import random, sys, time
from nnstudio.app import create_application, create_main_window
from nnstudio.ui.commands import SetWeights

app = create_application(["nnstudio"])
window = create_main_window()
if sys.argv[1] != "default":
    window.autosave.first_change_delay = int(sys.argv[1])
window.show()
rng = random.Random(int(sys.argv[2]))

def settle(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)

settle(0.3)
k = 0
while True:
    k += 1
    window.undo_stack.push(SetWeights(window.document.network, {"EDGE": -0.25 * k}))
    print(f"edit {k}", flush=True)
    settle(rng.choice([0.2, 0.5, 1.0, 2.5]))
""".replace("EDGE", EDGE)

# The next start: offered the autosaved work, presses Recover, says what it shows.
RESTART = r"""
import json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from nnstudio.app import create_application, create_main_window

app = create_application(["nnstudio"])
window = create_main_window()
window.show()
offered = []

def answer():
    dialog = QApplication.activeModalWidget()
    if dialog is not None and dialog.objectName() == "recoveryDialog":
        offered.append(dialog.list.count())
        dialog.findChild(QWidget, "recoverButton").click()

poller = QTimer()
poller.timeout.connect(answer)
poller.start(10)
recovered = window.offer_recovery()
result = {
    "offered": offered,
    "recovered": recovered,
    "weight": window.document.network.edges["EDGE"].weight,
    "modified": window.isWindowModified(),
}
window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
window.close()
print(json.dumps(result))
""".replace("EDGE", EDGE)


@dataclass
class Trial:
    edits_made: int
    killed_after: float  # seconds after the first edit
    recovered: bool
    edits_recovered: int  # the number of the edit whose weight came back (0: the original weight)
    problem: str = ""


def _env(data_dir: Path, config_dir: Path) -> dict[str, str]:
    return dict(
        os.environ,
        NNSTUDIO_DATA_DIR=str(data_dir),
        XDG_CONFIG_HOME=str(config_dir),
        QT_QPA_PLATFORM="offscreen",
        OPENBLAS_NUM_THREADS="1",
    )


def run_trial(folder: Path, kill_after: float, seed: int = 0, first_change_delay: str = "default") -> Trial:
    """One session in ``folder``, killed ``kill_after`` s after its first edit, then one restart."""
    env = _env(folder / "data", folder / "config")
    session = subprocess.Popen(
        [sys.executable, "-c", SESSION, first_change_delay, str(seed)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[tuple[float, str]] = []
    first = threading.Event()

    def read() -> None:
        for line in session.stdout:
            lines.append((time.monotonic(), line.strip()))
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not first.wait(timeout=60):
            return Trial(0, 0.0, False, 0, f"the session never edited: {session.stderr.read()[-300:]}")
        first_edit_at = lines[0][0]
        time.sleep(max(0.0, first_edit_at + kill_after - time.monotonic()))
    finally:
        session.send_signal(signal.SIGKILL)
        session.wait(timeout=30)
        reader.join(timeout=5)
    killed_after = time.monotonic() - lines[0][0] if lines else 0.0
    edits_made = sum(1 for _, text in lines if text.startswith("edit "))
    restart = subprocess.run(
        [sys.executable, "-c", RESTART], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    try:
        result = json.loads(restart.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return Trial(edits_made, killed_after, False, 0, f"restart said nothing: {restart.stderr[-300:]}")
    weight = result["weight"]
    edit_number = round(-weight / 0.25) if weight != 1.0 else 0
    recovered = (
        result["recovered"]
        and result["offered"] == [1]
        and result["modified"]
        and 1 <= edit_number <= edits_made
        and weight == -0.25 * edit_number
    )
    problem = "" if recovered else f"restart showed {result}"
    return Trial(edits_made, killed_after, bool(recovered), edit_number, problem)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results: list[Trial] = []
    start = time.perf_counter()
    for k in range(args.trials):
        with tempfile.TemporaryDirectory() as folder:
            trial = run_trial(Path(folder), rng.uniform(6.5, 10.0), seed=k)
        results.append(trial)
        state = "recovered" if trial.recovered else f"LOST ({trial.problem})"
        print(
            f"trial {k + 1}: killed {trial.killed_after:.1f} s after the first edit, {trial.edits_made} edits "
            f"made, {state}, the copy held edit {trial.edits_recovered}",
            flush=True,
        )
    recovered = sum(t.recovered for t in results)
    print(
        f"recovered {recovered}/{len(results)}; killed {min(t.killed_after for t in results):.1f} to "
        f"{max(t.killed_after for t in results):.1f} s after the first edit; "
        f"{time.perf_counter() - start:.0f} s in all"
    )
    return 0 if recovered == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
