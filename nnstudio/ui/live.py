"""The running network behind the window: the compiled plan, the current input and what every neuron holds.

Views (canvas, output panel, error tables) subscribe to :class:`LiveNetwork` rather than computing anything.
It listens to the document's network and recompiles or reloads weights when the network changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from nnstudio.document.model import Document
from nnstudio.engine.graph import GraphError
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import ForwardResult, Plan, compile_network

Array = np.ndarray


@dataclass(frozen=True)
class ErrorTable:
    """Seed 002's error table for the current input: one row per output, and the total."""

    labels: list[str]
    truth: Array
    answer: Array
    error: Array
    total: float
    loss_name: str


def opening_sample(document: Document) -> tuple[Array, Array] | None:
    """Something worth showing when a document opens: its own first sample, else the first sample with a
    class in its built-in training data (e.g. a solid white image for the four-pixel camera, a digit for the
    digit readers). None when there is nothing that fits the network."""
    from nnstudio.data import BUILTIN_DATASETS, DataError, load_dataset
    from nnstudio.data.points import fit_dataset_to, is_point_spec

    data = document.dataset
    spec = document.training_data
    known = spec is not None and (spec in BUILTIN_DATASETS or is_point_spec(spec))
    if (data is None or len(data) == 0) and known:
        try:
            # Points in the plane become the features the inputs name (X1^2, sin X1, ...).
            data = fit_dataset_to(load_dataset(spec), document.network)
        except DataError:
            return None
    if data is None or len(data) == 0:
        return None
    labelled = np.flatnonzero(data.classes >= 0)
    row = int(labelled[0]) if labelled.size else 0
    return data.inputs[row], data.targets[row]


