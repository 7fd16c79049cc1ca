"""Challenges: a task a learner solves by building or repairing a network, checked case by case.

A challenge file is versioned JSON (described field by field in docs/CHALLENGES.md): a goal in one sentence,
a starting network (a built-in example, perhaps with some weights changed, or a whole network written in the
file), the cases the network must pass, rules it must keep, a score where one fits, and the panels and
tools a lesson hides or locks.

Reading trusts nothing in the file, as for network files: every field is checked for its type, range and
meaning, a problem is one :class:`ChallengeError` saying where in the file it is and what is wrong, and
names (datasets, examples, case kinds) are looked up in closed tables. :func:`check` runs every case on a
document's network and says, in words a learner understands, which passed and why the others did not.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from ..data.dataset import DataError, Dataset
from ..engine.graph import GraphError, Network, Role
from ..engine.plan import Plan, compile_network
from ..engine.train import accuracy
from .fileformat import (
    DuplicateKey,
    FormatError,
    document_from_bytes,
    object_pairs,
    one_line,
    read_file_bytes,
)
from .model import Document

FORMAT_NAME = "nnstudio-challenge"
FORMAT_VERSION = 1
CHALLENGE_SUFFIX = ".json"

# Limits a file must stay within, each checked before what it would take is built.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_CASES = 1_000
MAX_CASE_VALUES = 10_000
MAX_NAMES = 200
MAX_TEXT = {"id": 100, "title": 200, "goal": 400, "hint": 2_000, "name": 300, "ref": 1_000}
# How close a weight must be to a multiple of the step to count as set by hand (float32 files round 0.1).
STEP_SLACK = 1e-4
DEFAULT_TOLERANCE = 0.1

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
# A panel's or tool's name as the window knows it: a dock's or an action's objectName.
_OBJECT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_SIGN_SYMBOLS = {"+": "positive (white)", "-": "negative (black)", "0": "zero or missing", ".": "anything"}
_SCORES = {
    "hidden_neurons": "hidden neurons",
    "connections": "connections",
    "test_error": "test error",
}
_TOP_FIELDS = {
    "required": ("format", "version", "id", "title", "goal", "start", "cases"),
    "optional": ("hint", "tolerance", "constraints", "score", "hide", "lock"),
}


class ChallengeError(FormatError):
    """A challenge file that is not a valid challenge: ``where`` in the file, ``problem`` in plain words."""


# ============================================================================================== the model


@dataclass(frozen=True)
class CaseResult:
    """One case or rule after checking: whether it passed and, either way, what the network did."""

    name: str
    passed: bool
    why: str


@dataclass(frozen=True)
class CheckResult:
    """Every case and rule of one check, and the score when the challenge has one."""

    challenge_id: str
    cases: list[CaseResult]
    rules: list[CaseResult]
    score: float | None = None
    score_text: str = ""

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases) and all(r.passed for r in self.rules)

    @property
    def counts(self) -> tuple[int, int]:
        """(passed, all) over cases and rules together."""
        every = [*self.cases, *self.rules]
        return sum(r.passed for r in every), len(every)

    def as_dict(self) -> dict[str, Any]:
        return {
            "challenge": self.challenge_id,
            "passed": self.passed,
            "cases": [{"name": c.name, "passed": c.passed, "why": c.why} for c in self.cases],
            "rules": [{"name": r.name, "passed": r.passed, "why": r.why} for r in self.rules],
            "score": self.score,
            "score_text": self.score_text,
        }


class _Run:
    """What the cases of one check share: the document, its compiled network, and datasets loaded once."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.network: Network = document.network
        self.problem: str | None = None
        self.plan: Plan | None = None
        try:
            self.plan = compile_network(self.network, np.float64)
        except GraphError as exc:
            self.problem = f"the network cannot run yet: {exc}"
        self._datasets: dict[str, Dataset | str] = {}

    def values(self, inputs: tuple[float, ...]) -> tuple[np.ndarray, list[np.ndarray]] | str:
        """The outputs and every level's values for one input, or why the network cannot take it."""
        if self.plan is None:
            return self.problem or "the network cannot run"
        if len(inputs) != self.plan.n_inputs:
            more = len(inputs) - self.plan.n_inputs
            advice = f"add {_count(more, 'input')}" if more > 0 else f"remove {_count(-more, 'input')}"
            return (
                f"this case gives {_count(len(inputs), 'input value')}, but the network has"
                f" {_count(self.plan.n_inputs, 'input')}: {advice}"
            )
        with np.errstate(all="ignore"):
            result = self.plan.forward(np.asarray([inputs], np.float64))
        return result.output[0], [a[0] for a in result.activations]

    def neuron(self, ref: str) -> str:
        """The id of the neuron ``ref`` names (its id, else its label); a case problem if none or many."""
        if ref in self.network.neurons:
            return ref
        named = [n.id for n in self.network if n.label == ref]
        if len(named) == 1:
            return named[0]
        if named:
            raise _CaseProblem(f"{len(named)} neurons are called {ref!r}; give each its own name")
        raise _CaseProblem(f"there is no neuron called {ref!r} in the network")

    def dataset(self, spec: str) -> Dataset:
        if spec not in self._datasets:
            from ..data.loaders import load_dataset

            try:
                data: Dataset | str = load_dataset(spec)
            except DataError as exc:
                data = f"the dataset {spec!r} cannot be loaded: {exc}"
            self._datasets[spec] = data
        data = self._datasets[spec]
        if isinstance(data, str):
            raise _CaseProblem(data)
        return data


