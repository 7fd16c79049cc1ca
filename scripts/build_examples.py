"""Build the example networks in ``resources/examples/`` from the code in this file.

Usage: python scripts/build_examples.py [--only NAME] [--out FOLDER]

The hand-wired networks (festival, four-pixel-camera, three-by-three-shapes) are written weight by weight
below, each weight with the reason it has its value. The others are trained with the engine's ``train``
generator from a fixed seed on one thread, so running the script again writes the same files. Names,
titles and descriptions come from the catalogue in ``nnstudio/examples.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

# Small matrices train fastest on one thread, and one thread gives the same sums on every run.
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from nnstudio.data.dataset import Dataset  # noqa: E402
from nnstudio.data.loaders import load_dataset  # noqa: E402
from nnstudio.data.patterns import FOUR_PIXEL_LABELS, SHAPES3X3_LABELS  # noqa: E402
from nnstudio.document.builders import dense_network  # noqa: E402
from nnstudio.document.fileformat import save_document  # noqa: E402
from nnstudio.document.layout import COLUMN_SPACING, ROW_SPACING, Layout  # noqa: E402
from nnstudio.document.model import Document  # noqa: E402
from nnstudio.engine.graph import Edge, Network, Neuron, Role, edge_id  # noqa: E402
from nnstudio.engine.losses import LOSSES  # noqa: E402
from nnstudio.engine.plan import Plan, compile_network  # noqa: E402
from nnstudio.engine.train import Diverged, EpochEnd, TrainSettings, evaluate, train  # noqa: E402
from nnstudio.examples import EXAMPLE_NAMES, EXAMPLE_SUFFIX, example_info, examples_dir  # noqa: E402
from scripts.convnet_example import CONVNET_BUILDERS  # noqa: E402
from scripts.point_examples import POINT_BUILDERS  # noqa: E402

DIGIT_LABELS = [str(d) for d in range(10)]


class BuildError(RuntimeError):
    """An example that does not come out as it must (training fell short, a hand-set answer is wrong)."""


# ------------------------------------------------------------------------------------------ wiring by hand


class Wiring:
    """Neurons added one column (layer) at a time and the edges between them, for networks set by hand.

    Ids follow the convention of ``dense_network`` (``i0..`` inputs, ``h<layer>_<k>`` hidden, ``o<k>``
    outputs); what each neuron means is in its label. Columns are laid out left to right with the same
    spacing as ``dense_network``, each centred on y = 0; an input image ends at the first column's x.
    """

    def __init__(self) -> None:
        self.neurons: list[Neuron] = []
        self.edges: list[Edge] = []
        self.positions: dict[str, tuple[float, float]] = {}
        self._columns = 0

    def inputs(self, labels: Sequence[str], grid: tuple[int, int] | None = None) -> list[str]:
        ids = [f"i{k}" for k in range(len(labels))]
        if grid is None:
            positions = self._column_positions(len(ids), 0)
        else:
            width, height = grid
            positions = [
                (-(width - 1 - k % width) * ROW_SPACING, (k // width - (height - 1) / 2) * ROW_SPACING)
                for k in range(len(ids))
            ]
        for nid, label, (x, y) in zip(ids, labels, positions, strict=True):
            self.neurons.append(Neuron(nid, Role.INPUT, "identity", 0.0, label, "input"))
            self.positions[nid] = (x, y)
        self._columns = 1
        return ids

    def layer(
        self,
        labels: Sequence[str],
        activation: str,
        *,
        output: bool = False,
        biases: Sequence[float] | None = None,
    ) -> list[str]:
        column = self._columns
        ids = [f"o{k}" if output else f"h{column}_{k}" for k in range(len(labels))]
        role = Role.OUTPUT if output else Role.HIDDEN
        layer = "output" if output else f"hidden{column}"
        biases = biases if biases is not None else [0.0] * len(labels)
        for nid, label, bias, (x, y) in zip(
            ids, labels, biases, self._column_positions(len(ids), column), strict=True
        ):
            self.neurons.append(Neuron(nid, role, activation, float(bias), label, layer))
            self.positions[nid] = (x, y)
        self._columns += 1
        return ids

    def connect(self, target: str, weights: Mapping[str, float]) -> None:
        """Edges into ``target``; a weight of 0 is no edge at all, as in the talks' drawings."""
        for source, weight in weights.items():
            if weight != 0:
                self.edges.append(Edge(edge_id(source, target), source, target, float(weight)))

    def network(self) -> Network:
        return Network.from_parts(self.neurons, self.edges)

    def layout(self) -> Layout:
        return Layout(self.positions)

    @staticmethod
    def _column_positions(count: int, column: int) -> list[tuple[float, float]]:
        return [(column * COLUMN_SPACING, (k - (count - 1) / 2) * ROW_SPACING) for k in range(count)]


