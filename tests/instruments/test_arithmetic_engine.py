"""A neuron's arithmetic, written out as the source texts write it."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.explain import explain
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.examples import list_examples, load_example


def slide_neuron(bias: float = 0.0, activation: str = "tanh") -> Network:
    """The neuron of "How neural networks work": weights -0.2, 0, 0.8, -0.5 on four pixels."""
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity") for k in range(4)]
    neurons.append(Neuron("o0", Role.OUTPUT, activation, bias))
    weights = [-0.2, 0.0, 0.8, -0.5]
    edges = [Edge(f"i{k}>o0", f"i{k}", "o0", w) for k, w in enumerate(weights)]
    return Network.from_parts(neurons, edges)


def test_the_slides_sum_and_squash() -> None:
    arithmetic = explain(slide_neuron(), "o0", np.array([0.5, 0.0, -0.75, 0.75]))
    assert arithmetic.lines() == [
        "0.50 x -0.20 + 0.00 x 0.00 + -0.75 x 0.80 + 0.75 x -0.50 = -1.075",
        "tanh(-1.075) = -0.791",
    ]
    assert [t.product for t in arithmetic.terms] == [-0.1, 0.0, -0.6000000000000001, -0.375]
    assert abs(arithmetic.weighted_sum - -1.075) < 1e-12


def test_a_bias_is_written_as_its_own_term() -> None:
    arithmetic = explain(slide_neuron(bias=0.1), "o0", np.array([0.5, 0.0, -0.75, 0.75]))
    assert arithmetic.sum_line().endswith("+ 0.10 (bias) = -0.975")


def test_the_festival_reads_as_a_threshold() -> None:
    network = load_example("festival").network
    day = explain(network, "o0", np.array([3.0, 2.0, 4.0, 2.0]))
    assert day.lines() == ["3x4 + 2x2 + 4x2 + 2x1 = 26 > 25 -> go"]
    assert (day.weighted_sum, day.threshold, day.fires) == (26.0, 25.0, True)
    rain = explain(network, "o0", np.array([1.0, 3.0, 4.0, 2.0]))
    assert rain.lines() == ["1x4 + 3x2 + 4x2 + 2x1 = 20 < 25 -> not go"]
    edge = explain(network, "o0", np.array([3.0, 2.0, 3.0, 3.0]))
    assert edge.lines() == ["3x4 + 2x2 + 3x2 + 3x1 = 25, not above 25 -> not go"]


def test_an_unlabelled_step_neuron_fires_or_stays_quiet() -> None:
    network = slide_neuron(bias=-0.5, activation="step")
    network.set_neuron_fields({"o0": {"label": ""}})
    line = explain(network, "o0", np.array([0.5, 0.0, -0.75, 0.75])).sum_line()
    assert line.endswith("= -1.075 < 0.500 -> stays quiet")


def test_softmax_is_written_with_its_exponentials() -> None:
    neurons = [Neuron("i0", Role.INPUT, "identity")]
    neurons += [Neuron(f"o{k}", Role.OUTPUT, "softmax", 0.0) for k in range(3)]
    edges = [Edge(f"i0>o{k}", "i0", f"o{k}", w) for k, w in enumerate([1.0, 0.0, -1.0])]
    arithmetic = explain(Network.from_parts(neurons, edges), "o0", np.array([1.0]))
    e = np.exp([1.0, 0.0, -1.0])
    assert arithmetic.activation_line() == (
        f"softmax: e^1.000 / (e^1.000 + e^0.000 + e^-1.000) = {e[0]:.3f} / {e.sum():.3f} = {e[0] / e.sum():.3f}"
    )


def test_a_wide_neuron_shows_its_largest_terms_and_sums_the_rest() -> None:
    document = load_example("digits")
    inputs = np.linspace(0, 1, 784)
    arithmetic = explain(document.network, "h1_0", inputs)
    shown = arithmetic.shown_terms()
    assert len(shown) == 6 and len(arithmetic.terms) == 784
    smallest_shown = min(abs(t.product) for t in shown)
    assert all(abs(t.product) <= smallest_shown for t in arithmetic.terms if t not in shown)
    count, rest = arithmetic.hidden_terms()
    assert count == 778
    assert f"+ 778 more terms summing to {rest:.3f} +" in arithmetic.sum_line()
    assert abs(sum(t.product for t in shown) + rest - arithmetic.weighted_sum) < 1e-9
    assert abs(arithmetic.weighted_sum + arithmetic.bias - arithmetic.sum) < 1e-9


def test_an_input_says_it_is_one() -> None:
    network = load_example("festival").network
    assert explain(network, "i0", np.array([3.0, 2.0, 4.0, 2.0])).lines() == [
        "weather is an input: its value is 3"
    ]


def test_large_exponentials_are_written_short() -> None:
    neurons = [Neuron("i0", Role.INPUT, "identity")]
    neurons += [Neuron(f"o{k}", Role.OUTPUT, "softmax", 0.0) for k in range(2)]
    edges = [Edge(f"i0>o{k}", "i0", f"o{k}", w) for k, w in enumerate([25.0, 0.0])]
    line = explain(Network.from_parts(neurons, edges), "o1", np.array([1.0])).activation_line()
    assert line == f"softmax: e^0.000 / (e^25.000 + e^0.000) = 1.000 / {np.exp(25) + 1:.4g} = 1.4e-11"


def test_a_convolution_neuron_reads_its_kernel_over_its_window() -> None:
    from nnstudio.document.builders import conv_network, parse_network_spec
    from nnstudio.engine.plan import compile_network

    network = conv_network(parse_network_spec("6x6-c2k3p1-p2-3"), seed=1)
    inputs = np.random.default_rng(0).uniform(0, 1, 36)
    plan = compile_network(network, np.float64)
    sums = plan.neuron_values(plan.forward(inputs))
    corner = explain(network, "conv1_1_0_0", inputs)
    # Kernel 2 at the top-left corner: padding leaves a 2 x 2 part of the window on the image.
    assert corner.where == "kernel 2 of conv1 over a 3 x 3 window of input, at row 1, column 1:"
    assert [t.source for t in corner.terms] == ["i0", "i1", "i6", "i7"]
    assert corner.weighted_sum + corner.bias == pytest.approx(sums["conv1_1_0_0"][0])
    middle = explain(network, "conv1_0_2_3", inputs)
    assert len(middle.terms) == 9
    assert "+ 3 more terms summing to" in middle.sum_line()
    assert middle.weighted_sum + middle.bias == pytest.approx(sums["conv1_0_2_3"][0])
    pooled = explain(network, "pool1_1_1_1", inputs)
    window = [sums[f"conv1_1_{r}_{c}"][1] for r in (2, 3) for c in (2, 3)]
    assert [t.value for t in pooled.terms] == pytest.approx(window)
    assert pooled.lines()[1] == f"max({', '.join(f'{v:.2f}' for v in window)}) = {max(window):.3f}"


@pytest.mark.parametrize("name", [e.name for e in list_examples()])
def test_every_neurons_arithmetic_adds_up_to_what_the_network_computes(name: str) -> None:
    """The written terms and bias make each neuron's sum, and its value is what the network holds: checked
    on up to 300 neurons of every example (all of the small ones) for a random input in range."""
    from nnstudio.engine.explain import neuron_arithmetic
    from nnstudio.engine.plan import compile_network

    document = load_example(name)
    plan = compile_network(document.network, np.float64)
    rng = np.random.default_rng(7)
    fw = plan.forward(rng.uniform(*document.value_range, plan.n_inputs))
    values = plan.neuron_values(fw)
    ids = [nid for level in plan.levels[1:] for nid in level.ids]
    for nid in [ids[int(k)] for k in np.linspace(0, len(ids) - 1, min(300, len(ids)))]:
        arithmetic = neuron_arithmetic(document.network, plan, nid, fw)
        z, a = values[nid]
        scale = 1e-9 * max(1.0, sum(abs(t.product) for t in arithmetic.terms))
        if arithmetic.pooling:
            assert arithmetic.sum == pytest.approx(z, abs=scale)
        else:
            assert arithmetic.weighted_sum + arithmetic.bias == pytest.approx(z, abs=scale), nid
        assert arithmetic.value == a
        assert arithmetic.lines(), nid
