"""Damaged and hostile files: each one is refused with a FormatError that says where and what.

The base file (conftest's layered document) has neurons i0..i7 (inputs), h1_0..h1_7 (hidden), o0, o1
(outputs); the 8 -> 8 layer is dense[0], the 16 edges to the outputs are listed in "edges"; a dataset of
5 samples is embedded.
"""

from __future__ import annotations

import base64
import copy
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnstudio.document import (
    Document,
    FormatError,
    document_from_bytes,
    document_to_bytes,
    fileformat,
    format_checks,
)

Tree = dict[str, Any]


def dumps(tree: Any) -> bytes:
    return json.dumps(tree).encode()


def edit(change: Callable[[Tree], Any]) -> Callable[[Tree], bytes]:
    """A case that changes the valid tree in place and writes it back as JSON."""

    def make(tree: Tree) -> bytes:
        change(tree)
        return dumps(tree)

    return make


def text_edit(old: str, new: str) -> Callable[[Tree], bytes]:
    """A case that replaces text in the written file: for what json.dumps would never write."""

    def make(tree: Tree) -> bytes:
        text = json.dumps(tree)
        assert old in text
        return text.replace(old, new, 1).encode()

    return make


def raw(data: bytes) -> Callable[[Tree], bytes]:
    return lambda tree: data


def setitem(path: list[Any], value: Any) -> Callable[[Tree], bytes]:
    def change(tree: Tree) -> None:
        node = tree
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit(change)


def delitem(path: list[Any]) -> Callable[[Tree], bytes]:
    def change(tree: Tree) -> None:
        node = tree
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit(change)


def add_edge(source: str, target: str, eid: str | None = None, weight: Any = 0.5) -> Callable[[Tree], bytes]:
    return edit(
        lambda t: t["edges"].append(
            {"id": eid or f"{source}>{target}", "source": source, "target": target, "weight": weight}
        )
    )


def add_cycle(tree: Tree) -> None:
    for name in ("x", "y", "z"):
        tree["neurons"].append({"id": name, "role": "hidden", "activation": "tanh", "bias": 0.0})
    for s, t in (("x", "y"), ("y", "z"), ("z", "x")):
        tree["edges"].append({"id": f"{s}>{t}", "source": s, "target": t, "weight": 1.0})


def giant_claim(tree: Tree) -> bytes:
    data = {
        "format": "nnstudio-network",
        "version": 1,
        "neurons": [
            {"id": "a", "role": "input", "activation": "identity", "bias": 0},
            {"id": "b", "role": "output", "activation": "identity", "bias": 0},
        ],
        "dense": [
            {
                "sources": ["a"],
                "targets": ["b"],
                "weights": {"dtype": "float32", "shape": [10**9, 10**9], "data": "AAAA"},
            }
        ],
    }
    out = json.dumps(data, separators=(",", ":")).encode()
    assert len(out) < 300
    return out


def dense_data(values: np.ndarray) -> str:
    return base64.b64encode(values.astype("<f4").tobytes()).decode()


def nan_in_dense(tree: Tree) -> None:
    weights = np.zeros((8, 8), dtype=np.float32)
    weights[2, 5] = np.nan
    tree["dense"][0]["weights"]["data"] = dense_data(weights)


def into_an_input(tree: Tree) -> None:
    block = tree["dense"][0]
    block["sources"][0] = "h1_7"
    block["targets"][0] = "i0"


def dataset_wrong_width(tree: Tree) -> None:
    tree["dataset"]["inputs"] = {"dtype": "float32", "shape": [5, 7], "data": dense_data(np.zeros((5, 7)))}


def two_overlapping_blocks(tree: Tree) -> None:
    block = copy.deepcopy(tree["dense"][0])
    block["targets"] = block["targets"][:4] + ["o0"]
    block["weights"] = {"dtype": "float32", "shape": [5, 8], "data": dense_data(np.zeros((5, 8)))}
    tree["dense"].append(block)


