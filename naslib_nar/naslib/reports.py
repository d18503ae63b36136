"""What our NASLib runners print and write: the search summary and the predictor table.

NASLib's NB201 "test accuracy" is the validation accuracy (it reads ``eval_acc1es`` for
both), so the search summary adds the final architecture's real test accuracy from our
table. The predictor table puts every predictor's NASLib ``errors.json`` records side by
side. Nothing here imports NASLib: inputs are our arrays and NASLib's JSON records.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any, Dict, List, Optional

import numpy as np

from ..benchmarks.load import load_benchmark
from ..spaces.nb101 import NB101Space
from ..spaces.nb201 import NB201Space
from .runner_config import NASSettings

__all__ = ["search_summary", "table_summary", "format_search_summary", "table_row", "format_table"]


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