def document_for(name: str, network: Network, **fields: object) -> Document:
    info = example_info(name)
    return Document(network=network, title=info.title, description=info.description, **fields)  # type: ignore[arg-type]


def answers(doc: Document, inputs: np.ndarray) -> np.ndarray:
    """The network's outputs for each row of ``inputs``, computed in float64 as the studio shows them."""
    return compile_network(doc.network, np.float64).forward(np.asarray(inputs, dtype=np.float64)).output


def require_largest_output(doc: Document, data: Dataset) -> None:
    out = answers(doc, data.inputs)
    for row, cls, name in zip(out, data.classes, data.sample_names or [""] * len(data), strict=True):
        if cls >= 0 and int(row.argmax()) != cls:
            raise BuildError(
                f"{doc.title}: {name or 'a sample'} gives {data.labels[int(row.argmax())]},"
                f" not {data.labels[cls]} ({np.round(row, 3).tolist()})"
            )


def run_training(
    plan: Plan,
    inputs: np.ndarray,
    targets: np.ndarray,
    settings: TrainSettings,
    *,
    initialise_first: bool,
    test: tuple[np.ndarray, np.ndarray] | None = None,
    report: Callable[[EpochEnd], None] | None = None,
) -> EpochEnd:
    last: EpochEnd | None = None
    for progress in train(plan, inputs, targets, settings, test=test, initialise_first=initialise_first):
        if isinstance(progress, Diverged):
            raise BuildError(progress.message)
        if isinstance(progress, EpochEnd):
            last = progress
            if report is not None:
                report(progress)
    assert last is not None  # settings.validate() guarantees at least one epoch
    return last


# ------------------------------------------------------------------------------------------ festival


FESTIVAL_FACTORS = ("weather", "music", "company", "money")


def build_festival() -> Document:
    """Rosie Campbell's decision neuron: four marks out of 4, weighed by how much each matters.

    The article's day (weather 3, music 2, company 4, money 2) gives 3*4 + 2*2 + 4*2 + 2*1 = 26. Going
    means the total is over 25, so the threshold becomes a bias of -25 and a step: 26 - 25 = 1 > 0, go.
    """
    w = Wiring()
    weather, music, company, money = w.inputs(FESTIVAL_FACTORS)
    (go,) = w.layer(["go"], "step", output=True, biases=[-25.0])
    w.connect(
        go,
        {
            weather: 4.0,  # "I really want to go if it's sunny": full importance, 4 out of 4
            music: 2.0,  # happy to dance to most things: 2 out of 4
            company: 2.0,  # wouldn't mind going alone: 2 out of 4
            money: 1.0,  # feeling flush, not worried about the price: 1 out of 4
        },
    )
    days = [
        ("the article's day: weather 3, music 2, company 4, money 2 (26, go)", (3, 2, 4, 2)),
        ("rain but the best company: weather 1, music 3, company 4, money 2 (20, stay home)", (1, 3, 4, 2)),
        ("sunny, going alone: weather 4, music 4, company 1, money 3 (29, go)", (4, 4, 1, 3)),
        ("exactly on the threshold: weather 3, music 2, company 3, money 3 (25, stay home)", (3, 2, 3, 3)),
    ]
    inputs = np.array([marks for _, marks in days], dtype=np.float32)
    totals = inputs @ np.array([4, 2, 2, 1], dtype=np.float32)
    goes = totals > 25
    dataset = Dataset(
        "festival days",
        inputs,
        goes[:, None].astype(np.float32),
        ["go"],
        np.where(goes, 0, -1),
        None,
        (0.0, 4.0),
        "Days to try: each factor marked out of 4; go when the weighted total is over 25",
        [name for name, _ in days],
    )
    doc = document_for("festival", w.network(), layout=w.layout(), value_range=(0.0, 4.0), dataset=dataset)
    plan = compile_network(doc.network, np.float64)
    fw = plan.forward(np.array([3.0, 2.0, 4.0, 2.0]))
    if fw.sums[-1][0, 0] != 1.0 or fw.output[0, 0] != 1.0:
        raise BuildError(f"festival: the article's day sums to {fw.sums[-1][0, 0] + 25}, not 26")
    if not np.array_equal(answers(doc, inputs)[:, 0], goes.astype(np.float64)):
        raise BuildError("festival: a sample day gets the wrong decision")
    return doc


