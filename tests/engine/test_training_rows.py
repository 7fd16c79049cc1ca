"""Batch rows for the stacked training step: 8-bit pictures are kept as bytes and gathered back exactly,
anything else is gathered as it is, and training on either gives the same numbers to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import load_dataset
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.stack_step import StackStep
from nnstudio.engine.train import initialise
from nnstudio.engine.training_rows import TrainingRows, byte_levels

from .helpers import layered_network


def _levels(n: int, width: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, width)).astype(np.uint8)


def test_the_digits_are_kept_as_bytes_and_given_back_bit_for_bit() -> None:
    inputs = np.ascontiguousarray(load_dataset("digits:test").inputs, np.float32)
    levels = byte_levels(inputs)
    assert levels is not None and levels.codes.dtype == np.uint8
    assert levels.codes.shape == inputs.shape
    restored = levels.restore(levels.codes, np.empty_like(inputs))
    assert restored.tobytes() == inputs.tobytes()


@pytest.mark.parametrize(
    "scaled",
    [
        lambda k: k.astype(np.float32) * np.float32(1 / 255),  # the digits and IDX loaders
        lambda k: k.astype(np.float32) / np.float32(255),  # CSV files of 0..255
    ],
)
def test_both_ways_the_loaders_scale_0_to_255_are_recognised(scaled) -> None:
    inputs = scaled(_levels(300, 20))
    levels = byte_levels(inputs)
    assert levels is not None
    assert levels.restore(levels.codes, np.empty_like(inputs)).tobytes() == inputs.tobytes()


@pytest.mark.parametrize(
    "make",
    [
        # One value a bit off a level, far down the rows (past the first ones checked).
        lambda: _nudged(_levels(300, 20).astype(np.float32) * np.float32(1 / 255), 250),
        lambda: np.random.default_rng(1).uniform(0, 1, (50, 4)).astype(np.float32),
        lambda: _levels(50, 4).astype(np.float32) / np.float32(255) * 2 - 1,  # -1..1
        lambda: _levels(50, 4).astype(np.float32),  # 0..255 itself
        lambda: np.full((3, 2), np.nan, np.float32),
        lambda: np.zeros((0, 3), np.float32),
    ],
)
def test_anything_that_is_not_exactly_8_bit_levels_is_left_as_it_is(make) -> None:
    assert byte_levels(make()) is None


def _nudged(inputs: np.ndarray, row: int) -> np.ndarray:
    inputs[row, 3] = np.nextafter(inputs[row, 3], np.float32(2))
    return inputs


def test_float64_inputs_are_recognised_only_when_they_come_back_exactly() -> None:
    k = _levels(40, 6)
    # float32 levels widened to float64: a float64 product of a level and the scale does not round as the
    # float32 one did, so they are left as they are.
    assert byte_levels((k.astype(np.float32) * np.float32(1 / 255)).astype(np.float64)) is None
    # Levels divided by 255 in float64 come back exactly by the same division.
    exact = k.astype(np.float64) / 255
    levels = byte_levels(exact)
    assert levels is not None and levels.divide
    assert levels.restore(levels.codes, np.empty_like(exact)).tobytes() == exact.tobytes()


@pytest.mark.parametrize("batch", [1, 16, 150])
def test_a_step_on_8_bit_pictures_gives_the_same_gradient_as_on_the_plain_rows(batch) -> None:
    """The same step over the same rows, once gathered from bytes and once from the float rows, gives
    identical gradients, losses and errors."""
    k = _levels(200, 300, seed=3)
    x = k.astype(np.float32) * np.float32(1 / 255)
    y = np.eye(4, dtype=np.float32)[np.random.default_rng(4).integers(0, 4, 200)]
    results = []
    for as_bytes in (True, False):
        plan = compile_network(layered_network([300, 8, 4], ["sigmoid", "sigmoid"], seed=5), np.float32)
        initialise(plan, "xavier", seed=0)
        data = TrainingRows(x, y, plan.dtype)
        if not as_bytes:
            data.levels = None
        else:
            assert data.levels is not None
        grad = np.empty_like(plan.flat)
        step = StackStep(plan, LOSSES["squared"], batch, data, grad)
        mean, per_sample = step.run(np.random.default_rng(6).permutation(200)[:batch])
        results.append((grad.copy(), mean, per_sample.copy(), step.x.copy()))
    (g1, m1, p1, x1), (g2, m2, p2, x2) = results
    assert x1.tobytes() == x2.tobytes()
    assert g1.tobytes() == g2.tobytes() and m1 == m2 and p1.tobytes() == p2.tobytes()
