"""The XOR truth table: the four samples a hand-built two-input network learns from, as a built-in dataset."""

import numpy as np

from nnstudio.data import BUILTIN_DATASETS, load_dataset, xor_truth_table
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import TrainSettings, train


def test_the_xor_truth_table_is_a_built_in_dataset_of_its_four_rows():
    assert "xor" in BUILTIN_DATASETS and "4" in BUILTIN_DATASETS["xor"]
    data = load_dataset("xor")
    assert data.name == "xor" and len(data) == 4
    assert data.inputs.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.targets.tolist() == [[0], [1], [1], [0]]
    assert data.labels == ["A xor B"] and data.grid is None and data.value_range == (0.0, 1.0)
    assert data.sample_names == ["0 xor 0 = 0", "0 xor 1 = 1", "1 xor 0 = 1", "1 xor 1 = 0"]
    # A "no" row belongs to no class (all-zero truth), a "yes" row to the one output's class.
    assert data.classes.tolist() == [-1, 0, 0, -1]
    assert xor_truth_table().inputs.tolist() == data.inputs.tolist()


def test_a_hand_built_two_two_one_network_learns_it():
    inputs = [Neuron("a", Role.INPUT, label="A"), Neuron("b", Role.INPUT, label="B")]
    hidden = [Neuron(f"h{k}", Role.HIDDEN, "tanh") for k in range(2)]
    output = Neuron("y", Role.OUTPUT, "sigmoid", label="A xor B")
    rng = np.random.default_rng(0)
    edges = [
        Edge(edge_id(s.id, t.id), s.id, t.id, float(rng.uniform(-1, 1)))
        for s, t in [(i, h) for i in inputs for h in hidden] + [(h, output) for h in hidden]
    ]
    network = Network.from_parts(inputs + hidden + [output], edges)
    data = load_dataset("xor")
    settings = TrainSettings(epochs=2000, learning_rate=0.5, batch_size=4, momentum=0.9, seed=1)
    plan = compile_network(network, np.float64)
    for _progress in train(plan, data.inputs, data.targets, settings):
        pass
    answers = plan.forward(data.inputs.astype(np.float64)).output[:, 0]
    assert ((answers > 0.5) == (data.targets[:, 0] > 0.5)).all(), answers
