"""Receptive fields: for a neuron, the input image that drives it highest, in the input's own geometry.

Brandon Rohrer's "How Deep Neural Networks Work" draws each neuron of the four-pixel camera as the little
image it responds to most: white where a pixel should be bright, black where it should be dark, and a
checkered square where the neuron does not care. Found three ways, the most exact that applies:

- ``weights`` (a neuron fed only by inputs, with an activation that rises with its sum): the sum is largest
  when every pixel with a positive weight is at the top of the input range and every pixel with a negative
  one at the bottom, so the field is the sign pattern of the weights. Exact. A pixel without a connection
  (weight 0) does not matter: it is given the middle of the range and drawn checkered, as are weights near
  zero (:data:`NEAR_ZERO`), which barely matter.
- ``search`` (at most :data:`SEARCH_INPUTS` inputs, a hand-built net): every image whose pixels are black,
  grey or white (black or white alone when that is too many) is run through the network at once, and the
  best is polished by gradient ascent. A pixel that the best activation does not depend on is drawn
  checkered.
- ``gradient_ascent`` (in general, a 28x28 digit network): start from grey images, follow the slope of the
  neuron's activation with respect to the input, and keep every pixel inside the input range.

For a 28x28 input of a first-layer neuron there is also the weight picture itself (3Blue1Brown's "But what is
a neural network?" draws it green for positive, red for negative): :attr:`ReceptiveField.weights`, and
:func:`strongest_samples` gives the dataset images that excite a neuron most.

A convolutional layer is thousands of neurons but only a few feature maps (channels), every neuron of a map
the same detector at another place. :func:`channel_fields` gives one :class:`ChannelField` per map: the
window of input pixels one neuron of it sees (a 5x5 kernel sees 5x5 pixels, one after a 2x2 pooling and
another 5x5 kernel 14x14), the preferred input in that window of the map's central neuron (for a kernel
that reads the input itself, exactly the sign pattern of the kernel, which is also drawn), and
:func:`strongest_by_channel` the images that excite the map most anywhere. Only the levels up to the one
looked at are computed (:func:`forward_to`): a digit network's later layers cost most.

Climbing a layer of a convolutional network takes seconds. :func:`receptive_fields` and :func:`channel_fields`
can therefore climb a few neurons (or maps) at a time (``piece``), say after each piece how many of how
many are done (``progress``) and hand over the fields of that piece (``found``), and ask between pieces
whether to go on (``should_stop``, :class:`Stopped` when it says yes). The pieces are the same whether anyone listens or not, so the results are too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from .conv import ConvBlock, ConvKind
from .plan import Block, ForwardResult, Plan
from .plan_parts import activate_level

Array = np.ndarray
# Told (done, total) after each piece of work; asked between pieces whether to stop.
Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]
# Given the fields of each piece as soon as it is done (a gallery can show them while the rest are climbed).
FoundFields = Callable[[dict[str, "ReceptiveField"]], None]
FoundMaps = Callable[[list["ChannelField"]], None]

# A first-layer weight smaller than this fraction of the neuron's largest weight is drawn as "does not care".
NEAR_ZERO = 0.05
# Networks with at most this many inputs are searched image by image.
SEARCH_INPUTS = 16
# At most this many images in one search (3^9 = 19,683 black/grey/white 3x3 images fit; 3^16 does not).
SEARCH_IMAGES = 65_536
# Gradient ascent: independent starts per neuron, and steps.
ASCENT_STARTS = 4
ASCENT_STEPS = 100
# Activations closer than this are the same (a pixel that changes the best activation less does not matter).
SAME = 1e-9
# Activations that rise with their sum (the sign pattern of the weights is then the exact answer).
RISING = frozenset({"identity", "sigmoid", "tanh", "relu", "step"})

METHOD_TEXT = {
    "weights": "the sign of each weight (exact)",
    "search": "every black, grey and white image tried, the best refined by gradient ascent",
    "gradient_ascent": "gradient ascent on the input, kept inside the input range",
    "constant": "the neuron takes nothing from the inputs: every image gives the same value",
    "kernel": "the sign of each kernel weight (exact)",
}


class Stopped(Exception):
    """The work was stopped before it finished, because ``should_stop`` said so."""


@dataclass
class _Pace:
    """Counts the pieces of work done, tells ``progress`` and asks ``should_stop`` between them."""

    total: int
    progress: Progress | None
    should_stop: ShouldStop | None
    done: int = 0

    def check(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise Stopped(f"stopped after {self.done} of {self.total}")

    def add(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)
        if self.done < self.total:  # finished work is kept even when the stop comes with its last piece
            self.check()


def _pieces(items: list[str], piece: int | None) -> Iterator[list[str]]:
    """``items`` a ``piece`` at a time (all at once for None)."""
    size = max(1, piece) if piece else max(1, len(items))
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ReceptiveField:
    """The input pattern that drives one neuron highest.

    ``pattern`` holds one value per input, in the network's input order (row-major over the image grid);
    ``indifferent`` is True for the inputs the neuron does not care about (drawn checkered); ``weights`` is
    the neuron's weight from each input for a first-layer neuron (0 where there is no connection), else None.
    """

    neuron: str
    pattern: Array
    activation: float
    method: str
    indifferent: Array
    weights: Array | None
    value_range: tuple[float, float]

    @property
    def exact(self) -> bool:
        return self.method in ("weights", "constant", "kernel")

    @property
    def found(self) -> bool:
        """False when the search found no input that moves the neuron: at its best the activation does not
        change with any pixel (a ReLU that is 0 everywhere the search went, say), so there is nothing to draw."""
        return self.method != "gradient_ascent" or not bool(np.all(self.indifferent))

    @property
    def method_text(self) -> str:
        return METHOD_TEXT[self.method]

    def image(self, grid: tuple[int, int] | None) -> Array:
        """The pattern in the input's geometry: (height, width) for an image grid, else one row."""
        return as_image(self.pattern, grid)


