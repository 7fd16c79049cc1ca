"""Read an ONNX model back as an editable network: fully connected, convolution and pooling layers.

What comes in: one input, shaped (batch, values) or (batch, channels, height, width), and nodes that make
layers of neurons nnstudio has:

- a fully connected layer: a ``Gemm``, or a ``MatMul`` by a constant and an ``Add`` of one. What it reads
  may be several earlier layers joined by ``Concat`` (a connection that skips a layer comes in as the
  network's own connection past a level) or neurons picked by ``Gather``; an ``Add`` of two layers' sums
  (or of a layer's sums and earlier neurons) is one layer fed by both;
- a convolution (``Conv``: square kernels, one stride both ways, the same padding on every side, no groups
  or dilations) or a pooling (``MaxPool``, ``AveragePool``: a square window, no padding) of the input image
  or of another convolution or pooling layer, with ``Reshape`` and ``Flatten`` between images and rows of
  neurons, and an ``Add`` of the neurons' own biases;
- a ``BatchNormalization`` (for inference) right after a convolution or a fully connected layer, folded
  into that layer's weights and biases;
- each layer's activation: Relu, Sigmoid, Tanh, Softmax on the outputs, Greater than 0 then Cast
  (nnstudio's step), or none. A layer whose neurons differ picks its groups out with ``Gather``,
  activates each and joins them back with ``Concat``.

``Identity`` and ``Dropout`` are passed over. In a model nnstudio wrote, a weight of exactly 0 is read as no
connection, since that is how :mod:`nnstudio.exchange.onnx_export` writes a missing one, unless leaving the
zeros out would move a neuron to another depth or give fewer connections than the file says the network
had (some were set to 0): then every zero comes in as a connection of weight 0, so none is lost. In a model
from elsewhere every weight, 0 or not, is a connection.
Anything else (a group or dilated convolution, a residual sum of two images, a batch normalisation after an
activation, an operation with no neuron to show it) is refused with one line naming the first node that cannot come in, so a person knows what to
change in the model.

A model written by :mod:`nnstudio.exchange.onnx_export` comes back with its title, labels, image grid and
value range from its metadata and its layers' names; the layers of a model from elsewhere are named as
nnstudio's builders name them (``conv1``, ``pool1``, ``hidden1``, ``output``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..document.model import Document
from ..engine.conv import ConvKind, Convolution, output_shape
from ..engine.graph import DenseLinks, GraphError, Network, Neuron, Role
from ..engine.plan import compile_network
from ..engine.train import TrainSettings
from .layers import ExchangeError
from .onnx_export import require_onnx

_ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax"}
_POOLS = {"MaxPool": ConvKind.MAXPOOL, "AveragePool": ConvKind.AVGPOOL}
_SUPPORTED = (
    "fully connected layers (Gemm, or MatMul and Add), Conv, MaxPool and AveragePool, joined by Concat, "
    "Gather, Reshape or Flatten, each followed by BatchNormalization or not, then by Relu, Sigmoid, Tanh, "
    "Softmax or nothing"
)
# The largest layer the canvas takes (document/builders.parse_layer_spec).
_MAX_LAYER = 100_000
_TWO_OPERANDS = {"Gemm", "MatMul", "Add", "Greater", "Reshape", "Gather", "Conv"}
# Operands each kind of node takes at most (the rest take one); a model with more is not valid ONNX.
_MOST_OPERANDS = {"Gemm": 3, "Conv": 3, "Dropout": 3, "BatchNormalization": 5, "Concat": 1_000_000}
_MOST_OPERANDS.update(dict.fromkeys(("MatMul", "Add", "Greater", "Reshape", "Gather"), 2))
_KNOWN = {
    *_ACTIVATIONS,
    *_POOLS,
    *_MOST_OPERANDS,
    *("Identity", "Flatten", "Cast"),
}
_FLOAT_TYPES = {1, 10, 11, 16}  # FLOAT, FLOAT16, DOUBLE, BFLOAT16

Shape = tuple[int, int, int]


def _fail(problem: str) -> ExchangeError:
    return ExchangeError(f"cannot import this model: {problem}")


def _attributes(node) -> dict[str, object]:  # noqa: ANN001 - an onnx NodeProto
    import onnx

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _describe(node) -> str:  # noqa: ANN001
    return f"{node.op_type} node {node.name!r}" if node.name else f"a {node.op_type} node"


@dataclass
class _Origin:
    """The weighted sums one node makes, before any activation: a layer of neurons to be.

    A fully connected layer has ``sources`` (neuron numbers) and ``W`` (sums, sources); a convolution or
    pooling has ``kind`` and its geometry, and reads the image ``sources`` (a whole layer, in order).
    ``neurons[row]`` is the neuron a row became (-1: not yet)."""

    node: object
    bias: np.ndarray
    sources: np.ndarray
    W: np.ndarray | None = None
    kind: ConvKind | None = None
    in_shape: Shape | None = None
    out_shape: Shape | None = None
    size: int = 0
    stride: int = 1
    padding: int = 0
    kernel: np.ndarray | None = None
    kernel_bias: np.ndarray | None = None
    neurons: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.neurons = np.full(self.bias.shape[0], -1, dtype=np.int64)

    def with_bias(self, extra: np.ndarray, node) -> _Origin:  # noqa: ANN001
        """The same sums with ``extra`` added by ``node``: a new origin, so that what read the sums before
        is unchanged."""
        return replace(self, node=node, bias=self.bias + extra)


@dataclass(frozen=True)
class _Sums:
    """Columns of weighted sums: row ``rows[k]`` of origin ``origins[k]``; an image when ``shape`` is set.
    ``above`` marks a comparison with 0 that a Cast makes into nnstudio's step."""

    origins: np.ndarray
    rows: np.ndarray
    shape: Shape | None = None
    above: bool = False


