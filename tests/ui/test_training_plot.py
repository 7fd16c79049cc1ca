"""The live error plot: bounded buffers, epoch and test curves, hover readout, log scale."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnstudio.engine.train import EpochEnd
from nnstudio.ui.plot import DecimatingSeries, ErrorPlot, nice_ceiling


def test_decimating_series_stays_bounded_and_keeps_the_mean():
    series = DecimatingSeries(capacity=64)
    steps = np.arange(1, 10_001, dtype=float)
    values = np.sin(steps / 300.0) + 2.0
    for start in range(0, len(steps), 137):  # arrives in uneven chunks, as training updates do
        series.extend(steps[start : start + 137], values[start : start + 137])
    x, y = series.data()
    assert len(x) <= 65
    assert series.stride > 1
    assert np.all(np.diff(x) > 0) and x[-1] == 10_000
    # Each point is a mean of consecutive values, so the overall level survives the decimation.
    assert np.average(y[:-1]) == pytest.approx(values[: int(x[-2])].mean(), rel=0.02)


def test_decimating_series_data_is_a_copy():
    series = DecimatingSeries(capacity=8)
    series.extend(np.arange(4.0), np.ones(4))
    x, y = series.data()
    y[:] = 99.0
    assert series.data()[1].tolist() == [1.0] * 4


def test_nice_ceiling():
    assert nice_ceiling(0.7) == 1.0
    assert nice_ceiling(1.1) == 2.0
    assert nice_ceiling(2.2) == 2.5
    assert nice_ceiling(3100) == 5000
    assert nice_ceiling(0.0) == 1.0


@pytest.fixture
def plot(qtbot):
    widget = ErrorPlot()
    qtbot.addWidget(widget)
    widget.resize(500, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_curves_are_made_once_and_fed_with_data(plot):
    item = plot.loss_plot.getPlotItem()
    before = list(item.listDataItems())
    plot.add_steps(np.arange(1, 501, dtype=float), np.linspace(2.0, 0.1, 500))
    plot.add_epoch(EpochEnd(1, 250, 1.0, 0.5, 1.2, 0.4))
    plot.add_epoch(EpochEnd(2, 500, 0.2, 0.9, 0.3, 0.8))
    plot.redraw()
    assert list(item.listDataItems()) == before
    x, y = plot.smooth_curve.getData()
    assert x[-1] == 500 and y[-1] < y[0]
    assert plot.test_curve.getData()[1].tolist() == pytest.approx([1.2, 0.3])
    assert plot.test_accuracy_curve.getData()[1].tolist() == pytest.approx([0.4, 0.8])
    assert plot.accuracy_plot.isVisible()
    # The axes follow the data: every point is inside the visible range.
    (x0, x1), (y0, y1) = item.vb.viewRange()
    assert x0 <= 0 and x1 >= 500 and y0 <= 0.1 and y1 >= 2.0


def test_hovering_shows_step_and_loss(plot, qtbot):
    plot.add_steps(np.arange(1, 201, dtype=float), np.full(200, 0.5))
    plot.redraw()
    vb = plot.loss_plot.getPlotItem().vb
    view_point = plot.loss_plot.mapFromScene(vb.mapToScene(vb.boundingRect().center()))
    qtbot.mouseMove(plot.loss_plot.viewport(), view_point - QPoint(1, 0))
    qtbot.mouseMove(plot.loss_plot.viewport(), view_point)
    expected = vb.mapSceneToView(plot.loss_plot.mapToScene(view_point)).x()
    qtbot.waitUntil(lambda: plot.readout.text() != "", timeout=2_000)
    text = plot.readout.text()
    step = int(text.split(":")[0].removeprefix("step "))
    assert abs(step - expected) <= 1 and text.endswith("loss 0.5")
    assert plot.crosshair.isVisible()


def choose_scale(plot, qtbot, text: str) -> None:
    """Pick an entry of the scale box as a person does: open it, move to the entry, press Return."""
    box = plot.scale_box
    box.setFocus()
    target = box.findText(text)
    while box.currentIndex() != target:
        key = Qt.Key.Key_Down if box.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(box, key)
    assert box.currentText() == text


def test_log_scale_chosen_by_hand(plot, qtbot):
    plot.add_steps(np.arange(1, 1001, dtype=float), np.geomspace(10.0, 0.001, 1000))
    plot.redraw()
    choose_scale(plot, qtbot, "Log scale")
    item = plot.loss_plot.getPlotItem()
    assert plot.is_log() and item.getAxis("left").logMode
    (_, _), (y0, y1) = item.vb.viewRange()
    assert y0 <= -3 and y1 >= 1  # decades from 0.001 to 10
    assert plot.show_value_at(990).startswith("step 990: loss 0.00")
    choose_scale(plot, qtbot, "Linear scale")
    assert not item.getAxis("left").logMode
    plot.clear()
    plot.add_steps(np.arange(1, 1001, dtype=float), np.geomspace(10.0, 0.001, 1000))
    plot.redraw()
    assert not plot.is_log()  # the person's choice holds for the next run


def test_auto_scale_turns_logarithmic_when_the_error_falls_across_decades(plot):
    assert plot.scale_box.currentText() == "Auto scale" and not plot.is_log()
    assert "logarithmic" in plot.scale_box.toolTip()
    # A small fall reads well on a linear scale: it stays linear.
    plot.add_steps(np.arange(1, 501, dtype=float), np.linspace(1.0, 0.5, 500))
    plot.redraw()
    assert not plot.is_log()
    # Training as it usually goes: a fast drop, then a slow creep, from 4 down to 0.01.
    steps = np.arange(501, 5001, dtype=float)
    plot.add_steps(steps, 0.01 + 0.5 * np.exp(-(steps - 500) / 300.0))
    plot.redraw()
    item = plot.loss_plot.getPlotItem()
    assert plot.is_log() and item.getAxis("left").logMode
    (_, _), (y0, y1) = item.vb.viewRange()
    assert y0 <= -2 and y1 >= 0  # from 0.01 up to 1, each tenfold fall the same height
    # On a linear scale the last 4,000 steps (0.01 to 0.03) would take under 3% of the height; here a fifth.
    creep = np.log10(0.03) - y0
    assert creep / (y1 - y0) > 0.2
    plot.clear()
    assert not plot.is_log()


def test_one_noisy_step_does_not_squash_the_curve(plot):
    losses = np.full(400, 0.2)
    losses[10] = 50.0  # one sample the network gets badly wrong, once
    plot.add_steps(np.arange(1, 401, dtype=float), losses)
    plot.redraw()
    (_, _), (y0, y1) = plot.loss_plot.getPlotItem().vb.viewRange()
    # The smoothed curve decides the axis: the spike only nudges it, the 0.2 level is not a line at the bottom.
    assert not plot.is_log() and y1 <= 5


def test_the_plot_is_tall_enough_to_read(plot):
    assert plot.loss_plot.minimumHeight() >= 180
    assert plot.loss_plot.height() >= 180


def test_zero_and_non_finite_losses_do_not_break_the_plot(plot):
    plot.add_steps(np.arange(1, 5, dtype=float), np.array([1.0, 0.0, np.nan, 0.5]))
    plot.set_log_scale(True)
    plot.redraw()
    x, y = plot.raw_curve.getData()  # in log mode: log10 of the values
    assert x.tolist() == [1.0, 2.0, 4.0] and np.isfinite(y).all()
    assert plot.value_at(3) is not None


def test_clear_empties_everything(plot):
    plot.add_steps(np.arange(1, 11, dtype=float), np.ones(10))
    plot.add_epoch(EpochEnd(1, 10, 1.0, 0.5))
    plot.redraw()
    plot.clear()
    for curve in (plot.raw_curve, plot.smooth_curve, plot.epoch_curve, plot.accuracy_curve):
        x, _ = curve.getData()
        assert x is None or len(x) == 0
    assert plot.value_at(5) is None and plot.readout.text() == ""


def test_the_accuracy_axis_shows_its_whole_top_label_and_the_smoothed_line_is_not_hidden(plot, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    plot.resize(320, 420)
    plot.show()
    qtbot.waitExposed(plot)
    plot.add_steps(np.arange(1.0, 41.0), np.linspace(1.0, 0.2, 40))
    for epoch in range(1, 5):
        plot.add_epoch(EpochEnd(epoch, 4, 0.8 / epoch, 0.8 / epoch, 0.25 * epoch, None))
    plot.redraw()
    QApplication.processEvents()
    assert plot.accuracy_plot.isVisible()
    vb = plot.accuracy_plot.getPlotItem().vb
    top_of_view = vb.mapViewToScene(QPointF(0.0, 1.0)).y() - vb.sceneBoundingRect().top()
    # "100%" is centred on its tick: half its height must fit above the tick, inside the plot.
    assert top_of_view >= plot.fontMetrics().height() / 2
    # The smoothed line is drawn over the epoch averages' dots, which are rings it shows through.
    assert plot.smooth_curve.zValue() > plot.epoch_curve.zValue()
    assert plot.epoch_curve.opts["symbolBrush"] is None
