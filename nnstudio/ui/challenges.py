"""The Challenges panel: a card per challenge, to start it and to check the network in the window against it.

**Start** opens the challenge's starting network in the window (asking about unsaved changes first) and
puts the window in the challenge's lesson state: the panels and tools the file hides are closed and cannot
be reopened, the locked ones are greyed. Leaving the challenge (its button, starting another one, or
opening another network) gives every one of them back as it was. **Check** runs every case and rule on the
window's network and lists each one green or red with the reason, and the score when there is one. Only the
challenge in progress can be checked (any other card would grade a network that is not its own), and its
results go when the attempt ends or another network is opened. Meanwhile the Answer panel reads a lone
output at the challenge's own line (:meth:`Challenge.answer_line`).

The cards come from ``resources/challenges`` (:func:`nnstudio.document.challenge_file.builtin_challenges`);
*Open challenge file...* adds a teacher's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QPainter, QPaintEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.challenge import Challenge, ChallengeError, CheckResult, SignsCase, check
from nnstudio.document.challenge_file import builtin_challenges, load_challenge
from nnstudio.document.fileformat import FormatError
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.outputs import OutputPanel
from nnstudio.ui.panel import Panel
from nnstudio.ui.theme import Tone, set_tone

if TYPE_CHECKING:
    from nnstudio.ui.main_window import MainWindow

DOCK_NAME = "challengesDock"
PASSED_MARK = "\u2714"
FAILED_MARK = "\u2718"
INTRO = "Tasks to solve by hand. Start one to open its network, change the network, then Check."
CHECK_TIP = "Run every case on the network in the window"
CHECK_OFF_TIP = (
    "Start this challenge first: Check grades the challenge's own network, and the window shows another one"
)


def _plain(text: str) -> str:
    """A menu entry's text without its shortcut marker and dots: "&Open..." reads "Open"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".\u2026")


def _named(widget: QWidget, name: str, accessible: str) -> None:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)


