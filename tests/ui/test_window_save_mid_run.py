"""Saving while a run trains keeps the weights the canvas shows, even when the network itself has not taken
them yet (a big network takes a run's weights only every second or two: writing them costs a frame)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import create_main_window
from nnstudio.document import load_document
from nnstudio.engine.plan import compile_network
from nnstudio.ui.training import controller as controller_module

Button = QMessageBox.StandardButton


def test_a_save_during_a_run_keeps_the_weights_the_canvas_shows(qtbot, monkeypatch, tmp_path):
    # The network takes the run's weights only at its first frame, as a big network's would for a while.
    monkeypatch.setattr(controller_module, "NETWORK_WRITE_SHARE", 1e-12)
    monkeypatch.setattr(controller_module, "MAX_NETWORK_LAG", 1e9)
    window = create_main_window(example="four-pixel-camera")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    training = window.panel_widget("trainingDock")
    training.epochs.setValue(1_000_000)
    try:
        window.actions["train"].trigger()
        qtbot.waitUntil(lambda: window.live.ahead, timeout=10_000)
        path = tmp_path / "mid-run.nnet"
        assert window.save_as(path)
        shown = window.live.plan.flat.copy()  # no event has run since the save: the canvas shows these
        saved = compile_network(load_document(path).network).flat
        np.testing.assert_array_equal(saved, shown)
    finally:
        window.ask_save_changes = lambda: Button.Discard
        training.shutdown()
