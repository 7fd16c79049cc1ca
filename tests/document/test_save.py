"""Saving replaces the file in one step, keeps the previous one as name~, never leaves a half-written file."""

from __future__ import annotations

import os
import stat

import pytest

from nnstudio.document import (
    FormatError,
    SaveError,
    atomic,
    document_to_bytes,
    fileformat,
    load_document,
    save_document,
)
from nnstudio.document.atomic import atomic_write, backup_path


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_first_save_makes_no_backup(tmp_path, hand_built):
    path = tmp_path / "net.nnet"
    save_document(hand_built, path)
    assert names(tmp_path) == ["net.nnet"]
    assert path.read_bytes() == document_to_bytes(hand_built)


def test_each_save_keeps_the_previous_file_as_backup(tmp_path, hand_built):
    path = tmp_path / "net.nnet"
    save_document(hand_built, path)
    first = path.read_bytes()
    hand_built.title = "second"
    save_document(hand_built, path)
    second = path.read_bytes()
    assert backup_path(path) == tmp_path / "net.nnet~"
    assert (tmp_path / "net.nnet~").read_bytes() == first
    hand_built.title = "third"
    save_document(hand_built, path)
    assert (tmp_path / "net.nnet~").read_bytes() == second  # the older backup is replaced
    assert load_document(path).title == "third"
    assert names(tmp_path) == ["net.nnet", "net.nnet~"]  # no temporary file is left


def test_a_failing_rename_leaves_the_original_intact(tmp_path, hand_built, monkeypatch):
    path = tmp_path / "net.nnet"
    path.write_bytes(b"the original bytes")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SaveError) as caught:
        save_document(hand_built, path)
    assert isinstance(caught.value, OSError) and caught.value.errno == 13
    assert str(caught.value) == f"could not save {path}: Permission denied"
    assert path.read_bytes() == b"the original bytes"
    assert names(tmp_path) == ["net.nnet"]


def test_a_failure_after_the_backup_leaves_the_original_intact(tmp_path, hand_built, monkeypatch):
    path = tmp_path / "net.nnet"
    path.write_bytes(b"the original bytes")
    real_replace = os.replace

    def replace_only_backups(src, dst):
        if str(dst).endswith("~"):
            return real_replace(src, dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace_only_backups)
    with pytest.raises(SaveError, match="No space left on device"):
        save_document(hand_built, path)
    assert path.read_bytes() == b"the original bytes"
    assert (tmp_path / "net.nnet~").read_bytes() == b"the original bytes"
    assert names(tmp_path) == ["net.nnet", "net.nnet~"]


def test_a_failing_flush_to_disk_leaves_no_temporary_file(tmp_path, hand_built, monkeypatch):
    path = tmp_path / "net.nnet"
    path.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(SaveError, match="Input/output error"):
        save_document(hand_built, path)
    assert path.read_bytes() == b"old"
    assert names(tmp_path) == ["net.nnet"]


def test_a_document_that_cannot_be_saved_touches_nothing(tmp_path, hand_built):
    path = tmp_path / "net.nnet"
    path.write_bytes(b"old")
    # Network edits refuse infinity; the writer is the last guard against one that got in some other way.
    hand_built.network.edges.set_value("p2", "h2", weight=float("inf"))
    with pytest.raises(FormatError, match="edges\\[3\\].weight: cannot be saved"):
        save_document(hand_built, path)
    assert path.read_bytes() == b"old"
    assert names(tmp_path) == ["net.nnet"]


def test_saving_into_a_missing_folder_says_so(tmp_path, hand_built):
    path = tmp_path / "no such folder" / "net.nnet"
    with pytest.raises(SaveError) as caught:
        save_document(hand_built, path)
    assert str(caught.value).startswith(f"could not save {path}: ")
    assert isinstance(caught.value, OSError)


def test_saving_keeps_the_files_permissions(tmp_path, hand_built):
    path = tmp_path / "net.nnet"
    save_document(hand_built, path)
    os.chmod(path, 0o640)
    save_document(hand_built, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path, hand_built):
    old = os.umask(0o022)
    try:
        save_document(hand_built, tmp_path / "net.nnet")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "net.nnet").stat().st_mode) == 0o644


def test_saving_through_a_link_updates_the_file_it_points_to(tmp_path, hand_built):
    real = tmp_path / "real.nnet"
    real.write_bytes(b"old")
    link = tmp_path / "link.nnet"
    link.symlink_to(real)
    save_document(hand_built, link)
    assert link.is_symlink()
    assert real.read_bytes() == document_to_bytes(hand_built)
    assert (tmp_path / "real.nnet~").read_bytes() == b"old"


def test_backups_fall_back_to_copying_where_links_are_not_allowed(tmp_path, monkeypatch):
    path = tmp_path / "data.bin"
    path.write_bytes(b"one")

    def no_links(src, dst):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    atomic_write(path, b"two", keep_backup=True)
    assert path.read_bytes() == b"two"
    assert (tmp_path / "data.bin~").read_bytes() == b"one"


# ------------------------------------------------------------------------------- loading a path


def test_loading_a_missing_file(tmp_path):
    with pytest.raises(FormatError) as caught:
        load_document(tmp_path / "gone.nnet")
    assert caught.value.where == "file"
    assert str(caught.value) == f"{tmp_path / 'gone.nnet'}: there is no such file"


def test_loading_a_folder(tmp_path):
    with pytest.raises(FormatError, match="this is a folder, not a network file"):
        load_document(tmp_path)


def test_loading_a_file_over_the_size_cap_checks_its_size_first(tmp_path, monkeypatch, hand_built):
    path = tmp_path / "big.nnet"
    save_document(hand_built, path)
    monkeypatch.setattr(fileformat, "MAX_FILE_BYTES", 100)

    def must_not_read(*args, **kwargs):
        raise AssertionError("the file was opened although its size alone rules it out")

    monkeypatch.setattr(type(path), "open", must_not_read)
    with pytest.raises(FormatError, match="a network file may be at most 100 bytes"):
        load_document(path)


def test_loading_names_the_file_in_every_message(tmp_path):
    path = tmp_path / "broken.nnet"
    path.write_bytes(b'{"format": "nnstudio-network", "version": 1, "neurons": 3}')
    with pytest.raises(FormatError) as caught:
        load_document(path)
    assert str(caught.value) == f"{path}: neurons: must be a list [...], not 3"
    assert caught.value.source == str(path)