# ------------------------------------------------------------------------------------------ XOR


XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_TRUTH = np.array([[0], [1], [1], [0]], dtype=np.float32)


def xor_dataset() -> Dataset:
    return Dataset(
        "xor",
        XOR_INPUTS,
        XOR_TRUTH,
        ["A xor B"],
        np.array([-1, 0, 0, -1]),
        None,
        (0.0, 1.0),
        "A xor B: true when exactly one of A and B is 1",
        ["0 xor 0 = 0", "0 xor 1 = 1", "1 xor 0 = 1", "1 xor 1 = 0"],
    )


def xor_right(doc: Document) -> int:
    """How many of the four XOR cases the output gets on the right side of 0.5."""
    out = answers(doc, XOR_INPUTS)[:, 0]
    return int(((out > 0.5) == (XOR_TRUTH[:, 0] > 0.5)).sum())


def build_xor_single() -> Document:
    """A single sigmoid neuron, untrained: its weights are a seeded draw in -1..1, as training starts."""
    w = Wiring()
    a, b = w.inputs(["A", "B"])
    rng = np.random.default_rng(2024)
    w_a, w_b = rng.uniform(-1.0, 1.0, 2)
    (out,) = w.layer(["A xor B"], "sigmoid", output=True)
    w.connect(out, {a: w_a, b: w_b})
    # Whole-batch steps with a large rate settle quickly: at the best one line can do (about 0.5 for all).
    settings = TrainSettings(
        epochs=500,
        learning_rate=1.0,
        batch_size=4,
        momentum=0.0,
        shuffle=False,
        seed=2024,
        loss="squared",
        init="uniform",
    )
    return document_for(
        "xor-single",
        w.network(),
        layout=w.layout(),
        value_range=(0.0, 1.0),
        training=settings,
        training_data="document",
        dataset=xor_dataset(),
    )


# What a hidden neuron computes, named by the cases (A, B) for which it is positive.
LOGIC_NAMES = {
    frozenset({(0, 1), (1, 0), (1, 1)}): "A or B",
    frozenset({(1, 1)}): "A and B",
    frozenset({(0, 0), (0, 1), (1, 0)}): "not both",
    frozenset({(0, 0)}): "neither",
    frozenset({(1, 0)}): "A but not B",
    frozenset({(0, 1)}): "B but not A",
    frozenset({(0, 0), (1, 0), (1, 1)}): "A or not B",
    frozenset({(0, 0), (0, 1), (1, 1)}): "B or not A",
}


