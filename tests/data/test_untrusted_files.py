"""Files named by a document or a person are not trusted: nothing blocks, nothing costs without bound.

Defect 4 (a FIFO hangs the reader, a gzip bomb takes gigabytes), defect 6 (a CSV costs far more than its
size, labels like 1e19 overflow) and defect 11 (a .png holding SVG is decoded by whatever plugin claims it).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy as np
import pytest

from nnstudio.data import DataError, load_csv, load_dataset, load_grayscale_image, load_idx, read_idx
from nnstudio.data.idx import write_idx
from tests.hostile_data.corpus import png

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")


def _fifo(path):
    os.mkfifo(path)
    return path


# ------------------------------------------------------------------------------------------- defect 4
@needs_fifo
@pytest.mark.parametrize(
    "name", ["train-images-idx3-ubyte", "data.csv", "pipe", "train-images-idx3-ubyte.gz"]
)
def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path, name):
    # Opening a FIFO for reading waits for a writer that never comes: the check must come first.
    path = _fifo(tmp_path / name)
    with pytest.raises(DataError, match="named pipe"):
        load_dataset(str(path))


@needs_fifo
def test_a_named_pipe_as_an_idx_file_or_labels_file(tmp_path):
    with pytest.raises(DataError, match="named pipe"):
        read_idx(_fifo(tmp_path / "x-idx1-ubyte"))
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 2, 2), np.uint8))
    _fifo(tmp_path / "train-labels-idx1-ubyte")
    with pytest.raises(DataError, match="named pipe"):
        load_idx(tmp_path / "train-images-idx3-ubyte")


def test_a_device_is_refused(tmp_path):
    with pytest.raises(DataError, match="device"):
        load_dataset("/dev/zero")
    with pytest.raises(DataError, match="device"):
        load_csv("/dev/zero")


def test_a_symlink_loop_and_a_broken_link_say_so(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    with pytest.raises(DataError, match="symbolic link"):
        load_dataset(str(tmp_path / "a.csv"))
    (tmp_path / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(DataError, match="symbolic link"):
        load_dataset(str(tmp_path / "gone.csv"))


def _gzip_of_zeros(path, header: bytes, n_zeros: int) -> None:
    """A gzip stream of ``header`` then ``n_zeros`` zero bytes, written without holding them in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    with open(path, "wb") as f:
        f.write(compressor.compress(header))
        for start in range(0, n_zeros, len(block)):
            f.write(compressor.compress(block[: min(len(block), n_zeros - start)]))
        f.write(compressor.flush())


def test_a_gzip_bomb_is_refused_early(tmp_path):
    # Zeros under a header that claims 200 MB of pixels: within any size cap, but no dataset compresses a
    # thousand to one. The reader must stop within the first 16 MiB; the stream is cut after 40 MiB (a
    # reader that went on would say "cut short" instead).
    n, side = 255_102, 28
    path = tmp_path / "train-images-idx3-ubyte.gz"
    _gzip_of_zeros(path, bytes([0, 0, 8, 3]) + struct.pack(">3I", n, side, side), 40 << 20)
    assert path.stat().st_size < 100_000
    with pytest.raises(DataError, match="gzip bomb|compresses"):
        read_idx(path)


