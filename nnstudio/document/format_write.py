"""Writing a ``.nnet`` file: a document as the JSON tree docs/FORMAT.md describes, one neuron or connection
per line, large weight matrices whole.

The network's neurons and the document's layout are joined here again: each neuron is written with its
``x`` and ``y``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..data.dataset import Dataset
from ..engine.connections import ConnectionBlock
from ..engine.conv import Convolution
from ..engine.graph import Edge, Network, Neuron, Role
from ..engine.train import TrainSettings
from .format_checks import FORMAT_NAME, FORMAT_VERSION, Tree
from .model import Document

# A weight matrix of at least this many places, at least a quarter of them connected, is written whole
# (with masks for missing and frozen connections); the connections of smaller or emptier ones one by one.
DENSE_MIN_EDGES = 64
DENSE_MIN_SHARE = 0.25

# --------------------------------------------------------------------------------------------- writing


# Training settings added after version 2 was first written: a file leaves them out while they have their
# defaults (no regularisation, stop after the epochs), so every file saved before them is still written byte
# for byte the same.
_WRITTEN_WHEN_SET = frozenset({"l1", "l2", "stop"})
_DEFAULT_TRAINING = TrainSettings().to_dict()


def _array_tree(array: np.ndarray, wide: bool = False) -> Tree:
    values = np.ascontiguousarray(array, dtype="<f8" if wide else "<f4")
    return {
        "dtype": "float64" if wide else "float32",
        "shape": list(values.shape),
        "data": base64.b64encode(values.tobytes()).decode("ascii"),
    }


def _mask_tree(mask: np.ndarray) -> Tree:
    return {
        "shape": list(mask.shape),
        "bits": base64.b64encode(np.packbits(mask.ravel()).tobytes()).decode("ascii"),
    }


def _written_whole(network: Network) -> list[tuple[ConnectionBlock, np.ndarray]]:
    """The weight matrices written whole, each with the mask of the connections it holds.

    A matrix is written whole when it is large and at least a quarter connected. A connection known by an id
    other than the conventional "source>target" is listed one by one, so that its id is kept.
    """
    chosen = []
    aliases = network.edges.pair_alias
    for block in network.edges.blocks.values():
        if block.present.size < DENSE_MIN_EDGES or block.count < DENSE_MIN_SHARE * block.present.size:
            continue
        held = block.present
        inside = [block.col_of[t] for t in block.targets if t in block.col_of]
        if aliases or inside:
            held = held.copy()
            # A connection between two neurons of the layer is listed: a matrix's targets are never sources.
            held[:, inside] = False
            for source, target in aliases:
                if target in block.row_of and source in block.col_of:
                    held[block.row_of[target], block.col_of[source]] = False
        chosen.append((block, held))
    return chosen


def _edges_listed(network: Network, whole: dict[Any, np.ndarray]) -> Iterable[Edge]:
    """The connections not held by a matrix written whole, by target then source in network order (so the
    file says the same whatever order edits and undos left them in)."""
    edges = network.edges
    order = {nid: i for i, nid in enumerate(network.neurons)}
    listed: list[tuple[int, int, Edge]] = []
    for key, block in edges.blocks.items():
        held = whole.get(key)
        remaining = block.present if held is None else block.present & ~held
        rows, cols = np.nonzero(remaining)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            source, target = block.sources[c], block.targets[r]
            edge = Edge(
                edges.id_of(source, target),
                source,
                target,
                float(block.weight[r, c]),
                bool(block.frozen[r, c]),
            )
            listed.append((order[target], order[source], edge))
    listed.sort(key=lambda item: (item[0], item[1]))
    return [edge for _, _, edge in listed]


def _neuron_tree(n: Neuron, position: tuple[float, float]) -> Tree:
    item: Tree = {
        "id": n.id,
        "role": Role(n.role).value,
        "activation": n.activation,
        "bias": float(n.bias),
        "label": n.label,
        "x": float(position[0]),
        "y": float(position[1]),
    }
    if n.layer:
        item["layer"] = n.layer
    return item


def _dense_tree(block: ConnectionBlock, held: np.ndarray, order: dict[str, int]) -> Tree:
    # Rows and columns in network order: the file says the same whatever order edits left the matrix in.
    rows = np.argsort([order[t] for t in block.targets], kind="stable")
    # A layer's own neurons are never among its matrix's sources in a file (those links are listed).
    outside = [c for c, source in enumerate(block.sources) if source not in block.row_of]
    cols = np.array(outside, dtype=np.intp)[
        np.argsort([order[block.sources[c]] for c in outside], kind="stable")
    ]
    held = held[np.ix_(rows, cols)]
    weights = np.where(held, block.weight[np.ix_(rows, cols)], 0.0)
    with np.errstate(over="ignore"):
        narrow = weights.astype(np.float32)
    # float32 where every weight survives the trip exactly (trained layers), else every digit is kept.
    wide = not np.array_equal(narrow.astype(np.float64), weights)
    tree: Tree = {
        "sources": [block.sources[c] for c in cols.tolist()],
        "targets": [block.targets[r] for r in rows.tolist()],
    }
    tree["weights"] = _array_tree(weights, wide=wide)
    if not held.all():
        tree["present"] = _mask_tree(held)
    frozen = block.frozen[np.ix_(rows, cols)] & held
    if frozen.any():
        tree["frozen"] = _mask_tree(frozen)
    return tree


def _convolution_tree(conv: Convolution) -> Tree:
    tree: Tree = {
        "kind": conv.kind.value,
        "source": conv.source,
        "target": conv.target,
        "in_shape": list(conv.in_shape),
        "size": conv.size,
        "stride": conv.stride,
        "padding": conv.padding,
    }
    if conv.kernel is not None and conv.bias is not None:
        kernel = conv.kernel.reshape(conv.kernel.shape[0], -1)
        with np.errstate(over="ignore"):
            wide = not np.array_equal(kernel.astype(np.float32).astype(np.float64), kernel)
        tree["kernel"] = _array_tree(kernel, wide=wide)
        tree["bias"] = [float(b) for b in conv.bias]
    return tree


def document_to_tree(doc: Document) -> Tree:
    network = doc.network
    # The file keeps each neuron's place beside its maths: the layout joins the network again here.
    neurons = [_neuron_tree(n, doc.layout.position(n.id)) for n in network]
    order = {nid: i for i, nid in enumerate(network.neurons)}
    whole = sorted(_written_whole(network), key=lambda pair: min(order[t] for t in pair[0].targets))
    dense = [_dense_tree(block, held, order) for block, held in whole]
    in_blocks = {block.key: held for block, held in whole}
    listed = []
    for edge in _edges_listed(network, in_blocks):
        item: Tree = {
            "id": edge.id,
            "source": edge.source,
            "target": edge.target,
            "weight": float(edge.weight),
        }
        if edge.frozen:
            item["frozen"] = True
        listed.append(item)
    tree: Tree = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": doc.title,
        "description": doc.description,
        "input": {"grid": _plain(doc.grid), "range": _plain(doc.value_range)},
        "training": {
            key: _plain(value)
            for key, value in doc.training.to_dict().items()
            if key not in _WRITTEN_WHEN_SET or value != _DEFAULT_TRAINING[key]
        },
        "training_data": doc.training_data,
        "neurons": neurons,
        "edges": listed,
        "dense": dense,
    }
    if network.convolutions:
        # Written only when there are any, so a file without them reads as it always did.
        tree["convolutions"] = [_convolution_tree(c) for c in network.convolutions.values()]
    if doc.dataset is not None:
        tree["dataset"] = _dataset_tree(doc.dataset, doc)
    return tree


def _plain(value: Any) -> Any:
    """numpy scalars and tuples as the JSON types they stand for; anything else is left to the checks."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _dataset_tree(dataset: Dataset, doc: Document) -> Tree:
    tree: Tree = {"name": dataset.name}
    if dataset.description:
        tree["description"] = dataset.description
    labels, grid = list(dataset.labels), dataset.grid
    inputs, targets = dataset.inputs, dataset.targets
    n_inputs, n_outputs = len(doc.network.inputs()), len(doc.network.outputs())
    if len(dataset) == 0 and (dataset.n_inputs != n_inputs or dataset.n_outputs != n_outputs):
        # No samples left, so nothing is lost by sizing the empty set for the network as it is now (its
        # inputs or outputs changed after the last sample was deleted).
        labels = doc.output_labels if dataset.n_outputs != n_outputs else labels
        grid = grid if grid is None or grid[0] * grid[1] == n_inputs else None
        inputs = np.zeros((0, n_inputs), np.float32)
        targets = np.zeros((0, n_outputs), np.float32)
    tree.update(
        {
            "labels": labels,
            "grid": _plain(grid),
            "range": _plain(dataset.value_range),
            "inputs": _array_tree(inputs),
            "targets": _array_tree(targets),
            "classes": [int(c) for c in np.asarray(dataset.classes).tolist()],
        }
    )
    if dataset.sample_names:
        tree["sample_names"] = list(dataset.sample_names)
    return tree


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def dumps(tree: Tree) -> str:
    """JSON with one neuron, edge or block per line: readable, and friendly to line-based diffs."""
    lines = []
    for key, value in tree.items():
        if key in ("neurons", "edges", "dense", "convolutions") and value:
            items = ",\n".join(f"    {_json(item)}" for item in value)
            text = f"[\n{items}\n  ]"
        elif key == "dataset":
            items = ",\n".join(f"    {_json(k)}: {_json(v)}" for k, v in value.items())
            text = f"{{\n{items}\n  }}"
        else:
            text = _json(value)
        lines.append(f"  {_json(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
