"""The checks of a ``.nnet`` file's JSON, field by field, before anything is built from it.

Every field is checked for its type, range and meaning, sizes before anything is allocated for them, and
every problem becomes a :class:`FormatError` that says where in the file it is and what is wrong. Names in
the file (activations, losses, roles) are looked up in closed tables. The limits a file must stay within
are here too; docs/FORMAT.md lists them. Reading the JSON itself, and the checks a challenge file shares
(an object and its fields, a whole number), are :mod:`.json_reading`.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, NoReturn

import numpy as np

from ..data.dataset import DataError, Dataset
from ..engine.activations import ACTIVATIONS
from ..engine.conv import MAX_KERNEL, ConvKind, Convolution
from ..engine.graph import Edge, Neuron, Role
from ..engine.losses import LOSSES
from ..engine.stopping import EPOCHS, STOP_KINDS, StopCondition, stop_problem
from ..engine.train import INITIALISERS, TrainingError, TrainSettings
from .json_reading import FileKind, FormatError, describe, object_fields, whole_number

FORMAT_NAME = "nnstudio-network"
FORMAT_VERSION = 2

# Limits a file must stay within; each is checked before the memory it would take is allocated.
MAX_NEURONS = 100_000
MAX_EDGES = 5_000_000
MAX_DATASET_VALUES = 16_000_000

# Every text in a file, by kind: (most characters, most lines). A name is shown on one line in the canvas
# and the panels; a few lines are allowed so that a label pasted with a line break can still be saved.
# Laying out text costs memory per line, so both are capped: 200,000 line breaks in one label once took
# the studio to 11 GB.
NAME_CHARS, NAME_LINES = 1_000, 4
TEXT_LIMITS: dict[str, tuple[int, int]] = {
    "name": (NAME_CHARS, NAME_LINES),
    # An edge's id is by convention "source>target": two neuron ids joined.
    "edge id": (2 * NAME_CHARS + 1, 2 * NAME_LINES - 1),
    "description": (20_000, 500),
    "path": (4_096, 1),
}

# How far from the origin a neuron may sit on the canvas. Far beyond any network a person lays out, and
# near enough that distances between neurons never overflow in the canvas's geometry.
MAX_POSITION = 1_000_000.0

# The whole numbers of the training settings, low and high included: what the training panel's spin boxes
# hold (a Qt spin box holds a 32-bit int; beyond that setting one fails) and numpy's generators accept.
TRAINING_RANGES: dict[str, tuple[int, int]] = {
    "epochs": (1, 1_000_000),
    "batch_size": (1, 100_000),
    "seed": (0, 2**31 - 1),
}

Tree = dict[str, Any]

_TOP_FIELDS = (
    "format",
    "version",
    "title",
    "description",
    "input",
    "training",
    "training_data",
    "neurons",
    "edges",
    "dense",
    "convolutions",
    "dataset",
)

# A network file as the shared JSON reading (.json_reading) names it in messages.
NETWORK_FILE = FileKind("network", FORMAT_NAME, "is not a field nnstudio knows here")


# --------------------------------------------------------------------------------------------- checks


def fail(where: str, problem: str) -> NoReturn:
    raise FormatError(where, problem)


def _count(n: int, noun: str, plural: str = "") -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _subject(what: str) -> str:
    return f"{what} " if what else ""


def _at(where: str, key: str | int) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"


def _object(value: Any, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    return object_fields(value, where, required, optional, NETWORK_FILE)


def _list(value: Any, where: str, cap: int, what: str) -> list[Any]:
    if not isinstance(value, list):
        fail(where, f"must be a list [...], not {describe(value)}")
    if len(value) > cap:
        fail(where, f"holds {len(value):,} {what}; a file may hold at most {cap:,}")
    return value


def text_kind(where: str) -> str:
    """Which of :data:`TEXT_LIMITS` applies to the text at ``where`` (a JSON path like ``title``)."""
    if where.endswith("description"):
        return "description"
    if where == "training_data":
        return "path"
    if where.startswith("edges[") and where.endswith(".id"):
        return "edge id"
    return "name"


# Line breaks as str.splitlines() knows them; "\r\n" is one break.
_LINE_BREAKS = ("\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def count_lines(text: str) -> int:
    """How many lines ``text`` shows: one more than its line breaks (``"\r\n"`` counts once)."""
    if text.isascii():
        breaks = sum(text.count(c) for c in _LINE_BREAKS[:7])
    else:
        breaks = sum(text.count(c) for c in _LINE_BREAKS)
    return 1 + breaks - text.count("\r\n")


def _text(value: Any, where: str, what: str = "") -> str:
    if not isinstance(value, str):
        fail(where, f"{_subject(what)}must be text, not {describe(value)}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            fail(where, f"{_subject(what or 'the text')}holds a character that is not valid Unicode")
    max_chars, max_lines = TEXT_LIMITS[text_kind(where)]
    lines = count_lines(value)
    if lines > max_lines:
        fail(where, f"{what or 'the text'} has {lines:,} lines; it may have at most {max_lines:,}")
    if len(value) > max_chars:
        fail(
            where,
            f"{what or 'the text'} is {len(value):,} characters long; it may be at most {max_chars:,}",
        )
    return value


def _number(value: Any, where: str, what: str = "") -> float:
    if isinstance(value, float):
        if math.isfinite(value):
            return value
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            pass
    else:
        fail(where, f"{_subject(what)}must be a number, not {describe(value)}")
    fail(where, f"{_subject(what)}must be a finite number, not {describe(value)}")


def _position(value: Any, where: str, what: str) -> float:
    number = _number(value, where, what)
    if not -MAX_POSITION <= number <= MAX_POSITION:
        fail(where, f"{what} must be between {-MAX_POSITION:,.0f} and {MAX_POSITION:,.0f}, not {number!r}")
    return number


def _flag(value: Any, where: str, what: str = "") -> bool:
    if not isinstance(value, bool):
        fail(where, f"{_subject(what)}must be true or false, not {describe(value)}")
    return value


def _grid(value: Any, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        fail(where, f"must be [width, height] or null, not {describe(value)}")
    width = whole_number(value[0], _at(where, 0), 1, MAX_NEURONS, "the width")
    height = whole_number(value[1], _at(where, 1), 1, MAX_NEURONS, "the height")
    return width, height


def _range(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        fail(where, f"must be [low, high], not {describe(value)}")
    low = _number(value[0], _at(where, 0), "the low end")
    high = _number(value[1], _at(where, 1), "the high end")
    if not low < high:
        fail(where, f"the low end ({low!r}) must be below the high end ({high!r})")
    return low, high


def _base64_length(n_bytes: int) -> int:
    return 4 * ((n_bytes + 2) // 3)


def _array(
    value: Any, where: str, expected: tuple[int | None, int | None], cap: int, what: str, wide: bool = False
) -> np.ndarray:
    """A matrix from ``{"dtype", "shape", "data"}``, its size checked before a byte is decoded.

    ``dtype`` is "float32", or "float64" where ``wide`` allows it (weights typed by hand keep every digit).
    """
    spec = _object(value, where, ("dtype", "shape", "data"))
    widths = {"float32": 4, "float64": 8} if wide else {"float32": 4}
    if not isinstance(spec["dtype"], str) or spec["dtype"] not in widths:
        allowed = " or ".join(f'"{name}"' for name in widths)
        fail(_at(where, "dtype"), f"must be {allowed}, not {describe(spec['dtype'])}")
    width = widths[spec["dtype"]]
    shape = spec["shape"]
    if not isinstance(shape, list) or len(shape) != 2:
        fail(_at(where, "shape"), f"must be [rows, columns], not {describe(shape)}")
    for i, size in enumerate(shape):
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            fail(f"{where}.shape[{i}]", f"a size must be a whole number, at least 0, not {describe(size)}")
    rows, cols = shape
    count = rows * cols
    if count > cap:
        fail(f"{where}.shape", f"{rows:,} x {cols:,} means {count:,} {what}; a file holds at most {cap:,}")
    for i, (size, want) in enumerate(zip(shape, expected, strict=True)):
        if want is not None and size != want:
            side = "rows" if i == 0 else "columns"
            fail(_at(where, "shape"), f"says {size:,} {side} but there must be {want:,}")
    data = spec["data"]
    if not isinstance(data, str):
        fail(_at(where, "data"), f"must be base64 text, not {describe(data)}")
    n_bytes = count * width
    if len(data) != _base64_length(n_bytes):
        fail(
            f"{where}.data",
            f"holds {len(data):,} base64 characters, but {rows:,} x {cols:,} {spec['dtype']} "
            f"values take {_base64_length(n_bytes):,}",
        )
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        fail(_at(where, "data"), "is not valid base64 text")
    if len(raw) != n_bytes:
        fail(_at(where, "data"), f"decodes to {len(raw):,} bytes, not the {n_bytes:,} its shape needs")
    little = "<f4" if width == 4 else "<f8"
    array = np.frombuffer(raw, dtype=little).astype(little[1:]).reshape(rows, cols)
    finite = np.isfinite(array)
    if not finite.all():
        r, c = (int(i) for i in np.argwhere(~finite)[0])
        fail(_at(where, "data"), f"holds a value that is not a finite number (row {r}, column {c})")
    return array


def _mask(value: Any, where: str, shape: tuple[int, int]) -> np.ndarray:
    """A boolean matrix from ``{"shape", "bits"}``: its places row by row, eight to a byte (numpy's
    ``packbits`` order, the last byte padded with zeros), as base64."""
    spec = _object(value, where, ("shape", "bits"))
    if spec["shape"] != list(shape):
        fail(
            _at(where, "shape"),
            f"must be {list(shape)}, the shape of the weights, not {describe(spec['shape'])}",
        )
    bits = spec["bits"]
    n_bytes = (shape[0] * shape[1] + 7) // 8
    if not isinstance(bits, str) or len(bits) != _base64_length(n_bytes):
        fail(
            _at(where, "bits"), f"must be {_base64_length(n_bytes):,} base64 characters for {n_bytes:,} bytes"
        )
    try:
        raw = base64.b64decode(bits, validate=True)
    except (binascii.Error, ValueError):
        fail(_at(where, "bits"), "is not valid base64 text")
    if len(raw) != n_bytes:
        fail(_at(where, "bits"), f"decodes to {len(raw):,} bytes, not {n_bytes:,}")
    flat = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), count=shape[0] * shape[1])
    return flat.reshape(shape).astype(bool)


@dataclass
class _DenseBlock:
    sources: list[str]
    targets: list[str]
    weights: np.ndarray  # (targets, sources)
    present: np.ndarray | None  # None: every pair is connected
    frozen: np.ndarray | None  # None: none is frozen


@dataclass
class CheckedFile:
    """A file's content after every check, ready to be built into a Document."""

    tree: Tree
    neurons: list[Neuron]
    positions: dict[str, tuple[float, float]]
    edges: list[Edge]
    blocks: list[_DenseBlock]
    convolutions: list[Convolution]
    grid: tuple[int, int] | None
    value_range: tuple[float, float]
    training: TrainSettings
    dataset: Dataset | None


