"""The segments a big network's canvas draws are made once per edge and follow the neurons they join."""

from __future__ import annotations

import numpy as np

from nnstudio.examples import load_example
from nnstudio.ui.canvas import edge_lines

from .canvas_fixtures import open_canvas


def ends(lines) -> list[tuple[float, float, float, float]]:
    return [(line.x1(), line.y1(), line.x2(), line.y2()) for line in lines]


def test_a_moved_neurons_edges_are_drawn_where_it_now_is(qtbot, monkeypatch):
    # Every network counts as big here: its segments are made as they are first drawn, then reused.
    monkeypatch.setattr(edge_lines, "KEEP_LINES_UP_TO", 0)
    canvas, _live = open_canvas(qtbot, load_example("digits"))
    canvas.grab()
    model = canvas.canvas_scene.edge_layer.model
    last = np.arange(model.count - 40, model.count)
    before = ends(model.segments(last))
    assert ends(model.segments(last)) == before
    target = int(model.target[last[-1]])
    moved_id = next(nid for nid, i in model.node_index.items() if i == target)
    x, y = float(model.nx[target]), float(model.ny[target])
    model.move_nodes({moved_id: (x + 30.0, y - 20.0)})
    after = ends(model.segments(last))
    expected = list(
        zip(
            model.x1[last].tolist(),
            model.y1[last].tolist(),
            model.x2[last].tolist(),
            model.y2[last].tolist(),
            strict=True,
        )
    )
    assert np.allclose(after, expected)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed and all(int(model.target[last[i]]) == target for i in changed)
    canvas.grab()
