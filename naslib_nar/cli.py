"""The ``naslib-nar`` command line: argparse in, one library call out, no logic here.

Each sub-command lives in the module that owns its work; that module exposes
``add_arguments(parser)`` and ``run(args) -> int``. The table below names the modules,
which :func:`build_parser` loads by name (``importlib``): importing this module stays
free of numpy and torch (``naslib-nar data`` and the package tests rely on that), and the
parser never imports torch.
"""
from __future__ import annotations

import argparse
import importlib
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


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except (ValueError, TypeError, FileNotFoundError, KeyError, ImportError) as exc:
        # User errors get the message, not a traceback; bugs still raise.
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"naslib-nar {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
