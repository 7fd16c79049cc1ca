"""A convolutional layer on the canvas: its kernels and feature maps, how a map is made, kernel edits."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import create_main_window
from nnstudio.document.builders import conv_network, parse_network_spec
from nnstudio.document.fileformat import save_document
from nnstudio.document.model import Document
from nnstudio.engine.plan import compile_network
from nnstudio.ui.canvas.feature_map_story import FeatureMapStory


def open_convnet(qtbot, tmp_path, spec: str, side: int):
    network = conv_network(parse_network_spec(spec), seed=3, output_labels=["a", "b", "c"])
    path = tmp_path / "small-convnet.nnet"
    save_document(Document(network, title="small convnet", grid=(side, side), value_range=(0.0, 1.0)), path)
    win = create_main_window(path)
    win.resize(1200, 760)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, tmp_path):
    win = open_convnet(qtbot, tmp_path, "8x8-c2k3-p2-3", 8)
    picture = np.zeros(64, dtype=np.float32)
    picture[[10, 18, 26, 34, 42, 43, 44]] = 1.0  # an L
    win.panel_widget("padDock").set_pad_values(picture)
    yield win
    for story in win.findChildren(FeatureMapStory):
        story.close()
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.close()
    win.deleteLater()


def layers_of(window):
    return window.canvas.scene().feature_maps


def test_a_conv_layer_is_drawn_as_kernels_and_feature_maps(window):
    layers = layers_of(window)
    assert set(layers.blocks) == {"conv1", "pool1"}
    conv = layers.blocks["conv1"]
    assert conv.caption() == "conv1: 2 kernels 3x3"
    assert len(conv.channel_rects) == 2 and len(conv.kernel_rects(0)) == 1
    assert layers.blocks["pool1"].caption() == "pool1: max-pool 2x2"
    plan = compile_network(window.document.network)
    fw = plan.forward(window.live.input)
    for name in ("conv1", "pool1"):
        np.testing.assert_allclose(layers.blocks[name].maps, plan.feature_maps(fw, name), atol=1e-5)
    # The discs of those layers step aside for the block.
    scene = window.canvas.scene()
    assert not any(sheet.isVisible() for key, sheet in scene.sheets.items() if key[0] in conv.ids)


def test_the_maps_follow_the_pad(window):
    layers = layers_of(window)
    before = layers.blocks["conv1"].maps.copy()
    window.panel_widget("padDock").set_pad_values(np.ones(64, dtype=np.float32))
    assert not np.allclose(before, layers.blocks["conv1"].maps)


def test_clicking_a_feature_map_shows_how_it_was_made(window, qtbot):
    layers = layers_of(window)
    block = layers.blocks["conv1"]
    canvas = window.canvas
    nid = block.ids[36 + 2 * 6 + 3]  # channel 2, row 3, column 4
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of(nid))
    story = window.findChild(FeatureMapStory, "featureMapStory")
    assert story is not None and story.isVisible()
    assert story.layer == "conv1"
    assert canvas.selected_neuron_ids() == [nid]
    assert (story.channel, story.place) == (1, (2, 3))
    assert story.steps_text == ["input channel 1 x kernel", "sum + bias", "relu", "max-pool 2x2"]
    value = block.maps[1, 2, 3]
    assert story.title.text().endswith(f"relu of that = {value:.3g}.")
    assert "Map 2 of conv1" in story.title.text() and "row 3, column 4" in story.title.text()


def test_editing_a_kernel_number_is_one_undo_step(window, qtbot):
    layers = layers_of(window)
    story = layers.open_story("conv1", 0, (1, 1), window.canvas)
    network = window.document.network
    before = network.convolutions["conv1"].kernel.copy()
    story.kernel_tables[0].item(1, 1).setText("2.5")
    assert network.convolutions["conv1"].kernel[0, 0, 1, 1] == 2.5
    plan = compile_network(network)
    np.testing.assert_allclose(
        layers.blocks["conv1"].maps, plan.feature_maps(plan.forward(window.live.input), "conv1"), atol=1e-5
    )
    window.undo_stack.undo()
    np.testing.assert_allclose(network.convolutions["conv1"].kernel, before)


def test_a_kernel_from_the_lab_can_be_dropped_on_the_layer(window):
    layers = layers_of(window)
    block = layers.blocks["conv1"]
    rect = block.channel_rects[1]
    outline = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
    payload = json.dumps({"values": outline}).encode()
    message = layers.drop_kernel(rect.center().x(), rect.center().y(), payload, window.undo_stack.push)
    assert message == (True, "Kernel 2 of conv1 takes the lab's numbers")
    np.testing.assert_allclose(window.document.network.convolutions["conv1"].kernel[1, 0], outline)
    five = json.dumps({"values": np.zeros((5, 5)).tolist()}).encode()
    assert "3x3" in layers.drop_kernel(rect.center().x(), rect.center().y(), five, window.undo_stack.push)[1]
    pool = layers.blocks["pool1"].channel_rects[0]
    taken, message = layers.drop_kernel(pool.center().x(), pool.center().y(), payload, window.undo_stack.push)
    assert not taken and "pooling" in message


def test_dropping_the_labs_kernel_on_the_canvas(window, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from nnstudio.ui.kernel_lab import KernelLab

    lab = KernelLab(lambda: (np.zeros((8, 8)), "an empty picture"), window)
    lab.preset_combo.setCurrentIndex(lab.preset_combo.findData("sharpen"))
    mime = lab.drag_handle.mime_data()
    canvas = window.canvas
    block = layers_of(window).blocks["conv1"]
    at = QPointF(canvas.mapFromScene(block.channel_rects[0].center()))
    copy = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(at.toPoint(), copy, mime, buttons, modifiers)
    QApplication.sendEvent(canvas.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(canvas.viewport(), QDropEvent(at, copy, mime, buttons, modifiers))
    np.testing.assert_allclose(
        window.document.network.convolutions["conv1"].kernel[0, 0], [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    )
    window.undo_stack.undo()
    assert window.document.network.convolutions["conv1"].kernel[0, 0, 1, 1] != 5
    lab.close()


def test_moving_a_layer_moves_its_pictures(window):
    block = layers_of(window).blocks["pool1"]
    before = block.channel_rects[0].topLeft()
    scene = window.canvas.scene()
    moved = {nid: (scene.neuron_items[nid].x() + 40.0, scene.neuron_items[nid].y()) for nid in block.ids}
    for nid, (x, y) in moved.items():
        scene.neuron_items[nid].setPos(x, y)
    scene.move_nodes(moved)
    assert block.channel_rects[0].topLeft().x() == pytest.approx(before.x() + 40.0)


def test_a_kernel_cannot_be_edited_while_training_runs(window):
    layers = layers_of(window)
    story = layers.open_story("conv1", 1, None, window.canvas)
    network = window.document.network
    before = network.convolutions["conv1"].kernel.copy()
    window.live.set_locked(True)
    try:
        story.kernel_tables[0].item(0, 0).setText("9")
    finally:
        window.live.set_locked(False)
    np.testing.assert_allclose(network.convolutions["conv1"].kernel, before)
    assert story.kernel_tables[0].item(0, 0).text() == f"{before[1, 0, 0, 0]:.2f}"


def test_the_kernels_are_drawn_again_as_training_changes_them(window):
    from nnstudio.ui.canvas.map_images import signed_image

    block = layers_of(window).blocks["conv1"]
    plan = compile_network(window.document.network)
    kernel, _bias = plan.convolution("conv1").split(plan.flat)
    kernel[0, 0] = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
    window.canvas.scene().weights_changed(None, plan)
    assert block._kernel_images[0][0] == signed_image(kernel[0, 0])


def test_a_layers_caption_stays_readable_when_the_view_zooms_out(window):
    """A ConvNet fitted in the view is drawn small; the layers' names must not shrink to a few pixels."""
    from nnstudio.ui.canvas.feature_maps import CAPTION_PX

    canvas = window.canvas
    block = layers_of(window).blocks["conv1"]
    for _ in range(6):
        canvas.zoom_by(0.5)
    on_screen = block.caption_height() * canvas.transform().m11()
    assert on_screen >= CAPTION_PX - 0.01
    caption = layers_of(window).captions["conv1"]
    assert caption.sceneBoundingRect().height() * canvas.transform().m11() >= on_screen
    assert block.boundingRect().height() * canvas.transform().m11() > on_screen


