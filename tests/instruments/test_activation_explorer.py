"""The activation explorer: open it from the Tools menu, drag the input along the axis and read what each
activation gives; the selected neuron's sum is marked on its own curve."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QLabel

from nnstudio.ui.instruments.activation_explorer import SHOWN, ActivationExplorer
from nnstudio.ui.main_window import MainWindow

from ..studio_windows import studio_windows


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window


def open_explorer(qtbot, window: MainWindow) -> ActivationExplorer:
    action = next(a for a in window.tools_menu.actions() if a.objectName() == "activationExplorerAction")
    assert action.text() == "&Activation Explorer..."
    action.trigger()
    explorer = window.findChild(ActivationExplorer)
    qtbot.waitUntil(explorer.isVisible)
    qtbot.waitExposed(explorer)
    return explorer


def view_point(explorer: ActivationExplorer, x: float, y: float) -> QPoint:
    """Where the plot's point (x, y) is drawn, in the plot's viewport."""
    scene = explorer.plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    return explorer.plot.mapFromScene(scene)


def test_typing_a_sum_reads_out_every_activation(qtbot, studio) -> None:
    explorer = open_explorer(qtbot, studio(example="festival"))
    spin = explorer.input_spin
    spin.selectAll()
    qtbot.keyClicks(spin, "-1.075")
    qtbot.keyClick(spin, Qt.Key.Key_Enter)
    assert explorer.readout("tanh") == "tanh(-1.075) = -0.791"
    assert explorer.readout("sigmoid") == f"sigmoid(-1.075) = {1 / (1 + np.exp(1.075)):.3f}"
    assert explorer.readout("relu") == "relu(-1.075) = 0.000"
    assert explorer.readout("step") == "step(-1.075) = 0.000"
    assert explorer.input_line.value() == pytest.approx(-1.075)


def test_dragging_the_input_line_moves_the_readouts(qtbot, studio) -> None:
    explorer = open_explorer(qtbot, studio(example="festival"))
    viewport = explorer.plot.viewport()
    start = view_point(explorer, 0.5, 0.0)
    end = view_point(explorer, 2.0, 0.0)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 11):
        qtbot.mouseMove(viewport, start + (end - start) * (k / 10))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    moved = explorer.input_value()
    assert moved == pytest.approx(2.0, abs=0.1)
    assert explorer.readout("relu") == f"relu({moved:.3f}) = {moved:.3f}"
    assert explorer.readout("step") == f"step({moved:.3f}) = 1.000"


def test_the_selected_neuron_is_marked_on_its_own_curve(qtbot, studio) -> None:
    window = studio(example="xor")
    window.live.set_input(np.array([1.0, 0.0], dtype=np.float32))
    explorer = open_explorer(qtbot, window)
    assert explorer.neuron_text_shown().startswith("Select a neuron")
    window.canvas.select(["h1_1"])
    z, a = window.live.values()["h1_1"]
    assert explorer.neuron_text_shown() == f"★ A but not B (tanh): its sum {z:.3f} gives {a:.3f}."
    (mx,), (my,) = explorer.neuron_mark.getData()
    assert (mx, my) == pytest.approx((z, np.tanh(z)), abs=1e-6)
    # A new input moves the mark with the neuron's sum.
    window.live.set_input(np.array([0.0, 1.0], dtype=np.float32))
    z2, _ = window.live.values()["h1_1"]
    assert explorer.neuron_mark.getData()[0][0] == pytest.approx(z2, abs=1e-6)
    window.canvas.select(["i0"])
    assert "is an input" in explorer.neuron_text_shown()
    marked, _ = explorer.neuron_mark.getData()
    assert marked is None or len(marked) == 0


def test_a_step_neuron_is_marked_with_its_threshold(qtbot, studio) -> None:
    window = studio(example="festival")
    window.live.set_input(np.array([3, 2, 4, 2], dtype=np.float32))
    window.canvas.select(["o0"])
    explorer = open_explorer(qtbot, window)
    assert explorer.neuron_text_shown() == (
        "★ go (step): its sum 1.000 gives 1.000 (its weighted sum 26 against the threshold 25)."
    )


def test_the_axis_widens_to_a_sum_far_out(qtbot, studio) -> None:
    window = studio(example="xor")
    window.live.set_input(np.array([1.0, 0.0], dtype=np.float32))
    explorer = open_explorer(qtbot, window)
    network = window.document.network
    network.set_neuron_fields({"h1_1": {"bias": 20.0}})
    window.canvas.select(["h1_1"])
    z, _ = window.live.values()["h1_1"]
    assert z > 20
    assert explorer.neuron_mark.getData()[0][0] == pytest.approx(z)
    assert explorer.reach >= z
    assert "beyond" not in explorer.neuron_text_shown()
    window.canvas.select([])
    assert explorer.reach == 6.0


def test_each_curve_is_named_as_the_inspector_names_the_activation(qtbot, studio) -> None:
    window = studio(example="festival")
    explorer = open_explorer(qtbot, window)
    keys = {name: explorer.findChild(QLabel, f"explorerKey_{name}").text() for name in SHOWN}
    assert keys["tanh"].endswith(" Tanh squash (-1..1)")
    window.canvas.select(["o0"])
    assert keys["step"].endswith(f" {window.inspector.activation.currentText()}")