def test_a_gzip_that_never_ends_after_a_small_array(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    _gzip_of_zeros(path, bytes([0, 0, 8, 3]) + struct.pack(">3I", 2, 2, 2), 64 << 20)
    with pytest.raises(DataError):
        read_idx(path)


def test_an_honest_gzip_still_loads(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "t-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "t-labels-idx1-ubyte.gz", rng.integers(0, 10, 50, dtype=np.uint8))
    data = load_idx(tmp_path / "t-images-idx3-ubyte.gz")
    assert data.inputs.shape == (50, 784)


def test_a_file_larger_than_the_cap_on_disk_is_refused_unread(tmp_path, monkeypatch):
    import nnstudio.data.files as files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("0,1\n" * 500)
    with pytest.raises(DataError, match="2,000 bytes"):
        load_csv(path)


# ------------------------------------------------------------------------------------------- defect 6
def test_idx_whose_pixels_would_cost_more_than_the_memory_budget(tmp_path, monkeypatch):
    import nnstudio.data.dataset as dataset

    # 300 images of 28x28 as float32 are 940,800 bytes, over a budget of 900,000: refused from the header.
    monkeypatch.setattr(dataset, "MEMORY_BUDGET", 900_000)
    write_idx(tmp_path / "t-images-idx3-ubyte", np.zeros((300, 28, 28), np.uint8))
    write_idx(tmp_path / "t-labels-idx1-ubyte", np.zeros(300, np.uint8))
    with pytest.raises(DataError, match="memory"):
        load_idx(tmp_path / "t-images-idx3-ubyte")


def test_idx_whose_targets_would_cost_more_than_the_memory_budget(tmp_path, monkeypatch):
    import nnstudio.data.dataset as dataset

    monkeypatch.setattr(dataset, "MEMORY_BUDGET", 2_000_000)
    write_idx(tmp_path / "t-images-idx3-ubyte", np.zeros((100, 2, 2), np.uint8))
    labels = np.arange(100, dtype=np.int32) * 99  # 9,802 classes: the one-hot targets are 3.9 MB
    write_idx(tmp_path / "t-labels-idx1-ubyte", labels)
    with pytest.raises(DataError, match="memory"):
        load_idx(tmp_path / "t-images-idx3-ubyte")


def test_idx_of_64_bit_floats_counts_the_bytes_read_too(tmp_path, monkeypatch):
    import nnstudio.data.dataset as dataset

    # 100 x 4 x 4 floats: 6,400 bytes as float32 (with targets and classes 11,200), 12,800 bytes as read.
    monkeypatch.setattr(dataset, "MEMORY_BUDGET", 12_000)
    write_idx(tmp_path / "t-images-idx3-ubyte", np.zeros((100, 4, 4), np.float64))
    write_idx(tmp_path / "t-labels-idx1-ubyte", np.zeros(100, np.uint8))
    with pytest.raises(DataError, match="8-byte values"):
        load_idx(tmp_path / "t-images-idx3-ubyte")


def test_csv_that_would_cost_more_than_the_budget_is_refused_early(tmp_path, monkeypatch):
    import nnstudio.data.dataset as dataset

    monkeypatch.setattr(dataset, "MEMORY_BUDGET", 1_000_000)
    path = tmp_path / "wide.csv"
    row = ",".join(["0"] * 784) + ",1\n"
    path.write_text(row * 400)  # 400 x 784 x 4 bytes = 1.25 MB of pixels
    with pytest.raises(DataError, match="memory"):
        load_csv(path)


def test_csv_rows_are_read_as_a_stream(tmp_path, monkeypatch):
    # The whole text never sits in memory: the old reader's read_text is not used.
    path = tmp_path / "rows.csv"
    path.write_text("".join(f"{i % 2},{(i + 1) % 2},{i % 3}\n" for i in range(5000)))
    from pathlib import Path

    def no_whole_text(self, *args, **kwargs):
        raise AssertionError("the CSV was read whole")

    monkeypatch.setattr(Path, "read_text", no_whole_text)
    data = load_csv(path)
    assert len(data) == 5000 and data.labels == ["0", "1", "2"]


def test_a_csv_line_without_end_is_refused(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_text(",".join(["0"] * 200_000) + ",1\n")
    with pytest.raises(DataError, match="line 1"):
        load_csv(path)


@pytest.mark.parametrize("label", ["1e19", "1e300", "-1e300", "99999999999999999999999", "1e400"])
def test_huge_numeric_labels_are_a_clear_error(tmp_path, label):
    path = tmp_path / "labels.csv"
    path.write_text(f"0,1,0\n1,0,{label}\n")
    with pytest.raises(DataError, match="label") as raised:
        load_csv(path)
    assert "line 2" in str(raised.value)


@pytest.mark.parametrize("label", ["nan", "inf", "-inf", "NaN", "Infinity"])
def test_nan_and_infinite_labels_are_a_clear_error(tmp_path, label):
    path = tmp_path / "labels.csv"
    path.write_text(f"0,1,0\n1,0,{label}\n")
    with pytest.raises(DataError, match="label"):
        load_csv(path)


def test_too_many_different_labels(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("".join(f"0,1,name{i}\n" for i in range(10_001)))
    with pytest.raises(DataError, match="too many classes"):
        load_csv(path)


def test_csv_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("0,1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        load_csv(path)


# ------------------------------------------------------------------------------------------ defect 11
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="30000" height="30000">'
    b'<rect width="30000" height="30000" fill="black"/></svg>'
)


def test_svg_in_a_png_file_is_refused(tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(SVG)
    with pytest.raises(DataError, match="not a PNG, JPEG or BMP"):
        load_grayscale_image(path)


@pytest.mark.parametrize(
    "content", [b"GIF89a" + bytes(20), b"P5\n2 2\n255\n" + bytes(4), b"II*\x00" + bytes(20)]
)
def test_other_formats_are_refused_whatever_the_name(tmp_path, content):
    path = tmp_path / "picture.png"
    path.write_bytes(content)
    with pytest.raises(DataError, match="not a PNG, JPEG or BMP"):
        load_grayscale_image(path)


def test_a_huge_image_is_refused_before_decoding(tmp_path):
    # The header claims 60000 x 60000 pixels; the data is a few bytes. Refused from the header.
    path = tmp_path / "huge.png"
    path.write_bytes(png(60_000, 60_000, rows=1))
    with pytest.raises(DataError, match="60000x60000"):
        load_grayscale_image(path)


def test_a_zero_sized_image_is_refused(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(png(0, 0))
    with pytest.raises(DataError):
        load_grayscale_image(path)


def test_an_honest_png_still_reads(tmp_path):
    path = tmp_path / "grey.png"
    path.write_bytes(png(3, 2))
    image = load_grayscale_image(path)
    assert image.shape == (2, 3)
    assert np.allclose(image, 128 / 255)


@needs_fifo
def test_a_named_pipe_as_an_image(tmp_path):
    with pytest.raises(DataError, match="named pipe"):
        load_grayscale_image(_fifo(tmp_path / "pipe.png"))


def test_an_image_folder_with_svg_says_which_file(tmp_path):
    for cls in ("a", "b"):
        (tmp_path / "set" / cls).mkdir(parents=True)
        (tmp_path / "set" / cls / "one.png").write_bytes(png(4, 4))
    (tmp_path / "set" / "b" / "two.png").write_bytes(SVG)
    with pytest.raises(DataError, match="two.png"):
        load_dataset(str(tmp_path / "set"))


def test_gzip_module_is_not_asked_for_everything_at_once(tmp_path, monkeypatch):
    # The IDX reader inflates in bounded pieces: a read of more than 16 MiB at once is a bug.
    real_read = gzip.GzipFile.read

    def bounded_read(self, size=-1):
        assert 0 <= size <= 1 << 24
        return real_read(self, size)

    monkeypatch.setattr(gzip.GzipFile, "read", bounded_read)
    write_idx(tmp_path / "a-images-idx3-ubyte.gz", np.zeros((3, 2, 2), np.uint8))
    assert read_idx(tmp_path / "a-images-idx3-ubyte.gz").shape == (3, 2, 2)


def test_an_image_folder_whose_pictures_hold_too_many_pixels_in_all(tmp_path, monkeypatch):
    import nnstudio.data.loaders as loaders

    # Each picture is fine alone; together they are more decoding than a dataset may ask for.
    monkeypatch.setattr(loaders, "MAX_FOLDER_PIXELS", 1000)
    for i in range(5):
        (tmp_path / "set" / "a").mkdir(parents=True, exist_ok=True)
        (tmp_path / "set" / "a" / f"{i}.png").write_bytes(png(16, 16))
    with pytest.raises(DataError, match="pixels in all"):
        load_dataset(str(tmp_path / "set"))
