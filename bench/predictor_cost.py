"""Fit and scoring seconds of the NAR predictor at the field protocol's largest sizes
(issue 11: fit at NB201 1,563 labels <= 60 s, NB101 4,236 <= 120 s, scoring all 15,625
NB201 architectures <= 3 s, on a 2-core machine), beside baselines timed in the same run:
the NAR recipe before the few-label changes (``before``: no minimum step count, full
batches, no NB101 relabelled copies, NB101 lr_mul 0.1), the ReNAS-style predictor, and,
with ``--naslib-python`` (a Python that can import NASLib), NASLib's own predictors at the
same N through our predictors runner (``naslib_nar.runners.predictors``).

Fits use the machine's threads (torch's default); each is repeated ``--repeats`` times on
seeds 0.. and the median is reported. Scoring is timed on encoded tensors and again
including the encoding. The load average at the start and the end is recorded: wall
time depends on what else runs.

    python bench/predictor_cost.py
    python bench/predictor_cost.py --repeats 1 --naslib-python /work/naslib-venv/bin/python
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import save_results, time_repeated  # noqa: E402
from naslib_nar.baselines.registry import make_predictor  # noqa: E402
from naslib_nar.benchmarks.load import encode_rows, load_benchmark  # noqa: E402

SIZES = {"nb201": 1563, "nb101": 4236}
GOALS_S = {"nb201": 60.0, "nb101": 120.0}
SCORE_GOAL_S = 3.0
#: The NAR's recipe before the few-label changes, as parameter overrides of ``fast``.
BEFORE = {"nb201": {"min_steps": 0, "batches_per_epoch": 1},
          "nb101": {"min_steps": 0, "batches_per_epoch": 1, "augment": 0, "lr_mul": 0.1}}
VARIANTS = {"nar (fast)": ("nar", {}), "nar (before)": ("nar", None), "renas": ("renas", {})}
NASLIB_PREDICTORS = ("xgb", "mlp", "gcn")


def time_fits(bench: Any, enc: Any, y: np.ndarray, name: str, params: Dict[str, Any], n: int,
              repeats: int) -> Dict[str, Any]:
    times, taus = [], []
    for seed in range(repeats):
        rows = np.random.default_rng(seed).permutation(len(y))[:n]
        est = make_predictor(name, space=bench.space, dataset=bench.dataset, seed=seed, params=dict(params))
        start = time.perf_counter()
        est.fit(enc[rows], y[rows])
        times.append(time.perf_counter() - start)
        taus.append(est.score(enc, y))
    return {"fit_median_s": float(np.median(times)), "fit_times_s": [round(t, 1) for t in times],
            "kendall_tau_vs_val": float(np.mean(taus)), "estimator": est}


def naslib_fits(python: str, names: List[str], n: int, repeats: int) -> List[Dict[str, Any]]:
    """NASLib's predictors at ``n`` labels on NB201 cifar10 via our predictors runner."""
    config = Path(__file__).resolve().parents[1] / "configs" / "naslib" / "nb201_predictors.yaml"
    rows = []
    with tempfile.TemporaryDirectory() as out:
        seeds = str(list(range(repeats)))
        command = [python, "-m", "naslib_nar.runners.predictors", "--config-file", str(config), "predictors",
                   str(list(names)), "experiment_type", "single", "train_size_single", str(n),
                   "seeds", seeds, "out_dir", out]
        subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])
        for name in names:
            fits = [json.loads(p.read_text()) for p in
                    sorted(Path(out).glob(f"nasbench201/cifar10/predictors/{name}/*/errors.json"))]
            fit_s = [record[-1]["fit_time"] for record in fits]
            query = [record[-1]["query_time"] for record in fits]
            rows.append({"space": "nb201", "predictor": f"NASLib {name}", "n_train": n,
                         "fit_median_s": float(np.median(fit_s)), "fit_times_s": [round(t, 1) for t in fit_s],
                         "score_all_s": float(np.median(query)) * 15625,
                         "kendall_tau_vs_val": float(np.mean([r[-1]["kendalltau"] for r in fits]))})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--naslib-python", help="a Python that imports NASLib (adds NASLib's predictors, NB201)")
    parser.add_argument("--naslib-predictors", nargs="+", default=list(NASLIB_PREDICTORS))
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows: List[Dict[str, Any]] = []
    for space in args.spaces:
        bench = load_benchmark(space, "cifar10")
        labelled = bench.labelled_rows("val_acc")
        enc, y = encode_rows(bench, labelled), bench.metric("val_acc")[labelled]
        for variant in args.variants:
            name, params = VARIANTS[variant]
            params = BEFORE[space] if params is None else params
            fit = time_fits(bench, enc, y, name, params, SIZES[space], args.repeats)
            est = fit.pop("estimator")
            score = time_repeated(lambda: est.predict(enc), repeats=3, warmup=1)
            with_encoding = time_repeated(lambda: est.predict(bench.archs[labelled]), repeats=3)
            rows.append({"space": space, "predictor": variant, "n_train": SIZES[space], **fit,
                         "fit_goal_s": GOALS_S[space] if name == "nar" else "", "n_scored": len(labelled),
                         "score_all_s": score["median_s"], "score_all_with_encoding_s": with_encoding["median_s"],
                         "score_goal_s": SCORE_GOAL_S if space == "nb201" and name == "nar" else ""})
            print(rows[-1], flush=True)
    if args.naslib_python and "nb201" in args.spaces:
        rows += naslib_fits(args.naslib_python, args.naslib_predictors, SIZES["nb201"], args.repeats)
    save_results("predictor_cost", rows,
                 ["space", "predictor", "n_train", "fit_median_s", "fit_times_s", "fit_goal_s", "n_scored",
                  "score_all_s", "score_all_with_encoding_s", "score_goal_s", "kendall_tau_vs_val"],
                 load_average_start=f"{load_before[0]:.2f}", load_average_end=f"{os.getloadavg()[0]:.2f}",
                 note="training sets: the first N of a seeded permutation of the labelled architectures "
                      "(seeds 0..repeats-1); Kendall tau against validation accuracy on all of them (a sanity "
                      "figure; the protocol tables report tau against test accuracy); NASLib rows: its "
                      "PredictorEvaluator on its own 200 test architectures, scoring time extrapolated "
                      "from its per-architecture query time")


if __name__ == "__main__":
    main()
