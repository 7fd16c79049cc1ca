"""The canvas keeps the whole network in view as it is resized, until the person zooms or pans by hand."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QUndoStack, QWheelEvent
from PySide6.QtWidgets import QApplication

from nnstudio.document.layout import Layout
from nnstudio.document.model import Document
from nnstudio.engine.graph import Edge, Network, Neuron, Role
from nnstudio.ui.canvas import NetworkCanvas
from nnstudio.ui.live import LiveNetwork


def chain_document(columns: int = 4, rows: int = 4) -> Document:
    """Inputs, hidden columns and outputs laid out like the examples: 240 apart, rows 48 apart."""
    neurons: list[Neuron] = []
    layout = Layout()
    edges: list[Edge] = []
    previous: list[str] = []
    for c in range(columns):
        role = Role.INPUT if c == 0 else Role.OUTPUT if c == columns - 1 else Role.HIDDEN
        ids = [f"n{c}_{r}" for r in range(rows)]
        for r, nid in enumerate(ids):
            neurons.append(Neuron(nid, role, "tanh", label=f"{role.value} {r}"))
            layout.place({nid: (240.0 * c, 48.0 * r)})
        edges += [Edge(f"{a}>{b}", a, b, 0.5) for a in previous for b in ids]
        previous = ids
    return Document(Network.from_parts(neurons, edges), title="chain", layout=layout)


def tiny_document() -> Document:
    neurons = [Neuron("a", Role.INPUT, "identity"), Neuron("b", Role.OUTPUT, "tanh")]
    layout = Layout({"a": (0, 0), "b": (120, 0)})
    return Document(Network.from_parts(neurons, [Edge("a>b", "a", "b", 1.0)]), title="tiny", layout=layout)


@pytest.fixture
def make_canvas(qtbot):
    def make(document: Document, size: tuple[int, int], show: bool = True) -> NetworkCanvas:
        canvas = NetworkCanvas()
        qtbot.addWidget(canvas)
        canvas.resize(*size)
        live = LiveNetwork(document)
        stack = QUndoStack()
        if show:
            canvas.show()
            qtbot.waitExposed(canvas)
        canvas.bind(live, stack)
        canvas._test_refs = (live, stack)
        return canvas

    return make


def network_on_screen(canvas: NetworkCanvas) -> QRectF:
    """Where the network's neurons and names are drawn, in viewport pixels."""
    return canvas.mapFromScene(canvas.canvas_scene.content_rect()).boundingRect().toRectF()


def share_filled(canvas: NetworkCanvas) -> float:
    """How much of the viewport the network spans along its tighter direction."""
    shown = network_on_screen(canvas)
    viewport = canvas.viewport().rect()
    return max(shown.width() / viewport.width(), shown.height() / viewport.height())


def fully_inside(canvas: NetworkCanvas) -> bool:
    return QRectF(canvas.viewport().rect()).adjusted(-1, -1, 1, 1).contains(network_on_screen(canvas))


def resize(canvas: NetworkCanvas, width: int, height: int) -> None:
    canvas.resize(width, height)
    QApplication.processEvents()


