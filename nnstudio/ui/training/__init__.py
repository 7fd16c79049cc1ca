"""Training in the window: a worker thread running the engine's trainer, its one owner, and the panel.

- :class:`TrainingPanel` (``panel.py``): what the window docks; owns a :class:`TrainingController` and an
  :class:`~nnstudio.ui.plot.ErrorPlot`, and assembles its parts: the dataset box and its loading
  (``dataset_choice.py``), the settings (``settings_form.py``), Train / Pause / Stop / Step and the pace
  (``run_buttons.py``), the progress line (``progress_line.py``) and the status message (``status_line.py``).
- :class:`TrainingController` (``controller.py``): starts, paces, pauses, stops and records a run.
- :class:`TrainingWorker` (``worker.py``): the loop on its own thread, recording the run's weights into a
  :class:`~nnstudio.engine.history.RunHistory`. One step worked out in full is the engine's
  :func:`nnstudio.engine.step.training_step`.
- :class:`RunTimeline` (``timeline.py``): under the error plot, goes back through the last run.
- :class:`StopCondition` (:mod:`nnstudio.engine.stopping`): a run ends after its epochs, or at a target error
  or accuracy; a document keeps it with its training settings, and ``nnstudio train`` honours it too.
"""

from nnstudio.engine.stopping import StopCondition

from .controller import TrainingController, describe_mismatch
from .panel import (
    DOCUMENT_SAMPLES,
    TrainingPanel,
    companion_test_set,
    format_duration,
    progress_text,
    speed_text,
)
from .timeline import RunTimeline
from .worker import UPDATES_PER_SECOND, TrainingUpdate, TrainingWorker

__all__ = [
    "DOCUMENT_SAMPLES",
    "UPDATES_PER_SECOND",
    "RunTimeline",
    "StopCondition",
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
