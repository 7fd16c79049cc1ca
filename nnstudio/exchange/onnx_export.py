"""Write a network as an ONNX model that onnxruntime (or any ONNX runtime) runs to the same outputs.

Each level fed by connections is a MatMul by its weights (transposed, so the graph reads ``x @ W.T``, PyTorch's and ONNX's
``Gemm`` order) and an Add of its biases; a level fed past its predecessor (a skip connection) first joins
its source levels with a Concat. A missing connection of a hand-built network is a zero in the matrix.
A level made by a convolution or a pooling reshapes its source into images (batch, channels, height,
width), runs Conv, MaxPool or AveragePool, and flattens the maps back into the level's neurons (channel by
channel, row by row: the engine's order). One activation per level is one node; a level whose neurons differ picks its groups of columns out with
Gather, activates each and puts the columns back in order.

The graph has one input, a float32 tensor (batch, inputs) named after the input layer, and one output
(batch, outputs) named after the output layer; the neurons' labels, the image grid and the value range go
along as metadata, which :mod:`nnstudio.exchange.onnx_import` reads back.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import __version__
from ..document.atomic import atomic_write
from ..document.model import Document
from .layers import ExchangeError, Level, NetworkDescription, describe

# Opset 17 and IR version 8 are read by every onnxruntime since 1.13 (2022).
OPSET = 17
IR_VERSION = 8

_UNARY = {"identity": "Identity", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}


def require_onnx():  # -> the onnx module
    try:
        import onnx
    except ImportError:
        raise ExchangeError(
            "ONNX files need the onnx package, which is not installed: pip install onnx"
        ) from None
    return onnx


class _GraphBuilder:
    def __init__(self, onnx) -> None:  # noqa: ANN001 - the onnx module
        self.onnx = onnx
        self.helper = onnx.helper
        self.nodes: list = []
        self.initializers: list = []
        self._names: set[str] = set()

    def fresh(self, name: str) -> str:
        candidate, k = name, 1
        while candidate in self._names:
            k += 1
            candidate = f"{name}_{k}"
        self._names.add(candidate)
        return candidate

    def constant(self, name: str, value: np.ndarray) -> str:
        name = self.fresh(name)
        self.initializers.append(self.onnx.numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attributes: object) -> str:
        output = self.fresh(output)
        self.nodes.append(self.helper.make_node(op, inputs, [output], name=output, **attributes))
        return output


def _activate(g: _GraphBuilder, name: str, z: str, out: str) -> str:
    if name in _UNARY:
        return g.node(_UNARY[name], [z], out)
    if name == "softmax":
        return g.node("Softmax", [z], out, axis=-1)
    if name == "step":
        # 1 where the sum is above 0, else 0 (the engine's step).
        zero = g.constant(f"{out}_zero", np.zeros((), np.float32))
        above = g.node("Greater", [z, zero], f"{out}_above")
        return g.node("Cast", [above], out, to=g.onnx.TensorProto.FLOAT)
    raise ExchangeError(f"the activation {name!r} has no ONNX form in this version of nnstudio")


def _conv_sums(g: _GraphBuilder, level: Level, values: list[str]) -> str:
    """A convolution or pooling's sums, flattened to (batch, channels * height * width)."""
    link = level.conv
    assert link is not None
    stem = level.name
    source = values[link.source]
    if link.columns is not None:
        index = g.constant(f"{stem}_source_columns", link.columns.astype(np.int64))
        source = g.node("Gather", [source, index], f"{stem}_source", axis=1)
    shape = g.constant(f"{stem}_image_shape", np.array([-1, *link.in_shape], dtype=np.int64))
    images = g.node("Reshape", [source, shape], f"{stem}_images")
    window = {"kernel_shape": [link.size, link.size], "strides": [link.stride, link.stride]}
    if link.kind == "conv2d":
        assert link.kernel is not None and link.bias is not None
        kernel = g.constant(f"{stem}_kernel", link.kernel.astype(np.float32))
        kernel_bias = g.constant(f"{stem}_kernel_bias", link.bias.astype(np.float32))
        maps = g.node(
            "Conv", [images, kernel, kernel_bias], f"{stem}_maps", pads=[link.padding] * 4, **window
        )
    elif link.kind == "maxpool":
        maps = g.node("MaxPool", [images], f"{stem}_maps", **window)
    elif link.kind == "avgpool":
        maps = g.node("AveragePool", [images], f"{stem}_maps", **window)
    else:
        raise ExchangeError(f"the link {link.kind!r} has no ONNX form in this version of nnstudio")
    return g.node("Flatten", [maps], f"{stem}_flat", axis=1)


