"""A dataset as every part of nnstudio sees it: inputs and targets as rows, class names, image shape."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray

# What a dataset read from a file may cost in memory once loaded: its float32 inputs and one-hot targets.
# Checked from the file's header (or, for CSV, as the rows come) before anything that size is allocated.
MEMORY_BUDGET = 1 << 30


class DataError(ValueError):
    """Data that cannot be used as given; the message says which file or sample and what is wrong."""


def dataset_cost(samples: int, inputs: int, outputs: int = 0) -> int:
    """Bytes a dataset of this shape holds: float32 inputs and targets, and an int64 class per sample."""
    return samples * ((inputs + outputs) * 4 + 8)


def check_cost(where: object, samples: int, inputs: int, outputs: int = 0) -> None:
    """A DataError when a dataset of this shape would cost more than :data:`MEMORY_BUDGET`."""
    cost = dataset_cost(samples, inputs, outputs)
    if cost > MEMORY_BUDGET:
        shape = f"{samples:,} samples of {inputs:,} values" + (f" and {outputs:,} classes" if outputs else "")
        raise DataError(
            f"{where}: {shape} would take {cost / 2**20:,.0f} MiB of memory, more than the"
            f" {MEMORY_BUDGET / 2**20:,.0f} MiB a dataset may use here; use fewer or smaller samples"
        )


@dataclass
class Dataset:
    """``inputs`` (samples, pixels) float32 row-major, ``targets`` (samples, outputs) float32.

    ``classes`` holds each sample's class index into ``labels``, or -1 for a sample that belongs to no
    class (the four-pixel images that are none of solid / vertical / diagonal / horizontal: all-zero truth).
    """

    name: str
    inputs: Array
    targets: Array
    labels: list[str]
    classes: Array
    grid: tuple[int, int] | None = None  # (width, height) when the inputs are an image
    value_range: tuple[float, float] = (-1.0, 1.0)
    description: str = ""
    sample_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.inputs = np.ascontiguousarray(self.inputs, dtype=np.float32)
        self.targets = np.ascontiguousarray(self.targets, dtype=np.float32)
        self.classes = np.asarray(self.classes, dtype=np.int64)
        n = len(self.inputs)
        if self.inputs.ndim != 2 or self.targets.ndim != 2:
            raise DataError(f"{self.name}: inputs and targets must be tables (samples x values)")
        if len(self.targets) != n or len(self.classes) != n:
            raise DataError(
                f"{self.name}: {n} inputs but {len(self.targets)} targets and {len(self.classes)} classes"
            )
        if self.targets.shape[1] != len(self.labels):
            raise DataError(
                f"{self.name}: targets have {self.targets.shape[1]} columns for {len(self.labels)} labels"
            )
        if self.grid is not None and self.grid[0] * self.grid[1] != self.inputs.shape[1]:
            raise DataError(
                f"{self.name}: a {self.grid[0]}x{self.grid[1]} grid needs"
                f" {self.grid[0] * self.grid[1]} values per sample, not {self.inputs.shape[1]}"
            )

    def __len__(self) -> int:
        return len(self.inputs)

    @property
    def n_inputs(self) -> int:
        return int(self.inputs.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.targets.shape[1])

    def subset(self, indices: Array, name: str | None = None) -> Dataset:
        idx = np.asarray(indices, dtype=np.intp)
        names = [self.sample_names[i] for i in idx] if self.sample_names else []
        return Dataset(
            name or self.name,
            self.inputs[idx],
            self.targets[idx],
            list(self.labels),
            self.classes[idx],
            self.grid,
            self.value_range,
            self.description,
            names,
        )


def one_hot(classes: Array, n_classes: int) -> Array:
    """Targets with 1 at each sample's class and 0 elsewhere; a class of -1 gives an all-zero row."""
    classes = np.asarray(classes, dtype=np.int64)
    out = np.zeros((len(classes), n_classes), dtype=np.float32)
    known = classes >= 0
    out[np.nonzero(known)[0], classes[known]] = 1.0
    return out