def _wrapping_label(text: str = "", name: str = "", accessible: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a challenge file's words are shown as written
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if name:
        _named(label, name, accessible)
    return label


class _ActionLock:
    """Keeps an action disabled while a challenge locks it, whatever else enables it meanwhile, and gives it
    back in the state its owner last asked for."""

    def __init__(self, action: QAction) -> None:
        self.action = action
        self.wanted = action.isEnabled()
        self._busy = False
        action.changed.connect(self._on_changed)
        action.setEnabled(False)

    def _on_changed(self) -> None:
        if self._busy or not self.action.isEnabled():
            return
        self.wanted = True
        self._busy = True
        self.action.setEnabled(False)
        self._busy = False

    def release(self) -> None:
        self.action.changed.disconnect(self._on_changed)
        self.action.setEnabled(self.wanted)


class ChallengeSession(QObject):
    """The challenge the window is in, and what it hid and locked there (to give back when it ends).

    ``changed(id)`` when a challenge starts or ends (an empty id: none is on).
    """

    changed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active: Challenge | None = None
        self.unknown_names: list[str] = []
        self._starting = False
        self._hidden_docks: list[tuple[QDockWidget, bool]] = []
        self._locked_docks: list[tuple[QDockWidget, bool]] = []
        self._hidden_actions: list[tuple[QAction, bool]] = []
        self._locks: list[_ActionLock] = []
        window.documentReplaced.connect(self._on_document_replaced)

    def start(self, challenge: Challenge) -> bool:
        """Open the challenge's starting network and hide and lock what it names; False if not started."""
        window = self.window
        if window.live is not None and window.live.locked:
            window.statusBar().showMessage("Training is running; stop it first.", 5000)
            return False
        try:
            document = challenge.start_document()
        except FormatError as exc:
            window.statusBar().showMessage(f"The challenge cannot start: {exc}", 8000)
            return False
        if not window.maybe_save():
            return False
        from nnstudio.ui.main_window import DocumentNotShown

        self.leave()
        self._starting = True
        try:
            window.set_document(document, None, name=challenge.title)
        except DocumentNotShown as exc:
            window.statusBar().showMessage(f"The challenge cannot start: {exc}", 8000)
            return False
        finally:
            self._starting = False
        self.active = challenge
        self._apply(challenge)
        self.changed.emit(challenge.id)
        # The title, short enough for a small window's status bar; the goal is on the card in full.
        window.statusBar().showMessage(
            f"Challenge started: {challenge.title}. Its goal and Check are in the Challenges panel.", 8000
        )
        return True

    def leave(self) -> None:
        """End the challenge: every panel and tool it hid or locked comes back as it was."""
        if self.active is None:
            return
        for lock in self._locks:
            lock.release()
        for action, visible in self._hidden_actions:
            action.setVisible(visible)
        for dock, enabled in self._locked_docks:
            if dock.widget() is not None:
                dock.widget().setEnabled(enabled)
        for dock, hidden in self._hidden_docks:
            dock.toggleViewAction().setVisible(True)
            dock.setHidden(hidden)
        self._locks, self._hidden_actions, self._locked_docks, self._hidden_docks = [], [], [], []
        self.active = None
        self.unknown_names = []
        self.changed.emit("")

    def lesson_lines(self) -> list[str]:
        """What the challenge in progress took away, in the words of the menus and panel titles."""
        lines = []
        hidden = [dock.windowTitle() for dock, _ in self._hidden_docks]
        hidden += [_plain(action.text()) for action, _ in self._hidden_actions]
        if hidden:
            lines.append(f"For this challenge, hidden: {', '.join(hidden)}.")
        locked = [dock.windowTitle() for dock, _ in self._locked_docks]
        locked += [_plain(lock.action.text()) for lock in self._locks]
        if locked:
            lines.append(f"Switched off: {', '.join(locked)}.")
        if self.unknown_names:
            names = ", ".join(self.unknown_names)
            lines.append(f"This window has no panel or tool called {names}; the challenge goes on without.")
        return lines

    def _on_document_replaced(self) -> None:
        if not self._starting:
            self.leave()

    def _apply(self, challenge: Challenge) -> None:
        window = self.window
        docks = {dock.objectName(): dock for dock in window.findChildren(QDockWidget)}
        actions = {
            action.objectName(): action for action in window.findChildren(QAction) if action.objectName()
        }
        unknown = []
        for name in challenge.hide:
            if name == DOCK_NAME:
                continue  # the panel that shows the challenge stays
            if name in docks:
                dock = docks[name]
                self._hidden_docks.append((dock, dock.isHidden()))
                dock.hide()
                dock.toggleViewAction().setVisible(False)
            elif name in actions:
                action = actions[name]
                self._hidden_actions.append((action, action.isVisible()))
                action.setVisible(False)
            else:
                unknown.append(name)
        for name in challenge.lock:
            if name in docks and name != DOCK_NAME:
                widget = docks[name].widget()
                if widget is not None:
                    self._locked_docks.append((docks[name], widget.isEnabled()))
                    widget.setEnabled(False)
            elif name in actions:
                self._locks.append(_ActionLock(actions[name]))
            elif name != DOCK_NAME:
                unknown.append(name)
        self.unknown_names = unknown


class SignsPicture(QWidget):
    """The picture a signs case asks a neuron's weights to draw: white for positive, black for negative,
    grey for zero, and a checkerboard where any weight will do."""

    CELL = 18

    def __init__(self, rows: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        width, height = len(rows[0]), len(rows)
        self.setFixedSize(width * self.CELL + 1, height * self.CELL + 1)
        words = {"+": "positive", "-": "negative", "0": "zero", ".": "any"}
        described = "; ".join(", ".join(words[c] for c in row) for row in rows)
        self.setToolTip(f"The weights' signs, row by row: {described}")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        size = self.CELL
        fills = {"+": QColor("white"), "-": QColor("black"), "0": QColor(128, 128, 128)}
        for r, row in enumerate(self.rows):
            for c, symbol in enumerate(row):
                cell = QRect(c * size, r * size, size, size)
                if symbol in fills:
                    painter.fillRect(cell, fills[symbol])
                else:
                    half = size // 2
                    painter.fillRect(cell, QColor(200, 200, 200))
                    painter.fillRect(QRect(cell.x(), cell.y(), half, half), QColor(150, 150, 150))
                    painter.fillRect(
                        QRect(cell.x() + half, cell.y() + half, half, half), QColor(150, 150, 150)
                    )
        painter.setPen(QColor(96, 96, 96))
        for k in range(len(self.rows[0]) + 1):
            painter.drawLine(k * size, 0, k * size, len(self.rows) * size)
        for k in range(len(self.rows) + 1):
            painter.drawLine(0, k * size, len(self.rows[0]) * size, k * size)
        painter.end()


# Cases failing for the same reason at least this many times are one row: the reason once, not a wall of it.
SAME_REASON_ROWS = 3


def _result_rows(result: CheckResult) -> list[tuple[bool, str, str]]:
    """(passed, text, name) per row: each case and rule, except that failed cases sharing one reason (say,
    the network has too few inputs for any of them) are one row."""
    reasons: dict[str, list[str]] = {}
    for case in result.cases:
        if not case.passed:
            reasons.setdefault(case.why, []).append(case.name)
    rows = []
    shown: set[str] = set()
    for item in [*result.cases, *result.rules]:
        names = reasons.get(item.why, []) if not item.passed and item in result.cases else []
        if len(names) < SAME_REASON_ROWS:
            rows.append((item.passed, f"{item.name}: {item.why}", item.name))
        elif item.why not in shown:
            shown.add(item.why)
            every = len(names) == len(result.cases)
            which = f"all {len(names)} cases" if every else f"{len(names)} cases, “{names[0]}” and others"
            why = (
                f"each {item.why.removeprefix('this case ')}"
                if item.why.startswith("this case ")
                else item.why
            )
            rows.append((False, f"{which}: {why}", which))
    return rows


class ChallengeCard(QFrame):
    """One challenge: its title and goal, Start and Check, and after a check every case green or red."""

    startRequested = Signal(object)
    checkRequested = Signal(object)

    def __init__(self, challenge: Challenge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.challenge = challenge
        key = challenge.id
        _named(self, f"challengeCard_{key}", f"Challenge: {challenge.title}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)

        self.title = _wrapping_label(challenge.title, f"challengeTitle_{key}", "Challenge title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.state = _wrapping_label("", f"challengeState_{key}", "Challenge state")
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.state, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(heading)
        self.goal = _wrapping_label(challenge.goal, f"challengeGoal_{key}", "Goal")
        layout.addWidget(self.goal)
        self.pictures: list[SignsPicture] = []
        for k, case in enumerate(c for c in challenge.cases if isinstance(c, SignsCase)):
            picture = SignsPicture(case.rows)
            _named(picture, f"challengePicture_{key}_{k}", f"The picture for {case.neuron}")
            caption = QLabel(f"The picture for {case.neuron}:")
            caption.setTextFormat(Qt.TextFormat.PlainText)
            row = QHBoxLayout()
            row.addWidget(caption, 0)
            row.addWidget(picture, 0)
            row.addStretch(1)
            layout.addLayout(row)
            self.pictures.append(picture)
        self.hint = _wrapping_label(challenge.hint, f"challengeHint_{key}", "Hint")
        self.hint.setVisible(False)
        set_tone(self.hint, Tone.PLAIN, "font-style: italic")
        layout.addWidget(self.hint)

        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start")
        _named(self.start_button, f"challengeStart_{key}", f"Start {challenge.title}")
        self.start_button.setToolTip("Open this challenge's starting network in the window")
        self.start_button.clicked.connect(lambda: self.startRequested.emit(self.challenge))
        self.check_button = QPushButton("Check")
        _named(self.check_button, f"challengeCheck_{key}", f"Check {challenge.title}")
        self.check_button.clicked.connect(lambda: self.checkRequested.emit(self.challenge))
        self.hint_button = QPushButton("Hint")
        _named(self.hint_button, f"challengeHintButton_{key}", f"Hint for {challenge.title}")
        self.hint_button.setCheckable(True)
        self.hint_button.setVisible(bool(challenge.hint))
        self.hint_button.toggled.connect(self.hint.setVisible)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.hint_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.note = _wrapping_label("", f"challengeNote_{key}", "Challenge note")
        self.note.setVisible(False)
        layout.addWidget(self.note)
        self.summary = _wrapping_label("", f"challengeSummary_{key}", "Check result")
        self.summary.setVisible(False)
        layout.addWidget(self.summary)
        self.results = QWidget()
        _named(self.results, f"challengeResults_{key}", "Every case's result")
        self.results_layout = QVBoxLayout(self.results)
        self.results_layout.setContentsMargins(0, 0, 0, 0)
        self.results_layout.setSpacing(2)
        self.results.setVisible(False)
        layout.addWidget(self.results)
        self.score = _wrapping_label("", f"challengeScore_{key}", "Score")
        self.score.setVisible(False)
        layout.addWidget(self.score)
        self.result: CheckResult | None = None
        self._stale = False
        # Solved once in this window: the card says so from then on, in progress or not.
        self.solved = False
        self._active = False
        self.set_active(False)

    def set_active(self, active: bool, session: ChallengeSession | None = None) -> None:
        """Mark the card as the challenge in progress or not; only the one in progress can be checked (any
        other would grade a network that was never its own)."""
        self._active = active
        self._show_state()
        self.start_button.setText("Start again" if active else "Start")
        self.check_button.setEnabled(active)
        self.check_button.setToolTip(CHECK_TIP if active else CHECK_OFF_TIP)
        lines = session.lesson_lines() if active and session is not None else []
        self.note.setText("\n".join(lines))
        self.note.setVisible(bool(lines))

    def _show_state(self) -> None:
        """Solved, in progress, or nothing: a solved challenge is not "in progress" beside its green result."""
        text = f"{PASSED_MARK} solved" if self.solved else "in progress" if self._active else ""
        self.state.setText(text)
        set_tone(self.state, Tone.DONE if text else Tone.PLAIN)

    def show_result(self, result: CheckResult) -> None:
        """List every case and rule, green or red with why, then the score."""
        self.result = result
        self._stale = False
        if result.passed and not self.solved:
            self.solved = True
            self._show_state()
        while self.results_layout.count():
            item = self.results_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        passed, total = result.counts
        if result.passed:
            self.summary.setText(f"{PASSED_MARK} Solved: all {total} passed.")
        else:
            self.summary.setText(f"{passed} of {total} passed; the red ones say what is still wrong.")
        set_tone(self.summary, Tone.DONE if result.passed else Tone.PROBLEM, "font-weight: bold")
        self.summary.setVisible(True)
        for k, (passed, text, name) in enumerate(_result_rows(result)):
            row = _wrapping_label(
                f"{PASSED_MARK if passed else FAILED_MARK} {text}",
                f"challengeCase_{self.challenge.id}_{k}",
                f"{'Passed' if passed else 'Failed'}: {name}",
            )
            set_tone(row, Tone.DONE if passed else Tone.PROBLEM)
            self.results_layout.addWidget(row)
        self.results.setVisible(True)
        # A score is earned by a solution: before every case passes it is only what the network would get.
        heading = "Score" if result.passed else "Score (counts once every case passes)"
        self.score.setText(f"{heading}: {result.score_text}" if result.score_text else "")
        self.score.setVisible(bool(result.score_text))

    def clear_result(self) -> None:
        """Forget the last check: the network it graded is gone, or its attempt is over."""
        self.result = None
        self._stale = False
        while self.results_layout.count():
            item = self.results_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        for label in (self.summary, self.score):
            label.setText("")
            label.setVisible(False)
        self.results.setVisible(False)

    def mark_stale(self) -> None:
        """The network changed after the check: say so, so old red and green marks are not taken as news."""
        if self.result is None or self._stale:
            return
        self._stale = True
        self.summary.setText(f"{self.summary.text()} The network has changed since: Check again.")
        set_tone(self.summary, Tone.PLAIN, "font-weight: bold")

    def case_rows(self) -> list[QLabel]:
        return [
            self.results_layout.itemAt(k).widget()
            for k in range(self.results_layout.count())
            if isinstance(self.results_layout.itemAt(k).widget(), QLabel)
        ]


class ChallengesPanel(Panel):
    """Every challenge as a card, the one in progress marked, and the way out of it."""

    def __init__(self, session: ChallengeSession, challenges: list[Challenge] | None = None) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("challengesPanel")
        self.setAccessibleName("Challenges")
        self._live: LiveNetwork | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.intro = _wrapping_label(
            INTRO,
            "challengesIntro",
            "About challenges",
        )
        layout.addWidget(self.intro)
        bar = QHBoxLayout()
        self.leave_button = QPushButton("Leave challenge")
        _named(self.leave_button, "challengesLeave", "Leave the challenge")
        self.leave_button.setToolTip("Bring back every panel and tool the challenge hid or locked")
        self.leave_button.clicked.connect(session.leave)
        self.leave_button.setVisible(False)
        self.open_button = QPushButton("Open challenge file...")
        _named(self.open_button, "challengesOpenFile", "Open a challenge file")
        self.open_button.setToolTip("Add a challenge written as a file (see docs/CHALLENGES.md)")
        self.open_button.clicked.connect(lambda: self.open_file())
        bar.addWidget(self.leave_button)
        bar.addWidget(self.open_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.message = _wrapping_label("", "challengesMessage", "Challenges message")
        self.message.setVisible(False)
        layout.addWidget(self.message)

        self.scroll = QScrollArea()
        _named(self.scroll, "challengesScroll", "Challenge cards")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards_holder = QWidget()
        self.cards_holder.setObjectName("challengeCards")
        self.cards_layout = QVBoxLayout(self.cards_holder)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.setSpacing(6)
        self.cards_layout.addStretch(1)
        self.scroll.setWidget(self.cards_holder)
        layout.addWidget(self.scroll, 1)
        self.cards: dict[str, ChallengeCard] = {}
        if challenges is None:
            try:
                challenges = builtin_challenges()
            except ChallengeError as exc:
                challenges = []
                self._say(f"The built-in challenges could not be read: {exc}", Tone.PROBLEM)
        for challenge in challenges:
            self.add_challenge(challenge)
        session.changed.connect(self._on_session_changed)
        # Results are of one network: File > New, opening a file or an example, starting a challenge (again)
        # all put another one in the window.
        session.window.documentReplaced.connect(self.clear_results)

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        if self._live is not None:
            self._watch(self._live.document.network.events, False)
        self._live = live
        self._watch(live.document.network.events, True)
        for card in self.cards.values():
            card.mark_stale()

    def shutdown(self) -> None:
        # Before the window keeps its panels' layout for next time: panels a lesson hid are not closed for good.
        self.session.leave()

    def _watch(self, events: object, on: bool) -> None:
        for name in ("structure", "neurons", "weights", "parameters"):
            event = getattr(events, name)
            if on:
                event.connect(self._on_network_changed)
            else:
                event.disconnect(self._on_network_changed)

    def _on_network_changed(self, *_args: object) -> None:
        for card in self.cards.values():
            card.mark_stale()

    def add_challenge(self, challenge: Challenge) -> ChallengeCard:
        """A card for ``challenge`` (replacing one with the same id)."""
        old = self.cards.pop(challenge.id, None)
        if old is not None:
            old.setParent(None)
            old.deleteLater()
        card = ChallengeCard(challenge)
        card.startRequested.connect(self.start)
        card.checkRequested.connect(self.check)
        self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
        card.show()  # at once, not when the layout's queued show comes: it may be scrolled to now
        self.cards[challenge.id] = card
        return card

    def open_file(self, path: Path | None = None) -> ChallengeCard | None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Open challenge", "", "Challenges (*.json)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            challenge = load_challenge(path)
        except ChallengeError as exc:
            self._say(str(exc), Tone.PROBLEM)
            return None
        card = self.add_challenge(challenge)
        self._say(f"Added “{challenge.title}” from {path.name}.", Tone.PLAIN)
        self.scroll.ensureWidgetVisible(card)
        return card

    def start(self, challenge: Challenge) -> bool:
        return self.session.start(challenge)

    def check(self, challenge: Challenge) -> CheckResult | None:
        """Grade the window's network against ``challenge``, if it is the one in progress (None if not)."""
        active = self.session.active
        if active is None or active.id != challenge.id:
            self.session.window.statusBar().showMessage(
                f"Start “{challenge.title}” first: Check grades the challenge's own network.", 8000
            )
            return None
        result = check(challenge, self.session.window.document)
        card = self.cards[challenge.id]
        card.show_result(result)
        QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(card.summary, 0, 0))
        return result

    def clear_results(self) -> None:
        for card in self.cards.values():
            card.clear_result()

    def _say(self, text: str, tone: Tone) -> None:
        self.message.setText(text)
        set_tone(self.message, tone)
        self.message.setVisible(bool(text))

    def _on_session_changed(self, active_id: str) -> None:
        # A check belongs to one attempt: starting a challenge (again) or leaving it ends the attempt.
        self.clear_results()
        # While a challenge is on, its card is the only one: its goal, Check and the results stay in view.
        for cid, card in self.cards.items():
            card.set_active(cid == active_id, self.session)
            card.setVisible(not active_id or cid == active_id)
        self.leave_button.setVisible(bool(active_id))
        self.open_button.setVisible(not active_id)
        self.intro.setText(
            "Change the network in the window, then Check. Leave the challenge to see the others again."
            if active_id
            else INTRO
        )


def install_challenges(window: MainWindow) -> ChallengesPanel:
    """The Challenges panel, docked beside the inspector, and *Tools > Challenges...* to bring it forward."""
    session = ChallengeSession(window)
    panel = ChallengesPanel(session)
    dock = window.add_panel(
        panel, "Challenges", Qt.DockWidgetArea.RightDockWidgetArea, DOCK_NAME, scrollable=False
    )
    action = QAction("&Challenges...", window)
    action.setObjectName("action_challenges")
    tip = "Tasks to solve by hand, each checked case by case"
    action.setStatusTip(tip)
    action.setToolTip(tip)

    def bring_forward() -> None:
        dock.show()
        dock.raise_()

    action.triggered.connect(lambda _checked=False: bring_forward())
    window.tools_menu.addAction(action)

    answer = window.findChild(OutputPanel)
    if answer is not None:
        # The Answer panel reads a lone output at the challenge's own line while it is on, so its yes and no
        # agree with what Check asks for.
        session.changed.connect(lambda _id: answer.set_challenge(session.active))
    window.challenges = panel  # type: ignore[attr-defined]
    return panel
