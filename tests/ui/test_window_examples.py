"""Every built-in example opens in the window; the gallery opens them; the canvas exports as PNG and SVG."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QListWidget, QMessageBox, QWidget

from nnstudio.app import create_main_window
from nnstudio.document.autosave import AutosaveStore
from nnstudio.examples import list_examples
from nnstudio.ui.gallery import ExampleGallery
from nnstudio.ui.main_window import MainWindow, network_size_text

from .dialogs import answer_next_dialog

Button = QMessageBox.StandardButton


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory):
    """One window for the whole module: opening each example in turn is what a person does too."""
    folder = tmp_path_factory.mktemp("examples-window")
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = create_main_window(autosave_store=AutosaveStore(folder / "autosave"), settings=settings)
    window.show()
    yield window
    window.ask_save_changes = lambda: Button.Discard
    window.close()
    window.deleteLater()


@pytest.mark.parametrize("info", list_examples(), ids=lambda info: info.name)
def test_every_example_opens(shared_window: MainWindow, info):
    assert shared_window.open_example(info.name)
    network = shared_window.document.network
    assert shared_window.windowTitle().replace("[*]", "") == f"{info.title} — nnstudio"
    assert not shared_window.isWindowModified()
    assert shared_window.path is None  # an example is never saved back into the resources
    assert shared_window.size_label.text() == network_size_text(network)
    assert shared_window.live.problem is None
    assert not shared_window.problem_label.isVisible()
    assert len(shared_window.live.values()) == len(network.neurons)


def test_the_gallery_shows_every_example_with_a_picture(qtbot):
    gallery = ExampleGallery()
    qtbot.addWidget(gallery)
    gallery.show()
    names = [gallery.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(gallery.list.count())]
    assert names == [info.name for info in list_examples()]
    first = gallery.list.item(0).icon().pixmap(200, 120).toImage()
    qtbot.waitUntil(lambda: gallery.thumbnails_pending() == 0, timeout=20000)
    drawn = gallery.list.item(0).icon().pixmap(200, 120).toImage()
    assert drawn != first  # the grey placeholder was replaced by a drawing of the network
    for row, info in enumerate(list_examples()):
        assert gallery.list.item(row).text().startswith(f"{info.title}\n")


def test_open_example_through_the_gallery(qtbot, shared_window: MainWindow):
    def double_click_xor(gallery: QWidget) -> None:
        listing = gallery.findChild(QListWidget, "galleryList")
        item = listing.item([info.name for info in list_examples()].index("xor"))
        listing.scrollToItem(item)
        where = listing.visualItemRect(item).center()
        qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=where)

    answer_next_dialog(double_click_xor)
    shared_window.actions["open_example"].trigger()
    assert shared_window.windowTitle().replace("[*]", "") == "Two hidden neurons learn XOR — nnstudio"


def test_export_png_and_svg(shared_window: MainWindow, tmp_path):
    assert shared_window.open_example("four-pixel-camera")
    png = tmp_path / "canvas.png"
    svg = tmp_path / "canvas.svg"
    assert shared_window.export_png(png)
    assert shared_window.export_svg(svg)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 10 and image.height() > 10
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and len(text) > 200


def test_an_example_opens_showing_a_sample_and_its_answer(qtbot) -> None:
    from nnstudio.app import create_main_window

    window = create_main_window(example="four-pixel-camera")
    qtbot.addWidget(window)
    live = window.live
    # The four-pixel data's first labelled image is all white: "solid", with that as the truth.
    assert list(live.input) == [1.0, 1.0, 1.0, 1.0]
    assert live.answer() == "solid"
    table = live.error_table()
    assert table is not None and list(table.truth) == [1.0, 0.0, 0.0, 0.0]


def test_a_gallery_closed_before_its_pictures_are_drawn_goes_quietly(qtbot, shared_window: MainWindow):
    """Choosing at once, while the thumbnails are still being drawn one by one, leaves nothing to go wrong."""
    from nnstudio.ui.gallery import ExampleGallery

    gallery = ExampleGallery(parent=shared_window)
    assert gallery.thumbnails_pending() > 1
    gallery.reject()
    gallery.deleteLater()
    qtbot.wait(50)  # the drawing would go on here; an error in it fails the test (pytest-qt catches it)
    assert not shared_window.isHidden()
