"""Working out receptive fields on a thread of its own, for the Receptive Field Gallery: numpy only, so the
window stays responsive and every widget is touched on the window's thread."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from nnstudio.engine.receptive import Progress, ShouldStop, Stopped

# The work of a gallery: told how far it is, asked whether to stop, handing over each piece's results.
Work = Callable[[Progress, ShouldStop, Callable[[object], None]], object]


class FieldWork:
    """One computation of fields on a thread of its own. ``work(progress, should_stop, found)`` is numpy only
    (no Qt): the gallery reads ``done``, ``total``, ``parts`` (what ``found`` was given, piece by piece),
    ``result`` and ``error`` from the window's thread, on a timer."""

    def __init__(self, work: Work) -> None:
        self._work = work
        self._stop = threading.Event()
        self.done = 0
        self.total = 0
        self.parts: list[object] = []
        self.result: object = None
        self.error: str | None = None
        self.stopped = False
        self._thread = threading.Thread(target=self._run, name="receptive-fields", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            # A network gone wild overflows; what overflowed is said in words, not in numpy's warnings.
            with np.errstate(all="ignore"):
                self.result = self._work(self._progress, self._stop.is_set, self.parts.append)
        except Stopped:
            self.stopped = True
        except Exception as exc:  # noqa: BLE001 - any failure is one line for the person, never a dead thread
            self.error = str(exc) or type(exc).__name__

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def wait(self, seconds: float) -> bool:
        """Whether the work is over (finished, failed or stopped) within ``seconds``."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    @property
    def over(self) -> bool:
        return not self._thread.is_alive()

    def stop(self) -> None:
        """Ask the work to stop at its next piece; it touches nothing of the gallery's, so it may run out
        on its own."""
        self._stop.set()
