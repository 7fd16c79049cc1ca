"""Fooling: a small, bounded change to a correctly read digit makes the network answer the target."""

import numpy as np
import pytest

from nnstudio.data.digits import digits_test
from nnstudio.engine.imagine import ImagineError, fool
from nnstudio.engine.plan import compile_network
from nnstudio.examples import load_example


@pytest.fixture(scope="module")
def digits():
    doc = load_example("digits")
    return doc, compile_network(doc.network)


def test_fooling_flips_the_answer_with_a_small_change(digits):
    doc, plan = digits
    data = digits_test()
    flipped = 0
    tried = 0
    for index in range(16):
        x = data.inputs[index].astype(np.float64)
        truth = int(data.classes[index])
        if int(np.argmax(plan.forward(x).output[0])) != truth:
            continue  # only drawings it reads correctly
        tried += 1
        target = (truth + 1 + index % 3) % 10
        result = fool(plan, x, target, doc.value_range)
        assert result.answer_before == truth
        assert result.max_change <= 0.3 + 1e-9
        assert np.abs(result.picture - x).max() == pytest.approx(result.max_change, abs=1e-6)
        assert result.picture.min() >= 0.0 and result.picture.max() <= 1.0
        if result.success:
            flipped += 1
            assert int(np.argmax(plan.forward(result.picture).output[0])) == target
    assert tried >= 8
    # A 784-16-16-10 sigmoid network is not fooled within 0.3 on every pair of digits; on most it is.
    assert flipped >= 0.8 * tried


def test_the_smallest_bound_that_works_is_kept(digits):
    doc, plan = digits
    x = digits_test().inputs[0].astype(np.float64)
    wide = fool(plan, x, 3, doc.value_range, bounds=(0.3,))
    narrow = fool(plan, x, 3, doc.value_range)
    assert narrow.success and wide.success
    assert narrow.max_change <= wide.max_change


def test_no_such_answer(digits):
    doc, plan = digits
    with pytest.raises(ImagineError, match="no output 12"):
        fool(plan, digits_test().inputs[0], 12, doc.value_range)
