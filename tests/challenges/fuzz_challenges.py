"""Challenge files changed at random: each one loads, or is refused with one line; nothing else ever happens.

Takes the built-in challenge files, changes one to three places in each (a field dropped, a value swapped for
one of another type or an extreme one), reads the result and, when it loads, checks its own starting network
against it. Any exception other than ChallengeError, or a message of more than one line, is a failure.

    .venv/bin/python tests/challenges/fuzz_challenges.py [ROUNDS] [SEED]

prints how many variants loaded, how many were refused, and the failures. tests/challenges/test_fuzz.py runs
a small number of rounds on every test run.
"""

from __future__ import annotations

import json
import random
import sys
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nnstudio.document.challenge import ChallengeError, check  # noqa: E402
from nnstudio.document.challenge_file import challenge_from_bytes, challenges_dir  # noqa: E402

ODD_VALUES: list[Any] = [
    None,
    True,
    -1,
    0,
    2**70,
    1e308,
    -1e-308,
    "",
    "x" * 5000,
    "line\nbreak",
    "\u202e",
    [],
    [1, "a", None],
    {},
    {"format": "nnstudio-network"},
    [[[[]]]],
]


def _places(tree: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _places(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree[:20]):
            found += _places(value, (*path, index))
    return found


def _mutate(tree: Any, rng: random.Random) -> Any:
    places = [p for p in _places(tree) if p]
    path = rng.choice(places)
    parent = tree
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[last]
    else:
        parent[last] = json.loads(json.dumps(rng.choice(ODD_VALUES)))
    return tree


def run(rounds: int, seed: int = 0) -> tuple[int, int, list[str]]:
    rng = random.Random(seed)
    originals = [json.loads(p.read_text()) for p in sorted(challenges_dir().glob("*.json"))]
    loaded = refused = 0
    failures: list[str] = []
    for _ in range(rounds):
        tree = json.loads(json.dumps(rng.choice(originals)))
        for _ in range(rng.randint(1, 3)):
            tree = _mutate(tree, rng)
        data = json.dumps(tree).encode()
        try:
            challenge = challenge_from_bytes(data, "fuzzed.json")
            check(challenge, challenge.start_document())
            loaded += 1
        except ChallengeError as exc:
            refused += 1
            if "\n" in str(exc):
                failures.append(f"a message of several lines: {exc!r}")
        except Exception:  # noqa: BLE001 - the harness reports whatever escapes
            failures.append(f"{traceback.format_exc(limit=3)}\nfile: {data[:300]!r}")
    return loaded, refused, failures


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    loaded, refused, failures = run(rounds, seed)
    print(
        f"{rounds} variants: {loaded} loaded and checked, {refused} refused with one line, {len(failures)} failures"
    )
    for failure in failures[:10]:
        print(failure)
    sys.exit(1 if failures else 0)
