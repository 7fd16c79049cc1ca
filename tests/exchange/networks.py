"""Networks for the exchange tests: the examples, and a hand-built one with every irregular part."""

from __future__ import annotations

import numpy as np

from nnstudio.document.builders import conv_network, parse_network_spec
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.engine.plan import compile_network
from nnstudio.examples import EXAMPLE_NAMES, load_example


def hand_built() -> Document:
    """Sparse links, a level of mixed activations, skip connections from the inputs to the outputs, a
    neuron with no incoming link, and outputs with different activations."""
    neurons = [
        Neuron("a", Role.INPUT, "identity", label="left"),
        Neuron("b", Role.INPUT, "identity", label="right"),
        Neuron("c", Role.INPUT, "identity", label="middle"),
        Neuron("h", Role.HIDDEN, "tanh", bias=0.3),
        Neuron("r", Role.HIDDEN, "relu", bias=-0.1),
        Neuron("s", Role.HIDDEN, "step", bias=0.05),
        Neuron("k", Role.HIDDEN, "sigmoid", bias=0.7),
        Neuron("g", Role.HIDDEN, "sigmoid", bias=0.2),
        Neuron("yes", Role.OUTPUT, "sigmoid", bias=-0.2, label="yes"),
        Neuron("how", Role.OUTPUT, "identity", label="how much"),
    ]
    edges = [
        Edge("a>h", "a", "h", 0.8),
        Edge("c>h", "c", "h", -1.2),
        Edge("b>r", "b", "r", 1.5),
        Edge("a>s", "a", "s", 1.0),
        Edge("h>g", "h", "g", 2.0),
        Edge("r>g", "r", "g", -0.5),
        Edge("g>yes", "g", "yes", 1.1),
        Edge("a>yes", "a", "yes", -0.7),
        Edge("s>how", "s", "how", 0.9),
        Edge("k>how", "k", "how", 0.4),
        Edge("b>how", "b", "how", 0.25),
        Edge("h>how", "h", "how", -1.3),
    ]
    network = Network.from_parts(neurons, edges)
    return Document(network, title="Hand-built", value_range=(-1.0, 1.0))


def convolutional(spec: str = "8x8-c3k3p1-p2-c4k3s2-a1-5", seed: int = 3) -> Document:
    """A small convolutional network with every parameter (kernels, their biases, the levels' biases) drawn
    at random, so that none of them is a zero an exporter could get away with dropping."""
    spec_ = parse_network_spec(spec)
    network = conv_network(spec_, "tanh", "softmax", seed)
    plan = compile_network(network, np.float64)
    plan.flat[:] = np.random.default_rng(seed).normal(0, 0.5, plan.flat.shape)
    plan.write_back(network)
    return Document(network, title=spec, grid=spec_.grid, value_range=(0.0, 1.0))


EXTRA = {
    "hand-built": hand_built,
    "convolutional": convolutional,
    "conv-max-pool": lambda: convolutional("6x6-c2k3-p2-3", 4),
}
# Every example and the networks above, by name; each is opened in its test, so one missing file fails
# that test alone.
DOCUMENT_NAMES = [*EXAMPLE_NAMES, *EXTRA]


def document(name: str) -> Document:
    return EXTRA[name]() if name in EXTRA else load_example(name)


def sample_inputs(doc: Document, count: int = 64, seed: int = 0) -> np.ndarray:
    low, high = doc.value_range
    n = len(doc.network.inputs())
    return np.random.default_rng(seed).uniform(low, high, (count, n))


def our_outputs(doc: Document, x: np.ndarray) -> np.ndarray:
    return compile_network(doc.network, np.float64).forward(x).output
