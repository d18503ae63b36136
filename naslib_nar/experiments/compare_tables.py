"""Tables and plots of ``naslib-nar compare``, from the stored results only (numbers: :mod:`.report`).

Inputs are the stored search runs (one :class:`SearchTrace` each) and predictor
evaluations, with their tasks, and the benchmark table (to look up the accuracy of the
rows a trace labelled). Both protocols are recomputed from the trace (SPEC §4):

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
import warnings
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .._io import atomic_write_text
from ..benchmarks.load import truth_metric
from ..search.trace import SearchTrace
from . import plots
from .config import CompareConfig
from .harness import Task
from .report import (
    best_so_far_on_labels,
    fmt_pm,
    fmt_value,
    hits_text,
    markdown_table,
    optimum,
    run_record,
    summarise,
)
from .tasks import cached_benchmark

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
#: The labels each regime counts (None: all).
REGIME_KINDS: Dict[str, Optional[Tuple[str, ...]]] = {"budget": None, "paper": ("search",)}
_PRED_METRICS = ("kendall_tau", "spearman", "precision_at_10", "precision_at_50", "precision_at_100", "fit_seconds",
                 "query_seconds")
_CSV_KEYS = ("a_acc", "a_rank", "b_acc", "b_rank", "labels", "full_labels", "search_labels", "train_labels",
             "cost_h", "wall_s")

Results = Sequence[Tuple[Task, Mapping[str, Any]]]


# ---------------------------------------------------------------------- per run
def run_metrics(trace: SearchTrace, bench: Any, truth: str, regime: str) -> Dict[str, float]:
    """The columns of one run: both protocols and the accounting, under ``regime``'s counting."""
    rec = run_record(trace, bench, truth, REGIME_KINDS[regime])
    hit = rec["first_hit_val_optimum"]
    return {
        "a_acc": rec["protocol_a"]["accuracy"], "a_rank": rec["protocol_a"]["rank_permille"],
        "b_acc": rec["protocol_b"]["accuracy"], "b_rank": rec["protocol_b"]["rank_permille"],
        "labels": float(rec["labels_total"]), "full_labels": float(rec["labels_full_fidelity"]),
        "search_labels": float(rec["labels_by_kind"]["search"]),
        "train_labels": float(rec["labels_total"] - rec["labels_by_kind"]["search"]),
        "cost_h": rec["cost_hours"], "wall_s": rec["wall_seconds"],
        "val_optimum_at": float("nan") if hit is None else float(hit),
    }


def _column(metrics: Sequence[Mapping[str, float]], key: str) -> Dict[str, Any]:
    return summarise((m[key] for m in metrics), nan_policy="omit")


def _hits(metrics: Sequence[Mapping[str, float]]) -> str:
    """'found/runs (median labels at the first hit)' for the best-validation architecture."""
    return hits_text([None if not np.isfinite(m["val_optimum_at"]) else m["val_optimum_at"] for m in metrics])


# ---------------------------------------------------------------------- report
def write_report(out_dir: Any, cfg: CompareConfig, searches: Results, predictions: Results,
                 status: Mapping[str, Any]) -> Dict[str, Any]:
    """Write ``compare.md``, ``compare.csv`` and ``plots/`` from the stored results."""
    with warnings.catch_warnings():  # nanmean over seeds that have no value yet at a label count
        warnings.simplefilter("ignore", RuntimeWarning)
        return _write_report(Path(out_dir), cfg, searches, predictions, status)


def _runs(searches: Results, regime: str) -> List[Tuple[Dict[str, Any], SearchTrace]]:
    return [(dict(t.key), SearchTrace.from_dict(dict(r["trace"]))) for t, r in searches if t.key["regime"] == regime]


