"""The guided tour: four short steps on the four-pixel camera, each pointing at the part of the window it is
about: paint a line, read the answer, change a weight, press Train.

The camera's weights are wired by hand: training it (after the weight the person just changed) teaches
nothing true, its answers even grow weaker. So the Train step opens the same task for a network that starts
from random weights and learns it (the four-pixel learner), putting the camera's tour edits back first so
nothing asks to be saved; the card follows the run: running, then how it ended.

A card in a corner of the canvas says what to do; a frame drawn around the panel in question shows where.
Each step notices when the person has done it (the line painted, a weight changed, training started) and
says so, but Next is always there, and Skip (or Escape) ends the tour at any step. Once finished or skipped
it is not offered first again (kept in the settings); the Help menu's Guided Tour starts it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QDockWidget, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from nnstudio.examples import example_info
from nnstudio.ui.theme import Tone, set_tone
from nnstudio.ui.training import TrainingPanel
from nnstudio.ui.widgets.signals import SignalLinks

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow

# Settings key: the tour was finished or skipped once (so the start page no longer puts it first).
TOUR_DONE_KEY = "firstRun/tourDone"
TOUR_EXAMPLE = "four-pixel-camera"
# The network the Train step trains: the camera's task, learned from random weights.
TRAIN_EXAMPLE = "four-pixel-learner"
CARD_WIDTH = 340
MIN_CARD_WIDTH = 230
# The frame around the panel a step is about.
HIGHLIGHT = QColor(240, 150, 20)
HIGHLIGHT_WIDTH = 4
# How often the frame follows panels that moved (docks dragged, the window resized); cheap geometry only.
FOLLOW_INTERVAL_MS = 250

# The 2x2 lines, -1 black .. +1 white: the top row against the bottom row, or the left column against the right.
LINES = np.array([(1, 1, -1, -1), (-1, -1, 1, 1), (1, -1, 1, -1), (-1, 1, -1, 1)], dtype=np.float32)


def tour_done(settings: QSettings) -> bool:
    value = settings.value(TOUR_DONE_KEY, False)
    return value in (True, "true", "1", 1)


@dataclass(frozen=True)
class TourStep:
    """One step: what to do, what it is about, and the widget it points at (in the window given)."""

    key: str
    title: str
    text: str
    done_text: str
    target: Callable[[MainWindow], QWidget | None]
    dock: str | None = None
    # The panel the card sits over when the step is about the canvas (the card then keeps the canvas clear).
    card_over: str | None = None


def _dock_widget(name: str) -> Callable[[MainWindow], QWidget | None]:
    def find(window: MainWindow) -> QWidget | None:
        dock = window.findChild(QDockWidget, name)
        return None if dock is None else dock.widget()

    return find


def _train_button(window: MainWindow) -> QWidget | None:
    return window.findChild(QPushButton, "trainingTrain")


STEPS: tuple[TourStep, ...] = (
    TourStep(
        "paint",
        "Paint a line",
        "This is the four-pixel camera: four pixels in, and four answers out (solid, vertical, diagonal,"
        " horizontal). On the Drawing pad, paint a horizontal line: left-click the two top pixels to make"
        " them white, right-click the two bottom ones to make them black. (The Shapes buttons under the"
        " pixels paint one in a click.)",
        "That is a line. Press Next to see what the network makes of it.",
        _dock_widget("padDock"),
        "padDock",
        "inspectorDock",
    ),
    TourStep(
        "answer",
        "Read the answer",
        "The Answer panel shows how strongly each output responds. The highest one is the network's"
        " answer. The Error table panel compares the answer with the truth: its total is how far off the"
        " network is, and training makes it smaller.",
        "",
        _dock_widget("outputsDock"),
        "outputsDock",
        "inspectorDock",
    ),
    TourStep(
        "weight",
        "Change a weight",
        "Each line on the canvas is a connection, and its weight says how much one neuron's value"
        " counts in the next one: white lines add, black lines subtract. Click a connection, then change"
        " its weight in the Inspector, and watch the neurons and the answer change.",
        "Every neuron after that connection took the new weight into its sum: a network is nothing"
        " more than weights and sums.",
        lambda window: window.canvas,
        "inspectorDock",
        "padDock",
    ),
    TourStep(
        "train",
        "Press Train",
        "Training finds the weights for you: it shows the network its examples, measures the error and"
        " nudges every weight to make the error smaller, again and again. The camera's weights were set by"
        " hand, so here is the same task for a network that starts from random weights (the camera's edits"
        " were put back). Press Train and watch the error fall.",
        "Training is running: watch the error fall in the Error plot. Pause or Stop it whenever you like.",
        _train_button,
        "trainingDock",
        "padDock",
    ),
)


class TourHighlight(QWidget):
    """A frame drawn around one part of the window, over everything, letting every click through."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("tourHighlight")
        self.setAccessibleName("Tour highlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target_rect = QRect()

    def set_target(self, rect: QRect) -> None:
        if rect != self.target_rect:
            self.target_rect = rect
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.target_rect.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(HIGHLIGHT, HIGHLIGHT_WIDTH))
        margin = HIGHLIGHT_WIDTH // 2 + 1
        painter.drawRoundedRect(self.target_rect.adjusted(margin, margin, -margin, -margin), 8, 8)
        painter.end()


