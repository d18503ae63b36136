"""``naslib-nar compare``: NAR and the baselines side by side, resumable, tables from disk.

One YAML file (``configs/compare_<space>.yaml``) plans three experiments on one space:

* ``budget_regime``: every method x dataset x budget x seed with *all* labels counted
  (a predictor's training labels included), the comparison NAS users make;
* ``paper_regime``: the paper's Table 2 setting (``nar_paper``: 50*n search queries
  after a separate training set; BOHB with its 12/200-epoch labels), reported with
  queries and simulated cost beside the paper's numbers;
* ``predictor_table``: NAR vs ReNAS-style ranking quality at several training sizes,
  through :func:`naslib_nar.experiments.predictor_eval.evaluate_predictor`.

Runs go to worker processes (``max_workers``, one torch thread each: oversubscribed
OpenMP makes torch several times slower on a small machine). Each finished run is
stored atomically as one JSON file under ``OUT/runs/`` (search) or
``OUT/predictors/`` (predictor evaluation) and is not redone when the command is
started again with the same settings; a run whose settings changed is redone. The
tables and plots (:mod:`.compare_tables`) are computed from those stored files only.
A method whose module or optional dependency is missing, or which does not support the
space, is reported as skipped with the reason.
"""
from __future__ import annotations

import argparse
import json
import time
import traceback
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .._io import atomic_write_json
from ..baselines.registry import why_unavailable
from .compare_config import CompareConfig
from .workers import cached_benchmark, process_pool

RUN_FORMAT = "naslib_nar.compare.run"
RUN_FORMAT_VERSION = 1
CONFIG_FILE = "compare_config.json"
STATUS_FILE = "status.json"


# ---------------------------------------------------------------------- the plan
def search_tasks(cfg: CompareConfig, out: Path, ranker_cache: Optional[Path] = None) -> List[Dict[str, Any]]:
    """One task per stored search run, in a stable order. Fitted paper-regime rankers are
    kept in ``ranker_cache`` (default OUT/rankers) and reused, also by ``naslib-nar search``."""
    tasks = []
    common = {"space": cfg.space, "source": cfg.source, "data_dir": cfg.data_dir,
              "ranker_cache": str(ranker_cache if ranker_cache is not None else out / "rankers")}
    for dataset in cfg.datasets:
        for budget in cfg.budgets:
            for method in cfg.budget_methods:
                for seed in cfg.seeds:
                    tasks.append(dict(common, regime="budget", method=method, dataset=dataset, budget=budget,
                                      seed=seed, params=cfg.budget_params.get(method, {})))
        for method in cfg.paper_methods:
            for seed in cfg.seeds:
                tasks.append(dict(common, regime="paper", method=method, dataset=dataset,
                                  budget=cfg.paper_budget[method], seed=seed, params=cfg.paper_params.get(method, {})))
    for task in tasks:
        task["path"] = str(out / "runs" / run_name(task))
    return tasks


def predictor_tasks(cfg: CompareConfig, out: Path) -> List[Dict[str, Any]]:
    tasks = []
    for dataset in cfg.datasets:
        for size in cfg.train_sizes:
            for predictor in cfg.predictors:
                for seed in cfg.predictor_seeds:
                    task = dict(kind="predictor", space=cfg.space, dataset=dataset, predictor=predictor,
                                train_size=size, val_size=cfg.val_size, test_size=cfg.test_size, seed=seed,
                                params=cfg.predictor_params.get(predictor, {}), source=cfg.source,
                                data_dir=cfg.data_dir)
                    task["dir"] = str(out / "predictors" / f"{predictor}__{dataset}__n{size}__s{seed}")
                    tasks.append(task)
    return tasks


