"""Points in the plane: the 2-D problems of TensorFlow Playground, and the feature inputs made from them.

Classification: ``circle`` (inside or outside a ring), ``xor-points`` (same or opposite signs), ``gauss``
(blobs), ``spiral`` (arms). Regression: ``plane`` (a tilted plane) and ``multi-gauss`` (six bumps). Every
point lies in the square -6..6 on both axes, as in Playground.

A name is a whole recipe and always gives the same points: ``spiral`` is 500 points with noise 0, seed 1
and half of them for training; ``spiral:train`` and ``spiral:test`` are those two halves. Parameters go
in brackets: ``spiral(classes=3, noise=0.2, points=600, seed=4, ratio=0.7):train``. ``gauss`` and
``spiral`` take more than two classes (blobs or arms).

A point's inputs are its two coordinates, X1 and X2. A network whose input neurons are named after
features (``X1``, ``X2``, ``X1^2``, ``X2^2``, ``X1*X2``, ``sin X1``, ``sin X2``) gets each input its own
feature: :func:`fit_to_network` computes those columns from the coordinates, so the same dataset feeds a
plain 2-input network and one with seven feature inputs alike. The engine sees ordinary columns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .dataset import DataError, Dataset, one_hot

Array = np.ndarray

# Half the side of the square the points lie in.
EXTENT = 6.0
MAX_POINTS = 20_000
MAX_CLASSES = 10
DEFAULT_POINTS = 500
DEFAULT_SEED = 1
DEFAULT_RATIO = 0.5


@dataclass(frozen=True)
class PointKind:
    """One kind of point problem: how its points are drawn and what its answers mean."""

    title: str
    description: str
    regression: bool
    # How many classes it may have: (fewest, most); regression problems have one value instead.
    classes: tuple[int, int]
    draw: Callable[[np.random.Generator, int, float, int], tuple[Array, Array]]
    labels: Callable[[int], list[str]]


def _counts(n: int, k: int) -> list[int]:
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _circle(rng: np.random.Generator, n: int, noise: float, k: int) -> tuple[Array, Array]:
    # Playground's circle: inside within half the radius, outside from 0.7 of it; noise may cross over.
    radius = 5.0
    outside, inside = _counts(n, 2)
    r = np.concatenate([rng.uniform(0.0, radius * 0.5, inside), rng.uniform(radius * 0.7, radius, outside)])
    angle = rng.uniform(0.0, 2 * math.pi, n)
    xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise
    classes = (np.hypot(*(xy + jitter).T) < radius * 0.5).astype(np.int64)
    return xy, classes


def _xor(rng: np.random.Generator, n: int, noise: float, k: int) -> tuple[Array, Array]:
    padding = 0.3
    xy = rng.uniform(-5.0, 5.0, (n, 2))
    xy += np.where(xy > 0, padding, -padding)
    jitter = rng.uniform(-5.0, 5.0, (n, 2)) * noise
    moved = xy + jitter
    classes = (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)
    return xy, classes


def _gauss(rng: np.random.Generator, n: int, noise: float, k: int) -> tuple[Array, Array]:
    # Two blobs sit at (-2, -2) and (2, 2) as in Playground; more are spread around the same circle.
    spread = 0.5 + 3.5 * min(noise, 0.5) / 0.5
    centre_radius = 2.0 * math.sqrt(2.0)
    parts, classes = [], []
    for c, count in enumerate(_counts(n, k)):
        angle = 1.25 * math.pi + 2 * math.pi * c / k
        centre = centre_radius * np.array([math.cos(angle), math.sin(angle)])
        parts.append(rng.normal(centre, math.sqrt(spread), (count, 2)))
        classes.append(np.full(count, c, dtype=np.int64))
    return np.concatenate(parts), np.concatenate(classes)


def _spiral(rng: np.random.Generator, n: int, noise: float, k: int) -> tuple[Array, Array]:
    parts, classes = [], []
    for c, count in enumerate(_counts(n, k)):
        share = np.arange(count) / max(count, 1)
        r = share * 5.0
        t = 1.75 * share * 2 * math.pi + 2 * math.pi * c / k
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        parts.append(xy + rng.uniform(-1.0, 1.0, (count, 2)) * noise)
        classes.append(np.full(count, c, dtype=np.int64))
    return np.concatenate(parts), np.concatenate(classes)


def _plane(rng: np.random.Generator, n: int, noise: float, k: int) -> tuple[Array, Array]:
    xy = rng.uniform(-EXTENT, EXTENT, (n, 2))
    jitter = rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise
    value = np.clip((xy + jitter).sum(axis=1) / 10.0, -1.0, 1.0)
    return xy, value


# (x, y, sign) of Playground's six bumps
_BUMPS = (
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
)


def _multi_gauss(rng: np.random.Generator, n: int, noise: float, k: int) -> tuple[Array, Array]:
    xy = rng.uniform(-EXTENT, EXTENT, (n, 2))
    moved = xy + rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise
    return xy, bump_value(moved)


def bump_value(xy: Array) -> Array:
    """The multi-gauss surface at each point: +-1 at a bump's centre, falling to 0 two units away."""
    value = np.zeros(len(xy))
    for cx, cy, sign in _BUMPS:
        distance = np.hypot(xy[:, 0] - cx, xy[:, 1] - cy)
        value += sign * np.clip(1.0 - distance / 2.0, 0.0, 1.0)
    return value


