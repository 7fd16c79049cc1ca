"""A first run that teaches: the start page (an example, your own, where you left off) and the guided tour.

Each test's window has settings of its own (an INI file in the test's folder), so what one test remembers
(the start page turned off, the tour done) never reaches another.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QListWidget,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from nnstudio.app import create_main_window
from nnstudio.document.autosave import AutosaveStore
from nnstudio.examples import example_info, load_example
from nnstudio.ui.main_window import MainWindow
from nnstudio.ui.start_page import SHOW_AT_START_KEY, StartPage, greet
from nnstudio.ui.tour import TOUR_DONE_KEY, GuidedTour, tour_done


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "settings" / "nnstudio.ini"


@pytest.fixture
def window(qtbot, settings_file, tmp_path):
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    win = create_main_window(
        example="digits", settings=settings, autosave_store=AutosaveStore(tmp_path / "autosave")
    )
    # Nothing here is worth keeping: opening another network never stops to ask about saving.
    win.ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for tour in win.findChildren(GuidedTour):
        tour.end(finished=False)
    for page in win.findChildren(StartPage):
        page.close()
    if win.isVisible():
        win.close()
    win.deleteLater()


def start_page(window: MainWindow) -> StartPage | None:
    pages = [p for p in window.findChildren(StartPage) if p.isVisible()]
    return pages[0] if pages else None


def tour_card(window: MainWindow) -> GuidedTour | None:
    cards = [c for c in window.findChildren(GuidedTour) if c.isVisible()]
    return cards[0] if cards else None


def trigger_help(window: MainWindow, key: str) -> None:
    """Choose Help > Start Page or Help > Guided Tour."""
    action = window.actions[key]
    assert action in window.menuBar().findChild(QMenu, "helpMenu").actions()
    action.trigger()


def click(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def list_texts(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


# ---------------------------------------------------------------------------------------------- start page
def test_a_first_launch_greets_with_the_start_page_and_opens_an_example(qtbot, window):
    greet(window)
    page = start_page(window)
    assert page is not None
    examples = page.findChild(QListWidget, "startExamples")
    titles = list_texts(examples)
    assert example_info("four-pixel-camera").title in titles
    # The tour is offered first on a first run: Enter takes it.
    assert page.findChild(QPushButton, "startTour").isDefault()
    # Choose the three-by-three shapes with the keyboard and open them with Enter.
    examples.setFocus()
    wanted = titles.index(example_info("three-by-three-shapes").title)
    examples.setCurrentRow(wanted)
    qtbot.keyClick(examples, Qt.Key.Key_Return)
    assert window.display_name() == example_info("three-by-three-shapes").title
    assert start_page(window) is None


def test_the_start_page_shows_each_example_with_its_picture_and_the_tour_first(qtbot, window):
    from nnstudio.ui.gallery import ExampleGallery, ExampleThumbnails

    greet(window)
    page = start_page(window)
    examples = page.findChild(QListWidget, "startExamples")
    # The pictures are the gallery's, drawn by the same piece of code, one a turn of the event loop.
    assert isinstance(page.thumbnails, ExampleThumbnails)
    qtbot.waitUntil(lambda: page.thumbnails.pending() == 0, timeout=10_000)
    assert examples.iconSize().width() >= 96
    for row in range(examples.count()):
        item = examples.item(row)
        assert not item.icon().isNull() and item.data(Qt.ItemDataRole.DecorationRole) is not None, item.text()
    gallery = ExampleGallery(parent=window)
    assert isinstance(gallery.thumbnails, ExampleThumbnails)
    gallery.close()
    # The tour comes first, above the three ways in, in larger type than the rest.
    tour = page.findChild(QPushButton, "startTour")
    assert tour.mapTo(page, tour.rect().topLeft()).y() < examples.mapTo(page, examples.rect().topLeft()).y()
    assert tour.font().pointSizeF() > page.font().pointSizeF()


def test_the_start_page_can_be_turned_off_and_comes_back_from_help(qtbot, window, settings_file):
    greet(window)
    page = start_page(window)
    box = page.findChild(QCheckBox, "startShowAtStart")
    assert box.isChecked()
    click(qtbot, box)
    click(qtbot, page.findChild(QPushButton, "startClose"))
    assert start_page(window) is None
    window.settings.sync()
    assert QSettings(str(settings_file), QSettings.Format.IniFormat).value(SHOW_AT_START_KEY) in (
        False,
        "false",
    )
    greet(window)  # the next start: no start page
    assert start_page(window) is None
    trigger_help(window, "start_page")
    assert start_page(window) is not None


def test_build_your_own_starts_an_empty_network(qtbot, window):
    greet(window)
    click(qtbot, start_page(window).findChild(QPushButton, "startNew"))
    assert len(window.document.network.neurons) == 0
    assert start_page(window) is None


def test_continue_where_you_left_off_lists_unsaved_work_and_recent_files(qtbot, window, tmp_path):
    saved = tmp_path / "mine.nnet"
    assert window.save_as(saved)
    lost = load_example("xor")
    lost.title = "Work from yesterday"
    window.autosave.store.write(lost, "yesterday", None)
    greet(window)
    page = start_page(window)
    recent = page.findChild(QListWidget, "startRecent")
    texts = list_texts(recent)
    assert texts[0].startswith("Unsaved work: Work from yesterday")
    assert any(text.startswith("mine.nnet") for text in texts)
    # Open the saved file again from the list, with the keyboard.
    recent.setFocus()
    recent.setCurrentRow(next(i for i, text in enumerate(texts) if text.startswith("mine.nnet")))
    qtbot.keyClick(recent, Qt.Key.Key_Return)
    assert window.path == saved
    assert start_page(window) is None


def test_every_start_page_control_is_named_and_reachable_by_keyboard(window):
    greet(window)
    page = start_page(window)
    controls = [
        w
        for w in page.findChildren(QWidget)
        if isinstance(w, (QPushButton, QCheckBox, QListWidget)) and w.isVisible()
    ]
    assert len(controls) >= 7
    for control in controls:
        assert control.objectName() and control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.objectName()


# ---------------------------------------------------------------------------------------------- the tour
def test_the_tour_walks_through_the_four_pixel_camera(qtbot, window):
    greet(window)
    click(qtbot, start_page(window).findChild(QPushButton, "startTour"))
    card = tour_card(window)
    assert card is not None
    assert window.display_name() == example_info("four-pixel-camera").title
    title = card.findChild(QWidget, "tourTitle")
    status = card.findChild(QWidget, "tourStatus")
    next_button = card.findChild(QPushButton, "tourNext")

    # 1. Paint a line: the frame is around the pad; a Shape button paints one.
    assert title.text() == "Paint a line"
    pad = window.findChild(QWidget, "drawingPad")
    assert card.target_rect().intersects(pad.geometry().translated(pad.mapTo(window, pad.rect().topLeft())))
    assert status.text() == ""
    click(qtbot, window.findChild(QToolButton, "padPreset_horizontal"))
    assert status.text().startswith("✓")

    # 2. Read the answer: the card says what the network answers.
    click(qtbot, next_button)
    assert title.text() == "Read the answer"
    assert "horizontal" in status.text()

    # 3. Change a weight: select a connection and type a new weight in the Inspector.
    click(qtbot, next_button)
    assert title.text() == "Change a weight"
    edge_id = next(iter(window.document.network.edges))
    qtbot.mouseClick(
        window.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.canvas.view_position_of_edge(edge_id, 0.3),
    )
    spin = window.inspector.findChild(QWidget, "weightSpin")
    assert spin is not None and spin.isVisible()
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.25")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.network.edges[edge_id].weight == pytest.approx(0.25)
    assert status.text().startswith("✓")

    # 4. Press Train: the frame is around the Train button.
    click(qtbot, next_button)
    assert title.text() == "Press Train"
    train = window.findChild(QPushButton, "trainingTrain")
    assert train.isVisible()
    assert card.target_rect().contains(train.mapTo(window, train.rect().center()))
    click(qtbot, train)
    qtbot.waitUntil(lambda: status.text().startswith("✓"), timeout=3000)
    click(qtbot, window.findChild(QPushButton, "trainingStop"))
    qtbot.waitUntil(lambda: not window.live.locked, timeout=10000)
    assert next_button.text().replace("&", "") == "Finish"
    click(qtbot, next_button)
    assert tour_card(window) is None
    assert tour_done(window.settings)


def test_escape_skips_the_tour_and_help_brings_it_back(qtbot, window):
    trigger_help(window, "tour")
    card = tour_card(window)
    assert card is not None and not tour_done(window.settings)
    card.findChild(QPushButton, "tourNext").setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert tour_card(window) is None
    assert tour_done(window.settings)
    assert window.settings.value(TOUR_DONE_KEY) in (True, "true")
    # Once done, the start page no longer puts the tour first, and Help starts it again.
    greet(window)
    assert not start_page(window).findChild(QPushButton, "startTour").isDefault()
    trigger_help(window, "tour")
    card = tour_card(window)
    assert card is not None
    assert card.findChild(QWidget, "tourTitle").text() == "Paint a line"
    for button in card.findChildren(QPushButton):
        assert button.objectName() and button.accessibleName()
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
