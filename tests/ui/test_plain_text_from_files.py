"""Every string from a file is plain text: a name written as HTML shows as those characters, never as markup.

Qt reads a label's, tooltip's or message box's text as HTML when its first line looks like HTML, so a 2 KB
file naming its dataset ``<img width=30000 height=30000 src=x>`` could make the studio draw a 30,000-pixel
picture (3.8 GB). Here every text of a document and its samples is that tag; the whole window is opened,
looked through (every label, every tooltip, what hovering a neuron says) and drawn.
"""

from __future__ import annotations

import resource
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import Qt as QtText
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMessageBox, QToolTip, QWidget

from nnstudio.app import ErrorReporter, create_main_window, error_log_path
from nnstudio.data.dataset import Dataset, one_hot
from nnstudio.document import Document, dense_network
from nnstudio.document.fileformat import save_document
from nnstudio.ui.error_tables import DatasetTable
from nnstudio.ui.plain_text import plain_tooltip

from .dialogs import answer_next_dialog

TAG = "<img width=30000 height=30000 src=x>"
Button = QMessageBox.StandardButton


def hostile_document() -> Document:
    network = dense_network(
        [4, 3, 2], ["tanh", "sigmoid"], seed=1, grid=(2, 2), output_labels=[TAG, f"{TAG}2"]
    )
    for neuron in network:
        if neuron.role.name != "OUTPUT":
            network.set_neuron_fields({neuron.id: {"label": f"{TAG}{neuron.id}"}})
    rng = np.random.default_rng(0)
    classes = np.array([0, 1, 0, 1])
    dataset = Dataset(
        TAG,
        rng.uniform(-1, 1, (4, 4)).astype(np.float32),
        one_hot(classes, 2),
        [TAG, f"{TAG}2"],
        classes,
        (2, 2),
        (-1.0, 1.0),
        TAG,
        [f"{TAG}{k}" for k in range(4)],
    )
    return Document(
        network,
        title=TAG,
        description=TAG,
        grid=(2, 2),
        value_range=(-1.0, 1.0),
        training_data="document",
        dataset=dataset,
    )


def seen_as(text: str, rich: bool) -> tuple[str, bool]:
    """What a person sees of ``text`` (as plain characters) and whether it draws a picture."""
    if not rich:
        return text, False
    document = QTextDocument()
    document.setHtml(text)
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                return document.toPlainText(), True
            it += 1
        block = block.next()
    return document.toPlainText(), False


def label_is_rich(label: QLabel) -> bool:
    fmt = label.textFormat()
    return fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and QtText.mightBeRichText(label.text())
    )


def tooltip_problems(where: str, tip: str) -> list[str]:
    shown, picture = seen_as(tip, QtText.mightBeRichText(tip))
    if picture or ("30000" in tip and TAG not in shown):
        return [f"{where}: tooltip {tip!r} is shown as {shown!r}"]
    return []


def problems_in(window: QWidget) -> list[str]:
    """Every label and tooltip that would draw the tag as markup instead of showing it."""
    found: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QLabel):
            shown, picture = seen_as(widget.text(), label_is_rich(widget))
            if picture or ("30000" in widget.text() and TAG not in shown):
                found.append(f"{name}: label {widget.text()!r} is shown as {shown!r}")
        found += tooltip_problems(name, widget.toolTip())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            row = 0
            while model.hasIndex(row, 0):
                col = 0
                while model.hasIndex(row, col):
                    tip = model.data(model.index(row, col), Qt.ItemDataRole.ToolTipRole)
                    if tip:
                        found += tooltip_problems(f"{name}[{row},{col}]", str(tip))
                    col += 1
                row += 1
    return found


@pytest.fixture
def hostile_window(qtbot, tmp_path: Path):
    path = tmp_path / "hostile.nnet"
    save_document(hostile_document(), path)
    window = create_main_window(path)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.ask_save_changes = lambda: Button.Discard
    window.close()
    window.deleteLater()


def test_names_from_a_file_show_as_their_characters_everywhere(qtbot, hostile_window) -> None:
    window = hostile_window
    canvas = window.canvas
    assert problems_in(window) == []
    # What the inspector, the dataset table and the hover text say about a chosen neuron, edge and sample.
    network = window.document.network
    hidden = next(n.id for n in network if n.role.name == "HIDDEN")
    canvas.select([hidden])
    assert problems_in(window) == []
    canvas.select([], [next(iter(network.edges))])
    assert problems_in(window) == []
    table = window.findChild(DatasetTable)
    table.table.selectRow(1)
    assert problems_in(window) == []
    title = window.findChild(QLabel, "datasetTitle")
    assert TAG in seen_as(title.text(), label_is_rich(title))[0]


def test_drawing_the_window_with_those_names_costs_no_memory(qtbot, hostile_window) -> None:
    assert problems_in(hostile_window) == []  # checked first: a picture 30,000 pixels wide is not drawn
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for dock in hostile_window.panels():
        dock.raise_()
        assert not dock.grab().isNull()
    assert not hostile_window.grab().isNull()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200


@pytest.mark.parametrize(
    "text", [TAG, f"first line\n{TAG}", f"x &lt; {TAG}", "a < b & c > d", "plain words", "two\nlines"]
)
def test_a_tooltip_shows_its_text_as_written(text: str) -> None:
    tip = plain_tooltip(text)
    shown, picture = seen_as(tip, QtText.mightBeRichText(tip))
    assert not picture
    assert shown.replace("\u2029", "\n") == text


def test_a_hovered_neuron_named_with_html_shows_the_name(qtbot, hostile_window) -> None:
    canvas = hostile_window.canvas
    output = next(n.id for n in hostile_window.document.network if n.role.name == "OUTPUT")
    point = canvas.mapFromScene(canvas.canvas_scene.position_of(output) + QPointF(0, 12))
    qtbot.mouseMove(canvas.viewport(), point)
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    assert tooltip_problems("canvas hover", QToolTip.text()) == []
    assert TAG in seen_as(QToolTip.text(), QtText.mightBeRichText(QToolTip.text()))[0]


def shown_in_box(box: QMessageBox) -> tuple[str, bool]:
    fmt = box.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and QtText.mightBeRichText(box.text())
    )
    return seen_as(box.text(), rich)


def test_a_message_quoting_a_name_shows_it_as_written(qtbot, hostile_window) -> None:
    seen: list[tuple[str, bool]] = []

    def read_and_close(box) -> None:
        seen.append(shown_in_box(box))
        box.button(Button.Ok).click()

    answer_next_dialog(read_and_close)
    hostile_window._show_error("Could not open the network", f"{TAG} could not be opened.")
    assert seen == [(f"{TAG} could not be opened.", False)]


def test_an_error_naming_a_neuron_shows_the_name_as_written(qtbot, hostile_window) -> None:
    seen: list[tuple[str, bool]] = []

    def read_and_close(box) -> None:
        seen.append(shown_in_box(box))
        box.button(Button.Ok).click()

    answer_next_dialog(read_and_close)
    reporter = ErrorReporter(error_log_path())
    try:
        raise KeyError(TAG)
    except KeyError as exc:
        reporter(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    text, picture = seen[0]
    assert not picture and text.startswith(f"Something went wrong: '{TAG}'")
