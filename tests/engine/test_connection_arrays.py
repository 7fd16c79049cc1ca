"""A network's connections read block by block as arrays agree with reading them edge by edge."""

from __future__ import annotations

import numpy as np

from nnstudio.document.builders import dense_network
from nnstudio.engine.connections import Edge


def masked_network():
    """A 6-5-3 network with missing and frozen links, one link known by another id, and a hand-wired extra."""
    network = dense_network([6, 5, 3], "tanh", seed=4)
    network.remove(edge_ids=[e for k, e in enumerate(network.edges) if k % 4 == 1])
    network.set_frozen({e: True for k, e in enumerate(network.edges) if k % 5 == 0})
    network.add_edges([Edge("skip", "i2", "o1", 0.75)])
    return network


def test_block_arrays_list_every_connection_in_iteration_order():
    network = masked_network()
    edges = list(network.edges.values())
    listed = []
    for links in network.edges.arrays():
        n_cols = len(links.sources)
        keys = links.rows * n_cols + links.cols
        assert np.all(np.diff(keys) > 0)  # strictly rising: a (row, column) pair is found by bisection
        if links.full:
            assert np.array_equal(keys, np.arange(len(links.targets) * n_cols))
        for r, c, w, f in zip(links.rows, links.cols, links.weight, links.frozen, strict=True):
            listed.append((links.sources[c], links.targets[r], float(w), bool(f)))
    assert listed == [(e.source, e.target, e.weight, e.frozen) for e in edges]
    assert any(not links.full for links in network.edges.arrays())


def test_values_per_target_and_per_source_spread_over_the_connections():
    network = masked_network()
    for links in network.edges.arrays():
        per_target = np.arange(len(links.targets)) * 10
        per_source = np.arange(len(links.sources)) + 0.5
        assert np.array_equal(links.per_row(per_target), per_target[links.rows])
        assert np.array_equal(links.per_col(per_source), per_source[links.cols])
        assert links.per_row(per_target).size == links.count


def test_block_arrays_are_copies():
    network = dense_network([3, 2], "tanh", seed=1)
    links = network.edges.arrays()[0]
    assert links.full and links.weight.size == 6
    links.weight[:] = 9.0
    links.targets.append("elsewhere")
    assert all(e.weight != 9.0 for e in network.edges.values())
    assert "elsewhere" not in network.edges.arrays()[0].targets


def test_weights_and_frozen_follow_iteration_order():
    network = masked_network()
    weight, frozen = network.edges.weights_and_frozen()
    edges = list(network.edges.values())
    assert weight.dtype == np.float64 and frozen.dtype == bool
    assert weight.tolist() == [e.weight for e in edges]
    assert frozen.tolist() == [e.frozen for e in edges]


def test_a_network_without_connections_has_no_arrays():
    network = dense_network([2, 1], "tanh", seed=0)
    network.remove(edge_ids=list(network.edges))
    assert network.edges.arrays() == []
    weight, frozen = network.edges.weights_and_frozen()
    assert weight.size == 0 and frozen.size == 0