def _numbered(word: str) -> Callable[[int], list[str]]:
    return lambda k: [f"{word} {c + 1}" for c in range(k)]


POINT_KINDS: dict[str, PointKind] = {
    "circle": PointKind(
        "Circle",
        "points inside a circle or in a ring around it",
        False,
        (2, 2),
        _circle,
        lambda k: ["outside", "inside"],
    ),
    "xor-points": PointKind(
        "Exclusive or",
        "points whose two coordinates have the same sign or opposite signs",
        False,
        (2, 2),
        _xor,
        lambda k: ["opposite signs", "same sign"],
    ),
    "gauss": PointKind(
        "Gaussian blobs",
        "points in round blobs, one blob per class",
        False,
        (2, MAX_CLASSES),
        _gauss,
        _numbered("blob"),
    ),
    "spiral": PointKind(
        "Spiral",
        "points on spiral arms wound into each other, one arm per class",
        False,
        (2, MAX_CLASSES),
        _spiral,
        _numbered("arm"),
    ),
    "plane": PointKind(
        "Plane",
        "a value that rises evenly from one corner to the other",
        True,
        (1, 1),
        _plane,
        lambda k: ["value"],
    ),
    "multi-gauss": PointKind(
        "Bumps", "a value with three bumps up and three down", True, (1, 1), _multi_gauss, lambda k: ["value"]
    ),
}


@dataclass(frozen=True)
class PointRecipe:
    """Everything that decides a point dataset: the same recipe always gives the same points."""

    kind: str
    points: int = DEFAULT_POINTS
    noise: float = 0.0
    seed: int = DEFAULT_SEED
    ratio: float = DEFAULT_RATIO
    classes: int = 2
    # "train", "test" or None for all the points
    half: str | None = None

    def check(self) -> None:
        if self.kind not in POINT_KINDS:
            raise DataError(f"unknown point dataset {self.kind!r}; known: {', '.join(POINT_KINDS)}")
        kind = POINT_KINDS[self.kind]
        if not 4 <= self.points <= MAX_POINTS:
            raise DataError(f"{self.kind}: points must be from 4 to {MAX_POINTS:,}, not {self.points}")
        if not (math.isfinite(self.noise) and 0.0 <= self.noise <= 1.0):
            raise DataError(f"{self.kind}: noise must be from 0 to 1, not {self.noise:g}")
        if not (math.isfinite(self.ratio) and 0.05 <= self.ratio <= 0.95):
            raise DataError(
                f"{self.kind}: the share of training points must be from 0.05 to 0.95, not {self.ratio:g}"
            )
        if not 0 <= self.seed < 2**32:
            raise DataError(f"{self.kind}: the seed must be a whole number from 0 to {2**32 - 1}")
        low, high = kind.classes
        if not kind.regression and not low <= self.classes <= high:
            which = "exactly 2" if low == high else f"{low} to {high}"
            raise DataError(f"{self.kind}: has {which} classes, not {self.classes}")
        if not kind.regression and self.points < 2 * self.classes:
            raise DataError(f"{self.kind}: {self.classes} classes need at least {2 * self.classes} points")
        if self.half not in (None, "train", "test"):
            raise DataError(f"{self.kind}: the part is :train or :test, not :{self.half}")

    @property
    def name(self) -> str:
        """The recipe written as a dataset name (defaults left out), e.g. ``spiral(classes=3):train``."""
        kind = POINT_KINDS[self.kind]
        parts = []
        if not kind.regression and self.classes != 2:
            parts.append(f"classes={self.classes}")
        if self.points != DEFAULT_POINTS:
            parts.append(f"points={self.points}")
        if self.noise:
            parts.append(f"noise={self.noise:g}")
        if self.seed != DEFAULT_SEED:
            parts.append(f"seed={self.seed}")
        if self.ratio != DEFAULT_RATIO:
            parts.append(f"ratio={self.ratio:g}")
        text = self.kind + (f"({', '.join(parts)})" if parts else "")
        return text + (f":{self.half}" if self.half else "")

    def with_half(self, half: str | None) -> PointRecipe:
        return replace(self, half=half)


