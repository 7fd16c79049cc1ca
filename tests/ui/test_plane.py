"""The input plane: the network's answer as a heat map under the points, each neuron's own heat map on the
canvas, and the choice of points (problem, classes, noise, share of training data, Regenerate)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from nnstudio.data.points import EXTENT
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id
from nnstudio.ui.plane import (
    CLASS_COLOURS,
    PlaneWindow,
    neuron_colours,
    output_colours,
    plane_points,
)

from .canvas_fixtures import open_canvas


def circle_network(labels=("X1^2", "X2^2")) -> Network:
    """A hand-set answer to the circle: sigmoid(2 * (6.25 - X1^2 - X2^2)) is above 0.5 inside radius 2.5."""
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity", label=label) for k, label in enumerate(labels)]
    neurons.append(Neuron("o", Role.OUTPUT, "sigmoid", 12.5, "inside"))
    edges = [Edge(edge_id(n.id, "o"), n.id, "o", -2.0) for n in neurons[:-1]]
    return Network.from_parts(neurons, edges)


@pytest.fixture
def plane(qtbot):
    document = Document(circle_network(), training_data="circle:train")
    canvas, live = open_canvas(qtbot, document)
    window = PlaneWindow(canvas.set_neuron_pictures)
    qtbot.addWidget(window)
    window.resize(760, 460)
    window.bind(live)
    window.show()
    qtbot.waitExposed(window)
    return window, canvas, live


def pixel(image: QImage, x: float, y: float) -> tuple[int, int, int]:
    colour = QColor(image.pixel(QPoint(round(x), round(y))))
    return colour.red(), colour.green(), colour.blue()


def tick(qtbot, box) -> None:
    """Click a check box on its box, as a person would."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def near(colour: tuple[int, int, int], target: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


def bluish(colour: tuple[int, int, int]) -> bool:
    return colour[2] > colour[0] + 40


def orangish(colour: tuple[int, int, int]) -> bool:
    return colour[0] > colour[2] + 40


def test_plane_points_run_from_the_top_left_corner():
    points = plane_points(5)
    assert points.shape == (25, 2)
    np.testing.assert_allclose(points[0], [-EXTENT, EXTENT])
    np.testing.assert_allclose(points[-1], [EXTENT, -EXTENT])


def test_one_output_is_orange_below_its_threshold_and_blue_above():
    colours = output_colours(np.array([[-1.0], [0.0], [1.0]]), "tanh", discretize=False)
    assert orangish(tuple(colours[0])) and bluish(tuple(colours[2]))
    assert tuple(colours[1]) == (255, 255, 255)
    sharp = output_colours(np.array([[-0.1], [0.05]]), "tanh", discretize=True)
    soft = output_colours(np.array([[-0.1], [0.05]]), "tanh", discretize=False)
    # Discretized, a hesitant answer is as strong as a sure one.
    assert tuple(sharp[1]) == tuple(output_colours(np.array([[1.0]]), "tanh", False)[0])
    assert int(soft[1].sum()) > int(sharp[1].sum())


def test_several_classes_mix_their_colours_by_share():
    shares = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3]])
    colours = output_colours(shares, "softmax", discretize=False, strength=1.0)
    assert tuple(colours[0]) == CLASS_COLOURS[0] and tuple(colours[1]) == CLASS_COLOURS[2]
    assert tuple(colours[2]) == (255, 255, 255)  # no idea: white
    discrete = output_colours(np.array([[0.4, 0.35, 0.25]]), "softmax", discretize=True, strength=1.0)
    assert tuple(discrete[0]) == CLASS_COLOURS[0]


def test_a_neuron_picture_is_scaled_to_its_own_largest_value():
    colours = neuron_colours(np.array([-0.01, 0.0, 0.02]))
    assert bluish(tuple(colours[2])) and tuple(colours[2]) == (8, 119, 189)
    assert orangish(tuple(colours[0]))
    # A sigmoid's middle is 0.5: below it is "no".
    sigmoid = neuron_colours(np.array([0.1, 0.5, 0.9]), "sigmoid")
    assert orangish(tuple(sigmoid[0])) and tuple(sigmoid[1]) == (255, 255, 255) and bluish(tuple(sigmoid[2]))


def test_the_heat_map_shows_the_answer_under_the_training_points(plane):
    window, _, _ = plane
    heat_map = window.heat_map
    QApplication.processEvents()
    image = heat_map.grab().toImage()
    square = heat_map.square()
    centre = square.center()
    # Inside the circle the network says yes (blue), in the corners no (orange).
    assert bluish(pixel(image, centre.x() + square.width() * 0.02, centre.y() + square.height() * 0.06))
    assert orangish(pixel(image, square.left() + 4, square.top() + 4))
    # Each training point is drawn in its class's colour where it lies.
    train = window.train
    at = heat_map.to_widget(train.inputs)
    for k in range(0, len(train), 25):
        assert near(pixel(image, *at[k]), CLASS_COLOURS[int(train.classes[k])]), k
    assert "250 training and 250 test points" in window.summary.text()
    assert "Right: 100% of training" in window.summary.text()
    assert "outside" in window.legend.text() and "inside" in window.legend.text()


