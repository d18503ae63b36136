"""Where tasks run: in this process, in a local process pool (the default), or on Dask.

An executor takes a worker function and tasks and yields ``(task, outcome)`` as tasks
finish, in any order. Workers never write into the output folder: they return their
outcome and the parent, which owns the folder, stores it (:mod:`.harness`). Every worker
process runs one torch thread: with several processes on a few cores, more OpenMP
threads only compete (torch gets several times slower).

* ``InProcess``: one task after the other here (``max_workers=1`` or a single task).
* ``LocalPool``: spawned processes (fork can deadlock a parent holding OpenMP threads).
  They ignore Ctrl-C (SIGINT reaches the whole process group): the parent handles it and
  stops them, so that no worker prints a traceback or is left behind.
* ``DaskCluster``: Dask distributed (the optional extra ``naslib-nar[dask]``): a
  ``LocalCluster`` of ``max_workers`` single-threaded processes, or the running cluster
  whose scheduler address is given (e.g. one started by dask-jobqueue on SLURM). Its
  workers must be able to import naslib_nar and read the benchmark data.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple

from tqdm import tqdm

#: The executor names a config (``executor:``) or the command line (``--executor``) accepts.
EXECUTORS: Tuple[str, ...] = ("local", "dask")

Outcome = Dict[str, Any]
Worker = Callable[[Any], Outcome]


def init_worker() -> None:
    """One torch thread in this worker process (idempotent).

    Before torch is imported the environment is enough (torch sizes its thread pool from
    it), so a worker whose tasks never need torch (random search, evolution) does not pay
    for importing it.
    """
    os.environ["OMP_NUM_THREADS"] = "1"
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def _init_local_worker() -> None:
    """A local pool's worker: one torch thread, and Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # tqdm's default lock is a multiprocessing semaphore: a worker stopped by terminate()
    # would leave it registered, and the resource tracker warns about it at exit. A
    # thread lock serves the bars of one process as well.
    tqdm.set_lock(threading.RLock())
    init_worker()


def _lost(exc: BaseException) -> Outcome:
    """The outcome of a task whose worker process died (e.g. out of memory)."""
    return {"status": "failed", "reason": f"worker process failed: {type(exc).__name__}: {exc}",
            "seconds": float("nan")}


class InProcess:
    """Run the tasks here, one after the other."""

    def __enter__(self) -> "InProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def describe(self) -> str:
        return "1 worker (this process)"

    def run(self, worker: Worker, tasks: Sequence[Any]) -> Iterator[Tuple[Any, Outcome]]:
        for task in tasks:
            yield task, worker(task)


class LocalPool:
    """``max_workers`` spawned processes on this machine, one torch thread each."""

    def __init__(self, max_workers: int) -> None:
        self.max_workers = max_workers
        self._pool: Optional[ProcessPoolExecutor] = None

    def __enter__(self) -> "LocalPool":
        self._pool = ProcessPoolExecutor(max_workers=self.max_workers, initializer=_init_local_worker,
                                         mp_context=multiprocessing.get_context("spawn"))
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None:
            # Interrupted or failed: running tasks are not waited for. The executor has no
            # public way to stop its workers before Python 3.14 (terminate_workers), hence
            # its process table; shutdown then joins them (no defunct process is left).
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)

    def describe(self) -> str:
        return f"{self.max_workers} worker(s) (local processes)"

    def run(self, worker: Worker, tasks: Sequence[Any]) -> Iterator[Tuple[Any, Outcome]]:
        futures = {self._pool.submit(worker, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # the worker process died; the other tasks go on
                outcome = _lost(exc)
            yield futures[future], outcome


def _on_dask_worker(worker: Worker, task: Any) -> Outcome:
    init_worker()
    return worker(task)


class DaskCluster:
    """Dask distributed: a new ``LocalCluster`` or the cluster at ``scheduler``."""

    def __init__(self, max_workers: int, scheduler: Optional[str] = None) -> None:
        self.max_workers, self.scheduler = max_workers, scheduler
        self._distributed: Any = None
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> "DaskCluster":
        try:
            import distributed  # optional extra: naslib-nar[dask]
        except ImportError:
            raise ImportError('The Dask executor needs the optional dependency: pip install "naslib-nar[dask]" '
                              '(or pip install "dask[distributed]").') from None
        self._distributed = distributed
        if self.scheduler is None:
            self._cluster = distributed.LocalCluster(n_workers=self.max_workers, threads_per_worker=1,
                                                     processes=True, dashboard_address=None,
                                                     silence_logs=logging.ERROR)
        self._client = distributed.Client(self._cluster if self._cluster is not None else self.scheduler)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def describe(self) -> str:
        if self.scheduler is None:
            return f"{self.max_workers} worker(s) (Dask LocalCluster)"
        return f"the Dask cluster at {self.scheduler}"

    def run(self, worker: Worker, tasks: Sequence[Any]) -> Iterator[Tuple[Any, Outcome]]:
        futures = {self._client.submit(_on_dask_worker, worker, task, pure=False): task for task in tasks}
        for future in self._distributed.as_completed(list(futures)):
            try:
                outcome = future.result()
            except Exception as exc:  # a worker died or the cluster lost the task
                outcome = _lost(exc)
            yield futures[future], outcome


def make_executor(kind: str, max_workers: int, scheduler: Optional[str], n_tasks: int) -> Any:
    """The executor for ``n_tasks`` tasks: Dask when asked for (or given a scheduler), else
    a local pool of at most ``max_workers`` processes, or this process for a single worker
    or task (and when there is nothing to run: no cluster is started for a report)."""
    if kind not in EXECUTORS:
        raise ValueError(f"executor must be one of {list(EXECUTORS)}; got {kind!r}.")
    if n_tasks == 0:
        return InProcess()
    if scheduler is not None or kind == "dask":
        return DaskCluster(min(max_workers, n_tasks), scheduler)
    if max_workers == 1 or n_tasks <= 1:
        return InProcess()
    return LocalPool(min(max_workers, n_tasks))