def name_hidden_neurons(doc: Document) -> None:
    """Label each trained hidden neuron with the logic it ended up computing, when it is a simple one."""
    plan = compile_network(doc.network, np.float64)
    fw = plan.forward(XOR_INPUTS)
    cases = [tuple(int(v) for v in row) for row in XOR_INPUTS]
    changes = {}
    for level, values in zip(plan.levels[1:-1], fw.activations[1:-1], strict=True):
        for k, nid in enumerate(level.ids):
            positive = frozenset(case for case, value in zip(cases, values[:, k], strict=True) if value > 0)
            if positive in LOGIC_NAMES:
                changes[nid] = {"label": LOGIC_NAMES[positive]}
    doc.network.set_neuron_fields(changes)


def build_xor() -> Document:
    """2-2-1 (tanh hidden, sigmoid output) trained from a seeded start until all four cases are right."""
    settings = TrainSettings(
        epochs=1000,
        learning_rate=0.5,
        batch_size=4,
        momentum=0.9,
        shuffle=False,
        seed=7,
        loss="squared",
        init="uniform",
    )
    network = dense_network([2, 2, 1], ["tanh", "sigmoid"], seed=settings.seed, output_labels=["A xor B"])
    network.set_neuron_fields({"i0": {"label": "A"}, "i1": {"label": "B"}})
    doc = document_for(
        "xor",
        network,
        value_range=(0.0, 1.0),
        training=settings,
        training_data="document",
        dataset=xor_dataset(),
    )
    plan = compile_network(doc.network)
    run_training(plan, XOR_INPUTS, XOR_TRUTH, settings, initialise_first=True)
    plan.write_back(doc.network)
    name_hidden_neurons(doc)
    out = answers(doc, XOR_INPUTS)[:, 0]
    if xor_right(doc) != 4 or np.abs(out - XOR_TRUTH[:, 0]).max() > 0.2:
        raise BuildError(f"xor: training ended with answers {np.round(out, 3).tolist()}")
    return doc


# ------------------------------------------------------------------------------------------ four-pixel camera


def build_four_pixel_camera() -> Document:
    """Brandon Rohrer's four-pixel camera, wired as in the talk with weights of +1 and -1 only.

    Pixels are +1 white and -1 black. A weight of +1 asks for a white pixel, -1 for a black one, and a
    weight of 0 is left out (the talk's missing links). Every neuron answers its pattern with a large
    positive value and the opposite pattern with an equally large negative one.
    """
    w = Wiring()
    tl, tr, bl, br = w.inputs(["top-left", "top-right", "bottom-left", "bottom-right"], grid=(2, 2))

    # Layer 1 (tanh): each neuron looks at one column, a pair of pixels one above the other.
    left, right, left_split, right_split = w.layer(
        ["left column light", "right column light", "left: light over dark", "right: light over dark"], "tanh"
    )
    w.connect(left, {tl: +1, bl: +1})  # both left pixels white (upper-left + lower-left)
    w.connect(right, {tr: +1, br: +1})  # both right pixels white
    w.connect(left_split, {tl: +1, bl: -1})  # upper-left white, lower-left black
    w.connect(right_split, {tr: +1, br: -1})  # upper-right white, lower-right black (-1 wants it dark)

    # Layer 2 (tanh): the columns combined into the four patterns; each receptive field covers all pixels.
    solid, vertical, diagonal, horizontal = w.layer(
        ["all light", "light left, dark right", "light top-left and bottom-right", "light top, dark bottom"],
        "tanh",
    )
    w.connect(solid, {left: +1, right: +1})  # both columns light
    w.connect(vertical, {left: +1, right: -1})  # left column light, right column dark
    w.connect(diagonal, {left_split: +1, right_split: -1})  # left light over dark, right dark over light
    w.connect(horizontal, {left_split: +1, right_split: +1})  # both columns light over dark

    # Layer 3 (ReLU): each pattern and its opposite. A negative value becomes 0, so "all dark" needs its
    # own neuron that reads the solid neuron through -1 and is positive exactly when that one is negative.
    patterns = (solid, vertical, diagonal, horizontal)
    relu_labels = [
        "all light",
        "all dark",
        "light left",
        "dark left",
        "light diagonal",
        "dark diagonal",
        "light top",
        "dark top",
    ]
    rectified = w.layer(relu_labels, "relu")
    for k, pattern in enumerate(patterns):
        w.connect(rectified[2 * k], {pattern: +1})
        w.connect(rectified[2 * k + 1], {pattern: -1})

    # Outputs (tanh): an image is horizontal whether its light half is on top or at the bottom, so each
    # output adds a pattern and its opposite; at most one of the two is ever above zero.
    outputs = w.layer(FOUR_PIXEL_LABELS, "tanh", output=True)
    for k, out in enumerate(outputs):
        w.connect(out, {rectified[2 * k]: +1, rectified[2 * k + 1]: +1})

    # The talk's error is the size of truth minus answer, added over the outputs: the absolute error.
    settings = TrainSettings(
        epochs=200,
        learning_rate=0.02,
        batch_size=1,
        momentum=0.0,
        shuffle=True,
        seed=0,
        loss="absolute",
        init="uniform",
    )
    doc = document_for(
        "four-pixel-camera",
        w.network(),
        layout=w.layout(),
        grid=(2, 2),
        value_range=(-1.0, 1.0),
        training=settings,
        training_data="four-pixel",
    )
    require_largest_output(doc, load_dataset("four-pixel:canonical"))
    return doc


