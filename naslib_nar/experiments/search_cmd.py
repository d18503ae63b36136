"""``naslib-nar search``: NAR's search over seeds (and an ablation grid), reported both ways.

The plan (:class:`~naslib_nar.experiments.config.SearchConfig`, e.g.
``configs/table2_nb201.yaml``) is datasets x variants x seeds; each is one task of the
harness (:mod:`.harness`), stored as ``OUT/runs/<variant>/<dataset>/seed<k>.json`` and
not redone when the command is started again with the same settings. Tasks run in worker
processes (``max_workers``, one torch thread each) or on Dask (``--executor dask``,
``--scheduler ADDRESS``). The report (:mod:`.search_report`) is computed from the stored
runs only: ``search.json``, ``search.md`` and the best-so-far plots.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import List, Optional

from ..baselines.registry import METHODS
from ..spaces.datasets import DATASETS, SPACES
from .._io import writable_dir
from . import config
from .arguments import add_data_arguments, add_execution_arguments
from .config import SearchConfig
from .harness import RecordStore, Task, run_tasks, warn
from .search_report import write_report
from .tasks import SEARCH, check, execute

#: Command-line flags that replace a config value (None = not given).
OVERRIDES = ("space", "dataset", "method", "budget", "seeds", "source", "data_dir", "max_workers", "executor",
             "scheduler")


def plan(cfg: SearchConfig, out: Path, ranker_cache: Optional[Path] = None) -> List[Task]:
    """One task per (variant, dataset, seed). Fitted rankers are kept in ``ranker_cache``
    (default OUT/rankers) and reused by runs that fit the same ranker (also by ``compare``)."""
    cache = str(ranker_cache if ranker_cache is not None else out / "rankers")
    return [Task(kind=SEARCH, name=f"{v.name}/{dataset}/seed{seed}",
                 key={"variant": v.name, "space": cfg.space, "dataset": dataset, "method": v.method,
                      "budget": v.budget, "params": v.params, "seed": seed, "source": cfg.source},
                 label=f"{v.name} {cfg.space}/{dataset} seed {seed}",
                 options={"data_dir": cfg.data_dir, "ranker_cache": cache})
            for v in cfg.grid for dataset in cfg.datasets for seed in cfg.seeds]


def _print(message: str) -> None:
    print(message, flush=True)  # progress must reach a log file while the runs go on


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="YAML plan (see configs/*.yaml and naslib_nar/experiments/config.py)")
    parser.add_argument("--space", choices=SPACES)
    parser.add_argument("--dataset", choices=DATASETS, help="one dataset (replaces the config's datasets)")
    parser.add_argument("--method", choices=sorted(METHODS))
    parser.add_argument("--budget", type=int, help="labels: search queries (nar_paper) or all labels (nar, renas)")
    parser.add_argument("--seeds", type=int, nargs="+")
    add_data_arguments(parser)
    add_execution_arguments(parser)
    parser.add_argument("--out", required=True, help="output directory (search.json, search.md, plots, runs/)")
    parser.add_argument("--report-only", action="store_true", dest="report_only",
                        help="only rebuild search.json / search.md / plots from the runs stored in --out")
    parser.add_argument("--ranker-cache", dest="ranker_cache",
                        help="folder of fitted rankers reused across runs and commands (default: OUT/rankers)")


def run(args: argparse.Namespace) -> int:
    cfg = config.load(SearchConfig, args.config, {k: getattr(args, k) for k in OVERRIDES})
    out = Path(args.out)
    store = RecordStore(out)
    if args.report_only:
        store.check_exists()
    writable_dir(out, "--out")
    cache = writable_dir(args.ranker_cache, "--ranker-cache") if args.ranker_cache and not args.report_only else None
    tasks = plan(cfg, out, cache)
    failures = []
    if not args.report_only:
        status = run_tasks(tasks, store, execute, executor=cfg.executor, max_workers=cfg.max_workers,
                           scheduler=cfg.scheduler, log=_print, check=check)
        failures = status.failed + status.skipped_runs
    result = write_report(cfg, out, store.results(tasks, warn if args.report_only else None), failures)
    if result is None and args.report_only:
        raise ValueError(f"no run of this config is stored in {out} ({len(tasks)} planned); run the command without "
                         "--report-only first, or pass the config and --out of an earlier run.")
    if result is None:
        first = failures[0] if failures else {"reason": "no run was planned"}
        print(f"naslib-nar search: no run finished in {out}; the first failure:\n"
              f"{first.get('traceback') or first['reason']}")
        return 1
    print((out / "search.md").read_text())
    print(f"wrote {out / 'search.json'}" + (f" ({len(result.get('cells', [1]))} cell(s))" if cfg.is_grid else ""))
    return 1 if failures else 0
