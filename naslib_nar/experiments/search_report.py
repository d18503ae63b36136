"""The files ``naslib-nar search`` writes, from the stored runs only (numbers: :mod:`.report`).

* ``OUT/search.json``: for one (variant, dataset), the keys ``protocol_a``, ``protocol_b``
  (each with ``accuracy`` / ``test_acc`` / ``val_acc`` / ``rank_permille`` as
  ``{mean, std, best, per_seed}``), ``queries``, ``wall_seconds``, ``config`` and
  ``traces``; for a grid, ``config`` and ``cells`` (one such summary per variant and
  dataset, without traces) and the markdown ``table``;
* ``OUT/search.md``: the same in words, beside the paper's numbers when the config has them;
* ``OUT/best_so_far_<dataset>_<a|b>.png``: best-so-far accuracy against counted labels.

A run counts the labels its trace names (``info['counted_kinds']``: the search queries in
the paper's regime, every label in the budget regime).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .._io import atomic_write_json, atomic_write_text
from ..benchmarks.load import truth_metric
from ..search.trace import SearchTrace
from . import plots
from .config import SearchConfig, Variant
from .harness import Task
from .report import (
    PROTOCOLS,
    best_so_far_curve,
    fmt_best,
    optimum,
    run_record,
    summarise_runs,
    truth_label,
)
from .tasks import cached_benchmark

Results = Sequence[Tuple[Task, Mapping[str, Any]]]


def _cell(cfg: SearchConfig, variant: Variant, dataset: str, results: Results) -> Optional[Dict[str, Any]]:
    here = [r for t, r in results if t.key["variant"] == variant.name and t.key["dataset"] == dataset]
    traces = [SearchTrace.from_dict(dict(r["trace"])) for r in here]
    if not traces:
        return None
    bench = cached_benchmark(cfg.space, dataset, cfg.source, cfg.data_dir)
    truth = truth_metric(bench)
    summary = summarise_runs([run_record(tr, bench, truth, tr.info.get("counted_kinds")) for tr in traces], truth)
    summary.update({"variant": variant.name, "method": variant.method, "dataset": dataset, "budget": variant.budget,
                    "params": variant.params, "source": bench.source, "optimum": optimum(bench, truth),
                    "missing_seeds": len(cfg.seeds) - len(traces)})
    return {"summary": summary, "traces": traces, "bench": bench}


def _paper_text(numbers: Optional[List[Optional[float]]]) -> str:
    if not numbers or numbers[0] is None:
        return ""
    mean, std, best = numbers
    return f"{mean:.2f}" + (f" ± {std:.2f}" if std is not None else "") + (f" ({best:.2f})" if best is not None else "")


def grid_table(cfg: SearchConfig, cells: List[Dict[str, Any]]) -> str:
    """Variants x datasets beside the paper's numbers (paper numbers are protocol (b))."""
    lines = ["| variant | dataset | ours (b) mean ± std (best) | ours (a) mean ± std (best) | paper (b) | "
             "queries | wall s |", "|---|---|---|---|---|---|---|"]
    for cell in cells:
        s = cell["summary"]
        lines.append(f"| {s['variant']} | {s['dataset']} | {fmt_best(s['protocol_b']['accuracy'])} | "
                     f"{fmt_best(s['protocol_a']['accuracy'])} | "
                     f"{_paper_text(cfg.paper.get(s['variant'], {}).get(s['dataset']))} | "
                     f"{s['queries']['mean']:.0f} | {s['wall_seconds']['mean']:.1f} |")
    for dataset in cfg.datasets:
        ours = next((c["summary"]["optimum"] for c in cells if c["summary"]["dataset"] == dataset), float("nan"))
        lines.append(f"| optimum | {dataset} | {ours:.2f} | | {_paper_text(cfg.paper.get('optimum', {}).get(dataset))} "
                     "| | |")
    return "\n".join(lines) + "\n"


def cell_markdown(title: str, summary: Mapping[str, Any], space: str) -> str:
    """One (variant, dataset) result as a markdown block."""
    truth = summary["metric"]
    lines = [f"## {title}", "", f"Accuracies: **{truth_label(truth, space)}**, percent.", "",
             "| protocol | accuracy (mean ± std, best) | rank ‰ (mean, best) |", "|---|---|---|"]
    for protocol, meaning in PROTOCOLS.items():
        p = summary[f"protocol_{protocol}"]
        lines.append(f"| ({protocol}) {meaning} | {fmt_best(p['accuracy'])} | {p['rank_permille']['mean']:.3f}, "
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


def write_report(cfg: SearchConfig, out: Path, results: Results,
                 failures: Sequence[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    """Write search.json, search.md and the plots from the stored runs (None if there are none)."""
    cells = [c for v in cfg.grid for d in cfg.datasets for c in [_cell(cfg, v, d, results)] if c is not None]
    if not cells:
        return None
    failures = [dict(f) for f in failures]
    truths = {c["summary"]["dataset"]: c["summary"]["metric"] for c in cells}
    head = [f"# NAR search: {cfg.space}, {', '.join(cfg.datasets)}", ""]
    if cfg.description:
        head += [cfg.description, ""]
    head += [f"Seeds {list(cfg.seeds)}; data: {cells[0]['summary']['source']}. Accuracies are "
             f"{'; '.join(f'{d}: {truth_label(t, cfg.space)}' for d, t in truths.items())}. Protocol (a): the "
             "query with the best observed validation accuracy; protocol (b): the best accuracy among the queries "
             "(the paper's numbers are protocol (b), test accuracy). Counted labels: search queries in the paper "
             "regime (nar_paper), all labels in the budget regime (nar, renas).", ""]
    if failures:
        head += [f"**{len(failures)} run(s) failed**: " + "; ".join(f"{f['run']}: {f['reason']}" for f in failures), ""]
    table = grid_table(cfg, cells)
    body = [cell_markdown(f"{c['summary']['variant']} on {c['summary']['dataset']}", c["summary"], cfg.space)
            for c in cells]
    atomic_write_text(out / "search.md", "\n".join(head) + "\n" + table + "\n" + "\n".join(body))
    for dataset in cfg.datasets:
        here = [c for c in cells if c["summary"]["dataset"] == dataset]
        for protocol in PROTOCOLS:
            if here:
                series = {c["summary"]["variant"]: [best_so_far_curve(tr, c["bench"], truths[dataset], protocol,
                                                                      tr.info.get("counted_kinds"))
                                                    for tr in c["traces"]] for c in here}
                plots.curves(series, out / f"best_so_far_{dataset}_{protocol}.png",
                             xlabel="counted labels (queries)",
                             ylabel=f"best so far: {truths[dataset]} (protocol {protocol})",
                             title=f"{cfg.space} {dataset}: best so far, protocol ({protocol})",
                             hline=here[0]["summary"]["optimum"], zoom_after=plots.BEST_SO_FAR_ZOOM)
    config = cfg.to_dict()
    if len(cells) == 1 and not cfg.is_grid:
        result = {**cells[0]["summary"], "config": config, "failures": failures,
                  "traces": [tr.to_dict() for tr in cells[0]["traces"]]}
    else:
        result = {"config": config, "failures": failures, "cells": [c["summary"] for c in cells], "table": table}
    atomic_write_json(out / "search.json", result)
    return result
