"""The inspector writes out the selected neuron's arithmetic, live; pointing at a product lights its
connection on the canvas."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from nnstudio.engine.graph import Edge, Neuron, Role
from nnstudio.ui.main_window import MainWindow

from ..studio_windows import studio_windows


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window


def arithmetic_text(window: MainWindow) -> str:
    view = window.inspector.arithmetic
    assert view.isVisible()
    return view.text()


def test_selecting_the_festival_neuron_shows_its_26(qtbot, studio) -> None:
    window = studio(example="festival")
    window.live.set_input(np.array([3, 2, 4, 2], dtype=np.float32))
    window.canvas.select(["o0"])
    assert arithmetic_text(window) == "3x4 + 2x2 + 4x2 + 2x1 = 26 > 25 -> go"
    terms = [label.text() for label in window.inspector.arithmetic.term_labels]
    assert terms == ["3x4", "+ 2x2", "+ 4x2", "+ 2x1"]
    # The "Now" line says the same 26 and 25, not a bare sum of 1 that seems to contradict them.
    assert window.inspector.neuron_values.text() == "26.000 − threshold 25.000 = 1.000 → activation 1.000"


def test_the_arithmetic_follows_the_input_and_the_weights(qtbot, studio) -> None:
    window = studio(example="festival")
    window.live.set_input(np.array([3, 2, 4, 2], dtype=np.float32))
    window.canvas.select(["o0"])
    window.live.set_input(np.array([1, 3, 4, 2], dtype=np.float32))
    assert arithmetic_text(window) == "1x4 + 3x2 + 4x2 + 2x1 = 20 < 25 -> not go"
    # The person drags the connection's weight in the inspector: the neuron's line follows.
    window.canvas.select([], ["i0>o0"])
    window.inspector.weight.spin.setValue(10.0)
    window.canvas.select(["o0"])
    assert arithmetic_text(window) == "1x10 + 3x2 + 4x2 + 2x1 = 26 > 25 -> go"


def test_the_slides_neuron_and_its_squash(qtbot, studio) -> None:
    window = studio(example="four-pixel-camera")
    network = window.document.network
    window.document.layout.place({"slide": (240.0, 200.0)})
    network.add_neurons([Neuron("slide", Role.HIDDEN, "tanh", 0.0)])
    network.add_edges(Edge(f"i{k}>slide", f"i{k}", "slide", w) for k, w in enumerate([-0.2, 0.0, 0.8, -0.5]))
    window.live.set_input(np.array([0.5, 0.0, -0.75, 0.75], dtype=np.float32))
    window.canvas.select(["slide"])
    assert arithmetic_text(window) == (
        "0.50 x -0.20 + 0.00 x 0.00 + -0.75 x 0.80 + 0.75 x -0.50 = -1.075\ntanh(-1.075) = -0.791"
    )
    assert window.inspector.arithmetic.squash.text() == "tanh(-1.075) = -0.791"


def test_several_neurons_show_no_arithmetic(qtbot, studio) -> None:
    window = studio(example="festival")
    window.canvas.select(["o0", "i0"])
    assert not window.inspector.arithmetic.isVisible()


def pulse_pixels(window: MainWindow, edge_id: str) -> int:
    """How many pixels around the connection's middle are tinted with the canvas's highlight (yellow: red and
    green well above blue; the network's own colours are greys and white)."""
    image = window.canvas.viewport().grab().toImage()
    centre = window.canvas.view_position_of_edge(edge_id)
    count = 0
    for dx in range(-10, 11):
        for dy in range(-10, 11):
            colour = image.pixelColor(centre.x() + dx, centre.y() + dy)
            if min(colour.red(), colour.green()) - colour.blue() > 40:
                count += 1
    return count


def test_pointing_at_a_product_lights_its_connection(qtbot, studio) -> None:
    window = studio(example="festival")
    window.live.set_input(np.array([3, 2, 4, 2], dtype=np.float32))
    window.canvas.select(["o0"])
    view = window.inspector.arithmetic
    music = next(label for label in view.term_labels if label.edge_id == "i1>o0")
    qtbot.waitUntil(music.isVisible)
    assert pulse_pixels(window, "i1>o0") == 0
    qtbot.mouseMove(window, QPoint(5, 5))
    qtbot.mouseMove(window, music.mapTo(window, music.rect().center()))
    qtbot.waitUntil(lambda: view.hovered_edge() == "i1>o0")
    assert view.hovered_source() == "i1"
    assert pulse_pixels(window, "i1>o0") > 0
    assert pulse_pixels(window, "i0>o0") == 0
    label_edit = window.inspector.label_edit
    qtbot.mouseMove(window, label_edit.mapTo(window, label_edit.rect().center()))
    qtbot.waitUntil(lambda: view.hovered_edge() == "")
    assert pulse_pixels(window, "i1>o0") == 0


def test_a_wide_digit_neuron_shows_its_largest_terms(qtbot, studio) -> None:
    window = studio(example="digits")
    window.canvas.select(["h1_0"])
    text = arithmetic_text(window)
    assert "more terms summing to" in text
    assert len(window.inspector.arithmetic.term_labels) == 6


def test_a_convolution_neuron_names_its_window(qtbot, studio) -> None:
    from nnstudio.document.builders import conv_network, parse_network_spec
    from nnstudio.document.model import Document

    window = studio(example="festival")
    network = conv_network(parse_network_spec("6x6-c2k3p1-p2-3"), seed=1)
    window.set_document(Document(network, title="small convnet", grid=(6, 6), value_range=(0.0, 1.0)))
    window.live.set_input(np.linspace(0, 1, 36, dtype=np.float32))
    window.canvas.select(["conv1_0_2_3"])
    view = window.inspector.arithmetic
    assert view.caption.text() == "kernel 1 of conv1 over a 3 x 3 window of input, at row 3, column 4:"
    lines = arithmetic_text(window).splitlines()
    assert "+ 3 more terms summing to" in lines[1]
    assert lines[2].startswith("ReLU: max(")
    # A kernel's weight is no connection of its own: pointing at it lights the pixel it reads.
    first = view.term_labels[0]
    qtbot.waitUntil(first.isVisible)
    with qtbot.waitSignal(window.inspector.connectionHovered) as hovered:
        qtbot.mouseMove(window, QPoint(5, 5))
        qtbot.mouseMove(window, first.mapTo(window, first.rect().center()))
    assert hovered.args == ["", first.source]
    assert first.source.startswith("i")
    window.canvas.select(["pool1_0_1_1"])
    assert arithmetic_text(window).splitlines()[1].startswith("max(")
    # Selecting a feature map's neuron also opens the canvas's story of that map: not this test's subject.
    for story in QApplication.topLevelWidgets():
        if story.objectName() == "featureMapStory":
            story.close()


def test_tab_reaches_each_product_and_lights_it(qtbot, studio) -> None:
    window = studio(example="festival")
    window.live.set_input(np.array([3, 2, 4, 2], dtype=np.float32))
    window.canvas.select(["o0"])
    view = window.inspector.arithmetic
    company = next(label for label in view.term_labels if label.edge_id == "i2>o0")
    qtbot.waitUntil(company.isVisible)
    window.activateWindow()
    view.term_labels[1].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: view.hovered_edge() == "i1>o0")
    qtbot.keyClick(view.term_labels[1], Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: view.hovered_edge() == "i2>o0")
    assert view.hovered_source() == "i2"