def as_image(values: Array, grid: tuple[int, int] | None) -> Array:
    """Values per input as an image: the grid's pixels (row by row from the top left) or one row."""
    values = np.asarray(values)
    if grid is None:
        return values.reshape(1, -1)
    width, height = grid
    return values[: width * height].reshape(height, width)


# ---------------------------------------------------------------------------------------------- forward
def forward_to(plan: Plan, inputs: Array, level: int) -> ForwardResult:
    """The forward pass up to ``level`` only (its sums and activations and those before it): a feature map of
    a digit network's first layer costs a fraction of the whole pass. The whole pass for the last level."""
    if level >= len(plan.levels) - 1:
        return plan.forward(inputs)
    x = np.asarray(inputs, dtype=plan.dtype)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != plan.n_inputs:
        raise ValueError(f"the network takes {plan.n_inputs} inputs; got data shaped {np.shape(inputs)}")
    convs = {c.target: c for c in plan.convs}
    blocks = {b.target: b for b in plan.blocks}
    sums: list[Array] = [x]
    acts: list[Array] = [x]
    kept: dict[int, object] = {}
    for li in range(1, level + 1):
        here = plan.levels[li]
        conv = convs.get(li)
        if conv is not None:
            z, kept[li] = conv.forward(acts[conv.source])
        elif li in blocks:
            z = blocks[li].forward(acts)
        else:
            z = np.zeros((x.shape[0], len(here.ids)), dtype=plan.dtype)
        z = z + here.bias
        sums.append(z)
        acts.append(activate_level(here, z))
    return ForwardResult(sums, acts, None, kept)


# ---------------------------------------------------------------------------------------------- slopes
def activation_gradient(plan: Plan, fw: ForwardResult, level: int, seed: Array) -> Array:
    """d(sum over rows of seed . activations of ``level``)/d(input), per row: (rows, inputs).

    ``seed`` is shaped like the level's activations; a one-hot row picks one neuron per sample, so each row
    of the result is the slope of that neuron's activation with respect to that sample's input.
    """
    grad_a: list[Array | None] = [None] * len(plan.levels)
    grad_a[level] = np.asarray(seed, dtype=plan.dtype)
    blocks = {b.target: b for b in plan.blocks}
    convs = {c.target: c for c in plan.convs}
    scratch: Array | None = None
    for li in range(level, 0, -1):
        ga = grad_a[li]
        if ga is None:
            continue
        delta = _through_activation(plan, li, fw.sums[li], fw.activations[li], ga)
        conv = convs.get(li)
        if conv is not None:
            # A convolution or pooling: its own backward pass (the kernels' slopes go to a scratch buffer).
            keep = fw.kept.get(li)
            if keep is None:
                _, keep = conv.forward(fw.activations[conv.source])
            if scratch is None:
                scratch = np.zeros_like(plan.flat)
            back = conv.backward(delta, keep, scratch, True)
            if back is not None:
                src = conv.source
                if grad_a[src] is None:
                    grad_a[src] = np.zeros_like(fw.sums[src])
                grad_a[src][:, conv.columns] += back
            continue
        block = blocks.get(li)
        if block is None:
            continue
        grad_w = np.empty((delta.shape[1], block.width), dtype=plan.dtype)
        block.backward(delta, list(fw.activations), grad_w, grad_a, True)
    out = grad_a[0]
    return np.zeros_like(fw.sums[0]) if out is None else np.array(out)


