"""A folder of images labelled by sub-folder name."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6 import QtGui  # noqa: E402

from nnstudio.data import DataError, load_dataset, load_image_folder  # noqa: E402
from nnstudio.data.idx import write_idx  # noqa: E402


def _save_gray(levels, path):
    height, width = levels.shape
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_Grayscale8)
    for r in range(height):
        for c in range(width):
            v = int(round(levels[r, c] * 255))
            image.setPixel(c, r, QtGui.qRgb(v, v, v))
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path))


@pytest.fixture
def stripes(tmp_path):
    """4x4 pictures: 'horizontal' has a white top half, 'vertical' a white left half."""
    top = np.zeros((4, 4))
    top[:2] = 1.0
    left = np.zeros((4, 4))
    left[:, :2] = 1.0
    _save_gray(top, tmp_path / "set" / "horizontal" / "a.png")
    _save_gray(1.0 - top, tmp_path / "set" / "horizontal" / "b.png")
    _save_gray(left, tmp_path / "set" / "vertical" / "1.png")
    (tmp_path / "set" / "vertical" / "notes.txt").write_text("not an image, ignored")
    (tmp_path / "set" / "empty").mkdir()
    return tmp_path / "set"


def test_classes_from_sub_folders(stripes):
    data = load_image_folder(stripes)
    assert data.name == "set"
    assert data.labels == ["horizontal", "vertical"]
    assert data.classes.tolist() == [0, 0, 1]
    assert data.sample_names == ["horizontal/a.png", "horizontal/b.png", "vertical/1.png"]
    assert data.grid == (4, 4)
    assert data.value_range == (-1.0, 1.0)
    assert data.inputs[0].reshape(4, 4)[:2].min() == 1.0
    assert data.inputs[0].reshape(4, 4)[2:].max() == -1.0
    assert data.inputs[1].tolist() == (-data.inputs[0]).tolist()
    assert data.inputs[2].reshape(4, 4)[:, :2].min() == 1.0
    assert data.targets.tolist() == [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]


def test_images_resized_to_a_given_grid(stripes):
    data = load_image_folder(stripes, grid=(2, 2))
    assert data.grid == (2, 2)
    assert data.inputs.tolist() == [[1, 1, -1, -1], [-1, -1, 1, 1], [1, -1, 1, -1]]


def test_all_images_take_the_first_images_size(tmp_path):
    _save_gray(np.zeros((3, 3)), tmp_path / "s" / "a" / "0.png")
    big = np.zeros((6, 6))
    big[:, :3] = 1.0
    _save_gray(big, tmp_path / "s" / "b" / "0.png")
    data = load_image_folder(tmp_path / "s")
    assert data.grid == (3, 3)
    assert data.inputs[1].reshape(3, 3)[:, 0].tolist() == [1.0, 1.0, 1.0]
    assert data.inputs[1].reshape(3, 3)[:, 1].tolist() == [0.0, 0.0, 0.0]


def test_28x28_folder_gets_mnist_preprocessing(tmp_path):
    picture = np.ones((28, 28))
    picture[4:10, 2:8] = 0.0  # a dark blob in a corner of white paper
    _save_gray(picture, tmp_path / "d" / "blob" / "0.png")
    data = load_image_folder(tmp_path / "d")
    field = data.inputs[0].reshape(28, 28)
    assert data.value_range == (0.0, 1.0)
    assert field[0, 0] == 0.0
    assert field[13:15, 13:15].min() == 1.0


def test_load_dataset_takes_a_folder(stripes):
    assert load_dataset(str(stripes)).labels == ["horizontal", "vertical"]


def test_folder_without_class_folders(tmp_path):
    _save_gray(np.zeros((2, 2)), tmp_path / "flat" / "a.png")
    with pytest.raises(DataError, match="no images in class sub-folders"):
        load_image_folder(tmp_path / "flat")


def test_folder_with_idx_files_suggests_the_images_file(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((1, 2, 2), dtype=np.uint8))
    with pytest.raises(DataError, match="give the images file itself"):
        load_dataset(str(tmp_path))


def test_unreadable_image_is_named(stripes):
    (stripes / "vertical" / "broken.png").write_bytes(b"\x89PNG but not really")
    with pytest.raises(DataError, match="broken.png"):
        load_image_folder(stripes)


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="no such folder"):
        load_image_folder(tmp_path / "nowhere")


def test_grid_too_large(stripes):
    with pytest.raises(DataError, match="grid is not possible"):
        load_image_folder(stripes, grid=(1000, 1000))
