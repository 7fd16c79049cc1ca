"""Reading challenge files (docs/CHALLENGES.md): versioned JSON checked field by field, trusting nothing.

Every field is checked for its type, range and meaning before what it describes is built, within the limits
below; a problem is one :class:`~nnstudio.document.challenge.ChallengeError` saying where in the file it is
and what is wrong. The built-in challenges live in ``resources/challenges``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from ..engine.graph import GraphError
from .challenge import (
    _SIGN_SYMBOLS,
    DEFAULT_TOLERANCE,
    Case,
    Challenge,
    ChallengeError,
    ClassCase,
    DatasetCase,
    OutputCase,
    Rules,
    Score,
    SignsCase,
    Start,
    ThresholdCase,
    _count,
    _num,
)
from .json_reading import (
    FileKind,
    FormatError,
    describe,
    object_fields,
    one_line,
    parse_json,
    read_file_bytes,
    top_object,
    whole_number,
)

FORMAT_NAME = "nnstudio-challenge"
FORMAT_VERSION = 1
CHALLENGE_SUFFIX = ".json"

# Limits a file must stay within, each checked before what it would take is built.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_CASES = 1_000
MAX_CASE_VALUES = 10_000
MAX_NAMES = 200
MAX_TEXT = {"id": 100, "title": 200, "goal": 400, "hint": 2_000, "name": 300, "ref": 1_000}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
# A panel's or tool's name as the window knows it: a dock's or an action's objectName.
_OBJECT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_SCORES = {
    "hidden_neurons": "hidden neurons",
    "connections": "connections",
    "test_error": "test error",
}
# A challenge file as the shared JSON reading names it in messages; NaN and Infinity are refused at once.
CHALLENGE_FILE = FileKind(
    "challenge", FORMAT_NAME, "is not a field a challenge has here", ChallengeError, keep_constants=False
)
_TOP_FIELDS = {
    "required": ("format", "version", "id", "title", "goal", "start", "cases"),
    "optional": ("hint", "tolerance", "constraints", "score", "hide", "lock"),
}


def load_challenge(path: Path) -> Challenge:
    """Read the challenge file at ``path``; every problem, a missing file too, is one ChallengeError."""
    path = Path(path)
    data = read_file_bytes(path, MAX_FILE_BYTES, CHALLENGE_FILE)
    return challenge_from_bytes(data, str(path))


def challenge_from_bytes(data: bytes, source: str = "<memory>") -> Challenge:
    """Read a challenge from a file's bytes; every problem is a ChallengeError naming ``source``."""
    try:
        return _build(parse_json(data, MAX_FILE_BYTES, CHALLENGE_FILE), source)
    except FormatError as exc:
        raise ChallengeError(exc.where, exc.problem, source) from None


def challenges_dir() -> Path:
    from ..examples import resources_dir

    return resources_dir() / "challenges"


def builtin_challenges() -> list[Challenge]:
    """The challenges that come with nnstudio, in the order a learner meets them (by file name)."""
    return [load_challenge(p) for p in sorted(challenges_dir().glob(f"*{CHALLENGE_SUFFIX}"))]


def find_challenge(spec: str) -> Challenge:
    """A built-in challenge by its id, or a challenge file by its path."""
    path = Path(spec)
    if path.suffix == CHALLENGE_SUFFIX or path.exists():
        return load_challenge(path)
    every = builtin_challenges()
    for challenge in every:
        if challenge.id == spec:
            return challenge
    ids = ", ".join(c.id for c in every)
    raise ChallengeError("file", f"no challenge file or built-in challenge named {spec!r} (built in: {ids})")


def _fail(where: str, problem: str) -> NoReturn:
    raise ChallengeError(where, problem)


