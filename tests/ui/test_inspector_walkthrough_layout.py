"""On a 1024 x 700 screen the inspector's fields fit its column: no field cut off behind a sideways scroll bar
(the activation box's longest entry used to hold it wider)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QDockWidget, QScrollArea, QWidget

from ..studio_windows import studio_windows


@pytest.fixture
def studio(qtbot):
    with studio_windows(qtbot, size=(1024, 700)) as open_window:
        yield open_window


@pytest.mark.parametrize("what", ["neuron", "connection"])
def test_the_inspector_fits_its_column_on_a_small_screen(studio, qtbot, what):
    window = studio(example="festival")
    if what == "neuron":
        window.canvas.select(["o0"])
    else:
        window.canvas.select([], [next(iter(window.document.network.edges))])
    dock = next(d for d in window.findChildren(QDockWidget) if d.isAncestorOf(window.inspector))
    dock.raise_()
    qtbot.waitUntil(lambda: window.inspector.isVisible())
    scroll = window.inspector.findChild(QScrollArea, "inspectorScroll")
    QApplication.processEvents()
    assert scroll.widget().width() <= scroll.viewport().width(), "fields cut off at the right"
    assert not scroll.horizontalScrollBar().isVisible()
    for field in window.inspector.findChildren(QWidget):
        if field.isVisible() and isinstance(field, QComboBox):
            right = field.mapTo(scroll.viewport(), field.rect().topRight()).x()
            assert right <= scroll.viewport().width(), field.objectName()
