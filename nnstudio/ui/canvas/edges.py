"""Edges drawn in bulk: the 1,861,632 edges of 784-1024-1024-10 are two QGraphicsItems, not 1.86 million.

:class:`EdgeModel` holds every edge as numpy arrays (ends, weight, frozen, drawn segment), built block by
block from the network's weight matrices (:meth:`~nnstudio.engine.connections.Connections.arrays`): no
Edge object, id string or QLineF per edge is made to show a network. An edge's id is made only when asked
for (:attr:`EdgeModel.ids`, hovering, selecting), and an id is found from its two neurons' positions
(:attr:`EdgeModel.index`). Geometry is recomputed only when neurons move or the structure changes; a
weight change only re-buckets; an activation change touches nothing here.

:class:`EdgeLayer` paints the edges. For a big network it draws one ``drawLines`` per bucket, one pixel wide,
without antialiasing, clipped to the visible area, into an image kept until the view, the weights or the
geometry change; repaints in between (activations, hover, selection) only copy that image. While training
thins a big network's edges every frame of weights redraws them, and they are drawn straight into the view.
For a small network it draws each edge antialiased with its own width and an arrowhead.

Level of detail. A network whose overview draws at most LINE_BUDGET lines draws all of them, wherever the
view is. A bigger one draws, for each view, what fits in DRAW_BUDGET_PX (a line costs its length on screen
plus LINE_COST_PX): when every edge crossing the view fits, all of them; otherwise the budget goes to the
edges between two neurons on screen, then to those with one end on screen, then to those passing through,
and where it runs out each layer gets a fair share filled by its strongest edges.
:meth:`EdgeModel.detail` says how many are drawn of how many, for the canvas to say so. The choice is
made when the view, the weights or the geometry change (for a view a little larger than the visible one,
so a small pan keeps it), never per frame. Zooming in leaves fewer edges in view, until all of them fit.
Which edges cross the view is worked out once per view, on each layer's contiguous arrays; new weights only
compare masks over it (784-1024-1024-10: a new view in about 25 ms, new weights in about 27 ms with the
picture, on one core).

While training runs, new weights arrive many times a second and every one of them redraws that image. A
network of FULL_DETAIL_BELOW edges or more then draws only the strongest edges of each layer
(:meth:`EdgeModel.set_strongest_only`), about a sixth of the lines, and of those what fits in
TRAINING_DRAW_BUDGET_PX (a ninth of DRAW_BUDGET_PX), so a weights frame stays short; the full picture
returns when training stops.

:class:`EdgeOverlay` draws the few edges the person is touching (hovered, selected, pulsing) above them.

Where each part lives:
- :mod:`.edge_model`: the arrays, built from the network, moved with its neurons, restyled by its weights;
- :mod:`.edge_ids`: ids by position and positions by id, and the edges of given neurons;
- :mod:`.edge_detail`: the level of detail (which edges the overview draws for a view);
- :mod:`.edge_crossing`: which edges cross a view, layer by layer, and what each costs to draw;
- :mod:`.edge_lines`: the drawn segments as QLineF, bucketed for one ``drawLines`` each;
- :mod:`.edge_paint`: the pens, and the QGraphicsItems that paint (:class:`EdgeLayer`, :class:`EdgeOverlay`);
- :mod:`.edge_arrays`: numpy helpers they share.
This module gathers their public names.
"""

from .edge_detail import (
    DRAW_BUDGET_PX,
    FULL_DETAIL_BELOW,
    LINE_BUDGET,
    STRONGEST_SHARE,
    TRAINING_DRAW_BUDGET_PX,
    ViewDetail,
)
from .edge_ids import EdgeIds, EdgeIndex
from .edge_model import DETAIL_LIMIT, EdgeModel
from .edge_paint import NEIGHBOUR_LIMIT, EdgeLayer, EdgeOverlay, EdgeStyle, draw_buckets, draw_detailed

__all__ = [
    "DETAIL_LIMIT",
    "DRAW_BUDGET_PX",
    "FULL_DETAIL_BELOW",
    "LINE_BUDGET",
    "NEIGHBOUR_LIMIT",
    "STRONGEST_SHARE",
    "TRAINING_DRAW_BUDGET_PX",
    "EdgeIds",
    "EdgeIndex",
    "EdgeLayer",
    "EdgeModel",
    "EdgeOverlay",
    "EdgeStyle",
    "ViewDetail",
    "draw_buckets",
    "draw_detailed",
]
