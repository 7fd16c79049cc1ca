"""The Dream window, used as a person would: Tools > Dream, pick a neuron, press Dream, watch it rise."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from nnstudio.data.digits import digits_test
from nnstudio.engine.imagine import activation
from nnstudio.ui.dream import DreamWindow

from ..studio_windows import studio_windows


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window(example="digits")


def open_dream(window, qtbot) -> DreamWindow:
    window.findChild(QAction, "dreamAction").trigger()
    found = window.findChild(DreamWindow, "dreamWindow")
    qtbot.waitExposed(found)
    return found


def test_dreaming_of_an_output_raises_it(window, qtbot):
    dream = open_dream(window, qtbot)
    # Before the first dream its place says what will show there, instead of a black square like a result.
    assert dream.view.placeholder == "The dream shows here: press Dream"
    assert dream.view.values.shape == (28, 28)
    dream.neuron_combo.setCurrentIndex(dream.neuron_combo.findData(window.live.plan.output_ids[4]))
    assert dream.neuron_combo.currentText() == "Output \u201c4\u201d"
    dream.steps_spin.setValue(20)
    # The same noise every run: from a few starts in a thousand (digits' output 4, seed 400 of the engine's
    # noise) twenty steps end on the low side of a step that goes back and forth across a ReLU's corner.
    dream.noise_seeds = np.random.default_rng(7)
    qtbot.mouseClick(dream.dream_button, Qt.MouseButton.LeftButton)
    assert dream.dream_button.text() == "Stop"
    qtbot.waitUntil(lambda: not dream.dream_button.isChecked(), timeout=20_000)
    assert dream.steps_taken == 20
    assert dream.value > dream.before
    assert "after 20 steps" in dream.value_label.text()
    assert dream.view.values.shape == (28, 28) and not dream.view.placeholder


def test_dreaming_from_the_pad_of_a_hidden_neuron(window, qtbot):
    pad = window.panel_widget("padDock")
    pad.set_pad_values(digits_test().inputs[2])
    dream = open_dream(window, qtbot)
    hidden = window.live.plan.levels[1].ids[2]
    dream.neuron_combo.setCurrentIndex(dream.neuron_combo.findData(hidden))
    assert dream.neuron_combo.currentText().startswith("Hidden (layer 1)")
    qtbot.mouseClick(dream.from_pad, Qt.MouseButton.LeftButton)
    dream.blur_box.setChecked(False)
    dream.steps_spin.setValue(5)
    dream.dream_button.setChecked(True)
    dream.timer.stop()  # the steps are taken by hand here
    start = activation(window.live.plan, digits_test().inputs[2], hidden)[0]
    assert dream.before == pytest.approx(start, abs=1e-6)
    for _ in range(5):
        dream.advance()
    assert not dream.dream_button.isChecked()
    assert dream.value >= dream.before
    qtbot.mouseClick(dream.pad_button, Qt.MouseButton.LeftButton)
    np.testing.assert_allclose(pad.pad_values(), dream.picture, atol=1e-6)


def test_the_real_digits_exciting_it_most_are_shown(window, qtbot):
    dream = open_dream(window, qtbot)
    dream.neuron_combo.setCurrentIndex(dream.neuron_combo.findData(window.live.plan.output_ids[7]))
    captions = [caption.text() for _view, caption in dream.strongest_views]
    assert all(text.startswith("7:") for text in captions[:4]), captions
    assert "excite it most" in dream.strongest_title.text()
    assert dream.strongest_views[0][0].values.shape == (28, 28)


def test_a_network_without_a_picture_says_so(qtbot):
    with studio_windows(qtbot) as open_window:
        win = open_window(example="xor")
        win.findChild(QAction, "dreamAction").trigger()
        dream = win.findChild(DreamWindow, "dreamWindow")
        assert not dream.dream_button.isEnabled()
        assert "no picture" in dream.value_label.text()


def test_a_convolutional_layer_offers_its_feature_maps(qtbot, tmp_path):
    from nnstudio.document.builders import conv_network, parse_network_spec
    from nnstudio.document.fileformat import save_document
    from nnstudio.document.model import Document

    network = conv_network(parse_network_spec("8x8-c2k3-p2-3"), seed=3)
    path = tmp_path / "small.nnet"
    save_document(Document(network, grid=(8, 8), value_range=(0.0, 1.0)), path)
    with studio_windows(qtbot) as open_window:
        win = open_window(path=path)
        win.findChild(QAction, "dreamAction").trigger()
        dream = win.findChild(DreamWindow, "dreamWindow")
        texts = [dream.neuron_combo.itemText(i) for i in range(dream.neuron_combo.count())]
        assert "Feature map 2 of conv1" in texts
        assert not any(text.startswith("Hidden (layer 1)") for text in texts)
        dream.neuron_combo.setCurrentIndex(texts.index("Feature map 1 of conv1"))
        dream.steps_spin.setValue(4)
        dream.dream_button.setChecked(True)
        dream.timer.stop()
        for _ in range(4):
            dream.advance()
        assert "after 4 steps" in dream.value_label.text()
