"""What our NASLib runners print and write: the search summary, the predictor table and
the NAS table.

NASLib's NB201 "test accuracy" is the validation accuracy (it reads ``eval_acc1es`` for
both), so the search summary adds the final architecture's real test accuracy from our
table, and the NAS table (optimizers x datasets over seeds) shows both. The predictor table
puts every predictor's NASLib ``errors.json`` records side by side. Nothing here imports
NASLib: inputs are our arrays, our summaries and NASLib's JSON records.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..benchmarks.load import load_benchmark
from ..spaces.nb101 import NB101Space
from ..spaces.nb201 import NB201Space
from ..spaces.datasets import NASLIB_DATASET_NAMES
from .runner_config import NASSettings

__all__ = ["search_summary", "table_summary", "format_search_summary", "table_row", "format_table",
           "nas_table_rows", "format_nas_table"]


def search_summary(settings: NASSettings, archs: Any, *, naslib_test: float, seconds: float, save: str,
                   dataset_api: Any, optimizer_info: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """JSON-ready summary of one search whose final architecture is ``archs`` (a batch of one)."""
    ours = dataset_api.get("naslib_nar", {}) if isinstance(dataset_api, Mapping) else {}
    summary: Dict[str, Any] = {
        "optimizer": settings.optimizer, "search_space": settings.search_space, "dataset": settings.naslib_dataset,
        "seed": settings.seed, "queries": settings.epochs, "search_seconds": round(float(seconds), 2),
        "dataset_api": ours.get("source", "NASLib's official data files"),
        "naslib_test_accuracy": float(naslib_test),
        "naslib_test_accuracy_is": ("validation accuracy (NASLib reads eval_acc1es for TEST_ACCURACY on NB201)"
                                    if settings.space == "nb201" else "the test accuracy of the dataset_api"),
        "errors_json": os.path.join(save, "errors.json"),
    }
    if settings.space == "nb201":
        summary["final_architecture"] = NB201Space().to_strings(archs)[0]
    else:
        summary["final_architecture"] = str(NB101Space().hash(archs)[0])
    if optimizer_info is not None:
        summary["optimizer_info"] = dict(optimizer_info)
    return summary


def table_summary(settings: NASSettings, archs: Any, bench: Any = None) -> Dict[str, Any]:
    """The final architecture's accuracies from our table (``bench``; loaded when None) and
    the table's best, or ``{'table': 'unavailable: why'}`` when the table cannot be loaded."""
    if bench is None:
        try:
            bench = load_benchmark(settings.space, settings.dataset)
        except (FileNotFoundError, ValueError) as exc:
            return {"table": f"unavailable: {exc}"}
    row = int(bench.rows_of(archs, missing="ignore")[0])
    val, test = bench.metric("val_acc"), bench.metric("test_acc")
    best_val = bench.best("val_acc")
    out = {
        "table": bench.source,
        "val_acc": _finite(val[row]) if row >= 0 else None,
        "test_acc": _finite(test[row]) if row >= 0 else None,
        "best_val_acc_in_table": _finite(val[best_val]),
        "test_acc_of_best_val_arch": _finite(test[best_val]),
    }
    if np.isfinite(test).any():
        out["best_test_acc_in_table"] = _finite(np.nanmax(test))
    return out


def _finite(value: Any) -> Optional[float]:
    value = float(value)
    return round(value, 4) if np.isfinite(value) else None


def format_search_summary(s: Mapping[str, Any]) -> str:
    """The lines the nas runner prints (``n/a`` for what the table lacks)."""
    def show(v: Any) -> str:
        return "n/a" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    lines = [
        f"== naslib_nar summary: {s['optimizer']} on {s['search_space']} / {s['dataset']}, "
        f"{s['queries']} queries, seed {s['seed']} ({s['search_seconds']:.1f} s) ==",
        f"final architecture               {s['final_architecture']}",
        f"NASLib Trainer.evaluate()        {show(s['naslib_test_accuracy'])}  ({s['naslib_test_accuracy_is']})",
    ]
    if "val_acc" in s:
        lines += [
            f"validation accuracy (our table)  {show(s['val_acc'])}",
            f"test accuracy (our table)        {show(s['test_acc'])}",
            f"best in table                    val {show(s['best_val_acc_in_table'])} (its test "
            f"{show(s['test_acc_of_best_val_arch'])}), best test {show(s.get('best_test_acc_in_table'))}",
        ]
    else:
        lines.append(f"our table                        {s.get('table')}")
    lines.append(f"NASLib errors.json               {s['errors_json']}")
    return "\n".join(lines)


def table_row(name: str, seed: int, record: Mapping[str, Any]) -> Dict[str, Any]:
    """One row of the predictor table from one record of NASLib's errors.json.

    ``test_set`` is a digest of the record's test accuracies: equal digests show that
    predictors were scored on the same architectures.
    """
    ytest = record.get("full_ytest")
    digest = hashlib.md5(json.dumps(ytest).encode()).hexdigest()[:8] if isinstance(ytest, list) else "n/a"
    row = {"predictor": name, "seed": seed, "train_size": record.get("train_size"), "fidelity": record.get("fidelity"),
           "test_set": digest}
    for key in ("kendalltau", "spearman", "pearson", "precision_20", "mae", "fit_time", "query_time"):
        value = record.get(key)
        row[key] = float(value) if isinstance(value, (int, float)) else float("nan")
    return row