def check_tree(tree: Tree) -> CheckedFile:
    top = _object(tree, "file", ("format", "version", "neurons"), _TOP_FIELDS)
    _text(top.get("title", ""), "title", "the title")
    _text(top.get("description", ""), "description", "the description")
    training_data = top.get("training_data")
    if training_data is not None:
        _text(training_data, "training_data", "the training data's name")
        if not training_data:
            fail("training_data", "must name a dataset, or be null")

    neurons, positions = _check_neurons(top["neurons"])
    index = {neuron.id: i for i, neuron in enumerate(neurons)}
    roles = [neuron.role for neuron in neurons]
    n_inputs = roles.count(Role.INPUT)
    n_outputs = roles.count(Role.OUTPUT)

    listed = _list(top.get("edges", []), "edges", MAX_EDGES, "edges")
    dense = _list(top.get("dense", []), "dense", MAX_EDGES, "dense blocks")
    edges = _check_edges(listed, neurons, index)
    blocks = _check_dense(dense, neurons, index, edges)
    weights = len(edges) + sum(b.weights.size for b in blocks)
    convolutions = _check_convolutions(top.get("convolutions", []), weights)

    io = _object(top.get("input", {}), "input", (), ("grid", "range"))
    grid = _grid(io.get("grid"), "input.grid")
    value_range = _range(io.get("range", [-1.0, 1.0]), "input.range")
    if grid is not None and grid[0] * grid[1] > n_inputs:
        fail(
            "input.grid",
            f"a {grid[0]} x {grid[1]} image needs {grid[0] * grid[1]:,} inputs, "
            f"but the network has {_count(n_inputs, 'input')}",
        )

    training = _check_training(top.get("training", {}), "training")
    dataset = None
    if top.get("dataset") is not None:
        dataset = _check_dataset(top["dataset"], "dataset", n_inputs, n_outputs)
    return CheckedFile(
        top, neurons, positions, edges, blocks, convolutions, grid, value_range, training, dataset
    )


