"""The compact NAS-Bench-201 table shipped inside the package (``load_nb201(source='packaged')``).

Why it exists: no PyPI package carries NAS-Bench-201 *test* accuracy, so without it a fresh
install could only search on validation accuracy. This ~1.3 MB file is derived from the
project's ``nb201.csv`` and ``nb201_seeds.npz`` (``naslib-nar data build``) and holds
everything the ``'shared'`` loader reads from them, bit for bit, so a fresh install and a
machine with the shared folder give the same search results:

* ``ops``: int8 ``(15625, 6)`` op indices in arch-string order, rows in ``nb201.csv`` order.
* per dataset ``d`` in cifar10 / cifar100 / imagenet16: ``d.val_acc``, ``d.test_acc``,
  ``d.val_acc_12ep``, ``d.test_acc_12ep``, ``d.latency`` (int32) and ``d.train_time``
  (int64) in micro-units: the csv's six decimals as integers, so ``value / 1e6`` is exactly
  the float64 the csv parses to (float32 would be off by up to 4e-6 points);
  ``d.params`` (int32 parameter counts); ``d.val_acc_seeds`` and, for cifar100 /
  imagenet16, ``d.test_acc_seeds`` (float32 ``(15625, 3)`` as in ``nb201_seeds.npz``, NaN
  where a seed is missing).
* ``format``: the layout's name and version, so an old file is refused, not misread.

FLOPs are not stored: the loader computes them as the shared loader does. The file is
written deterministically (fixed member order and zip timestamps), so rebuilding it from
the same csv gives the same bytes and git sees no change.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple, Union

import numpy as np

from .._io import atomic_path
from ..spaces.nb201 import NUM_ARCHS, NB201Space, check_dataset
from ._files import malformed, read_npz
from .base import TabularBenchmark

__all__ = ["PACKAGED_FILE", "LICENSE_FILE", "compact_arrays", "write_compact", "read_compact", "load_packaged"]

PathLike = Union[str, "os.PathLike[str]"]

DATA_FOLDER = Path(__file__).resolve().parent / "data"
PACKAGED_FILE = DATA_FOLDER / "nb201_compact.npz"
LICENSE_FILE = DATA_FOLDER / "LICENSE-NB201.txt"
FORMAT = "naslib_nar NB201 compact table v1"
DATASETS = ("cifar10", "cifar100", "imagenet16")
#: Stored as integer micro-units (value * 1e6), one per architecture, with this dtype:
#: train times reach 2.1e10 us, beyond int32.
FIXED_METRICS = {"val_acc": np.int32, "test_acc": np.int32, "val_acc_12ep": np.int32, "test_acc_12ep": np.int32,
                 "latency": np.int32, "train_time": np.int64}
MICRO = 1e6
#: Per-seed metrics per dataset: what the shared loader reads from nb201_seeds.npz (the
#: benchmark keeps per-seed results of cifar10-valid only, hence no cifar10 test seeds).
SEED_METRICS = {"cifar10": ("val_acc",), "cifar100": ("val_acc", "test_acc"), "imagenet16": ("val_acc", "test_acc")}
_HINT = ("It ships with naslib_nar: reinstall the package (`pip install --force-reinstall naslib-nar`), or "
         "rebuild it from the shared nb201.csv with `naslib-nar data build`.")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest zip timestamp: the same bytes on every rebuild


def layout() -> Dict[str, Tuple[str, Optional[Tuple[int, ...]]]]:
    """Every array of the file: name -> (numpy kind letters, shape), in file order."""
    n = NUM_ARCHS
    keys: Dict[str, Tuple[str, Optional[Tuple[int, ...]]]] = {"format": ("U", ()), "ops": ("i", (n, 6))}
    for ds in DATASETS:
        keys.update({f"{ds}.{m}": ("i", (n,)) for m in FIXED_METRICS})
        keys[f"{ds}.params"] = ("i", (n,))
        keys.update({f"{ds}.{m}_seeds": ("f", (n, 3)) for m in SEED_METRICS[ds]})
    return keys


def compact_arrays(benches: Mapping[str, TabularBenchmark]) -> Dict[str, np.ndarray]:
    """The file's arrays from the ``'shared'`` loader's benchmark of each dataset.

    Building from the loaded benchmarks (not the csv columns) is what makes the packaged
    source equal to the shared one by construction: same rows, same unit conversions.
    """
    missing = [ds for ds in DATASETS if ds not in benches]
    if missing:
        raise ValueError(f"compact_arrays needs the benchmarks of {list(DATASETS)}; {missing} missing.")
    ops = np.asarray(benches["cifar10"].archs, dtype=np.int8)
    arrays: Dict[str, np.ndarray] = {"format": np.array(FORMAT), "ops": ops}
    for ds in DATASETS:
        bench = benches[ds]
        if not np.array_equal(np.asarray(bench.archs), ops):
            raise ValueError(f"compact_arrays: the {ds} benchmark's rows are not in the cifar10 benchmark's order.")
        absent = [m for m in list(FIXED_METRICS) + ["params"] if m not in bench.metric_names]
        absent += [f"per-seed {m}" for m in SEED_METRICS[ds] if m not in bench.seed_metrics]
        if absent:
            raise ValueError(
                f"The {ds} benchmark ({bench.source}) lacks {absent}; the packaged table is built from the "
                "shared nb201.csv together with nb201_seeds.npz (both in the shared data folder)."
            )
        for m, dtype in FIXED_METRICS.items():
            arrays[f"{ds}.{m}"] = _fixed_point(bench.metric(m), dtype, MICRO, f"{ds} {m!r} of {bench.source}")
        params = bench.metric("params")
        arrays[f"{ds}.params"] = _fixed_point(params, np.int32, 1.0, f"{ds} 'params' of {bench.source}")
        for m in SEED_METRICS[ds]:
            seeds = bench.seed_metrics[m].astype(np.float32)
            if not np.array_equal(seeds.astype(np.float64), bench.seed_metrics[m], equal_nan=True):
                raise ValueError(f"The {ds} per-seed {m!r} of {bench.source} are not float32 values, as "
                                 "nb201_seeds.npz holds them; the packaged format needs a new version.")
            arrays[f"{ds}.{m}_seeds"] = seeds
    return arrays


def _fixed_point(values: np.ndarray, dtype: type, scale: float, what: str) -> np.ndarray:
    """``values * scale`` as integers, refused unless ``ints / scale`` gives ``values`` back exactly."""
    scaled = np.round(values * scale)
    fits = np.isfinite(scaled).all() and np.abs(scaled).max() <= np.iinfo(dtype).max
    if not fits or not np.array_equal(scaled / scale, values):
        raise ValueError(
            f"The {what} cannot be stored exactly as {np.dtype(dtype).name} in units of 1/{scale:g} (a missing "
            "value, more decimals than nb201.csv's six, or out of range); the packaged format needs a new version."
        )
    return scaled.astype(dtype)


def write_compact(path: PathLike, arrays: Mapping[str, np.ndarray]) -> Path:
    """Write ``arrays`` as a deflated ``.npz``, atomically and byte-for-byte reproducibly."""
    if list(arrays) != list(layout()):
        raise ValueError(f"write_compact expects the arrays {list(layout())} in that order; got {list(arrays)}.")
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, arr in arrays.items():
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with archive.open(info, "w") as handle:
                    np.lib.format.write_array(handle, np.asarray(arr, order="C"), allow_pickle=False)
        os.chmod(tmp, 0o644)  # a temporary file is private (0600); the published one is package data
    return Path(path)


def read_compact(path: Optional[PathLike] = None) -> Dict[str, np.ndarray]:
    """The file's arrays, checked against :func:`layout` (default: the packaged file)."""
    file = Path(path) if path is not None else PACKAGED_FILE
    if not file.is_file():
        raise FileNotFoundError(
            f"The packaged NAS-Bench-201 table {str(file)!r} is missing: the package was installed without its "
            "data files. Reinstall naslib-nar (`pip install --force-reinstall naslib-nar`), or rebuild the "
            "file with `naslib-nar data build` from the shared nb201.csv."
        )
    arrays = read_npz(file, layout(), _HINT)
    if str(arrays["format"]) != FORMAT:
        raise malformed(file, f"its format is {str(arrays['format'])!r}, this version reads {FORMAT!r}", _HINT)
    ops = arrays["ops"]
    if ops.min() < 0 or ops.max() >= len(NB201Space.op_names):
        raise malformed(file, "array 'ops' must hold op indices 0..4", _HINT)
    return arrays