def _through_activation(plan: Plan, li: int, z: Array, a: Array, grad_a: Array) -> Array:
    level = plan.levels[li]
    if len(level.groups) == 1 and isinstance(level.groups[0][1], slice):
        return level.groups[0][0].backward(z, a, grad_a)
    delta = np.empty_like(z)
    for act, cols in level.groups:
        delta[:, cols] = act.backward(z[:, cols], a[:, cols], grad_a[:, cols])
    return delta


# ---------------------------------------------------------------------------------------------- fields
def first_layer_weights(plan: Plan, neuron_id: str) -> Array | None:
    """The neuron's weight from each input (0 where none) when every connection into it comes from an input,
    else None."""
    li, i = plan.position[neuron_id]
    if li == 0 or any(c.target == li for c in plan.convs):
        return None
    block = _block(plan, li)
    n = plan.n_inputs
    if block is None:
        return np.zeros(n)
    present = plan.block_connections()[plan.blocks.index(block)][i]
    if 0 not in block.sources:
        return None if present.any() else np.zeros(n)
    start = block.starts[block.sources.index(0)]
    outside = np.ones(block.width, dtype=bool)
    outside[start : start + n] = False
    if present[outside].any():
        return None
    return np.array(block.W[i, start : start + n], dtype=np.float64)


def _block(plan: Plan, level: int) -> Block | None:
    return next((b for b in plan.blocks if b.target == level), None)


def _activation_name(plan: Plan, neuron_id: str) -> str:
    li, i = plan.position[neuron_id]
    for act, cols in plan.levels[li].groups:
        if isinstance(cols, slice) or i in np.asarray(cols).tolist():
            return act.name
    raise KeyError(neuron_id)


def _activations(plan: Plan, inputs: Array, level: int, column: int) -> Array:
    return np.asarray(forward_to(plan, inputs, level).activations[level][:, column], dtype=np.float64)


def receptive_field(
    plan: Plan, neuron_id: str, value_range: tuple[float, float] = (-1.0, 1.0), *, seed: int = 0
) -> ReceptiveField:
    """The input that drives ``neuron_id`` highest (see the module's description for how it is found)."""
    return receptive_fields(plan, [neuron_id], value_range, seed=seed)[neuron_id]


def receptive_fields(
    plan: Plan,
    neuron_ids: Iterable[str] | None = None,
    value_range: tuple[float, float] = (-1.0, 1.0),
    *,
    seed: int = 0,
    starts: dict[str, Array] | None = None,
    piece: int | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    found: FoundFields | None = None,
) -> dict[str, ReceptiveField]:
    """Receptive fields of many neurons (default: every neuron that is not an input), sharing the work: one
    search of all images serves every neuron, and gradient ascent runs a whole level at once (or ``piece``
    neurons at a time, telling ``progress`` how many of the neurons are done after each piece, giving
    ``found`` that piece's fields, and raising :class:`Stopped` when ``should_stop`` says so between pieces).

    ``starts`` (an input per neuron, such as the dataset image that excites it most) are further starting
    points for gradient ascent, the better result kept: after a ReLU layer that is 0 at grey the climb from
    grey finds no slope at all."""
    low, high = float(value_range[0]), float(value_range[1])
    if not high > low:
        raise ValueError(f"the input range must go from low to high, not {low:g} to {high:g}")
    ids = [n for n in (neuron_ids if neuron_ids is not None else _non_inputs(plan))]
    for nid in ids:
        if nid not in plan.position:
            raise KeyError(nid)
        if plan.position[nid][0] == 0:
            raise ValueError(f"{nid!r} is an input: its value is the pixel itself")
    pace = _Pace(len(ids), progress, should_stop)
    pace.check()
    fields: dict[str, ReceptiveField] = {}
    rest: list[str] = []
    for nid in ids:
        weights = first_layer_weights(plan, nid)
        if weights is not None and read_from_weights(plan, nid):
            fields[nid] = _from_weights(plan, nid, weights, low, high)
        else:
            rest.append(nid)
    if len(fields):
        if found is not None:
            found(dict(fields))
        pace.add(len(fields))
    if rest and plan.n_inputs <= SEARCH_INPUTS:
        searched = _by_search(plan, rest, low, high, seed)
        fields.update(searched)
        if found is not None:
            found(searched)
        pace.add(len(rest))
    elif rest:
        # One generator for every piece: each neuron's noisy starts are those it gets when all climb at once.
        rng = np.random.default_rng(seed)
        for part in _pieces(rest, piece):
            climbed_part = _by_ascent(plan, part, low, high, seed, rng=rng)
            given = {
                nid: np.asarray(starts[nid], dtype=np.float64) for nid in part if starts and nid in starts
            }
            if given:
                _keep_better(climbed_part, _by_ascent(plan, list(given), low, high, seed, starts=given))
            fields.update(climbed_part)
            if found is not None:
                found(climbed_part)
            pace.add(len(part))
    return {nid: fields[nid] for nid in ids}