def format_table(rows: List[Dict[str, Any]]) -> str:
    """Markdown table: one line per (train size, predictor), mean over seeds (± std when > 1)."""
    groups: Dict[tuple, List[Dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["train_size"], row["predictor"]), []).append(row)
    order = {name: i for i, name in enumerate(dict.fromkeys(r["predictor"] for r in rows))}
    head = ["train size", "predictor", "Kendall tau", "Spearman", "precision@20", "fit time (s)",
            "query time (ms/arch)", "seeds", "test set"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for (size, name) in sorted(groups, key=lambda key: (key[0], order[key[1]])):
        group = groups[(size, name)]

        def stat(key: str, scale: float = 1.0, digits: int = 3, group: list = group) -> str:
            values = np.array([r[key] for r in group], dtype=np.float64) * scale
            if np.isnan(values).all():
                return "nan"
            text = f"{np.nanmean(values):.{digits}f}"
            return text + (f" ± {np.nanstd(values):.{digits}f}" if len(values) > 1 else "")

        sets = sorted({r["test_set"] for r in group})
        lines.append("| " + " | ".join([
            str(size), name, stat("kendalltau"), stat("spearman"), stat("precision_20", digits=2),
            stat("fit_time", digits=2), stat("query_time", 1000.0, 3), str(len(group)), ",".join(sets),
        ]) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------- NAS table
#: Per-dataset values of our table that every summary of that dataset repeats.
_TABLE_OPTIMA = ("best_test_acc_in_table", "test_acc_of_best_val_arch", "best_val_acc_in_table")


def _stats(values: List[Any]) -> Dict[str, Any]:
    """Mean and population std (ddof=0) of the values that are not None, and their count."""
    arr = np.array([v for v in values if v is not None], dtype=np.float64)
    if arr.size == 0:
        return {"mean": None, "std": None, "n": 0}
    return {"mean": float(arr.mean()), "std": float(arr.std()), "n": int(arr.size)}


def nas_table_rows(summaries: List[Mapping[str, Any]], order: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """One row per (search space, dataset, optimizer) of nas runner summaries: over its seeds,
    the final architecture's test accuracy from our table, NASLib's number and the search
    seconds. Datasets in NASLib's order; optimizers in ``order``, then by name."""
    groups: Dict[tuple, List[Mapping[str, Any]]] = {}
    for s in summaries:
        groups.setdefault((s["search_space"], s["dataset"], s["optimizer"]), []).append(s)
    datasets = list(NASLIB_DATASET_NAMES.values())
    rank = {name: i for i, name in enumerate(order)}

    def key(k: tuple) -> tuple:
        return (k[0], datasets.index(k[1]) if k[1] in datasets else len(datasets), k[1],
                rank.get(k[2], len(rank)), k[2])

    rows = []
    for space, dataset, optimizer in sorted(groups, key=key):
        group = sorted(groups[(space, dataset, optimizer)], key=lambda s: s["seed"])
        row: Dict[str, Any] = {
            "search_space": space, "dataset": dataset, "optimizer": optimizer,
            "seeds": [s["seed"] for s in group], "queries": sorted({s["queries"] for s in group}),
            "test_acc": _stats([s.get("test_acc") for s in group]),
            "naslib_test_accuracy": _stats([s.get("naslib_test_accuracy") for s in group]),
            "search_seconds": _stats([s.get("search_seconds") for s in group]),
        }
        row.update({k: group[0].get(k) for k in _TABLE_OPTIMA})
        rows.append(row)
    return rows


def _mean_std(stats: Mapping[str, Any], n_seeds: int, digits: int = 2) -> str:
    if stats["mean"] is None:
        return "n/a"
    text = f"{stats['mean']:.{digits}f}" + (f" ± {stats['std']:.{digits}f}" if stats["n"] > 1 else "")
    return text + (f" (n={stats['n']})" if stats["n"] != n_seeds else "")


def format_nas_table(rows: List[Mapping[str, Any]]) -> str:
    """Markdown: a line per optimizer and dataset, then the optimum of our table for that dataset."""
    def show(value: Any) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    head = ["search space", "dataset", "optimizer", "queries", "seeds", "test accuracy (our table)",
            "NASLib's number (validation accuracy)", "search seconds"]
    lines = ["Final architecture of each run; mean ± std (population) over seeds. NASLib's number is "
             "Trainer.evaluate(), on NAS-Bench-201 the validation accuracy; the test accuracy is looked up "
             "in our table.", "", "| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for i, row in enumerate(rows):
        n = len(row["seeds"])
        lines.append("| " + " | ".join([
            row["search_space"], row["dataset"], row["optimizer"], ",".join(map(str, row["queries"])), str(n),
            _mean_std(row["test_acc"], n), _mean_std(row["naslib_test_accuracy"], n),
            _mean_std(row["search_seconds"], n, digits=1)]) + " |")
        if i + 1 == len(rows) or rows[i + 1]["dataset"] != row["dataset"] \
                or rows[i + 1]["search_space"] != row["search_space"]:
            lines.append(f"| {row['search_space']} | {row['dataset']} | *optimum of our table* | | | "
                         f"{show(row['best_test_acc_in_table'])} (best-validation architecture: "
                         f"{show(row['test_acc_of_best_val_arch'])}) | {show(row['best_val_acc_in_table'])} | |")
    return "\n".join(lines)
