"""IDX files: round trips, every kind of damaged file refused with a clear message, a real-world file."""

import gzip
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from nnstudio.data import DataError, load_dataset, load_idx, read_idx, write_idx
from nnstudio.data.idx import idx_bytes
from nnstudio.data.loaders import labels_file_for


def _images(n=12, rows=5, cols=7, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, rows, cols), dtype=np.uint8)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip(tmp_path, suffix, dtype):
    array = (np.random.default_rng(1).standard_normal((3, 4, 2)) * 100).astype(dtype)
    path = tmp_path / f"array.idx{suffix}"
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")
    back = read_idx(path)
    assert back.dtype == array.dtype
    assert np.array_equal(back, array)


def test_header_is_the_mnist_layout(tmp_path):
    path = tmp_path / "x-images-idx3-ubyte"
    write_idx(path, _images(2, 3, 4))
    data = path.read_bytes()
    assert data[:4] == b"\x00\x00\x08\x03"
    assert struct.unpack(">3I", data[4:16]) == (2, 3, 4)
    assert len(data) == 16 + 2 * 3 * 4


def test_gzip_output_is_deterministic(tmp_path):
    write_idx(tmp_path / "a.gz", _images())
    write_idx(tmp_path / "b.gz", _images())
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()


@pytest.mark.parametrize("compress", [False, True])
def test_images_and_labels_become_a_dataset(tmp_path, compress):
    suffix = ".gz" if compress else ""
    images = _images()
    labels = np.arange(12, dtype=np.uint8) % 10
    write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images)
    write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels)
    data = load_idx(tmp_path / f"train-images-idx3-ubyte{suffix}")
    assert data.grid == (7, 5)
    assert data.value_range == (0.0, 1.0)
    assert data.labels == [str(d) for d in range(10)]
    assert np.allclose(data.inputs, images.reshape(12, -1) / 255.0)
    assert data.classes.tolist() == labels.tolist()
    assert (data.targets.argmax(axis=1) == labels).all()


def test_labels_file_found_by_standard_names(tmp_path):
    for images_name, labels_name in [
        ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"),
        ("train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz"),
    ]:
        (tmp_path / labels_name).write_bytes(b"")
        assert labels_file_for(tmp_path / images_name) == tmp_path / labels_name
        (tmp_path / labels_name).unlink()


