"""Whole-matrix moves between a plan and its network: snapshots for undo, write-backs for training frames."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.document.builders import dense_network
from nnstudio.engine.parameters import NetworkWriter, ParameterSnapshot
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import initialise


def test_a_snapshot_from_a_plan_keeps_frozen_weights_exact_and_restores():
    network = dense_network([6, 5, 3], "tanh", 0)
    network.set_weights({"i0>h1_0": 0.1})  # not a float32 number
    network.set_frozen({"i0>h1_0": True})
    before = ParameterSnapshot.of(network)
    plan = compile_network(network)
    initialise(plan, "uniform", 4)
    after = ParameterSnapshot.from_plan(network, plan)
    assert not after.same_as(before)
    after.restore(network)
    assert network.edges["i0>h1_0"].weight == 0.1, "a frozen weight never goes through float32"
    assert network.edges["i1>h1_0"].weight == pytest.approx(
        float(plan.flat[plan.parameter_index(["i1>h1_0"])[0]])
    )
    before.restore(network)
    assert ParameterSnapshot.of(network).same_as(before)


def test_a_snapshot_refuses_a_network_whose_structure_changed():
    network = dense_network([4, 3, 2], "tanh", 0)
    snapshot = ParameterSnapshot.of(network)
    network.remove(edge_ids=["i0>h1_0"])
    with pytest.raises(ValueError, match="structure changed"):
        snapshot.restore(network)


def test_the_writer_puts_a_parameter_list_into_the_network_with_one_event():
    network = dense_network([8, 4, 2], "sigmoid", 1)
    plan = compile_network(network.copy())
    initialise(plan, "xavier", 9)
    heard = []
    network.events.parameters.connect(lambda: heard.append(1))
    writer = NetworkWriter(network, plan)
    writer.write(plan.copy_parameters())
    assert heard == [1] and writer.valid
    np.testing.assert_allclose(compile_network(network).flat, plan.flat)


def test_a_training_step_is_whole_matrices_and_makes_id_dictionaries_only_when_asked():
    import numpy as np

    from nnstudio.engine.step import training_step

    network = dense_network([30, 20, 3], "sigmoid", 2)
    network.set_frozen({"i0>h1_0": True})
    plan = compile_network(network)
    x, y = np.linspace(0, 1, 30), np.array([0.0, 1.0, 0.0])
    result = training_step(plan, network, x, y, "squared", 0.5)
    assert "new_weights" not in result.__dict__ and "edge_gradients" not in result.__dict__
    result.after.restore(network)
    for eid, slope in result.edge_gradients.items():
        edge = network.edges[eid]
        expected = result.old_weights.get(eid, edge.weight) - (0 if edge.frozen else 0.5 * slope)
        assert edge.weight == pytest.approx(expected, abs=1e-12), eid
    assert "i0>h1_0" not in result.new_weights
    assert result.new_weights == {e.id: e.weight for e in network.edges.values() if not e.frozen}
