"""A refusal in the status bar goes once an edit succeeds (walkthrough: "Not changed: 'abc' is not a number"
stayed after a valid value was set)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..studio_windows import studio_windows
from .test_window_inspector import choose


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot, size=(1366, 768)) as open_window:
        yield open_window


def status_text(window) -> str:  # noqa: ANN001 - MainWindow
    return window.statusBar().currentMessage()


def type_into(qtbot, editor, text: str) -> None:
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_a_refused_typed_bias_message_goes_when_the_inspector_sets_one(studio, qtbot):
    window = studio(example="festival")
    canvas = window.canvas
    network = window.document.network
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of("o0"))
    editor = canvas.editor
    assert editor is not None
    type_into(qtbot, editor, "abc")
    assert "is not a number" in status_text(window)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    canvas.select(["o0"])
    window.inspector.parentWidget().raise_()
    spin = window.inspector.findChild(QWidget, "biasSpin")
    spin.setFocus()
    type_into(qtbot, spin.lineEdit(), "-20")
    assert network.neurons["o0"].bias == -20.0
    assert "is not a number" not in status_text(window)


def test_a_refused_typed_bias_message_goes_when_the_canvas_editor_sets_one(studio, qtbot):
    window = studio(example="festival")
    canvas = window.canvas
    network = window.document.network
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.view_position_of("o0"))
    editor = canvas.editor
    type_into(qtbot, editor, "abc")
    assert "is not a number" in status_text(window)
    type_into(qtbot, editor, "-20")
    assert network.neurons["o0"].bias == -20.0
    assert "is not a number" not in status_text(window)


def test_an_inspector_refusal_goes_when_an_edit_then_succeeds(studio, qtbot):
    window = studio(example="festival")
    network = window.document.network
    inspector = window.inspector
    window.canvas.select(["o0"])
    # The festival's samples give one truth per output: making "go" a hidden neuron is refused.
    choose(qtbot, inspector.findChild(QWidget, "roleCombo"), "hidden")
    refused = status_text(window)
    assert refused.startswith("Not changed") and network.neurons["o0"].role.value == "output"
    assert inspector.findChild(QWidget, "inspectorProblem").isVisible()
    spin = inspector.findChild(QWidget, "biasSpin")
    spin.setFocus()
    type_into(qtbot, spin.lineEdit(), "-20")
    assert network.neurons["o0"].bias == -20.0
    assert status_text(window) != refused
    assert not inspector.findChild(QWidget, "inspectorProblem").isVisible()
