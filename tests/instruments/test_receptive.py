"""Receptive fields: the input that drives a neuron highest, exact for the first layer, searched or climbed
deeper, and drawn as the texts draw it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnstudio.data import load_dataset
from nnstudio.engine.plan import compile_network
from nnstudio.engine.receptive import (
    CHECK_DARK,
    CHECK_LIGHT,
    WEIGHT_NEGATIVE,
    WEIGHT_POSITIVE,
    activation_gradient,
    field_pixels,
    first_layer_weights,
    receptive_field,
    receptive_fields,
    strongest_samples,
    weight_pixels,
)
from nnstudio.examples import load_example

# All 16 black-and-white four-pixel images, and all 81 with grey pixels too.
BLACK_WHITE = np.array(list(itertools.product((-1.0, 1.0), repeat=4)))
WITH_GREY = np.array(list(itertools.product((-1.0, 0.0, 1.0), repeat=4)))


@pytest.fixture(scope="module")
def camera():
    document = load_example("four-pixel-camera")
    return document, compile_network(document.network, np.float64)


def test_a_first_layer_field_is_the_sign_pattern_of_its_weights_and_nothing_drives_it_higher(camera):
    document, plan = camera
    first = plan.levels[1].ids
    assert first
    for nid in first:
        field = receptive_field(plan, nid, document.value_range)
        weights = first_layer_weights(plan, nid)
        assert field.method == "weights" and field.exact
        assert np.array_equal(field.pattern, np.sign(weights))
        # A pixel without a connection does not matter: checkered, and grey in the pattern.
        assert np.array_equal(field.indifferent, weights == 0)
        li, i = plan.position[nid]
        for images in (BLACK_WHITE, WITH_GREY):
            everything = plan.forward(images).activations[li][:, i]
            assert everything.max() <= field.activation + 1e-12
        assert field.activation == pytest.approx(everything.max())


def test_every_camera_neuron_reaches_its_best_over_all_four_pixel_images(camera):
    document, plan = camera
    fields = receptive_fields(plan, None, document.value_range)
    assert set(fields) == {nid for level in plan.levels[1:] for nid in level.ids}
    for nid, field in fields.items():
        li, i = plan.position[nid]
        best = plan.forward(WITH_GREY).activations[li][:, i].max()
        assert field.activation >= best - 1e-9, nid
        assert plan.forward(field.pattern).activations[li][0, i] == pytest.approx(field.activation)
        assert ((field.pattern >= -1) & (field.pattern <= 1)).all()
    # Deeper neurons are found by searching the images, and name a definite image.
    assert fields["o0"].method == "search"
    assert not fields["o0"].indifferent.any()


def test_the_shapes_outputs_see_their_shapes():
    document = load_example("three-by-three-shapes")
    plan = compile_network(document.network, np.float64)
    fields = receptive_fields(plan, plan.output_ids, document.value_range)
    images = np.array(list(itertools.product((-1.0, 1.0), repeat=9)))
    for nid, field in fields.items():
        li, i = plan.position[nid]
        assert field.activation >= plan.forward(images).activations[li][:, i].max() - 1e-9
    # Each output's best image is one the network answers with that output.
    for k, nid in enumerate(plan.output_ids):
        assert int(np.argmax(plan.forward(fields[nid].pattern).output[0])) == k, nid


def test_gradient_ascent_climbs_a_digit_neuron_inside_the_input_range():
    document = load_example("digits")
    plan = compile_network(document.network, np.float64)
    low, high = document.value_range
    nid = plan.levels[2].ids[0]
    field = receptive_field(plan, nid, document.value_range)
    assert field.method == "gradient_ascent"
    assert ((field.pattern >= low) & (field.pattern <= high)).all()
    data = load_dataset("digits:test")
    li, i = plan.position[nid]
    seen = plan.forward(data.inputs[:500].astype(np.float64)).activations[li][:, i]
    assert field.activation >= seen.max() - 1e-6
    grey = plan.forward(np.full(plan.n_inputs, (low + high) / 2)).activations[li][0, i]
    assert field.activation > grey


def test_the_slope_of_a_hidden_activation_matches_nudging():
    document = load_example("three-by-three-shapes")
    plan = compile_network(document.network, np.float64)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (3, 9))
    nid = plan.levels[2].ids[1]
    li, i = plan.position[nid]
    seed = np.zeros((3, len(plan.levels[li].ids)))
    seed[:, i] = 1.0
    slope = activation_gradient(plan, plan.forward(x), li, seed)
    h = 1e-6
    for k in range(9):
        up, down = x.copy(), x.copy()
        up[:, k] += h
        down[:, k] -= h
        nudged = (plan.forward(up).activations[li][:, i] - plan.forward(down).activations[li][:, i]) / (2 * h)
        assert np.allclose(slope[:, k], nudged, atol=1e-6)


def test_the_nine_strongest_digits_are_the_ones_that_excite_a_neuron_most():
    document = load_example("digits")
    plan = compile_network(document.network, np.float64)
    data = load_dataset("digits:test")
    nid = plan.levels[1].ids[4]
    rows, values = strongest_samples(plan, nid, data.inputs, 9)
    li, i = plan.position[nid]
    every = plan.forward(data.inputs.astype(np.float64)).activations[li][:, i]
    assert len(rows) == 9
    assert np.all(np.diff(values) <= 0)
    assert np.allclose(values, every[rows])
    assert values[-1] >= np.sort(every)[-9] - 1e-12


def test_pictures_are_black_to_white_checkered_where_it_does_not_care_and_weights_green_or_red(camera):
    document, plan = camera
    field = receptive_field(plan, plan.levels[1].ids[0], document.value_range)
    rgb = field_pixels(field, document.grid, cell=4)
    assert rgb.shape == (8, 8, 3)
    image = field.image(document.grid)
    cared = ~field.indifferent.reshape(2, 2)
    for r, c in zip(*np.nonzero(cared), strict=True):
        expected = 255 if image[r, c] > 0 else 0
        assert (rgb[r * 4 : r * 4 + 4, c * 4 : c * 4 + 4] == expected).all()
    for r, c in zip(*np.nonzero(~cared), strict=True):
        cell = {tuple(v) for v in rgb[r * 4 : r * 4 + 4, c * 4 : c * 4 + 4].reshape(-1, 3).tolist()}
        assert cell == {CHECK_LIGHT, CHECK_DARK}
    weights = weight_pixels(np.array([1.0, -0.5, 0.0, 0.25]), (2, 2), cell=1)
    assert tuple(weights[0, 0]) == WEIGHT_POSITIVE
    assert tuple(weights[0, 1]) == tuple(round(v / 2) for v in WEIGHT_NEGATIVE)
    assert tuple(weights[1, 0]) == (0, 0, 0)


def test_slopes_and_fields_go_through_convolution_and_pooling():
    from nnstudio.document.builders import conv_network, parse_network_spec

    plan = compile_network(conv_network(parse_network_spec("6x6-c2k3p1-p2-3"), seed=1), np.float64)
    assert plan.convs
    x = np.random.default_rng(0).uniform(0, 1, (2, 36))
    for li in range(1, len(plan.levels)):
        i = len(plan.levels[li].ids) // 2
        seed = np.zeros((2, len(plan.levels[li].ids)))
        seed[:, i] = 1.0
        slope = activation_gradient(plan, plan.forward(x), li, seed)
        h = 1e-6
        for k in (0, 7, 14, 35):
            up, down = x.copy(), x.copy()
            up[:, k] += h
            down[:, k] -= h
            nudged = (plan.forward(up).activations[li][:, i] - plan.forward(down).activations[li][:, i]) / (
                2 * h
            )
            assert np.allclose(slope[:, k], nudged, atol=1e-6)
    conv_neuron = plan.levels[1].ids[7]
    field = receptive_field(plan, conv_neuron, (0.0, 1.0))
    assert field.method == "gradient_ascent"  # a convolution's neuron is climbed, not read off a matrix row
    assert field.activation >= plan.forward(np.full(36, 0.5)).activations[1][0, 7] - 1e-9


def skip_network():
    """Inputs feeding neurons several levels on, as a hand-built graph may (the plan runs it as a general
    graph, on one buffer of every level)."""
    from nnstudio.engine.graph import Edge, Network, Neuron, Role

    rng = np.random.default_rng(0)
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity") for k in range(3)]
    neurons += [
        Neuron("a", Role.HIDDEN, "tanh"),
        Neuron("b", Role.HIDDEN, "relu"),
        Neuron("c", Role.HIDDEN, "sigmoid"),
        Neuron("o", Role.OUTPUT, "tanh"),
    ]
    pairs = [
        ("i0", "a"),
        ("i1", "a"),
        ("a", "b"),
        ("i2", "b"),
        ("b", "c"),
        ("i0", "c"),
        ("a", "o"),
        ("c", "o"),
    ]
    pairs.append(("i1", "o"))
    edges = [Edge(f"{s}>{t}", s, t, float(rng.normal())) for s, t in pairs]
    return Network.from_parts(neurons, edges)


def test_slopes_and_fields_of_a_graph_that_skips_levels():
    plan = compile_network(skip_network(), np.float64)
    x = np.random.default_rng(1).uniform(-1, 1, (4, 3))
    for nid in ("a", "b", "c", "o"):
        li, i = plan.position[nid]
        seed = np.zeros((4, len(plan.levels[li].ids)))
        seed[:, i] = 1.0
        slope = activation_gradient(plan, plan.forward(x), li, seed)
        for k in range(3):
            up, down = x.copy(), x.copy()
            up[:, k] += 1e-6
            down[:, k] -= 1e-6
            nudged = (
                plan.forward(up).activations[li][:, i] - plan.forward(down).activations[li][:, i]
            ) / 2e-6
            assert np.allclose(slope[:, k], nudged, atol=1e-6)
    images = np.array(list(itertools.product((-1.0, 0.0, 1.0), repeat=3)))
    for nid, field in receptive_fields(plan, None, (-1.0, 1.0)).items():
        li, i = plan.position[nid]
        assert field.activation >= plan.forward(images).activations[li][:, i].max() - 1e-9
