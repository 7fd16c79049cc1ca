"""Hostile datasets through the window: the training panel's import and a document that names one.

Whatever the file, the window answers at once (files are read in the background), then shows one clear
message, keeps the dataset it had and stays usable: a good file imported afterwards is taken.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import create_main_window
from nnstudio.document.fileformat import save_document
from nnstudio.examples import load_example
from nnstudio.ui.error_tables import DatasetTable
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training.panel import TrainingPanel

from .corpus import build_all, build_one

GOOD_CSV = "1,1,1,1,solid\n-1,-1,-1,-1,solid\n1,-1,1,-1,vertical\n-1,1,-1,1,vertical\n"


@pytest.fixture
def panel(qtbot):
    document = load_example("four-pixel-learner")
    live = LiveNetwork(document)
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    panel.resize(420, 700)
    panel.show()
    yield panel
    panel.shutdown()
    live.detach()


def _import(panel: TrainingPanel, qtbot, monkeypatch, spec: str) -> None:
    """Choose the import item of the dataset box, as a person would, and pick ``spec`` in the dialog."""
    folder = os.path.isdir(spec)
    monkeypatch.setattr(panel, "_ask_dataset_folder" if folder else "_ask_dataset_file", lambda: spec)
    item = panel.dataset_combo.findData("\x00import-folder" if folder else "\x00import-file")
    panel.dataset_combo.activated.emit(item)
    qtbot.waitUntil(lambda: not panel.importing(), timeout=10_000)


def test_every_hostile_dataset_is_refused_by_the_import(panel, qtbot, monkeypatch, tmp_path):
    before = panel.dataset_spec()
    refused = 0
    for case, spec in build_all(tmp_path / "corpus"):
        _import(panel, qtbot, monkeypatch, spec)
        message = panel.status_text()
        assert "\n" not in message and 0 < len(message) < 400, f"{case.name}: {message!r}"
        assert "color" in panel.status.styleSheet(), f"{case.name} was not shown as a problem: {message}"
        # Each case lives in a folder of its name: the message names the file at fault, which is in there.
        assert case.name in message or spec in message, f"{case.name}: {message}"
        assert panel.dataset_spec() == before, case.name
        assert panel.dataset_combo.isEnabled() and panel.train_button.isEnabled()
        refused += 1
    assert refused >= 40
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV)
    _import(panel, qtbot, monkeypatch, str(good))
    assert panel.dataset_spec() == str(good)
    assert "Imported 4 samples" in panel.status_text()


@pytest.fixture
def window(qtbot):
    win = create_main_window()
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.isVisible():
        win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        win.close()
    win.deleteLater()


def _document_naming(tmp_path: Path, spec: str) -> Path:
    document = load_example("four-pixel-learner")
    document.training_data = spec
    path = tmp_path / "names-a-hostile-dataset.nnet"
    save_document(document, path)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_document_naming_a_named_pipe_opens_and_says_why(window, qtbot, tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    assert window.open_path(_document_naming(tmp_path, str(pipe)))
    assert window.document.training_data == str(pipe)
    table = window.panel_widget("datasetDock")
    training = window.panel_widget("trainingDock")
    assert isinstance(table, DatasetTable) and isinstance(training, TrainingPanel)
    table.show()
    table.refresh()
    qtbot.waitUntil(lambda: "named pipe" in table.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: "named pipe" in training.status_text(), timeout=10_000)
    qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    assert "named pipe" in training.status_text()
    assert not training.controller.running
    qtbot.waitUntil(lambda: not table.loader.busy() and not training.loader.busy(), timeout=10_000)
    # The window still answers: another document opens at once.
    assert window.open_example("four-pixel-camera")


def test_a_document_naming_a_gzip_bomb_opens_and_says_why(window, qtbot, tmp_path):
    bomb = build_one(tmp_path / "corpus", "idx-gzip-bomb")
    assert window.open_path(_document_naming(tmp_path, bomb))
    training = window.panel_widget("trainingDock")
    qtbot.waitUntil(lambda: "gzip bomb" in training.status_text(), timeout=10_000)
    qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    # Pressing Train again reads the file again, in the background, and says the same.
    qtbot.waitUntil(lambda: "gzip bomb" in training.status_text(), timeout=10_000)
    assert not training.controller.running
    table = window.panel_widget("datasetDock")
    qtbot.waitUntil(lambda: not table.loader.busy() and not training.loader.busy(), timeout=10_000)


def test_a_slow_file_does_not_hold_the_window(panel, qtbot, monkeypatch, tmp_path):
    # The load waits until the test lets it go: the import must come back at once all the same.
    release = threading.Event()
    real_load = panel.loader._load

    def slow_load(spec: str, picture: object = None):
        release.wait(10)
        return real_load(spec, picture)

    monkeypatch.setattr(panel.loader, "_load", slow_load)
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV)
    panel.import_dataset(str(good))
    assert panel.importing()
    assert "Loading good.csv" in panel.status_text()
    qtbot.mouseClick(panel.randomize_button, Qt.MouseButton.LeftButton)  # the panel still answers
    assert "New random weights" in panel.status_text()
    release.set()
    qtbot.waitUntil(lambda: not panel.importing(), timeout=10_000)
    assert panel.dataset_spec() == str(good)
    assert "Imported 4 samples" in panel.status_text()


def test_the_dataset_table_shows_a_file_named_by_the_document_when_it_has_loaded(qtbot, tmp_path):
    path = tmp_path / "four.csv"
    path.write_text("1,1,1,1,0\n-1,-1,-1,-1,0\n1,-1,1,-1,1\n-1,1,-1,1,1\n1,-1,-1,1,2\n1,1,-1,-1,3\n")
    document = load_example("four-pixel-learner")
    document.training_data = str(path)
    live = LiveNetwork(document)
    table = DatasetTable()
    qtbot.addWidget(table)
    table.bind(live, QUndoStack())
    table.show()
    assert "Loading" in table.message.text()
    qtbot.waitUntil(lambda: len(table.shown_rows()) == 6, timeout=10_000)
    live.set_input(live.input)  # a refresh uses what was loaded, and reads nothing again
    assert not table.loader.busy()
    live.detach()


@pytest.mark.parametrize(
    ("failure", "said"),
    [(MemoryError(), "not enough memory"), (RuntimeError("disk on fire"), "RuntimeError: disk on fire")],
)
def test_a_load_that_fails_unexpectedly_is_one_line_too(panel, qtbot, monkeypatch, tmp_path, failure, said):
    def failing_load(spec: str, picture: object = None):
        raise failure

    monkeypatch.setattr(panel.loader, "_load", failing_load)
    path = tmp_path / "any.csv"
    path.write_text(GOOD_CSV)
    _import(panel, qtbot, monkeypatch, str(path))
    assert said in panel.status_text() and "any.csv" in panel.status_text()
    assert panel.dataset_spec() != str(path)
