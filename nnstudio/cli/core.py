"""The commands on one network: list the examples, run, train, evaluate, check slopes, make, describe."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from nnstudio.cli.common import (
    EXIT_OK,
    Command,
    CommandError,
    add_input_options,
    check_fits,
    check_nudging,
    counted,
    dataset_for,
    emit,
    open_document,
    parse_floats,
    plan_and_data,
    read_input,
    require_finite,
    rounded,
)


def cmd_examples(args: argparse.Namespace) -> int:
    from nnstudio.examples import list_examples

    examples = list_examples()
    result = {
        "examples": [{"name": e.name, "title": e.title, "description": e.description} for e in examples]
    }
    width = max((len(e.name) for e in examples), default=0)
    emit(args, result, "\n".join(f"{e.name:<{width}}  {e.description}" for e in examples))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from nnstudio.document.challenge import AnswerLine
    from nnstudio.engine.activations import ACTIVATIONS
    from nnstudio.engine.losses import LOSSES
    from nnstudio.engine.plan import compile_network

    doc = open_document(args.file)
    plan = compile_network(doc.network, np.float64)
    values = read_input(doc, plan.n_inputs, args.input, args.image)
    fw = plan.forward(values)
    low, high = doc.value_range
    overflowed = next(
        (nid for nid, pair in plan.neuron_values(fw).items() if not all(map(math.isfinite, pair))), None
    )
    if overflowed is not None:
        what, fix = (
            ("the input values are too large", f"this network's inputs go from {low:g} to {high:g}")
            if np.abs(values).max(initial=0.0) > max(abs(low), abs(high))
            else ("the network's weights or biases are too large", "make them smaller in the studio")
        )
        raise CommandError(f"{what}: the sum of neuron {overflowed!r} is not a finite number; {fix}")
    neurons = doc.network.neurons
    labels = [neurons[n].label or n for n in plan.output_ids]
    out = fw.output[0]
    # A lone output is a yes/no question answered at its activation's threshold: its name alone would
    # read as the answer whatever its value ("answer: go" at 0).
    # As the studio's Answer panel: yes above the threshold, no below, undecided right on it.
    lone = len(labels) == 1
    threshold = ACTIVATIONS[neurons[plan.output_ids[0]].activation].threshold if lone else 0.5
    verdict = AnswerLine(threshold, threshold).verdict(float(out[0])) if lone else None
    if not lone:
        answer = labels[int(np.argmax(out))]
    elif verdict == "undecided":
        answer = f"undecided: {labels[0]} or not"
    else:
        answer = labels[0] if verdict == "yes" else f"not {labels[0]}"
    result: dict[str, Any] = {
        "outputs": {label: rounded(v) for label, v in zip(labels, out.tolist(), strict=True)},
        "answer": answer,
        "neurons": {
            nid: {"sum": rounded(s), "activation": rounded(a)}
            for nid, (s, a) in plan.neuron_values(fw).items()
        },
    }
    lines = [f"{label:>12}  {v: .4f}" for label, v in zip(labels, out.tolist(), strict=True)]
    if lone:
        result["yes"] = verdict == "yes"
        result["verdict"] = verdict
        result["threshold"] = threshold
        side = {"yes": "above", "no": "below", "undecided": "right on"}[verdict]  # type: ignore[index]
        lines.append(f"answer: {verdict} ({labels[0]} {out[0]:.4f} is {side} its threshold {threshold:g})")
    else:
        lines.append(f"answer: {answer}")
    if args.truth is not None:
        wrong_truth = f"--truth must be an output label ({', '.join(labels)}) or {len(labels)} numbers"
        if args.truth in labels:
            truth = np.array([1.0 if label == args.truth else 0.0 for label in labels])
        else:
            try:
                truth = parse_floats(args.truth, "--truth")
            except CommandError:
                raise CommandError(wrong_truth) from None
        if truth.size != len(labels):
            raise CommandError(wrong_truth)
        loss = LOSSES[doc.training.loss]
        error = loss.elementwise(out, truth)
        require_finite(
            error,
            "--truth is too large: the error against it is not a finite number; give values in the outputs' range",
        )
        result["error"] = {
            "truth": [rounded(v) for v in truth],
            "answer": [rounded(v) for v in out],
            "error": [rounded(v) for v in error],
            "total": rounded(float(error.sum())),
            "loss": loss.name,
        }
        lines.append(
            f"error ({loss.title.lower()}): "
            + " ".join(f"{e:.4g}" for e in error)
            + f"  total {error.sum():.4g}"
        )
    emit(args, result, "\n".join(lines))
    return EXIT_OK


class _Progress:
    """Progress on stderr: a bar redrawn in place on a terminal, an occasional line when piped to a file."""

    def __init__(self, total_steps: int, enabled: bool) -> None:
        self.total = total_steps
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.interval = 0.25 if self.tty else 5.0
        self.last = time.perf_counter()

    def show(self, step: int, epoch: int, epochs: int, loss: float, rate: float, force: bool = False) -> None:
        now = time.perf_counter()
        if not self.enabled or (not force and now - self.last < self.interval):
            return
        self.last = now
        done = step / max(self.total, 1)
        text = f"epoch {epoch}/{epochs}  loss {loss:.4g}  {rate:,.0f} samples/s"
        if self.tty:
            sys.stderr.write(f"\r[{'#' * int(done * 30):<30}] {text} ")
        else:
            sys.stderr.write(f"{done:4.0%} {text}\n")
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled and self.tty:
            sys.stderr.write("\n")


def _stop_from_options(args: argparse.Namespace, stop: Any) -> Any:
    """The stop condition --until-error, --until-accuracy or --all-epochs ask for, else ``stop`` (the file's)."""
    from nnstudio.engine.stopping import TARGET_ACCURACY, TARGET_ERROR, StopCondition

    if args.all_epochs:
        return StopCondition()
    if args.until_error is not None:
        if not math.isfinite(args.until_error) or args.until_error < 0:
            raise CommandError(f"--until-error must be zero or a positive number, not {args.until_error:g}")
        return StopCondition(TARGET_ERROR, args.until_error)
    if args.until_accuracy is not None:
        if not 0 <= args.until_accuracy <= 100:
            raise CommandError(
                f"--until-accuracy is a percentage from 0 to 100, not {args.until_accuracy:g} (95 for 95%)"
            )
        return StopCondition(TARGET_ACCURACY, args.until_accuracy / 100)
    return stop


def _target_words(stop: Any) -> str:
    """``error 0.01`` or ``accuracy 95%``: a stop condition's target, for a line of output."""
    if stop.kind == "accuracy":
        return f"accuracy {stop.target * 100:.4g}%"
    return f"error {stop.target:g}"


def cmd_train(args: argparse.Namespace) -> int:
    from nnstudio.document.fileformat import save_document
    from nnstudio.engine.train import (
        Diverged,
        EpochEnd,
        Step,
        TrainSettings,
        initialise,
        measure_fit,
        penalised_weights,
        train,
        worse_after_training,
    )

    doc = open_document(args.file)
    settings = TrainSettings.from_dict(doc.training.to_dict())
    for field, value in (
        ("epochs", args.epochs),
        ("learning_rate", args.lr),
        ("batch_size", args.batch),
        ("momentum", args.momentum),
        ("seed", args.seed),
        ("loss", args.loss),
        ("init", args.init),
        ("l1", args.l1),
        ("l2", args.l2),
    ):
        if value is not None:
            setattr(settings, field, value)
    settings.stop = _stop_from_options(args, settings.stop)
    settings.validate()
    plan, data = plan_and_data(doc, args.data, np.float32)
    if args.randomize:
        initialise(plan, settings.init, settings.seed)
    before = measure_fit(plan, data.inputs, data.targets, settings.loss)
    steps_per_epoch = -(-len(data) // settings.batch_size)
    progress = _Progress(steps_per_epoch * settings.epochs, enabled=not args.quiet)
    last_end: EpochEnd | None = None
    diverged: Diverged | None = None
    # The epoch whose end met the stop condition: the run ends there, as it does in the studio.
    reached: EpochEnd | None = None
    loss = float("nan")
    started = time.perf_counter()
    seen = 0
    events = train(plan, data.inputs, data.targets, settings)
    try:
        for event in events:
            if isinstance(event, Step):
                seen = event.samples_seen
                loss = event.loss
                progress.show(
                    event.step, event.epoch, settings.epochs, loss, seen / (time.perf_counter() - started)
                )
            elif isinstance(event, EpochEnd):
                last_end = event
                if settings.stop.met(event):
                    reached = event
                progress.show(
                    event.step,
                    event.epoch,
                    settings.epochs,
                    event.loss,
                    seen / (time.perf_counter() - started),
                    force=event.epoch == settings.epochs or reached is not None,
                )
                if reached is not None:
                    break
            else:
                diverged = event
    finally:
        events.close()
    seconds = time.perf_counter() - started
    progress.end()
    if diverged is not None:
        raise CommandError(diverged.message + " Nothing was written.")
    after = measure_fit(plan, data.inputs, data.targets, settings.loss)
    warning = worse_after_training(before, after, settings.learning_rate, undo=False)
    plan.write_back(doc.network)
    doc.training = settings
    save_document(doc, Path(args.out))
    assert last_end is not None
    if warning is not None:
        print(f"nnstudio: warning: {warning}", file=sys.stderr)
    result = {
        "loss": rounded(last_end.loss),
        "accuracy": None if last_end.accuracy is None else rounded(last_end.accuracy),
        "loss_before": rounded(before.loss),
        "accuracy_before": None if before.accuracy is None else rounded(before.accuracy),
        "worse": warning is not None,
        "epochs": settings.epochs,
        "epochs_run": last_end.epoch,
        "stop": {"kind": settings.stop.kind, "target": settings.stop.target},
        "reached": reached is not None,
        "l1": settings.l1,
        "l2": settings.l2,
        "samples_per_second": round(seen / seconds),
        "out": str(args.out),
    }
    acc = "" if last_end.accuracy is None else f", accuracy {last_end.accuracy:.1%}"
    zeros = ""
    if settings.l1:
        result["zero_weights"] = int((plan.flat[penalised_weights(plan)] == 0).sum())
        zeros = f", {result['zero_weights']} weights at zero"
    speed = f"({seen / seconds:,.0f} samples/s); saved {args.out}"
    if reached is not None:
        text = (
            f"target reached in epoch {reached.epoch} of {settings.epochs}: {settings.stop.reached_text(reached)}; "
            f"loss {last_end.loss:.4g}{acc}{zeros} {speed}"
        )
    else:
        missed = (
            ""
            if settings.stop.kind == "epochs"
            else f"; no epoch reached the target {_target_words(settings.stop)}"
        )
        text = f"loss {last_end.loss:.4g}{acc}{zeros} after {settings.epochs} epochs{missed} {speed}"
    emit(args, result, text)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from nnstudio.engine.losses import LOSSES
    from nnstudio.engine.train import confusion_matrix, evaluate

    doc = open_document(args.file)
    plan, data = plan_and_data(doc, args.data, np.float32)
    loss_name = args.loss or doc.training.loss
    if loss_name not in LOSSES:
        raise CommandError(f"unknown loss {loss_name!r}; known: {', '.join(LOSSES)}")
    loss, acc, out = evaluate(plan, data.inputs, data.targets, LOSSES[loss_name])
    require_finite(
        out,
        f"the network's outputs are not finite numbers on {int((~np.isfinite(out)).any(axis=1).sum())} of"
        f" {len(data)} samples: its weights or biases are too large",
    )
    confusion, labels = confusion_matrix(out, data.targets, data.classes, list(data.labels))
    result = {
        "loss": rounded(loss),
        "accuracy": None if acc is None else rounded(acc),
        "samples": len(data),
        "labels": labels,
        "confusion": confusion.tolist(),
    }
    acc_text = "no labelled samples" if acc is None else f"accuracy {acc:.2%}"
    emit(args, result, f"{data.name}: {len(data)} samples, loss {loss:.4g}, {acc_text}")
    return EXIT_OK


# gradcheck nudges at most this many parameters of each block unless told otherwise.
DEFAULT_CHECKED_PER_BLOCK = 400


def cmd_gradcheck(args: argparse.Namespace) -> int:
    from nnstudio.engine.losses import LOSSES
    from nnstudio.engine.plan import compile_network
    from nnstudio.engine.slopes import gradient_check

    check_nudging(args.h, "1e-3", args.samples, args.seed)
    doc = open_document(args.file)
    plan = compile_network(doc.network, np.float64)
    rng = np.random.default_rng(args.seed)
    if args.data or doc.training_data:
        data = dataset_for(doc, args.data)
        check_fits(plan, data)
        pick = rng.choice(len(data), size=min(args.samples, len(data)), replace=False)
        x, y = data.inputs[pick].astype(np.float64), data.targets[pick].astype(np.float64)
        source = data.name
    else:
        low, high = doc.value_range
        x = rng.uniform(low, high, (args.samples, plan.n_inputs))
        y = np.eye(plan.n_outputs)[rng.integers(0, plan.n_outputs, args.samples)]
        source = "random inputs"
    loss = LOSSES[doc.training.loss]
    fw = plan.forward(x)
    require_finite(
        fw.output, "the network's outputs are not finite numbers here: its weights or biases are too large"
    )
    if args.per_block is not None and args.per_block < 1:
        raise CommandError(f"--per-block must be at least 1, not {args.per_block}")
    report = gradient_check(plan, x, y, loss, h=args.h, per_block=args.per_block, seed=args.seed)
    # Where a ReLU or step neuron's sum is within the nudge of 0 the slope is a corner: say how often.
    kinks = 0
    for li, level in enumerate(plan.levels[1:], start=1):
        for act, cols in level.groups:
            if act.kink is not None:
                kinks += int((np.abs(fw.sums[li][:, cols]) < 2 * args.h).sum())
    result = report.to_dict() | {
        "samples": len(x),
        "data": source,
        "loss": loss.name,
        "h": args.h,
        "sums_at_kinks": kinks,
    }
    lines = [
        f"{b['name']:<28} {counted(b['count'], 'parameter'):>17}  max relative error {b['max_relative_error']:.2e}"
        + (f"  ({b['at_corners']} at a corner)" if b["at_corners"] else "")
        for b in report.per_block
    ]
    lines.append(
        f"max relative error {report.max_relative_error:.2e} over {report.checked:,} of"
        f" {counted(report.parameters, 'parameter')}, {counted(len(x), 'sample')} of {source}"
    )
    if report.at_corners:
        lines.append(
            f"{counted(report.at_corners, 'parameter')} sit where a ReLU, step or max-pool switches within the nudge: their"
            " slope is a corner, not one number, and they are not compared"
        )
    lines.append(
        f"backprop {report.backprop_seconds * 1e3:.2f} ms;"
        f" numerical slopes {report.numerical_seconds * 1e3:,.1f} ms"
        f" ({report.numerical_seconds / max(report.backprop_seconds, 1e-9):,.0f}x as long)"
    )
    if kinks:
        lines.append(
            f"{kinks} ReLU/step sums sit at a kink, where the slope is not defined; errors there are expected"
        )
    emit(args, result, "\n".join(lines))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from nnstudio.document.builders import conv_network, dense_network, parse_network_spec
    from nnstudio.document.fileformat import save_document
    from nnstudio.document.model import Document
    from nnstudio.document.summary import network_summary
    from nnstudio.engine.activations import ACTIVATIONS
    from nnstudio.engine.losses import LOSSES
    from nnstudio.engine.plan import compile_network
    from nnstudio.engine.train import INITIALISERS, TrainSettings, initialise

    spec = parse_network_spec(args.spec)
    sizes, grid = [spec.inputs, *spec.dense], spec.grid
    hidden = args.activation or "relu"
    output = args.output_activation or ("softmax" if sizes[-1] > 1 else "sigmoid")
    for name, option in ((hidden, "--activation"), (output, "--output-activation")):
        if name not in ACTIVATIONS:
            raise CommandError(f"{option}: unknown activation {name!r} (known: {', '.join(ACTIVATIONS)})")
    if ACTIVATIONS[hidden].joint:
        raise CommandError(f"--activation: {hidden} works over the outputs; give it as --output-activation")
    loss = args.loss or ("cross_entropy" if ACTIVATIONS[output].joint else "squared")
    if loss not in LOSSES:
        raise CommandError(f"--loss: unknown loss {loss!r} (known: {', '.join(LOSSES)})")
    init = args.init or ("he" if hidden == "relu" else "xavier")
    if init not in INITIALISERS:
        raise CommandError(f"--init: unknown initialisation {init!r} (known: {', '.join(INITIALISERS)})")
    if not 0 <= args.seed < 2**31:
        raise CommandError(f"--seed must be a whole number from 0 to 2147483647, not {args.seed}")
    activations = [hidden] * (len(sizes) - 2) + [output]
    if spec.convolutional:
        network = conv_network(spec, hidden, output, args.seed)
    else:
        network = dense_network(sizes, activations, args.seed, grid=grid)
    plan = compile_network(network)
    initialise(plan, init, args.seed)
    plan.write_back(network)
    value_range = (0.0, 1.0) if grid is not None and grid[0] * grid[1] >= 100 else (-1.0, 1.0)
    training = TrainSettings(loss=loss, init=init, seed=args.seed)
    doc = Document(network, title=args.spec, grid=grid, value_range=value_range, training=training)
    out = Path(args.out)
    save_document(doc, out)
    result = {"file": str(out)} | network_summary(doc)
    emit(args, result, f"{out}: {_summary_text(result)}")
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    from nnstudio.document.summary import network_summary

    doc = open_document(args.file)
    result = network_summary(doc)
    lines = [_summary_text(result)]
    for layer in result["layers"]:
        shape = "x".join(str(s) for s in layer["shape"])
        lines.append(
            f"  {layer['name']:<16} {layer['kind']:<11} {shape:>7}  {layer['activation']:<9}"
            f" {_what_feeds(layer)}".rstrip()
        )
    emit(args, result, "\n".join(lines))
    return EXIT_OK


def _what_feeds(layer: dict[str, Any]) -> str:
    """How a layer of ``nnstudio info`` is fed: its connections in, or a shaped layer's kernels or window."""
    kind, window = layer["kind"], layer.get("window")
    if kind == "conv2d":
        kernels = layer["shape"][0]
        return (
            f"{counted(kernels, 'kernel')} {window}x{window}, stride {layer['stride']}:"
            f" {counted(layer['parameters'], 'parameter')}"
        )
    if kind in ("maxpool", "avgpool"):
        return f"{window}x{window} window, stride {layer['stride']}"
    if kind == "flatten":
        return f"reads {layer['reads']} in order"
    if kind == "input":
        return ""
    return f"{counted(layer['connections_in'], 'connection')} in"


def _summary_text(summary: dict[str, Any]) -> str:
    return (
        f"{counted(summary['neurons'], 'neuron')} ({counted(summary['inputs'], 'input')},"
        f" {counted(summary['outputs'], 'output')}), {counted(summary['connections'], 'connection')},"
        f" {counted(summary['parameters'], 'parameter')} ({summary['trainable']:,} trainable),"
        f" {counted(len(summary['layers']), 'layer')}"
    )


def _define_nothing(p: argparse.ArgumentParser) -> None:
    """``examples`` takes no options."""


def _define_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .nnet file or the name of a built-in example")
    add_input_options(p, "1,-1,1,-1")
    p.add_argument("--truth", help="the right answer: an output label, or one number per output")


def _define_train(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--data",
        help="four-pixel, shapes3x3, digits:train, points such as spiral:train or circle(noise=0.2):test,"
        " document, or a path (IDX, PNG folder, CSV)",
    )
    p.add_argument("--epochs", type=int)
    p.add_argument("--lr", type=float, help="learning rate")
    p.add_argument("--batch", type=int, help="samples per step (1 = one sample at a time)")
    p.add_argument("--momentum", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--loss", help="squared, absolute or cross_entropy")
    p.add_argument("--init", help="uniform, xavier or he (with --randomize)")
    p.add_argument("--l1", type=float, help="L1 rate: pulls weights to zero, where they stay (default 0)")
    p.add_argument("--l2", type=float, help="L2 rate: shrinks every weight a little each step (default 0)")
    stop = p.add_mutually_exclusive_group()
    stop.add_argument(
        "--until-error",
        type=float,
        metavar="ERROR",
        help="stop at the end of the first epoch whose mean error is at most ERROR (the epochs still bound"
        " the run; default: the network's own stop condition, saved with it)",
    )
    stop.add_argument(
        "--until-accuracy",
        type=float,
        metavar="PERCENT",
        help="stop at the end of the first epoch that gets at least PERCENT of the samples right, in percent"
        " (95 for 95%%)",
    )
    stop.add_argument(
        "--all-epochs",
        action="store_true",
        help="run every epoch, whatever stop condition the network has (it is saved without one)",
    )
    p.add_argument("--randomize", action="store_true", help="start from fresh random weights")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--out", required=True, metavar="FILE", help="where to save the trained network")


def _define_eval(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    p.add_argument("--data", help="as for train; default: the network's own training data")
    p.add_argument("--loss", help="default: the network's loss")


def _define_gradcheck(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--data", help="as for train; default: the network's own training data, else random inputs"
    )
    p.add_argument("--samples", type=int, default=8, help="how many samples to check on (default 8)")
    p.add_argument("--h", type=float, default=1e-3, help="the nudge (default 1e-3, five-point differences)")
    p.add_argument(
        "--per-block",
        type=int,
        default=DEFAULT_CHECKED_PER_BLOCK,
        help=f"nudge at most this many parameters of each block, chosen at random (default"
        f" {DEFAULT_CHECKED_PER_BLOCK}; a ConvNet has tens of thousands)",
    )
    p.add_argument("--seed", type=int, default=0)


def _define_new(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "spec",
        metavar="SPEC",
        help="layer sizes joined by '-': 784-64-64-10, 28x28-16-10, 2-8-8-1; convolutions after an image:"
        " 28x28-c8k5-p2-c16k5-p2-10 (cNkK: N kernels KxK, pN: max-pool NxN, aN: average-pool)",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="where to save the new network")
    p.add_argument("--activation", help="of the hidden layers (default relu)")
    p.add_argument("--output-activation", help="of the outputs (default softmax, sigmoid for one output)")
    p.add_argument("--loss", help="squared, absolute or cross_entropy (default: cross_entropy with softmax)")
    p.add_argument("--init", help="uniform, xavier or he (default: he with relu, else xavier)")
    p.add_argument("--seed", type=int, default=0, help="for the random weights (default 0)")


def _define_info(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .nnet file or the name of a built-in example")


COMMANDS: tuple[Command, ...] = (
    Command("examples", "list the built-in example networks", _define_nothing, cmd_examples),
    Command(
        "run",
        "run a network on one input and show every neuron's value",
        _define_run,
        cmd_run,
        frozenset({"--input", "--truth"}),
    ),
    Command(
        "train",
        "train a network on a dataset and save the result",
        _define_train,
        cmd_train,
        frozenset({"--lr", "--momentum", "--seed"}),
    ),
    Command(
        "eval",
        "measure a network's loss, accuracy and confusion on a dataset",
        _define_eval,
        cmd_eval,
    ),
    Command(
        "gradcheck",
        "compare backprop's slopes with slopes by nudging each weight (float64)",
        _define_gradcheck,
        cmd_gradcheck,
        frozenset({"--h", "--seed"}),
    ),
    Command(
        "new",
        "make a fully connected network from its layer sizes and save it",
        _define_new,
        cmd_new,
        frozenset({"--seed"}),
    ),
    Command(
        "info",
        "show what a network is made of: neurons, connections, parameters, layers",
        _define_info,
        cmd_info,
    ),
)