_CONV_FIELDS = ("kind", "source", "target", "in_shape", "size")


def _check_convolutions(value: Any, weights: int) -> list[Convolution]:
    """The convolutions and poolings that feed shaped layers; ``weights`` other numbers are already held,
    and the kernels count toward the same cap."""
    items = _list(value, "convolutions", MAX_NEURONS, "convolutions")
    out: list[Convolution] = []
    kinds = [kind.value for kind in ConvKind]
    for i, item in enumerate(items):
        where = f"convolutions[{i}]"
        obj = _object(item, where, _CONV_FIELDS, ("stride", "padding", "kernel", "bias"))
        kind = obj["kind"]
        if not isinstance(kind, str) or kind not in kinds:
            fail(_at(where, "kind"), f"must be one of {', '.join(kinds)}, not {describe(kind)}")
        source = _text(obj["source"], _at(where, "source"), "the source layer")
        target = _text(obj["target"], _at(where, "target"), "the target layer")
        shape = obj["in_shape"]
        if not isinstance(shape, list) or len(shape) != 3:
            fail(_at(where, "in_shape"), f"must be [channels, height, width], not {describe(shape)}")
        in_shape = tuple(
            whole_number(v, f"{where}.in_shape[{k}]", 1, MAX_NEURONS) for k, v in enumerate(shape)
        )
        size = whole_number(obj["size"], _at(where, "size"), 1, MAX_KERNEL, "the window size")
        stride = whole_number(obj.get("stride", 1), _at(where, "stride"), 1, MAX_KERNEL, "the stride")
        padding = whole_number(obj.get("padding", 0), _at(where, "padding"), 0, MAX_KERNEL, "the padding")
        kernel = bias = None
        if kind == ConvKind.CONV2D.value:
            if "kernel" not in obj or "bias" not in obj:
                fail(where, "a conv2d needs its kernel and bias")
            columns = in_shape[0] * size * size
            kernel = _array(
                obj["kernel"],
                _at(where, "kernel"),
                (None, columns),
                MAX_EDGES - weights,
                "weights",
                wide=True,
            )
            weights += kernel.size
            count = kernel.shape[0]
            raw_bias = _list(obj["bias"], _at(where, "bias"), count, "biases")
            if len(raw_bias) != count:
                fail(_at(where, "bias"), f"{count} kernels need {count} biases, not {len(raw_bias)}")
            bias = np.array([_number(b, f"{where}.bias[{k}]") for k, b in enumerate(raw_bias)])
            kernel = kernel.reshape(count, in_shape[0], size, size)
        elif "kernel" in obj or "bias" in obj:
            fail(where, f"a {kind} has no kernel or bias")
        try:
            conv = Convolution(ConvKind(kind), source, target, in_shape, size, stride, padding, kernel, bias)
        except ValueError as exc:
            fail(where, str(exc))
        out.append(conv)
    return out


