"""The point-problem examples of scripts/build_examples.py: TensorFlow Playground's classic set-ups.

Each one is a layered network whose inputs are feature inputs (named X1, X2, X1*X2, sin X1, ...), trained
with the engine from a fixed seed on the ``:train`` half of its point dataset and checked on the ``:test``
half, so the file it makes always answers the same and never ships below its accuracy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nnstudio.data.loaders import load_dataset
from nnstudio.data.points import fit_dataset_to
from nnstudio.document.builders import dense_network
from nnstudio.document.model import Document
from nnstudio.engine.graph import Role
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import Diverged, TrainSettings, evaluate, train
from nnstudio.examples import example_info


class PointExampleError(RuntimeError):
    """A point example that trained short of the accuracy it promises."""


@dataclass(frozen=True)
class PointExample:
    """A layered network on a point problem and what its test half must show after training."""

    data: str  # the point dataset; ":train" and ":test" are added
    features: Sequence[str]
    hidden: Sequence[int]
    hidden_activation: str
    output_labels: Sequence[str]
    output_activation: str
    settings: TrainSettings
    required_accuracy: float


POINT_EXAMPLES: dict[str, PointExample] = {
    "circle": PointExample(
        "circle",
        ["X1", "X2"],
        [4],
        "tanh",
        ["outside", "inside"],
        "softmax",
        TrainSettings(
            epochs=150,
            learning_rate=0.03,
            batch_size=10,
            momentum=0.9,
            seed=1,
            loss="cross_entropy",
            init="xavier",
        ),
        0.95,
    ),
    "xor-features": PointExample(
        "xor-points",
        ["X1", "X2", "X1*X2"],
        [],
        "tanh",
        ["same sign"],
        "sigmoid",
        TrainSettings(
            epochs=60,
            learning_rate=0.03,
            batch_size=10,
            momentum=0.9,
            seed=1,
            loss="squared",
            init="xavier",
            l1=0.01,
        ),
        0.97,
    ),
    "gauss": PointExample(
        "gauss",
        ["X1", "X2"],
        [],
        "tanh",
        ["blob 1", "blob 2"],
        "softmax",
        TrainSettings(
            epochs=20,
            learning_rate=0.03,
            batch_size=10,
            momentum=0.9,
            seed=1,
            loss="cross_entropy",
            init="xavier",
        ),
        0.97,
    ),
    "spiral": PointExample(
        "spiral",
        ["X1", "X2", "sin X1", "sin X2"],
        [8, 8],
        "tanh",
        ["arm 1", "arm 2"],
        "softmax",
        TrainSettings(
            epochs=2000,
            learning_rate=0.03,
            batch_size=10,
            momentum=0.9,
            seed=1,
            loss="cross_entropy",
            init="xavier",
        ),
        0.95,
    ),
}


def build_point_example(name: str, report: Callable[[str], None] | None = None) -> Document:
    """Train the example ``name`` from its seed; PointExampleError when it falls short on its test half."""
    example = POINT_EXAMPLES[name]
    settings = example.settings
    sizes = [len(example.features), *example.hidden, len(example.output_labels)]
    activations = [example.hidden_activation] * len(example.hidden) + [example.output_activation]
    network = dense_network(sizes, activations, seed=settings.seed, output_labels=example.output_labels)
    labels = {f"i{k}": {"label": feature} for k, feature in enumerate(example.features)}
    # Hidden neurons are numbered as the palette numbers them ("hidden 3"), not left with bare ids.
    hidden = [n.id for n in network if n.role is Role.HIDDEN]
    labels.update({nid: {"label": f"hidden {k + 1}"} for k, nid in enumerate(hidden)})
    network.set_neuron_fields(labels)
    info = example_info(name)
    doc = Document(
        network=network,
        title=info.title,
        description=info.description,
        value_range=(-6.0, 6.0),
        training=settings,
        training_data=f"{example.data}:train",
    )
    train_data = fit_dataset_to(load_dataset(f"{example.data}:train"), network)
    test_data = fit_dataset_to(load_dataset(f"{example.data}:test"), network)
    plan = compile_network(network)
    for progress in train(plan, train_data.inputs, train_data.targets, settings, initialise_first=True):
        if isinstance(progress, Diverged):
            raise PointExampleError(f"{name}: {progress.message}")
    plan.write_back(network)
    check = compile_network(network, np.float64)
    _, accuracy, _ = evaluate(check, test_data.inputs, test_data.targets, LOSSES[settings.loss])
    if accuracy is None or accuracy < example.required_accuracy:
        raise PointExampleError(
            f"{name}: {accuracy:.1%} of {example.data}:test right, below {example.required_accuracy:.0%}"
        )
    if report is not None:
        report(f"{name}: {accuracy:.1%} of {example.data}:test right")
    return doc


def _builder(name: str) -> Callable[[], Document]:
    return lambda: build_point_example(name, print)


POINT_BUILDERS: dict[str, Callable[[], Document]] = {name: _builder(name) for name in POINT_EXAMPLES}
