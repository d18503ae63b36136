"""Command-line flags the experiment commands share: the data and where tasks run."""
from __future__ import annotations

import argparse

from .config import SOURCES
from .executors import EXECUTORS


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", choices=SOURCES, help="benchmark data source (default: the config's, auto)")
    parser.add_argument("--data-dir", dest="data_dir", help="folder of the shared benchmark tables")


def add_execution_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-workers", type=int, dest="max_workers",
                        help="worker processes (default: the config's)")
    parser.add_argument("--executor", choices=EXECUTORS,
                        help="local process pool (default) or Dask (a LocalCluster unless --scheduler is given)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://head-node:8786 "
                                            "(implies --executor dask)")
