"""Quality tiers: global tier labels and the per-tier FLOPs / params / op statistics.

Labels follow the reference code, not the paper's "equally dividing the batch": the
training set is sorted once by accuracy and cut into K slices of floor(n/K)
architectures, the last (worst) slice taking the remainder. Tier 0 is the best (T1).

Statistics follow §3.2: for every batch, the network FLOPs and params of the batch are
binned into q bins spanning the batch's [min, max] with step delta = ceil((max-min)/q)
(in MFLOPs and thousands of params, the reference's units, so the rounding is
meaningful); bin k covers (min + (k-1)*delta, min + k*delta] and the minimum falls in bin 1.
Each tier's histogram counts its own architectures over those shared bins. Op counts are
summed per tier without binning. Every batch is kept as a snapshot (the paper samples
from them "by turns"), and an aggregate over the whole training set is built the same
way from all training architectures at once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, List

import numpy as np

#: Units before binning (reference: ceil(flops / 1e6), ceil(params / 1e3)).
FLOPS_UNIT = 1e6
PARAMS_UNIT = 1e3


def tier_labels(y: np.ndarray, n_tiers: int) -> np.ndarray:
    """Tier of each target, 0 = best; K equal slices of the sorted targets, remainder last.

    Ties are broken by position (a stable sort), so equal accuracies at a boundary may
    land in adjacent tiers, exactly as a sort-and-slice of the reference does.
    """
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[0]
    if n < n_tiers:
        raise ValueError(
            f"Cannot split {n} architectures into {n_tiers} tiers: every tier needs at least one. "
            "Use more training architectures or fewer tiers (n_tiers)."
        )
    order = np.argsort(-y, kind="stable")
    step = n // n_tiers
    labels = np.empty(n, dtype=np.int64)
    for tier in range(n_tiers):
        stop = n if tier == n_tiers - 1 else (tier + 1) * step
        labels[order[tier * step : stop]] = tier
    return labels


def tier_boundaries(y: np.ndarray, n_tiers: int) -> np.ndarray:
    """The K-1 descending accuracy cuts of :func:`tier_labels`: the lowest target of tiers 0..K-2.

    Applying them to new architectures (tier = number of cuts strictly above the accuracy)
    gives the tiers the training set's quantiles imply, e.g. for scoring tier accuracy.
    """
    y_sorted = np.sort(np.asarray(y, dtype=np.float64))[::-1]
    step = len(y_sorted) // n_tiers
    return np.array([y_sorted[(t + 1) * step - 1] for t in range(n_tiers - 1)])


def bin_edges(values: np.ndarray, n_bins: int, unit: float) -> np.ndarray:
    """q+1 edges (in original units) of Eq. 14: min, min+delta, ..., min+q*delta."""
    scaled = np.ceil(np.asarray(values, dtype=np.float64) / unit)
    lo, hi = float(scaled.min()), float(scaled.max())
    delta = max(math.ceil((hi - lo) / n_bins), 1)  # guard max == min
    return (lo + delta * np.arange(n_bins + 1)) * unit


def histogram(values: np.ndarray, edges: np.ndarray, unit: float) -> np.ndarray:
    """Counts per bin (tau_{k-1}, tau_k]; the minimum itself is counted in bin 1."""
    scaled = np.ceil(np.asarray(values, dtype=np.float64) / unit)
    e = edges / unit
    idx = np.searchsorted(e, scaled, side="left")  # value in (e[k-1], e[k]] -> k
    idx = np.clip(idx, 1, len(e) - 1) - 1
    return np.bincount(idx, minlength=len(e) - 1).astype(np.int64)


@dataclass
class TierSnapshot:
    """Per-tier statistics of one set of architectures (a batch, or the whole training set)."""

    flops_edges: np.ndarray  # (q+1,)
    params_edges: np.ndarray  # (q+1,)
    flops_hist: np.ndarray  # (K, q) counts
    params_hist: np.ndarray  # (K, q) counts
    op_counts: np.ndarray  # (K, n_ops) counts
    tier_sizes: np.ndarray  # (K,)

    @classmethod
    def from_arrays(
        cls, flops: np.ndarray, params: np.ndarray, op_counts: np.ndarray, tiers: np.ndarray, n_tiers: int, n_bins: int
    ) -> "TierSnapshot":
        f_edges = bin_edges(flops, n_bins, FLOPS_UNIT)
        p_edges = bin_edges(params, n_bins, PARAMS_UNIT)
        f_hist = np.zeros((n_tiers, n_bins), dtype=np.int64)
        p_hist = np.zeros((n_tiers, n_bins), dtype=np.int64)
        ops = np.zeros((n_tiers, op_counts.shape[1]), dtype=np.int64)
        for tier in range(n_tiers):
            mask = tiers == tier
            f_hist[tier] = histogram(flops[mask], f_edges, FLOPS_UNIT)
            p_hist[tier] = histogram(params[mask], p_edges, PARAMS_UNIT)
            ops[tier] = op_counts[mask].sum(axis=0)
        sizes = np.bincount(tiers, minlength=n_tiers).astype(np.int64)
        return cls(f_edges, p_edges, f_hist, p_hist, ops, sizes)

    def to_dict(self) -> Dict[str, Any]:
        return {k: v.tolist() for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, payload: Dict[str, Any]) -> "TierSnapshot":
        return cls(**{k: np.asarray(v) for k, v in payload.items()})


@dataclass
class TierStatistics:
    """Everything the sampler needs: per-batch snapshots and the training-set aggregate."""

    n_tiers: int
    n_bins: int
    op_names: List[str]
    aggregate: TierSnapshot
    batches: List[TierSnapshot] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "n_tiers": self.n_tiers,
            "n_bins": self.n_bins,
            "op_names": list(self.op_names),
            "aggregate": self.aggregate.to_dict(),
            "batches": [b.to_dict() for b in self.batches],
        }

    @classmethod
    def from_dict(cls, payload: Dict[str, Any]) -> "TierStatistics":
        return cls(
            n_tiers=int(payload["n_tiers"]),
            n_bins=int(payload["n_bins"]),
            op_names=list(payload["op_names"]),
            aggregate=TierSnapshot.from_dict(payload["aggregate"]),
            batches=[TierSnapshot.from_dict(b) for b in payload["batches"]],
        )
