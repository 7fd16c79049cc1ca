"""A save killed half-way leaves a hidden temporary file; the next save of that file, or the next start,
removes it. Only our own temporary files of that document, once no save is writing them, are removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nnstudio.document import AutosaveStore, atomic, document_to_bytes, load_document, save_document
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


_SAVE_FOREVER = r"""
import sys
from pathlib import Path
from nnstudio.document import atomic
data = b"x" * (4 << 20)
path = Path(sys.argv[1])
print("ready", flush=True)
while True:
    atomic.atomic_write(path, data, keep_backup=True)
"""


@pytest.mark.parametrize("trial", range(3))
def test_killed_during_save_then_saved_again_leaves_nothing(tmp_path, hand_built, trial):
    """The small version of tests/stress/kill_during_save.py: kill a process saving in a loop, save again."""
    path = tmp_path / "net.nnet"
    save_document(hand_built, path)
    child = subprocess.Popen(
        [sys.executable, "-c", _SAVE_FOREVER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 30
        while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            assert time.monotonic() < deadline
        time.sleep(0.01 * trial)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    time.sleep(atomic.STALE_AFTER_SECONDS)  # a leftover only counts as one once a moment has passed
    save_document(hand_built, path)
    assert names(tmp_path) == ["net.nnet", "net.nnet~"]
    assert path.read_bytes() == document_to_bytes(hand_built)
