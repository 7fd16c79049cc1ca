"""The digits-convnet example: its shipped weights read at least 98% of digits:test, and the studio opens it
and trains it like any other network."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nnstudio.data.loaders import load_dataset
from nnstudio.document.summary import network_summary
from nnstudio.engine.conv import ConvKind
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import compile_network
from nnstudio.engine.train import evaluate
from nnstudio.examples import load_example


def test_the_shipped_convnet_reads_at_least_98_percent_of_the_test_digits() -> None:
    doc = load_example("digits-convnet")
    assert doc.training_data == "digits:train" and doc.grid == (28, 28)
    kinds = [conv.kind for conv in doc.network.convolutions.values()]
    assert kinds == [ConvKind.CONV2D, ConvKind.MAXPOOL, ConvKind.CONV2D, ConvKind.MAXPOOL]
    test = load_dataset("digits:test")
    _, accuracy, _ = evaluate(
        compile_network(doc.network), test.inputs, test.targets, LOSSES["cross_entropy"]
    )
    assert accuracy is not None and accuracy >= 0.98
    summary = network_summary(doc)
    assert [layer["kind"] for layer in summary["layers"]] == [
        "input",
        "conv2d",
        "maxpool",
        "conv2d",
        "maxpool",
        "flatten",
        "dense",
    ]


@pytest.fixture
def window(qtbot):
    from nnstudio.app import create_main_window

    win = create_main_window(example="digits-convnet")
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.panel_widget("trainingDock").shutdown()
    win.close()
    win.deleteLater()


def test_the_studio_steps_and_trains_the_convnet(qtbot, window) -> None:
    training = window.panel_widget("trainingDock")
    assert training.selected_dataset().name.startswith("digits")
    network = window.document.network
    # One shown step moves the kernels down their slope.
    window.panel_widget("animationDock").speed_slider.setValue(100)
    before_step = network.convolutions["conv2"].kernel.copy()
    qtbot.mouseClick(training.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=30_000)
    assert window.undo_stack.text(0) == "Training step"
    assert not np.array_equal(network.convolutions["conv2"].kernel, before_step)
    # A run trains them too, and one undo step puts them back.
    kernel_before = network.convolutions["conv1"].kernel.copy()
    training.epochs.setValue(1_000_000)
    with qtbot.waitSignal(training.controller.progress, timeout=60_000):
        window.actions["train"].trigger()
    with qtbot.waitSignal(training.controller.ended, timeout=60_000) as ended:
        window.actions["stop"].trigger()
    assert ended.args[0] == "stopped"
    assert "stopped" in training.progress_text()
    assert not np.array_equal(network.convolutions["conv1"].kernel, kernel_before)
    window.undo_stack.undo()
    np.testing.assert_array_equal(network.convolutions["conv1"].kernel, kernel_before)
