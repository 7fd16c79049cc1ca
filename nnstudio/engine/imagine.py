"""Running a network backwards to change the picture instead of the weights: dreaming and fooling.

Training asks "how should each weight move to lower the error?"; here the same backward pass asks "how
should each pixel move to raise this neuron?" (:func:`neuron_gradient`). Two uses:

* **Dream** (:func:`dream`): from a picture or from noise, nudge every pixel uphill along that slope, step
  after step, always inside the input range. Left alone the picture fills with speckle the neuron happens
  to like; two regularisers keep it looking like a picture: a slight blur now and then, and a pull towards
  neighbouring pixels being alike (total variation).
* **Fool** (:func:`fool`): from a picture the network reads correctly, find a small change, no pixel
  moving more than a bound, that makes it answer another digit. Each step moves every pixel by the same
  small amount in the direction that favours the target over the best other answer; the bound starts small
  and grows only as far as needed. The size of the change is stated as a fraction of the input range.

For an output neuron the slope comes from the plan's own backward pass; for a hidden neuron or a feature
map the slopes go down level by level through each level's own backward step (matrix of connections,
convolution or pooling), so a convolutional network dreams and is fooled like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .losses import Loss
from .plan import ForwardResult, Plan

Array = np.ndarray

# What the plan's backward pass is given to get the slope of sum(truth * answer): the "loss" -truth.answer,
# whose slope with respect to the answer is -truth (the batch mean divides by the number of rows).
_LINEAR = Loss(
    "linear",
    "Weighted sum of the outputs",
    "E = -sum truth * answer",
    lambda a, t: -a * t,
    lambda a, t: -t,
)

DREAM_STEPS = 60
FOOL_BOUNDS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
FOOL_STEPS = 40
STEP_FRACTION = 0.3


class ImagineError(ValueError):
    """A neuron or a picture that cannot be dreamed or fooled with, said in one line."""


# ------------------------------------------------------------------------------------------- neurons
MAP_MARK = "#"


def map_target(layer: str, channel: int) -> str:
    """The name of a whole feature map as a dream's target: ``conv1#2`` is the second map of conv1."""
    return f"{layer}{MAP_MARK}{channel + 1}"


def parse_map_target(plan: Plan, target: str) -> tuple[str, int] | None:
    """(layer, channel from 0) when ``target`` names a feature map of the plan, else None."""
    layer, mark, number = target.rpartition(MAP_MARK)
    if not mark or not number.isdigit():
        return None
    try:
        conv = plan.convolution(layer)
    except (KeyError, AttributeError):
        return None
    channel = int(number) - 1
    return (layer, channel) if 0 <= channel < conv.out_shape[0] else None


def find_neuron(plan: Plan, target: str, labels: list[str] | None = None) -> str:
    """The id of the neuron ``target`` names: an output's label (``3``), an output's number, or any id;
    or a whole feature map (``conv1#2``)."""
    if target in plan.position or parse_map_target(plan, target) is not None:
        return target
    outputs = plan.output_ids
    if labels is not None and target in labels:
        return outputs[labels.index(target)]
    if target.isdigit() and int(target) < len(outputs):
        return outputs[int(target)]
    named = ", ".join(labels or outputs)
    raise ImagineError(
        f"no neuron {target!r}: give an output ({named}), a neuron's id or a feature map (e.g. conv1#1)"
    )


def activation(plan: Plan, inputs: Array, neuron_id: str) -> Array:
    """The neuron's value for each row of ``inputs`` (a feature map's: its mean value)."""
    x = np.atleast_2d(inputs)
    fw = plan.forward(x)
    whole_map = parse_map_target(plan, neuron_id)
    if whole_map is not None:
        layer, channel = whole_map
        conv = plan.convolution(layer)
        maps = np.asarray(fw.activations[conv.target], dtype=np.float64).reshape(
            x.shape[0], conv.out_shape[0], -1
        )
        return maps[:, channel].mean(axis=1)
    level, index = plan.position[neuron_id]
    return np.asarray(fw.activations[level][:, index], dtype=np.float64)


