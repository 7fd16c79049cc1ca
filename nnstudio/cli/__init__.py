"""The headless commands: everything the engine does, scriptable and checkable without a window.

Exit status: 0 ok, 2 usage, 1 with a one-line message for a bad file, bad data or a failed run.
With ``--json`` each command prints one JSON object on stdout, written whole once the command has
succeeded (a failure leaves stdout empty); a number that is not finite is written as null. Progress goes to
stderr. A fault inside nnstudio is one line too, with its traceback in the error log.

Each module of this package declares its commands as a ``COMMANDS`` tuple of :class:`Command`; the
parser and the dispatch below are built from the modules listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nnstudio import __version__
from nnstudio.cli import challenges, core, exchange, imagine, neuron, views
from nnstudio.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Command,
    CommandError,
    open_document,
    user_errors,
)

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "CommandError", "build_parser", "main", "open_document"]

COMMAND_MODULES = (core, exchange, neuron, views, challenges, imagine)
ALL_COMMANDS: tuple[Command, ...] = tuple(c for module in COMMAND_MODULES for c in module.COMMANDS)
COMMANDS = {c.name: c.run for c in ALL_COMMANDS}
NEGATIVE_VALUE_OPTIONS = frozenset().union(*(c.negative_values for c in ALL_COMMANDS))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnstudio",
        description="Build a neural network by hand and watch it think. "
        "With no command, or with a .nnet file, opens the studio window.",
    )
    parser.add_argument("--version", action="version", version=f"nnstudio {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="open every example offscreen, run it, exit 0"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in ALL_COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        p.add_argument(
            "--json", action="store_true", help="print one JSON object on stdout (numbers not finite: null)"
        )
        command.define(p)
    return parser


def _attach_negative_values(argv: list[str]) -> list[str]:
    """``--input -1,1`` would read as an unknown option to argparse; keep such a value with its option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in NEGATIVE_VALUE_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--self-test"]:
        from nnstudio.selftest import main as self_test

        return self_test(argv[1:])
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        from nnstudio.app import run_gui

        if len(argv) > 1:
            print(
                "nnstudio: error: give one file to open, or a command (see nnstudio --help)", file=sys.stderr
            )
            return EXIT_USAGE
        target = argv[0] if argv else None
        if target is not None and not Path(target).exists():
            from nnstudio.examples import list_examples

            if target in {e.name for e in list_examples()}:
                return run_gui(example=target)
            print(
                f"nnstudio: error: no file or command named {target!r} (see nnstudio --help)", file=sys.stderr
            )
            return EXIT_USAGE
        return run_gui(Path(target) if target else None)
    parser = build_parser()
    try:
        args = parser.parse_args(_attach_negative_values(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        # Overflow in the arithmetic is checked where it matters (a refused run, a diverged training);
        # numpy's warnings about it would only add source lines to stderr.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return COMMANDS[args.command](args)
    except user_errors() as exc:
        print(f"nnstudio: error: {_first_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("nnstudio: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a fault in nnstudio: one line here, the traceback in the log
        log = _log_fault(exc)
        where = f"; the details are in {log}" if log is not None else ""
        print(f"nnstudio: error: unexpected failure ({_first_line(exc)}){where}", file=sys.stderr)
        return EXIT_FAILED


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _log_fault(exc: BaseException) -> Path | None:
    """Append the traceback to the error log the window uses too; its path, or None if it cannot be written."""
    from datetime import datetime

    from nnstudio.app import error_log_path

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    path = error_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {stamp} nnstudio {__version__} (command line)\n{text}\n")
    except OSError:
        return None
    return path
