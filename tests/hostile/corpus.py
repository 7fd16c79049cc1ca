"""Hostile ``.nnet`` files, built by code: each must give one clear refusal or a document that works.

Every case has a name, what it attacks, and either the bytes of the file or a builder that makes it in a
folder (named pipes, a sparse file over the size cap, files naming other paths). ``expect`` says what the
document API must do with it: ``"refused"`` (one :class:`FormatError`) or ``"opens"`` (a valid document,
which the window must show). The base is the layered document of ``tests/document/conftest.py``: inputs
i0..i7, hidden h1_0..h1_7 (a dense block), outputs o0, o1, and five samples of its own.

Used by tests/hostile/test_nnet_replay.py (in-process, every file three ways) and by
tests/stress/nnet_hostile_replay.py (every file as real processes, with time and memory limits).
"""

from __future__ import annotations

import base64
import json
import os
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nnstudio.document import document_to_bytes
from tests.document.conftest import layered_document

Tree = dict[str, Any]


@dataclass(frozen=True)
class HostileFile:
    name: str
    attack: str
    expect: str  # "refused" or "opens"
    build: Callable[[Path], Path]


def base_bytes() -> bytes:
    return document_to_bytes(layered_document())


def base_tree() -> Tree:
    return json.loads(base_bytes())


