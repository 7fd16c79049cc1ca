"""Loading a dataset named by a path without ever blocking the window.

A document's ``training_data`` or a person's import may name any file: a large one takes seconds to read,
and until its checks refuse it a hostile one could take a while too. Such a path is read on a thread of its
own; the window hears the outcome through :attr:`DatasetLoader.loaded` or :attr:`DatasetLoader.failed` and
stays responsive meanwhile. Built-in datasets, and names that are no file at all, are answered at once.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal

from nnstudio.data import BUILTIN_DATASETS, DataError, Dataset, load_dataset


def reads_a_file(spec: str) -> bool:
    """True when loading ``spec`` means reading the file system (a path that exists), not a built-in set."""
    if spec in BUILTIN_DATASETS or not spec.strip():
        return False
    try:
        return os.path.lexists(Path(spec).expanduser())
    except (OSError, ValueError):
        return False


def describe_failure(spec: str, exc: BaseException) -> str:
    """One line for the person about a load that failed with ``exc``."""
    if isinstance(exc, DataError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return f"{spec}: there is not enough memory to load this dataset"
    return f"{spec}: could not be loaded ({type(exc).__name__}: {exc})"


# How long a load that has delivered its outcome may take to end its thread (it has nothing left to do).
THREAD_END_WAIT_S = 5.0

# A network's input grid and value range: a folder's pictures are made that size, in that range.
Picture = tuple[tuple[int, int], tuple[float, float]]


def _load_for(spec: str, picture: Picture | None) -> Dataset:
    return load_dataset(spec) if picture is None else load_dataset(spec, *picture)


class DatasetLoader(QObject):
    """Loads datasets on background threads, one load per spec at a time.

    Signals (delivered on the thread the loader lives on, the GUI thread):
    - ``loaded(spec, dataset)``
    - ``failed(spec, message)``: the message is one line for the person.
    """

    loaded = Signal(str, object)
    failed = Signal(str, str)
    # From a loading thread to the loader's own thread: (spec, dataset or None, message).
    _finished = Signal(str, object, str)

    def __init__(
        self, parent: QObject | None = None, load: Callable[[str, Picture | None], Dataset] | None = None
    ) -> None:
        super().__init__(parent)
        self._load = load or _load_for
        # Only touched on the loader's thread: a spec stays here until its outcome has been delivered.
        self._threads: dict[str, threading.Thread] = {}
        self._finished.connect(self._deliver)

    def loading(self, spec: str) -> bool:
        """True from :meth:`start` until the outcome for ``spec`` has been delivered."""
        return spec in self._threads

    def busy(self) -> bool:
        return bool(self._threads)

    def start(self, spec: str, picture: Picture | None = None) -> None:
        """Begin loading ``spec`` in the background (nothing new when it is already loading). ``picture`` is
        the network's input grid and value range, when it has one: a folder's pictures are made that size."""
        if spec in self._threads:
            return
        thread = threading.Thread(
            target=self._run, args=(spec, picture), name="nnstudio dataset load", daemon=True
        )
        self._threads[spec] = thread
        thread.start()

    def wait(self, seconds: float = 30.0) -> bool:
        """Wait up to ``seconds`` for every loading thread to end (the outcomes still arrive through the
        event loop); True when none is left running."""
        threads = list(self._threads.values())
        for thread in threads:
            thread.join(seconds)
        return not any(thread.is_alive() for thread in threads)

    def _run(self, spec: str, picture: Picture | None) -> None:
        dataset: Dataset | None = None
        message = ""
        try:
            dataset = self._load(spec, picture)
        except Exception as exc:  # noqa: BLE001 - whatever happens is told to the person, not lost
            message = describe_failure(spec, exc)
        # RuntimeError: the window that asked was closed meanwhile, and nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            self._finished.emit(spec, dataset, message)

    def _deliver(self, spec: str, dataset: object, message: str) -> None:
        thread = self._threads.pop(spec, None)
        if thread is not None:
            # Handing over the outcome was its last act: it ends at once, or as soon as a busy machine lets
            # it, and a load that is over leaves nothing running behind it.
            thread.join(THREAD_END_WAIT_S)
        if dataset is not None:
            self.loaded.emit(spec, dataset)
        else:
            self.failed.emit(spec, message)


_shared: DatasetLoader | None = None


def shared_loader() -> DatasetLoader:
    """The one loader the window's panels share (created on first use, on the GUI thread): the training
    panel and the dataset table asking for the same file at once get the outcome of a single read."""
    global _shared
    if _shared is None or not shiboken6.isValid(_shared):
        _shared = DatasetLoader()
    return _shared
