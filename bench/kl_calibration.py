"""Calibrate zeta, the KL threshold of Algorithm 2, on the real training sets.

Algorithm 2 drops T1's histogram (keeping only its interval) when KL(T1 || T_i) < zeta
for a low tier i >= beta. The paper's zeta = 2.5 applies to the reference's quirky
"KL of softmax(raw counts)"; :mod:`naslib_nar.search.selection` uses a proper KL of
Laplace-smoothed histograms instead, so the threshold must be re-measured. For each
training set of the paper (NB201 cifar10 / cifar100 / imagenet16 with 1,000 random
architectures, NB101 with 4,236 labelled cells) and several seeds this script reports:

* signal: KL(T1 || T4) and KL(T1 || T5) of the FLOPs, params and op-count histograms,
  for the training-set aggregate and for every per-batch snapshot (batch 128 / 256);
* null: KL between two random disjoint subsets of the same size drawn from the whole
  training set (size |T1|), and between two random halves of one tier (T1): what the
  divergence looks like when the two distributions are the same;
* for a grid of zeta values, the share of snapshots that Algorithm 2 would gate.

No training is needed: tiers come from the validation accuracies exactly as the
ranker's ``tier_labels`` does, and snapshots from ``TierSnapshot.from_arrays``.

    python bench/kl_calibration.py [--seeds 5]
"""
from __future__ import annotations

import argparse
from typing import Dict, List

import numpy as np
from _common import save_results

from naslib_nar.benchmarks.load import encode_rows, load_benchmark
from naslib_nar.ranker.presets import HISTOGRAM_BINS, train_preset
from naslib_nar.ranker.tiers import TierSnapshot, tier_labels
from naslib_nar.search.selection import (
    DEFAULT_NOISE_LEVEL,
    DEFAULT_SMOOTHING,
    DEFAULT_ZETA,
    DEFAULT_ZETA_OPS,
    kl_divergence,
    select_distribution,
)
from naslib_nar.search.selection import smoothed_distribution as smooth

K = 5
BETA = 4
ZETA_GRID = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
#: (space, dataset, training-set size): the paper's training sets, and two small sets of the
#: budget regime (aggregate statistics only: they are smaller than two batches).
SETUPS = (("nb201", "cifar10", 1000), ("nb201", "cifar100", 1000), ("nb201", "imagenet16", 1000),
          ("nb101", "cifar10", 4236), ("nb201", "cifar10", 40), ("nb201", "cifar10", 100))
QUANTITIES = ("flops", "params", "ops")


def _hist(snap: TierSnapshot, quantity: str) -> np.ndarray:
    return {"flops": snap.flops_hist, "params": snap.params_hist, "ops": snap.op_counts}[quantity]


def _kl(a: np.ndarray, b: np.ndarray) -> float:
    return kl_divergence(smooth(a, DEFAULT_SMOOTHING), smooth(b, DEFAULT_SMOOTHING))


def _null(enc, idx: np.ndarray, pool: np.ndarray, size: int, n_bins: int, n_pairs: int,
          rng: np.random.Generator) -> Dict[str, List[float]]:
    """KL between two disjoint random subsets of ``pool`` (``size`` each), binned over ``idx``.

    ``idx`` is the set the bins span (the training set or one batch), as for real snapshots.
    """
    out: Dict[str, List[float]] = {q: [] for q in QUANTITIES}
    position = {row: i for i, row in enumerate(idx.tolist())}
    for _ in range(n_pairs):
        pick = [position[r] for r in rng.permutation(pool)[: 2 * size].tolist()]
        labels = np.full(len(idx), 2)
        labels[pick[:size]], labels[pick[size:]] = 0, 1
        snap = TierSnapshot.from_arrays(enc.flops[idx], enc.params[idx], enc.op_counts[idx], labels, 3, n_bins)
        for q in QUANTITIES:
            h = _hist(snap, q)
            out[q].append(_kl(h[0], h[1]))
    return out


