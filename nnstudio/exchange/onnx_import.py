"""Read an ONNX model of fully connected layers back as an editable network.

What comes in: one input, then a chain of layers, each a ``Gemm`` (or a ``MatMul`` by a constant and an
optional ``Add`` of one) followed by one of the activations nnstudio has (Relu, Sigmoid, Tanh, Softmax on
the last axis, or none). ``Flatten``, ``Identity`` and ``Dropout`` on the way are passed over. Anything else
(a convolution, a branch, an operation with no neuron to show it) is refused with one line naming the
first node that cannot come in, so a person knows what to change in the model.

A model written by :mod:`nnstudio.exchange.onnx_export` comes back with its title, output labels, image
grid and value range from its metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..document.builders import dense_network
from ..document.model import Document
from ..engine.plan import compile_network
from ..engine.train import TrainSettings
from .layers import ExchangeError
from .onnx_export import require_onnx

_ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax"}
_PASS_THROUGH = {"Identity", "Dropout", "Flatten"}
_SUPPORTED = "Gemm, or MatMul and Add, each followed by Relu, Sigmoid, Tanh, Softmax or nothing"
# The largest layer the canvas takes (document/builders.parse_layer_spec).
_MAX_LAYER = 100_000


@dataclass
class _Layer:
    W: np.ndarray
    bias: np.ndarray
    activation: str | None = None


def _fail(problem: str) -> ExchangeError:
    return ExchangeError(f"cannot import this model: {problem}")


def _attributes(node) -> dict[str, object]:  # noqa: ANN001 - an onnx NodeProto
    import onnx

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _describe(node) -> str:  # noqa: ANN001
    return f"{node.op_type} node {node.name!r}" if node.name else f"a {node.op_type} node"


def read_layers(model) -> tuple[list[_Layer], int, tuple[int, int] | None]:  # noqa: ANN001 - a ModelProto
    """The chain of layers, the number of inputs and the image grid the input's shape implies, if any."""
    import onnx
    from onnx import numpy_helper

    graph = model.graph
    outside = [t.name for t in graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
    if outside:
        raise _fail(f"its weights ({outside[0]!r}) are kept in another file; save the model as one file")
    constants = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in constants]
    if len(inputs) != 1:
        raise _fail(f"it has {len(inputs)} inputs; nnstudio imports a model with one input")
    if len(graph.output) != 1:
        raise _fail(f"it has {len(graph.output)} outputs; nnstudio imports a model with one output")
    dims = [d.dim_value if d.HasField("dim_value") else None for d in inputs[0].type.tensor_type.shape.dim]
    features = dims[1:] if len(dims) > 1 else dims
    grid = (features[-1], features[-2]) if len(features) >= 2 and None not in features[-2:] else None
    n_inputs = int(np.prod(features)) if features and None not in features else None

    current = inputs[0].name
    layers: list[_Layer] = []
    open_layer: _Layer | None = None
    for node in graph.node:
        if node.op_type == "Constant":
            value = _attributes(node).get("value")
            if isinstance(value, onnx.TensorProto):
                constants[node.output[0]] = numpy_helper.to_array(value).astype(np.float64)
                continue
            raise _fail(f"{_describe(node)} holds a value that is not a tensor")
        if current not in node.input:
            raise _fail(
                f"{_describe(node)} does not follow the previous layer; only a chain of layers comes in"
            )
        # The node's operands other than the data (by position, so x @ x still names x as an operand).
        place = list(node.input).index(current)
        others = [name for k, name in enumerate(node.input) if name and k != place]
        op, attrs = node.op_type, _attributes(node)
        if op in {"Gemm", "MatMul", "Add", "Greater"} and not others:
            raise _fail(f"{_describe(node)} has only one operand")
        if op in _PASS_THROUGH:
            if op == "Flatten" and attrs.get("axis", 1) != 1:
                raise _fail(f"{_describe(node)} flattens from axis {attrs['axis']}; only axis 1 comes in")
        elif op == "Gemm":
            if attrs.get("transA", 0):
                raise _fail(f"{_describe(node)} transposes its input")
            B = _constant(constants, others[0], node)
            weight = float(attrs.get("alpha", 1.0)) * (B if attrs.get("transB", 0) else B.T)
            bias = np.zeros(weight.shape[0])
            if len(others) > 1:
                bias = bias + float(attrs.get("beta", 1.0)) * _constant(constants, others[1], node)
            open_layer = _start(layers, open_layer, weight, bias, node)
        elif op == "MatMul":
            if place != 0:
                raise _fail(
                    f"{_describe(node)} multiplies a constant by the data; expected data times weights"
                )
            B = _constant(constants, others[0], node)
            if B.ndim != 2:
                raise _fail(f"{_describe(node)} has weights shaped {B.shape}, not a matrix")
            open_layer = _start(layers, open_layer, B.T, np.zeros(B.shape[1]), node)
        elif op == "Add":
            if open_layer is None or open_layer.activation is not None:
                raise _fail(f"{_describe(node)} adds to something that is not a layer's weighted sum")
            value = _constant(constants, others[0], node)
            try:
                open_layer.bias = open_layer.bias + np.broadcast_to(value.reshape(-1), open_layer.bias.shape)
            except ValueError:
                raise _fail(
                    f"{_describe(node)} adds {value.size} values to {open_layer.bias.size} sums"
                ) from None
        elif op == "Greater":
            # nnstudio's own step: 1 where the sum is above 0 (Greater than zero, then Cast to float).
            if open_layer is None or open_layer.activation is not None:
                raise _fail(f"{_describe(node)} is not preceded by a layer of weights")
            if place != 0 or np.any(_constant(constants, others[0], node)):
                raise _fail(f"{_describe(node)} compares with something other than 0 (a step at 0 comes in)")
            open_layer.activation = "step"
        elif op == "Cast" and open_layer is not None and open_layer.activation == "step":
            pass
        elif op in _ACTIVATIONS:
            if open_layer is None or open_layer.activation is not None:
                raise _fail(f"{_describe(node)} is not preceded by a layer of weights")
            if op == "Softmax" and attrs.get("axis", -1) not in (-1, 1):
                raise _fail(
                    f"{_describe(node)} works along axis {attrs['axis']}; only the last axis comes in"
                )
            open_layer.activation = _ACTIVATIONS[op]
        else:
            raise _fail(f"it uses {_describe(node)}, which nnstudio does not have (it imports {_SUPPORTED})")
        if len(node.output) < 1:
            raise _fail(f"{_describe(node)} has no output")
        current = node.output[0]
    if graph.output[0].name != current:
        raise _fail("its output is not the end of its chain of layers")
    if not layers:
        raise _fail(f"it has no layer of weights (it imports {_SUPPORTED})")
    first = layers[0].W.shape[1]
    if first > _MAX_LAYER:
        raise _fail(f"it takes {first:,} inputs; the most nnstudio shows is {_MAX_LAYER:,}")
    if n_inputs is not None and n_inputs != first:
        raise _fail(f"its input has {n_inputs} values but its first layer takes {first}")
    for before, after in zip(layers, layers[1:], strict=False):
        if after.W.shape[1] != before.W.shape[0]:
            raise _fail(f"a layer of {before.W.shape[0]} outputs feeds one that takes {after.W.shape[1]}")
    if grid is not None and grid[0] * grid[1] != first:
        grid = None
    return layers, first, grid


