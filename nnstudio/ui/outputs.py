"""The output panel: the network's answer, one labelled bar per output neuron.

Softmax outputs read as percentages (they share out 100% between them); any other output shows its value
with two decimals. The top answer is drawn bold in the highlight colour and named above the bars.

A lone output is a yes/no question: yes above the middle of its activation's range, no below, undecided right
on it; while a challenge is on, at the line its above/below cases draw, so the panel and Check agree.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnstudio.document.challenge import AnswerLine, Challenge
from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.message_stack import MessageStack
from nnstudio.ui.panel import Panel
from nnstudio.ui.plain_text import plain_tooltip
from nnstudio.ui.theme import GRAPHIC_CONTRAST, readable_on
from nnstudio.ui.widgets.signals import SignalLinks

# Two outputs closer than this are a tie: the network has not decided between them.
TIE_TOLERANCE = 1e-6
# What the answer line says while an animation carries the input towards the outputs (short: it is large).
WAITING_TEXT = "Answer: waiting…"
WAITING_DESCRIPTION = "The answer shows when the animation reaches the outputs."


def format_output(value: float, percent: bool) -> str:
    """An output as the panel shows it: ``73%`` for softmax outputs, ``0.75`` for any other."""
    if not math.isfinite(value):
        return "—"
    text = f"{value * 100:.0f}%" if percent else f"{value:.2f}"
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _as_line(threshold: float | AnswerLine) -> AnswerLine:
    return threshold if isinstance(threshold, AnswerLine) else AnswerLine(threshold, threshold)


def rule_text(line: AnswerLine) -> str:
    """``yes above 0.5, no below 0.5``, or with a band: ``..., undecided between 0 and 0.5``; a line whose
    bounds count: ``yes at 0.8 or more, no at 0.2 or less, ...``."""
    yes, no = f"{line.yes_above:g}", f"{line.no_below:g}"
    if line.inclusive:
        text = f"yes at {yes} or more, no at {no} or less"
    else:
        text = f"yes above {yes}, no below {no}"
    return text + (f", undecided between {no} and {yes}" if line.no_below < line.yes_above else "")


def value_beside_line(value: float, line: AnswerLine, percent: bool) -> str:
    """The value as the panel shows it, with more digits when two would show it on a line it is not on
    (``0.003`` is a yes at a line of 0, though it shows as ``0.00``)."""
    shown = format_output(value, percent)
    if percent or not math.isfinite(value):
        return shown
    for bound in (line.yes_above, line.no_below):
        if value != bound and shown == format_output(bound, False):
            for digits in range(3, 7):
                text = f"{value:.{digits}f}"
                if float(text) != bound:
                    return text
            return f"{value:.2g}"
    return shown


def answer_text(
    labels: list[str], outputs: np.ndarray, percent: bool, threshold: float | AnswerLine = 0.5
) -> str:
    """``Answer: horizontal``, or a tie named as such (``Answer: undecided — solid and vertical tie``).

    A lone output is a yes/no question, answered at ``threshold`` (its activation's, or a challenge's
    :class:`AnswerLine`): ``Answer: go? no (0.00)``; the output's name alone would read as the answer
    whatever its value. Right on the line it is ``undecided``."""
    if outputs.size == 0:
        return ""
    if outputs.size == 1:
        value = float(outputs[0])
        if not math.isfinite(value):
            return f"{labels[0]}: {format_output(value, percent)}"
        line = _as_line(threshold)
        return f"Answer: {labels[0]}? {line.verdict(value)} ({value_beside_line(value, line, percent)})"
    order = np.argsort(-outputs, kind="stable")
    best, second = int(order[0]), int(order[1])
    if abs(float(outputs[best]) - float(outputs[second])) <= TIE_TOLERANCE:
        tied = [labels[i] for i in order if abs(float(outputs[i]) - float(outputs[best])) <= TIE_TOLERANCE]
        return f"Answer: undecided — {_joined(tied)} tie"
    return f"Answer: {labels[best]}"


class BarColours(NamedTuple):
    """What an output bar paints with: its texts on the window, the track, the bar and truth line on it,
    and the tick at zero."""

    text: QColor
    window: QColor
    track: QColor
    bar: QColor
    truth: QColor
    zero: QColor


class OutputBar(QWidget):
    """One output: its label, a horizontal bar and the value as text; bold and coloured for the answer."""

    LABEL_WIDTH = 96  # at most; short labels (digits) take less, leaving the bar more room
    MIN_BAR_WIDTH = 30

    def __init__(self, index: int, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.label = label
        self.value = 0.0
        self.low = -1.0
        self.high = 1.0
        self.percent = False
        self.highlighted = False
        self.truth: float | None = None
        # A lone output's answer line(s), marked on the bar, and the rule they draw in words.
        self.lines: tuple[float, ...] = ()
        self.rule = ""
        self.label_width = self.LABEL_WIDTH
        # Room for the widest value ("-0.00", "100%") in bold, and a little space before a scroll bar.
        bold = QFont(self.font())
        bold.setBold(True)
        self.value_width = QFontMetrics(bold).horizontalAdvance("-0.00") + 10
        self.setObjectName(f"outputBar_{index}")
        self.setAccessibleName(f"Output {label}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._describe()

    @property
    def value_text(self) -> str:
        return format_output(self.value, self.percent)

    def sizeHint(self) -> QSize:
        return QSize(self.label_width + self.value_width + 160, max(20, self.fontMetrics().height() + 6))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.label_width + self.value_width + self.MIN_BAR_WIDTH, self.sizeHint().height())

    def set_label_width(self, width: int) -> None:
        if width != self.label_width:
            self.label_width = width
            self.updateGeometry()
            self.update()

    def set_state(
        self, value: float, low: float, high: float, percent: bool, highlighted: bool, truth: float | None
    ) -> None:
        state = (value, low, high, percent, highlighted, truth)
        if state == (self.value, self.low, self.high, self.percent, self.highlighted, self.truth):
            return
        self.value, self.low, self.high, self.percent, self.highlighted, self.truth = state
        self._describe()
        self.update()

    def set_lines(self, lines: tuple[float, ...], rule: str) -> None:
        """Mark where a lone output's yes begins (and its no, when a challenge leaves a band between)."""
        if (lines, rule) != (self.lines, self.rule):
            self.lines, self.rule = lines, rule
            self._describe()
            self.update()

    def _describe(self) -> None:
        text = f"{self.label}: {self.value_text}"
        if self.highlighted:
            text += " (the answer)"
        if self.truth is not None:
            text += f"; truth {self.truth:g}"
        if self.rule:
            text += f"; {self.rule} (the dashed marks)"
        self.setAccessibleDescription(text)
        self.setToolTip(plain_tooltip(text))

    def _x_of(self, value: float, left: float, width: float) -> float:
        span = self.high - self.low if self.high > self.low else 1.0
        return left + width * float(np.clip((value - self.low) / span, 0.0, 1.0))

    def colours(self) -> BarColours:
        """The colours the bar paints with, taken from its palette so that they read in a light theme and
        a dark one: text at the guidelines' 4.5:1 on the window, the bar and the truth line at 3:1 (what they
        ask of graphics) on the track. Blue for a positive value, grey for a negative one, green for the
        truth; the answer in the accent's hue (the highlight colour itself is a background colour, too
        faint for text on most themes)."""
        palette = self.palette()
        window = palette.window().color()
        track = palette.alternateBase().color().darker(108)
        accent = palette.highlight().color()
        accent_hue, accent_saturation = max(0, accent.hslHue()), accent.hslSaturation()
        if self.highlighted:
            text = readable_on(window, accent_hue, accent_saturation)
            bar = readable_on(track, accent_hue, accent_saturation, GRAPHIC_CONTRAST)
        else:
            text = palette.windowText().color()
            hue, saturation = (215, 120) if self.value >= 0 else (240, 8)
            bar = readable_on(track, hue, saturation, GRAPHIC_CONTRAST)
        truth = readable_on(track, 135, 150, GRAPHIC_CONTRAST)
        return BarColours(text, window, track, bar, truth, palette.mid().color())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colours = self.colours()
        font = QFont(self.font())
        font.setBold(self.highlighted)
        painter.setFont(font)
        h = self.height()
        label_rect = QRectF(0, 0, self.label_width - 6, h)
        painter.setPen(colours.text)
        right_aligned = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        elide = Qt.TextElideMode.ElideRight
        elided = self.fontMetrics().elidedText(self.label, elide, int(label_rect.width()))
        painter.drawText(label_rect, right_aligned, elided)

        left = float(self.label_width)
        width = max(10.0, self.width() - self.label_width - self.value_width - 6)
        track = QRectF(left, 4, width, h - 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.track)
        painter.drawRoundedRect(track, 3, 3)
        zero = self._x_of(0.0, left, width)
        end = self._x_of(self.value, left, width) if math.isfinite(self.value) else zero
        painter.setBrush(colours.bar)
        painter.drawRect(QRectF(min(zero, end), 5, abs(end - zero), h - 10))
        if self.low < 0.0 < self.high:
            painter.setPen(QPen(colours.zero, 1))
            painter.drawLine(int(zero), 3, int(zero), h - 3)
        if self.lines:
            painter.setPen(QPen(colours.text, 1, Qt.PenStyle.DashLine))
            for line in self.lines:
                x = self._x_of(line, left, width)
                painter.drawLine(int(x), 1, int(x), h - 1)
        if self.truth is not None:
            x = self._x_of(self.truth, left, width)
            painter.setPen(QPen(colours.truth, 2))
            painter.drawLine(int(x), 1, int(x), h - 1)

        painter.setPen(colours.text)
        # A little space on the right, so the value never touches a scroll bar beside the bars.
        value_rect = QRectF(self.width() - self.value_width, 0, self.value_width - 4, h)
        painter.drawText(value_rect, right_aligned, self.value_text)
        painter.end()


