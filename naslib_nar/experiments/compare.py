"""``naslib-nar compare``: NAR and the baselines side by side, resumable, tables from disk.

One YAML file (``configs/compare_<space>.yaml``, :class:`~.config.CompareConfig`) plans
three experiments on one space:

* ``budget_regime``: every method x dataset x budget x seed with *all* labels counted
  (a predictor's training labels included), the comparison NAS users make;
* ``paper_regime``: the paper's Table 2 setting (``nar_paper``: 50*n search queries
  after a separate training set; BOHB with its 12/200-epoch labels), reported with
  queries and simulated cost beside the paper's numbers;
* ``predictor_table``: NAR vs ReNAS-style ranking quality at several training sizes
  (:mod:`.predictor_eval`).

Every run is one task of the harness (:mod:`.harness`): stored as
``OUT/runs/<name>.json`` when it finishes and not redone when the command is started
again with the same settings. Tasks run in worker processes (``max_workers``, one torch
thread each) or on Dask. The tables and plots (:mod:`.compare_tables`) are computed from
the stored records only. A method whose module or optional dependency is missing, or
which does not support the space, is reported as skipped with the reason.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from .._io import atomic_write_json, writable_dir
from . import config
from .arguments import add_execution_arguments
from .compare_tables import write_report
from .config import CompareConfig
from .harness import RecordStore, Task, run_tasks, warn
from .tasks import PREDICTOR, SEARCH, check, execute, unavailable_methods

CONFIG_FILE = "compare_config.json"
STATUS_FILE = "status.json"


# ---------------------------------------------------------------------- the plan
def search_tasks(cfg: CompareConfig, out: Path, ranker_cache: Optional[Path] = None) -> List[Task]:
    """One task per search run, in a stable order. Fitted paper-regime rankers are kept in
    ``ranker_cache`` (default OUT/rankers) and reused, also by ``naslib-nar search``."""
    options = {"data_dir": cfg.data_dir, "ranker_cache": str(ranker_cache if ranker_cache is not None
                                                             else out / "rankers")}
    planned = []
    for dataset in cfg.datasets:
        if cfg.budget_regime is not None:
            for budget in cfg.budget_regime.budgets:
                for method in cfg.budget_regime.methods:
                    planned += [("budget", dataset, method, budget, seed, cfg.budget_regime.params.get(method, {}))
                                for seed in cfg.seeds]
        if cfg.paper_regime is not None:
            for method in cfg.paper_regime.methods:
                planned += [("paper", dataset, method, cfg.paper_regime.budget_of(method), seed,
                             cfg.paper_regime.params.get(method, {})) for seed in cfg.seeds]
    return [Task(kind=SEARCH, name=f"{regime}__{dataset}__{method}__b{budget}__s{seed}",
                 key={"regime": regime, "space": cfg.space, "dataset": dataset, "method": method, "budget": budget,
                      "seed": seed, "params": params, "source": cfg.source},
                 label=f"{regime} {method} {dataset} budget {budget} seed {seed}", options=options)
            for regime, dataset, method, budget, seed, params in planned]


def predictor_tasks(cfg: CompareConfig) -> List[Task]:
    table = cfg.predictor_table
    if table is None:
        return []
    return [Task(kind=PREDICTOR, name=f"predictor__{predictor}__{dataset}__n{size}__s{seed}",
                 key={"space": cfg.space, "dataset": dataset, "predictor": predictor, "train_size": size,
                      "val_size": table.val_size, "test_size": table.test_size, "seed": seed,
                      "params": table.params.get(predictor, {}), "source": cfg.source},
                 label=f"predictor {predictor} {dataset} n={size} seed {seed}", options={"data_dir": cfg.data_dir})
            for dataset in cfg.datasets for size in table.train_sizes for predictor in table.predictors
            for seed in cfg.predictor_seeds]


def _methods(cfg: CompareConfig) -> List[str]:
    return [m for section in (cfg.budget_regime, cfg.paper_regime) if section is not None for m in section.methods]


# ---------------------------------------------------------------------- driver
def _print(message: str) -> None:
    print(message, flush=True)  # progress must reach a log file while the campaign runs


def report(out: Path, cfg: CompareConfig, warn: Optional[Callable[[str], None]] = None,
           require_runs: bool = False) -> Dict[str, Any]:
    """Rebuild compare.md / compare.csv / plots from the records stored in ``out``; ``warn``
    is told about stored files that cannot be used. With ``require_runs``, nothing is
    written and ValueError raised when no run is stored."""
    store = RecordStore(out)
    status = config.read_json(out / STATUS_FILE, "delete it (the report then lists no failures) or run compare "
                              "again") if (out / STATUS_FILE).exists() else {}
    searches, predictors = store.results(search_tasks(cfg, out), warn), store.results(predictor_tasks(cfg), warn)
    if require_runs and not (searches or predictors):
        raise ValueError(f"no run of this comparison is stored in {out}; run compare without --report-only first, "
                         "or pass the --out of an earlier run.")
    return write_report(out, cfg, searches, predictors, status)


def run_compare(cfg: CompareConfig, out_dir: Any, *, log: Optional[Callable[[str], None]] = _print,
                ranker_cache: Optional[Any] = None, write_tables: bool = True) -> Dict[str, Any]:
    """Run every task of ``cfg`` that has no stored result yet, then write the report.

    Returns the status written to ``OUT/status.json``: runs done before, run now, skipped
    (methods and runs, with the reasons), failed (with tracebacks), redone records.
    """
    out = writable_dir(out_dir, "--out")
    cache = writable_dir(ranker_cache, "--ranker-cache") if ranker_cache is not None else None
    atomic_write_json(out / CONFIG_FILE, cfg.model_dump(mode="json"))
    say = log or (lambda _message: None)
    skipped = unavailable_methods(_methods(cfg), cfg.space)
    for method, reason in skipped.items():
        say(f"skipping method {method}: {reason}")
    tasks = [t for t in search_tasks(cfg, out, cache) if t.key["method"] not in skipped] + predictor_tasks(cfg)
    status = run_tasks(tasks, RecordStore(out), execute, executor=cfg.executor, max_workers=cfg.max_workers,
                       scheduler=cfg.scheduler, log=log, check=check)
    result = {**status.to_dict(), "skipped_methods": skipped}
    atomic_write_json(out / STATUS_FILE, result)
    if write_tables:
        paths = report(out, cfg)
        say(f"wrote {paths['markdown']} and {paths['csv']}")
    return result


# ---------------------------------------------------------------------- command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="YAML plan (see configs/compare_nb201.yaml); not needed with --report-only")
    parser.add_argument("--out", required=True, help="output directory (runs/, compare.md, compare.csv, plots/)")
    add_execution_arguments(parser)
    parser.add_argument("--report-only", action="store_true",
                        help="only regenerate the tables and plots from the results stored in --out")
    parser.add_argument("--ranker-cache", dest="ranker_cache",
                        help="folder of fitted rankers reused across runs and commands (default: OUT/rankers)")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    overrides = {k: getattr(args, k) for k in ("max_workers", "executor", "scheduler")}
    if args.report_only:
        RecordStore(out).check_exists()
    if args.report_only and not args.config:
        saved = out / CONFIG_FILE
        if not saved.exists():
            raise FileNotFoundError(f"{str(saved)!r} does not exist: pass --config, or run the comparison first.")
        fix = "pass the comparison's --config with --report-only (compare writes the file again when it runs)."
        raw = config.read_json(saved, fix)
        try:
            cfg = config.parse(CompareConfig, raw, str(saved))
        except config.ConfigError as exc:
            raise config.ConfigError(f"{exc} The stored config was edited or written by another version: {fix}")\
                from None
    elif args.config:
        cfg = config.load(CompareConfig, args.config, overrides)
    else:
        raise ValueError("--config is required (unless --report-only).")
    if args.report_only:
        writable_dir(out, "--out")
        paths = report(out, cfg, warn, require_runs=True)
        print(f"wrote {paths['markdown']} and {paths['csv']}")
        return 0
    status = run_compare(cfg, out, ranker_cache=args.ranker_cache)
    if status["failed"]:
        print(f"{len(status['failed'])} run(s) failed; see {out / STATUS_FILE} for tracebacks.")
        return 1
    return 0
