"""A neuron's arithmetic in the inspector: each product a piece of text the mouse can point at.

``0.50 x -0.20 + 0.00 x 0.00 + -0.75 x 0.80 + 0.75 x -0.50 = -1.075`` then ``tanh(-1.075) = -0.791``, as
"How neural networks work" (Brandon Rohrer) adds it up; a step neuron as a threshold, ``3x4 + 2x2 + 4x2 +
2x1 = 26 > 25 -> go``. Pointing at a product says which connection and which neuron it comes from
(``termHovered``), so the canvas can light them. The numbers come from :mod:`nnstudio.engine.explain`; this only lays them out.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QEnterEvent, QFocusEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnstudio.engine.explain import NeuronArithmetic, fmt, fmt_sum
from nnstudio.engine.graph import Network
from nnstudio.ui.plain_text import plain_tooltip
from nnstudio.ui.widgets.flow_layout import FlowLayout

# How a product looks while the mouse is on it: the colour of the canvas's pulse, so the term and its
# connection read as one thing.
_HOVER_STYLE = "background: rgb(255, 236, 110); color: black; border-radius: 3px;"
_TERM_STYLE = "border-radius: 3px;"


CAPTION = "How it adds up: each value × its weight (point at one to light its connection)"


class TermLabel(QLabel):
    """One product of the sum; says when the mouse enters it (its connection, or "" for a kernel's weight, and
    its source neuron) or leaves it ("", "")."""

    hovered = Signal(str, str)

    def __init__(self, text: str, edge_id: str, source: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.edge_id = edge_id
        self.source = source
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(_TERM_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Tab reaches each product too, so the keyboard can light connections as the mouse does.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def _light(self, on: bool) -> None:
        self.setStyleSheet(_HOVER_STYLE if on else _TERM_STYLE)
        self.hovered.emit(self.edge_id if on else "", self.source if on else "")

    def enterEvent(self, event: QEnterEvent) -> None:
        self._light(True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if not self.hasFocus():
            self._light(False)
        super().leaveEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._light(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._light(False)
        super().focusOutEvent(event)


class ArithmeticView(QWidget):
    """Shows one :class:`NeuronArithmetic`, or a line saying why there is none.

    ``termHovered(edge_id, source_id)``: the mouse is on the product of this connection (edge "" for a
    kernel's weight) from this neuron; both "" when it left.
    """

    termHovered = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arithmeticView")
        self.setAccessibleName("The neuron's arithmetic")
        self._terms_box = QWidget()
        self._terms_box.setObjectName("arithmeticTerms")
        self._terms_box.setAccessibleName("The sum, product by product")
        self._flow = FlowLayout(self._terms_box, spacing=2)
        self.squash = QLabel()
        self.squash.setObjectName("arithmeticActivation")
        self.squash.setAccessibleName("The activation applied to the sum")
        self.squash.setTextFormat(Qt.TextFormat.PlainText)
        self.squash.setWordWrap(True)
        self.squash.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel(CAPTION)
        self.caption.setObjectName("arithmeticCaption")
        self.caption.setAccessibleName("What the arithmetic shows")
        self.caption.setWordWrap(True)
        caption_font = self.caption.font()
        caption_font.setItalic(True)
        self.caption.setFont(caption_font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self._terms_box)
        layout.addWidget(self.squash)
        self._arithmetic: NeuronArithmetic | None = None
        self._hovered = ""
        self._hovered_source = ""
        self.term_labels: list[TermLabel] = []

    # ------------------------------------------------------------------ showing
    def show_arithmetic(self, arithmetic: NeuronArithmetic | None, network: Network | None = None) -> None:
        """Lay out ``arithmetic``'s terms (rebuilt only when the numbers differ from those shown)."""
        if arithmetic == self._arithmetic:
            return
        self._arithmetic = arithmetic
        self._clear()
        if arithmetic is None:
            self.squash.setText("")
            return
        self.caption.setVisible(not arithmetic.is_input)
        # A neuron of a convolution or pooling layer says which window it reads instead.
        self.caption.setText(arithmetic.where or CAPTION)
        pieces = self._pieces(arithmetic, network)
        for text, edge_id, source, tip in pieces:
            if source:
                label: QLabel = TermLabel(text, edge_id, source)
                label.hovered.connect(self._on_term_hovered)  # type: ignore[attr-defined]
                label.setObjectName(f"arithmeticTerm{len(self.term_labels)}")
                label.setAccessibleName(tip)
                label.setToolTip(plain_tooltip(tip))
                self.term_labels.append(label)  # type: ignore[arg-type]
            else:
                label = QLabel(text)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setObjectName("arithmeticPart")
                label.setAccessibleName(tip or text)
                if tip:
                    label.setToolTip(plain_tooltip(tip))
            self._flow.addWidget(label)
        squash = arithmetic.activation_line()
        self.squash.setText(squash)
        self.squash.setVisible(bool(squash))
        self._terms_box.updateGeometry()
        if self._hovered_source and (self._hovered, self._hovered_source) not in {
            (t.edge_id, t.source) for t in self.term_labels
        }:
            self._on_term_hovered("", "")

    def text(self) -> str:
        """Everything shown, as one would read it aloud: the sum's line, then the activation's."""
        if self._arithmetic is None:
            return ""
        return "\n".join(self._arithmetic.lines())

    def _clear(self) -> None:
        self.term_labels = []
        while self._flow.count():
            item = self._flow.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    @staticmethod
    def _pieces(a: NeuronArithmetic, network: Network | None) -> list[tuple[str, str, str, str]]:
        """(text, edge id, source neuron id, tooltip) for each piece of the sum's line, in reading order; the
        ids are "" for a piece that is not one product (a kernel's weight has a source but no edge)."""
        if a.is_input or a.pooling:
            return [(a.sum_line(), "", "", "")]

        def name(nid: str) -> str:
            if network is not None and nid in network.neurons:
                return network.neurons[nid].display_name
            return nid

        whole = a.compact()
        shown = a.shown_terms()
        pieces: list[tuple[str, str, str, str]] = []
        for k, term in enumerate(shown):
            plus = "" if k == 0 else "+ "
            tip = (
                f"from {name(term.source)}: its value {fmt(term.value)} times the weight {fmt(term.weight)}"
                f" = {fmt_sum(term.product)}"
            )
            pieces.append((plus + a.term_text(term), term.edge, term.source, tip))
        count, rest = a.hidden_terms()
        if count:
            pieces.append(
                (
                    f"+ {count} more terms summing to {fmt_sum(rest, whole)}",
                    "",
                    "",
                    f"the {count} smaller products of the {len(a.terms)} connections, added up",
                )
            )
        if not a.terms:
            pieces.append(("0 (no incoming connections)", "", "", ""))
        if a.is_threshold:
            # The line's end: the weighted sum against the threshold and the answer.
            tail = a.sum_line().rsplit(" = ", 1)[1]
            tip = f"the threshold is minus the bias ({fmt(a.bias, whole)}); a step fires only above it"
            pieces.append((f"= {tail}", "", "", tip))
            return pieces
        if a.bias != 0 or not a.terms:
            pieces.append((f"+ {fmt(a.bias, whole)} (bias)", "", "", "the neuron's bias, added to every sum"))
        pieces.append((f"= {fmt_sum(a.sum, whole)}", "", "", "the sum that goes into the activation"))
        return pieces

    # ------------------------------------------------------------------ hovering
    def _on_term_hovered(self, edge_id: str, source: str) -> None:
        self._hovered, self._hovered_source = edge_id, source
        self.termHovered.emit(edge_id, source)

    def hovered_edge(self) -> str:
        return self._hovered

    def hovered_source(self) -> str:
        return self._hovered_source

    def hideEvent(self, event: QEvent) -> None:
        if self._hovered_source:
            self._on_term_hovered("", "")
        super().hideEvent(event)
