"""The error landscape's first drag, as a newcomer makes it: at the learning rate the window opens with, the
walk from the dragged start point goes visibly downhill, and the words say at what rate; on the small
built-in examples that rate walks downhill without running off the map."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from nnstudio.data import BUILTIN_DATASETS, load_dataset
from nnstudio.engine.landscape import descent_path, error_landscape, steady_learning_rate, steepest_pair
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.examples import load_example
from nnstudio.ui.instruments.landscape_view import tick_of

from ..studio_windows import studio_windows
from .test_landscape_view import drag, open_landscape, to_screen


@pytest.fixture
def camera(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window(example="four-pixel-camera")


def test_the_first_drag_walks_visibly_downhill_at_the_rate_it_opens_with(camera, qtbot):
    view = open_landscape(camera, qtbot)
    view.resize(620, 640)
    QApplication.processEvents()
    sx, sy = view.start_point
    drag(view.plot.viewport(), to_screen(view, sx, sy), to_screen(view, 2.0, -2.0))
    qtbot.waitUntil(lambda: view.path.points[0] == pytest.approx((2.0, -2.0), abs=0.2), timeout=3000)
    path = view.path
    assert not path.diverged
    # A walk a newcomer sees: a good part of the way across the map (6 wide), and down the error.
    assert np.linalg.norm(path.points[-1] - path.points[0]) > 1.0
    assert path.errors[-1] < 0.95 * path.errors[0]
    text = view.info.text()
    assert text.startswith(f"80 steps of gradient descent at learning rate {view.lr_label.text()}: error ")
    assert "barely moved" not in text


def test_a_rate_the_person_chose_is_kept_for_another_pair(camera, qtbot):
    view = open_landscape(camera, qtbot)
    view.lr_slider.setValue(10)
    chosen = view.learning_rate
    edges = list(camera.document.network.edges)[:2]
    camera.canvas.select([], edges)
    view.use_selection()
    assert view.weights == (edges[0], edges[1])
    assert view.learning_rate == chosen


@pytest.mark.parametrize(
    "name", ["xor-single", "xor", "gauss", "circle", "four-pixel-camera", "three-by-three-shapes"]
)
def test_the_steady_rate_walks_downhill_without_running_off_the_map(name):
    document = load_example(name)
    data = document.dataset
    if (data is None or len(data) == 0) and document.training_data in BUILTIN_DATASETS:
        data = load_dataset(document.training_data)
    plan = compile_network(document.network, np.float64)
    inputs, targets = data.inputs.astype(np.float64), data.targets.astype(np.float64)
    loss = LOSSES[document.training.loss]
    pair = steepest_pair(plan, inputs, targets, loss)
    landscape = error_landscape(plan, inputs, targets, loss, pair)
    rate = steady_learning_rate(landscape)
    x, y = landscape.axis_x, landscape.axis_y
    bounds = ((x[0], x[-1]), (y[0], y[-1]))
    for fx, fy in ((0.8, 0.2), (0.2, 0.8), (0.8, 0.8), (0.2, 0.2)):
        start = (x[0] + fx * (x[-1] - x[0]), y[0] + fy * (y[-1] - y[0]))
        path = descent_path(plan, inputs, targets, loss, pair, start, rate, 0.0, 80, bounds)
        assert not path.diverged
        assert path.errors[-1] <= path.errors[0]


def test_a_walk_that_reaches_the_bottom_and_jitters_there_is_not_called_an_overshoot(camera, qtbot):
    # The camera's absolute error has a sharp-bottomed valley: from today's weights the walk goes down to
    # it, then steps a little back and forth across its bottom.
    view = open_landscape(camera, qtbot)
    errors = view.path.errors
    assert (np.diff(errors) > 1e-12).any()
    text = view.info.text()
    assert "overshoot" not in text
    assert "back and forth" in text
    # A rate much too large does overshoot, and says so.
    view.lr_slider.setValue(tick_of(3.0))
    assert "the steps overshoot" in view.info.text()
