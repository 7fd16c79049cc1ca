"""The Run controls: Train, Pause, Stop, Step and Randomize as actions (the Run menu, the keys), the Run
toolbar, and what each command does to the Training panel and the Animation bar.

The window owns one :class:`RunControls`; the commands reach the panels only once
:meth:`RunControls.connect` has them (``add_standard_panels`` does it after docking them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar, QToolButton, QWidget

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow

RUN_KEYS = ("train", "pause", "stop", "step", "randomize")


class RunControls:
    """The run actions in ``window.actions`` (made with ``make_action(key, text, slot, shortcut, tip)``),
    enabled to match what is going on: training, paused, animating, locked, or a network that cannot run."""

    def __init__(self, window: MainWindow, make_action: Callable[..., QAction]) -> None:
        self._window = window
        self._make_action = make_action
        # The Training panel and Animation bar the commands drive (see connect).
        self.training: Any = None
        self.animation: Any = None

    def build_actions(self) -> None:
        """Randomize, then Train, Pause, Stop and Step, with the keys debuggers and media players taught
        people: F5 runs, Shift+F5 stops, F10 steps."""
        actions = self._window.actions
        self._make_action(
            "randomize",
            "&Randomize Weights",
            self._randomize_command,
            "Ctrl+R",
            "Draw new random weights (frozen ones stay) and set the trainable biases to zero",
        )
        icon = self._window.style().standardIcon
        pixmap = QStyle.StandardPixmap
        commands = (
            ("train", "&Train", self._train_command, ("F5", "Ctrl+Return"), pixmap.SP_MediaPlay,
             "Train the network on the chosen dataset"),
            ("pause", "&Pause", self._pause_command, ("F6",), pixmap.SP_MediaPause,
             "Pause training, or resume it"),
            ("stop", "St&op", self._stop_command, ("Shift+F5", "Esc"), pixmap.SP_MediaStop,
             "Stop training, or the animation, keeping the weights reached"),
            ("step", "&Step", self._step_command, ("F10",), pixmap.SP_MediaSkipForward,
             "One training step on the next sample: forward, backward, then every weight changes a little, "
             "animated at the speed of the Animation slider"),
        )  # fmt: skip
        for key, text, slot, keys, standard_icon, tip in commands:
            action = self._make_action(key, text, slot, tip=tip)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setIcon(icon(standard_icon))
        actions["pause"].setCheckable(True)
        actions["randomize"].setIcon(icon(pixmap.SP_BrowserReload))
        actions["randomize"].setIconText("Randomize")  # the toolbar's short name
        for key in RUN_KEYS:
            action = actions[key]
            shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.toolTip() or action.text().replace('&', '')} ({shown})")
        self.update_actions()

    def build_toolbar(self, view_menu: QMenu) -> QToolBar:
        """The Run toolbar at the top of the window; View lists it so it can be hidden and shown again."""
        window = self._window
        toolbar = QToolBar("Run", window)
        toolbar.setObjectName("runToolBar")
        toolbar.setAccessibleName("Run")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for key in RUN_KEYS:
            toolbar.addAction(window.actions[key])
        for action in toolbar.actions():
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setObjectName(f"runToolButton_{action.objectName().removeprefix('action_')}")
                button.setAccessibleName(action.text().replace("&", ""))
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        toggle = toolbar.toggleViewAction()
        # "Run" alone, ticked in the View menu, reads like a command: it is the toolbar's switch.
        toggle.setText("Run &Toolbar")
        toggle.setToolTip("Show or hide the Run toolbar (Train, Pause, Stop, Step, Randomize)")
        toggle.setObjectName("action_runToolBar")
        view_menu.addAction(toggle)
        return toolbar

    def connect(self, training: Any, animation: Any, answer_panels: Sequence[QWidget]) -> None:
        """Drive the Training panel (``start_training``, ``toggle_pause``, ``randomize``, its ``controller``)
        and the Animation bar (``step``, its ``animator``); make every answer panel wait for the animation
        (``connect_answer``)."""
        self.training, self.animation = training, animation
        controller, animator = training.controller, animation.animator
        for signal in (controller.runningChanged, controller.pausedChanged):
            signal.connect(self.update_actions)
        for signal in (animator.started, animator.finished, animator.cancelled):
            signal.connect(self.update_actions)
        for widget in answer_panels:
            animation.connect_answer(widget)
        # The panels' buttons do what the commands do; their tooltips teach the same keys.
        actions = self._window.actions
        for button, key in (
            (training.train_button, "train"),
            (training.pause_button, "pause"),
            (training.stop_button, "stop"),
            (training.step_button, "step"),
            (training.randomize_button, "randomize"),
            (animation.step_button, "step"),
        ):
            button.setToolTip(actions[key].toolTip())
        self.update_actions()

    def update_actions(self, *_args: object) -> None:
        training, animation, live = self.training, self.animation, self._window.live
        connected = training is not None and animation is not None and live is not None
        running = connected and training.controller.running
        paused = running and training.controller.paused
        animating = connected and animation.animator.running
        locked = live is not None and live.locked
        # A network that cannot run yet (the status bar says what it lacks) has nothing to train or step.
        runnable = live is not None and live.plan is not None
        actions = self._window.actions
        actions["train"].setEnabled(connected and runnable and (not running or paused))
        actions["pause"].setEnabled(running)
        actions["pause"].setChecked(paused)
        self._show_pause_or_resume(paused)
        actions["stop"].setEnabled(running or animating)
        actions["step"].setEnabled(connected and runnable and not running and not locked and not animating)
        actions["randomize"].setEnabled(runnable and not running and not locked)

    def _show_pause_or_resume(self, paused: bool) -> None:
        """While paused the command reads Resume (as the panel's button does): it says what pressing it does."""
        action = self._window.actions["pause"]
        text, verb, icon = (
            ("&Resume", "Resume training", QStyle.StandardPixmap.SP_MediaPlay)
            if paused
            else ("&Pause", "Pause training, or resume it", QStyle.StandardPixmap.SP_MediaPause)
        )
        if action.text() == text:
            return
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setText(text)
        action.setIconText(text.replace("&", ""))
        action.setToolTip(f"{verb} ({keys})")
        action.setIcon(self._window.style().standardIcon(icon))
        for widget in action.associatedObjects():
            if isinstance(widget, QToolButton):
                widget.setAccessibleName(text.replace("&", ""))

    def _train_command(self) -> None:
        if self.training is None:
            return
        if self.training.controller.paused:
            self.training.controller.resume()
            return
        if self.animation is not None:
            self.animation.animator.cancel()
        # The Training panel comes forward either way: it shows the run, or why it could not start.
        self.training.start_training()
        self._window.bring_panel_forward(self.training)

    def _pause_command(self) -> None:
        if self.training is not None:
            self.training.toggle_pause()
        self.update_actions()

    def _stop_command(self) -> None:
        if self.training is not None and self.training.controller.running:
            self.training.controller.stop()
        elif self.animation is not None:
            self.animation.animator.cancel()

    def _step_command(self) -> None:
        if self.animation is not None:
            self.animation.step()

    def _randomize_command(self) -> None:
        """Randomize as the Training panel does (its method and seed, its plot cleared) when there is one."""
        if self._window.refuse_while_locked():
            return
        if self.training is not None:
            self.training.randomize()
        else:
            self._window.randomize_weights()