def _seed(plan: Plan, level: int, rows: int, weights: dict[int, float]) -> Array:
    seed = np.zeros((rows, len(plan.levels[level].ids)), dtype=plan.dtype)
    for index, weight in weights.items():
        seed[:, index] = weight
    return seed


def weighted_gradient(plan: Plan, inputs: Array, level: int, weights: dict[int, float]) -> Array:
    """d(sum of weight x activation of the level's neurons)/d(input), one row per row of ``inputs``."""
    x = np.atleast_2d(np.asarray(inputs, dtype=plan.dtype))
    if level == 0:
        return np.asarray(_seed(plan, 0, x.shape[0], weights), dtype=np.float64)
    fw = plan.forward(x)
    if level == len(plan.levels) - 1:
        truth = _seed(plan, level, x.shape[0], weights) * x.shape[0]
        grads = plan.backward(fw, truth, _LINEAR, input_gradient=True)
        assert grads.inputs is not None
        return -np.asarray(grads.inputs, dtype=np.float64)
    seed = _seed(plan, level, x.shape[0], weights)
    return _input_slopes(plan, fw, level, _through_activation(plan, fw, level, seed))


def _through_activation(plan: Plan, fw: ForwardResult, level: int, grad_a: Array) -> Array:
    """From slopes of a level's values to slopes of its weighted sums."""
    delta = np.empty_like(grad_a)
    z, a = fw.sums[level], fw.activations[level]
    for act, cols in plan.levels[level].groups:
        delta[:, cols] = act.backward(z[:, cols], a[:, cols], grad_a[:, cols])
    return delta


def _input_slopes(plan: Plan, fw: ForwardResult, level: int, delta: Array) -> Array:
    """The input's slopes given ``delta``, the slopes of level ``level``'s weighted sums, going down level
    by level through whatever feeds each one: a matrix of connections, a convolution or a pooling."""
    grad_a: list[Array | None] = [None] * len(plan.levels)
    blocks = {b.target: b for b in plan.blocks}
    convs = {c.target: c for c in getattr(plan, "convs", [])}
    # The parameters' slopes are written somewhere and not used: only the picture's are wanted here.
    scratch = np.empty_like(plan.flat)
    li = level
    while True:
        conv = convs.get(li)
        block = blocks.get(li)
        if conv is not None:
            keep = fw.kept.get(li)
            if keep is None and conv.kind.value != "avgpool":
                _, keep = conv.forward(fw.activations[conv.source])
            back = conv.backward(delta, keep, scratch, True)
            if back is not None:
                if grad_a[conv.source] is None:
                    grad_a[conv.source] = np.zeros_like(fw.sums[conv.source])
                grad_a[conv.source][:, conv.columns] += back  # type: ignore[index]
        elif block is not None:
            block.backward(delta, list(fw.activations), np.empty_like(block.W), grad_a, True)
        li -= 1
        while li > 0 and grad_a[li] is None:
            li -= 1
        if li <= 0:
            break
        delta = _through_activation(plan, fw, li, grad_a[li])  # type: ignore[arg-type]
    out = grad_a[0]
    return np.zeros(fw.sums[0].shape, dtype=np.float64) if out is None else np.asarray(out, dtype=np.float64)


def sum_gradient(plan: Plan, inputs: Array, neuron_id: str) -> Array:
    """d(the neuron's weighted sum z)/d(input), one row per row of ``inputs``.

    A dream climbs the sum rather than the value: a sigmoid neuron far from firing has a value of exactly 0
    and no slope left to climb, while its sum still says which way to go.
    """
    x = np.atleast_2d(np.asarray(inputs, dtype=plan.dtype))
    level, index = plan.position[neuron_id]
    if level == 0:
        return weighted_gradient(plan, x, 0, {index: 1.0})
    fw = plan.forward(x)
    return _input_slopes(plan, fw, level, _seed(plan, level, x.shape[0], {index: 1.0}))