def calibrate(space: str, dataset: str, n_train: int, seeds: int, n_pairs: int) -> List[Dict[str, object]]:
    bench = load_benchmark(space, dataset)
    labelled = bench.labelled_rows("val_acc")
    n_bins = HISTOGRAM_BINS[space]
    batch = train_preset(space, "faithful")["batch_size"]
    records: List[Dict[str, object]] = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        rows = rng.choice(labelled, size=n_train, replace=False)
        enc = encode_rows(bench, rows)
        y = bench.metric("val_acc")[rows]
        tiers = tier_labels(y, K)

        order = rng.permutation(n_train)
        # Bins span the rows of each snapshot (the whole set or one batch), as the ranker's statistics do.
        parts = [np.arange(n_train)]
        with_batches = n_train >= 2 * batch
        if with_batches:
            parts += [order[i:i + batch] for i in range(0, n_train - batch + 1, batch)]
        built = [TierSnapshot.from_arrays(enc.flops[i], enc.params[i], enc.op_counts[i], tiers[i], K, n_bins)
                 for i in parts]
        snaps = {"aggregate": built[:1], "batch": built[1:]} if with_batches else {"aggregate": built}
        for level, items in snaps.items():
            for q in QUANTITIES:
                for snap in items:
                    h = _hist(snap, q)
                    raw = select_distribution(h, sample_size=int(h.sum()), beta=BETA, zeta=0.0, noise_level=None)
                    zeta = DEFAULT_ZETA_OPS if q == "ops" else DEFAULT_ZETA
                    rule = select_distribution(h, sample_size=int(h.sum()), beta=BETA, zeta=zeta)
                    rec = {"set": f"{space}/{dataset}/n={n_train}", "seed": seed, "level": level, "quantity": q,
                           "kind": "signal", "t1_size": int(snap.tier_sizes[0]),
                           "kl_t1_t4": raw.divergences[0] if raw.divergences else float("nan"),
                           "kl_t1_t5": raw.divergences[-1] if raw.divergences else float("nan"),
                           "threshold": max(rule.thresholds) if rule.thresholds else float("nan"),
                           "gated_default": rule.gated}
                    records.append(rec)
        # Null: same-distribution pairs at the sizes Algorithm 2 compares (|T1| of the set / of a batch).
        everything, first = np.arange(n_train), order[:batch]
        t1_all = np.flatnonzero(tiers == 0)
        t1_batch = np.intersect1d(first, t1_all)
        nulls = {
            ("aggregate", "null_whole"): _null(enc, everything, everything, len(t1_all), n_bins, n_pairs, rng),
            ("aggregate", "null_T1_halves"): _null(enc, everything, t1_all, len(t1_all) // 2, n_bins, n_pairs, rng),
        }
        if with_batches:
            nulls[("batch", "null_whole")] = _null(enc, first, first, batch // K, n_bins, n_pairs, rng)
            nulls[("batch", "null_T1_halves")] = _null(enc, first, t1_batch, len(t1_batch) // 2, n_bins, n_pairs, rng)
        for (level, kind), vals in nulls.items():
            for q in QUANTITIES:
                records += [{"set": f"{space}/{dataset}/n={n_train}", "seed": seed, "level": level, "quantity": q,
                             "kind": kind, "kl": v} for v in vals[q]]
    return records


def summarise(records: List[Dict[str, object]]) -> List[Dict[str, object]]:
    rows: List[Dict[str, object]] = []
    keys = list(dict.fromkeys((r["set"], r["level"], r["quantity"]) for r in records))
    for name, level, q in keys:
        sub = [r for r in records if (r["set"], r["level"], r["quantity"]) == (name, level, q)]
        sig = [r for r in sub if r["kind"] == "signal"]
        t4 = np.array([r["kl_t1_t4"] for r in sig], dtype=float)
        t5 = np.array([r["kl_t1_t5"] for r in sig], dtype=float)
        low = np.fmin(t4, t5)  # Algorithm 2 gates on the smallest divergence
        null_w = np.array([r["kl"] for r in sub if r["kind"] == "null_whole"], dtype=float)
        null_t = np.array([r["kl"] for r in sub if r["kind"] == "null_T1_halves"], dtype=float)
        row: Dict[str, object] = {
            "set": name, "level": level, "quantity": q, "n_snapshots": len(sig),
            "kl_t1_t4_median": float(np.nanmedian(t4)), "kl_t1_t5_median": float(np.nanmedian(t5)),
            "min_kl_p10": float(np.nanpercentile(low, 10)), "min_kl_median": float(np.nanmedian(low)),
            "null_whole_p50": float(np.median(null_w)), "null_whole_p95": float(np.percentile(null_w, 95)),
            "null_T1_p95": float(np.percentile(null_t, 95)),
        }
        for zeta in ZETA_GRID:
            row[f"gated@{zeta:g}"] = float(np.nanmean(low < zeta))
        row["default_threshold_median"] = float(np.nanmedian([r["threshold"] for r in sig]))
        row["gated_default"] = float(np.mean([r["gated_default"] for r in sig]))
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=40, help="null pairs per seed and level")
    args = parser.parse_args()
    records: List[Dict[str, object]] = []
    for space, dataset, n_train in SETUPS:
        records += calibrate(space, dataset, n_train, args.seeds, args.pairs)
    rows = summarise(records)
    columns = ["set", "level", "quantity", "n_snapshots", "kl_t1_t4_median", "kl_t1_t5_median", "min_kl_p10",
               "min_kl_median", "null_whole_p50", "null_whole_p95", "null_T1_p95"]
    columns += [f"gated@{z:g}" for z in ZETA_GRID] + ["default_threshold_median", "gated_default"]
    save_results(
        "kl_calibration", rows, columns, seeds=args.seeds, null_pairs=args.pairs, smoothing_alpha=DEFAULT_SMOOTHING,
        default_zeta=DEFAULT_ZETA, default_zeta_ops=DEFAULT_ZETA_OPS, noise_level=DEFAULT_NOISE_LEVEL, beta=BETA,
        n_tiers=K,
        note=("min_kl = min(KL(T1||T4), KL(T1||T5)), the value Algorithm 2 compares with zeta; gated@z = share of "
              "snapshots gated at a fixed zeta=z (no noise floor); gated_default = share gated by the default rule "
              "(zeta, zeta_ops and the chi2 noise floor of selection.py); null_* = KL between two same-distribution "
              "samples of T1's size (whole set) or two halves of T1; nats, alpha-smoothed histograms"),
    )


if __name__ == "__main__":
    main()
