"""From stored search traces to the numbers a search reports: both protocols, over seeds.

Everything here is computed from :class:`~naslib_nar.search.trace.SearchTrace` objects and
the benchmark, never from what a method says about itself (SPEC §4):

* protocol (a), NASLib's: the counted label with the best *observed* validation accuracy
  is the incumbent; its truth accuracy is reported;
* protocol (b), the paper's: the best truth accuracy among the counted labels.

"Truth" is :func:`naslib_nar.benchmarks.load.truth_metric`: test accuracy where the data
has it for every labelled architecture (NB201 from the shared tables), validation
accuracy otherwise (NB101's labelled subspace, the embedded NB201 data), and every output
says which. Ranks are per-mille of the labelled architectures (1 = best, so the optimum of
NB201's 15,625 has rank 0.064). The counted labels are the search queries in the paper's
regime and all labels in the budget regime (``trace.info['counted_kinds']``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np

from ..search.trace import SearchTrace, best_so_far, first_hit, incumbent
from .plots import curves as plot_curves

PROTOCOLS = {"a": "NASLib: the query with the best observed validation accuracy",
             "b": "paper: the best accuracy among the queries"}


def _kinds(trace: SearchTrace) -> Optional[List[str]]:
    return trace.info.get("counted_kinds")


def run_record(trace: SearchTrace, bench: Any, truth: str) -> Dict[str, Any]:
    """Both protocols and the accounting of one run."""
    kinds = _kinds(trace)
    record: Dict[str, Any] = {"seed": trace.seed, "method": trace.method}
    for protocol in PROTOCOLS:
        inc = incumbent(trace, bench, truth, protocol, kinds)
        test = bench.metric("test_acc")[inc["row"]] if "test_acc" in bench.metric_names else float("nan")
        record[f"protocol_{protocol}"] = {"row": inc["row"], "accuracy": inc[truth], "val_acc": inc["val_acc"],
                                          "test_acc": float(test), "rank_permille": inc["rank_permille"]}
    info = trace.info
    record.update({
        "queries": int(trace.counted(kinds).size), "labels_total": int(len(trace.rows)),
        "labels_by_kind": {k: int(np.sum(trace.kinds == k)) for k in ("train", "val", "search")},
        "wall_seconds": float(trace.wall_seconds),
        "first_hit_truth_optimum": first_hit(trace, bench.best_rows(truth), kinds),
        "first_hit_val_optimum": first_hit(trace, bench.best_rows("val_acc"), kinds),
    })
    for key in ("n_scored", "accepted", "accepted_late", "given_up", "unlabelled_resampled", "t1_fallback_picks",
                "fit_seconds", "n_fits"):
        if key in info:
            record[key] = info[key]
    return record


def _summary(values: Sequence[float]) -> Dict[str, Any]:
    """mean, population std, best and per-seed values; NaN if any seed has none (never a partial mean)."""
    arr = np.asarray(list(values), dtype=np.float64)
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        return {"mean": float("nan"), "std": float("nan"), "best": float("nan") if not np.isfinite(arr).any()
                else float(np.nanmax(arr)), "per_seed": arr.tolist()}
    return {"mean": float(arr.mean()), "std": float(arr.std()), "best": float(arr.max()), "per_seed": arr.tolist()}


def summarise_runs(records: Sequence[Mapping[str, Any]], truth: str) -> Dict[str, Any]:
    """Mean +- std (population) and best over seeds, per protocol.

    ``test_acc`` is the incumbent's test accuracy (NaN where the data has none);
    ``accuracy`` is the truth metric named by ``metric``, the number to read.
    """
    out: Dict[str, Any] = {"metric": truth, "seeds": [r["seed"] for r in records]}
    for protocol, meaning in PROTOCOLS.items():
        key = f"protocol_{protocol}"
        out[key] = {"meaning": meaning, "metric": truth}
        for field in ("accuracy", "test_acc", "val_acc"):
            out[key][field] = _summary([r[key][field] for r in records])
        ranks = [r[key]["rank_permille"] for r in records]
        out[key]["rank_permille"] = {**_summary(ranks), "best": float(np.min(ranks))}
    for field in ("queries", "labels_total", "wall_seconds", "n_scored", "accepted_late", "unlabelled_resampled",
                  "given_up"):
        if all(field in r for r in records):
            out[field] = _summary([r[field] for r in records])
    for field in ("first_hit_truth_optimum", "first_hit_val_optimum"):
        hits = [r[field] for r in records]
        out[field] = {"found": int(sum(h is not None for h in hits)), "runs": len(hits), "per_seed": hits}
    return out


def curves(traces: Sequence[SearchTrace], bench: Any, truth: str, protocol: str) -> List[np.ndarray]:
    """Best-so-far truth accuracy after each counted label, one array per run."""
    return [best_so_far(tr, bench, truth, protocol, _kinds(tr)) for tr in traces]


def plot_best_so_far(series: Mapping[str, Sequence[np.ndarray]], path: Path, *, truth: str, protocol: str,
                     title: str, optimum: Optional[float]) -> Path:
    return plot_curves(dict(series), path, xlabel="counted labels (queries)",
                       ylabel=f"best so far: {truth} (protocol {protocol})", title=title, hline=optimum)


def fmt(summary: Mapping[str, Any], digits: int = 2) -> str:
    """'94.33 ± 0.05 (best 94.37)' or 'n/a'."""
    if not np.isfinite(summary.get("mean", float("nan"))):
        return "n/a"
    return f"{summary['mean']:.{digits}f} ± {summary['std']:.{digits}f} (best {summary['best']:.{digits}f})"


def truth_label(truth: str, space: str) -> str:
    """Plain words for what the accuracies are."""
    if truth == "test_acc":
        return "test accuracy"
    if space == "nb101":
        return ("validation accuracy (single 108-epoch run) on NB101's labelled subspace: test accuracy exists for "
                "53 cells only; ranks are within the labelled cells")
    return "validation accuracy (this data has no test accuracy)"


def cell_markdown(title: str, summary: Mapping[str, Any], space: str) -> str:
    """One (variant, dataset) result as a markdown block."""
    truth = summary["metric"]
    lines = [f"## {title}", "", f"Accuracies: **{truth_label(truth, space)}**, percent.", "",
             "| protocol | accuracy (mean ± std, best) | rank ‰ (mean, best) |", "|---|---|---|"]
    for protocol, meaning in PROTOCOLS.items():
        p = summary[f"protocol_{protocol}"]
        lines.append(f"| ({protocol}) {meaning} | {fmt(p['accuracy'])} | {p['rank_permille']['mean']:.3f}, "
                     f"{p['rank_permille']['best']:.3f} |")
    lines.append("")
    extras = [("queries counted", "queries", 0), ("labels in total", "labels_total", 0),
              ("wall seconds", "wall_seconds", 1), ("candidates scored", "n_scored", 0),
              ("constrained candidates accepted late", "accepted_late", 1),
              ("unlabelled draws resampled", "unlabelled_resampled", 0), ("slots given up", "given_up", 1)]
    for label, key, digits in extras:
        if key in summary:
            lines.append(f"- {label}: {summary[key]['mean']:.{digits}f} per run")
    hits = [("first_hit_truth_optimum", f"optimum by {truth}")]
    if truth != "val_acc":
        hits.append(("first_hit_val_optimum", "optimum by val_acc"))
    for key, label in hits:
        hit = summary[key]
        lines.append(f"- {label} found in {hit['found']} of {hit['runs']} runs (after query {hit['per_seed']})")
    if summary.get("unlabelled_resampled", {}).get("mean", 0) > 0:
        lines.append("- NB101: only labelled cells can be queried; sampled cells without a label were resampled "
                     "(counted above)")
    return "\n".join(lines) + "\n"
