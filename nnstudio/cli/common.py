"""What every command shares: opening a network, reading values, naming data, printing the result.

Exit status: 0 ok, 2 usage, 1 with a one-line message for a bad file, bad data or a failed run.
With ``--json`` each command prints one JSON object on stdout, written whole once the command has
succeeded (a failure leaves stdout empty); a number that is not finite is written as null.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A user's mistake or a failed run: printed as one line, exit status 1."""


@dataclass(frozen=True)
class Command:
    """One subcommand: its name and help, how its options are declared, and what runs it.

    ``negative_values`` names the options whose value may start with ``-`` (``--input -1,1``), which
    argparse would otherwise read as an unknown option.
    """

    name: str
    help: str
    define: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    negative_values: frozenset[str] = field(default_factory=frozenset)


def user_errors() -> tuple[type[BaseException], ...]:
    from nnstudio.data.dataset import DataError
    from nnstudio.document.fileformat import FormatError
    from nnstudio.engine.graph import GraphError
    from nnstudio.engine.train import TrainingError

    return (CommandError, DataError, FormatError, GraphError, TrainingError, OSError)


def open_document(spec: str):  # -> Document
    """A .nnet path, or the name of a built-in example."""
    from nnstudio.document.fileformat import load_document
    from nnstudio.examples import example_path, list_examples

    path = Path(spec)
    if path.exists():
        return load_document(path)
    names = [e.name for e in list_examples()]
    if spec in names:
        return load_document(example_path(spec))
    raise CommandError(f"no file or built-in example named {spec!r} (examples: {', '.join(names)})")


def parse_floats(text: str, what: str) -> np.ndarray:
    try:
        values = np.array([float(v) for v in text.split(",") if v.strip()], dtype=np.float64)
    except ValueError:
        raise CommandError(
            f"{what} must be numbers separated by commas, e.g. 1,-1,0.5; got {text!r}"
        ) from None
    if not np.isfinite(values).all():
        raise CommandError(f"{what} must be finite numbers")
    return values


def dataset_for(doc: Any, spec: str | None):  # -> Dataset
    """The dataset ``spec`` names (default: the document's own), as the network takes it: points in the
    plane give inputs named after features (X1^2, sin X1, ...) those features."""
    from nnstudio.data import load_dataset
    from nnstudio.data.points import fit_dataset_to

    spec = spec or doc.training_data
    if spec is None:
        raise CommandError("this network names no training data; give one with --data (e.g. four-pixel)")
    if spec == "document":
        if doc.dataset is None or len(doc.dataset) == 0:
            raise CommandError("this network has no samples of its own; give a dataset with --data")
        return doc.dataset
    # A folder of pictures is made the network's grid, the way the drawing pad prepares a drawing.
    return fit_dataset_to(load_dataset(spec, doc.grid, doc.value_range), doc.network)


def counted(count: int, noun: str) -> str:
    """``1 output``, ``2 outputs``, ``1,024 parameters``: a count and its noun, plural unless it is one."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def check_inputs_fit(plan: Any, data: Any) -> None:
    """Refuse data whose samples are not as long as the network's inputs."""
    if data.n_inputs != plan.n_inputs:
        raise CommandError(
            f"the data {data.name!r} has {counted(data.n_inputs, 'value')} per sample but the network takes"
            f" {counted(plan.n_inputs, 'input')}"
        )


def check_fits(plan: Any, data: Any) -> None:
    """Refuse data whose samples or targets are not as long as the network's inputs or outputs."""
    check_inputs_fit(plan, data)
    if data.n_outputs != plan.n_outputs:
        raise CommandError(
            f"the data {data.name!r} has {counted(data.n_outputs, 'target')} per sample but the network has"
            f" {counted(plan.n_outputs, 'output')}"
        )


def plan_and_data(doc: Any, spec: str | None, dtype: Any) -> tuple[Any, Any]:  # -> (Plan, Dataset)
    """The network compiled for ``dtype`` and the dataset ``spec`` names (as ``dataset_for``), checked to fit it."""
    from nnstudio.engine.plan import compile_network

    data = dataset_for(doc, spec)
    plan = compile_network(doc.network, dtype)
    check_fits(plan, data)
    return plan, data


def add_input_options(p: argparse.ArgumentParser, example: str) -> None:
    """``--input`` or ``--image``, one of them required: one input as ``read_input`` reads it."""
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", help=f"input values separated by commas, e.g. {example}")
    source.add_argument("--image", help="a PNG (or other image) drawn for the network's input grid")


def read_input(doc: Any, n_inputs: int, text: str | None, image: str | None) -> np.ndarray:
    """One input: numbers separated by commas (``--input``), or an image drawn for the input grid (``--image``)."""
    if image:
        from nnstudio.data.preprocess import load_grayscale_image, to_input_grid

        if doc.grid is None:
            raise CommandError("this network has no input image grid; give its inputs with --input")
        values = to_input_grid(load_grayscale_image(Path(image)), doc.grid, doc.value_range)
        values = np.concatenate([values, np.zeros(n_inputs - values.size)])
    else:
        values = parse_floats(text or "", "--input")
    if values.size != n_inputs:
        raise CommandError(f"the network takes {n_inputs} inputs; --input gave {values.size}")
    return values


def check_nudging(h: float, usual_h: str, samples: int, seed: int) -> None:
    """Refuse a nudge ``--h`` outside (0, 1] (``usual_h`` is the example given), ``--samples`` below 1 or a
    ``--seed`` numpy cannot take."""
    if not 0 < h <= 1:
        raise CommandError(f"--h must be a small positive number such as {usual_h}, not {h:g}")
    if samples < 1:
        raise CommandError(f"--samples must be at least 1, not {samples}")
    if not 0 <= seed < 2**32:
        raise CommandError(f"--seed must be a whole number from 0 to 4294967295, not {seed}")


def json_safe(value: Any) -> Any:
    """``value`` with numpy numbers as Python ones and every number that is not finite as None (JSON has
    no infinity or NaN; null is what JavaScript's JSON.stringify writes for them too)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def emit(args: argparse.Namespace, result: dict[str, Any], human: str) -> None:
    """Print the result: built completely first, so stdout gets one whole JSON object or nothing."""
    text = json.dumps(json_safe(result), allow_nan=False) if args.json else human
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def require_finite(values: np.ndarray, problem: str) -> None:
    """Refuse a result that overflowed: ``problem`` says what to do about it."""
    if not np.isfinite(values).all():
        raise CommandError(problem)


def rounded(x: float) -> float:
    return float(f"{x:.6g}")