POINT_DATASETS: dict[str, str] = {}
for _name, _kind in POINT_KINDS.items():
    _what = "regression" if _kind.regression else "classification"
    POINT_DATASETS[_name] = f"{DEFAULT_POINTS} points in the plane, {_kind.description} ({_what})"
    POINT_DATASETS[f"{_name}:train"] = f"The training half of {_name} (fixed split)"
    POINT_DATASETS[f"{_name}:test"] = f"The test half of {_name} (fixed split)"

_SPEC = re.compile(r"^\s*([a-z-]+)\s*(?:\((.*)\))?\s*(?::\s*([a-z]+))?\s*$")
# A name that starts like a point dataset: its kind, then nothing, brackets or a part.
_POINT_NAME = re.compile(r"^\s*([a-z-]+)\s*(?:[(:].*)?$", re.DOTALL)
_INT_PARAMETERS = {"points", "seed", "classes"}
_FLOAT_PARAMETERS = {"noise", "ratio"}


def is_point_spec(spec: str) -> bool:
    """Whether ``spec`` names a point dataset (well formed or not: :func:`parse_point_spec` says what is wrong)."""
    match = _POINT_NAME.match(spec)
    return match is not None and match.group(1) in POINT_KINDS


def parse_point_spec(spec: str) -> PointRecipe:
    """The recipe a name like ``spiral(classes=3, noise=0.1):test`` stands for; DataError when malformed."""
    if not is_point_spec(spec):
        raise DataError(f"{spec!r} is not a point dataset; known: {', '.join(POINT_KINDS)}")
    match = _SPEC.match(spec)
    if match is None:
        raise DataError(
            f"{spec!r}: write it like spiral, spiral:train or spiral(classes=3, noise=0.2, points=600,"
            f" seed=2, ratio=0.7):test"
        )
    kind, arguments, half = match.groups()
    values: dict[str, object] = {}
    for part in (arguments or "").split(","):
        if not part.strip():
            continue
        key, equals, text = (s.strip() for s in part.partition("="))
        if not equals or key not in _INT_PARAMETERS | _FLOAT_PARAMETERS:
            known = ", ".join(sorted(_INT_PARAMETERS | _FLOAT_PARAMETERS))
            raise DataError(f"{spec!r}: {part.strip()!r} is not a setting; write name=value with {known}")
        if key in values:
            raise DataError(f"{spec!r}: {key} is given twice")
        if key == "classes" and POINT_KINDS[kind].regression:
            raise DataError(f"{spec!r}: {kind} has values, not classes; leave out classes=")
        try:
            values[key] = int(text) if key in _INT_PARAMETERS else float(text)
        except ValueError:
            kind_of = "a whole number" if key in _INT_PARAMETERS else "a number"
            raise DataError(f"{spec!r}: {key} must be {kind_of}, not {text!r}") from None
    recipe = PointRecipe(kind, half=half, **values)  # type: ignore[arg-type]
    recipe.check()
    return recipe


def make_points(recipe: PointRecipe) -> Dataset:
    """The dataset a recipe describes: all its points, or its training or test part."""
    recipe.check()
    kind = POINT_KINDS[recipe.kind]
    k = 1 if kind.regression else recipe.classes
    xy, answers = kind.draw(np.random.default_rng([recipe.seed, 0]), recipe.points, recipe.noise, k)
    labels = kind.labels(k)
    if kind.regression:
        classes = np.full(len(xy), -1, dtype=np.int64)
        targets = answers.reshape(-1, 1)
    else:
        classes = answers
        targets = one_hot(classes, k)
    # The split has its own random stream: a new share of training points leaves the points where they are.
    order = np.random.default_rng([recipe.seed, 1]).permutation(len(xy))
    n_train = int(round(recipe.ratio * len(xy)))
    if recipe.half == "train":
        keep = np.sort(order[:n_train])
    elif recipe.half == "test":
        keep = np.sort(order[n_train:])
    else:
        keep = np.arange(len(xy))
    part = {"train": "training points", "test": "test points", None: "points"}[recipe.half]
    return Dataset(
        recipe.name,
        xy[keep],
        targets[keep],
        labels,
        classes[keep],
        grid=None,
        value_range=(-EXTENT, EXTENT),
        description=(
            f"{len(keep)} {part} of {kind.title.lower()}: {kind.description}; noise {recipe.noise:g},"
            f" seed {recipe.seed}, {recipe.ratio:.0%} of {recipe.points} for training"
        ),
    )


