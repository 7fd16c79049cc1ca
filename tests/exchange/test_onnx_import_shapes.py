"""ONNX import of models made elsewhere: convolutions and pooling, skip connections, and what is refused."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.conv import ConvKind
from nnstudio.exchange import ExchangeError
from nnstudio.exchange.onnx_import import import_onnx

from .networks import our_outputs

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
helper, numpy_helper, TensorProto = onnx.helper, onnx.numpy_helper, onnx.TensorProto


def _save(path, nodes, initializers, in_shape, n_out, opset=17):
    graph = helper.make_graph(
        nodes,
        "made elsewhere",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", *in_shape])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", n_out])],
        initializer=[
            numpy_helper.from_array(np.asarray(v, dtype=np.int64 if k.endswith("shape") else np.float32), k)
            for k, v in initializers.items()
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def _theirs(path, x, in_shape):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"x": x.reshape(len(x), *in_shape).astype(np.float32)})
    return out


def _convnet(rng):
    """An image (1 x 8 x 8) through a padded convolution, Relu, max-pooling, a strided convolution, Tanh,
    average-pooling, then Flatten, Gemm and Softmax: the usual shape of a small CNN from elsewhere."""
    nodes = [
        helper.make_node("Conv", ["x", "k1", "b1"], ["c1"], name="conv_a", kernel_shape=[3, 3], pads=[1] * 4),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node(
            "Conv", ["p1", "k2", "b2"], ["c2"], strides=[2, 2], kernel_shape=[3, 3], pads=[1] * 4
        ),
        helper.make_node("Tanh", ["c2"], ["t2"]),
        helper.make_node("AveragePool", ["t2"], ["p2"], kernel_shape=[2, 2], strides=[1, 1]),
        helper.make_node("Flatten", ["p2"], ["flat"]),
        helper.make_node("Gemm", ["flat", "w", "b"], ["z"], transB=1),
        helper.make_node("Softmax", ["z"], ["y"], axis=-1),
    ]
    weights = {
        "k1": rng.normal(size=(3, 1, 3, 3)),
        "b1": rng.normal(size=3),
        "k2": rng.normal(size=(4, 3, 3, 3)),
        "b2": rng.normal(size=4),
        "w": rng.normal(size=(5, 4)),
        "b": rng.normal(size=5),
    }
    return nodes, weights


def test_a_small_cnn_from_elsewhere_comes_in_as_convolution_and_pooling_layers(tmp_path):
    rng = np.random.default_rng(5)
    nodes, weights = _convnet(rng)
    path = _save(tmp_path / "cnn.onnx", nodes, weights, (1, 8, 8), 5)
    doc = import_onnx(path)
    network = doc.network
    geometry = [
        (c.kind, c.in_shape, c.out_shape, c.size, c.stride, c.padding) for c in network.convolutions.values()
    ]
    assert geometry == [
        (ConvKind.CONV2D, (1, 8, 8), (3, 8, 8), 3, 1, 1),
        (ConvKind.MAXPOOL, (3, 8, 8), (3, 4, 4), 2, 2, 0),
        (ConvKind.CONV2D, (3, 4, 4), (4, 2, 2), 3, 2, 1),
        (ConvKind.AVGPOOL, (4, 2, 2), (4, 1, 1), 2, 1, 0),
    ]
    assert [(name, len(ids)) for name, ids in network.layers()] == [
        ("input", 64),
        ("conv1", 192),
        ("pool1", 48),
        ("conv2", 16),
        ("pool2", 4),
        ("output", 5),
    ]
    assert np.array_equal(network.convolutions["conv1"].kernel, weights["k1"].astype(np.float32))
    assert {network.neurons[n].activation for n in network.layer_members("conv2")} == {"tanh"}
    assert doc.grid == (8, 8) and doc.training.loss == "cross_entropy"
    x = rng.uniform(0, 1, (12, 64))
    assert abs(our_outputs(doc, x) - _theirs(path, x, (1, 8, 8))).max() <= 1e-5


def test_an_image_given_as_a_row_is_reshaped_and_a_pooling_can_come_before_the_activation(tmp_path):
    rng = np.random.default_rng(6)
    nodes = [
        helper.make_node("Constant", [], ["image_shape"], value_ints=[-1, 2, 5, 5]),
        helper.make_node("Reshape", ["x", "image_shape"], ["img"]),
        helper.make_node("Conv", ["img", "k"], ["c"], kernel_shape=[2, 2]),
        helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[1, 1]),
        helper.make_node("Sigmoid", ["p"], ["s"]),
        helper.make_node("Reshape", ["s", "row_shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "w"], ["y"]),
    ]
    weights = {
        "row_shape": [0, -1],
        "k": rng.normal(size=(2, 2, 2, 2)),
        "w": rng.normal(size=(18, 3)),
    }
    path = _save(tmp_path / "rows.onnx", nodes, weights, (50,), 3)
    doc = import_onnx(path)
    kinds = [c.kind for c in doc.network.convolutions.values()]
    assert kinds == [ConvKind.CONV2D, ConvKind.MAXPOOL]
    # The convolution's maps pass on as they are; the pooling's are squashed.
    layers = dict(doc.network.layers())
    assert {doc.network.neurons[n].activation for n in layers["conv1"]} == {"identity"}
    assert {doc.network.neurons[n].activation for n in layers["pool1"]} == {"sigmoid"}
    x = rng.normal(size=(7, 50))
    assert abs(our_outputs(doc, x) - _theirs(path, x, (50,))).max() <= 1e-5


def _skip_nodes(joined_by: str):
    """Inputs -> a hidden Relu layer -> outputs, with the inputs also feeding the outputs directly."""
    first = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["z1"], transB=1),
        helper.make_node("Relu", ["z1"], ["h"]),
    ]
    if joined_by == "Concat":
        return first + [
            helper.make_node("Concat", ["x", "h"], ["both"], axis=1),
            helper.make_node("MatMul", ["both", "w2"], ["p"]),
            helper.make_node("Add", ["p", "b2"], ["z2"]),
            helper.make_node("Sigmoid", ["z2"], ["y"]),
        ]
    return first + [
        helper.make_node("Gemm", ["h", "w2h"], ["from_hidden"], transB=1),
        helper.make_node("Gemm", ["x", "w2x", "b2"], ["from_inputs"], transB=1),
        helper.make_node("Add", ["from_hidden", "from_inputs"], ["z2"]),
        helper.make_node("Sigmoid", ["z2"], ["y"]),
    ]


@pytest.mark.parametrize("joined_by", ["Concat", "Add"])
def test_a_skip_connection_comes_in_as_connections_past_a_level(joined_by, tmp_path):
    rng = np.random.default_rng(7)
    w1, b1, b2 = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=2)
    w2x, w2h = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    weights = {"w1": w1, "b1": b1, "b2": b2}
    if joined_by == "Concat":
        weights["w2"] = np.hstack([w2x, w2h]).T
    else:
        weights |= {"w2x": w2x, "w2h": w2h}
    path = _save(tmp_path / "skip.onnx", _skip_nodes(joined_by), weights, (3,), 2)
    doc = import_onnx(path)
    network = doc.network
    assert [(name, len(ids)) for name, ids in network.layers()] == [
        ("input", 3),
        ("hidden1", 4),
        ("output", 2),
    ]
    assert network.levels() == [["i0", "i1", "i2"], ["h1_0", "h1_1", "h1_2", "h1_3"], ["o0", "o1"]]
    past = [(e.source, e.target) for e in network.incoming("o0") if e.source.startswith("i")]
    assert past == [("i0", "o0"), ("i1", "o0"), ("i2", "o0")]
    assert network.edge_between("i1", "o1").weight == pytest.approx(float(np.float32(w2x[1, 1])))
    x = rng.normal(size=(9, 3))
    assert abs(our_outputs(doc, x) - _theirs(path, x, (3,))).max() <= 1e-5


def test_a_batch_normalisation_after_a_layer_is_folded_into_its_weights(tmp_path):
    rng = np.random.default_rng(8)
    nodes = [
        helper.make_node("Conv", ["x", "k", "kb"], ["c"], kernel_shape=[3, 3], pads=[1] * 4),
        helper.make_node("BatchNormalization", ["c", "s1", "b1", "m1", "v1"], ["n1"], epsilon=1e-3),
        helper.make_node("Relu", ["n1"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "w"], ["z"], transB=1),
        helper.make_node("BatchNormalization", ["z", "s2", "b2", "m2", "v2"], ["n2"]),
        helper.make_node("Tanh", ["n2"], ["y"]),
    ]
    weights = {"k": rng.normal(size=(2, 1, 3, 3)), "kb": rng.normal(size=2), "w": rng.normal(size=(3, 18))}
    for k, channels in ((1, 2), (2, 3)):
        weights |= {
            f"s{k}": rng.uniform(0.5, 2, channels),
            f"b{k}": rng.normal(size=channels),
            f"m{k}": rng.normal(size=channels),
            f"v{k}": rng.uniform(0.5, 2, channels),
        }
    path = _save(tmp_path / "normed.onnx", nodes, weights, (1, 6, 6), 3)
    doc = import_onnx(path)
    assert [(name, len(ids)) for name, ids in doc.network.layers()] == [
        ("input", 36),
        ("conv1", 72),
        ("pool1", 18),
        ("output", 3),
    ]
    x = rng.uniform(0, 1, (10, 36))
    assert abs(our_outputs(doc, x) - _theirs(path, x, (1, 6, 6))).max() <= 1e-5


def _refused(tmp_path, nodes, weights, in_shape=(1, 6, 6), n_out=2) -> str:
    graph = helper.make_graph(
        nodes,
        "odd",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", *in_shape])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", n_out])],
        initializer=[numpy_helper.from_array(np.asarray(v, np.float32), k) for k, v in weights.items()],
    )
    onnx.save(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "odd.onnx")
    )
    with pytest.raises(ExchangeError) as caught:
        import_onnx(tmp_path / "odd.onnx")
    text = str(caught.value)
    assert text.startswith("cannot import this model: ") and "\n" not in text
    return text


_KERNEL = np.ones((2, 1, 3, 3))


def _conv(**attributes):
    return [helper.make_node("Conv", ["x", "k"], ["y"], name="c", **attributes)]


@pytest.mark.parametrize(
    ("nodes", "weights", "message"),
    [
        (
            [helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"], name="norm")],
            {"s": [1], "b": [0]},
            "it uses InstanceNormalization node 'norm', which nnstudio does not have (it imports fully connected",
        ),
        (_conv(group=2), {"k": np.ones((2, 1, 3, 3))}, "Conv node 'c' is a group convolution"),
        (_conv(dilations=[2, 2]), {"k": _KERNEL}, "Conv node 'c' has dilations [2, 2]"),
        (_conv(pads=[1, 0, 1, 0]), {"k": _KERNEL}, "Conv node 'c' pads its sides differently ([1, 0, 1, 0])"),
        (
            _conv(),
            {"k": np.ones((2, 1, 3, 2))},
            "Conv node 'c' has a 3 x 2 window; nnstudio's windows are square",
        ),
        (_conv(strides=[1, 2]), {"k": _KERNEL}, "Conv node 'c' steps [1, 2]"),
        (_conv(auto_pad="SAME_UPPER"), {"k": _KERNEL}, "Conv node 'c' pads automatically (SAME_UPPER)"),
        (_conv(), {"k": np.ones((2, 3, 3, 3))}, "Conv node 'c' has kernels for 3 channels but reads 1"),
        (_conv(), {"k": np.ones((2, 1, 7, 7))}, "Conv node 'c': a 7 x 7 window does not fit a 6 x 6 image"),
        (
            [helper.make_node("MaxPool", ["x"], ["y"], name="p", kernel_shape=[2, 2], pads=[1, 1, 1, 1])],
            {},
            "MaxPool node 'p' pads its image",
        ),
        (
            [
                helper.make_node("Flatten", ["x"], ["f"]),
                helper.make_node("Gemm", ["f", "w"], ["y"], name="fc", transB=1),
            ],
            {"w": np.ones((2, 35))},
            "Gemm node 'fc' takes 35 values but is given 36",
        ),
        (
            [
                helper.make_node("Conv", ["x", "k"], ["c"]),
                helper.make_node("Relu", ["c"], ["r"]),
                helper.make_node("BatchNormalization", ["r", "s", "b", "m", "v"], ["y"], name="late_norm"),
            ],
            {"k": np.ones((1, 1, 1, 1)), "s": [1], "b": [0], "m": [0], "v": [1]},
            "BatchNormalization node 'late_norm' normalises something other than a convolution's",
        ),
        (
            [
                helper.make_node("Flatten", ["x"], ["f"]),
                helper.make_node("MatMul", ["f", "w"], ["z"]),
                helper.make_node("Gather", ["z", "first"], ["z1"], axis=1),
                helper.make_node("Gather", ["z", "second"], ["z2"], axis=1),
                helper.make_node("Softmax", ["z1"], ["s1"], name="left"),
                helper.make_node("Softmax", ["z2"], ["s2"], name="right"),
                helper.make_node("Concat", ["s1", "s2"], ["y"], axis=1),
            ],
            {"w": np.ones((36, 4)), "first": [0, 1], "second": [2, 3]},
            "two Softmax nodes make outputs (Softmax node 'left' and Softmax node 'right')",
        ),
        (
            [
                helper.make_node("Conv", ["x", "k"], ["c"], name="c"),
                helper.make_node("Relu", ["c"], ["r"]),
                helper.make_node("Add", ["r", "x"], ["y"], name="residual"),
            ],
            {"k": np.ones((1, 1, 1, 1))},
            "Add node 'residual' adds images",
        ),
    ],
    ids=[
        "unknown-op",
        "group-conv",
        "dilations",
        "asymmetric-pads",
        "non-square-kernel",
        "uneven-strides",
        "auto-pad",
        "wrong-channels",
        "kernel-too-big",
        "padded-pool",
        "wrong-weight-shape",
        "norm-after-activation",
        "two-softmaxes",
        "residual-of-images",
    ],
)
def test_what_nnstudio_cannot_hold_is_refused_with_one_line_naming_the_node(
    nodes, weights, message, tmp_path
):
    assert message in _refused(tmp_path, nodes, weights)


def test_a_convolution_of_a_fully_connected_layer_is_refused(tmp_path):
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["h"]),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Reshape", ["r", "shape"], ["img"]),
        helper.make_node("Conv", ["img", "k"], ["c"], name="late"),
        helper.make_node("Flatten", ["c"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "late conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 9])],
        initializer=[
            numpy_helper.from_array(np.ones((3, 16), np.float32), "w"),
            numpy_helper.from_array(np.array([-1, 1, 4, 4], np.int64), "shape"),
            numpy_helper.from_array(np.ones((1, 1, 2, 2), np.float32), "k"),
        ],
    )
    onnx.save(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "late.onnx")
    )
    with pytest.raises(
        ExchangeError, match="Conv node 'late' reads an image that is not made of inputs or of a whole"
    ):
        import_onnx(tmp_path / "late.onnx")
