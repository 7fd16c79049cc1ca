"""Every hostile dataset through ``nnstudio eval`` and ``nnstudio train``: exit 1 and one line, no traceback.

In process for the whole corpus (fast), and as real subprocesses for the cases that used to hang or blow up
(a named pipe, a gzip bomb, SVG in a .png), with a time limit that a hang would exceed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nnstudio import cli

from .corpus import CASES, build_all

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_all(tmp_path_factory.mktemp("hostile"))


def test_the_corpus_is_large_and_named():
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    kinds = {case.name.split("-")[0] for case in CASES}
    assert {"idx", "csv", "png"} <= kinds


def _one_clean_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("nnstudio: error: ")
    return lines[0]


@pytest.mark.parametrize("command", ["eval", "train"])
def test_every_hostile_dataset_is_refused_in_one_line(corpus, command, tmp_path, capsys):
    refused = 0
    for case, spec in corpus:
        argv = [command, "four-pixel-learner", "--data", spec]
        if command == "train":
            argv += ["--out", str(tmp_path / "out.nnet"), "--epochs", "1"]
        status = cli.main(argv)
        out, err = capsys.readouterr()
        assert status == 1, f"{case.name}: exit {status}"
        line = _one_clean_line(err)
        assert out == ""
        assert len(line) < 400, f"{case.name}: {line}"
        refused += 1
    assert not (tmp_path / "out.nnet").exists()
    assert refused == len(corpus)


@pytest.mark.parametrize("name", ["csv-fifo", "idx-gzip-bomb", "png-svg-inside", "csv-label-1e19"])
@pytest.mark.parametrize("command", ["eval", "gradcheck"])
def test_in_a_real_process(corpus, name, command):
    spec = next(spec for case, spec in corpus if case.name == name)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OPENBLAS_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, "-m", "nnstudio", command, "four-pixel-learner", "--data", spec],
        capture_output=True,
        text=True,
        timeout=60,  # a hang (the old reader waited on the pipe forever) fails here instead of hanging
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    _one_clean_line(result.stderr)


def test_run_with_an_image_that_is_svg_inside(corpus, capsys):
    spec = next(spec for case, spec in corpus if case.name == "png-svg-inside")
    picture = os.path.join(spec, "b", "two.png")
    assert cli.main(["run", "digits", "--image", picture]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "not a PNG, JPEG or BMP" in _one_clean_line(err)
