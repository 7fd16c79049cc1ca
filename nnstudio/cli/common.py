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


def check_fits(plan: Any, data: Any) -> None:
    if data.n_inputs != plan.n_inputs:
        raise CommandError(
            f"the data {data.name!r} has {data.n_inputs} values per sample but the network takes"
            f" {plan.n_inputs} inputs"
        )
    if data.n_outputs != plan.n_outputs:
        raise CommandError(
            f"the data {data.name!r} has {data.n_outputs} targets per sample but the network has"
            f" {plan.n_outputs} outputs"
        )


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
