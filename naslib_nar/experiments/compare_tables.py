"""Tables and plots of ``naslib-nar compare``, computed from the stored results only.

Inputs are the run files under ``OUT/runs/`` (one :class:`SearchTrace` each), the
predictor evaluations under ``OUT/predictors/`` and the benchmark table (to look up the
accuracy of the rows a trace labelled). Nothing a method reported about itself is used:
both protocols are recomputed from the trace (SPEC §4):

* (a) NASLib's: the labelled architecture with the best *observed* validation accuracy,
  reported by its test accuracy;
* (b) the paper's: the best test accuracy among the labelled architectures (an oracle pick).

Budget regime: every label counts (training labels and low-fidelity labels included) and
the protocols consider full-fidelity labels. Paper regime: only 'search' labels are
considered, as the paper's "queries"; training labels and cost are reported beside.
"""
from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .._io import atomic_write_text
from ..benchmarks.load import load_benchmark, truth_metric
from ..search.trace import SearchTrace, first_hit, incumbent
from .compare import STATUS_FILE, CompareConfig, predictor_tasks, search_tasks, stored_predictor, stored_run

#: Paper numbers (protocol b, test accuracy): NAR Table 2 (NB201) and Table 1 (NB101).
PAPER_RESULTS: Dict[str, Dict[str, Dict[str, Tuple[float, Optional[float]]]]] = {
    "nb201": {
        "nar_paper": {"cifar10": (94.33, 0.05), "cifar100": (72.89, 0.37), "imagenet16": (46.66, 0.23)},
        "bohb": {"cifar10": (93.94, None), "cifar100": (72.00, None), "imagenet16": (45.70, None)},
    },
    "nb101": {
        "nar_paper": {"cifar10": (94.07, 0.09)},
        "renas": {"cifar10": (93.93, 0.09)},
    },
}
_KINDS = {"budget": None, "paper": ("search",)}
_PRED_METRICS = ("kendall_tau", "spearman", "precision_at_10", "precision_at_50", "precision_at_100", "fit_seconds",
                 "query_seconds")


# ---------------------------------------------------------------------- per run
def run_metrics(trace: SearchTrace, bench: Any, truth: str, regime: str) -> Dict[str, float]:
    """Both protocols and the accounting of one stored trace."""
    kinds = _KINDS[regime]
    a = incumbent(trace, bench, truth, "a", kinds)
    b = incumbent(trace, bench, truth, "b", kinds)
    full = np.ones(len(trace.rows), dtype=bool) if trace.fidelity is None else trace.fidelity >= trace.full_epochs
    hit = first_hit(trace, bench.best_rows("val_acc"), kinds)
    return {
        "a_acc": a[truth], "a_rank": a["rank_permille"], "b_acc": b[truth], "b_rank": b["rank_permille"],
        "labels": float(len(trace.rows)), "full_labels": float(full.sum()),
        "search_labels": float(np.sum(trace.kinds == "search")),
        "train_labels": float(np.sum(trace.kinds != "search")),
        "cost_h": float(trace.cost_seconds) / 3600.0, "wall_s": float(trace.wall_seconds),
        "val_optimum_at": float("nan") if hit is None else float(hit),
    }


def best_so_far_grid(trace: SearchTrace, bench: Any, truth: str, protocol: str, n: int,
                     kinds: Optional[Iterable[str]] = None) -> np.ndarray:
    """Reported accuracy after 1..n labels of any kind (NaN before the first counted one)."""
    from ..search.trace import best_so_far

    pos = trace.counted(kinds)
    out = np.full(n, np.nan)
    if pos.size == 0:
        return out
    values = best_so_far(trace, bench, truth, protocol, kinds)
    labels_used = pos + 1  # labels spent (of any kind/fidelity) when each counted label arrived
    idx = np.searchsorted(labels_used, np.arange(1, n + 1), side="right") - 1
    ok = idx >= 0
    out[ok] = values[idx[ok]]
    return out


# ---------------------------------------------------------------------- loading
def load_search_results(out: Path, cfg: CompareConfig) -> List[Tuple[Dict[str, Any], SearchTrace]]:
    """(task, trace) of every planned search run with a matching stored result."""
    found = []
    for task in search_tasks(cfg, out):
        record = stored_run(task)
        if record is not None:
            found.append((task, SearchTrace.from_dict(record["trace"])))
    return found


def load_predictor_results(out: Path, cfg: CompareConfig) -> List[Tuple[Dict[str, Any], Dict[str, Any]]]:
    found = []
    for task in predictor_tasks(cfg, out):
        result = stored_predictor(task)
        if result is not None:
            found.append((task, result["per_seed"][0]))
    return found


