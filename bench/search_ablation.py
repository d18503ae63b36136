"""What each component of NAR's budget-regime search adds: one row per variant (the default,
then the default with one component switched off), read at several label budgets.

The budget-regime NAR does not depend on its budget (``n_init`` is 10 at every budget and
nothing else reads it; ``tests/search/test_nar_searchers.py`` checks that a run's labels
are a prefix of a longer run's), so one run of the largest budget gives the best-so-far at
every smaller one. Each (variant, dataset, seed) is one run in a pool of worker processes
(one torch thread each). Reported per budget: protocol (a) (test accuracy of the labelled
architecture with the best observed validation accuracy) and (b) (best test accuracy
labelled), mean ± std over seeds, and the runs that labelled the benchmark's
best-validation architecture. Beside them, the baselines named by ``--baselines`` (same
seeds, same reading).

    python bench/search_ablation.py                          # NB201 cifar10 + cifar100, 150 labels, seeds 0-9
    python bench/search_ablation.py --datasets cifar10 --seeds 0 1 --budgets 50 100
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench._common import save_results  # noqa: E402
from naslib_nar.baselines.registry import get_method  # noqa: E402
from naslib_nar.benchmarks.load import load_benchmark, truth_metric  # noqa: E402
from naslib_nar.search.trace import best_so_far, first_hit  # noqa: E402

#: Variant name -> (method, parameters): the default first, then one component off each.
VARIANTS: Dict[str, Tuple[str, Dict[str, Any]]] = {
    "nar (default)": ("nar", {}),
    "- Thompson (T1 by score, then T1 probability)": ("nar", {"acquisition": "tier_score"}),
    "- neighbourhoods of the best labelled": ("nar", {"neighbours": 0}),
    "- tier-1 statistics (candidates uniform)": ("nar", {"random_fraction": 1.0}),
    "previous default (128 candidates, T1 by score)": ("nar", {"candidates": 128, "acquisition": "tier_score"}),
}


@lru_cache(maxsize=None)
def _benchmark(dataset: str) -> Any:
    """One table per worker process and dataset (read once, not once per run)."""
    return load_benchmark("nb201", dataset)


def run_one(job: Tuple[str, str, Dict[str, Any], str, int, int]) -> Dict[str, Any]:
    """One search run; the best-so-far under both protocols after every label."""
    variant, method, params, dataset, seed, budget = job
    bench = _benchmark(dataset)
    truth = truth_metric(bench)
    start = time.perf_counter()
    trace = get_method(method)(bench, seed=seed, budget=budget, params=params)
    seconds = time.perf_counter() - start
    best_val_row = int(np.nanargmax(bench.metric("val_acc")))
    return {"variant": variant, "dataset": dataset, "seed": seed, "seconds": seconds,
            "a": best_so_far(trace, bench, truth, "a").tolist(), "b": best_so_far(trace, bench, truth, "b").tolist(),
            "first_hit": first_hit(trace, best_val_row)}


def summarise(runs: List[Dict[str, Any]], budgets: List[int]) -> List[Dict[str, Any]]:
    rows = []
    for variant in dict.fromkeys(r["variant"] for r in runs):
        for dataset in dict.fromkeys(r["dataset"] for r in runs):
            here = [r for r in runs if r["variant"] == variant and r["dataset"] == dataset]
            for budget in budgets:
                a = np.array([r["a"][budget - 1] for r in here])
                b = np.array([r["b"][budget - 1] for r in here])
                hits = sum(r["first_hit"] is not None and r["first_hit"] <= budget for r in here)
                rows.append({"dataset": dataset, "labels": budget, "variant": variant,
                             "(a) mean ± std": f"{a.mean():.2f} ± {a.std():.2f}",
                             "(b) mean ± std": f"{b.mean():.2f} ± {b.std():.2f}",
                             "best-val arch found": f"{hits}/{len(here)}",
                             "s per run": round(float(np.median([r["seconds"] for r in here])), 1)})
    return sorted(rows, key=lambda row: (row["dataset"], row["labels"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["cifar10", "cifar100"])
    parser.add_argument("--seeds", nargs="+", type=int, default=list(range(10)))
    parser.add_argument("--budgets", nargs="+", type=int, default=[100, 150])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--baselines", nargs="*", default=["bananas", "evolution"])
    parser.add_argument("--max-workers", type=int, default=2)
    parser.add_argument("--name", default="search_ablation", help="results file name under bench/results/")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    table = {**{v: VARIANTS[v] for v in args.variants}, **{b: (b, {}) for b in args.baselines}}
    budget = max(args.budgets)
    jobs = [(name, method, params, dataset, seed, budget) for name, (method, params) in table.items()
            for dataset in args.datasets for seed in args.seeds]
    with ProcessPoolExecutor(args.max_workers) as pool:
        runs = list(pool.map(run_one, jobs))
    rows = summarise(runs, sorted(args.budgets))
    save_results(args.name, rows, ["dataset", "labels", "variant", "(a) mean ± std", "(b) mean ± std",
                                   "best-val arch found", "s per run"],
                 seeds=args.seeds, variants={name: {"method": m, "params": p} for name, (m, p) in table.items()},
                 per_run=json.loads(json.dumps([{k: r[k] for k in ("variant", "dataset", "seed", "seconds",
                                                                   "first_hit")} for r in runs])),
                 note=f"one run of {budget} labels per (variant, dataset, seed), read at each budget; "
                      f"{args.max_workers} worker processes, one torch thread each")


if __name__ == "__main__":
    main()
