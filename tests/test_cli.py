"""The headless commands, as a script would use them: exit codes, one-line errors, JSON on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nnstudio.cli import main
from nnstudio.document.fileformat import load_document, save_document
from nnstudio.document.model import Document
from nnstudio.engine.graph import Network, Neuron, Role
from nnstudio.engine.train import TrainSettings


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args: str) -> dict:
    code, out, err = run_cli(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_examples_lists_every_built_in_network(capsys) -> None:
    names = [e["name"] for e in run_json(capsys, "examples")["examples"]]
    assert {
        "four-pixel-camera",
        "three-by-three-shapes",
        "festival",
        "xor-single",
        "xor",
        "digits",
        "digits-wide",
    } <= set(names)


def test_run_the_four_pixel_camera_on_a_horizontal_line(capsys) -> None:
    result = run_json(capsys, "run", "four-pixel-camera", "--input", "-1,-1,1,1", "--truth", "horizontal")
    assert result["answer"] == "horizontal"
    assert set(result["outputs"]) == {"solid", "vertical", "diagonal", "horizontal"}
    assert result["neurons"]["i0"] == {"sum": -1.0, "activation": -1.0}
    assert result["error"]["truth"] == [0, 0, 0, 1]
    assert result["error"]["total"] == pytest.approx(sum(result["error"]["error"]))


def test_seed_002_error_table(tmp_path: Path, capsys) -> None:
    # Outputs that answer .5 .75 -.25 -.75 whatever the input: identity neurons whose bias is the answer.
    answers = [0.5, 0.75, -0.25, -0.75]
    labels = ["solid", "vertical", "diagonal", "horizontal"]
    neurons = [Neuron("pixel", Role.INPUT, "identity")]
    neurons += [Neuron(f"o{k}", Role.OUTPUT, "identity", b, labels[k]) for k, b in enumerate(answers)]
    doc = Document(Network.from_parts(neurons, []), training=TrainSettings(loss="absolute"))
    path = tmp_path / "errors.nnet"
    save_document(doc, path)
    result = run_json(capsys, "run", str(path), "--input", "0", "--truth", "0,0,0,1")
    assert result["error"]["answer"] == answers
    assert result["error"]["error"] == pytest.approx([0.5, 0.75, 0.25, 1.75])
    assert result["error"]["total"] == pytest.approx(3.25)


@pytest.mark.parametrize(
    ("bias", "verdict", "answer"),
    [(0.3, "yes", "go"), (-0.3, "no", "not go"), (0.0, "undecided", "undecided: go or not")],
)
def test_a_lone_outputs_answer_is_undecided_right_on_its_threshold_as_in_the_studio(
    tmp_path: Path, capsys, bias: float, verdict: str, answer: str
) -> None:
    """A tanh output answers yes above 0, no below and neither at 0 itself, as the Answer panel says."""
    neurons = [Neuron("x", Role.INPUT, "identity"), Neuron("o", Role.OUTPUT, "tanh", bias, "go")]
    path = tmp_path / "lone.nnet"
    save_document(Document(Network.from_parts(neurons, [])), path)
    result = run_json(capsys, "run", str(path), "--input", "0")
    assert (result["verdict"], result["answer"], result["yes"]) == (verdict, answer, verdict == "yes")
    code, out, _ = run_cli(capsys, "run", str(path), "--input", "0")
    assert code == 0 and f"answer: {verdict} (go " in out


def test_festival_neuron_says_go(capsys) -> None:
    result = run_json(capsys, "run", "festival", "--input", "3,2,4,2")
    assert result["outputs"] == {result["answer"]: 1.0}
    output_sum = [v["sum"] for k, v in result["neurons"].items() if k not in {"i0", "i1", "i2", "i3"}]
    assert output_sum == [pytest.approx(1.0)]


def test_run_on_a_drawn_image(tmp_path: Path, capsys) -> None:
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 40, QImage.Format.Format_Grayscale8)
    image.fill(QColor("white"))
    for y in range(20):
        for x in range(40):
            image.setPixelColor(x, y, QColor("black"))
    path = tmp_path / "dark-top.png"
    assert image.save(str(path))
    result = run_json(capsys, "run", "four-pixel-camera", "--image", str(path))
    assert result["answer"] == "horizontal"
    assert [result["neurons"][f"i{k}"]["activation"] for k in range(4)] == [-1, -1, 1, 1]


def test_train_eval_and_gradcheck(tmp_path: Path, capsys) -> None:
    out = tmp_path / "xor.nnet"
    result = run_json(
        capsys, "train", "xor", "--data", "document", "--epochs", "20", "--quiet", "--out", str(out)
    )
    assert set(result) >= {"loss", "accuracy", "epochs", "samples_per_second"}
    assert result["epochs"] == 20 and result["accuracy"] == 1.0
    assert load_document(out).training.epochs == 20
    evaluated = run_json(capsys, "eval", str(out), "--data", "document")
    assert evaluated["accuracy"] == 1.0
    check = run_json(capsys, "gradcheck", str(out))
    assert check["max_relative_error"] < 1e-7
    costs = [check[key] for key in ("backprop_seconds", "numerical_seconds")]
    assert all(cost > 0 for cost in costs)  # both costs are reported


def test_eval_reports_a_confusion_matrix_with_truth_as_rows(capsys) -> None:
    result = run_json(capsys, "eval", "three-by-three-shapes", "--data", "shapes3x3")
    confusion = result["confusion"]
    assert len(confusion) == 4 and all(len(row) == 4 for row in confusion)
    assert [row[i] for i, row in enumerate(confusion)] == [2, 2, 2, 2]
    assert result["accuracy"] == 1.0


def test_eval_of_a_yes_no_network_counts_both_answers(capsys) -> None:
    """A single output is a yes/no answer: its confusion matrix has a row and a column for each side, and
    every sample is in it (it was one cell counting only the "yes" samples)."""
    result = run_json(capsys, "eval", "xor", "--data", "document")
    assert result["labels"] == ["not A xor B", "A xor B"]
    assert result["confusion"] == [[2, 0], [0, 2]]
    assert sum(map(sum, result["confusion"])) == result["samples"]


def test_a_diverging_run_fails_with_advice_and_writes_nothing(tmp_path: Path, capsys) -> None:
    from nnstudio.document.builders import dense_network

    start = tmp_path / "relu.nnet"
    save_document(
        Document(
            dense_network([4, 8, 4], ["relu", "identity"], seed=1), grid=(2, 2), training_data="four-pixel"
        ),
        start,
    )
    before = start.read_bytes()
    out = tmp_path / "never.nnet"
    code, stdout, err = run_cli(
        capsys, "train", str(start), "--lr", "1e6", "--epochs", "50", "--quiet", "--out", str(out)
    )
    assert code == 1
    assert "diverged at step" in err and "learning rate" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
    assert start.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["run", "no-such-network", "--input", "1"], 1, "no file or built-in example"),
        (["run", "four-pixel-camera", "--input", "1,2"], 1, "takes 4 inputs"),
        (["run", "four-pixel-camera", "--input", "1,x,2,3"], 1, "numbers separated by commas"),
        (["run", "four-pixel-camera", "--input", "1,1,1,1", "--truth", "zebra"], 1, "output label"),
        (
            ["train", "four-pixel-camera", "--data", "digits:train", "--out", "x.nnet"],
            1,
            "784 values per sample",
        ),
        (["train", "four-pixel-camera", "--data", "nonsense", "--out", "x.nnet"], 1, "nonsense"),
        (["train", "four-pixel-camera", "--epochs", "0", "--out", "x.nnet"], 1, "epochs"),
        (["run", "four-pixel-camera"], 2, "--input"),
        (["frobnicate"], 2, "frobnicate"),
    ],
)
def test_mistakes_get_one_line_and_the_right_exit_code(capsys, args, code, fragment) -> None:
    got, _, err = run_cli(capsys, *args)
    assert got == code
    assert fragment in err
    assert "Traceback" not in err


def test_a_corrupt_file_is_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "broken.nnet"
    path.write_bytes(b'{"format": "nnstudio-network", "version": 1, "neurons": [')
    code, _, err = run_cli(capsys, "run", str(path), "--input", "1")
    assert code == 1 and err.startswith("nnstudio: error:") and len(err.strip().splitlines()) == 1


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nnstudio", "examples", "--json"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "four-pixel-camera" in {e["name"] for e in json.loads(done.stdout)["examples"]}