def map_gradient(plan: Plan, inputs: Array, layer: str, channel: int) -> Array:
    """d(the sum of one feature map's values)/d(input): what a dream of a whole feature map climbs.

    Where none of the map's ReLUs fire yet there is no such slope; the weighted sum of the unit closest to
    firing is climbed instead until it does.
    """
    x = np.atleast_2d(np.asarray(inputs, dtype=plan.dtype))
    conv = plan.convolution(layer)
    c, h, w = conv.out_shape
    fw = plan.forward(x)
    seed = np.zeros((x.shape[0], len(plan.levels[conv.target].ids)), dtype=plan.dtype)
    seed.reshape(x.shape[0], c, h * w)[:, channel, :] = 1.0
    delta = _through_activation(plan, fw, conv.target, seed)
    if not np.any(delta):
        # No unit of the map fires: climb the weighted sum of the one closest to firing, until it does.
        sums = np.asarray(fw.sums[conv.target], dtype=np.float64).reshape(x.shape[0], c, h * w)[:, channel]
        delta = np.zeros_like(seed)
        delta.reshape(x.shape[0], c, h * w)[np.arange(x.shape[0]), channel, np.argmax(sums, axis=1)] = 1.0
    slope = _input_slopes(plan, fw, conv.target, delta)
    if not np.any(slope) and conv.kind.value != "conv2d":
        # A pooling of maps that are all silent passes no slope back: wake the map it pools instead.
        source = next((c for c in plan.convs if c.target == conv.source), None)
        if source is not None:
            return map_gradient(plan, x, source.layer, channel)
    return slope


def neuron_gradient(plan: Plan, inputs: Array, neuron_id: str) -> Array:
    """How the neuron's value changes with each input: d(activation)/d(input), shaped like ``inputs``."""
    level, index = plan.position[neuron_id]
    slope = weighted_gradient(plan, inputs, level, {index: 1.0})
    return slope.reshape(np.shape(inputs)) if np.ndim(inputs) == 1 else slope


def _log_probability_gradient(plan: Plan, x: Array, index: int) -> Array:
    """d(log of softmax output ``index``)/d(input), worked out on the weighted sums (its slope there is
    one-hot minus the probabilities), so it stays exact when a probability has rounded to 0 or 1."""
    fw = plan.forward(x)
    delta = -np.asarray(fw.output, dtype=np.float64)
    delta[:, index] += 1.0
    return _input_slopes(plan, fw, len(plan.levels) - 1, delta.astype(plan.dtype))


def _softmax_output(plan: Plan) -> bool:
    groups = plan.levels[-1].groups
    return len(groups) == 1 and groups[0][0].name == "softmax"


# ------------------------------------------------------------------------------------------- pictures
def blur(picture: Array, grid: tuple[int, int]) -> Array:
    """A slight blur (1 2 1 in each direction), edges repeated: what keeps a dream free of speckle."""
    width, height = grid
    image = picture.reshape(height, width)
    padded = np.pad(image, 1, mode="edge")
    rows = (padded[:-2] + 2 * padded[1:-1] + padded[2:]) / 4
    out = (rows[:, :-2] + 2 * rows[:, 1:-1] + rows[:, 2:]) / 4
    return out.reshape(picture.shape)


def total_variation_slope(picture: Array, grid: tuple[int, int]) -> Array:
    """d/d(pixel) of the sum of squared differences between neighbouring pixels (lower is smoother)."""
    width, height = grid
    image = picture.reshape(height, width)
    slope = np.zeros_like(image)
    down = image[1:] - image[:-1]
    right = image[:, 1:] - image[:, :-1]
    slope[1:] += down
    slope[:-1] -= down
    slope[:, 1:] += right
    slope[:, :-1] -= right
    return (2 * slope).reshape(picture.shape)


# ------------------------------------------------------------------------------------------- dream
@dataclass
class DreamSettings:
    steps: int = DREAM_STEPS
    # Each step moves the picture by this fraction of the input range (for the pixel sloping most).
    step_size: float = 0.1
    # Blur every this many steps (0: never).
    blur_every: int = 8
    # Weight of the smoothness pull, relative to the neuron's own slope.
    total_variation: float = 0.01


