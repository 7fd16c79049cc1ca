"""The commands that look inside a network: a neuron's receptive field, the error landscape of two weights."""

from __future__ import annotations

import argparse
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from nnstudio.cli.common import (
    EXIT_OK,
    Command,
    CommandError,
    check_inputs_fit,
    dataset_for,
    emit,
    open_document,
    parse_floats,
    plan_and_data,
    rounded,
)


def write_png(path: Path, rgb: np.ndarray) -> None:
    """An RGB picture (rows, columns, 3) of uint8 as a PNG file (no image library needed)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width = rgb.shape[:2]
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    path.write_bytes(png)


def find_neuron(network: Any, spec: str) -> str:
    """A neuron's id from its id or its label; a clear error naming a few neurons when there is none."""
    if spec in network.neurons:
        return spec
    named = [nid for nid, n in network.neurons.items() if n.label == spec]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise CommandError(
            f"{len(named)} neurons are labelled {spec!r}; give one of their ids: {', '.join(named)}"
        )
    some = [nid for nid, n in network.neurons.items() if n.role.value != "input"][:8]
    raise CommandError(f"no neuron {spec!r} in this network; neurons are, for example: {', '.join(some)}")


def _pattern_text(image: np.ndarray, indifferent: np.ndarray, value_range: tuple[float, float]) -> str:
    """The pattern as numbers for a small image; for a big one, a character per pixel: ``#`` near the top
    of the input range, ``+`` above the middle, ``-`` below it, ``.`` near the bottom, a space where the
    neuron does not care."""
    if image.shape[1] <= 6:
        return "\n".join("  " + " ".join(f"{v:6.2f}" for v in row) for row in image)
    low, high = value_range
    shade = np.clip((image - low) / (high - low), 0.0, 1.0)
    marks = np.array(list(".-+#"))[np.minimum((shade * 4).astype(int), 3)]
    marks[indifferent] = " "
    return "\n".join("  " + "".join(row) for row in marks)


