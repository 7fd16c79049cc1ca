"""The commands on challenges: list the built-in ones, and check a network against one."""

from __future__ import annotations

import argparse

from nnstudio.cli.common import EXIT_OK, Command, emit, open_document


def cmd_challenges(args: argparse.Namespace) -> int:
    from nnstudio.document.challenge_file import builtin_challenges

    challenges = builtin_challenges()
    result = {"challenges": [{"id": c.id, "title": c.title, "goal": c.goal} for c in challenges]}
    width = max((len(c.id) for c in challenges), default=0)
    emit(args, result, "\n".join(f"{c.id:<{width}}  {c.title}: {c.goal}" for c in challenges))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from nnstudio.document.challenge import check
    from nnstudio.document.challenge_file import find_challenge

    challenge = find_challenge(args.challenge)
    result = check(challenge, open_document(args.file))
    passed, total = result.counts
    lines = [f"{challenge.title}: {'passed' if result.passed else 'not passed yet'} ({passed} of {total})"]
    for item in [*result.cases, *result.rules]:
        lines.append(f"  {'passed' if item.passed else 'FAILED'}  {item.name} \u2014 {item.why}")
    if result.score_text:
        lines.append(f"score: {result.score_text}")
    emit(args, result.as_dict(), "\n".join(lines))
    return EXIT_OK


def _define_nothing(p: argparse.ArgumentParser) -> None:
    pass


def _define_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("challenge", metavar="CHALLENGE", help="a built-in challenge's id or a challenge file")
    p.add_argument(
        "file", metavar="FILE", help="the network to check: a .nnet file or a built-in example's name"
    )


COMMANDS: tuple[Command, ...] = (
    Command("challenges", "list the built-in challenges", _define_nothing, cmd_challenges),
    Command(
        "check",
        "check a network against a challenge: every case passed or failed, and why (exit 0 either way)",
        _define_check,
        cmd_check,
    ),
)
