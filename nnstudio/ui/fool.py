"""Fool the Network: a small change to a drawing that makes the network give another answer.

Take the pad's picture, pick the answer you want, and press Fool it: the window shows the original, the
change (amplified, white where pixels got lighter, red where darker, black where unchanged) and the result,
each with the network's answer and confidence, and says how big the change is as a fraction of the input
range (:func:`nnstudio.engine.imagine.fool`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from nnstudio.engine.imagine import Fooled, fool
from nnstudio.ui.dream import gray_in
from nnstudio.ui.kernel_lab import ImageGrid, gray_colour, named, signed_colour
from nnstudio.ui.picture_tool import PictureToolWindow
from nnstudio.ui.widgets.tool_window import BESIDE_PAD_SHARE, close_with_keys, place_over_right_column

if TYPE_CHECKING:
    from nnstudio.ui.live import LiveNetwork
    from nnstudio.ui.main_window import MainWindow

Array = np.ndarray

PICTURE_SIDE = 220


def drawing_of(labels: list[str]) -> str:
    """What to draw on the pad, by what the network reads: a digit when its answers are digits, else a
    picture (the four-pixel camera reads lines and squares, not digits)."""
    digits = bool(labels) and all(label.strip().isdigit() for label in labels)
    return "a digit" if digits else "a picture"


class FoolWindow(PictureToolWindow):
    """The Fool window (see the module's description) for the window's live network."""

    def __init__(
        self,
        live: Callable[[], LiveNetwork],
        pad: Callable[[], QWidget | None],
        parent: QWidget | None = None,
    ):
        super().__init__(live, "foolWindow", "Fool the Network", parent)
        close_with_keys(self)
        self._pad = pad
        self.original: Array | None = None
        self.result: Fooled | None = None

        self.take_button = QPushButton("Take the pad's picture")
        named(self.take_button, "foolTake", "Take the pad's picture")
        self.target_combo = QComboBox()
        named(self.target_combo, "foolTarget", "Answer to make it give")
        self.fool_button = QPushButton("Fool it")
        named(
            self.fool_button,
            "foolRun",
            "Fool it",
            "Find a small change that makes the network give that answer",
        )
        self.pad_button = QPushButton("Put the result on the pad")
        named(self.pad_button, "foolToPad", "Put the result on the pad")
        self.pad_button.setEnabled(False)
        self.size_label = QLabel("")
        self.size_label.setWordWrap(True)
        named(self.size_label, "foolSize", "How big the change is")

        self.original_view = ImageGrid(gray_colour)
        named(self.original_view, "foolOriginal", "The original picture")
        self.change_view = ImageGrid(lambda v: signed_colour(v, self._change_scale()))
        named(self.change_view, "foolChange", "The change, amplified")
        self.result_view = ImageGrid(gray_colour)
        named(self.result_view, "foolResult", "The changed picture")
        self.original_answer = QLabel()
        named(self.original_answer, "foolOriginalAnswer", "The network's answer for the original")
        self.change_caption = QLabel()
        named(self.change_caption, "foolChangeCaption", "How much the change is amplified")
        self.result_answer = QLabel()
        named(self.result_answer, "foolResultAnswer", "The network's answer for the changed picture")
        for label in (self.original_answer, self.change_caption, self.result_answer):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)

        controls = QHBoxLayout()
        controls.addWidget(self.take_button)
        label = QLabel("Make it answer")
        label.setBuddy(self.target_combo)
        controls.addWidget(label)
        controls.addWidget(self.target_combo)
        controls.addWidget(self.fool_button)
        controls.addWidget(self.pad_button)
        controls.addStretch(1)
        pictures = QGridLayout()
        for column, (title, view, caption) in enumerate(
            (
                ("Original", self.original_view, self.original_answer),
                ("The change (amplified)", self.change_view, self.change_caption),
                ("Result", self.result_view, self.result_answer),
            )
        ):
            heading = QLabel(title)
            heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
            pictures.addWidget(heading, 0, column)
            pictures.addWidget(view, 1, column, Qt.AlignmentFlag.AlignCenter)
            pictures.addWidget(caption, 2, column)
            pictures.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(pictures)
        layout.addWidget(self.size_label)
        layout.addStretch(1)

        self.take_button.clicked.connect(self.take_picture)
        self.fool_button.clicked.connect(self.run)
        self.pad_button.clicked.connect(self._to_pad)
        self.refresh()
        self.resize(760, 460)

    # ------------------------------------------------------------------ the network
    def labels(self) -> list[str]:
        return self.live.output_labels()

    def refresh(self) -> None:
        current = self.target_combo.currentText()
        self.target_combo.clear()
        labels = self.labels()
        self.target_combo.addItems(labels)
        if current in labels:
            self.target_combo.setCurrentIndex(labels.index(current))
        runnable = self.live.plan is not None and self.grid() is not None and len(labels) > 1
        self.fool_button.setEnabled(runnable)
        self.take_button.setEnabled(runnable)
        if not runnable:
            self.size_label.setText("Fooling needs a network that reads a picture and has several answers.")
        else:
            self.size_label.setText(
                f"Draw {drawing_of(labels)} on the pad, take it, pick an answer and press Fool it."
            )
        self.take_picture()

    # ------------------------------------------------------------------ pictures
    def take_picture(self) -> None:
        pad = self._pad()
        grid = self.grid()
        if pad is None or grid is None or self.live.plan is None:
            return
        values = np.asarray(pad.pad_values(), dtype=np.float64)  # type: ignore[attr-defined]
        if values.size != self.live.n_inputs:
            return
        self.original = values
        self.result = None
        self._show_picture(self.original_view, values)
        self.original_answer.setText(self._answer_text(values))
        for view, text in ((self.change_view, "The change"), (self.result_view, "The fooled picture")):
            view.set_cell(self._cell())
            view.set_placeholder(f"{text} shows here after Fool it", (grid[1], grid[0]))
        self.change_caption.setText("")
        self.result_answer.setText("")
        self.pad_button.setEnabled(False)
        answer = self._answer(values)
        if answer is not None and self.target_combo.currentIndex() == answer:
            self.target_combo.setCurrentIndex((answer + 1) % max(1, self.target_combo.count()))

    def _cell(self) -> int:
        grid = self.grid() or (1, 1)
        return max(2, PICTURE_SIDE // max(grid))

    def _show_picture(self, view: ImageGrid, values: Array) -> None:
        grid = self.grid()
        assert grid is not None
        # The network's own values, drawn grey over its range: numbers written in them read as on the pad.
        view.colour = gray_in(self.value_range())
        view.set_values(np.asarray(values, dtype=np.float64).reshape(grid[1], grid[0]))
        view.set_cell(self._cell())

    def _outputs(self, values: Array) -> Array:
        plan = self.live.plan
        assert plan is not None
        return np.asarray(plan.forward(values[None, :]).output[0], dtype=np.float64)

    def _answer(self, values: Array) -> int | None:
        if self.live.plan is None:
            return None
        return int(np.argmax(self._outputs(values)))

    def _answer_text(self, values: Array) -> str:
        outputs = self._outputs(values)
        return answer_text(outputs, self.labels())

    def _change_scale(self) -> float:
        if self.result is None:
            return 1.0
        return max(float(np.abs(self.result.change).max()), 1e-9)

    # ------------------------------------------------------------------ fooling
    def run(self) -> Fooled | None:
        plan, grid = self.live.plan, self.grid()
        if plan is None or grid is None:
            return None
        if self.original is None:
            self.take_picture()
        if self.original is None:
            return None
        target = self.target_combo.currentIndex()
        labels = self.labels()
        answer = self._answer(self.original)
        if answer == target:
            self.size_label.setText(f"The network already reads {labels[target]}: pick another answer.")
            return None
        result = fool(plan, self.original, target, self.value_range())
        self.result = result
        self._show_picture(self.result_view, result.picture)
        self.change_view.set_values(np.asarray(result.change, dtype=np.float64).reshape(grid[1], grid[0]))
        self.change_view.set_cell(self._cell())
        self.change_caption.setText(
            f"Amplified {1 / max(result.max_change, 1e-9):.0f}x — white: made lighter, red: made darker,"
            " black: unchanged (the brighter, the bigger the change)"
            if result.max_change > 0
            else "No change"
        )
        self.result_answer.setText(self._answer_text(result.picture))
        self.pad_button.setEnabled(True)
        percent = result.max_change * 100
        if result.success:
            self.size_label.setText(
                f"No pixel changed by more than {result.max_change:.2f} of the input range ({percent:.0f}%),"
                f" and the network now reads {labels[result.answer_after]} instead of"
                f" {labels[result.answer_before]}."
            )
        else:
            self.size_label.setText(
                f"Even changing pixels by up to {result.max_change:.2f} of the input range ({percent:.0f}%)"
                f" the network still reads {labels[result.answer_after]}: this one is hard to fool."
            )
        return result

    def _to_pad(self) -> None:
        pad = self._pad()
        if pad is not None and self.result is not None:
            pad.set_pad_values(self.result.picture)  # type: ignore[attr-defined]


def answer_text(outputs: Array, labels: list[str]) -> str:
    """ "Reads 7 (0.93); next 1 (0.04), 9 (0.01)": the answer and the two runners-up."""
    order = np.argsort(-outputs, kind="stable")
    first = order[0]
    rest = ", ".join(f"{labels[k]} ({outputs[k]:.2f})" for k in order[1:3])
    return f"Reads {labels[first]} ({outputs[first]:.2f}); next {rest}"


def open_fool(window: MainWindow, opened: dict[str, QWidget]) -> FoolWindow:
    """Show the window's Fool window, made on first use and following each document the window opens."""
    found = opened.get("fool")
    if not isinstance(found, FoolWindow):

        def pad() -> QWidget | None:
            try:
                return window.panel_widget("padDock")
            except KeyError:
                return None

        found = FoolWindow(lambda: window.live, pad, window)  # type: ignore[arg-type, return-value]
        opened["fool"] = found
        # Over the main window's right side: the pad, whose picture it takes, stays in view.
        place_over_right_column(found, window, found.width(), found.height(), share=BESIDE_PAD_SHARE)
        window.documentReplaced.connect(found.refresh)
    else:
        found.refresh()
    found.show()
    found.raise_()
    return found
