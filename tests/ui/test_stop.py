"""Stop conditions: a run ends at the first epoch that reaches a target error or accuracy, else after its epochs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from nnstudio.engine.stopping import EPOCHS, TARGET_ACCURACY, TARGET_ERROR, StopCondition
from nnstudio.engine.train import EpochEnd, TrainSettings

from .test_training_panel import four_pixel_document, panel_with  # noqa: F401 - the fixture

LONG = TrainSettings(epochs=400, learning_rate=0.02, batch_size=1, momentum=0.5, seed=3)


def epoch_ends(panel) -> list[EpochEnd]:
    ends: list[EpochEnd] = []
    panel.controller.epochEnded.connect(ends.append)
    return ends


def test_a_target_accuracy_ends_the_run_at_the_first_epoch_that_reaches_it(panel_with, qtbot):  # noqa: F811
    document = four_pixel_document()
    document.training = LONG
    panel, live, stack = panel_with(document)
    panel.tabs.setCurrentIndex(0)
    panel.set_stop_condition(TARGET_ACCURACY, 75.0)
    assert panel.stop_target.isVisible() and panel.stop_target.suffix() == " %"
    ends = epoch_ends(panel)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    outcome, message = ended.args
    assert outcome == "reached"
    last = ends[-1]
    assert last.accuracy >= 0.75 and all(e.accuracy < 0.75 for e in ends[:-1])
    assert last.epoch < LONG.epochs
    assert f"reached its target in epoch {last.epoch}" in message and "target 75%" in message
    assert panel.progress_text() == f"target reached in epoch {last.epoch}/{LONG.epochs}"
    assert stack.undoText() == f"Train 400 epochs (target reached in epoch {last.epoch})"
    # The run's history ends at the epoch that stopped it.
    assert panel.controller.history.last.epoch == last.epoch


def test_a_target_error_ends_the_run_once_the_epochs_error_is_that_low(panel_with, qtbot):  # noqa: F811
    document = four_pixel_document()
    document.training = LONG
    panel, live, stack = panel_with(document)
    panel.set_stop_condition(TARGET_ERROR, 0.2)
    ends = epoch_ends(panel)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "reached"
    assert ends[-1].loss <= 0.2 and all(e.loss > 0.2 for e in ends[:-1])
    assert "the error" in ended.args[1] and "reached the target 0.2" in ended.args[1]


def test_after_the_epochs_is_the_default_and_runs_them_all(panel_with, qtbot):  # noqa: F811
    document = four_pixel_document()
    document.training = TrainSettings(epochs=5, learning_rate=0.02, seed=3)
    panel, live, stack = panel_with(document)
    panel.tabs.setCurrentIndex(0)
    assert panel.stop_condition() == StopCondition(EPOCHS)
    assert not panel.stop_target.isVisible()
    ends = epoch_ends(panel)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "completed" and len(ends) == 5


@pytest.mark.parametrize(
    ("kind", "target", "fragment"),
    [
        ("sometime", 1.0, "unknown stop condition"),
        (TARGET_ERROR, -1.0, "zero or a positive"),
        (TARGET_ACCURACY, 1.5, "share from 0 to 1"),
    ],
)
def test_impossible_conditions_are_refused(kind, target, fragment):
    with pytest.raises(ValueError, match=fragment):
        StopCondition(kind, target)
