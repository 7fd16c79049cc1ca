"""The ``.nnet`` file: a network document as versioned JSON (described field by field in docs/FORMAT.md).

Reading trusts nothing in the file: it is parsed (:mod:`.json_reading`), brought up to the current version one migration at a
time (:data:`MIGRATIONS`), checked field by field (:mod:`.format_checks`) and only then built into a
document, its network and its layout. Writing is :mod:`.format_write`. Nothing in a file is ever run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..engine.graph import DenseLinks, GraphError, Network
from .atomic import atomic_write
from .format_checks import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_POSITION,
    NAME_CHARS,
    NETWORK_FILE,
    TEXT_LIMITS,
    TRAINING_RANGES,
    CheckedFile,
    Tree,
    check_tree,
    count_lines,
    fail,
    text_kind,
)
from .format_write import document_to_tree, dumps
from .json_reading import (
    DuplicateKey,
    FormatError,
    describe,
    object_pairs,
    one_line,
    parse_json,
    read_file_bytes,
    top_object,
)
from .layout import Layout
from .model import Document

# Imported from here by the studio beside the reading and writing functions.
__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "MAX_POSITION",
    "MIGRATIONS",
    "NAME_CHARS",
    "TEXT_LIMITS",
    "TRAINING_RANGES",
    "DuplicateKey",
    "FormatError",
    "count_lines",
    "document_from_bytes",
    "document_to_bytes",
    "load_document",
    "object_pairs",
    "one_line",
    "read_file_bytes",
    "save_document",
    "text_kind",
]

# The most bytes a network file may have; checked before the file is read or parsed.
MAX_FILE_BYTES = 64 * 1024 * 1024

Migration = Callable[[Tree], Tree]

# MIGRATIONS[n] turns a file of version n into one of version n + 1; loading applies them one by one.
MIGRATIONS: dict[int, Migration] = {}


def _version_1_to_2(tree: Tree) -> Tree:
    """Version 2 names each neuron's layer. A version 1 file's inputs become the layer ``input`` and the
    targets of each of its weight matrices one layer (``layer1``, ``layer2``, ...); every other neuron stays
    a layer of its own. Ids, weights and everything else are unchanged."""
    neurons = tree.get("neurons")
    dense = tree.get("dense", [])
    if not isinstance(neurons, list) or not isinstance(dense, list):
        return tree  # the checks that follow say what is wrong
    by_id = {n.get("id"): n for n in neurons if isinstance(n, dict) and isinstance(n.get("id"), str)}
    for neuron in by_id.values():
        if neuron.get("role") == "input":
            neuron["layer"] = "input"
    for k, block in enumerate(dense, start=1):
        targets = block.get("targets") if isinstance(block, dict) else None
        if not isinstance(targets, list):
            continue
        for target in targets:
            neuron = by_id.get(target) if isinstance(target, str) else None
            if neuron is not None and "layer" not in neuron:
                neuron["layer"] = f"layer{k}"
    return tree


MIGRATIONS[1] = _version_1_to_2

# --------------------------------------------------------------------------------------------- public


def document_to_bytes(doc: Document) -> bytes:
    """The file's bytes for ``doc``; raises :class:`FormatError` if the document could not be read back."""
    tree = document_to_tree(doc)
    try:
        check_tree(tree)
    except FormatError as exc:
        raise FormatError(exc.where, f"cannot be saved: {exc.problem}") from None
    return dumps(tree).encode("utf-8")


def document_from_bytes(data: bytes, source: str = "<memory>") -> Document:
    """Read a document from a file's bytes; every problem is a :class:`FormatError` naming ``source``."""
    try:
        tree = parse_json(data, MAX_FILE_BYTES, NETWORK_FILE)
        return _build(check_tree(_migrate(tree)))
    except FormatError as exc:
        raise FormatError(exc.where, exc.problem, source) from None


def save_document(doc: Document, path: Path) -> None:
    """Write ``doc`` to ``path`` atomically, keeping the previous file as ``name~``.

    Raises :class:`FormatError` when the document cannot be saved as it is, and
    :class:`~nnstudio.document.atomic.SaveError` (an :class:`OSError`) when the disk refuses; either way
    the file that was there before is untouched.
    """
    atomic_write(Path(path), document_to_bytes(doc), keep_backup=True)


def load_document(path: Path) -> Document:
    """Read the document at ``path``; every problem, a missing or unreadable file too, is a FormatError."""
    path = Path(path)
    return document_from_bytes(read_file_bytes(path, MAX_FILE_BYTES, NETWORK_FILE), str(path))


# --------------------------------------------------------------------------------------------- migrating


def _migrate(value: Any) -> Tree:
    tree = top_object(value, NETWORK_FILE)
    if "version" not in tree:
        fail("version", "the format version is missing")
    version = tree["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        fail("version", f"must be a whole number, not {describe(version)}")
    if version > FORMAT_VERSION:
        fail(
            "version",
            f"the file was made by a newer nnstudio (version {version}); "
            f"this one reads up to {FORMAT_VERSION}",
        )
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            fail("version", f"version {version} is not a format version nnstudio ever wrote")
        try:
            tree = step(tree)
        except FormatError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            fail("file", f"the version {version} file could not be brought up to date: {exc!r}")
        if not isinstance(tree, dict):
            fail("file", f"the version {version} file could not be brought up to date")
        version += 1
        tree["version"] = version
    return tree


# --------------------------------------------------------------------------------------------- building


def _build(checked: CheckedFile) -> Document:
    """The network from checked parts: whole weight matrices stay matrices (no object per connection).

    The targets of one matrix in the file may belong to several layers (a version 1 file's rows of
    different layers, say); each layer's rows become a matrix of their own.
    """
    layer_of = {n.id: (n.layer, "") if n.layer else ("", n.id) for n in checked.neurons}
    dense: list[DenseLinks] = []
    for block in checked.blocks:
        rows_by_layer: dict[tuple[str, str], list[int]] = {}
        for r, target in enumerate(block.targets):
            rows_by_layer.setdefault(layer_of[target], []).append(r)
        for rows in rows_by_layer.values():
            whole = len(rows) == len(block.targets)
            dense.append(
                DenseLinks(
                    block.sources,
                    block.targets if whole else [block.targets[r] for r in rows],
                    block.weights if whole else block.weights[rows],
                    block.present if whole or block.present is None else block.present[rows],
                    block.frozen if whole or block.frozen is None else block.frozen[rows],
                )
            )
    if checked.convolutions:
        # The convolutions against the layers alone first, so that a message about one points at them.
        try:
            Network.from_parts(checked.neurons, convolutions=checked.convolutions)
        except GraphError as exc:
            fail("convolutions", str(exc))
    try:
        network = Network.from_parts(checked.neurons, checked.edges, dense, checked.convolutions)
    except GraphError as exc:
        fail("edges", str(exc))
    top = checked.tree
    return Document(
        network=network,
        title=top.get("title", ""),
        description=top.get("description", ""),
        grid=checked.grid,
        value_range=checked.value_range,
        training=checked.training,
        training_data=top.get("training_data"),
        dataset=checked.dataset,
        layout=Layout(checked.positions),
    )
