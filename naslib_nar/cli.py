"""The ``naslib-nar`` command line: argparse in, one library call out, no logic here.

Each sub-command lives in the module that owns its work; that module exposes
``add_arguments(parser)`` and ``run(args) -> int``. The table below names the modules,
which :func:`build_parser` loads by name (``importlib``): importing this module stays
free of numpy and torch (``naslib-nar data`` and the package tests rely on that), and the
parser never imports torch.

A user's mistake ends in one line on stderr and exit status 2: the commands check their
input before any work starts and raise ValueError / TypeError (or FileNotFoundError,
a file-system error) naming what was wrong and how to fix it. Ctrl-C ends in one line
and status 130; what was stored is kept and the same command resumes. Any other
exception is a bug and keeps its traceback.
"""
from __future__ import annotations

import argparse
import importlib
import shlex
import sys
from typing import List, Optional, Sequence, Tuple

from . import __version__

#: (command, module, one-line help). ``data`` has its own sub-commands (``info``, ``build``, ``check``).
COMMANDS: List[Tuple[str, str, str]] = [
    ("data", "naslib_nar.benchmarks.data_cmd", "inspect, rebuild or check the benchmark data"),
    ("evaluate-predictor", "naslib_nar.experiments.evaluate_cmd", "rank held-out architectures, report Kendall tau"),
    ("search", "naslib_nar.experiments.search_cmd", "NAR's search over seeds and ablation grids, both protocols"),
    ("compare", "naslib_nar.experiments.compare", "NAR vs baselines: resumable runs, tables from stored traces"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="naslib-nar", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"naslib-nar {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module, help_text in COMMANDS:
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parser.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(command_parser)
    return parser


#: Exceptions that carry a user's mistake (not a bug): shown as one line, exit status 2.
USER_ERRORS = (ValueError, TypeError, FileNotFoundError, KeyError, ImportError, PermissionError, IsADirectoryError,
               NotADirectoryError, FileExistsError)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    elif isinstance(exc, OSError) and exc.strerror and exc.filename:
        text = f"{exc.strerror}: {str(exc.filename)!r}; check the path and its permissions."
    else:
        text = str(exc)
    return " ".join(text.split())


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt as exc:  # the harness says what it kept (experiments.harness.Interrupted)
        stored = _one_line(exc)
        resume = f"; to resume, run the same command again: naslib-nar {shlex.join(argv)}" if stored else ""
        print(f"naslib-nar {args.command}: {stored or 'interrupted'}{resume}", file=sys.stderr)
        return 130
    except USER_ERRORS as exc:
        # User errors get the message, not a traceback; bugs still raise.
        print(f"naslib-nar {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
