"""Documents to save and load: a hand-built graph, a layered one with a dense block, one with samples."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnstudio.data.dataset import Dataset, one_hot
from nnstudio.document import Document, dense_network, document_to_bytes
from nnstudio.document.layout import Layout
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.engine.train import TrainSettings


def hand_built_document() -> Document:
    """Four pixels, two hidden neurons, two outputs: odd ids, a frozen edge, weights needing all 64 bits."""
    neurons = [
        Neuron("p0", Role.INPUT, "identity", 0.0, "top left"),
        Neuron("p1", Role.INPUT, "identity", 0.0, "top right"),
        Neuron("p2", Role.INPUT, "identity", 0.0, ""),
        Neuron("p3", Role.INPUT, "identity", 0.0, ""),
        Neuron("edge detector", Role.HIDDEN, "tanh", 0.1 + 0.2, "Δ détecteur"),
        Neuron("h2", Role.HIDDEN, "relu", -1 / 3, ""),
        Neuron("vertical", Role.OUTPUT, "sigmoid", 1e-300, "Vertical"),
        Neuron("horizontal", Role.OUTPUT, "sigmoid", -0.0, ""),
    ]
    layout = Layout(
        {
            "p0": (-200.0, -30.0),
            "p1": (-200.0, -10.0),
            "p2": (-200.0, 10.0),
            "p3": (-200.0, 30.0),
            "edge detector": (0.0, -20.5),
            "h2": (0.0, 20.25),
            "vertical": (200.0, -10.0),
            "horizontal": (200.0, 10.0),
        }
    )
    edges = [
        Edge("p0>edge detector", "p0", "edge detector", 0.1 + 0.7),
        Edge("p1>edge detector", "p1", "edge detector", -2 / 3, frozen=True),
        Edge("w-custom", "p2", "h2", 123456.789012345678),
        Edge("p3>h2", "p3", "h2", -1e-17),
        Edge("p0>h2", "p0", "h2", 5e-324),
        Edge("edge detector>vertical", "edge detector", "vertical", 1.7976931348623157e308),
        Edge("h2>horizontal", "h2", "horizontal", -3.141592653589793),
        Edge("edge detector>horizontal", "edge detector", "horizontal", 2.0),
        Edge("p3>vertical", "p3", "vertical", 0.5),
    ]
    network = Network.from_parts(neurons, edges)
    training = TrainSettings(
        epochs=7,
        learning_rate=0.03,
        batch_size=4,
        momentum=0.9,
        shuffle=False,
        seed=11,
        loss="cross_entropy",
        init="xavier",
    )
    return Document(
        network,
        title="Edges «2×2»",
        description="Two lines\nof notes",
        grid=(2, 2),
        value_range=(-1.0, 1.0),
        training=training,
        training_data="four-pixel",
        layout=layout,
    )


def sample_dataset(
    n_inputs: int, labels: list[str], n: int, grid: tuple[int, int] | None, seed: int = 0
) -> Dataset:
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-1, 1, (n, n_inputs)).astype(np.float32)
    classes = rng.integers(-1, len(labels), n)
    return Dataset(
        "my drawings",
        inputs,
        one_hot(classes, len(labels)),
        labels,
        classes,
        grid,
        (-1.0, 1.0),
        "drawn by hand",
        [f"sample {k}" for k in range(n)],
    )


def layered_document(with_dataset: bool = True) -> Document:
    """8 inputs (a 2 x 4 image) fully connected to 8 hidden (one 64-edge dense block), then 2 outputs."""
    network = dense_network([8, 8, 2], ["tanh", "sigmoid"], seed=3, grid=(2, 4), output_labels=["yes", "no"])
    dataset = sample_dataset(8, ["yes", "no"], 5, (2, 4)) if with_dataset else None
    return Document(
        network,
        title="small",
        grid=(2, 4),
        value_range=(-1.0, 1.0),
        training_data="document",
        dataset=dataset,
    )


@pytest.fixture
def hand_built() -> Document:
    return hand_built_document()


@pytest.fixture
def layered() -> Document:
    return layered_document()


@pytest.fixture
def make_layered():
    return layered_document


@pytest.fixture
def make_dataset():
    return sample_dataset


@pytest.fixture(scope="session")
def layered_bytes() -> bytes:
    return document_to_bytes(layered_document())


@pytest.fixture
def layered_tree(layered_bytes: bytes) -> dict:
    return json.loads(layered_bytes)
