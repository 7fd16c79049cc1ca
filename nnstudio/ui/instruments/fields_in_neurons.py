"""Receptive fields drawn inside the neurons on the canvas (View > Receptive Fields in Neurons).

"How Deep Neural Networks Work" (Brandon Rohrer) draws each neuron of the four-pixel camera as the little
image it answers most strongly: white where a pixel should be light, black where it should be dark,
checkered where the neuron does not care. Switched on, every neuron after the inputs shows that picture,
kept up to date as weights change (also while training, at a pace that leaves the window responsive). On a
network of the plane (inputs X1 and X2, or feature inputs) each neuron shows its heat map over the plane
instead, as the Input Plane window draws it. The gallery of one layer is
:mod:`nnstudio.ui.instruments.receptive_gallery`; the fields come from :mod:`nnstudio.engine.receptive`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage

from nnstudio.data.points import feature_names
from nnstudio.engine.graph import GraphError
from nnstudio.engine.plan import Plan, compile_network
from nnstudio.engine.receptive import ReceptiveField, climbed, field_pixels, receptive_fields
from nnstudio.ui.plane import NEURON_STEP, RESOLUTION, forward_over_plane, neuron_pictures, plane_points

if TYPE_CHECKING:
    from nnstudio.document.model import Document
    from nnstudio.ui.main_window import MainWindow

Array = np.ndarray

# Fields are worked out again at most this often while weights keep changing (training), and never more
# often than a few times what one computation costs.
REFRESH_MS = 300
REFRESH_COST_FACTOR = 4
# At most this many neurons are climbed by gradient ascent for the canvas at once (a 1024-neuron second
# layer would hold the window for many seconds).
MAX_CLIMBED = 200
# The fields' name among the sources of pictures in neurons (another view may show its own at the same time).
PICTURE_SOURCE = "receptive"


def rgb_image(rgb: Array) -> QImage:
    """An RGB array (rows, columns, 3) of uint8 as a QImage that owns its pixels."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def field_image(field: ReceptiveField, grid: tuple[int, int] | None) -> QImage:
    """A field's picture for a neuron's disc: each input a few pixels wide, so the checks show."""
    rows, cols = field.image(grid).shape
    return rgb_image(field_pixels(field, grid, cell=max(1, 16 // max(rows, cols))))


def input_grid(document: Document, plan: Plan) -> tuple[int, int] | None:
    """The image grid the fields are drawn in: the document's, when the network has its pixels as inputs."""
    grid = document.grid
    if grid is not None and grid[0] * grid[1] <= plan.n_inputs:
        return (int(grid[0]), int(grid[1]))
    return None


class RefreshThrottle(QObject):
    """Runs ``work`` soon after the first of many changes, then at most every so often."""

    def __init__(self, work: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run)
        self._interval = REFRESH_MS

    def poke(self) -> None:
        if not self._timer.isActive():
            self._timer.start(self._interval)

    def now(self) -> None:
        self._timer.stop()
        self._run()

    def cancel(self) -> None:
        self._timer.stop()

    def _run(self) -> None:
        started = time.perf_counter()
        self._work()
        self.spent((time.perf_counter() - started) * 1000)

    def spent(self, spent_ms: float) -> None:
        """The last run of the work took ``spent_ms`` (also when most of it ran on a thread of its own)."""
        self._interval = max(REFRESH_MS, int(spent_ms * REFRESH_COST_FACTOR))


class FieldsInNeurons(QObject):
    """Keeps each neuron's receptive field drawn inside it on the window's canvas while switched on."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._on = False
        self._revision: tuple[int, int, tuple[float, float], object] | None = None
        self._live = None
        self._told_plane = False
        self._throttle = RefreshThrottle(self._compute, self)
        window.documentReplaced.connect(self._follow)
        self._follow()

    @property
    def enabled(self) -> bool:
        return self._on

    def set_enabled(self, on: bool) -> None:
        self._on = bool(on)
        self._revision = None
        self._told_plane = False
        if self._on:
            self._throttle.now()
        else:
            self._throttle.cancel()
            self._window.canvas.set_neuron_pictures(None, PICTURE_SOURCE)

    def _follow(self) -> None:
        live = self._window.live
        if live is self._live:
            return
        if self._live is not None:
            for signal in (self._live.valuesChanged, self._live.planChanged):
                signal.disconnect(self._changed)
            self._live.document.events.properties.disconnect(self._changed)
        self._live = live
        if live is not None:
            live.valuesChanged.connect(self._changed)
            live.planChanged.connect(self._changed)
            live.document.events.properties.connect(self._changed)
        self._revision = None
        if self._on:
            self._throttle.now()

    def _changed(self) -> None:
        if self._on and self._key() != self._revision:
            self._throttle.poke()

    def _key(self) -> tuple[int, int, tuple[float, float], object]:
        document = self._window.document
        network = document.network
        return (network.revision, network.structure_revision, tuple(document.value_range), document.grid)

    def _compute(self) -> None:
        if not self._on:
            return
        document = self._window.document
        key = self._key()
        if key == self._revision:
            return
        self._revision = key
        canvas = self._window.canvas
        try:
            plan = compile_network(document.network, np.float64)
            grid = input_grid(document, plan)
            if grid is None and self._draw_heat_maps(plan):
                return
            # Only the neurons drawn as discs take a picture.
            ids = [nid for nid in canvas.canvas_scene.neuron_items if plan.position.get(nid, (0, 0))[0] > 0]
            costly = climbed(plan, ids)
            if len(costly) > MAX_CLIMBED:
                left_out = set(costly)
                ids = [nid for nid in ids if nid not in left_out]
                self._window.statusBar().showMessage(
                    f"Receptive fields are drawn in the first layer only: the {len(costly):,} neurons after it"
                    f" are too many to search here; the gallery shows them a layer at a time",
                    8000,
                )
            # A network gone wild overflows; what overflowed is said in words, not in numpy's warnings.
            with np.errstate(all="ignore"):
                fields = receptive_fields(plan, ids, tuple(float(v) for v in document.value_range))
        except (GraphError, ValueError) as exc:
            canvas.set_neuron_pictures(None, PICTURE_SOURCE)
            self._window.statusBar().showMessage(f"No receptive fields to draw: {exc}", 8000)
            return
        canvas.set_neuron_pictures(
            {nid: field_image(field, grid) for nid, field in fields.items()}, PICTURE_SOURCE
        )

    def _draw_heat_maps(self, plan: Plan) -> bool:
        """On a network of the plane (inputs named X1 and X2, or feature inputs) each neuron's heat map, the picture
        the Input Plane window draws, instead of a field of two pixels that a person cannot read; whether it
        was such a network."""
        network = self._window.document.network
        labels = [network.neurons[nid].label for nid in plan.input_ids]
        # Only inputs named as the plane's features (X1, X2, sin X1, ...): two inputs such as XOR's A and B
        # are two pixels that are on or off, and their field (white A, black B) is what the texts draw.
        if feature_names(labels) is None:
            return False
        try:
            fw = forward_over_plane(plan, labels, plane_points(RESOLUTION))
        except ValueError:
            return False
        activations = {nid: neuron.activation for nid, neuron in network.neurons.items()}
        self._window.canvas.set_neuron_pictures(
            neuron_pictures(plan, fw, activations, RESOLUTION, NEURON_STEP), PICTURE_SOURCE
        )
        if not self._told_plane:  # said once when switched on, not on every weight change while training
            self._told_plane = True
            self._window.statusBar().showMessage(
                "Inputs X1 and X2 are a point on the plane, not a picture: each neuron shows its answer over"
                " the plane (Tools > Input Plane draws the whole map)",
                8000,
            )
        return True
