"""How one feature map is made, step by step, for the current input: each input channel times its kernel,
the sum, the bias, the activation and the pooling after it, with the clicked place outlined. The kernel's
numbers can be edited here, one undo step each. Opened by clicking a map on the canvas (see
:mod:`nnstudio.ui.canvas.feature_maps`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.kernels import convolve2d
from nnstudio.ui.commands import SetKernel
from nnstudio.ui.widgets.tool_window import close_with_keys, place_over_right_column

from .map_images import gray_image, map_range

if TYPE_CHECKING:
    from .feature_maps import FeatureMapBlock, FeatureMapLayers

Array = np.ndarray

# The window's size where there is room; on a small screen it opens narrower, over the main window's right
# column, so the canvas and the pad stay in view (the map clicked on, and the picture it is made from).
STORY_SIZE = (720, 520)
# Its share of a small main window's width: room for a picture, a 5x5 kernel and its part side by side.
STORY_SHARE = 0.47


class FeatureMapStory(QWidget):
    """How one feature map is made, step by step, for the current input (see the module's description)."""

    def __init__(self, layers: FeatureMapLayers, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("featureMapStory")
        self.setAccessibleName("How a feature map is made")
        close_with_keys(self)
        self.layers = layers
        self.view: Any = None
        self.layer = ""
        self.channel = 0
        self.place: tuple[int, int] | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setObjectName("featureMapStoryTitle")
        self.title.setAccessibleName("Which feature map")
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidget(self.body)
        scroll.setWidgetResizable(True)
        scroll.setObjectName("featureMapStoryScroll")
        scroll.setAccessibleName("The steps")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        self.kernel_tables: list[QTableWidget] = []
        self.steps_text: list[str] = []
        self._filling = False
        self.resize(*STORY_SIZE)
        self._placed = False

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt's event
        if not self._placed and self.parentWidget() is not None:
            self._placed = True
            place_over_right_column(self, self.parentWidget().window(), *STORY_SIZE, share=STORY_SHARE)
        super().showEvent(event)

    def show_map(self, layer: str, channel: int, place: tuple[int, int] | None) -> None:
        self.layer, self.channel, self.place = layer, channel, place
        self.refresh()

    # ------------------------------------------------------------------ drawing the steps
    def refresh(self) -> None:
        block = self.layers.blocks.get(self.layer)
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.kernel_tables = []
        self.steps_text = []
        if block is None:
            self.title.setText("That layer is gone.")
            return
        conv = block.conv
        where = (
            f" (the outlined place: row {self.place[0] + 1}, column {self.place[1] + 1})"
            if self.place
            else ""
        )
        self.setWindowTitle(f"How map {self.channel + 1} of {self.layer} is made")
        self.title.setText(f"Map {self.channel + 1} of {self.layer}, {conv.describe()}{where}.")
        source = self.layers.source_maps(self.layer)
        out = block.maps[self.channel]
        row = 0
        if conv.kernel is not None and source is not None:
            kernel = conv.kernel[self.channel]
            total = np.zeros_like(out)
            for c in range(kernel.shape[0]):
                part = convolve2d(source[c], kernel[c], conv.stride, conv.padding)
                total = total + part
                self._add_picture(row, 0, source[c], f"input channel {c + 1}", self._window())
                self.grid.addWidget(_text("x"), row, 1)
                self._add_kernel(row, 2, c, kernel[c])
                self.grid.addWidget(_text("="), row, 3)
                self._add_picture(row, 4, part, "its part", self._spot(), signed=True)
                self.steps_text.append(f"input channel {c + 1} x kernel")
                row += 1
            bias = float(conv.bias[self.channel])  # type: ignore[index]
            sums = total + bias
            parts = "the part" if kernel.shape[0] == 1 else f"the sum of the {kernel.shape[0]} parts"
            self.grid.addWidget(_text(f"{parts} + bias {bias:.3g} ="), row, 0, 1, 4)
            if self.place is not None:
                r, c = self.place
                self.title.setText(
                    f"{self.title.text()} There: {parts} {total[r, c]:.3g} + bias {bias:.3g} ="
                    f" {sums[r, c]:.3g}, and {self._activation_name(block)} of that = {out[r, c]:.3g}."
                )
            self._add_picture(row, 4, sums, "weighted sums", self._spot(), signed=True)
            self.steps_text.append("sum + bias")
            row += 1
            activation = self._activation_name(block)
            self.grid.addWidget(_text(f"{activation} of each sum ="), row, 0, 1, 4)
            self._add_picture(row, 4, out, f"map {self.channel + 1}", self._spot())
            self.steps_text.append(activation)
            row += 1
        elif source is not None:
            self._add_picture(
                row, 0, source[self.channel], f"map {self.channel + 1} of {conv.source}", self._window()
            )
            self.grid.addWidget(_text(f"{conv.describe()} ="), row, 1, 1, 3)
            self._add_picture(row, 4, out, f"map {self.channel + 1}", self._spot())
            self.steps_text.append(conv.describe())
            row += 1
        else:
            self.grid.addWidget(_text("Feed the network an input to see its maps."), row, 0, 1, 5)
            return
        pooled = self.layers.pooling_after(self.layer)
        if pooled is not None:
            spot = (
                None
                if self.place is None
                else (self.place[0] // pooled.conv.stride, self.place[1] // pooled.conv.stride)
            )
            self.grid.addWidget(_text(f"then {pooled.conv.describe()} ="), row, 0, 1, 4)
            self._add_picture(
                row, 4, pooled.maps[self.channel], f"{pooled.layer} map {self.channel + 1}", spot
            )
            self.steps_text.append(pooled.conv.describe())
        self.grid.setRowStretch(row + 1, 1)

    def _window(self) -> tuple[int, int, int] | None:
        """Where the kernel lies on the input for the outlined place: (top, left, size)."""
        block = self.layers.blocks.get(self.layer)
        if self.place is None or block is None:
            return None
        conv = block.conv
        return (
            self.place[0] * conv.stride - conv.padding,
            self.place[1] * conv.stride - conv.padding,
            conv.size,
        )

    def _spot(self) -> tuple[int, int] | None:
        return self.place

    def _activation_name(self, block: FeatureMapBlock) -> str:
        document = self.layers.scene.document
        if document is None or not block.ids:
            return "activation"
        return str(document.network.neurons[block.ids[0]].activation)

    def _add_picture(
        self,
        row: int,
        column: int,
        values: Array,
        caption: str,
        outline: tuple[int, ...] | None,
        signed: bool = False,
    ) -> None:
        picture = MapPicture(values, signed, outline)
        picture.setAccessibleName(caption)
        picture.setObjectName(f"storyPicture{row}_{column}")
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(picture, 0, Qt.AlignmentFlag.AlignCenter)
        box.addWidget(_text(caption), 0, Qt.AlignmentFlag.AlignCenter)
        self.grid.addWidget(cell, row, column)

    def _add_kernel(self, row: int, column: int, in_channel: int, kernel: Array) -> None:
        size = kernel.shape[0]
        table = QTableWidget(size, size)
        table.setObjectName(f"storyKernel{in_channel}")
        table.setAccessibleName(f"Kernel numbers for input channel {in_channel + 1}")
        table.setToolTip("Double-click a number to change it (one undo step)")
        table.horizontalHeader().setVisible(False)
        table.verticalHeader().setVisible(False)
        side = 34
        self._filling = True
        for i in range(size):
            table.setRowHeight(i, side)
            table.setColumnWidth(i, side + 6)
            for j in range(size):
                item = QTableWidgetItem(f"{kernel[i, j]:.2f}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(i, j, item)
        self._filling = False
        table.setFixedSize(size * (side + 6) + 4, size * side + 4)
        table.itemChanged.connect(lambda item, c=in_channel: self._kernel_edited(c, item))
        self.kernel_tables.append(table)
        self.grid.addWidget(table, row, column)

    def _kernel_edited(self, in_channel: int, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        block = self.layers.blocks.get(self.layer)
        if block is None or block.conv.kernel is None:
            return
        try:
            value = float(item.text().replace(",", "."))
            if not np.isfinite(value):
                raise ValueError
        except ValueError:
            self.title.setText(f"{item.text()!r} is not a number; the kernel keeps its value.")
            self._filling = True
            item.setText(f"{block.conv.kernel[self.channel, in_channel, item.row(), item.column()]:.2f}")
            self._filling = False
            return
        canvas = self.view
        binding = getattr(canvas, "binding", None)
        if binding is None or binding.refuse_if_locked():
            # Training runs (the canvas says so): the cell shows the number the kernel keeps.
            self._filling = True
            item.setText(f"{block.conv.kernel[self.channel, in_channel, item.row(), item.column()]:.2f}")
            self._filling = False
            return
        kernel = block.conv.kernel.copy()
        kernel[self.channel, in_channel, item.row(), item.column()] = value
        text = f"Kernel {self.channel + 1} of {self.layer}: {value:g}"
        binding.push(SetKernel(binding.network, self.layer, kernel, block.conv.bias, text))
        self.layers.kernels_changed()


class MapPicture(QWidget):
    """A small map drawn pixel by pixel, with the clicked place (or the kernel's window) outlined."""

    # Small enough that a picture, a 5x5 kernel and its part fit side by side in a window on a small screen.
    SIDE = 100

    def __init__(self, values: Array, signed: bool, outline: tuple[int, ...] | None) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=np.float64)
        if signed:
            largest = (
                float(np.abs(self.values[np.isfinite(self.values)]).max())
                if np.isfinite(self.values).any()
                else 1.0
            )
            self.image = gray_image(self.values, -max(largest, 1e-9), max(largest, 1e-9))
        else:
            low, high = map_range(self.values)
            self.image = gray_image(self.values, low, high)
        self.outline = outline
        h, w = self.values.shape
        cell = max(2, self.SIDE // max(h, w))
        self.cell = cell
        self.setFixedSize(w * cell, h * cell)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.drawImage(self.rect(), self.image)
        if self.outline is not None:
            painter.setPen(QPen(QColor(255, 170, 0), 2))
            top, left = self.outline[0], self.outline[1]
            size = self.outline[2] if len(self.outline) > 2 else 1
            painter.drawRect(left * self.cell, top * self.cell, size * self.cell, size * self.cell)
        painter.end()


def _text(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
