"""A small run of fuzz_challenges.py: challenge files changed at random load or are refused with one line."""

from tests.challenges.fuzz_challenges import run


def test_changed_challenge_files_load_or_are_refused_with_one_line():
    loaded, refused, failures = run(150, seed=7)
    assert failures == []
    assert loaded and refused
