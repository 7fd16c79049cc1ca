"""The 2-D point problems: sizes, the fixed train/test split, determinism, classes, and feature inputs."""

import numpy as np
import pytest

from nnstudio.data import BUILTIN_DATASETS, DataError, load_dataset
from nnstudio.data.points import (
    EXTENT,
    POINT_KINDS,
    PointRecipe,
    feature_columns,
    feature_name,
    fit_to_network,
    make_points,
    parse_point_spec,
)

CLASSIFICATION = ["circle", "xor-points", "gauss", "spiral"]
REGRESSION = ["plane", "multi-gauss"]


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_each_dataset_has_its_size_and_halves_that_split_it(name):
    whole = load_dataset(name)
    train = load_dataset(f"{name}:train")
    test = load_dataset(f"{name}:test")
    assert (len(whole), len(train), len(test)) == (500, 250, 250)
    assert whole.n_inputs == 2 and whole.grid is None
    assert np.abs(whole.inputs).max() <= EXTENT
    # The halves are the whole, each point in exactly one of them (two spiral arms share their centre).
    halves = np.concatenate([train.inputs, test.inputs])
    np.testing.assert_array_equal(np.unique(halves, axis=0), np.unique(whole.inputs, axis=0))
    assert len(np.unique(whole.inputs, axis=0)) >= len(whole) - 10
    for name_in_list in (name, f"{name}:train", f"{name}:test"):
        assert name_in_list in BUILTIN_DATASETS


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_a_name_always_gives_the_same_points(name):
    first, again = load_dataset(f"{name}:test"), load_dataset(f"{name}:test")
    np.testing.assert_array_equal(first.inputs, again.inputs)
    np.testing.assert_array_equal(first.targets, again.targets)
    other_seed = load_dataset(f"{name}(seed=2):test")
    assert not np.array_equal(first.inputs, other_seed.inputs)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_has_balanced_one_hot_classes(name):
    data = load_dataset(name)
    assert data.n_outputs == 2 and len(data.labels) == 2
    counts = np.bincount(data.classes, minlength=2)
    assert counts.min() > 200
    np.testing.assert_array_equal(data.targets.argmax(axis=1), data.classes)


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_has_one_value_between_minus_one_and_one(name):
    data = load_dataset(name)
    assert data.n_outputs == 1 and (data.classes == -1).all()
    assert data.targets.min() >= -1.0 and data.targets.max() <= 1.0
    assert data.targets.std() > 0.2


def test_the_answers_follow_the_rule_of_each_problem():
    circle = load_dataset("circle")
    radius = np.hypot(*circle.inputs.T)
    np.testing.assert_array_equal(circle.classes == 1, radius < 2.5)
    xor = load_dataset("xor-points")
    np.testing.assert_array_equal(xor.classes == 1, xor.inputs[:, 0] * xor.inputs[:, 1] >= 0)
    plane = load_dataset("plane")
    expected = np.clip(plane.inputs.sum(axis=1) / 10, -1, 1)
    np.testing.assert_allclose(plane.targets[:, 0], expected, atol=1e-6)


@pytest.mark.parametrize("name,classes", [("spiral", 3), ("spiral", 5), ("gauss", 4)])
def test_spiral_and_gauss_take_more_classes(name, classes):
    data = load_dataset(f"{name}(classes={classes}, points=600)")
    assert data.n_outputs == classes == len(data.labels)
    assert np.bincount(data.classes).tolist() == [600 // classes] * classes
    assert data.name == f"{name}(classes={classes}, points=600)"


def test_settings_change_the_size_the_split_and_the_noise():
    data = load_dataset("circle(points=200, ratio=0.8):train")
    assert len(data) == 160
    assert len(load_dataset("circle(points=200, ratio=0.8):test")) == 40
    calm, noisy = load_dataset("spiral"), load_dataset("spiral(noise=0.5)")
    assert np.abs(noisy.inputs - calm.inputs).max() > 0.1
    # A new share of training points moves no point: the same points, split another way.
    whole_a = make_points(PointRecipe("gauss", ratio=0.3))
    whole_b = make_points(PointRecipe("gauss", ratio=0.7))
    np.testing.assert_array_equal(whole_a.inputs, whole_b.inputs)


def test_recipe_names_round_trip():
    recipe = parse_point_spec("spiral( classes = 3 , noise=0.25, seed=7 ):train")
    assert recipe == PointRecipe("spiral", noise=0.25, seed=7, classes=3, half="train")
    assert parse_point_spec(recipe.name) == recipe
    assert PointRecipe("circle").name == "circle"


@pytest.mark.parametrize(
    "spec,words",
    [
        ("spiral(classes=1)", "2 to 10 classes"),
        ("circle(classes=3)", "exactly 2 classes"),
        ("spiral(noise=lots)", "noise must be a number"),
        ("spiral(noise=2)", "noise must be from 0 to 1"),
        ("spiral:validation", ":train or :test"),
        ("spiral(colour=red)", "not a setting"),
        ("gauss(points=2)", "points must be from 4"),
        ("gauss(ratio=1)", "share of training points"),
        ("spiral(noise=0.1", "write it like spiral"),
        ("spiral::train", "write it like spiral"),
        ("spiral(classes=3, classes=4)", "classes is given twice"),
        ("gauss(classes=10, points=12)", "10 classes need at least 20 points"),
        ("plane(classes=3)", "values, not classes"),
    ],
)
def test_bad_settings_say_what_is_wrong_in_one_line(spec, words):
    with pytest.raises(DataError, match=words) as raised:
        load_dataset(spec)
    assert "\n" not in str(raised.value)


def test_feature_names_read_the_ways_people_write_them():
    assert feature_name("X1") == "X1"
    assert feature_name("x1²") == "X1^2"
    assert feature_name("X1 X2") == "X1*X2"
    assert feature_name("sin(x2)") == "sin X2"
    assert feature_name("input 1") is None


def test_feature_inputs_get_their_features_from_the_points():
    data = load_dataset("circle:train")
    labels = ["X1", "X2", "X1^2", "X2^2", "X1*X2", "sin X1", "sin X2"]
    fitted = fit_to_network(data, labels, 2)
    assert fitted.n_inputs == 7
    x1, x2 = data.inputs[:, 0], data.inputs[:, 1]
    expected = np.stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)], axis=1)
    np.testing.assert_allclose(fitted.inputs, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(feature_columns(data.inputs, ["X2^2"])[:, 0], fitted.inputs[:, 3])
    # Ordinary inputs, or plain X1 and X2, leave the data as it is.
    assert fit_to_network(data, ["input 1", "input 2"], 2) is data
    assert fit_to_network(data, ["X1", "X2"], 2) is data


def test_two_classes_meet_a_single_output_as_a_yes_no_truth():
    data = load_dataset("circle:test")
    fitted = fit_to_network(data, ["X1^2", "X2^2"], 1)
    assert fitted.labels == ["inside"] and fitted.n_outputs == 1
    np.testing.assert_array_equal(fitted.targets[:, 0], (data.classes == 1).astype(np.float32))


def test_every_kind_is_described():
    for kind in POINT_KINDS.values():
        assert kind.title and kind.description
