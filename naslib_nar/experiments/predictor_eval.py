"""``naslib-nar evaluate-predictor``: train on validation accuracy, rank the rest, report.

For each seed the labelled architectures are shuffled once: the first ``train_size``
train the predictor, the next ``val_size`` select its epoch, and the remaining ones (or
``test_size`` of them) are ranked and compared with the truth: test accuracy where every
labelled architecture has one (NB201 from the shared tables), validation accuracy
otherwise (NB101's labelled subset, the embedded NB201 data), stated in the output.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from .._io import atomic_write_json, atomic_write_text
from .._validation import check_param
from ..baselines.registry import PREDICTORS, make_predictor
from ..benchmarks.load import encode_rows, load_benchmark, truth_metric
from ..spaces.datasets import DATASETS
from .config import as_mapping, check_keys, load_yaml_mapping, merge_cli
from .metrics import ranking_metrics, summarise, tier_accuracy

DEFAULTS: Dict[str, Any] = {
    "space": "nb201", "dataset": "cifar10", "predictor": "nar", "train_size": 1000, "val_size": 256,
    "test_size": None, "seeds": [0, 1, 2], "source": "auto", "data_dir": None, "predictor_params": {},
}


def evaluate_predictor(
    *,
    space: str = "nb201",
    dataset: str = "cifar10",
    predictor: str = "nar",
    train_size: int = 1000,
    val_size: int = 256,
    test_size: Optional[int] = None,
    seeds: Sequence[int] = (0, 1, 2),
    predictor_params: Optional[Dict[str, Any]] = None,
    source: str = "auto",
    data_dir: Optional[str] = None,
    out_dir: Optional[str] = None,
    progress: bool = True,
) -> Dict[str, Any]:
    """Evaluate ``predictor`` over ``seeds``; write results to ``out_dir`` if given."""
    check_param("predictor", predictor, str, owner="evaluate_predictor", choices=sorted(PREDICTORS))
    check_param("train_size", train_size, int, owner="evaluate_predictor", min_val=2)
    check_param("val_size", val_size, int, owner="evaluate_predictor", min_val=0)
    check_param("test_size", test_size, int, owner="evaluate_predictor", min_val=2, allow_none=True)
    seeds = [check_param("seeds", s, int, owner="evaluate_predictor", min_val=0) for s in seeds]
    if not seeds:
        raise ValueError("evaluate_predictor needs at least one seed.")
    bench = load_benchmark(space, dataset, source=source, data_dir=data_dir)
    rows = bench.labelled_rows("val_acc")
    if train_size + val_size + 2 > len(rows):
        raise ValueError(
            f"train_size + val_size = {train_size + val_size} leaves fewer than 2 of the {len(rows)} labelled "
            f"{space} architectures for testing. Lower train_size/val_size."
        )
    truth_name = truth_metric(bench)
    y_val_all, y_truth_all = bench.metric("val_acc")[rows], bench.metric(truth_name)[rows]
    encoded = encode_rows(bench, rows)
    out = Path(out_dir) if out_dir else None
    per_seed: List[Dict[str, Any]] = []
    config = {"space": space, "dataset": dataset, "predictor": predictor, "train_size": train_size,
              "val_size": val_size, "test_size": test_size, "seeds": list(seeds),
              "predictor_params": dict(predictor_params or {}), "source": bench.source, "truth_metric": truth_name,
              "n_labelled": int(len(rows))}
    for i, seed in enumerate(seeds):
        perm = np.random.default_rng(seed).permutation(len(rows))
        train, val = perm[:train_size], perm[train_size:train_size + val_size]
        test = perm[train_size + val_size:]
        if test_size is not None:
            test = test[:test_size]
        est = make_predictor(predictor, space=space, dataset=dataset, seed=seed, params=predictor_params)
        if hasattr(est, "progress"):
            est.set_params(progress=progress)
        start = time.perf_counter()
        if val_size:
            est.fit(encoded[train], y_val_all[train], X_val=encoded[val], y_val=y_val_all[val])
        else:
            est.fit(encoded[train], y_val_all[train])
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        pred = est.predict(encoded[test])
        query_s = time.perf_counter() - start
        record: Dict[str, Any] = {"seed": seed, "n_train": len(train), "n_val": len(val), "n_test": len(test),
                                  "fit_seconds": fit_s, "query_seconds": query_s, **ranking_metrics(pred, y_truth_all[test])}
        if hasattr(est, "predict_tiers"):
            from ..ranker.tiers import tier_boundaries

            # Tiers are defined on the training target (validation accuracy), so test
            # architectures are tiered by their validation accuracy with the training cuts:
            # NB201's test_acc comes from differently trained models on another scale.
            pred_tiers = est.predict_tiers(encoded[test]).argmax(axis=1)
            cuts = tier_boundaries(y_val_all[train], est.n_tiers)
            record["tier_accuracy"] = tier_accuracy(pred_tiers, y_val_all[test], cuts)
            if out is not None and i == 0:
                from .plots import rank_scatter

                true_tiers = np.searchsorted(-cuts, -y_val_all[test], side="left")
                rank_scatter(pred, y_truth_all[test], true_tiers, out / "rank_scatter.png",
                             f"{predictor} on {space}/{dataset}, seed {seed}: Kendall tau "
                             f"{record['kendall_tau']:.3f} vs {truth_name} ({len(test)} archs)")
        per_seed.append(record)
        result = _summary(config, per_seed)
        if out is not None:  # after every seed: an interruption keeps what is done
            _write(out, result)
    return result


def _summary(config: Dict[str, Any], per_seed: List[Dict[str, Any]]) -> Dict[str, Any]:
    keys = [k for k in per_seed[0] if k not in ("seed", "n_train", "n_val", "n_test")]
    result: Dict[str, Any] = {"config": config, "per_seed": per_seed}
    for key in keys:
        result[key] = summarise([r[key] for r in per_seed])
    return result


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


def _write(out: Path, result: Dict[str, Any]) -> None:
    atomic_write_json(out / "predictor_eval.json", result)
    atomic_write_text(out / "predictor_eval.md", format_markdown(result))


# ---------------------------------------------------------------------- command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--space", choices=("nb101", "nb201"))
    parser.add_argument("--dataset", choices=DATASETS)
    parser.add_argument("--predictor", choices=sorted(PREDICTORS))
    parser.add_argument("--train-size", type=int, dest="train_size")
    parser.add_argument("--val-size", type=int, dest="val_size")
    parser.add_argument("--test-size", type=int, dest="test_size", help="default: all remaining labelled archs")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--config", help="YAML with any of these keys and 'predictor_params' (model settings)")
    parser.add_argument("--source", choices=("auto", "shared", "embedded", "naslib"))
    parser.add_argument("--data-dir", dest="data_dir")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--no-progress", action="store_true")


def run(args: argparse.Namespace) -> int:
    config = load_yaml_mapping(args.config) if args.config else {}
    check_keys(config, DEFAULTS, f"config file {args.config!r}")
    cli = {k: getattr(args, k) for k in DEFAULTS if k != "predictor_params" and hasattr(args, k)}
    settings = merge_cli(config, cli, DEFAULTS)
    settings["predictor_params"] = as_mapping(settings.get("predictor_params"), "predictor_params")
    result = evaluate_predictor(**settings, out_dir=args.out, progress=not args.no_progress)
    print(format_markdown(result))
    print(f"wrote {Path(args.out) / 'predictor_eval.json'}")
    return 0
