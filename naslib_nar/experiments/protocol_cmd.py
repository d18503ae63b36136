"""``naslib-nar evaluate-predictor --protocol NAME``: a predictor on a protocol of the literature.

The protocol (:mod:`.protocols`) gives the training sizes N, the datasets, the seeds and
the truths; each (training dataset, N, seed) is one task of the harness
(:mod:`.protocol_eval`), stored as
``OUT/runs/protocol_<name>/<predictor>__<space>__<dataset>__n<N>__s<seed>.json``, resumed
and run in parallel like every other task. The summary is computed from the stored
records only and written as ``OUT/protocol_<space>.json`` (settings, the protocol with its
published numbers, and per cell ``{mean, std, per_seed}`` of Kendall tau, Spearman and
fit / query seconds) and ``OUT/protocol_<space>.md`` (:mod:`.protocol_tables`).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .._io import atomic_write_json, atomic_write_text
from . import config
from .config import ProtocolEvalConfig
from .harness import Task
from .protocol_tables import format_markdown
from .protocols import PROTOCOLS, TRUTH_WORDS
from .report import summarise
from .tasks import PROTOCOL, run_to_completion

#: What each cell summarises over seeds: the scores, then the fit's timings.
_SCORES = ("kendall_tau", "spearman")
_TIMINGS = ("fit_seconds", "query_seconds")


def output_paths(out: Path, space: str) -> Tuple[Path, Path]:
    """``OUT/protocol_<space>.json`` and ``.md``."""
    return out / f"protocol_{space}.json", out / f"protocol_{space}.md"


def plan(cfg: ProtocolEvalConfig, progress: bool = False) -> List[Task]:
    """One task per training dataset, N and seed."""
    return [Task(kind=PROTOCOL, name=f"protocol_{cfg.protocol}/{cfg.predictor}__{cfg.space}__{dataset}__n{n}__s{seed}",
                 key={"protocol": cfg.protocol, "space": cfg.space, "train_dataset": dataset,
                      "predictor": cfg.predictor, "train_size": n, "seed": seed, "params": cfg.predictor_params,
                      "source": cfg.source},
                 label=f"{cfg.protocol} {cfg.predictor} {cfg.space}/{dataset} n={n} seed {seed}",
                 options={"data_dir": cfg.data_dir, "progress": progress})
            for dataset in cfg.train_datasets for n in cfg.train_sizes for seed in cfg.seeds]


def _cell(results: Sequence[Mapping[str, Any]], dataset: str, truth: str) -> Optional[Dict[str, Any]]:
    """The seeds' scores of one ranking against ``dataset``'s ``truth`` (None where not scored)."""
    scores = [r["scores"].get(dataset, {}).get(truth) for r in results]
    if any(s is None for s in scores):
        return None
    cell = {m: summarise((s[m] for s in scores), nan_policy="omit", best=None) for m in _SCORES}
    cell.update({m: summarise((r[m] for r in results), best=None) for m in _TIMINGS})
    return cell


def _difference(transfer: Optional[Mapping[str, Any]], in_domain: Optional[Mapping[str, Any]]) -> Optional[float]:
    if transfer is None or in_domain is None:
        return None
    return transfer["kendall_tau"]["mean"] - in_domain["kendall_tau"]["mean"]


def summary(cfg: ProtocolEvalConfig, found: Sequence[Tuple[Task, Mapping[str, Any]]]) -> Dict[str, Any]:
    """``protocol_<space>.json``: the settings, the protocol, and every cell of the tables."""
    protocol, setting = PROTOCOLS[cfg.protocol], PROTOCOLS[cfg.protocol].spaces[cfg.space]
    by_cell: Dict[Tuple[str, int], List[Mapping[str, Any]]] = defaultdict(list)
    for task, result in found:
        by_cell[(task.key["train_dataset"], task.key["train_size"])].append(result)
    in_domain = {truth: {d: {str(n): _cell(by_cell[(d, n)], d, truth) for n in cfg.train_sizes}
                         for d in cfg.datasets} for truth in setting.truths}
    transfer: Dict[str, Dict[str, Any]] = {truth: {} for truth in setting.truths}
    for truth in setting.truths:
        for source, target in cfg.transfers:
            cells = {}
            for n in cfg.train_sizes:
                moved, home = _cell(by_cell[(source, n)], target, truth), in_domain[truth][target][str(n)]
                cells[str(n)] = {"transfer": moved, "in_domain": home, "difference": _difference(moved, home)}
            transfer[truth][f"{source} -> {target}"] = cells
    absent: Dict[str, Dict[str, str]] = defaultdict(dict)
    for _, result in found:
        for dataset, whys in result["absent"].items():
            for truth, why in whys.items():
                if dataset in cfg.datasets:
                    absent[truth].setdefault(dataset, why)
    first = found[0][1]
    return {
        "protocol": {"name": protocol.name, "papers": protocol.papers, "val_size": protocol.val_size,
                     "test": setting.whole_space, "truths": {t: TRUTH_WORDS[cfg.space][t] for t in setting.truths},
                     "published": {d: {paper: {str(n): tau for n, tau in taus.items()}
                                       for paper, taus in papers.items()}
                                   for d, papers in setting.published.items()}},
        "config": {"space": cfg.space, "datasets": list(cfg.datasets), "train_dataset": cfg.train_dataset,
                   "train_sizes": list(cfg.train_sizes), "seeds": list(cfg.seeds), "predictor": cfg.predictor,
                   "predictor_params": dict(cfg.predictor_params), "source": first["source"]},
        "n_test": first["n_test"], "in_domain": in_domain, "transfer": transfer if cfg.transfers else {},
        "absent": dict(absent),
    }


def evaluate(cfg: ProtocolEvalConfig, out: Path, *, progress: bool = False,
             log: Optional[Any] = print) -> Dict[str, Any]:
    """Run the tasks of ``cfg`` not stored in ``out`` yet; write and return the summary.

    Raises RuntimeError, with the first failure's reason, when a task did not finish.
    """
    tasks = plan(cfg, progress)
    result = summary(cfg, run_to_completion(tasks, out, cfg, log=log, unit="task"))
    json_path, md_path = output_paths(out, cfg.space)
    atomic_write_json(json_path, result)
    atomic_write_text(md_path, format_markdown(result))
    return result


def evaluate_protocol(*, out_dir: Any, progress: bool = False, **settings: Any) -> Dict[str, Any]:
    """Evaluate a predictor on a protocol from keyword settings (the keys of
    :class:`ProtocolEvalConfig`: ``protocol``, ``space``, ``datasets``, ``train_sizes``,
    ``train_dataset``, ``seeds``, ``predictor``, ``predictor_params``, ``source``, ...);
    results go to ``out_dir``."""
    cfg = config.parse(ProtocolEvalConfig, {k: v for k, v in settings.items() if v is not None},
                       "evaluate_protocol")
    return evaluate(cfg, Path(out_dir), progress=progress, log=None)
