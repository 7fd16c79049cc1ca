"""A challenge file that is not one gives one clear line: where in the file, what is wrong; never a traceback."""

import json

import pytest

from nnstudio.document.challenge import ChallengeError
from nnstudio.document.challenge_file import challenge_from_bytes, load_challenge

GOOD = {
    "format": "nnstudio-challenge",
    "version": 1,
    "id": "tiny",
    "title": "Tiny",
    "goal": "Say yes.",
    "start": {"example": "festival"},
    "cases": [{"name": "a day", "input": [3, 2, 4, 2], "output": [1]}],
}


def changed(**fields):
    tree = json.loads(json.dumps(GOOD))
    for key, value in fields.items():
        if value is None:
            tree.pop(key)
        else:
            tree[key] = value
    return json.dumps(tree).encode()


HOSTILE = [
    (b"", "the file is empty"),
    (b"\xff\xfe\x00", "not UTF-8 text"),
    (b"{", "not valid JSON"),
    (b"[1, 2]", "holds a list, not an nnstudio challenge"),
    (b'{"format": "x", "format": "y"}', "appears twice"),
    (b"[" * 100_000 + b"]" * 100_000, "nested far too deeply"),
    (json.dumps({"version": 1}).encode(), 'it has no "format": "nnstudio-challenge"'),
    (json.dumps({"format": "nnstudio-network", "version": 2}).encode(), "a challenge file says"),
    (changed(version=99), "made for a newer nnstudio (version 99)"),
    (changed(version="1"), "version: must be a whole number"),
    (changed(version=None), "version: the format version is missing"),
    (changed(id="Not An Id"), "id: must be lower-case letters"),
    (changed(goal=""), "goal: must not be empty"),
    (changed(goal="x" * 5000), "goal: is 5,000 characters long"),
    (changed(title="two\nlines"), "title: must be one line"),
    (changed(extra=1), "extra: is not a field a challenge has here"),
    (changed(cases=[]), "cases: must hold at least 1 case"),
    (changed(cases=[{"name": "n", "input": [1]}]), "exactly one of output, class, above, below"),
    (changed(cases=[{"name": "n", "input": [1], "above": 1, "below": 0}]), "it has above, below"),
    (changed(cases=[{"name": "n", "input": [1, "x"], "output": [1]}]), "cases[0].input[1]: must be a number"),
    (
        changed(cases=[{"name": "n", "input": [1e999], "output": [1]}]),
        "holds Infinity, which is not a number",
    ),
    (
        changed(cases=[{"name": "n", "input": [2], "output": [1]}]).replace(b"[2]", b"[1e999]"),
        "must be between",
    ),
    (
        changed(cases=[{"name": "n", "input": [1], "output": [1], "tolerance": -1}]),
        "tolerance: must be between",
    ),
    (changed(cases=[{"name": "n", "neuron": "o0", "signs": ["+-", "+"]}]), "every row must have 2"),
    (changed(cases=[{"name": "n", "neuron": "o0", "signs": ["+x"]}]), "holds 'x'; a pixel is +"),
    (
        changed(cases=[{"name": "n", "dataset": "/dev/zero", "error_at_most": 0.1}]),
        "is not a built-in dataset",
    ),
    (changed(cases=[{"name": "n", "dataset": "four-pixel", "error_at_most": 2}]), "error_at_most: must be"),
    (changed(start={"example": "nope"}), "there is no example 'nope'"),
    (changed(start={}), 'give either "example"'),
    (changed(start={"example": "festival", "network": {}}), 'give either "example"'),
    (changed(start={"example": "festival", "weights": {"a>b": 1}}), "has no connection 'a>b'"),
    (changed(start={"example": "festival", "biases": {"i0": 1}}), "no hidden or output neuron 'i0'"),
    (
        changed(start={"network": {"format": "nnstudio-network", "version": 2, "neurons": 5}}),
        "start.network.neurons",
    ),
    (changed(start={"network": [1]}), "must be a whole network"),
    (changed(constraints={"hidden_neurons": {"exactly": 1, "at_most": 2}}), 'give one of "exactly"'),
    (changed(constraints={"weight_step": 0}), "weight_step: must be between"),
    (changed(score={"by": "beauty"}), "a score is by one of"),
    (changed(score={"by": "test_error"}), 'names its "dataset"'),
    (changed(hide=["trainingDock", "rm -rf /"]), "hide[1]: 'rm -rf /' is not a panel or tool name"),
    (changed(lock=["x"] * 500), "lock: holds 500 names"),
]


@pytest.mark.parametrize(("data", "expected"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_challenge_gives_one_clear_line(data, expected):
    with pytest.raises(ChallengeError) as caught:
        challenge_from_bytes(data, "lesson.json")
    message = str(caught.value)
    assert expected in message
    assert message.startswith("lesson.json: ")
    assert "\n" not in message and len(message) < 700


def test_the_good_one_loads():
    assert challenge_from_bytes(changed()).id == "tiny"


def test_missing_file_folder_and_device(tmp_path):
    for path, expected in (
        (tmp_path / "none.json", "there is no such file"),
        (tmp_path, "this is a folder"),
    ):
        with pytest.raises(ChallengeError, match=expected):
            load_challenge(path)