def build_four_pixel_learner() -> Document:
    """The talk's "training from scratch": a fully connected network with random weights, left untrained.

    The hand-wired camera's sparse wiring does not learn reliably from random weights (a dead ReLU or a
    missing link cannot be recovered), so the network that learns is fully connected. Its saved settings
    reach all 8 canonical images from any of the seeds tried (0-7, about 3 s each); the build checks one.
    """
    network = dense_network([4, 8, 8, 4], "tanh", seed=3, grid=(2, 2), output_labels=FOUR_PIXEL_LABELS)
    settings = TrainSettings(
        epochs=300,
        learning_rate=0.05,
        batch_size=1,
        momentum=0.0,
        shuffle=True,
        seed=0,
        loss="squared",
        init="xavier",
    )
    doc = document_for(
        "four-pixel-learner",
        network,
        grid=(2, 2),
        value_range=(-1.0, 1.0),
        training=settings,
        training_data="four-pixel",
    )
    trial = compile_network(network.copy())
    data = load_dataset("four-pixel")
    run_training(trial, data.inputs, data.targets, settings, initialise_first=True)
    canonical = load_dataset("four-pixel:canonical")
    right = int((trial.forward(canonical.inputs).output.argmax(1) == canonical.classes).sum())
    if right != len(canonical):
        raise BuildError(f"{doc.title}: its own settings teach only {right} of {len(canonical)} images")
    return doc


# ------------------------------------------------------------------------------------------ 3x3 shapes