def _keep_better(fields: dict[str, ReceptiveField], others: dict[str, ReceptiveField]) -> None:
    """Take from ``others`` each field that was found where the first was not, or that climbed higher."""
    for nid, other in others.items():
        mine = fields[nid]
        if other.found and (not mine.found or other.activation > mine.activation + SAME):
            fields[nid] = other


def read_from_weights(plan: Plan, neuron_id: str) -> bool:
    """True when the neuron's field is its weights' sign pattern (cheap and exact): it is fed by inputs
    alone, through a matrix, and its activation rises with its sum."""
    return first_layer_weights(plan, neuron_id) is not None and _activation_name(plan, neuron_id) in RISING


def climbed(plan: Plan, neuron_ids: Iterable[str]) -> list[str]:
    """Those of ``neuron_ids`` whose fields take gradient ascent (the costly kind)."""
    if plan.n_inputs <= SEARCH_INPUTS:
        return []
    return [nid for nid in neuron_ids if not read_from_weights(plan, nid)]


def _non_inputs(plan: Plan) -> list[str]:
    return [nid for level in plan.levels[1:] for nid in level.ids]


def _from_weights(plan: Plan, nid: str, weights: Array, low: float, high: float) -> ReceptiveField:
    mid = (low + high) / 2
    pattern = np.where(weights > 0, high, np.where(weights < 0, low, mid))
    largest = float(np.abs(weights).max(initial=0.0))
    if largest == 0.0:
        li, i = plan.position[nid]
        value = float(_activations(plan, pattern[None, :], li, i)[0])
        return ReceptiveField(
            nid, pattern, value, "constant", np.ones(len(weights), bool), weights, (low, high)
        )
    faint = np.abs(weights) < NEAR_ZERO * largest
    li, i = plan.position[nid]
    value = float(_activations(plan, pattern[None, :], li, i)[0])
    return ReceptiveField(nid, pattern, value, "weights", faint, weights, (low, high))


def search_images(n_inputs: int, low: float, high: float) -> Array:
    """Every image of ``n_inputs`` pixels each black, grey or white (or black or white alone, when that
    would be more than :data:`SEARCH_IMAGES`): (images, n_inputs)."""
    mid = (low + high) / 2
    levels = (low, mid, high) if 3**n_inputs <= SEARCH_IMAGES else (low, high)
    return np.array(list(itertools.product(levels, repeat=n_inputs)), dtype=np.float64).reshape(-1, n_inputs)


def _by_search(plan: Plan, ids: list[str], low: float, high: float, seed: int) -> dict[str, ReceptiveField]:
    images = search_images(plan.n_inputs, low, high)
    fw = plan.forward(images)
    starts: dict[str, Array] = {}
    for nid in ids:
        li, i = plan.position[nid]
        values = np.asarray(fw.activations[li][:, i], dtype=np.float64)
        # Of images that tie (a "solid" neuron likes all-white as much as all-black), the lightest.
        tied = np.flatnonzero(values >= values.max() - SAME)
        starts[nid] = images[int(tied[np.argmax(images[tied].sum(axis=1))])]
    polished = _by_ascent(plan, ids, low, high, seed, starts=starts)
    out: dict[str, ReceptiveField] = {}
    for nid in ids:
        li, i = plan.position[nid]
        best, best_value = starts[nid], float(_activations(plan, starts[nid][None, :], li, i)[0])
        found = polished[nid]
        if found.activation > best_value + SAME:
            best, best_value = found.pattern, found.activation
        indifferent = _indifferent(plan, li, i, best, best_value, low, high)
        if indifferent.all():
            out[nid] = ReceptiveField(
                nid,
                np.full(plan.n_inputs, (low + high) / 2),
                best_value,
                "constant",
                indifferent,
                None,
                (low, high),
            )
            continue
        tidy = np.where(indifferent, (low + high) / 2, best)
        tidy_value = float(_activations(plan, tidy[None, :], li, i)[0])
        if abs(tidy_value - best_value) <= SAME:
            best, best_value = tidy, max(best_value, tidy_value)
        out[nid] = ReceptiveField(nid, best, best_value, "search", indifferent, None, (low, high))
    return out


def _indifferent(plan: Plan, li: int, i: int, pattern: Array, value: float, low: float, high: float) -> Array:
    """Per input: True when setting it to black, grey or white leaves the activation where it is."""
    n = plan.n_inputs
    trials = np.repeat(pattern[None, :], 3 * n, axis=0)
    for k, v in enumerate((low, (low + high) / 2, high)):
        trials[np.arange(n) * 3 + k, np.arange(n)] = v
    values = _activations(plan, trials, li, i).reshape(n, 3)
    return np.abs(values - value).max(axis=1) <= SAME


