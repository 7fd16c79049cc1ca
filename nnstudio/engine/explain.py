"""A neuron's arithmetic for one input, written out the way the source texts write it.

"How neural networks work" (Brandon Rohrer) adds up ``0.50 x -0.20 + 0.00 x 0.00 + -0.75 x 0.80 + 0.75 x
-0.50 = -1.075`` and squashes it, ``tanh(-1.075) = -0.791``; "Demystifying Deep Neural Networks" (Rosie
Campbell) weighs the festival day as ``3x4 + 2x2 + 4x2 + 2x1 = 26``, which beats the threshold of 25. A step
neuron's threshold is kept in the file as a bias (minus the threshold), so it is turned back into a
threshold here: the sum a person compares is the weighted sum, not the weighted sum less 25.

Everything is read through the plan: which weight a connection has (:meth:`Plan.parameter_index`), what
each neuron holds (a :class:`ForwardResult`), so the numbers are the ones the network runs with.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS
from .conv import ConvBlock
from .graph import Network, Neuron
from .plan import ForwardResult, Plan

Array = np.ndarray

# A neuron with more incoming connections than this is written with its largest terms and the rest summed:
# a line of 784 products is not something anyone reads.
WIDE_TERMS = 6
# Softmax over more outputs than this lists the first exponentials and counts the rest.
SOFTMAX_SHOWN = 10


class Term(NamedTuple):
    """One incoming connection's share of the sum: the source's value times the connection's weight (for a
    convolution, the kernel's weight on one cell of the window; its ``edge`` is then "").

    A named tuple: a neuron of a wide layer has thousands of these, made again on every frame of training.
    """

    source: str
    edge: str
    value: float
    weight: float
    product: float

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "edge": self.edge,
            "value": self.value,
            "weight": self.weight,
            "product": self.product,
        }


@dataclass(frozen=True, slots=True)
class SoftmaxParts:
    """The exponentials a softmax output divides: its own ``e^sum`` over the group's total."""

    ids: list[str]
    sums: list[float]
    exponentials: list[float]
    own: int

    @property
    def total(self) -> float:
        return math.fsum(self.exponentials)