def _constant(constants: dict[str, np.ndarray], name: str, node) -> np.ndarray:  # noqa: ANN001
    if name not in constants:
        raise _fail(
            f"{_describe(node)} takes {name!r}, which is not a constant; weights must be stored in the model"
        )
    return constants[name]


def _start(
    layers: list[_Layer], open_layer: _Layer | None, weight: np.ndarray, bias: np.ndarray, node
) -> _Layer:  # noqa: ANN001
    if open_layer is not None and open_layer.activation is None:
        open_layer.activation = "identity"
    if weight.ndim != 2:
        raise _fail(f"{_describe(node)} has weights shaped {weight.shape}, not a matrix")
    if weight.shape[0] > _MAX_LAYER:
        raise _fail(
            f"{_describe(node)} makes a layer of {weight.shape[0]:,} neurons; the most is {_MAX_LAYER:,}"
        )
    if not np.isfinite(weight).all() or not np.isfinite(bias).all():
        raise _fail(f"{_describe(node)} has weights that are not finite numbers")
    layer = _Layer(np.array(weight, dtype=np.float64), np.array(bias, dtype=np.float64).reshape(-1))
    layers.append(layer)
    return layer


def _metadata(model) -> dict[str, object]:  # noqa: ANN001
    meta: dict[str, object] = {}
    for prop in model.metadata_props:
        if not prop.key.startswith("nnstudio."):
            continue
        key = prop.key.removeprefix("nnstudio.")
        if key == "title":
            meta[key] = prop.value
            continue
        try:
            meta[key] = json.loads(prop.value)
        except ValueError:
            continue
    return meta