class LiveNetwork(QObject):
    """Owns the compiled plan of a document's network and the current input.

    Signals:
    - ``valuesChanged()``: new activations (input, weights or structure changed); read :meth:`values`.
    - ``planChanged()``: the structure changed and the plan was rebuilt (or could not be: :attr:`problem`).
    - ``truthChanged()``: the chosen truth for the error table changed.
    - ``lockedChanged(bool)``: editing is locked (training runs) or unlocked; views disable their editing.
    - ``parametersShown()``: the plan took a training run's newest weights that the network does not hold
      yet (:meth:`show_parameters`); views that draw weights read them from :attr:`plan`.

    While a run trains, its frames go to the plan alone (:meth:`show_parameters`): every neuron is computed
    again and the canvas redraws from the plan, but the network (what the inspector, a save and undo read)
    takes the weights less often and at the run's end, since writing 1.86M weights into it costs a frame's
    whole budget. :attr:`ahead` says the plan holds values the network does not.
    """

    valuesChanged = Signal()
    planChanged = Signal()
    truthChanged = Signal()
    lockedChanged = Signal(bool)
    parametersShown = Signal()

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.plan: Plan | None = None
        self.problem: str | None = None
        self.forward_result: ForwardResult | None = None
        self._input: Array = np.zeros(0, dtype=np.float32)
        self._truth: Array | None = None
        self._locked = False
        self._ahead = False
        events = document.network.events
        events.structure.connect(self._on_structure)
        events.neurons.connect(self._on_neurons)
        events.weights.connect(self._on_weights)
        events.parameters.connect(self._on_parameters)
        self._rebuild()

    def detach(self) -> None:
        """Stop listening to the network (the window is closing or the document was replaced)."""
        events = self.document.network.events
        events.structure.disconnect(self._on_structure)
        events.neurons.disconnect(self._on_neurons)
        events.weights.disconnect(self._on_weights)
        events.parameters.disconnect(self._on_parameters)

    # ---------------------------------------------------------------- editing lock
    @property
    def locked(self) -> bool:
        return self._locked

    def set_locked(self, locked: bool) -> None:
        """While training runs, edits are refused everywhere, so the network never races the trainer."""
        if locked != self._locked:
            self._locked = locked
            self.lockedChanged.emit(locked)

    # ---------------------------------------------------------------- a run's weights, shown
    @property
    def ahead(self) -> bool:
        """The plan shows weights (a training frame's) that the network does not hold yet."""
        return self._ahead

    def show_parameters(self, flat: Array) -> bool:
        """Show a run's newest weights without writing them into the network: ``flat`` (laid out like the
        plan's flat buffer) goes into the plan in one copy, every neuron is computed again, and
        ``parametersShown`` follows. False (nothing shown) when the plan is not the network's current one.
        The next change of the network itself (the run's end writing its weights) replaces these values."""
        plan = self.plan
        network = self.document.network
        if (
            plan is None
            or plan.structure_revision != network.structure_revision
            or plan.revision != network.revision
            or flat.shape != plan.flat.shape
        ):
            return False
        np.copyto(plan.flat, flat, casting="unsafe")
        self._ahead = True
        self._recompute()
        self.parametersShown.emit()
        return True

    def write_shown_parameters(self) -> None:
        """Let the network take the weights the plan shows ahead of it (a save during a run keeps what the
        canvas shows, not the network's last, older copy). Nothing to do when the plan is not ahead."""
        if self._ahead and self.plan is not None:
            self.plan.write_back(self.document.network)

    # ---------------------------------------------------------------- input and truth
    @property
    def input(self) -> Array:
        return self._input.copy()

    @property
    def n_inputs(self) -> int:
        return 0 if self.plan is None else self.plan.n_inputs

    def set_input(self, values: Array) -> None:
        """Feed one input (one value per input neuron, in input order) and recompute every neuron."""
        values = np.asarray(values, dtype=np.float32).ravel()
        if self.plan is not None and values.size != self.plan.n_inputs:
            raise ValueError(f"the network takes {self.plan.n_inputs} inputs, got {values.size}")
        self._input = values.copy()
        self._recompute()

    @property
    def truth(self) -> Array | None:
        return None if self._truth is None else self._truth.copy()

    def show_sample(self, inputs: Array, truth: Array | None) -> bool:
        """Feed a sample and its truth, if they fit the network; whether they did."""
        if self.plan is None or np.size(inputs) != self.plan.n_inputs:
            return False
        if truth is not None and np.size(truth) != self.plan.n_outputs:
            truth = None
        self._truth = None if truth is None else np.asarray(truth, dtype=np.float32).ravel().copy()
        self.truthChanged.emit()
        self.set_input(inputs)
        return True

    def set_truth(self, truth: Array | None) -> None:
        self._truth = None if truth is None else np.asarray(truth, dtype=np.float32).ravel().copy()
        self.truthChanged.emit()
        self.valuesChanged.emit()

    def set_truth_label(self, label: str | None) -> None:
        """Truth as seed 002 picks it: 1 for the chosen output, 0 for the others; None clears it."""
        if label is None or self.plan is None:
            self.set_truth(None)
            return
        labels = self.output_labels()
        truth = np.zeros(len(labels), dtype=np.float32)
        truth[labels.index(label)] = 1.0
        self.set_truth(truth)

    # ---------------------------------------------------------------- reading
    def output_labels(self) -> list[str]:
        if self.plan is None:
            return []
        neurons = self.document.network.neurons
        return [neurons[nid].label or nid for nid in self.plan.output_ids]

    def values(self) -> dict[str, tuple[float, float]]:
        """id -> (weighted sum, activation) for the current input; empty when the network cannot run."""
        if self.plan is None or self.forward_result is None:
            return {}
        return self.plan.neuron_values(self.forward_result, 0)

    def level_values(self) -> list[tuple[list[str], Array, Array]]:
        """The same values a level at a time: (its neuron ids, their weighted sums, their activations) in
        the plan's order; empty when the network cannot run. Views showing every neuron take these arrays
        instead of one dictionary entry per neuron."""
        if self.plan is None or self.forward_result is None:
            return []
        fw = self.forward_result
        return [
            (level.ids, fw.sums[li][0], fw.activations[li][0]) for li, level in enumerate(self.plan.levels)
        ]

    def activations(self) -> dict[str, float]:
        return {nid: a for nid, (_, a) in self.values().items()}

    def outputs(self) -> Array:
        if self.forward_result is None:
            return np.zeros(0, dtype=np.float32)
        return self.forward_result.output[0].copy()

    def answer(self) -> str | None:
        out = self.outputs()
        if out.size == 0:
            return None
        return self.output_labels()[int(np.argmax(out))]

    def error_table(self) -> ErrorTable | None:
        if self._truth is None or self.forward_result is None or self.plan is None:
            return None
        answer = self.outputs().astype(np.float64)
        truth = self._truth.astype(np.float64)
        if truth.size != answer.size:
            return None
        loss = LOSSES[self.document.training.loss]
        error = loss.elementwise(answer, truth)
        return ErrorTable(self.output_labels(), truth, answer, error, float(error.sum()), loss.name)

    # ---------------------------------------------------------------- keeping in step
    def _on_structure(self) -> None:
        self._rebuild()

    def _on_parameters(self, *_args: object) -> None:
        if self._needs_rebuild():
            return
        # A training frame hands its values to this plan directly (it is then current): no second copy.
        if self.plan.revision != self.document.network.revision:  # type: ignore[union-attr]
            self.plan.read_parameters(self.document.network)  # type: ignore[union-attr]
        self._ahead = False
        self._recompute()

    def _on_weights(self, edge_ids: list[str]) -> None:
        """Some weights (or frozen marks) changed: copy just those into the plan and run again."""
        if self._needs_rebuild():
            return
        if self._catch_up():
            return
        self.plan.read_weights(self.document.network, edge_ids)  # type: ignore[union-attr]
        self._recompute()

    def _on_neurons(self, neuron_ids: list[str]) -> None:
        """Neurons changed: a move or a new name changes no number, so nothing runs again."""
        if self._needs_rebuild():
            return
        network = self.document.network
        if self.plan.revision == network.revision:  # type: ignore[union-attr]
            return
        if self._catch_up():
            return
        self.plan.read_biases(network, neuron_ids)  # type: ignore[union-attr]
        self._recompute()

    def _catch_up(self) -> bool:
        """The network changed while the plan showed weights it does not hold: the network's own values
        are the truth again, all of them (not only the changed ones). Whether it did that."""
        if not self._ahead:
            return False
        self._ahead = False
        self.plan.read_parameters(self.document.network)  # type: ignore[union-attr]
        self._recompute()
        return True

    def _needs_rebuild(self) -> bool:
        """Rebuild (and say so) when there is no plan or the network's structure changed."""
        if self.plan is None or self.plan.structure_revision != self.document.network.structure_revision:
            self._rebuild()
            return True
        return False

    def _rebuild(self) -> None:
        self._ahead = False
        old_inputs = self.plan.n_inputs if self.plan is not None else None
        try:
            self.plan = compile_network(self.document.network)
            self.problem = None
        except GraphError as exc:
            self.plan = None
            self.problem = str(exc)
        if self.plan is not None and (
            old_inputs != self.plan.n_inputs or self._input.size != self.plan.n_inputs
        ):
            self._input = np.zeros(self.plan.n_inputs, dtype=np.float32)
        if self.plan is not None and self._truth is not None and self._truth.size != self.plan.n_outputs:
            self._truth = None
        self.planChanged.emit()
        self._recompute()

    def _recompute(self) -> None:
        if self.plan is None or self._input.size != self.plan.n_inputs:
            self.forward_result = None
        else:
            # Weights from a file may be huge: the values then show as not finite, which the views say;
            # numpy need not warn about the overflow on the way.
            with np.errstate(over="ignore", invalid="ignore"):
                self.forward_result = self.plan.forward(self._input)
        self.valuesChanged.emit()
