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

Before any worker starts, every task to run is checked (``check``, e.g.
:func:`naslib_nar.experiments.tasks.check`): a problem is one error and nothing runs.
Warnings, the check's and the workers', are shown once each, in one line, on stderr.
Interrupted (Ctrl-C), the harness stops the workers and raises :class:`Interrupted`,
which says how many results are stored; they are kept, and the same command resumes.
"""
from __future__ import annotations

import json
import sys
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
        cannot be used (``why`` is one line without a full stop); ``(None, None)`` when there
        is none."""
        path = self.path(task)
        if not path.is_file():
            return None, None
        where = path.relative_to(self.out)
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            return None, f"{where}: not a readable JSON record ({type(exc).__name__}: {exc})"
        if not isinstance(record, dict) or (record.get("format"), record.get("version")) != (RECORD_FORMAT,
                                                                                             RECORD_VERSION):
            found = (record.get("format"), record.get("version")) if isinstance(record, dict) else type(record)
            return None, f"{where}: not a {RECORD_FORMAT!r} record of version {RECORD_VERSION} (found {found})"
        if "result" not in record or not isinstance(record.get("task"), dict):
            return None, f"{where}: record without 'task' or 'result'"
        if record["task"] != task.identity:
            return None, f"{where}: stored with other settings"
        return record, None

    def write(self, task: Task, outcome: Mapping[str, Any]) -> Path:
        return atomic_write_json(self.path(task), {
            "format": RECORD_FORMAT, "version": RECORD_VERSION, "task": task.identity, "result": outcome["result"],
            "seconds": outcome["seconds"], "finished": time.strftime("%Y-%m-%dT%H:%M:%S")})

    def results(self, tasks: Iterable[Task], warn: Optional[Log] = None) -> List[Tuple[Task, Dict[str, Any]]]:
        """``(task, result)`` of every task of ``tasks`` that has a usable record; ``warn``
        is told about each file that is there but cannot be used."""
        found = []
        for task in tasks:
            record, problem = self.read(task)
            if record is not None:
                found.append((task, record["result"]))
            elif problem is not None and warn is not None:
                warn(f"{problem}; left out of the report (run the command without --report-only to redo it).")
        return found

    def check_exists(self) -> None:
        """Raise, in one line, when the output folder to report from is not there."""
        if not self.out.is_dir():
            what = "is a file, not an output folder" if self.out.exists() else "does not exist"
            raise FileNotFoundError(f"--out {str(self.out)!r} {what}: nothing is stored there; run the command "
                                    "without --report-only first (or pass the --out of an earlier run).")


@dataclass
class Status:
    """What a run of the harness did."""

    done_before: int = 0
    ran: int = 0
    skipped_runs: List[Dict[str, Any]] = field(default_factory=list)
    failed: List[Dict[str, Any]] = field(default_factory=list)
    redone: List[str] = field(default_factory=list)

    def raise_unfinished(self, what: str) -> None:
        """Raise RuntimeError, with the first failure's reason and traceback, when a task
        (``what``, e.g. 'seed') failed or was skipped."""
        unfinished = self.failed + self.skipped_runs
        if unfinished:
            first = unfinished[0]
            raise RuntimeError(f"{len(unfinished)} {what}(s) did not finish; {first['run']}: {first['reason']}\n"
                               f"{first.get('traceback') or ''}")

    def to_dict(self) -> Dict[str, Any]:
        return {"done_before": self.done_before, "ran": self.ran, "skipped_runs": self.skipped_runs,
                "failed": self.failed, "redone": self.redone}


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped the tasks; the message says what is stored (and kept)."""


def _quiet(_message: str) -> None:
    return None


def warn(message: str) -> None:
    """A warning on stderr, in one line."""
    print("warning: " + " ".join(message.split()), file=sys.stderr, flush=True)


class _Once:
    """Show each distinct warning once."""

    def __init__(self, show: Log) -> None:
        self.show, self.seen = show, set()

    def __call__(self, messages: Iterable[str]) -> None:
        for message in messages:
            if message not in self.seen:
                self.seen.add(message)
                self.show(message)


def run_tasks(tasks: Sequence[Task], store: RecordStore, worker: Worker, *, executor: str = "local",
              max_workers: int = 1, scheduler: Optional[str] = None, log: Optional[Log] = None,
              check: Optional[Callable[[Task], Sequence[str]]] = None, show_warning: Log = warn) -> Status:
    """Execute the tasks without a usable record, store each result as it arrives.

    ``worker(task)`` returns ``{"status": "ok" | "skipped" | "failed", "seconds", and
    "result" (ok) or "reason" (and "traceback"), optionally "warnings"}`` and never
    raises; a failed or skipped task is reported, the others go on. ``check(task)``
    (raising on a problem, returning warnings) runs on every task to do before any worker
    starts. ``show_warning`` shows each distinct warning, once.
    """
    say = log or _quiet
    show = _Once(show_warning)
    status = Status()
    todo = []
    for task in tasks:
        record, problem = store.read(task)
        if record is not None:
            status.done_before += 1
            continue
        if problem is not None:
            status.redone.append(f"{problem}; redoing it.")
            say(status.redone[-1])
        todo.append(task)
    for task in todo if check is not None else ():
        try:
            show(check(task))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{task.label}: {exc} (checked before any run started; nothing ran)") from None
    try:
        with make_executor(executor, max_workers, scheduler, len(todo)) as pool:
            say(f"{status.done_before} run(s) already stored in {store.out}, {len(todo)} to run with "
                f"{pool.describe()}.")
            for i, (task, outcome) in enumerate(pool.run(worker, todo), 1):
                show(outcome.get("warnings", ()))
                _count(status, store, task, outcome)
                state = outcome["status"]
                say(f"[{i}/{len(todo)}] {state:<7} {task.label} ({outcome['seconds']:.1f} s)"
                    + ("" if state == "ok" else f": {outcome['reason']}"))
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted; {status.done_before + status.ran} of the {len(tasks)} run(s) are stored in "
                          f"{store.out} and kept, {len(todo) - status.ran} not (yet) done") from None
    return status


def _count(status: Status, store: RecordStore, task: Task, outcome: Mapping[str, Any]) -> None:
    """Store an ok result; note a skipped or failed one."""
    state = outcome["status"]
    if state == "ok":
        store.write(task, outcome)
        status.ran += 1
    elif state == "skipped":
        status.skipped_runs.append({"run": task.label, "reason": outcome["reason"]})
    else:
        status.failed.append({"run": task.label, "reason": outcome["reason"], "traceback": outcome.get("traceback")})
