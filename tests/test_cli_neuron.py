"""``nnstudio explain`` and ``nnstudio slope``: the written-out line, the JSON, and one line for a mistake."""

from __future__ import annotations

import json

import pytest

from nnstudio.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_writes_the_festival_line(capsys) -> None:
    code, out, err = run(capsys, "explain", "festival", "--neuron", "go", "--input", "3,2,4,2")
    assert (code, out, err) == (0, "3x4 + 2x2 + 4x2 + 2x1 = 26 > 25 -> go\n", "")


def test_explain_json_has_the_terms_and_the_sums(capsys) -> None:
    code, out, _ = run(capsys, "explain", "festival", "--neuron", "o0", "--input", "3,2,4,2", "--json")
    result = json.loads(out)
    assert code == 0
    assert [t["product"] for t in result["terms"]] == [12.0, 4.0, 8.0, 2.0]
    assert result["terms"][0] == {
        "source": "i0",
        "edge": "i0>o0",
        "value": 3.0,
        "weight": 4.0,
        "product": 12.0,
    }
    assert (result["weighted_sum"], result["bias"], result["sum"]) == (26.0, -25.0, 1.0)
    assert (result["activation"], result["value"], result["threshold"]) == ("step", 1.0, 25.0)


def test_explain_reads_an_image_for_the_digits(capsys, tmp_path) -> None:
    from PySide6.QtGui import QColor, QImage

    image = QImage(28, 28, QImage.Format.Format_Grayscale8)
    image.fill(QColor("black"))
    for y in range(4, 24):
        image.setPixelColor(14, y, QColor("white"))
    path = tmp_path / "one.png"
    image.save(str(path))
    code, out, err = run(capsys, "explain", "digits", "--neuron", "o1", "--image", str(path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert len(result["terms"]) == 16
    assert result["lines"][1].startswith("sigmoid(")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["explain", "festival", "--neuron", "nobody", "--input", "1,1,1,1"],
            "no neuron with the id or label",
        ),
        (["explain", "festival", "--neuron", "o0", "--input", "1,1"], "the network takes 4 inputs"),
        (["explain", "festival", "--neuron", "o0", "--image", "x.png"], "no input image grid"),
        (["slope", "festival", "--weight", "i9>o0", "--input", "1,1,1,1"], "no connection 'i9>o0'"),
        (["slope", "xor", "--weight", "random", "--input", "1,0", "--truth", "maybe"], "--truth must be"),
        (["slope", "xor", "--weight", "random", "--data", "document", "--samples", "0"], "--samples"),
    ],
)
def test_mistakes_get_one_line(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err


def test_slope_json_agrees_with_itself(capsys) -> None:
    argv = [
        "slope",
        "four-pixel-learner",
        "--weight",
        "i0>h1_3",
        "--input",
        "1,-1,0.5,-0.5",
        "--truth",
        "1,0,0,0",
    ]
    code, out, _ = run(capsys, *argv, "--json")
    result = json.loads(out)
    assert code == 0
    assert abs(result["backprop"] - result["nudged"]) < 1e-6
    product = 1.0
    for factor in result["chain"]:
        product *= factor["value"]
    assert abs(product - result["backprop"]) < 1e-12
    assert result["h"] == 1e-4
    # Both costs are reported (their size is the benchmarks' business).
    costs = [result[key] for key in ("backprop_seconds", "nudged_seconds")]
    assert all(isinstance(cost, float) for cost in costs)
    assert result["forward_passes_for_all_slopes_by_nudging"] == 2 * result["parameters"]


def test_slope_over_samples_of_a_dataset(capsys) -> None:
    code, out, err = run(capsys, "slope", "xor", "--weight", "random", "--data", "document", "--samples", "3")
    assert code == 0, err
    lines = out.splitlines()
    assert "on 3 samples of" in lines[0]
    assert lines[1].startswith("slope by backprop") and lines[2].startswith("slope by nudging")
    assert "mean over 3 samples" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["explain", "festival", "--neuron", "o0", "--input", "1e308,1e308,1e308,1e308"], "not finite"),
        (["slope", "festival", "--weight", "random", "--input", "1e308,1e308,1e308,1e308"], "not finite"),
        (["slope", "xor", "--weight", "random", "--input", "1,0", "--truth", "1e308"], "right answer"),
    ],
)
def test_overflowing_numbers_are_refused_in_one_line(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err
