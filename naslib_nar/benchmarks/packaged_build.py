"""``naslib-nar data build`` / ``data check``: regenerate and verify the packaged NB201 table.

The packaged file is derived data committed to the repository, so two things must stay
true and be checkable by anyone holding the shared folder: the file is exactly what the
build makes from ``nb201.csv`` + ``nb201_seeds.npz`` today, and the loader reading it gives
the shared loader's numbers bit for bit, including the benchmark's known optima.
"""
from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

from .base import TabularBenchmark
from .nb201 import SHARED_ONLY_METRICS, load_nb201
from .nb201_packaged import DATASETS, PACKAGED_FILE, compact_arrays, load_packaged, read_compact, write_compact
from .paths import DATA_DIR_ENV

__all__ = ["KNOWN_OPTIMA", "rebuild", "build", "check", "run_build", "run_check"]

#: Best validation / test accuracy of each dataset, rounded to 2 decimals (data/README.md).
KNOWN_OPTIMA = {"cifar10": (91.61, 94.37), "cifar100": (73.49, 73.51), "imagenet16": (46.73, 47.31)}


@dataclass(frozen=True)
class Finding:
    """One line of ``data check``: what was compared, whether it held, and the numbers."""

    name: str
    ok: bool
    detail: str


def rebuild(data_dir: Optional[str] = None) -> Dict[str, np.ndarray]:
    """The packaged file's arrays, made in memory from the shared csv + seed file."""
    return compact_arrays(_shared(data_dir))


def _shared(data_dir: Optional[str]) -> Dict[str, TabularBenchmark]:
    return {ds: load_nb201(ds, "shared", data_dir=data_dir) for ds in DATASETS}


def build(data_dir: Optional[str] = None, out: Optional[str] = None) -> Path:
    """Write the packaged table (default: the package's own file) atomically."""
    return write_compact(Path(out) if out else PACKAGED_FILE, rebuild(data_dir))


def check(data_dir: Optional[str] = None, path: Optional[str] = None) -> List[Finding]:
    """Compare the file with a rebuild (bitwise), its loader with the shared loader, and the optima."""
    file = Path(path) if path else PACKAGED_FILE
    stored = read_compact(file)
    shared = _shared(data_dir)
    findings = [_compare_arrays(stored, compact_arrays(shared))]
    for ds in DATASETS:
        packaged = load_packaged(ds, file)
        findings += [_compare_loaders(packaged, shared[ds]), _check_optima(packaged)]
    return findings


def _compare_arrays(stored: Dict[str, np.ndarray], fresh: Dict[str, np.ndarray]) -> Finding:
    if list(stored) != list(fresh):
        return Finding("rebuild", False, f"the file holds {list(stored)}, a rebuild {list(fresh)}")
    differ = [k for k in fresh if stored[k].dtype != fresh[k].dtype or stored[k].shape != fresh[k].shape
              or stored[k].tobytes() != fresh[k].tobytes()]
    if differ:
        worst = {k: _max_diff(stored[k], fresh[k]) for k in differ if stored[k].shape == fresh[k].shape
                 and stored[k].dtype.kind in "fi"}
        return Finding("rebuild", False, f"{len(differ)} of {len(fresh)} arrays differ: {differ[:6]} "
                       f"(max |diff| in stored units {worst}); run `naslib-nar data build` to regenerate the file")
    return Finding("rebuild", True, f"all {len(fresh)} arrays bitwise identical to a rebuild from the shared files")


def _compare_loaders(packaged: TabularBenchmark, shared: TabularBenchmark) -> Finding:
    name = f"{packaged.dataset} values"
    if not np.array_equal(packaged.archs, shared.archs):
        return Finding(name, False, "the rows (architectures) differ from the shared loader's")
    pairs = [(m, packaged.metrics.get(m), v) for m, v in shared.metrics.items() if m not in SHARED_ONLY_METRICS]
    pairs += [(f"per-seed {m}", packaged.seed_metrics.get(m), v) for m, v in shared.seed_metrics.items()]
    problems = [f"{metric} missing" if mine is None else f"{metric} differs (max |diff| {_max_diff(mine, theirs):.3g})"
                for metric, mine, theirs in pairs
                if mine is None or not np.array_equal(mine, theirs, equal_nan=True)]
    if problems:
        return Finding(name, False, "; ".join(problems))
    return Finding(name, True, f"{len(pairs)} metrics ({', '.join(p[0] for p in pairs)}) bitwise equal to the "
                               f"shared loader's for all {len(shared):,} architectures (shared only, not packaged: "
                               f"{', '.join(SHARED_ONLY_METRICS)})")


def _check_optima(bench: TabularBenchmark) -> Finding:
    want = KNOWN_OPTIMA[bench.dataset]
    got = (round(float(np.nanmax(bench.metric("val_acc"))), 2), round(float(np.nanmax(bench.metric("test_acc"))), 2))
    return Finding(f"{bench.dataset} optima", got == want,
                   f"best val / test {got[0]:.2f} / {got[1]:.2f} (expected {want[0]:.2f} / {want[1]:.2f})")


def _max_diff(a: np.ndarray, b: np.ndarray) -> float:
    diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
    return float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0


def _describe(path: Path) -> str:
    data = path.read_bytes()
    return f"{path} ({len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]})"


# ---------------------------------------------------------------------- command line
def run_build(args: argparse.Namespace) -> int:
    """``naslib-nar data build``: write the file, say where and how big."""
    path = build(args.data_dir, args.out)
    print(f"wrote {_describe(path)}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``naslib-nar data check``: 0 when every finding holds, 1 otherwise."""
    file = Path(args.file) if args.file else PACKAGED_FILE
    try:
        findings = check(args.data_dir, args.file)
    except FileNotFoundError as exc:
        if not file.is_file():
            raise
        # Without the shared files only the file's own optima can be checked: say so, fail.
        findings = [_check_optima(load_packaged(ds, file)) for ds in DATASETS]
        findings.insert(0, Finding("rebuild", False, f"not possible here ({exc}); set ${DATA_DIR_ENV} or pass "
                                                     "--data-dir to compare the file with a rebuild"))
    print(f"Checking {_describe(file)}")
    for finding in findings:
        print(f"  {'ok  ' if finding.ok else 'FAIL'}  {finding.name}: {finding.detail}")
    passed = all(f.ok for f in findings)
    print("data check: " + ("passed" if passed else "FAILED"))
    return 0 if passed else 1