@dataclass(frozen=True)
class NeuronArithmetic:
    """What a neuron computes for one input; :meth:`lines` writes it out."""

    neuron: str
    name: str
    activation: str
    is_input: bool
    terms: list[Term]
    weighted_sum: float
    bias: float
    sum: float
    value: float
    softmax: SoftmaxParts | None = None
    yes: str = "fires"
    no: str = "stays quiet"
    wide_terms: int = WIDE_TERMS
    # A neuron of a shaped layer: where its window lies ("kernel 2 of conv1, at row 3, column 5"), and for a
    # pooling neuron "max" or "average" (its terms are the window's values, each with weight 1).
    where: str = ""
    pooling: str = ""

    # ------------------------------------------------------------------ which terms are written
    @property
    def is_threshold(self) -> bool:
        """A step neuron: it compares its weighted sum with a threshold (minus its bias)."""
        return self.activation == "step"

    @property
    def threshold(self) -> float:
        return -self.bias

    @property
    def fires(self) -> bool:
        return self.sum > 0

    def shown_terms(self) -> list[Term]:
        """The terms written out: all of them in the network's order, or for a wide neuron the largest
        (by size of product) in that order."""
        return [self.terms[i] for i in self._shown_indices]

    @cached_property
    def _shown_indices(self) -> list[int]:
        if len(self.terms) <= self.wide_terms:
            return list(range(len(self.terms)))
        sizes = np.abs(np.fromiter((t.product for t in self.terms), dtype=np.float64, count=len(self.terms)))
        order = np.argsort(-sizes, kind="stable")[: self.wide_terms]
        return sorted(order.tolist())

    def hidden_terms(self) -> tuple[int, float]:
        """How many terms the written line leaves out, and what they add up to."""
        shown = set(self._shown_indices)
        rest = [t.product for k, t in enumerate(self.terms) if k not in shown]
        return len(rest), math.fsum(rest)

    # ------------------------------------------------------------------ writing
    def compact(self) -> bool:
        """A threshold neuron with whole numbers throughout (the festival): written ``3x4`` as the article
        does. A squashing neuron keeps its decimals, as the slides write ``0.00 x 0.80``."""
        if not self.is_threshold or not _whole(self.bias):
            return False
        return all(_whole(t.value) and _whole(t.weight) for t in self.terms)

    def term_text(self, term: Term) -> str:
        if self.compact():
            return f"{fmt(term.value, True)}x{fmt(term.weight, True)}"
        return f"{fmt(term.value)} x {fmt(term.weight)}"

    def sum_line(self) -> str:
        """``0.50 x -0.20 + ... = -1.075``; for a step neuron ``3x4 + ... = 26 > 25 -> go``."""
        if self.is_input:
            return f"{self.name} is an input: its value is {fmt_sum(self.value, True)}"
        if self.pooling:
            return self._pooling_line()
        whole = self.compact()
        parts = [self.term_text(t) for t in self.shown_terms()]
        count, rest = self.hidden_terms()
        if count:
            parts.append(f"{count} more terms summing to {fmt_sum(rest, whole)}")
        if not parts:
            parts.append("0 (no incoming connections)")
        if self.is_threshold:
            left = " + ".join(parts)
            outcome = self.yes if self.fires else self.no
            total, threshold = fmt_sum(self.weighted_sum, whole), fmt_sum(self.threshold, whole)
            if self.fires:
                return f"{left} = {total} > {threshold} -> {outcome}"
            if self.weighted_sum < self.threshold:
                return f"{left} = {total} < {threshold} -> {outcome}"
            # On the threshold exactly: the step fires only above it.
            return f"{left} = {total}, not above {threshold} -> {outcome}"
        if self.bias != 0 or not self.terms:
            parts.append(f"{fmt(self.bias, whole)} (bias)")
        return " + ".join(parts) + f" = {fmt_sum(self.sum, whole)}"

    def _pooling_line(self) -> str:
        values = [t.value for t in self.terms]
        shown = ", ".join(fmt(v) for v in values[: self.wide_terms])
        if len(values) > self.wide_terms:
            shown += f", {len(values) - self.wide_terms} more"
        if self.pooling == "max":
            return f"max({shown}) = {fmt_sum(self.sum)}"
        return f"mean({shown}) = {fmt_sum(self.sum)}"

    def activation_line(self) -> str:
        """``tanh(-1.075) = -0.791``; softmax with its exponentials; empty for an input or a step neuron
        (whose line already ends in its answer)."""
        if self.is_input or self.is_threshold or (self.pooling and self.activation == "identity"):
            return ""
        s, v = fmt_sum(self.sum), fmt_sum(self.value)
        if self.activation == "identity":
            return f"identity: the value is the sum, {v}"
        if self.activation == "relu":
            return f"ReLU: max({s}, 0) = {v}"
        if self.activation == "sigmoid":
            return f"sigmoid({s}) = 1 / (1 + e^{fmt_sum(-self.sum)}) = {v}"
        if self.activation == "softmax" and self.softmax is not None:
            parts = self.softmax
            shown = [f"e^{fmt_sum(z)}" for z in parts.sums[:SOFTMAX_SHOWN]]
            if len(parts.sums) > SOFTMAX_SHOWN:
                shown.append(f"{len(parts.sums) - SOFTMAX_SHOWN} more")
            own = parts.exponentials[parts.own]
            return f"softmax: e^{s} / ({' + '.join(shown)}) = {fmt_sum(own)} / {fmt_sum(parts.total)} = {v}"
        return f"{self.activation}({s}) = {v}"

    def lines(self) -> list[str]:
        return [line for line in (self.where, self.sum_line(), self.activation_line()) if line]

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "neuron": self.neuron,
            "terms": [t.to_dict() for t in self.terms],
            "weighted_sum": self.weighted_sum,
            "bias": self.bias,
            "sum": self.sum,
            "activation": self.activation,
            "value": self.value,
            "lines": self.lines(),
        }
        if self.is_threshold:
            out["threshold"] = self.threshold
            out["fires"] = self.fires
            out["answer"] = self.yes if self.fires else self.no
        if self.softmax is not None:
            out["exponentials"] = dict(zip(self.softmax.ids, self.softmax.exponentials, strict=True))
        return out


def _whole(value: float) -> bool:
    return math.isfinite(value) and abs(value - round(value)) < 1e-9 and abs(value) < 1e6