# ---------------------------------------------------------------------- formatting
def _pm(values: Sequence[float], digits: int = 2) -> str:
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0 or not np.isfinite(arr).any():
        return "-"
    return f"{np.nanmean(arr):.{digits}f} ± {np.nanstd(arr):.{digits}f}"


def _f(value: float, digits: int = 2) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _hits(metrics: List[Dict[str, float]]) -> str:
    """'found/runs (median labels at the first hit)' for the best-validation architecture."""
    at = np.asarray([m["val_optimum_at"] for m in metrics], dtype=np.float64)
    found = at[np.isfinite(at)]
    return f"{found.size}/{at.size}" + (f" ({np.median(found):.0f})" if found.size else "")


def _summary(metrics: List[Dict[str, float]], key: str) -> Dict[str, float]:
    arr = np.asarray([m[key] for m in metrics], dtype=np.float64)
    return {"mean": float(np.nanmean(arr)), "std": float(np.nanstd(arr)), "best": float(np.nanmax(arr)),
            "min": float(np.nanmin(arr))}


# ---------------------------------------------------------------------- report
def write_report(out_dir: Any, cfg: CompareConfig) -> Dict[str, Path]:
    """Write ``compare.md``, ``compare.csv`` and ``plots/`` from the results stored in ``out_dir``."""
    with warnings.catch_warnings():  # nanmean over seeds that have no value yet at a label count
        warnings.simplefilter("ignore", RuntimeWarning)
        return _write_report(Path(out_dir), cfg)


