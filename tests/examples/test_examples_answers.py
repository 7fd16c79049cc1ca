"""Each built-in example answers as its source text says it does."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data.loaders import load_dataset
from nnstudio.engine.graph import Network
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import EpochEnd, TrainSettings, evaluate, train
from nnstudio.examples import load_example


def outputs(network: Network, inputs) -> np.ndarray:
    return compile_network(network, np.float64).forward(np.asarray(inputs, dtype=np.float64)).output


# ----------------------------------------------------------------------------------- four-pixel camera

CANONICAL = {
    "solid": [(1, 1, 1, 1), (-1, -1, -1, -1)],
    "vertical": [(1, -1, 1, -1), (-1, 1, -1, 1)],
    "diagonal": [(1, -1, -1, 1), (-1, 1, 1, -1)],
    "horizontal": [(1, 1, -1, -1), (-1, -1, 1, 1)],
}


def test_four_pixel_camera_names_all_eight_canonical_images():
    doc = load_example("four-pixel-camera")
    labels = doc.output_labels
    assert labels == ["solid", "vertical", "diagonal", "horizontal"]
    for label, images in CANONICAL.items():
        out = outputs(doc.network, images)
        assert [labels[i] for i in out.argmax(axis=1)] == [label, label], (label, out)


def test_four_pixel_camera_is_wired_as_in_the_talk():
    doc = load_example("four-pixel-camera")
    network = doc.network
    assert doc.grid == (2, 2) and doc.value_range == (-1.0, 1.0)
    assert doc.training_data == "four-pixel" and doc.training.loss == "absolute"
    # Weights are +1 or -1; a weight of 0 is a missing edge, never an edge of weight 0.
    assert {edge.weight for edge in network.edges.values()} == {-1.0, 1.0}
    assert all(neuron.bias == 0.0 for neuron in network)
    levels = network.levels()
    activations = [{network.neurons[nid].activation for nid in level} for level in levels[1:]]
    assert activations == [{"tanh"}, {"tanh"}, {"relu"}, {"tanh"}]
    assert [len(level) for level in levels] == [4, 4, 4, 8, 4]
    # The first layer combines pairs of pixels, e.g. upper-left with lower-left.
    for nid in levels[1]:
        assert len(network.incoming(nid)) == 2
    first = {frozenset(e.source for e in network.incoming(nid)) for nid in levels[1]}
    assert frozenset({"i0", "i2"}) in first and frozenset({"i1", "i3"}) in first


def test_four_pixel_camera_walkthrough_dark_top_is_horizontal():
    # The talk's example: dark pixels on top, white at the bottom; only "horizontal" is positive.
    doc = load_example("four-pixel-camera")
    out = outputs(doc.network, [(-1, -1, 1, 1)])[0]
    assert out[3] > 0.5
    np.testing.assert_allclose(out[:3], 0.0, atol=1e-12)


# ----------------------------------------------------------------------------------- 3x3 shapes


@pytest.mark.parametrize("seed", [0, 5])
def test_four_pixel_learner_learns_from_random_weights_with_its_own_settings(seed: int):
    doc = load_example("four-pixel-learner")
    plan = compile_network(doc.network)
    settings = doc.training
    settings.seed = seed
    data = load_dataset(doc.training_data)
    events = list(train(plan, data.inputs, data.targets, settings, initialise_first=True))
    losses = [e.loss for e in events if isinstance(e, EpochEnd)]
    assert losses[-1] < losses[0] / 4
    canonical = load_dataset("four-pixel:canonical")
    assert (plan.forward(canonical.inputs).output.argmax(1) == canonical.classes).all()


def test_three_by_three_shapes_names_all_eight_shapes():
    doc = load_example("three-by-three-shapes")
    data = load_dataset("shapes3x3")
    assert doc.output_labels == data.labels == ["square", "V", "X", "cross"]
    out = outputs(doc.network, data.inputs)
    assert out.argmax(axis=1).tolist() == data.classes.tolist()


def test_inverted_cross_is_a_cross_and_nearly_an_x():
    # The video's test image: a light cross on dark. The network says cross, with X a close second.
    doc = load_example("three-by-three-shapes")
    inverted_cross = [-1, 1, -1, 1, 1, 1, -1, 1, -1]
    out = outputs(doc.network, [inverted_cross])[0]
    ranked = [doc.output_labels[i] for i in np.argsort(-out)]
    assert ranked[:2] == ["cross", "X"]


def test_three_by_three_first_layer_detects_vertical_lines():
    network = load_example("three-by-three-shapes").network
    first = network.levels()[1]
    assert len(first) == 9
    assert {network.neurons[nid].activation for nid in first} == {"tanh"}
    columns = [{"i0", "i3", "i6"}, {"i1", "i4", "i7"}, {"i2", "i5", "i8"}]
    for nid in first:
        assert {e.source for e in network.incoming(nid)} in columns
    later = [{network.neurons[nid].activation for nid in level} for level in network.levels()[2:]]
    assert later == [{"tanh"}, {"relu"}, {"tanh"}]


# ----------------------------------------------------------------------------------- festival


def test_festival_goes_with_the_articles_marks():
    doc = load_example("festival")
    network = doc.network
    (go,) = network.outputs()
    assert go.activation == "step" and go.bias == -25.0 and go.label == "go"
    assert [n.label for n in network.inputs()] == ["weather", "music", "company", "money"]
    assert [e.weight for e in network.incoming(go.id)] == [4.0, 2.0, 2.0, 1.0]
    plan = compile_network(network, np.float64)
    fw = plan.forward(np.array([3.0, 2.0, 4.0, 2.0]))
    assert fw.sums[-1][0, 0] - go.bias == 26.0  # 12 + 4 + 8 + 2
    assert fw.sums[-1][0, 0] == 1.0
    assert fw.output[0, 0] == 1.0
    assert doc.grid is None and doc.value_range[0] == 0.0 and doc.value_range[1] >= 4.0


def test_festival_stays_home_in_the_rain_and_on_the_threshold():
    network = load_example("festival").network
    rainy = [1, 2, 4, 2]  # 4 + 4 + 8 + 2 = 18
    on_threshold = [3, 2, 3, 3]  # 12 + 4 + 6 + 3 = 25: not over 25
    assert outputs(network, [rainy, on_threshold])[:, 0].tolist() == [0.0, 0.0]


def test_festival_days_in_the_document_agree_with_the_neuron():
    doc = load_example("festival")
    days = doc.dataset
    assert days is not None and len(days) >= 2
    assert outputs(doc.network, days.inputs)[:, 0].tolist() == days.targets[:, 0].tolist()
    assert set(days.targets[:, 0].tolist()) == {0.0, 1.0}


# ----------------------------------------------------------------------------------- XOR


def xor_right(network: Network, dataset) -> int:
    out = outputs(network, dataset.inputs)[:, 0]
    return int(((out > 0.5) == (dataset.targets[:, 0] > 0.5)).sum())


def test_single_neuron_cannot_learn_xor():
    doc = load_example("xor-single")
    data = doc.dataset
    assert doc.training_data == "document" and data is not None
    assert data.inputs.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.targets[:, 0].tolist() == [0, 1, 1, 0]
    assert len(doc.network.outputs()) == 1 and len(doc.network.neurons) == 3
    plan = compile_network(doc.network, np.float64)
    losses = [p.loss for p in train(plan, data.inputs, data.targets, doc.training) if isinstance(p, EpochEnd)]
    assert len(losses) >= 300
    plan.write_back(doc.network)
    assert xor_right(doc.network, data) < 4
    # It does settle: at the best a line can do, no longer improving.
    assert losses[-1] == pytest.approx(losses[-50], abs=1e-3)


def test_single_neuron_cannot_learn_xor_from_other_starts_either():
    doc = load_example("xor-single")
    data = doc.dataset
    for seed in range(3):
        plan = compile_network(doc.network, np.float64)
        settings = TrainSettings(epochs=300, learning_rate=0.5, batch_size=1, seed=seed, loss="squared")
        for _ in train(plan, data.inputs, data.targets, settings, initialise_first=True):
            pass
        plan.write_back(doc.network)
        assert xor_right(doc.network, data) < 4


def test_two_hidden_neurons_have_learned_xor():
    doc = load_example("xor")
    data = doc.dataset
    assert doc.training_data == "document" and data is not None
    assert [len(level) for level in doc.network.levels()] == [2, 2, 1]
    out = outputs(doc.network, data.inputs)[:, 0]
    assert xor_right(doc.network, data) == 4
    np.testing.assert_allclose(out, [0, 1, 1, 0], atol=0.2)


# ----------------------------------------------------------------------------------- digits


@pytest.fixture(scope="module")
def digits_test_set():
    return load_dataset("digits:test")


@pytest.mark.parametrize(
    ("name", "sizes", "required"),
    [
        ("digits", [784, 16, 16, 10], 0.91),
        ("digits-wide", None, 0.95),
    ],
)
def test_digit_networks_reach_their_accuracy(name, sizes, required, digits_test_set):
    doc = load_example(name)
    assert doc.grid == (28, 28) and doc.value_range == (0.0, 1.0)
    assert doc.output_labels == [str(d) for d in range(10)]
    assert doc.training_data == "digits:train"
    levels = doc.network.levels()
    if sizes is not None:
        assert [len(level) for level in levels] == sizes
        assert {n.activation for n in doc.network if n.role != "input"} == {"sigmoid"}
    plan = compile_network(doc.network)
    test = digits_test_set
    _, accuracy, _ = evaluate(plan, test.inputs, test.targets, LOSSES[doc.training.loss])
    assert accuracy >= required
