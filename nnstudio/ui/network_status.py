"""The status bar's lasting part: how big the network is, and why it cannot run yet (or, while it is
still being built, what to add next)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar

from nnstudio.engine.graph import Network
from nnstudio.ui.theme import Tone, set_tone


def network_size_text(network: Network) -> str:
    """``14,874 neurons, 5,120 connections, 48 kernels (12,800 weights)``: a convolution's weights are its
    kernels', shared by every place it looks, not connections of their own."""
    n, e = len(network.neurons), len(network.edges)
    text = f"{n:,} neuron{'s' if n != 1 else ''}, {e:,} connection{'s' if e != 1 else ''}"
    kernels = [conv.kernel for conv in network.convolutions.values() if conv.kernel is not None]
    if kernels:
        count, weights = sum(k.shape[0] for k in kernels), sum(k.size for k in kernels)
        text += f", {count:,} kernel{'s' if count != 1 else ''} ({weights:,} weights)"
    return text


def building_hint(network: Network) -> str | None:
    """What to add next while the network lacks inputs or outputs; None once it has both."""
    if not network.neurons:
        return "To start, drag neurons from the Neurons palette onto the canvas."
    if not network.inputs():
        return "Next: add input neurons (or an image grid) from the Neurons palette."
    if not network.outputs():
        return "Next: add an output neuron from the Neurons palette."
    return None


class NetworkStatus:
    """Two labels kept at the right of ``status_bar``: the problem (hidden when there is none), the size."""

    def __init__(self, status_bar: QStatusBar) -> None:
        self.size_label = QLabel()
        self.size_label.setObjectName("networkSize")
        self.size_label.setAccessibleName("Network size")
        self.problem_label = QLabel()
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)  # problems name neurons from the file
        self.problem_label.setObjectName("networkProblem")
        self.problem_label.setAccessibleName("Why the network cannot run")
        set_tone(self.problem_label, Tone.PROBLEM)
        status_bar.addPermanentWidget(self.problem_label)
        status_bar.addPermanentWidget(self.size_label)

    def show(self, network: Network, problem: str | None) -> None:
        """``problem``: why the network cannot run, None when it can."""
        self.size_label.setText(network_size_text(network))
        hint = building_hint(network) if problem else None
        if hint is not None:
            # A network still being built is not broken: say what to do next, in the ordinary colour.
            self.problem_label.setText(hint)
            set_tone(self.problem_label, Tone.PLAIN)
        else:
            self.problem_label.setText(f"Cannot run: {problem}" if problem else "")
            set_tone(self.problem_label, Tone.PROBLEM)
        self.problem_label.setVisible(bool(problem))
