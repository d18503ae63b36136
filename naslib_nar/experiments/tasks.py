"""What a worker runs for a :class:`~naslib_nar.experiments.harness.Task`, in any process.

Two kinds of task: ``search`` (one run of a registry method: space, dataset, method,
budget, seed, params, source) and ``predictor`` (one predictor at one training size and
seed). :func:`execute` never raises and returns the result instead of writing it: the
parent stores it (:mod:`.harness`). A worker process loads each benchmark table once and
keeps it for its next tasks.
"""
from __future__ import annotations

import inspect
import time
import traceback
from typing import Any, Callable, Dict, Iterable, Optional, Tuple

from ..baselines.registry import get_method, why_unavailable
from ..benchmarks.load import encode_rows, load_benchmark
from .executors import Outcome
from .harness import Task
from .predictor_eval import evaluate_seed

SEARCH = "search"
PREDICTOR = "predictor"

_BENCHMARKS: Dict[Tuple[Any, ...], Any] = {}
_ENCODED: Dict[Tuple[Any, ...], Any] = {}


def cached_benchmark(space: str, dataset: str, source: str, data_dir: Optional[str]) -> Any:
    """Load a table once per process (a worker runs many tasks on the same table)."""
    key = (space, dataset, source, data_dir)
    if key not in _BENCHMARKS:
        _BENCHMARKS[key] = load_benchmark(space, dataset, source=source, data_dir=data_dir)
    return _BENCHMARKS[key]


def _labelled_encoding(key: Tuple[Any, ...], bench: Any) -> Any:
    if key not in _ENCODED:
        _ENCODED[key] = encode_rows(bench, bench.labelled_rows("val_acc"))
    return _ENCODED[key]


def unavailable_methods(methods: Iterable[str], space: str) -> Dict[str, str]:
    """Method -> why it cannot run on ``space`` here (a missing optional dependency, an
    unsupported space), for the methods of ``methods`` that cannot."""
    reasons = {m: why_unavailable(m, space) for m in dict.fromkeys(methods)}
    return {m: reason for m, reason in reasons.items() if reason is not None}


def _search(task: Task) -> Dict[str, Any]:
    key, options = task.key, task.options
    bench = cached_benchmark(key["space"], key["dataset"], key["source"], options.get("data_dir"))
    run = get_method(key["method"])
    extra = {}
    if options.get("ranker_cache") and "ranker_cache" in inspect.signature(run).parameters:
        extra["ranker_cache"] = options["ranker_cache"]  # fitted rankers shared by runs that fit the same
    trace = run(bench, seed=key["seed"], budget=key["budget"], params=dict(key["params"]), progress=False, **extra)
    return {"bench_source": bench.source, "trace": trace.to_dict()}


def _predictor(task: Task) -> Dict[str, Any]:
    key, options = task.key, task.options
    where = (key["space"], key["dataset"], key["source"], options.get("data_dir"))
    bench = cached_benchmark(*where)
    return evaluate_seed(bench, _labelled_encoding(where, bench), predictor=key["predictor"],
                         train_size=key["train_size"], val_size=key["val_size"], test_size=key["test_size"],
                         seed=key["seed"], params=key["params"], progress=bool(options.get("progress")),
                         scatter=bool(key.get("scatter")))


_KINDS: Dict[str, Callable[[Task], Dict[str, Any]]] = {SEARCH: _search, PREDICTOR: _predictor}


def execute(task: Task) -> Outcome:
    """Run ``task``; a missing dependency is a skip, any other error a failure (reported
    with its traceback while the other tasks go on)."""
    start = time.perf_counter()
    try:
        result = _KINDS[task.kind](task)
        return {"status": "ok", "result": result, "seconds": time.perf_counter() - start}
    except (ImportError, NotImplementedError) as exc:
        return {"status": "skipped", "reason": str(exc), "seconds": time.perf_counter() - start}
    except Exception as exc:  # reported with its traceback; the other tasks go on
        return {"status": "failed", "reason": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(),
                "seconds": time.perf_counter() - start}
