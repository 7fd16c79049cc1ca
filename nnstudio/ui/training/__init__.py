"""Training in the window: a worker thread running the engine's trainer, its one owner, and the panel.

- :class:`TrainingPanel` (``panel.py``): what the window docks; owns a :class:`TrainingController` and an
  :class:`~nnstudio.ui.plot.ErrorPlot`.
- :class:`TrainingController` (``controller.py``): starts, paces, pauses, stops and records a run.
- :class:`TrainingWorker` (``worker.py``): the loop on its own thread; :func:`training_step` for one step.
"""

from .controller import TrainingController, describe_mismatch
from .panel import (
    DOCUMENT_SAMPLES,
    TrainingPanel,
    companion_test_set,
    format_duration,
    progress_text,
    speed_text,
)
from .worker import (
    UPDATES_PER_SECOND,
    TrainingStepResult,
    TrainingUpdate,
    TrainingWorker,
    current_parameters,
    parameters_to_dicts,
    trainable_parameters,
    training_step,
)

__all__ = [
    "DOCUMENT_SAMPLES",
    "UPDATES_PER_SECOND",
    "TrainingController",
    "TrainingPanel",
    "TrainingStepResult",
    "TrainingUpdate",
    "TrainingWorker",
    "current_parameters",
    "describe_mismatch",
    "format_duration",
    "parameters_to_dicts",
    "progress_text",
    "speed_text",
    "companion_test_set",
    "trainable_parameters",
    "training_step",
]
