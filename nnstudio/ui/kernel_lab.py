"""The kernel lab: lay a 3x3 or 5x5 kernel over the pad's picture and see what comes out, sum by sum.

The picture, the kernel and the result sit side by side. Hovering a result pixel writes its sum out term by
term and outlines the patch it came from; Play sends the kernel crawling over the picture, filling the result
one pixel at a time. Zoomed in far enough, every pixel shows its number. Stride and padding offer only the
sizes that fit the picture exactly. :func:`install_labs` puts the lab (and the Dream and Fool windows) in the
main window's Tools menu.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QMimeData, QPoint, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QDrag, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.kernels import (
    KERNEL_SIZES,
    PRESETS,
    convolve2d,
    fitting_paddings,
    fitting_strides,
    preset_kernel,
    sum_terms,
    window_origin,
    written_sum,
)
from nnstudio.ui.canvas.feature_maps import KERNEL_MIME
from nnstudio.ui.widgets.flow_layout import FlowLayout
from nnstudio.ui.widgets.pixel_images import to_gray
from nnstudio.ui.widgets.tool_window import close_with_keys, place_over_right_column

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow

Array = np.ndarray

# Below this many screen pixels per image pixel the numbers would not fit in their squares.
NUMBERS_FROM_CELL = 30
PLAY_INTERVAL_MS = 40
# The lab's size on a roomy screen; on a small one it opens over the main window's right side, about this
# share of its width, so the canvas (where its kernel is dropped) and the pad stay in view.
LAB_SIZE = (1000, 620)
LAB_SHARE = 0.48
# The column between the picture and the result: the kernel's numbers (a 5x5 kernel fits) and its handle.
MIDDLE_WIDTH = 200


def named(widget: QWidget, object_name: str, accessible: str, tip: str = "") -> None:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)


def gray_colour(value: float) -> QColor:
    level = int(round(float(np.clip(value, 0.0, 1.0)) * 255))
    return QColor(level, level, level)


def signed_colour(value: float, scale: float) -> QColor:
    """Positive as white on black, negative as red: a kernel's result can be either."""
    v = float(np.clip(value / scale, -1.0, 1.0)) if scale > 0 else 0.0
    if v >= 0:
        level = int(round(v * 255))
        return QColor(level, level, level)
    return QColor(int(round(-v * 230)), int(round(-v * 40)), int(round(-v * 40)))