def test_test_points_show_on_request(qtbot, plane):
    window, _, _ = plane
    heat_map = window.heat_map
    test = window.test
    at = heat_map.to_widget(test.inputs)
    # A test point in the outer ring, where the map is orange: drawn blue-free only when asked.
    outside = [k for k in range(len(test)) if test.classes[k] == 0]
    before = heat_map.grab().toImage()
    tick(qtbot, window.show_test)
    assert window.show_test.isChecked()
    after = heat_map.grab().toImage()
    changed = sum(pixel(before, *at[k]) != pixel(after, *at[k]) for k in outside[:40])
    assert changed >= 30
    # (A point may lie under another one: nearly all show their own colour.)
    assert sum(near(pixel(after, *at[k]), CLASS_COLOURS[0]) for k in outside[:40]) >= 36


def test_every_neuron_shows_its_heat_map_on_the_canvas_while_the_plane_is_open(plane):
    window, canvas, live = plane
    assert set(canvas.neuron_pictures) == set(live.document.network.neurons)
    picture = canvas.neuron_pictures["o"]
    assert picture.width() == picture.height() == 32
    # The output's picture: blue in the middle, orange at the corners.
    assert bluish(pixel(picture, 16, 16)) and orangish(pixel(picture, 0, 0))
    window.hide()
    assert not canvas.neuron_pictures


def test_discretize_output_leaves_only_the_answer(qtbot, plane):
    window, _, _ = plane
    tick(qtbot, window.discretize)
    image = window.heat_map.image
    colours = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    assert len(colours) == 2


def test_noise_ratio_and_regenerate_make_new_training_data(qtbot, plane):
    window, _, live = plane
    first = window.train.inputs.copy()
    assert window.seed.text() == "Seed 1"
    qtbot.mouseClick(window.regenerate, Qt.MouseButton.LeftButton)
    assert window.seed.text() == "Seed 2"
    assert not np.array_equal(first, window.train.inputs)
    assert live.document.training_data == "circle(seed=2):train"
    window.ratio.setFocus()
    qtbot.keyClick(window.ratio, Qt.Key.Key_PageUp)
    assert window.ratio_value.text() == "60%"
    assert len(window.train) == 300 and len(window.test) == 200
    window.noise.setValue(25)
    assert window.noise_value.text() == "25%"
    assert live.document.training_data == "circle(noise=0.25, seed=2, ratio=0.6):train"


def test_more_classes_for_spiral_and_their_colours(qtbot, plane):
    window, _, _ = plane
    window.kind.setCurrentIndex(window.kind.findData("spiral"))
    assert window.classes.isEnabled()
    window.classes.setValue(3)
    assert window.train.n_outputs == 3
    assert window.legend.text().count("arm") == 3
    # The network has one output: the plane says what does not fit, one line.
    assert "3 answers" in window.summary.text() and "1 output" in window.summary.text()
    window.kind.setCurrentIndex(window.kind.findData("circle"))
    assert not window.classes.isEnabled() and window.classes.isVisible()
    window.kind.setCurrentIndex(window.kind.findData("multi-gauss"))
    assert not window.classes.isVisible()
    assert "low (-1)" in window.legend.text() and "Error: training" in window.summary.text()


def test_a_network_of_other_inputs_is_told_why_it_has_no_map(qtbot):
    document = Document(circle_network(("a", "b", "c")))
    canvas, live = open_canvas(qtbot, document)
    window = PlaneWindow(canvas.set_neuron_pictures)
    qtbot.addWidget(window)
    window.bind(live)
    window.show()
    assert window.problem.isVisible()
    assert "3 inputs" in window.problem.text() and "feature inputs" in window.problem.text()
    assert window.heat_map.image is None and not canvas.neuron_pictures


def test_clicking_a_point_feeds_it_to_the_network(qtbot, plane):
    window, _, live = plane
    heat_map = window.heat_map
    train = window.train
    at = heat_map.to_widget(train.inputs[:1])[0]
    qtbot.mouseClick(heat_map, Qt.MouseButton.LeftButton, pos=QPoint(round(at[0]), round(at[1])))
    x1, x2 = train.inputs[0]
    np.testing.assert_allclose(live.input, [x1 * x1, x2 * x2], rtol=1e-5)


def test_the_points_hold_still_while_the_network_trains(plane):
    window, _, live = plane
    live.set_locked(True)
    assert not window.noise.isEnabled() and not window.regenerate.isEnabled()
    assert "Training is running" in window.regenerate.toolTip()
    live.set_locked(False)
    assert window.noise.isEnabled() and window.regenerate.toolTip() == "New points from the next seed"
    assert not window.classes.isEnabled()  # the circle has two classes, always