def run_name(task: Mapping[str, Any]) -> str:
    return f"{task['regime']}__{task['dataset']}__{task['method']}__b{task['budget']}__s{task['seed']}.json"


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def stored_run(task: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The stored record of a search task if it exists and matches the task's settings."""
    path = Path(task["path"])
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if record.get("format") != RUN_FORMAT or record.get("version") != RUN_FORMAT_VERSION:
        return None
    return record if _same(record.get("task"), _task_key(task)) else None


def stored_predictor(task: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The stored evaluation of a predictor task if it is complete and matches the task."""
    path = Path(task["dir"]) / "predictor_eval.json"
    if not path.is_file():
        return None
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    cfg = result.get("config", {})
    want = {"space": task["space"], "dataset": task["dataset"], "predictor": task["predictor"],
            "train_size": task["train_size"], "val_size": task["val_size"], "test_size": task["test_size"],
            "seeds": [task["seed"]], "predictor_params": task["params"]}
    ok = all(_same(cfg.get(k), v) for k, v in want.items()) and len(result.get("per_seed", [])) == 1
    return result if ok else None


def _task_key(task: Mapping[str, Any]) -> Dict[str, Any]:
    """What identifies a run. ``data_dir`` is left out on purpose: the same data read from
    another folder gives the same run (the record keeps the benchmark's source text)."""
    return {k: task[k] for k in ("regime", "space", "dataset", "method", "budget", "seed", "params", "source")}


# ---------------------------------------------------------------------- workers
def probe_method(name: str, space: str) -> Optional[str]:
    """None when ``name`` can run on ``space`` here, else why not (a skip reason)."""
    return why_unavailable(name, space)


def execute_search(task: Dict[str, Any]) -> Dict[str, Any]:
    """Run one search task and store its trace atomically; never raises."""
    start = time.perf_counter()
    try:
        from ..baselines.registry import get_method

        bench = cached_benchmark(task["space"], task["dataset"], task["source"], task["data_dir"])
        run = get_method(task["method"])
        extra = {"ranker_cache": task["ranker_cache"]} if task["method"] == "nar_paper" and task.get("ranker_cache") else {}
        trace = run(bench, seed=task["seed"], budget=task["budget"], params=dict(task["params"]), progress=False,
                    **extra)
        record = {"format": RUN_FORMAT, "version": RUN_FORMAT_VERSION, "task": _task_key(task),
                  "bench_source": bench.source, "trace": trace.to_dict(),
                  "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
        atomic_write_json(task["path"], record)
        return {"status": "ok", "seconds": time.perf_counter() - start}
    except (ImportError, NotImplementedError) as exc:
        return {"status": "skipped", "reason": str(exc), "seconds": time.perf_counter() - start}
    except Exception as exc:  # a failed run is reported, the others go on
        return {"status": "failed", "reason": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(),
                "seconds": time.perf_counter() - start}


def execute_predictor(task: Dict[str, Any]) -> Dict[str, Any]:
    """Evaluate one predictor at one training size and seed; never raises."""
    start = time.perf_counter()
    try:
        from .predictor_eval import evaluate_predictor

        evaluate_predictor(space=task["space"], dataset=task["dataset"], predictor=task["predictor"],
                           train_size=task["train_size"], val_size=task["val_size"], test_size=task["test_size"],
                           seeds=[task["seed"]], predictor_params=dict(task["params"]), source=task["source"],
                           data_dir=task["data_dir"], out_dir=task["dir"], progress=False)
        return {"status": "ok", "seconds": time.perf_counter() - start}
    except (ImportError, NotImplementedError) as exc:
        return {"status": "skipped", "reason": str(exc), "seconds": time.perf_counter() - start}
    except Exception as exc:
        return {"status": "failed", "reason": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(),
                "seconds": time.perf_counter() - start}


def _label(task: Mapping[str, Any]) -> str:
    if task.get("kind") == "predictor":
        return f"predictor {task['predictor']} {task['dataset']} n={task['train_size']} seed {task['seed']}"
    return f"{task['regime']} {task['method']} {task['dataset']} budget {task['budget']} seed {task['seed']}"


# ---------------------------------------------------------------------- driver
def _print(message: str) -> None:
    print(message, flush=True)  # progress must reach a log file while the campaign runs


def run_compare(cfg: CompareConfig, out_dir: Any, *, max_workers: Optional[int] = None, report: bool = True,
                log: Optional[Callable[[str], None]] = _print, ranker_cache: Optional[Any] = None) -> Dict[str, Any]:
    """Run every task of ``cfg`` that has no stored result yet, then write the report.

    Returns a status dict: counts of runs done before, run now, skipped and failed, with
    the reasons. ``max_workers=1`` runs everything in this process (no pool).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(out / CONFIG_FILE, cfg.to_dict())
    workers = cfg.max_workers if max_workers is None else max_workers
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"max_workers must be an integer >= 1; got {workers!r}.")
    say = log or (lambda _msg: None)

    skipped: Dict[str, str] = {}
    for method in dict.fromkeys(cfg.budget_methods + cfg.paper_methods):
        reason = probe_method(method, cfg.space)
        if reason is not None:
            skipped[method] = reason
            say(f"skipping method {method}: {reason}")
    cache = Path(ranker_cache) if ranker_cache is not None else None
    searches = [t for t in search_tasks(cfg, out, cache) if t["method"] not in skipped]
    predictors = predictor_tasks(cfg, out)
    todo: List[Tuple[Callable[[Dict[str, Any]], Dict[str, Any]], Dict[str, Any]]] = []
    done_before = 0
    for task in searches:
        if stored_run(task) is None:
            todo.append((execute_search, task))
        else:
            done_before += 1
    for task in predictors:
        if stored_predictor(task) is None:
            todo.append((execute_predictor, task))
        else:
            done_before += 1
    say(f"{done_before} run(s) already stored in {out}, {len(todo)} to run with {workers} worker(s).")

    status: Dict[str, Any] = {"done_before": done_before, "ran": 0, "skipped_methods": skipped,
                              "skipped_runs": [], "failed": []}

    def record(task: Dict[str, Any], result: Dict[str, Any], i: int) -> None:
        label = _label(task)
        if result["status"] == "ok":
            status["ran"] += 1
        elif result["status"] == "skipped":
            status["skipped_runs"].append({"run": label, "reason": result["reason"]})
        else:
            status["failed"].append({"run": label, "reason": result["reason"], "traceback": result.get("traceback")})
        say(f"[{i}/{len(todo)}] {result['status']:<7} {label} ({result['seconds']:.1f} s)"
            + ("" if result["status"] == "ok" else f": {result['reason']}"))

    if workers == 1 or len(todo) <= 1:
        for i, (fn, task) in enumerate(todo, 1):
            record(task, fn(task), i)
    else:

        # spawn, not fork: the parent may hold torch/OpenMP threads, which fork can deadlock
        with process_pool(workers) as pool:
            futures = {pool.submit(fn, task): task for fn, task in todo}
            for i, future in enumerate(as_completed(futures), 1):
                try:
                    result = future.result()
                except Exception as exc:  # the worker process died (e.g. out of memory)
                    result = {"status": "failed", "reason": f"worker process failed: {type(exc).__name__}: {exc}",
                              "seconds": float("nan")}
                record(futures[future], result, i)
    atomic_write_json(out / STATUS_FILE, status)
    if report:
        from .compare_tables import write_report

        paths = write_report(out, cfg)
        say(f"wrote {paths['markdown']} and {paths['csv']}")
    return status


# ---------------------------------------------------------------------- command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="YAML plan (see configs/compare_nb201.yaml); not needed with --report-only")
    parser.add_argument("--out", required=True, help="output directory (runs/, predictors/, compare.md, compare.csv)")
    parser.add_argument("--max-workers", type=int, dest="max_workers", help="worker processes (default: config, 2)")
    parser.add_argument("--report-only", action="store_true",
                        help="only regenerate the tables and plots from the results stored in --out")
    parser.add_argument("--ranker-cache", dest="ranker_cache",
                        help="folder of fitted rankers reused across runs and commands (default: OUT/rankers)")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.report_only:
        from .compare_tables import write_report

        saved = out / CONFIG_FILE
        cfg = CompareConfig.from_yaml(args.config) if args.config else None
        if cfg is None:
            if not saved.is_file():
                raise FileNotFoundError(f"{str(saved)!r} does not exist: pass --config, or run the comparison first.")
            cfg = CompareConfig.from_dict(json.loads(saved.read_text()))
        paths = write_report(out, cfg)
        print(f"wrote {paths['markdown']} and {paths['csv']}")
        return 0
    if not args.config:
        raise ValueError("--config is required (unless --report-only).")
    cfg = CompareConfig.from_yaml(args.config)
    status = run_compare(cfg, out, max_workers=args.max_workers, ranker_cache=args.ranker_cache)
    if status["failed"]:
        print(f"{len(status['failed'])} run(s) failed; see {out / STATUS_FILE} for tracebacks.")
        return 1
    return 0