def load_points(spec: str) -> Dataset:
    """A point dataset by name (see the module's description)."""
    return make_points(parse_point_spec(spec))


def training_and_test(recipe: PointRecipe) -> tuple[Dataset, Dataset]:
    return make_points(recipe.with_half("train")), make_points(recipe.with_half("test"))


# ------------------------------------------------------------------------------------------ feature inputs

FEATURES: dict[str, Callable[[Array, Array], Array]] = {
    "X1": lambda x1, x2: x1,
    "X2": lambda x1, x2: x2,
    "X1^2": lambda x1, x2: x1 * x1,
    "X2^2": lambda x1, x2: x2 * x2,
    "X1*X2": lambda x1, x2: x1 * x2,
    "sin X1": lambda x1, x2: np.sin(x1),
    "sin X2": lambda x1, x2: np.sin(x2),
}
FEATURE_DESCRIPTIONS: dict[str, str] = {
    "X1": "the point's first coordinate (across)",
    "X2": "the point's second coordinate (up)",
    "X1^2": "the first coordinate squared",
    "X2^2": "the second coordinate squared",
    "X1*X2": "the two coordinates multiplied",
    "sin X1": "the sine of the first coordinate",
    "sin X2": "the sine of the second coordinate",
}


def feature_name(label: str) -> str | None:
    """The feature an input neuron's label names (``x1²``, ``X1 X2``, ``sin(x1)`` read too), or None."""
    text = label.strip().lower().replace("²", "^2").replace("×", "*").replace("·", "*")
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^sin\((.*)\)$", r"sin\1", text)
    text = {"x1x2": "x1*x2", "x1^2": "x1^2", "x2^2": "x2^2"}.get(text, text)
    for name in FEATURES:
        if name.lower().replace(" ", "") == text:
            return name
    return None


def feature_names(labels: Sequence[str]) -> list[str] | None:
    """The features a network's input labels name, in order; None unless every one names a feature."""
    names = []
    for label in labels:
        name = feature_name(label)
        if name is None:
            return None  # told at the first input that names no feature (of 784 pixels, the first)
        names.append(name)
    return names or None


def feature_columns(points: Array, names: Sequence[str]) -> Array:
    """Each point's features (one column per name) from its two coordinates, float32."""
    points = np.asarray(points, dtype=np.float64)
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([FEATURES[name](x1, x2) for name in names], axis=1).astype(np.float32)


def fit_to_network(dataset: Dataset, input_labels: Sequence[str], n_outputs: int | None = None) -> Dataset:
    """``dataset`` as a network with these input labels (and outputs) takes it.

    Two-coordinate data meets inputs named after features: each input gets its feature. Two classes meet a
    single output: the output's truth is 1 for the second class and 0 for the first (a yes/no question).
    Anything else comes back unchanged, for the usual checks to judge.
    """
    fitted = dataset
    names = feature_names(input_labels)
    if names is not None and dataset.n_inputs == 2 and names != ["X1", "X2"]:
        fitted = replace(
            fitted,
            inputs=feature_columns(dataset.inputs, names),
            grid=None,
            value_range=dataset.value_range,
            description=f"{dataset.description}; inputs {', '.join(names)}".lstrip("; "),
        )
    if n_outputs == 1 and dataset.n_outputs == 2 and (dataset.classes >= 0).all():
        yes = dataset.classes == 1
        fitted = replace(
            fitted,
            targets=yes.reshape(-1, 1).astype(np.float32),
            labels=[dataset.labels[1]],
            classes=np.where(yes, 0, -1),
        )
    return fitted


def fit_dataset_to(dataset: Dataset, network: object) -> Dataset:
    """:func:`fit_to_network` for a :class:`~nnstudio.engine.graph.Network` (its inputs' and outputs' labels)."""
    if dataset.n_inputs != 2 and dataset.n_outputs != 2:
        # Only points in the plane and two-class data are ever changed: skip reading every input's label
        # (10 ms for the digit readers' 784, at every start of a run).
        return dataset
    inputs = network.inputs()  # type: ignore[attr-defined]
    outputs = network.outputs()  # type: ignore[attr-defined]
    return fit_to_network(dataset, [n.label for n in inputs], len(outputs))
