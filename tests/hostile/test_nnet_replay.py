"""Every hostile ``.nnet`` file three ways: the document API, ``nnstudio run`` and File > Open in the window.

A refused file gives one FormatError (the API), exit 1 and one line without a traceback (the command line),
and one message with the window wholly on the document it had (the window). A file that is valid opens
and the window shows it. The whole corpus goes through the API, the command line (in process) and the
window; a sample, the ones that once hung or crashed, goes through real ``nnstudio run`` processes with a
time limit. tests/stress/nnet_hostile_replay.py runs every file as real processes with memory limits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from nnstudio import cli
from nnstudio.app import create_main_window
from nnstudio.document import FormatError, document_to_bytes, load_document

from .corpus import CASES, HostileFile, build_all

ROOT = Path(__file__).resolve().parents[2]
Button = QMessageBox.StandardButton


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[tuple[HostileFile, Path]]:
    return build_all(tmp_path_factory.mktemp("hostile-nnet"))


def test_the_corpus_is_large_named_and_covers_each_class():
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)
    assert {case.expect for case in CASES} == {"refused", "opens"}
    assert sum(case.expect == "refused" for case in CASES) >= 60
    for needed in ("label-200000-newlines", "seed-2^63", "deep-lists", "bad-base64", "utf8-bom", "cycle-3"):
        assert needed in {case.name for case in CASES}


def test_the_document_api_refuses_or_opens_each_file(corpus):
    for case, path in corpus:
        try:
            doc = load_document(path)
        except FormatError as exc:
            assert case.expect == "refused", f"{case.name}: refused: {exc}"
            message = str(exc)
            assert message.startswith(f"{path}: ") and "\n" not in message, case.name
            assert len(message) < len(str(path)) + 500, case.name
            continue
        assert case.expect == "opens", f"{case.name} ({case.attack}) was accepted"
        saved = document_to_bytes(doc)
        assert document_to_bytes(load_document(path)) == saved, case.name


def _one_line(err: str, case: HostileFile) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, f"{case.name}: {err!r}"
    assert lines[0].startswith("nnstudio: error: "), f"{case.name}: {lines[0]}"
    return lines[0]


def test_nnstudio_run_gives_one_line_for_each_file(corpus, capsys):
    for case, path in corpus:
        status = cli.main(["run", str(path), "--input", "0"])
        out, err = capsys.readouterr()
        assert status == 1 and out == "", f"{case.name}: exit {status}"
        line = _one_line(err, case)
        if case.expect == "refused":
            assert str(path) in line, f"{case.name}: {line}"


# The files that once hung, crashed or ran out of memory, as real processes with a time limit.
SAMPLE = [
    "label-200000-newlines",
    "seed-2^63",
    "deep-lists",
    "named-pipe",
    "too-big-file",
    "dense-claims-10^18",
    "not-utf8",
    "utf8-bom",
]


def test_nnstudio_run_as_a_process_on_a_sample(corpus):
    by_name = {case.name: (case, path) for case, path in corpus}
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    for name in SAMPLE:
        case, path = by_name[name]
        done = subprocess.run(
            [sys.executable, "-m", "nnstudio", "run", str(path), "--input", "0"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=env,
        )
        assert done.returncode == 1 and done.stdout == "", f"{name}: {done.returncode} {done.stderr}"
        _one_line(done.stderr, case)


@pytest.fixture
def window(qtbot, monkeypatch):
    """The studio window; its message boxes are answered at once, and every text they showed is kept."""
    shown: list[str] = []

    def dismiss(_parent, _title, text, *args, **kwargs):
        shown.append(text)
        return Button.Ok

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(dismiss))
    win = create_main_window()
    win.shown_messages = shown
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.ask_save_changes = lambda: Button.Discard
    win.close()
    win.deleteLater()


def test_the_window_opens_each_file_or_stays_on_its_document(qtbot, window, corpus):
    shown: list[str] = window.shown_messages
    for case, path in corpus:
        before_bytes = document_to_bytes(window.document)
        before_title, before_live = window.windowTitle(), window.live
        shown.clear()
        opened = window.open_path(path)
        window.grab()  # paint every part of the window once
        qtbot.wait(1)
        if case.expect == "refused":
            assert not opened, case.name
            assert len(shown) == 1, f"{case.name}: {shown}"
            assert shown[0].startswith(f"{path.name} could not be opened."), f"{case.name}: {shown[0]}"
            assert "Traceback" not in shown[0]
            assert window.windowTitle() == before_title and window.live is before_live, case.name
            assert document_to_bytes(window.document) == before_bytes, case.name
        else:
            assert opened and shown == [], f"{case.name}: {shown}"
            assert window.path == path and window.windowTitle().startswith(path.name), case.name
            assert document_to_bytes(window.document) == document_to_bytes(load_document(path)), case.name
        assert not window.isWindowModified(), case.name
    # A file naming a dataset on disk has it read on a thread of its own: let the last one finish.
    from nnstudio.ui.dataset_loading import shared_loader

    assert shared_loader().wait(10)
