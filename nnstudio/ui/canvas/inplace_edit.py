"""Typing a number on the canvas: a small line edit over an edge (its weight) or a neuron (its bias)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from nnstudio.engine.graph import Role
from nnstudio.ui.commands import SetNeuronFields, SetWeights
from nnstudio.ui.instruments import connection_ends

from .edits import CanvasEditError, format_value, parse_number
from .guard import reports_errors

if TYPE_CHECKING:
    from .view import NetworkCanvas


class InPlaceEditor(QLineEdit):
    """A small line edit over an edge or neuron: Enter commits, Esc or clicking away cancels."""

    committed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("canvasValueEditor")
        self._finished = False

    def finish(self) -> None:
        self._finished = True

    @reports_errors
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.committed.emit(self.text())
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)

    @reports_errors
    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if not self._finished:
            self.cancelled.emit()


class ValueEditing:
    """Opens the in-place editor on the canvas, turns what is typed into one undo step, and closes it."""

    def __init__(self, canvas: NetworkCanvas) -> None:
        self._canvas = canvas
        self.editor: InPlaceEditor | None = None

    def open(self, item_id: str) -> InPlaceEditor | None:
        """Open the editor for an edge's weight or a neuron's bias; None when it cannot be edited."""
        canvas = self._canvas
        binding = canvas.binding
        if binding.refuse_if_locked():
            return None
        network = binding.network
        if item_id in network.edges:
            edge = network.edges[item_id]
            source, target = connection_ends(network, edge, binding.document.grid)
            value, what = edge.weight, f"Weight of {source} to {target}"
            t = 0.62 if not canvas.canvas_scene.edges.detailed else 0.5
            where = canvas.view_position_of_edge(item_id, t)
        elif item_id in network.neurons:
            neuron = network.neurons[item_id]
            if neuron.role is Role.INPUT:
                canvas.statusMessage.emit(
                    f"{neuron.display_name} is an input: its value comes from the input image"
                )
                return None
            value, what = neuron.bias, f"Bias of {neuron.display_name}"
            where = canvas.view_position_of(item_id)
        else:
            return None
        self.close()
        editor = InPlaceEditor(canvas.viewport())
        editor.setAccessibleName(what)
        editor.setToolTip(f"{what}: type a number, Enter to set it, Esc to cancel")
        editor.setText(format_value(value) if abs(value) >= 1e-3 or value == 0 else repr(value))
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        size = QSize(96, editor.sizeHint().height())
        editor.setGeometry(QRect(where - QPoint(size.width() // 2, size.height() // 2), size))
        editor.committed.connect(lambda text: self._commit(item_id, text))
        editor.cancelled.connect(self.close)
        editor.show()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        editor.selectAll()
        self.editor = editor
        canvas.status_line.say(
            f"{what}: type a number, Enter to set it, Esc to cancel",
            lambda: editor.toolTip() if self.editor is editor else "",
        )
        return editor

    def _commit(self, item_id: str, text: str) -> None:
        binding = self._canvas.binding
        if binding.refuse_if_locked():
            self.close()
            return
        try:
            value = parse_number(text)
        except CanvasEditError as exc:
            # Stays until an edit is made (this one retyped, or any other): then it no longer applies.
            self._canvas.status_line.say_until_undone(f"Not changed: {exc}")
            if self.editor is not None:
                self.editor.selectAll()
            return
        network = binding.network
        self.close()
        if item_id in network.edges and network.edges[item_id].weight != value:
            binding.push(SetWeights(network, {item_id: value}))
        elif item_id in network.neurons and network.neurons[item_id].bias != value:
            binding.push(SetNeuronFields(network, {item_id: {"bias": value}}, text="Set bias"))

    def close(self) -> None:
        editor, self.editor = self.editor, None
        if editor is not None and shiboken6.isValid(editor):
            had_focus = editor.hasFocus()
            editor.finish()
            editor.hide()
            editor.deleteLater()
            if had_focus:
                self._canvas.setFocus(Qt.FocusReason.OtherFocusReason)
            self._canvas.status_line.refresh()  # the editor's hint goes with it
