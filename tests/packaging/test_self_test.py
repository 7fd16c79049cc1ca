"""``nnstudio --self-test``: every example opens in a window, runs and trains a step; one line each."""

from __future__ import annotations

import os
import subprocess
import sys

from nnstudio.examples import EXAMPLE_NAMES


def _self_test(*names: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-m", "nnstudio", "--self-test", *names],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )


def test_every_example_passes_with_one_line_each():
    done = _self_test()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == len(EXAMPLE_NAMES) + 1
    for name, line in zip(EXAMPLE_NAMES, lines, strict=False):
        assert line.startswith(f"ok  {name} ")
    assert lines[-1].startswith(f"self-test passed: {len(EXAMPLE_NAMES)} examples")
    assert done.stderr == ""


def test_an_example_that_does_not_exist_fails_with_its_line():
    done = _self_test("xor", "no-such-example")
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("ok  xor ")
    assert lines[1].startswith("FAIL no-such-example: ")
    assert lines[-1] == "self-test failed: 1 example(s) did not work"