def load_packaged(dataset: str, path: Optional[PathLike] = None) -> TabularBenchmark:
    """NAS-Bench-201 on ``dataset`` from the packaged table (or the ``.npz`` at ``path``)."""
    dataset = check_dataset(dataset, "load_packaged")
    file = Path(path) if path is not None else PACKAGED_FILE
    arrays = read_compact(file)
    space = NB201Space()
    archs = arrays["ops"].astype(np.int8)
    metrics = {m: arrays[f"{dataset}.{m}"] / MICRO for m in FIXED_METRICS}
    metrics["params"] = arrays[f"{dataset}.params"].astype(np.float64)
    metrics["flops"] = space.network_flops(archs, dataset, include_bn=False).astype(np.float64)
    seeds = {m: arrays[f"{dataset}.{m}_seeds"] for m in SEED_METRICS[dataset]}
    return TabularBenchmark("nb201", dataset, archs, metrics, seed_metrics=seeds, source=provenance(file, dataset))


def provenance(path: Path, dataset: str) -> str:
    """Where the packaged numbers come from and under which licence (``naslib-nar data info``)."""
    seeds = " and ".join(SEED_METRICS[dataset])
    return (f"packaged table {path} (derived from the project's nb201.csv + nb201_seeds.npz by "
            f"`naslib-nar data build`): NAS-Bench-201 / NATS-Bench results by Xuanyi Dong et al., MIT licence "
            f"({LICENSE_FILE.name} beside it); validation and test accuracy, per-seed {seeds}, 12-epoch results, "
            "params, latency, train time; flops computed (NB201 counter convention)")
