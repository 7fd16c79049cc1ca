"""``nnstudio receptive`` and ``nnstudio landscape``: their JSON, their pictures and their one-line refusals."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.engine.receptive import WEIGHT_NEGATIVE, WEIGHT_POSITIVE


def run_json(capsys, *argv: str) -> dict:
    code = main([*argv, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return width, height


def png_rows(data: bytes) -> np.ndarray:
    """The RGB rows of a PNG written by nnstudio (one IDAT, filter 0)."""
    width, height = png_size(data)
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8 : start - 4], "big")
    raw = zlib.decompress(data[start : start + length])
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, 1 + 3 * width)
    return rows[:, 1:].reshape(height, width, 3)


def test_receptive_gives_the_pattern_its_activation_and_how_it_was_found(capsys, tmp_path):
    out = tmp_path / "field.png"
    result = run_json(capsys, "receptive", "four-pixel-camera", "--neuron", "h1_0", "--out", str(out))
    assert result["method"] == "weights"
    assert result["shape"] == [2, 2]
    assert result["pattern"] == [1.0, 0.0, 1.0, 0.0]
    assert result["indifferent"] == [False, True, False, True]
    assert 0.9 < result["activation"] <= 1.0
    pixels = png_rows(out.read_bytes())
    assert pixels.shape[0] == pixels.shape[1]
    half = pixels.shape[0] // 2
    # The left column is white (the weights are positive there); the right one is checkered.
    assert (pixels[:, :half] == 255).all()
    assert len({tuple(v) for v in pixels[:, half:].reshape(-1, 3).tolist()}) == 2


def test_receptive_of_a_deeper_neuron_and_of_a_digit_neuron(capsys, tmp_path):
    deep = run_json(capsys, "receptive", "four-pixel-camera", "--neuron", "o2")
    assert deep["method"] == "search"
    assert all(v in (-1.0, 1.0) for v in deep["pattern"])
    digit = run_json(capsys, "receptive", "digits", "--neuron", "h2_0", "--out", str(tmp_path / "d.png"))
    assert digit["shape"] == [28, 28] and len(digit["pattern"]) == 784
    assert digit["method"] == "gradient_ascent"
    assert all(0.0 <= v <= 1.0 for v in digit["pattern"])


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["receptive", "four-pixel-camera", "--neuron", "nobody"], "no neuron 'nobody'"),
        (["receptive", "four-pixel-camera", "--neuron", "i0"], "is an input"),
        (["receptive", "four-pixel-camera", "--neuron", "o1", "--out", "x.jpg"], ".png"),
    ],
)
def test_receptive_refuses_in_one_line(capsys, argv, says):
    assert main(argv) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert says in out.err and out.err.count("\n") == 1


def test_landscape_current_error_is_what_eval_says(capsys):
    landscape = run_json(capsys, "landscape", "four-pixel-camera", "--weights", "auto", "--steps", "9")
    evaluated = run_json(capsys, "eval", "four-pixel-camera")
    assert landscape["current_error"] == evaluated["loss"]
    assert len(landscape["errors"]) == 9 and all(len(row) == 9 for row in landscape["errors"])
    assert len(landscape["axis_x"]) == len(landscape["axis_y"]) == 9
    assert landscape["axis_x"][0] < landscape["current"][0] < landscape["axis_x"][-1]
    assert min(min(row) for row in landscape["errors"]) == landscape["lowest_error"]


def test_landscape_of_named_weights_over_a_range(capsys):
    result = run_json(
        capsys, "landscape", "xor", "--weights", "i0>h1_0,h1_0>o0", "--range", "-4,4", "--steps", "5"
    )
    assert result["weights"] == ["i0>h1_0", "h1_0>o0"]
    assert result["axis_x"] == [-4.0, -2.0, 0.0, 2.0, 4.0]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["landscape", "xor", "--weights", "i0>h1_0"], "two connections"),
        (["landscape", "xor", "--weights", "i0>h1_0,zz"], "no connection or neuron 'zz'"),
        (["landscape", "xor", "--weights", "auto", "--range", "3,-3"], "--range"),
        (["landscape", "xor", "--weights", "auto", "--steps", "1"], "steps"),
        (["landscape", "xor", "--weights", "auto", "--data", "four-pixel"], "inputs"),
    ],
)
def test_landscape_refuses_in_one_line(capsys, argv, says):
    assert main(argv) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert says in out.err and out.err.count("\n") == 1


def test_a_network_whose_weights_overflow_is_refused_in_one_line(capsys, tmp_path):
    from nnstudio.document.fileformat import save_document
    from nnstudio.examples import load_example

    document = load_example("four-pixel-camera")
    document.network.set_weights(dict.fromkeys(document.network.edges, 1e308))
    path = tmp_path / "huge.nnet"
    save_document(document, path)
    assert main(["landscape", str(path), "--weights", "auto", "--steps", "3", "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and "too large" in out.err and out.err.count("\n") == 1


def test_receptive_of_a_digit_neuron_with_its_weights_and_strongest_digits(capsys, tmp_path):
    weights = tmp_path / "weights.png"
    result = run_json(
        capsys,
        "receptive",
        "digits",
        "--neuron",
        "h1_4",
        "--weights-out",
        str(weights),
        "--data",
        "digits:test",
        "--count",
        "4",
    )
    pixels = png_rows(weights.read_bytes())
    assert pixels.shape[0] == pixels.shape[1] and pixels.shape[0] % 28 == 0
    # Green and red only: no blue in a weight picture, and both signs are there.
    assert pixels[:, :, 2].max() <= max(WEIGHT_POSITIVE[2], WEIGHT_NEGATIVE[2])
    assert (pixels[:, :, 1] > pixels[:, :, 0]).any() and (pixels[:, :, 0] > pixels[:, :, 1]).any()
    strongest = result["strongest"]
    assert len(strongest) == 4
    assert [s["activation"] for s in strongest] == sorted((s["activation"] for s in strongest), reverse=True)
    assert all(s["label"] in [str(d) for d in range(10)] for s in strongest)


def test_receptive_refuses_a_weight_picture_of_a_deeper_neuron_and_data_that_does_not_fit(capsys, tmp_path):
    assert main(["receptive", "digits", "--neuron", "h2_0", "--weights-out", str(tmp_path / "w.png")]) == 1
    assert "no weight picture" in capsys.readouterr().err
    assert main(["receptive", "digits", "--neuron", "h1_0", "--data", "four-pixel"]) == 1
    assert "takes 784 inputs" in capsys.readouterr().err
    assert main(["receptive", "digits", "--neuron", "h1_0", "--count", "0"]) == 1
    assert "--count" in capsys.readouterr().err