def _by_ascent(
    plan: Plan,
    ids: list[str],
    low: float,
    high: float,
    seed: int,
    starts: dict[str, Array] | None = None,
    *,
    tries: int = ASCENT_STARTS,
    steps: int = ASCENT_STEPS,
    rng: np.random.Generator | None = None,
) -> dict[str, ReceptiveField]:
    """Projected gradient ascent on the input, every neuron of a level and every start in one batch: ``tries``
    starts from grey (all but the first a little noisy) per neuron, or one from ``starts``; ``steps`` steps.
    The noise comes from ``rng`` when given (one generator shared by pieces of a layer), else from ``seed``."""
    rng = np.random.default_rng(seed) if rng is None else rng
    span = high - low
    mid = (low + high) / 2
    out: dict[str, ReceptiveField] = {}
    by_level: dict[int, list[str]] = {}
    for nid in ids:
        by_level.setdefault(plan.position[nid][0], []).append(nid)
    n = plan.n_inputs
    for li, members in by_level.items():
        k = tries if starts is None else 1
        rows = len(members) * k
        x = np.empty((rows, n))
        for m, nid in enumerate(members):
            block = x[m * k : (m + 1) * k]
            if starts is not None:
                block[:] = starts[nid]
            else:
                block[:] = mid
                block[1:] += rng.normal(0.0, 0.15 * span, (k - 1, n))
        np.clip(x, low, high, out=x)
        columns = np.repeat([plan.position[nid][1] for nid in members], k)
        seed_rows = np.zeros((rows, len(plan.levels[li].ids)))
        seed_rows[np.arange(rows), columns] = 1.0
        best = x.copy()
        best_value = np.full(rows, -np.inf)
        step = 0.1 * span if starts is None else 0.02 * span
        for t in range(steps):
            fw = forward_to(plan, x, li)
            value = np.asarray(fw.activations[li][np.arange(rows), columns], dtype=np.float64)
            better = value > best_value
            best[better], best_value[better] = x[better], value[better]
            grad = activation_gradient(plan, fw, li, seed_rows).astype(np.float64)
            norm = np.sqrt((grad * grad).mean(axis=1, keepdims=True))
            if not norm.any():
                break
            x = np.clip(x + step * (1 - t / steps) * grad / np.maximum(norm, 1e-12), low, high)
        value = _activations_rows(plan, x, li, columns)
        better = value > best_value
        best[better], best_value[better] = x[better], value[better]
        for m, nid in enumerate(members):
            pick = m * k + int(np.argmax(best_value[m * k : (m + 1) * k]))
            pattern = best[pick]
            fw_one = forward_to(plan, pattern[None, :], li)
            grad = activation_gradient(plan, fw_one, li, seed_rows[pick : pick + 1])[0]
            largest = float(np.abs(grad).max(initial=0.0))
            faint = np.abs(grad) < NEAR_ZERO * largest if largest > 0 else np.ones(n, bool)
            out[nid] = ReceptiveField(
                nid, pattern, float(best_value[pick]), "gradient_ascent", faint, None, (low, high)
            )
    return out


def _activations_rows(plan: Plan, x: Array, level: int, columns: Array) -> Array:
    acts = forward_to(plan, x, level).activations[level]
    return np.asarray(acts[np.arange(len(x)), columns], dtype=np.float64)


# ---------------------------------------------------------------------------------------------- samples
def strongest_samples(
    plan: Plan, neuron_id: str, inputs: Array, count: int = 9, batch: int = 2048
) -> tuple[Array, Array]:
    """The ``count`` samples of ``inputs`` that drive the neuron highest: their row numbers and activations,
    strongest first."""
    rows, values = strongest_samples_of(plan, [neuron_id], inputs, count, batch)[neuron_id]
    return rows, values


def strongest_samples_of(
    plan: Plan, neuron_ids: list[str], inputs: Array, count: int = 9, batch: int = 2048
) -> dict[str, tuple[Array, Array]]:
    """:func:`strongest_samples` of several neurons, from one pass over ``inputs`` (up to the deepest of
    their levels only)."""
    positions = [plan.position[nid] for nid in neuron_ids]
    deepest = max((li for li, _ in positions), default=0)
    parts = []
    for s in range(0, len(inputs), batch):
        acts = forward_to(plan, inputs[s : s + batch], deepest).activations
        parts.append(np.stack([np.asarray(acts[li][:, i], dtype=np.float64) for li, i in positions], axis=1))
    table = np.concatenate(parts) if parts else np.zeros((0, len(neuron_ids)))
    return {nid: _top(table[:, k], count) for k, nid in enumerate(neuron_ids)}


def _top(values: Array, count: int) -> tuple[Array, Array]:
    """The rows of the ``count`` largest values, largest first, and those values."""
    count = min(count, len(values))
    if count == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    top = np.argpartition(-values, count - 1)[:count]
    top = top[np.argsort(-values[top], kind="stable")]
    return top.astype(np.intp), values[top]


