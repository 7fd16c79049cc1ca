"""The gradient check covers every kind of parameter (connections, biases, kernels, kernel biases), leaves out
what is no parameter (a feature map's neurons have no bias of their own), and tells a corner (a ReLU or a
max-pool switching within the nudge) apart from a wrong slope."""

from __future__ import annotations

import numpy as np

from nnstudio.document.builders import conv_network, parse_network_spec
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.slopes import gradient_check


def test_a_convnets_kernels_are_checked_and_agree_with_backprop():
    plan = compile_network(conv_network(parse_network_spec("6x6-c2k3p1-p2-3"), seed=1), np.float64)
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 1.0, (3, 36))
    y = np.eye(3)[[0, 1, 2]]
    report = gradient_check(plan, x, y, LOSSES["squared"], h=1e-4)
    names = [block["name"] for block in report.per_block]
    assert "kernels of conv1" in names and "kernel biases of conv1" in names
    assert not any(name.startswith("biases level 1") for name in names), "a feature map has no biases"
    assert report.checked + report.at_corners == sum(
        block["count"] + block["at_corners"] for block in report.per_block
    )
    assert report.max_relative_error < 1e-6


def test_a_relu_sitting_on_its_corner_is_set_apart_not_reported_as_an_error():
    neurons = [
        Neuron("i", Role.INPUT, "identity"),
        Neuron("h", Role.HIDDEN, "relu", bias=0.0),
        Neuron("o", Role.OUTPUT, "identity"),
    ]
    # The input 0 puts h's sum exactly on the ReLU's corner: nudging h's bias measures the corner.
    network = Network.from_parts(neurons, [Edge("i>h", "i", "h", 1.0), Edge("h>o", "h", "o", 2.0)])
    plan = compile_network(network, np.float64)
    report = gradient_check(plan, np.array([[0.0]]), np.array([[1.0]]), LOSSES["squared"], h=1e-3)
    assert report.at_corners >= 1
    assert report.max_relative_error < 1e-8


def test_per_block_checks_a_random_sample_of_a_big_block():
    from nnstudio.document.builders import dense_network

    plan = compile_network(dense_network([50, 40, 3], "tanh", 0), np.float64)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(2, 50)), np.eye(3)[[0, 2]]
    report = gradient_check(plan, x, y, LOSSES["squared"], per_block=25)
    assert [block["count"] + block["at_corners"] for block in report.per_block] == [25, 25, 25, 3]
    assert report.max_relative_error < 1e-7