@dataclass(frozen=True)
class _Neurons:
    """Values of neurons (their numbers), side by side; an image when ``shape`` is set."""

    ids: np.ndarray
    shape: Shape | None = None


_Value = _Sums | _Neurons


class _Reader:
    """Walks the graph node by node, keeping for each tensor what it holds in nnstudio's terms."""

    def __init__(self, model) -> None:  # noqa: ANN001 - a ModelProto
        import onnx
        from onnx import numpy_helper

        self.onnx, self.numpy_helper = onnx, numpy_helper
        graph = model.graph
        outside = [t.name for t in graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
        if outside:
            raise _fail(f"its weights ({outside[0]!r}) are kept in another file; save the model as one file")
        self.constants: dict[str, np.ndarray] = {
            t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer
        }
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
        inputs = [i for i in graph.input if i.name not in self.constants]
        if len(inputs) != 1:
            raise _fail(f"it has {len(inputs)} inputs; nnstudio imports a model with one input")
        if len(graph.output) != 1:
            raise _fail(f"it has {len(graph.output)} outputs; nnstudio imports a model with one output")
        self.graph = graph
        self.input_name = inputs[0].name
        # A model nnstudio wrote names its input after the input layer, and each layer's sums after it.
        self.from_nnstudio = model.producer_name == "nnstudio"
        self.input_layer = self.input_name if self.from_nnstudio and ">" not in self.input_name else "input"
        self.output_name = graph.output[0].name
        dims = [
            d.dim_value if d.HasField("dim_value") else None for d in inputs[0].type.tensor_type.shape.dim
        ]
        features = dims[1:] if len(dims) > 1 else dims
        self.grid = (features[-1], features[-2]) if len(features) >= 2 and None not in features[-2:] else None
        n_inputs = int(np.prod(features)) if features and None not in features else None
        if n_inputs is None:
            n_inputs = self._size_from_first_layer()
        if n_inputs < 1:
            raise _fail("its input holds no values")
        if n_inputs > _MAX_LAYER:
            raise _fail(f"it takes {n_inputs:,} inputs; the most nnstudio shows is {_MAX_LAYER:,}")
        self.n_inputs = n_inputs
        image = tuple(features) if len(features) == 3 else None
        if self.grid is not None and self.grid[0] * self.grid[1] != n_inputs:
            self.grid = None
        self.values: dict[str, _Value] = {self.input_name: _Neurons(np.arange(n_inputs), image)}  # type: ignore[arg-type]
        self.origins: list[_Origin] = []
        # Each neuron after the inputs: its origin, row, activation and the Softmax node that made it.
        self.neuron_origin: list[int] = []
        self.neuron_row: list[int] = []
        self.neuron_activation: list[str] = []
        self.softmax_of: dict[int, str] = {}
        # The inputs each convolution or pooling of the input reads (each an input layer of its own).
        self.image_inputs: list[np.ndarray] = []

    def _size_from_first_layer(self) -> int:
        for node in self.graph.node:
            if self.input_name not in node.input or len(node.input) < 2:
                continue
            weights = self.constants.get(node.input[1])
            if weights is not None and weights.ndim == 2 and node.op_type in ("Gemm", "MatMul"):
                transposed = node.op_type == "Gemm" and _attributes(node).get("transB", 0)
                return int(weights.shape[1] if transposed else weights.shape[0])
            break
        raise _fail("its input's size is not given; give the input a fixed number of values")

    # ------------------------------------------------------------------------------------------ values
    def size(self, value: _Value) -> int:
        return len(value.ids) if isinstance(value, _Neurons) else len(value.rows)

    def operand(self, name: str, node) -> _Value:  # noqa: ANN001
        if name in self.values:
            return self.values[name]
        if name in self.constants:
            raise _fail(f"{_describe(node)} works on the constant {name!r} where it should read the data")
        raise _fail(f"{_describe(node)} takes {name!r}, which nothing before it makes")

    def constant(self, name: str, node) -> np.ndarray:  # noqa: ANN001
        if name not in self.constants:
            raise _fail(
                f"{_describe(node)} takes {name!r}, which is not a constant; weights must be stored in the model"
            )
        return self.constants[name]

    def neurons(self, name: str, node) -> _Neurons:  # noqa: ANN001
        """The neurons ``name`` holds; sums not yet activated become neurons that pass them on as they are."""
        value = self.operand(name, node)
        if isinstance(value, _Neurons):
            return value
        made = self.activate(value, "identity", node)
        self.values[name] = made
        return made

    def activate(self, value: _Sums, activation: str, node) -> _Neurons:  # noqa: ANN001
        if value.above:
            raise _fail(f"{_describe(node)} reads a comparison; nnstudio's step is Greater than 0, then Cast")
        pairs = list(zip(value.origins.tolist(), value.rows.tolist(), strict=True))
        if len(set(pairs)) != len(pairs) or any(self.origins[o].neurons[r] >= 0 for o, r in pairs):
            raise _fail(
                f"{_describe(node)} uses a layer's sums that already became neurons; each sum makes one neuron"
            )
        start = len(self.neuron_origin)
        ids = np.arange(self.n_inputs + start, self.n_inputs + start + len(pairs))
        for (o, r), nid in zip(pairs, ids.tolist(), strict=True):
            self.origins[o].neurons[r] = nid
        self.neuron_origin.extend(value.origins.tolist())
        self.neuron_row.extend(value.rows.tolist())
        self.neuron_activation.extend([activation] * len(pairs))
        if activation == "softmax":
            self.softmax_of.update(dict.fromkeys(ids.tolist(), _describe(node)))
        return _Neurons(ids, value.shape)

    def new_origin(self, origin: _Origin, shape: Shape | None = None) -> _Sums:
        size = origin.bias.shape[0]
        if size > _MAX_LAYER:
            raise _fail(
                f"{_describe(origin.node)} makes a layer of {size:,} neurons; the most is {_MAX_LAYER:,}"
            )
        self.origins.append(origin)
        index = len(self.origins) - 1
        return _Sums(np.full(size, index, dtype=np.int64), np.arange(size), shape)

    def whole(self, value: _Sums) -> int | None:
        """The origin whose every row ``value`` holds in order, if it is one."""
        if not len(value.origins) or value.above:
            return None
        o = int(value.origins[0])
        n = self.origins[o].bias.shape[0]
        if len(value.rows) == n and np.all(value.origins == o) and np.array_equal(value.rows, np.arange(n)):
            return o
        return None

    def dense(self, sources: _Neurons, W: np.ndarray, bias: np.ndarray, node) -> _Sums:  # noqa: ANN001
        if sources.shape is not None:
            raise _fail(f"{_describe(node)} multiplies images; Flatten them to (batch, values) first")
        if W.ndim != 2:
            raise _fail(f"{_describe(node)} has weights shaped {W.shape}, not a matrix")
        if W.shape[1] != len(sources.ids):
            raise _fail(f"{_describe(node)} takes {W.shape[1]} values but is given {len(sources.ids)}")
        if not np.isfinite(W).all() or not np.isfinite(bias).all():
            raise _fail(f"{_describe(node)} has weights that are not finite numbers")
        return self.new_origin(_Origin(node, np.array(bias, dtype=np.float64), sources.ids, np.array(W)))

    # ------------------------------------------------------------------------------------------ nodes
    def read(self) -> None:
        for node in self.graph.node:
            if not node.output or not node.output[0]:
                raise _fail(f"{_describe(node)} has no output")
            result = self.step(node)
            if result is not None:
                self.values[node.output[0]] = result

    def step(self, node) -> _Value | None:  # noqa: ANN001, C901 - one branch per kind of node
        op, attrs = node.op_type, _attributes(node)
        inputs = [name for name in node.input]
        if op == "Constant":
            value = attrs.get("value")
            if isinstance(value, self.onnx.TensorProto):
                self.constants[node.output[0]] = self.numpy_helper.to_array(value).astype(np.float64)
                return None
            numbers = [
                attrs[k] for k in ("value_float", "value_floats", "value_int", "value_ints") if k in attrs
            ]
            if numbers:
                self.constants[node.output[0]] = np.array(numbers[0], dtype=np.float64)
                return None
            raise _fail(f"{_describe(node)} holds a value that is not a number or a tensor of numbers")
        if op in ("Identity", "Dropout") and inputs and inputs[0] in self.constants:
            self.constants[node.output[0]] = self.constants[inputs[0]]
            return None
        if not inputs or not inputs[0]:
            raise _fail(f"{_describe(node)} has no operand")
        if op in _TWO_OPERANDS and (len(inputs) < 2 or not inputs[1]):
            raise _fail(f"{_describe(node)} has only one operand")
        most = _MOST_OPERANDS.get(op, 1)
        if op in _KNOWN and len([name for name in inputs if name]) > most:
            raise _fail(f"{_describe(node)} has {len(inputs)} operands; a {op} takes at most {most}")
        if op in ("Identity", "Dropout"):
            return self.operand(inputs[0], node)
        if op == "Flatten":
            if attrs.get("axis", 1) != 1:
                raise _fail(f"{_describe(node)} flattens from axis {attrs['axis']}; only axis 1 comes in")
            value = self.operand(inputs[0], node)
            if isinstance(value, _Neurons):
                return _Neurons(value.ids)
            return _Sums(value.origins, value.rows, None, value.above)
        if op == "Reshape":
            return self.reshape(node, attrs)
        if op == "Gather":
            return self.gather(node, attrs)
        if op == "Concat":
            return self.concat(node, attrs)
        if op == "Gemm":
            return self.gemm(node, attrs)
        if op == "MatMul":
            if inputs[0] in self.constants:
                raise _fail(
                    f"{_describe(node)} multiplies a constant by the data; expected data times weights"
                )
            B = self.constant(inputs[1], node)
            if B.ndim != 2:
                raise _fail(f"{_describe(node)} has weights shaped {B.shape}, not a matrix")
            return self.dense(self.neurons(inputs[0], node), B.T, np.zeros(B.shape[-1]), node)
        if op == "Add":
            return self.add(node)
        if op == "Greater":
            value = self.operand(inputs[0], node)
            if not isinstance(value, _Sums):
                raise _fail(f"{_describe(node)} is not preceded by a layer of weights")
            if inputs[1] not in self.constants or np.any(self.constants[inputs[1]]):
                raise _fail(f"{_describe(node)} compares with something other than 0 (a step at 0 comes in)")
            return _Sums(value.origins, value.rows, value.shape, above=True)
        if op == "Cast":
            value = self.operand(inputs[0], node)
            if attrs.get("to") not in _FLOAT_TYPES:
                raise _fail(f"{_describe(node)} casts to a type that is not a number with a fraction")
            if isinstance(value, _Sums) and value.above:
                return self.activate(_Sums(value.origins, value.rows, value.shape), "step", node)
            return value
        if op in _ACTIVATIONS:
            value = self.operand(inputs[0], node)
            if not isinstance(value, _Sums) or value.above:
                raise _fail(f"{_describe(node)} is not preceded by a layer of weights")
            if op == "Softmax":
                axis = attrs.get("axis", -1 if self.opset >= 13 else 1)
                if value.shape is not None or axis not in (-1, 1):
                    raise _fail(f"{_describe(node)} works along axis {axis}; only the last axis comes in")
            return self.activate(value, _ACTIVATIONS[op], node)
        if op == "Conv":
            return self.conv(node, attrs)
        if op in _POOLS:
            return self.pool(node, attrs)
        if op == "BatchNormalization":
            return self.batch_norm(node, attrs)
        raise _fail(f"it uses {_describe(node)}, which nnstudio does not have (it imports {_SUPPORTED})")

    def reshape(self, node, attrs: dict) -> _Value:  # noqa: ANN001
        value = self.operand(node.input[0], node)
        target = [int(v) for v in self.constant(node.input[1], node).reshape(-1)]
        n = self.size(value)
        dims = list(value.shape) if value.shape is not None else [n]
        wanted = f"{tuple(target)}; nnstudio reads (batch, values) or (batch, channels, height, width)"
        if len(target) not in (2, 4) or target[0] not in (-1, 0) or target.count(-1) > 1:
            raise _fail(f"{_describe(node)} reshapes to {wanted}")
        rest = target[1:]
        if not attrs.get("allowzero", 0):
            rest = [dims[k] if v == 0 and k < len(dims) else v for k, v in enumerate(rest)]
        if -1 in rest:
            known = int(np.prod([v for v in rest if v != -1]))
            rest = [n // known if v == -1 and known > 0 else v for v in rest]
        if any(v < 1 for v in rest) or int(np.prod(rest)) != n:
            raise _fail(f"{_describe(node)} reshapes {n} values to {wanted}")
        shape = tuple(rest) if len(rest) == 3 else None
        if isinstance(value, _Neurons):
            return _Neurons(value.ids, shape)  # type: ignore[arg-type]
        if shape is not None and self.whole(value) is None:
            raise _fail(f"{_describe(node)} makes an image of sums that are not one whole layer's")
        return _Sums(value.origins, value.rows, shape, value.above)  # type: ignore[arg-type]

    def gather(self, node, attrs: dict) -> _Value:  # noqa: ANN001
        value = self.operand(node.input[0], node)
        index = self.constant(node.input[1], node)
        if value.shape is not None or attrs.get("axis", 0) not in (1, -1) or index.ndim != 1:
            raise _fail(f"{_describe(node)} picks along another axis; only picking values (axis 1) comes in")
        n = self.size(value)
        picks = index.astype(np.int64)
        if np.any(picks != index) or np.any(picks < -n) or np.any(picks >= n):
            raise _fail(f"{_describe(node)} picks values outside the {n} it is given")
        picks = np.where(picks < 0, picks + n, picks)
        if isinstance(value, _Neurons):
            return _Neurons(value.ids[picks])
        return _Sums(value.origins[picks], value.rows[picks], None, value.above)

    def concat(self, node, attrs: dict) -> _Value:  # noqa: ANN001
        parts = [self.operand(name, node) for name in node.input if name]
        if any(part.shape is not None for part in parts) or attrs.get("axis") not in (1, -1):
            raise _fail(f"{_describe(node)} joins along another axis; only joining values (axis 1) comes in")
        if all(isinstance(part, _Sums) and not part.above for part in parts):
            return _Sums(
                np.concatenate([p.origins for p in parts]),  # type: ignore[union-attr]
                np.concatenate([p.rows for p in parts]),  # type: ignore[union-attr]
            )
        joined = [self.neurons(name, node).ids for name in node.input if name]
        return _Neurons(np.concatenate(joined))

    def gemm(self, node, attrs: dict) -> _Sums:  # noqa: ANN001
        if attrs.get("transA", 0):
            raise _fail(f"{_describe(node)} transposes its input")
        if node.input[0] in self.constants:
            raise _fail(f"{_describe(node)} multiplies a constant by the data; expected data times weights")
        B = self.constant(node.input[1], node)
        if B.ndim != 2:
            raise _fail(f"{_describe(node)} has weights shaped {B.shape}, not a matrix")
        weight = float(attrs.get("alpha", 1.0)) * (B if attrs.get("transB", 0) else B.T)
        bias = np.zeros(weight.shape[0])
        if len(node.input) > 2 and node.input[2]:
            C = self.constant(node.input[2], node)
            try:
                bias = bias + float(attrs.get("beta", 1.0)) * np.broadcast_to(C, (1, len(bias))).reshape(-1)
            except ValueError:
                raise _fail(f"{_describe(node)} adds {C.size} values to {len(bias)} sums") from None
        return self.dense(self.neurons(node.input[0], node), weight, bias, node)

    def add(self, node) -> _Value | None:  # noqa: ANN001
        first, second = node.input[0], node.input[1]
        if first in self.constants and second in self.constants:
            try:
                self.constants[node.output[0]] = self.constants[first] + self.constants[second]
            except ValueError:
                raise _fail(f"{_describe(node)} adds constants of shapes that do not fit together") from None
            return None
        if first in self.constants or second in self.constants:
            data, extra = (second, self.constants[first]) if first in self.constants else (first, None)
            if extra is None:
                extra = self.constants[second]
            value = self.operand(data, node)
            o = self.whole(value) if isinstance(value, _Sums) else None
            if o is None:
                raise _fail(f"{_describe(node)} adds to something that is not a layer's weighted sum")
            origin = self.origins[o]
            shape = (1, *value.shape) if value.shape is not None else (1, len(origin.bias))
            try:
                spread = np.broadcast_to(extra, shape).reshape(-1)
            except ValueError:
                raise _fail(
                    f"{_describe(node)} adds {extra.size} values to {len(origin.bias)} sums"
                ) from None
            return self.new_origin(origin.with_bias(spread, node), value.shape)
        # Two computed values: one layer fed by what feeds each (a layer's neurons count as fed one to one).
        parts = [self.operand(first, node), self.operand(second, node)]
        if any(part.shape is not None for part in parts):
            raise _fail(f"{_describe(node)} adds images; nnstudio adds only rows of values")
        if self.size(parts[0]) != self.size(parts[1]):
            raise _fail(f"{_describe(node)} adds {self.size(parts[0])} values to {self.size(parts[1])}")
        sources, weights, bias = [], [], np.zeros(self.size(parts[0]))
        for name, part in zip((first, second), parts, strict=True):
            if isinstance(part, _Sums):
                o = self.whole(part)
                if o is None or self.origins[o].W is None:
                    raise _fail(f"{_describe(node)} adds sums that are not one fully connected layer's")
                origin = self.origins[o]
                sources.append(origin.sources)
                weights.append(origin.W)
                bias = bias + origin.bias
            else:
                ids = self.neurons(name, node).ids
                sources.append(ids)
                weights.append(np.eye(len(ids)))
        joined = _Neurons(np.concatenate(sources))
        return self.dense(joined, np.hstack(weights), bias, node)

    def batch_norm(self, node, attrs: dict) -> _Sums:  # noqa: ANN001
        """A batch normalisation (for inference) right after a convolution or a fully connected layer,
        folded into that layer's weights and biases: the same values, with no layer of its own."""
        if len(node.input) < 5 or not all(node.input[1:5]):
            raise _fail(f"{_describe(node)} lacks its scales, shifts, means or variances")
        if attrs.get("training_mode", 0) or any(node.output[1:]):
            raise _fail(f"{_describe(node)} is in training mode; export the model for inference")
        value = self.operand(node.input[0], node)
        o = self.whole(value) if isinstance(value, _Sums) else None
        origin = self.origins[o] if o is not None else None
        if origin is None or not (origin.kind is ConvKind.CONV2D or origin.W is not None):
            raise _fail(
                f"{_describe(node)} normalises something other than a convolution's or a fully connected "
                f"layer's sums, so it cannot be folded into that layer's weights"
            )
        scale, shift, mean, variance = (self.constant(name, node).reshape(-1) for name in node.input[1:5])
        channels = value.shape[0] if value.shape is not None else len(origin.bias)
        if any(part.shape != (channels,) for part in (scale, shift, mean, variance)):
            raise _fail(f"{_describe(node)} does not hold one scale, shift, mean and variance per channel")
        with np.errstate(all="ignore"):
            factor = scale / np.sqrt(variance + float(attrs.get("epsilon", 1e-5)))
        offset = shift - mean * factor
        if origin.kind is ConvKind.CONV2D and value.shape is not None:
            assert origin.kernel is not None and origin.kernel_bias is not None
            per_neuron = np.repeat(factor, value.shape[1] * value.shape[2])
            folded = replace(
                origin,
                node=node,
                kernel=origin.kernel * factor[:, None, None, None],
                kernel_bias=origin.kernel_bias * factor + offset,
                bias=origin.bias * per_neuron,
            )
            numbers = [folded.kernel, folded.kernel_bias, folded.bias]
        elif origin.W is not None:
            folded = replace(
                origin, node=node, W=origin.W * factor[:, None], bias=origin.bias * factor + offset
            )
            numbers = [folded.W, folded.bias]
        else:
            raise _fail(f"{_describe(node)} normalises a convolution's values flattened; normalise its maps")
        if not all(np.isfinite(part).all() for part in numbers):
            raise _fail(f"{_describe(node)} divides by a variance of 0 or holds numbers that are not finite")
        return self.new_origin(folded, value.shape)

    def _window(self, node, attrs: dict, kernel: tuple[int, ...] | None) -> tuple[int, int, int]:  # noqa: ANN001
        """Size, stride and padding of a square window that nnstudio has; a refusal naming what differs."""
        where = _describe(node)
        auto = attrs.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else str(auto)
        if auto not in ("NOTSET", "VALID"):
            raise _fail(f"{where} pads automatically ({auto}); give its padding as numbers")
        shape = [int(v) for v in attrs.get("kernel_shape", kernel or [])]
        if kernel is not None and shape and tuple(shape) != tuple(kernel):
            raise _fail(f"{where} says its kernels are {shape} but holds kernels shaped {list(kernel)}")
        if len(shape) != 2:
            raise _fail(f"{where} has a window over {len(shape)} axes; nnstudio's are 2-D images")
        if shape[0] != shape[1]:
            raise _fail(f"{where} has a {shape[0]} x {shape[1]} window; nnstudio's windows are square")
        strides = [int(v) for v in attrs.get("strides", [1, 1])]
        if len(strides) != 2 or strides[0] != strides[1]:
            raise _fail(f"{where} steps {strides}; nnstudio steps the same both ways")
        pads = [int(v) for v in attrs.get("pads", [0, 0, 0, 0])] if auto == "NOTSET" else [0, 0, 0, 0]
        if len(pads) != 4 or len(set(pads)) != 1:
            raise _fail(f"{where} pads its sides differently ({pads}); nnstudio pads every side the same")
        dilations = [int(v) for v in attrs.get("dilations", [1, 1])]
        if any(d != 1 for d in dilations):
            raise _fail(f"{where} has dilations {dilations}; nnstudio's windows are not dilated")
        return shape[0], strides[0], pads[0]

    def image(self, node) -> tuple[_Neurons, Shape]:  # noqa: ANN001
        image = self.neurons(node.input[0], node)
        if image.shape is None:
            raise _fail(
                f"{_describe(node)} reads something that is not an image; "
                f"Reshape it to (batch, channels, height, width) first"
            )
        ids = image.ids
        if ids.max() < self.n_inputs:
            # Inputs: the image becomes an input layer of its own (other inputs may sit beside it).
            if any(np.array_equal(group, ids) for group in self.image_inputs):
                return image, image.shape
            read = np.concatenate([np.zeros(0, np.int64), *self.image_inputs])
            if np.any(np.diff(ids) <= 0) or np.isin(ids, read).any():
                raise _fail(
                    f"{_describe(node)} reads inputs out of their order, or some that another image holds"
                )
            self.image_inputs.append(ids)
            return image, image.shape
        first = int(ids[0]) - self.n_inputs
        origin = self.origins[self.neuron_origin[first]] if first >= 0 else None
        if origin is None or origin.kind is None or not np.array_equal(origin.neurons, ids):
            raise _fail(
                f"{_describe(node)} reads an image that is not made of inputs or of a whole convolution "
                f"or pooling layer"
            )
        return image, image.shape

    def conv(self, node, attrs: dict) -> _Sums:  # noqa: ANN001
        if len(node.input) < 2 or not node.input[1]:
            raise _fail(f"{_describe(node)} has no kernels")
        kernel = self.constant(node.input[1], node)
        if int(attrs.get("group", 1)) != 1:
            raise _fail(f"{_describe(node)} is a group convolution; nnstudio's kernels read every channel")
        if kernel.ndim != 4:
            raise _fail(f"{_describe(node)} has kernels shaped {kernel.shape}; nnstudio's are 2-D")
        size, stride, padding = self._window(node, attrs, kernel.shape[2:])
        image, in_shape = self.image(node)
        if kernel.shape[1] != in_shape[0]:
            raise _fail(
                f"{_describe(node)} has kernels for {kernel.shape[1]} channels but reads {in_shape[0]}"
            )
        kernel_bias = np.zeros(kernel.shape[0])
        if len(node.input) > 2 and node.input[2]:
            kernel_bias = self.constant(node.input[2], node).reshape(-1)
            if kernel_bias.shape != (kernel.shape[0],):
                raise _fail(f"{_describe(node)} has {kernel.shape[0]} kernels and {kernel_bias.size} biases")
        if not (np.isfinite(kernel).all() and np.isfinite(kernel_bias).all()):
            raise _fail(f"{_describe(node)} has weights that are not finite numbers")
        return self._shaped(
            node, ConvKind.CONV2D, image, in_shape, size, stride, padding, kernel, kernel_bias
        )

    def pool(self, node, attrs: dict) -> _Sums:  # noqa: ANN001
        if len(node.output) > 1 and node.output[1]:
            raise _fail(
                f"{_describe(node)} also gives where each maximum was; nnstudio keeps only the values"
            )
        size, stride, padding = self._window(node, attrs, None)
        if padding:
            raise _fail(f"{_describe(node)} pads its image; nnstudio's pooling takes no padding")
        image, in_shape = self.image(node)
        if attrs.get("ceil_mode", 0) and any((d - size) % stride for d in in_shape[1:]):
            raise _fail(f"{_describe(node)} rounds its last window up (ceil_mode); nnstudio rounds down")
        return self._shaped(node, _POOLS[node.op_type], image, in_shape, size, stride, 0, None, None)

    def _shaped(
        self,
        node,  # noqa: ANN001
        kind: ConvKind,
        image: _Neurons,
        in_shape: Shape,
        size: int,
        stride: int,
        padding: int,
        kernel: np.ndarray | None,
        kernel_bias: np.ndarray | None,
    ) -> _Sums:
        channels = kernel.shape[0] if kernel is not None else 0
        try:
            out_shape = output_shape(kind, in_shape, channels, size, stride, padding)
        except ValueError as exc:
            raise _fail(f"{_describe(node)}: {exc}") from None
        origin = _Origin(
            node,
            np.zeros(int(np.prod(out_shape))),
            image.ids,
            None,
            kind,
            in_shape,
            out_shape,
            size,
            stride,
            padding,
            kernel,
            kernel_bias,
        )
        return self.new_origin(origin, out_shape)


# ---------------------------------------------------------------------------------------------- building
@dataclass
class _Built:
    network: Network
    grid: tuple[int, int] | None
    output_activations: list[str]


def _layer_names(
    reader: _Reader, used: list[int], outputs: set[int], taken: set[str]
) -> dict[int, tuple[str, str]]:
    """Each used origin's layer name and the prefix of its hidden neurons' ids. A model nnstudio wrote
    names each layer's sums ``<layer>_sum``: the layer keeps its name. Otherwise layers are named as
    nnstudio's builders name them: ``conv1``, ``pool1``, ``hidden1`` (ids ``h<column>_``), ``output``."""
    names: dict[int, tuple[str, str]] = {}
    counts = {"conv": 0, "pool": 0, "hidden": 0, "output": 0}
    for column, o in enumerate(used, start=1):
        origin = reader.origins[o]
        if origin.kind is ConvKind.CONV2D:
            kind = "conv"
        elif origin.kind is not None:
            kind = "pool"
        elif any(int(n) in outputs for n in origin.neurons if n >= 0):
            kind = "output"
        else:
            kind = "hidden"
        counts[kind] += 1
        own = str(getattr(origin.node, "name", ""))
        if reader.from_nnstudio and own.endswith("_sum") and own.removesuffix("_sum") not in taken:
            name = own.removesuffix("_sum")
        else:
            name = "output" if kind == "output" and counts[kind] == 1 else f"{kind}{counts[kind]}"
            while name in taken:
                name = f"{name}_"
        taken.add(name)
        names[o] = (name, name if origin.kind is not None else f"h{column}")
    return names


def _input_layers(reader: _Reader) -> list[str]:
    """Each input's layer: one input layer, or, where a convolution reads only some of the inputs, one
    layer per image read and one for the inputs no image holds."""
    n_in = reader.n_inputs
    groups = reader.image_inputs
    if not groups or (len(groups) == 1 and len(groups[0]) == n_in):
        return [reader.input_layer] * n_in
    layers = [f"{reader.input_layer}_other"] * n_in
    for k, group in enumerate(groups):
        name = reader.input_layer if k == 0 else f"{reader.input_layer}{k + 1}"
        for i in group.tolist():
            layers[i] = name
    return layers


def _build(
    reader: _Reader, output_ids: list[int], meta: dict[str, object], *, sparse: bool
) -> tuple[Network, dict[int, str]]:
    """The network the reader found and each neuron number's id; ``sparse`` leaves out the connections of
    weight 0."""
    outputs = set(output_ids)
    used = [o for o, origin in enumerate(reader.origins) if (origin.neurons >= 0).any()]
    input_layers = _input_layers(reader)
    names = _layer_names(reader, used, outputs, set(input_layers))
    n_in = reader.n_inputs
    ids: dict[int, str] = {k: f"i{k}" for k in range(n_in)}
    for o in used:
        origin = reader.origins[o]
        layer, prefix = names[o]
        for row, nid in enumerate(origin.neurons.tolist()):
            if nid < 0:
                continue
            if origin.out_shape is not None:
                _, h, w = origin.out_shape
                ids[nid] = f"{prefix}_{row // (h * w)}_{row // w % h}_{row % w}"
            elif nid not in outputs:
                ids[nid] = f"{prefix}_{row}"
    for k, nid in enumerate(output_ids):
        if nid not in ids or nid >= n_in and reader.origins[reader.neuron_origin[nid - n_in]].kind is None:
            ids[nid] = f"o{k}"
    input_labels = meta.get("input_labels")
    if not (isinstance(input_labels, list) and len(input_labels) == n_in):
        input_labels = None
    output_labels = meta.get("output_labels")
    if not (isinstance(output_labels, list) and len(output_labels) == len(output_ids)):
        output_labels = None
    neurons: list[Neuron] = []
    for k in range(n_in):
        label = input_labels[k] if input_labels and isinstance(input_labels[k], str) else ""
        neurons.append(
            Neuron(ids[k], Role.INPUT, "identity", 0.0, label if label != ids[k] else "", input_layers[k])
        )
    label_of = {
        nid: str(output_labels[k]) if output_labels and isinstance(output_labels[k], str) else ""
        for k, nid in enumerate(output_ids)
    }

    def neuron(nid: int) -> Neuron:
        k = nid - n_in
        origin = reader.origins[reader.neuron_origin[k]]
        role = Role.OUTPUT if nid in outputs else Role.HIDDEN
        layer = names[reader.neuron_origin[k]][0]
        label = label_of.get(nid, "")
        bias = float(origin.bias[reader.neuron_row[k]])
        return Neuron(
            ids[nid], role, reader.neuron_activation[k], bias, label if label != ids[nid] else "", layer
        )

    later: set[int] = set()
    for o in used:
        origin = reader.origins[o]
        for nid in origin.neurons.tolist():
            if nid < 0:
                continue
            if nid in outputs and origin.kind is None:
                later.add(nid)
            else:
                neurons.append(neuron(nid))
    # Outputs go in the order the model gives them: the network's outputs keep the order of its neurons.
    neurons.extend(neuron(nid) for nid in output_ids if nid in later)
    dense: list[DenseLinks] = []
    convolutions: list[Convolution] = []
    for o in used:
        origin = reader.origins[o]
        rows = np.flatnonzero(origin.neurons >= 0)
        targets = [ids[int(n)] for n in origin.neurons[rows]]
        if origin.kind is not None:
            source = (
                reader.neuron_origin[int(origin.sources[0]) - n_in] if origin.sources[0] >= n_in else None
            )
            convolutions.append(
                Convolution(
                    origin.kind,
                    input_layers[int(origin.sources[0])] if source is None else names[source][0],
                    names[o][0],
                    origin.in_shape,  # type: ignore[arg-type]
                    origin.size,
                    origin.stride,
                    origin.padding,
                    origin.kernel,
                    origin.kernel_bias,
                )
            )
            continue
        assert origin.W is not None
        # A neuron read twice (a Concat of a layer with itself) is one connection of the summed weights.
        unique, where = np.unique(origin.sources, return_inverse=True)
        weight = np.zeros((len(rows), len(unique)))
        np.add.at(weight.T, where, origin.W[rows].T)
        present = weight != 0 if sparse else None
        if present is not None and not present.any():
            continue
        dense.append(DenseLinks([ids[int(s)] for s in unique], targets, weight, present))
    return Network.from_parts(neurons, dense=dense, convolutions=convolutions), ids


@dataclass(frozen=True)
class _OutputNode:
    """Stands for the graph's output where a refusal names the node that reads a value."""

    tensor: str
    op_type: str = "output"

    @property
    def name(self) -> str:
        return self.tensor

    @property
    def output(self) -> list[str]:
        return [self.tensor]


def _depths_kept(reader: _Reader, network: Network, ids: dict[int, str]) -> bool:
    """Whether every neuron of ``network`` (outputs aside) sits as deep as its whole layer would."""
    n_in = reader.n_inputs
    origin_depth: list[int] = []
    for origin in reader.origins:
        deepest = 0
        for s in np.unique(origin.sources).tolist():
            deepest = max(deepest, 0 if s < n_in else origin_depth[reader.neuron_origin[s - n_in]])
        origin_depth.append(deepest + 1)
    found = network.depths()
    for nid, name in ids.items():
        hidden = nid >= n_in and network.neurons[name].role is Role.HIDDEN
        if hidden and found[name] != origin_depth[reader.neuron_origin[nid - n_in]]:
            return False
    return True


def _read_network(model, meta: dict[str, object]) -> tuple[Network, _Reader, list[str]]:  # noqa: ANN001
    """The network in ``model``, the reader that found it and its output neurons' activations."""
    reader = _Reader(model)
    reader.read()
    if reader.output_name not in reader.values:
        raise _fail("its output is not made from its input by the nodes nnstudio reads")
    out = reader.neurons(reader.output_name, _OutputNode(reader.output_name))
    output_ids = out.ids.tolist()
    if len(set(output_ids)) != len(output_ids):
        raise _fail("its output gives a neuron's value twice")
    if any(nid < reader.n_inputs for nid in output_ids):
        raise _fail("its output passes on an input as it is; an output must be computed by a layer")
    outputs = set(output_ids)
    for origin in reader.origins:
        if (origin.neurons >= 0).any() and outputs.intersection(origin.sources.tolist()):
            raise _fail(f"an output also feeds {_describe(origin.node)}; nnstudio's outputs end the network")
        if origin.kind is not None and (origin.neurons >= 0).any() and not (origin.neurons >= 0).all():
            raise _fail(f"only some of the maps of {_describe(origin.node)} are used")
    n_in = reader.n_inputs
    hidden_softmax = [node for nid, node in reader.softmax_of.items() if nid not in outputs]
    if hidden_softmax:
        raise _fail(
            f"a hidden layer uses Softmax ({hidden_softmax[0]}); nnstudio has softmax on the outputs only"
        )
    softmax_nodes = list(dict.fromkeys(reader.softmax_of.values()))
    if len(softmax_nodes) > 1:
        raise _fail(
            f"two Softmax nodes make outputs ({softmax_nodes[0]} and {softmax_nodes[1]}); nnstudio has one "
            f"softmax over its outputs"
        )
    if not reader.origins:
        raise _fail(f"it has no layer of weights (it imports {_SUPPORTED})")
    try:
        # nnstudio writes a missing connection as a weight of 0; a zero from elsewhere is a weight.
        network, ids = _build(reader, output_ids, meta, sparse=reader.from_nnstudio)
        written = meta.get("connections")
        if reader.from_nnstudio and (
            not _depths_kept(reader, network, ids)
            or (isinstance(written, int) and len(network.edges) != written)
        ):
            # Leaving the zeros out would move neurons to other depths, or leave out connections the network
            # had at 0 (the file says how many it had): they come in as weights of 0.
            network, ids = _build(reader, output_ids, meta, sparse=False)
    except (GraphError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if [n.id for n in network.outputs()] != [ids[nid] for nid in output_ids]:
        raise _fail("its outputs come in an order nnstudio cannot keep (a convolution's maps, reordered)")
    activations = [reader.neuron_activation[nid - n_in] for nid in output_ids]
    return network, reader, activations


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
        raise ExchangeError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    except Exception:  # noqa: BLE001 - the protobuf parser raises several kinds for a damaged file
        raise ExchangeError(f"{path.name} is not an ONNX model (it could not be read as one)") from None
    meta = _metadata(model)
    try:
        network, reader, activations = _read_network(model, meta)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ExchangeError):
            raise
        # A malformed graph that no check above foresaw still gets one line, not a traceback.
        raise _fail(f"part of it could not be read ({type(exc).__name__}: {exc})") from None
    try:
        compile_network(network, np.float64)
    except GraphError as exc:
        raise _fail(str(exc)) from None
    grid = reader.grid
    n_inputs = reader.n_inputs
    saved_grid = meta.get("grid")
    if (
        isinstance(saved_grid, list)
        and len(saved_grid) == 2
        and all(isinstance(v, int) and v > 0 for v in saved_grid)
        and saved_grid[0] * saved_grid[1] <= n_inputs
    ):
        grid = (int(saved_grid[0]), int(saved_grid[1]))
    value_range = meta.get("value_range")
    if not (
        isinstance(value_range, list)
        and len(value_range) == 2
        and all(isinstance(v, (int, float)) for v in value_range)
        and value_range[0] < value_range[1]
    ):
        value_range = [0.0, 1.0] if grid is not None and grid[0] * grid[1] >= 100 else [-1.0, 1.0]
    title = meta.get("title") if isinstance(meta.get("title"), str) and meta.get("title") else path.stem
    loss = "cross_entropy" if "softmax" in activations else "squared"
    return Document(
        network,
        title=str(title),
        description=f"Imported from {path.name}.",
        grid=grid,
        value_range=(float(value_range[0]), float(value_range[1])),
        training=TrainSettings(loss=loss),
    )