class _CaseProblem(Exception):
    """Why a case cannot even be tried on this network (it fails with this as its reason)."""


@dataclass(frozen=True)
class Case:
    """A case: its name, and what it checks (each kind a subclass with its own :meth:`judge`)."""

    name: str

    def check(self, run: _Run) -> CaseResult:
        try:
            passed, why = self.judge(run)
        except _CaseProblem as exc:
            passed, why = False, str(exc)
        return CaseResult(self.name, passed, why)

    def judge(self, run: _Run) -> tuple[bool, str]:
        """(passed, why) for this case on the run's network."""
        raise NotImplementedError(type(self).__name__)


def _run_inputs(run: _Run, inputs: tuple[float, ...]) -> tuple[np.ndarray, list[np.ndarray]]:
    values = run.values(inputs)
    if isinstance(values, str):
        raise _CaseProblem(values)
    return values


def _finite_or_fail(value: float, what: str) -> None:
    if not math.isfinite(value):
        raise _CaseProblem(f"{what} is not a number (its weights or biases are too large)")


@dataclass(frozen=True)
class OutputCase(Case):
    """The outputs for ``inputs`` are ``expected`` (None: any value), each within ``tolerance``."""

    inputs: tuple[float, ...] = ()
    expected: tuple[float | None, ...] = ()
    tolerance: float = DEFAULT_TOLERANCE

    def judge(self, run: _Run) -> tuple[bool, str]:
        out, _levels = _run_inputs(run, self.inputs)
        if len(out) != len(self.expected):
            raise _CaseProblem(
                f"this case expects {_count(len(self.expected), 'output')}, but the network has {len(out)}"
            )
        names = _output_names(run)
        wrong = []
        shown = []
        for name, got, want in zip(names, out.tolist(), self.expected, strict=True):
            _finite_or_fail(got, f"output {name!r}")
            shown.append(f"{name} {_num(got)}")
            if want is not None and abs(got - want) > self.tolerance:
                wrong.append(
                    f"{_quoted(name)} gave {_num(got)}, wanted {_num(want)} (within {_num(self.tolerance)})"
                )
        if wrong:
            return False, "; ".join(wrong)
        return True, f"gave {', '.join(shown)}"


@dataclass(frozen=True)
class ThresholdCase(Case):
    """A neuron's value (by default the first output's) for ``inputs`` is above or below ``bound``."""

    inputs: tuple[float, ...] = ()
    bound: float = 0.0
    above: bool = True
    neuron: str | None = None

    def judge(self, run: _Run) -> tuple[bool, str]:
        _out, levels = _run_inputs(run, self.inputs)
        assert run.plan is not None
        nid = run.neuron(self.neuron) if self.neuron is not None else run.plan.output_ids[0]
        level, index = run.plan.position[nid]
        got = float(levels[level][index])
        name = run.network.neurons[nid].display_name
        _finite_or_fail(got, f"{name!r}")
        side = "above" if self.above else "below"
        passed = got > self.bound if self.above else got < self.bound
        if passed:
            return True, f"{_quoted(name)} gave {_num(got)}, {side} {_num(self.bound)}"
        return False, f"{_quoted(name)} gave {_num(got)}; it should be {side} {_num(self.bound)}"


