"""Convolutional networks in the file: saved and loaded exactly, and damaged convolution entries refused
with a message that says where and what."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnstudio.document import Document, FormatError, dense_network, document_from_bytes, document_to_bytes
from nnstudio.document.builders import conv_network, parse_network_spec
from nnstudio.document.summary import network_summary
from nnstudio.engine.plan import compile_network


def conv_document() -> Document:
    net = conv_network(parse_network_spec("9x8-c3k3p1-p2-c4k2s2-a2-5"), "relu", "softmax", seed=3)
    # A kernel weight typed by hand keeps every digit.
    kernel = net.convolutions["conv1"].kernel.copy()
    kernel[0, 0, 0, 0] = 0.1
    net.set_convolution_values("conv1", kernel, np.array([0.25, -0.5, 1 / 3]))
    return Document(net, title="shapes", grid=(9, 8), value_range=(0.0, 1.0))


def test_a_convnet_round_trips_byte_for_byte_with_the_same_answers() -> None:
    doc = conv_document()
    data = document_to_bytes(doc)
    loaded = document_from_bytes(data)
    assert document_to_bytes(loaded) == data
    original, again = doc.network, loaded.network
    assert list(again.convolutions) == ["conv1", "pool1", "conv2", "pool2"]
    for name, conv in original.convolutions.items():
        other = again.convolutions[name]
        assert (other.kind, other.in_shape, other.out_shape) == (conv.kind, conv.in_shape, conv.out_shape)
        if conv.kernel is not None:
            np.testing.assert_array_equal(other.kernel, conv.kernel)
            np.testing.assert_array_equal(other.bias, conv.bias)
    x = np.random.default_rng(0).uniform(0, 1, (4, 72))
    before = compile_network(original, np.float64).forward(x).output
    after = compile_network(again, np.float64).forward(x).output
    np.testing.assert_array_equal(before, after)


def test_a_file_without_convolutions_does_not_mention_them() -> None:
    doc = Document(dense_network([4, 3, 2]))
    assert b"convolutions" not in document_to_bytes(doc)


def test_info_lists_shaped_layers_with_their_shapes() -> None:
    summary = network_summary(conv_document())
    kinds = [(layer["kind"], layer["shape"]) for layer in summary["layers"]]
    assert kinds == [
        ("input", [8, 9]),
        ("conv2d", [3, 8, 9]),
        ("maxpool", [3, 4, 4]),
        ("conv2d", [4, 2, 2]),
        ("avgpool", [4, 1, 1]),
        ("flatten", [4]),
        ("dense", [5]),
    ]
    # Kernels 3*1*3*3 + 3 and 4*3*2*2 + 4, the dense layer 4*5 + 5.
    assert summary["parameters"] == 30 + 52 + 25
    assert summary["trainable"] == summary["parameters"]


def _tree() -> dict[str, Any]:
    return json.loads(document_to_bytes(conv_document()))


def _refused(tree: dict[str, Any]) -> str:
    with pytest.raises(FormatError) as info:
        document_from_bytes(json.dumps(tree).encode())
    return str(info.value)


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        (lambda c: c.update(kind="dilated"), "convolutions[0].kind", "conv2d"),
        (lambda c: c.update(in_shape=[1, 8]), "convolutions[0].in_shape", "channels, height, width"),
        (lambda c: c.update(in_shape=[2, 8, 9]), "convolutions[0].kernel", "18"),
        (lambda c: c.update(size=40), "convolutions[0].size", "between 1 and 15"),
        (lambda c: c.update(padding=3), "convolutions[0]", "smaller than the kernel size"),
        (lambda c: c.pop("bias"), "convolutions[0]", "kernel and bias"),
        (lambda c: c.update(bias=[0.0]), "convolutions[0].bias", "3 kernels need 3 biases"),
        (lambda c: c["kernel"].update(shape=[3, 8]), "convolutions[0].kernel", "9"),
        (lambda c: c.update(source="nowhere"), "convolutions", "does not have"),
        (lambda c: c.update(stride=2), "convolutions", "values"),
    ],
)
def test_a_damaged_convolution_is_refused_saying_where(change, where: str, says: str) -> None:
    tree = _tree()
    change(tree["convolutions"][0])
    message = _refused(tree)
    assert where in message and says in message


def test_pooling_with_a_kernel_is_refused() -> None:
    tree = _tree()
    tree["convolutions"][1]["kernel"] = copy.deepcopy(tree["convolutions"][0]["kernel"])
    assert "has no kernel" in _refused(tree)


def test_single_connections_into_a_shaped_layer_are_refused() -> None:
    tree = _tree()
    tree["edges"].append({"id": "i0>conv1_0_0_0", "source": "i0", "target": "conv1_0_0_0", "weight": 1.0})
    assert "convolution" in _refused(tree)


def test_the_format_description_shows_what_the_writer_writes() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)
    example = next(b for b in blocks if '"kind": "conv2d"' in b)
    net = conv_network(parse_network_spec("4x4-c2k3-p2-2"), seed=0)
    written = json.loads(document_to_bytes(Document(net, grid=(4, 4))))
    assert written["convolutions"] == json.loads(example)


def test_convolutions_listed_out_of_order_load_as_written_in_order() -> None:
    tree = _tree()
    tree["convolutions"].reverse()
    loaded = document_from_bytes(json.dumps(tree).encode())
    assert list(loaded.network.convolutions) == ["conv1", "pool1", "conv2", "pool2"]
    x = np.random.default_rng(1).uniform(0, 1, (2, 72))
    original = compile_network(conv_document().network, np.float64).forward(x).output
    np.testing.assert_array_equal(compile_network(loaded.network, np.float64).forward(x).output, original)


def test_random_damage_to_the_convolutions_is_refused_with_a_format_error_only() -> None:
    base = _tree()
    values: list[Any] = [None, True, -1, 0, 2, 16, 10**9, 1.5, "x", "", [], {}, [1, 2, 3], [3, 8, 9]]
    values += ["conv1", "input", "pool1", "output", "maxpool", "conv2d", "avgpool"]
    keys = ["kind", "source", "target", "in_shape", "size", "stride", "padding", "kernel", "bias", "extra"]
    rng = np.random.default_rng(0)
    for _ in range(200):
        tree = copy.deepcopy(base)
        for _ in range(int(rng.integers(1, 4))):
            conv = tree["convolutions"][int(rng.integers(0, 4))]
            key = keys[int(rng.integers(0, len(keys)))]
            if rng.random() < 0.15:
                conv.pop(key, None)
            else:
                conv[key] = values[int(rng.integers(0, len(values)))]
        try:
            doc = document_from_bytes(json.dumps(tree).encode())
        except FormatError:
            continue
        compile_network(doc.network).forward(np.zeros(72))