def _check_neurons(value: Any) -> tuple[list[Neuron], dict[str, tuple[float, float]]]:
    """The neurons (their maths) and where each sits on the canvas (its ``x`` and ``y``)."""
    items = _list(value, "neurons", MAX_NEURONS, "neurons")
    neurons: list[Neuron] = []
    positions: dict[str, tuple[float, float]] = {}
    seen: dict[str, int] = {}
    roles = {role.value: role for role in Role}
    for i, item in enumerate(items):
        where = f"neurons[{i}]"
        obj = _object(item, where, ("id", "role", "activation", "bias"), ("label", "x", "y", "layer"))
        nid = _text(obj["id"], f"{where}.id", "a neuron's id")
        if not nid or ">" in nid:
            fail(f"{where}.id", f"{nid!r} is not a valid neuron id (it must be non-empty and have no '>')")
        if nid in seen:
            fail(f"{where}.id", f"the id {nid!r} is already used by neurons[{seen[nid]}]")
        seen[nid] = i
        role_name = obj["role"]
        if not isinstance(role_name, str) or role_name not in roles:
            fail(f"{where}.role", f"neuron {nid!r} has {_unknown_name('role', role_name, roles)}")
        role = roles[role_name]
        activation = obj["activation"]
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            fail(
                f"{where}.activation",
                f"neuron {nid!r} has {_unknown_name('activation', activation, ACTIVATIONS)}",
            )
        if ACTIVATIONS[activation].joint and role is not Role.OUTPUT:
            fail(
                f"{where}.activation",
                f"neuron {nid!r} uses {activation}, which works over the outputs, but it is not an output",
            )
        bias = _number(obj["bias"], f"{where}.bias", f"the bias of neuron {nid!r}")
        label = _text(obj.get("label", ""), f"{where}.label", f"the label of neuron {nid!r}")
        x = _position(obj.get("x", 0.0), f"{where}.x", f"the position of neuron {nid!r}")
        y = _position(obj.get("y", 0.0), f"{where}.y", f"the position of neuron {nid!r}")
        layer = _text(obj.get("layer", ""), f"{where}.layer", f"the layer of neuron {nid!r}")
        if ">" in layer:
            fail(f"{where}.layer", f"{layer!r} is not a valid layer name (it must have no '>')")
        neurons.append(Neuron(nid, role, activation, bias, label, layer))
        positions[nid] = (x, y)
    return neurons, positions


