"""Start-up of nnstudio to a usable window, on a real (virtual) X screen: the built app and the source.

    python packaging/measure_startup.py [--runs 5] [--app packaging/dist/nnstudio/nnstudio]

Each run starts a fresh process with an example and waits until its main window is mapped on the screen
(xdotool), then ends it. The first run of each warms the disk cache and is not counted: the figures are
the median and the range of the other runs. Needs Xvfb and xdotool (Debian: xvfb, xdotool).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISPLAY = ":87"


def _start_screen() -> subprocess.Popen:
    screen = subprocess.Popen(
        ["Xvfb", DISPLAY, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run(["xdpyinfo", "-display", DISPLAY], capture_output=True).returncode == 0:
            return screen
        if shutil.which("xdpyinfo") is None:
            time.sleep(1.0)
            return screen
        time.sleep(0.05)
    screen.kill()
    raise SystemExit("Xvfb did not start")


def time_to_window(command: Sequence[str], env: dict[str, str], timeout: float = 60.0) -> float:
    """Seconds from starting ``command`` until a window of its process is visible (one retry: xdotool can
    fail while the screen is still settling)."""
    try:
        return _time_to_window(command, env, timeout)
    except subprocess.CalledProcessError:
        return _time_to_window(command, env, timeout)


def _time_to_window(command: Sequence[str], env: dict[str, str], timeout: float) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--pid", str(process.pid)],
            env=env,
            capture_output=True,
            timeout=timeout,
            check=True,
        )
        return time.perf_counter() - start
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def measure(commands: dict[str, Sequence[str]], runs: int) -> dict[str, list[float]]:
    """Start-up seconds of each command (``runs`` counted runs after one warm-up run each)."""
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        raise SystemExit("measuring start-up needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    home = Path(tempfile.mkdtemp(prefix="nnstudio-startup-"))
    env = dict(
        os.environ,
        DISPLAY=DISPLAY,
        NNSTUDIO_DATA_DIR=str(home / "data"),
        NNSTUDIO_CONFIG_DIR=str(home / "config"),
        XDG_CONFIG_HOME=str(home / "config"),
        OPENBLAS_NUM_THREADS="1",
    )
    env.pop("QT_QPA_PLATFORM", None)
    screen = _start_screen()
    try:
        results: dict[str, list[float]] = {}
        for name, command in commands.items():
            time_to_window(command, env)
            results[name] = [time_to_window(command, env) for _ in range(runs)]
        return results
    finally:
        screen.terminate()
        screen.wait(10)
        shutil.rmtree(home, ignore_errors=True)


def default_commands(app: Path, example: str = "digits") -> dict[str, list[str]]:
    commands = {}
    if app.exists():
        commands[f"built app, {example}"] = [str(app), example]
    commands[f"from source (python -m nnstudio), {example}"] = [sys.executable, "-m", "nnstudio", example]
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app", type=Path, default=ROOT / "packaging" / "dist" / "nnstudio" / "nnstudio")
    parser.add_argument("--example", default="digits")
    args = parser.parse_args()
    for name, times in measure(default_commands(args.app, args.example), args.runs).items():
        print(
            f"{name:<45} median {statistics.median(times):.2f} s (from {min(times):.2f} to {max(times):.2f})"
        )


if __name__ == "__main__":
    main()
