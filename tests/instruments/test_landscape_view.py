"""The error landscape window, used as a person would: open it from Tools, see the heat map and today's
point, drag the start point and watch the path follow, raise the learning rate and momentum to overshoot,
take two selected connections."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QApplication

from nnstudio.ui.instruments.landscape_view import GRID_STEPS, PATH_STEPS, LandscapeWindow, tick_of

from ..studio_windows import studio_windows


@pytest.fixture
def camera(qtbot):
    with studio_windows(qtbot, size=(1200, 800)) as open_window:
        window = open_window(example="four-pixel-camera")
        yield window
        for view in window.findChildren(LandscapeWindow):
            view.close()


def open_landscape(window, qtbot) -> LandscapeWindow:
    action = window.findChild(QAction, "landscapeAction")
    assert action in window.tools_menu.actions()
    action.trigger()
    view = window.findChild(LandscapeWindow, "landscapeWindow")
    qtbot.waitExposed(view)
    return view


def to_screen(view: LandscapeWindow, x: float, y: float) -> QPoint:
    """Where the weights (x, y) are drawn, in the plot widget's viewport."""
    box = view.plot.getViewBox()
    scene_point = box.mapViewToScene(QPointF(x, y))
    return view.plot.mapFromScene(scene_point)


def mouse(widget, kind: QEvent.Type, at: QPoint, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind, QPointF(at), QPointF(widget.mapToGlobal(at)), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def drag(widget, start: QPoint, end: QPoint) -> None:
    held = Qt.MouseButton.LeftButton
    mouse(widget, QEvent.Type.MouseButtonPress, start, held)
    for k in range(1, 11):
        mouse(widget, QEvent.Type.MouseMove, start + (end - start) * (k / 10), held)
    mouse(widget, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def test_the_heat_map_shows_the_steepest_two_weights_and_todays_point(camera, qtbot):
    view = open_landscape(camera, qtbot)
    landscape = view.landscape
    assert landscape is not None and view.weights == landscape.weights
    assert view.image.image.shape == (GRID_STEPS, GRID_STEPS)
    assert landscape.current_error == pytest.approx(
        camera.live.plan.loss_value(*_camera_data(), _loss(camera)), rel=1e-5
    )
    star_x, star_y = view.today.getData()
    assert (star_x[0], star_y[0]) == pytest.approx(landscape.current)
    assert view.path is not None and len(view.path.points) == PATH_STEPS + 1
    assert "steps of gradient descent" in view.info.text()


def _camera_data():
    from nnstudio.data import load_dataset

    data = load_dataset("four-pixel")
    return data.inputs, data.targets


def _loss(window):
    from nnstudio.engine.losses import LOSSES

    return LOSSES[window.document.training.loss]


def test_dragging_the_start_point_moves_the_path(camera, qtbot):
    view = open_landscape(camera, qtbot)
    view.resize(700, 700)
    QApplication.processEvents()
    before = view.path.points.copy()
    sx, sy = view.start_point
    viewport = view.plot.viewport()
    grab = to_screen(view, sx, sy)
    target = (-2.0, 2.0)
    drag(viewport, grab, to_screen(view, *target))
    qtbot.waitUntil(lambda: not np.allclose(view.path.points[0], before[0]), timeout=3000)
    assert view.start_point == pytest.approx(target, abs=0.2)
    assert view.path.points[0] == pytest.approx(view.start_point)
    assert not np.allclose(view.path.points, before)


def test_a_large_rate_with_momentum_overshoots_and_a_small_one_walks_downhill(camera, qtbot):
    view = open_landscape(camera, qtbot)
    view.set_start(2.5, -2.5)
    view.momentum_slider.setValue(0)
    view.lr_slider.setValue(tick_of(0.01))
    careful = view.path.errors
    assert np.all(np.diff(careful) <= 1e-12)
    assert "went up" not in view.info.text()
    view.lr_slider.setValue(tick_of(2.0))
    view.momentum_slider.setValue(90)
    assert "overshoot" in view.info.text() or "ran off the map" in view.info.text()


def test_two_selected_connections_make_the_landscape(camera, qtbot):
    view = open_landscape(camera, qtbot)
    edges = list(camera.document.network.edges)[:2]
    camera.canvas.select([], edges)
    qtbot.mouseClick(view.selected_button, Qt.MouseButton.LeftButton)
    assert view.weights == (edges[0], edges[1])
    assert "Across: weight" in view.weights_label.text()
    camera.canvas.select([], edges[:1])
    qtbot.mouseClick(view.selected_button, Qt.MouseButton.LeftButton)
    assert "Select two connections" in view.info.text()
    assert view.weights == (edges[0], edges[1])


def test_while_training_runs_the_trail_follows_the_two_weights_and_the_map_waits(camera, qtbot):
    view = open_landscape(camera, qtbot)
    network = camera.document.network
    first, second = view.weights
    assert first in network.edges and second in network.edges
    before = view.landscape
    camera.live.set_locked(True)  # what the training panel does while it trains
    for k in range(1, 4):
        network.set_weights({first: 0.5 * k, second: -0.25 * k})
    assert view.training_trail[-3:] == [(0.5, -0.25), (1.0, -0.5), (1.5, -0.75)]
    xs, ys = view.training_curve.getData()
    assert list(xs[-3:]) == [0.5, 1.0, 1.5]
    qtbot.wait(50)
    assert view.landscape is before  # nothing is worked out again while training runs
    camera.live.set_locked(False)
    qtbot.waitUntil(lambda: view.landscape is not before, timeout=3000)
    assert view.landscape.current == pytest.approx((1.5, -0.75))


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_network_whose_errors_overflow_says_so(camera, qtbot):
    """...in words, and numpy prints no warning on the way (from the plan, the canvas or the error table)."""
    network = camera.document.network
    network.set_weights(dict.fromkeys(network.edges, 1e308))
    view = open_landscape(camera, qtbot)
    assert "too large" in view.info.text() or "ran off the map" in view.info.text()


def test_the_start_label_is_readable_on_the_dark_low_ground(camera, qtbot):
    """The word "start" sits on a dark patch in white, so it reads on the dark low error as on the yellow."""
    from nnstudio.ui.theme import contrast_ratio

    view = open_landscape(camera, qtbot)
    label = view.start.label()
    assert label.toPlainText() == "start"
    fill = label.fill.color()
    assert fill.alpha() >= 180
    assert contrast_ratio(label.color, fill) >= 7


def test_a_weight_from_an_image_names_its_pixel(qtbot):
    """The weights of a network reading an image come from pixels with ids like i21: the landscape says which
    pixel (row and column of the image), as a person looking at the image would find it."""
    from nnstudio.data.dataset import Dataset
    from nnstudio.document.builders import dense_network
    from nnstudio.document.model import Document

    with studio_windows(qtbot, size=(1200, 800)) as open_window:
        window = open_window(example="festival")
        network = dense_network([24, 3], seed=1, grid=(6, 4))
        rng = np.random.default_rng(0)
        samples = Dataset(
            "marks", rng.random((6, 24)), np.eye(3)[[0, 1, 2, 0, 1, 2]], ["a", "b", "c"], np.arange(6) % 3
        )
        window.set_document(
            Document(
                network,
                title="small reader",
                grid=(6, 4),
                value_range=(0.0, 1.0),
                training_data="document",
                dataset=samples,
            )
        )
        edges = [e for e in network.edges if e.startswith(("i21>", "i8>"))][:2]
        window.canvas.select([], edges)
        view = open_landscape(window, qtbot)
        try:
            qtbot.waitUntil(lambda: view.weights_label.text() != "")
            text = view.weights_label.text()
            # i21 is the 22nd pixel of a 6-wide image: row 4, column 4; i8 is row 2, column 3.
            assert "weight pixel at row 4, column 4 → " in text
            assert "weight pixel at row 2, column 3 → " in text
        finally:
            view.close()
