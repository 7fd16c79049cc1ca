"""Dreaming: nudging a picture uphill for a neuron raises that neuron, output or hidden, inside the range."""

import numpy as np
import pytest

from nnstudio.data.digits import digits_test
from nnstudio.engine.imagine import (
    DreamSettings,
    ImagineError,
    activation,
    blur,
    dream,
    find_neuron,
    neuron_gradient,
    noise_picture,
    strongest_samples,
    sum_gradient,
    total_variation_slope,
)
from nnstudio.engine.plan import compile_network
from nnstudio.examples import load_example


@pytest.fixture(scope="module")
def digits():
    doc = load_example("digits")
    plan = compile_network(doc.network)
    labels = [doc.network.neurons[nid].display_name for nid in plan.output_ids]
    return doc, plan, labels


def _numeric_slope(plan, x, nid, index, h=1e-2):
    e = np.zeros_like(x)
    e[index] = h
    return (activation(plan, x + e, nid)[0] - activation(plan, x - e, nid)[0]) / (2 * h)


@pytest.mark.parametrize("where", ["output", "hidden"])
def test_the_slope_of_a_neuron_matches_nudging_the_pixels(digits, where):
    doc, plan, labels = digits
    nid = find_neuron(plan, "5", labels) if where == "output" else plan.levels[2].ids[3]
    x = digits_test().inputs[7].astype(np.float64)
    slope = neuron_gradient(plan, x, nid)
    assert slope.shape == (784,)
    for index in np.argsort(-np.abs(slope))[:3]:
        assert slope[index] == pytest.approx(_numeric_slope(plan, x, nid, index), rel=0.05, abs=1e-6)


@pytest.mark.parametrize("target", ["3", "hidden"])
def test_dreaming_raises_the_neuron_and_stays_in_range(digits, target):
    doc, plan, labels = digits
    start = noise_picture(plan.n_inputs, doc.value_range, seed=1)
    if target == "hidden":  # the hidden neuron that is quietest on the starting picture
        level = plan.forward(start).activations[1][0]
        nid = plan.levels[1].ids[int(np.argmin(level))]
    else:
        nid = find_neuron(plan, target, labels)
    result = dream(plan, start, nid, doc.value_range, doc.grid, DreamSettings(steps=25))
    assert result.after > result.before + 0.3
    assert result.picture.min() >= 0.0 and result.picture.max() <= 1.0
    assert result.after == pytest.approx(activation(plan, result.picture, nid)[0], abs=1e-5)


def test_dreaming_from_a_digit_and_without_regularisers(digits):
    doc, plan, labels = digits
    data = digits_test()
    start = data.inputs[int(np.flatnonzero(data.classes == 1)[0])]
    nid = find_neuron(plan, "8", labels)
    plain = DreamSettings(steps=15, blur_every=0, total_variation=0.0)
    result = dream(plan, start, nid, doc.value_range, doc.grid, plain, keep_frames=True)
    assert result.after > result.before
    assert len(result.frames) == 15 and len(result.values) == 15


def test_the_regularisers_smooth_a_picture():
    rng = np.random.default_rng(0)
    speckle = rng.random(64)
    smoother = blur(speckle, (8, 8))
    assert (
        np.abs(np.diff(smoother.reshape(8, 8), axis=1)).mean()
        < np.abs(np.diff(speckle.reshape(8, 8), axis=1)).mean()
    )
    flat = np.full(64, 0.4)
    assert np.allclose(total_variation_slope(flat, (8, 8)), 0.0)
    # Going against the smoothness slope makes neighbouring pixels more alike.
    smoothed = speckle - 0.05 * total_variation_slope(speckle, (8, 8))

    def tv(p):
        img = p.reshape(8, 8)
        return (np.diff(img, axis=0) ** 2).sum() + (np.diff(img, axis=1) ** 2).sum()

    assert tv(smoothed) < tv(speckle)