def _check_ends(source: str, target: str, neurons: list[Neuron], index: dict[str, int], where: str) -> None:
    src, dst = neurons[index[source]], neurons[index[target]]
    if source == target:
        fail(where, f"neuron {source!r} cannot connect to itself")
    if dst.role is Role.INPUT:
        fail(where, f"input {target!r} takes its value from the image, so no connection may lead into it")
    if src.role is Role.OUTPUT:
        fail(where, f"output {source!r} is the end of the network, so no connection may start from it")


def _check_edges(items: list[Any], neurons: list[Neuron], index: dict[str, int]) -> list[Edge]:
    edges: list[Edge] = []
    ids: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        where = f"edges[{i}]"
        obj = _object(item, where, ("id", "source", "target", "weight"), ("frozen",))
        eid = _text(obj["id"], f"{where}.id", "an edge's id")
        if not eid:
            fail(f"{where}.id", "an edge's id must not be empty")
        if eid in ids:
            fail(f"{where}.id", f"the id {eid!r} is already used by edges[{ids[eid]}]")
        ids[eid] = i
        ends = []
        for end in ("source", "target"):
            name = _text(obj[end], f"{where}.{end}", f"the {end} of edge {eid!r}")
            if name not in index:
                fail(
                    f"{where}.{end}", f"edge {eid!r} leads to {name!r}, which is not a neuron of this network"
                )
            ends.append(name)
        source, target = ends
        _check_ends(source, target, neurons, index, where)
        if (source, target) in pairs:
            fail(where, f"{source!r} is already connected to {target!r} by edges[{pairs[source, target]}]")
        pairs[source, target] = i
        weight = _number(obj["weight"], f"{where}.weight", f"the weight of edge {eid!r}")
        frozen = _flag(obj.get("frozen", False), f"{where}.frozen", f"whether edge {eid!r} is frozen")
        edges.append(Edge(eid, source, target, weight, frozen))
    return edges