def _object(value: Any, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    return object_fields(value, where, required, optional, CHALLENGE_FILE)


def _list(value: Any, where: str, cap: int, what: str, at_least: int = 0) -> list[Any]:
    if not isinstance(value, list):
        _fail(where, f"must be a list [...], not {describe(value)}")
    if len(value) > cap:
        _fail(where, f"holds {len(value):,} {what}; a challenge may hold at most {cap:,}")
    if len(value) < at_least:
        _fail(where, f"must hold at least {_count(at_least, what.rstrip('s'))}")
    return value


def _text(value: Any, where: str, kind: str, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        _fail(where, f"must be text, not {describe(value)}")
    if not empty and not value.strip():
        _fail(where, "must not be empty")
    if len(value) > MAX_TEXT[kind]:
        _fail(where, f"is {len(value):,} characters long; it may be at most {MAX_TEXT[kind]:,}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        _fail(where, "holds a character that is not valid Unicode")
    if kind != "hint" and not value.isprintable():
        _fail(where, "must be one line of printable text")
    return value


def _number(value: Any, where: str, low: float = -1e9, high: float = 1e9) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(where, f"must be a number, not {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        _fail(where, "is a number far too large")
    if not low <= number <= high:
        _fail(where, f"must be between {_num(low)} and {_num(high)}, not {_num(number)}")
    return number


def _numbers(value: Any, where: str, *, nulls: bool = False) -> tuple[Any, ...]:
    items = _list(value, where, MAX_CASE_VALUES, "values", at_least=1)
    out: list[float | None] = []
    for i, item in enumerate(items):
        out.append(None if nulls and item is None else _number(item, f"{where}[{i}]"))
    return tuple(out)


def _dataset_name(value: Any, where: str) -> str:
    from ..data.loaders import BUILTIN_DATASETS
    from ..data.points import is_point_spec

    name = _text(value, where, "name")
    known = name in BUILTIN_DATASETS or is_point_spec(name)
    if not known:
        _fail(
            where,
            f"{name!r} is not a built-in dataset (a challenge may use only those: {', '.join(BUILTIN_DATASETS)})",
        )
    return name


def _build(value: Any, source: str) -> Challenge:
    tree = top_object(value, CHALLENGE_FILE)
    if "version" not in tree:
        _fail("version", "the format version is missing")
    version = tree["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        _fail("version", f"must be a whole number, not {describe(version)}")
    if version > FORMAT_VERSION:
        _fail(
            "version",
            f"the file was made for a newer nnstudio (version {version}); this one reads up to {FORMAT_VERSION}",
        )
    if version < 1:
        _fail("version", f"version {version} is not a challenge format version")
    _object(tree, "file", _TOP_FIELDS["required"], _TOP_FIELDS["optional"])
    cid = _text(tree["id"], "id", "id")
    if not _ID.match(cid):
        _fail("id", "must be lower-case letters, digits and dashes, starting with a letter or digit")
    tolerance = DEFAULT_TOLERANCE
    if "tolerance" in tree:
        tolerance = _number(tree["tolerance"], "tolerance", 0.0, 1e6)
    cases = _list(tree["cases"], "cases", MAX_CASES, "cases", at_least=1)
    return Challenge(
        id=cid,
        title=_text(tree["title"], "title", "title"),
        goal=_text(tree["goal"], "goal", "goal"),
        hint=_text(tree.get("hint", ""), "hint", "hint", empty=True),
        start=_start(tree["start"], source),
        cases=tuple(_case(c, f"cases[{i}]", tolerance) for i, c in enumerate(cases)),
        rules=_rules(tree.get("constraints", {}), "constraints"),
        score=_score(tree["score"], "score") if "score" in tree else None,
        hide=_names(tree.get("hide", []), "hide"),
        lock=_names(tree.get("lock", []), "lock"),
        source=source,
    )


def _start(value: Any, source: str) -> Start:
    where = "start"
    start = _object(value, where, (), ("example", "network", "weights", "biases"))
    if ("example" in start) == ("network" in start):
        _fail(where, 'give either "example" (a built-in example\'s name) or "network" (a whole network)')
    weights = _changes(start.get("weights", {}), f"{where}.weights")
    biases = _changes(start.get("biases", {}), f"{where}.biases")
    if "example" in start:
        from ..examples import EXAMPLE_NAMES

        name = _text(start["example"], f"{where}.example", "name")
        if name not in EXAMPLE_NAMES:
            _fail(
                f"{where}.example",
                f"there is no example {name!r}; the examples are {', '.join(EXAMPLE_NAMES)}",
            )
        result = Start(example=name, weights=weights, biases=biases)
    else:
        network = start["network"]
        if not isinstance(network, dict):
            _fail(f"{where}.network", f"must be a whole network (an object), not {describe(network)}")
        data = json.dumps(network).encode("utf-8")
        result = Start(network_bytes=data, weights=weights, biases=biases)
    try:
        result.document(source)
    except ChallengeError as exc:
        raise ChallengeError(exc.where, exc.problem) from None
    except FormatError as exc:
        place = f"{where}.network" if exc.where == "file" else f"{where}.network.{exc.where}"
        raise ChallengeError(place, exc.problem) from None
    except GraphError as exc:
        raise ChallengeError(where, f"the changes cannot be made: {exc}") from None
    return result


def _changes(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        _fail(where, f"must be an object of ids and numbers {{...}}, not {describe(value)}")
    changes = value
    if len(changes) > MAX_CASE_VALUES:
        _fail(where, f"changes {len(changes):,} values; a challenge may change at most {MAX_CASE_VALUES:,}")
    return {_text(k, where, "ref"): _number(v, f"{where}.{one_line(k, 40)}") for k, v in changes.items()}


_CASE_KINDS = ("output", "class", "above", "below", "signs", "dataset")


def _case(value: Any, where: str, tolerance: float) -> Case:
    if not isinstance(value, dict):
        _fail(where, f"must be an object {{...}}, not {describe(value)}")
    kinds = [k for k in _CASE_KINDS if k in value]
    if len(kinds) != 1:
        said = f"it has {', '.join(kinds)}" if kinds else "it has none"
        _fail(where, f"a case says what it checks with exactly one of {', '.join(_CASE_KINDS)}; {said}")
    kind = kinds[0]
    if kind == "output":
        case = _object(value, where, ("name", "input", "output"), ("tolerance",))
        own = _number(case["tolerance"], f"{where}.tolerance", 0.0, 1e6) if "tolerance" in case else tolerance
        expected = _numbers(case["output"], f"{where}.output", nulls=True)
        return OutputCase(_case_name(case, where), _numbers(case["input"], f"{where}.input"), expected, own)
    if kind == "class":
        case = _object(value, where, ("name", "input", "class"))
        label = case["class"]
        if isinstance(label, int) and not isinstance(label, bool):
            label = whole_number(label, f"{where}.class", 0, 100_000)
        else:
            label = _text(label, f"{where}.class", "name")
        return ClassCase(_case_name(case, where), _numbers(case["input"], f"{where}.input"), label)
    if kind in ("above", "below"):
        case = _object(value, where, ("name", "input", kind), ("neuron",))
        neuron = _text(case["neuron"], f"{where}.neuron", "ref") if "neuron" in case else None
        return ThresholdCase(
            _case_name(case, where),
            _numbers(case["input"], f"{where}.input"),
            _number(case[kind], f"{where}.{kind}"),
            kind == "above",
            neuron,
        )
    if kind == "signs":
        case = _object(value, where, ("name", "neuron", "signs"))
        rows = _list(case["signs"], f"{where}.signs", 128, "rows", at_least=1)
        texts = tuple(_text(r, f"{where}.signs[{i}]", "name") for i, r in enumerate(rows))
        width = len(texts[0])
        for i, row in enumerate(texts):
            if len(row) != width:
                _fail(
                    f"{where}.signs[{i}]", f"has {len(row)} pixels; every row must have {width}, as the first"
                )
            bad = [c for c in row if c not in _SIGN_SYMBOLS]
            if bad:
                _fail(
                    f"{where}.signs[{i}]",
                    f"holds {bad[0]!r}; a pixel is + (positive), - (negative), 0 (zero or missing) or . (any)",
                )
        return SignsCase(_case_name(case, where), _text(case["neuron"], f"{where}.neuron", "ref"), texts)
    case = _object(value, where, ("name", "dataset", "error_at_most"))
    return DatasetCase(
        _case_name(case, where),
        _dataset_name(case["dataset"], f"{where}.dataset"),
        _number(case["error_at_most"], f"{where}.error_at_most", 0.0, 1.0),
    )


def _case_name(case: dict[str, Any], where: str) -> str:
    return _text(case["name"], f"{where}.name", "name")


def _rules(value: Any, where: str) -> Rules:
    rules = _object(value, where, (), ("hidden_neurons", "connections", "weight_step"))
    exactly = at_most = connections = None
    if "hidden_neurons" in rules:
        hidden = _object(rules["hidden_neurons"], f"{where}.hidden_neurons", (), ("exactly", "at_most"))
        if len(hidden) != 1:
            _fail(f"{where}.hidden_neurons", 'give one of "exactly" and "at_most"')
        if "exactly" in hidden:
            exactly = whole_number(hidden["exactly"], f"{where}.hidden_neurons.exactly", 0, 100_000)
        else:
            at_most = whole_number(hidden["at_most"], f"{where}.hidden_neurons.at_most", 0, 100_000)
    if "connections" in rules:
        edges = _object(rules["connections"], f"{where}.connections", ("at_most",))
        connections = whole_number(edges["at_most"], f"{where}.connections.at_most", 0, 10_000_000)
    step = None
    if "weight_step" in rules:
        step = _number(rules["weight_step"], f"{where}.weight_step", 0.001, 1000.0)
    return Rules(exactly, at_most, connections, step)


def _score(value: Any, where: str) -> Score:
    score = _object(value, where, ("by",), ("dataset",))
    by = _text(score["by"], f"{where}.by", "name")
    if by not in _SCORES:
        _fail(f"{where}.by", f"is {by!r}; a score is by one of {', '.join(_SCORES)}")
    if by == "test_error":
        if "dataset" not in score:
            _fail(where, 'a score by test error names its "dataset"')
        return Score(by, _dataset_name(score["dataset"], f"{where}.dataset"))
    if "dataset" in score:
        _fail(f"{where}.dataset", f"only a score by test error uses a dataset, not one by {_SCORES[by]}")
    return Score(by)


def _names(value: Any, where: str) -> tuple[str, ...]:
    items = _list(value, where, MAX_NAMES, "names")
    names = []
    for i, item in enumerate(items):
        name = _text(item, f"{where}[{i}]", "name")
        if not _OBJECT_NAME.match(name):
            _fail(
                f"{where}[{i}]",
                f"{one_line(name, 40)!r} is not a panel or tool name (such as trainingDock or action_train)",
            )
        names.append(name)
    return tuple(names)
