"""What a worker runs for a :class:`~naslib_nar.experiments.harness.Task`, in any process.

Three kinds of task: ``search`` (one run of a registry method: space, dataset, method,
budget, seed, params, source), ``predictor`` (one predictor at one training size and
seed) and ``protocol`` (one predictor of a ``--protocol`` evaluation at one training
dataset, size and seed, scored on the whole space of every dataset). :func:`execute`
never raises and returns the result instead of writing it: the parent stores it
(:mod:`.harness`), with the warnings the task raised (one line each, for the parent to
show once). A worker process loads each benchmark table once and keeps it for its next
tasks.

:func:`check` is what the parent runs before any worker starts: a search task's searcher
is started on its benchmark exactly as a run starts it (the runner's budget clipping
included) and stopped at its first ask, so that what a run would reject before its first
label (a training set larger than the space, ``n_init`` above the budget) is one error
now instead of a failure in every worker later.
"""
from __future__ import annotations

import json
import time
import traceback
import warnings
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from ..baselines.registry import RUNNER_PARAMS, SEARCHERS, build_searcher, get_method, why_unavailable
from ..benchmarks.load import encode_rows, load_benchmark
from ..spaces.datasets import DATASETS_OF
from ..search.runner import run_search
from ..search.searcher import Searcher
from .executors import Outcome
from .._io import writable_dir
from .harness import RecordStore, Task, run_tasks
from .predictor_eval import check_sizes, evaluate_seed
from .protocol_eval import check_train_size, score_whole_space
from .protocols import PROTOCOLS

SEARCH = "search"
PREDICTOR = "predictor"
PROTOCOL = "protocol"

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
    if options.get("ranker_cache") and "ranker_cache" in SEARCHERS[key["method"]][1]:
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


def _protocol(task: Task) -> Dict[str, Any]:
    key, options = task.key, task.options
    where = (key["space"], key["train_dataset"], key["source"], options.get("data_dir"))
    bench = cached_benchmark(*where)
    targets = {ds: cached_benchmark(key["space"], ds, key["source"], options.get("data_dir"))
               for ds in DATASETS_OF[key["space"]]}
    return score_whole_space(bench, _labelled_encoding(where, bench), targets,
                             PROTOCOLS[key["protocol"]].spaces[key["space"]].truths, predictor=key["predictor"],
                             train_size=key["train_size"], seed=key["seed"], params=key["params"],
                             progress=bool(options.get("progress")))


_KINDS: Dict[str, Callable[[Task], Dict[str, Any]]] = {SEARCH: _search, PREDICTOR: _predictor, PROTOCOL: _protocol}


def _one_line(caught: Iterable[warnings.WarningMessage]) -> List[str]:
    """Distinct warning messages, each on one line, in the order first raised (recorded
    under the filters in force: what they ignore stays ignored)."""
    return list(dict.fromkeys(" ".join(str(w.message).split()) for w in caught))


def execute(task: Task) -> Outcome:
    """Run ``task``; a missing dependency is a skip, any other error a failure (reported
    with its traceback while the other tasks go on)."""
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        try:
            outcome: Outcome = {"status": "ok", "result": _KINDS[task.kind](task)}
        except (ImportError, NotImplementedError) as exc:
            outcome = {"status": "skipped", "reason": str(exc)}
        except Exception as exc:  # reported with its traceback; the other tasks go on
            outcome = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}",
                       "traceback": traceback.format_exc()}
    return {**outcome, "seconds": time.perf_counter() - start, "warnings": _one_line(caught)}


# ---------------------------------------------------------------------- checks before any worker
class _FirstAsk(Exception):
    """Ends a dry start at the searcher's first ask: it started without a problem."""


class _StopAtFirstAsk:
    """``searcher`` as the runner sees it, except that its first ask ends the run."""

    def __init__(self, searcher: Searcher) -> None:
        self._searcher = searcher

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)

    def ask(self, n: int) -> Any:
        raise _FirstAsk


def _check_search(task: Task) -> None:
    key = task.key
    bench = cached_benchmark(key["space"], key["dataset"], key["source"], task.options.get("data_dir"))
    searcher_class, _ = SEARCHERS[key["method"]]
    params = dict(key["params"])
    runner = {name: params.pop(name) for name in RUNNER_PARAMS if name in params}
    searcher = build_searcher(searcher_class, bench.space, params, owner=f"search method {key['method']!r}")
    try:
        run_search(_StopAtFirstAsk(searcher), bench, seed=key["seed"], budget=key["budget"], **runner)
    except _FirstAsk:
        pass


def _check_predictor(task: Task) -> None:
    key = task.key
    bench = cached_benchmark(key["space"], key["dataset"], key["source"], task.options.get("data_dir"))
    check_sizes(len(bench.labelled_rows("val_acc")), key["train_size"], key["val_size"], bench.space,
                key["test_size"])


def _check_protocol(task: Task) -> None:
    key = task.key
    bench = cached_benchmark(key["space"], key["train_dataset"], key["source"], task.options.get("data_dir"))
    check_train_size(len(bench.labelled_rows("val_acc")), key["train_size"], bench.space)


_CHECKS: Dict[str, Callable[[Task], None]] = {SEARCH: _check_search, PREDICTOR: _check_predictor,
                                              PROTOCOL: _check_protocol}
#: Checks done in this process: key without the seed (a start depends on the seed only
#: through its random draws) and data folder -> the warnings they raised.
_CHECKED: Dict[str, List[str]] = {}


def check(task: Task) -> List[str]:
    """Start ``task`` as its worker would, without a label or a fit; return its warnings
    (one line each). A problem raises (ValueError or TypeError) before any worker starts;
    a missing optional dependency is left to the worker, which reports it as a skip."""
    same = json.dumps([{k: v for k, v in task.identity.items() if k != "seed"}, task.options.get("data_dir")],
                      sort_keys=True, default=str)
    if same not in _CHECKED:
        with warnings.catch_warnings(record=True) as caught:
            try:
                _CHECKS[task.kind](task)
            except (ImportError, NotImplementedError):
                pass
        _CHECKED[same] = _one_line(caught)
    return _CHECKED[same]


def run_to_completion(tasks: List[Task], out: Any, settings: Any, *, log: Optional[Any], unit: str
                      ) -> List[Tuple[Task, Dict[str, Any]]]:
    """Run the ``tasks`` not stored in the folder ``out`` yet with ``settings``' executor,
    then return every task's stored result; a RuntimeError naming the first failure when
    one did not finish (``unit`` names a task in that message: 'seed', 'task')."""
    store = RecordStore(writable_dir(out, "--out"))
    status = run_tasks(tasks, store, execute, executor=settings.executor, max_workers=settings.max_workers,
                       scheduler=settings.scheduler, log=log, check=check)
    status.raise_unfinished(unit)
    return store.results(tasks)