def _check_id_list(value: Any, where: str, index: dict[str, int], what: str) -> list[str]:
    items = _list(value, where, MAX_NEURONS, "neurons")
    if not items:
        fail(where, f"must name at least one {what} neuron")
    seen: set[str] = set()
    for i, nid in enumerate(items):
        if not isinstance(nid, str) or nid not in index:
            fail(_at(where, i), f"{describe(nid)} is not a neuron of this network")
        if nid in seen:
            fail(_at(where, i), f"neuron {nid!r} is named twice")
        seen.add(nid)
    return items


def dense_id(source: str, target: str) -> str:
    """The id of an edge in a dense block (the engine's conventional id, fixed here as part of the format)."""
    return f"{source}>{target}"


def _check_dense(
    items: list[Any], neurons: list[Neuron], index: dict[str, int], edges: list[Edge]
) -> list[_DenseBlock]:
    # First every block's size, so that the total is known before any weights are decoded.
    specs: list[tuple[list[str], list[str], Any, Any, Any]] = []
    total = len(edges)
    for b, item in enumerate(items):
        where = f"dense[{b}]"
        obj = _object(item, where, ("sources", "targets", "weights"), ("present", "frozen"))
        weights = _object(obj["weights"], f"{where}.weights", ("dtype", "shape", "data"))
        shape = weights["shape"]
        if (
            isinstance(shape, list)
            and len(shape) == 2
            and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)
        ):
            total += shape[0] * shape[1]
            if total > MAX_EDGES:
                fail(
                    f"{where}.weights.shape",
                    f"with {shape[0]:,} x {shape[1]:,} more weights the "
                    f"file would hold {total:,} edges; at most {MAX_EDGES:,} "
                    f"are allowed",
                )
        specs.append((obj["sources"], obj["targets"], weights, obj.get("present"), obj.get("frozen")))

    # For each target, the sources already joined to it: by listed edges, then by earlier blocks.
    joined: dict[str, set[str]] = {}
    owned: set[str] = set()
    for edge in edges:
        joined.setdefault(edge.target, set()).add(edge.source)
        owned.add(edge.target)
    # Listed edges whose id looks like a dense block's id, by the target that id names.
    id_claims: dict[str, list[tuple[str, int]]] = {}
    for i, edge in enumerate(edges):
        if edge.id.count(">") == 1:
            source, target = edge.id.split(">")
            id_claims.setdefault(target, []).append((source, i))

    blocks: list[_DenseBlock] = []
    for b, (source_value, target_value, weights, present_value, frozen_value) in enumerate(specs):
        where = f"dense[{b}]"
        sources = _check_id_list(source_value, f"{where}.sources", index, "source")
        targets = _check_id_list(target_value, f"{where}.targets", index, "target")
        source_set = set(sources)
        for t, target in enumerate(targets):
            if target in source_set:
                fail(f"{where}.targets[{t}]", f"neuron {target!r} cannot connect to itself")
            if neurons[index[target]].role is Role.INPUT:
                fail(
                    f"{where}.targets[{t}]",
                    f"input {target!r} takes its value from the image, so no connection may lead into it",
                )
        for s, source in enumerate(sources):
            if neurons[index[source]].role is Role.OUTPUT:
                fail(
                    f"{where}.sources[{s}]",
                    f"output {source!r} is the end of the network, so no connection may start from it",
                )
        shape = (len(targets), len(sources))
        matrix = _array(weights, f"{where}.weights", shape, MAX_EDGES, "weights", wide=True)
        present = None if present_value is None else _mask(present_value, f"{where}.present", shape)
        frozen = None if frozen_value is None else _mask(frozen_value, f"{where}.frozen", shape)
        if present is not None and frozen is not None and (frozen & ~present).any():
            fail(f"{where}.frozen", "marks a pair as frozen that the present mask says is not connected")
        rows = (
            [source_set] * len(targets)
            if present is None
            else [{sources[c] for c in np.flatnonzero(row).tolist()} for row in present]
        )
        for target, row_set in zip(targets, rows, strict=True):
            for source, i in id_claims.get(target, ()):
                if source in row_set:
                    fail(
                        f"edges[{i}].id",
                        f"the id {dense_id(source, target)!r} is also the id of a connection in {where}",
                    )
            seen = joined.get(target)
            if seen is None:
                joined[target] = row_set
                continue
            if not seen.isdisjoint(row_set):
                source = next(s for s in sources if s in seen and s in row_set)
                other = _joined_by(source, target, edges, blocks)
                fail(where, f"{source!r} is also connected to {target!r} by {other}")
            if target not in owned:
                seen = joined[target] = set(seen)
                owned.add(target)
            seen.update(row_set)
        blocks.append(_DenseBlock(sources, targets, matrix, present, frozen))
    return blocks


