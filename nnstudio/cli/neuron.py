"""Inside one neuron: its arithmetic written out (``explain``), and one weight's slope two ways with the
chain of local slopes behind it (``slope``)."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from nnstudio.cli.common import (
    EXIT_OK,
    Command,
    CommandError,
    add_input_options,
    check_fits,
    check_nudging,
    dataset_for,
    emit,
    open_document,
    parse_floats,
    read_input,
    require_finite,
)


def find_neuron(network: Any, spec: str) -> str:
    """A neuron by its id, or by its label when exactly one neuron has it."""
    if spec in network.neurons:
        return spec
    named = [n.id for n in network.neurons.values() if n.label == spec]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise CommandError(
            f"{len(named)} neurons are labelled {spec!r}; give its id ({', '.join(named[:5])})"
        )
    sample = ", ".join(list(network.neurons)[:6])
    raise CommandError(f"no neuron with the id or label {spec!r} (ids look like: {sample}, ...)")


def cmd_explain(args: argparse.Namespace) -> int:
    from nnstudio.engine.explain import neuron_arithmetic
    from nnstudio.engine.plan import compile_network

    doc = open_document(args.file)
    neuron_id = find_neuron(doc.network, args.neuron)
    plan = compile_network(doc.network, np.float64)
    values = read_input(doc, plan.n_inputs, args.input, args.image)
    fw = plan.forward(values)
    require_finite(
        np.concatenate([s.ravel() for s in fw.sums]),
        "the sums are not finite numbers for this input: the inputs, weights or biases are too large",
    )
    arithmetic = neuron_arithmetic(doc.network, plan, neuron_id, fw)
    emit(args, arithmetic.to_dict(), "\n".join(arithmetic.lines()))
    return EXIT_OK


def _truth_for(doc: Any, labels: list[str], text: str | None) -> tuple[np.ndarray, str]:
    """The right answer for ``--truth`` (a label or numbers); without it, the first output (said so)."""
    if text is None:
        truth = np.zeros(len(labels))
        truth[0] = 1.0
        return truth, f"{labels[0]} (the first output; choose another with --truth)"
    if text in labels:
        return np.array([1.0 if label == text else 0.0 for label in labels]), text
    wrong = f"--truth must be an output label ({', '.join(labels)}) or {len(labels)} numbers"
    try:
        truth = parse_floats(text, "--truth")
    except CommandError:
        raise CommandError(wrong) from None
    if truth.size != len(labels):
        raise CommandError(wrong)
    return truth, ",".join(f"{v:g}" for v in truth)


def cmd_slope(args: argparse.Namespace) -> int:
    from nnstudio.engine.losses import LOSSES
    from nnstudio.engine.plan import compile_network
    from nnstudio.engine.slopes import weight_slope

    check_nudging(args.h, "1e-4", args.samples, args.seed)
    doc = open_document(args.file)
    plan = compile_network(doc.network, np.float64)
    edges = plan.edge_ids()
    if not edges:
        raise CommandError("this network has no connections, so no weight has a slope")
    rng = np.random.default_rng(args.seed)
    if args.weight == "random":
        edge_id = edges[int(rng.integers(len(edges)))]
    else:
        edge_id = args.weight
        if edge_id not in doc.network.edges:
            raise CommandError(
                f"no connection {edge_id!r}; connections are named source>target, e.g. {edges[0]}, or 'random'"
            )
    neurons = doc.network.neurons
    labels = [neurons[n].label or n for n in plan.output_ids]
    if args.data is not None:
        if args.truth is not None:
            raise CommandError("--truth goes with --input; a dataset brings its own right answers")
        data = dataset_for(doc, args.data)
        check_fits(plan, data)
        pick = np.sort(rng.choice(len(data), size=min(args.samples, len(data)), replace=False))
        x, y = data.inputs[pick].astype(np.float64), data.targets[pick].astype(np.float64)
        where = f"{len(x)} sample{'s' if len(x) != 1 else ''} of {data.name}"
    else:
        x = read_input(doc, plan.n_inputs, args.input, None)[None, :]
        truth, said = _truth_for(doc, labels, args.truth)
        y = truth[None, :]
        where = f"this input, truth {said}"
    fw = plan.forward(x)
    require_finite(
        np.concatenate([s.ravel() for s in fw.sums]),
        "the sums are not finite numbers here: the inputs, weights or biases are too large",
    )
    loss = LOSSES[doc.training.loss]
    result = weight_slope(plan, x, y, loss, edge_id, h=args.h)
    require_finite(
        np.array([result.error, result.backprop, result.nudged]),
        "the error is not a finite number here: give a right answer in the outputs' range",
    )
    emit(args, result.to_dict(), _slope_text(result, neurons, where))
    return EXIT_OK


def _slope_text(s: Any, neurons: Any, where: str) -> str:
    source, target = neurons[s.source].display_name, neurons[s.target].display_name
    ratio = s.nudged_seconds / max(s.backprop_seconds, 1e-9)
    lines = [
        f"weight {s.edge} ({source} -> {target}) = {s.weight:.4g}; error {s.error:.4g} on {where}",
        f"slope by backprop {s.backprop: .6g}   ({s.backprop_seconds * 1e3:.3f} ms: one pass forward and one"
        " back gives every slope at once)",
        f"slope by nudging  {s.nudged: .6g}   (h = {s.h:g}: 2 forward passes, {s.nudged_seconds * 1e3:.3f} ms,"
        f" {ratio:.1f}x as long; every slope this way needs {s.passes_for_all:,} passes)",
        "the chain: " + " x ".join(f"{f.value:.4g}" for f in s.chain) + f" = {s.chain_product:.6g}",
    ]
    lines += [f"  {f.value: .6g}  {f.name}" for f in s.chain]
    if s.paths:
        lines.append(f"  the {len(s.paths)} paths onward (weight x d error/d sum of the neuron it feeds):")
        lines += [f"    {p.weight: .6g} x {p.error_slope: .6g}  into {p.neuron}" for p in s.paths[:8]]
        if len(s.paths) > 8:
            rest = sum(p.product for p in s.paths[8:])
            lines.append(f"    and {len(s.paths) - 8} more paths summing to {rest:.6g}")
    return "\n".join(lines)


def _define_explain(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .nnet file or the name of a built-in example")
    p.add_argument("--neuron", required=True, help="the neuron's id (e.g. h1_0) or its label")
    add_input_options(p, "0.5,0,-0.75,0.75")


def _define_slope(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .nnet file or the name of a built-in example")
    p.add_argument("--weight", required=True, help="a connection id (source>target, e.g. i0>h1_0) or random")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", help="one input: values separated by commas")
    source.add_argument("--data", help="four-pixel, shapes3x3, digits:train, document, or a path")
    p.add_argument("--truth", help="with --input: the right answer, an output label or one number per output")
    p.add_argument("--samples", type=int, default=1, help="with --data: how many samples (default 1)")
    p.add_argument("--h", type=float, default=1e-4, help="the nudge (default 1e-4, centred difference)")
    p.add_argument("--seed", type=int, default=0, help="picks the samples and a random weight (default 0)")


COMMANDS: tuple[Command, ...] = (
    Command(
        "explain",
        "write out one neuron's arithmetic for an input: products, sum, threshold or squash",
        _define_explain,
        cmd_explain,
        frozenset({"--input"}),
    ),
    Command(
        "slope",
        "one weight's slope by backprop and by nudging, and the chain of local slopes behind it",
        _define_slope,
        cmd_slope,
        frozenset({"--input", "--truth", "--h", "--seed"}),
    ),
)
