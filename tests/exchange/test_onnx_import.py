"""ONNX import: our exports (convolutions and skip connections too) come back as editable networks, other
MLPs come in, the rest are refused."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.document.builders import dense_network
from nnstudio.document.fileformat import load_document, save_document
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Neuron, Role
from nnstudio.engine.plan import compile_network
from nnstudio.examples import EXAMPLE_NAMES
from nnstudio.exchange import ExchangeError
from nnstudio.exchange.onnx_export import export_onnx
from nnstudio.exchange.onnx_import import import_onnx

from .networks import DOCUMENT_NAMES, document, our_outputs, sample_inputs

onnx = pytest.importorskip("onnx")
helper, numpy_helper, TensorProto = onnx.helper, onnx.numpy_helper, onnx.TensorProto


def _structure(doc):
    """What a round trip keeps: each level's size, every convolution's geometry and every connection, one of
    weight 0 too."""
    network = doc.network
    plan = compile_network(network, np.float64)
    convolutions = [
        (c.kind, c.in_shape, c.out_shape, c.size, c.stride, c.padding) for c in network.convolutions.values()
    ]
    links = []
    for block in network.blocks():
        for r, c in zip(*np.nonzero(block.present), strict=True):
            links.append((plan.position[block.sources[c]], plan.position[block.targets[r]]))
    links.sort()
    activations = [[network.neurons[n].activation for n in level.ids] for level in plan.levels]
    return [len(level.ids) for level in plan.levels], convolutions, links, activations


@pytest.mark.parametrize("name", DOCUMENT_NAMES)
def test_an_exported_network_comes_back_the_same(name, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    doc = document(name)
    export_onnx(doc, tmp_path / "net.onnx")
    back = import_onnx(tmp_path / "net.onnx")
    save_document(back, tmp_path / "net.nnet")
    reopened = load_document(tmp_path / "net.nnet")
    x = sample_inputs(doc, 16)
    # The ONNX file holds float32 weights: the examples' weights are float32 values already, the random
    # networks' are not.
    tolerance = 1e-6 if name in EXAMPLE_NAMES else 1e-5
    assert abs(our_outputs(reopened, x) - our_outputs(doc, x)).max() <= tolerance
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    (theirs,) = session.run(None, {session.get_inputs()[0].name: x.astype(np.float32)})
    assert abs(our_outputs(reopened, x) - theirs).max() <= 1e-5
    assert _structure(reopened) == _structure(doc)
    assert reopened.title == doc.title
    assert reopened.output_labels == doc.output_labels
    assert reopened.grid == doc.grid and reopened.value_range == doc.value_range
    assert [n.display_name for n in reopened.network.inputs()] == [
        n.display_name for n in doc.network.inputs()
    ]
    if all(n.layer for n in doc.network):
        assert [(layer, len(ids)) for layer, ids in reopened.network.layers()] == [
            (layer, len(ids)) for layer, ids in doc.network.layers()
        ]


def _model(nodes, initializers, n_in=3, n_out=2, opset=17):
    graph = helper.make_graph(
        nodes,
        "outside",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", n_in])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", n_out])],
        initializer=[numpy_helper.from_array(v.astype(np.float32), k) for k, v in initializers.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def test_a_gemm_mlp_from_elsewhere_comes_in_and_computes_the_same(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    rng = np.random.default_rng(1)
    w1, b1 = rng.normal(size=(5, 3)), rng.normal(size=5)
    w2, b2 = rng.normal(size=(2, 5)), rng.normal(size=2)
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["z1"], transB=1),
        helper.make_node("Relu", ["z1"], ["a1"]),
        helper.make_node("MatMul", ["a1", "w2t"], ["p2"]),
        helper.make_node("Add", ["p2", "b2"], ["z2"]),
        helper.make_node("Softmax", ["z2"], ["y"], axis=-1),
    ]
    model = _model(nodes, {"w1": w1, "b1": b1, "w2t": w2.T, "b2": b2})
    onnx.save(model, str(tmp_path / "mlp.onnx"))
    doc = import_onnx(tmp_path / "mlp.onnx")
    assert [len(ids) for _, ids in doc.network.layers()] == [3, 5, 2]
    assert doc.training.loss == "cross_entropy"
    x = rng.normal(size=(10, 3))
    session = ort.InferenceSession(str(tmp_path / "mlp.onnx"), providers=["CPUExecutionProvider"])
    (theirs,) = session.run(None, {"x": x.astype(np.float32)})
    assert abs(our_outputs(doc, x) - theirs).max() <= 1e-5


@pytest.mark.parametrize(
    ("nodes", "initializers", "message"),
    [
        (
            [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1")],
            {"w": np.ones((2, 3, 1, 1))},
            "Conv node 'conv1' reads something that is not an image",
        ),
        (
            [helper.make_node("Relu", ["x"], ["y"], name="first")],
            {},
            "Relu node 'first' is not preceded by a layer of weights",
        ),
        (
            [
                helper.make_node("MatMul", ["x", "w"], ["h"]),
                helper.make_node("Softmax", ["h"], ["s"]),
                helper.make_node("MatMul", ["s", "w2"], ["y"]),
            ],
            {"w": np.ones((3, 4)), "w2": np.ones((4, 2))},
            "a hidden layer uses Softmax",
        ),
        (
            [helper.make_node("MatMul", ["x", "x"], ["y"], name="square")],
            {},
            "takes 'x', which is not a constant",
        ),
    ],
    ids=["convolution-of-rows", "activation-first", "softmax-hidden", "weights-not-constant"],
)
def test_what_cannot_come_in_is_refused_with_one_line(nodes, initializers, message, tmp_path):
    onnx.save(_model(nodes, initializers), str(tmp_path / "odd.onnx"))
    with pytest.raises(ExchangeError) as caught:
        import_onnx(tmp_path / "odd.onnx")
    text = str(caught.value)
    assert text.startswith("cannot import this model: ") and message in text
    assert "\n" not in text


def test_a_file_that_is_not_onnx_is_refused(tmp_path):
    bad = tmp_path / "notes.onnx"
    bad.write_bytes(b"\x00\xffthis is not a model" * 10)
    with pytest.raises(ExchangeError, match="notes.onnx is not an ONNX model"):
        import_onnx(bad)


def test_weights_kept_in_another_file_are_not_followed(tmp_path):
    w = np.ones((3, 2))
    model = _model([helper.make_node("MatMul", ["x", "w"], ["y"])], {"w": w})
    onnx.save_model(model, str(tmp_path / "split.onnx"), save_as_external_data=True, size_threshold=0)
    with pytest.raises(ExchangeError, match="are kept in another file; save the model as one file"):
        import_onnx(tmp_path / "split.onnx")


def _chain_with_zeros(zero_rows):
    """A 2-3-2-1 chain with a skip from an input to the output, where the neurons ``zero_rows`` of the second
    hidden layer have every weight from the first set to 0."""
    network = dense_network([2, 3, 2, 1], "tanh")
    network.add_edges([Edge("i0>o0", "i0", "o0", 0.5)])
    weights = {f"h1_{s}>h2_{t}": 0.0 for t in zero_rows for s in range(3)}
    network.set_weights(weights)
    return Document(network, title="zeros")


def test_a_zero_nnstudio_wrote_is_no_connection_unless_that_would_move_a_neuron(tmp_path):
    doc = _chain_with_zeros([0])
    export_onnx(doc, tmp_path / "zeros.onnx")
    back = import_onnx(tmp_path / "zeros.onnx").network
    # h2_0's only links are zeros: leaving them out would move it to depth 1, so every zero comes back as a
    # connection of weight 0.
    assert [len(level) for level in back.levels()] == [2, 3, 2, 1]
    assert back.edge_between("h1_0", "h2_0").weight == 0.0
    # A connection set to 0 is never lost: the file says how many connections the network had, and when
    # leaving the zeros out gives fewer, they all come in (here with the skip's missing i1 -> o0 as a
    # connection of weight 0 too: a file cannot tell the two kinds of zero apart).
    doc = _chain_with_zeros([])
    doc.network.set_weights({"h1_1>h2_0": 0.0})
    export_onnx(doc, tmp_path / "one-zero.onnx")
    back = import_onnx(tmp_path / "one-zero.onnx").network
    assert back.edge_between("h1_1", "h2_0").weight == 0.0
    assert all(back.edge_between(e.source, e.target) is not None for e in doc.network.edges.values())
    assert back.edge_between("i0", "o0").weight == 0.5
    # A missing connection stays missing.
    doc = _chain_with_zeros([])
    doc.network.remove([], ["h1_1>h2_0"])
    export_onnx(doc, tmp_path / "one-missing.onnx")
    back = import_onnx(tmp_path / "one-missing.onnx").network
    assert back.edge_between("h1_1", "h2_0") is None and len(back.edges) == len(doc.network.edges)


def test_an_example_with_connections_set_to_zero_comes_back_with_all_of_them(tmp_path):
    """xor-features reads X1*X2 alone, its X1 and X2 connections set to 0 but there to be trained."""
    doc = document("xor-features")
    export_onnx(doc, tmp_path / "xf.onnx")
    back = import_onnx(tmp_path / "xf.onnx").network
    assert len(back.edges) == len(doc.network.edges) == 3


def test_a_zero_weight_from_elsewhere_is_a_connection(tmp_path):
    w = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]])
    onnx.save(
        _model([helper.make_node("Gemm", ["x", "w"], ["y"], transB=1)], {"w": w}), str(tmp_path / "z.onnx")
    )
    network = import_onnx(tmp_path / "z.onnx").network
    assert len(network.edges) == 6
    assert network.edge_between("i0", "o0").weight == 0.0


def test_a_convolution_of_some_of_the_inputs_comes_back_reading_the_same_inputs(tmp_path):
    doc = document("conv-max-pool")
    doc.network.add_neurons([Neuron("extra", Role.INPUT, "identity")], [Edge("extra>o0", "extra", "o0", 0.7)])
    export_onnx(doc, tmp_path / "extra.onnx")
    back = import_onnx(tmp_path / "extra.onnx")
    layers = [(name, len(ids)) for name, ids in back.network.layers()]
    assert layers[:2] == [("inputs", 36), ("inputs_other", 1)]
    assert back.network.convolutions["conv1"].source == "inputs"
    x = sample_inputs(doc, 8)
    assert abs(our_outputs(back, x) - our_outputs(doc, x)).max() <= 1e-5
    assert _structure(back) == _structure(doc)