def _write_report(out: Path, cfg: CompareConfig) -> Dict[str, Path]:
    from .plots import curves

    searches = load_search_results(out, cfg)
    predictions = load_predictor_results(out, cfg)
    status = json.loads((out / STATUS_FILE).read_text()) if (out / STATUS_FILE).is_file() else {}
    csv_rows: List[Dict[str, Any]] = []
    md: List[str] = [f"# Side-by-side comparison on {cfg.space}", ""]
    truth_names: Dict[str, str] = {}
    benches: Dict[str, Any] = {}
    for dataset in cfg.datasets:
        if any(t["dataset"] == dataset for t, _ in searches):
            benches[dataset] = load_benchmark(cfg.space, dataset, source=cfg.source, data_dir=cfg.data_dir)
            truth_names[dataset] = truth_metric(benches[dataset])
    truth_text = ("test accuracy" if set(truth_names.values()) <= {"test_acc"} else
                  "validation accuracy of the labelled subspace (no test accuracy exists for it here)")
    md += [
        f"Datasets {list(cfg.datasets)}, seeds {list(cfg.seeds)}. Every number below is computed from the stored "
        f"traces in `runs/` and evaluations in `predictors/`. Accuracies are {truth_text}, in percent; ranks are "
        "per-mille of the benchmark table (1 = best of 1000) over the architectures with a value.",
        "",
        "* Protocol (a), NASLib's convention: the labelled architecture with the best *observed* validation accuracy "
        "(one random training seed per query where the benchmark has several).",
        "* Protocol (b), the paper's: the best accuracy among the labelled architectures (an oracle pick).",
        "",
    ]
    plots_dir = out / "plots"
    figures: List[str] = []

    # (a) equal label budgets
    budget_runs = [(t, tr) for t, tr in searches if t["regime"] == "budget"]
    if cfg.budget_methods:
        md += ["## (a) Search at equal label budgets", "",
               "Every label counts against the budget: a predictor's training (and validation) labels and "
               "low-fidelity labels (BOHB's 12-epoch results) included. The protocols consider full-fidelity labels. "
               "'labels' = labels spent (full-fidelity / all); 'best-val arch found' = runs that labelled the "
               "benchmark's best-validation architecture (median labels spent when it was first labelled); "
               "cost = simulated training time of all labels, "
               "in GPU hours (benchmark train time x epochs/200).", ""]
        for dataset in cfg.datasets:
            rows = []
            for budget in cfg.budgets:
                series_a, series_b = {}, {}
                for method in cfg.budget_methods:
                    runs = [(t, tr) for t, tr in budget_runs
                            if t["dataset"] == dataset and t["budget"] == budget and t["method"] == method]
                    if not runs:
                        rows.append([budget, method, f"0/{len(cfg.seeds)}"] + ["-"] * 10)
                        continue
                    bench, truth = benches[dataset], truth_names[dataset]
                    metrics = [run_metrics(tr, bench, truth, "budget") for _, tr in runs]
                    rows.append([budget, method, f"{len(runs)}/{len(cfg.seeds)}", _pm([m["a_acc"] for m in metrics]),
                                 _f(_summary(metrics, "a_acc")["best"]), _f(_summary(metrics, "a_rank")["mean"]),
                                 _pm([m["b_acc"] for m in metrics]), _f(_summary(metrics, "b_acc")["best"]),
                                 _f(_summary(metrics, "b_rank")["mean"]), _hits(metrics),
                                 f"{_summary(metrics, 'full_labels')['mean']:.0f} / {_summary(metrics, 'labels')['mean']:.0f}",
                                 _f(_summary(metrics, "cost_h")["mean"], 1), _f(_summary(metrics, "wall_s")["mean"], 1)])
                    csv_rows.append(_csv_row("budget", cfg.space, dataset, method, budget, runs, metrics))
                    series_a[method] = [best_so_far_grid(tr, bench, truth, "a", budget) for _, tr in runs]
                    series_b[method] = [best_so_far_grid(tr, bench, truth, "b", budget) for _, tr in runs]
                if series_a:
                    optimum = float(np.nanmax(benches[dataset].metric(truth_names[dataset])))
                    for protocol, series in (("a", series_a), ("b", series_b)):
                        path = plots_dir / f"best_so_far_{dataset}_b{budget}_{protocol}.png"
                        curves(series, path, xlabel="labels spent (all kinds)",
                               ylabel=f"{truth_names[dataset]} (protocol {protocol})",
                               title=f"{cfg.space} {dataset}: best so far, budget {budget}, protocol ({protocol}); "
                                     "mean ± std over seeds", hline=optimum)
                        figures.append(str(path.relative_to(out)))
            md += [f"### {dataset}", ""]
            md += _table(["budget", "method", "runs", "(a) mean ± std", "(a) best", "(a) rank ‰", "(b) mean ± std",
                          "(b) best", "(b) rank ‰", "best-val arch found", "labels", "cost h", "wall s"], rows)

    # (b) the paper regime
    paper_runs = [(t, tr) for t, tr in searches if t["regime"] == "paper"]
    if cfg.paper_methods:
        md += ["## (b) The paper's regime (Table 2 style)", "",
               "Only 'search' labels are considered by the protocols, as the paper's queries; training labels of the "
               "ranker are counted apart ('train'); 'best-val arch found' counts search queries only (median query "
               "of the first hit). 'queries' includes low-fidelity labels; cost covers all labels "
               "(GPU hours). Paper numbers are protocol (b)"
               + (" on the full NB101 by test accuracy, so not comparable with the labelled subspace here."
                  if cfg.space == "nb101" else "."), ""]
        rows = []
        for dataset in cfg.datasets:
            for method in cfg.paper_methods:
                paper = PAPER_RESULTS.get(cfg.space, {}).get(method, {}).get(dataset)
                paper_text = "-" if paper is None else (f"{paper[0]:.2f}" + ("" if paper[1] is None else f" ± {paper[1]:.2f}"))
                runs = [(t, tr) for t, tr in paper_runs if t["dataset"] == dataset and t["method"] == method]
                if not runs:
                    rows.append([dataset, method, f"0/{len(cfg.seeds)}"] + ["-"] * 9 + [paper_text])
                    continue
                bench, truth = benches[dataset], truth_names[dataset]
                metrics = [run_metrics(tr, bench, truth, "paper") for _, tr in runs]
                rows.append([dataset, method, f"{len(runs)}/{len(cfg.seeds)}", _pm([m["b_acc"] for m in metrics]),
                             _f(_summary(metrics, "b_acc")["best"]), _f(_summary(metrics, "b_rank")["mean"]),
                             _pm([m["a_acc"] for m in metrics]), _hits(metrics),
                             _f(_summary(metrics, "search_labels")["mean"], 0),
                             _f(_summary(metrics, "train_labels")["mean"], 0), _f(_summary(metrics, "cost_h")["mean"], 1),
                             _f(_summary(metrics, "wall_s")["mean"], 1), paper_text])
                row = _csv_row("paper", cfg.space, dataset, method, runs[0][0]["budget"], runs, metrics)
                row["paper_b"] = None if paper is None else paper[0]
                csv_rows.append(row)
        md += _table(["dataset", "method", "runs", "(b) mean ± std", "(b) best", "(b) rank ‰", "(a) mean ± std",
                      "best-val arch found", "queries", "train", "cost h", "wall s", "paper (b)"], rows)

    # (c) predictors
    if cfg.predictors:
        md += ["## (c) Predictors: ranking held-out architectures", "",
               f"Trained on validation accuracy of `train size` random labelled architectures (+ {cfg.val_size} for "
               "epoch selection), tested on the remaining labelled ones against the metric named in each "
               "`predictors/*/predictor_eval.json` (test accuracy for NB201, validation accuracy for NB101's "
               "labelled subset). Mean ± std over seeds. ReNAS paper (full NB101): Kendall tau 0.634 at 424, "
               "0.816 at 4,236 training architectures; NAR paper: 0.797 at 4,236 (Fig. 4).", ""]
        rows = []
        for dataset in cfg.datasets:
            tau_series: Dict[str, List[List[float]]] = {}
            for size in cfg.train_sizes:
                for predictor in cfg.predictors:
                    recs = [r for t, r in predictions
                            if t["dataset"] == dataset and t["train_size"] == size and t["predictor"] == predictor]
                    if not recs:
                        rows.append([dataset, size, predictor, f"0/{len(cfg.predictor_seeds)}"] + ["-"] * 7)
                        continue
                    vals = {k: [r.get(k, np.nan) for r in recs] for k in _PRED_METRICS}
                    rows.append([dataset, size, predictor, f"{len(recs)}/{len(cfg.predictor_seeds)}",
                                 _pm(vals["kendall_tau"], 3), _pm(vals["spearman"], 3),
                                 _pm(vals["precision_at_10"], 2), _pm(vals["precision_at_50"], 2),
                                 _pm(vals["precision_at_100"], 2), _pm(vals["fit_seconds"], 1),
                                 _pm(vals["query_seconds"], 2)])
                    row: Dict[str, Any] = {"table": "predictor", "space": cfg.space, "dataset": dataset,
                                           "method": predictor, "train_size": size, "runs": len(recs)}
                    for k, v in vals.items():
                        row[f"{k}_mean"], row[f"{k}_std"] = float(np.nanmean(v)), float(np.nanstd(v))
                    csv_rows.append(row)
            for predictor in cfg.predictors:
                per_seed = []
                for seed in cfg.predictor_seeds:
                    per_size = []
                    for size in cfg.train_sizes:
                        match = [r for t, r in predictions if t["dataset"] == dataset and t["train_size"] == size
                                 and t["predictor"] == predictor and t["seed"] == seed]
                        per_size.append(match[0]["kendall_tau"] if match else np.nan)
                    per_seed.append(per_size)
                if np.isfinite(np.asarray(per_seed, dtype=np.float64)).any():
                    tau_series[predictor] = per_seed
            if tau_series:
                path = plots_dir / f"kendall_tau_{dataset}.png"
                curves(tau_series, path, xlabel="training architectures", ylabel="Kendall tau",
                       title=f"{cfg.space} {dataset}: ranking quality vs training size",
                       x={p: list(cfg.train_sizes) for p in tau_series})
                figures.append(str(path.relative_to(out)))
        md += _table(["dataset", "train size", "predictor", "seeds", "Kendall tau", "Spearman", "P@10", "P@50",
                      "P@100", "fit s", "query s"], rows)

    md += _status_lines(status)
    if figures:
        md += ["## Figures", ""] + [f"* `{f}`" for f in figures] + [""]
    md_path = atomic_write_text(out / "compare.md", "\n".join(md))
    csv_path = atomic_write_text(out / "compare.csv", _to_csv(csv_rows))
    return {"markdown": md_path, "csv": csv_path, "figures": [out / f for f in figures]}