# ---------------------------------------------------------------------------------------------- feature maps
# A feature map's field is found with fewer starts and steps than a single neuron's: a layer of 32 maps of a
# digit network then takes about a second, not ten.
CHANNEL_TRIES = 2
CHANNEL_STEPS = 40
# How much the mean of a map counts beside its peak when ranking images (only ever to break ties).
TIE_BREAK = 1e-3


@dataclass(frozen=True)
class ChannelField:
    """One feature map (channel) of a convolution or pooling layer.

    ``neuron`` is the map's central neuron, whose field stands for the map's (every neuron of a map is the
    same detector at another place); ``window`` is the part of the input image it sees, (top, left, height,
    width) in pixels, or None when that cannot be told (then the whole input); ``kernel`` is the kernel
    (size x size) when it reads a one-channel input image itself; ``strongest`` and ``strongest_values`` are
    the rows of the given images that excite the map most anywhere (its largest value over its positions),
    strongest first.
    """

    layer: str
    channel: int
    neuron: str
    window: tuple[int, int, int, int] | None
    field: ReceptiveField
    kernel: Array | None
    strongest: Array
    strongest_values: Array

    @property
    def found(self) -> bool:
        return self.field.found

    def patch(self, grid: tuple[int, int] | None) -> tuple[ReceptiveField, tuple[int, int] | None]:
        """The field cut to the window, with the window's grid (width, height): what the map looks for."""
        if self.window is None or grid is None:
            return self.field, grid
        top, left, height, width = self.window
        pattern = as_image(self.field.pattern, grid)[top : top + height, left : left + width]
        care = as_image(self.field.indifferent, grid)[top : top + height, left : left + width]
        return replace(self.field, pattern=pattern.ravel(), indifferent=care.ravel(), weights=None), (
            width,
            height,
        )


def conv_feeding(plan: Plan, level: int) -> ConvBlock | None:
    """The convolution or pooling that computes ``level``, or None for a level of single connections."""
    return next((c for c in plan.convs if c.target == level), None)


def _whole_source(plan: Plan, conv: ConvBlock) -> bool:
    """Whether the link reads all of its source level, in order (positions then match the level's neurons)."""
    size = len(plan.levels[conv.source].ids)
    columns = conv.columns
    return (
        isinstance(columns, slice)
        and columns.indices(size) == (0, size, 1)
        and int(np.prod(conv.in_shape)) == size
    )


def input_window(plan: Plan, level: int, row: int, column: int) -> tuple[int, int, int, int] | None:
    """The input pixels the neuron at (``row``, ``column``) of a map of ``level`` depends on: (top, left,
    height, width), kept inside the image; None unless convolutions and poolings lead from a one-channel
    input image to it."""
    conv = conv_feeding(plan, level)
    top = bottom = row
    left = right = column
    while conv is not None and _whole_source(plan, conv):
        top, left = top * conv.stride - conv.padding, left * conv.stride - conv.padding
        bottom = bottom * conv.stride - conv.padding + conv.size - 1
        right = right * conv.stride - conv.padding + conv.size - 1
        if conv.source == 0:
            channels, height, width = conv.in_shape
            if channels != 1:
                return None
            top, left = max(0, top), max(0, left)
            bottom, right = min(height - 1, bottom), min(width - 1, right)
            return (top, left, bottom - top + 1, right - left + 1)
        conv = conv_feeding(plan, conv.source)
    return None


