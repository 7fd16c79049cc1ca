"""The confusion matrix panel: counts that match `nnstudio eval`, following the weights and the timeline."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from nnstudio.cli import main
from nnstudio.document.fileformat import save_document
from nnstudio.examples import load_example
from nnstudio.ui.confusion import TEST_SET, TRAINING_SET, ConfusionPanel
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.training import TrainingPanel

from .test_test_curve import digits_document
from .test_training_panel import four_pixel_document


@pytest.fixture
def panels(qtbot):
    made = []

    def make(document):
        live = LiveNetwork(document)
        stack = QUndoStack()
        training = TrainingPanel()
        confusion = ConfusionPanel(training)
        for widget in (training, confusion):
            qtbot.addWidget(widget)
        training.bind(live, stack)
        confusion.bind(live, stack)
        training.show()
        confusion.resize(360, 420)
        confusion.show()
        made.append((training, live))
        return training, confusion, live, stack

    yield make
    for training, live in made:
        training.shutdown()
        live.detach()


def eval_confusion(document, data: str | None, tmp_path, capsys) -> dict:
    path = tmp_path / "net.nnet"
    save_document(document, path)
    capsys.readouterr()
    assert main(["eval", str(path), *(["--data", data] if data else []), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_counts_match_eval_on_the_training_and_the_test_set(panels, qtbot, tmp_path, capsys):
    document = digits_document(epochs=2)
    training, confusion, live, stack = panels(document)
    with qtbot.waitSignal(training.controller.ended, timeout=60_000):
        qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: confusion.counts is not None and confusion.count_runs > 0, timeout=5000)
    qtbot.waitUntil(lambda: not confusion._timer.isActive(), timeout=5000)
    expected = eval_confusion(document, "digits:train", tmp_path, capsys)
    assert confusion.counts.tolist() == expected["confusion"]
    right = int(np.trace(confusion.counts))
    assert confusion.summary.text().startswith(f"{right:,} of 8,000 right")
    assert confusion.labels == expected["labels"]
    assert confusion.cell_text(3, 3) == f"{expected['confusion'][3][3]:,}"
    assert confusion.table.horizontalHeaderItem(7).text() == "7"

    # A click on a mix-up puts one of its samples into the network: a true r the network answers c.
    mixed = np.argwhere((confusion.counts > 1) & ~np.eye(10, dtype=bool))
    r, c = (int(v) for v in mixed[0])
    item = confusion.table.item(r, c)
    for turn in (1, 2):
        qtbot.mouseClick(
            confusion.table.viewport(),
            Qt.MouseButton.LeftButton,
            pos=confusion.table.visualItemRect(item).center(),
        )
        assert int(np.argmax(live.truth)) == r and int(np.argmax(live.outputs())) == c
        assert f"({turn} of {confusion.counts[r, c]:,})" in confusion.summary.text()

    confusion.data_box.setCurrentIndex(confusion.data_box.findData(TEST_SET))
    qtbot.waitUntil(lambda: "digits:test" in confusion.summary.text(), timeout=5000)
    expected = eval_confusion(document, "digits:test", tmp_path, capsys)
    assert confusion.counts.tolist() == expected["confusion"]
    assert confusion.counts.sum() == 2000


def test_the_matrix_follows_the_timeline_and_undo(panels, qtbot):
    document = four_pixel_document()
    training, confusion, live, stack = panels(document)
    with qtbot.waitSignal(training.controller.ended, timeout=30_000):
        qtbot.mouseClick(training.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: confusion.counts is not None and not confusion._timer.isActive(), timeout=5000)
    after = confusion.counts.copy()
    assert after.sum() == 8  # the four-pixel set's eight images that have a class
    runs = confusion.count_runs
    training.timeline.show_point(0)  # the start of the run: the untrained network
    qtbot.waitUntil(lambda: confusion.count_runs > runs, timeout=5000)
    untrained = confusion.counts.copy()
    assert np.trace(untrained) < np.trace(after)
    training.timeline.back_to_now()
    qtbot.waitUntil(lambda: confusion.count_runs > runs + 1, timeout=5000)
    assert np.array_equal(confusion.counts, after)
    stack.undo()
    qtbot.waitUntil(lambda: confusion.count_runs > runs + 2, timeout=5000)
    assert np.array_equal(confusion.counts, untrained)


def test_a_set_without_a_test_half_says_so(panels, qtbot):
    training, confusion, live, stack = panels(four_pixel_document())
    confusion.data_box.setCurrentIndex(confusion.data_box.findData(TEST_SET))
    qtbot.waitUntil(lambda: "no held-out test half" in confusion.summary.text(), timeout=5000)
    assert confusion.table.rowCount() == 0
    confusion.data_box.setCurrentIndex(confusion.data_box.findData(TRAINING_SET))
    qtbot.waitUntil(lambda: "right" in confusion.summary.text(), timeout=5000)
    assert confusion.table.rowCount() == 4


def test_a_yes_no_network_is_counted_as_two_classes_as_eval_counts_it(panels, qtbot, tmp_path, capsys):
    document = load_example("xor-features")
    assert len(document.network.outputs()) == 1
    training, confusion, live, stack = panels(document)
    qtbot.waitUntil(lambda: confusion.counts is not None, timeout=10_000)
    expected = eval_confusion(document, None, tmp_path, capsys)
    assert confusion.counts.tolist() == expected["confusion"]
    assert confusion.labels == expected["labels"] and len(confusion.labels) == 2
    assert confusion.table.verticalHeaderItem(0).text().startswith("not ")
