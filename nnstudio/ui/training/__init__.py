"""Training in the window: a worker thread running the engine's trainer, its one owner, and the panel.

- :class:`TrainingPanel` (``panel.py``): what the window docks; owns a :class:`TrainingController` and an
  :class:`~nnstudio.ui.plot.ErrorPlot`.
- :class:`TrainingController` (``controller.py``): starts, paces, pauses, stops and records a run.
- :class:`TrainingWorker` (``worker.py``): the loop on its own thread. One step worked out in full is the
  engine's :func:`nnstudio.engine.step.training_step`.
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
from .worker import UPDATES_PER_SECOND, TrainingUpdate, TrainingWorker

__all__ = [
    "DOCUMENT_SAMPLES",
    "UPDATES_PER_SECOND",
    "TrainingController",
    "TrainingPanel",
    "TrainingUpdate",
    "TrainingWorker",
    "describe_mismatch",
    "format_duration",
    "progress_text",
    "speed_text",
    "companion_test_set",
]
