"""Training images from old ones (nnstudio.data.augment): moved, turned and drawn with another pen, exactly
where the change is exact, within the input's range, and the same for the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data.augment import Augmentation, augment, change_stroke, transform


def _digit() -> np.ndarray:
    """A 12 x 10 picture of a thick '7': its bar along the top, its stem down the middle."""
    image = np.zeros((12, 10), np.float32)
    image[2:4, 2:8] = 1.0
    image[4:10, 5:7] = 0.8
    return image


def test_no_change_gives_the_same_image() -> None:
    images = _digit()[None]
    same = transform(images, np.zeros(1), np.zeros((1, 2)), np.ones(1))
    np.testing.assert_array_equal(same, images)
    unchanged = Augmentation(shift=0, degrees=0, scale=0, thicker=0, thinner=0)
    flat = images.reshape(1, -1)
    np.testing.assert_array_equal(augment(flat, (10, 12), np.random.default_rng(0), unchanged), flat)


def test_a_whole_pixel_shift_moves_the_picture_and_fills_with_black() -> None:
    image = _digit()
    moved = transform(image[None], np.zeros(1), np.array([[2.0, -1.0]]), np.ones(1))[0]
    expected = np.zeros_like(image)
    expected[2:, :-1] = image[:-2, 1:]
    np.testing.assert_allclose(moved, expected, atol=1e-6)


def test_a_quarter_turn_turns_the_picture_clockwise() -> None:
    square = np.zeros((9, 9), np.float32)
    square[1:3, 2:7] = 1.0  # a bar at the top
    turned = transform(square[None], np.array([np.pi / 2]), np.zeros((1, 2)), np.ones(1))[0]
    np.testing.assert_allclose(turned, np.rot90(square, -1), atol=1e-6)


def test_the_pen_gets_bolder_or_finer() -> None:
    images = np.stack([_digit(), _digit(), _digit()])
    changed = change_stroke(images, np.array([True, False, False]), np.array([False, True, False]))
    bold, fine, same = changed
    assert bold.sum() > images[0].sum() and (bold >= images[0]).all()
    assert fine.sum() < images[1].sum() and (fine <= images[1]).all()
    np.testing.assert_array_equal(same, images[2])


@pytest.mark.parametrize("seed", [0, 1])
def test_augmenting_keeps_the_range_and_repeats_for_a_seed(seed: int) -> None:
    rng = np.random.default_rng(5)
    inputs = np.stack([_digit().ravel() for _ in range(6)]) * rng.uniform(0.5, 1.0, (6, 1)).astype(np.float32)
    first = augment(inputs, (10, 12), np.random.default_rng(seed))
    again = augment(inputs, (10, 12), np.random.default_rng(seed))
    np.testing.assert_array_equal(first, again)
    assert first.shape == inputs.shape and first.dtype == inputs.dtype
    assert first.min() >= inputs.min() and first.max() <= inputs.max()
    # Each image changed, and still holds most of its ink.
    assert not np.array_equal(first, inputs)
    assert (first.sum(axis=1) > 0.5 * inputs.sum(axis=1)).all()
