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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..document.model import Document
from ..engine.conv import ConvKind, Convolution
from ..engine.graph import DenseLinks, GraphError, Network, Neuron, Role
from ..engine.plan import compile_network
from ..engine.train import TrainSettings
from .layers import ExchangeError
from .onnx_export import require_onnx
from .onnx_graph import SUPPORTED, GraphReader, describe_node, refuse


# ---------------------------------------------------------------------------------------------- building
@dataclass
class _Built:
    network: Network
    grid: tuple[int, int] | None
    output_activations: list[str]


def _layer_names(
    reader: GraphReader, used: list[int], outputs: set[int], taken: set[str]
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


def _input_layers(reader: GraphReader) -> list[str]:
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
    reader: GraphReader, output_ids: list[int], meta: dict[str, object], *, sparse: bool
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


def _depths_kept(reader: GraphReader, network: Network, ids: dict[int, str]) -> bool:
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


def _read_network(model, meta: dict[str, object]) -> tuple[Network, GraphReader, list[str]]:  # noqa: ANN001
    """The network in ``model``, the reader that found it and its output neurons' activations."""
    reader = GraphReader(model)
    reader.read()
    if reader.output_name not in reader.values:
        raise refuse("its output is not made from its input by the nodes nnstudio reads")
    out = reader.neurons(reader.output_name, _OutputNode(reader.output_name))
    output_ids = out.ids.tolist()
    if len(set(output_ids)) != len(output_ids):
        raise refuse("its output gives a neuron's value twice")
    if any(nid < reader.n_inputs for nid in output_ids):
        raise refuse("its output passes on an input as it is; an output must be computed by a layer")
    outputs = set(output_ids)
    for origin in reader.origins:
        if (origin.neurons >= 0).any() and outputs.intersection(origin.sources.tolist()):
            raise refuse(
                f"an output also feeds {describe_node(origin.node)}; nnstudio's outputs end the network"
            )
        if origin.kind is not None and (origin.neurons >= 0).any() and not (origin.neurons >= 0).all():
            raise refuse(f"only some of the maps of {describe_node(origin.node)} are used")
    n_in = reader.n_inputs
    hidden_softmax = [node for nid, node in reader.softmax_of.items() if nid not in outputs]
    if hidden_softmax:
        raise refuse(
            f"a hidden layer uses Softmax ({hidden_softmax[0]}); nnstudio has softmax on the outputs only"
        )
    softmax_nodes = list(dict.fromkeys(reader.softmax_of.values()))
    if len(softmax_nodes) > 1:
        raise refuse(
            f"two Softmax nodes make outputs ({softmax_nodes[0]} and {softmax_nodes[1]}); nnstudio has one "
            f"softmax over its outputs"
        )
    if not reader.origins:
        raise refuse(f"it has no layer of weights (it imports {SUPPORTED})")
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
        raise refuse(str(exc)) from None
    if [n.id for n in network.outputs()] != [ids[nid] for nid in output_ids]:
        raise refuse("its outputs come in an order nnstudio cannot keep (a convolution's maps, reordered)")
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
        raise refuse(f"part of it could not be read ({type(exc).__name__}: {exc})") from None
    try:
        compile_network(network, np.float64)
    except GraphError as exc:
        raise refuse(str(exc)) from None
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