def _level(g: _GraphBuilder, level: Level, values: list[str], out: str | None) -> str:
    stem = level.name
    if level.conv is not None:
        product = _conv_sums(g, level, values)
    else:
        assert level.W is not None
        if level.first_source == level.index - 1:
            source = values[level.first_source]
        else:
            source = g.node("Concat", values[level.first_source : level.index], f"{stem}_sources", axis=1)
        weights = g.constant(f"{stem}_weight", np.ascontiguousarray(level.W.T, dtype=np.float32))
        product = g.node("MatMul", [source, weights], f"{stem}_product")
    bias = g.constant(f"{stem}_bias", level.bias.astype(np.float32))
    z = g.node("Add", [product, bias], f"{stem}_sum")
    target = out or stem
    if len(level.activations) == 1 and level.activations[0][1] is None:
        return _activate(g, level.activations[0][0], z, target)
    parts: list[str] = []
    order: list[np.ndarray] = []
    for name, cols in level.activations:
        assert cols is not None
        index = g.constant(f"{stem}_{name}_columns", cols.astype(np.int64))
        picked = g.node("Gather", [z, index], f"{stem}_{name}_sum", axis=1)
        parts.append(_activate(g, name, picked, f"{stem}_{name}"))
        order.append(cols)
    joined = g.node("Concat", parts, f"{stem}_grouped", axis=1)
    # Columns back in the level's order: position k of the joined groups holds neuron order[k].
    inverse = np.argsort(np.concatenate(order)).astype(np.int64)
    back = g.constant(f"{stem}_order", inverse)
    return g.node("Gather", [joined, back], target, axis=1)


def build_model(description: NetworkDescription):  # -> onnx.ModelProto
    onnx = require_onnx()
    helper = onnx.helper
    g = _GraphBuilder(onnx)
    input_name = g.fresh(description.input_name)
    output_name = description.output_name if description.output_name != input_name else "outputs"
    values = [input_name]
    last = len(description.levels) - 1
    for k, level in enumerate(description.levels):
        values.append(_level(g, level, values, output_name if k == last else None))
    if values[-1] != output_name:
        g.nodes.append(helper.make_node("Identity", [values[-1]], [output_name], name=output_name))
    graph = helper.make_graph(
        g.nodes,
        description.title or "nnstudio network",
        [helper.make_tensor_value_info(input_name, onnx.TensorProto.FLOAT, ["batch", description.n_inputs])],
        [
            helper.make_tensor_value_info(
                output_name, onnx.TensorProto.FLOAT, ["batch", description.n_outputs]
            )
        ],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph,
        producer_name="nnstudio",
        producer_version=__version__,
        opset_imports=[helper.make_opsetid("", OPSET)],
    )
    model.ir_version = IR_VERSION
    model.doc_string = (
        f"{description.title or 'A network'} from nnstudio: {description.n_inputs} inputs, "
        f"{description.n_outputs} outputs ({', '.join(description.output_labels)})"
    )
    meta = {
        "nnstudio.title": description.title,
        "nnstudio.input_labels": json.dumps(description.input_labels),
        "nnstudio.output_labels": json.dumps(description.output_labels),
        "nnstudio.value_range": json.dumps(list(description.value_range)),
        # A missing connection is written as a weight of 0, as is a connection set to 0: the count tells the
        # import which of the two a file's zeros are.
        "nnstudio.connections": json.dumps(description.connections),
    }
    if description.grid is not None:
        meta["nnstudio.grid"] = json.dumps(list(description.grid))
    helper.set_model_props(model, meta)
    onnx.checker.check_model(model)
    return model


def export_onnx(doc: Document, out: Path) -> NetworkDescription:
    """Write ``doc``'s network to ``out`` as ONNX; what was written. Raises :class:`ExchangeError`."""
    description = describe(doc)
    model = build_model(description)
    data = model.SerializeToString()
    atomic_write(Path(out), data)
    return description
