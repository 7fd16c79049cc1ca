"""The run's timeline: a slider that goes back through the last training run, and what to do with a point.

Dragging the slider shows the network as it was at that point of the run (the canvas and the answer follow;
nothing goes on the undo stack). "Restore this point" keeps it (one undo step), "Back to now" puts the
present weights back, and "Rerun from the same start" trains again from the run's first weights with the
settings shown now, its error curves drawn over the earlier run's.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from nnstudio.engine.history import Snapshot
from nnstudio.engine.train import TrainingError
from nnstudio.ui.widgets.flow_layout import FlowLayout

from .controller import TrainingController, snapshot_name

NO_RUN = "After a run, drag here to go back through it and see the network as it was."
# The slider keeps at least this many pixels beside Rerun; in a narrower dock Rerun goes on the row under it.
SLIDER_ROOM = 150


def snapshot_text(snapshot: Snapshot, smoothed: float | None = None) -> str:
    """What the timeline says of a point, in the words of the curve the plot shows there: ``The end of epoch
    5: epoch average error 0.123, 88% right`` (the orange dot), ``Step 80 (epoch 6): smoothed error 0.41
    (this step's batch: 0.065)`` (the blue line, ``smoothed``, and the one step's own error, which is noisy)."""
    name = snapshot_name(snapshot)
    text = name[0].upper() + name[1:]
    if math.isfinite(snapshot.loss):
        if snapshot.epoch_end:
            text += f": epoch average error {snapshot.loss:.3g}"
        elif smoothed is not None and math.isfinite(smoothed):
            text += f": smoothed error {smoothed:.3g} (this step's batch: {snapshot.loss:.3g})"
        else:
            text += f": this step's batch error {snapshot.loss:.3g}"
    if snapshot.accuracy is not None:
        text += f", {snapshot.accuracy:.0%} right"
    if snapshot.test_loss is not None and math.isfinite(snapshot.test_loss):
        text += f"; test error {snapshot.test_loss:.3g}"
    return text


class RunTimeline(QWidget):
    """Follows a :class:`TrainingController`'s history; ``rerunRequested`` asks the panel to train again from
    the run's first weights (the panel knows the settings and the data)."""

    rerunRequested = Signal()
    usableChanged = Signal(bool)  # whether there is a run to go back through now
    message = Signal(str, bool)  # (text for the person, whether it is a problem)

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runTimeline")
        self.setAccessibleName("Run timeline")
        self.controller = controller
        # The smoothed error the plot draws at a step of the run (set by the panel that shows both).
        self.smoothed_error: Callable[[float], float | None] = lambda _step: None
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("runTimelineSlider")
        self.slider.setAccessibleName("Point of the last run to show")
        self.slider.setToolTip("Drag to go back through the last run: the network shows its weights of then")
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.label = QLabel(NO_RUN)
        self.label.setObjectName("runTimelineText")
        self.label.setAccessibleName("Point of the run shown")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.restore_button = QPushButton("Restore this point")
        self.restore_button.setObjectName("runTimelineRestore")
        self.restore_button.setAccessibleName("Restore this point of the run")
        self.restore_button.setToolTip("Keep the weights shown: one step you can undo")
        self.restore_button.clicked.connect(self.restore)
        self.now_button = QPushButton("Back to now")
        self.now_button.setObjectName("runTimelineNow")
        self.now_button.setAccessibleName("Back to the present weights")
        self.now_button.setToolTip("Show the network's present weights again")
        self.now_button.clicked.connect(self.back_to_now)
        self.rerun_button = QPushButton("Rerun from the same start")
        self.rerun_button.setObjectName("runTimelineRerun")
        self.rerun_button.setAccessibleName("Rerun from the same start")
        self.rerun_button.setToolTip(
            "Train again from the weights the last run started with, using the settings shown now;"
            " both runs' error curves are drawn on one plot"
        )
        self.rerun_button.clicked.connect(self.rerunRequested)
        # Dragging fires many values; the network is written once for the newest when the events are handled.
        self._pending: int | None = None
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_pending)
        self._syncing = False

        # Compact, so it stays in view under the plot even in a short dock: the slider and Rerun on one row,
        # what the slider shows under them, with Restore and Back to now while a point is shown. A button
        # shows only when it can be used.
        self._top = QHBoxLayout()
        self._top.setSpacing(6)
        self._top.addWidget(self.slider, 1)
        self._top.addWidget(self.rerun_button)
        self._rerun_below = False
        self._row = FlowLayout(spacing=6)
        for widget in (self.label, self.restore_button, self.now_button):
            self._row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._top)
        layout.addLayout(self._row)

        controller.historyChanged.connect(self.refresh)
        controller.previewChanged.connect(self._on_preview_changed)
        controller.runningChanged.connect(self.refresh)
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_rerun()

    def _place_rerun(self) -> None:
        """Rerun beside the slider when there is room for both, else under it (a slider of a few pixels
        cannot be dragged through a run)."""
        below = self.width() < SLIDER_ROOM + self.rerun_button.sizeHint().width() + self._top.spacing()
        if below == self._rerun_below:
            return
        self._rerun_below = below
        source, target = (self._top, self._row) if below else (self._row, self._top)
        source.removeWidget(self.rerun_button)
        target.addWidget(self.rerun_button)

    # ------------------------------------------------------------------ following the controller
    @Slot()
    def refresh(self, *_args: object) -> None:
        """Show the controller's history as it is now (a new run, a changed network, a run starting)."""
        controller = self.controller
        usable = controller.history_usable() and not controller.running
        history = controller.history
        self._syncing = True
        try:
            if usable and history is not None:
                self.slider.setRange(0, len(history) - 1)
                index = controller.preview_index
                self.slider.setValue(len(history) - 1 if index is None else index)
            else:
                self.slider.setRange(0, 0)
        finally:
            self._syncing = False
        self.slider.setEnabled(usable)
        self.rerun_button.setEnabled(usable)
        self.usableChanged.emit(usable)
        # Until there is a run to look back at, the timeline takes no room from the plot.
        self.setVisible(usable or controller.running or history is not None)
        self._show_state()

    def _show_state(self) -> None:
        controller = self.controller
        index = controller.preview_index
        history = controller.history
        previewing = index is not None and history is not None
        usable = controller.history_usable() and not controller.running
        for button in (self.restore_button, self.now_button):
            button.setEnabled(previewing)
            button.setVisible(previewing)
        self.rerun_button.setVisible(usable and not previewing)
        if previewing:
            snapshot = history[index]
            self.label.setText(snapshot_text(snapshot, self.smoothed_error(snapshot.step)))
            self.label.setToolTip(f"Point {index + 1} of the {len(history)} the run kept")
        elif controller.running:
            self.label.setText("When the run ends, drag to go back through it.")
        elif usable and history is not None:
            self.label.setText("Drag here or click the curves to go back through the last run.")
            self.label.setToolTip(f"The run kept {len(history)} points, from its start to its end")
        elif history is not None:
            self.label.setText("The network changed since the last run: train again to look back.")
        else:
            self.label.setText(NO_RUN)

    @Slot(int)
    def _on_preview_changed(self, _index: int) -> None:
        # The slider stays where it is: after Restore it marks the point the network now has.
        self._show_state()

    # ------------------------------------------------------------------ the person's actions
    @Slot(int)
    def _on_slider_moved(self, value: int) -> None:
        if self._syncing:
            return
        self._pending = value
        if not self._show_timer.isActive():
            self._show_timer.start(0)

    @Slot()
    def _show_pending(self) -> None:
        value, self._pending = self._pending, None
        if value is not None:
            self.show_point(value)

    def go_to_step(self, step: float) -> None:
        """Move the slider to the kept point nearest to step ``step`` of the run (a click on the plot)."""
        history = self.controller.history
        if history is None or not self.slider.isEnabled():
            return
        self.slider.setValue(history.nearest(step))

    def show_point(self, index: int) -> Snapshot | None:
        """Show the network at point ``index`` of the run (as dragging the slider there does)."""
        try:
            return self.controller.show_snapshot(index)
        except TrainingError as exc:
            self.message.emit(str(exc), True)
            return None

    @Slot()
    def restore(self) -> None:
        self._show_pending()
        try:
            snapshot = self.controller.restore_snapshot()
        except TrainingError as exc:
            self.message.emit(str(exc), True)
            return
        self.message.emit(
            f"The network has its weights from {snapshot_name(snapshot)} again (Edit > Undo takes them back).",
            False,
        )

    @Slot()
    def back_to_now(self) -> None:
        self._show_timer.stop()
        self._pending = None
        self.controller.end_preview()
        self._syncing = True
        try:
            self.slider.setValue(self.slider.maximum())
        finally:
            self._syncing = False
