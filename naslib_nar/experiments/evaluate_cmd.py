"""``naslib-nar evaluate-predictor``: one predictor over seeds, Kendall tau and friends.

Each seed is one task of the harness (:mod:`.harness`, :mod:`.predictor_eval`), stored as
``OUT/runs/<predictor>__<dataset>__n<train size>__s<seed>.json``; the summary over seeds
is written from the stored records: ``predictor_eval.json`` (``config``, ``per_seed`` and
``{mean, std, per_seed}`` per metric), ``predictor_eval.md`` and, for a predictor with
tiers, ``rank_scatter.png`` of the first seed (the paper's Fig. 4).

``--protocol NAME`` (or ``protocol:`` in the config file) runs a protocol of the
literature instead (:mod:`.protocols`, :mod:`.protocol_cmd`): several datasets, training
sizes and seeds, the whole space ranked, ``protocol_<space>.{json,md}``.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from .._io import atomic_write_json, atomic_write_text
from ..baselines.registry import PREDICTORS
from ..spaces.datasets import DATASETS, SPACES
from . import config, plots, protocol_cmd, protocol_tables
from .arguments import add_data_arguments, add_execution_arguments
from .config import PredictorEvalConfig, ProtocolEvalConfig
from .harness import Task
from .report import summarise
from .tasks import PREDICTOR, run_to_completion

#: Command-line flags that replace a config value (None = not given).
OVERRIDES = ("space", "dataset", "predictor", "train_size", "val_size", "test_size", "seeds", "source", "data_dir",
             "max_workers", "executor", "scheduler", "protocol", "datasets", "train_sizes", "train_dataset")
_NOT_SUMMARISED = ("seed", "n_train", "n_val", "n_test")


def plan(cfg: PredictorEvalConfig, progress: bool = False) -> List[Task]:
    """One task per seed; the first also keeps what the rank scatter plots."""
    return [Task(kind=PREDICTOR, name=f"{cfg.predictor}__{cfg.dataset}__n{cfg.train_size}__s{seed}",
                 key={"space": cfg.space, "dataset": cfg.dataset, "predictor": cfg.predictor,
                      "train_size": cfg.train_size, "val_size": cfg.val_size, "test_size": cfg.test_size,
                      "seed": seed, "params": cfg.predictor_params, "source": cfg.source, "scatter": i == 0},
                 label=f"{cfg.predictor} {cfg.space}/{cfg.dataset} n={cfg.train_size} seed {seed}",
                 options={"data_dir": cfg.data_dir, "progress": progress})
            for i, seed in enumerate(cfg.seeds)]


def summary(cfg: PredictorEvalConfig, results: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """``predictor_eval.json``: the settings, every seed's metrics and their summaries."""
    per_seed = [r["per_seed"] for r in results]
    out: Dict[str, Any] = {"config": {
        "space": cfg.space, "dataset": cfg.dataset, "predictor": cfg.predictor, "train_size": cfg.train_size,
        "val_size": cfg.val_size, "test_size": cfg.test_size, "seeds": [r["seed"] for r in per_seed],
        "predictor_params": dict(cfg.predictor_params), "source": results[0]["source"],
        "truth_metric": results[0]["truth_metric"], "n_labelled": results[0]["n_labelled"]}, "per_seed": per_seed}
    for key in [k for k in per_seed[0] if k not in _NOT_SUMMARISED]:
        out[key] = summarise((r[key] for r in per_seed), nan_policy="omit", best=None)
    return out


def format_markdown(result: Dict[str, Any]) -> str:
    cfg = result["config"]
    lines = [
        f"# Predictor evaluation: {cfg['predictor']} on {cfg['space']} / {cfg['dataset']}",
        "",
        f"Train {cfg['train_size']} + val {cfg['val_size']} architectures (targets: validation accuracy); "
        f"tested against **{cfg['truth_metric']}** on the remaining labelled architectures; "
        f"seeds {cfg['seeds']}. Data: {cfg['source']}.",
        "",
        "| metric | mean | std | per seed |",
        "|---|---|---|---|",
    ]
    for key, value in result.items():
        if isinstance(value, dict) and "mean" in value:
            seeds = ", ".join(f"{v:.4g}" for v in value["per_seed"])
            lines.append(f"| {key} | {value['mean']:.4f} | {value['std']:.4f} | {seeds} |")
    return "\n".join(lines) + "\n"


