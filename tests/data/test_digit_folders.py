"""A folder of one's own digit pictures, of any size, works with eval, train and the window's import.

The pictures here are built-in test digits drawn large, dark ink on white paper as a person would scan
them: each goes through the drawing pad's preparation (find the ink, fit it in 20x20, centre it in 28x28).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6 import QtGui  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402

from nnstudio.cli import main  # noqa: E402
from nnstudio.data import load_dataset  # noqa: E402
from nnstudio.data.digits import digits_test  # noqa: E402
from nnstudio.data.preprocess import resample_area  # noqa: E402

PER_CLASS = 3


def _save_paper(gray: np.ndarray, path) -> None:
    data = np.ascontiguousarray(np.round(np.clip(gray, 0, 1) * 255).astype(np.uint8))
    h, w = data.shape
    image = QtGui.QImage(data.data, w, h, w, QtGui.QImage.Format.Format_Grayscale8).copy()
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path))


@pytest.fixture(scope="module")
def big_digits(tmp_path_factory):
    """280x280 PNGs, dark ink on white, PER_CLASS of each digit, in folders named 0..9."""
    folder = tmp_path_factory.mktemp("mine") / "my-digits"
    data = digits_test()
    for digit in range(10):
        picked = np.flatnonzero(data.classes == digit)[:PER_CLASS]
        for k, index in enumerate(picked):
            ink = data.inputs[index].reshape(28, 28).astype(np.float64)
            # A margin like a drawing on a sheet, then ten times larger, smoothly.
            sheet = np.zeros((40, 40))
            sheet[6:34, 8:36] = ink
            _save_paper(1.0 - resample_area(sheet, 280, 280), folder / str(digit) / f"{k}.png")
    return folder


def test_large_pictures_become_28x28_digits(big_digits):
    data = load_dataset(str(big_digits))
    assert data.grid == (28, 28)
    assert data.n_inputs == 784
    assert data.value_range == (0.0, 1.0)
    assert data.labels == [str(d) for d in range(10)]
    # White ink on black after the preparation, the ink's core full white, like MNIST.
    assert data.inputs[:, :28].max() < 0.05
    assert data.inputs.max(axis=1).min() == pytest.approx(1.0)


def test_the_networks_own_grid_is_used_when_known(big_digits):
    data = load_dataset(str(big_digits), (16, 16), (-1.0, 1.0))
    assert data.grid == (16, 16)
    assert data.inputs.shape == (10 * PER_CLASS, 256)
    assert data.inputs.min() >= -1.0 and data.inputs.max() == pytest.approx(1.0)  # white paper


def test_eval_reads_a_folder_of_large_pictures(big_digits, capsys):
    code = main(["eval", "digits", "--data", str(big_digits), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "too many inputs" not in err
    import json

    result = json.loads(out)
    assert result["samples"] == 10 * PER_CLASS
    assert result["accuracy"] >= 0.7


def test_train_takes_a_folder_of_large_pictures(big_digits, capsys, tmp_path):
    out_file = tmp_path / "trained.nnet"
    code = main(["train", "digits", "--data", str(big_digits), "--epochs", "1", "--out", str(out_file)])
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert out_file.exists()


def test_the_window_imports_a_folder_of_large_pictures(big_digits, qtbot, monkeypatch):
    from nnstudio.examples import load_example
    from nnstudio.ui.live import LiveNetwork
    from nnstudio.ui.training.panel import TrainingPanel

    live = LiveNetwork(load_example("digits"))
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    monkeypatch.setattr(panel, "_ask_dataset_folder", lambda: str(big_digits))
    panel.dataset_combo.activated.emit(panel.dataset_combo.findData("\x00import-folder"))
    qtbot.waitUntil(lambda: not panel.importing(), timeout=20_000)
    try:
        assert panel.dataset_spec() == str(big_digits), panel.status_text()
        assert "too many inputs" not in panel.status_text()
        assert "30" in panel.status_text()
    finally:
        panel.shutdown()
        live.detach()


def test_the_window_imports_large_pictures_at_the_networks_own_grid(big_digits, qtbot, monkeypatch):
    """A 16x16 network takes the folder as 16x16 pictures (it was made 28x28 and then refused)."""
    from nnstudio.document.builders import dense_network
    from nnstudio.document.model import Document
    from nnstudio.ui.live import LiveNetwork
    from nnstudio.ui.training.panel import TrainingPanel

    network = dense_network(
        [256, 8, 10], "sigmoid", 0, grid=(16, 16), output_labels=[str(d) for d in range(10)]
    )
    live = LiveNetwork(Document(network, grid=(16, 16), value_range=(0.0, 1.0)))
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    monkeypatch.setattr(panel, "_ask_dataset_folder", lambda: str(big_digits))
    panel.dataset_combo.activated.emit(panel.dataset_combo.findData("\x00import-folder"))
    qtbot.waitUntil(lambda: not panel.importing(), timeout=20_000)
    try:
        assert panel.dataset_spec() == str(big_digits), panel.status_text()
        assert panel.selected_dataset().n_inputs == 256
    finally:
        panel.shutdown()
        live.detach()
