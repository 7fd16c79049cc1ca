"""The kernel lab's presets and plain convolution give the outputs worked out by hand."""

import numpy as np
import pytest

from nnstudio.engine.kernels import (
    PRESETS,
    convolve2d,
    fitting_paddings,
    fitting_strides,
    output_size,
    preset_kernel,
    sum_terms,
    written_sum,
)

# A 5x5 picture: black, with a white 3x3 square in the middle.
SQUARE = np.zeros((5, 5))
SQUARE[1:4, 1:4] = 1.0


def test_blur_averages_the_nine_pixels_under_it():
    out = convolve2d(SQUARE, preset_kernel("blur"))
    assert out.shape == (3, 3)
    expected = np.array([[4, 6, 4], [6, 9, 6], [4, 6, 4]]) / 9
    np.testing.assert_allclose(out, expected)


def test_sharpen_keeps_flat_areas_and_brightens_corners():
    out = convolve2d(SQUARE, preset_kernel("sharpen"))
    # The middle is flat white: 5 - 4 = 1. A corner of the square has two black neighbours: 5 - 2 = 3.
    np.testing.assert_allclose(out, [[3, 2, 3], [2, 1, 2], [3, 2, 3]])


def test_horizontal_edges_light_up_where_the_picture_changes_going_down():
    ramp = np.repeat(np.array([[0.0], [0.0], [1.0], [1.0]]), 4, axis=1)
    out = convolve2d(ramp, preset_kernel("edges_horizontal"))
    np.testing.assert_allclose(out, [[4, 4], [4, 4]])
    assert np.allclose(convolve2d(ramp, preset_kernel("edges_vertical")), 0.0)


def test_vertical_edges_light_up_where_the_picture_changes_going_right():
    ramp = np.repeat(np.array([[0.0, 0.0, 1.0, 1.0]]), 4, axis=0)
    np.testing.assert_allclose(convolve2d(ramp, preset_kernel("edges_vertical")), [[4, 4], [4, 4]])


def test_edge_and_outline_kernels_are_zero_on_a_flat_picture():
    flat = np.full((4, 4), 0.7)
    for name in ("edges_all", "outline", "edges_horizontal", "edges_vertical"):
        assert np.allclose(convolve2d(flat, preset_kernel(name)), 0.0), name


def test_outline_of_the_square():
    out = convolve2d(SQUARE, preset_kernel("outline"), padding=1)
    # Padding 1 keeps the size. The square's centre has eight white neighbours: 8 - 8 = 0.
    assert out.shape == (5, 5)
    assert out[2, 2] == pytest.approx(0.0)
    assert out[1, 1] == pytest.approx(8 - 3)
    assert out[0, 0] == pytest.approx(-1.0)


def test_identity_and_emboss():
    np.testing.assert_allclose(convolve2d(SQUARE, preset_kernel("identity"), padding=1), SQUARE)
    out = convolve2d(SQUARE, preset_kernel("emboss"))
    assert out[1, 1] == pytest.approx(1.0)  # flat: the emboss numbers sum to 1


def test_stride_and_five_by_five():
    image = np.arange(36, dtype=float).reshape(6, 6)
    out = convolve2d(image, preset_kernel("identity", 5), stride=1)
    np.testing.assert_allclose(out, image[2:4, 2:4])
    strided = convolve2d(image, preset_kernel("identity"), stride=3)
    np.testing.assert_allclose(strided, image[1::3, 1::3])
    assert preset_kernel("blur", 5).sum() == pytest.approx(1.0)


def test_sizes_that_fit():
    assert output_size(28, 3) == 26
    assert output_size(28, 5, stride=2, padding=2) == 14
    assert fitting_paddings(28, 5) == [0, 1, 2]
    assert fitting_paddings(2, 3) == [1]
    # 28 + 0 - 3 = 25 steps of the kernel: only strides dividing 25 land on the far edge.
    assert fitting_strides(28, 3, 0) == [1]
    assert fitting_strides(28, 3, 1) == [1, 3]
    assert fitting_strides(28, 5, 2, largest=4) == [1, 3]
    assert fitting_strides(28, 5, 1, largest=4) == [1]


def test_a_sum_written_out_term_by_term():
    terms = sum_terms(SQUARE, preset_kernel("sharpen"), 0, 0)
    assert len(terms) == 9
    text = written_sum(terms)
    assert text == "(-1) x 0 + (-1) x 0 + 5 x 1 + (-1) x 1 + (-1) x 1 = 3"


def test_every_preset_is_square_and_named():
    for name, preset in PRESETS.items():
        assert np.array(preset.values).shape == (3, 3), name
        assert preset.title and preset.effect
    with pytest.raises(KeyError, match="unknown kernel"):
        preset_kernel("nonsense")
