"""The built-in MNIST digits and their fixed split."""

import hashlib

import numpy as np
import pytest

from nnstudio.data import digits, digits_test, digits_train, load_dataset, split_indices
from nnstudio.data.digits import digits_dir

COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
# sha256 of the digits:test indices (int64, little-endian, in split order). If this fails the split
# changed, and every result measured on digits:test before is no longer comparable.
TEST_INDICES_SHA256 = "45dc3b2e07adde529acdab18e094fd66980ebb1856338d12691c46e1f95d365e"


def test_digits_sizes_and_labels():
    data = digits()
    assert data.name == "digits"
    assert data.inputs.shape == (10_000, 784)
    assert data.inputs.dtype == np.float32
    assert data.targets.shape == (10_000, 10)
    assert data.grid == (28, 28)
    assert data.value_range == (0.0, 1.0)
    assert data.labels == [str(d) for d in range(10)]
    assert np.bincount(data.classes, minlength=10).tolist() == COUNTS
    assert (data.targets.argmax(axis=1) == data.classes).all()
    assert data.inputs.min() == 0.0 and data.inputs.max() == 1.0
    assert data.sample_names[0] == "0 #0" and data.sample_names[-1] == "9 #977"


def test_digits_are_white_on_black():
    images = digits().inputs.reshape(-1, 28, 28)
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], axis=1)
    assert border.mean() < 0.01
    assert images[:, 10:18, 10:18].mean() > 0.2


def test_split_sizes_disjoint_and_stratified():
    train, test = digits_train(), digits_test()
    assert (len(train), len(test)) == (8_000, 2_000)
    assert (train.name, test.name) == ("digits:train", "digits:test")
    train_idx, test_idx = split_indices()
    assert not set(train_idx.tolist()) & set(test_idx.tolist())
    assert sorted(train_idx.tolist() + test_idx.tolist()) == list(range(10_000))
    test_counts = np.bincount(test.classes, minlength=10)
    assert np.abs(test_counts - np.array(COUNTS) / 5).max() < 1
    all_digits = digits()
    assert np.array_equal(test.inputs, all_digits.inputs[test_idx])
    assert np.array_equal(train.classes, all_digits.classes[train_idx])
    assert test.sample_names == [all_digits.sample_names[i] for i in test_idx]


def test_split_never_changes():
    _, test_idx = split_indices()
    assert hashlib.sha256(test_idx.astype("<i8").tobytes()).hexdigest() == TEST_INDICES_SHA256


def test_split_is_mixed_not_grouped_by_digit():
    classes = digits_train().classes[:100]
    assert len(set(classes.tolist())) == 10


def test_each_load_is_a_fresh_dataset():
    first = digits()
    first.inputs[0, :] = 0.5
    assert not (digits().inputs[0] == 0.5).all()


def test_digits_by_name():
    assert len(load_dataset("digits")) == 10_000
    assert len(load_dataset("digits:train")) == 8_000
    assert len(load_dataset("digits:test")) == 2_000


def test_digits_files_load_through_the_idx_loader_too():
    data = load_dataset(str(digits_dir() / "digits-images-idx3-ubyte.gz"))
    assert np.array_equal(data.inputs, digits().inputs)
    assert np.array_equal(data.classes, digits().classes)


def test_digits_licence_ships_with_the_data():
    text = (digits_dir() / "LICENSE").read_text()
    assert "Copyright (c) 2015 Juan Cazala" in text
    assert "MIT" in text


@pytest.mark.parametrize("stored", ["digits-images-idx3-ubyte.gz", "digits-labels-idx1-ubyte.gz"])
def test_stored_files_are_small(stored):
    assert (digits_dir() / stored).stat().st_size < 3_000_000
