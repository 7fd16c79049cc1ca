"""Texts and whole numbers from a file stay within what the studio can show and use.

Every text (titles, descriptions, labels, ids, names, class names) has a length cap and a line cap, and
every whole number a range the training settings' spin boxes and numpy accept; each is checked at load
with a message naming the place, and saving checks the same rules, so a saved file always opens again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nnstudio.document import FormatError, document_from_bytes, document_to_bytes, fileformat
from nnstudio.document.fileformat import MAX_POSITION, TEXT_LIMITS, TRAINING_RANGES

FORMAT_MD = Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md"


def refused(tree: dict) -> FormatError:
    with pytest.raises(FormatError) as caught:
        document_from_bytes(json.dumps(tree).encode(), source="bad.nnet")
    return caught.value


def place(tree: dict, path: list, value) -> dict:
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return tree


TEXT_PLACES = [
    (["title"], "title", "the title"),
    (["description"], "description", "the description"),
    (["neurons", 16, "label"], "neurons[16].label", "the label of neuron 'o0'"),
    (["neurons", 9, "id"], "neurons[9].id", "a neuron's id"),
    (["edges", 0, "id"], "edges[0].id", "an edge's id"),
    (["training_data"], "training_data", "the training data's name"),
    (["dataset", "name"], "dataset.name", "the dataset's name"),
    (["dataset", "description"], "dataset.description", "the dataset's description"),
    (["dataset", "labels", 1], "dataset.labels[1]", "a label"),
    (["dataset", "sample_names", 2], "dataset.sample_names[2]", "a sample's name"),
]


@pytest.mark.parametrize(("path", "where", "what"), TEXT_PLACES, ids=[w for _, w, _ in TEXT_PLACES])
def test_a_text_with_too_many_lines_is_refused_at_load(layered_tree, path, where, what):
    kind = fileformat.text_kind(where)
    lines = TEXT_LIMITS[kind][1]
    error = refused(place(layered_tree, path, "x\n" * lines))
    assert error.where == where
    assert error.problem == f"{what} has {lines + 1:,} lines; it may have at most {lines:,}"


@pytest.mark.parametrize(("path", "where", "what"), TEXT_PLACES, ids=[w for _, w, _ in TEXT_PLACES])
def test_a_text_too_long_is_refused_at_load(layered_tree, path, where, what):
    kind = fileformat.text_kind(where)
    chars = TEXT_LIMITS[kind][0]
    error = refused(place(layered_tree, path, "y" * (chars + 1)))
    assert error.where == where
    assert error.problem == f"{what} is {chars + 1:,} characters long; it may be at most {chars:,}"


def test_the_issue_file_an_output_label_of_200000_newlines_is_refused(layered_tree):
    error = refused(place(layered_tree, ["neurons", 16, "label"], "\n" * 200_000))
    assert str(error) == (
        "bad.nnet: neurons[16].label: the label of neuron 'o0' has 200,001 lines; it may have at most 4"
    )


def test_texts_at_their_caps_load_and_save_again(layered_tree):
    for path, where, _ in TEXT_PLACES:
        if where.endswith(".id"):
            continue  # ids are joined to other places; they are covered by the refusals above
        chars, lines = TEXT_LIMITS[fileformat.text_kind(where)]
        text = "\n".join(["z" * (chars // lines - 1)] * lines)
        assert len(text) <= chars and text.count("\n") == lines - 1
        place(layered_tree, path, text)
    layered_tree["edges"][0]["id"] = "e" * TEXT_LIMITS["edge id"][0]
    doc = document_from_bytes(json.dumps(layered_tree).encode())
    assert document_to_bytes(document_from_bytes(document_to_bytes(doc))) == document_to_bytes(doc)


def test_saving_checks_the_same_caps(layered):
    layered.title = "t" * (TEXT_LIMITS["name"][0] + 1)
    with pytest.raises(FormatError, match="title: cannot be saved: the title is"):
        document_to_bytes(layered)


def test_a_carriage_return_counts_as_a_line_break(layered_tree):
    error = refused(place(layered_tree, ["title"], "a\rb\r\nc\u2028d\ne"))
    assert error.where == "title" and "has 5 lines" in error.problem


# ------------------------------------------------------------------------------- whole numbers


@pytest.mark.parametrize("field", ["seed", "epochs", "batch_size"])
@pytest.mark.parametrize("value", [2**31, 2**63 - 1, 2**64])
def test_whole_numbers_beyond_what_the_studio_uses_are_refused(layered_tree, field, value):
    low, high = TRAINING_RANGES[field]
    error = refused(place(layered_tree, ["training", field], value))
    assert error.where == f"training.{field}"
    assert error.problem == f"must be between {low:,} and {high:,}, not {value}"


@pytest.mark.parametrize("field", ["seed", "epochs", "batch_size"])
def test_the_ends_of_each_range_load(layered_tree, field):
    low, high = TRAINING_RANGES[field]
    for value in (low, high):
        doc = document_from_bytes(json.dumps(place(layered_tree, ["training", field], value)).encode())
        assert getattr(doc.training, field) == value


def test_the_ranges_fit_a_qt_spin_box_and_numpy():
    for low, high in TRAINING_RANGES.values():
        assert 0 <= low <= high <= 2**31 - 1


def test_format_md_states_the_caps_and_ranges():
    text = FORMAT_MD.read_text(encoding="utf-8")
    for field, (low, high) in TRAINING_RANGES.items():
        row = re.search(rf"^\| `{field}` \|.*$", text, flags=re.MULTILINE)
        assert row is not None, field
        assert f"{low:,}" in row.group(0) and f"{high:,}" in row.group(0), row.group(0)
    for kind, (chars, lines) in TEXT_LIMITS.items():
        row = re.search(rf"^\| {kind} texts? \|.*$", text, flags=re.MULTILINE)
        assert row is not None, kind
        assert f"{chars:,}" in row.group(0) and f"{lines:,}" in row.group(0), row.group(0)


# ------------------------------------------------------------------------------- positions


@pytest.mark.parametrize("value", [1e308, -1e7, MAX_POSITION * 1.000001])
def test_positions_beyond_the_canvas_are_refused(layered_tree, value):
    error = refused(place(layered_tree, ["neurons", 4, "y"], value))
    assert error.where == "neurons[4].y"
    assert error.problem.startswith("the position of neuron 'i4' must be between -1,000,000 and 1,000,000")


def test_positions_at_the_edge_of_the_canvas_load(layered_tree):
    place(layered_tree, ["neurons", 4, "x"], -MAX_POSITION)
    place(layered_tree, ["neurons", 5, "y"], MAX_POSITION)
    doc = document_from_bytes(json.dumps(layered_tree).encode())
    assert doc.layout["i4"][0] == -MAX_POSITION
