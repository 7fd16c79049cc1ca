"""Tools > Input Plane in the studio's window: it follows the open document and its training data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from nnstudio.app import create_main_window
from nnstudio.document.autosave import AutosaveStore
from nnstudio.ui.plane import PlaneWindow


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = create_main_window(
        example="spiral", autosave_store=AutosaveStore(tmp_path / "autosave"), settings=settings
    )
    made.resize(1366, 768)
    made.show()
    qtbot.waitExposed(made)
    yield made
    plane = made.findChild(PlaneWindow, "planeWindow")
    if plane is not None:
        plane.close()
    made.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    made.close()
    made.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_plane(window) -> PlaneWindow:
    action = window.findChild(QAction, "inputPlaneAction")
    assert action is not None and action in window.tools_menu.actions()
    action.trigger()
    plane = window.findChild(PlaneWindow, "planeWindow")
    assert plane is not None and plane.isVisible()
    return plane


def test_the_plane_opens_on_the_spiral_with_its_points_and_pictures(window):
    plane = open_plane(window)
    assert plane.recipe.kind == "spiral" and plane.kind.currentData() == "spiral"
    assert plane.heat_map.image is not None and len(plane.train) == 250
    assert "Right: 100% of training" in plane.summary.text()
    assert set(window.canvas.neuron_pictures) == set(window.document.network.neurons)


def test_the_plane_follows_another_document(window):
    plane = open_plane(window)
    assert window.open_example("gauss")
    assert plane.live is window.live
    assert plane.recipe.kind == "gauss"
    assert set(window.canvas.neuron_pictures) == set(window.document.network.neurons)
    assert window.open_example("four-pixel-camera")
    assert plane.problem.isVisible() and "4 inputs" in plane.problem.text()
    assert not window.canvas.neuron_pictures


def test_new_points_become_the_training_data_the_panel_shows(window):
    plane = open_plane(window)
    plane.regenerate.click()
    training = window.panel_widget("trainingDock")
    assert window.document.training_data == "spiral(seed=2):train"
    assert training.dataset_spec() == "spiral(seed=2):train"
    assert training.test_dataset() is not None


def test_new_points_are_one_undo_step_that_marks_the_network_changed(window):
    """Regenerating the points changes what the network learns from: it is undone like any other change,
    and the window says the network has unsaved changes."""
    plane = open_plane(window)
    stack = window.undo_stack
    before = window.document.training_data
    plane.regenerate.click()
    assert stack.count() == 1 and stack.text(0) == "New points in the plane"
    assert window.is_modified()
    stack.undo()
    assert window.document.training_data == before
    assert plane.recipe.with_half("train").name == before
    assert not window.is_modified()
    stack.redo()
    assert window.document.training_data == "spiral(seed=2):train"
    assert plane.recipe.seed == 2


def test_a_greyed_number_of_classes_says_why(window):
    """The circle always has two classes: the greyed Classes box says so instead of looking broken."""
    plane = open_plane(window)
    assert plane.classes.isEnabled()
    assert plane.classes.toolTip() == "Blobs or spiral arms: one per class"
    plane.kind.setCurrentIndex(plane.kind.findData("circle"))
    assert not plane.classes.isEnabled()
    assert plane.classes.toolTip() == "Circle always has 2 classes"


def test_on_a_network_without_two_inputs_the_entry_is_greyed_and_says_why(window):
    """The four-pixel camera has four pixels, not a point in the plane: Tools > Input Plane is greyed, and
    pointing at it says what the plane needs (the Tools menu shows its entries' tips)."""
    action = window.findChild(QAction, "inputPlaneAction")
    assert action.isEnabled()
    assert window.open_example("four-pixel-camera")
    assert not action.isEnabled()
    assert "4 inputs" in action.toolTip() and "two inputs" in action.toolTip()
    assert action.statusTip() == action.toolTip()
    assert window.tools_menu.toolTipsVisible()
    assert window.open_example("circle")
    assert action.isEnabled() and "4 inputs" not in action.toolTip()


def test_an_open_plane_shows_only_what_it_needs_when_the_network_stops_fitting(window):
    """Open on the spiral, then the document becomes the four-pixel camera: no circle of unrelated points
    and no point controls, only one clear sentence of what the plane needs."""
    plane = open_plane(window)
    assert plane.heat_map.isVisible() and plane.kind.isVisible()
    assert window.open_example("four-pixel-camera")
    assert plane.problem.isVisible() and "two inputs" in plane.problem.text()
    assert not plane.heat_map.isVisible()
    assert not plane.kind.isVisible() and not plane.regenerate.isVisible()
    assert window.open_example("gauss")
    assert not plane.problem.isVisible()
    assert plane.heat_map.isVisible() and plane.kind.isVisible()