@dataclass
class Dream:
    neuron_id: str
    before: float
    after: float
    picture: Array
    # The picture after each step, when asked for (for showing the dream as it forms).
    frames: list[Array] = field(default_factory=list)
    values: list[float] = field(default_factory=list)


def noise_picture(n_inputs: int, value_range: tuple[float, float], seed: int = 0) -> Array:
    """Random pixels over the whole input range: where a dream starts when it does not start from a
    drawing. (Faint noise on grey leaves every edge-finding kernel of a trained convolution silent, and a
    silent ReLU has no slope to climb; strong contrast wakes enough of them.)"""
    low, high = value_range
    return low + (high - low) * np.random.default_rng(seed).random(n_inputs)


def dream_steps(
    plan: Plan,
    start: Array,
    neuron_id: str,
    value_range: tuple[float, float],
    grid: tuple[int, int] | None = None,
    settings: DreamSettings | None = None,
) -> Callable[[], tuple[Array, float]]:
    """A function that takes one more step of the dream each time it is called: (picture, neuron's value).

    The window calls it from a timer, so the dream forms as one watches; :func:`dream` calls it in a loop.
    """
    settings = settings or DreamSettings()
    low, high = value_range
    span = high - low if high != low else 1.0
    whole_map = parse_map_target(plan, neuron_id)
    level, index = plan.position[neuron_id] if whole_map is None else (-1, -1)
    use_log = level == len(plan.levels) - 1 and _softmax_output(plan)
    picture = np.clip(np.asarray(start, dtype=np.float64).ravel().copy(), low, high)
    if picture.size != plan.n_inputs:
        raise ImagineError(
            f"the picture has {picture.size} values but the network takes {plan.n_inputs} inputs"
        )
    smooth = grid is not None and grid[0] * grid[1] == picture.size
    count = [0]

    def step() -> tuple[Array, float]:
        nonlocal picture
        x = picture[None, :]
        if whole_map is not None:
            slope = map_gradient(plan, x, *whole_map)[0]
        elif use_log:
            slope = _log_probability_gradient(plan, x, index)[0]
        else:
            slope = sum_gradient(plan, x, neuron_id)[0]
        scale = float(np.abs(slope).max())
        if scale > 0:
            slope = slope / scale
        if smooth and settings.total_variation > 0:
            slope -= settings.total_variation * total_variation_slope(picture / span, grid)  # type: ignore[arg-type]
        picture = np.clip(picture + settings.step_size * span * slope, low, high)
        count[0] += 1
        if smooth and settings.blur_every and count[0] % settings.blur_every == 0:
            # Half a blur: enough to wipe out speckle, not the edges a convolution's kernels look for.
            picture = 0.5 * picture + 0.5 * blur(picture, grid)  # type: ignore[arg-type]
        return picture.copy(), float(activation(plan, picture, neuron_id)[0])

    return step


def dream(
    plan: Plan,
    start: Array,
    neuron_id: str,
    value_range: tuple[float, float],
    grid: tuple[int, int] | None = None,
    settings: DreamSettings | None = None,
    keep_frames: bool = False,
) -> Dream:
    """Nudge ``start`` uphill for the neuron for ``settings.steps`` steps; the last picture is the dream.

    (Not the picture of the highest value: a sigmoid's value stops at 1 long before its sum stops rising,
    and the dream goes on taking shape after that.)"""
    settings = settings or DreamSettings()
    step = dream_steps(plan, start, neuron_id, value_range, grid, settings)
    low, high = value_range
    first = np.clip(np.asarray(start, dtype=np.float64).ravel(), low, high)
    before = float(activation(plan, first, neuron_id)[0])
    result = Dream(neuron_id, before, before, first)
    for _ in range(settings.steps):
        result.picture, result.after = step()
        if keep_frames:
            result.frames.append(result.picture)
            result.values.append(result.after)
    return result


