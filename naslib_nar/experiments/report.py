"""From stored search traces to reported numbers: the protocols, curves and summaries.

The one place where ``search`` and ``compare`` reports get their numbers. Everything is
computed from :class:`~naslib_nar.search.trace.SearchTrace` objects and the benchmark,
never from what a method says about itself (SPEC §4):

* protocol (a), NASLib's: the counted label with the best *observed* validation accuracy
  is the incumbent; its truth accuracy is reported;
* protocol (b), the paper's: the best truth accuracy among the counted labels.

"Truth" is :func:`naslib_nar.benchmarks.load.truth_metric`: test accuracy where the data
has it for every labelled architecture, validation accuracy otherwise. Ranks are
per-mille of the table (1 = best, so the optimum of NB201's 15,625 has rank 0.064). Which
labels count is the caller's ``kinds``: the search queries in the paper's regime, every
label (None) in the budget regime; only full-fidelity labels count for the protocols.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

import numpy as np

from ..search.trace import SearchTrace, best_so_far, first_hit, incumbent

PROTOCOLS = {"a": "NASLib: the query with the best observed validation accuracy",
             "b": "paper: the best accuracy among the queries"}
#: Counters a run's trace may report about its sampling and fitting, kept per run.
_INFO_KEYS = ("n_scored", "accepted", "accepted_late", "given_up", "unlabelled_resampled", "t1_fallback_picks",
              "fit_seconds", "n_fits")


# ---------------------------------------------------------------------- one summariser
def summarise(values: Iterable[float], *, nan_policy: str = "propagate",
              best: Optional[str] = "max") -> Dict[str, Any]:
    """Mean, population std (ddof=0), best and the per-seed values of one quantity.

    ``nan_policy`` as in scipy: ``'propagate'`` gives NaN when any seed has none (never a
    partial mean; the search report), ``'omit'`` summarises the finite values (the
    comparison tables, where a seed may lack a value). ``best``: ``'max'``, ``'min'``
    (ranks) or None (no best, e.g. for timings); it is taken over the finite values.
    """
    if nan_policy not in ("propagate", "omit"):
        raise ValueError(f"nan_policy must be 'propagate' or 'omit'; got {nan_policy!r}.")
    arr = np.asarray(list(values), dtype=np.float64)
    finite = arr[np.isfinite(arr)]
    out: Dict[str, Any] = {"mean": float("nan"), "std": float("nan")}
    if finite.size == arr.size > 0:
        out.update(mean=float(arr.mean()), std=float(arr.std()))
    elif finite.size and nan_policy == "omit":
        out.update(mean=float(np.nanmean(arr)), std=float(np.nanstd(arr)))
    if best is not None:
        out["best"] = float("nan") if finite.size == 0 else float(finite.max() if best == "max" else finite.min())
    out["per_seed"] = arr.tolist()
    return out


def fmt_pm(summary: Mapping[str, Any], digits: int = 2, missing: str = "-") -> str:
    """'94.33 ± 0.05', or ``missing`` without a finite mean."""
    if not np.isfinite(summary.get("mean", float("nan"))):
        return missing
    return f"{summary['mean']:.{digits}f} ± {summary['std']:.{digits}f}"


def fmt_best(summary: Mapping[str, Any], digits: int = 2) -> str:
    """'94.33 ± 0.05 (best 94.37)' or 'n/a'."""
    if not np.isfinite(summary.get("mean", float("nan"))):
        return "n/a"
    return f"{fmt_pm(summary, digits)} (best {summary['best']:.{digits}f})"


def fmt_value(value: Optional[float], digits: int = 2) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


# ---------------------------------------------------------------------- one run
def run_record(trace: SearchTrace, bench: Any, truth: str, kinds: Optional[Iterable[str]]) -> Dict[str, Any]:
    """Both protocols and the accounting of one run, counting the labels of ``kinds``."""
    kinds = None if kinds is None else list(kinds)
    record: Dict[str, Any] = {"seed": trace.seed, "method": trace.method}
    for protocol in PROTOCOLS:
        inc = incumbent(trace, bench, truth, protocol, kinds)
        test = bench.metric("test_acc")[inc["row"]] if "test_acc" in bench.metric_names else float("nan")
        record[f"protocol_{protocol}"] = {"row": inc["row"], "accuracy": inc[truth], "val_acc": inc["val_acc"],
                                          "test_acc": float(test), "rank_permille": inc["rank_permille"]}
    full = np.ones(len(trace.rows), dtype=bool) if trace.fidelity is None else trace.fidelity >= trace.full_epochs
    record.update({
        "queries": int(trace.counted(kinds).size), "labels_total": int(len(trace.rows)),
        "labels_full_fidelity": int(full.sum()),
        "labels_by_kind": {k: int(np.sum(trace.kinds == k)) for k in ("train", "val", "search")},
        "wall_seconds": float(trace.wall_seconds), "cost_hours": float(trace.cost_seconds) / 3600.0,
        "first_hit_truth_optimum": first_hit(trace, bench.best_rows(truth), kinds),
        "first_hit_val_optimum": first_hit(trace, bench.best_rows("val_acc"), kinds),
    })
    record.update({key: trace.info[key] for key in _INFO_KEYS if key in trace.info})
    return record


def summarise_runs(records: Sequence[Mapping[str, Any]], truth: str) -> Dict[str, Any]:
    """The search report of one cell: mean ± std (population) and best over seeds, per protocol.

    ``test_acc`` is the incumbent's test accuracy (NaN where the data has none);
    ``accuracy`` is the truth metric named by ``metric``, the number to read.
    """
    out: Dict[str, Any] = {"metric": truth, "seeds": [r["seed"] for r in records]}
    for protocol, meaning in PROTOCOLS.items():
        key = f"protocol_{protocol}"
        out[key] = {"meaning": meaning, "metric": truth}
        for name in ("accuracy", "test_acc", "val_acc"):
            out[key][name] = summarise(r[key][name] for r in records)
        out[key]["rank_permille"] = summarise((r[key]["rank_permille"] for r in records), best="min")
    for name in ("queries", "labels_total", "wall_seconds", "n_scored", "accepted_late", "unlabelled_resampled",
                 "given_up"):
        if all(name in r for r in records):
            out[name] = summarise(r[name] for r in records)
    for name in ("first_hit_truth_optimum", "first_hit_val_optimum"):
        hits = [r[name] for r in records]
        out[name] = {"found": int(sum(h is not None for h in hits)), "runs": len(hits), "per_seed": hits}
    return out


# ---------------------------------------------------------------------- curves
def best_so_far_curve(trace: SearchTrace, bench: Any, truth: str, protocol: str,
                      kinds: Optional[Iterable[str]]) -> np.ndarray:
    """Reported accuracy after each counted label."""
    return best_so_far(trace, bench, truth, protocol, None if kinds is None else list(kinds))


def best_so_far_on_labels(trace: SearchTrace, bench: Any, truth: str, protocol: str, n: int,
                          kinds: Optional[Iterable[str]]) -> np.ndarray:
    """Reported accuracy after 1..n labels of any kind (NaN before the first counted one),
    so runs that spend labels differently share one x axis."""
    kinds = None if kinds is None else list(kinds)
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


def optimum(bench: Any, truth: str) -> float:
    return float(np.nanmax(bench.metric(truth)))


def truth_label(truth: str, space: str) -> str:
    """Plain words for what the accuracies are."""
    if truth == "test_acc":
        return "test accuracy"
    if space == "nb101":
        return ("validation accuracy (single 108-epoch run) on NB101's labelled subspace: test accuracy exists for "
                "53 cells only; ranks are within the labelled cells")
    return "validation accuracy (this data has no test accuracy)"


def hits_text(first_hits: Sequence[Optional[int]]) -> str:
    """'found/runs (median labels at the first hit)'."""
    found = [h for h in first_hits if h is not None]
    return f"{len(found)}/{len(first_hits)}" + (f" ({np.median(found):.0f})" if found else "")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows] + [""]