class OutputPanel(Panel):
    """Each output as a labelled bar, the answer named above; follows ``LiveNetwork.valuesChanged``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outputPanel")
        self.setAccessibleName("Network outputs")
        self.setToolTip("What the network answers for the current input")
        self.live: LiveNetwork | None = None
        self.undo_stack: QUndoStack | None = None
        self._links = SignalLinks()
        self.bars: list[OutputBar] = []
        self._labels: list[str] = []
        # While an animation plays, the answer waits for the signal to reach the outputs (hold_answer).
        self._held = False
        # The challenge in progress: its above/below cases say where a lone output's yes begins.
        self._challenge: Challenge | None = None

        self.answer_label = QLabel(self)
        self.answer_label.setTextFormat(Qt.TextFormat.PlainText)  # output labels come from the file
        self.answer_label.setObjectName("outputAnswer")
        self.answer_label.setAccessibleName("Answer")
        self.answer_label.setToolTip("The output with the highest value")
        font = self.answer_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.answer_label.setFont(font)
        # A tie names every output level at the top: it wraps rather than widening the panel.
        self.answer_label.setWordWrap(True)
        self.kind_label = QLabel(self)
        self.kind_label.setTextFormat(Qt.TextFormat.PlainText)
        self.kind_label.setObjectName("outputKind")
        self.kind_label.setAccessibleName("How the outputs read")
        self.kind_label.setWordWrap(True)

        self.bars_box = QWidget()
        self.bars_layout = QGridLayout(self.bars_box)
        self.bars_layout.setContentsMargins(0, 0, 0, 0)
        self.bars_layout.setVerticalSpacing(2)
        self.bars_layout.setHorizontalSpacing(8)
        self.columns = 1
        scroll = QScrollArea(self)
        scroll.setObjectName("outputBars")
        scroll.setAccessibleName("Output bars")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.bars_box)
        self.bars_scroll = scroll

        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.answer_label)
        content_layout.addWidget(self.kind_label)
        content_layout.addWidget(scroll, 1)
        self.stack = MessageStack(content, "outputMessage", "Outputs message", self)
        self.message = self.stack.message
        self._content = content
        self.stack.install_in(self)
        self._show_message("Open or build a network to see its answer here.")

    def bind(self, live: LiveNetwork, undo_stack: QUndoStack) -> None:
        self._links.disconnect_all()
        self.live = live
        self.undo_stack = undo_stack
        self._links.connect(live.valuesChanged, self.refresh)
        self._links.connect(live.planChanged, self.refresh)
        self._links.connect(live.truthChanged, self.refresh)
        self.refresh()

    def set_challenge(self, challenge: Challenge | None) -> None:
        """Answer a lone output at ``challenge``'s line while it is in progress (None: the activation's)."""
        self._challenge = challenge
        self.refresh()

    def answer_line(self) -> tuple[AnswerLine, bool]:
        """Where the lone output's yes begins, and whether that is the challenge's line (not its activation's)."""
        live = self.live
        if live is None or live.plan is None or len(live.plan.output_ids) != 1:
            return AnswerLine(0.5, 0.5), False
        output_id = live.plan.output_ids[0]
        network = live.document.network
        if self._challenge is not None:
            line = self._challenge.answer_line(network, output_id)
            if line is not None:
                return line, True
        threshold = ACTIVATIONS[network.neurons[output_id].activation].threshold
        return AnswerLine(threshold, threshold), False

    def _show_message(self, text: str) -> None:
        self.stack.show_message(text)

    def _rebuild_bars(self, labels: list[str]) -> None:
        for bar in self.bars:
            self.bars_layout.removeWidget(bar)
            # Hidden first: a bar made moments ago still has the layout's queued show coming, which would
            # otherwise show it as a window of its own once it has no parent.
            bar.hide()
            bar.setParent(None)
            bar.deleteLater()
        self.bars = []
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        longest = max((QFontMetrics(bold).horizontalAdvance(label) for label in labels), default=0)
        label_width = min(OutputBar.LABEL_WIDTH, max(longest, metrics.horizontalAdvance("00")) + 12)
        for i, label in enumerate(labels):
            bar = OutputBar(i, label, self.bars_box)
            bar.set_label_width(label_width)
            self.bars.append(bar)
        self._labels = list(labels)
        self.columns = 0
        self._place_bars()

    def _wanted_columns(self) -> int:
        """Two columns when there are many outputs (the ten digits) and room for two bars side by side, so
        every output shows without scrolling."""
        if len(self.bars) <= 6:
            return 1
        room = self.bars_scroll.viewport().width()
        one = self.bars[0].minimumSizeHint().width()
        return 2 if room >= 2 * one + self.bars_layout.horizontalSpacing() else 1

    def _place_bars(self) -> None:
        columns = self._wanted_columns()
        if columns == self.columns:
            return
        self.columns = columns
        layout = self.bars_layout
        for bar in self.bars:
            layout.removeWidget(bar)
        rows = -(-len(self.bars) // columns)
        for i, bar in enumerate(self.bars):
            layout.addWidget(bar, i % rows, i // rows)  # down the first column, then the second
        for row in range(layout.rowCount()):
            layout.setRowStretch(row, 0)
        layout.setRowStretch(rows, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.bars:
            self._place_bars()

    def sizeHint(self) -> QSize:
        """Tall enough to show every bar, in as many columns as they take now (the scroll area around the
        bars hints at a few lines only, and a window dividing its room asks this how much the answer needs)."""
        hint = super().sizeHint()
        if not self.bars or self.stack.currentWidget() is not self._content or not self.isVisible():
            return hint
        around = self.height() - self.bars_scroll.viewport().height()  # the answer, the labels, margins
        return QSize(hint.width(), around + self.bars_box.sizeHint().height())

    def answer(self) -> str:
        """The answer line as shown (``Answer: horizontal``)."""
        return self.answer_label.text()

    def shown_values(self) -> dict[str, str]:
        """Each output's label and the value text its bar shows."""
        return {bar.label: bar.value_text for bar in self.bars}

    def hold_answer(self) -> None:
        """An animation starts carrying the input forward: say the answer is on its way (the bars dimmed, as
        they were) and keep it back until :meth:`release_answer`, so the answer never runs ahead of it."""
        self._held = True
        if self.bars and self.stack.currentWidget() is self._content:
            self.answer_label.setText(WAITING_TEXT)
            self.answer_label.setAccessibleDescription(WAITING_DESCRIPTION)
            self.bars_box.setEnabled(False)

    def release_answer(self) -> None:
        """The signal reached the outputs (or the animation ended): show the answer."""
        if not self._held:
            return
        self._held = False
        self.bars_box.setEnabled(True)
        self.refresh()

    def refresh(self) -> None:
        live = self.live
        if live is None or self._held:
            return
        network = live.document.network
        if live.plan is None:
            if not network.outputs():
                self._show_message("This network has no outputs yet. Add an output neuron to see its answer.")
            elif not network.inputs():
                self._show_message("This network has no inputs yet. Add input neurons to feed it.")
            else:
                self._show_message(f"The network cannot run: {live.problem}")
            return
        labels = live.output_labels()
        outputs = live.outputs().astype(np.float64)
        if outputs.size != len(labels):
            self._show_message("Feed the network an input to see its answer.")
            return
        if labels != self._labels:
            self._rebuild_bars(labels)
        neurons = [network.neurons[nid] for nid in live.plan.output_ids]
        activations = [ACTIVATIONS[n.activation] for n in neurons]
        percent = all(a.joint for a in activations)
        finite = outputs[np.isfinite(outputs)]
        scale = max(1.0, float(np.abs(finite).max()) if finite.size else 1.0)
        truth = live.truth
        if truth is not None and truth.size != outputs.size:
            truth = None
        best = int(np.argmax(np.nan_to_num(outputs, nan=-np.inf))) if outputs.size > 1 else -1
        line, challenge_line = self.answer_line()
        text = answer_text(labels, outputs, percent, line)
        tie = text.startswith("Answer: undecided")
        for i, (bar, act) in enumerate(zip(self.bars, activations, strict=True)):
            low = act.low if math.isfinite(act.low) else -scale
            high = act.high if math.isfinite(act.high) else scale
            bar.set_state(
                float(outputs[i]),
                low,
                high,
                percent,
                i == best and not tie,
                None if truth is None else float(truth[i]),
            )
        self.answer_label.setText(text)
        self.answer_label.setAccessibleDescription(text)
        kind = self._kind_text(activations, percent, len(labels), truth is not None)
        lone = len(labels) == 1 and not percent
        lines = tuple(sorted({line.no_below, line.yes_above})) if lone else ()
        if self.bars:
            self.bars[0].set_lines(lines, rule_text(line) if lone else "")
        if lone and math.isfinite(float(outputs[0])):
            kind = self._line_text(activations[0].title, line, challenge_line, float(outputs[0]))
            kind += " Green marks the truth." if truth is not None else ""
        self.kind_label.setText(kind)
        self.stack.show_content()
        self._place_bars()

    @staticmethod
    def _line_text(kind: str, line: AnswerLine, challenge_line: bool, value: float) -> str:
        """How a lone output is read: where yes and no begin (the challenge's line, when it has one), and why
        the answer is undecided when it is."""
        marks = "the dashed marks" if line.no_below < line.yes_above else "the dashed mark"
        if challenge_line:
            text = f"{kind} output. For this challenge: {rule_text(line)} ({marks})."
        else:
            text = f"{kind} output: {rule_text(line)} ({marks})."
        if not line.inclusive and value in (line.yes_above, line.no_below):
            text += f" {format_output(value, False)} is right on the line, so it is neither."
        return text

    @staticmethod
    def _kind_text(activations: list, percent: bool, count: int, has_truth: bool) -> str:
        """What the bars mean, in a sentence or two."""
        if percent:
            text = "How sure the network is of each answer (softmax: they add up to 100%)."
        else:
            kinds = " or ".join(sorted({a.title for a in activations}))
            text = (
                f"{kinds} outputs; the highest is the answer."
                if count > 1
                else f"{kinds} output: yes above {activations[0].threshold:g}, no below."
            )
        if has_truth:
            text += " Green marks the truth."
        return text
