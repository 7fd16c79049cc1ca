"""Every built-in challenge fails on its starting network and passes on a solution kept beside this test."""

from pathlib import Path

import pytest

from nnstudio.document.challenge import check
from nnstudio.document.challenge_file import builtin_challenges, find_challenge
from nnstudio.document.fileformat import load_document

SOLUTIONS = Path(__file__).parent / "solutions"
CHALLENGES = {c.id: c for c in builtin_challenges()}


def test_there_are_at_least_eight_challenges_each_with_a_solution():
    assert len(CHALLENGES) >= 8
    assert {p.stem for p in SOLUTIONS.glob("*.nnet")} == set(CHALLENGES)


@pytest.mark.parametrize("cid", sorted(CHALLENGES))
def test_the_starting_network_fails(cid):
    challenge = CHALLENGES[cid]
    result = check(challenge, challenge.start_document())
    assert not result.passed
    failed = [c for c in [*result.cases, *result.rules] if not c.passed]
    assert failed and all(c.why for c in failed)


@pytest.mark.parametrize("cid", sorted(CHALLENGES))
def test_the_solution_passes(cid):
    result = check(CHALLENGES[cid], load_document(SOLUTIONS / f"{cid}.nnet"))
    assert result.passed, [c for c in [*result.cases, *result.rules] if not c.passed]


def test_a_case_says_why_it_failed_in_a_learners_words():
    challenge = find_challenge("festival-rain")
    result = check(challenge, challenge.start_document())
    assert result.cases[0].why == "this case gives 5 input values, but the network has 4 inputs: add 1 input"
    challenge = find_challenge("repair-x")
    x_case = next(c for c in check(challenge, challenge.start_document()).cases if c.name.startswith("X,"))
    assert x_case.why.startswith("said cross (0.671); it should say X, which gave 0.4")


def test_hand_set_rule_names_the_first_weight_that_was_not_set_by_hand():
    challenge = find_challenge("xor-by-hand")
    document = load_document(SOLUTIONS / "xor-by-hand.nnet")
    document.network.set_weights({"i0>h0": 5.123})
    rule = next(r for r in check(challenge, document).rules if r.name.startswith("weights set by hand"))
    assert not rule.passed
    assert rule.why.startswith("the weight of A \u2192 A or B is 5.123, not a multiple of 0.5")


def test_exactly_two_hidden_neurons_counts_them():
    challenge = find_challenge("xor-by-hand")
    document = load_document(SOLUTIONS / "xor-by-hand.nnet")
    document.network.remove(["h1"])
    rules = {r.name: r for r in check(challenge, document).rules}
    assert rules["exactly 2 hidden neurons"].why == "has 1 hidden neuron; this challenge wants exactly 2"


def test_a_network_that_cannot_run_fails_every_case_with_the_reason():
    challenge = find_challenge("vertical-line")
    document = challenge.start_document()
    document.network.remove(["o0"])
    result = check(challenge, document)
    assert not any(c.passed for c in result.cases)
    assert result.cases[0].why.startswith("the network cannot run yet: ")


def test_a_network_with_more_outputs_than_the_challenge_reads_is_told_so():
    """Graded on its first output alone, a 4-output camera passed or failed for an answer it never gave."""
    from nnstudio.examples import load_example

    result = check(find_challenge("vertical-line"), load_example("four-pixel-camera"))
    assert not any(c.passed for c in result.cases)
    assert result.cases[0].why == (
        "this case reads the network's one output, but the network has 4 outputs: keep one output, the one"
        " that answers"
    )


def test_the_start_document_is_new_each_time():
    challenge = find_challenge("repair-x")
    first = challenge.start_document()
    first.network.set_weights({"h1_4>h2_2": 0.5})
    assert challenge.start_document().network.edges["h1_4>h2_2"].weight == -0.5


def test_scores_say_what_they_count_and_which_way_is_better():
    circle = check(find_challenge("circle"), load_document(SOLUTIONS / "circle.nnet"))
    assert (circle.score, circle.score_text) == (0.0, "0 hidden neurons (fewer is better)")
    spiral = check(find_challenge("spiral"), load_document(SOLUTIONS / "spiral.nnet"))
    assert spiral.score == pytest.approx(0.024)
    assert spiral.score_text == "test error 2.4% on 250 samples of spiral:test (less is better)"


def test_a_dataset_case_counts_the_wrong_share():
    challenge = find_challenge("circle")
    result = check(challenge, challenge.start_document())
    assert result.cases[0].why == "got 47.6% of the 250 samples of circle:test wrong; at most 5% may be"


def test_outputs_that_tie_name_no_class():
    challenge = find_challenge("pattern-class")
    result = check(challenge, challenge.start_document())
    assert result.cases[0].why == "every output gives 0, so no class wins; diagonal should give the most"


def test_a_receptive_field_that_does_not_match_says_where():
    challenge = find_challenge("receptive-field")
    document = load_document(SOLUTIONS / "receptive-field.nnet")
    document.network.set_weights({"i4>o0": -1.0})
    why = check(challenge, document).cases[0].why
    assert why == (
        "1 weight into X finder does not match the picture yet: the one from the pixel in row 2, column 2 is -1"
        " and should be positive (white)"
    )


def test_a_huge_weight_is_not_set_by_hand_and_does_not_break_the_check():
    challenge = find_challenge("xor-by-hand")
    document = load_document(SOLUTIONS / "xor-by-hand.nnet")
    document.network.set_weights({"i0>h0": 1e308})
    rule = next(r for r in check(challenge, document).rules if r.name.startswith("weights set by hand"))
    assert not rule.passed
    assert rule.why.startswith("the weight of A \u2192 A or B is 1e+308, not a multiple of 0.5")


def test_shares_read_as_people_write_them():
    from nnstudio.document.challenge import _percent

    assert [_percent(x) for x in (1 - 0.98, 0.05, 0.024, 1 / 3)] == ["2%", "5%", "2.4%", "33.3%"]