def channel_fields(
    plan: Plan,
    level: int,
    value_range: tuple[float, float] = (-1.0, 1.0),
    inputs: Array | None = None,
    *,
    count: int = 9,
    batch: int = 500,
    seed: int = 0,
    piece: int | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    found: FoundMaps | None = None,
) -> list[ChannelField]:
    """One :class:`ChannelField` per feature map of ``level`` (a convolution or pooling layer; ValueError
    otherwise), with the ``count`` rows of ``inputs`` (when given) that excite each map most. Maps that are
    climbed go ``piece`` at a time (all at once for None), ``progress`` told how many of the maps are done
    after each piece and ``found`` given that piece's maps, :class:`Stopped` raised when ``should_stop`` says
    so between pieces.

    A kernel that reads a one-channel input image with an activation that rises with its sum gives the field
    exactly: white where its weight is positive, black where negative, checkered where near zero. Otherwise
    the central neuron is climbed by gradient ascent from grey and, with ``inputs``, from the image that
    excites it most (a ReLU that is 0 at grey has no slope to climb there), and the better is kept."""
    low, high = float(value_range[0]), float(value_range[1])
    if not high > low:
        raise ValueError(f"the input range must go from low to high, not {low:g} to {high:g}")
    conv = conv_feeding(plan, level)
    if conv is None:
        raise ValueError(f"level {level} is no convolution or pooling: it has no feature maps")
    channels, height, width = conv.out_shape
    ids = plan.levels[level].ids
    per_map = height * width
    middle = (height // 2) * width + width // 2
    centres = [ids[c * per_map + middle] for c in range(channels)]
    window = input_window(plan, level, height // 2, width // 2)
    reads_image = conv.kind is ConvKind.CONV2D and conv.source == 0 and window is not None
    pace = _Pace(channels, progress, should_stop)
    pace.check()
    strongest, centre_best = _strongest_by_channel(plan, level, conv, inputs, count, batch, middle)
    pace.check()
    source_maps = conv_feeding(plan, conv.source) if conv.kind is ConvKind.MAXPOOL else None

    def channel(c: int, nid: str, field: ReceptiveField) -> ChannelField:
        kernel = None
        if reads_image and conv.kernel is not None:
            kernel = np.array(conv.kernel[c, 0], dtype=np.float64)
        rows, values = strongest[c]
        return ChannelField(conv.layer, c, nid, window, field, kernel, rows, values)

    if reads_image and _activation_name(plan, centres[0]) in RISING:
        fields = {nid: _from_kernel(plan, conv, c, nid, window, low, high) for c, nid in enumerate(centres)}
        pace.add(channels)
    elif source_maps is not None and _whole_source(plan, conv):
        # A max-pooling neuron is as high as the highest neuron it pools: the input that drives one of them
        # highest drives it highest too (the central neuron of the map below lies in its window). The maps
        # below are as many as these, so their count is this layer's.
        below = channel_fields(
            plan,
            conv.source,
            (low, high),
            inputs,
            count=0,
            batch=batch,
            seed=seed,
            piece=piece,
            progress=progress,
            should_stop=should_stop,
        )
        fields = {}
        for nid, under in zip(centres, below, strict=True):
            li, i = plan.position[nid]
            value = float(_activations(plan, under.field.pattern[None, :], li, i)[0])
            fields[nid] = replace(under.field, neuron=nid, activation=value)
    else:
        fields = {}
        # One generator for every piece: each map's noisy starts are those it gets when all climb at once.
        rng = np.random.default_rng(seed)
        for part in _pieces(centres, piece):
            climbed_part = _by_ascent(
                plan, part, low, high, seed, tries=CHANNEL_TRIES, steps=CHANNEL_STEPS, rng=rng
            )
            if inputs is not None and centre_best:
                starts = {
                    centres[c]: np.asarray(inputs[row], dtype=np.float64)
                    for c, row in centre_best.items()
                    if centres[c] in climbed_part
                }
                if starts:
                    polished = _by_ascent(
                        plan, list(starts), low, high, seed, starts=starts, steps=CHANNEL_STEPS
                    )
                    _keep_better(climbed_part, polished)
            fields.update(climbed_part)
            if found is not None:
                found([channel(centres.index(nid), nid, field) for nid, field in climbed_part.items()])
            pace.add(len(part))
    return [channel(c, nid, fields[nid]) for c, nid in enumerate(centres)]


def _from_kernel(
    plan: Plan,
    conv: ConvBlock,
    channel: int,
    nid: str,
    window: tuple[int, int, int, int],
    low: float,
    high: float,
) -> ReceptiveField:
    """The exact field of a neuron whose kernel reads the input image: the kernel's sign pattern in its window."""
    assert conv.kernel is not None
    _, height, width = conv.in_shape
    top, left, rows, cols = window
    # The part of the kernel over the image (padding may put some of it outside).
    pad, stride = conv.padding, conv.stride
    li, i = plan.position[nid]
    row, col = divmod(i - channel * conv.out_shape[1] * conv.out_shape[2], conv.out_shape[2])
    k_top, k_left = top - (row * stride - pad), left - (col * stride - pad)
    kernel = np.asarray(conv.kernel[channel, 0], dtype=np.float64)[
        k_top : k_top + rows, k_left : k_left + cols
    ]
    weights = np.zeros((height, width))
    weights[top : top + rows, left : left + cols] = kernel
    weights = weights.ravel()
    largest = float(np.abs(kernel).max(initial=0.0))
    mid = (low + high) / 2
    pattern = np.where(weights > 0, high, np.where(weights < 0, low, mid))
    if largest == 0.0:
        faint = np.ones(weights.size, bool)
        method = "constant"
    else:
        faint = np.abs(weights) < NEAR_ZERO * largest
        pattern = np.where(faint, mid, pattern)
        method = "kernel"
    value = float(_activations(plan, pattern[None, :], li, i)[0])
    return ReceptiveField(nid, pattern, value, method, faint, weights, (low, high))


def _peak_values(plan: Plan, level: int, conv: ConvBlock, images: Array, channel: int) -> Array:
    """The largest value of one map for each of a few images."""
    acts = np.asarray(forward_to(plan, images, level).activations[level], dtype=np.float64)
    return acts.reshape(len(images), *conv.out_shape)[:, channel].reshape(len(images), -1).max(axis=1)


def _strongest_by_channel(
    plan: Plan,
    level: int,
    conv: ConvBlock,
    inputs: Array | None,
    count: int,
    batch: int,
    middle: int,
) -> tuple[list[tuple[Array, Array]], dict[int, int]]:
    """Per map, the rows of ``inputs`` whose largest value anywhere on the map is largest; and per map, the
    row that excites its central neuron most (where it is above 0), from one pass up to ``level``."""
    channels, height, width = conv.out_shape
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0))
    if inputs is None or len(inputs) == 0:
        return [empty] * channels, {}
    peaks, centres = [], []
    for s in range(0, len(inputs), batch):
        acts = forward_to(plan, inputs[s : s + batch], level).activations[level]
        maps = np.asarray(acts, dtype=np.float64).reshape(len(acts), channels, height * width)
        # The largest value anywhere on the map, ties (a map that saturates on every thick stroke) going to
        # the image where the map is high most widely.
        peaks.append(maps.max(axis=2) + TIE_BREAK * maps.mean(axis=2))
        centres.append(maps[:, :, middle])
    peak = np.concatenate(peaks)
    centre = np.concatenate(centres)
    strongest = []
    for c in range(channels):
        rows, _score = _top(peak[:, c], count)
        values = _peak_values(plan, level, conv, inputs[rows], c) if len(rows) else np.zeros(0)
        strongest.append((rows, values))
    best = {
        c: int(np.argmax(centre[:, c])) for c in range(channels) if centre[:, c].max() > centre[:, c].min()
    }
    return strongest, best