def import_onnx(path: Path) -> Document:
    """The network in the ONNX file at ``path`` as a new document. Raises :class:`ExchangeError`."""
    onnx = require_onnx()
    path = Path(path)
    try:
        # Weights kept in files beside the model are not followed: a model is one file here.
        model = onnx.load_model(str(path), load_external_data=False)
    except OSError as exc:
        raise ExchangeError(f"cannot read {path}: {exc.strerror or exc}") from None
    except Exception:  # noqa: BLE001 - the protobuf parser raises several kinds for a damaged file
        raise ExchangeError(f"{path.name} is not an ONNX model (it could not be read as one)") from None
    layers, n_inputs, grid = read_layers(model)
    activations = [layer.activation or "identity" for layer in layers]
    for activation in activations[:-1]:
        if activation == "softmax":
            raise _fail("a hidden layer uses Softmax; nnstudio has softmax on the outputs only")
    meta = _metadata(model)
    sizes = [n_inputs] + [layer.W.shape[0] for layer in layers]
    labels = meta.get("output_labels")
    if not (
        isinstance(labels, list) and len(labels) == sizes[-1] and all(isinstance(v, str) for v in labels)
    ):
        labels = None
    saved_grid = meta.get("grid")
    if isinstance(saved_grid, list) and len(saved_grid) == 2 and saved_grid[0] * saved_grid[1] <= n_inputs:
        grid = (int(saved_grid[0]), int(saved_grid[1]))
    network = dense_network(sizes, activations, grid=grid, output_labels=labels)
    names = meta.get("input_labels")
    if isinstance(names, list) and len(names) == n_inputs and all(isinstance(v, str) for v in names):
        network.set_neuron_fields(
            {n.id: {"label": name} for n, name in zip(network.inputs(), names, strict=True) if name != n.id}
        )
    plan = compile_network(network, np.float64)
    for block, level, layer in zip(plan.blocks, plan.levels[1:], layers, strict=True):
        block.W[...] = layer.W
        level.bias[...] = layer.bias
    plan.write_back(network)
    value_range = meta.get("value_range")
    if not (isinstance(value_range, list) and len(value_range) == 2 and value_range[0] < value_range[1]):
        value_range = [0.0, 1.0] if grid is not None and grid[0] * grid[1] >= 100 else [-1.0, 1.0]
    title = meta.get("title") if isinstance(meta.get("title"), str) and meta.get("title") else path.stem
    loss = "cross_entropy" if activations[-1] == "softmax" else "squared"
    return Document(
        network,
        title=str(title),
        description=f"Imported from {path.name}.",
        grid=grid,
        value_range=(float(value_range[0]), float(value_range[1])),
        training=TrainSettings(loss=loss),
    )