def evaluate(cfg: PredictorEvalConfig, out: Path, *, progress: bool = False,
             log: Optional[Any] = print) -> Dict[str, Any]:
    """Run the seeds of ``cfg`` not stored in ``out`` yet; write and return the summary.

    Raises RuntimeError, with the first failure's reason, when a seed did not finish.
    """
    tasks = plan(cfg, progress)
    found = run_to_completion(tasks, out, cfg, log=log, unit="seed")
    result = summary(cfg, [r for _, r in found])
    atomic_write_json(out / "predictor_eval.json", result)
    atomic_write_text(out / "predictor_eval.md", format_markdown(result))
    first = found[0][1]
    if "scatter" in first:
        scatter, record = first["scatter"], first["per_seed"]
        plots.rank_scatter(np.asarray(scatter["pred"]), np.asarray(scatter["truth"]),
                           np.asarray(scatter["true_tiers"]), out / "rank_scatter.png",
                           f"{cfg.predictor} on {cfg.space}/{cfg.dataset}, seed {record['seed']}: Kendall tau "
                           f"{record['kendall_tau']:.3f} vs {first['truth_metric']} ({record['n_test']} archs)")
    return result


def evaluate_predictor(*, out_dir: Any, progress: bool = False, **settings: Any) -> Dict[str, Any]:
    """Evaluate a predictor from keyword settings (the keys of :class:`PredictorEvalConfig`:
    ``space``, ``dataset``, ``predictor``, ``train_size``, ``val_size``, ``test_size``,
    ``seeds``, ``predictor_params``, ``source``, ``data_dir``, ``max_workers``, ...);
    results go to ``out_dir``."""
    cfg = config.parse(PredictorEvalConfig, {k: v for k, v in settings.items() if v is not None},
                       "evaluate_predictor")
    return evaluate(cfg, Path(out_dir), progress=progress, log=None)


# ---------------------------------------------------------------------- command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--space", choices=SPACES)
    parser.add_argument("--dataset", choices=DATASETS)
    parser.add_argument("--predictor", choices=sorted(PREDICTORS))
    parser.add_argument("--train-size", type=int, dest="train_size")
    parser.add_argument("--val-size", type=int, dest="val_size")
    parser.add_argument("--test-size", type=int, dest="test_size", help="default: all remaining labelled archs")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--config", help="YAML with any of these keys and 'predictor_params' (model settings)")
    protocol = parser.add_argument_group("protocol of the literature (instead of one split)")
    protocol.add_argument("--protocol", help="'field' (alias 'tnasp'): TNASP / PINAT / NAR-Former / NN-Former: "
                                             "train on N random architectures, rank the whole space")
    protocol.add_argument("--datasets", nargs="+", help="restrict the protocol's datasets (NB201: cifar10 "
                                                        "cifar100 imagenet16)")
    protocol.add_argument("--train-sizes", type=int, nargs="+", dest="train_sizes",
                          help="restrict the protocol's training sizes N (NB201: 78 156 469 781 1563; NB101: 100 172 "
                               "424 4236)")
    protocol.add_argument("--train-dataset", dest="train_dataset",
                          help="NB201: train on this dataset's validation accuracy and score on the --datasets' "
                               "truth as well (the transfer block)")
    add_data_arguments(parser)
    add_execution_arguments(parser)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--no-progress", action="store_true")


def _protocol_asked(args: argparse.Namespace) -> bool:
    """``--protocol``, or a ``protocol`` key in the config file."""
    return args.protocol is not None or (args.config is not None and "protocol" in config.read_yaml(args.config))


def run(args: argparse.Namespace) -> int:
    model = ProtocolEvalConfig if _protocol_asked(args) else PredictorEvalConfig
    cfg = config.load(model, args.config, {k: getattr(args, k) for k in OVERRIDES})
    out = Path(args.out)
    try:
        if model is ProtocolEvalConfig:
            result = protocol_cmd.evaluate(cfg, out, progress=not args.no_progress)
            text, wrote = protocol_tables.format_markdown(result), protocol_cmd.output_paths(out, cfg.space)
        else:
            result = evaluate(cfg, out, progress=not args.no_progress)
            text, wrote = format_markdown(result), (out / "predictor_eval.json",)
    except RuntimeError as exc:  # a task failed: its message and traceback, then exit 1
        print(f"naslib-nar evaluate-predictor: {exc}")
        return 1
    print(text)
    print("wrote " + ", ".join(map(str, wrote)))
    return 0