# ---------------------------------------------------------------------------------------------- pictures
# The checks of a square that does not matter, as the texts draw it: light and dark grey.
CHECK_LIGHT = (200, 200, 200)
CHECK_DARK = (90, 90, 90)
# Weight pictures as in 3Blue1Brown's text: green for positive, red for negative, black at zero.
WEIGHT_POSITIVE = (88, 200, 110)
WEIGHT_NEGATIVE = (230, 78, 70)


def field_pixels(field: ReceptiveField, grid: tuple[int, int] | None, cell: int = 8) -> Array:
    """The field as an RGB picture (rows, columns, 3) of uint8: each input a ``cell`` x ``cell`` square,
    black at the bottom of the input range, white at the top, checkered where the neuron does not care."""
    low, high = field.value_range
    shade = np.clip((as_image(field.pattern, grid) - low) / (high - low), 0.0, 1.0)
    grey = np.rint(shade * 255).astype(np.uint8)
    rgb = np.repeat(np.repeat(grey, cell, axis=0), cell, axis=1)[:, :, None].repeat(3, axis=2)
    care = np.repeat(np.repeat(as_image(field.indifferent, grid), cell, axis=0), cell, axis=1)
    half = max(1, cell // 2)
    rows, cols = np.indices(care.shape)
    light = ((rows // half) + (cols // half)) % 2 == 0
    rgb[care & light] = CHECK_LIGHT
    rgb[care & ~light] = CHECK_DARK
    return rgb


def weight_pixels(weights: Array, grid: tuple[int, int] | None, cell: int = 8) -> Array:
    """A first-layer neuron's weights as an RGB picture: green positive, red negative, brighter the larger,
    black where a weight is zero. Full brightness from the 98th percentile of the sizes up, so a few large
    weights do not leave the rest too dark to see."""
    image = as_image(np.asarray(weights, dtype=np.float64), grid)
    sizes = np.abs(image)
    largest = float(np.percentile(sizes, 98)) if sizes.size >= 50 else float(sizes.max(initial=0.0))
    largest = largest or float(sizes.max(initial=0.0)) or 1.0
    strength = np.clip(np.abs(image) / largest, 0.0, 1.0)[:, :, None]
    colour = np.where(image[:, :, None] >= 0, np.array(WEIGHT_POSITIVE), np.array(WEIGHT_NEGATIVE))
    rgb = np.rint(colour * strength).astype(np.uint8)
    return np.repeat(np.repeat(rgb, cell, axis=0), cell, axis=1)


def sample_pixels(
    values: Array, grid: tuple[int, int] | None, value_range: tuple[float, float], cell: int = 2
) -> Array:
    """One input sample as a grey RGB picture (black low, white high)."""
    low, high = value_range
    shade = np.clip((as_image(np.asarray(values, dtype=np.float64), grid) - low) / (high - low), 0.0, 1.0)
    grey = np.rint(shade * 255).astype(np.uint8)
    return np.repeat(np.repeat(grey, cell, axis=0), cell, axis=1)[:, :, None].repeat(3, axis=2)
