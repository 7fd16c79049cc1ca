"""dense_network: layered networks with the conventional ids; a document made from one lays them out in
columns."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.document.builders import dense_network, layer_ids
from nnstudio.document.layout import COLUMN_SPACING
from nnstudio.document.model import Document
from nnstudio.engine.graph import GraphError, Role, edge_id


def test_ids_roles_and_edges_of_a_digits_network():
    network = dense_network([784, 16, 16, 10], ["relu", "relu", "softmax"], seed=0)
    assert len(network.neurons) == 826 and len(network.edges) == 784 * 16 + 16 * 16 + 16 * 10
    ids = list(network.neurons)
    assert ids[:2] == ["i0", "i1"] and ids[784] == "h1_0" and ids[800] == "h2_0" and ids[-1] == "o9"
    assert [n.id for n in network.inputs()] == [f"i{k}" for k in range(784)]
    assert [n.id for n in network.outputs()] == [f"o{k}" for k in range(10)]
    assert network.neurons["h2_15"].role is Role.HIDDEN and network.neurons["h2_15"].activation == "relu"
    assert network.neurons["o3"].activation == "softmax"
    assert network.edges[edge_id("i783", "h1_15")].target == "h1_15"
    assert all(e.id == edge_id(e.source, e.target) and not e.frozen for e in network.edges.values())
    assert all(n.bias == 0.0 for n in network)


def test_the_same_seed_gives_the_same_weights_and_another_seed_others():
    a = dense_network([5, 3, 2], seed=4)
    b = dense_network([5, 3, 2], seed=4)
    c = dense_network([5, 3, 2], seed=5)
    weights = [e.weight for e in a.edges.values()]
    assert weights == [e.weight for e in b.edges.values()]
    assert weights != [e.weight for e in c.edges.values()]
    limit = (6 / (5 + 3)) ** 0.5
    assert all(abs(a.edges[edge_id(f"i{s}", f"h1_{t}")].weight) <= limit for s in range(5) for t in range(3))


def test_layers_are_columns_and_a_grid_lays_the_inputs_out_as_an_image():
    network = dense_network([6, 3, 2], seed=0, grid=(3, 2))
    pos = dict(Document(network, grid=(3, 2)).layout)
    assert {pos[f"h1_{k}"][0] for k in range(3)} == {COLUMN_SPACING}
    assert {pos[f"o{k}"][0] for k in range(2)} == {2 * COLUMN_SPACING}
    assert pos["i0"][1] == pos["i2"][1] < pos["i3"][1]  # rows top to bottom
    assert pos["i0"][0] < pos["i1"][0] < pos["i2"][0] == pos["i5"][0]  # columns left to right
    assert len(set(pos.values())) == len(pos)


def test_output_labels_and_one_activation_for_all_layers():
    network = dense_network([2, 2], "sigmoid", output_labels=["no", "yes"])
    assert [n.label for n in network.outputs()] == ["no", "yes"]
    assert network.neurons["i0"].activation == "identity"


@pytest.mark.parametrize(
    ("sizes", "activations", "labels", "fragment"),
    [
        ([4], "tanh", None, "at least an input and an output layer"),
        ([4, 0, 2], "tanh", None, "at least an input and an output layer"),
        ([4, 2], ["tanh", "tanh"], None, r"one activation per layer after the inputs \(1\), not 2"),
        ([4, 2], "os.system", None, "unknown activation 'os.system'"),
        ([4, 2], "tanh", ["one"], "the outputs need 2 labels, not 1"),
        ([4, 3, 2], "softmax", None, "softmax works over the outputs"),
    ],
)
def test_impossible_requests_raise_graph_errors(sizes, activations, labels, fragment):
    with pytest.raises(GraphError, match=fragment):
        dense_network(sizes, activations, output_labels=labels)


def test_an_image_needs_as_many_inputs_as_it_has_pixels():
    with pytest.raises(GraphError, match="a 3 x 3 image needs 9 inputs, not 8"):
        dense_network([8, 2], grid=(3, 3))


def test_layer_ids():
    assert layer_ids([2, 1, 1]) == [["i0", "i1"], ["h1_0"], ["o0"]]


def test_a_wide_layer_is_a_block_whose_discs_do_not_overlap():
    from nnstudio.document.layout import BLOCK_SPACING

    net = dense_network([784, 100, 10], ["relu", "softmax"], grid=(28, 28))
    layout = Document(net, grid=(28, 28)).layout
    hidden = [layout[n.id] for n in net if n.id.startswith("h1_")]
    xs = sorted({x for x, _ in hidden})
    assert len(xs) == 4 and xs[-1] == COLUMN_SPACING
    points = np.array(hidden)
    gaps = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() >= BLOCK_SPACING - 1e-9
    # The block stays between its neighbours' columns.
    assert xs[0] > 0 and xs[-1] < 2 * COLUMN_SPACING