def strongest_samples(plan: Plan, inputs: Array, neuron_id: str, count: int = 6) -> tuple[Array, Array]:
    """The rows of ``inputs`` that excite the neuron most, strongest first, and its value for each."""
    values = activation(plan, inputs, neuron_id)
    order = np.argsort(-values, kind="stable")[:count]
    return order, values[order]


# ------------------------------------------------------------------------------------------- fool
@dataclass
class Fooled:
    target: int
    answer_before: int
    answer_after: int
    # The biggest change of any pixel, as a fraction of the input range.
    max_change: float
    picture: Array
    change: Array
    confidences_before: Array
    confidences_after: Array

    @property
    def success(self) -> bool:
        return self.answer_after == self.target


def _target_gradient(plan: Plan, x: Array, target: int) -> Array:
    """The slope, per pixel, of how strongly the network favours ``target`` over every other answer.

    For a softmax output that is log(probability of the target). For other outputs it is the same on their
    weighted sums z (softmax of z, log of the target's share), measured on the sums rather than the
    outputs because a sigmoid output near 0 or 1 has almost no slope left to say which way to go.
    """
    if _softmax_output(plan):
        return _log_probability_gradient(plan, x, target)[0]
    fw = plan.forward(x)
    z = np.asarray(fw.sums[-1], dtype=np.float64)
    share = np.exp(z - z.max(axis=1, keepdims=True))
    share /= share.sum(axis=1, keepdims=True)
    delta = -share
    delta[:, target] += 1.0
    return _input_slopes(plan, fw, len(plan.levels) - 1, delta.astype(plan.dtype))[0]


def fool(
    plan: Plan,
    picture: Array,
    target: int,
    value_range: tuple[float, float],
    bounds: tuple[float, ...] = FOOL_BOUNDS,
    steps: int = FOOL_STEPS,
) -> Fooled:
    """The smallest change found (bounds tried in turn) that makes the network answer output ``target``.

    Within a bound each step moves every pixel by a fifth of the bound towards raising the target's output
    over the best other one, then clips to the bound and to the input range. Success is the network's
    answer changing to ``target``; if no bound up to the last works, the last attempt is returned.
    """
    low, high = value_range
    span = high - low if high != low else 1.0
    original = np.asarray(picture, dtype=np.float64).ravel()
    if original.size != plan.n_inputs:
        raise ImagineError(
            f"the picture has {original.size} values but the network takes {plan.n_inputs} inputs"
        )
    if not 0 <= target < plan.n_outputs:
        raise ImagineError(f"the network has {plan.n_outputs} outputs; there is no output {target}")
    before = np.asarray(plan.forward(original[None, :]).output[0], dtype=np.float64)
    answer_before = int(np.argmax(before))
    x = original.copy()
    answer = answer_before
    after = before
    for bound in bounds:
        limit = bound * span
        lower, upper = np.maximum(original - limit, low), np.minimum(original + limit, high)
        x = original.copy()
        # Once the answer has turned, a few more steps inside the same bound make it a clear answer.
        extra = steps // 8
        for step in range(steps):
            out = np.asarray(plan.forward(x[None, :]).output[0], dtype=np.float64)
            answer = int(np.argmax(out))
            if answer == target:
                if extra == 0:
                    break
                extra -= 1
            slope = _target_gradient(plan, x[None, :], target)
            # Steps shrink as the search goes on: fixed ones end up bouncing between two answers.
            size = limit * STEP_FRACTION * (1.0 - step / steps) + limit * 0.02
            stepped = np.clip(x + size * np.sign(slope), lower, upper)
            if answer == target and int(np.argmax(plan.forward(stepped[None, :]).output[0])) != target:
                break
            x = stepped
        after = np.asarray(plan.forward(x[None, :]).output[0], dtype=np.float64)
        answer = int(np.argmax(after))
        if answer == target:
            break
    change = x - original
    return Fooled(
        target,
        answer_before,
        answer,
        float(np.abs(change).max() / span),
        x,
        change,
        before,
        after,
    )
