"""The catalogue of built-in examples: names, order, paths, loading, and files matching the build script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nnstudio import examples
from nnstudio.document.fileformat import document_to_bytes
from nnstudio.document.model import Document
from nnstudio.examples import (
    UnknownExampleError,
    example_path,
    list_examples,
    load_example,
    resources_dir,
)

REPO = Path(__file__).resolve().parents[2]
HAND_BUILT = [
    "festival",
    "xor-single",
    "xor",
    "gauss",
    "circle",
    "xor-features",
    "spiral",
    "four-pixel-camera",
    "four-pixel-learner",
    "three-by-three-shapes",
]
BUILT_IN = [*HAND_BUILT, "digits", "digits-wide", "digits-convnet"]


def _build_script():
    spec = importlib.util.spec_from_file_location("build_examples", REPO / "scripts" / "build_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_built_in_example_is_listed_in_teaching_order():
    infos = list_examples()
    assert [info.name for info in infos] == BUILT_IN
    for info in infos:
        assert info.title and info.description.endswith(".")
        assert info.path == REPO / "resources" / "examples" / f"{info.name}.nnet"
        assert info.path.is_file(), f"{info.path} is missing; run scripts/build_examples.py"


def test_example_path_names_the_shipped_file():
    assert example_path("xor") == resources_dir() / "examples" / "xor.nnet"


def test_unknown_example_says_which_names_exist():
    with pytest.raises(UnknownExampleError) as caught:
        example_path("four-pixels")
    message = str(caught.value)
    assert "'four-pixels'" in message
    for name in BUILT_IN:
        assert name in message
    # Callers may catch it either as a failed lookup or as a bad value.
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
    with pytest.raises(UnknownExampleError):
        load_example("")


@pytest.mark.parametrize("name", HAND_BUILT)
def test_small_examples_load_with_the_catalogue_title(name):
    doc = load_example(name)
    info = next(i for i in list_examples() if i.name == name)
    assert isinstance(doc, Document)
    assert (doc.title, doc.description) == (info.title, info.description)
    assert all(neuron.label for neuron in doc.network.outputs()), "every output is labelled"


def test_positions_run_left_to_right_by_layer():
    for name in ("four-pixel-camera", "three-by-three-shapes", "xor"):
        doc = load_example(name)
        columns = [sorted({doc.layout[nid][0] for nid in level}) for level in doc.network.levels()]
        # Hidden and output layers are one column each; each lies right of everything before it.
        assert all(len(xs) == 1 for xs in columns[1:])
        for before, after in zip(columns, columns[1:], strict=False):
            assert max(before) < after[0]


def test_image_inputs_are_laid_out_as_their_grid():
    doc = load_example("three-by-three-shapes")
    assert doc.grid == (3, 3)
    pixels = doc.network.inputs()
    xs = [doc.layout[p.id][0] for p in pixels]
    ys = [doc.layout[p.id][1] for p in pixels]
    # Row-major: x repeats every row, y grows row by row.
    assert xs[0:3] == xs[3:6] == xs[6:9] and xs[0] < xs[1] < xs[2]
    assert ys[0] == ys[1] == ys[2] < ys[3] == ys[4] == ys[5] < ys[6]


def test_resources_come_from_the_bundle_in_a_frozen_application(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"
    assert example_path("festival") == tmp_path / "resources" / "examples" / "festival.nnet"
    monkeypatch.setattr(sys, "frozen", False)
    assert resources_dir() == Path(examples.__file__).resolve().parent.parent / "resources"


def test_missing_file_is_a_format_error_not_a_crash(monkeypatch, tmp_path):
    from nnstudio.document.fileformat import FormatError

    monkeypatch.setattr(examples, "resources_dir", lambda: tmp_path)
    with pytest.raises(FormatError, match="no such file"):
        load_example("festival")


@pytest.mark.parametrize("name", ["festival", "xor-single", "four-pixel-camera", "three-by-three-shapes"])
def test_shipped_file_is_what_the_build_script_makes(name):
    built = _build_script().BUILDERS[name]()
    assert document_to_bytes(built) == example_path(name).read_bytes(), (
        f"resources/examples/{name}.nnet is out of date; run scripts/build_examples.py --only {name}"
    )


def test_shipped_xor_is_what_the_build_script_trains():
    # Trained in float32: another processor's arithmetic may differ in the last bits, so compare values.
    built = _build_script().BUILDERS["xor"]()
    shipped = load_example("xor")
    assert [(n.id, n.label, n.activation, built.layout[n.id]) for n in built.network] == [
        (n.id, n.label, n.activation, shipped.layout[n.id]) for n in shipped.network
    ]
    for attribute, items in (("weight", "edges"), ("bias", "neurons")):
        ours = {k: getattr(v, attribute) for k, v in getattr(built.network, items).items()}
        theirs = {k: getattr(v, attribute) for k, v in getattr(shipped.network, items).items()}
        assert ours.keys() == theirs.keys()
        for key in ours:
            assert ours[key] == pytest.approx(theirs[key], abs=1e-3), key


def test_build_script_writes_only_the_asked_example(tmp_path):
    script = _build_script()
    assert script.main(["--only", "festival", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["festival.nnet"]
    assert (tmp_path / "festival.nnet").read_bytes() == example_path("festival").read_bytes()
