"""Older files are brought up to date one version at a time through fileformat.MIGRATIONS."""

from __future__ import annotations

import json

import pytest

from nnstudio.document import FORMAT_VERSION, FormatError, document_from_bytes, fileformat

# What a "version 0" file might have looked like: nodes and links instead of neurons and edges.
VERSION_0 = {
    "format": "nnstudio-network",
    "version": 0,
    "name": "old times",
    "nodes": [{"id": "a", "kind": "input"}, {"id": "b", "kind": "output"}],
    "links": [["a", "b", 0.75]],
}


def from_0_to_1(tree: dict) -> dict:
    return {
        "format": tree["format"],
        "version": 0,  # the loader sets each step's version itself
        "title": tree["name"],
        "neurons": [
            {"id": n["id"], "role": n["kind"], "activation": "sigmoid", "bias": 0.0} for n in tree["nodes"]
        ],
        "edges": [{"id": f"{s}>{t}", "source": s, "target": t, "weight": w} for s, t, w in tree["links"]],
    }


def test_version_2_is_today_and_version_1_migrates():
    assert FORMAT_VERSION == 2
    assert sorted(fileformat.MIGRATIONS) == [1]


def test_an_old_file_is_migrated_then_checked(monkeypatch):
    monkeypatch.setattr(fileformat, "MIGRATIONS", {**fileformat.MIGRATIONS, 0: from_0_to_1})
    doc = document_from_bytes(json.dumps(VERSION_0).encode())
    assert doc.title == "old times"
    assert doc.network.edges["a>b"].weight == 0.75
    assert [n.role.value for n in doc.network] == ["input", "output"]


def test_migrations_run_in_order_one_step_at_a_time(monkeypatch):
    steps: list[int] = []

    def from_minus_1(tree: dict) -> dict:
        steps.append(tree["version"])
        return {**tree, "name": tree["label"].upper()}

    def from_0(tree: dict) -> dict:
        steps.append(tree["version"])
        return from_0_to_1(tree)

    monkeypatch.setattr(fileformat, "MIGRATIONS", {**fileformat.MIGRATIONS, -1: from_minus_1, 0: from_0})
    old = {**VERSION_0, "version": -1, "label": "older times"}
    del old["name"]
    doc = document_from_bytes(json.dumps(old).encode())
    assert steps == [-1, 0]
    assert doc.title == "OLDER TIMES"


def test_a_migrated_file_is_still_checked(monkeypatch):
    monkeypatch.setattr(fileformat, "MIGRATIONS", {**fileformat.MIGRATIONS, 0: from_0_to_1})
    bad = {**VERSION_0, "links": [["a", "b", "heavy"]]}
    with pytest.raises(FormatError, match=r"edges\[0\].weight: the weight of edge 'a>b' must be a number"):
        document_from_bytes(json.dumps(bad).encode())


def test_a_damaged_old_file_gives_a_format_error(monkeypatch):
    monkeypatch.setattr(fileformat, "MIGRATIONS", {**fileformat.MIGRATIONS, 0: from_0_to_1})
    damaged = {k: v for k, v in VERSION_0.items() if k != "nodes"}
    with pytest.raises(FormatError, match="the version 0 file could not be brought up to date"):
        document_from_bytes(json.dumps(damaged).encode())


def test_a_version_without_a_migration_is_refused(monkeypatch):
    monkeypatch.setattr(fileformat, "MIGRATIONS", {**fileformat.MIGRATIONS, 0: from_0_to_1})
    with pytest.raises(FormatError) as caught:
        document_from_bytes(json.dumps({**VERSION_0, "version": -5}).encode())
    assert caught.value.where == "version"
    assert "version -5 is not a format version nnstudio ever wrote" in str(caught.value)