def test_a_convolution_neurons_bias_is_its_kernels_and_read_only(qtbot, studio) -> None:
    """The Bias box of a neuron in a feature map shows the bias its arithmetic adds (its kernel's, shared by
    the whole map), greyed out with the reason, not a 0 of its own that changes nothing."""
    from nnstudio.document.builders import conv_network, parse_network_spec
    from nnstudio.document.model import Document

    window = studio(example="festival")
    network = conv_network(parse_network_spec("6x6-c2k3p1-p2-3"), seed=1)
    network.set_convolution_values("conv1", bias=np.array([0.25, -0.75]))
    window.set_document(Document(network, title="small convnet", grid=(6, 6), value_range=(0.0, 1.0)))
    window.live.set_input(np.linspace(0, 1, 36, dtype=np.float32))
    window.canvas.select(["conv1_1_2_3"])
    bias = window.inspector.bias
    assert "+ -0.75 (bias)" in arithmetic_text(window)
    assert bias.value() == -0.75
    assert not bias.isEnabled()
    assert bias.toolTip() == "The bias of kernel 2 of conv1, shared by every position of its feature map."
    pooled = next(n for n in window.document.network.neurons if n.startswith("pool"))
    window.canvas.select([pooled])
    assert bias.value() == 0 and not bias.isEnabled()
    assert (
        bias.toolTip() == "A pooling neuron has no bias: it passes on the largest or the mean of its window."
    )
    for story in QApplication.topLevelWidgets():  # selecting a pooled map also tells how it was made
        if story.objectName() == "featureMapStory":
            story.close()
    # A plain neuron's bias is its own again, and editable.
    out = next(n for n in window.document.network.neurons if n.startswith("o"))
    window.canvas.select([out])
    assert bias.isEnabled() and bias.toolTip() == ""
