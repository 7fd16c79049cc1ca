"""The kernel lab, used as a person would: open it from Tools, pick kernels, edit a cell, hover, play."""

import json

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from nnstudio.engine.kernels import convolve2d, preset_kernel
from nnstudio.ui.kernel_lab import KERNEL_MIME, KernelLab

from ..studio_windows import studio_windows


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window(example="digits")


def open_lab(window, qtbot) -> KernelLab:
    action = window.findChild(type(window.tools_menu.actions()[0]), "kernelLabAction")
    assert action is not None and action in window.tools_menu.actions()
    action.trigger()
    lab = window.findChild(KernelLab, "kernelLab")
    qtbot.waitExposed(lab)
    return lab


def hover(widget, at: QPoint) -> None:
    """Move the mouse, no button held, to ``at`` in ``widget``, as a person pointing would."""
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(at),
        QPointF(widget.mapToGlobal(at)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_the_lab_works_on_the_pads_picture(window, qtbot):
    pad = window.panel_widget("padDock")
    picture = np.zeros(784, dtype=np.float32)
    picture[14 * 28 + 5 : 14 * 28 + 20] = 1.0  # a horizontal stroke
    pad.set_pad_values(picture)
    lab = open_lab(window, qtbot)
    assert "28x28" in lab.source_label.text()
    np.testing.assert_allclose(lab.image, picture.reshape(28, 28))
    choose(lab.preset_combo, "blur")
    np.testing.assert_allclose(lab.output, convolve2d(lab.image, preset_kernel("blur")))
    assert "result 26x26" in lab.size_label.text()
    assert "Blur" in lab.effect_label.text()


def test_the_lab_follows_a_new_drawing(window, qtbot):
    lab = open_lab(window, qtbot)
    pad = window.panel_widget("padDock")
    picture = np.zeros(784, dtype=np.float32)
    picture[100:110] = 1.0
    pad.set_pad_values(picture)
    assert lab.image.sum() == pytest.approx(10.0)


def test_stride_and_padding_offer_only_sizes_that_fit(window, qtbot):
    lab = open_lab(window, qtbot)
    choose(lab.size_combo, 3)
    paddings = [lab.padding_combo.itemData(i) for i in range(lab.padding_combo.count())]
    assert paddings == [0, 1]
    choose(lab.padding_combo, 0)
    assert [lab.stride_combo.itemData(i) for i in range(lab.stride_combo.count())] == [1]
    choose(lab.padding_combo, 1)
    assert [lab.stride_combo.itemData(i) for i in range(lab.stride_combo.count())] == [1, 3]
    choose(lab.stride_combo, 3)
    assert lab.output.shape == (10, 10)
    assert "result 10x10" in lab.size_label.text()


def test_editing_a_cell_by_hand_makes_the_kernel_your_own(window, qtbot):
    lab = open_lab(window, qtbot)
    choose(lab.preset_combo, "identity")
    item = lab.kernel_table.item(1, 1)
    item.setText("2")
    assert lab.kernel[1, 1] == 2.0
    assert lab.preset_combo.currentData() == "custom"
    np.testing.assert_allclose(lab.output, 2 * lab.image[1:-1, 1:-1])
    lab.kernel_table.item(0, 0).setText("lots")
    assert "not a number" in lab.sum_label.text()
    assert lab.kernel_table.item(0, 0).text() == "0"


def test_hovering_a_result_pixel_writes_out_its_sum(window, qtbot):
    lab = open_lab(window, qtbot)
    choose(lab.preset_combo, "sharpen")
    lab.zoom_slider.setValue(12)
    view = lab.output_view
    hover(view, view.cell_centre(10, 7))
    text = lab.sum_label.text()
    assert text.startswith("Result pixel (row 11, column 8) =")
    assert text.endswith(f"= {lab.output[10, 7]:.3g}")
    assert lab.input_view.outline == (10, 7, 3, 3)


def test_zoomed_in_the_picture_shows_its_numbers(window, qtbot):
    lab = open_lab(window, qtbot)
    lab.zoom_slider.setValue(40)
    assert lab.input_view.cell == 40
    assert lab.input_view.width() >= 28 * 40


def test_play_sends_the_kernel_crawling(window, qtbot):
    lab = open_lab(window, qtbot)
    qtbot.mouseClick(lab.play_button, Qt.MouseButton.LeftButton)
    assert lab.play_button.text() == "Stop"
    lab.timer.stop()  # the steps are taken by hand here, one per tick
    for _ in range(30):
        lab.advance()
    assert lab.output_view.revealed == 30
    assert lab.input_view.outline == (1, 3, 3, 3)  # 26 pixels a row: the 30th is row 2, column 4
    lab.play_button.setChecked(False)
    assert lab.output_view.revealed is None


def test_the_kernel_can_be_dragged_out(window, qtbot):
    lab = open_lab(window, qtbot)
    choose(lab.preset_combo, "outline")
    mime = lab.drag_handle.mime_data()
    assert json.loads(bytes(mime.data(KERNEL_MIME)).decode())["values"][1][1] == 8


def test_five_by_five(window, qtbot):
    lab = open_lab(window, qtbot)
    choose(lab.size_combo, 5)
    assert lab.kernel.shape == (5, 5)
    assert lab.kernel_table.rowCount() == 5
    assert lab.output.shape == (24, 24)
    hover(lab.output_view, QPoint(2, 2))
    assert lab.sum_label.text().startswith("Result pixel (row 1, column 1)")


def test_each_lab_window_is_titled_as_its_menu_entry(window, qtbot):
    from PySide6.QtGui import QAction

    for name, title in (
        ("kernelLabAction", "Kernel Lab"),
        ("dreamAction", "Dream"),
        ("foolAction", "Fool the Network"),
    ):
        action = window.findChild(QAction, name)
        assert action in window.tools_menu.actions()
        assert action.text().replace("&", "") == f"{title}..."
        action.trigger()
        opened = [w for w in window.findChildren(QWidget) if w.isWindow() and w.windowTitle() == title]
        assert len(opened) == 1 and opened[0].isVisible(), name
        opened[0].close()