def cmd_receptive(args: argparse.Namespace) -> int:
    from nnstudio.engine.plan import compile_network
    from nnstudio.engine.receptive import (
        as_image,
        field_pixels,
        receptive_field,
        strongest_samples,
        weight_pixels,
    )

    doc = open_document(args.file)
    network = doc.network
    nid = find_neuron(network, args.neuron)
    if network.neurons[nid].role.value == "input":
        raise CommandError(
            f"{nid!r} is an input: its value is the pixel itself; give a neuron after the inputs"
        )
    plan = compile_network(network, np.float64)
    field = receptive_field(plan, nid, doc.value_range)
    if not np.isfinite(field.activation):
        raise CommandError(
            f"the activation of {nid!r} is not a finite number: the network's weights or biases are too large"
        )
    grid = doc.grid
    out = Path(args.out) if args.out else None
    weights_out = Path(args.weights_out) if args.weights_out else None
    for option, path in (("--out", out), ("--weights-out", weights_out)):
        if path is not None and path.suffix.lower() != ".png":
            raise CommandError(f"{option} must name a .png file, not {path.name!r}")
    if weights_out is not None and field.weights is None:
        raise CommandError(
            f"{nid!r} is not fed by the inputs alone, so it has no weight picture; give a first-layer neuron"
        )
    strongest: list[dict[str, Any]] | None = None
    if args.count < 1:
        raise CommandError(f"--count must be at least 1, not {args.count}")
    if args.data is not None:
        data = dataset_for(doc, args.data)
        check_inputs_fit(plan, data)
        rows, values = strongest_samples(plan, nid, data.inputs, args.count)
        strongest = [
            {"sample": int(r), "activation": rounded(v), "label": _label_of(data, int(r))}
            for r, v in zip(rows.tolist(), values.tolist(), strict=True)
        ]
    cells = field.image(grid).shape
    cell = max(2, min(64, 256 // max(cells)))
    if out is not None:
        write_png(out, field_pixels(field, grid, cell))
    if weights_out is not None:
        write_png(weights_out, weight_pixels(field.weights, grid, cell))
    result: dict[str, Any] = {
        "neuron": nid,
        "pattern": [rounded(v) for v in field.pattern],
        "shape": list(field.image(grid).shape),
        "activation": rounded(field.activation),
        "method": field.method,
        "exact": field.exact,
        "indifferent": [bool(v) for v in field.indifferent],
        "value_range": list(field.value_range),
    }
    if out is not None:
        result["out"] = str(out)
    if weights_out is not None:
        result["weights_out"] = str(weights_out)
    if strongest is not None:
        result["strongest"] = strongest
    lines = [
        f"{network.neurons[nid].display_name}: activation {field.activation:.4g} at this input"
        f" (found by {field.method_text})",
        _pattern_text(field.image(grid), as_image(field.indifferent, grid), field.value_range),
    ]
    if field.indifferent.any():
        lines.append(
            f"{int(field.indifferent.sum())} of {len(field.pattern)} inputs barely matter (checkered)"
        )
    if strongest is not None:
        lines.append(
            f"strongest {len(strongest)} samples: "
            + ", ".join(
                f"#{s['sample']}" + (f" ({s['label']})" if s["label"] else "") + f" {s['activation']:.3g}"
                for s in strongest
            )
        )
    for path in (out, weights_out):
        if path is not None:
            lines.append(f"saved {path}")
    emit(args, result, "\n".join(lines))
    return EXIT_OK


def _label_of(data: Any, row: int) -> str:
    k = int(data.classes[row])
    return str(data.labels[k]) if 0 <= k < len(data.labels) else ""


def _define_receptive(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .nnet file or the name of a built-in example")
    p.add_argument("--neuron", required=True, metavar="ID", help="the neuron's id or label")
    p.add_argument("--out", metavar="PNG", help="save the field as a picture (black low, white high)")
    p.add_argument(
        "--weights-out",
        metavar="PNG",
        help="save a first-layer neuron's weights as a picture (green positive, red negative)",
    )
    p.add_argument("--data", help="also name the samples of this dataset that excite the neuron most")
    p.add_argument("--count", type=int, default=9, help="how many of those samples (default 9)")


def cmd_landscape(args: argparse.Namespace) -> int:
    from nnstudio.engine.landscape import LandscapeError, error_landscape, steepest_pair
    from nnstudio.engine.losses import LOSSES
    from nnstudio.engine.train import evaluate

    doc = open_document(args.file)
    plan, data = plan_and_data(doc, args.data, np.float32)
    loss = LOSSES[doc.training.loss]
    value_range = None
    if args.range is not None:
        ends = parse_floats(args.range, "--range")
        if ends.size != 2 or not ends[1] > ends[0]:
            raise CommandError(f"--range must be two numbers, the lower first, e.g. -3,3; got {args.range!r}")
        value_range = (float(ends[0]), float(ends[1]))
    try:
        if args.weights.strip() == "auto":
            ids = steepest_pair(plan, data.inputs, data.targets, loss)
        else:
            ids = tuple(part.strip() for part in args.weights.split(",") if part.strip())
            if len(ids) != 2:
                raise CommandError(
                    f"--weights must name two connections (a>b,c>d) or be auto; got {args.weights!r}"
                )
        landscape = error_landscape(plan, data.inputs, data.targets, loss, ids, value_range, args.steps)
    except LandscapeError as exc:
        raise CommandError(str(exc)) from None
    # Today's error exactly as ``nnstudio eval`` measures it.
    current_error, _accuracy, _out = evaluate(plan, data.inputs, data.targets, loss)
    errors = landscape.errors
    finite = np.isfinite(errors)
    if not finite.any():
        raise CommandError(
            "every error on the grid overflowed: the network's weights or biases are too large"
        )
    low_i, low_j = np.unravel_index(np.argmin(np.where(finite, errors, np.inf)), errors.shape)
    lowest = (float(landscape.axis_x[low_j]), float(landscape.axis_y[low_i]))
    result: dict[str, Any] = {
        "weights": list(landscape.weights),
        "axis_x": [rounded(v) for v in landscape.axis_x],
        "axis_y": [rounded(v) for v in landscape.axis_y],
        "errors": [[rounded(v) for v in row] for row in errors.tolist()],
        "current": [rounded(v) for v in landscape.current],
        "current_error": rounded(current_error),
        "lowest": [rounded(v) for v in lowest],
        "lowest_error": rounded(float(errors[low_i, low_j])),
        "loss": loss.name,
        "data": data.name,
        "samples": len(data),
    }
    x_id, y_id = landscape.weights
    cx, cy = landscape.current
    human = [
        f"error ({loss.title.lower()}) on {data.name} over {x_id} (across) from {landscape.axis_x[0]:g} to"
        f" {landscape.axis_x[-1]:g} and {y_id} (down) from {landscape.axis_y[0]:g} to {landscape.axis_y[-1]:g},"
        f" {len(landscape.axis_x)} x {len(landscape.axis_y)} points:",
        f"  from {np.nanmin(np.where(finite, errors, np.nan)):.4g} to {np.nanmax(np.where(finite, errors, np.nan)):.4g};"
        f" lowest {errors[low_i, low_j]:.4g} at {x_id} = {lowest[0]:.3g}, {y_id} = {lowest[1]:.3g}",
        f"  today: {x_id} = {cx:.4g}, {y_id} = {cy:.4g}, error {current_error:.4g}",
    ]
    emit(args, result, "\n".join(human))
    return EXIT_OK


def _define_landscape(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .nnet file or the name of a built-in example")
    p.add_argument(
        "--weights",
        required=True,
        metavar="ID1,ID2|auto",
        help="two connections (a>b,c>d) or neurons (their biases); auto: the two steepest connections",
    )
    p.add_argument("--data", help="as for train; default: the network's own training data")
    p.add_argument("--range", metavar="A,B", help="the values both weights take (default: -R..R around them)")
    p.add_argument("--steps", type=int, default=41, help="grid points along each weight (default 41)")


COMMANDS: tuple[Command, ...] = (
    Command(
        "receptive",
        "find the input that drives a neuron highest (its receptive field)",
        _define_receptive,
        cmd_receptive,
    ),
    Command(
        "landscape",
        "the error over a grid of two weights' values, every other weight fixed",
        _define_landscape,
        cmd_landscape,
        frozenset({"--range"}),
    ),
)
