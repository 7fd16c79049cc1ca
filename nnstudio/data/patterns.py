"""The small pattern sets: the XOR truth table, the four-pixel camera and the 3x3 shapes.

Pixels are listed row-major (top-left, top-right, bottom-left, bottom-right for 2x2) with +1 = white,
-1 = black and 0 = grey.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset, one_hot

FOUR_PIXEL_LABELS = ["solid", "vertical", "diagonal", "horizontal"]
_CORNERS = ["top-left", "top-right", "bottom-left", "bottom-right"]

# (pixels, class index, name); the eight images that show one of the four patterns
_FOUR_PIXEL_CANONICAL: list[tuple[tuple[int, int, int, int], int, str]] = [
    ((1, 1, 1, 1), 0, "solid, light"),
    ((-1, -1, -1, -1), 0, "solid, dark"),
    ((1, -1, 1, -1), 1, "vertical, light left"),
    ((-1, 1, -1, 1), 1, "vertical, dark left"),
    ((1, -1, -1, 1), 2, "diagonal, light top-left"),
    ((-1, 1, 1, -1), 2, "diagonal, dark top-left"),
    ((1, 1, -1, -1), 3, "horizontal, light top"),
    ((-1, -1, 1, 1), 3, "horizontal, dark top"),
]


def _odd_one_out() -> list[tuple[tuple[int, ...], int, str]]:
    """The eight images with one pixel unlike the other three: none of the four patterns."""
    samples = []
    for odd, other, word in ((1, -1, "light"), (-1, 1, "dark")):
        for corner in range(4):
            pixels = tuple(odd if i == corner else other for i in range(4))
            samples.append((pixels, -1, f"only {_CORNERS[corner]} {word}"))
    return samples


def _four_pixel_dataset(name: str, samples: list, description: str) -> Dataset:
    inputs = np.array([pixels for pixels, _, _ in samples], dtype=np.float32)
    classes = np.array([cls for _, cls, _ in samples], dtype=np.int64)
    return Dataset(
        name,
        inputs,
        one_hot(classes, len(FOUR_PIXEL_LABELS)),
        list(FOUR_PIXEL_LABELS),
        classes,
        grid=(2, 2),
        value_range=(-1.0, 1.0),
        description=description,
        sample_names=[sample_name for _, _, sample_name in samples],
    )


def four_pixel() -> Dataset:
    """All 16 black-and-white images of a 2x2 camera.

    The first eight are solid, vertical, diagonal and horizontal, two of each (light and dark versions);
    the last eight have one pixel unlike the others, belong to no class and have all-zero truth.
    """
    return _four_pixel_dataset(
        "four-pixel",
        _FOUR_PIXEL_CANONICAL + _odd_one_out(),
        "All 16 black-and-white 2x2 images: solid, vertical, diagonal, horizontal (two each) and eight"
        " images that are none of these",
    )


def four_pixel_canonical() -> Dataset:
    """Only the eight 2x2 images that are solid, vertical, diagonal or horizontal."""
    return _four_pixel_dataset(
        "four-pixel:canonical",
        list(_FOUR_PIXEL_CANONICAL),
        "The eight 2x2 images that are solid, vertical, diagonal or horizontal, light and dark versions",
    )


SHAPES3X3_LABELS = ["square", "V", "X", "cross"]

# 1 = white, 0 = black, row-major: each shape drawn in black on white
_SHAPES3X3 = {
    "square": "000 010 000",
    "V": "010 010 101",
    "X": "010 101 010",
    "cross": "101 000 101",
}


def shapes3x3() -> Dataset:
    """The four 3x3 shapes drawn dark on light, then each one inverted (light on dark), same labels."""
    rows: list[list[float]] = []
    classes: list[int] = []
    names: list[str] = []
    for inverted, words in ((False, "dark on light"), (True, "light on dark")):
        for cls, label in enumerate(SHAPES3X3_LABELS):
            bits = _SHAPES3X3[label].replace(" ", "")
            pixels = [1.0 if bit == "1" else -1.0 for bit in bits]
            rows.append([-p for p in pixels] if inverted else pixels)
            classes.append(cls)
            names.append(f"{label}, {words}")
    class_array = np.array(classes, dtype=np.int64)
    return Dataset(
        "shapes3x3",
        np.array(rows, dtype=np.float32),
        one_hot(class_array, len(SHAPES3X3_LABELS)),
        list(SHAPES3X3_LABELS),
        class_array,
        grid=(3, 3),
        value_range=(-1.0, 1.0),
        description="Square, V, X and cross on a 3x3 grid, dark on light and inverted",
        sample_names=names,
    )


XOR_LABEL = "A xor B"


def xor_truth_table() -> Dataset:
    """The four rows of A xor B with A and B 0 or 1: the smallest problem a single neuron cannot solve, what a
    hand-built network of two inputs and one output learns first. The output says yes for 1 (a "no" row
    belongs to no class: all-zero truth)."""
    rows = [(a, b) for a in (0, 1) for b in (0, 1)]
    answers = np.array([a ^ b for a, b in rows], dtype=np.float32)
    return Dataset(
        "xor",
        np.array(rows, dtype=np.float32),
        answers.reshape(-1, 1),
        [XOR_LABEL],
        np.where(answers > 0, 0, -1),
        grid=None,
        value_range=(0.0, 1.0),
        description="A xor B: true when exactly one of A and B is 1",
        sample_names=[f"{a} xor {b} = {a ^ b}" for a, b in rows],
    )
