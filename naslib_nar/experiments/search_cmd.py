"""``naslib-nar search``: run NAR's search over seeds (and an ablation grid), report it.

Each (variant, dataset, seed) is one task. Tasks run in worker processes (``max_workers``,
default 2, one torch thread each: oversubscribed OpenMP threads make torch several times
slower on a small machine); every finished task is stored atomically as
``OUT/runs/<variant>/<dataset>/seed<k>.json`` (its settings and its trace), so an
interrupted command started again redoes only what is missing or whose settings changed.
The report is computed from the stored traces only (:mod:`naslib_nar.experiments.search_report`):

* ``OUT/search.json``: for one (variant, dataset), the keys ``protocol_a``, ``protocol_b``
  (each with ``accuracy`` / ``test_acc`` / ``val_acc`` / ``rank_permille`` as
  ``{mean, std, best, per_seed}``), ``queries``, ``wall_seconds``, ``config`` and
  ``traces``; for a grid, ``config`` and ``cells`` (one such summary per variant and
  dataset, without traces) and the markdown ``table``;
* ``OUT/search.md``: the same in words, beside the paper's numbers when the config has them;
* ``OUT/best_so_far_<dataset>_<a|b>.png``: best-so-far accuracy against counted labels.
"""
from __future__ import annotations

import argparse
import json
import time
import traceback
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .._io import atomic_write_json, atomic_write_text
from ..baselines.registry import get_method
from ..spaces.datasets import DATASETS
from .config import load_yaml_mapping
from .search_config import METHODS, SearchConfig, Variant, parse_config
from .workers import cached_benchmark, process_pool

RUN_FORMAT = "naslib_nar.search.run"


# ---------------------------------------------------------------------- tasks
def tasks(cfg: SearchConfig, out: Path, ranker_cache: Optional[Path] = None) -> List[Dict[str, Any]]:
    cache = str(ranker_cache if ranker_cache is not None else out / "rankers")
    return [{"space": cfg.space, "dataset": dataset, "variant": v.name, "method": v.method, "budget": v.budget,
             "params": v.params, "seed": seed, "source": cfg.source, "data_dir": cfg.data_dir,
             "path": str(out / "runs" / v.name / dataset / f"seed{seed}.json"),
             "ranker_cache": cache}
            for v in cfg.variants for dataset in cfg.datasets for seed in cfg.seeds]


def _identity(task: Dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in task.items() if k not in ("path", "ranker_cache")}, sort_keys=True,
                      default=str)