@dataclass(frozen=True)
class ClassCase(Case):
    """For ``inputs`` the largest output is the one labelled ``label`` (or the ``label``-th, from 0)."""

    inputs: tuple[float, ...] = ()
    label: str | int = 0

    def judge(self, run: _Run) -> tuple[bool, str]:
        out, _levels = _run_inputs(run, self.inputs)
        names = _output_names(run)
        if isinstance(self.label, int):
            if self.label >= len(names):
                raise _CaseProblem(
                    f"this case wants output number {self.label + 1}, but the network has {len(names)}"
                )
            want = self.label
        elif self.label in names:
            want = names.index(self.label)
        else:
            raise _CaseProblem(
                f"no output is called {self.label!r} (the outputs are {', '.join(map(repr, names))})"
            )
        if len(out) < 2:
            raise _CaseProblem("naming a class takes at least two outputs, one per class")
        for name, got in zip(names, out.tolist(), strict=True):
            _finite_or_fail(got, f"output {name!r}")
        best = float(out.max())
        top = [i for i, v in enumerate(out.tolist()) if v == best]
        if len(top) > 1:
            if len(top) == len(names):
                tied = f"every output gives {_num(best)}"
            else:
                tied = f"{', '.join(names[i] for i in top[:-1])} and {names[top[-1]]} tie at {_num(best)}"
            return False, f"{tied}, so no class wins; {names[want]} should give the most"
        said = top[0]
        if said == want:
            return True, f"said {names[said]} ({_num(best)})"
        return (
            False,
            f"said {names[said]} ({_num(best)}); it should say {names[want]}, which gave {_num(float(out[want]))}",
        )


@dataclass(frozen=True)
class SignsCase(Case):
    """The weights from the input image into ``neuron`` have the signs of a picture, row by row."""

    neuron: str = ""
    rows: tuple[str, ...] = ()

    def judge(self, run: _Run) -> tuple[bool, str]:
        nid = run.neuron(self.neuron)
        inputs = [n.id for n in run.network.inputs()]
        width, height = len(self.rows[0]), len(self.rows)
        if len(inputs) < width * height:
            raise _CaseProblem(
                f"the picture has {width * height} pixels, but the network has {_count(len(inputs), 'input')}"
            )
        name = run.network.neurons[nid].display_name
        wrong = []
        for r, row in enumerate(self.rows):
            for c, symbol in enumerate(row):
                edge = run.network.edge_between(inputs[r * width + c], nid)
                weight = 0.0 if edge is None else edge.weight
                if not _sign_fits(symbol, weight):
                    pixel = _pixel_name(r, c, width, height)
                    wrong.append(
                        f"the one from the {pixel} is {_num(weight)} and should be {_SIGN_SYMBOLS[symbol]}"
                    )
        if wrong:
            first = wrong[0] + (f", and {len(wrong) - 1} more" if len(wrong) > 1 else "")
            verb = "does" if len(wrong) == 1 else "do"
            return (
                False,
                f"{_count(len(wrong), 'weight')} into {name} {verb} not match the picture yet: {first}",
            )
        return True, f"{name}'s weights match the picture"


@dataclass(frozen=True)
class DatasetCase(Case):
    """On a built-in dataset the network gets at most ``error_at_most`` of the samples wrong."""

    dataset: str = ""
    error_at_most: float = 0.0

    def judge(self, run: _Run) -> tuple[bool, str]:
        if run.plan is None:
            raise _CaseProblem(run.problem or "the network cannot run")
        error, count = dataset_error(run, self.dataset)
        bound = f"at most {_percent(self.error_at_most)} may be"
        text = f"{_percent(error)} of the {count:,} samples of {self.dataset} wrong"
        if error <= self.error_at_most + 1e-12:
            return True, f"got {text} ({bound})"
        return False, f"got {text}; {bound}"