def test_missing_labels_file_is_named(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", _images())
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz"):
        load_idx(tmp_path / "t10k-images-idx3-ubyte.gz")


def test_explicit_labels_file_and_names(tmp_path):
    write_idx(tmp_path / "pictures.idx", _images(4))
    write_idx(tmp_path / "answers.idx", np.array([0, 1, 2, 1], dtype=np.uint8))
    data = load_idx(tmp_path / "pictures.idx", tmp_path / "answers.idx", label_names=["cat", "dog", "fox"])
    assert data.labels == ["cat", "dog", "fox"]
    assert data.targets.shape == (4, 3)
    with pytest.raises(DataError, match="cannot tell the labels file"):
        load_idx(tmp_path / "pictures.idx")
    with pytest.raises(DataError, match="label 2 but only 2 label names"):
        load_idx(tmp_path / "pictures.idx", tmp_path / "answers.idx", label_names=["cat", "dog"])


def _header(type_code=0x08, dims=(2, 3, 3)):
    return bytes([0, 0, type_code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


GOOD = _header() + bytes(18)

BROKEN_FILES = {
    "bad magic": (b"\x12\x34\x08\x03" + GOOD[4:], "starts with bytes 12 34"),
    "text file": (b"hello, this is not an IDX file", "not an IDX file"),
    "unknown type code": (_header(type_code=0x07) + bytes(18), "unknown IDX data type code 0x07"),
    "zero dimensions": (b"\x00\x00\x08\x00", "0 dimensions"),
    "too short for a header": (b"\x00\x00", "too short"),
    "truncated header": (_header()[:9], "truncated header"),
    "truncated data": (GOOD[:-5], "truncated"),
    "trailing bytes": (GOOD + b"\x00\x01", "trailing bytes"),
    "a billion images": (_header(dims=(1_000_000_000, 28, 28)) + bytes(100), "more than the"),
    "float32 of a billion values": (_header(type_code=0x0D, dims=(1_000_000_000,)), "more than the"),
}


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_broken_files_are_refused_with_a_clear_message(tmp_path, case, compress):
    content, expected = BROKEN_FILES[case]
    path = tmp_path / ("broken.idx.gz" if compress else "broken.idx")
    path.write_bytes(gzip.compress(content, mtime=0) if compress else content)
    with pytest.raises(DataError, match=expected) as raised:
        read_idx(path)
    assert str(path) in str(raised.value)


def test_huge_dimensions_are_refused_before_any_allocation(tmp_path, monkeypatch):
    path = tmp_path / "liar-images-idx3-ubyte"
    path.write_bytes(_header(dims=(1_000_000_000, 28, 28)))
    allocations = []
    import nnstudio.data.idx as idx_module

    real_buffer = idx_module._data_buffer

    def counting_buffer(n_bytes):
        allocations.append(n_bytes)
        return real_buffer(n_bytes)

    monkeypatch.setattr(idx_module, "_data_buffer", counting_buffer)
    with pytest.raises(DataError, match="784,000,000,000 bytes"):
        read_idx(path)
    assert allocations == []


def test_a_smaller_cap_is_honoured(tmp_path):
    write_idx(tmp_path / "a.idx", _images(10))
    with pytest.raises(DataError, match="more than the 100 bytes"):
        read_idx(tmp_path / "a.idx", max_bytes=100)


def test_damaged_gzip_stream(tmp_path):
    packed = gzip.compress(GOOD, mtime=0)
    path = tmp_path / "cut.idx.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataError, match="cut.idx.gz"):
        read_idx(path)
    path.write_bytes(packed[:10] + b"\xff" * 8 + packed[18:])
    with pytest.raises(DataError, match="cut.idx.gz"):
        read_idx(path)


def test_label_count_mismatch(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", _images(12))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(11, dtype=np.uint8))
    with pytest.raises(DataError, match="11 labels for the 12 images"):
        load_idx(tmp_path / "train-images-idx3-ubyte")


@pytest.mark.parametrize(
    ("images", "labels", "expected"),
    [
        (np.zeros((3, 4), dtype=np.uint8), np.zeros(3, dtype=np.uint8), "3 dimensions"),
        (np.zeros(3, dtype=np.uint8), np.zeros(3, dtype=np.uint8), "a labels file"),
        (np.zeros((3, 2, 2), dtype=np.int16), np.zeros(3, dtype=np.uint8), "unsigned bytes"),
        (np.full((3, 2, 2), 2.0, dtype=np.float32), np.zeros(3, dtype=np.uint8), "0..1"),
        (np.zeros((3, 2, 2), dtype=np.uint8), np.zeros((3, 1), dtype=np.uint8), "one value per sample"),
        (np.zeros((3, 2, 2), dtype=np.uint8), np.zeros(3, dtype=np.float32), "must be integers"),
        (np.zeros((3, 2, 2), dtype=np.uint8), np.array([0, -1, 2], dtype=np.int8), "negative"),
        (np.zeros((0, 2, 2), dtype=np.uint8), np.zeros(0, dtype=np.uint8), "no pixels"),
    ],
)
def test_unusable_contents(tmp_path, images, labels, expected):
    write_idx(tmp_path / "s-images-idx3-ubyte", images)
    write_idx(tmp_path / "s-labels-idx1-ubyte", labels)
    with pytest.raises(DataError, match=expected):
        load_idx(tmp_path / "s-images-idx3-ubyte")


def test_writer_refuses_unsupported_arrays(tmp_path):
    with pytest.raises(DataError, match="cannot hold values of type"):
        idx_bytes(np.zeros(3, dtype=np.uint64))
    with pytest.raises(DataError, match="dimensions"):
        idx_bytes(np.float32(1.0))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_idx(tmp_path / "absent.idx")
    with pytest.raises(DataError, match="is a folder"):
        read_idx(tmp_path)


def test_load_dataset_recognises_idx_by_content(tmp_path):
    write_idx(tmp_path / "digits-images-idx3-ubyte.gz", _images(3))
    write_idx(tmp_path / "digits-labels-idx1-ubyte.gz", np.array([1, 2, 3], dtype=np.uint8))
    data = load_dataset(str(tmp_path / "digits-images-idx3-ubyte.gz"))
    assert data.classes.tolist() == [1, 2, 3]
    (tmp_path / "notes.bin").write_bytes(b"PK\x03\x04 zip file")
    with pytest.raises(DataError, match="not a dataset nnstudio can read"):
        load_dataset(str(tmp_path / "notes.bin"))


def _fashion_mnist_folder():
    candidates = [Path("/usr/share/datasets/fashion-mnist")]
    try:
        listing = subprocess.run(
            ["dpkg", "-L", "dataset-fashion-mnist"], capture_output=True, text=True, check=False
        ).stdout.splitlines()
    except OSError:
        listing = []
    candidates += [Path(line).parent for line in listing if line.endswith("train-images-idx3-ubyte.gz")]
    for folder in candidates:
        if (folder / "train-images-idx3-ubyte.gz").is_file():
            return folder
    return None


FASHION = _fashion_mnist_folder()


@pytest.mark.skipif(FASHION is None, reason="Debian's dataset-fashion-mnist is not installed")
def test_real_fashion_mnist_files():
    train = load_dataset(str(FASHION / "train-images-idx3-ubyte.gz"))
    test = load_dataset(str(FASHION / "t10k-images-idx3-ubyte.gz"))
    assert train.inputs.shape == (60_000, 784)
    assert test.inputs.shape == (10_000, 784)
    assert train.grid == (28, 28)
    assert np.bincount(train.classes).tolist() == [6_000] * 10
    assert np.bincount(test.classes).tolist() == [1_000] * 10
    assert test.inputs.min() >= 0.0 and test.inputs.max() <= 1.0
