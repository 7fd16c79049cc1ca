"""Tools > Receptive Field Gallery: one layer's receptive fields side by side, larger than inside the
neurons (:mod:`nnstudio.ui.instruments.fields_in_neurons`), with how each field was found; for a 28x28 image
input it adds the weight picture of 3Blue1Brown's "But what is a neural network?" (green positive, red
negative) and the nine training images that excite the neuron most. Clicking a neuron's tile selects it on
the canvas.

A convolutional layer is thousands of neurons but a few feature maps: the gallery shows one tile per map,
with the input patch its central neuron likes most over the few pixels it sees (a 5x5 kernel sees 5x5), the
kernel itself when it reads the image, and the training images that excite the map most. A field the search
could not find is said in words, never drawn as an empty picture with "activation 0.000".

Climbing the fields of a convolutional network's later layers takes a second or more. The gallery works them
out on a thread of its own (numpy only: every widget is touched on the window's thread) and the window stays
responsive: work done within :data:`SHORT_MS` shows at once, as before; longer work shows a progress bar (how
many of the layer's neurons or feature maps are done) and a Cancel button, and the tiles of a newly chosen
layer appear a few at a time as they are done. Choosing another layer or closing the gallery cancels the
work too.

The fields come from :mod:`nnstudio.engine.receptive`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.conv import ConvBlock, ConvKind
from nnstudio.engine.graph import GraphError
from nnstudio.engine.plan import Plan, compile_network
from nnstudio.engine.receptive import (
    ChannelField,
    Progress,
    ReceptiveField,
    ShouldStop,
    channel_fields,
    climbed,
    conv_feeding,
    field_pixels,
    input_window,
    receptive_fields,
    sample_pixels,
    strongest_samples_of,
    weight_pixels,
)
from nnstudio.ui.instruments import place_beside
from nnstudio.ui.instruments.field_work import FieldWork, Work
from nnstudio.ui.instruments.fields_in_neurons import (
    FieldsInNeurons,
    RefreshThrottle,
    input_grid,
    rgb_image,
)
from nnstudio.ui.instruments.gallery_pictures import (
    STRONGEST,
    blank_picture,
    framed_pixmap,
    mosaic,
    padded_samples,
    row_of_pictures,
)

if TYPE_CHECKING:
    from nnstudio.document.model import Document
    from nnstudio.ui.main_window import MainWindow

Array = np.ndarray

# The side of one picture in the gallery, in pixels.
TILE_PX = 96
# From this many pixels an input is an image worth a weight picture and the strongest samples.
BIG_IMAGE_PIXELS = 100
# The gallery shows at most MAX_TILES of a layer (the canvas climbs at most MAX_CLIMBED at once).
MAX_TILES = 64
MAX_CLIMBED_TILES = 32
# The strongest images are looked for among this many training images (a pass through a convolutional
# network costs about a millisecond an image).
GALLERY_IMAGES = 1000
# Work that takes longer than this shows a progress bar and a Cancel button; shorter work shows its result at
# once (a 50 ms layer does not flash a bar). The bar follows the work at this pace.
SHORT_MS = 250
POLL_MS = 50
# The gallery climbs this many neurons or feature maps at a time: the bar moves, and Cancel stops soon.
PIECE = 4
# Words instead of a picture when the search for a field found nothing.
NOT_FOUND = "no preferred input found"
NEVER_ON = "off for every input"

# How many inputs a strip's legend names.
STRIP_NAMES = 8
LEGEND = (
    "Each picture is the input that drives the neuron highest: white = the top of the input range, black ="
    " the bottom, checkered = the neuron does not care about that pixel."
)
MAP_LEGEND = (
    "One tile per feature map: every neuron of a map is the same detector at another place. Each picture is"
    " the input its central neuron likes most, over the {window} input pixels it sees: white = the top of the"
    " input range, black = the bottom, checkered = it does not care about that pixel."
)


def maps_text(conv: ConvBlock) -> str:
    """A layer of feature maps in a few words: ``16 feature maps 24x24 (5x5 kernels)``."""
    channels, height, width = conv.out_shape
    if conv.kind is ConvKind.CONV2D:
        how = f"{conv.size}x{conv.size} kernels"
    else:
        how = f"{'max' if conv.kind is ConvKind.MAXPOOL else 'average'}-pool {conv.size}x{conv.size}"
    return f"{channels} feature map{'s' if channels != 1 else ''} {height}x{width} ({how})"


class ReceptiveGallery(QWidget):
    """One layer's receptive fields, a tile per neuron (see the module's description)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self._window = window
        self.setObjectName("receptiveGallery")
        self.setAccessibleName("Receptive Field Gallery")
        self.setWindowTitle("Receptive Field Gallery")
        self._levels: list[list[str]] = []
        self._dataset_cache: dict[str, object] = {}
        self._revision: tuple | None = None
        self._throttle = RefreshThrottle(self._refresh, self)
        self._work: FieldWork | None = None
        self._work_started = 0.0
        self._show_result: Callable[[object], None] = lambda _result: None
        self._show_part: Callable[[object], None] | None = None
        self._parts_shown = 0
        self._unit = "neurons"
        # Set when the person cancels: the fields wait until a layer is chosen again.
        self._stopped = False
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._follow_work)
        self.tiles: dict[str, QToolButton] = {}
        self.fields: dict[str, ReceptiveField] = {}
        self.strongest: dict[str, Array] = {}
        self.maps: list[ChannelField] = []

        self.layer_box = QComboBox()
        self.layer_box.setObjectName("receptiveLayerBox")
        self.layer_box.setAccessibleName("Layer")
        self.layer_box.currentIndexChanged.connect(lambda _i: self._refresh(force=True))
        # After Cancel, choosing the same layer again works its fields out.
        self.layer_box.activated.connect(lambda _i: self._refresh(force=True) if self._stopped else None)
        top = QHBoxLayout()
        label = QLabel("&Layer:")
        label.setBuddy(self.layer_box)
        top.addWidget(label)
        top.addWidget(self.layer_box, 1)

        self.legend = QLabel(LEGEND)
        self.legend.setObjectName("receptiveLegend")
        self.legend.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("receptiveMessage")
        self.message.setWordWrap(True)

        self.progress = QProgressBar()
        self.progress.setObjectName("receptiveProgress")
        self.progress.setAccessibleName("Receptive fields worked out")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("receptiveCancel")
        self.cancel_button.setAccessibleName("Cancel working out the receptive fields")
        self.cancel_button.setToolTip("Stop working out this layer's receptive fields")
        self.cancel_button.clicked.connect(self.cancel)
        self._progress_row = QWidget()
        self._progress_row.setObjectName("receptiveProgressRow")
        progress_layout = QHBoxLayout(self._progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        progress_layout.addWidget(self.progress, 1)
        progress_layout.addWidget(self.cancel_button)
        self._progress_row.hide()

        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(8)
        self._grid.setContentsMargins(4, 4, 4, 4)
        # The width left over beside the last column is shared on both sides, not one wide gap on the right.
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        scroll = self._scroll = QScrollArea()
        scroll.setObjectName("receptiveScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        self._columns = 0

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(scroll, 1)
        layout.addWidget(self._progress_row)
        layout.addWidget(self.message)
        # Wide enough for two of a digit network's tiles (field, weights, nine images) to a row.
        self.resize(720, 540)

        window.documentReplaced.connect(self._follow)
        self._live = None
        self._follow()

    # ------------------------------------------------------------------ following the document
    def _follow(self) -> None:
        live = self._window.live
        if live is not self._live:
            if self._live is not None:
                for signal in (self._live.valuesChanged, self._live.planChanged):
                    signal.disconnect(self._changed)
            self._live = live
            if live is not None:
                live.valuesChanged.connect(self._changed)
                live.planChanged.connect(self._changed)
        self._fill_levels()
        self._refresh(force=True)

    def _changed(self) -> None:
        if self.isVisible() and not self._stopped and self._key() != self._revision:
            self._throttle.poke()

    def _key(self) -> tuple:
        document = self._window.document
        network = document.network
        return (
            network.revision,
            network.structure_revision,
            tuple(document.value_range),
            document.grid,
            self.layer_box.currentIndex(),
        )

    def _fill_levels(self) -> None:
        document = self._window.document
        try:
            levels = document.network.levels()[1:]
        except GraphError:
            levels = []
        if levels == self._levels:
            return
        self._levels = levels
        try:
            plan: Plan | None = compile_network(document.network, np.float64)
        except (GraphError, ValueError):
            plan = None
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        last = len(levels)
        for depth, ids in enumerate(levels, start=1):
            kind = "Outputs" if depth == last else f"Layer {depth}"
            conv = None if plan is None or depth >= len(plan.levels) else conv_feeding(plan, depth)
            if conv is not None:
                self.layer_box.addItem(f"{kind}: {conv.layer}, {maps_text(conv)}")
            else:
                self.layer_box.addItem(f"{kind}: {len(ids):,} neuron{'s' if len(ids) != 1 else ''}")
        self.layer_box.blockSignals(False)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        super().showEvent(event)
        self._fill_levels()
        self._refresh(force=True)

    def hideEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        # Closed (or hidden with the window): nobody is looking, so the work stops; shown again, it starts over.
        self._drop_work()
        self._revision = None
        self.message.setText("")
        super().hideEvent(event)

    @property
    def busy(self) -> bool:
        """Whether fields are being worked out in the background (the progress bar shows)."""
        return self._work is not None

    def cancel(self) -> None:
        """Stop working out the fields (the Cancel button): the tiles done so far stay, the rest wait until a
        layer is chosen again."""
        work = self._work
        if work is None:
            return
        fresh = self._show_part is not None
        self._show_parts(work)
        # Before the first piece is done the work has not said its total yet; the bar has.
        done, total = work.done, work.total or self.progress.maximum()
        self._drop_work()
        self._stopped = True
        stopped = f"Stopped after {done} of {total} {self._unit}"
        if not fresh:
            text = f"{stopped}: the tiles are those worked out before the weights last changed."
        elif self.tiles:
            text = f"{stopped}: the tiles show those done, the rest were not worked out."
        else:
            text = f"{stopped}: this layer's fields were not worked out."
        self.message.setText(text + " Choose a layer in the box to work its fields out.")

    # ------------------------------------------------------------------ work in the background
    def _drop_work(self) -> None:
        """Stop the work under way, if any, and forget it (its result, if it still comes, is not shown)."""
        self._poll.stop()
        self._progress_row.hide()
        if self._work is not None:
            self._work.stop()
            self._work = None

    def _run(
        self,
        work: Work,
        show: Callable[[object], None],
        show_part: Callable[[object], None],
        total: int,
        unit: str,
        text: str,
        keep_tiles: bool,
        legend: str,
    ) -> None:
        """Run ``work`` on its own thread and give its result to ``show``: at once when it is short, else
        with a progress bar counting ``total`` ``unit`` and a Cancel button meanwhile (and, for a newly chosen
        layer, ``legend`` in place of the last layer's and each piece's tiles given to ``show_part`` as they
        come)."""
        self._drop_work()
        job = self._work = FieldWork(work)
        self._work_started = time.perf_counter()
        self._show_result = show
        self._show_part = None
        self._parts_shown = 0
        self._unit = unit
        job.start()
        if job.wait(SHORT_MS / 1000):
            self._finish(job)
            return
        if not keep_tiles:
            # Another layer's tiles would read as this layer's.
            self._clear_tiles()
            self.fields = {}
            self.legend.setText(legend)
            # Tiles come as they are done; while the same layer is worked out again (training) the last
            # tiles stay until all the new ones are there.
            self._show_part = show_part
        self.message.setText(text)
        self.progress.setRange(0, total)
        self.progress.setValue(job.done)
        self.progress.setFormat(f"%v of %m {unit}")
        self._progress_row.show()
        self._poll.start()

    def _follow_work(self) -> None:
        job = self._work
        if job is None:
            self._poll.stop()
            return
        if job.over:
            self._finish(job)
            return
        self.progress.setValue(job.done)
        self._show_parts(job)

    def _show_parts(self, job: FieldWork) -> None:
        """The tiles of the pieces done since the last look, when the tiles come as they are done."""
        parts = job.parts[self._parts_shown :]
        self._parts_shown += len(parts)
        if self._show_part is not None:
            for part in parts:
                self._show_part(part)

    def _finish(self, job: FieldWork) -> None:
        if job is not self._work:
            return
        self._poll.stop()
        if job.total:
            self.progress.setValue(job.done)
        self._progress_row.hide()
        self._work = None
        if job.error is not None:
            self._clear_tiles()
            self.fields = {}
            self.message.setText(f"No receptive fields: {job.error}")
        elif not job.stopped:
            self._show_result(job.result)
        # The weights changed (training) while the work ran: work the fields out again, after a pause a few
        # times as long as the work took, so training keeps most of the machine.
        self._throttle.spent((time.perf_counter() - self._work_started) * 1000)
        if self.isVisible() and self._key() != self._revision:
            self._throttle.poke()

    def show_level(self, index: int) -> None:
        """Show the layer at ``index`` of the layer box (0: the first after the inputs)."""
        self.layer_box.setCurrentIndex(index)

    # ------------------------------------------------------------------ drawing the tiles
    def _refresh(self, force: bool = False) -> None:
        if not self.isVisible():
            return
        key = self._key()
        if not force and (self._stopped or self._work is not None):
            # Cancelled, or still at work: a change since is picked up when the work is over.
            return
        if key == self._revision and not force:
            return
        keep_tiles = not force
        self._drop_work()
        self._stopped = False
        self._revision = key
        self._fill_levels()
        index = self.layer_box.currentIndex()
        document = self._window.document
        if not self._levels or index < 0:
            self._set_tiles({}, None, document)
            self.message.setText("This network has no neurons after its inputs yet.")
            return
        level = self._levels[min(index, len(self._levels) - 1)]
        value_range = tuple(float(v) for v in document.value_range)
        try:
            plan = compile_network(document.network, np.float64)
            depth = plan.position[level[0]][0]
            conv = conv_feeding(plan, depth)
            if conv is not None:
                self._refresh_maps(plan, depth, conv, document, keep_tiles)
                return
            # Fields found by gradient ascent cost far more than those read off the weights.
            costly = climbed(plan, level[:1])
            ids = level[: MAX_CLIMBED_TILES if costly else MAX_TILES]
            inputs = self._gallery_inputs(document, plan)
        except (GraphError, ValueError) as exc:
            self._set_tiles({}, None, document)
            self.message.setText(f"No receptive fields: {exc}")
            return

        def work(progress: Progress, should_stop: ShouldStop, found: Callable[[object], None]) -> tuple:
            strongest: dict[str, tuple[np.ndarray, np.ndarray]] = {}
            starts = None
            if inputs is not None:
                # One pass over the images serves every tile, and each neuron's strongest image is a start
                # for the climb that has a slope where grey may have none.
                strongest = strongest_samples_of(plan, ids, inputs, STRONGEST)
                starts = {nid: inputs[rows[0]] for nid, (rows, _v) in strongest.items() if len(rows)}
            fields = receptive_fields(
                plan,
                ids,
                value_range,
                starts=starts if costly else None,
                piece=PIECE,
                progress=progress,
                should_stop=should_stop,
                found=lambda part: found((part, strongest)),
            )
            return fields, strongest, starts

        def show(result: object) -> None:
            fields, strongest, starts = result  # type: ignore[misc]
            self._show_neurons(plan, document, level, ids, fields, strongest, starts)

        def show_part(part: object) -> None:
            fields, strongest = part  # type: ignore[misc]
            rows = {nid: r for nid, (r, _v) in strongest.items()}
            self._set_tiles(fields, plan, document, rows, add=True)

        text = f"Finding the fields of {len(ids)} neurons..."
        self._run(work, show, show_part, len(ids), "neurons", text, keep_tiles, LEGEND)

    def _show_neurons(
        self,
        plan: Plan,
        document: Document,
        level: list[str],
        ids: list[str],
        fields: dict[str, ReceptiveField],
        strongest: dict[str, tuple[Array, Array]],
        starts: dict[str, Array] | None,
    ) -> None:
        self.fields = fields
        self._set_tiles(fields, plan, document, {nid: rows for nid, (rows, _v) in strongest.items()})
        methods = sorted({f.method_text for f in fields.values() if f.found})
        if starts and "gradient_ascent" in {f.method for f in fields.values()}:
            methods = [
                m + ", from grey and from the image that excites it most" if "gradient" in m else m
                for m in methods
            ]
        shown = "" if len(ids) == len(level) else f"The first {len(ids)} of {len(level):,} neurons. "
        missing = sum(not f.found for f in fields.values())
        text = shown + ("Found by " + "; ".join(methods) + "." if methods else "")
        if missing:
            text += f" For {missing} of them no input was found that changes the neuron at all."
        self.message.setText(text.strip())

    def _training_inputs(self, document: Document, plan: Plan) -> Array | None:
        from nnstudio.data import BUILTIN_DATASETS, DataError, load_dataset

        data = document.dataset
        spec = document.training_data
        if (data is None or len(data) == 0) and spec in BUILTIN_DATASETS:
            data = self._dataset_cache.get(spec)
            if data is None:
                try:
                    data = self._dataset_cache[spec] = load_dataset(spec)
                except DataError:
                    return None
        if data is None or len(data) == 0 or data.n_inputs != plan.n_inputs:
            return None
        return data.inputs

    def _gallery_inputs(self, document: Document, plan: Plan) -> Array | None:
        """The training images the strongest are looked for among (the first :data:`GALLERY_IMAGES`), for an
        input that is an image worth them; None otherwise."""
        grid = input_grid(document, plan)
        if grid is None or grid[0] * grid[1] < BIG_IMAGE_PIXELS:
            return None
        inputs = self._training_inputs(document, plan)
        return None if inputs is None else inputs[:GALLERY_IMAGES]

    def _clear_tiles(self) -> None:
        for tile in self.tiles.values():
            self._grid.removeWidget(tile)
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()
        self.tiles = {}
        self.strongest = {}
        self.maps = []
        self._columns = 0

    def _set_tiles(
        self,
        fields: dict[str, ReceptiveField],
        plan: Plan | None,
        document: Document,
        strongest: dict[str, Array] | None = None,
        add: bool = False,
    ) -> None:
        """Tiles of ``fields`` in place of those shown; with ``add``, beside those shown (a piece of a layer
        whose first pieces are there)."""
        if add:
            fields = {nid: field for nid, field in fields.items() if nid not in self.tiles}
        else:
            self._clear_tiles()
        if plan is None or not fields:
            return
        grid = input_grid(document, plan)
        big = grid is not None and grid[0] * grid[1] >= BIG_IMAGE_PIXELS
        inputs = self._gallery_inputs(document, plan) if big else None
        extras = []
        if big and any(f.weights is not None for f in fields.values()):
            extras.append("the weights (green positive, red negative)")
        if big and inputs is not None:
            extras.append(
                f"the nine of the first {len(inputs):,} training images that excite the neuron most"
            )
        network = document.network
        order = ""
        if grid is None:
            # Inputs that are no image are drawn as a strip: say which cell is which input.
            names = [network.neurons[nid].display_name for nid in plan.input_ids]
            shown = ", ".join(names[:STRIP_NAMES]) + (", ..." if len(names) > STRIP_NAMES else "")
            order = f" The inputs are no image, so each picture is a strip, left to right: {shown}."
        if not add:
            self.legend.setText(LEGEND + (f" Beside it: {' and '.join(extras)}." if extras else "") + order)
        for nid, field in fields.items():
            rows_cols = field.image(grid).shape
            pictures = []
            if field.found:
                pictures.append(
                    framed_pixmap(
                        rgb_image(field_pixels(field, grid, cell=max(1, 48 // max(rows_cols)))), TILE_PX
                    )
                )
            if big and field.weights is not None:
                pictures.append(framed_pixmap(rgb_image(weight_pixels(field.weights, grid, cell=1)), TILE_PX))
            if big and inputs is not None and grid is not None:
                if strongest is None or nid not in strongest:
                    strongest = {
                        **(strongest or {}),
                        **{
                            n: r
                            for n, (r, _v) in strongest_samples_of(
                                plan, list(fields), inputs, STRONGEST
                            ).items()
                        },
                    }
                rows = strongest[nid]
                self.strongest[nid] = rows
                low_high = tuple(float(v) for v in document.value_range)
                samples = [sample_pixels(inputs[r], grid, low_high, cell=1) for r in rows.tolist()]
                if samples:
                    pictures.append(framed_pixmap(rgb_image(mosaic(padded_samples(samples), 3)), TILE_PX))
            name = network.neurons[nid].display_name
            tile = self._tile(nid, f"Receptive field of {name}", pictures)
            if field.found:
                tile.setText(f"{name}\nactivation {field.activation:.3f}")
                tile.setToolTip(
                    f"{name}: activation {field.activation:.4g} at this input, found by {field.method_text}."
                    " Click to select it on the canvas."
                )
            else:
                tile.setText(f"{name}\n{NOT_FOUND}")
                tile.setToolTip(
                    f"{name}: no input found that changes it: wherever the search went its value stayed"
                    f" {field.activation:.4g}. Click to select it on the canvas."
                )
            self.tiles[nid] = tile
        self._place_tiles()

    # ------------------------------------------------------------------ feature maps
    def _refresh_maps(
        self, plan: Plan, depth: int, conv: ConvBlock, document: Document, keep_tiles: bool
    ) -> None:
        """A tile per feature map of a convolution or pooling layer (see the module's description)."""
        value_range = tuple(float(v) for v in document.value_range)
        inputs = self._gallery_inputs(document, plan)
        channels = conv.out_shape[0]

        def work(
            progress: Progress, should_stop: ShouldStop, found: Callable[[object], None]
        ) -> list[ChannelField]:
            return channel_fields(
                plan,
                depth,
                value_range,
                inputs,
                count=STRONGEST,
                piece=PIECE,
                progress=progress,
                should_stop=should_stop,
                found=found,
            )

        def show(maps: object) -> None:
            self._show_maps(plan, conv, document, maps, inputs)  # type: ignore[arg-type]

        def show_part(maps: object) -> None:
            grid = input_grid(document, plan)
            for m in maps:  # type: ignore[attr-defined]
                if m.neuron not in self.tiles:
                    self.tiles[m.neuron] = self._map_tile(m, conv, grid, value_range, inputs)
            self._place_tiles()

        text = f"Finding what each of the {channels} feature maps looks for..."
        window = input_window(plan, depth, conv.out_shape[1] // 2, conv.out_shape[2] // 2)
        legend = MAP_LEGEND.format(window=f"{window[2]}x{window[3]}" if window is not None else "all the")
        self._run(work, show, show_part, channels, "feature maps", text, keep_tiles, legend)

    def _show_maps(
        self,
        plan: Plan,
        conv: ConvBlock,
        document: Document,
        maps: list[ChannelField],
        inputs: Array | None,
    ) -> None:
        value_range = tuple(float(v) for v in document.value_range)
        channels = conv.out_shape[0]
        self._clear_tiles()
        self.fields = {m.neuron: m.field for m in maps}
        self.maps = maps
        grid = input_grid(document, plan)
        window = maps[0].window if maps else None
        seen = f"{window[2]}x{window[3]}" if window is not None else "all the"
        extras = []
        if any(m.kernel is not None for m in maps):
            extras.append("the kernel (green positive, red negative)")
        if inputs is not None:
            extras.append(f"the nine of the first {len(inputs):,} training images that excite the map most")
        legend = MAP_LEGEND.format(window=seen)
        self.legend.setText(legend + (f" Beside it: {' and '.join(extras)}." if extras else ""))
        for m in maps:
            self.tiles[m.neuron] = self._map_tile(m, conv, grid, value_range, inputs)
        self._place_tiles()
        methods = sorted({m.field.method_text for m in maps if m.found})
        missing = sum(not m.found for m in maps)
        text = f"{channels} feature maps of {conv.out_shape[1]}x{conv.out_shape[2]} neurons each."
        if methods:
            text += " Found by " + "; ".join(methods) + "."
        if missing:
            text += (
                f" For {missing} of them no input was found that changes the map's central neuron: it is 0"
                " wherever the search went."
            )
        self.message.setText(text)

    def _map_tile(
        self,
        m: ChannelField,
        conv: ConvBlock,
        grid: tuple[int, int] | None,
        value_range: tuple[float, float],
        inputs: Array | None,
    ) -> QToolButton:
        pictures = []
        if m.found:
            patch, patch_grid = m.patch(grid)
            side = max(patch.image(patch_grid).shape)
            pictures.append(
                framed_pixmap(rgb_image(field_pixels(patch, patch_grid, cell=max(1, 48 // side))), TILE_PX)
            )
        if m.kernel is not None:
            size = m.kernel.shape[0]
            pictures.append(
                framed_pixmap(
                    rgb_image(weight_pixels(m.kernel.ravel(), (size, size), cell=max(1, 48 // size))), TILE_PX
                )
            )
        excited = m.strongest[m.strongest_values > 0] if len(m.strongest) else m.strongest
        if inputs is not None and grid is not None and len(excited):
            self.strongest[m.neuron] = excited
            samples = [sample_pixels(inputs[r], grid, value_range, cell=1) for r in excited.tolist()]
            pictures.append(framed_pixmap(rgb_image(mosaic(padded_samples(samples), 3)), TILE_PX))
        else:
            self.strongest[m.neuron] = np.zeros(0, dtype=np.intp)
        name = f"{m.layer} map {m.channel + 1}"
        if not m.found:
            state = NOT_FOUND
        elif m.field.activation <= 0 and m.field.exact:
            state = NEVER_ON
        else:
            state = f"best {m.field.activation:.3g}"
        tile = self._tile(m.neuron, f"Feature map {m.channel + 1} of {m.layer}", pictures)
        tile.setText(f"{name}\n{state}")
        tile.setToolTip(self._map_tip(m, conv, inputs, len(excited)))
        return tile

    def _tile(self, neuron: str, accessible_name: str, pictures: list[QPixmap]) -> QToolButton:
        """A tile of the gallery: its pictures in a row above its text; a click selects ``neuron``."""
        tile = QToolButton()
        tile.setObjectName(f"receptiveTile_{neuron}")
        tile.setAccessibleName(accessible_name)
        tile.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        icon = row_of_pictures(pictures or [blank_picture(TILE_PX)])
        tile.setIcon(QIcon(icon))
        tile.setIconSize(QSize(icon.width(), icon.height()))
        tile.setAutoRaise(True)
        tile.clicked.connect(lambda _checked=False, n=neuron: self._window.canvas.select([n]))
        return tile

    @staticmethod
    def _map_tip(m: ChannelField, conv: ConvBlock, inputs: Array | None, excited: int) -> str:
        where = ""
        if m.window is not None:
            top, left, height, width = m.window
            where = (
                f" Its central neuron ({m.neuron}) sees the {height}x{width} input pixels of rows {top + 1}-"
                f"{top + height} and columns {left + 1}-{left + width}."
            )
        if not m.found:
            found = (
                " No input was found that changes it: it stays"
                f" {m.field.activation:.4g} wherever the search went."
            )
        elif m.field.activation <= 0 and m.field.exact:
            found = " Even the input it likes most leaves it at 0: the map is off for every input."
        else:
            found = f" Its best value is {m.field.activation:.4g}, found by {m.field.method_text}."
        images = ""
        if inputs is not None and not excited:
            images = f" It is 0 for every one of the first {len(inputs):,} training images."
        return (
            f"Feature map {m.channel + 1} of {m.layer} ({maps_text(conv)}).{where}{found}{images}"
            " Click to select its central neuron on the canvas."
        )

    def _place_tiles(self) -> None:
        """As many tiles to a row as the window's width takes, in an even grid: every tile is as wide and as
        tall as the largest (a map that was not found has one picture, its neighbours two or three), so the
        columns line up and the gaps between them are equal."""
        tiles = list(self.tiles.values())
        if not tiles:
            return
        cell = QSize(max(t.sizeHint().width() for t in tiles), max(t.sizeHint().height() for t in tiles))
        columns = self._columns_for(cell, len(tiles))
        if columns == self._columns and all(self._grid.indexOf(t) >= 0 for t in tiles):
            return
        self._columns = columns
        for tile in tiles:
            self._grid.removeWidget(tile)
        for k, tile in enumerate(tiles):
            # One size for every tile, never squeezed below its pictures while the scroll area catches up.
            tile.setFixedSize(cell)
            self._grid.addWidget(tile, k // columns, k % columns)
        self._grid.activate()

    def _columns_for(self, cell: QSize, count: int) -> int:
        """How many cells of ``cell`` fit side by side in the scroll area, leaving room for its vertical bar
        when the rows will need one (a row that is a little too wide would add a sideways bar as well)."""
        spacing = self._grid.horizontalSpacing()
        margins = self._grid.contentsMargins()
        frame = 2 * self._scroll.frameWidth()
        inner_width = self._scroll.width() - frame - margins.left() - margins.right()
        inner_height = self._scroll.height() - frame - margins.top() - margins.bottom()

        def fitting(width: int) -> int:
            return max(1, (width + spacing) // max(1, cell.width() + spacing))

        columns = fitting(inner_width)
        rows = -(-count // columns)
        if (
            rows * (cell.height() + self._grid.verticalSpacing()) - self._grid.verticalSpacing()
            > inner_height
        ):
            columns = fitting(inner_width - self._scroll.verticalScrollBar().sizeHint().width())
        return columns

    def resizeEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        super().resizeEvent(event)
        self._place_tiles()


def install_views(window: MainWindow) -> None:
    """Receptive fields (in the neurons, and the gallery) and the error landscape, in the Tools menu."""
    from nnstudio.ui.instruments.landscape_view import install_landscape

    install_receptive_fields(window)
    install_landscape(window)


def install_receptive_fields(window: MainWindow) -> None:
    """The switch that draws receptive fields inside the neurons (the window moves it to its View menu, since
    it changes the canvas) and the gallery window, added to the Tools menu."""
    fields = FieldsInNeurons(window)
    toggle = QAction("&Receptive Fields in Neurons", window)
    toggle.setObjectName("receptiveFieldsAction")
    toggle.setCheckable(True)
    tip = "Draw inside each neuron the input that drives it highest (white light, black dark, checkered: any)"
    toggle.setStatusTip(tip)
    toggle.setToolTip(tip)
    toggle.toggled.connect(fields.set_enabled)
    window.tools_menu.addAction(toggle)
    window.receptive_fields = fields  # type: ignore[attr-defined]

    holder: dict[str, ReceptiveGallery] = {}

    def open_gallery() -> None:
        gallery = holder.get("gallery")
        if gallery is None:
            gallery = holder["gallery"] = ReceptiveGallery(window)
            place_beside(gallery, window)
        gallery.show()
        gallery.raise_()

    gallery_action = QAction("Receptive Field &Gallery...", window)
    gallery_action.setObjectName("receptiveGalleryAction")
    gallery_tip = (
        "One layer's receptive fields side by side; for digits also the weights and strongest images"
    )
    gallery_action.setStatusTip(gallery_tip)
    gallery_action.setToolTip(gallery_tip)
    gallery_action.triggered.connect(lambda _checked=False: open_gallery())
    window.tools_menu.addAction(gallery_action)