def _from_bytes(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / f"{name}.nnet"
        path.write_bytes(data() if callable(data) else data)
        return path

    return build


def _dumps(tree: Any) -> bytes:
    return json.dumps(tree).encode("utf-8")


def _edited(change: Callable[[Tree], Any]) -> Callable[[], bytes]:
    def make() -> bytes:
        tree = base_tree()
        change(tree)
        return _dumps(tree)

    return make


def _set(path: list[Any], value: Any) -> Callable[[], bytes]:
    def change(tree: Tree) -> None:
        node = tree
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return _edited(change)


def _text_replace(old: str, new: str) -> Callable[[], bytes]:
    """For what json.dumps never writes (NaN, duplicate keys, huge literals): edit the text."""

    def make() -> bytes:
        text = json.dumps(base_tree())
        assert old in text, old
        return text.replace(old, new, 1).encode("utf-8")

    return make


def _constant(path: list[Any], text: str) -> Callable[[], bytes]:
    """The value at ``path`` written as ``text`` (NaN, Infinity, 1e999: what json.dumps never writes)."""
    marker = 12345.678125

    def make() -> bytes:
        tree = base_tree()
        node = tree
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = marker
        written = json.dumps(tree)
        assert written.count(repr(marker)) == 1
        return written.replace(repr(marker), text).encode("utf-8")

    return make


def _array(values: bytes, rows: int, cols: int) -> dict[str, Any]:
    return {"dtype": "float32", "shape": [rows, cols], "data": base64.b64encode(values).decode()}


def _nan_dense(tree: Tree) -> None:
    raw = bytearray(64 * 4)
    raw[20:24] = b"\x00\x00\xc0\x7f"  # a float32 NaN
    tree["dense"][0]["weights"] = _array(bytes(raw), 8, 8)


def _inf_inputs(tree: Tree) -> None:
    raw = bytearray(5 * 8 * 4)
    raw[0:4] = b"\x00\x00\x80\x7f"  # +inf
    tree["dataset"]["inputs"] = _array(bytes(raw), 5, 8)


def _add_hidden(tree: Tree, names: list[str]) -> None:
    for name in names:
        tree["neurons"].append({"id": name, "role": "hidden", "activation": "tanh", "bias": 0.0})


def _cycle(length: int) -> Callable[[Tree], None]:
    def change(tree: Tree) -> None:
        names = [f"c{k}" for k in range(length)]
        _add_hidden(tree, names)
        for k, name in enumerate(names):
            target = names[(k + 1) % length]
            tree["edges"].append({"id": f"{name}>{target}", "source": name, "target": target, "weight": 1.0})

    return change


def _edge(source: str, target: str, eid: str | None = None) -> Callable[[Tree], None]:
    def change(tree: Tree) -> None:
        tree["edges"].append(
            {"id": eid or f"{source}>{target}", "source": source, "target": target, "weight": 0.5}
        )

    return change


def _minimal(**extra: Any) -> bytes:
    tree: Tree = {
        "format": "nnstudio-network",
        "version": 1,
        "neurons": [
            {"id": "a", "role": "input", "activation": "identity", "bias": 0},
            {"id": "b", "role": "output", "activation": "identity", "bias": 0},
        ],
    }
    tree.update(extra)
    return json.dumps(tree, separators=(",", ":")).encode()


def _many_neurons(n: int) -> Callable[[], bytes]:
    def make() -> bytes:
        neurons = [{"id": f"n{k}", "role": "hidden", "activation": "tanh", "bias": 0} for k in range(n)]
        return json.dumps({"format": "nnstudio-network", "version": 1, "neurons": neurons}).encode()

    return make


def _garbage() -> bytes:
    return random.Random(8).randbytes(4096)


def _writes_file(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
    build.writes_file = True  # type: ignore[attr-defined]
    return build


def _fifo(name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / f"{name}.nnet"
        os.mkfifo(path)
        return path

    return _writes_file(build)


def _sparse_over_cap(name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / f"{name}.nnet"
        with path.open("wb") as file:
            file.truncate(64 * 1024 * 1024 + 1)  # no room on disk: a hole
        return path

    return _writes_file(build)


def _naming_path(name: str, make_target: Callable[[Path], str]) -> Callable[[Path], Path]:
    """A valid network whose training_data names a path of the builder's making."""

    def build(folder: Path) -> Path:
        target = make_target(folder)
        tree = base_tree()
        tree["training_data"] = target
        path = folder / f"{name}.nnet"
        path.write_bytes(_dumps(tree))
        return path

    return _writes_file(build)


def _pipe_target(folder: Path) -> str:
    pipe = folder / "training.pipe"
    if not pipe.exists():
        os.mkfifo(pipe)
    return str(pipe)


def _gzip_bomb_target(folder: Path) -> str:
    bomb = folder / "bomb-images-idx3-ubyte.gz"
    if not bomb.exists():
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        header = bytes([0, 0, 8, 3]) + (50_000).to_bytes(4, "big") + (100).to_bytes(4, "big") * 2
        block = bytes(1 << 20)
        with bomb.open("wb") as file:
            file.write(compressor.compress(header))
            for _ in range(128):
                file.write(compressor.compress(block))
            file.write(compressor.flush())
    return str(bomb)


def _cases() -> list[HostileFile]:
    refused, opens = "refused", "opens"
    base = base_tree()
    label_path = ["neurons", 16, "label"]
    items: list[tuple[str, str, str, bytes | Callable[[], bytes] | Callable[[Path], Path]]] = [
        # ------------------------------------------------------------------ the file as a whole
        ("empty", "a file of no bytes", refused, b""),
        ("whitespace", "only blanks and line breaks", refused, b" \n\t\r\n "),
        ("truncated-half", "a save cut off half-way", refused, lambda: base_bytes()[: len(base_bytes()) // 2]),
        ("truncated-one-byte", "the first byte only", refused, b"{"),
        ("truncated-last-brace", "all but the closing brace", refused, lambda: base_bytes().rstrip()[:-1]),
        ("not-json", "plain text", refused, b"this is my network, honest\n"),
        ("binary-garbage", "4 KB of random bytes", refused, _garbage),
        ("zip-file", "a zip archive renamed", refused, b"PK\x03\x04" + bytes(60)),
        ("utf16", "the file in UTF-16 with its byte order mark", refused, lambda: base_bytes().decode().encode("utf-16")),
        ("utf8-bom", "a UTF-8 byte order mark, which is allowed", opens, lambda: b"\xef\xbb\xbf" + base_bytes()),
        ("not-utf8", "a Latin-1 byte in the title", refused, lambda: base_bytes().replace(b'"title": "small"', b'"title": "sm\xe4ll"')),
        ("nul-bytes", "NUL bytes between the fields", refused, lambda: base_bytes().replace(b",", b",\x00", 1)),
        ("lone-surrogate", "a label that is half a UTF-16 pair", refused, _text_replace('"label": "yes"', '"label": "\\ud800"')),
        ("top-list", "a JSON list, not an object", refused, b"[1, 2, 3]"),
        ("top-string", "a JSON string", refused, b'"nnstudio-network"'),
        ("top-number", "a JSON number", refused, b"1e400"),
        ("top-null", "JSON null", refused, b"null"),
        ("deep-lists", "100,000 nested lists", refused, b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        ("deep-objects", "50,000 nested objects", refused, b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
        ("duplicate-key", "the title twice", refused, _text_replace('"title": "small"', '"title": "small", "title": "big"')),
        ("unknown-field", "a field no version has", refused, _set(["macro"], "rm -rf /")),
        ("field-name-with-newlines", "an unknown field named with line breaks", refused, _set(["neurons", 2, "a\nb\r\nc"], 1)),
        ("field-name-100k", "an unknown field with a 100,000-character name", refused, _set(["k" * 100_000], 1)),
        ("duplicate-key-100k", "a 100,000-character key twice", refused, lambda: b'{"' + b"d" * 100_000 + b'": 1, "' + b"d" * 100_000 + b'": 2}'),
        ("no-format", "a JSON object of another program", refused, b'{"version": 1, "layers": []}'),
        ("wrong-format", "a Keras model's name", refused, _set(["format"], "keras-model")),
        ("newer-version", "version 99", refused, _set(["version"], 99)),
        ("version-text", "the version as text", refused, _set(["version"], "1")),
        ("version-zero", "a version nnstudio never wrote", refused, _set(["version"], 0)),
        ("version-huge", "version 2^70", refused, _set(["version"], 2**70)),
        ("version-float", "version 1.0", refused, _set(["version"], 1.0)),
        ("missing-neurons", "no neurons field", refused, lambda: _dumps({"format": "nnstudio-network", "version": 1})),
        ("too-big-file", "a sparse file one byte over 64 MiB", refused, _sparse_over_cap("too-big-file")),
        ("named-pipe", "a .nnet that is a pipe no one writes to", refused, _fifo("named-pipe")),
        # ------------------------------------------------------------------ numbers
        ("nan-bias", "NaN as a bias", refused, _constant(["neurons", 3, "bias"], "NaN")),
        ("infinity-weight", "Infinity as a weight", refused, _constant(["edges", 0, "weight"], "Infinity")),
        ("minus-infinity-x", "-Infinity as a position", refused, _constant(["neurons", 5, "x"], "-Infinity")),
        ("overflow-1e999", "1e999, beyond a float", refused, _constant(["neurons", 3, "bias"], "1e999")),
        ("integer-5000-digits", "an integer Python will not convert", refused, _constant(["neurons", 3, "bias"], "9" * 5000)),
        ("integer-400-digits", "an integer beyond a float", refused, _constant(["neurons", 3, "bias"], "9" * 400)),
        ("nan-in-dense", "a NaN inside the dense weights", refused, _edited(_nan_dense)),
        ("inf-in-samples", "an infinity inside the samples", refused, _edited(_inf_inputs)),
        ("bool-weight", "true as a weight", refused, _set(["edges", 0, "weight"], True)),
        ("text-bias", "a bias as text", refused, _set(["neurons", 3, "bias"], "0.5")),
        ("position-at-the-edge", "neurons at the edge of the canvas", opens, _edited(lambda t: [n.update(x=1e6 * (-1) ** k, y=-1e6) for k, n in enumerate(t["neurons"])])),
        ("position-1e308", "neurons placed at the edge of the float range", refused, _edited(lambda t: [n.update(x=1e308 * (-1) ** k, y=-1e308) for k, n in enumerate(t["neurons"])])),
        ("weights-1e38", "weights at the edge of float32", opens, _edited(lambda t: [e.update(weight=3e38) for e in t["edges"]])),
        ("range-nan", "NaN in the pixel range", refused, _constant(["input", "range", 0], "NaN")),
        ("range-backwards", "white below black", refused, _set(["input", "range"], [1.0, -1.0])),
        # ------------------------------------------------------------------ whole numbers
        ("seed-2^31", "the first seed a spin box cannot hold", refused, _set(["training", "seed"], 2**31)),
        ("seed-2^63", "the largest seed the format once allowed", refused, _set(["training", "seed"], 2**63 - 1)),
        ("seed-negative", "a seed below 0", refused, _set(["training", "seed"], -1)),
        ("seed-float", "a seed of 1.5", refused, _set(["training", "seed"], 1.5)),
        ("epochs-2^31", "epochs beyond a spin box", refused, _set(["training", "epochs"], 2**31)),
        ("epochs-zero", "no epochs", refused, _set(["training", "epochs"], 0)),
        ("batch-2^64", "a batch size beyond 64 bits", refused, _set(["training", "batch_size"], 2**64)),
        ("learning-rate-1e308", "a learning rate at the edge of float", opens, _set(["training", "learning_rate"], 1e308)),
        ("grid-2^40", "an image 2^40 pixels wide", refused, _set(["input", "grid"], [2**40, 1])),
        ("class-2^63", "a class index beyond the labels", refused, _set(["dataset", "classes", 0], 2**63)),
        ("limits-at-the-top", "every whole number at its highest", opens, _edited(lambda t: t["training"].update(seed=2**31 - 1, epochs=1_000_000, batch_size=100_000))),
        # ------------------------------------------------------------------ texts
        ("label-200000-newlines", "issue 8: an output label of 200,000 line breaks", refused, _set(label_path, "\n" * 200_000)),
        ("label-20000-newlines", "20,000 line breaks, once 1.24 GB", refused, _set(label_path, "\n" * 20_000)),
        ("label-at-the-caps", "a label of 4 lines and 1,000 characters", opens, _set(label_path, "\n".join(["w" * 249] * 4))),
        ("title-1mb", "a title of a million characters", refused, _set(["title"], "T" * 1_000_000)),
        ("description-100k-lines", "a description of 100,000 lines", refused, _set(["description"], "line\n" * 100_000)),
        ("dataset-name-html", "an image tag as the dataset's name", opens, _set(["dataset", "name"], '<img src="x" width=30000 height=30000>')),
        ("dataset-description-html", "rich text in the dataset's description", opens, _set(["dataset", "description"], "<h1>big</h1><a href='file:///etc/passwd'>click</a>")),
        ("class-name-newlines", "a class name of 5,000 lines", refused, _set(["dataset", "labels", 0], "yes\n" * 5000)),
        ("sample-name-long", "a sample named with 50,000 characters", refused, _set(["dataset", "sample_names", 0], "s" * 50_000)),
        ("neuron-id-long", "a neuron id of 10,000 characters", refused, _set(["neurons", 17, "id"], "o" * 10_000)),
        ("bidi-label", "right-to-left override and zero-width characters", opens, _set(label_path, "\u202eevil\u200b\u200d\ufeff")),
        ("training-data-long", "a training data path of 100,000 characters", refused, _set(["training_data"], "/x" * 50_000)),
        # ------------------------------------------------------------------ structure
        ("duplicate-neuron-id", "two neurons named i0", refused, _set(["neurons", 1, "id"], "i0")),
        ("duplicate-edge-id", "two edges with one id", refused, _set(["edges", 1, "id"], base["edges"][0]["id"])),
        ("edge-to-nowhere", "an edge to a neuron that does not exist", refused, _set(["edges", 0, "target"], "ghost")),
        ("self-loop", "a neuron feeding itself", refused, _edited(_edge("h1_0", "h1_0"))),
        ("cycle-3", "a loop of three neurons", refused, _edited(_cycle(3))),
        ("cycle-3000", "a loop of 3,000 neurons", refused, _edited(_cycle(3000))),
        ("into-an-input", "an edge into an input", refused, _edited(_edge("h1_0", "i3"))),
        ("out-of-an-output", "an edge out of an output", refused, _edited(_edge("o0", "h1_0"))),
        ("pair-twice", "one connection listed twice", refused, _edited(_edge("h1_0", "o0", "again"))),
        ("dense-and-listed", "an edge in a dense block and the list", refused, _edited(_edge("i0", "h1_0", "dup"))),
        ("unknown-activation", "an activation naming Python code", refused, _set(["neurons", 9, "activation"], "__import__('os').system")),
        ("unknown-role", "a role that is not one", refused, _set(["neurons", 9, "role"], "admin")),
        ("softmax-hidden", "softmax on a hidden neuron", refused, _set(["neurons", 9, "activation"], "softmax")),
        ("neurons-over-cap", "100,001 neurons", refused, lambda: _dumps({**base_tree(), "neurons": [{}] * 100_001})),
        ("neurons-3000-loose", "3,000 unconnected hidden neurons", opens, _many_neurons(3000)),
        ("empty-network", "no neurons at all", opens, lambda: _dumps({"format": "nnstudio-network", "version": 1, "neurons": []})),
        # ------------------------------------------------------------------ arrays
        ("dense-claims-10^18", "a 10^9 x 10^9 block in 200 bytes", refused, lambda: _minimal(dense=[{"sources": ["a"], "targets": ["b"], "weights": {"dtype": "float32", "shape": [10**9, 10**9], "data": "AAAA"}}])),
        ("samples-claim-10^9", "a billion samples claimed", refused, _set(["dataset", "inputs", "shape"], [10**9, 8])),
        ("bad-base64", "weights that are not base64", refused, _edited(lambda t: t["dense"][0]["weights"].update(data="!" * 344))),
        ("base64-wrong-length", "too little data for the shape", refused, _edited(lambda t: t["dense"][0]["weights"].update(data="AAAA"))),
        ("base64-line-breaks", "base64 with line breaks in it", refused, _edited(lambda t: t["dense"][0]["weights"].update(data=t["dense"][0]["weights"]["data"][:340] + "\n==="))),
        ("dtype-float64", "another number type", refused, _set(["dense", 0, "weights", "dtype"], "float64")),
        ("dtype-object", "numpy's pickled object type", refused, _set(["dense", 0, "weights", "dtype"], "object")),
        ("shape-negative", "a negative size", refused, _set(["dense", 0, "weights", "shape"], [-8, -8])),
        ("shape-3d", "three sizes for a matrix", refused, _set(["dense", 0, "weights", "shape"], [8, 8, 1])),
        ("shape-text", "sizes as text", refused, _set(["dense", 0, "weights", "shape"], ["8", "8"])),
        ("shape-2^64", "a size beyond 64 bits", refused, _set(["dense", 0, "weights", "shape"], [2**64, 0])),
        # ------------------------------------------------------------------ paths a file names
        ("training-data-pipe", "training data that is a pipe no one writes to", opens, _naming_path("training-data-pipe", _pipe_target)),
        ("training-data-dev-zero", "training data that never ends", opens, _naming_path("training-data-dev-zero", lambda _f: "/dev/zero")),
        ("training-data-gzip-bomb", "128 MB of zeros in a 128 KB gzip", opens, _naming_path("training-data-gzip-bomb", _gzip_bomb_target)),
        ("training-data-missing", "training data that does not exist", opens, _naming_path("training-data-missing", lambda f: str(f / "nothing-here.csv"))),
        ("training-data-folder", "training data that is the root folder", opens, _naming_path("training-data-folder", lambda _f: "/")),
    ]  # fmt: skip
    cases = []
    for name, attack, expect, made in items:
        build = made if getattr(made, "writes_file", False) else _from_bytes(name, made)  # type: ignore[arg-type]
        cases.append(HostileFile(name, attack, expect, build))  # type: ignore[arg-type]
    return cases


CASES: list[HostileFile] = _cases()


def build_all(folder: Path) -> list[tuple[HostileFile, Path]]:
    """Write every case into ``folder``; (case, path) in the order of :data:`CASES`."""
    folder.mkdir(parents=True, exist_ok=True)
    return [(case, case.build(folder)) for case in CASES]