def dataset_error(run: _Run, spec: str) -> tuple[float, int]:
    """The share of ``spec``'s samples the network gets wrong, and how many samples there are."""
    assert run.plan is not None
    data = _fitted(run.dataset(spec), run.network)
    plan = run.plan
    if data.n_inputs != plan.n_inputs or data.n_outputs != plan.n_outputs:
        raise _CaseProblem(
            f"{spec} has {_count(data.n_inputs, 'input')} and {_count(data.n_outputs, 'output')} per sample,"
            f" but the network has {plan.n_inputs} and {plan.n_outputs}"
        )
    with np.errstate(all="ignore"):
        out = (
            np.concatenate(
                [plan.forward(data.inputs[s : s + 1024]).output for s in range(0, len(data), 1024)]
            )
            if len(data)
            else np.zeros((0, plan.n_outputs))
        )
    if not np.isfinite(out).all():
        raise _CaseProblem("the network's outputs are not numbers on some samples (weights too large)")
    right = accuracy(out, data.targets.astype(np.float64))
    if right is None:
        raise _CaseProblem(f"{spec} has no samples with a class to get right")
    return 1.0 - right, len(data)


def _fitted(data: Dataset, network: Network) -> Dataset:
    """Point datasets feed networks whose inputs are features (X1^2, sin X1, ...): each gets its column."""
    from ..data.points import fit_dataset_to

    return fit_dataset_to(data, network)


@dataclass(frozen=True)
class Rules:
    """What the network must be like, besides what it answers."""

    hidden_exactly: int | None = None
    hidden_at_most: int | None = None
    connections_at_most: int | None = None
    weight_step: float | None = None

    def check(self, network: Network) -> list[CaseResult]:
        results = []
        hidden = sum(1 for n in network if n.role is Role.HIDDEN)
        if self.hidden_exactly is not None:
            passed = hidden == self.hidden_exactly
            want = f"this challenge wants exactly {self.hidden_exactly}"
            results.append(
                CaseResult(
                    f"exactly {_count(self.hidden_exactly, 'hidden neuron')}",
                    passed,
                    f"has {_count(hidden, 'hidden neuron')}" + ("" if passed else f"; {want}"),
                )
            )
        if self.hidden_at_most is not None:
            passed = hidden <= self.hidden_at_most
            results.append(
                CaseResult(
                    f"at most {_count(self.hidden_at_most, 'hidden neuron')}",
                    passed,
                    f"has {_count(hidden, 'hidden neuron')}" + ("" if passed else "; remove some"),
                )
            )
        if self.connections_at_most is not None:
            edges = _connections(network)
            passed = edges <= self.connections_at_most
            results.append(
                CaseResult(
                    f"at most {_count(self.connections_at_most, 'connection')}",
                    passed,
                    f"has {_count(edges, 'connection')}" + ("" if passed else "; remove some"),
                )
            )
        if self.weight_step is not None:
            results.append(self._check_step(network, self.weight_step))
        return results

    @staticmethod
    def _check_step(network: Network, step: float) -> CaseResult:
        name = f"weights set by hand (multiples of {_num(step)})"
        values = [
            (f"the weight of {_edge_name(network, e.source, e.target)}", e.weight) for e in _edges(network)
        ]
        values += [(f"the bias of {n.display_name}", n.bias) for n in network if n.role is not Role.INPUT]
        off = [(what, v) for what, v in values if not _on_step(v, step)]
        if not off:
            return CaseResult(name, True, f"every weight and bias is a multiple of {_num(step)}")
        what, value = off[0]
        more = f" ({len(off) - 1} more are not either)" if len(off) > 1 else ""
        return CaseResult(
            name,
            False,
            f"{what} is {value:.4g}, not a multiple of {_num(step)}: set it by hand, do not train{more}",
        )


def _on_step(value: float, step: float) -> bool:
    """Whether ``value`` is a multiple of ``step`` (within STEP_SLACK); a value too large to tell is not."""
    steps = value / step
    return math.isfinite(steps) and abs(steps - round(steps)) <= STEP_SLACK / step