def _joined_by(source: str, target: str, edges: list[Edge], blocks: list[_DenseBlock]) -> str:
    for i, edge in enumerate(edges):
        if edge.source == source and edge.target == target:
            return f"edges[{i}]"
    for b, block in enumerate(blocks):
        if (
            source in block.sources
            and target in block.targets
            and (
                block.present is None
                or block.present[block.targets.index(target), block.sources.index(source)]
            )
        ):
            return f"dense[{b}]"
    return "another connection"


def _check_training(value: Any, where: str) -> TrainSettings:
    defaults = TrainSettings()
    known = [f.name for f in fields(TrainSettings)]
    obj = _object(value, where, (), known)
    values: dict[str, Any] = {}
    for key, raw in obj.items():
        at = f"{where}.{key}"
        default = getattr(defaults, key)
        if key == "stop":
            values[key] = _check_stop(raw, at)
        elif isinstance(default, bool):
            values[key] = _flag(raw, at)
        elif isinstance(default, int):
            values[key] = whole_number(raw, at, *TRAINING_RANGES.get(key, (0, 2**31 - 1)))
        elif isinstance(default, float):
            values[key] = _number(raw, at)
        elif isinstance(default, str):
            values[key] = _text(raw, at)
        elif raw is None or isinstance(raw, bool | str):
            values[key] = raw
        else:
            values[key] = _number(raw, at)
    if "loss" in values and values["loss"] not in LOSSES:
        fail(f"{where}.loss", f"unknown loss {values['loss']!r} (known: {', '.join(LOSSES)})")
    if "init" in values and values["init"] not in INITIALISERS:
        known = ", ".join(INITIALISERS)
        fail(f"{where}.init", f"unknown initialisation {values['init']!r} (known: {known})")
    settings = TrainSettings(**values)
    try:
        settings.validate()
    except TrainingError as exc:
        fail(where, str(exc))
    return settings


