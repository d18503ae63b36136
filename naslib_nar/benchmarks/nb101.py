"""Load NAS-Bench-101 (CIFAR-10) as a :class:`TabularBenchmark`.

* ``'shared'``: the project's ``nb101_labeled.npz`` (the 30k+ cells whose accuracies can be
  had offline) and, with ``labelled_only=False``, the whole enumerated space
  ``nb101_space.npz`` (423,624 cells, NaN accuracies where unknown). ``val_acc`` is a
  single 108-epoch training run (``val_acc_108_single``); ``test_acc`` the mean of the 3
  official runs, known for 53 cells only (51 of which have no single-run value; they stay
  in the labelled set through their test accuracy).
* ``'naslib'``: NASLib's ``nasbench_only108.pkl`` (the official 3 runs of every cell):
  ``val_acc`` / ``test_acc`` are means over runs, with the runs as seeds so that
  ``query(seed='random')`` behaves like NASLib's query.

``'auto'`` takes the shared files when they can be found, else NASLib's file.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

import numpy as np

from .._validation import check_param
from ..spaces.nb101 import CellBatch, NB101Space
from . import naslib_files
from ._files import malformed, read_npz
from .base import TabularBenchmark
from .paths import DATA_DIR_ENV, data_file, resolve_data_dir

__all__ = ["load_nb101", "NUM_CELLS"]

PathLike = Union[str, "os.PathLike[str]"]
SOURCES = ("auto", "shared", "naslib")
#: Unique NB101 cells (after pruning, up to isomorphism).
NUM_CELLS = 423_624
_HINT = (
    f"It comes from the project's shared data folder (data/README.md); point ${DATA_DIR_ENV} or data_dir at "
    "an intact copy."
)
_GRAPH = {
    "hash": ("S", (None,)), "adj_packed": ("u", (None, 3)), "ops": ("i", (None, 7)),
    "num_vertices": ("iu", (None,)), "params": ("iu", (None,)), "flops": ("iu", (None,)),
}
_LABELS = {
    "val_acc_108_single": ("f", (None,)), "val_acc_4_single": ("f", (None,)),
    "val_acc_12_single": ("f", (None,)), "val_acc_36_single": ("f", (None,)),
    "train_time_108_single": ("f", (None,)), "test_acc_108_mean3": ("f", (None,)),
    "val_acc_108_runs": ("f", (None, 3)), "test_acc_108_runs": ("f", (None, 3)),
}


def load_nb101(
    source: str = "auto",
    data_dir: Optional[PathLike] = None,
    naslib_data_dir: Optional[PathLike] = None,
    labelled_only: bool = True,
) -> TabularBenchmark:
    """NAS-Bench-101 results on CIFAR-10 (accuracies in percent).

    ``labelled_only=False`` (shared source only) returns all 423,624 cells, so that
    ``rows_of`` finds any valid cell and unlabelled ones read NaN.
    """
    check_param("source", source, str, owner="load_nb101", choices=SOURCES)
    check_param("labelled_only", labelled_only, bool, owner="load_nb101")
    if source == "auto":
        directory = resolve_data_dir(data_dir)
        source = "shared" if directory is not None and (directory / "nb101_labeled.npz").is_file() else "naslib"
        if source == "naslib":
            try:
                naslib_files.naslib_file(naslib_files.NB101_FILE, naslib_data_dir)
            except FileNotFoundError as exc:
                raise FileNotFoundError(
                    "No NAS-Bench-101 data found: neither the shared nb101_labeled.npz (set "
                    f"${DATA_DIR_ENV} or data_dir) nor NASLib's file. {exc}"
                ) from None
    if source == "shared":
        return _load_shared(data_dir, labelled_only)
    path = naslib_files.naslib_file(naslib_files.NB101_FILE, naslib_data_dir)
    hashes, specs, metrics, seeds = naslib_files.read_nb101(path)
    space = NB101Space()
    try:
        archs = space.as_batch(specs)
    except (TypeError, ValueError) as exc:
        raise malformed(path, f"a cell is not a valid NB101 cell ({exc})", naslib_files.REDOWNLOAD) from None
    metrics["flops"] = space.network_flops(archs).astype(np.float64)
    return TabularBenchmark(
        "nb101", "cifar10", archs, metrics, seed_metrics=seeds, keys=hashes,
        source=(f"NASLib file {path}: 108-epoch val/test accuracy, mean over the runs (per-run values as "
                "seeds); flops computed (TF-profiler convention)"),
    )


def _load_shared(data_dir: Optional[PathLike], labelled_only: bool) -> TabularBenchmark:
    path = data_file("nb101_labeled.npz", data_dir)
    lab = _read_consistent(path, {**_GRAPH, **_LABELS})
    lab.update({k: lab[k].astype(np.float64) for k in _LABELS})  # before x100: no float32 rounding
    metrics: Dict[str, np.ndarray] = {
        "val_acc": lab["val_acc_108_single"] * 100,
        "test_acc": lab["test_acc_108_mean3"] * 100,
        "val_acc_4ep": lab["val_acc_4_single"] * 100,
        "val_acc_12ep": lab["val_acc_12_single"] * 100,
        "val_acc_36ep": lab["val_acc_36_single"] * 100,
        "train_time": lab["train_time_108_single"],
        "params": lab["params"],
        "flops": lab["flops"],
    }
    seeds = {"val_acc": lab["val_acc_108_runs"] * 100, "test_acc": lab["test_acc_108_runs"] * 100}
    note = (f"shared {path.name}: val_acc = one 108-epoch run, test_acc = mean of 3 runs (53 cells); "
            "per-run values as seeds where known")
    if labelled_only:
        keep = np.isfinite(metrics["val_acc"]) | np.isfinite(metrics["test_acc"])
        graph = {k: lab[k][keep] for k in _GRAPH}
        metrics = {k: v[keep] for k, v in metrics.items()}
        seeds = {k: v[keep] for k, v in seeds.items()}
        note += "; labelled cells only"
    else:
        space_path = data_file("nb101_space.npz", data_dir)
        graph = _read_consistent(space_path, _GRAPH)
        if len(graph["hash"]) != NUM_CELLS:
            raise malformed(space_path, f"it has {len(graph['hash'])} cells, expected {NUM_CELLS}", _HINT)
        order = np.argsort(graph["hash"])
        pos = order[np.clip(np.searchsorted(graph["hash"], lab["hash"], sorter=order), 0, NUM_CELLS - 1)]
        if not np.array_equal(graph["hash"][pos], lab["hash"]):
            raise malformed(path, f"some labelled cells are not in {space_path.name}", _HINT)
        for name in [m for m in metrics if m not in ("params", "flops")]:
            full = np.full(NUM_CELLS, np.nan)
            full[pos] = metrics[name]
            metrics[name] = full
        metrics["params"], metrics["flops"] = graph["params"], graph["flops"]
        for name, values in seeds.items():
            full = np.full((NUM_CELLS, values.shape[1]), np.nan)
            full[pos] = values
            seeds[name] = full
        note += f"; all cells of {space_path.name} (NaN where unlabelled)"
    try:
        archs = CellBatch.from_packed(graph["adj_packed"], graph["ops"], graph["num_vertices"])
    except ValueError as exc:
        raise malformed(path, f"its cell graphs are invalid ({exc})", _HINT) from None
    return TabularBenchmark("nb101", "cifar10", archs, metrics, seed_metrics=seeds,
                            keys=graph["hash"].astype(str), source=note)


def _read_consistent(path: Path, keys: Dict[str, Tuple[str, Tuple[Optional[int], ...]]]) -> Dict[str, np.ndarray]:
    """``read_npz`` plus one check: every array has one row per cell."""
    data = read_npz(path, keys, _HINT)
    n = len(data["hash"])
    uneven = [k for k, v in data.items() if len(v) != n]
    if uneven:
        raise malformed(path, f"array(s) {uneven} do not have one row per cell ({n})", _HINT)
    return data