def build_three_by_three_shapes() -> Document:
    """The hand-built 3x3 network of "Building an AI": column lines, then shapes, then ReLU, then outputs.

    Pixels 1..9 are read row by row, +1 white and -1 black; the shapes are drawn dark on light and their
    inverses (light on dark) carry the same names. The weights are +-0.5 rather than +-1 to keep every sum
    in the steep middle of tanh. With +-1 a column matching in all three pixels gives tanh(3) = 0.995 and
    one matching in two gives tanh(1) = 0.76; adding three of those, the shape layer gives 0.995 for the
    right shape and 0.992 for a shape one pixel away (the X beside the inverted cross): a tie. With +-0.5
    the columns give 0.905 and 0.46 and the shape layer 0.88 against 0.81.
    """
    w = Wiring()
    pixels = w.inputs([f"pixel {k}" for k in range(1, 10)], grid=(3, 3))
    columns = [pixels[c::3] for c in range(3)]  # pixels 1-4-7, 2-5-8 and 3-6-9

    def column_weights(column: int, pattern: str) -> dict[str, float]:
        # "d" asks for a dark pixel (-0.5), "l" for a light one (+0.5), top to bottom.
        return {
            pixel: (0.5 if mark == "l" else -0.5)
            for pixel, mark in zip(columns[column], pattern, strict=True)
        }

    # Layer 1 (tanh): three vertical-line detectors per column. A detector is also strongly negative for
    # the opposite line, so "light-dark-light" doubles as "dark-light-dark" and "dark-dark-light" as
    # "light-light-dark".
    line_patterns = {"ddd": "dark line", "ldl": "light-dark-light", "ddl": "dark-dark-light"}
    labels = [f"column {c + 1}: {words}" for c in range(3) for words in line_patterns.values()]
    detectors = w.layer(labels, "tanh")
    line = {}
    for c in range(3):
        for k, pattern in enumerate(line_patterns):
            line[c, pattern] = detectors[3 * c + k]
            w.connect(detectors[3 * c + k], column_weights(c, pattern))

    # Layer 2 (tanh): each shape (dark on light) is three column lines; a weight of -0.5 uses a detector's
    # opposite. Three matching columns give tanh(0.5 * 3 * 0.905) = 0.88.
    square, vee, ex, cross = w.layer(["dark square", "dark V", "dark X", "dark cross"], "tanh")
    # square 000 010 000: columns dark, dark-light-dark, dark
    w.connect(square, {line[0, "ddd"]: 0.5, line[1, "ldl"]: -0.5, line[2, "ddd"]: 0.5})
    # V 010 010 101: columns dark-dark-light, light-light-dark, dark-dark-light
    w.connect(vee, {line[0, "ddl"]: 0.5, line[1, "ddl"]: -0.5, line[2, "ddl"]: 0.5})
    # X 010 101 010: columns dark-light-dark, light-dark-light, dark-light-dark
    w.connect(ex, {line[0, "ldl"]: -0.5, line[1, "ldl"]: 0.5, line[2, "ldl"]: -0.5})
    # cross 101 000 101: columns light-dark-light, dark, light-dark-light
    w.connect(cross, {line[0, "ldl"]: 0.5, line[1, "ddd"]: 0.5, line[2, "ldl"]: 0.5})

    # Layer 3 (ReLU): each shape as drawn (+1) and inverted (-1); only the one that matches stays above 0.
    shapes = (square, vee, ex, cross)
    relu_labels = [f"{name}, {version}" for name in SHAPES3X3_LABELS for version in ("dark", "light")]
    rectified = w.layer(relu_labels, "relu")
    for k, shape in enumerate(shapes):
        w.connect(rectified[2 * k], {shape: +1})
        w.connect(rectified[2 * k + 1], {shape: -1})

    # Outputs (tanh): a shape is the same shape in either version, so each output adds the pair.
    outputs = w.layer(SHAPES3X3_LABELS, "tanh", output=True)
    for k, out in enumerate(outputs):
        w.connect(out, {rectified[2 * k]: +1, rectified[2 * k + 1]: +1})

    settings = TrainSettings(
        epochs=300,
        learning_rate=0.05,
        batch_size=1,
        momentum=0.0,
        shuffle=True,
        seed=0,
        loss="squared",
        init="uniform",
    )
    doc = document_for(
        "three-by-three-shapes",
        w.network(),
        layout=w.layout(),
        grid=(3, 3),
        value_range=(-1.0, 1.0),
        training=settings,
        training_data="shapes3x3",
    )
    require_largest_output(doc, load_dataset("shapes3x3"))
    return doc


# ------------------------------------------------------------------------------------------ digits


