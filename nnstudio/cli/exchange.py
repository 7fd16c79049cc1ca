"""Networks out of and into nnstudio: ``export`` (ONNX or a numpy script) and ``import`` (ONNX)."""

from __future__ import annotations

import argparse
from pathlib import Path

from nnstudio.cli.common import EXIT_OK, Command, CommandError, counted, emit, open_document

FORMATS = ("onnx", "numpy")


def cmd_export(args: argparse.Namespace) -> int:
    from nnstudio.exchange import ExchangeError
    from nnstudio.exchange.numpy_export import export_numpy
    from nnstudio.exchange.onnx_export import export_onnx

    doc = open_document(args.file)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"the folder {out.parent} does not exist; create it or choose another --out")
    try:
        if args.format == "onnx":
            description, weights = export_onnx(doc, out), None
        else:
            description, weights = export_numpy(doc, out)
    except ExchangeError as exc:
        raise CommandError(str(exc)) from None
    result = {
        "file": str(out),
        "format": args.format,
        "inputs": description.n_inputs,
        "outputs": description.output_labels,
        "input_name": description.input_name,
        "output_name": description.output_name,
        "parameters": description.n_parameters,
    }
    if weights is not None:
        result["weights"] = str(weights)
    human = (
        f"{out}: {counted(description.n_inputs, 'input')} ({description.input_name!r}) -> "
        f"{counted(description.n_outputs, 'output')}"
        f" ({description.output_name!r}: {', '.join(description.output_labels)})"
    )
    if weights is not None:
        human += f"; weights in {weights}"
    emit(args, result, human)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from nnstudio.document.fileformat import save_document
    from nnstudio.document.summary import network_summary
    from nnstudio.exchange import ExchangeError
    from nnstudio.exchange.onnx_import import import_onnx

    source = Path(args.file)
    if not source.is_file():
        raise CommandError(f"there is no file {source}")
    out = Path(args.out)
    if out.suffix != ".nnet":
        raise CommandError(f"--out should name a .nnet file, not {out.name!r}")
    try:
        doc = import_onnx(source)
    except ExchangeError as exc:
        raise CommandError(str(exc)) from None
    save_document(doc, out)
    summary = network_summary(doc)
    result = {"file": str(out)} | summary
    layers = "-".join(str(len(ids)) for _, ids in doc.network.layers())
    emit(args, result, f"{out}: {layers}, {summary['parameters']:,} parameters, from {source.name}")
    return EXIT_OK


def _define_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a .nnet file or the name of a built-in example")
    p.add_argument("--format", choices=FORMATS, required=True, help="onnx, or numpy for a standalone script")
    p.add_argument("--out", required=True, metavar="FILE", help="where to write it (F.onnx, or F.py)")


def _define_import(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file", metavar="FILE", help="an ONNX model of fully connected, convolution and pooling layers"
    )
    p.add_argument("--out", required=True, metavar="FILE", help="where to save the network (.nnet)")


COMMANDS: tuple[Command, ...] = (
    Command(
        "export",
        "write a network as an ONNX model or a standalone numpy script",
        _define_export,
        cmd_export,
    ),
    Command(
        "import",
        "read an ONNX model (fully connected, convolution and pooling layers) as a network",
        _define_import,
        cmd_import,
    ),
)
