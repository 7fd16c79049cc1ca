"""Every training setting belongs to the document: a change is one undo step (keys typed in a row merge),
marks the file modified, is saved with it, and undo and redo show in the form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from nnstudio.document.fileformat import load_document, save_document
from nnstudio.ui.training import TrainingPanel

from ..studio_windows import studio_windows
from .test_training_panel import four_pixel_document, panel_with, set_spin  # noqa: F401 - the fixture

# (setting, the box's attribute on the panel, what the person types, the value the document then holds)
TYPED = [
    ("learning_rate", "learning_rate", "0.05", 0.05),
    ("epochs", "epochs", "7", 7),
    ("batch_size", "batch_size", "3", 3),
    ("momentum", "momentum", "0.25", 0.25),
    ("seed", "seed", "42", 42),
    ("l1", "l1", "0.002", 0.002),
    ("l2", "l2", "0.003", 0.003),
]
# (setting, the box's attribute, the value to choose)
CHOSEN = [("loss", "loss_combo", "cross_entropy"), ("init", "init_combo", "xavier")]


def choose(qtbot, combo, data: str) -> None:
    """Pick an entry with the keyboard, as a person would."""
    combo.setFocus()
    key = Qt.Key.Key_Down if combo.findData(data) > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentData() != data:
        qtbot.keyClick(combo, key)


@pytest.mark.parametrize(("setting", "box", "typed", "value"), TYPED, ids=[t[0] for t in TYPED])
def test_a_typed_setting_is_one_undo_step_of_the_document(panel_with, qtbot, setting, box, typed, value):  # noqa: F811
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    panel.tabs.setCurrentIndex(0)
    before = getattr(document.training, setting)
    spin = getattr(panel, box)
    set_spin(qtbot, spin, typed)
    assert getattr(document.training, setting) == pytest.approx(value)
    assert not stack.isClean()
    assert stack.count() == 1  # every key typed in a row is one step
    stack.undo()
    assert getattr(document.training, setting) == pytest.approx(before)
    assert spin.value() == pytest.approx(before)
    assert stack.isClean()
    stack.redo()
    assert spin.value() == pytest.approx(value)


@pytest.mark.parametrize(("setting", "box", "data"), CHOSEN, ids=[c[0] for c in CHOSEN])
def test_a_chosen_setting_is_one_undo_step_of_the_document(panel_with, qtbot, setting, box, data):  # noqa: F811
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    panel.tabs.setCurrentIndex(0)
    before = getattr(document.training, setting)
    assert before != data
    combo = getattr(panel, box)
    choose(qtbot, combo, data)
    assert getattr(document.training, setting) == data
    assert not stack.isClean() and stack.count() >= 1
    while stack.canUndo():
        stack.undo()
    assert getattr(document.training, setting) == before and combo.currentData() == before
    while stack.canRedo():
        stack.redo()
    assert combo.currentData() == data


def test_two_settings_are_two_steps_and_undo_takes_back_the_last(panel_with, qtbot):  # noqa: F811
    document = four_pixel_document()
    panel, live, stack = panel_with(document)
    panel.tabs.setCurrentIndex(0)
    set_spin(qtbot, panel.epochs, "9")
    set_spin(qtbot, panel.learning_rate, "0.07")
    assert stack.count() == 2
    assert "learning rate" in stack.undoText().lower()
    stack.undo()
    assert document.training.epochs == 9 and panel.epochs.value() == 9
    assert panel.learning_rate.value() == pytest.approx(0.02)


def test_a_value_the_form_rounds_stays_exact_until_the_person_changes_it(panel_with, qtbot):  # noqa: F811
    from dataclasses import replace

    document = four_pixel_document()
    document.training = replace(document.training, learning_rate=0.000123456)
    panel, live, stack = panel_with(document)
    assert panel.current_settings().learning_rate == 0.000123456
    assert stack.count() == 0


def test_settings_changed_without_training_are_saved_with_the_file(qtbot, tmp_path):
    path = tmp_path / "settings.nnet"
    save_document(four_pixel_document(), path)
    with studio_windows(qtbot) as open_window:
        window = open_window(path=path)
        panel = window.findChild(TrainingPanel)
        panel.tabs.setCurrentIndex(0)
        set_spin(qtbot, panel.learning_rate, "0.3")
        set_spin(qtbot, panel.epochs, "12")
        choose(qtbot, panel.loss_combo, "cross_entropy")
        assert window.is_modified()
        assert window.save()
        saved = load_document(path).training
        assert (
            saved.learning_rate == pytest.approx(0.3) and saved.epochs == 12 and saved.loss == "cross_entropy"
        )

        again = open_window(path=path)
        shown = again.findChild(TrainingPanel)
        assert shown.learning_rate.value() == pytest.approx(0.3)
        assert shown.epochs.value() == 12 and shown.loss_combo.currentData() == "cross_entropy"