def stored(task: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The stored result of ``task`` if it exists and was made with the same settings."""
    path = Path(task["path"])
    if not path.is_file():
        return None
    try:
        payload = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if payload.get("format") != RUN_FORMAT or _identity(payload.get("task", {})) != _identity(task):
        return None
    return payload


def execute(task: Dict[str, Any]) -> Dict[str, Any]:
    """Run one seed and store its trace; failures are returned, not raised (other seeds go on)."""
    start = time.perf_counter()
    try:
        bench = cached_benchmark(task["space"], task["dataset"], task["source"], task["data_dir"])
        run = get_method(task["method"])
        extra = {"ranker_cache": task["ranker_cache"]} if task["method"] == "nar_paper" else {}
        trace = run(bench, seed=task["seed"], budget=task["budget"], params=task["params"], **extra)
        atomic_write_json(task["path"], {"format": RUN_FORMAT, "task": task, "trace": trace.to_dict()})
        return {"status": "ok", "seconds": time.perf_counter() - start}
    except Exception as exc:  # noqa: BLE001 - reported with its traceback; the other seeds continue
        return {"status": "failed", "seconds": time.perf_counter() - start, "reason": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()}


def run_tasks(cfg: SearchConfig, out: Path, log=print, ranker_cache: Optional[Path] = None) -> List[Dict[str, Any]]:
    """Run the tasks that have no stored result; returns the failures."""
    todo = [t for t in tasks(cfg, out, ranker_cache) if stored(t) is None]
    log(f"{len(tasks(cfg, out)) - len(todo)} run(s) already stored in {out}; {len(todo)} to run with "
        f"{min(cfg.max_workers, max(len(todo), 1))} worker(s).")
    failures: List[Dict[str, Any]] = []

    def record(task: Dict[str, Any], result: Dict[str, Any], i: int) -> None:
        label = f"{task['variant']} {task['space']}/{task['dataset']} seed {task['seed']}"
        log(f"[{i}/{len(todo)}] {result['status']} {label} ({result['seconds']:.1f} s)"
            + ("" if result["status"] == "ok" else f": {result['reason']}"))
        if result["status"] != "ok":
            failures.append({"run": label, **result})

    if cfg.max_workers == 1 or len(todo) <= 1:
        for i, task in enumerate(todo, 1):
            record(task, execute(task), i)
        return failures
    with process_pool(min(cfg.max_workers, len(todo))) as pool:
        futures = {pool.submit(execute, task): task for task in todo}
        for i, future in enumerate(as_completed(futures), 1):
            record(futures[future], future.result(), i)
    return failures


# ---------------------------------------------------------------------- report
def _cell(cfg: SearchConfig, variant: Variant, dataset: str, out: Path) -> Optional[Dict[str, Any]]:
    from ..benchmarks.load import truth_metric
    from ..search.trace import SearchTrace
    from .search_report import run_record, summarise_runs

    cell_tasks = [t for t in tasks(cfg, out) if t["variant"] == variant.name and t["dataset"] == dataset]
    payloads = [stored(t) for t in cell_tasks]
    traces = [SearchTrace.from_dict(p["trace"]) for p in payloads if p is not None]
    if not traces:
        return None
    bench = cached_benchmark(cfg.space, dataset, cfg.source, cfg.data_dir)
    truth = truth_metric(bench)
    summary = summarise_runs([run_record(tr, bench, truth) for tr in traces], truth)
    summary.update({"variant": variant.name, "method": variant.method, "dataset": dataset, "budget": variant.budget,
                    "params": variant.params, "source": bench.source,
                    "optimum": float(np.nanmax(bench.metric(truth))), "missing_seeds": len(payloads) - len(traces)})
    return {"summary": summary, "traces": traces, "bench": bench}


def _paper_text(numbers: Optional[List[Optional[float]]]) -> str:
    if not numbers or numbers[0] is None:
        return ""
    mean, std, best = numbers
    return f"{mean:.2f}" + (f" ± {std:.2f}" if std is not None else "") + (f" ({best:.2f})" if best is not None else "")


def grid_table(cfg: SearchConfig, cells: List[Dict[str, Any]]) -> str:
    """Variants x datasets beside the paper's numbers (paper numbers are protocol (b))."""
    from .search_report import fmt

    lines = ["| variant | dataset | ours (b) mean ± std (best) | ours (a) mean ± std (best) | paper (b) | "
             "queries | wall s |", "|---|---|---|---|---|---|---|"]
    for cell in cells:
        s = cell["summary"]
        lines.append(f"| {s['variant']} | {s['dataset']} | {fmt(s['protocol_b']['accuracy'])} | "
                     f"{fmt(s['protocol_a']['accuracy'])} | "
                     f"{_paper_text(cfg.paper.get(s['variant'], {}).get(s['dataset']))} | "
                     f"{s['queries']['mean']:.0f} | {s['wall_seconds']['mean']:.1f} |")
    for dataset in cfg.datasets:
        ours = next((c["summary"]["optimum"] for c in cells if c["summary"]["dataset"] == dataset), float("nan"))
        lines.append(f"| optimum | {dataset} | {ours:.2f} | | {_paper_text(cfg.paper.get('optimum', {}).get(dataset))} "
                     "| | |")
    return "\n".join(lines) + "\n"


def write_report(cfg: SearchConfig, out: Path, failures: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """Write search.json, search.md and the plots from the stored runs (None if there are none)."""
    from .search_report import cell_markdown, curves, plot_best_so_far, truth_label

    cells = [c for v in cfg.variants for d in cfg.datasets for c in [_cell(cfg, v, d, out)] if c is not None]
    if not cells:
        return None
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
        for protocol in ("a", "b"):
            if here:
                plot_best_so_far({c["summary"]["variant"]: curves(c["traces"], c["bench"], truths[dataset], protocol)
                                  for c in here}, out / f"best_so_far_{dataset}_{protocol}.png",
                                 truth=truths[dataset], protocol=protocol, optimum=here[0]["summary"]["optimum"],
                                 title=f"{cfg.space} {dataset}: best so far, protocol ({protocol})")
    config = cfg.to_dict()
    if len(cells) == 1 and not cfg.is_grid:
        result = {**cells[0]["summary"], "config": config, "failures": failures,
                  "traces": [tr.to_dict() for tr in cells[0]["traces"]]}
    else:
        result = {"config": config, "failures": failures, "cells": [c["summary"] for c in cells], "table": table}
    atomic_write_json(out / "search.json", result)
    return result


# ---------------------------------------------------------------------- command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="YAML plan (see configs/*.yaml and naslib_nar/experiments/search_config.py)")
    parser.add_argument("--space", choices=("nb101", "nb201"))
    parser.add_argument("--dataset", choices=DATASETS, help="one dataset (replaces the config's datasets)")
    parser.add_argument("--method", choices=METHODS)
    parser.add_argument("--budget", type=int, help="labels: search queries (nar_paper) or all labels (nar, renas)")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--source", choices=("auto", "shared", "embedded", "naslib"))
    parser.add_argument("--data-dir", dest="data_dir")
    parser.add_argument("--max-workers", type=int, dest="max_workers")
    parser.add_argument("--out", required=True, help="output directory (search.json, search.md, plots, runs/)")
    parser.add_argument("--report-only", action="store_true", dest="report_only",
                        help="only rebuild search.json / search.md / plots from the runs stored in --out")
    parser.add_argument("--ranker-cache", dest="ranker_cache",
                        help="folder of fitted rankers reused across runs and commands (default: OUT/rankers)")


def run(args: argparse.Namespace) -> int:
    raw = load_yaml_mapping(args.config) if args.config else {}
    where = f"config file {args.config!r}" if args.config else "search arguments"
    overrides = {k: getattr(args, k) for k in ("space", "dataset", "method", "budget", "seeds", "source", "data_dir",
                                                "max_workers")}
    cfg = parse_config(raw, where, overrides)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures = [] if args.report_only else run_tasks(cfg, out, ranker_cache=Path(args.ranker_cache) if args.ranker_cache
                                                     else None)
    result = write_report(cfg, out, failures)
    if result is None:
        print(f"naslib-nar search: no run finished in {out}; the first failure:\n{failures[0]['traceback']}")
        return 1
    print((out / "search.md").read_text())
    print(f"wrote {out / 'search.json'}" + (f" ({len(result.get('cells', [1]))} cell(s))" if cfg.is_grid else ""))
    return 1 if failures else 0
