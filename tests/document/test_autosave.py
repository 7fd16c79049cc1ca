"""Autosave keeps copies in its own folder, lists them after a crash, and never touches the person's file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nnstudio.document import AutosaveStore, FormatError, Recovery, default_data_dir, document_to_bytes


@pytest.fixture
def store(tmp_path) -> AutosaveStore:
    return AutosaveStore(tmp_path / "autosave")


def test_default_data_dir_prefers_nnstudio_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(tmp_path / "own"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "own"
    monkeypatch.delenv("NNSTUDIO_DATA_DIR")
    assert default_data_dir() == tmp_path / "xdg" / "nnstudio"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # not absolute: ignored, as the XDG rules say
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "nnstudio"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "nnstudio"


def test_the_default_folder_is_autosave_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("NNSTUDIO_DATA_DIR", str(tmp_path / "data"))
    assert AutosaveStore().folder == tmp_path / "data" / "autosave"


def test_write_list_load_and_discard(store, hand_built, tmp_path):
    mine = tmp_path / "mine.nnet"
    mine.write_bytes(b"the person's own file")
    before = datetime.now(UTC)
    path = store.write(hand_built, "4f1c-window", mine)

    assert path == store.folder / "4f1c-window.nnet"
    assert mine.read_bytes() == b"the person's own file"
    assert not (tmp_path / "mine.nnet~").exists()
    [recovery] = store.recoverable()
    assert recovery.path == path and recovery.key == "4f1c-window"
    assert recovery.original_path == mine.absolute()
    assert recovery.title == "Edges «2×2»"
    assert recovery.saved_at.tzinfo is not None
    earliest, latest = before - timedelta(seconds=1), datetime.now(UTC) + timedelta(seconds=1)
    assert earliest <= recovery.saved_at <= latest
    assert document_to_bytes(store.load(recovery)) == document_to_bytes(hand_built)

    store.discard(recovery)
    assert store.recoverable() == []
    assert list(store.folder.iterdir()) == []


def test_writing_again_replaces_the_copy(store, hand_built):
    store.write(hand_built, "k", None)
    hand_built.title = "newer"
    store.write(hand_built, "k", None)
    [recovery] = store.recoverable()
    assert recovery.title == "newer" and recovery.original_path is None
    assert store.load(recovery).title == "newer"
    assert sorted(p.name for p in store.folder.iterdir()) == ["k.json", "k.nnet"]


def test_an_untitled_document_is_named_after_its_file(store, hand_built, tmp_path):
    hand_built.title = ""
    store.write(hand_built, "k", tmp_path / "edges.nnet")
    assert store.recoverable()[0].title == "edges"


def test_discard_by_key_and_a_missing_copy_is_fine(store, hand_built):
    store.write(hand_built, "a", None)
    store.write(hand_built, "b", None)
    store.discard("a")
    store.discard("never written")
    assert [r.key for r in store.recoverable()] == ["b"]


def test_recoveries_come_newest_first(store, hand_built):
    for key in ("old", "new", "middle"):
        store.write(hand_built, key, None)
    stamps = {
        "old": "2026-01-01T10:00:00+00:00",
        "new": "2026-03-01T10:00:00+00:00",
        "middle": "2026-02-01T10:00:00+00:00",
    }
    for key, stamp in stamps.items():
        info = store.folder / f"{key}.json"
        info.write_text(json.dumps({**json.loads(info.read_text()), "saved_at": stamp}))
    assert [r.key for r in store.recoverable()] == ["new", "middle", "old"]


def test_odd_keys_stay_inside_the_folder(store, hand_built):
    path = store.write(hand_built, "../../escape/me", None)
    assert path.parent == store.folder
    assert path.name != "me.nnet" and len(path.stem) == 32
    assert store.path_for("../../escape/me") == path
    store.discard("../../escape/me")
    assert not path.exists()


def test_autosave_refuses_to_write_over_the_persons_file(store, hand_built):
    store.folder.mkdir(parents=True)
    theirs = store.folder / "k.nnet"
    theirs.write_bytes(b"precious")
    with pytest.raises(ValueError, match="autosave never writes to a person's own file"):
        store.write(hand_built, "k", theirs)
    assert theirs.read_bytes() == b"precious"


def test_a_copy_without_its_info_file_is_still_listed(store, hand_built):
    store.write(hand_built, "k", None)
    (store.folder / "k.json").write_text("{not json")
    [recovery] = store.recoverable()
    assert recovery.key == "k" and recovery.original_path is None and recovery.title == ""
    assert recovery.saved_at.tzinfo is not None
    (store.folder / "k.json").unlink()
    assert [r.key for r in store.recoverable()] == ["k"]


def test_a_damaged_copy_gives_a_format_error_on_load(store, hand_built):
    path = store.write(hand_built, "k", None)
    path.write_bytes(b"\x00\x01garbage")
    [recovery] = store.recoverable()
    with pytest.raises(FormatError, match="not UTF-8|not valid JSON"):
        store.load(recovery)


def test_a_missing_folder_has_nothing_to_recover(tmp_path):
    assert AutosaveStore(tmp_path / "nowhere").recoverable() == []


def test_temporary_and_foreign_files_are_not_recoveries(store, hand_built):
    store.write(hand_built, "k", None)
    (store.folder / ".k.nnet.1234abcd.tmp").write_bytes(b"half")
    (store.folder / "notes.txt").write_text("hello")
    assert [r.key for r in store.recoverable()] == ["k"]


def test_discarding_a_recovery_from_another_folder_is_refused(store, tmp_path):
    elsewhere = Recovery(tmp_path / "other" / "k.nnet", None, "", datetime.now(UTC))
    with pytest.raises(ValueError, match="is not in the autosave folder"):
        store.discard(elsewhere)


def test_recovery_paths_are_paths(store, hand_built):
    store.write(hand_built, "k", "relative/name.nnet")  # type: ignore[arg-type]
    recovery = store.recoverable()[0]
    assert isinstance(recovery.path, Path) and recovery.original_path == Path("relative/name.nnet").absolute()