class ImageGrid(QWidget):
    """A 2-D array of numbers drawn as squares of colour, with the numbers written in when zoomed in.

    ``hovered(row, col)`` follows the mouse (-1, -1 when it leaves). An outline can mark a patch (the
    kernel's place); ``revealed`` draws only the first so many pixels (row by row), for the crawling kernel.
    """

    hovered = Signal(int, int)
    clicked = Signal(int, int)

    def __init__(
        self, colour: Callable[[float], QColor] = gray_colour, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.values = np.zeros((1, 1))
        self.colour = colour
        self.cell = 10
        self.outline: tuple[int, int, int, int] | None = None  # top, left, height, width (may overhang)
        self.revealed: int | None = None
        # Said in an empty frame of the picture's size until there is a picture (a black square of zeros
        # would look like a result).
        self.placeholder = ""
        self.setMouseTracking(True)
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().verticalPolicy())

    def set_placeholder(self, text: str, shape: tuple[int, int]) -> None:
        """No picture yet: an empty frame of ``shape`` (rows, columns) saying ``text``."""
        self.placeholder = text
        self.values = np.zeros(shape)
        self.updateGeometry()
        self.resize(self.sizeHint())
        self.update()

    def set_values(self, values: Array) -> None:
        self.placeholder = ""
        values = np.atleast_2d(np.asarray(values, dtype=np.float64))
        reshaped = values.shape != self.values.shape
        self.values = values
        if reshaped:
            self.updateGeometry()
            self.resize(self.sizeHint())
        self.update()

    def set_cell(self, cell: int) -> None:
        self.cell = max(2, int(cell))
        self.updateGeometry()
        self.resize(self.sizeHint())
        self.update()

    def set_outline(self, outline: tuple[int, int, int, int] | None) -> None:
        if outline != self.outline:
            self.outline = outline
            self.update()

    def sizeHint(self) -> QSize:
        rows, cols = self.values.shape
        return QSize(cols * self.cell + 1, rows * self.cell + 1)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        row, col = int(y // self.cell), int(x // self.cell)
        rows, cols = self.values.shape
        if 0 <= row < rows and 0 <= col < cols and x >= 0 and y >= 0:
            return row, col
        return None

    def cell_centre(self, row: int, col: int) -> QPoint:
        return QPoint(int((col + 0.5) * self.cell), int((row + 0.5) * self.cell))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self.placeholder:
            frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.fillRect(self.rect(), self.palette().color(self.backgroundRole()).darker(105))
            painter.setPen(QPen(self.palette().color(self.foregroundRole()), 1, Qt.PenStyle.DashLine))
            painter.drawRect(frame)
            painter.drawText(
                frame.adjusted(6, 6, -6, -6),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.placeholder,
            )
            painter.end()
            return
        rows, cols = self.values.shape
        cell = self.cell
        shown = rows * cols if self.revealed is None else self.revealed
        painter.fillRect(self.rect(), QColor(60, 60, 70))
        flat = self.values.ravel()
        for index in range(min(shown, flat.size)):
            r, c = divmod(index, cols)
            painter.fillRect(c * cell, r * cell, cell, cell, self.colour(flat[index]))
        if cell >= NUMBERS_FROM_CELL:
            font = QFont(self.font())
            font.setPixelSize(max(8, cell // 3))
            painter.setFont(font)
            for index in range(min(shown, flat.size)):
                r, c = divmod(index, cols)
                back = self.colour(flat[index])
                painter.setPen(Qt.GlobalColor.black if back.lightness() > 128 else Qt.GlobalColor.white)
                painter.drawText(
                    QRectF(c * cell, r * cell, cell, cell),
                    Qt.AlignmentFlag.AlignCenter,
                    short_number(flat[index]),
                )
        if self.outline is not None:
            top, left, height, width = self.outline
            painter.setPen(QPen(QColor(255, 170, 0), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(left * cell + 1, top * cell + 1, width * cell - 1, height * cell - 1))
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        where = self.cell_at(event.position().x(), event.position().y())
        self.hovered.emit(*(where or (-1, -1)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        where = self.cell_at(event.position().x(), event.position().y())
        if where is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(*where)

    def leaveEvent(self, event: object) -> None:
        self.hovered.emit(-1, -1)


def short_number(value: float) -> str:
    """A pixel's number in a few characters: two decimals below 10, whole numbers above."""
    text = f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def scrolled(widget: QWidget, object_name: str, accessible: str) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(False)
    area.setAlignment(Qt.AlignmentFlag.AlignCenter)
    named(area, object_name, accessible)
    return area


class KernelDragHandle(QLabel):
    """Drag this onto a convolutional layer on the canvas to give one of its kernels these numbers."""

    def __init__(self, kernel: Callable[[], Array], parent: QWidget | None = None) -> None:
        super().__init__("Drag this kernel onto a convolutional layer", parent)
        self._kernel = kernel
        self.setFrameShape(QLabel.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        named(self, "kernelDragHandle", "Drag the kernel", "Drag onto a convolutional layer on the canvas")

    def mime_data(self) -> QMimeData:
        mime = QMimeData()
        payload = json.dumps({"values": np.asarray(self._kernel()).tolist()})
        mime.setData(KERNEL_MIME, payload.encode("utf-8"))
        mime.setText(payload)
        return mime

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            drag = QDrag(self)
            drag.setMimeData(self.mime_data())
            drag.exec(Qt.DropAction.CopyAction)


class KernelLab(QWidget):
    """The lab window (see the module's description). ``picture`` gives the image to work on, 0..1."""

    def __init__(self, picture: Callable[[], tuple[Array, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        named(self, "kernelLab", "Kernel Lab")
        self.setWindowTitle("Kernel Lab")
        close_with_keys(self)
        self._picture = picture
        self.image = np.zeros((1, 1))
        self.kernel = preset_kernel("edges_vertical")
        self.output = np.zeros((1, 1))
        self._crawl = -1
        self._updating = False
        # Until the person moves the zoom slider, the pictures are fitted to the window.
        self._zoomed_by_hand = False
        self._syncing_scroll = False

        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        named(self.source_label, "kernelLabSource", "Where the picture comes from")
        self.take_button = QPushButton("Take the pad's picture")
        named(
            self.take_button, "kernelLabTake", "Take the pad's picture", "Work on what the drawing pad shows"
        )
        self.take_button.clicked.connect(self.take_picture)
        self.follow_box = QCheckBox("Follow the pad")
        self.follow_box.setChecked(True)
        named(self.follow_box, "kernelLabFollow", "Follow the pad", "Take each new drawing as it is made")

        self.preset_combo = QComboBox()
        for name, preset in PRESETS.items():
            self.preset_combo.addItem(preset.title, name)
        self.preset_combo.addItem("Your own", "custom")
        named(self.preset_combo, "kernelPreset", "Kernel preset")
        self.size_combo = QComboBox()
        for size in KERNEL_SIZES:
            self.size_combo.addItem(f"{size}x{size}", size)
        named(self.size_combo, "kernelSize", "Kernel size")
        self.stride_combo = QComboBox()
        named(self.stride_combo, "kernelStride", "Stride", "How many pixels the kernel moves at each step")
        self.padding_combo = QComboBox()
        named(self.padding_combo, "kernelPadding", "Padding", "Rings of zeros around the picture")
        self.zoom_slider = QSlider(Qt.Orientation.Horizontal)
        self.zoom_slider.setRange(4, 44)
        self.zoom_slider.setValue(10)
        named(self.zoom_slider, "kernelZoom", "Zoom", "Zoom in far enough and every pixel shows its number")
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        named(self.play_button, "kernelPlay", "Play", "Send the kernel crawling across the picture")

        self.input_view = ImageGrid(gray_colour)
        named(self.input_view, "kernelInputImage", "The picture")
        self.output_view = ImageGrid(lambda v: signed_colour(v, self._output_scale()))
        named(self.output_view, "kernelOutputImage", "The result")
        self.kernel_table = QTableWidget(3, 3)
        named(self.kernel_table, "kernelCells", "Kernel numbers", "Type a number into any cell")
        self.kernel_table.horizontalHeader().setVisible(False)
        self.kernel_table.verticalHeader().setVisible(False)
        self.kernel_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.kernel_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.kernel_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.effect_label = QLabel()
        self.effect_label.setWordWrap(True)
        named(self.effect_label, "kernelEffect", "What the kernel does")
        self.drag_handle = KernelDragHandle(lambda: self.kernel)
        self.drag_handle.setWordWrap(True)
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        self.sum_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.sum_label, "kernelSum", "The sum for one result pixel")
        self.size_label = QLabel()
        self.size_label.setWordWrap(True)
        named(self.size_label, "kernelSizes", "Picture and result sizes")
        legend = QLabel("Result: white = positive, red = negative, black = 0.")
        named(legend, "kernelLegend", "Colours of the result")

        # The controls wrap onto a second row in a narrow lab (one opened beside the canvas on a small
        # screen), each name kept beside its control.
        controls = FlowLayout(spacing=8)
        for text, widget in (
            ("Kernel", self.preset_combo),
            ("Size", self.size_combo),
            ("Stride", self.stride_combo),
            ("Padding", self.padding_combo),
            ("Zoom", self.zoom_slider),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            pair = QWidget()
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            pair_layout.addWidget(label)
            pair_layout.addWidget(widget)
            controls.addWidget(pair)
        controls.addWidget(self.play_button)

        source = QHBoxLayout()
        source.addWidget(self.source_label, 1)
        source.addWidget(self.follow_box)
        source.addWidget(self.take_button)

        middle = QVBoxLayout()
        middle.addWidget(QLabel("Kernel"))
        middle.addWidget(self.kernel_table)
        middle.addWidget(self.effect_label)
        middle.addWidget(self.drag_handle)
        middle.addStretch(1)
        middle_widget = QWidget()
        middle_widget.setLayout(middle)
        middle_widget.setFixedWidth(MIDDLE_WIDTH)

        views = QGridLayout()
        views.addWidget(QLabel("The picture"), 0, 0)
        views.addWidget(QLabel("The result"), 0, 2)
        self.input_area = scrolled(self.input_view, "kernelInputScroll", "The picture")
        self.output_area = scrolled(self.output_view, "kernelOutputScroll", "The result")
        views.addWidget(self.input_area, 1, 0)
        views.addWidget(middle_widget, 1, 1)
        views.addWidget(self.output_area, 1, 2)
        views.setColumnStretch(0, 1)
        views.setColumnStretch(2, 1)
        views.setRowStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(source)
        layout.addLayout(controls)
        layout.addLayout(views, 1)
        layout.addWidget(self.size_label)
        layout.addWidget(legend)
        layout.addWidget(self.sum_label)

        self.timer = QTimer(self)
        self.timer.setInterval(PLAY_INTERVAL_MS)
        self.timer.timeout.connect(self.advance)

        self.preset_combo.setCurrentIndex(self.preset_combo.findData("edges_vertical"))
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        self.size_combo.currentIndexChanged.connect(self._preset_chosen)
        self.padding_combo.currentIndexChanged.connect(self._padding_chosen)
        self.stride_combo.currentIndexChanged.connect(self.recompute)
        self.zoom_slider.valueChanged.connect(self._zoom)
        self.zoom_slider.sliderPressed.connect(self._zoom_taken)
        self.zoom_slider.actionTriggered.connect(self._zoom_taken)
        for one, other in ((self.input_area, self.output_area), (self.output_area, self.input_area)):
            for bar, twin in (
                (one.horizontalScrollBar(), other.horizontalScrollBar()),
                (one.verticalScrollBar(), other.verticalScrollBar()),
            ):
                bar.valueChanged.connect(lambda _v, a=bar, b=twin: self._scroll_together(a, b))
        self.play_button.toggled.connect(self._play)
        self.kernel_table.itemChanged.connect(self._cell_edited)
        self.output_view.hovered.connect(self._output_hovered)
        self.input_view.hovered.connect(self._input_hovered)

        # Until the person picks a size, the lab's kernel takes the size of the network's kernels.
        self.size_chosen = False
        self.size_combo.activated.connect(self._size_taken)

        self.take_picture()
        self._preset_chosen()
        self.resize(*LAB_SIZE)

    def _size_taken(self, *_args: object) -> None:
        self.size_chosen = True

    def match_size(self, size: int | None) -> None:
        """Take kernels of ``size`` (the network's first convolution's), so the kernel can be dropped on it;
        a size the person picked, or one the lab does not offer, is kept."""
        if self.size_chosen or size is None:
            return
        index = self.size_combo.findData(size)
        if index >= 0:
            self.size_combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ picture
    def take_picture(self) -> None:
        image, where = self._picture()
        self.set_picture(image, where)

    def follow_pad(self) -> None:
        if self.follow_box.isChecked() and self.isVisible():
            self.take_picture()

    def set_picture(self, image: Array, where: str) -> None:
        self.image = np.asarray(image, dtype=np.float64)
        self.source_label.setText(where)
        self.input_view.set_values(self.image)
        self._offer_sizes()
        self.recompute()
        self._fit_zoom()

    def _fit_zoom(self) -> None:
        if self._zoomed_by_hand:
            return
        rows, cols = self.image.shape
        area = self.input_area.size()
        fit = max(4, min(44, (min(area.width(), area.height()) - 8) // max(rows, cols, 1)))
        self.zoom_slider.setValue(int(fit))

    def _zoom_taken(self, *_args: object) -> None:
        self._zoomed_by_hand = True

    def _scroll_together(self, moved: object, twin: object) -> None:
        """Zoomed in, the picture and the result scroll as one, so a pixel stays beside its result."""
        if self._syncing_scroll:
            return
        self._syncing_scroll = True
        try:
            span = max(1, moved.maximum())  # type: ignore[attr-defined]
            twin.setValue(round(moved.value() / span * twin.maximum()))  # type: ignore[attr-defined]
        finally:
            self._syncing_scroll = False

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_zoom()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self._fit_zoom()

    # ------------------------------------------------------------------ kernel
    @property
    def stride(self) -> int:
        return int(self.stride_combo.currentData() or 1)

    @property
    def padding(self) -> int:
        return int(self.padding_combo.currentData() or 0)

    def set_kernel(self, kernel: Array) -> None:
        kernel = np.asarray(kernel, dtype=np.float64)
        self.kernel = kernel
        self._updating = True
        try:
            size = kernel.shape[0]
            self.kernel_table.setRowCount(size)
            self.kernel_table.setColumnCount(size)
            side = 40 if size == 3 else 36
            for i in range(size):
                self.kernel_table.setRowHeight(i, side)
                self.kernel_table.setColumnWidth(i, side)
                for j in range(size):
                    item = QTableWidgetItem(_cell_text(kernel[i, j]))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.kernel_table.setItem(i, j, item)
            self.kernel_table.setFixedSize(size * side + 4, size * side + 4)
        finally:
            self._updating = False
        self._offer_sizes()
        self.recompute()

    def _preset_chosen(self) -> None:
        name = self.preset_combo.currentData()
        size = int(self.size_combo.currentData() or 3)
        if name == "custom":
            if self.kernel.shape[0] != size:
                bigger = np.zeros((size, size))
                n = min(size, self.kernel.shape[0])
                off_new, off_old = (size - n) // 2, (self.kernel.shape[0] - n) // 2
                bigger[off_new : off_new + n, off_new : off_new + n] = self.kernel[
                    off_old : off_old + n, off_old : off_old + n
                ]
                self.set_kernel(bigger)
            self.effect_label.setText("Your own numbers: double-click a cell to change it.")
            return
        self.effect_label.setText(f"{PRESETS[name].title}: {PRESETS[name].effect}.")
        self.set_kernel(preset_kernel(name, size))

    def _cell_edited(self, item: QTableWidgetItem) -> None:
        if self._updating:
            return
        row, col = item.row(), item.column()
        try:
            value = float(item.text().replace(",", "."))
            if not np.isfinite(value):
                raise ValueError
        except ValueError:
            self.sum_label.setText(
                f"{item.text()!r} is not a number; the cell keeps {self.kernel[row, col]:g}."
            )
            self._updating = True
            item.setText(_cell_text(self.kernel[row, col]))
            self._updating = False
            return
        kernel = self.kernel.copy()
        kernel[row, col] = value
        self.kernel = kernel
        if self.preset_combo.currentData() != "custom":
            self.preset_combo.blockSignals(True)
            self.preset_combo.setCurrentIndex(self.preset_combo.findData("custom"))
            self.preset_combo.blockSignals(False)
            self.effect_label.setText("Your own numbers: double-click a cell to change it.")
        self.recompute()

    # ------------------------------------------------------------------ sizes
    def _offer_sizes(self) -> None:
        """Fill the padding and stride lists with the choices that fit the picture and the kernel."""
        rows, cols = self.image.shape
        size = self.kernel.shape[0]
        n = min(rows, cols)
        paddings = [p for p in fitting_paddings(n, size) if p in fitting_paddings(max(rows, cols), size)]
        current = self.padding
        self.padding_combo.blockSignals(True)
        self.padding_combo.clear()
        for p in paddings:
            text = "none" if p == 0 else f"{p} (same size)" if p == size // 2 else str(p)
            self.padding_combo.addItem(text, p)
        index = self.padding_combo.findData(current)
        self.padding_combo.setCurrentIndex(index if index >= 0 else 0)
        self.padding_combo.blockSignals(False)
        self._offer_strides()

    def _offer_strides(self) -> None:
        rows, cols = self.image.shape
        size = self.kernel.shape[0]
        strides = [
            s
            for s in fitting_strides(rows, size, self.padding)
            if s in fitting_strides(cols, size, self.padding)
        ] or [1]
        current = self.stride
        self.stride_combo.blockSignals(True)
        self.stride_combo.clear()
        for s in strides:
            self.stride_combo.addItem(str(s), s)
        index = self.stride_combo.findData(current)
        self.stride_combo.setCurrentIndex(index if index >= 0 else 0)
        self.stride_combo.blockSignals(False)

    def _padding_chosen(self) -> None:
        self._offer_strides()
        self.recompute()

    # ------------------------------------------------------------------ result
    def recompute(self) -> None:
        size = self.kernel.shape[0]
        try:
            self.output = convolve2d(self.image, self.kernel, self.stride, self.padding)
        except ValueError as exc:
            self.output = np.zeros((1, 1))
            self.size_label.setText(f"{exc}.")
        else:
            rows, cols = self.image.shape
            out_rows, out_cols = self.output.shape
            self.size_label.setText(
                f"Picture {cols}x{rows}, kernel {size}x{size}, stride {self.stride}, padding {self.padding}:"
                f" result {out_cols}x{out_rows} (({cols} + 2x{self.padding} - {size}) / {self.stride} + 1)."
            )
        self.output_view.set_values(self.output)
        self._zoom(self.zoom_slider.value())

    def _output_scale(self) -> float:
        largest = float(np.abs(self.output).max()) if self.output.size else 0.0
        return max(1.0, largest) if largest > 1.0 else 1.0

    def _zoom(self, cell: int) -> None:
        self.input_view.set_cell(cell)
        self.output_view.set_cell(cell * self.stride)

    # ------------------------------------------------------------------ explaining one pixel
    def explain(self, row: int, col: int) -> str:
        """Write out result pixel (row, col) term by term and outline its patch on the picture."""
        size = self.kernel.shape[0]
        terms = sum_terms(self.image, self.kernel, row, col, self.stride, self.padding)
        top, left = window_origin(row, col, self.stride, self.padding)
        self.input_view.set_outline((top, left, size, size))
        self.output_view.set_outline((row, col, 1, 1))
        text = f"Result pixel (row {row + 1}, column {col + 1}) = {written_sum(terms)}"
        self.sum_label.setText(text)
        return text

    def _output_hovered(self, row: int, col: int) -> None:
        if self.timer.isActive():
            return
        if row < 0:
            self.input_view.set_outline(None)
            self.output_view.set_outline(None)
            return
        self.explain(row, col)

    def _input_hovered(self, row: int, col: int) -> None:
        if row >= 0 and not self.timer.isActive():
            self.sum_label.setText(
                f"Picture pixel (row {row + 1}, column {col + 1}) = {self.image[row, col]:.3g}"
            )

    # ------------------------------------------------------------------ crawling
    def _play(self, on: bool) -> None:
        if on:
            self.play_button.setText("Stop")
            self._crawl = -1
            self.output_view.revealed = 0
            self.timer.start()
        else:
            self.play_button.setText("Play")
            self.timer.stop()
            self.output_view.revealed = None
            self.output_view.update()

    def advance(self) -> None:
        """One step of the crawl: the kernel moves to the next result pixel and fills it in."""
        rows, cols = self.output.shape
        self._crawl += 1
        if self._crawl >= rows * cols:
            self.play_button.setChecked(False)
            return
        row, col = divmod(self._crawl, cols)
        self.output_view.revealed = self._crawl + 1
        self.explain(row, col)
        self.output_view.update()

    def closeEvent(self, event: object) -> None:
        self.play_button.setChecked(False)
        super().closeEvent(event)  # type: ignore[arg-type]


def _cell_text(value: float) -> str:
    return f"{value:.4g}"


# ---------------------------------------------------------------------------------------- the studio


def pad_picture(window: MainWindow) -> tuple[Array, str]:
    """The drawing pad's picture as a 2-D array 0 (black) .. 1 (white), and a line saying where it is from.

    A network without an image grid has no picture on its pad: the lab then works on a digit of the
    built-in set, and says so.
    """
    doc = window.document
    grid = tuple(doc.grid) if doc.grid is not None else None
    try:
        pad = window.panel_widget("padDock")
        values = pad.pad_values()  # type: ignore[attr-defined]
    except KeyError:
        values = np.zeros(0)
    if grid is not None and values.size == grid[0] * grid[1]:
        gray = to_gray(values, (float(doc.value_range[0]), float(doc.value_range[1])))
        return gray.reshape(grid[1], grid[0]), f"The drawing pad's {grid[0]}x{grid[1]} picture."
    from nnstudio.data.digits import digits_test

    data = digits_test()
    return (
        data.inputs[0].reshape(28, 28).astype(np.float64),
        "This network has no picture on its pad: a digit from the built-in test set.",
    )


def first_kernel_size(window: MainWindow) -> int | None:
    """The kernel size of the window's network's first convolution (pooling has none), or None."""
    for conv in window.document.network.convolutions.values():
        if conv.kernel is not None:
            return int(conv.size)
    return None


def install_labs(window: MainWindow) -> None:
    """Add the kernel lab, Dream and Fool to the window's Tools menu (each window made on first use)."""
    opened: dict[str, QWidget] = {}

    def open_lab() -> None:
        lab = opened.get("lab")
        if not isinstance(lab, KernelLab):
            lab = opened["lab"] = KernelLab(lambda: pad_picture(window), window)
            place_over_right_column(lab, window, *LAB_SIZE, share=LAB_SHARE)
            # Without a pad docked the lab keeps the picture it took.
            with contextlib.suppress(KeyError):
                window.panel_widget("padDock").imageChanged.connect(lab.follow_pad)  # type: ignore[attr-defined]
        else:
            lab.take_picture()
        lab.match_size(first_kernel_size(window))
        lab.show()
        lab.raise_()

    def open_dream() -> None:
        from nnstudio.ui.dream import open_dream as show

        show(window, opened)

    def open_fool() -> None:
        from nnstudio.ui.fool import open_fool as show

        show(window, opened)

    add_tool(window, "kernelLabAction", "&Kernel Lab...", open_lab, "Slide a kernel over the pad's picture")
    add_tool(
        window,
        "dreamAction",
        "&Dream...",
        open_dream,
        "Change a picture until a neuron fires as strongly as it can",
    )
    add_tool(
        window,
        "foolAction",
        "&Fool the Network...",
        open_fool,
        "Find a small change to a drawing that makes the network read another digit",
    )


def add_tool(window: MainWindow, object_name: str, text: str, slot: Callable[[], None], tip: str) -> QAction:
    """One entry in the window's Tools menu."""
    action = QAction(text, window)
    action.setObjectName(object_name)
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.tools_menu.addAction(action)
    return action
