"""Check grades only the challenge in progress, and its results never outlive the network they were about.

Before Start the window shows some other network: Check is switched off (its tooltip says why). Starting a
challenge, starting it again, leaving it, File > New and opening another network all clear the results.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from ..studio_windows import studio_windows


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot) as open_window:
        window = open_window(example="four-pixel-camera")
        # Nobody is there to answer "Save changes?": the changes of a challenge are thrown away.
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.findChild(type(window.actions["train"]), "action_challenges").trigger()
        yield window


def button(window, name: str) -> QPushButton:
    found = window.findChild(QPushButton, name)
    assert found is not None, name
    return found


def click(qtbot, window, name: str) -> None:
    target = button(window, name)
    assert target.isVisible(), name
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def shows_results(card) -> bool:
    return card.summary.isVisible() or card.results.isVisible() or bool(card.case_rows())


def check_vertical_line(qtbot, window):
    """Start the vertical-line challenge and Check it as it starts (every weight 0: not solved)."""
    click(qtbot, window, "challengeStart_vertical-line")
    click(qtbot, window, "challengeCheck_vertical-line")
    card = window.challenges.cards["vertical-line"]
    assert card.summary.text().startswith("6 of 7 passed")
    assert shows_results(card)
    return card


def test_check_is_off_until_the_challenge_starts_and_says_why(qtbot, window):
    card = window.challenges.cards["vertical-line"]
    check = button(window, "challengeCheck_vertical-line")
    assert check.isVisible() and not check.isEnabled()
    assert "Start" in check.toolTip() and "first" in check.toolTip()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    # The four-pixel camera is not graded against a challenge it was never started for.
    assert not shows_results(card)

    click(qtbot, window, "challengeStart_vertical-line")
    assert check.isEnabled()
    assert check.toolTip() == "Run every case on the network in the window"
    # Only the challenge in progress can be checked.
    assert not button(window, "challengeCheck_xor-by-hand").isEnabled()


def test_the_results_of_an_earlier_try_go_when_the_challenge_starts_again(qtbot, window):
    card = check_vertical_line(qtbot, window)
    click(qtbot, window, "challengeStart_vertical-line")  # "Start again"
    assert card.state.text() == "in progress"
    assert not shows_results(card)
    assert button(window, "challengeCheck_vertical-line").isEnabled()


def test_file_new_clears_the_results_and_switches_check_off(qtbot, window):
    card = check_vertical_line(qtbot, window)
    window.actions["new"].trigger()
    assert window.document.network.neurons == {}
    assert not shows_results(card)
    assert not button(window, "challengeCheck_vertical-line").isEnabled()


def test_opening_another_network_clears_the_results(qtbot, window):
    card = check_vertical_line(qtbot, window)
    assert window.open_example("festival")
    assert not shows_results(card)
    assert not button(window, "challengeCheck_vertical-line").isEnabled()


def test_leaving_the_challenge_clears_its_results(qtbot, window):
    card = check_vertical_line(qtbot, window)
    click(qtbot, window, "challengesLeave")
    assert not shows_results(card)
    assert not button(window, "challengeCheck_vertical-line").isEnabled()


def test_starting_another_challenge_shows_no_results_of_the_first(qtbot, window):
    first = check_vertical_line(qtbot, window)
    click(qtbot, window, "challengesLeave")
    click(qtbot, window, "challengeStart_xor-by-hand")
    assert not shows_results(first)
    assert not shows_results(window.challenges.cards["xor-by-hand"])
    click(qtbot, window, "challengeCheck_xor-by-hand")
    assert window.challenges.cards["xor-by-hand"].summary.text().startswith("2 of 6 passed")