def build_digits_network(
    name: str, sizes: Sequence[int], activations: Sequence[str], settings: TrainSettings, required: float
) -> Document:
    train_set, test_set = load_dataset("digits:train"), load_dataset("digits:test")
    network = dense_network(sizes, activations, seed=settings.seed, grid=(28, 28), output_labels=DIGIT_LABELS)
    doc = document_for(
        name, network, grid=(28, 28), value_range=(0.0, 1.0), training=settings, training_data="digits:train"
    )
    plan = compile_network(doc.network)

    def report(epoch: EpochEnd) -> None:
        print(
            f"  {name} epoch {epoch.epoch:>2}: train accuracy {epoch.accuracy:.4f},"
            f" test accuracy {epoch.test_accuracy:.4f}",
            flush=True,
        )

    run_training(
        plan,
        train_set.inputs,
        train_set.targets,
        settings,
        initialise_first=True,
        test=(test_set.inputs, test_set.targets),
        report=report,
    )
    plan.write_back(doc.network)
    # Measured again from the network as saved (float32 weights, as the file stores them).
    accuracy = (
        evaluate(compile_network(doc.network), test_set.inputs, test_set.targets, LOSSES[settings.loss])[1]
        or 0.0
    )
    print(f"  {name}: {accuracy:.2%} of the 2,000 digits:test images right", flush=True)
    if accuracy < required:
        raise BuildError(f"{name}: {accuracy:.2%} on digits:test, below the {required:.0%} it must reach")
    return doc


def build_digits() -> Document:
    """784-16-16-10, sigmoid everywhere and squared error, as in 3Blue1Brown's video.

    Xavier-scaled starting weights keep 784 summed pixels out of the sigmoid's flat ends; momentum 0.9
    with a rate of 0.1 (an effective step of 1) trains it in well under a minute.
    """
    settings = TrainSettings(
        epochs=30,
        learning_rate=0.1,
        batch_size=10,
        momentum=0.9,
        shuffle=True,
        seed=1,
        loss="squared",
        init="xavier",
    )
    return build_digits_network("digits", [784, 16, 16, 10], ["sigmoid"] * 3, settings, required=0.91)


def build_digits_wide() -> Document:
    """784-100-10: 100 ReLU neurons and softmax outputs with cross-entropy, He-scaled starting weights."""
    settings = TrainSettings(
        epochs=20,
        learning_rate=0.02,
        batch_size=10,
        momentum=0.9,
        shuffle=True,
        seed=1,
        loss="cross_entropy",
        init="he",
    )
    return build_digits_network("digits-wide", [784, 100, 10], ["relu", "softmax"], settings, required=0.95)


# ------------------------------------------------------------------------------------------ main


BUILDERS: dict[str, Callable[[], Document]] = {
    "festival": build_festival,
    "xor-single": build_xor_single,
    "xor": build_xor,
    "four-pixel-camera": build_four_pixel_camera,
    "four-pixel-learner": build_four_pixel_learner,
    "three-by-three-shapes": build_three_by_three_shapes,
    "digits": build_digits,
    "digits-wide": build_digits_wide,
    **POINT_BUILDERS,
    **CONVNET_BUILDERS,
}


def write(doc: Document, folder: Path, name: str) -> Path:
    path = folder / f"{name}{EXAMPLE_SUFFIX}"
    save_document(doc, path)
    # save_document keeps the previous file as a backup; the generated folder holds only the examples.
    path.with_name(f"{path.name}~").unlink(missing_ok=True)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the example networks into resources/examples.")
    parser.add_argument(
        "--only", metavar="NAME", choices=EXAMPLE_NAMES, help=f"build one example: {', '.join(EXAMPLE_NAMES)}"
    )
    parser.add_argument(
        "--out",
        metavar="FOLDER",
        type=Path,
        default=examples_dir(),
        help="where to write the .nnet files (default: resources/examples)",
    )
    args = parser.parse_args(argv)
    missing = set(EXAMPLE_NAMES) ^ set(BUILDERS)
    if missing:
        raise SystemExit(f"the catalogue and the builders disagree about: {', '.join(sorted(missing))}")
    args.out.mkdir(parents=True, exist_ok=True)
    names = [args.only] if args.only else list(EXAMPLE_NAMES)
    for name in names:
        start = time.perf_counter()
        try:
            doc = BUILDERS[name]()
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        path = write(doc, args.out, name)
        print(
            f"{name}: {len(doc.network.neurons)} neurons, {len(doc.network.edges)} edges -> {path}"
            f" ({time.perf_counter() - start:.1f} s)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
