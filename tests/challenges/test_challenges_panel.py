"""The Challenges panel as a learner uses it: Start a challenge, Check, see each case green or red, leave.

A challenge that hides panels and locks tools hides and locks them while it is on, and gives them back after.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from nnstudio.document.challenge_file import challenge_from_bytes
from nnstudio.ui.theme import Tone, label_tone

from ..studio_windows import studio_windows


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot) as open_window:
        yield open_window(example="four-pixel-camera")


def dock(window, name: str) -> QDockWidget:
    return window.findChild(QDockWidget, name)


def click(qtbot, window, name: str) -> None:
    from PySide6.QtWidgets import QPushButton

    button = window.findChild(QPushButton, name)
    assert button is not None and button.isVisible(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_tools_menu_brings_the_panel_forward(window):
    action = window.findChild(type(window.actions["train"]), "action_challenges")
    assert action in window.tools_menu.actions()
    action.trigger()
    assert dock(window, "challengesDock").isVisible()
    assert len(window.challenges.cards) >= 8


def test_start_check_solve_and_leave(qtbot, window):
    window.findChild(type(window.actions["train"]), "action_challenges").trigger()
    panel = window.challenges
    training = dock(window, "trainingDock")
    train = window.actions["train"]
    assert not training.isHidden()

    click(qtbot, window, "challengeStart_xor-by-hand")
    assert window.document.title == "XOR by hand"
    card = panel.cards["xor-by-hand"]
    assert card.state.text() == "in progress"
    # Its card is the only one while it is on, so its goal and results stay in view.
    assert [c for c in panel.cards.values() if c.isVisible()] == [card]
    # The lesson hides training and locks the tools that would train.
    assert training.isHidden() and not training.toggleViewAction().isVisible()
    assert not train.isEnabled()
    assert (
        card.note.text()
        == "For this challenge, hidden: Training.\nSwitched off: Train, Step, Randomize Weights."
    )
    train.setEnabled(True)  # whatever enables it meanwhile, it stays locked
    assert not train.isEnabled()

    click(qtbot, window, "challengeCheck_xor-by-hand")
    assert card.summary.text() == "2 of 6 passed; the red ones say what is still wrong."
    rows = card.case_rows()
    assert len(rows) == 6
    assert rows[0].text() == "\u2718 0 xor 0 = 0: \u201cA xor B\u201d gave 0.5, wanted 0 (within 0.2)"
    assert label_tone(rows[0]) is Tone.PROBLEM
    assert label_tone(rows[4]) is Tone.DONE

    network = window.document.network
    network.set_weights({"i0>h0": 1})
    assert card.summary.text().endswith("wrong. The network has changed since: Check again.")
    assert label_tone(card.summary) is Tone.PLAIN
    network.set_weights({"i0>h0": 5, "i1>h0": 5, "i0>h1": 5, "i1>h1": 5, "h0>o0": 5, "h1>o0": -5})
    network.set_neuron_fields({"h0": {"bias": -2.5}, "h1": {"bias": -7.5}, "o0": {"bias": -2.5}})
    click(qtbot, window, "challengeCheck_xor-by-hand")
    assert card.summary.text() == "\u2714 Solved: all 6 passed."
    assert all(label_tone(row) is Tone.DONE for row in card.case_rows())
    # Solved, not "in progress": the card says what was done, and keeps saying it once the person leaves.
    assert card.state.text() == "\u2714 solved" and label_tone(card.state) is Tone.DONE

    click(qtbot, window, "challengesLeave")
    assert card.state.text() == "\u2714 solved"
    assert panel.cards["pattern-class"].state.text() == ""
    assert not training.isHidden() and training.toggleViewAction().isVisible()
    assert train.isEnabled()
    assert not panel.leave_button.isVisible()
    assert all(c.isVisible() for c in panel.cards.values())


def test_opening_another_network_leaves_the_challenge(qtbot, window):
    window.challenges.start(window.challenges.cards["pattern-class"].challenge)
    assert dock(window, "trainingDock").isHidden()
    window.undo_stack.setClean()
    assert window.open_example("four-pixel-camera")
    assert window.challenges.session.active is None
    assert not dock(window, "trainingDock").isHidden()


def test_a_challenge_file_hides_the_panels_it_names_and_notes_those_it_does_not_know(qtbot, window, tmp_path):
    lesson = (
        b'{"format": "nnstudio-challenge", "version": 1, "id": "lesson", "title": "A lesson",'
        b' "goal": "Look only.", "start": {"example": "festival"},'
        b' "cases": [{"name": "a day", "input": [3, 2, 4, 2], "output": [1]}],'
        b' "hide": ["padDock", "samplesDock", "action_open", "laterPanelDock"], "lock": ["paletteDock"]}'
    )
    path = tmp_path / "lesson.json"
    path.write_bytes(lesson)
    window.findChild(type(window.actions["train"]), "action_challenges").trigger()
    card = window.challenges.open_file(path)
    assert card is not None and card.challenge == challenge_from_bytes(lesson, str(path))
    click(qtbot, window, "challengeStart_lesson")
    assert dock(window, "padDock").isHidden() and dock(window, "samplesDock").isHidden()
    assert not window.actions["open"].isVisible()
    assert not dock(window, "paletteDock").widget().isEnabled()
    assert card.note.isVisible()
    assert "laterPanelDock" in card.note.text()
    click(qtbot, window, "challengeCheck_lesson")
    assert card.summary.text() == "\u2714 Solved: all 1 passed."
    click(qtbot, window, "challengesLeave")
    assert not dock(window, "padDock").isHidden() and not dock(window, "samplesDock").isHidden()
    assert window.actions["open"].isVisible()
    assert dock(window, "paletteDock").widget().isEnabled()


def test_a_hostile_challenge_file_is_one_line_in_the_panel(window, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "nnstudio-challenge", "version": 7}')
    assert window.challenges.open_file(path) is None
    message = window.challenges.message
    assert message.isVisible()
    assert (
        message.text()
        == f"{path}: version: the file was made for a newer nnstudio (version 7); this one reads up to 1"
    )
    assert label_tone(message) is Tone.PROBLEM


def test_closing_the_window_during_a_challenge_keeps_no_panel_hidden_for_next_time(qtbot, window):
    window.challenges.start(window.challenges.cards["xor-by-hand"].challenge)
    training = dock(window, "trainingDock")
    assert training.isHidden()
    window.undo_stack.setClean()
    assert window.close()
    assert window.challenges.session.active is None
    assert not training.isHidden()


def test_cases_failing_for_one_reason_are_one_row(qtbot, window):
    window.findChild(type(window.actions["train"]), "action_challenges").trigger()
    click(qtbot, window, "challengeStart_festival-rain")
    click(qtbot, window, "challengeCheck_festival-rain")
    card = window.challenges.cards["festival-rain"]
    assert card.summary.text() == "0 of 6 passed; the red ones say what is still wrong."
    assert [row.text() for row in card.case_rows()] == [
        "\u2718 all 6 cases: each gives 5 input values, but the network has 4 inputs: add 1 input"
    ]


def test_the_vertical_line_card_asks_for_a_value_the_answer_panel_shows(qtbot, window):
    """The card speaks of the neuron's value, which the Answer panel shows (answering yes and no at the
    challenge's own line while it is on), and names the bias the solution needs."""
    window.findChild(type(window.actions["train"]), "action_challenges").trigger()
    click(qtbot, window, "challengeStart_vertical-line")
    goal = window.challenges.cards["vertical-line"].goal.text()
    assert "four weights and its bias" in goal
    assert "its value (shown in the Answer panel) is above 0.5" in goal
    assert "yes" not in goal


def test_a_score_is_not_given_as_earned_before_the_challenge_is_solved(qtbot, window):
    window.findChild(type(window.actions["train"]), "action_challenges").trigger()
    click(qtbot, window, "challengeStart_circle")
    click(qtbot, window, "challengeCheck_circle")
    card = window.challenges.cards["circle"]
    assert card.summary.text().startswith("0 of 1 passed")
    assert card.score.isVisible()
    assert card.score.text() == "Score (counts once every case passes): 0 hidden neurons (fewer is better)"


def test_starting_says_so_in_a_status_line_that_fits_a_small_window(qtbot, window):
    window.findChild(type(window.actions["train"]), "action_challenges").trigger()
    click(qtbot, window, "challengeStart_vertical-line")
    message = window.statusBar().currentMessage()
    assert message == (
        "Challenge started: A neuron that sees a vertical line. Its goal and Check are in the Challenges panel."
    )
    assert len(message) < 110  # a 1024-pixel-wide window shows it whole