def test_the_real_digits_exciting_a_neuron_most(digits):
    doc, plan, labels = digits
    data = digits_test()
    rows, values = strongest_samples(plan, data.inputs[:400], find_neuron(plan, "0", labels), 5)
    assert len(rows) == 5 and list(values) == sorted(values, reverse=True)
    assert (data.classes[rows] == 0).sum() >= 4


def test_unknown_neuron_is_one_clear_line(digits):
    _doc, plan, labels = digits
    with pytest.raises(ImagineError, match="no neuron 'x9'"):
        find_neuron(plan, "x9", labels)


def test_the_slope_of_a_weighted_sum_matches_nudging_the_pixels(digits):
    _doc, plan, _labels = digits
    nid = plan.levels[2].ids[5]
    level, index = plan.position[nid]
    x = digits_test().inputs[11].astype(np.float64)
    slope = sum_gradient(plan, x, nid)[0]

    def weighted_sum(v):
        return float(plan.forward(v).sums[level][0, index])

    for pixel in np.argsort(-np.abs(slope))[:3]:
        e = np.zeros_like(x)
        e[pixel] = 1e-2
        nudged = (weighted_sum(x + e) - weighted_sum(x - e)) / 2e-2
        assert slope[pixel] == pytest.approx(nudged, rel=0.05, abs=1e-5)


def _small_convnet():
    from nnstudio.document.builders import conv_network, parse_network_spec

    network = conv_network(parse_network_spec("8x8-c2k3-p2-3"), seed=4)
    return compile_network(network, dtype=np.float64)


@pytest.mark.parametrize("which", ["conv", "pool", "output"])
def test_slopes_go_through_convolution_and_pooling(which):
    plan = _small_convnet()
    nid = {"conv": "conv1_1_2_3", "pool": "pool1_0_1_1", "output": plan.output_ids[2]}[which]
    level, index = plan.position[nid]
    x = np.random.default_rng(5).random(64)
    slope = sum_gradient(plan, x, nid)[0]
    assert np.abs(slope).max() > 0

    def weighted_sum(v):
        return float(plan.forward(v).sums[level][0, index])

    for pixel in range(0, 64, 7):
        e = np.zeros(64)
        e[pixel] = 1e-5
        nudged = (weighted_sum(x + e) - weighted_sum(x - e)) / 2e-5
        assert slope[pixel] == pytest.approx(nudged, rel=1e-4, abs=1e-7)


def test_a_feature_map_can_be_dreamed_of():
    from nnstudio.engine.imagine import map_gradient

    plan = _small_convnet()
    x = np.random.default_rng(6).random(64)
    slope = map_gradient(plan, x, "conv1", 1)[0]
    conv = plan.convolution("conv1")
    level = conv.target

    def map_total(v):
        return float(plan.forward(v).sums[level][0].reshape(conv.out_shape)[1].sum())

    e = np.zeros(64)
    e[27] = 1e-5
    assert slope[27] == pytest.approx((map_total(x + e) - map_total(x - e)) / 2e-5, rel=1e-4)
    nid = "conv1_0_0_0"
    result = dream(plan, x, nid, (0.0, 1.0), (8, 8), DreamSettings(steps=10))
    assert result.after >= result.before


def test_dreaming_of_a_whole_feature_map():
    from nnstudio.engine.imagine import map_target, parse_map_target

    plan = _small_convnet()
    target = find_neuron(plan, "conv1#2")
    assert target == map_target("conv1", 1) and parse_map_target(plan, target) == ("conv1", 1)
    assert parse_map_target(plan, "conv1#3") is None
    start = noise_picture(64, (0.0, 1.0), seed=2)
    result = dream(plan, start, target, (0.0, 1.0), (8, 8), DreamSettings(steps=15))
    assert result.after > result.before
    maps = plan.feature_maps(plan.forward(result.picture), "conv1")
    assert result.after == pytest.approx(float(maps[1].mean()), abs=1e-9)
