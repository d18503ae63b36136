"""Where the real benchmark files live.

Resolution order for the directory holding ``nb201.csv``, ``nb101_space.npz`` and
``nb101_labeled.npz``: an explicit ``data_dir`` argument, then the environment variable
``NASLIB_NAR_DATA_DIR``, then ``../shared/data`` next to a source checkout of this
project, then ``../shared/data`` relative to the working directory. Nothing is ever
downloaded.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

DATA_DIR_ENV = "NASLIB_NAR_DATA_DIR"

#: What each file is and how to get it, used in every "file not found" message.
KNOWN_FILES = {
    "nb201.csv": "NAS-Bench-201, all 15,625 architectures (accuracies, params, latency, 12-epoch results)",
    "nb201_seeds.npz": "NAS-Bench-201 per-seed accuracies",
    "nb201_hw_latency_help.csv": "NAS-Bench-201 hardware latencies (HELP)",
    "nb101_space.npz": "NAS-Bench-101, all 423,624 unique cells with params and FLOPs",
    "nb101_labeled.npz": "NAS-Bench-101 cells with real accuracies (32,442)",
}


def _candidates() -> list:
    here = Path(__file__).resolve()
    repo_root = here.parents[2]  # naslib_nar/benchmarks/paths.py -> repo root
    return [repo_root.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]


def resolve_data_dir(data_dir: Optional[Union[str, os.PathLike]] = None) -> Optional[Path]:
    """Return the benchmark data directory, or ``None`` if none can be found.

    An explicit ``data_dir`` (or ``$NASLIB_NAR_DATA_DIR``) that does not exist is an
    error rather than a silent fallback, so a typo never reads the wrong data.
    """
    explicit = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV) or None
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            source = "data_dir" if data_dir is not None else f"${DATA_DIR_ENV}"
            raise FileNotFoundError(
                f"The benchmark data directory {str(path)!r} (from {source}) does not exist. "
                f"Point {source} at the folder holding nb201.csv / nb101_space.npz."
            )
        return path
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    return None


def data_file(name: str, data_dir: Optional[Union[str, os.PathLike]] = None) -> Path:
    """Path of one benchmark file; a clear ``FileNotFoundError`` names it and where to get it."""
    directory = resolve_data_dir(data_dir)
    what = KNOWN_FILES.get(name, "benchmark data file")
    if directory is None:
        raise FileNotFoundError(
            f"Cannot find {name} ({what}): no data directory was given, ${DATA_DIR_ENV} is unset and "
            "../shared/data does not exist. Set NASLIB_NAR_DATA_DIR to the folder holding it, or pass "
            "data_dir=...; NAS-Bench-201 also works without it (load_nb201's source='auto' or 'packaged' reads the "
            "table shipped with naslib_nar)."
        )
    path = directory / name
    if not path.is_file():
        raise FileNotFoundError(
            f"Cannot find {name} ({what}) in {str(directory)!r}. Put the file there or point "
            f"${DATA_DIR_ENV} / data_dir at the folder that holds it."
        )
    return path
