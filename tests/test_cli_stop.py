"""``nnstudio train`` stops where the file says, or where --until-error / --until-accuracy say."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from nnstudio.cli import main
from nnstudio.document.fileformat import load_document, save_document
from nnstudio.engine.stopping import EPOCHS, TARGET_ACCURACY, TARGET_ERROR, StopCondition
from nnstudio.examples import example_path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def train_json(capsys, *args: str) -> dict:
    code, out, err = run_cli(capsys, "train", *args, "--quiet", "--json")
    assert code == 0, err
    return json.loads(out)


def xor_that_stops(tmp_path: Path, stop: StopCondition) -> Path:
    """The xor example from fresh random weights (it learns in about 100 epochs of its 300), stopping at ``stop``."""
    doc = load_document(example_path("xor"))
    doc.training = replace(doc.training, epochs=300, stop=stop)
    path = tmp_path / "xor.nnet"
    save_document(doc, path)
    return path


def test_a_files_target_error_ends_the_run_at_the_epoch_that_reaches_it(tmp_path, capsys):
    start = xor_that_stops(tmp_path, StopCondition(TARGET_ERROR, 0.01))
    out = tmp_path / "trained.nnet"
    result = train_json(capsys, str(start), "--randomize", "--out", str(out))
    assert result["reached"] is True
    assert result["stop"] == {"kind": "error", "target": 0.01}
    assert 1 <= result["epochs_run"] < 300 and result["epochs"] == 300
    assert result["loss"] <= 0.01
    # The trained file keeps the condition it was trained with.
    assert load_document(out).training.stop == StopCondition(TARGET_ERROR, 0.01)


def test_the_text_says_where_and_why_the_run_stopped(tmp_path, capsys):
    start = xor_that_stops(tmp_path, StopCondition(TARGET_ERROR, 0.01))
    code, out, err = run_cli(
        capsys, "train", str(start), "--randomize", "--quiet", "--out", str(tmp_path / "t.nnet")
    )
    assert code == 0, err
    assert "target reached in epoch" in out and "of 300" in out
    assert "reached the target 0.01" in out


def test_until_accuracy_is_in_percent_and_is_saved_with_the_network(tmp_path, capsys):
    start = xor_that_stops(tmp_path, StopCondition())
    out = tmp_path / "trained.nnet"
    result = train_json(capsys, str(start), "--randomize", "--until-accuracy", "100", "--out", str(out))
    assert result["reached"] is True and result["accuracy"] == 1.0
    assert result["epochs_run"] < 300
    assert load_document(out).training.stop == StopCondition(TARGET_ACCURACY, 1.0)


def test_until_error_overrides_the_files_condition(tmp_path, capsys):
    start = xor_that_stops(tmp_path, StopCondition(TARGET_ACCURACY, 0.5))
    result = train_json(
        capsys, str(start), "--randomize", "--until-error", "0.05", "--out", str(tmp_path / "t.nnet")
    )
    assert result["stop"] == {"kind": "error", "target": 0.05}
    assert result["reached"] is True and result["loss"] <= 0.05


def test_all_epochs_runs_every_epoch_whatever_the_file_says(tmp_path, capsys):
    start = xor_that_stops(tmp_path, StopCondition(TARGET_ERROR, 0.01))
    out = tmp_path / "t.nnet"
    result = train_json(capsys, str(start), "--randomize", "--all-epochs", "--out", str(out))
    assert result["reached"] is False and result["epochs_run"] == 300
    assert result["stop"] == {"kind": EPOCHS, "target": 0.0}
    assert load_document(out).training.stop == StopCondition()


def test_a_target_never_reached_runs_every_epoch(tmp_path, capsys):
    start = xor_that_stops(tmp_path, StopCondition())
    result = train_json(
        capsys, str(start), "--epochs", "3", "--until-error", "0", "--out", str(tmp_path / "t.nnet")
    )
    assert result["reached"] is False and result["epochs_run"] == 3


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--until-accuracy", "150"], 1, "--until-accuracy is a percentage from 0 to 100, not 150"),
        (["--until-accuracy", "-5"], 1, "--until-accuracy is a percentage from 0 to 100, not -5"),
        (["--until-error", "-1"], 1, "--until-error must be zero or a positive number, not -1"),
        (["--until-error", "nan"], 1, "--until-error must be zero or a positive number, not nan"),
        (["--until-error", "0.1", "--until-accuracy", "90"], 2, "not allowed with argument"),
    ],
)
def test_an_impossible_target_gets_one_line(tmp_path, capsys, args, code, fragment):
    out = tmp_path / "never.nnet"
    got, _, err = run_cli(capsys, "train", "xor", *args, "--quiet", "--out", str(out))
    assert got == code
    assert fragment in err and "Traceback" not in err
    assert not out.exists()


def test_the_help_describes_the_stop_options(capsys):
    assert main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--until-error", "--until-accuracy", "--all-epochs"):
        assert option in text
    assert "percent" in text
