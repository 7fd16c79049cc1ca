"""Where a lone output's answer turns from no to yes, and that the Answer panel and a challenge agree on it.

A value right on the line is neither yes nor no (a tanh output of 0.00 is not a "yes"); a value that only
rounds to the line shows enough digits to see which side it is on. While a challenge with above/below cases
is on, the Answer panel answers at the challenge's line, and says so.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QPushButton

from nnstudio.document.challenge import AnswerLine
from nnstudio.document.challenge_file import builtin_challenges
from nnstudio.examples import load_example
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.outputs import OutputPanel, answer_text

from ..studio_windows import studio_windows


def test_a_value_right_on_the_line_is_neither_yes_nor_no():
    assert (
        answer_text(["vertical line"], np.array([0.0]), False, 0.0)
        == "Answer: vertical line? undecided (0.00)"
    )
    assert answer_text(["go"], np.array([0.5]), False, 0.5) == "Answer: go? undecided (0.50)"
    assert answer_text(["go"], np.array([0.9]), False, 0.5) == "Answer: go? yes (0.90)"
    assert answer_text(["go"], np.array([0.1]), False, 0.5) == "Answer: go? no (0.10)"


def test_a_value_that_only_rounds_to_the_line_shows_which_side_it_is_on():
    assert answer_text(["v"], np.array([0.003]), False, 0.0) == "Answer: v? yes (0.003)"
    assert answer_text(["v"], np.array([-0.0004]), False, 0.0) == "Answer: v? no (-0.0004)"
    assert answer_text(["v"], np.array([0.503]), False, AnswerLine(0.5, 0.5)) == "Answer: v? yes (0.503)"


def test_a_band_between_the_no_line_and_the_yes_line_is_undecided():
    band = AnswerLine(yes_above=0.5, no_below=0.0)
    assert answer_text(["X"], np.array([0.3]), False, band) == "Answer: X? undecided (0.30)"
    assert answer_text(["X"], np.array([0.6]), False, band) == "Answer: X? yes (0.60)"
    assert answer_text(["X"], np.array([-0.2]), False, band) == "Answer: X? no (-0.20)"


def test_the_challenges_own_lines_come_from_their_above_and_below_cases():
    challenges = {c.id: c for c in builtin_challenges()}
    vertical = challenges["vertical-line"]
    network = vertical.start_document().network
    assert vertical.answer_line(network, "o0") == AnswerLine(0.5, 0.5)
    field = challenges["receptive-field"]
    assert field.answer_line(field.start_document().network, "o0") == AnswerLine(0.5, 0.0)
    # Cases wanting 0 or 1 within a tolerance: yes from 1 - 0.2 up, no from 0 + 0.2 down, both counted.
    xor = challenges["xor-by-hand"]
    xor_network = xor.start_document().network
    assert xor.answer_line(xor_network, "o0") == AnswerLine(0.8, 0.2, inclusive=True)
    # A challenge whose cases name classes has no line of its own.
    pattern = challenges["pattern-class"]
    assert pattern.answer_line(pattern.start_document().network, "o0") is None


def test_a_line_that_counts_its_bounds_answers_on_them():
    line = AnswerLine(0.8, 0.2, inclusive=True)
    assert answer_text(["A xor B"], np.array([0.8]), False, line) == "Answer: A xor B? yes (0.80)"
    assert answer_text(["A xor B"], np.array([0.2]), False, line) == "Answer: A xor B? no (0.20)"
    assert answer_text(["A xor B"], np.array([0.5]), False, line) == "Answer: A xor B? undecided (0.50)"


def test_a_tanh_output_of_zero_is_undecided_and_the_panel_says_why(qtbot):
    document = next(c for c in builtin_challenges() if c.id == "vertical-line").start_document()
    live = LiveNetwork(document)
    panel = OutputPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    live.set_input(np.array([1.0, -1.0, 1.0, -1.0], dtype=np.float32))
    assert panel.answer() == "Answer: vertical line? undecided (0.00)"
    kind = panel.kind_label.text()
    assert "yes above 0, no below 0" in kind
    assert "right on the line" in kind
    assert "or more" not in kind
    live.detach()


@pytest.fixture
def window(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        window = open_window(example="four-pixel-camera")
        window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
        window.findChild(type(window.actions["train"]), "action_challenges").trigger()
        yield window


def click(qtbot, window, name: str) -> None:
    button = window.findChild(QPushButton, name)
    assert button is not None and button.isVisible(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_during_a_challenge_the_answer_panel_answers_at_the_challenges_line(qtbot, window):
    answer = window.findChild(OutputPanel)
    click(qtbot, window, "challengeStart_vertical-line")
    assert "For this challenge: yes above 0.5, no below 0.5" in answer.kind_label.text()
    window.live.set_input(np.array([1.0, -1.0, 1.0, -1.0], dtype=np.float32))
    assert answer.answer() == "Answer: vertical line? no (0.00)"

    # Half-way there: the value is above 0, below 0.5; the panel and Check both say not yet.
    window.document.network.set_weights({"i0>o0": 0.1, "i2>o0": 0.1})
    window.live.set_input(np.array([1.0, -1.0, 1.0, -1.0], dtype=np.float32))
    assert answer.answer() == "Answer: vertical line? no (0.20)"
    click(qtbot, window, "challengeCheck_vertical-line")
    rows = window.challenges.cards["vertical-line"].case_rows()
    assert rows[0].text().startswith("\u2718 white left, black right")

    window.document.network.set_weights({"i0>o0": 1, "i1>o0": -1, "i2>o0": 1, "i3>o0": -1})
    window.live.set_input(np.array([1.0, -1.0, 1.0, -1.0], dtype=np.float32))
    assert answer.answer() == "Answer: vertical line? yes (1.00)"

    # Out of the challenge, the network's own line (0 for tanh) again.
    click(qtbot, window, "challengesLeave")
    assert "For this challenge" not in answer.kind_label.text()
    assert "yes above 0, no below 0" in answer.kind_label.text()


def test_a_challenge_wanting_values_within_a_tolerance_answers_as_check_does(qtbot, window):
    answer = window.findChild(OutputPanel)
    click(qtbot, window, "challengeStart_xor-by-hand")
    kind = answer.kind_label.text()
    assert "For this challenge: yes at 0.8 or more, no at 0.2 or less, undecided between" in kind
    window.live.set_input(np.array([0.0, 1.0], dtype=np.float32))
    # Every weight 0: the sigmoid gives 0.5, which Check says is not near 1 (nor 0).
    assert answer.answer() == "Answer: A xor B? undecided (0.50)"
    click(qtbot, window, "challengeCheck_xor-by-hand")
    rows = [row.text() for row in window.challenges.cards["xor-by-hand"].case_rows()]
    assert any(text.startswith("\u2718 0 xor 1 = 1") for text in rows)


def test_festival_still_answers_yes_and_no(qtbot):
    document = load_example("festival")
    live = LiveNetwork(document)
    panel = OutputPanel()
    qtbot.addWidget(panel)
    panel.bind(live, QUndoStack())
    live.set_input(np.array([3.0, 2.0, 4.0, 2.0], dtype=np.float32))
    assert panel.answer() == "Answer: go? yes (1.00)"
    live.set_input(np.array([0.0, 0.0, 0.0, 0.0], dtype=np.float32))
    assert panel.answer() == "Answer: go? no (0.00)"
    live.detach()


def test_the_bar_of_a_lone_output_marks_where_yes_begins(qtbot, window):
    answer = window.findChild(OutputPanel)
    click(qtbot, window, "challengeStart_receptive-field")
    (bar,) = answer.bars
    assert bar.lines == (0.0, 0.5)
    assert "undecided between 0 and 0.5" in bar.toolTip()
    click(qtbot, window, "challengesLeave")
    click(qtbot, window, "challengeStart_vertical-line")
    (bar,) = answer.bars
    assert bar.lines == (0.5,)
    assert "yes above 0.5" in bar.toolTip()
    grab = bar.grab().toImage()
    assert not grab.isNull()
