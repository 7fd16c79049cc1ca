"""An error while the canvas paints: logged, the message shown after the paint has finished (never a modal
dialog inside a paint event), and the studio still running after the person presses OK."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import ErrorReporter, error_log_path
from nnstudio.examples import load_example
from nnstudio.ui.canvas import edge_paint
from nnstudio.ui.canvas.edges import EdgeLayer

from .canvas_fixtures import open_canvas
from .dialogs import answer_next_dialog

Button = QMessageBox.StandardButton


def inside_edge_painting() -> bool:
    """True when called (however deeply) from the edge layer's paint."""
    paint_code = EdgeLayer.paint.__wrapped__.__code__
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is paint_code:
            return True
        frame = frame.f_back
    return False


@pytest.mark.qt_no_exception_capture
def test_an_error_in_painting_is_told_after_the_paint_and_ok_keeps_the_studio(qtbot, monkeypatch):
    canvas, _live = open_canvas(qtbot, load_example("digits"))
    layer = canvas.canvas_scene.edge_layer
    painted_inside: list[bool] = []

    def broken_buckets(*args, **kwargs):
        painted_inside.append(inside_edge_painting())
        raise ValueError("the edges could not be drawn")

    monkeypatch.setattr(edge_paint, "draw_buckets", broken_buckets)
    seen: list[str] = []
    dialog_inside_paint: list[bool] = []

    def press_ok(box) -> None:
        dialog_inside_paint.append(inside_edge_painting())
        box.button(Button.Ok).click()

    reporter = ErrorReporter(error_log_path())
    reporter.install()
    try:
        answer_next_dialog(press_ok, seen)
        layer.invalidate()
        canvas.grab()
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    finally:
        reporter.uninstall()
    assert painted_inside and all(painted_inside)  # the fault really was inside the paint
    assert seen[0].startswith("Something went wrong: the edges could not be drawn")
    assert dialog_inside_paint == [False]
    assert "ValueError: the edges could not be drawn" in error_log_path().read_text(encoding="utf-8")
    # Drawing works again once the fault is gone, and the window answers.
    monkeypatch.undo()
    layer.invalidate()
    assert not canvas.grab().isNull()
    assert layer.lines_drawn > 0


def test_an_error_reported_while_painting_opens_no_dialog_until_the_paint_returns(qtbot, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    reporter = ErrorReporter(error_log_path())
    try:
        raise RuntimeError("paint failed")
    except RuntimeError as exc:
        reporter(type(exc), exc, exc.__traceback__)
    assert shown == []  # queued: the caller (a paint event, say) finishes first
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown[0].startswith("Something went wrong: paint failed")
