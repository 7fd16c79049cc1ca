"""nnstudio dream and nnstudio fool: one JSON object each, a picture written, one clear line for mistakes."""

import json

import numpy as np

from nnstudio.cli import main
from nnstudio.cli.views import write_png
from nnstudio.data.digits import digits_test


def _paper_digit(path, index: int) -> int:
    data = digits_test()
    ink = data.inputs[index].reshape(28, 28)
    gray = np.round((1.0 - ink) * 255).astype(np.uint8)
    big = np.repeat(np.repeat(gray, 8, axis=0), 8, axis=1)
    write_png(path, np.repeat(big[:, :, None], 3, axis=2))
    return int(data.classes[index])


def test_dream_raises_the_neuron(capsys, tmp_path):
    out = tmp_path / "three.png"
    code = main(["dream", "digits", "--target", "3", "--steps", "20", "--out", str(out), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["activation_after"] > result["activation_before"]
    assert out.read_bytes().startswith(b"\x89PNG")


def test_dream_from_a_picture_for_a_hidden_neuron(capsys, tmp_path):
    start = tmp_path / "start.png"
    _paper_digit(start, 3)
    code = main(
        ["dream", "digits", "--target", "h1_0", "--from", str(start), "--steps", "10"]
        + ["--out", str(tmp_path / "d.png"), "--json"]
    )
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["neuron"] == "h1_0"
    assert result["activation_after"] >= result["activation_before"]


def test_fool_flips_the_answer(capsys, tmp_path):
    image = tmp_path / "digit.png"
    truth = _paper_digit(image, 0)
    target = str((truth + 2) % 10)
    out = tmp_path / "fooled.png"
    code = main(["fool", "digits", "--image", str(image), "--target", target, "--out", str(out), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["answer_before"] == str(truth)
    assert result["answer_after"] == target
    assert 0 < result["max_change"] <= 0.3
    assert out.exists()


def test_mistakes_are_one_line(capsys, tmp_path):
    code = main(["dream", "digits", "--target", "nobody", "--out", str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert code == 1 and "no neuron 'nobody'" in err and err.count("\n") == 1
    code = main(["fool", "digits", "--image", str(tmp_path / "none.png"), "--target", "3", "--out", "x.png"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    code = main(["dream", "digits", "--target", "3", "--out", str(tmp_path / "x.jpg")])
    assert code == 1 and ".png" in capsys.readouterr().err


def test_fooling_into_the_answer_it_already_gives_says_so(capsys, tmp_path):
    image = tmp_path / "digit.png"
    truth = _paper_digit(image, 0)
    out = tmp_path / "fooled.png"
    code = main(["fool", "digits", "--image", str(image), "--target", str(truth), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert f"the network already reads {truth} in this picture" in err and "another --target" in err
    assert not out.exists()
