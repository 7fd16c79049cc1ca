"""The stop condition belongs to the document: the panel shows a file's, and what the person sets is kept."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from nnstudio.document.fileformat import load_document, save_document
from nnstudio.engine.stopping import EPOCHS, TARGET_ACCURACY, TARGET_ERROR, StopCondition
from nnstudio.ui.training import TrainingPanel

from ..studio_windows import studio_windows
from .test_training_panel import four_pixel_document, panel_with, set_spin  # noqa: F401 - the fixture


def choose_stop_kind(qtbot, panel, kind: str) -> None:
    """Pick "Stop when" with the keyboard, as a person would."""
    combo = panel.stop_kind
    combo.setFocus()
    while combo.currentData() != kind:
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def test_the_panel_shows_the_stop_condition_of_the_document_it_opens(panel_with):  # noqa: F811
    document = four_pixel_document()
    document.training = replace(document.training, stop=StopCondition(TARGET_ACCURACY, 0.9))
    panel, live, stack = panel_with(document)
    panel.tabs.setCurrentIndex(0)
    assert panel.stop_kind.currentText() == "accuracy at least"
    assert panel.stop_target.isVisible()
    assert panel.stop_target.text() == "90.0 %"
    assert panel.stop_condition() == StopCondition(TARGET_ACCURACY, 0.9)
    # Showing the document's own condition changes nothing in it.
    assert stack.count() == 0 and stack.isClean()


def test_a_target_the_form_cannot_show_exactly_stays_exact(panel_with):  # noqa: F811
    document = four_pixel_document()
    document.training = replace(document.training, stop=StopCondition(TARGET_ERROR, 0.000012345))
    panel, live, stack = panel_with(document)
    assert panel.stop_condition() == StopCondition(TARGET_ERROR, 0.000012345)


def test_what_the_person_sets_is_the_documents_one_undo_step(panel_with, qtbot):  # noqa: F811
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    panel.tabs.setCurrentIndex(0)
    choose_stop_kind(qtbot, panel, TARGET_ACCURACY)
    set_spin(qtbot, panel.stop_target, "90")
    assert document.training.stop == StopCondition(TARGET_ACCURACY, 0.9)
    assert not stack.isClean()  # the document is modified: closing it asks to save
    assert stack.count() == 1 and stack.undoText() == "Stop training at 90% right"

    stack.undo()
    assert document.training.stop == StopCondition(EPOCHS)
    assert panel.stop_kind.currentText() == "epochs are done"
    assert not panel.stop_target.isVisible()
    stack.redo()
    assert panel.stop_condition() == StopCondition(TARGET_ACCURACY, 0.9)
    assert panel.stop_target.text() == "90.0 %"


def test_a_run_stops_at_the_target_its_document_holds(panel_with, qtbot):  # noqa: F811
    document = four_pixel_document()
    document.training = replace(
        document.training, epochs=400, learning_rate=0.02, stop=StopCondition(TARGET_ERROR, 0.2)
    )
    panel, live, stack = panel_with(document)
    with qtbot.waitSignal(panel.controller.ended, timeout=30_000) as ended:
        qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert ended.args[0] == "reached" and "reached the target 0.2" in ended.args[1]
    assert document.training.stop == StopCondition(TARGET_ERROR, 0.2)


def test_a_saved_stop_condition_is_there_again_when_the_file_is_opened(qtbot, tmp_path):
    path = tmp_path / "stops.nnet"
    save_document(four_pixel_document(), path)
    with studio_windows(qtbot) as open_window:
        window = open_window(path=path)
        panel = window.findChild(TrainingPanel)
        panel.tabs.setCurrentIndex(0)
        assert panel.stop_kind.currentText() == "epochs are done"
        choose_stop_kind(qtbot, panel, TARGET_ACCURACY)
        set_spin(qtbot, panel.stop_target, "95")
        assert window.is_modified()
        assert window.save()
        assert not window.is_modified()
        assert load_document(path).training.stop == StopCondition(TARGET_ACCURACY, 0.95)

        again = open_window(path=path)
        shown = again.findChild(TrainingPanel)
        shown.tabs.setCurrentIndex(0)
        assert shown.stop_kind.currentText() == "accuracy at least"
        assert shown.stop_target.text() == "95.0 %"


def test_two_runs_that_stop_differently_are_named_by_their_stop_conditions():
    from nnstudio.engine.train import TrainSettings
    from nnstudio.ui.training.settings_form import run_names

    earlier = TrainSettings(epochs=50)
    this = TrainSettings(epochs=50, stop=StopCondition(TARGET_ACCURACY, 0.95))
    assert run_names(earlier, this) == ("stop after the epochs", "stop at 95% right")
