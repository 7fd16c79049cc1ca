"""A file keeps its training stop condition: written only when it is not "after the epochs", checked on load."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from nnstudio.document import (
    FormatError,
    document_from_bytes,
    document_to_bytes,
    load_document,
    save_document,
)
from nnstudio.engine.stopping import EPOCHS, TARGET_ACCURACY, TARGET_ERROR, StopCondition
from nnstudio.engine.train import TrainingError, TrainSettings
from nnstudio.examples import example_path, list_examples

from .conftest import hand_built_document


def with_stop(stop: StopCondition):
    doc = hand_built_document()
    doc.training = replace(doc.training, stop=stop)
    return doc


@pytest.mark.parametrize("stop", [StopCondition(TARGET_ACCURACY, 0.95), StopCondition(TARGET_ERROR, 0.0125)])
def test_a_saved_stop_condition_comes_back_and_saves_to_the_same_bytes(tmp_path, stop):
    path = tmp_path / "stops.nnet"
    save_document(with_stop(stop), path)
    loaded = load_document(path)
    assert loaded.training.stop == stop
    first = path.read_bytes()
    save_document(loaded, path)
    assert path.read_bytes() == first


def test_the_file_says_the_condition_in_the_training_object():
    tree = json.loads(document_to_bytes(with_stop(StopCondition(TARGET_ACCURACY, 0.95))))
    assert tree["training"]["stop"] == {"kind": "accuracy", "target": 0.95}


def test_after_the_epochs_is_not_written_so_older_files_stay_the_same():
    tree = json.loads(document_to_bytes(with_stop(StopCondition())))
    assert "stop" not in tree["training"]


def test_a_file_without_a_stop_condition_stops_after_its_epochs():
    tree = json.loads(document_to_bytes(hand_built_document()))
    assert "stop" not in tree["training"]
    assert document_from_bytes(json.dumps(tree).encode()).training.stop == StopCondition(EPOCHS)


def test_every_shipped_example_stops_after_its_epochs_and_saves_back_the_same():
    for example in list_examples():
        source = example_path(example.name)
        doc = load_document(source)
        assert doc.training.stop == StopCondition(), example.name
        assert document_to_bytes(doc) == source.read_bytes(), example.name


def load_with_stop(stop: object) -> None:
    tree = json.loads(document_to_bytes(hand_built_document()))
    tree["training"]["stop"] = stop
    document_from_bytes(json.dumps(tree).encode())


@pytest.mark.parametrize(
    ("stop", "where", "fragment"),
    [
        ({"kind": "sometime", "target": 1}, "training.stop.kind", "unknown stop condition 'sometime'"),
        ({"kind": "error", "target": -0.5}, "training.stop.target", "zero or a positive number"),
        ({"kind": "accuracy", "target": 95}, "training.stop.target", "share from 0 to 1 (0.95 for 95%)"),
        ({"kind": "accuracy", "target": "high"}, "training.stop.target", "must be a number"),
        ({"kind": "error"}, "training.stop", "the field 'target' is missing"),
        ({"kind": "epochs", "target": 0.5}, "training.stop.target", "has no target"),
        ({"kind": "error", "target": 0.1, "when": 3}, "training.stop.when", "not a field nnstudio knows"),
        ("accuracy", "training.stop", "must be an object"),
    ],
)
def test_a_stop_condition_that_cannot_be_is_refused_naming_the_field(stop, where, fragment):
    with pytest.raises(FormatError) as caught:
        load_with_stop(stop)
    assert caught.value.where == where
    assert fragment in caught.value.problem


def test_a_non_finite_target_is_refused():
    tree = json.loads(document_to_bytes(hand_built_document()))
    text = json.dumps(tree).replace(
        '"training": {', '"training": {"stop": {"kind": "error", "target": NaN}, '
    )
    with pytest.raises(FormatError) as caught:
        document_from_bytes(text.encode())
    assert (
        caught.value.where == "training.stop.target" and "must be a number, not NaN" in caught.value.problem
    )


@pytest.mark.parametrize(
    ("kind", "target", "fragment"),
    [
        ("sometime", 0.5, "unknown stop condition 'sometime'; known: epochs, error, accuracy"),
        (["error"], 0.5, r"unknown stop condition \['error'\]"),
        ("error", -1.0, "zero or a positive number"),
        ("error", float("inf"), "zero or a positive number"),
        ("accuracy", 1.2, "no run gets more than 100%"),
    ],
)
def test_settings_refuse_a_stop_condition_that_cannot_be(kind, target, fragment):
    with pytest.raises(ValueError, match=fragment):
        StopCondition(kind, target)
    with pytest.raises(TrainingError, match=fragment):
        TrainSettings.from_dict({"epochs": 5, "stop": {"kind": kind, "target": target}})


def test_settings_carry_the_stop_condition_through_their_dict():
    settings = TrainSettings(epochs=7, stop=StopCondition(TARGET_ERROR, 0.01))
    assert settings.to_dict()["stop"] == {"kind": "error", "target": 0.01}
    assert TrainSettings.from_dict(settings.to_dict()) == settings
    assert TrainSettings().stop == StopCondition(EPOCHS)
