"""NASLib's own benchmark files, read without importing NASLib.

NASLib users already hold the official data in NASLib's ``naslib/data`` folder
(``get_dataset_api`` loads it from there). This module finds that folder, checks each
file's layout and turns it into arrays. The layouts, as NASLib reads them:

* ``nb201_{cifar10,cifar100,ImageNet16}_full_training.pickle``: ``{arch_str: {key:
  {'eval_acc1es': [per epoch], 'train_acc1es', 'eval_losses', 'train_losses', 'cost_info':
  {'flops' (M), 'params' (M), 'latency' (s), 'train_time' (s)}}}}`` with ``key`` =
  ``'cifar10-valid'`` / ``'cifar100'`` / ``'ImageNet16-120'``. NASLib's
  ``NasBench201SearchSpace.query`` answers both ``VAL_ACCURACY`` and ``TEST_ACCURACY`` with
  ``eval_acc1es[-1]`` of that key (so both are the same number).
* ``nasbench_only108.pkl``: ``{hash: (fixed, computed)}``, ``fixed = {'module_adjacency',
  'module_operations', 'trainable_parameters'}``, ``computed = {epochs: [one dict per run
  with 'final_validation_accuracy', 'final_test_accuracy' (fractions),
  'final_training_time', ...]}``. NASLib's query returns one random run x 100.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np

from ._files import malformed, read_pickle

__all__ = ["NB201_FILES", "NB101_FILE", "find_naslib_data_dir", "naslib_file", "read_nb201", "read_nb101"]

NB201_FILES = {
    "cifar10": "nb201_cifar10_full_training.pickle",
    "cifar100": "nb201_cifar100_full_training.pickle",
    "imagenet16": "nb201_ImageNet16_full_training.pickle",
}
NB101_FILE = "nasbench_only108.pkl"
#: The key of each dataset inside an NB201 pickle, as NASLib's query picks it.
NB201_KEYS = {"cifar10": "cifar10-valid", "cifar100": "cifar100", "imagenet16": "ImageNet16-120"}
_DOWNLOAD = (
    "NASLib's README lists the download links (NAS-Bench-101/201 rows of its benchmark table; the files "
    "are in https://drive.google.com/drive/folders/1rwmkqyij3I24zn5GSO6fGv2mzdEfPIEa); put them in "
    "NASLib's naslib/data folder or pass naslib_data_dir=..."
)
#: Hint for a NASLib file that exists but is unusable.
REDOWNLOAD = "Re-download it (see NASLib's README)."
_EPOCHS = (4, 12, 36, 108)

PathLike = Union[str, "os.PathLike[str]"]


def find_naslib_data_dir(naslib_data_dir: Optional[PathLike] = None) -> Optional[Path]:
    """An explicit folder (which must exist), else installed NASLib's ``naslib/data``, else None.

    Uses ``importlib.util.find_spec``, which locates NASLib without importing it (NASLib's
    import is slow and needs Python <= 3.9).
    """
    if naslib_data_dir is not None:
        path = Path(naslib_data_dir).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(f"The NASLib data folder {str(path)!r} (naslib_data_dir) does not exist.")
        return path
    try:
        spec = importlib.util.find_spec("naslib")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data"
    return path if path.is_dir() else None


def naslib_file(name: str, naslib_data_dir: Optional[PathLike] = None) -> Path:
    """Path of one NASLib data file; a ``FileNotFoundError`` says where to get it."""
    directory = find_naslib_data_dir(naslib_data_dir)
    if directory is None:
        raise FileNotFoundError(
            f"Cannot find NASLib's {name}: no naslib_data_dir was given and no installed NASLib with a "
            f"naslib/data folder was found. {_DOWNLOAD}"
        )
    path = directory / name
    if not path.is_file():
        raise FileNotFoundError(f"Cannot find NASLib's {name} in {str(directory)!r}. {_DOWNLOAD}")
    return path


def read_nb201(path: Path, dataset: str) -> Tuple[List[str], Dict[str, np.ndarray]]:
    """Arch strings and metrics (val_acc, test_acc, params, flops, latency, train_time)."""
    data = read_pickle(path, _DOWNLOAD)
    key = NB201_KEYS[dataset]
    if not isinstance(data, dict) or not data:
        raise malformed(path, f"expected a non-empty dict arch_str -> results, got {type(data).__name__}", _DOWNLOAD)
    archs = list(data)
    cols: Dict[str, List[float]] = {m: [] for m in ("val_acc", "params", "flops", "latency", "train_time")}
    for arch in archs:
        entry = data[arch]
        record = entry.get(key) if isinstance(entry, dict) else None
        if not isinstance(record, dict):
            problem = f"entry {arch!r} has no {key!r} results dict (the {dataset} data NASLib reads)"
            raise malformed(path, problem, _DOWNLOAD)
        curve, cost = record.get("eval_acc1es"), record.get("cost_info")
        if not isinstance(curve, (list, tuple, np.ndarray)) or len(curve) == 0:
            raise malformed(path, f"entry {arch!r}[{key!r}] lacks a non-empty 'eval_acc1es' list", _DOWNLOAD)
        if not isinstance(cost, dict) or not {"params", "flops", "latency", "train_time"} <= set(cost):
            problem = f"entry {arch!r}[{key!r}]['cost_info'] lacks params/flops/latency/train_time"
            raise malformed(path, problem, _DOWNLOAD)
        cols["val_acc"].append(curve[-1])
        cols["params"].append(cost["params"])
        cols["flops"].append(cost["flops"])
        cols["latency"].append(cost["latency"])
        cols["train_time"].append(cost["train_time"])
    metrics = {name: _floats(path, name, values) for name, values in cols.items()}
    metrics["test_acc"] = metrics["val_acc"].copy()
    metrics["params"] = np.round(metrics["params"] * 1e6)
    metrics["flops"] = np.round(metrics["flops"] * 1e6)
    return archs, metrics


def read_nb101(path: Path) -> Tuple[List[str], List[dict], Dict[str, np.ndarray], Dict[str, np.ndarray]]:
    """Hashes, pruned specs, metrics and per-run metrics of NASLib's NB101 pickle.

    Metrics: ``val_acc`` / ``test_acc`` (mean of the runs at 108 epochs, %), ``train_time``
    (mean), ``params``, and ``val_acc_{4,12,36}ep`` when the file has those budgets. Per-run
    ``val_acc`` / ``test_acc`` are ``(n, R)``.
    """
    data = read_pickle(path, _DOWNLOAD)
    if not isinstance(data, dict) or not data:
        problem = f"expected a non-empty dict hash -> (fixed, computed), got {type(data).__name__}"
        raise malformed(path, problem, _DOWNLOAD)
    hashes, specs = list(data), []
    params: List[Any] = []
    runs: Dict[str, List[List[float]]] = {"val": [], "test": [], "time": []}
    budgets: Dict[int, List[float]] = {e: [] for e in _EPOCHS[:-1]}
    for h in hashes:
        item = data[h]
        fixed, computed = item if isinstance(item, (tuple, list)) and len(item) == 2 else (None, None)
        if not isinstance(fixed, dict) or not isinstance(computed, dict):
            raise malformed(path, f"entry {h!r} is not a (fixed_statistics, computed_statistics) pair", _DOWNLOAD)
        if not {"module_adjacency", "module_operations", "trainable_parameters"} <= set(fixed):
            raise malformed(path, f"entry {h!r} fixed statistics lack module_adjacency/module_operations/"
                                  "trainable_parameters", _DOWNLOAD)
        final = computed.get(108)
        if not isinstance(final, (list, tuple)) or not final or not all(_has_final(r) for r in final):
            raise malformed(path, f"entry {h!r} has no 108-epoch runs with final_validation_accuracy, "
                                  "final_test_accuracy and final_training_time", _DOWNLOAD)
        specs.append({"matrix": np.asarray(fixed["module_adjacency"]), "ops": list(fixed["module_operations"])})
        params.append(fixed["trainable_parameters"])
        runs["val"].append([r["final_validation_accuracy"] for r in final])
        runs["test"].append([r["final_test_accuracy"] for r in final])
        runs["time"].append([r["final_training_time"] for r in final])
        for e in budgets:
            other = computed.get(e)
            ok = isinstance(other, (list, tuple)) and other and all(_has_final(r) for r in other)
            budgets[e].append(float(np.mean([r["final_validation_accuracy"] for r in other])) if ok else np.nan)
    per_run = {k: _padded(path, k, v) for k, v in runs.items()}
    metrics = {
        "val_acc": np.nanmean(per_run["val"], axis=1) * 100,
        "test_acc": np.nanmean(per_run["test"], axis=1) * 100,
        "train_time": np.nanmean(per_run["time"], axis=1),
        "params": _floats(path, "trainable_parameters", params),
    }
    for e, values in budgets.items():
        if np.isfinite(values).any():
            metrics[f"val_acc_{e}ep"] = np.asarray(values) * 100
    return hashes, specs, metrics, {"val_acc": per_run["val"] * 100, "test_acc": per_run["test"] * 100}


_FINAL = {"final_validation_accuracy", "final_test_accuracy", "final_training_time"}


def _has_final(run: Any) -> bool:
    return isinstance(run, dict) and _FINAL <= set(run)


def _floats(path: Path, name: str, values: List[Any]) -> np.ndarray:
    try:
        return np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise malformed(path, f"the {name!r} values are not all numbers", _DOWNLOAD) from None


def _padded(path: Path, name: str, rows: List[List[Any]]) -> np.ndarray:
    """Ragged per-run lists -> (n, max runs) float64, NaN-padded."""
    width = max(len(r) for r in rows)
    out = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        out[i, : len(r)] = _floats(path, name, list(r))
    return out
