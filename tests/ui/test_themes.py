"""Light and dark system themes both readable (issue 9).

The texts whose colour carries a meaning (a problem in red, a step done in green, the answer, right and wrong
marks) and the answer's bars used to be fixed colours chosen on a light window: a dark red on a dark window
is hard to read. Each test runs in the light palette and in a dark one, as a desktop in dark mode gives the
Fusion style, and measures the colours the widgets really use with the contrast ratio of the Web Content
Accessibility Guidelines: 4.5:1 for text, 3:1 for bars and lines.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWidget

from nnstudio.app import create_main_window
from nnstudio.ui.canvas.items import SCHEMES
from nnstudio.ui.error_tables import RIGHT, WRONG
from nnstudio.ui.outputs import OutputBar
from nnstudio.ui.properties_dialog import NetworkPropertiesDialog
from nnstudio.ui.theme import (
    GRAPHIC_CONTRAST,
    READABLE_CONTRAST,
    Tone,
    contrast_ratio,
    dark_palette,
    label_tone,
    set_tone,
)

WINDOW = QPalette.ColorRole.Window


@pytest.fixture(params=["light", "dark"])
def theme(request, qapp):
    """The application in the Fusion style with a light or a dark palette; both restored afterwards."""
    style_before = qapp.style().name()
    palette_before = QPalette(qapp.palette())
    qapp.setStyle("Fusion")
    qapp.setPalette(dark_palette() if request.param == "dark" else qapp.style().standardPalette())
    yield request.param
    qapp.setPalette(palette_before)
    qapp.setStyle(style_before)


@pytest.fixture
def window(qtbot, theme):
    win = create_main_window(example="four-pixel-camera")
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def text_colour(label: QLabel) -> QColor:
    """The colour the label draws its text in (a style sheet's colour shows in its polished palette)."""
    label.ensurePolished()
    return label.palette().color(label.foregroundRole())


def background_of(widget: QWidget) -> QColor:
    """The window colour the widget sits on."""
    parent = widget.parentWidget()
    return (parent or widget).palette().color(WINDOW)


def assert_readable(label: QLabel) -> None:
    ratio = contrast_ratio(text_colour(label), background_of(label))
    assert ratio >= READABLE_CONTRAST, (
        f"{label.objectName()}: {text_colour(label).name()} on {background_of(label).name()} is {ratio:.2f}:1"
    )


def test_dark_palette_is_dark_and_its_own_text_reads(theme, qapp):
    palette = qapp.palette()
    window, text = palette.color(WINDOW), palette.color(QPalette.ColorRole.WindowText)
    assert (window.lightness() < 100) == (theme == "dark")
    assert contrast_ratio(text, window) >= READABLE_CONTRAST
    base, base_text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    assert contrast_ratio(base_text, base) >= READABLE_CONTRAST


def test_properties_problem_reads(qtbot, window):
    dialog = NetworkPropertiesDialog(window.document, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.low_spin.setValue(2.0)
    dialog.high_spin.setValue(1.0)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.problem.isVisible() and "Cannot use these" in dialog.problem.text()
    assert label_tone(dialog.problem) is Tone.PROBLEM
    assert_readable(dialog.problem)
    dialog.reject()


def test_status_bar_problem_and_hint_read(qtbot, window):
    problem = window.findChild(QLabel, "networkProblem")
    # An output left without a way from the inputs: the network cannot run, and the status bar says why.
    assert window.new_document()
    assert problem.isVisible()
    assert_readable(problem)
    set_tone(problem, Tone.PROBLEM)
    assert_readable(problem)


def test_inspector_training_and_tour_texts_read(qtbot, window):
    inspector_problem = window.inspector.findChild(QLabel, "inspectorProblem")
    training_status = window.panel_widget("trainingDock").findChild(QLabel, "trainingStatus")
    for label, tone in ((inspector_problem, Tone.PROBLEM), (training_status, Tone.PROBLEM)):
        assert label_tone(label) in (Tone.PLAIN, tone)
        set_tone(label, tone)
        assert_readable(label)
    from nnstudio.ui.tour import GuidedTour

    tour = GuidedTour(window)
    assert label_tone(tour.status) is Tone.DONE
    assert_readable(tour.status)
    assert "font-weight: bold" in tour.status.styleSheet()
    tour.deleteLater()


def test_a_coloured_label_follows_a_change_of_theme(qtbot, window, qapp, theme):
    problem = window.inspector.findChild(QLabel, "inspectorProblem")
    set_tone(problem, Tone.PROBLEM)
    before = text_colour(problem).name()
    other = qapp.style().standardPalette() if theme == "dark" else dark_palette()
    qapp.setPalette(other)
    qapp.processEvents()
    assert text_colour(problem).name() != before
    assert_readable(problem)


def test_answer_bars_read(qtbot, window):
    bars = window.panel_widget("outputsDock").findChildren(OutputBar)
    assert len(bars) == 4
    assert any(bar.highlighted for bar in bars) and any(bar.truth is not None for bar in bars)
    for bar in bars:
        colours = bar.colours()
        assert contrast_ratio(colours.text, colours.window) >= READABLE_CONTRAST, bar.label
        assert contrast_ratio(colours.bar, colours.track) >= GRAPHIC_CONTRAST, bar.label
        assert contrast_ratio(colours.truth, colours.track) >= GRAPHIC_CONTRAST, bar.label
    # Bars of both signs, and the answer, read on the track too.
    bar = bars[0]
    for value, highlighted in ((0.5, False), (-0.5, False), (0.9, True)):
        bar.set_state(value, -1.0, 1.0, False, highlighted, 1.0)
        colours = bar.colours()
        assert contrast_ratio(colours.bar, colours.track) >= GRAPHIC_CONTRAST
        assert contrast_ratio(colours.text, colours.window) >= READABLE_CONTRAST


def test_right_and_wrong_marks_read(qtbot, window):
    dock = window.findChild(QWidget, "datasetDock")
    dock.show()
    dock.raise_()
    table = window.panel_widget("datasetDock").table
    qtbot.waitUntil(lambda: table.rowCount() > 0)
    marks = [
        table.item(row, col)
        for row in range(table.rowCount())
        for col in range(table.columnCount())
        if table.item(row, col) is not None and table.item(row, col).text() in (RIGHT, WRONG)
    ]
    assert marks, "the dataset table shows no right or wrong marks"
    base = table.palette().color(QPalette.ColorRole.Base)
    for item in marks:
        colour = item.foreground().color()
        assert contrast_ratio(colour, base) >= READABLE_CONTRAST, (
            f"{item.text()} {colour.name()} on {base.name()}"
        )


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_canvas_captions_read_on_their_own_background(scheme):
    """The canvas keeps its own colours whatever the system theme; its legend and labels read on them."""
    colours = SCHEMES[scheme]
    back = colours.label_background
    # The label's translucent background over the canvas, as the eye sees it.
    alpha = back.alphaF()
    seen = QColor.fromRgbF(
        *(
            alpha * getattr(back, c)() + (1 - alpha) * getattr(colours.background, c)()
            for c in ("redF", "greenF", "blueF")
        )
    )
    assert contrast_ratio(colours.text, seen) >= READABLE_CONTRAST


def test_the_palette_is_restored(qapp):
    # Runs after the themed tests: the application is back in its own palette and style.
    assert QApplication.palette().color(WINDOW).lightness() > 100
