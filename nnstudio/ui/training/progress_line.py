"""The Training panel's progress line: a thin bar, the words beside it (``epoch 3/40, 0:02 left``) and the
speed (steps so far, samples a second)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar

from nnstudio.ui.widgets.flow_layout import FlowLayout

from .naming import named
from .worker import TrainingUpdate

NOT_STARTED = "not started"
# The bar counts in thousandths of the run.
BAR_STEPS = 1000


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(update: TrainingUpdate, accuracy: float | None = None) -> str:
    left = update.seconds_left
    text = f"epoch {update.epoch}/{update.epochs}"
    if accuracy is not None:
        text += f", {accuracy:.0%} right"
    return text if left is None else f"{text}, {format_duration(left)} left"


def speed_text(update: TrainingUpdate) -> str:
    return f"{update.step:,} steps, {update.samples_per_second:,.0f} samples/s"


class ProgressLine:
    """The bar (``trainingProgress``), its words (``trainingProgressText``) and the speed (``trainingSpeed``).

    ``row`` holds the words and the speed (the speed goes under the words when the dock is too narrow for
    both on one line); the panel lays out ``row`` and then ``bar``. ``text_height`` is the height of a line
    of the panel's text: the bar is half as tall."""

    def __init__(self, text_height: int) -> None:
        self.bar = named(QProgressBar(), "trainingProgress", "Training progress")
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setValue(0)
        # The words sit beside the bar, not on it: drawn over a half-filled bar, a word shows in two colours
        # ("stop|ped"). The bar keeps its format too, for screen readers.
        self.bar.setTextVisible(False)
        self.bar.setFormat(NOT_STARTED)
        self.bar.setMaximumHeight(max(8, text_height // 2))
        self.label = named(QLabel(NOT_STARTED), "trainingProgressText", "Training progress")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.speed_label = named(QLabel(""), "trainingSpeed", "Training speed")
        self.speed_label.setToolTip(
            "Training steps so far, and how many samples a second go through the network"
        )
        self.row = FlowLayout(spacing=12)
        self.row.addWidget(self.label)
        self.row.addWidget(self.speed_label)

    def show_text(self, text: str) -> None:
        self.bar.setFormat(text)
        self.label.setText(text)

    def text(self) -> str:
        return self.label.text()

    def show_fraction(self, fraction: float) -> None:
        """How much of the run is done, 0..1."""
        self.bar.setValue(int(round(fraction * BAR_STEPS)))

    def show_speed(self, update: TrainingUpdate) -> None:
        self.speed_label.setText(speed_text(update))

    def show_idle(self) -> None:
        self.bar.setValue(0)
        self.show_text(NOT_STARTED)
        self.speed_label.setText("")
