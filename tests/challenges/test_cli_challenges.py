"""``nnstudio challenges`` lists the challenges; ``nnstudio check`` checks a network against one."""

import json
from pathlib import Path

from nnstudio.cli import main

SOLUTIONS = Path(__file__).parent / "solutions"


def test_challenges_lists_every_challenge(capsys):
    assert main(["challenges", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["challenges"]
    assert len(listed) >= 8
    assert {"id", "title", "goal"} <= set(listed[0])
    assert "xor-by-hand" in {c["id"] for c in listed}


def test_check_a_solution_passes_with_every_case(capsys):
    assert main(["check", "xor-by-hand", str(SOLUTIONS / "xor-by-hand.nnet"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["passed"] is True
    assert [c["name"] for c in result["cases"]] == [
        "0 xor 0 = 0",
        "0 xor 1 = 1",
        "1 xor 0 = 1",
        "1 xor 1 = 0",
    ]
    assert all(c["passed"] for c in result["cases"] + result["rules"])


def test_check_an_unsolved_network_says_which_cases_failed_and_why(capsys):
    assert main(["check", "festival-rain", "festival"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Stay home when it rains: not passed yet (0 of 6)"
    assert out[1] == (
        "  FAILED  the article's day, dry (3, 2, 4, 2): go \u2014 this case gives 5 input values, but the"
        " network has 4 inputs: add 1 input"
    )


def test_check_takes_a_challenge_file_by_path(capsys, tmp_path):
    source = Path(__file__).parents[2] / "resources" / "challenges" / "05-receptive-field.json"
    path = tmp_path / "my lesson.json"
    path.write_bytes(source.read_bytes())
    assert main(["check", str(path), str(SOLUTIONS / "receptive-field.nnet"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True


def test_a_bad_challenge_is_one_line_and_no_output(capsys, tmp_path):
    path = tmp_path / "lesson.json"
    path.write_text('{"format": "nnstudio-challenge", "version": 1}')
    assert main(["check", str(path), "festival", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"nnstudio: error: {path}: the field 'id' is missing\n"
    assert main(["check", "no-such-challenge", "festival"]) == 1
    assert "no challenge file or built-in challenge named 'no-such-challenge'" in capsys.readouterr().err
