"""The drawing pad: where a person feeds the network an input.

Which pad shows depends on the document's image grid:

- a small grid (up to 32x32): a grid of cells painted with the mouse (left white, right black, a grey or a
  brush tool), with presets for the four-pixel camera and the 3x3 shapes;
- a digit-sized image (28x28, anything larger than 32x32, or a 0..1 image of at least 20x20): a freehand
  pad with a thick pen, and beside it the small image the network actually receives after preprocessing;
- no grid: one slider and number box per input neuron.

Every change is fed to the :class:`~nnstudio.ui.live.LiveNetwork` at once, and an input set elsewhere
(a dataset row, a stored sample) is shown on the pad.

This module holds the panel (:class:`DrawingPad`), which picks the pad and feeds it; the pads are beside it:

- ``pad_cells.py``: the pad of cells (:class:`PixelGridEditor`, and :class:`CellPad` with its tool row);
- ``pad_presets.py``: the shapes a pad of cells offers as presets;
- ``pad_freehand.py``: the freehand canvas and pad (:class:`FreehandCanvas`, :class:`FreehandPad`);
- ``pad_preview.py``: what the network sees of a freehand drawing (:class:`InputPreview`);
- ``pad_sliders.py``: one slider per input (:class:`InputSliders`);
- ``pad_truth.py``: the truth that follows the picture on a pad of cells (:class:`PatternTruth`);
- ``pad_shared.py``: how their widgets are named, and the key that takes back a stroke.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad_cells import CellPad, PixelGridEditor
from nnstudio.ui.pad_freehand import (
    FEED_INTERVAL_MS,
    FREEHAND_SIZE,
    MAX_UNDO_STROKES,
    MIN_FREEHAND_SIDE,
    WIDE_FREEHAND_PAD,
    FreehandCanvas,
    FreehandPad,
)
from nnstudio.ui.pad_presets import FOUR_PIXEL_PRESETS, preset_values
from nnstudio.ui.pad_preview import PREVIEW_SCALE_NARROW, PREVIEW_SCALE_WIDE, InputPreview
from nnstudio.ui.pad_shared import is_undo_key as _is_undo_key
from nnstudio.ui.pad_shared import named as _named
from nnstudio.ui.pad_sliders import MAX_INPUT_SLIDERS, InputSliders
from nnstudio.ui.pad_truth import PatternTruth
from nnstudio.ui.panel import Panel
from nnstudio.ui.widgets.pixel_images import Grid, Range
from nnstudio.ui.widgets.signals import SignalLinks

Array = np.ndarray

__all__ = [
    "FEED_INTERVAL_MS",
    "FOUR_PIXEL_PRESETS",
    "FREEHAND_SIZE",
    "MAX_CELL_GRID",
    "MAX_INPUT_SLIDERS",
    "MAX_UNDO_STROKES",
    "MIN_FREEHAND_SIDE",
    "PREVIEW_SCALE_NARROW",
    "PREVIEW_SCALE_WIDE",
    "WIDE_FREEHAND_PAD",
    "CellPad",
    "DrawingPad",
    "FreehandCanvas",
    "FreehandPad",
    "InputPreview",
    "InputSliders",
    "PixelGridEditor",
    "is_freehand_grid",
    "preset_values",
]

# Grids up to this size get a pad of cells; larger images get the freehand pad.
MAX_CELL_GRID = 32


# ---------------------------------------------------------------------------------------------- helpers
def is_freehand_grid(grid: Grid, value_range: Range) -> bool:
    """True when an image is drawn freehand (digits) rather than cell by cell."""
    w, h = grid
    if (w, h) == (28, 28) or w > MAX_CELL_GRID or h > MAX_CELL_GRID:
        return True
    return tuple(value_range) == (0.0, 1.0) and w >= 20 and h >= 20


# ---------------------------------------------------------------------------------------------- the panel
class DrawingPad(Panel):
    """The panel that feeds the network: cells, a freehand pad or sliders, whichever fits the document.

    ``imageChanged`` is emitted whenever what the pad shows changes (a stroke, a click, an input set
    elsewhere), so a samples list can take the current image.

    The truth follows what is on the pad of cells: a Shape button, or a picture painted by hand that is one
    of the dataset's patterns, sets that pattern's truth; painting it into no pattern drops that truth again.
    Freehand drawing leaves the truth for the person to pick (Clear forgets it with the picture).
    """

    imageChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "drawingPad", "Drawing pad", "Feed the network: draw or set its input here")
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._links = SignalLinks()
        self._editor: CellPad | FreehandPad | InputSliders | None = None
        self._shape: tuple[Any, ...] | None = None
        self._fed = np.zeros(0, dtype=np.float32)
        # True while values are put on the pad from elsewhere (a sample): they bring their own truth.
        self._setting_values = False
        # The truth that goes with the picture on a pad of cells.
        self._truth = PatternTruth()
        self.mode = "empty"
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _named(self.message, "padMessage", "Drawing pad message")
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        _named(self.title, "padTitle", "Drawing pad description")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show_message("Open or build a network to feed it an input here.")

    # ------------------------------------------------------------------ binding
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        """Follow another document's live network (called at start and whenever a document is opened)."""
        self._links.disconnect_all()
        self.live = live
        self.undo_stack = undo_stack
        self._shape = None
        self._links.connect(live.planChanged, self.refresh)
        self._links.connect(live.valuesChanged, self._on_values_changed)
        self.refresh()

    def _wanted_shape(self) -> tuple[Any, ...]:
        live = self.live
        if live is None:
            return ("empty", "Open or build a network to feed it an input here.")
        if live.plan is None:
            return ("empty", _problem_text(live))
        doc = live.document
        n = live.n_inputs
        value_range = (float(doc.value_range[0]), float(doc.value_range[1]))
        grid = tuple(doc.grid) if doc.grid is not None else None
        if grid is not None and grid[0] * grid[1] <= n:
            mode = "freehand" if is_freehand_grid(grid, value_range) else "cells"
            return (mode, grid, value_range, n)
        names = [doc.network.neurons[nid].display_name for nid in live.plan.input_ids]
        return ("inputs", tuple(names), value_range, grid)

    def refresh(self) -> None:
        """Rebuild the pad if the document's grid or inputs changed, and show the current input."""
        shape = self._wanted_shape()
        if shape != self._shape:
            self._shape = shape
            self._build(shape)
        self._adopt_input(force=True)

    def _build(self, shape: tuple[Any, ...]) -> None:
        if self._editor is not None:
            self.stack.removeWidget(self._editor)
            self._editor.setParent(None)
            self._editor.deleteLater()
            self._editor = None
        self.mode = shape[0]
        if self.mode == "empty":
            self._show_message(shape[1])
            return
        if self.mode == "inputs":
            names, value_range, grid = shape[1], shape[2], shape[3]
            editor: CellPad | FreehandPad | InputSliders = InputSliders(list(names), value_range, self)
            if grid is not None:
                self.title.setText(
                    f"The {grid[0]}x{grid[1]} image needs {grid[0] * grid[1]} inputs but the"
                    f" network has {len(names)}; set each input here."
                )
            elif editor.features is not None:
                self.title.setText("Set the point's X1 and X2; the other inputs follow from them.")
            else:
                self.title.setText("Set each input neuron's value.")
        else:
            grid, value_range = shape[1], shape[2]
            low, high = value_range
            if self.mode == "freehand":
                editor = FreehandPad(grid, value_range, self)
                # Short: a side column on a small screen has little height, and the small picture's caption
                # says what it is.
                self.title.setText("Draw with the mouse; the right button rubs out.")
            else:
                editor = CellPad(grid, value_range, self)
                self.title.setText(
                    f"Left click paints white ({high:g}), right click black ({low:g}). C clears, I inverts."
                )
        editor.edited.connect(self._on_edited)
        if isinstance(editor, FreehandPad):
            editor.cleared.connect(self._on_drawing_cleared)
        self._editor = editor
        self.stack.addWidget(editor)
        self.stack.setCurrentWidget(editor)
        self.title.setVisible(True)

    def _show_message(self, text: str) -> None:
        self.mode = "empty"
        self.message.setText(text)
        self.title.setVisible(False)
        self.stack.setCurrentWidget(self.message)

    @property
    def editor(self) -> CellPad | FreehandPad | InputSliders | None:
        """The pad in use (cells, freehand or sliders), or None while the network cannot be fed."""
        return self._editor

    # ------------------------------------------------------------------ values
    def pad_values(self) -> Array:
        """What the pad shows: the image's pixels (row-major, the document's value range) or, without an
        image grid, one value per input neuron."""
        if self._editor is None:
            return np.zeros(0, dtype=np.float32)
        return self._editor.values()

    def set_pad_values(self, values: Array) -> None:
        """Show these values on the pad and feed them to the network."""
        if self._editor is None:
            raise ValueError("the pad cannot take values while the network cannot run")
        values = np.asarray(values, dtype=np.float32).ravel()
        expected = self._editor.values().size
        if values.size != expected:
            raise ValueError(f"the pad holds {expected} values, got {values.size}")
        self._setting_values = True
        try:
            self._editor.set_values(values, notify=True)
        finally:
            self._setting_values = False

    def _full_input(self, pad: Array) -> Array:
        """The pad's values completed with the network's other inputs (those beyond the image)."""
        live = self.live
        assert live is not None
        current = live.input
        if current.size != live.n_inputs:
            current = np.zeros(live.n_inputs, dtype=np.float32)
        current[: pad.size] = pad
        return current

    def _on_edited(self) -> None:
        if self.live is None or self._editor is None or self.live.plan is None:
            return
        pad = self._editor.values()
        full = self._full_input(pad)
        self._fed = full.copy()
        self.live.set_input(full)
        if self._setting_values:
            self._truth.shown = self._truth.truth_of(self.live, self._cells(), self._shape, pad)
        else:
            self._truth.follow(self.live, self._cells(), self._shape, pad)
        self.imageChanged.emit()

    def _cells(self) -> CellPad | None:
        """The pad of cells, if that is the pad shown (only there does the truth follow the picture)."""
        return self._editor if isinstance(self._editor, CellPad) else None

    def _on_drawing_cleared(self) -> None:
        # The truth belonged to the picture just wiped (a sample, a dataset row); the next drawing is new.
        if self.live is not None and self.live.truth is not None:
            self.live.set_truth(None)

    def _on_values_changed(self) -> None:
        self._adopt_input(force=False)

    def _adopt_input(self, force: bool) -> None:
        """Show an input that was set elsewhere (a dataset row, a sample) without feeding it back."""
        live = self.live
        if live is None or self._editor is None or live.plan is None:
            return
        current = live.input
        if current.size != live.n_inputs:
            return
        if not force and current.shape == self._fed.shape and np.array_equal(current, self._fed):
            return
        self._fed = current.copy()
        size = self._editor.values().size
        shown = self._editor.values()
        self._truth.shown = self._truth.truth_of(live, self._cells(), self._shape, current[:size])
        if force or not np.array_equal(shown, current[:size]):
            if isinstance(self._editor, FreehandPad):
                # On a first look at a document the picture is not a step the pad's undo should go back over.
                self._editor.show_values(current[:size], remember=not force)
            else:
                self._editor.set_values(current[:size])
            self.imageChanged.emit()

    # ------------------------------------------------------------------ keys
    def clear(self) -> None:
        if self._editor is not None:
            self._editor.clear()

    def invert(self) -> None:
        if isinstance(self._editor, CellPad):
            self._editor.invert()

    def undo_stroke(self) -> bool:
        return isinstance(self._editor, FreehandPad) and self._editor.undo_stroke()

    def _handles(self, event: QKeyEvent) -> bool:
        if isinstance(self._editor, InputSliders):
            return False  # the number boxes take their keys themselves
        key = event.key()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and key in (Qt.Key.Key_C, Qt.Key.Key_Delete):
            return True
        if plain and key == Qt.Key.Key_I and isinstance(self._editor, CellPad):
            return True
        return (
            _is_undo_key(event)
            and isinstance(self._editor, FreehandPad)
            and bool(self._editor.canvas.history)
        )

    def event(self, event: QEvent) -> bool:
        # Claim the pad's own keys before the window's shortcuts (Delete, Ctrl+Z) take them.
        override = event.type() == QEvent.Type.ShortcutOverride
        if override and isinstance(event, QKeyEvent) and self._handles(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handles(event):
            return super().keyPressEvent(event)
        key = event.key()
        if _is_undo_key(event):
            self.undo_stroke()
        elif key in (Qt.Key.Key_C, Qt.Key.Key_Delete):
            self.clear()
        elif key == Qt.Key.Key_I:
            self.invert()
        event.accept()

    def focusInEvent(self, event: Any) -> None:
        if self._editor is not None:
            self._editor.focus_editor()
        super().focusInEvent(event)


def _problem_text(live: LiveNetwork) -> str:
    network = live.document.network
    if not network.inputs():
        return "This network has no inputs yet. Add input neurons (or give it an image grid) to feed it."
    if not network.outputs():
        return "This network has no outputs yet, so there is nothing to feed. Add an output neuron."
    return f"The network cannot run: {live.problem}"
