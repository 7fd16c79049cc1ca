"""The truth that follows the picture on a pad of cells: a Shape button, or a picture painted by hand that is
one of the dataset's patterns, brings that pattern's truth; painting it into no pattern drops that truth
again. (Freehand drawing leaves the truth for the person to pick.)"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnstudio.data import BUILTIN_DATASETS, DataError, load_dataset
from nnstudio.data.dataset import Dataset
from nnstudio.ui.live import LiveNetwork
from nnstudio.ui.pad_cells import CellPad

Array = np.ndarray


class PatternTruth:
    """What a drawing pad knows of the truth of the pictures on its pad of cells.

    ``cells`` is the pad of cells shown (None for another pad: no picture has a known truth there) and
    ``shape`` what the pad was built for; the patterns are worked out once per document and pad.
    ``shown`` is the truth of the pattern the pad shows, if it shows one (it goes with the picture when
    painted over)."""

    def __init__(self) -> None:
        # The pictures of known truth on a pad of cells, built once per document: (key, inputs, truths).
        self._patterns: tuple[tuple[Any, ...], Array, Array] | None = None
        self.shown: Array | None = None

    def known_patterns(
        self, live: LiveNetwork | None, cells: CellPad | None, shape: tuple[Any, ...] | None
    ) -> tuple[Array, Array] | None:
        """On a pad of cells, the pictures whose truth is known: the dataset's patterns (the document's own
        samples, or the built-in dataset it trains on) and the Shape buttons named after an output."""
        if live is None or live.plan is None or cells is None:
            return None
        doc = live.document
        labels = live.output_labels()
        samples = doc.dataset
        key = (
            id(doc),
            shape,
            tuple(labels),
            id(samples),
            0 if samples is None else len(samples),
            doc.training_data,
        )
        if self._patterns is None or self._patterns[0] != key:
            self._patterns = (
                key,
                *_patterns_of_known_truth(cells, samples, doc.training_data, labels),
            )
        return self._patterns[1], self._patterns[2]

    def truth_of(
        self, live: LiveNetwork | None, cells: CellPad | None, shape: tuple[Any, ...] | None, pad: Array
    ) -> Array | None:
        """The truth of the pattern ``pad`` shows, or None when it shows none."""
        known = self.known_patterns(live, cells, shape)
        if known is None or known[0].shape[0] == 0 or known[0].shape[1] != pad.size:
            return None
        hits = np.flatnonzero(np.all(known[0] == pad[None, :], axis=1))
        return known[1][int(hits[0])].copy() if hits.size else None

    def follow(
        self, live: LiveNetwork, cells: CellPad | None, shape: tuple[Any, ...] | None, pad: Array
    ) -> None:
        """A picture painted by hand (or a Shape button) takes the truth of the pattern it now shows. A
        picture that is no pattern drops the truth the last pattern brought, leaving it for the person to
        pick; a truth the person picked for their own picture stays."""
        truth = self.truth_of(live, cells, shape, pad)
        current = live.truth
        if truth is not None:
            if current is None or not np.array_equal(current, truth):
                live.set_truth(truth)
        elif current is not None and self.shown is not None and np.array_equal(current, self.shown):
            live.set_truth(None)
        self.shown = truth


def _patterns_of_known_truth(
    cells: CellPad, samples: Dataset | None, training_data: str | None, labels: list[str]
) -> tuple[Array, Array]:
    """(inputs, truths) of every picture whose truth is known on this pad of cells, one row each."""
    size = cells.grid[0] * cells.grid[1]
    inputs: list[Array] = []
    truths: list[Array] = []
    dataset = samples if samples is not None and len(samples) > 0 else None
    # The built-in digits are 28x28 pictures, never on a pad of cells: not worth reading to find that out.
    if dataset is None and training_data in BUILTIN_DATASETS and not str(training_data).startswith("digits"):
        try:
            dataset = load_dataset(str(training_data))
        except DataError:
            dataset = None
    if dataset is not None and dataset.n_inputs == size and dataset.n_outputs == len(labels):
        inputs.extend(np.asarray(dataset.inputs, dtype=np.float32))
        truths.extend(np.asarray(dataset.targets, dtype=np.float32))
    wanted = [label.lower() for label in labels]
    for name, values in cells.presets:
        if name.lower() in wanted:
            truth = np.zeros(len(labels), dtype=np.float32)
            truth[wanted.index(name.lower())] = 1.0
            inputs.append(values)
            truths.append(truth)
    if not inputs:
        return np.zeros((0, size), dtype=np.float32), np.zeros((0, len(labels)), dtype=np.float32)
    return np.vstack(inputs), np.vstack(truths)
