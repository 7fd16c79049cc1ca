"""The gallery's small picture of a network keeps its strongest connections, found in the weight blocks."""

from __future__ import annotations

from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.gallery import _strongest_links


def test_the_strongest_links_come_from_full_and_sparse_blocks_weakest_first():
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity") for k in range(3)]
    neurons += [Neuron("h", Role.HIDDEN, "tanh"), Neuron("o", Role.OUTPUT, "tanh")]
    edges = [
        Edge("i0>h", "i0", "h", 0.1),
        Edge("i1>h", "i1", "h", -3.0),
        Edge("i2>h", "i2", "h", 0.2),
        Edge("h>o", "h", "o", 2.0),
        Edge("i0>o", "i0", "o", -0.05),  # a skip connection: the output's block is not full
    ]
    network = Network.from_parts(neurons, edges)
    assert _strongest_links(network, 3) == [("i2", "h", 0.2), ("h", "o", 2.0), ("i1", "h", -3.0)]
    assert len(_strongest_links(network, 10)) == 5
