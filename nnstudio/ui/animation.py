"""Watching the network think: a forward pass lit neuron by neuron, and a training step shown backwards.

:class:`Animator` drives a canvas through four hooks only (``set_display_override``, ``set_pulse``,
``set_neuron_labels``, ``set_edge_labels``) and reads nothing from it, so any object with those methods will
do. An animation is a list of frames played by a QTimer: no sleeps, the window stays responsive and a running
animation can be cancelled at any frame. The speed goes from slow motion (1.5 s per neuron) to full speed,
where the whole pass shows on the next frame.

- **Play**: one forward pass of the current input. Neurons light in topological order, one at a time; a level
  of more than :data:`LEVEL_AT_ONCE` neurons (an image's pixels, a wide layer) lights all at once. The edges
  feeding the neuron that just lit pulse.
- **Step**: the forward pass, then the backward pass level by level from the outputs (each neuron's delta
  dE/dz as a label; for small networks each edge's slope dE/dw on the edge), then the weights change by
  ``-learning rate x slope``: one ``Training step`` undo command.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import Plan
from nnstudio.engine.step import TrainingStepResult, training_step
from nnstudio.ui.commands import SetAllParameters
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.panel import Panel

Array = np.ndarray

# Levels wider than this light up at once (pixels of an image, a wide hidden layer).
LEVEL_AT_ONCE = 32
# Networks with more connections than this light up only their neurons during an animation: naming every
# connection into a level of 1,024 neurons each frame would take seconds.
EDGE_PULSE_LIMIT = 100_000
# Networks with at most this many edges show each edge's slope during a step.
EDGE_LABEL_LIMIT = 64
SLOWEST = 1.5  # seconds per neuron at speed 0
FASTEST = 0.0075  # seconds per neuron at speed 99; speed 100 is full speed
FRAME_INTERVAL_MS = 16


class CanvasHooks(Protocol):
    """What the animator needs of a canvas."""

    def set_display_override(self, values: dict[str, float] | None) -> None: ...
    def set_pulse(self, neuron_ids: list[str], edge_ids: list[str]) -> None: ...
    def set_neuron_labels(self, texts: dict[str, str] | None) -> None: ...
    def set_edge_labels(self, values: dict[str, float] | None) -> None: ...


class _Keep:
    """A hook value meaning "leave as it is"."""


KEEP: Any = _Keep()


@dataclass
class Frame:
    """One moment of an animation: what each canvas hook shows (KEEP: unchanged) and what happens."""

    units: float
    override: Any = KEEP
    pulse: Any = KEEP
    neuron_labels: Any = KEEP
    edge_labels: Any = KEEP
    # Runs when the frame is shown; returning False ends the animation (the network changed under it).
    action: Callable[[], bool] | None = None
    lit: list[str] = field(default_factory=list)
    # The forward pass has lit every output with this frame: the answer may show now, not before.
    reaches_outputs: bool = False


def seconds_per_neuron(speed: int) -> float:
    """The slider's 0..100 as seconds per neuron: 0 is slow motion, 100 is full speed (0 s)."""
    if speed >= 100:
        return 0.0
    fraction = max(0, speed) / 99.0
    return SLOWEST * (FASTEST / SLOWEST) ** fraction


def speed_text(speed: int) -> str:
    seconds = seconds_per_neuron(speed)
    if seconds == 0:
        return "full speed"
    return f"{seconds:.2f} s per neuron" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms per neuron"


def delta_text(delta: float) -> str:
    return f"δ {delta:.2f}"


