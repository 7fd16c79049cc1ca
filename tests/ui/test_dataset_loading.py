"""Datasets load on a background thread; the window hears of the outcome through its event loop."""

from __future__ import annotations

import threading
import time

import numpy as np

from nnstudio.data.dataset import Dataset
from nnstudio.ui.dataset_loading import DatasetLoader


def tiny_dataset(spec: str, _picture: object) -> Dataset:
    return Dataset(
        spec, np.zeros((2, 2), np.float32), np.zeros((2, 1), np.float32), ["yes"], np.zeros(2, np.int64)
    )


def test_once_a_load_is_delivered_its_thread_has_ended(qtbot, monkeypatch):
    """A thread that has handed over its dataset may not have ended yet on a busy machine: the loader waits
    for it, so nothing of a finished load is left running (a window closed just after would leave it)."""
    loader = DatasetLoader(load=tiny_dataset)
    run = loader._run

    def run_then_linger(spec: str, picture: object) -> None:
        run(spec, picture)
        time.sleep(0.3)  # as when the machine is busy and the thread is not scheduled to end at once

    monkeypatch.setattr(loader, "_run", run_then_linger)
    with qtbot.waitSignal(loader.loaded, timeout=5_000) as loaded:
        loader.start("tiny")
    assert loaded.args[0] == "tiny" and len(loaded.args[1]) == 2
    assert not loader.loading("tiny")
    assert not [t for t in threading.enumerate() if t.name == "nnstudio dataset load" and t.is_alive()]