def _check_stop(value: Any, where: str) -> StopCondition:
    """``training.stop``: ``{"kind": "error" or "accuracy", "target": number}`` (``{"kind": "epochs"}`` alone)."""
    obj = _object(value, where, ("kind",), ("target",))
    kind = _text(obj["kind"], f"{where}.kind", "the stop condition's kind")
    if kind not in STOP_KINDS:
        fail(f"{where}.kind", f"unknown stop condition {kind!r} (known: {', '.join(STOP_KINDS)})")
    if kind != EPOCHS and "target" not in obj:
        fail(where, "the field 'target' is missing: the error or accuracy at which the run stops")
    target = _number(obj.get("target", 0.0), f"{where}.target", "the stop target")
    problem = stop_problem(kind, target)
    if problem is not None:
        fail(f"{where}.target", problem)
    return StopCondition(kind, target)


def _check_dataset(value: Any, where: str, n_inputs: int, n_outputs: int) -> Dataset:
    obj = _object(
        value,
        where,
        ("name", "labels", "inputs", "targets", "classes"),
        ("grid", "range", "description", "sample_names"),
    )
    name = _text(obj["name"], f"{where}.name", "the dataset's name")
    description = _text(obj.get("description", ""), f"{where}.description", "the dataset's description")
    labels = [
        _text(label, f"{where}.labels[{i}]", "a label")
        for i, label in enumerate(_list(obj["labels"], f"{where}.labels", MAX_NEURONS, "labels"))
    ]
    if len(labels) != n_outputs:
        fail(
            f"{where}.labels",
            f"names {_count(len(labels), 'class', 'classes')}, "
            f"but the network has {_count(n_outputs, 'output')}",
        )
    grid = _grid(obj.get("grid"), f"{where}.grid")
    value_range = _range(obj.get("range", [-1.0, 1.0]), f"{where}.range")
    inputs = _array(obj["inputs"], f"{where}.inputs", (None, n_inputs), MAX_DATASET_VALUES, "values")
    n = inputs.shape[0]
    targets = _array(obj["targets"], f"{where}.targets", (n, n_outputs), MAX_DATASET_VALUES, "values")
    if grid is not None and grid[0] * grid[1] != n_inputs:
        fail(
            f"{where}.grid",
            f"a {grid[0]} x {grid[1]} image has {grid[0] * grid[1]:,} pixels, "
            f"but each sample has {_count(n_inputs, 'value')}",
        )
    classes = _list(obj["classes"], f"{where}.classes", MAX_DATASET_VALUES, "classes")
    if len(classes) != n:
        fail(
            f"{where}.classes", f"holds {_count(len(classes), 'class', 'classes')} for {_count(n, 'sample')}"
        )
    for i, cls in enumerate(classes):
        whole_number(cls, f"{where}.classes[{i}]", -1, len(labels) - 1, "a class (-1 for none)")
    names = _list(obj.get("sample_names", []), f"{where}.sample_names", MAX_DATASET_VALUES, "names")
    if names and len(names) != n:
        fail(f"{where}.sample_names", f"holds {_count(len(names), 'name')} for {_count(n, 'sample')}")
    for i, sample_name in enumerate(names):
        _text(sample_name, f"{where}.sample_names[{i}]", "a sample's name")
    try:
        return Dataset(
            name,
            inputs,
            targets,
            labels,
            np.array(classes, dtype=np.int64),
            grid,
            value_range,
            description,
            list(names),
        )
    except DataError as exc:
        fail(where, str(exc))


def _unknown_name(what: str, value: Any, known: Iterable[str]) -> str:
    """``the unknown role 'admin' (known: ...)``, or for a value that is no text at all ``a list for its
    role, not the name of one (known: ...)``."""
    names = ", ".join(known)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else f"{value[:37]}..."
        return f"the unknown {what} {shown!r} (known: {names})"
    return f"{describe(value)} for its {what}, not the name of one (known: {names})"
