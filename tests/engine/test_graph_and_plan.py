"""The network graph (ids, validation, edits that undo exactly) and its compiled plan."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from nnstudio.document.builders import dense_network
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.graph import Edge, GraphError, Network, Neuron, Role, edge_id
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network

from .helpers import layered_network


def _chain() -> Network:
    return Network.from_parts(
        [
            Neuron("x", Role.INPUT, "identity"),
            Neuron("a"),
            Neuron("b"),
            Neuron("c"),
            Neuron("y", Role.OUTPUT, "identity"),
        ],
        [
            Edge("x>a", "x", "a", 1.0),
            Edge("a>b", "a", "b", 1.0),
            Edge("b>c", "b", "c", 1.0),
            Edge("c>y", "c", "y", 1.0),
        ],
    )


def test_a_cycle_is_refused_with_the_neurons_on_it() -> None:
    net = _chain()
    with pytest.raises(GraphError) as err:
        net.add_edge(Edge("c>a", "c", "a"))
    message = str(err.value)
    assert "loop" in message and "a -> b -> c -> a" in message
    assert "c>a" not in net.edges


def test_a_cycle_in_a_loaded_graph_names_its_neurons() -> None:
    with pytest.raises(GraphError, match=r"loop: .*p.*q"):
        Network.from_parts(
            [Neuron("i", Role.INPUT, "identity"), Neuron("p"), Neuron("q")],
            [Edge("1", "i", "p"), Edge("2", "p", "q"), Edge("3", "q", "p")],
        )


@pytest.mark.parametrize(
    ("source", "target", "fragment"),
    [
        ("a", "a", "itself"),
        ("a", "x", "takes its value"),
        ("y", "a", "end of the network"),
        ("x", "a", "already"),
    ],
)
def test_invalid_connections_say_why(source: str, target: str, fragment: str) -> None:
    net = _chain()
    assert fragment in (net.can_connect(source, target) or "")


def test_unknown_activation_and_role_are_refused() -> None:
    with pytest.raises(GraphError, match="unknown activation"):
        Network.from_parts([Neuron("a", Role.INPUT, "os.system")], [])
    with pytest.raises(GraphError, match="unknown role"):
        Neuron("a", "boss")  # type: ignore[arg-type]


def test_skip_connections_run_and_outputs_sit_in_the_last_level() -> None:
    net = _chain()
    net.add_edge(Edge("x>y", "x", "y", 2.0))
    levels = net.levels()
    assert levels[0] == ["x"] and levels[-1] == ["y"]
    plan = compile_network(net, np.float64)
    out = plan.forward(np.array([[0.5]])).output
    # Identity activations are not set on the hidden chain: tanh^3(0.5) + 2 * 0.5.
    assert out[0, 0] == pytest.approx(np.tanh(np.tanh(np.tanh(0.5))) + 1.0)


def test_remove_and_readd_restores_order_and_edges() -> None:
    net = layered_network([2, 3, 2], ["tanh", "sigmoid"])
    before = (list(net.neurons), {k: (e.source, e.target, e.weight) for k, e in net.edges.items()})
    removed_neurons, removed_edges = net.remove(["h1_1"], ["h1_0>o1"])
    assert "h1_1" not in net.neurons and all("h1_1" not in e for e in net.edges)
    net.add_neurons(
        [n for _, n in removed_neurons], removed_edges, order={n.id: i for i, n in removed_neurons}
    )
    after = (list(net.neurons), {k: (e.source, e.target, e.weight) for k, e in net.edges.items()})
    assert after[0] == before[0]
    assert after[1] == before[1]


def test_events_announce_changes() -> None:
    net = _chain()
    seen: list[tuple[str, object]] = []
    net.events.structure.connect(lambda: seen.append(("structure", None)))
    net.events.weights.connect(lambda ids: seen.append(("weights", ids)))
    net.events.neurons.connect(lambda ids: seen.append(("neurons", ids)))
    net.set_weights({"a>b": 0.5})
    net.set_neuron_fields({"a": {"bias": 1.5}})
    net.remove(edge_ids=["b>c"])
    assert seen == [("weights", ["a>b"]), ("neurons", ["a"]), ("structure", None)]


def test_role_changes_that_break_the_graph_are_refused() -> None:
    net = _chain()
    with pytest.raises(GraphError, match="cannot be an input"):
        net.set_neuron_fields({"b": {"role": "input"}})
    with pytest.raises(GraphError, match="softmax"):
        net.set_neuron_fields({"b": {"activation": "softmax"}})
    assert net.neurons["b"].role is Role.HIDDEN


def test_edge_map_goes_both_ways() -> None:
    net = layered_network([3, 4, 2], ["tanh", "tanh"], sparse=0.3, skip=True, seed=4)
    plan = compile_network(net)
    assert set(plan.edge_ids()) == set(net.edges) and len(plan.edge_ids()) == len(net.edges)
    ids = list(net.edges)
    index = plan.parameter_index(ids)
    np.testing.assert_array_equal(np.sort(index), np.sort(plan.edge_index()))
    for eid, i in zip(ids, index.tolist(), strict=True):
        edge = net.edges[eid]
        (li, r), (sl, c) = plan.position[edge.target], plan.position[edge.source]
        block = next(b for b in plan.blocks if b.target == li)
        assert i == block.offset + r * block.width + block.starts[block.sources.index(sl)] + c
        assert plan.flat[i] == pytest.approx(edge.weight)
    # Missing edges are zeros that training may never touch.
    for block, exists in zip(plan.blocks, plan.block_connections(), strict=True):
        if block.trainable is not None:
            assert np.all(block.W[~exists] == 0) and np.all(block.trainable[~exists] == 0)


def test_dense_plan_matches_a_hand_written_mlp() -> None:
    net = layered_network([6, 5, 4, 3], ["sigmoid", "sigmoid", "sigmoid"], seed=2)
    plan = compile_network(net, np.float64)
    assert all(b.trainable is None for b in plan.blocks), "a fully connected layer needs no mask"
    x = np.random.default_rng(0).uniform(0, 1, (7, 6))
    a = x
    for block, level in zip(plan.blocks, plan.levels[1:], strict=True):
        a = 1 / (1 + np.exp(-(a @ block.W.T + level.bias)))
    np.testing.assert_allclose(plan.forward(x).output, a, rtol=1e-12)


def test_forward_reports_every_neurons_sum_and_activation() -> None:
    net = Network.from_parts(
        [Neuron(f"p{i}", Role.INPUT, "identity") for i in range(4)] + [Neuron("n", Role.OUTPUT, "tanh")],
        [Edge(edge_id(f"p{i}", "n"), f"p{i}", "n", w) for i, w in enumerate([-0.2, 0.0, 0.8, -0.5])],
    )
    plan = compile_network(net, np.float64)
    values = plan.neuron_values(plan.forward(np.array([0.5, 0.0, -0.75, 0.75])))
    # Seed 002's worked sum: .50 x -.2 + 0 x 0 + -.75 x .8 + .75 x -.5 = -1.075, then squashed.
    assert values["n"][0] == pytest.approx(-1.075)
    assert values["n"][1] == pytest.approx(np.tanh(-1.075))
    assert values["p2"] == (-0.75, -0.75)


def test_wrong_input_width_is_a_clear_error() -> None:
    plan = compile_network(_chain())
    with pytest.raises(ValueError, match="takes 1 inputs"):
        plan.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="1 outputs"):
        plan.backward(plan.forward(np.zeros((2, 1))), np.zeros((2, 2)), LOSSES["squared"])


def test_write_back_and_read_parameters_round_trip() -> None:
    net = layered_network([2, 3, 1], ["tanh", "tanh"], seed=3)
    plan = compile_network(net, np.float64)
    for p in plan.parameters():
        p *= 2
    plan.write_back(net)
    other = compile_network(net, np.float64)
    for a, b in zip(plan.parameters(), other.parameters(), strict=True):
        np.testing.assert_allclose(a, b)
    net.set_weights({"i0>h1_0": 9.0})
    plan.read_parameters(net)
    assert plan.weights_by_edge()["i0>h1_0"] == 9.0


def test_networks_without_inputs_or_outputs_do_not_compile() -> None:
    with pytest.raises(GraphError, match="no output"):
        compile_network(Network.from_parts([Neuron("i", Role.INPUT, "identity")], []))
    with pytest.raises(GraphError, match="no input"):
        compile_network(Network.from_parts([Neuron("o", Role.OUTPUT, "tanh")], []))


def test_activation_table_is_closed_and_complete() -> None:
    assert set(ACTIVATIONS) == {"identity", "sigmoid", "tanh", "relu", "step", "softmax"}
    assert set(LOSSES) == {"squared", "absolute", "cross_entropy"}


def test_seed_002_error_table_with_absolute_error() -> None:
    truth = np.array([0.0, 0.0, 0.0, 1.0])
    answer = np.array([0.5, 0.75, -0.25, -0.75])
    error = LOSSES["absolute"].elementwise(answer, truth)
    np.testing.assert_allclose(error, [0.5, 0.75, 0.25, 1.75])
    assert LOSSES["absolute"].per_sample(answer, truth) == pytest.approx(3.25)


def test_engine_never_imports_qt() -> None:
    engine = Path(__file__).resolve().parents[2] / "nnstudio" / "engine"
    for path in engine.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"}, path


def test_check_neuron_fields_is_a_dry_run_of_set_neuron_fields() -> None:
    net = _chain()
    before = [n.copy() for n in net]
    for changes, fragment in [
        ({"b": {"role": "input"}}, "cannot be an input"),
        ({"b": {"activation": "softmax"}}, "softmax"),
        ({"b": {"role": "boss"}}, "unknown role"),
        ({"b": {"colour": "red"}}, "no field"),
        ({"zz": {"bias": 1.0}}, "no neuron"),
    ]:
        with pytest.raises(GraphError, match=fragment):
            net.check_neuron_fields(changes)
    assert [n.copy() for n in net] == before
    net.check_neuron_fields({"b": {"bias": 2.0, "activation": "relu"}})
    assert net.neurons["b"].bias == 0.0


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "x"])
def test_weights_and_biases_must_be_finite_numbers(bad) -> None:
    net = _chain()
    with pytest.raises(GraphError, match="number"):
        net.set_weights({"a>b": bad})
    with pytest.raises(GraphError, match="number"):
        net.set_neuron_fields({"a": {"bias": bad}})
    assert net.edges["a>b"].weight == 1.0 and net.neurons["a"].bias == 0.0


def _dense(without_one: bool = False) -> Network:
    net = dense_network([20, 30, 30, 4], "tanh", seed=7)
    if without_one:
        net.remove(edge_ids=[next(iter(net.edges))])
    return net


@pytest.mark.parametrize(
    "make",
    [
        lambda: _dense(),
        lambda: _dense(without_one=True),
        lambda: layered_network([20, 30, 30, 4], ["tanh"] * 3, skip=True, seed=7),
        lambda: layered_network([6, 5, 3], ["tanh"] * 2, sparse=0.4, seed=7),
    ],
)
def test_each_connections_index_holds_its_weight(make) -> None:
    net = make()
    plan = compile_network(net)
    index = plan.edge_index()
    assert index.size == len(net.edges) and np.unique(index).size == index.size
    expected = np.array([net.edges[eid].weight for eid in plan.edge_ids()], dtype=plan.flat.dtype)
    np.testing.assert_array_equal(plan.flat[index], expected)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_numbers_beyond_float32_are_infinite_in_a_float32_plan_without_a_warning() -> None:
    """A file may hold 1e308; a float32 plan holds up to about 3.4e38. Compiling and every way of reading
    the numbers again give infinity, quietly (the outputs then say "not a number" in words elsewhere)."""
    net = Network.from_parts(
        [Neuron("a", Role.INPUT, "identity"), Neuron("b", Role.OUTPUT, "sigmoid", bias=-1e300)],
        [Edge("a>b", "a", "b", 1e308)],
    )
    plan = compile_network(net, np.float32)
    assert plan.flat.tolist() == [np.inf, -np.inf]
    plan.flat[:] = 0
    plan.read_parameters(net)
    assert plan.flat.tolist() == [np.inf, -np.inf]
    plan.flat[:] = 0
    plan.read_weights(net, ["a>b"])
    plan.read_biases(net, ["b"])
    assert plan.flat.tolist() == [np.inf, -np.inf]
