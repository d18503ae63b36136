"""Wall seconds per search run at a label budget: NAR's budget regime beside regularized
evolution and the BANANAS-like baseline, measured in the same process and run (issue 10:
goal <= 60 s per NAR run at 150 labels on NB201 and NB101 on a 2-core machine).

Each method runs ``--repeats`` times on different seeds (the median is reported, every
time is kept); the first NAR fit of a process pays torch's one-time import of its
compiler stack, so one untimed warm-up run of each method comes first. Wall time
depends on what else runs on the machine: the load average at the start and the end is
recorded beside the timings, and the CPU seconds of the process (one torch thread) beside
the wall seconds, which other jobs on the machine do not inflate.

    python bench/search_cost.py                       # NB201 cifar10 and NB101, 150 labels, 3 repeats
    python bench/search_cost.py --spaces nb201 --repeats 1
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import save_results  # noqa: E402
from naslib_nar.baselines.registry import get_method  # noqa: E402
from naslib_nar.benchmarks.load import load_benchmark  # noqa: E402

METHODS = ("nar", "evolution", "bananas")


def time_method(bench: Any, method: str, budget: int, seeds: List[int]) -> Dict[str, Any]:
    run = get_method(method)
    run(bench, seed=seeds[0] + 1000, budget=budget)  # warm-up (one-time imports), untimed
    times, cpu = [], []
    for seed in seeds:
        start, start_cpu = time.perf_counter(), time.process_time()
        trace = run(bench, seed=seed, budget=budget)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {"space": bench.space, "dataset": bench.dataset, "method": method, "budget": budget,
            "median_s": statistics.median(times), "times_s": [round(t, 2) for t in times],
            "median_cpu_s": statistics.median(cpu), "labels": len(trace.rows), "n_fits": trace.info.get("n_fits", "")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", nargs="+", default=["nb201", "nb101"], choices=["nb201", "nb101"])
    parser.add_argument("--budget", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    for space in args.spaces:
        bench = load_benchmark(space, "cifar10")
        for method in args.methods:
            rows.append(time_method(bench, method, args.budget, list(range(args.repeats))))
            print(rows[-1], flush=True)
    save_results("search_cost", rows, ["space", "dataset", "method", "budget", "median_s", "times_s", "median_cpu_s",
                                       "labels", "n_fits"],
                 load_average_start=f"{load_before[0]:.2f}", load_average_end=f"{os.getloadavg()[0]:.2f}",
                 note="default parameters of every method; seeds 0..repeats-1 after one warm-up run each")


if __name__ == "__main__":
    main()
