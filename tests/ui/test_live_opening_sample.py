"""A network opens showing a sample it can take: the point-data examples (feature inputs such as X1^2 and
sin X1) show the first point of their training data, made into the features their inputs name."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data.points import fit_dataset_to, load_points
from nnstudio.examples import load_example
from nnstudio.ui.live import LiveNetwork, opening_sample


@pytest.mark.parametrize("name", ["spiral", "circle", "xor-features", "gauss"])
def test_a_point_example_opens_on_the_first_point_of_its_data_as_its_features(qtbot, name):
    document = load_example(name)
    sample = opening_sample(document)
    assert sample is not None
    expected = fit_dataset_to(load_points(document.training_data), document.network)
    labelled = np.flatnonzero(expected.classes >= 0)
    row = int(labelled[0]) if labelled.size else 0
    assert np.allclose(sample[0], expected.inputs[row]) and np.allclose(sample[1], expected.targets[row])
    live = LiveNetwork(document)
    assert live.show_sample(*sample)
    assert np.allclose(live.input, expected.inputs[row])
    live.detach()
