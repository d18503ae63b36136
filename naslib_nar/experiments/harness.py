"""One task harness for every command: plan -> store -> resume -> execute.

A command plans its work as :class:`Task` objects (a search run, a predictor evaluated
at one seed). Each finished task is stored as one versioned record,
``OUT/runs/<task name>.json``::

    {"format": "naslib_nar.record", "version": 1,
     "task": {"kind": "search", ...the task's identity...},
     "result": {...what the worker returned...}, "seconds": 12.3, "finished": "2024-..."}

written atomically by the parent process, which owns the output folder (workers only
return results; see :mod:`.executors`). Started again, a command redoes only the tasks
without a record of the same identity: a record of a task whose settings changed, an
unreadable file or a record of another format or version is reported in one line and
redone. Reports are computed from the stored records only.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from .._io import atomic_write_json
from .executors import Worker, make_executor

RECORD_FORMAT = "naslib_nar.record"
RECORD_VERSION = 1
RUNS_DIR = "runs"

Log = Callable[[str], None]


def _plain(value: Any) -> Any:
    """``value`` as JSON would give it back (tuples as lists), so identities compare equal."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


@dataclass(frozen=True)
class Task:
    """One unit of work.

    ``kind`` names the worker function (:func:`naslib_nar.experiments.tasks.execute`);
    ``key`` is the task's identity, everything its result depends on; ``name`` is where
    its record is stored (a relative path without ``.json``); ``label`` names it in logs;
    ``options`` are what the worker needs that does not change the result (the data
    folder, a ranker cache, a progress bar).
    """

    kind: str
    name: str
    key: Mapping[str, Any]
    label: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", _plain(dict(self.key)))

    @property
    def identity(self) -> Dict[str, Any]:
        return {"kind": self.kind, **self.key}


class RecordStore:
    """The records of one output folder (``OUT/runs``)."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.root = self.out / RUNS_DIR

    def path(self, task: Task) -> Path:
        return self.root / f"{task.name}.json"

    def read(self, task: Task) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
        """``(record, None)`` when ``task`` is done; ``(None, why)`` when a file is there but
        cannot be used (``why`` is one line); ``(None, None)`` when there is none."""
        path = self.path(task)
        if not path.is_file():
            return None, None
        where = path.relative_to(self.out)
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            return None, f"{where}: not a readable JSON record ({type(exc).__name__}: {exc}); redoing it."
        if not isinstance(record, dict) or (record.get("format"), record.get("version")) != (RECORD_FORMAT,
                                                                                             RECORD_VERSION):
            found = (record.get("format"), record.get("version")) if isinstance(record, dict) else type(record)
            return None, (f"{where}: not a {RECORD_FORMAT!r} record of version {RECORD_VERSION} (found {found}); "
                          "redoing it.")
        if "result" not in record or not isinstance(record.get("task"), dict):
            return None, f"{where}: record without 'task' or 'result'; redoing it."
        if record["task"] != task.identity:
            return None, f"{where}: stored with other settings; redoing it."
        return record, None

    def write(self, task: Task, outcome: Mapping[str, Any]) -> Path:
        return atomic_write_json(self.path(task), {
            "format": RECORD_FORMAT, "version": RECORD_VERSION, "task": task.identity, "result": outcome["result"],
            "seconds": outcome["seconds"], "finished": time.strftime("%Y-%m-%dT%H:%M:%S")})

    def results(self, tasks: Iterable[Task]) -> List[Tuple[Task, Dict[str, Any]]]:
        """``(task, result)`` of every task of ``tasks`` that has a usable record."""
        found = []
        for task in tasks:
            record, _ = self.read(task)
            if record is not None:
                found.append((task, record["result"]))
        return found


@dataclass
class Status:
    """What a run of the harness did."""

    done_before: int = 0
    ran: int = 0
    skipped_runs: List[Dict[str, Any]] = field(default_factory=list)
    failed: List[Dict[str, Any]] = field(default_factory=list)
    redone: List[str] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        return {"done_before": self.done_before, "ran": self.ran, "skipped_runs": self.skipped_runs,
                "failed": self.failed, "redone": self.redone}


def _quiet(_message: str) -> None:
    return None


def run_tasks(tasks: Sequence[Task], store: RecordStore, worker: Worker, *, executor: str = "local",
              max_workers: int = 1, scheduler: Optional[str] = None, log: Optional[Log] = None) -> Status:
    """Execute the tasks without a usable record, store each result as it arrives.

    ``worker(task)`` returns ``{"status": "ok" | "skipped" | "failed", "seconds", and
    "result" (ok) or "reason" (and "traceback")}`` and never raises; a failed or skipped
    task is reported, the others go on.
    """
    say = log or _quiet
    status = Status()
    todo = []
    for task in tasks:
        record, problem = store.read(task)
        if record is not None:
            status.done_before += 1
            continue
        if problem is not None:
            status.redone.append(problem)
            say(problem)
        todo.append(task)
    with make_executor(executor, max_workers, scheduler, len(todo)) as pool:
        say(f"{status.done_before} run(s) already stored in {store.out}, {len(todo)} to run with "
            f"{pool.describe()}.")
        for i, (task, outcome) in enumerate(pool.run(worker, todo), 1):
            state = outcome["status"]
            if state == "ok":
                store.write(task, outcome)
                status.ran += 1
            elif state == "skipped":
                status.skipped_runs.append({"run": task.label, "reason": outcome["reason"]})
            else:
                status.failed.append({"run": task.label, "reason": outcome["reason"],
                                      "traceback": outcome.get("traceback")})
            say(f"[{i}/{len(todo)}] {state:<7} {task.label} ({outcome['seconds']:.1f} s)"
                + ("" if state == "ok" else f": {outcome['reason']}"))
    return status
