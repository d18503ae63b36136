"""``naslib-nar data {info,build,check}``: the arguments, and nothing heavier than argparse.

``naslib-nar --help`` builds every command's parser, so this module imports no numpy; each
sub-command's work lives in its own module, imported by name when it runs (as ``cli.py``
does for the commands themselves).
"""
from __future__ import annotations

import argparse
import importlib
from typing import Dict, Tuple

__all__ = ["add_arguments", "run"]

#: sub-command -> (module, function) that does its work.
_WORK: Dict[str, Tuple[str, str]] = {
    "info": ("naslib_nar.benchmarks.info", "run"),
    "build": ("naslib_nar.benchmarks.packaged_build", "run_build"),
    "check": ("naslib_nar.benchmarks.packaged_build", "run_check"),
}
_DATA_DIR_HELP = "folder holding nb201.csv / nb101_*.npz (default: $NASLIB_NAR_DATA_DIR or ../shared/data)"
_PACKAGED = "the package's naslib_nar/benchmarks/data/nb201_compact.npz"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Give ``naslib-nar data`` its sub-commands."""
    sub = parser.add_subparsers(dest="data_command")
    sub.required = True
    info = sub.add_parser("info", help="list the data sources found and summarise each benchmark",
                          description="List the benchmark data sources found and summarise each benchmark.")
    info.add_argument("--data-dir", default=None, help=_DATA_DIR_HELP)
    info.add_argument("--naslib-data-dir", default=None,
                      help="NASLib's data folder with its nb201_*/nasbench_only108 files (default: installed NASLib's)")
    build = sub.add_parser("build", help="rebuild the packaged NB201 table from the shared nb201.csv",
                           description="Write the packaged NAS-Bench-201 table (a compact .npz) from the shared "
                                       "nb201.csv and nb201_seeds.npz, atomically and reproducibly.")
    build.add_argument("--data-dir", default=None, help=_DATA_DIR_HELP)
    build.add_argument("--out", default=None, help=f"file to write (default: {_PACKAGED})")
    check = sub.add_parser("check", help="verify the packaged NB201 table against the shared nb201.csv",
                           description="Rebuild the packaged NAS-Bench-201 table in memory and verify that the "
                                       "file equals it bitwise, that its loader gives the shared loader's values "
                                       "and that the known optima are reproduced. Exit status 1 if anything fails.")
    check.add_argument("--data-dir", default=None, help=_DATA_DIR_HELP)
    check.add_argument("--file", default=None, help=f"file to check (default: {_PACKAGED})")


def run(args: argparse.Namespace) -> int:
    """Run the chosen sub-command's work function."""
    module, function = _WORK[args.data_command]
    return int(getattr(importlib.import_module(module), function)(args) or 0)