@pytest.fixture
def deep_window(qtbot, tmp_path):
    """A pooling layer followed by a convolution: the next block's kernels lie just right of its caption."""
    win = open_convnet(qtbot, tmp_path, "12x12-c2k3-p2-c4k3-3", 12)
    yield win
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.close()
    win.deleteLater()


def caption_cover(window):
    """Per layer: the blocks drawn over its caption's text (stacked above it where they overlap)."""
    from PySide6.QtGui import QFontMetricsF

    from nnstudio.ui.canvas.feature_maps import FeatureMapBlock

    scene = window.canvas.scene()
    layers = layers_of(window)
    covered = {}
    for name, block in layers.blocks.items():
        caption = layers.captions[name]
        text_rect = caption.text_rect().translated(caption.pos())
        # The text fits its own rectangle (nothing of it is cut at the item's edge).
        width = QFontMetricsF(caption.font()).horizontalAdvance(block.caption())
        assert width <= text_rect.width() + 0.5, (name, width, text_rect.width())
        above = []
        for item in scene.items(text_rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if item is caption:
                break  # items come topmost first: what follows is drawn below the caption
            if isinstance(item, FeatureMapBlock):
                above.append(item.layer)
        covered[name] = above
    # Nor do the captions run into each other.
    rects = [caption.sceneBoundingRect() for caption in layers.captions.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :]), rects
    return covered