CASES: list[tuple[str, Callable[[Tree], bytes], str]] = [
    # The file as a whole
    ("not JSON", raw(b"this is not json at all"), "not valid JSON"),
    ("not UTF-8", raw(b'{"format": "nnstudio-network", "title": "\xff\xfe"}'), "not UTF-8 text"),
    ("empty", raw(b""), "the file is empty"),
    ("only whitespace", raw(b" \n\t "), "the file is empty"),
    ("truncated", lambda t: dumps(t)[:200], "not valid JSON"),
    ("a list, not an object", raw(b"[1, 2, 3]"), "holds a list, not an nnstudio network"),
    ("no format field", raw(b'{"version": 1}'), "not an nnstudio network file"),
    ("wrong format name", setitem(["format"], "keras-model"), "format: is the text 'keras-model'"),
    (
        "newer version",
        setitem(["version"], 7),
        "made by a newer nnstudio (version 7); this one reads up to 2",
    ),
    ("version as text", setitem(["version"], "1"), "version: must be a whole number"),
    ("version that never existed", setitem(["version"], 0), "version 0 is not a format version"),
    (
        "duplicate key",
        text_edit('"title": "small"', '"title": "small", "title": "big"'),
        "'title' appears twice",
    ),
    ("unknown top-level field", setitem(["macro"], "rm -rf /"), "macro: is not a field nnstudio knows"),
    ("recursion bomb", raw(b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"), "nested far too deeply"),
    ("integer with 5000 digits", text_edit('"bias": 0.0', '"bias": ' + "9" * 5000), "not valid JSON"),
    # Neurons
    ("missing neurons", delitem(["neurons"]), "the field 'neurons' is missing"),
    ("neurons not a list", setitem(["neurons"], {"a": 1}), "neurons: must be a list"),
    ("neuron not an object", setitem(["neurons", 3], "i3"), "neurons[3]: must be an object"),
    ("neuron without id", delitem(["neurons", 2, "id"]), "neurons[2]: the field 'id' is missing"),
    (
        "duplicate neuron id",
        setitem(["neurons", 1, "id"], "i0"),
        "neurons[1].id: the id 'i0' is already used by neurons[0]",
    ),
    (
        "neuron id with >",
        setitem(["neurons", 9, "id"], "a>b"),
        "neurons[9].id: 'a>b' is not a valid neuron id",
    ),
    ("empty neuron id", setitem(["neurons", 9, "id"], ""), "is not a valid neuron id"),
    (
        "unknown activation",
        setitem(["neurons", 9, "activation"], "os.system"),
        "neurons[9].activation: neuron 'h1_1' has the unknown activation 'os.system' (known: ",
    ),
    (
        "activation not text",
        setitem(["neurons", 9, "activation"], ["tanh"]),
        "neuron 'h1_1' has a list for its activation, not the name of one (known: ",
    ),
    (
        "unknown role",
        setitem(["neurons", 9, "role"], "admin"),
        "neurons[9].role: neuron 'h1_1' has the unknown role 'admin' (known: ",
    ),
    (
        "softmax on a hidden neuron",
        setitem(["neurons", 9, "activation"], "softmax"),
        "uses softmax, which works over the outputs",
    ),
    (
        "Infinity bias",
        text_edit('"bias": 0.0', '"bias": Infinity'),
        "neurons[0].bias: the bias of neuron 'i0' must be a number, not Infinity",
    ),
    ("overflowing bias 1e999", text_edit('"bias": 0.0', '"bias": 1e999'), "must be a finite number, not inf"),
    (
        "integer bias beyond float",
        text_edit('"bias": 0.0', '"bias": ' + "9" * 400),
        "must be a finite number",
    ),
    (
        "label not text",
        setitem(["neurons", 16, "label"], 42),
        "neurons[16].label: the label of neuron 'o0' must be text",
    ),
    ("lone surrogate in a label", text_edit('"label": "yes"', '"label": "\\ud800"'), "not valid Unicode"),
    ("position as text", setitem(["neurons", 4, "x"], "left"), "neurons[4].x"),
    ("unknown neuron field", setitem(["neurons", 4, "code"], "print(1)"), "neurons[4].code: is not a field"),
    (
        "huge neuron count",
        lambda t: dumps({**t, "neurons": [{}] * 100_001}),
        "neurons: holds 100,001 neurons; a file may hold at most 100,000",
    ),
    # Listed edges
    (
        "duplicate edge id",
        setitem(["edges", 1, "id"], "h1_0>o0"),
        "edges[1].id: the id 'h1_0>o0' is already used by edges[0]",
    ),
    (
        "edge to unknown neuron",
        setitem(["edges", 0, "target"], "ghost"),
        "edges[0].target: edge 'h1_0>o0' leads to 'ghost', which is not a neuron",
    ),
    ("self loop", add_edge("h1_0", "h1_0"), "neuron 'h1_0' cannot connect to itself"),
    ("cycle of 3", edit(add_cycle), "edges: the connections form a loop: "),
    ("input with incoming edge", add_edge("h1_0", "i3"), "input 'i3' takes its value from the image"),
    ("output feeding a neuron", add_edge("o0", "h1_0"), "output 'o0' is the end of the network"),
    (
        "same connection twice",
        add_edge("h1_0", "o0", eid="again"),
        "'h1_0' is already connected to 'o0' by edges[0]",
    ),
    (
        "NaN weight",
        lambda t: json.dumps(t).replace(str(t["edges"][0]["weight"]), "NaN", 1).encode(),
        "edges[0].weight: the weight of edge 'h1_0>o0' must be a number, not NaN",
    ),
    (
        "string weight",
        setitem(["edges", 0, "weight"], "0.5"),
        "edges[0].weight: the weight of edge 'h1_0>o0' must be a number, not the text '0.5'",
    ),
    ("bool as weight", setitem(["edges", 0, "weight"], True), "must be a number, not true"),
    ("null weight", setitem(["edges", 0, "weight"], None), "must be a number, not null"),
    (
        "frozen as text",
        setitem(["edges", 2, "frozen"], "yes"),
        "edges[2].frozen: whether edge 'h1_2>o0' is frozen must be true or false",
    ),
    ("edges not a list", setitem(["edges"], "all"), "edges: must be a list"),
    # Dense blocks
    (
        "dense shape mismatch",
        setitem(["dense", 0, "weights", "shape"], [8, 7]),
        "dense[0].weights.shape: says 7 columns but there must be 8",
    ),
    (
        "base64 of the wrong length",
        edit(lambda t: t["dense"][0]["weights"].update(data="AAAA")),
        "dense[0].weights.data: holds 4 base64 characters, but 8 x 8 float32 values take 344",
    ),
    ("not base64", edit(lambda t: t["dense"][0]["weights"].update(data="!" * 344)), "is not valid base64"),
    ("10^9 x 10^9 claim in a tiny file", giant_claim, "at most 5,000,000 are allowed"),
    (
        "negative shape",
        setitem(["dense", 0, "weights", "shape"], [-8, -8]),
        "dense[0].weights.shape[0]: a size must be a whole number, at least 0",
    ),
    (
        "float64 data of float32 length",
        setitem(["dense", 0, "weights", "dtype"], "float64"),
        "float64 values take",
    ),
    ("float16 dtype", setitem(["dense", 0, "weights", "dtype"], "float16"), 'must be "float32" or "float64"'),
    ("object dtype", setitem(["dense", 0, "weights", "dtype"], "object"), 'must be "float32" or "float64"'),
    (
        "mask of the wrong shape",
        setitem(["dense", 0, "present"], {"shape": [1, 1], "bits": "gA=="}),
        "the shape of the weights",
    ),
    (
        "mask not base64",
        setitem(["dense", 0, "present"], {"shape": [8, 8], "bits": "!!!!!!!!!!!!"}),
        "not valid base64",
    ),
    (
        "mask too short",
        setitem(["dense", 0, "frozen"], {"shape": [8, 8], "bits": "AA=="}),
        "base64 characters",
    ),
    ("NaN inside dense data", edit(nan_in_dense), "not a finite number (row 2, column 5)"),
    (
        "dense source unknown",
        setitem(["dense", 0, "sources", 3], "ghost"),
        "dense[0].sources[3]: the text 'ghost'",
    ),
    ("dense target twice", setitem(["dense", 0, "targets", 1], "h1_0"), "neuron 'h1_0' is named twice"),
    (
        "dense into an input",
        edit(into_an_input),
        "dense[0].targets[0]: input 'i0' takes its value from the image",
    ),
    (
        "dense from an output",
        setitem(["dense", 0, "sources", 0], "o1"),
        "dense[0].sources[0]: output 'o1' is the end",
    ),
    ("dense block with no sources", setitem(["dense", 0, "sources"], []), "must name at least one source"),
    (
        "dense edge also listed",
        add_edge("i0", "h1_0", eid="dup"),
        "'i0' is also connected to 'h1_0' by edges[16]",
    ),
    (
        "listed id taken by a dense edge",
        add_edge("i1", "o0", eid="i0>h1_0"),
        "edges[16].id: the id 'i0>h1_0' is also the id of a connection in dense[0]",
    ),
    (
        "two overlapping dense blocks",
        edit(two_overlapping_blocks),
        "'i0' is also connected to 'h1_0' by dense[0]",
    ),
    # Input, training
    (
        "grid larger than inputs",
        setitem(["input", "grid"], [3, 3]),
        "input.grid: a 3 x 3 image needs 9 inputs, but the network has 8",
    ),
    ("grid of zero width", setitem(["input", "grid"], [0, 4]), "input.grid[0]: the width must be between"),
    ("range backwards", setitem(["input", "range"], [1.0, -1.0]), "must be below the high end"),
    ("unknown loss", setitem(["training", "loss"], "__import__('os')"), "training.loss: unknown loss"),
    (
        "unknown initialisation",
        setitem(["training", "init"], "zeros"),
        "training.init: unknown initialisation",
    ),
    (
        "zero epochs",
        setitem(["training", "epochs"], 0),
        "training.epochs: must be between 1 and 1,000,000, not 0",
    ),
    (
        "fractional batch size",
        setitem(["training", "batch_size"], 2.5),
        "training.batch_size: must be a whole number",
    ),
    (
        "negative learning rate",
        setitem(["training", "learning_rate"], -1),
        "the learning rate must be a positive number",
    ),
    (
        "unknown training field",
        setitem(["training", "optimizer"], "adam"),
        "training.optimizer: is not a field",
    ),
    ("title not text", setitem(["title"], ["a"]), "title: the title must be text, not a list"),
    ("empty training data name", setitem(["training_data"], ""), "training_data: must name a dataset"),
    # Embedded dataset
    (
        "dataset with wrong width",
        edit(dataset_wrong_width),
        "dataset.inputs.shape: says 7 columns but there must be 8",
    ),
    (
        "dataset targets for other outputs",
        setitem(["dataset", "targets", "shape"], [5, 3]),
        "dataset.targets.shape: says 3 columns but there must be 2",
    ),
    (
        "dataset with too few classes",
        edit(lambda t: t["dataset"]["classes"].pop()),
        "holds 4 classes for 5 samples",
    ),
    (
        "dataset class out of range",
        setitem(["dataset", "classes", 0], 2),
        "dataset.classes[0]: a class (-1 for none)",
    ),
    (
        "dataset labels for other outputs",
        setitem(["dataset", "labels"], ["a", "b", "c"]),
        "dataset.labels: names 3 classes, but the network has 2 outputs",
    ),
    (
        "dataset grid not matching",
        setitem(["dataset", "grid"], [3, 3]),
        "dataset.grid: a 3 x 3 image has 9 pixels",
    ),
    ("dataset without inputs", delitem(["dataset", "inputs"]), "dataset: the field 'inputs' is missing"),
    (
        "dataset sample count lies",
        setitem(["dataset", "inputs", "shape"], [10**7, 8]),
        "means 80,000,000 values; a file holds at most 16,000,000",
    ),
]


@pytest.mark.parametrize(("make", "fragment"), [pytest.param(m, f, id=n) for n, m, f in CASES])
def test_damaged_file_is_refused_with_a_clear_message(layered_tree, make, fragment):
    data = make(layered_tree)
    with pytest.raises(FormatError) as caught:
        document_from_bytes(data, source="bad.nnet")
    message = str(caught.value)
    assert fragment in message
    assert message.startswith("bad.nnet: ")
    error = caught.value
    assert error.where and error.problem and error.source == "bad.nnet"
    if error.where != "file":
        assert message.startswith(f"bad.nnet: {error.where}: ")


def test_a_loop_is_named_neuron_by_neuron(layered_tree):
    add_cycle(layered_tree)
    with pytest.raises(FormatError) as caught:
        document_from_bytes(dumps(layered_tree))
    loop = caught.value.problem.split("loop: ")[1].split(";")[0].split(" -> ")
    assert loop[0] == loop[-1] and sorted(loop[:-1]) == ["x", "y", "z"]


def test_the_table_is_large_and_names_are_unique():
    names = [name for name, _, _ in CASES]
    assert len(names) >= 30 and len(set(names)) == len(names)


def test_base_file_is_valid(layered_bytes):
    doc = document_from_bytes(layered_bytes)
    assert isinstance(doc, Document) and len(doc.network.edges) == 80


def test_giant_claim_is_refused_before_allocating(layered_tree):
    data = giant_claim(layered_tree)
    tracemalloc.start()
    try:
        with pytest.raises(FormatError) as caught:
            document_from_bytes(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.where == "dense[0].weights.shape"
    assert peak < 256 * 1024


def test_dataset_claim_is_refused_before_allocating(layered_tree):
    layered_tree["dataset"]["inputs"] = {"dtype": "float32", "shape": [10**9, 8], "data": "AAAA"}
    data = dumps(layered_tree)
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match="dataset.inputs.shape"):
            document_from_bytes(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_an_oversized_file_is_refused_before_parsing(monkeypatch, layered_bytes):
    monkeypatch.setattr(fileformat, "MAX_FILE_BYTES", 1000)
    with pytest.raises(FormatError, match="a network file may be at most 1,000 bytes"):
        document_from_bytes(layered_bytes)


def test_edge_count_cap_covers_listed_and_dense_edges(monkeypatch, layered_bytes):
    monkeypatch.setattr(format_checks, "MAX_EDGES", 70)  # 16 listed + 64 dense
    with pytest.raises(FormatError) as caught:
        document_from_bytes(layered_bytes)
    assert caught.value.where == "dense[0].weights.shape" and "80 edges" in caught.value.problem


def test_bytes_of_the_wrong_type_are_refused():
    with pytest.raises(FormatError, match="expected the file's bytes"):
        document_from_bytes("{}")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- generated damage


def load_or_format_error(data: bytes) -> Document | None:
    try:
        doc = document_from_bytes(data)
    except FormatError as exc:
        assert str(exc)
        return None
    # Whatever loads must save again, and read back to the very same bytes.
    saved = document_to_bytes(doc)
    assert document_to_bytes(document_from_bytes(saved)) == saved
    return doc


FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(data=st.data())
def test_random_byte_changes_give_a_document_or_a_format_error(layered_bytes, data):
    raw_bytes = bytearray(layered_bytes)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw_bytes) - 1))
        raw_bytes[position] = data.draw(st.integers(0, 255))
    load_or_format_error(bytes(raw_bytes))


@FUZZ
@given(data=st.data())
def test_truncated_files_give_a_document_or_a_format_error(layered_bytes, data):
    cut = data.draw(st.integers(0, len(layered_bytes)))
    result = load_or_format_error(layered_bytes[:cut])
    if cut < len(layered_bytes) - 2:
        assert result is None


def all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    paths = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            paths += all_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:6]):
            paths += all_paths(value, (*prefix, i))
    return paths


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["tanh", "input", "output", "hidden", "i0", "h1_0", "o0", "float32", "AAAA", ""]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(data=st.data())
def test_random_values_in_random_fields_give_a_document_or_a_format_error(layered_bytes, data):
    tree = json.loads(layered_bytes)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(all_paths(tree)[1:]))
        node = tree
        for key in path[:-1]:
            node = node[key]
        if data.draw(st.booleans()) and isinstance(node, dict):
            node.pop(path[-1])
        else:
            node[path[-1]] = data.draw(json_values)
    load_or_format_error(json.dumps(tree).encode())