def fmt(value: float, whole: bool = False) -> str:
    """A value or weight in a term: two decimals (tiny ones by their first digits); bare when ``whole``."""
    return _decimals(value, whole, 2, 0.005)


def fmt_sum(value: float, whole: bool = False) -> str:
    """A total: three decimals (tiny ones by their first digits); bare when ``whole``."""
    return _decimals(value, whole, 3, 0.0005)


def _decimals(value: float, whole: bool, places: int, tiny: float) -> str:
    """``value`` with ``places`` decimals; below ``tiny`` (which would round to 0) by its first two digits,
    from 100,000 on by ``places`` + 1 digits; a whole number bare when ``whole``."""
    if not math.isfinite(value):
        return str(value)
    if whole and _whole(value):
        return f"{round(value):d}"
    if value != 0 and abs(value) < tiny:
        return f"{value:.2g}"
    if abs(value) >= 1e5:
        return f"{value:.{places + 1}g}"
    return f"{value + 0.0:.{places}f}"


@dataclass(frozen=True, slots=True)
class _Wiring:
    """Where a neuron's incoming connections sit in a plan: their ids and sources, each weight's place in
    the flat buffer, and each source's level and column (found once per plan and neuron)."""

    edges: list[str]
    sources: list[str]
    flat_index: Array
    levels: Array
    columns: Array


# Per compiled plan (a new plan for every change of structure), the wiring of the neurons asked about: a
# neuron with thousands of inputs is read in numpy steps on every frame of training, not looked up anew.
# Keyed by the plan's id (a plan compares by value, so it cannot be a key) and forgotten with the plan.
_WIRING: dict[int, dict[str, _Wiring]] = {}


def _wiring(network: Network, plan: Plan, neuron_id: str) -> _Wiring:
    known = _WIRING.get(id(plan))
    if known is None:
        known = _WIRING[id(plan)] = {}
        weakref.finalize(plan, _WIRING.pop, id(plan), None)
    wiring = known.get(neuron_id)
    if wiring is None:
        incoming = network.incoming(neuron_id)
        edges = [e.id for e in incoming]
        sources = [e.source for e in incoming]
        places = [plan.position[source] for source in sources]
        wiring = _Wiring(
            edges,
            sources,
            plan.parameter_index(edges) if edges else np.zeros(0, dtype=np.intp),
            np.array([level for level, _ in places], dtype=np.intp),
            np.array([column for _, column in places], dtype=np.intp),
        )
        known[neuron_id] = wiring
    return wiring


def neuron_arithmetic(
    network: Network,
    plan: Plan,
    neuron_id: str,
    forward: ForwardResult,
    sample: int = 0,
    wide_terms: int = WIDE_TERMS,
) -> NeuronArithmetic:
    """The arithmetic of ``neuron_id`` in sample ``sample`` of ``forward`` (a run of ``plan``).

    KeyError for a neuron the plan does not hold.
    """
    level, index = plan.position[neuron_id]
    neuron = network.neurons[neuron_id]
    name = neuron.display_name
    z = float(forward.sums[level][sample, index])
    a = float(forward.activations[level][sample, index])
    yes, no = (neuron.label, f"not {neuron.label}") if neuron.label else ("fires", "stays quiet")
    if level == 0:
        return NeuronArithmetic(neuron_id, name, "identity", True, [], a, 0.0, a, a, yes=yes, no=no)
    conv = next((c for c in getattr(plan, "convs", ()) if c.target == level), None)
    if conv is not None:
        return _window_arithmetic(neuron, plan, conv, index, forward, sample, wide_terms, yes, no)
    wiring = _wiring(network, plan, neuron_id)
    weights = plan.flat[wiring.flat_index].astype(np.float64)
    values = np.empty(len(wiring.edges), dtype=np.float64)
    for source_level in np.unique(wiring.levels).tolist():
        here = wiring.levels == source_level
        values[here] = forward.activations[source_level][sample, wiring.columns[here]]
    terms = [
        Term(source, eid, value, weight, value * weight)
        for source, eid, value, weight in zip(
            wiring.sources, wiring.edges, values.tolist(), weights.tolist(), strict=True
        )
    ]
    bias = float(plan.flat[plan.bias_index(neuron_id)])
    weighted = math.fsum(t.product for t in terms)
    softmax = None
    act = ACTIVATIONS[neuron.activation]
    if act.joint:
        group = _joint_group(plan, level, index)
        sums = [float(forward.sums[level][sample, i]) for i in group]
        top = max(sums)
        # Shifted by the largest sum as the engine does, so nothing overflows; the ratio is the same.
        # Written as the texts write them, e^sum; only sums too large for a float are shifted by the
        # largest first (as the engine always does), which leaves every ratio as it was.
        exps = [math.exp(s - top) if top > 700 else math.exp(s) for s in sums]
        softmax = SoftmaxParts([plan.levels[level].ids[i] for i in group], sums, exps, group.index(index))
    return NeuronArithmetic(
        neuron_id,
        name,
        neuron.activation,
        False,
        terms,
        weighted,
        bias,
        z,
        a,
        softmax,
        yes,
        no,
        wide_terms,
    )


