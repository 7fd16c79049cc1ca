"""A convolutional ONNX file through ``nnstudio import`` and File > Import Network..., as a person uses them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from nnstudio.cli import main
from nnstudio.exchange.onnx_export import export_onnx

from .networks import document, our_outputs, sample_inputs

onnx = pytest.importorskip("onnx")


def test_the_command_line_imports_a_convolutional_model_with_its_layers(tmp_path, capsys):
    export_onnx(document("conv-max-pool"), tmp_path / "small.onnx")
    assert main(["import", str(tmp_path / "small.onnx"), "--out", str(tmp_path / "small.nnet")]) == 0
    said = capsys.readouterr().out
    assert said.strip() == f"{tmp_path / 'small.nnet'}: 36-32-8-3, 47 parameters, from small.onnx"
    assert main(["info", str(tmp_path / "small.nnet"), "--json"]) == 0
    layers = json.loads(capsys.readouterr().out)["layers"]
    shaped = [(layer["name"], layer["kind"], layer.get("window"), layer.get("stride")) for layer in layers]
    assert shaped[1:3] == [("conv1", "conv2d", 3, 1), ("pool1", "maxpool", 2, 2)]


def test_the_command_line_says_in_one_line_which_node_cannot_come_in(tmp_path, capsys):
    helper = onnx.helper
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "k"], ["y"], name="grouped", group=2)],
        "grouped",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["N", 2, 4, 4])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["N", 2])],
        initializer=[onnx.numpy_helper.from_array(np.ones((2, 1, 4, 4), np.float32), "k")],
    )
    onnx.save(helper.make_model(graph), str(tmp_path / "grouped.onnx"))
    assert main(["import", str(tmp_path / "grouped.onnx"), "--out", str(tmp_path / "g.nnet")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "nnstudio: error: cannot import this model: Conv node 'grouped' is a group convolution; "
        "nnstudio's kernels read every channel"
    )
    assert not (tmp_path / "g.nnet").exists()


def test_the_file_menu_opens_a_convolutional_model_as_a_new_network(window, tmp_path, monkeypatch):
    original = document("convolutional")
    export_onnx(original, tmp_path / "conv.onnx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "conv.onnx"), ""))
    window.findChild(QAction, "action_import_network").trigger()
    assert window.statusBar().currentMessage() == (
        "Imported conv.onnx as a 64-192-48-4-4-5 network; save it to keep it"
    )
    shown = window.document.network
    assert [c.describe() for c in shown.convolutions.values()] == [
        c.describe() for c in original.network.convolutions.values()
    ]
    x = sample_inputs(original, 8)
    assert np.abs(our_outputs(window.document, x) - our_outputs(original, x)).max() <= 1e-5
