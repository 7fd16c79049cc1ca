"""The pads, the answer and the samples fit a narrow dock: nothing cut off, no sideways scrolling."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QMouseEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QToolButton, QWidget

from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.outputs import OutputPanel
from nnstudio.ui.pad import DrawingPad
from nnstudio.ui.pad_preview import PREVIEW_SCALE_NARROW
from nnstudio.ui.samples import SamplesPanel
from nnstudio.ui.widgets.flow_layout import FlowLayout


def image_network(grid: tuple[int, int], labels: list[str]) -> Network:
    """One input per pixel, one tanh output per label, every pixel wired to every output (seeded weights)."""
    rng = np.random.default_rng(3)
    n = grid[0] * grid[1]
    inputs = [Neuron(f"i{k}", Role.INPUT) for k in range(n)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, activation="tanh", label=label) for k, label in enumerate(labels)]
    weights = rng.normal(0.0, 0.1, size=(len(labels), n))
    edges = [
        Edge(f"i{k}>o{j}", f"i{k}", f"o{j}", float(weights[j, k]))
        for j in range(len(labels))
        for k in range(n)
    ]
    return Network.from_parts(inputs + outputs, edges)


def in_dock(qtbot, panel: QWidget, width: int, height: int) -> QScrollArea:
    """The panel as the window docks it: in a scroll area that follows the dock's size."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(panel)
    qtbot.addWidget(scroll)
    scroll.resize(width, height)
    scroll.show()
    qtbot.waitExposed(scroll)
    QApplication.processEvents()
    return scroll


def visible_rect(widget: QWidget, scroll: QScrollArea) -> QRect:
    """Where the widget shows inside the dock's viewport."""
    top_left = widget.mapTo(scroll.viewport(), widget.rect().topLeft())
    return QRect(top_left, widget.size())


def assert_fits_sideways(scroll: QScrollArea, widgets: list[QWidget]) -> None:
    assert not scroll.horizontalScrollBar().isVisible()
    viewport = scroll.viewport().rect()
    for widget in widgets:
        rect = visible_rect(widget, scroll)
        assert widget.isVisible(), widget.objectName()
        assert rect.left() >= 0 and rect.right() <= viewport.right(), (widget.objectName(), rect, viewport)


def label_needs_no_more_room(label: QLabel) -> bool:
    """A word-wrapped label is tall enough for all its lines at its width."""
    return label.height() >= label.heightForWidth(label.width())


@pytest.fixture
def digits(qtbot):
    live = LiveNetwork(
        Document(image_network((28, 28), [str(d) for d in range(10)]), grid=(28, 28), value_range=(0.0, 1.0))
    )
    pad = DrawingPad()
    pad.bind(live, QUndoStack())
    yield live, pad
    live.detach()


@pytest.mark.parametrize("width", [280, 320])
def test_freehand_pad_fits_a_narrow_dock(qtbot, digits, width):
    live, pad = digits
    scroll = in_dock(qtbot, pad, width, 520)
    editor = pad.editor
    tools = [
        editor.pen_button,
        editor.eraser_button,
        editor.size_spin,
        editor.undo_button,
        pad.findChild(QToolButton, "padClear"),
    ]
    assert_fits_sideways(scroll, [pad.title, editor.canvas, editor.preview, editor.preview_caption, *tools])
    assert label_needs_no_more_room(pad.title)
    assert not editor.wide
    # The drawing fills the width, square; the network's view sits under it, small.
    shown = editor.canvas.picture_rect()
    assert shown.width() == pytest.approx(shown.height())
    assert shown.width() >= width - 60
    canvas_bottom = visible_rect(editor.canvas, scroll).bottom()
    assert visible_rect(editor.preview, scroll).top() > canvas_bottom
    assert not scroll.verticalScrollBar().isVisible()


def test_freehand_pad_puts_the_preview_beside_a_wide_drawing(qtbot, digits):
    live, pad = digits
    scroll = in_dock(qtbot, pad, 640, 520)
    editor = pad.editor
    assert editor.wide
    assert visible_rect(editor.preview, scroll).left() > visible_rect(editor.canvas, scroll).right() - 1
    assert editor.preview.width() == 28 * 6 + 2
    scroll.resize(300, 520)
    QApplication.processEvents()
    assert not editor.wide
    assert editor.preview.width() == 28 * PREVIEW_SCALE_NARROW + 2
    assert_fits_sideways(scroll, [editor.canvas, editor.preview, editor.undo_button])


def test_a_stroke_on_a_scaled_pad_lands_where_it_is_drawn(qtbot, digits):
    live, pad = digits
    scroll = in_dock(qtbot, pad, 360, 560)  # kept: the pad lives in it
    canvas = pad.editor.canvas
    shown = canvas.picture_rect()
    assert shown.width() != 280 and scroll.isVisible()  # really scaled
    x = shown.left() + shown.width() * 0.5
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for kind, y in (
        (QMouseEvent.Type.MouseButtonPress, 0.15),
        (QMouseEvent.Type.MouseMove, 0.5),
        (QMouseEvent.Type.MouseMove, 0.85),
        (QMouseEvent.Type.MouseButtonRelease, 0.85),
    ):
        pos = QPointF(x, shown.top() + shown.height() * y)
        held = none if kind == QMouseEvent.Type.MouseButtonRelease else left
        button = none if kind == QMouseEvent.Type.MouseMove else left
        QApplication.sendEvent(
            canvas,
            QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, held, Qt.KeyboardModifier.NoModifier),
        )
    drawing = canvas.gray()
    ink_cols = np.flatnonzero(drawing.max(axis=0) > 0.5)
    ink_rows = np.flatnonzero(drawing.max(axis=1) > 0.5)
    # A vertical line down the middle of what the person sees, from 15% to 85% of the height.
    assert ink_cols.min() >= 120 and ink_cols.max() <= 160
    assert ink_rows.min() < 60 and ink_rows.max() > 220
    assert live.input.reshape(28, 28)[:, 12:16].max() > 0.5