class GuidedTour(QFrame):
    """The tour's card over the window's canvas, with Back, Next (Finish) and Skip tour.

    ``ended(bool)`` says whether the person went through to the end (True) or skipped (False).
    """

    stepChanged = Signal(int)
    ended = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("tourCard")
        self.setAccessibleName("Guided tour")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFixedWidth(CARD_WIDTH)  # until placed: then as wide as the place it goes to allows
        self.index = -1
        self.step_done = False
        self._following_document = False
        self._opening_learner = False
        self._ended = False
        self._links = SignalLinks()
        self.highlight = TourHighlight(window)
        self.highlight.hide()

        self.counter = QLabel(self)
        self.counter.setObjectName("tourCounter")
        self.counter.setAccessibleName("Tour step number")
        self.title = QLabel(self)
        self.title.setObjectName("tourTitle")
        self.title.setAccessibleName("Tour step")
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.2)
        self.title.setFont(bold)
        self.text = QLabel(self)
        self.text.setObjectName("tourText")
        self.text.setAccessibleName("What to do")
        self.text.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("tourStatus")
        self.status.setAccessibleName("Step done")
        self.status.setWordWrap(True)
        set_tone(self.status, Tone.DONE, "font-weight: bold")
        self.back_button = QPushButton("&Back", self)
        self.next_button = QPushButton("&Next", self)
        self.skip_button = QPushButton("&Skip Tour", self)
        for button, name, accessible in (
            (self.back_button, "tourBack", "Previous step"),
            (self.next_button, "tourNext", "Next step"),
            (self.skip_button, "tourSkip", "Skip the tour"),
        ):
            button.setObjectName(name)
            button.setAccessibleName(accessible)
        self.skip_button.setToolTip("End the tour (Escape); Help > Guided Tour starts it again")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.skip_button.clicked.connect(lambda: self.end(finished=False))
        self.next_button.setDefault(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counter)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.hide()

        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_INTERVAL_MS)
        self._follow.timeout.connect(self.place)
        window.installEventFilter(self)

    # ------------------------------------------------------------------ running
    def begin(self) -> bool:
        """Open the four-pixel camera (unless it is open, untouched) and show the first step; False when
        the person chose to keep their unsaved work instead."""
        window = self.window_
        title = example_info(TOUR_EXAMPLE).title
        fresh = window.path is None and window.display_name() == title and not window.is_modified()
        if not fresh and not window.open_example(TOUR_EXAMPLE):
            self._close_up()
            return False
        # Opening another network mid-tour leaves the camera behind: the tour ends there.
        window.documentReplaced.connect(self._document_replaced)
        self._following_document = True
        self.show()
        self.highlight.show()
        self.go_to(0)
        self.next_button.setFocus()
        self._follow.start()
        return True

    @property
    def step(self) -> TourStep:
        return STEPS[self.index]

    def go_to(self, index: int) -> None:
        self.index = max(0, min(index, len(STEPS) - 1))
        step = self.step
        self._links.disconnect_all()
        self.step_done = False
        self.counter.setText(f"Guided tour, step {self.index + 1} of {len(STEPS)}")
        self.title.setText(step.title)
        self.text.setText(step.text)
        self._set_status("")
        self.back_button.setEnabled(self.index > 0)
        last = self.index == len(STEPS) - 1
        self.next_button.setText("&Finish" if last else "&Next")
        self.next_button.setAccessibleName("Finish the tour" if last else "Next step")
        if step.dock is not None:
            dock = self.window_.findChild(QDockWidget, step.dock)
            if dock is not None:
                dock.show()
                dock.raise_()  # the front tab of its group
        self._watch(step)
        self.place()
        self.stepChanged.emit(self.index)

    def next(self) -> None:
        if self.index >= len(STEPS) - 1:
            self.end(finished=True)
            return
        if STEPS[self.index + 1].key == "train":
            self._open_learner()
        self.go_to(self.index + 1)

    def _open_learner(self) -> None:
        """Put the camera's tour edits back and open the network that learns the same task."""
        window = self.window_
        if window.path is not None or window.display_name() == example_info(TRAIN_EXAMPLE).title:
            return  # a file of the person's own, or the learner already: nothing to swap
        stack = window.undo_stack
        if (
            window.display_name() == example_info(TOUR_EXAMPLE).title
            and stack is not None
            and stack.cleanIndex() >= 0
        ):
            # The tour opened the camera untouched: every change since is one of its exercises.
            stack.setIndex(stack.cleanIndex())
        self._opening_learner = True
        try:
            window.open_example(TRAIN_EXAMPLE)
        finally:
            self._opening_learner = False

    def back(self) -> None:
        if self.index > 0:
            self.go_to(self.index - 1)

    def end(self, finished: bool) -> None:
        """End the tour (finished or skipped alike, it is not offered first again)."""
        if self._ended:
            return
        self._ended = True
        self.window_.settings.setValue(TOUR_DONE_KEY, True)
        self._close_up()
        self.ended.emit(finished)

    def _close_up(self) -> None:
        self._follow.stop()
        self._links.disconnect_all()
        self.window_.removeEventFilter(self)
        if self._following_document:
            self._following_document = False
            self.window_.documentReplaced.disconnect(self._document_replaced)
        self.highlight.hide()
        self.hide()
        self.highlight.deleteLater()
        self.deleteLater()

    def _document_replaced(self) -> None:
        if not self._opening_learner:
            self.end(finished=False)

    # ------------------------------------------------------------------ noticing what the person did
    def _watch(self, step: TourStep) -> None:
        live = self.window_.live
        if live is None:
            return
        if step.key == "paint":
            self._links.connect(live.valuesChanged, self._check_line)
            self._check_line()
        elif step.key == "answer":
            self._links.connect(live.valuesChanged, self._show_answer)
            self._show_answer()
        elif step.key == "weight":
            self._links.connect(self.window_.document.network.events.weights, self._mark_done)
        elif step.key == "train":
            self._links.connect(live.lockedChanged, self._training_locked)
            panel = self._training_panel()
            if panel is not None:
                self._links.connect(panel.controller.ended, self._training_ended)
            if live.locked:
                self._training_locked(True)

    def _check_line(self) -> None:
        live = self.window_.live
        if live is not None and live.input.size == 4 and bool(np.any(np.all(live.input == LINES, axis=1))):
            self._mark_done()

    def _show_answer(self) -> None:
        live = self.window_.live
        answer = None if live is None else live.answer()
        if answer is not None:
            self._set_status(f"The network's answer now: {answer}.")

    def _training_panel(self) -> TrainingPanel | None:
        return self.window_.findChild(TrainingPanel)

    def _training_locked(self, locked: bool) -> None:
        if locked:
            self.step_done = True
            self._set_status(f"✓ {self.step.done_text}")

    def _training_ended(self, outcome: str, message: str) -> None:
        """The run is over: say how it ended (its own words: steps, error, samples right) and what the
        network answers now, instead of a card still saying that training runs."""
        live = self.window_.live
        answer = None if live is None else live.answer()
        said = f" For the pad's picture it now answers {answer}." if answer else ""
        self.step_done = True
        self._set_status(
            f"✓ {message}{said} That is the tour: press Finish, then paint on the pad to try it."
        )

    def _mark_done(self, *_args: object) -> None:
        if not self.step_done:
            self.step_done = True
            self._set_status(f"✓ {self.step.done_text}")
            self.place()

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        if self.isVisible():
            self.place()

    # ------------------------------------------------------------------ where things go
    def target_rect(self) -> QRect:
        """The step's widget in the window's coordinates (empty when it is hidden)."""
        target = self.step.target(self.window_) if self.index >= 0 else None
        if target is None or not target.isVisible():
            return QRect()
        return QRect(target.mapTo(self.window_, QPoint(0, 0)), target.size())

    def place(self) -> None:
        """Frame the step's widget, and put the card in the corner of the canvas away from it."""
        window = self.window_
        if self.index < 0:
            return
        self.highlight.setGeometry(window.rect())
        target = self.target_rect()
        self.highlight.set_target(target)
        canvas = window.canvas
        area = QRect(canvas.mapTo(window, QPoint(0, 0)), canvas.size())
        margin = 12
        width = CARD_WIDTH
        corner: QPoint | None = None
        over = window.findChild(QDockWidget, self.step.card_over) if self.step.card_over else None
        if over is not None and over.isVisible():
            # The step is about the canvas itself: the card sits over a panel this step does not need.
            place = QRect(over.mapTo(window, QPoint(0, 0)), over.size())
            width = max(MIN_CARD_WIDTH, min(CARD_WIDTH, place.width() - 2 * margin))
            corner = place.topLeft() + QPoint(margin, margin + 20)  # below the panel's title
        else:
            # Under the canvas legend: the card never hides what the colours mean.
            legend = getattr(canvas, "legend", None)
            top = area.top() + margin
            if legend is not None and legend.isVisible():
                top = legend.mapTo(window, QPoint(0, legend.height())).y() + margin
            if target.isNull() or target.center().x() < area.center().x():
                corner = QPoint(area.right() - width - margin, top)
            else:
                corner = QPoint(area.left() + margin, top)
        # The text wraps to the card's width: its height is the layout's for that width, not a size hint.
        layout = self.layout()
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else self.sizeHint().height()
        x = max(0, min(corner.x(), window.width() - width))
        y = max(0, min(corner.y(), window.height() - height))
        self.setFixedWidth(width)
        self.setGeometry(x, y, width, height)
        self.highlight.raise_()
        self.raise_()

    def event(self, event: QEvent) -> bool:
        # Escape on the card skips the tour: claimed before the window's shortcuts (Esc also stops training).
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.end(finished=False)
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_ and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            QTimer.singleShot(0, self, self.place)
        return False