def wheel(canvas: NetworkCanvas, notches: int) -> None:
    viewport = canvas.viewport()
    at = QPointF(viewport.rect().center())
    event = QWheelEvent(
        at,
        QPointF(viewport.mapToGlobal(at.toPoint())),
        QPoint(),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_resizing_keeps_the_whole_network_fitted(make_canvas):
    canvas = make_canvas(chain_document(), (360, 260))
    resize(canvas, 1200, 900)
    assert fully_inside(canvas)
    assert share_filled(canvas) > 0.8
    resize(canvas, 500, 700)
    assert fully_inside(canvas)
    assert share_filled(canvas) > 0.8


def test_a_document_bound_before_the_canvas_is_shown_fills_it_once_shown(make_canvas, qtbot):
    canvas = make_canvas(chain_document(), (1000, 700), show=False)
    canvas.fit_all()  # what the window does before it is shown: the view has no real size yet
    canvas.show()
    qtbot.waitExposed(canvas)
    QApplication.processEvents()
    assert fully_inside(canvas)
    assert share_filled(canvas) > 0.8


def test_the_fit_leaves_a_margin(make_canvas):
    canvas = make_canvas(chain_document(), (900, 700))
    shown = network_on_screen(canvas)
    viewport = canvas.viewport().rect()
    margins = [
        shown.left(),
        shown.top(),
        viewport.width() - shown.right(),
        viewport.height() - shown.bottom(),
    ]
    assert min(margins) >= 10


def test_a_tiny_network_is_not_blown_up(make_canvas):
    canvas = make_canvas(tiny_document(), (400, 300))
    resize(canvas, 1400, 1000)
    assert canvas.transform().m11() <= 1.5 + 1e-9
    assert fully_inside(canvas)
    centre = network_on_screen(canvas).center()
    assert abs(centre.x() - canvas.viewport().width() / 2) < 40


def test_after_a_wheel_zoom_resizing_no_longer_refits_until_ctrl_0(make_canvas, qtbot):
    canvas = make_canvas(chain_document(), (700, 500))
    wheel(canvas, 2)
    zoomed = canvas.transform().m11()
    resize(canvas, 1200, 900)
    assert canvas.transform().m11() == pytest.approx(zoomed)
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    resize(canvas, 500, 400)
    assert fully_inside(canvas)
    assert share_filled(canvas) > 0.8


def test_zoom_actions_and_panning_also_stop_the_refit(make_canvas, qtbot):
    canvas = make_canvas(chain_document(), (700, 500))
    canvas.zoom_by(1.25)
    resize(canvas, 1100, 800)
    assert share_filled(canvas) < 0.8 or not fully_inside(canvas)

    canvas.fit_all()
    resize(canvas, 700, 500)
    assert fully_inside(canvas)
    start = QPoint(5, 5)
    qtbot.mousePress(canvas.viewport(), Qt.MouseButton.MiddleButton, pos=start)
    qtbot.mouseMove(canvas.viewport(), start + QPoint(120, 0))
    qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.MiddleButton, pos=start + QPoint(120, 0))
    assert not canvas.auto_fit
    scale = canvas.transform().m11()
    resize(canvas, 1100, 800)
    assert canvas.transform().m11() == pytest.approx(scale)
    assert share_filled(canvas) < 0.8


def test_a_newly_bound_document_is_fitted_again(make_canvas):
    canvas = make_canvas(chain_document(), (700, 500))
    wheel(canvas, 3)
    live = LiveNetwork(chain_document(columns=3, rows=6))
    stack = QUndoStack()
    canvas.bind(live, stack)
    canvas._test_refs = (live, stack)
    resize(canvas, 1000, 800)
    assert fully_inside(canvas)
    assert share_filled(canvas) > 0.8


@pytest.mark.parametrize("size", [(390, 473), (300, 420), (700, 500)])
def test_an_example_with_many_names_fits_a_narrow_canvas_whole(make_canvas, size):
    """Names show only from a certain zoom on, and when they do not the outputs' names are fanned out
    beside them: at any width the fit shows the network, and whatever names it shows, whole."""
    from nnstudio.examples import load_example

    canvas = make_canvas(load_example("four-pixel-camera"), size)
    drawn = network_on_screen(canvas)
    for plate in canvas.output_name_plates():
        drawn = drawn.united(plate.rect)
    viewport = QRectF(canvas.viewport().rect())
    assert viewport.adjusted(-1, -1, 1, 1).contains(drawn)
    assert max(drawn.width() / viewport.width(), drawn.height() / viewport.height()) > 0.75


def test_a_network_too_big_for_any_zoom_is_not_searched_again_on_every_resize(make_canvas, monkeypatch):
    """At the least zoom nothing is left to try: a resize zooms at most a few times, not a search's ten."""
    from nnstudio.ui.canvas import zoom

    canvas = make_canvas(chain_document(columns=60, rows=60), (240, 180))
    assert canvas.transform().m11() == pytest.approx(zoom.MIN_SCALE)
    zooms = []
    original = zoom.ZoomAndFit._zoom_to
    monkeypatch.setattr(zoom.ZoomAndFit, "_zoom_to", lambda self, s: zooms.append(s) or original(self, s))
    resize(canvas, 260, 190)
    assert len(zooms) <= zoom.FIT_STEPS
