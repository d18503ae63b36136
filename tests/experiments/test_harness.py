"""The task harness: records, resume, and the executors (local pool and Dask) agreeing."""
from __future__ import annotations

import json
import time

import pytest

from naslib_nar.experiments import tasks as worker_tasks
from naslib_nar.experiments.harness import RECORD_FORMAT, RECORD_VERSION, RecordStore, Task, run_tasks


def _task(x, name=None):
    return Task(kind="double", name=name or f"x{x}", key={"x": x}, label=f"x={x}")


@pytest.fixture()
def doubler():
    """An in-process worker that doubles ``x`` and remembers what it ran."""
    calls = []

    def worker(task):
        calls.append(task.key["x"])
        if task.key["x"] < 0:
            return {"status": "failed", "reason": "negative", "traceback": "...", "seconds": 0.0}
        return {"status": "ok", "result": {"double": 2 * task.key["x"]}, "seconds": 0.0}

    worker.calls = calls
    return worker


def test_finished_tasks_are_stored_as_versioned_records_and_not_redone(tmp_path, doubler):
    store = RecordStore(tmp_path)
    plan = [_task(x) for x in range(3)]
    status = run_tasks(plan, store, doubler)
    assert (status.ran, status.done_before, doubler.calls) == (3, 0, [0, 1, 2])
    record = json.loads((tmp_path / "runs" / "x1.json").read_text())
    assert (record["format"], record["version"]) == (RECORD_FORMAT, RECORD_VERSION)
    assert record["task"] == {"kind": "double", "x": 1} and record["result"] == {"double": 2}
    mtimes = [store.path(t).stat().st_mtime_ns for t in plan]

    status = run_tasks(plan, store, doubler)  # started again: nothing to do
    assert (status.ran, status.done_before, doubler.calls) == (0, 3, [0, 1, 2])
    assert [store.path(t).stat().st_mtime_ns for t in plan] == mtimes
    assert [r for _, r in store.results(plan)] == [{"double": 0}, {"double": 2}, {"double": 4}]


def test_damaged_foreign_and_changed_records_are_reported_in_one_line_then_redone(tmp_path, doubler):
    store = RecordStore(tmp_path)
    run_tasks([_task(x) for x in range(4)], store, doubler)
    (tmp_path / "runs" / "x0.json").write_text("{truncated")
    old = json.loads((tmp_path / "runs" / "x1.json").read_text())
    (tmp_path / "runs" / "x1.json").write_text(json.dumps({**old, "version": RECORD_VERSION + 1}))
    (tmp_path / "runs" / "x2.json").write_text(json.dumps({"format": "naslib_nar.compare.run", "version": 1}))
    changed = [_task(0), _task(1), _task(2), _task(30, name="x3")]
    messages = []
    status = run_tasks(changed, store, doubler, log=messages.append)
    assert status.ran == 4 and status.done_before == 0 and doubler.calls[4:] == [0, 1, 2, 30]
    assert status.redone == [m for m in messages if "redoing" in m] and len(status.redone) == 4
    assert all("\n" not in m for m in status.redone)
    assert status.redone[0].startswith("runs/x0.json: not a readable JSON record")
    assert status.redone[1].startswith(f"runs/x1.json: not a '{RECORD_FORMAT}' record of version {RECORD_VERSION} "
                                       f"(found ('{RECORD_FORMAT}', {RECORD_VERSION + 1}))")
    assert "naslib_nar.compare.run" in status.redone[2]
    assert status.redone[3] == "runs/x3.json: stored with other settings; redoing it."
    assert [r["double"] for _, r in store.results(changed)] == [0, 2, 4, 60]


def test_failed_tasks_are_reported_not_stored(tmp_path, doubler):
    store = RecordStore(tmp_path)
    status = run_tasks([_task(-1), _task(1)], store, doubler)
    assert status.ran == 1 and status.failed == [{"run": "x=-1", "reason": "negative", "traceback": "..."}]
    assert not store.path(_task(-1)).exists()
    assert run_tasks([_task(-1), _task(1)], store, doubler).done_before == 1  # the failure is tried again


# ---------------------------------------------------------------------- executors
def _grid():
    """Random search and evolution, 2 seeds, on NB201 cifar10 (whatever source 'auto' finds)."""
    return [Task(kind=worker_tasks.SEARCH, name=f"{method}_s{seed}",
                 key={"space": "nb201", "dataset": "cifar10", "method": method, "budget": 20, "seed": seed,
                      "params": {}, "source": "auto"}, label=f"{method} seed {seed}")
            for method in ("random_search", "evolution") for seed in (0, 1)]


def _traces(store, plan):
    out = {}
    for task, result in store.results(plan):
        trace = result["trace"]
        out[task.name] = {k: trace[k] for k in ("rows", "kinds", "observed", "fidelity", "cost_seconds")}
    return out


def test_dask_local_cluster_gives_the_records_of_the_local_pool(tmp_path):
    pytest.importorskip("distributed")
    plan = _grid()
    timings = {}
    for executor in ("local", "dask"):
        start = time.perf_counter()
        status = run_tasks(plan, RecordStore(tmp_path / executor), worker_tasks.execute, executor=executor,
                           max_workers=2)
        timings[executor] = time.perf_counter() - start
        assert status.ran == len(plan) and not status.failed, status.failed
    local, dask = _traces(RecordStore(tmp_path / "local"), plan), _traces(RecordStore(tmp_path / "dask"), plan)
    assert sorted(local) == sorted(t.name for t in plan) and local == dask
    assert all(len(trace["rows"]) == 20 for trace in local.values())
