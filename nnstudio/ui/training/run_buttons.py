"""The Training panel's run buttons: Train, Pause, Stop, Step, Randomize weights, and the choice of pace
("As fast as possible", kept between sessions)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QPushButton

from nnstudio.ui.settings import studio_settings

from .naming import named

# The person's choice of pace, kept between sessions: True trains as fast as possible.
FASTEST_KEY = "training/as_fast_as_possible"
# A run takes at least this long unless the person asks for full speed: the four-pixel learner's 4,800 steps
# would otherwise be over in about a second, too fast to see the error fall or a weight change.
WATCHABLE_SECONDS = 6.0


class RunButtons:
    """The buttons and the pace box in their grid (``grid``), which the panel lays out and connects."""

    def __init__(self) -> None:
        self.randomize_button = named(
            QPushButton("Randomize weights"), "trainingRandomize", "Randomize weights"
        )
        self.train_button = named(QPushButton("Train"), "trainingTrain", "Train")
        self.pause_button = named(QPushButton("Pause"), "trainingPause", "Pause or resume training")
        self.step_button = named(QPushButton("Step"), "trainingStep", "One training step on one sample")
        self.stop_button = named(QPushButton("Stop"), "trainingStop", "Stop training")
        self.fastest = named(QCheckBox("As fast as possible"), "trainingFastest", "Train as fast as possible")
        self.fastest.setToolTip(
            f"Unticked, a short run is spread over at least {WATCHABLE_SECONDS:g} seconds, so you can watch the "
            f"error fall and the weights change. Ticked, training goes at full speed."
        )
        self.fastest.setChecked(_stored_bool(FASTEST_KEY))
        self.fastest.toggled.connect(self._remember_pace)
        self.grid = QGridLayout()
        self.grid.addWidget(self.train_button, 0, 0)
        self.grid.addWidget(self.pause_button, 0, 1)
        self.grid.addWidget(self.stop_button, 0, 2)
        self.grid.addWidget(self.step_button, 1, 0)
        self.grid.addWidget(self.randomize_button, 1, 1, 1, 2)
        self.grid.addWidget(self.fastest, 2, 0, 1, 3)

    def show_state(self, runnable: bool, running: bool, animating: bool) -> None:
        """Train, Step and Randomize for a network that can run and is not training (Step not while a step
        plays); Pause and Stop while it trains."""
        for button in (self.train_button, self.step_button, self.randomize_button):
            button.setEnabled(runnable)
        self.step_button.setEnabled(runnable and not animating)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)

    def show_paused(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")

    def _remember_pace(self, fastest: bool) -> None:
        settings = studio_settings()
        settings.setValue(FASTEST_KEY, fastest)
        settings.sync()


def _stored_bool(key: str) -> bool:
    """A yes/no preference (an INI file gives it back as the text "true" or "false")."""
    value = studio_settings().value(key, False)
    return value.strip().lower() in ("true", "1", "yes") if isinstance(value, str) else bool(value)
