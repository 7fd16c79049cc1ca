"""``nnstudio export`` and ``nnstudio import`` as a script would call them."""

from __future__ import annotations

import json

import pytest

from nnstudio.cli import main


def test_export_onnx_then_import_gives_the_same_network(tmp_path, capsys):
    pytest.importorskip("onnx")
    out = tmp_path / "camera.onnx"
    assert main(["export", "four-pixel-camera", "--format", "onnx", "--out", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["inputs"] == 4 and result["outputs"] == ["solid", "vertical", "diagonal", "horizontal"]
    assert main(["import", str(out), "--out", str(tmp_path / "camera.nnet")]) == 0
    assert "4-4-4-8-4" in capsys.readouterr().out
    assert main(["info", str(tmp_path / "camera.nnet"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"] == 4


def test_export_numpy_says_where_the_weights_went(tmp_path, capsys):
    out = tmp_path / "digits.py"
    assert main(["export", "digits", "--format", "numpy", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"weights in {tmp_path / 'digits.npz'}" in text
    assert out.exists() and (tmp_path / "digits.npz").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "no-such-net", "--format", "onnx", "--out", "x.onnx"], "no file or built-in example"),
        (["export", "xor", "--format", "numpy", "--out", "missing/x.py"], "does not exist"),
        (["import", "missing.onnx", "--out", "x.nnet"], "there is no file missing.onnx"),
    ],
)
def test_mistakes_get_one_line(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nnstudio: error: ") and message in err and "\n" not in err
