"""``--json`` on a failing case: stdout holds one whole JSON object or nothing, stderr one line, no traceback.

Every command is driven into a failure (absurd numbers, overflowing values, a broken network, a fault inside
nnstudio itself) and must either refuse in one line with nothing on stdout, or answer with a whole object
whose numbers are all finite (a number that is not finite is written as null).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from nnstudio import cli
from nnstudio.app import error_log_path
from nnstudio.cli import main
from nnstudio.document.fileformat import save_document
from nnstudio.examples import load_example


@pytest.fixture(scope="module")
def huge_weights(tmp_path_factory) -> Path:
    """The four-pixel camera with every weight 1e308: any input overflows its sums."""
    document = load_example("four-pixel-camera")
    document.network.set_weights(dict.fromkeys(document.network.edges, 1e308))
    path = tmp_path_factory.mktemp("networks") / "huge.nnet"
    save_document(document, path)
    return path


def finite_numbers_only(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite_numbers_only(v) for v in value.values())
    if isinstance(value, list):
        return all(finite_numbers_only(v) for v in value)
    return True


def one_object_or_nothing(out: str) -> dict | None:
    if out == "":
        return None
    assert out.endswith("\n") and out.count("\n") == 1, out
    parsed = json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert isinstance(parsed, dict)
    assert finite_numbers_only(parsed)
    return parsed


FAILING_CASES = {
    "run: inputs that overflow every sum": (["run", "four-pixel-camera", "--input", "1e308,1e308,1e308,1e308"]),
    "run: negative overflow": (["run", "four-pixel-camera", "--input", "-1e308,1e308,-1e308,1e308"]),
    "run: weights that overflow": (["run", "{huge}", "--input", "1,1,1,1"]),
    "run: a truth too large to score": (["run", "four-pixel-camera", "--input", "1,1,1,1", "--truth", "1e308,0,0,0"]),
    "run: a truth whose squared error overflows": (["run", "four-pixel-learner", "--input", "1,1,1,1", "--truth", "1e308,0,0,0"]),
    "run: not a number": (["run", "four-pixel-camera", "--input", "nan,1,1,1"]),
    "run: infinity": (["run", "four-pixel-camera", "--input", "inf,1,1,1"]),
    "run: no such network": (["run", "no-such-network", "--input", "1"]),
    "train: learning rate overflows": (["train", "four-pixel-learner", "--lr", "1e308", "--quiet", "--out", "{out}"]),
    "train: weights that overflow": (["train", "{huge}", "--data", "four-pixel", "--epochs", "1", "--quiet", "--out", "{out}"]),
    "train: a seed too large to save": (["train", "four-pixel-learner", "--seed", "99999999999999999999", "--quiet", "--out", "{out}"]),
    "train: nowhere to save": (["train", "four-pixel-learner", "--epochs", "1", "--quiet", "--out", "{tmp}/no/such/folder/x.nnet"]),
    "eval: weights that overflow": (["eval", "{huge}", "--data", "four-pixel"]),
    "eval: unknown loss": (["eval", "four-pixel-camera", "--loss", "nope"]),
    "gradcheck: weights that overflow": (["gradcheck", "{huge}"]),
    "gradcheck: a nudge of 0": (["gradcheck", "four-pixel-camera", "--h", "0"]),
    "gradcheck: a nudge that is not a number": (["gradcheck", "four-pixel-camera", "--h", "nan"]),
    "gradcheck: a nudge of 1e308": (["gradcheck", "four-pixel-camera", "--h", "1e308"]),
    "gradcheck: no samples": (["gradcheck", "four-pixel-camera", "--samples", "0"]),
    "gradcheck: negative samples": (["gradcheck", "four-pixel-camera", "--samples", "-3"]),
    "gradcheck: negative seed": (["gradcheck", "four-pixel-camera", "--seed", "-1"]),
}  # fmt: skip


@pytest.mark.parametrize("args", list(FAILING_CASES.values()), ids=list(FAILING_CASES))
def test_a_failing_command_prints_one_object_or_nothing(args, capsys, huge_weights, tmp_path) -> None:
    values = {"huge": str(huge_weights), "out": str(tmp_path / "out.nnet"), "tmp": str(tmp_path)}
    code = main([arg.format(**values) for arg in args] + ["--json"])
    out, err = capsys.readouterr()
    result = one_object_or_nothing(out)
    assert "Traceback" not in err
    if code == 0:
        assert result is not None and err == ""
    else:
        assert result is None
        assert code == 1
        assert err.startswith("nnstudio: error:") and len(err.strip().splitlines()) == 1, err


def test_overflowing_inputs_are_refused_with_what_to_do(capsys) -> None:
    code = main(["run", "four-pixel-camera", "--input", "1e308,1e308,1e308,1e308", "--json"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert "too large" in err and "-1 to 1" in err


def test_a_fault_inside_nnstudio_is_one_line_and_logged(capsys, monkeypatch) -> None:
    def broken(args) -> int:
        raise RuntimeError("an internal fault")

    monkeypatch.setitem(cli.COMMANDS, "examples", broken)
    code = main(["examples", "--json"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1 and "an internal fault" in err and str(error_log_path()) in err
    assert "Traceback (most recent call last)" in error_log_path().read_text(encoding="utf-8")


def test_the_reported_command_in_a_real_process() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nnstudio",
            "run",
            "four-pixel-camera",
            "--input",
            "1e308,1e308,1e308,1e308",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("nnstudio: error:") and len(done.stderr.strip().splitlines()) == 1, (
        done.stderr
    )
