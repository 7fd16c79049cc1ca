"""A run's weights travel as one flat copy: seen as the plan's parameter list, written into the network."""

from __future__ import annotations

import numpy as np

from nnstudio.document.builders import dense_network
from nnstudio.engine.parameters import NetworkWriter, ParameterSnapshot, parameter_views
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import initialise


def test_a_flat_copy_seen_as_the_parameter_list_matches_the_plans_own_list_without_copying():
    plan = compile_network(dense_network([6, 5, 4, 3], "tanh", 0))
    initialise(plan, "uniform", 2)
    flat = plan.snapshot()
    views = parameter_views(plan, flat)
    own = plan.parameters()
    assert [v.shape for v in views] == [p.shape for p in own]
    assert all(np.array_equal(v, p) for v, p in zip(views, own, strict=True))
    assert all(np.shares_memory(v, flat) for v in views)
    np.testing.assert_array_equal(plan.flat_from(views), flat)


def test_the_writer_takes_a_flat_array_and_a_mirror_showing_it_already_is_only_marked_current():
    network = dense_network([8, 4, 2], "sigmoid", 1)
    network.set_frozen({"i0>h1_0": True})
    frozen_weight = network.edges["i0>h1_0"].weight
    plan = compile_network(network.copy())
    initialise(plan, "xavier", 9)
    mirror = compile_network(network)
    np.copyto(mirror.flat, plan.flat)
    mirror.flat[-1] += 1.0  # a mark that a copy into the mirror would wipe out
    marked = mirror.flat.copy()
    heard: list[bool] = []
    network.events.parameters.connect(lambda: heard.append(mirror.revision == network.revision))
    NetworkWriter(network, plan, mirror).write(plan.snapshot(), mirror_holds_them=True)
    assert heard == [True], "the mirror is current when the event goes out"
    np.testing.assert_array_equal(mirror.flat, marked)
    assert network.edges["i0>h1_0"].weight == frozen_weight
    assert ParameterSnapshot.of(network).same_as(ParameterSnapshot.from_plan(network, plan))

    initialise(plan, "xavier", 10)
    NetworkWriter(network, plan, mirror).write(plan.snapshot())
    np.testing.assert_array_equal(mirror.flat, plan.flat)
