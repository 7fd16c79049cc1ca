"""ONNX export: every example and a hand-built sparse graph give our outputs in onnxruntime."""

from __future__ import annotations

import pytest

from nnstudio.exchange.onnx_export import export_onnx

from .networks import DOCUMENT_NAMES, document, our_outputs, sample_inputs

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("name", DOCUMENT_NAMES)
def test_onnxruntime_gives_our_outputs(name, tmp_path):
    doc = document(name)
    out = tmp_path / f"{name}.onnx"
    export_onnx(doc, out)
    onnx.checker.check_model(str(out))
    session = _session(out)
    x = sample_inputs(doc)
    (got,) = session.run(None, {session.get_inputs()[0].name: x.astype("float32")})
    assert got.shape == (len(x), len(doc.network.outputs()))
    assert abs(got - our_outputs(doc, x)).max() <= 1e-5


def test_inputs_and_outputs_are_named_after_the_network(tmp_path):
    doc = document("four-pixel-camera")
    export_onnx(doc, tmp_path / "camera.onnx")
    session = _session(tmp_path / "camera.onnx")
    (inputs,), (outputs,) = session.get_inputs(), session.get_outputs()
    assert (inputs.name, inputs.shape[1]) == ("input", 4)
    assert (outputs.name, outputs.shape[1]) == ("output", 4)
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["nnstudio.output_labels"] == '["solid", "vertical", "diagonal", "horizontal"]'
    assert meta["nnstudio.input_labels"] == '["top-left", "top-right", "bottom-left", "bottom-right"]'


def test_a_skip_connection_is_a_concat_and_a_missing_link_a_zero(tmp_path):
    doc = document("hand-built")
    export_onnx(doc, tmp_path / "hand.onnx")
    model = onnx.load(str(tmp_path / "hand.onnx"))
    ops = [node.op_type for node in model.graph.node]
    assert "Concat" in ops
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    first = next(w for key, w in weights.items() if key.endswith("_weight"))
    # Three inputs into four neurons, of which five links exist: the rest are zeros.
    assert first.shape == (3, 4)
    assert int((first != 0).sum()) == 4