def _window_arithmetic(
    neuron: Neuron,
    plan: Plan,
    conv: ConvBlock,
    index: int,
    forward: ForwardResult,
    sample: int,
    wide_terms: int,
    yes: str,
    no: str,
) -> NeuronArithmetic:
    """A neuron of a layer fed by a convolution (its kernel times the window of the layer before, plus the
    kernel's bias) or by pooling (the window's largest value, or their mean)."""
    level = conv.target
    channel, row, column = (int(v) for v in np.unravel_index(index, conv.out_shape))
    source_ids = np.asarray(plan.levels[conv.source].ids, dtype=object)[conv.columns].reshape(conv.in_shape)
    images = conv.source_values(forward.activations[conv.source][sample : sample + 1])[0]
    _channels, height, width = conv.in_shape
    pad = conv.padding
    terms: list[Term] = []
    for c in range(conv.in_shape[0] if conv.kernel is not None else 1):
        for ky in range(conv.size):
            for kx in range(conv.size):
                y, x = row * conv.stride + ky - pad, column * conv.stride + kx - pad
                if not (0 <= y < height and 0 <= x < width):
                    continue  # padding: a zero, adding nothing
                if conv.kernel is None:
                    c = channel  # pooling reads its own channel
                    weight = 1.0
                else:
                    weight = float(conv.kernel[channel, c, ky, kx])
                value = float(images[c, y, x])
                terms.append(Term(str(source_ids[c, y, x]), "", value, weight, value * weight))
    z = float(forward.sums[level][sample, index])
    a = float(forward.activations[level][sample, index])
    place = f"row {row + 1}, column {column + 1}"
    if conv.kernel is None:
        pooling = "max" if conv.kind == "maxpool" else "average"
        where = f"{pooling} pooling of a {conv.size} x {conv.size} window of {conv.source_layer}, at {place}:"
        # A pooling has no bias: its sum is the maximum or mean of its window, as computed.
        weighted_sum, bias = z, 0.0
    else:
        assert conv.bias is not None
        pooling = ""
        where = f"kernel {channel + 1} of {conv.layer} over a {conv.size} x {conv.size} window of {conv.source_layer}, at {place}:"
        weighted_sum, bias = math.fsum(t.product for t in terms), float(conv.bias[channel])
    return NeuronArithmetic(
        neuron.id,
        neuron.display_name,
        neuron.activation,
        False,
        terms,
        weighted_sum,
        bias,
        z,
        a,
        yes=yes,
        no=no,
        wide_terms=wide_terms,
        where=where,
        pooling=pooling,
    )


def _joint_group(plan: Plan, level: int, index: int) -> list[int]:
    """The columns of ``level`` that share ``index``'s joint activation (all the softmax outputs)."""
    for _act, cols in plan.levels[level].groups:
        members = (
            list(range(*cols.indices(len(plan.levels[level].ids))))
            if isinstance(cols, slice)
            else [int(c) for c in np.asarray(cols).tolist()]
        )
        if index in members:
            return members
    return [index]


def explain(network: Network, neuron_id: str, inputs: Array, dtype: type = np.float64) -> NeuronArithmetic:
    """Compile ``network``, run ``inputs`` (one sample) and write out ``neuron_id``'s arithmetic."""
    from .plan import compile_network

    plan = compile_network(network, dtype)
    return neuron_arithmetic(network, plan, neuron_id, plan.forward(np.asarray(inputs, dtype=dtype)))
