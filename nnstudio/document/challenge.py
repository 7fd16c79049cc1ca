"""Challenges: a task a learner solves by building or repairing a network, checked case by case.

A challenge file is versioned JSON (described field by field in docs/CHALLENGES.md): a goal in one sentence,
a starting network (a built-in example, perhaps with some weights changed, or a whole network written in the
file), the cases the network must pass, rules it must keep, a score where one fits, and the panels and
tools a lesson hides or locks.

Reading trusts nothing in the file, as for network files: every field is checked for its type, range and
meaning, a problem is one :class:`ChallengeError` saying where in the file it is and what is wrong, and
names (datasets, examples, case kinds) are looked up in closed tables (the reader is
:mod:`nnstudio.document.challenge_file`). :func:`check` runs every case on a document's network and says, in
words a learner understands, which passed and why the others did not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data.dataset import DataError, Dataset
from ..engine.graph import GraphError, Network, Role
from ..engine.plan import Plan, compile_network
from ..engine.train import accuracy
from .fileformat import (
    FormatError,
    document_from_bytes,
)
from .model import Document

# How close a weight must be to a multiple of the step to count as set by hand (float32 files round 0.1).
STEP_SLACK = 1e-4
DEFAULT_TOLERANCE = 0.1

_SIGN_SYMBOLS = {"+": "positive (white)", "-": "negative (black)", "0": "zero or missing", ".": "anything"}


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
        outputs = len(run.plan.output_ids)
        if self.neuron is None and outputs != 1:
            # Grading the first of several outputs would pass or fail a network for an answer it never gave.
            raise _CaseProblem(
                f"this case reads the network's one output, but the network has {_count(outputs, 'output')}:"
                " keep one output, the one that answers"
            )
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
