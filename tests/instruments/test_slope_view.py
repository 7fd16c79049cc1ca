"""The Slope window of a connection: the error curve with the weight now and its tangent, the slope by backprop
beside the slope by nudging with their cost, and the chain multiplied out."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnstudio.ui.instruments.slope_view import SlopeWindow
from nnstudio.ui.main_window import MainWindow

from ..studio_windows import studio_windows


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window


def open_slope(qtbot, window: MainWindow, edge_id: str) -> SlopeWindow:
    window.canvas.select([], [edge_id])
    button = window.inspector.slope_button
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    view = window.findChild(SlopeWindow)
    assert view is not None
    qtbot.waitUntil(view.isVisible)
    return view


def number(text: str) -> float:
    return float(text.split()[0])


def test_the_slope_button_opens_the_curve_the_two_slopes_and_the_chain(qtbot, studio) -> None:
    window = studio(example="xor")
    window.live.show_sample(np.array([1.0, 0.0], dtype=np.float32), np.array([1.0], dtype=np.float32))
    view = open_slope(qtbot, window, "i0>h1_1")
    assert view.heading.text() == "The weight from A to A but not B"
    assert view.truth.currentText() == "A xor B = 1 (the truth in the error table)"
    backprop, nudged = number(view.backprop.text()), number(view.nudged.text())
    assert backprop != 0
    assert abs(backprop - nudged) <= 1e-3 * abs(backprop)
    assert "every slope this way would take 18 passes" in view.nudged.text()
    chain = view.chain.text().splitlines()
    factors = [float(f) for f in chain[0].split(" = ")[0].split(" × ")]
    assert len(factors) == 3
    assert abs(np.prod(factors) - backprop) <= 2e-3 * abs(backprop)
    assert chain[1].endswith("d sum/d weight (the source's value)")
    assert chain[3].endswith("d error/d activation (summed over every path from here to the error)")
    # A hidden neuron feeds one later neuron here: its one path is the weight times that neuron's slope.
    # Each path names the later neuron as the canvas does, by its label, not its id.
    assert chain[4].startswith("the paths onward: ") and "(to A xor B)" in chain[4]
    assert float(chain[4].rsplit(" = ", 1)[1]) == pytest.approx(factors[2], rel=2e-3)
    # The point sits on the curve at today's weight; the tangent has the backprop slope there.
    xs, ys = view.curve.getData()
    (w,), (e,) = view.point.getData()
    assert w == pytest.approx(window.document.network.edges["i0>h1_1"].weight)
    assert np.interp(w, xs, ys) == pytest.approx(e, abs=1e-3)
    tx, ty = view.tangent.getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(view.result.backprop)


def test_the_window_follows_the_weight_and_the_right_answer(qtbot, studio) -> None:
    window = studio(example="xor")
    window.live.show_sample(np.array([1.0, 0.0], dtype=np.float32), np.array([1.0], dtype=np.float32))
    view = open_slope(qtbot, window, "h1_1>o0")
    before = view.result
    window.inspector.weight.spin.setValue(0.5)
    qtbot.waitUntil(lambda: view.result.weight == pytest.approx(0.5))
    assert view.result.error != before.error
    # Against the other answer the error is measured from the other side: the slope turns round.
    positive = view.result.backprop
    view.truth.setCurrentIndex(view.truth.findText("not A xor B (0)"))
    view.truth.activated.emit(view.truth.currentIndex())
    assert np.sign(view.result.backprop) == -np.sign(positive)


def test_a_deleted_connection_says_so(qtbot, studio) -> None:
    window = studio(example="xor")
    view = open_slope(qtbot, window, "i0>h1_0")
    window.canvas.select([], ["i0>h1_0"])
    window.canvas.delete_selection()
    qtbot.waitUntil(view.problem.isVisible)
    assert "no longer in the network" in view.problem.text()


def test_the_error_can_be_measured_on_the_training_data(qtbot, studio) -> None:
    window = studio(example="xor")
    view = open_slope(qtbot, window, "i1>h1_0")
    assert view.measured_on.count() == 2 and view.truth.isEnabled()
    view.measured_on.setCurrentIndex(1)
    view.measured_on.activated.emit(1)
    assert view.measured_on.currentText() == "the network's own 4 samples (mean)"
    assert not view.truth.isEnabled()
    result = view.result
    assert result.samples == 4
    assert abs(result.backprop - result.nudged) <= 1e-6 * max(abs(result.backprop), 1e-3)
    assert view.chain.text().splitlines()[1].endswith("mean over 4 samples of each sample's chain")
    assert view.plot.getPlotItem().getAxis("left").labelText == "mean error on 4 samples of xor"


def test_a_built_in_training_set_is_sampled(qtbot, studio) -> None:
    window = studio(example="four-pixel-learner")
    view = open_slope(qtbot, window, "i0>h1_0")
    view.measured_on.setCurrentIndex(1)
    view.measured_on.activated.emit(1)
    assert view.measured_on.currentText() == "the training data, four-pixel (mean)"
    assert view.result.samples == 16


def test_a_corner_is_blamed_on_what_the_network_has(qtbot, studio) -> None:
    """The four-pixel camera has ReLU neurons and no step, and learns with the absolute error: when nudging and
    backprop differ, the window names both of those, and not a step neuron it does not have."""
    window = studio(example="four-pixel-camera")
    window.live.set_input(np.array([1.0, -1.0, 1.0, -1.0], dtype=np.float32))
    view = open_slope(qtbot, window, next(iter(window.document.network.edges)))
    text = view.nudged.text()
    assert "The two differ" in text
    assert "the absolute error, which turns a corner where an output meets its truth" in text
    assert "a ReLU neuron at its switch" in text
    assert "Step" not in text


def test_a_weight_from_an_image_is_named_by_its_pixel(qtbot, studio) -> None:
    from nnstudio.document.builders import dense_network
    from nnstudio.document.model import Document

    window = studio(example="festival")
    network = dense_network([24, 3], seed=1, grid=(6, 4))
    window.set_document(Document(network, title="small reader", grid=(6, 4), value_range=(0.0, 1.0)))
    edge = next(e for e in network.edges if e.startswith("i21>"))
    view = open_slope(qtbot, window, edge)
    assert window.inspector.edge_ends.text().startswith("from pixel at row 4, column 4 to ")
    target = network.neurons[network.edges[edge].target].display_name
    assert view.heading.text() == f"The weight from pixel at row 4, column 4 to {target}"
