"""Receptive fields of feature maps: one per kernel of a convolutional layer (not one per pixel of the map), the
window of input pixels it sees, its preferred input there, and the images that excite the map most."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.document.builders import conv_network, parse_network_spec
from nnstudio.engine.plan import compile_network
from nnstudio.engine.receptive import (
    channel_fields,
    forward_to,
    input_window,
    receptive_fields,
)

LOW_HIGH = (0.0, 1.0)


@pytest.fixture(scope="module")
def plan():
    # 10x10 input, 3 kernels 3x3 (8x8 maps, ReLU), max-pool 2 (4x4), 2 kernels 3x3 (2x2), 4 outputs.
    return compile_network(conv_network(parse_network_spec("10x10-c3k3-p2-c2k3-4"), seed=1), np.float64)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(0.0, 1.0, (300, 100))


def test_the_pass_up_to_a_level_is_the_whole_pass_cut_short(plan, images):
    whole = plan.forward(images[:20])
    for level in range(1, len(plan.levels)):
        part = forward_to(plan, images[:20], level)
        assert len(part.activations) == level + 1
        assert np.allclose(part.activations[level], whole.activations[level])


def test_the_window_of_a_map_grows_through_pooling_and_the_next_kernel(plan):
    assert input_window(plan, 1, 4, 4) == (4, 4, 3, 3)  # a 3x3 kernel sees 3x3 pixels
    assert input_window(plan, 2, 2, 2) == (4, 4, 4, 4)  # pooling 2x2 of those: 4x4
    assert input_window(plan, 3, 1, 1) == (2, 2, 8, 8)  # another 3x3 kernel over the pooled map: 8x8
    assert input_window(plan, 4, 0, 0) is None  # the outputs are no map


def test_a_first_conv_layer_has_one_exact_field_per_kernel(plan, images):
    maps = channel_fields(plan, 1, LOW_HIGH, images)
    conv = plan.convs[0]
    assert len(maps) == 3  # three kernels, not 192 neurons
    for c, field in enumerate(maps):
        assert field.channel == c and field.window == (4, 4, 3, 3)
        assert np.array_equal(field.kernel, conv.kernel[c, 0])
        assert field.field.exact and field.found
        patch, grid = field.patch((10, 10))
        assert grid == (3, 3)
        kernel = conv.kernel[c, 0].ravel()
        care = ~patch.indifferent
        assert np.array_equal(patch.pattern[care], np.where(kernel > 0, 1.0, 0.0)[care])
        # Nothing in the input range drives the map's central neuron higher.
        li, i = plan.position[field.neuron]
        assert field.field.activation >= plan.forward(images).activations[li][:, i].max() - 1e-9


def test_the_images_that_excite_a_map_most_are_its_highest_anywhere(plan, images):
    maps = channel_fields(plan, 3, LOW_HIGH, images, count=5)
    acts = plan.forward(images).activations[3].reshape(len(images), 2, 4)
    for c, field in enumerate(maps):
        peaks = acts[:, c].max(axis=1)
        assert np.allclose(field.strongest_values, np.sort(peaks)[::-1][:5])
        assert np.allclose(peaks[field.strongest], field.strongest_values)
    assert len({tuple(m.strongest) for m in channel_fields(plan, 1, LOW_HIGH, images)}) > 1


def test_a_max_pooling_map_prefers_what_the_map_it_pools_prefers(plan, images):
    below = channel_fields(plan, 1, LOW_HIGH, images)
    pooled = channel_fields(plan, 2, LOW_HIGH, images)
    for under, over in zip(below, pooled, strict=True):
        assert np.array_equal(under.field.pattern, over.field.pattern)
        assert over.field.activation >= under.field.activation - 1e-12
        assert over.window == (4, 4, 4, 4)


def test_a_map_that_is_off_for_every_input_is_said_to_be_not_found():
    network = conv_network(parse_network_spec("10x10-c3k3-p2-c2k3-4"), seed=1)
    plan = compile_network(network, np.float64)
    conv = plan.convs[2]
    kernel, bias = conv.split(plan.flat)
    bias[0] = -1e6  # the second conv layer's first map is 0 whatever the input
    images = np.random.default_rng(1).uniform(0.0, 1.0, (50, 100))
    first, second = channel_fields(plan, 3, LOW_HIGH, images)
    assert not first.found
    assert second.found and second.field.activation > 0
    assert (first.strongest_values <= 0).all()


def test_a_dense_neuron_after_dead_relus_is_climbed_from_a_given_start(plan, images):
    """From grey every ReLU of the first layer can be 0: no slope to climb. An image that excites the neuron
    is a start that has one."""
    network = conv_network(parse_network_spec("10x10-c3k3-p2-c2k3-4"), seed=1)
    plan = compile_network(network, np.float64)
    kernel, bias = plan.convs[0].split(plan.flat)
    bias[:] = -kernel.reshape(3, -1).clip(0).sum(axis=1) * 0.5  # off at grey, on for some images
    output = plan.output_ids[0]
    from_grey = receptive_fields(plan, [output], LOW_HIGH)[output]
    assert not from_grey.found
    values = plan.forward(images).activations[-1][:, 0]
    start = images[int(np.argmax(values))]
    climbed = receptive_fields(plan, [output], LOW_HIGH, starts={output: start})[output]
    assert climbed.found and climbed.activation >= values.max() - 1e-9
