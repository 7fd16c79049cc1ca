"""The guided tour ends with something true: its Train step trains a network that learns (the four-pixel
camera's learned twin, not the hand-wired camera the person just broke), the card says whether training is
running or how it ended, and it leaves the canvas legend in view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox, QPushButton, QWidget

from nnstudio.app import create_main_window
from nnstudio.document.autosave import AutosaveStore
from nnstudio.examples import example_info
from nnstudio.ui.tour import GuidedTour


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "nnstudio.ini"), QSettings.Format.IniFormat)
    win = create_main_window(
        example="four-pixel-camera", settings=settings, autosave_store=AutosaveStore(tmp_path / "autosave")
    )
    win.resize(1024, 700)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for tour in win.findChildren(GuidedTour):
        tour.end(finished=False)
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.close()
    win.deleteLater()


def click(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def test_the_tours_train_step_ends_with_a_network_that_answers_right(qtbot, window):
    asked: list[bool] = []
    window.ask_save_changes = lambda: asked.append(True)  # the tour must not stop to ask about saving
    tour = GuidedTour(window)
    assert tour.begin()
    status = tour.findChild(QWidget, "tourStatus")
    next_button = tour.findChild(QPushButton, "tourNext")
    click(qtbot, next_button)  # to "Read the answer"
    click(qtbot, next_button)  # to "Change a weight": the person sets one to -1, as the walkthrough did
    edge_id = next(iter(window.document.network.edges))
    qtbot.mouseClick(
        window.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.canvas.view_position_of_edge(edge_id, 0.3),
    )
    spin = window.inspector.findChild(QWidget, "weightSpin")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "-1")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.network.edges[edge_id].weight == -1

    click(qtbot, next_button)  # "Press Train": on a network that learns from random weights
    assert tour.findChild(QWidget, "tourTitle").text() == "Press Train"
    assert window.display_name() == example_info("four-pixel-learner").title
    assert not asked and tour.isVisible()
    assert "random" in tour.findChild(QWidget, "tourText").text()
    # The card keeps the canvas legend (and the network under it) in view.
    assert not in_window(tour, window).intersects(in_window(window.canvas.legend, window))

    window.findChild(QCheckBox, "trainingFastest").setChecked(True)
    click(qtbot, window.findChild(QPushButton, "trainingTrain"))
    qtbot.waitUntil(lambda: "running" in status.text(), timeout=5000)
    qtbot.waitUntil(lambda: not window.live.locked, timeout=60000)
    qtbot.waitUntil(lambda: "running" not in status.text(), timeout=5000)
    text = status.text()
    assert "100% of the 8 samples with a class right" in text, text
    assert "Finish" in text


def test_no_step_of_the_tour_covers_the_canvas_legend(qtbot, window):
    window.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    tour = GuidedTour(window)
    assert tour.begin()
    next_button = tour.findChild(QPushButton, "tourNext")
    for step in range(4):
        legend = in_window(window.canvas.legend, window)
        assert not in_window(tour, window).intersects(legend), f"step {step + 1}"
        if step < 3:
            click(qtbot, next_button)
