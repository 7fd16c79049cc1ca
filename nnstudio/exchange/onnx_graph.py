"""Reading an ONNX graph, node by node, into levels of neurons: which neuron each value of the graph is, what
feeds it (a matrix of weights, or a convolution or pooling of an image) and its activation. A node nnstudio
cannot show as neurons is refused with one line naming it. :mod:`nnstudio.exchange.onnx_import` makes the
network of what was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ..engine.conv import ConvKind, output_shape
from .layers import ExchangeError

ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax"}
_POOLS = {"MaxPool": ConvKind.MAXPOOL, "AveragePool": ConvKind.AVGPOOL}
SUPPORTED = (
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
    *ACTIVATIONS,
    *_POOLS,
    *_MOST_OPERANDS,
    *("Identity", "Flatten", "Cast"),
}
_FLOAT_TYPES = {1, 10, 11, 16}  # FLOAT, FLOAT16, DOUBLE, BFLOAT16

Shape = tuple[int, int, int]


def refuse(problem: str) -> ExchangeError:
    return ExchangeError(f"cannot import this model: {problem}")


def _attributes(node) -> dict[str, object]:  # noqa: ANN001 - an onnx NodeProto
    import onnx

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def describe_node(node) -> str:  # noqa: ANN001
    return f"{node.op_type} node {node.name!r}" if node.name else f"a {node.op_type} node"


@dataclass
class Origin:
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

    def with_bias(self, extra: np.ndarray, node) -> Origin:  # noqa: ANN001
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


class GraphReader:
    """Walks the graph node by node, keeping for each tensor what it holds in nnstudio's terms."""

    def __init__(self, model) -> None:  # noqa: ANN001 - a ModelProto
        import onnx
        from onnx import numpy_helper

        self.onnx, self.numpy_helper = onnx, numpy_helper
        graph = model.graph
        outside = [t.name for t in graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
        if outside:
            raise refuse(f"its weights ({outside[0]!r}) are kept in another file; save the model as one file")
        self.constants: dict[str, np.ndarray] = {
            t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer
        }
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
        inputs = [i for i in graph.input if i.name not in self.constants]
        if len(inputs) != 1:
            raise refuse(f"it has {len(inputs)} inputs; nnstudio imports a model with one input")
        if len(graph.output) != 1:
            raise refuse(f"it has {len(graph.output)} outputs; nnstudio imports a model with one output")
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
            raise refuse("its input holds no values")
        if n_inputs > _MAX_LAYER:
            raise refuse(f"it takes {n_inputs:,} inputs; the most nnstudio shows is {_MAX_LAYER:,}")
        self.n_inputs = n_inputs
        image = tuple(features) if len(features) == 3 else None
        if self.grid is not None and self.grid[0] * self.grid[1] != n_inputs:
            self.grid = None
        self.values: dict[str, _Value] = {self.input_name: _Neurons(np.arange(n_inputs), image)}  # type: ignore[arg-type]
        self.origins: list[Origin] = []
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
        raise refuse("its input's size is not given; give the input a fixed number of values")

    # ------------------------------------------------------------------------------------------ values
    def size(self, value: _Value) -> int:
        return len(value.ids) if isinstance(value, _Neurons) else len(value.rows)

    def operand(self, name: str, node) -> _Value:  # noqa: ANN001
        if name in self.values:
            return self.values[name]
        if name in self.constants:
            raise refuse(
                f"{describe_node(node)} works on the constant {name!r} where it should read the data"
            )
        raise refuse(f"{describe_node(node)} takes {name!r}, which nothing before it makes")

    def constant(self, name: str, node) -> np.ndarray:  # noqa: ANN001
        if name not in self.constants:
            raise refuse(
                f"{describe_node(node)} takes {name!r}, which is not a constant; weights must be stored in the model"
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
            raise refuse(
                f"{describe_node(node)} reads a comparison; nnstudio's step is Greater than 0, then Cast"
            )
        pairs = list(zip(value.origins.tolist(), value.rows.tolist(), strict=True))
        if len(set(pairs)) != len(pairs) or any(self.origins[o].neurons[r] >= 0 for o, r in pairs):
            raise refuse(
                f"{describe_node(node)} uses a layer's sums that already became neurons; each sum makes one neuron"
            )
        start = len(self.neuron_origin)
        ids = np.arange(self.n_inputs + start, self.n_inputs + start + len(pairs))
        for (o, r), nid in zip(pairs, ids.tolist(), strict=True):
            self.origins[o].neurons[r] = nid
        self.neuron_origin.extend(value.origins.tolist())
        self.neuron_row.extend(value.rows.tolist())
        self.neuron_activation.extend([activation] * len(pairs))
        if activation == "softmax":
            self.softmax_of.update(dict.fromkeys(ids.tolist(), describe_node(node)))
        return _Neurons(ids, value.shape)

    def new_origin(self, origin: Origin, shape: Shape | None = None) -> _Sums:
        size = origin.bias.shape[0]
        if size > _MAX_LAYER:
            raise refuse(
                f"{describe_node(origin.node)} makes a layer of {size:,} neurons; the most is {_MAX_LAYER:,}"
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
            raise refuse(f"{describe_node(node)} multiplies images; Flatten them to (batch, values) first")
        if W.ndim != 2:
            raise refuse(f"{describe_node(node)} has weights shaped {W.shape}, not a matrix")
        if W.shape[1] != len(sources.ids):
            raise refuse(f"{describe_node(node)} takes {W.shape[1]} values but is given {len(sources.ids)}")
        if not np.isfinite(W).all() or not np.isfinite(bias).all():
            raise refuse(f"{describe_node(node)} has weights that are not finite numbers")
        return self.new_origin(Origin(node, np.array(bias, dtype=np.float64), sources.ids, np.array(W)))

    # ------------------------------------------------------------------------------------------ nodes
    def read(self) -> None:
        for node in self.graph.node:
            if not node.output or not node.output[0]:
                raise refuse(f"{describe_node(node)} has no output")
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
            raise refuse(f"{describe_node(node)} holds a value that is not a number or a tensor of numbers")
        if op in ("Identity", "Dropout") and inputs and inputs[0] in self.constants:
            self.constants[node.output[0]] = self.constants[inputs[0]]
            return None
        if not inputs or not inputs[0]:
            raise refuse(f"{describe_node(node)} has no operand")
        if op in _TWO_OPERANDS and (len(inputs) < 2 or not inputs[1]):
            raise refuse(f"{describe_node(node)} has only one operand")
        most = _MOST_OPERANDS.get(op, 1)
        if op in _KNOWN and len([name for name in inputs if name]) > most:
            raise refuse(f"{describe_node(node)} has {len(inputs)} operands; a {op} takes at most {most}")
        if op in ("Identity", "Dropout"):
            return self.operand(inputs[0], node)
        if op == "Flatten":
            if attrs.get("axis", 1) != 1:
                raise refuse(
                    f"{describe_node(node)} flattens from axis {attrs['axis']}; only axis 1 comes in"
                )
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
                raise refuse(
                    f"{describe_node(node)} multiplies a constant by the data; expected data times weights"
                )
            B = self.constant(inputs[1], node)
            if B.ndim != 2:
                raise refuse(f"{describe_node(node)} has weights shaped {B.shape}, not a matrix")
            return self.dense(self.neurons(inputs[0], node), B.T, np.zeros(B.shape[-1]), node)
        if op == "Add":
            return self.add(node)
        if op == "Greater":
            value = self.operand(inputs[0], node)
            if not isinstance(value, _Sums):
                raise refuse(f"{describe_node(node)} is not preceded by a layer of weights")
            if inputs[1] not in self.constants or np.any(self.constants[inputs[1]]):
                raise refuse(
                    f"{describe_node(node)} compares with something other than 0 (a step at 0 comes in)"
                )
            return _Sums(value.origins, value.rows, value.shape, above=True)
        if op == "Cast":
            value = self.operand(inputs[0], node)
            if attrs.get("to") not in _FLOAT_TYPES:
                raise refuse(f"{describe_node(node)} casts to a type that is not a number with a fraction")
            if isinstance(value, _Sums) and value.above:
                return self.activate(_Sums(value.origins, value.rows, value.shape), "step", node)
            return value
        if op in ACTIVATIONS:
            value = self.operand(inputs[0], node)
            if not isinstance(value, _Sums) or value.above:
                raise refuse(f"{describe_node(node)} is not preceded by a layer of weights")
            if op == "Softmax":
                axis = attrs.get("axis", -1 if self.opset >= 13 else 1)
                if value.shape is not None or axis not in (-1, 1):
                    raise refuse(
                        f"{describe_node(node)} works along axis {axis}; only the last axis comes in"
                    )
            return self.activate(value, ACTIVATIONS[op], node)
        if op == "Conv":
            return self.conv(node, attrs)
        if op in _POOLS:
            return self.pool(node, attrs)
        if op == "BatchNormalization":
            return self.batch_norm(node, attrs)
        raise refuse(f"it uses {describe_node(node)}, which nnstudio does not have (it imports {SUPPORTED})")

    def reshape(self, node, attrs: dict) -> _Value:  # noqa: ANN001
        value = self.operand(node.input[0], node)
        target = [int(v) for v in self.constant(node.input[1], node).reshape(-1)]
        n = self.size(value)
        dims = list(value.shape) if value.shape is not None else [n]
        wanted = f"{tuple(target)}; nnstudio reads (batch, values) or (batch, channels, height, width)"
        if len(target) not in (2, 4) or target[0] not in (-1, 0) or target.count(-1) > 1:
            raise refuse(f"{describe_node(node)} reshapes to {wanted}")
        rest = target[1:]
        if not attrs.get("allowzero", 0):
            rest = [dims[k] if v == 0 and k < len(dims) else v for k, v in enumerate(rest)]
        if -1 in rest:
            known = int(np.prod([v for v in rest if v != -1]))
            rest = [n // known if v == -1 and known > 0 else v for v in rest]
        if any(v < 1 for v in rest) or int(np.prod(rest)) != n:
            raise refuse(f"{describe_node(node)} reshapes {n} values to {wanted}")
        shape = tuple(rest) if len(rest) == 3 else None
        if isinstance(value, _Neurons):
            return _Neurons(value.ids, shape)  # type: ignore[arg-type]
        if shape is not None and self.whole(value) is None:
            raise refuse(f"{describe_node(node)} makes an image of sums that are not one whole layer's")
        return _Sums(value.origins, value.rows, shape, value.above)  # type: ignore[arg-type]

    def gather(self, node, attrs: dict) -> _Value:  # noqa: ANN001
        value = self.operand(node.input[0], node)
        index = self.constant(node.input[1], node)
        if value.shape is not None or attrs.get("axis", 0) not in (1, -1) or index.ndim != 1:
            raise refuse(
                f"{describe_node(node)} picks along another axis; only picking values (axis 1) comes in"
            )
        n = self.size(value)
        picks = index.astype(np.int64)
        if np.any(picks != index) or np.any(picks < -n) or np.any(picks >= n):
            raise refuse(f"{describe_node(node)} picks values outside the {n} it is given")
        picks = np.where(picks < 0, picks + n, picks)
        if isinstance(value, _Neurons):
            return _Neurons(value.ids[picks])
        return _Sums(value.origins[picks], value.rows[picks], None, value.above)

    def concat(self, node, attrs: dict) -> _Value:  # noqa: ANN001
        parts = [self.operand(name, node) for name in node.input if name]
        if any(part.shape is not None for part in parts) or attrs.get("axis") not in (1, -1):
            raise refuse(
                f"{describe_node(node)} joins along another axis; only joining values (axis 1) comes in"
            )
        if all(isinstance(part, _Sums) and not part.above for part in parts):
            return _Sums(
                np.concatenate([p.origins for p in parts]),  # type: ignore[union-attr]
                np.concatenate([p.rows for p in parts]),  # type: ignore[union-attr]
            )
        joined = [self.neurons(name, node).ids for name in node.input if name]
        return _Neurons(np.concatenate(joined))

    def gemm(self, node, attrs: dict) -> _Sums:  # noqa: ANN001
        if attrs.get("transA", 0):
            raise refuse(f"{describe_node(node)} transposes its input")
        if node.input[0] in self.constants:
            raise refuse(
                f"{describe_node(node)} multiplies a constant by the data; expected data times weights"
            )
        B = self.constant(node.input[1], node)
        if B.ndim != 2:
            raise refuse(f"{describe_node(node)} has weights shaped {B.shape}, not a matrix")
        weight = float(attrs.get("alpha", 1.0)) * (B if attrs.get("transB", 0) else B.T)
        bias = np.zeros(weight.shape[0])
        if len(node.input) > 2 and node.input[2]:
            C = self.constant(node.input[2], node)
            try:
                bias = bias + float(attrs.get("beta", 1.0)) * np.broadcast_to(C, (1, len(bias))).reshape(-1)
            except ValueError:
                raise refuse(f"{describe_node(node)} adds {C.size} values to {len(bias)} sums") from None
        return self.dense(self.neurons(node.input[0], node), weight, bias, node)

    def add(self, node) -> _Value | None:  # noqa: ANN001
        first, second = node.input[0], node.input[1]
        if first in self.constants and second in self.constants:
            try:
                self.constants[node.output[0]] = self.constants[first] + self.constants[second]
            except ValueError:
                raise refuse(
                    f"{describe_node(node)} adds constants of shapes that do not fit together"
                ) from None
            return None
        if first in self.constants or second in self.constants:
            data, extra = (second, self.constants[first]) if first in self.constants else (first, None)
            if extra is None:
                extra = self.constants[second]
            value = self.operand(data, node)
            o = self.whole(value) if isinstance(value, _Sums) else None
            if o is None:
                raise refuse(f"{describe_node(node)} adds to something that is not a layer's weighted sum")
            origin = self.origins[o]
            shape = (1, *value.shape) if value.shape is not None else (1, len(origin.bias))
            try:
                spread = np.broadcast_to(extra, shape).reshape(-1)
            except ValueError:
                raise refuse(
                    f"{describe_node(node)} adds {extra.size} values to {len(origin.bias)} sums"
                ) from None
            return self.new_origin(origin.with_bias(spread, node), value.shape)
        # Two computed values: one layer fed by what feeds each (a layer's neurons count as fed one to one).
        parts = [self.operand(first, node), self.operand(second, node)]
        if any(part.shape is not None for part in parts):
            raise refuse(f"{describe_node(node)} adds images; nnstudio adds only rows of values")
        if self.size(parts[0]) != self.size(parts[1]):
            raise refuse(f"{describe_node(node)} adds {self.size(parts[0])} values to {self.size(parts[1])}")
        sources, weights, bias = [], [], np.zeros(self.size(parts[0]))
        for name, part in zip((first, second), parts, strict=True):
            if isinstance(part, _Sums):
                o = self.whole(part)
                if o is None or self.origins[o].W is None:
                    raise refuse(f"{describe_node(node)} adds sums that are not one fully connected layer's")
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
            raise refuse(f"{describe_node(node)} lacks its scales, shifts, means or variances")
        if attrs.get("training_mode", 0) or any(node.output[1:]):
            raise refuse(f"{describe_node(node)} is in training mode; export the model for inference")
        value = self.operand(node.input[0], node)
        o = self.whole(value) if isinstance(value, _Sums) else None
        origin = self.origins[o] if o is not None else None
        if origin is None or not (origin.kind is ConvKind.CONV2D or origin.W is not None):
            raise refuse(
                f"{describe_node(node)} normalises something other than a convolution's or a fully connected "
                f"layer's sums, so it cannot be folded into that layer's weights"
            )
        scale, shift, mean, variance = (self.constant(name, node).reshape(-1) for name in node.input[1:5])
        channels = value.shape[0] if value.shape is not None else len(origin.bias)
        if any(part.shape != (channels,) for part in (scale, shift, mean, variance)):
            raise refuse(
                f"{describe_node(node)} does not hold one scale, shift, mean and variance per channel"
            )
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
            raise refuse(
                f"{describe_node(node)} normalises a convolution's values flattened; normalise its maps"
            )
        if not all(np.isfinite(part).all() for part in numbers):
            raise refuse(
                f"{describe_node(node)} divides by a variance of 0 or holds numbers that are not finite"
            )
        return self.new_origin(folded, value.shape)

    def _window(self, node, attrs: dict, kernel: tuple[int, ...] | None) -> tuple[int, int, int]:  # noqa: ANN001
        """Size, stride and padding of a square window that nnstudio has; a refusal naming what differs."""
        where = describe_node(node)
        auto = attrs.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else str(auto)
        if auto not in ("NOTSET", "VALID"):
            raise refuse(f"{where} pads automatically ({auto}); give its padding as numbers")
        shape = [int(v) for v in attrs.get("kernel_shape", kernel or [])]
        if kernel is not None and shape and tuple(shape) != tuple(kernel):
            raise refuse(f"{where} says its kernels are {shape} but holds kernels shaped {list(kernel)}")
        if len(shape) != 2:
            raise refuse(f"{where} has a window over {len(shape)} axes; nnstudio's are 2-D images")
        if shape[0] != shape[1]:
            raise refuse(f"{where} has a {shape[0]} x {shape[1]} window; nnstudio's windows are square")
        strides = [int(v) for v in attrs.get("strides", [1, 1])]
        if len(strides) != 2 or strides[0] != strides[1]:
            raise refuse(f"{where} steps {strides}; nnstudio steps the same both ways")
        pads = [int(v) for v in attrs.get("pads", [0, 0, 0, 0])] if auto == "NOTSET" else [0, 0, 0, 0]
        if len(pads) != 4 or len(set(pads)) != 1:
            raise refuse(f"{where} pads its sides differently ({pads}); nnstudio pads every side the same")
        dilations = [int(v) for v in attrs.get("dilations", [1, 1])]
        if any(d != 1 for d in dilations):
            raise refuse(f"{where} has dilations {dilations}; nnstudio's windows are not dilated")
        return shape[0], strides[0], pads[0]

    def image(self, node) -> tuple[_Neurons, Shape]:  # noqa: ANN001
        image = self.neurons(node.input[0], node)
        if image.shape is None:
            raise refuse(
                f"{describe_node(node)} reads something that is not an image; "
                f"Reshape it to (batch, channels, height, width) first"
            )
        ids = image.ids
        if ids.max() < self.n_inputs:
            # Inputs: the image becomes an input layer of its own (other inputs may sit beside it).
            if any(np.array_equal(group, ids) for group in self.image_inputs):
                return image, image.shape
            read = np.concatenate([np.zeros(0, np.int64), *self.image_inputs])
            if np.any(np.diff(ids) <= 0) or np.isin(ids, read).any():
                raise refuse(
                    f"{describe_node(node)} reads inputs out of their order, or some that another image holds"
                )
            self.image_inputs.append(ids)
            return image, image.shape
        first = int(ids[0]) - self.n_inputs
        origin = self.origins[self.neuron_origin[first]] if first >= 0 else None
        if origin is None or origin.kind is None or not np.array_equal(origin.neurons, ids):
            raise refuse(
                f"{describe_node(node)} reads an image that is not made of inputs or of a whole convolution "
                f"or pooling layer"
            )
        return image, image.shape

    def conv(self, node, attrs: dict) -> _Sums:  # noqa: ANN001
        if len(node.input) < 2 or not node.input[1]:
            raise refuse(f"{describe_node(node)} has no kernels")
        kernel = self.constant(node.input[1], node)
        if int(attrs.get("group", 1)) != 1:
            raise refuse(
                f"{describe_node(node)} is a group convolution; nnstudio's kernels read every channel"
            )
        if kernel.ndim != 4:
            raise refuse(f"{describe_node(node)} has kernels shaped {kernel.shape}; nnstudio's are 2-D")
        size, stride, padding = self._window(node, attrs, kernel.shape[2:])
        image, in_shape = self.image(node)
        if kernel.shape[1] != in_shape[0]:
            raise refuse(
                f"{describe_node(node)} has kernels for {kernel.shape[1]} channels but reads {in_shape[0]}"
            )
        kernel_bias = np.zeros(kernel.shape[0])
        if len(node.input) > 2 and node.input[2]:
            kernel_bias = self.constant(node.input[2], node).reshape(-1)
            if kernel_bias.shape != (kernel.shape[0],):
                raise refuse(
                    f"{describe_node(node)} has {kernel.shape[0]} kernels and {kernel_bias.size} biases"
                )
        if not (np.isfinite(kernel).all() and np.isfinite(kernel_bias).all()):
            raise refuse(f"{describe_node(node)} has weights that are not finite numbers")
        return self._shaped(
            node, ConvKind.CONV2D, image, in_shape, size, stride, padding, kernel, kernel_bias
        )

    def pool(self, node, attrs: dict) -> _Sums:  # noqa: ANN001
        if len(node.output) > 1 and node.output[1]:
            raise refuse(
                f"{describe_node(node)} also gives where each maximum was; nnstudio keeps only the values"
            )
        size, stride, padding = self._window(node, attrs, None)
        if padding:
            raise refuse(f"{describe_node(node)} pads its image; nnstudio's pooling takes no padding")
        image, in_shape = self.image(node)
        if attrs.get("ceil_mode", 0) and any((d - size) % stride for d in in_shape[1:]):
            raise refuse(f"{describe_node(node)} rounds its last window up (ceil_mode); nnstudio rounds down")
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
            raise refuse(f"{describe_node(node)}: {exc}") from None
        origin = Origin(
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