def _edges(network: Network) -> Iterable[Any]:
    return network.edges.values()


def _connections(network: Network) -> int:
    return len(network.edges)


def _edge_name(network: Network, source: str, target: str) -> str:
    return f"{network.neurons[source].display_name} \u2192 {network.neurons[target].display_name}"


@dataclass(frozen=True)
class Score:
    """How a solution is scored: fewer hidden neurons, fewer connections, or less test error is better."""

    by: str
    dataset: str | None = None

    def measure(self, run: _Run) -> tuple[float | None, str]:
        if self.by == "hidden_neurons":
            hidden = sum(1 for n in run.network if n.role is Role.HIDDEN)
            return float(hidden), f"{_count(hidden, 'hidden neuron')} (fewer is better)"
        if self.by == "connections":
            edges = _connections(run.network)
            return float(edges), f"{_count(edges, 'connection')} (fewer is better)"
        assert self.dataset is not None
        if run.plan is None:
            return None, "no test error yet: the network cannot run"
        try:
            error, count = dataset_error(run, self.dataset)
        except _CaseProblem as exc:
            return None, f"no test error: {exc}"
        return error, f"test error {_percent(error)} on {count:,} samples of {self.dataset} (less is better)"


@dataclass(frozen=True)
class Start:
    """The starting network: a built-in example, or a network written in the file; then changed weights and
    biases (a broken network to repair)."""

    example: str | None = None
    network_bytes: bytes | None = None
    weights: dict[str, float] = field(default_factory=dict)
    biases: dict[str, float] = field(default_factory=dict)

    def document(self, source: str = "<memory>") -> Document:
        """A fresh document of the starting network (each call builds a new one)."""
        if self.example is not None:
            from ..examples import load_example

            doc = load_example(self.example)
        else:
            assert self.network_bytes is not None
            doc = document_from_bytes(self.network_bytes, source)
        network = doc.network
        for eid in self.weights:
            if eid not in network.edges:
                raise ChallengeError(
                    "start.weights", f"the starting network has no connection {eid!r}", source
                )
        for nid in self.biases:
            if nid not in network.neurons or network.neurons[nid].role is Role.INPUT:
                raise ChallengeError(
                    "start.biases", f"the starting network has no hidden or output neuron {nid!r}", source
                )
        if self.weights:
            network.set_weights(self.weights)
        if self.biases:
            network.set_neuron_fields({nid: {"bias": b} for nid, b in self.biases.items()})
        return doc


@dataclass(frozen=True)
class AnswerLine:
    """Where a lone output's answer turns from no to yes: yes above ``yes_above``, no below ``no_below``, and
    undecided on the line or in the band between (``no_below`` <= ``yes_above``). ``inclusive``: the bounds
    themselves count (yes at ``yes_above`` or more, no at ``no_below`` or less), as "within a tolerance" does.
    """

    yes_above: float
    no_below: float
    inclusive: bool = False

    def verdict(self, value: float) -> str:
        """``yes`` above the line, ``no`` below it, ``undecided`` on it (or in the band between)."""
        if value > self.yes_above or (self.inclusive and value == self.yes_above):
            return "yes"
        if value < self.no_below or (self.inclusive and value == self.no_below):
            return "no"
        return "undecided"


