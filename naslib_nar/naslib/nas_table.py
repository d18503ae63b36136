"""The NAS table (``python -m naslib_nar.runners.nas_table``): optimizers x datasets x seeds
through our nas runner, summarised over seeds.

One run per (optimizer, dataset, seed), each in NASLib's layout
``{out}/{search_space}/{dataset}/{optimizer}/{seed}/`` and each in its own Python process:
NASLib keeps state between runs in one process (``setup_logger`` adds a handler per call,
so every later run logs into every earlier run's file; ``set_seed`` seeds the global
generators its optimizers draw from), and a separate process also keeps a crash to one run.

Each run's complete NASLib config is written beside it (``nas_table_config.yaml``) before it
starts: it is what the child process runs, the record of what was run, and the resume check
(a run with a ``summary.json`` and the same config is not redone; one made with other
settings stops the table instead of being mixed into it). The per-run config is the table
config with ``nas_table:`` removed, the run's optimizer / dataset / seed / out_dir set, and
the search keys that mean something else to an optimizer (:data:`FOREIGN_KEYS`) left out, so
that it takes its own default, unless ``nas_table.per_optimizer`` sets them for it.

Imports no NASLib (the child processes do); the table itself is made by
:mod:`~naslib_nar.naslib.reports`.
"""
from __future__ import annotations

import argparse
import copy
import glob
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from .._io import atomic_write_json, atomic_write_text, writable_dir
from .._validation import check_keys, check_param
from .registry import OPTIMIZERS
from .reports import format_nas_table, nas_table_rows
from .runner_config import config_file_of, nas_settings

__all__ = ["FOREIGN_KEYS", "PlannedRun", "plan_runs", "run_config", "run_nas_table"]

#: Search keys of NASLib's defaults that an optimizer reads with another meaning: left out of
#: its runs (it takes its own default). ``sample_size`` is RE's tournament size in NASLib's
#: config but NAR's candidates per iteration in nar_sampler.
FOREIGN_KEYS: Dict[str, tuple] = {"nar_sampler": ("sample_size",)}
#: Keys of the config's ``nas_table:`` section.
SECTION_KEYS = ("optimizers", "datasets", "seeds", "per_optimizer")
CONFIG_NAME, LOG_NAME, SUMMARY_NAME = "nas_table_config.yaml", "nas_table_run.log", "summary.json"
_OWNER = "the nas_table config"

#: ``launch(config_path, log_path) -> exit status`` runs one NASLib run (a child process by default).
Launch = Callable[[Path, Path], int]


@dataclass(frozen=True)
class PlannedRun:
    """One cell-seed of the table: its NASLib config and the folder NASLib saves it in."""

    optimizer: str
    dataset: str
    seed: int
    config: Dict[str, Any]
    save: Path

    @property
    def name(self) -> str:
        return f"{self.optimizer} {self.dataset} seed {self.seed}"


def run_config(base: Mapping[str, Any], optimizer: str, dataset: str, seed: int, out: str) -> Dict[str, Any]:
    """The NASLib config of one run (checked as the nas runner checks it)."""
    section = base.get("nas_table") or {}
    config = {key: copy.deepcopy(value) for key, value in base.items() if key != "nas_table"}
    config.update(optimizer=optimizer, dataset=dataset, seed=seed, out_dir=str(out))
    search = config.get("search")
    if isinstance(search, Mapping):
        search = {key: value for key, value in search.items() if key not in FOREIGN_KEYS.get(optimizer, ())}
        for key, value in ((section.get("per_optimizer") or {}).get(optimizer) or {}).items():
            if value is None:
                search.pop(key, None)
            else:
                search[key] = copy.deepcopy(value)
        config["search"] = search
    nas_settings(config)
    return config


