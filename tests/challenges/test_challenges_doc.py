"""docs/CHALLENGES.md documents every field, case kind, rule and score the reader accepts, and its example
file reads as it says."""

import json
import re
from pathlib import Path

from nnstudio.document import challenge_file as module

DOC = (Path(__file__).parents[2] / "docs" / "CHALLENGES.md").read_text()


def test_every_field_the_reader_knows_is_in_the_doc():
    fields = [*module._TOP_FIELDS["required"], *module._TOP_FIELDS["optional"]]
    fields += [
        "example",
        "network",
        "weights",
        "biases",
        "hidden_neurons",
        "connections",
        "weight_step",
        "by",
    ]
    fields += ["name", "input", "neuron", "tolerance", "error_at_most", "dataset"]
    missing = [f for f in fields if f"`{f}`" not in DOC]
    assert missing == []
    for kind in module._CASE_KINDS:
        assert f"`{kind}`" in DOC
    for score in module._SCORES:
        assert f"`{score}`" in DOC


def test_the_limits_in_the_doc_are_the_readers():
    assert f"| cases | {module.MAX_CASES:,} |" in DOC
    assert f"| file size | {module.MAX_FILE_BYTES // 2**20} MiB |" in DOC
    assert f"| names in `hide` or in `lock` | {module.MAX_NAMES} |" in DOC


def test_the_example_in_the_doc_is_a_built_in_challenge():
    shown = json.loads(re.search(r"```json\n(.*?)```", DOC, re.S).group(1))
    built_in = json.loads((module.challenges_dir() / "03-xor-by-hand.json").read_text())
    assert shown["cases"] == built_in["cases"]
    assert shown["constraints"] == built_in["constraints"]
    assert (shown["hide"], shown["lock"]) == (built_in["hide"], built_in["lock"])