@dataclass(frozen=True)
class Challenge:
    """One challenge as its file describes it (see docs/CHALLENGES.md)."""

    id: str
    title: str
    goal: str
    start: Start
    cases: tuple[Case, ...]
    hint: str = ""
    rules: Rules = field(default_factory=Rules)
    score: Score | None = None
    hide: tuple[str, ...] = ()
    lock: tuple[str, ...] = ()
    source: str = "<memory>"

    def start_document(self) -> Document:
        doc = self.start.document(self.source)
        if not doc.title:
            doc.title = self.title
        return doc

    def answer_line(self, network: Network, output_id: str) -> AnswerLine | None:
        """The line this challenge's cases draw for the lone output ``output_id`` of ``network``, so that a yes
        passes every case asking for a high value and a no every case asking for a low one.

        Above/below cases: yes above the highest "above" bound, no below the lowest "below" one. Else cases
        wanting one of two values within a tolerance (0 or 1 within 0.2): yes from the high value less its
        tolerance up, no from the low one plus its tolerance down. None when no such case is about that
        output, or when the cases draw no one line (a "no" bound above the "yes" one)."""
        above: list[float] = []
        below: list[float] = []
        wanted: dict[float, float] = {}  # each value asked for, and the smallest tolerance it is asked with
        for case in self.cases:
            if isinstance(case, ThresholdCase) and _names_output(case.neuron, network, output_id):
                (above if case.above else below).append(case.bound)
            elif isinstance(case, OutputCase) and len(case.expected) == 1 and case.expected[0] is not None:
                want = case.expected[0]
                wanted[want] = min(wanted.get(want, math.inf), case.tolerance)
        if above or below:
            yes_above = max(above) if above else min(below)
            no_below = min(below) if below else max(above)
            return AnswerLine(yes_above, no_below) if no_below <= yes_above else None
        if len(wanted) != 2:
            return None
        low, high = sorted(wanted)
        yes_from, no_to = high - wanted[high], low + wanted[low]
        return AnswerLine(yes_from, no_to, inclusive=True) if no_to <= yes_from else None


def _names_output(ref: str | None, network: Network, output_id: str) -> bool:
    """Whether a case's neuron ``ref`` (None: the first output) is the lone output ``output_id``."""
    if ref is None or ref == output_id:
        return True
    if ref in network.neurons:
        return False
    named = [n.id for n in network if n.label == ref]
    return named == [output_id]


def check(challenge: Challenge, document: Document) -> CheckResult:
    """Run every case and rule of ``challenge`` on ``document``'s network."""
    run = _Run(document)
    cases = [case.check(run) for case in challenge.cases]
    rules = challenge.rules.check(document.network)
    score, score_text = (None, "")
    if challenge.score is not None:
        score, score_text = challenge.score.measure(run)
    return CheckResult(challenge.id, cases, rules, score, score_text)


# ============================================================================================ wording


def _quoted(name: str) -> str:
    """A neuron's name set off from the sentence around it ("vertical line" gave 0, not vertical line gave 0)."""
    return f"\u201c{name}\u201d"