def plan_runs(base: Mapping[str, Any], optimizers: Sequence[str], datasets: Sequence[str], seeds: Sequence[int],
              out: Path) -> List[PlannedRun]:
    """Every (optimizer, dataset, seed) run, datasets outermost, in the order given."""
    runs = []
    for dataset in dict.fromkeys(datasets):
        for optimizer in dict.fromkeys(optimizers):
            for seed in dict.fromkeys(seeds):
                config = run_config(base, optimizer, dataset, seed, str(out))
                save = out / config["search_space"] / dataset / optimizer / str(seed)
                runs.append(PlannedRun(optimizer, dataset, int(seed), config, save))
    return runs


def is_done(run: PlannedRun) -> bool:
    """Whether ``run`` has finished with its config; ValueError if a finished run there had other settings."""
    if not (run.save / SUMMARY_NAME).is_file():
        return False
    path = run.save / CONFIG_NAME
    stored = yaml.safe_load(path.read_text()) if path.is_file() else None
    planned = {k: v for k, v in run.config.items() if k != "out_dir"}  # the folder may have moved
    if isinstance(stored, Mapping):
        stored = {k: v for k, v in stored.items() if k != "out_dir"}
    if stored != planned:
        where = _first_difference(stored, planned) if isinstance(stored, Mapping) else f"no {CONFIG_NAME}"
        raise ValueError(f"{run.save} holds a finished run made with other settings ({where}); pass another "
                         "--out, or delete that folder to redo it.")
    return True


def _first_difference(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> str:
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key, "<absent>"), new.get(key, "<absent>")
        if isinstance(a, Mapping) and isinstance(b, Mapping) and a != b:
            return _first_difference(a, b, f"{prefix}{key}.")
        if a != b:
            return f"{prefix}{key}: {a!r} there, {b!r} now"
    return "none"


def launch_process(config_path: Path, log_path: Path) -> int:
    """Run ``python -m naslib_nar.runners.nas --config-file config_path`` (output to ``log_path``)."""
    with open(log_path, "w") as log:
        return subprocess.run([sys.executable, "-m", "naslib_nar.runners.nas", "--config-file", str(config_path)],
                              stdout=log, stderr=subprocess.STDOUT, check=False).returncode


def stored_summaries(out: Path) -> List[Dict[str, Any]]:
    """The summary of every finished table run under ``out`` (this invocation's and earlier ones)."""
    found = []
    for path in sorted(glob.glob(os.path.join(glob.escape(str(out)), "*", "*", "*", "*", SUMMARY_NAME))):
        if os.path.isfile(os.path.join(os.path.dirname(path), CONFIG_NAME)):
            with open(path) as handle:
                found.append({**json.load(handle), "save": os.path.dirname(path)})
    return found


def write_table(out: Path, config_file: str, failed: Sequence[PlannedRun]) -> Tuple[List[Dict[str, Any]], str]:
    """Rebuild ``out/nas_table.{json,md}`` from the stored runs; returns the rows and the Markdown."""
    summaries = stored_summaries(out)
    rows = nas_table_rows(summaries, order=list(OPTIMIZERS))
    failures = [{"optimizer": r.optimizer, "dataset": r.dataset, "seed": r.seed, "log": str(r.save / LOG_NAME)}
                for r in failed]
    text = format_nas_table(rows)
    if failures:
        text += "\n\nFailed in the last invocation (logs): " + ", ".join(
            f"{f['optimizer']} {f['dataset']} seed {f['seed']} ({f['log']})" for f in failures)
    runs = [{key: s.get(key) for key in ("optimizer", "dataset", "seed", "queries", "test_acc", "val_acc",
                                         "naslib_test_accuracy", "search_seconds", "final_architecture", "save")}
            for s in summaries]
    atomic_write_json(out / "nas_table.json", {"format": "naslib_nar.nas_table", "version": 1,
                                               "config_file": config_file, "rows": rows, "runs": runs,
                                               "failed": failures})
    atomic_write_text(out / "nas_table.md", text + "\n")
    return rows, text


