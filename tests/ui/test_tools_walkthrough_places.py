"""Tool windows on a small screen (1024x700) open where the canvas and the drawing pad stay in view: the
Kernel Lab, whose kernel is dragged onto a layer on the canvas, and the window explaining how a clicked
feature map is made. The Kernel Lab starts at the size of the network's first convolution's kernels, and a
kernel of the wrong size dropped on a layer says what to change."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from nnstudio.ui.canvas.feature_map_story import FeatureMapStory
from nnstudio.ui.kernel_lab import KernelLab

from ..studio_windows import studio_windows


@pytest.fixture
def convnet(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window(example="digits-convnet")


def on_screen(widget, rect: QRect) -> QRect:
    return QRect(widget.mapToGlobal(rect.topLeft()), rect.size())


def conv_maps_on_screen(window) -> list[QPoint]:
    """Where conv1's feature maps are drawn on the screen, those inside the canvas's visible part."""
    canvas = window.canvas
    viewport = canvas.viewport()
    block = canvas.scene().feature_maps.blocks["conv1"]
    seen = on_screen(viewport, viewport.rect())
    points = [viewport.mapToGlobal(canvas.mapFromScene(rect.center())) for rect in block.channel_rects]
    return [p for p in points if seen.contains(p)]


def assert_leaves_in_view(window, tool) -> None:
    covered = tool.frameGeometry()
    pad = window.panel_widget("padDock")
    assert not covered.intersects(on_screen(pad, pad.rect())), "the drawing pad is covered"
    viewport = window.canvas.viewport()
    canvas = on_screen(viewport, viewport.rect())
    # Most of the canvas, its middle included, stays in view.
    assert not covered.contains(canvas.center())
    assert covered.left() - canvas.left() >= canvas.width() / 2
    assert covered.right() <= window.frameGeometry().right() + 1


def test_the_kernel_lab_leaves_the_layers_to_drop_on_in_view_and_starts_at_their_size(convnet, qtbot):
    window = convnet
    maps = conv_maps_on_screen(window)
    assert maps, "conv1's maps are not on the canvas"
    window.findChild(QAction, "kernelLabAction").trigger()
    lab = window.findChild(KernelLab, "kernelLab")
    qtbot.waitExposed(lab)
    assert_leaves_in_view(window, lab)
    assert any(not lab.frameGeometry().contains(point) for point in maps)
    # Its pictures and its drag handle are still there to use.
    assert lab.drag_handle.isVisible() and lab.input_area.width() >= 120 and lab.output_area.width() >= 120
    # digits-convnet's conv1 has 5x5 kernels: the lab's kernel fits it as it opens.
    assert lab.size_combo.currentText() == "5x5"
    assert lab.kernel.shape == (5, 5) and lab.kernel_table.rowCount() == 5


def test_a_kernel_of_the_wrong_size_is_refused_saying_what_to_change(convnet):
    layers = convnet.canvas.scene().feature_maps
    rect = layers.blocks["conv1"].channel_rects[0]
    three = json.dumps({"values": np.ones((3, 3)).tolist()}).encode()
    taken, message = layers.drop_kernel(rect.center().x(), rect.center().y(), three, convnet.undo_stack.push)
    assert not taken
    assert "conv1's kernels are 5x5; this one is 3x3" in message
    assert "Size" in message and "5x5" in message.split("3x3", 1)[1]


def test_clicking_a_map_opens_its_explanation_beside_the_canvas_not_over_it(convnet, qtbot):
    window = convnet
    canvas = window.canvas
    block = canvas.scene().feature_maps.blocks["conv1"]
    viewport = canvas.viewport()
    inside = [nid for nid in block.ids if viewport.rect().contains(canvas.view_position_of(nid))]
    assert inside
    qtbot.mouseClick(
        viewport, Qt.MouseButton.LeftButton, pos=canvas.view_position_of(inside[len(inside) // 2])
    )
    story = window.findChild(FeatureMapStory, "featureMapStory")
    assert story is not None
    qtbot.waitExposed(story)
    assert story.windowTitle().startswith("How map ")
    assert_leaves_in_view(window, story)


@pytest.mark.parametrize(("action", "name"), [("foolAction", "foolWindow"), ("dreamAction", "dreamWindow")])
def test_fool_and_dream_leave_the_pad_they_take_pictures_from_in_view(qtbot, action, name):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        window = open_window(example="four-pixel-camera")
        window.findChild(QAction, action).trigger()
        tool = window.findChild(QWidget, name)
        qtbot.waitExposed(tool)
        pad = window.panel_widget("padDock")
        assert not tool.frameGeometry().intersects(on_screen(pad, pad.rect())), "the drawing pad is covered"
        assert tool.frameGeometry().right() <= window.frameGeometry().right() + 1
