"""The training worker: the engine's ``train`` generator on a thread of its own, sending paced copies.

The worker trains its OWN plan (compiled from a copy of the network), so the window's plan and network are
never touched from the worker thread. Between steps it checks a stop flag and a pause flag; every ~1/30 s it
emits a :class:`TrainingUpdate` whose arrays are fresh copies the worker never writes again.

Every signal carries the run number the worker was started with, so a controller can ignore messages of a
run it already gave up (queued signals may still arrive after it stopped listening).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from nnstudio.engine.graph import Network
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.plan import ForwardResult, Gradients, Plan
from nnstudio.engine.train import Diverged, EpochEnd, Step, TrainSettings, train

Array = np.ndarray

# At most this many updates a second reach the window: painting shares the GIL with training.
UPDATES_PER_SECOND = 30.0
# The trainer lets the GUI thread have the GIL at least this often. Small numpy calls never release it, and
# a thread that waits for it otherwise waits the interpreter's whole switch interval (5 ms) every time.
YIELD_INTERVAL = 0.001
# A hold (the window drawing a frame) never keeps training waiting longer than this.
HOLD_LIMIT = 0.25


@dataclass(frozen=True, slots=True)
class TrainingUpdate:
    """A paced progress report. Every array is a copy made for this report alone.

    ``losses`` holds the loss of every step since the previous report, the last one being step ``step``.
    ``parameters`` is the plan's parameter list (weights per block, then biases per level) after that step.
    """

    run: int
    parameters: list[Array]
    losses: Array
    epoch: int
    epochs: int
    step: int
    samples_seen: int
    samples_per_second: float
    fraction: float
    elapsed: float

    @property
    def first_step(self) -> int:
        return self.step - len(self.losses) + 1

    @property
    def seconds_left(self) -> float | None:
        if self.fraction <= 0:
            return None
        return max(0.0, self.elapsed * (1.0 - self.fraction) / self.fraction)


class TrainingWorker(QObject):
    """Runs :func:`nnstudio.engine.train.train` on its own plan; lives on a QThread (``moveToThread``).

    Signals (each carries the run number first):
    - ``progress(run, TrainingUpdate)``: at most :data:`UPDATES_PER_SECOND` a second, and once at the end.
    - ``epochEnded(run, EpochEnd)``: after every epoch, with training (and test) loss and accuracy.
    - ``diverged(run, Diverged)``: a NaN or Inf stopped training; the plan holds the last good weights.
    - ``finished(run, outcome)``: the run is over: ``"completed"``, ``"stopped"`` or ``"diverged"``.
      :attr:`final_parameters` holds the weights it ended with.
    - ``failed(run, message)``: the run could not go on (bad settings or data, or an unexpected error).

    :meth:`stop`, :meth:`pause` and :meth:`resume` only set flags, so they are safe to call from the GUI
    thread while :meth:`run` is busy; a stop takes effect before the next batch.
    """

    progress = Signal(int, object)
    epochEnded = Signal(int, object)
    diverged = Signal(int, object)
    finished = Signal(int, str)
    failed = Signal(int, str)

    def __init__(
        self,
        run: int,
        plan: Plan,
        inputs: Array,
        targets: Array,
        settings: TrainSettings,
        test: tuple[Array, Array] | None = None,
        updates_per_second: float = UPDATES_PER_SECOND,
    ) -> None:
        super().__init__()
        self.run_number = run
        self.plan = plan
        self.inputs = inputs
        self.targets = targets
        self.settings = settings
        self.test = test
        self.interval = 1.0 / updates_per_second
        self.final_parameters: list[Array] | None = None
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._free = threading.Event()
        self._free.set()

    # ------------------------------------------------------------------ control, from any thread
    @Slot()
    def stop(self) -> None:
        self._stop.set()
        # A paused or held run must wake up to notice the stop.
        self._running.set()
        self._free.set()

    def hold(self) -> None:
        """Wait before the next step until :meth:`release` (at most :data:`HOLD_LIMIT`): the window is drawing
        a frame and gets the GIL and the CPU to itself, so the frame is short."""
        self._free.clear()

    def release(self) -> None:
        self._free.set()

    @Slot()
    def pause(self) -> None:
        self._running.clear()

    @Slot()
    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # ------------------------------------------------------------------ the loop, on the worker thread
    @Slot()
    def run(self) -> None:
        run = self.run_number
        try:
            outcome = self._train()
        except Exception as exc:  # noqa: BLE001 - reported to the window, never lost in a thread
            self.final_parameters = self.plan.copy_parameters()
            self.failed.emit(run, f"training stopped with an error: {exc}")
        else:
            self.final_parameters = self.plan.copy_parameters()
            self.finished.emit(run, outcome)
        finally:
            # Hand the object back to the GUI thread so its deletion is an ordinary deleteLater there.
            app = QCoreApplication.instance()
            if app is not None:
                self.moveToThread(app.thread())

    def _train(self) -> str:
        run = self.run_number
        settings = self.settings
        n = len(self.inputs)
        total_samples = settings.epochs * n
        recent: list[float] = []
        started = time.perf_counter()
        paused_for = 0.0
        last_emit = started
        last_yield = started
        free = self._free
        epoch = 0
        step = 0
        seen = 0

        def emit(now: float) -> None:
            nonlocal recent, last_emit
            active = max(now - started - paused_for, 1e-9)
            update = TrainingUpdate(
                run=run,
                parameters=self.plan.copy_parameters(),
                losses=np.array(recent, dtype=np.float64),
                epoch=epoch,
                epochs=settings.epochs,
                step=step,
                samples_seen=seen,
                samples_per_second=seen / active,
                fraction=min(1.0, seen / total_samples),
                elapsed=active,
            )
            recent = []
            last_emit = now
            self.progress.emit(run, update)

        outcome = "completed"
        generator = train(self.plan, self.inputs, self.targets, settings, test=self.test)
        try:
            for item in generator:
                if isinstance(item, Step):
                    epoch, step, seen = item.epoch, item.step, item.samples_seen
                    recent.append(item.loss)
                elif isinstance(item, EpochEnd):
                    self.epochEnded.emit(run, item)
                elif isinstance(item, Diverged):
                    epoch, step = item.epoch, item.step
                    self.diverged.emit(run, item)
                    outcome = "diverged"
                    break
                if not self._running.is_set():
                    if recent:
                        emit(time.perf_counter())
                    pause_start = time.perf_counter()
                    self._running.wait()
                    paused_for += time.perf_counter() - pause_start
                if not free.is_set():
                    free.wait(HOLD_LIMIT)
                if self._stop.is_set():
                    outcome = "stopped"
                    break
                now = time.perf_counter()
                if now - last_yield >= YIELD_INTERVAL:
                    time.sleep(0)
                    last_yield = now
                if now - last_emit >= self.interval:
                    emit(now)
        finally:
            generator.close()
        emit(time.perf_counter())
        return outcome


# ---------------------------------------------------------------------- one step, on the GUI thread


def parameters_to_dicts(plan: Plan, parameters: list[Array]) -> tuple[dict[str, float], dict[str, float]]:
    """Weights by edge id and biases by neuron id from a parameter list shaped like ``plan.parameters()``."""
    n_blocks = len(plan.blocks)
    weights: dict[str, float] = {}
    for block, W in zip(plan.blocks, parameters[:n_blocks], strict=True):
        weights.update(zip(block.edge_ids, W[block.rows, block.cols].tolist(), strict=True))
    biases: dict[str, float] = {}
    for level, b in zip(plan.levels[1:], parameters[n_blocks:], strict=True):
        biases.update(zip(level.ids, b.tolist(), strict=True))
    return weights, biases


@dataclass(frozen=True, slots=True)
class TrainingStepResult:
    """One sample forward and backward and the weight change it makes: everything the animation shows.

    The new weights are ``old - learning_rate * gradient`` for every edge that may train (frozen edges keep
    their weight and are left out of ``new_weights``) and every bias of a neuron that is not an input.
    """

    inputs: Array
    truth: Array
    forward: ForwardResult
    gradients: Gradients
    loss: float
    learning_rate: float
    edge_gradients: dict[str, float]
    bias_gradients: dict[str, float]
    deltas: dict[str, float]
    old_weights: dict[str, float]
    new_weights: dict[str, float]
    old_biases: dict[str, float]
    new_biases: dict[str, float]


def training_step(
    plan: Plan, network: Network, inputs: Array, truth: Array, loss_name: str, learning_rate: float
) -> TrainingStepResult:
    """Compute one plain gradient step for one sample, without changing the plan or the network.

    ``plan`` must be compiled from ``network`` and hold its current weights (the window's live plan does).
    Raises ``ValueError`` when the sample does not fit the network, ``KeyError`` for an unknown loss.
    """
    loss = LOSSES[loss_name]
    x = np.asarray(inputs, dtype=plan.dtype).reshape(1, -1)
    y = np.asarray(truth, dtype=plan.dtype).reshape(1, -1)
    fw = plan.forward(x)
    grads = plan.backward(fw, y, loss)
    edge_grads = plan.edge_gradients(grads)
    bias_grads = plan.bias_gradients(grads)
    deltas: dict[str, float] = {}
    for level, delta in zip(plan.levels[1:], grads.deltas[1:], strict=True):
        deltas.update(zip(level.ids, delta[0].tolist(), strict=True))
    lr = float(learning_rate)
    edges = network.edges
    trainable = [eid for eid in edge_grads if not edges[eid].frozen]
    old_weights = {eid: edges[eid].weight for eid in trainable}
    new_weights = {eid: old_weights[eid] - lr * edge_grads[eid] for eid in trainable}
    neurons = network.neurons
    old_biases = {nid: neurons[nid].bias for nid in bias_grads}
    new_biases = {nid: old_biases[nid] - lr * g for nid, g in bias_grads.items()}
    return TrainingStepResult(
        x[0].copy(),
        y[0].copy(),
        fw,
        grads,
        grads.loss,
        lr,
        edge_grads,
        bias_grads,
        deltas,
        old_weights,
        new_weights,
        old_biases,
        new_biases,
    )


class NetworkWriter:
    """Writes parameter lists shaped like a plan's into the network's edges and neurons, then announces one
    ``parameters`` change, the way :meth:`Network.set_parameters` does.

    It keeps the edge and neuron objects in plan order, so a write is one assignment per weight: for the
    784-16-16-10 digits network 0.6 ms instead of 1.9 ms for building id dictionaries and looking every id
    up (measured on this machine, no training running). Frozen edges are left alone (training cannot change
    them, and a trip through float32 would). Use it only while the network's structure is the one the plan
    was compiled from (:attr:`valid`).
    """

    def __init__(self, network: Network, plan: Plan) -> None:
        self.network = network
        self.structure_revision = network.structure_revision
        edges = network.edges
        self._blocks = []
        for block in plan.blocks:
            keep = np.array([not edges[e].frozen for e in block.edge_ids], dtype=bool)
            objects = [edges[e] for e, k in zip(block.edge_ids, keep.tolist(), strict=True) if k]
            self._blocks.append((block.rows[keep], block.cols[keep], objects))
        self._levels = [[network.neurons[n] for n in level.ids] for level in plan.levels[1:]]

    @property
    def valid(self) -> bool:
        return self.network.structure_revision == self.structure_revision

    def write(self, parameters: list[Array]) -> None:
        n_blocks = len(self._blocks)
        for (rows, cols, edges), W in zip(self._blocks, parameters[:n_blocks], strict=True):
            for edge, value in zip(edges, W[rows, cols].tolist(), strict=True):
                edge.weight = value
        for neurons, b in zip(self._levels, parameters[n_blocks:], strict=True):
            for neuron, value in zip(neurons, b.tolist(), strict=True):
                neuron.bias = value
        # With nothing to set, this only counts the change and tells every listener that parameters changed.
        self.network.set_parameters()


def trainable_parameters(
    network: Network, plan: Plan, parameters: list[Array]
) -> tuple[dict[str, float], dict[str, float]]:
    """Like :func:`parameters_to_dicts`, without frozen edges: their weights stay exactly as they are."""
    weights, biases = parameters_to_dicts(plan, parameters)
    edges = network.edges
    return {e: w for e, w in weights.items() if not edges[e].frozen}, biases


def current_parameters(network: Network, plan: Plan) -> tuple[dict[str, float], dict[str, float]]:
    """The network's weights of every edge that may train and biases of every non-input neuron."""
    edges = network.edges
    neurons = network.neurons
    weights = {
        eid: edges[eid].weight for block in plan.blocks for eid in block.edge_ids if not edges[eid].frozen
    }
    biases = {nid: neurons[nid].bias for level in plan.levels[1:] for nid in level.ids}
    return weights, biases


def same_parameters(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] for k in a)