class Animator(QObject):
    """Plays Run and Step animations on a canvas. Signals:

    - ``started(kind)``: ``"run"`` or ``"step"``.
    - ``finished(kind)``: the animation played to its end.
    - ``cancelled()``: it was stopped part way (nothing was changed by a cancelled Step).
    - ``outputsReached()``: the forward pass has lit every output (the answer panel shows the answer now).
    - ``stepApplied(TrainingStepResult)``: a Step changed the weights.
    - ``message(text)``: why something could not be done, for a status line.
    """

    started = Signal(str)
    finished = Signal(str)
    cancelled = Signal()
    outputsReached = Signal()
    stepApplied = Signal(object)
    message = Signal(str)

    def __init__(self, canvas: CanvasHooks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._speed = 50
        self._frames: list[Frame] = []
        self._index = 0
        self._kind = ""
        self._next_time = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.last_step: TrainingStepResult | None = None

    # ------------------------------------------------------------------ wiring
    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        self.cancel()
        if self.live is not None:
            self.live.planChanged.disconnect(self.cancel)
        self.live = live
        self.undo_stack = undo_stack
        live.planChanged.connect(self.cancel)

    # ------------------------------------------------------------------ speed
    @property
    def speed(self) -> int:
        return self._speed

    def set_speed(self, speed: int) -> None:
        """0 (slow motion, 1.5 s per neuron) to 100 (full speed); takes effect from the next frame."""
        self._speed = int(min(100, max(0, speed)))

    @property
    def running(self) -> bool:
        return bool(self._frames)

    @property
    def kind(self) -> str:
        return self._kind

    # ------------------------------------------------------------------ starting
    def run(self) -> bool:
        """Animate one forward pass of the current input. False (and a message) when it cannot."""
        plan = self._ready_plan()
        if plan is None:
            return False
        assert self.live is not None
        forward = plan.forward(self.live.input)
        values = {nid: a for nid, (_, a) in plan.neuron_values(forward).items()}
        frames = self._forward_frames(plan, values)
        frames.append(Frame(units=1, pulse=([], [])))
        self._start("run", frames)
        return True

    def step(
        self,
        inputs: Array | None = None,
        truth: Array | None = None,
        loss: str | None = None,
        learning_rate: float | None = None,
        regularisation: tuple[float, float] | None = None,
    ) -> bool:
        """Animate one training step on a sample (default: the current input against the chosen truth),
        ending in one ``Training step`` undo command; ``regularisation`` is (L1 rate, L2 rate), by default the
        document's. False (and a message) when it cannot."""
        plan = self._ready_plan()
        if plan is None:
            return False
        live = self.live
        assert live is not None
        if live.locked:
            self.message.emit("Training is running; a single step waits until it ends.")
            return False
        document = live.document
        x = live.input if inputs is None else np.asarray(inputs, dtype=np.float32)
        y = live.truth if truth is None else np.asarray(truth, dtype=np.float32)
        if y is None:
            self.message.emit("Choose the right answer for this input first: a step needs to know the truth.")
            return False
        loss_name = loss or document.training.loss
        rate = document.training.learning_rate if learning_rate is None else float(learning_rate)
        if loss_name not in LOSSES or not math.isfinite(rate) or rate <= 0:
            self.message.emit("A step needs a known loss and a positive learning rate.")
            return False
        try:
            l1, l2 = (
                (document.training.l1, document.training.l2) if regularisation is None else regularisation
            )
            result = training_step(plan, document.network, x, y, loss_name, rate, l1=l1, l2=l2)
        except ValueError as exc:
            self.message.emit(str(exc))
            return False
        values = {nid: a for nid, (_, a) in plan.neuron_values(result.forward).items()}
        frames = self._forward_frames(plan, values)
        frames += self._backward_frames(plan, result)
        revision = document.network.revision

        def change_weights() -> bool:
            return self._apply_step(result, revision)

        frames.append(
            Frame(
                units=2,
                override=None,
                action=change_weights,
                pulse=([], list(result.new_weights) if result.plan.n_connections <= EDGE_LABEL_LIMIT else []),
            )
        )
        frames.append(Frame(units=2, pulse=([], []), neuron_labels=None, edge_labels=None))
        self._start("step", frames)
        return True

    def cancel(self) -> None:
        """Stop a running animation and give the canvas back its live values."""
        if not self._frames:
            return
        self._finish()
        self.cancelled.emit()

    # ------------------------------------------------------------------ building frames
    def _ready_plan(self) -> Plan | None:
        live = self.live
        if live is None:
            self.message.emit("No network to animate.")
            return None
        if live.plan is None:
            self.message.emit(f"The network cannot run yet: {live.problem}.")
            return None
        self.cancel()
        return live.plan

    def _incoming(self, neuron_ids: list[str]) -> list[str]:
        """The connections into these neurons, to light up with them; none in a network too big to list
        them for every frame (its neurons still light up, and the canvas shows its strongest connections)."""
        assert self.live is not None
        network = self.live.document.network
        if len(network.edges) > EDGE_PULSE_LIMIT:
            return []
        return [edge.id for nid in neuron_ids for edge in network.incoming(nid)]

    def _forward_frames(self, plan: Plan, values: dict[str, float]) -> list[Frame]:
        """Inputs first, then every later level neuron by neuron (or all at once when it is wide)."""
        shown: dict[str, float] = {}
        frames: list[Frame] = []
        outputs_left = set(plan.output_ids)
        for li, level in enumerate(plan.levels):
            ids = level.ids
            batches = [ids] if li == 0 or len(ids) > LEVEL_AT_ONCE else [[nid] for nid in ids]
            for batch in batches:
                for nid in batch:
                    shown[nid] = values[nid]
                reaches = bool(outputs_left) and outputs_left.issubset(batch)
                outputs_left.difference_update(batch)
                edges = [] if li == 0 else self._incoming(batch)
                frames.append(
                    Frame(
                        units=1,
                        override=dict(shown),
                        pulse=(list(batch), edges),
                        neuron_labels=None if li == 0 else KEEP,
                        edge_labels=None if li == 0 else KEEP,
                        lit=list(batch),
                        reaches_outputs=reaches,
                    )
                )
        return frames

    def _backward_frames(self, plan: Plan, result: TrainingStepResult) -> list[Frame]:
        """From the outputs back, one level per frame: deltas under neurons, slopes on (few) edges."""
        labels: dict[str, str] = {}
        slopes: dict[str, float] = {}
        show_slopes = plan.n_connections <= EDGE_LABEL_LIMIT
        frames: list[Frame] = []
        for level in reversed(plan.levels[1:]):
            for nid in level.ids:
                labels[nid] = delta_text(result.deltas[nid])
            edges = self._incoming(level.ids)
            if show_slopes:
                for eid in edges:
                    slopes[eid] = result.edge_gradients[eid]
            frames.append(
                Frame(
                    units=1,
                    pulse=(list(level.ids), edges),
                    neuron_labels=dict(labels),
                    edge_labels=dict(slopes) if show_slopes else KEEP,
                )
            )
        return frames

    # ------------------------------------------------------------------ playing
    def _start(self, kind: str, frames: list[Frame]) -> None:
        self._frames = frames
        self._index = 0
        self._kind = kind
        self._next_time = time.perf_counter()
        self.started.emit(kind)
        self._timer.start()
        self._tick()

    @Slot()
    def _tick(self) -> None:
        """Show the next frame when its time has come; at full speed, every frame that is left at once."""
        if not self._frames:
            self._timer.stop()
            return
        now = time.perf_counter()
        if now < self._next_time:
            return
        full_speed = seconds_per_neuron(self._speed) == 0
        while self._index < len(self._frames):
            frame = self._frames[self._index]
            self._index += 1
            if not self._show(frame):
                return
            if not full_speed:
                self._next_time = now + seconds_per_neuron(self._speed) * frame.units
                break
        if self._index >= len(self._frames) and (full_speed or now >= self._next_time):
            kind = self._kind
            self._finish()
            self.finished.emit(kind)

    def _show(self, frame: Frame) -> bool:
        canvas = self.canvas
        if frame.override is not KEEP:
            canvas.set_display_override(frame.override)
        if frame.pulse is not KEEP:
            canvas.set_pulse(*frame.pulse)
        if frame.neuron_labels is not KEEP:
            canvas.set_neuron_labels(frame.neuron_labels)
        if frame.edge_labels is not KEEP:
            canvas.set_edge_labels(frame.edge_labels)
        if frame.reaches_outputs:
            self.outputsReached.emit()
        if frame.action is not None and not frame.action():
            self.cancel()
            return False
        return True

    def _finish(self) -> None:
        self._timer.stop()
        self._frames = []
        self._index = 0
        canvas = self.canvas
        canvas.set_display_override(None)
        canvas.set_pulse([], [])
        canvas.set_neuron_labels(None)
        canvas.set_edge_labels(None)

    def _apply_step(self, result: TrainingStepResult, revision: int) -> bool:
        live, stack = self.live, self.undo_stack
        if live is None or stack is None:
            return False
        network = live.document.network
        if network.revision != revision:
            self.message.emit("The network changed during the step; nothing was applied.")
            return False
        if live.locked:
            self.message.emit("Training started during the step; nothing was applied.")
            return False
        stack.push(SetAllParameters(network, result.before, result.after, "Training step"))
        self.last_step = result
        self.stepApplied.emit(result)
        return True


class AnimationBar(Panel):
    """Play, Step and Stop playing buttons with a speed slider, for an :class:`Animator` on the window's canvas.

    Step uses the current input and its chosen truth; after :meth:`connect_training` with the Training
    panel it uses that panel's next sample, loss and learning rate instead (and shows the sample), and the
    panel's own Step button becomes this step. After :meth:`connect_answer` the answer panel waits for the
    animation to reach the outputs before it shows the answer.
    """

    def __init__(self, canvas: CanvasHooks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("animationBar")
        self.setAccessibleName("Animation")
        self.animator = Animator(canvas, self)
        self.live: LiveNetwork | None = None
        self._training: Any = None
        self._answer: Any = None

        # Play, not Run: beside the toolbar's Train, Step and Stop these must not read as a second set of
        # training buttons. They play the network's arithmetic slowly on the canvas.
        self.run_button = QPushButton("Play")
        self.run_button.setObjectName("animationRun")
        self.run_button.setAccessibleName("Play forward pass")
        self.run_button.setToolTip(
            "Play forward pass: light the neurons one by one as the input travels to the outputs"
            " (nothing is trained)"
        )
        self.step_button = QPushButton("Step")
        self.step_button.setObjectName("animationStep")
        self.step_button.setAccessibleName("Play one training step")
        self.step_button.setToolTip(
            "Play one training step slowly: the forward pass, then the error flowing back and each weight"
            " changing"
        )
        self.stop_button = QPushButton("Stop playing")
        self.stop_button.setObjectName("animationStop")
        self.stop_button.setAccessibleName("Stop playing")
        self.stop_button.setToolTip(
            "Stop playing the animation (a training step stopped part way changes nothing)"
        )
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setObjectName("animationSpeed")
        self.speed_slider.setAccessibleName("Animation speed")
        self.speed_slider.setRange(0, 100)
        self.speed_slider.setValue(self.animator.speed)
        self.speed_label = QLabel(speed_text(self.animator.speed))
        self.speed_label.setObjectName("animationSpeedText")
        self.speed_label.setAccessibleName("Animation speed")
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # names the dataset, from the file
        self.status.setObjectName("animationStatus")
        self.status.setAccessibleName("Animation status")
        self.status.setWordWrap(True)

        self.run_button.clicked.connect(self.run)
        self.step_button.clicked.connect(self.step)
        self.stop_button.clicked.connect(self.animator.cancel)
        self.speed_slider.valueChanged.connect(self._on_speed)
        self.animator.started.connect(self._on_started)
        self.animator.finished.connect(self._on_ended)
        self.animator.cancelled.connect(self._on_ended)
        self.animator.message.connect(self._say)

        # A narrow canvas column squeezes the buttons to their words before the slider goes: a slider a few
        # pixels wide cannot be read or dragged.
        for button in (self.run_button, self.step_button, self.stop_button):
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 24)
        self.speed_slider.setMinimumWidth(80)
        self._buttons = _row_of(self.run_button, self.step_button, self.stop_button)
        self._speed = _row_of(QLabel("Slow"), self.speed_slider, QLabel("Fast"), self.speed_label, stretch=1)
        # The buttons and the speed side by side, or the speed below the buttons when the canvas column is
        # narrower than both: the bar's width would otherwise set the canvas's least width, and on a small
        # screen squeeze the side panels until the drawing pad scrolls.
        self.controls = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.controls.addWidget(self._buttons)
        self.controls.addWidget(self._speed, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(self.controls)
        layout.addWidget(self.status)
        self._update_enabled()

    def _one_row_width(self) -> int:
        margins = self.layout().contentsMargins()
        parts = self._buttons.minimumSizeHint().width() + self._speed.minimumSizeHint().width()
        return parts + self.controls.spacing() + margins.left() + margins.right()

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider of the two rows; as tall as the rows it shows now."""
        margins = self.layout().contentsMargins()
        widest = max(self._buttons.minimumSizeHint().width(), self._speed.minimumSizeHint().width())
        return QSize(widest + margins.left() + margins.right(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        one_row = self.width() >= self._one_row_width()
        direction = QBoxLayout.Direction.LeftToRight if one_row else QBoxLayout.Direction.TopToBottom
        if self.controls.direction() != direction:
            self.controls.setDirection(direction)
            self.updateGeometry()  # two rows are taller: the dock grows to show both

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        if self.live is not None:
            self.live.lockedChanged.disconnect(self._on_locked)
            self.live.planChanged.disconnect(self._update_enabled)
        self.animator.bind(live, undo_stack)
        self.live = live
        live.lockedChanged.connect(self._on_locked)
        live.planChanged.connect(self._update_enabled)
        self.status.setText("")
        self._update_enabled()

    def connect_training(self, panel: Any) -> None:
        """Take Step's samples, loss and learning rate from the Training panel (``next_sample()`` and
        ``learning_settings()``), and make the panel's Step this animated step (``use_animated_step``)."""
        self._training = panel
        panel.use_animated_step(self.step, self.animator)

    def connect_answer(self, panel: Any) -> None:
        """Make the answer panel (``hold_answer()``, ``release_answer()``) wait while an animation carries
        the input forward, and show the answer when the outputs light up."""
        self._answer = panel
        self.animator.started.connect(self._hold_answer)
        self.animator.outputsReached.connect(self._release_answer)
        self.animator.finished.connect(self._release_answer)
        self.animator.cancelled.connect(self._release_answer)

    @Slot()
    def _hold_answer(self) -> None:
        if self._answer is not None:
            self._answer.hold_answer()

    @Slot()
    def _release_answer(self) -> None:
        if self._answer is not None:
            self._answer.release_answer()

    def _say(self, text: str) -> None:
        """A reason a command could not be done: here, and in the Training panel whose Step may be the one
        that was pressed."""
        self.status.setText(text)
        if text and self._training is not None:
            self._training.report_step_problem(text)

    @Slot()
    def run(self) -> bool:
        self.status.setText("")
        return self.animator.run()

    @Slot()
    def step(self) -> bool:
        self.status.setText("")
        live = self.live
        if live is None:
            return False
        panel = self._training
        if panel is None:
            return self.animator.step()
        if live.locked:
            self._say("Training is running; a single step waits until it ends.")
            return False
        try:
            inputs, truth, name = panel.next_sample()
            loss, rate = panel.learning_settings()
            penalties = panel.regularisation()
        except ValueError as exc:  # DataError and TrainingError are ValueErrors with a message for people
            self._say(str(exc))
            return False
        # The pad shows the sample at once; the answer waits until the animation carries it to the outputs.
        self._hold_answer()
        live.set_input(inputs)
        live.set_truth(truth)
        started = self.animator.step(inputs, truth, loss, rate, penalties)
        if started:
            self.status.setText(f"Training step on {name!r}")
        else:
            self._release_answer()
        return started

    @Slot(int)
    def _on_speed(self, value: int) -> None:
        self.animator.set_speed(value)
        self.speed_label.setText(speed_text(value))

    @Slot(str)
    def _on_started(self, kind: str) -> None:
        self._update_enabled()

    @Slot()
    def _on_ended(self, *_args: object) -> None:
        self._update_enabled()

    @Slot(bool)
    def _on_locked(self, locked: bool) -> None:
        if locked:
            # A training run moves the weights on: the line naming the last animated step's sample is old news.
            self.status.setText("")
        self._update_enabled()

    @Slot()
    def _update_enabled(self) -> None:
        # A network that cannot run yet has nothing to animate (the status bar says what it lacks).
        bound = self.live is not None and self.live.plan is not None
        busy = self.animator.running
        locked = bound and self.live.locked  # type: ignore[union-attr]
        self.run_button.setEnabled(bound and not busy)
        self.step_button.setEnabled(bound and not busy and not locked)
        self.stop_button.setEnabled(busy)


def _row_of(*widgets: QWidget, stretch: int | None = None) -> QWidget:
    """``widgets`` side by side with no margin; the one at index ``stretch``, or else empty room after them,
    takes the spare width."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == stretch else 0)
    if stretch is None:
        layout.addStretch(1)  # on a row of its own the widgets keep their width, at its left
    return row
