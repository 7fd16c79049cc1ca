"""One preprocessing for the drawing pad and the CLI: MNIST-style for 28x28, area averages for small grids."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6 import QtGui  # noqa: E402

from nnstudio.data import DataError, default_value_range, load_grayscale_image, to_input_grid  # noqa: E402
from nnstudio.data.preprocess import area_weights, resample_area  # noqa: E402


def _stroke(height=240, width=320, thickness=9):
    """A white seven-like stroke on black, off-centre, in a picture of any size."""
    image = np.zeros((height, width))
    for t in np.linspace(0.0, 1.0, 600):
        points = [(40, 60 + 140 * t), (40 + 150 * t, 200 - 90 * t)]
        for r, c in points:
            r, c = int(r), int(c)
            image[max(0, r - thickness) : r + thickness, max(0, c - thickness) : c + thickness] = 1.0
    return image


def _centre_of_mass(field):
    total = field.sum()
    rows = (field.sum(axis=1) * np.arange(field.shape[0])).sum() / total
    cols = (field.sum(axis=0) * np.arange(field.shape[1])).sum() / total
    return rows, cols


def test_dark_on_light_and_light_on_dark_give_the_same_digit():
    light_on_dark = _stroke()
    dark_on_light = 1.0 - light_on_dark
    a = to_input_grid(light_on_dark, (28, 28), (0.0, 1.0))
    b = to_input_grid(dark_on_light, (28, 28), (0.0, 1.0))
    assert a.dtype == np.float32 and a.shape == (784,)
    assert np.allclose(a, b)
    assert a.max() > 0.9


def test_grey_paper_counts_as_background():
    paper = np.full((100, 100), 0.8)
    paper[20:80, 45:55] = 0.1
    field = to_input_grid(paper, (28, 28), (0.0, 1.0)).reshape(28, 28)
    assert field.max() == pytest.approx(1.0)
    assert field[0].max() == 0.0 and field[:, 0].max() == 0.0


def test_digit_is_centred_and_fits_20x20():
    field = to_input_grid(_stroke(), (28, 28), (0.0, 1.0)).reshape(28, 28)
    rows = np.flatnonzero(field.any(axis=1))
    cols = np.flatnonzero(field.any(axis=0))
    assert rows[-1] - rows[0] + 1 <= 20 and cols[-1] - cols[0] + 1 <= 20
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20
    centre_row, centre_col = _centre_of_mass(field)
    assert abs(centre_row - 14) <= 1.0 and abs(centre_col - 14) <= 1.0


def test_aspect_ratio_is_kept():
    bar = np.zeros((300, 300))
    bar[50:250, 140:190] = 1.0  # 200 tall, 50 wide
    field = to_input_grid(bar, (28, 28), (0.0, 1.0)).reshape(28, 28)
    rows = np.flatnonzero(field.max(axis=1) > 0.5)
    cols = np.flatnonzero(field.max(axis=0) > 0.5)
    assert len(rows) == 20
    assert len(cols) == 5


def test_tiny_drawing_is_scaled_up_to_the_box():
    dot = np.zeros((10, 10))
    dot[4:6, 3:7] = 1.0
    field = to_input_grid(dot, (28, 28), (0.0, 1.0)).reshape(28, 28)
    assert len(np.flatnonzero(field.max(axis=0) > 0.5)) == 20
    assert len(np.flatnonzero(field.max(axis=1) > 0.5)) == 10


@pytest.mark.parametrize("blank", [np.zeros((50, 40)), np.ones((50, 40)), np.full((5, 5), 0.3)])
def test_empty_picture_gives_all_black(blank):
    with np.errstate(all="raise"):
        result = to_input_grid(blank, (28, 28), (0.0, 1.0))
    assert result.shape == (784,)
    assert not result.any()


def test_value_range_maps_black_and_white():
    field = to_input_grid(_stroke(), (28, 28), (-1.0, 1.0))
    assert field.min() == -1.0 and field.max() == pytest.approx(1.0)
    assert default_value_range((28, 28)) == (0.0, 1.0)
    assert default_value_range((2, 2)) == (-1.0, 1.0)
    assert default_value_range((32, 32)) == (-1.0, 1.0)
    assert default_value_range((64, 64)) == (0.0, 1.0)


def test_half_white_cell_averages_to_grey():
    picture = np.zeros((10, 10))
    picture[:, :5] = 1.0  # left half of every row white
    assert to_input_grid(picture, (1, 1), (-1.0, 1.0)).tolist() == [0.0]
    two_by_two = to_input_grid(picture, (2, 2), (-1.0, 1.0))
    assert two_by_two.tolist() == [1.0, -1.0, 1.0, -1.0]


def test_small_grid_keeps_polarity_and_is_row_major():
    picture = np.zeros((4, 6))
    picture[:2, :] = 1.0  # top half white
    assert to_input_grid(picture, (2, 2)).tolist() == [1.0, 1.0, -1.0, -1.0]
    assert to_input_grid(1.0 - picture, (2, 2)).tolist() == [-1.0, -1.0, 1.0, 1.0]


def test_fractional_cell_boundaries_take_their_share():
    # 3 source pixels into 2 cells: the middle pixel is split half and half
    weights = area_weights(3, 2)
    assert np.allclose(weights, [[2 / 3, 1 / 3, 0.0], [0.0, 1 / 3, 2 / 3]])
    row = np.array([[1.0, 0.0, 1.0]])
    assert np.allclose(resample_area(row, 1, 2), [[2 / 3, 2 / 3]])
    picture = np.zeros((5, 5))
    picture[2, 2] = 1.0
    cells = to_input_grid(picture, (2, 2), (0.0, 1.0)).reshape(2, 2)
    assert np.allclose(cells, 1 / 6.25 * 0.25)


def test_area_average_preserves_mean_brightness():
    picture = np.random.default_rng(3).random((37, 23))
    cells = resample_area(picture, 5, 7)
    assert cells.mean() == pytest.approx(picture.mean())


@pytest.mark.parametrize("bad", [np.zeros(10), np.zeros((0, 5)), np.zeros((2, 2, 2))])
def test_not_a_picture(bad):
    with pytest.raises(DataError, match="2-D"):
        to_input_grid(bad, (3, 3))


def test_bad_grid():
    with pytest.raises(DataError, match="at least 1x1"):
        to_input_grid(np.zeros((4, 4)), (0, 3))


def _save(image_array, path, alpha=None):
    height, width = image_array.shape
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32)
    for r in range(height):
        for c in range(width):
            level = int(round(image_array[r, c] * 255))
            a = 255 if alpha is None else int(alpha[r, c] * 255)
            image.setPixelColor(c, r, QtGui.QColor(level, level, level, a))
    assert image.save(str(path))


def test_load_grayscale_png(tmp_path):
    picture = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.2]])
    _save(picture, tmp_path / "small.png")
    loaded = load_grayscale_image(tmp_path / "small.png")
    assert loaded.shape == (2, 3)
    assert loaded.dtype == np.float32
    assert np.abs(loaded - picture).max() < 1 / 255 + 1e-6


def test_transparent_background_reads_as_white_paper(tmp_path):
    ink = np.zeros((3, 3))
    alpha = np.zeros((3, 3))
    alpha[1, 1] = 1.0  # one opaque black pixel, the rest fully transparent
    _save(ink, tmp_path / "drawing.png", alpha=alpha)
    loaded = load_grayscale_image(tmp_path / "drawing.png")
    assert loaded[1, 1] == 0.0
    assert loaded[0, 0] == 1.0


def test_colour_image_becomes_gray(tmp_path):
    image = QtGui.QImage(2, 1, QtGui.QImage.Format.Format_RGB32)
    image.setPixelColor(0, 0, QtGui.QColor(255, 0, 0))
    image.setPixelColor(1, 0, QtGui.QColor(255, 255, 255))
    assert image.save(str(tmp_path / "colour.png"))
    loaded = load_grayscale_image(tmp_path / "colour.png")
    assert 0.1 < loaded[0, 0] < 0.6
    assert loaded[0, 1] == 1.0


def test_unreadable_images(tmp_path):
    with pytest.raises(DataError, match="no such image file"):
        load_grayscale_image(tmp_path / "absent.png")
    (tmp_path / "junk.png").write_bytes(b"definitely not a PNG")
    with pytest.raises(DataError, match="junk.png: cannot be read as an image"):
        load_grayscale_image(tmp_path / "junk.png")