def _num(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e9:
        return str(int(x))
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _percent(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun if n == 1 else noun + 's'}"


def _values(values: tuple[float, ...]) -> str:
    shown = ", ".join(_num(v) for v in values[:9])
    return f"({shown}{', ...' if len(values) > 9 else ''})"


def _output_names(run: _Run) -> list[str]:
    assert run.plan is not None
    return [run.network.neurons[nid].display_name for nid in run.plan.output_ids]


def _sign_fits(symbol: str, weight: float) -> bool:
    if symbol == "+":
        return weight > 0
    if symbol == "-":
        return weight < 0
    if symbol == "0":
        return weight == 0
    return True


def _pixel_name(row: int, col: int, width: int, height: int) -> str:
    if (width, height) == (2, 2):
        return f"{('top', 'bottom')[row]}-{('left', 'right')[col]} pixel"
    return f"pixel in row {row + 1}, column {col + 1}"


# ============================================================================================ reading


def load_challenge(path: Path) -> Challenge:
    """Read the challenge file at ``path``; every problem, a missing file too, is one ChallengeError."""
    path = Path(path)
    data = read_file_bytes(path, MAX_FILE_BYTES, "challenge", _too_big, ChallengeError)
    return challenge_from_bytes(data, str(path))


def challenge_from_bytes(data: bytes, source: str = "<memory>") -> Challenge:
    """Read a challenge from a file's bytes; every problem is a ChallengeError naming ``source``."""
    try:
        return _build(_parse(data), source)
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


def _too_big(size: int) -> str:
    return f"the file is {size:,} bytes; a challenge file may be at most {MAX_FILE_BYTES:,} bytes"


def _fail(where: str, problem: str) -> NoReturn:
    raise ChallengeError(where, problem)


def _not_a_number(text: str) -> NoReturn:
    _fail("file", f"the file holds {text}, which is not a number JSON allows")


def _parse(data: bytes) -> Any:
    if len(data) > MAX_FILE_BYTES:
        _fail("file", _too_big(len(data)))
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail("file", f"the file is not UTF-8 text (byte {exc.start} is not valid), so it is not a challenge")
    if not text.strip():
        _fail("file", "the file is empty")
    try:
        return json.loads(text, parse_constant=_not_a_number, object_pairs_hook=object_pairs)
    except json.JSONDecodeError as exc:
        _fail("file", f"the file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except DuplicateKey as exc:
        _fail("file", f"the field {one_line(str(exc.args[0]), 40)!r} appears twice in one object")
    except RecursionError:
        _fail("file", "the file's lists or objects are nested far too deeply")
    except ValueError as exc:
        _fail("file", f"the file is not valid JSON: {exc}")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {one_line(value, 40)!r}"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else "a number with far too many digits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _object(value: Any, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(where, f"must be an object {{...}}, not {_describe(value)}")
    for key in required:
        if key not in value:
            _fail(where, f"the field {key!r} is missing")
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            _fail(
                one_line(key, 40) if where == "file" else f"{where}.{one_line(key, 40)}",
                f"is not a field a challenge has here (known: {', '.join(sorted(allowed))})",
            )
    return value


def _list(value: Any, where: str, cap: int, what: str, at_least: int = 0) -> list[Any]:
    if not isinstance(value, list):
        _fail(where, f"must be a list [...], not {_describe(value)}")
    if len(value) > cap:
        _fail(where, f"holds {len(value):,} {what}; a challenge may hold at most {cap:,}")
    if len(value) < at_least:
        _fail(where, f"must hold at least {_count(at_least, what.rstrip('s'))}")
    return value


def _text(value: Any, where: str, kind: str, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        _fail(where, f"must be text, not {_describe(value)}")
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
        _fail(where, f"must be a number, not {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        _fail(where, "is a number far too large")
    if not low <= number <= high:
        _fail(where, f"must be between {_num(low)} and {_num(high)}, not {_num(number)}")
    return number


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(where, f"must be a whole number, not {_describe(value)}")
    if not low <= value <= high:
        _fail(where, f"must be between {low:,} and {high:,}, not {_describe(value)}")
    return value


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


def _build(tree: Any, source: str) -> Challenge:
    if not isinstance(tree, dict):
        _fail("file", f"the file holds {_describe(tree)}, not an nnstudio challenge (a JSON object)")
    if tree.get("format") != FORMAT_NAME:
        if "format" not in tree:
            _fail("file", f'this is not an nnstudio challenge file (it has no "format": "{FORMAT_NAME}")')
        _fail("format", f"is {_describe(tree['format'])}; a challenge file says {FORMAT_NAME!r}")
    version = tree.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        _fail("version", f"must be a whole number, not {_describe(version)}")
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
            _fail(f"{where}.network", f"must be a whole network (an object), not {_describe(network)}")
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
        _fail(where, f"must be an object of ids and numbers {{...}}, not {_describe(value)}")
    changes = value
    if len(changes) > MAX_CASE_VALUES:
        _fail(where, f"changes {len(changes):,} values; a challenge may change at most {MAX_CASE_VALUES:,}")
    return {_text(k, where, "ref"): _number(v, f"{where}.{one_line(k, 40)}") for k, v in changes.items()}


_CASE_KINDS = ("output", "class", "above", "below", "signs", "dataset")


def _case(value: Any, where: str, tolerance: float) -> Case:
    if not isinstance(value, dict):
        _fail(where, f"must be an object {{...}}, not {_describe(value)}")
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
            label = _whole(label, f"{where}.class", 0, 100_000)
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
            exactly = _whole(hidden["exactly"], f"{where}.hidden_neurons.exactly", 0, 100_000)
        else:
            at_most = _whole(hidden["at_most"], f"{where}.hidden_neurons.at_most", 0, 100_000)
    if "connections" in rules:
        edges = _object(rules["connections"], f"{where}.connections", ("at_most",))
        connections = _whole(edges["at_most"], f"{where}.connections.at_most", 0, 10_000_000)
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