def _csv_row(regime: str, space: str, dataset: str, method: str, budget: int, runs: Sequence[Any],
             metrics: List[Dict[str, float]]) -> Dict[str, Any]:
    row: Dict[str, Any] = {"table": regime, "space": space, "dataset": dataset, "method": method, "budget": budget,
                           "runs": len(runs)}
    row["val_optimum_found"] = int(np.isfinite([m["val_optimum_at"] for m in metrics]).sum())
    for key in ("a_acc", "a_rank", "b_acc", "b_rank", "labels", "full_labels", "search_labels", "train_labels",
                "cost_h", "wall_s"):
        s = _summary(metrics, key)
        row[f"{key}_mean"], row[f"{key}_std"] = s["mean"], s["std"]
        if key in ("a_acc", "b_acc"):
            row[f"{key}_best"] = s["best"]
    return row


def _to_csv(rows: List[Dict[str, Any]]) -> str:
    columns: List[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue()


def _status_lines(status: Mapping[str, Any]) -> List[str]:
    lines: List[str] = []
    skipped = status.get("skipped_methods") or {}
    runs = status.get("skipped_runs") or []
    failed = status.get("failed") or []
    if skipped or runs:
        lines += ["## Skipped", ""]
        lines += [f"* method `{m}`: {reason}" for m, reason in skipped.items()]
        lines += [f"* {r['run']}: {r['reason']}" for r in runs]
        lines.append("")
    if failed:
        lines += ["## Failed runs (see status.json for tracebacks)", ""]
        lines += [f"* {r['run']}: {r['reason']}" for r in failed] + [""]
    return lines
