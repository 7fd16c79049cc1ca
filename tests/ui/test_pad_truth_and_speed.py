"""The truth follows what is on the pad; the error table's total stays in view; drawing stays cheap.

- A Shape button or a pattern of the dataset painted by hand sets the truth; a picture that is no pattern
  leaves the truth for the person to pick, and so does freehand drawing.
- The Total row sits under the table, outside its scrolling, however short the panel.
- A pad change updates the error table's cells in place, and a move of the pen repaints only the part of
  the drawing around the pen (no timing here: benchmarks/drawing.py measures the milliseconds).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPainterPath, QPen, QUndoStack
from PySide6.QtWidgets import QApplication, QToolButton, QVBoxLayout, QWidget

from nnstudio.examples import load_example
from nnstudio.ui.error_tables import ErrorTablePanel
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad import DrawingPad, FreehandCanvas


@pytest.fixture
def camera(qtbot):
    """The four-pixel camera as it opens: its pad and its error table side by side."""
    live = LiveNetwork(load_example("four-pixel-camera"))
    stack = QUndoStack()
    host = QWidget()
    layout = QVBoxLayout(host)
    pad = DrawingPad()
    errors = ErrorTablePanel()
    layout.addWidget(pad)
    layout.addWidget(errors)
    qtbot.addWidget(host)
    for panel in (pad, errors):
        panel.bind(live, stack)
    live.show_sample(np.ones(4, dtype=np.float32), np.array([1, 0, 0, 0], dtype=np.float32))
    host.resize(420, 640)
    host.show()
    qtbot.waitExposed(host)
    yield live, pad, errors
    live.detach()


def click_cell(qtbot, pad: DrawingPad, index: int, button=Qt.MouseButton.LeftButton) -> None:
    editor = pad.editor.editor
    qtbot.mouseClick(editor, button, pos=editor.cell_rect(index).center().toPoint())


def shape_button(pad: DrawingPad, name: str) -> QToolButton:
    button = pad.findChild(QToolButton, f"padPreset_{name}")
    assert button is not None, name
    return button


def test_a_shape_button_sets_the_truth(qtbot, camera):
    live, pad, errors = camera
    assert errors.truth_combo.currentText() == "solid"
    qtbot.mouseClick(shape_button(pad, "horizontal"), Qt.MouseButton.LeftButton)
    assert errors.truth_combo.currentText() == "horizontal"
    np.testing.assert_array_equal(live.truth, [0, 0, 0, 1])
    # The camera answers horizontal, so the right answer shows a small error.
    assert float(errors.shown_rows()[-1][3]) < 1.0
    qtbot.mouseClick(shape_button(pad, "diagonal"), Qt.MouseButton.LeftButton)
    assert errors.truth_combo.currentText() == "diagonal"
    # The L-shape is none of the four: the dataset's truth for it is all 0.
    qtbot.mouseClick(shape_button(pad, "l_shape"), Qt.MouseButton.LeftButton)
    assert errors.truth_combo.currentText() == "none of these (all 0)"


def test_painting_a_horizontal_line_by_hand_sets_the_truth(qtbot, camera):
    live, pad, errors = camera
    click_cell(qtbot, pad, 2, Qt.MouseButton.RightButton)  # bottom-left black
    click_cell(qtbot, pad, 3, Qt.MouseButton.RightButton)  # bottom-right black: a horizontal line
    np.testing.assert_array_equal(live.input, [1, 1, -1, -1])
    assert errors.truth_combo.currentText() == "horizontal"
    assert float(errors.shown_rows()[-1][3]) < 1.0


def test_a_picture_that_is_no_pattern_leaves_the_truth_to_pick(qtbot):
    live = LiveNetwork(load_example("three-by-three-shapes"))
    pad = DrawingPad()
    errors = ErrorTablePanel()
    for panel in (pad, errors):
        qtbot.addWidget(panel)
        panel.bind(live, QUndoStack())
        panel.show()
    qtbot.mouseClick(shape_button(pad, "square"), Qt.MouseButton.LeftButton)
    assert errors.truth_combo.currentText() == "square"
    click_cell(qtbot, pad, 0)  # a white corner: no longer a square, nor any shape
    assert errors.truth_combo.currentText() == "none chosen"
    # The person picks a truth for their own picture; painting on keeps it.
    errors.set_truth_label("cross")
    click_cell(qtbot, pad, 8)
    assert errors.truth_combo.currentText() == "cross"
    live.detach()


def test_the_total_stays_in_view_in_a_short_panel(qtbot, camera):
    live, pad, errors = camera
    errors.set_truth_label("horizontal")
    errors.resize(360, 150)
    errors.window().resize(420, 300)
    QApplication.processEvents()
    total = errors.findChild(QWidget, "errorTotalRow")
    assert total is not None and total.isVisible()
    # Outside the table's scrolling: not a row of the table, and fully inside the panel.
    assert not errors.table.isAncestorOf(total)
    inside = QRect(total.mapTo(errors, total.rect().topLeft()), total.size())
    assert errors.rect().contains(inside)
    assert errors.shown_rows()[-1][0] == "Total"
    assert errors.shown_rows()[-1][3] == errors.findChild(QWidget, "errorTotalValue").text()


def test_a_pad_change_updates_the_error_cells_in_place(qtbot, camera):
    live, pad, errors = camera
    answer_cell = errors.table.item(0, 2)
    before = answer_cell.text()
    qtbot.mouseClick(shape_button(pad, "vertical"), Qt.MouseButton.LeftButton)
    assert errors.table.item(0, 2) is answer_cell
    assert answer_cell.text() != before


class PaintedRegions(QObject):
    """Collects the rectangles a widget is asked to repaint."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def _pen_event(canvas: FreehandCanvas, kind: QEvent.Type, x: float, y: float) -> None:
    pos = canvas.widget_point(QPointF(x, y))
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, held, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def test_a_pen_move_repaints_only_around_the_pen_and_draws_the_same_stroke(qtbot):
    canvas = FreehandCanvas((28, 28))
    qtbot.addWidget(canvas)
    canvas.resize(560, 560)
    canvas.show()
    qtbot.waitExposed(canvas)
    points = [(40 + 2 * i, 60 + (i % 40) * 4) for i in range(90)]
    _pen_event(canvas, QEvent.Type.MouseButtonPress, *points[0])
    for x, y in points[1:60]:
        _pen_event(canvas, QEvent.Type.MouseMove, x, y)
    QApplication.processEvents()
    regions = PaintedRegions()
    canvas.installEventFilter(regions)
    for x, y in points[60:]:
        _pen_event(canvas, QEvent.Type.MouseMove, x, y)
        QApplication.processEvents()
    canvas.removeEventFilter(regions)
    _pen_event(canvas, QEvent.Type.MouseButtonRelease, *points[-1])
    assert regions.rects, "the moves were never painted"
    whole = canvas.width() * canvas.height()
    assert max(r.width() * r.height() for r in regions.rects) < whole / 4

    # The picture is the stroke as one path would draw it (round joins and caps, one anti-aliased edge).
    expected = QImage(canvas.canvas_size, QImage.Format.Format_Grayscale8)
    expected.fill(0)
    painter = QPainter(expected)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(
        QPen(
            Qt.GlobalColor.white,
            canvas.pen_width,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
    )
    path = QPainterPath(QPointF(*points[0]))
    for x, y in points[1:]:
        path.lineTo(QPointF(x, y))
    painter.drawPath(path)
    painter.end()
    drawn = canvas.gray()
    wanted = (
        np.frombuffer(expected.constBits(), dtype=np.uint8).reshape(
            expected.height(), expected.bytesPerLine()
        )[:, : expected.width()]
        / 255.0
    )
    difference = np.abs(drawn - wanted)
    assert difference.mean() < 0.01, difference.mean()
    # Where two segments meet at a sharp angle a few edge pixels may be a shade darker than one path's.
    assert np.count_nonzero(difference > 0.25) < 20
    assert difference.max() < 0.5
