"""A save killed half-way leaves a hidden temporary file; the next save of that file, or the next start,
removes it. Only our own temporary files of that document, once no save is writing them, are removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from nnstudio.document import AutosaveStore, atomic, load_document, save_document
from nnstudio.document.atomic import remove_stale_temps

LONG_AGO = time.time() - 3600


def leftover(folder: Path, name: str, age: float = LONG_AGO) -> Path:
    path = folder / name
    path.write_bytes(b"half a network")
    os.utime(path, (age, age))
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_next_save_removes_what_killed_saves_left(tmp_path, hand_built):
    path = tmp_path / "net.nnet"
    save_document(hand_built, path)
    leftover(tmp_path, ".net.nnet.1a2b3c4d.tmp")  # the next content, written when the save was killed
    leftover(tmp_path, ".net.nnet~.deadbeef.tmp")  # the backup, linked before the kill
    save_document(hand_built, path)
    assert names(tmp_path) == ["net.nnet", "net.nnet~"]


def test_a_save_killed_between_backup_and_rename_leaves_nothing_after_the_next(tmp_path, hand_built):
    """Killed there, the file and its backup are one file under two names; renaming a link onto the same
    file does nothing (POSIX), which once left the backup's temporary name behind at every later save."""
    path = tmp_path / "net.nnet"
    path.write_bytes(b"the bytes before")
    os.link(path, tmp_path / "net.nnet~")
    save_document(hand_built, path)
    assert names(tmp_path) == ["net.nnet", "net.nnet~"]
    assert (tmp_path / "net.nnet~").read_bytes() == b"the bytes before"
    assert load_document(path).title == hand_built.title


def test_files_that_are_not_our_leftovers_stay(tmp_path, hand_built):
    path = tmp_path / "net.nnet"
    others = [
        ".net.nnet.swp",  # an editor's
        ".net.nnet.1234.tmp",  # not our pattern: four hex digits
        ".net.nnet.1A2B3C4D.tmp",  # not our pattern: capitals
        "net.nnet.1a2b3c4d.tmp",  # not hidden
        ".other.nnet.1a2b3c4d.tmp",  # another document's
        ".net.nnet.1a2b3c4d.tmp.bak",
    ]
    for name in others:
        leftover(tmp_path, name)
    (tmp_path / ".net.nnet.0000aaaa.tmp").mkdir()  # a folder, whatever its name
    (tmp_path / ".net.nnet.0000bbbb.tmp").symlink_to(tmp_path / "elsewhere")
    save_document(hand_built, path)
    assert names(tmp_path) == sorted(
        ["net.nnet", *others, ".net.nnet.0000aaaa.tmp", ".net.nnet.0000bbbb.tmp"]
    )


def test_a_temporary_file_of_a_save_still_running_stays(tmp_path):
    path = tmp_path / "net.nnet"
    path.write_bytes(b"old")
    fresh = leftover(tmp_path, ".net.nnet.00000001.tmp", age=time.time())  # younger than a moment
    # Another process (here: another open file) is writing this one and holds its lock.
    busy = leftover(tmp_path, ".net.nnet.00000002.tmp")
    fd = os.open(busy, os.O_RDWR)
    try:
        atomic.lock_temp(fd)
        assert remove_stale_temps(path) == []
        assert fresh.exists() and busy.exists()
    finally:
        os.close(fd)
    assert sorted(remove_stale_temps(path, older_than=0)) == [fresh, busy]
    assert not fresh.exists() and not busy.exists()


def test_a_save_holds_its_lock_until_the_rename(tmp_path, hand_built, monkeypatch):
    """A cleaner running while a save is between its last write and the rename must not take the file."""
    path = tmp_path / "net.nnet"
    real_replace = os.replace
    removed: list[list[Path]] = []

    def clean_first(src, dst):
        removed.append(remove_stale_temps(path, older_than=0))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", clean_first)
    save_document(hand_built, path)
    assert removed == [[]]
    assert load_document(path).title == hand_built.title


def test_the_autosave_folder_is_cleared_of_leftovers_at_start(tmp_path, hand_built):
    store = AutosaveStore(tmp_path / "autosave")
    store.write(hand_built, "k", None)
    leftover(store.folder, ".k.nnet.0badf00d.tmp")
    leftover(store.folder, ".k.json.0badf00d.tmp")
    leftover(store.folder, "notes.txt")
    store.remove_leftovers()
    assert names(store.folder) == ["k.json", "k.nnet", "notes.txt"]


def test_fifty_kills_during_save_lose_nothing_and_leave_nothing(tmp_path):
    """The in-suite run of tests/stress/kill_during_save.py (500 trials there)."""
    from tests.stress.kill_during_save import run_trials

    counts = run_trials(50, tmp_path)
    assert counts.trials == 50 and counts.intact == 50 and counts.lost == []
    assert counts.killed_with_temp > 0  # some kills really did cut a save off half-way
    assert counts.leftovers_after_next_save == 0, counts.leftover_names
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
