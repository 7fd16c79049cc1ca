"""CSV datasets: pixel columns then a label, with the value range and header found from the data."""

import numpy as np
import pytest

from nnstudio.data import DataError, load_csv, load_dataset


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bytes_with_integer_labels(tmp_path):
    path = _write(tmp_path, "0,255,128,0,1\n255,255,0,0,0\n0,0,0,0,2\n")
    data = load_csv(path)
    assert data.name == "data"
    assert data.grid == (2, 2)
    assert data.value_range == (0.0, 1.0)
    assert np.allclose(data.inputs[0], [0, 1, 128 / 255, 0])
    assert data.labels == ["0", "1", "2"]
    assert data.classes.tolist() == [1, 0, 2]
    assert data.targets.tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 1]]


def test_header_and_named_labels(tmp_path):
    path = _write(tmp_path, "p1,p2,p3,label\n0.5,1,0,dog\n0,0.25,1,cat\n1,1,1,dog\n")
    data = load_csv(path)
    assert len(data) == 3
    assert data.grid is None
    assert data.labels == ["cat", "dog"]
    assert data.classes.tolist() == [1, 0, 1]
    assert data.value_range == (0.0, 1.0)
    assert data.inputs[0].tolist() == [0.5, 1.0, 0.0]


def test_minus_one_to_one(tmp_path):
    path = _write(tmp_path, "-1,1,1,-1,diagonal\n1,1,-1,-1,horizontal\n0,0.5,-0.5,0,horizontal\n")
    data = load_csv(path)
    assert data.value_range == (-1.0, 1.0)
    assert data.inputs[0].tolist() == [-1, 1, 1, -1]
    assert data.labels == ["diagonal", "horizontal"]


def test_label_first_when_the_header_says_so(tmp_path):
    path = _write(tmp_path, "label,pixel0,pixel1,pixel2,pixel3\n7,0,0,0,255\n3,255,0,0,0\n")
    data = load_csv(path)
    assert data.classes.tolist() == [7, 3]
    assert data.labels == [str(d) for d in range(8)]
    assert data.inputs[0].tolist() == [0, 0, 0, 1]


def test_quoted_labels_blank_lines_and_spaces(tmp_path):
    path = _write(tmp_path, '\n1, 0, "a, b"\n\n0 ,1,"c"\n')
    data = load_csv(path)
    assert data.labels == ["a, b", "c"]
    assert data.inputs.tolist() == [[1, 0], [0, 1]]


def test_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff1,0,0,1,x\n".encode())
    assert load_csv(path).inputs.tolist() == [[1, 0, 0, 1]]


def test_load_dataset_takes_a_csv(tmp_path):
    path = _write(tmp_path, "0,1,0,1,a\n", name="Pairs.CSV")
    assert load_dataset(str(path)).labels == ["a"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("1\n2\n", "one field"),
        ("a,b,label\n", "no samples"),
        ("1,2,3,x\n4,5,y\n", "line 2 has 3 fields, the first line has 4"),
        ("1,2,x\n1,oops,y\n", "line 2: pixel 2 is 'oops', not a number"),
        ("1,2,x\n1,,y\n", "line 2: pixel 2 is '', not a number"),
        ("1,2,x\n1,nan,y\n", "line 2: pixel values must be finite"),
        ("1,300,x\n", "run from 1 to 300"),
        ("-2,1,x\n", "run from -2 to 1"),
        ("-1,255,x\n", "run from -1 to 255"),
        ("1,0,-3\n", "line 1: label -3 is negative"),
        ("1,0,x\n0,1,\n", "line 2: the label is empty"),
        ('1,0,"x\n', "line"),
    ],
)
def test_broken_csv(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(DataError, match=expected) as raised:
        load_csv(path)
    assert str(path) in str(raised.value)


def test_not_text(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x82")
    with pytest.raises(DataError, match="not a text file"):
        load_csv(path)


def test_grid_given(tmp_path):
    path = _write(tmp_path, "1,0,0,1,0,1,x\n")
    assert load_csv(path).grid is None
    assert load_csv(path, grid=(3, 2)).grid == (3, 2)
    with pytest.raises(DataError, match="needs 4 pixels"):
        load_csv(path, grid=(2, 2))


def test_missing_csv(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_csv(tmp_path / "absent.csv")