@pytest.mark.parametrize("zoom", [1.0, 0.25, 0.05, 4.0])
def test_no_layer_is_drawn_over_another_layers_caption(deep_window, zoom):
    canvas = deep_window.canvas
    canvas.zoom_by(zoom)
    layers = layers_of(deep_window)
    assert set(layers.blocks) == {"conv1", "pool1", "conv2"}
    # pool1's caption is wider than the room before conv2's kernels: it reaches over conv2's column.
    pool1 = layers.captions["pool1"].sceneBoundingRect()
    assert pool1.right() > layers.blocks["conv2"].picture_rect.left()
    assert caption_cover(deep_window) == {"conv1": [], "pool1": [], "conv2": []}


def test_an_exported_picture_shows_the_layers_captions(deep_window, tmp_path):
    path = tmp_path / "convnet.svg"
    deep_window.canvas.export_svg(path)
    svg = path.read_text(encoding="utf-8")
    for name, block in layers_of(deep_window).blocks.items():
        assert block.caption() in svg, name


def test_the_inspector_opens_a_selected_feature_map_neurons_kernel_to_edit(window, qtbot):
    layers = layers_of(window)
    second_map = layers.blocks["conv1"].ids[-1]  # the last neuron of the conv layer is in its second map
    window.canvas.select([second_map])
    button = window.inspector.kernel_button
    assert button.isVisible() and button.text() == "Kernel 2 of conv1\u2026"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    story = window.findChild(FeatureMapStory, "featureMapStory")
    assert story is not None and story.isVisible()
    story.kernel_tables[0].item(0, 0).setText("1.5")
    assert window.document.network.convolutions["conv1"].kernel[1, 0, 0, 0] == 1.5
    window.canvas.select([window.document.network.outputs()[0].id])
    assert not button.isVisible()
