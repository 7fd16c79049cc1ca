"""One JSON reading serves the network file and the challenge file, each worded as its own kind of file.

The same bad bytes given to both readers get the same check, and each reader's message names its own
file: "not a network file" from the one, "not a challenge file" from the other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnstudio.document import FormatError, document_from_bytes, fileformat, load_document
from nnstudio.document import challenge_file as challenges
from nnstudio.document.challenge import ChallengeError
from nnstudio.document.challenge_file import challenge_from_bytes, load_challenge
from nnstudio.document.json_reading import FileKind, JsonConstant, parse_json, top_object

from ..challenges.test_hostile_challenges import GOOD

NESTED = b"[" * 100_000 + b"]" * 100_000

# The same bad bytes, and what each reader says of them: (bytes, network's message, challenge's message).
SAME_INPUT = [
    (
        b"[1, 2]",
        "the file holds a list, not an nnstudio network (a JSON object)",
        "the file holds a list, not an nnstudio challenge (a JSON object)",
    ),
    (
        b'"just text"',
        "the file holds the text 'just text', not an nnstudio network (a JSON object)",
        "the file holds the text 'just text', not an nnstudio challenge (a JSON object)",
    ),
    (
        b'{"title": "caf\xe9"}',
        "the file is not UTF-8 text (byte 14 is not valid), so it is not a network file",
        "the file is not UTF-8 text (byte 14 is not valid), so it is not a challenge file",
    ),
    (
        NESTED,
        "the file is not a network: its lists or objects are nested far too deeply",
        "the file is not a challenge: its lists or objects are nested far too deeply",
    ),
    (
        b'{"version": 1}',
        'this is not an nnstudio network file (it has no "format": "nnstudio-network")',
        'this is not an nnstudio challenge file (it has no "format": "nnstudio-challenge")',
    ),
    (
        b'{"format": "keras-model"}',
        "format: is the text 'keras-model'; a network file says 'nnstudio-network'",
        "format: is the text 'keras-model'; a challenge file says 'nnstudio-challenge'",
    ),
    # Where nothing about the file's kind is said, both readers say the same.
    (
        b"{",
        "the file is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
        "the file is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
    ),
    (b" \n\t ", "the file is empty", "the file is empty"),
    (
        b'{"format": "x", "format": "y"}',
        "the file is not valid: the field 'format' appears twice in one object",
        "the file is not valid: the field 'format' appears twice in one object",
    ),
]


def network_message(data: bytes) -> str:
    with pytest.raises(FormatError) as caught:
        document_from_bytes(data, "net.nnet")
    return str(caught.value)


def challenge_message(data: bytes) -> str:
    with pytest.raises(ChallengeError) as caught:
        challenge_from_bytes(data, "quiz.json")
    return str(caught.value)


@pytest.mark.parametrize(("data", "network", "challenge"), SAME_INPUT, ids=range(len(SAME_INPUT)))
def test_the_same_bad_bytes_get_each_reader_its_own_one_line_message(data, network, challenge):
    assert network_message(data) == f"net.nnet: {network}"
    assert challenge_message(data) == f"quiz.json: {challenge}"


def test_a_file_too_big_is_refused_by_each_reader_naming_its_own_kind_and_cap(monkeypatch):
    monkeypatch.setattr(fileformat, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(challenges, "MAX_FILE_BYTES", 50)
    data = b" " * 101
    assert network_message(data) == (
        "net.nnet: the file is 101 bytes; a network file may be at most 100 bytes, "
        "so this is not one nnstudio can open"
    )
    assert challenge_message(data) == (
        "quiz.json: the file is 101 bytes; a challenge file may be at most 50 bytes, "
        "so this is not one nnstudio can open"
    )


def test_a_file_on_disk_too_big_or_a_folder_is_refused_before_it_is_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(fileformat, "MAX_FILE_BYTES", 10)
    monkeypatch.setattr(challenges, "MAX_FILE_BYTES", 10)
    big = tmp_path / "big"
    big.write_bytes(b"{}" * 20)
    with pytest.raises(FormatError, match="a network file may be at most 10 bytes"):
        load_document(big)
    with pytest.raises(ChallengeError, match="a challenge file may be at most 10 bytes"):
        load_challenge(big)
    with pytest.raises(FormatError, match="this is a folder, not a network file"):
        load_document(tmp_path)
    with pytest.raises(ChallengeError, match="this is a folder, not a challenge file"):
        load_challenge(tmp_path)


def test_an_unknown_top_level_field_is_named_by_itself_in_either_file():
    network = {"format": "nnstudio-network", "version": 2, "neurons": [], "macro": "rm -rf /"}
    with pytest.raises(FormatError) as caught:
        document_from_bytes(json.dumps(network).encode())
    assert caught.value.where == "macro"
    assert caught.value.problem.startswith("is not a field nnstudio knows here (known: ")

    challenge = {**GOOD, "extra": 1}
    with pytest.raises(ChallengeError) as caught:
        challenge_from_bytes(json.dumps(challenge).encode())
    assert caught.value.where == "extra"
    assert caught.value.problem.startswith("is not a field a challenge has here (known: ")


def test_nan_is_named_at_its_place_in_a_network_and_refuses_a_challenge_at_once():
    with pytest.raises(FormatError) as caught:
        document_from_bytes(b'{"format": "nnstudio-network", "version": 2, "neurons": NaN}')
    assert str(caught.value) == "<memory>: neurons: must be a list [...], not NaN"
    with pytest.raises(ChallengeError) as caught:
        challenge_from_bytes(b'{"format": "nnstudio-challenge", "cases": [Infinity]}')
    assert str(caught.value) == (
        "<memory>: the file is not valid JSON: the file holds Infinity, which is not a number JSON allows"
    )


def test_the_reading_takes_every_word_about_the_file_from_its_kind():
    class DrawingError(FormatError):
        pass

    drawing = FileKind("drawing", "x-drawing", "is not a field a drawing has here", DrawingError)
    assert isinstance(parse_json(b"[NaN]", 100, drawing)[0], JsonConstant)
    with pytest.raises(DrawingError, match="^the file holds a list, not an nnstudio drawing"):
        top_object(parse_json(b"[1]", 100, drawing), drawing)
    with pytest.raises(DrawingError, match="^format: is 2; a drawing file says 'x-drawing'$"):
        top_object({"format": 2}, drawing)
    with pytest.raises(DrawingError, match="a drawing file may be at most 3 bytes"):
        parse_json(b"[1, 2]", 3, drawing)
    with pytest.raises(DrawingError, match="expected the file's bytes, not str"):
        parse_json("[1]", 100, drawing)  # type: ignore[arg-type]
    strict = FileKind("drawing", "x-drawing", "is not a field a drawing has here", keep_constants=False)
    with pytest.raises(FormatError, match="holds NaN, which is not a number JSON allows"):
        parse_json(b"[NaN]", 100, strict)