def _arguments(argv: Sequence[str], section: Mapping[str, Any]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m naslib_nar.runners.nas_table",
                                     description="The NAS table: optimizers x datasets x seeds through NASLib.")
    parser.add_argument("--config-file", required=True, help="e.g. configs/naslib/nb201_nas_table.yaml")
    parser.add_argument("--out", required=True, help="folder of the runs and of nas_table.{json,md}")
    parser.add_argument("--optimizers", nargs="+", default=section.get("optimizers"))
    parser.add_argument("--datasets", nargs="+", default=section.get("datasets"))
    parser.add_argument("--seeds", nargs="+", type=int, default=section.get("seeds"))
    args = parser.parse_args(list(argv))
    for key in ("optimizers", "datasets", "seeds"):
        value = getattr(args, key)
        if isinstance(value, (str, int)) or not isinstance(value, Sequence) or not value:
            raise ValueError(f"Give the {key} as --{key} ... or as a non-empty list nas_table.{key} in "
                             f"{args.config_file}. Got {value!r} instead.")
    return args


def load_table_config(path: str) -> Dict[str, Any]:
    """The table config (a NASLib nas config plus ``nas_table:``), its section checked."""
    with open(path) as handle:
        config = yaml.safe_load(handle)
    if not isinstance(config, Mapping):
        raise TypeError(f"{path} must hold a mapping (a NASLib nas config). Got {type(config).__name__} instead.")
    section = config.get("nas_table") or {}
    check_keys(section, SECTION_KEYS, owner=_OWNER, path=("nas_table",))
    per_optimizer = section.get("per_optimizer") or {}
    check_keys(per_optimizer, OPTIMIZERS, owner=_OWNER, path=("nas_table", "per_optimizer"))
    for name, keys in per_optimizer.items():
        if keys is not None and not isinstance(keys, Mapping):
            raise TypeError(f"nas_table.per_optimizer.{name} of {_OWNER} must map search keys to values, e.g. "
                            f"{{sample_size: 128}}. Got {keys!r} instead.")
    return config


def run_nas_table(argv: Sequence[str], launch: Optional[Launch] = None) -> List[Dict[str, Any]]:
    """Run every missing run of the table, one at a time, rewriting the table after each;
    returns its rows. ValueError (after the table is written) when some runs failed."""
    argv = list(argv)
    base = load_table_config(config_file_of(argv))
    args = _arguments(argv, base.get("nas_table") or {})
    for seed in args.seeds:
        check_param("--seeds", seed, int, owner=_OWNER, min_val=0)
    out = writable_dir(args.out, "--out").resolve()
    runs = plan_runs(base, args.optimizers, args.datasets, args.seeds, out)
    todo = [run for run in runs if not is_done(run)]
    print(f"nas_table: {len(runs)} runs, {len(runs) - len(todo)} already done, {len(todo)} to run", flush=True)
    failed = []
    for i, run in enumerate(todo, 1):
        run.save.mkdir(parents=True, exist_ok=True)
        atomic_write_text(run.save / CONFIG_NAME, yaml.safe_dump(run.config, sort_keys=False))
        start = time.perf_counter()
        status = (launch or launch_process)(run.save / CONFIG_NAME, run.save / LOG_NAME)
        wall = time.perf_counter() - start
        if status != 0 or not (run.save / SUMMARY_NAME).is_file():
            failed.append(run)
            print(f"[{i}/{len(todo)}] {run.name}: FAILED (exit {status}; {run.save / LOG_NAME})", flush=True)
        else:
            print(f"[{i}/{len(todo)}] {run.name}: done in {wall:.1f} s", flush=True)
        write_table(out, args.config_file, failed)  # after every run, so a long table shows its progress
    rows, text = write_table(out, args.config_file, failed)
    print(text)
    if failed:
        raise ValueError(f"{len(failed)} of {len(todo)} runs failed (see nas_table.json 'failed'); "
                         "the table holds the others. Run the same command again to retry them.")
    return rows
