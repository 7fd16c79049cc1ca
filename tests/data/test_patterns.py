"""The four-pixel camera and the 3x3 shapes: every image and its truth exactly."""

import numpy as np

from nnstudio.data import four_pixel, four_pixel_canonical, load_dataset, shapes3x3

CANONICAL_TRUTH = {
    (1, 1, 1, 1): "solid",
    (-1, -1, -1, -1): "solid",
    (1, -1, 1, -1): "vertical",
    (-1, 1, -1, 1): "vertical",
    (1, -1, -1, 1): "diagonal",
    (-1, 1, 1, -1): "diagonal",
    (1, 1, -1, -1): "horizontal",
    (-1, -1, 1, 1): "horizontal",
}


def _rows(dataset):
    return [tuple(int(v) for v in row) for row in dataset.inputs]


def test_four_pixel_holds_all_16_black_and_white_images_once():
    data = four_pixel()
    assert data.name == "four-pixel"
    assert data.grid == (2, 2)
    assert data.value_range == (-1.0, 1.0)
    assert data.labels == ["solid", "vertical", "diagonal", "horizontal"]
    assert data.inputs.shape == (16, 4)
    assert set(np.unique(data.inputs)) == {-1.0, 1.0}
    assert len(set(_rows(data))) == 16


def test_four_pixel_truth_matches_the_camera_example():
    data = four_pixel()
    for pixels, cls, target in zip(_rows(data), data.classes, data.targets, strict=True):
        expected = CANONICAL_TRUTH.get(pixels)
        if expected is None:
            assert cls == -1
            assert not target.any(), f"{pixels} belongs to no class and must have all-zero truth"
        else:
            assert data.labels[cls] == expected
            assert target.tolist() == [1.0 if label == expected else 0.0 for label in data.labels]
    assert (data.classes == -1).sum() == 8


def test_four_pixel_sample_names_are_readable_and_unique():
    data = four_pixel()
    assert len(data.sample_names) == 16
    assert len(set(data.sample_names)) == 16
    named = dict(zip(data.sample_names, _rows(data), strict=True))
    assert named["horizontal, dark top"] == (-1, -1, 1, 1)
    assert named["horizontal, light top"] == (1, 1, -1, -1)
    assert named["vertical, light left"] == (1, -1, 1, -1)
    assert named["only top-left light"] == (1, -1, -1, -1)
    assert named["only bottom-right dark"] == (1, 1, 1, -1)


def test_four_pixel_canonical_has_just_the_eight_patterns():
    data = four_pixel_canonical()
    assert len(data) == 8
    assert dict(zip(_rows(data), (data.labels[c] for c in data.classes), strict=True)) == CANONICAL_TRUTH
    assert (data.targets.sum(axis=1) == 1).all()


def test_shapes3x3_are_the_four_shapes_and_their_inverses():
    data = shapes3x3()
    assert data.name == "shapes3x3"
    assert data.grid == (3, 3)
    assert data.labels == ["square", "V", "X", "cross"]
    drawn = {"square": "000010000", "X": "010101010", "cross": "101000101", "V": "010010101"}
    assert len(data) == 8
    seen = set()
    for pixels, cls, target in zip(_rows(data), data.classes, data.targets, strict=True):
        label = data.labels[cls]
        bits = "".join("1" if p == 1 else "0" for p in pixels)
        inverse = "".join("0" if b == "1" else "1" for b in drawn[label])
        assert bits in (drawn[label], inverse)
        assert target.tolist() == [1.0 if i == cls else 0.0 for i in range(4)]
        seen.add((label, bits == inverse))
    assert len(seen) == 8


def test_pattern_sets_load_by_name():
    assert _rows(load_dataset("four-pixel")) == _rows(four_pixel())
    assert _rows(load_dataset("four-pixel:canonical")) == _rows(four_pixel_canonical())
    assert _rows(load_dataset("shapes3x3")) == _rows(shapes3x3())