def _write_report(out: Path, cfg: CompareConfig, searches: Results, predictions: Results,
                  status: Mapping[str, Any]) -> Dict[str, Any]:
    csv_rows: List[Dict[str, Any]] = []
    md: List[str] = [f"# Side-by-side comparison on {cfg.space}", ""]
    truth_names: Dict[str, str] = {}
    benches: Dict[str, Any] = {}
    for dataset in cfg.datasets:
        if any(t.key["dataset"] == dataset for t, _ in searches):
            benches[dataset] = cached_benchmark(cfg.space, dataset, cfg.source, cfg.data_dir)
            truth_names[dataset] = truth_metric(benches[dataset])
    truth_text = ("test accuracy" if set(truth_names.values()) <= {"test_acc"} else
                  "validation accuracy of the labelled subspace (no test accuracy exists for it here)")
    md += [
        f"Datasets {list(cfg.datasets)}, seeds {list(cfg.seeds)}. Every number below is computed from the stored "
        f"records in `runs/` (search traces and predictor evaluations). Accuracies are {truth_text}, in percent; ranks are "
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
    budget_runs = _runs(searches, "budget")
    section = cfg.budget_regime
    if section is not None:
        md += ["## (a) Search at equal label budgets", "",
               "Every label counts against the budget: a predictor's training (and validation) labels and "
               "low-fidelity labels (BOHB's 12-epoch results) included. The protocols consider full-fidelity labels. "
               "'labels' = labels spent (full-fidelity / all); 'best-val arch found' = runs that labelled the "
               "benchmark's best-validation architecture (median labels spent when it was first labelled); "
               "cost = simulated training time of all labels, "
               "in GPU hours (benchmark train time x epochs/200).", ""]
        for dataset in cfg.datasets:
            rows = []
            for budget in section.budgets:
                series_a, series_b = {}, {}
                for method in section.methods:
                    runs = [(t, tr) for t, tr in budget_runs
                            if t["dataset"] == dataset and t["budget"] == budget and t["method"] == method]
                    if not runs:
                        rows.append([budget, method, f"0/{len(cfg.seeds)}"] + ["-"] * 10)
                        continue
                    bench, truth = benches[dataset], truth_names[dataset]
                    metrics = [run_metrics(tr, bench, truth, "budget") for _, tr in runs]
                    rows.append([budget, method, f"{len(runs)}/{len(cfg.seeds)}", fmt_pm(_column(metrics, "a_acc")),
                                 fmt_value(_column(metrics, "a_acc")["best"]),
                                 fmt_value(_column(metrics, "a_rank")["mean"]), fmt_pm(_column(metrics, "b_acc")),
                                 fmt_value(_column(metrics, "b_acc")["best"]),
                                 fmt_value(_column(metrics, "b_rank")["mean"]), _hits(metrics),
                                 f"{_column(metrics, 'full_labels')['mean']:.0f} / "
                                 f"{_column(metrics, 'labels')['mean']:.0f}",
                                 fmt_value(_column(metrics, "cost_h")["mean"], 1),
                                 fmt_value(_column(metrics, "wall_s")["mean"], 1)])
                    csv_rows.append(_csv_row("budget", cfg.space, dataset, method, budget, metrics))
                    series_a[method] = [best_so_far_on_labels(tr, bench, truth, "a", budget, REGIME_KINDS["budget"])
                                        for _, tr in runs]
                    series_b[method] = [best_so_far_on_labels(tr, bench, truth, "b", budget, REGIME_KINDS["budget"])
                                        for _, tr in runs]
                if series_a:
                    best = optimum(benches[dataset], truth_names[dataset])
                    for protocol, series in (("a", series_a), ("b", series_b)):
                        path = plots_dir / f"best_so_far_{dataset}_b{budget}_{protocol}.png"
                        plots.curves(series, path, xlabel="labels spent (all kinds)",
                                     ylabel=f"{truth_names[dataset]} (protocol {protocol})",
                                     title=f"{cfg.space} {dataset}: best so far, budget {budget}, protocol "
                                           f"({protocol}); mean ± std over seeds", hline=best,
                                     zoom_after=plots.BEST_SO_FAR_ZOOM)
                        figures.append(str(path.relative_to(out)))
            md += [f"### {dataset}", ""]
            md += markdown_table(["budget", "method", "runs", "(a) mean ± std", "(a) best", "(a) rank ‰",
                                  "(b) mean ± std", "(b) best", "(b) rank ‰", "best-val arch found", "labels",
                                  "cost h", "wall s"], rows)

    # (b) the paper regime
    paper_runs = _runs(searches, "paper")
    paper_section = cfg.paper_regime
    if paper_section is not None:
        md += ["## (b) The paper's regime (Table 2 style)", "",
               "Only 'search' labels are considered by the protocols, as the paper's queries; training labels of the "
               "ranker are counted apart ('train'); 'best-val arch found' counts search queries only (median query "
               "of the first hit). 'queries' includes low-fidelity labels; cost covers all labels "
               "(GPU hours). Paper numbers are protocol (b)"
               + (" on the full NB101 by test accuracy, so not comparable with the labelled subspace here."
                  if cfg.space == "nb101" else "."), ""]
        rows = []
        for dataset in cfg.datasets:
            for method in paper_section.methods:
                paper = PAPER_RESULTS.get(cfg.space, {}).get(method, {}).get(dataset)
                paper_text = "-" if paper is None else (f"{paper[0]:.2f}" + ("" if paper[1] is None
                                                                            else f" ± {paper[1]:.2f}"))
                runs = [(t, tr) for t, tr in paper_runs if t["dataset"] == dataset and t["method"] == method]
                if not runs:
                    rows.append([dataset, method, f"0/{len(cfg.seeds)}"] + ["-"] * 9 + [paper_text])
                    continue
                bench, truth = benches[dataset], truth_names[dataset]
                metrics = [run_metrics(tr, bench, truth, "paper") for _, tr in runs]
                rows.append([dataset, method, f"{len(runs)}/{len(cfg.seeds)}", fmt_pm(_column(metrics, "b_acc")),
                             fmt_value(_column(metrics, "b_acc")["best"]),
                             fmt_value(_column(metrics, "b_rank")["mean"]), fmt_pm(_column(metrics, "a_acc")),
                             _hits(metrics), fmt_value(_column(metrics, "search_labels")["mean"], 0),
                             fmt_value(_column(metrics, "train_labels")["mean"], 0),
                             fmt_value(_column(metrics, "cost_h")["mean"], 1),
                             fmt_value(_column(metrics, "wall_s")["mean"], 1), paper_text])
                row = _csv_row("paper", cfg.space, dataset, method, runs[0][0]["budget"], metrics)
                row["paper_b"] = None if paper is None else paper[0]
                csv_rows.append(row)
        md += markdown_table(["dataset", "method", "runs", "(b) mean ± std", "(b) best", "(b) rank ‰",
                              "(a) mean ± std", "best-val arch found", "queries", "train", "cost h", "wall s",
                              "paper (b)"], rows)

    # (c) predictors
    table = cfg.predictor_table
    if table is not None:
        seeds = cfg.predictor_seeds
        found = [(t.key, r["per_seed"]) for t, r in predictions]
        md += ["## (c) Predictors: ranking held-out architectures", "",
               f"Trained on validation accuracy of `train size` random labelled architectures (+ {table.val_size} for "
               "epoch selection), tested on the remaining labelled ones against the metric named in each "
               "record `runs/predictor__*.json` (test accuracy for NB201, validation accuracy for NB101's "
               "labelled subset). Mean ± std over seeds. ReNAS paper (full NB101): Kendall tau 0.634 at 424, "
               "0.816 at 4,236 training architectures; NAR paper: 0.797 at 4,236 (Fig. 4).", ""]
        rows = []
        for dataset in cfg.datasets:
            tau_series: Dict[str, List[List[float]]] = {}
            for size in table.train_sizes:
                for predictor in table.predictors:
                    recs = [r for k, r in found
                            if k["dataset"] == dataset and k["train_size"] == size and k["predictor"] == predictor]
                    if not recs:
                        rows.append([dataset, size, predictor, f"0/{len(seeds)}"] + ["-"] * 7)
                        continue
                    vals = {k: summarise((r.get(k, np.nan) for r in recs), nan_policy="omit", best=None)
                            for k in _PRED_METRICS}
                    rows.append([dataset, size, predictor, f"{len(recs)}/{len(seeds)}",
                                 fmt_pm(vals["kendall_tau"], 3), fmt_pm(vals["spearman"], 3),
                                 fmt_pm(vals["precision_at_10"], 2), fmt_pm(vals["precision_at_50"], 2),
                                 fmt_pm(vals["precision_at_100"], 2), fmt_pm(vals["fit_seconds"], 1),
                                 fmt_pm(vals["query_seconds"], 2)])
                    row: Dict[str, Any] = {"table": "predictor", "space": cfg.space, "dataset": dataset,
                                           "method": predictor, "train_size": size, "runs": len(recs)}
                    for k, v in vals.items():
                        row[f"{k}_mean"], row[f"{k}_std"] = v["mean"], v["std"]
                    csv_rows.append(row)
            for predictor in table.predictors:
                per_seed = []
                for seed in seeds:
                    per_size = []
                    for size in table.train_sizes:
                        match = [r for k, r in found if k["dataset"] == dataset and k["train_size"] == size
                                 and k["predictor"] == predictor and k["seed"] == seed]
                        per_size.append(match[0]["kendall_tau"] if match else np.nan)
                    per_seed.append(per_size)
                if np.isfinite(np.asarray(per_seed, dtype=np.float64)).any():
                    tau_series[predictor] = per_seed
            if tau_series:
                path = plots_dir / f"kendall_tau_{dataset}.png"
                plots.curves(tau_series, path, xlabel="training architectures", ylabel="Kendall tau",
                             title=f"{cfg.space} {dataset}: ranking quality vs training size",
                             x={p: list(table.train_sizes) for p in tau_series})
                figures.append(str(path.relative_to(out)))
        md += markdown_table(["dataset", "train size", "predictor", "seeds", "Kendall tau", "Spearman", "P@10",
                              "P@50", "P@100", "fit s", "query s"], rows)

    md += _status_lines(status)
    if figures:
        md += ["## Figures", ""] + [f"* `{f}`" for f in figures] + [""]
    md_path = atomic_write_text(out / "compare.md", "\n".join(md))
    csv_path = atomic_write_text(out / "compare.csv", _to_csv(csv_rows))
    return {"markdown": md_path, "csv": csv_path, "figures": [out / f for f in figures]}


def _csv_row(regime: str, space: str, dataset: str, method: str, budget: int,
             metrics: Sequence[Mapping[str, float]]) -> Dict[str, Any]:
    row: Dict[str, Any] = {"table": regime, "space": space, "dataset": dataset, "method": method, "budget": budget,
                           "runs": len(metrics)}
    row["val_optimum_found"] = int(np.isfinite([m["val_optimum_at"] for m in metrics]).sum())
    for key in _CSV_KEYS:
        s = _column(metrics, key)
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
