"""The commands that run a network backwards to change a picture: ``dream`` and ``fool``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from nnstudio.cli.common import EXIT_OK, Command, CommandError, emit, open_document, rounded


def _plan_and_labels(doc: Any) -> tuple[Any, list[str]]:
    from nnstudio.engine.plan import compile_network

    try:
        plan = compile_network(doc.network)
    except ValueError as exc:
        raise CommandError(f"the network cannot run: {exc}") from None
    neurons = doc.network.neurons
    return plan, [neurons[nid].display_name for nid in plan.output_ids]


def _picture_grid(doc: Any, plan: Any) -> tuple[int, int]:
    grid = tuple(doc.grid) if doc.grid is not None else None
    if grid is None or grid[0] * grid[1] != plan.n_inputs:
        raise CommandError("this network has no input image grid of its own inputs to dream or fool with")
    return grid  # type: ignore[return-value]


def _read_picture(path: str, doc: Any) -> np.ndarray:
    from nnstudio.data.preprocess import load_grayscale_image, to_input_grid

    return to_input_grid(load_grayscale_image(Path(path)), doc.grid, doc.value_range).astype(np.float64)


def _write_picture(path: str, values: np.ndarray, grid: tuple[int, int], value_range: Any) -> None:
    from nnstudio.cli.views import write_png

    out = Path(path)
    if out.suffix.lower() != ".png":
        raise CommandError(f"--out must name a .png file, not {out.name!r}")
    low, high = float(value_range[0]), float(value_range[1])
    gray = np.clip((values - low) / ((high - low) or 1.0), 0.0, 1.0).reshape(grid[1], grid[0])
    # Ten screen pixels per input pixel, so the picture can be looked at.
    big = np.repeat(np.repeat(np.round(gray * 255).astype(np.uint8), 10, axis=0), 10, axis=1)
    try:
        write_png(out, np.repeat(big[:, :, None], 3, axis=2))
    except OSError as exc:
        raise CommandError(f"{out}: cannot be written ({exc.strerror or exc})") from None


def cmd_dream(args: argparse.Namespace) -> int:
    from nnstudio.engine.imagine import DreamSettings, ImagineError, dream, find_neuron, noise_picture

    doc = open_document(args.file)
    plan, labels = _plan_and_labels(doc)
    grid = _picture_grid(doc, plan)
    if args.steps < 1 or args.steps > 10_000:
        raise CommandError(f"--steps must be 1 to 10,000, not {args.steps}")
    try:
        neuron_id = find_neuron(plan, args.target, labels)
    except ImagineError as exc:
        raise CommandError(str(exc)) from None
    value_range = (float(doc.value_range[0]), float(doc.value_range[1]))
    start = (
        _read_picture(args.start, doc) if args.start else noise_picture(plan.n_inputs, value_range, args.seed)
    )
    settings = DreamSettings(
        steps=args.steps,
        blur_every=0 if args.no_blur else DreamSettings.blur_every,
        total_variation=0.0 if args.no_smoothing else DreamSettings.total_variation,
    )
    result = dream(plan, start, neuron_id, value_range, grid, settings)
    _write_picture(args.out, result.picture, grid, value_range)
    neuron = doc.network.neurons.get(neuron_id)
    name = neuron.display_name if neuron is not None else f"feature map {neuron_id}"
    emit(
        args,
        {
            "neuron": neuron_id,
            "label": name,
            "steps": args.steps,
            "activation_before": rounded(result.before),
            "activation_after": rounded(result.after),
            "out": str(args.out),
        },
        f"Dreamed of {name} ({neuron_id}) for {args.steps} steps: its value went from"
        f" {result.before:.4g} to {result.after:.4g}. Picture written to {args.out}.",
    )
    return EXIT_OK


def cmd_fool(args: argparse.Namespace) -> int:
    from nnstudio.engine.imagine import fool

    doc = open_document(args.file)
    plan, labels = _plan_and_labels(doc)
    grid = _picture_grid(doc, plan)
    if args.target in labels:
        target = labels.index(args.target)
    elif args.target.isdigit() and int(args.target) < len(labels):
        target = int(args.target)
    else:
        raise CommandError(f"no answer {args.target!r}: the network answers {', '.join(labels)}")
    value_range = (float(doc.value_range[0]), float(doc.value_range[1]))
    picture = _read_picture(args.image, doc)
    reads = int(np.argmax(plan.forward(picture[None, :]).output[0]))
    if reads == target:
        raise CommandError(
            f"the network already reads {labels[target]} in this picture: choose another --target to fool it"
            " into"
        )
    result = fool(plan, picture, target, value_range)
    _write_picture(args.out, result.picture, grid, value_range)
    before, after = labels[result.answer_before], labels[result.answer_after]
    verdict = (
        f"now reads {after}"
        if result.success
        else f"still reads {after}: no change within {result.max_change:.2g} of the range was enough"
    )
    emit(
        args,
        {
            "target": labels[target],
            "answer_before": before,
            "answer_after": after,
            "fooled": result.success,
            "max_change": rounded(result.max_change),
            "confidence_before": rounded(float(result.confidences_before[result.answer_before])),
            "confidence_after": rounded(float(result.confidences_after[result.answer_after])),
            "out": str(args.out),
        },
        f"The network read {before}; changed by at most {result.max_change:.3g} of the input range, it"
        f" {verdict}. Picture written to {args.out}.",
    )
    return EXIT_OK


def _define_dream(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=".nnet file or built-in example name")
    p.add_argument(
        "--target",
        required=True,
        metavar="LABEL|NEURON_ID",
        help="an output's label (e.g. 3) or any neuron's id",
    )
    p.add_argument("--steps", type=int, default=60, help="how many nudges uphill (default 60)")
    p.add_argument("--from", dest="start", metavar="PNG", help="start from this picture instead of noise")
    p.add_argument("--out", required=True, metavar="PNG", help="where to write the dreamed picture")
    p.add_argument("--seed", type=int, default=0, help="seed of the starting noise (default 0)")
    p.add_argument("--no-blur", action="store_true", help="do not blur the picture now and then")
    p.add_argument(
        "--no-smoothing", action="store_true", help="no pull towards neighbouring pixels being alike"
    )


def _define_fool(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help=".nnet file or built-in example name")
    p.add_argument("--image", required=True, metavar="PNG", help="a picture the network reads correctly")
    p.add_argument("--target", required=True, metavar="LABEL", help="the answer to make it give (e.g. 8)")
    p.add_argument("--out", required=True, metavar="PNG", help="where to write the changed picture")


COMMANDS: tuple[Command, ...] = (
    Command(
        "dream",
        "change a picture (from noise or a file) until a neuron fires as strongly as it can",
        _define_dream,
        cmd_dream,
    ),
    Command(
        "fool",
        "find a small change to a picture that makes the network give another answer",
        _define_fool,
        cmd_fool,
    ),
)