@pytest.mark.parametrize(
    ("grid", "labels"),
    [((2, 2), ["solid", "vertical", "diagonal", "horizontal"]), ((3, 3), ["square", "V", "X", "cross"])],
)
def test_cell_pad_and_its_shapes_fit_a_narrow_dock(qtbot, grid, labels):
    live = LiveNetwork(Document(image_network(grid, labels), grid=grid))
    pad = DrawingPad()
    pad.bind(live, QUndoStack())
    scroll = in_dock(qtbot, pad, 280, 460)
    editor = pad.editor
    assert editor.preset_buttons
    buttons = [
        *editor.tool_buttons.values(),
        editor.brush,
        editor.brush_label,
        *editor.preset_buttons,
        pad.findChild(QToolButton, "padClear"),
        pad.findChild(QToolButton, "padInvert"),
    ]
    assert_fits_sideways(scroll, [pad.title, editor.editor, *buttons])
    assert label_needs_no_more_room(pad.title)
    # The cells stay square and big enough to click.
    cell = editor.editor.cell_rect(0)
    assert cell.width() == cell.height() and cell.width() >= 60
    # A shape button still shows its shape.
    qtbot.mouseClick(editor.preset_buttons[1], Qt.MouseButton.LeftButton)
    assert not np.allclose(live.input, 0.0)
    live.detach()


def test_flow_layout_wraps_onto_more_rows_when_narrow(qtbot):
    box = QWidget()
    flow = FlowLayout(box)
    buttons = []
    for k in range(6):
        button = QToolButton()
        button.setText(f"Button {k}")
        flow.addWidget(button)
        buttons.append(button)
    qtbot.addWidget(box)
    one_row = flow.sizeHint().width()
    assert flow.heightForWidth(one_row) == max(b.sizeHint().height() for b in buttons)
    assert flow.heightForWidth(one_row // 2) > flow.heightForWidth(one_row)
    box.resize(one_row // 2, flow.heightForWidth(one_row // 2))
    box.show()
    QApplication.processEvents()
    assert all(b.geometry().right() < box.width() for b in buttons)
    assert len({b.geometry().top() for b in buttons}) >= 2


def test_a_tie_of_four_outputs_wraps_in_a_narrow_answer_panel(qtbot):
    labels = ["solid", "vertical", "diagonal", "horizontal"]
    corners = [Neuron(f"p{i}", Role.INPUT) for i in range(4)]
    outputs = [Neuron(f"o{k}", Role.OUTPUT, activation="tanh", label=label) for k, label in enumerate(labels)]
    edges = [Edge(f"p{i}>o{k}", f"p{i}", f"o{k}", 0.5) for k in range(4) for i in range(4)]
    live = LiveNetwork(Document(Network.from_parts(corners + outputs, edges), grid=(2, 2)))
    panel = OutputPanel()
    panel.bind(live, QUndoStack())
    live.set_input(np.ones(4, dtype=np.float32))  # every output equally sure: a four-way tie
    scroll = in_dock(qtbot, panel, 380, 260)
    assert "undecided" in panel.answer()
    assert all(label in panel.answer() for label in labels)
    assert panel.minimumSizeHint().width() <= 380
    assert_fits_sideways(scroll, [panel.answer_label, *panel.bars])
    assert label_needs_no_more_room(panel.answer_label)
    live.detach()


def test_samples_panel_fits_a_narrow_dock(qtbot):
    labels = ["solid", "vertical", "diagonal", "horizontal"]
    live = LiveNetwork(Document(image_network((2, 2), labels), grid=(2, 2)))
    stack = QUndoStack()
    pad = DrawingPad()
    samples = SamplesPanel(pad)
    pad.bind(live, stack)
    samples.bind(live, stack)
    scroll = in_dock(qtbot, samples, 300, 300)
    assert_fits_sideways(
        scroll, [samples.class_combo, samples.add_button, samples.delete_button, samples.count_label]
    )
    assert label_needs_no_more_room(samples.count_label)
    qtbot.mouseClick(samples.add_button, Qt.MouseButton.LeftButton)
    assert live.document.dataset is not None and len(live.document.dataset) == 1
    QApplication.processEvents()
    assert_fits_sideways(scroll, [samples.count_label, samples.status])
    live.detach()


def test_ten_outputs_sit_in_two_columns_when_there_is_room(qtbot):
    labels = [str(d) for d in range(10)]
    live = LiveNetwork(Document(image_network((4, 4), labels), grid=(4, 4)))
    panel = OutputPanel()
    panel.bind(live, QUndoStack())
    scroll = in_dock(qtbot, panel, 460, 220)
    assert panel.columns == 2
    # 0-4 down the left column, 5-9 down the right
    qtbot.waitUntil(lambda: panel.bars[5].x() > panel.bars[4].x(), timeout=2000)
    assert panel.bars[5].y() == panel.bars[0].y()
    viewport = panel.bars_scroll.viewport()
    for bar in panel.bars:  # every digit shows without scrolling
        top_left = bar.mapTo(viewport, bar.rect().topLeft())
        assert viewport.rect().contains(QRect(top_left, bar.size())), bar.label
    scroll.resize(200, 220)
    qtbot.waitUntil(lambda: panel.columns == 1 and panel.bars[5].x() == panel.bars[4].x(), timeout=2000)
    assert_fits_sideways(scroll, panel.bars)
    live.detach()
