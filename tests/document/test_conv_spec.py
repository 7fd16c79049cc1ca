"""``nnstudio new`` with convolution and pooling layers in the spec; ``nnstudio info`` lists them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.document.builders import conv_network, parse_network_spec
from nnstudio.document.fileformat import load_document
from nnstudio.engine.conv import ConvKind
from nnstudio.engine.graph import GraphError
from nnstudio.engine.plan import compile_network


def test_a_conv_spec_names_kernels_windows_strides_and_padding() -> None:
    spec = parse_network_spec("12x10-c4k3s2p1-p2-a2s1-C6K2-16-3")
    assert (spec.inputs, spec.grid, spec.dense) == (120, (12, 10), (16, 3))
    assert [(s.kind, s.size, s.channels, s.stride, s.padding) for s in spec.shaped] == [
        (ConvKind.CONV2D, 3, 4, 2, 1),
        (ConvKind.MAXPOOL, 2, 0, 2, 0),
        (ConvKind.AVGPOOL, 2, 0, 1, 0),
        (ConvKind.CONV2D, 2, 6, 1, 0),
    ]
    assert not parse_network_spec("28x28-16-10").convolutional


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("28x28-16-c4k3-10", "come right after the image input"),
        ("784-c4k3-10", "needs an image"),
        ("28x28-c4k3", "end with the number of outputs"),
        ("4x4-c2k5-2", "does not fit"),
        ("28x28-c4k3p3-2", "smaller than the kernel size"),
    ],
)
def test_a_bad_conv_spec_says_why(spec: str, fragment: str) -> None:
    with pytest.raises(GraphError, match=fragment):
        conv_network(parse_network_spec(spec))


def test_new_makes_a_convnet_that_info_describes(tmp_path, capsys) -> None:
    out = tmp_path / "conv.nnet"
    assert main(["new", "28x28-c8k5-p2-c16k5-p2-10", "--out", str(out), "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert main(["info", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    for summary in (made, info):
        assert [(layer["kind"], layer["shape"]) for layer in summary["layers"]] == [
            ("input", [28, 28]),
            ("conv2d", [8, 24, 24]),
            ("maxpool", [8, 12, 12]),
            ("conv2d", [16, 8, 8]),
            ("maxpool", [16, 4, 4]),
            ("flatten", [256]),
            ("dense", [10]),
        ]
        assert summary["parameters"] == (8 * 25 + 8) + (16 * 8 * 25 + 16) + (256 * 10 + 10)
    doc = load_document(out)
    plan = compile_network(doc.network)
    answer = plan.forward(np.zeros(784)).output
    assert answer.shape == (1, 10) and np.isclose(answer.sum(), 1.0)
    assert main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "conv2d" in text and "16x4x4" in text and "flatten" in text
