"""Distribution selection (Algorithm 2): sample from T1's histogram, or only inside its interval.

The paper compares the top tier's histogram with those of the low tiers beta..K by
Kullback-Leibler divergence; if T1 looks like a low tier (d < zeta for any of them), or
T1 holds fewer than theta*k samples, its probabilities are dropped and only its
interval is kept. The reference code computes "KL" on softmax(raw counts), a quirk whose
scale depends on the batch size. We use a proper KL of normalised histograms with
additive (Laplace) smoothing of ``alpha`` pseudo-counts per bin, so an empty bin in a
low tier never makes the divergence infinite and small tiers are pulled gently towards
uniform.

Threshold. With alpha = 0.5 and q bins, two samples of the *same* distribution give
small divergences that shrink as the tiers grow; clearly different tiers give
divergences of order 0.5-3 nats. The default zeta = 0.3 nats flags T1 as "not
distinguishable" from a low tier below that. ``bench/kl_calibration.py`` measures the
null (same-distribution) divergences on real NB101/NB201 training sets and the
divergences actually seen between T1 and T4/T5, which is where 0.3 comes from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

DEFAULT_ZETA = 0.3
DEFAULT_SMOOTHING = 0.5


def smoothed_distribution(counts: np.ndarray, alpha: float = DEFAULT_SMOOTHING) -> np.ndarray:
    """(counts + alpha) / sum: a proper distribution even for empty tiers."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"A histogram must be a non-empty 1-D array of counts; got shape {counts.shape}.")
    if np.any(counts < 0):
        raise ValueError(f"Histogram counts must be non-negative; got {counts.tolist()}.")
    smoothed = counts + alpha
    total = smoothed.sum()
    if total <= 0:
        raise ValueError("An all-zero histogram needs alpha > 0 to become a distribution.")
    return smoothed / total


def kl_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p || q) in nats for distributions on the same bins (q > 0 wherever p > 0)."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    mask = p > 0
    if np.any(q[mask] <= 0):
        return float("inf")
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))


@dataclass(frozen=True)
class Selection:
    """The outcome of Algorithm 2 for one quantity (FLOPs or params).

    ``probabilities`` is None when gated; sampling then picks uniformly among the bins of
    ``interval_bins`` (T1's first..last non-empty bin).
    """

    probabilities: Optional[np.ndarray]
    interval_bins: Tuple[int, int]
    divergences: List[float] = field(default_factory=list)
    reason: str = ""

    @property
    def gated(self) -> bool:
        return self.probabilities is None


def select_distribution(
    hist: np.ndarray,
    *,
    sample_size: int,
    beta: int = 4,
    theta: float = 0.1,
    zeta: float = DEFAULT_ZETA,
    alpha: float = DEFAULT_SMOOTHING,
) -> Selection:
    """Algorithm 2 on a (K, q) histogram of one quantity; tier 0 is T1.

    ``beta`` is 1-based as in the paper (beta = 4: compare T1 with T4..TK).
    """
    hist = np.asarray(hist, dtype=np.float64)
    if hist.ndim != 2 or hist.shape[0] < 2:
        raise ValueError(f"hist must be (K, q) with K >= 2 tiers; got shape {hist.shape}.")
    n_tiers = hist.shape[0]
    if not 2 <= beta <= n_tiers:
        raise ValueError(f"beta must be in [2, K={n_tiers}] (1-based tier index); got {beta}.")
    top = hist[0]
    nonzero = np.flatnonzero(top > 0)
    if nonzero.size == 0:  # no T1 sample at all: the whole range is the interval
        return Selection(None, (0, hist.shape[1] - 1), [], "T1 is empty")
    interval = (int(nonzero[0]), int(nonzero[-1]))
    if top.sum() < theta * sample_size:
        return Selection(None, interval, [], f"T1 holds {int(top.sum())} < theta*k = {theta * sample_size:g} samples")
    p_top = smoothed_distribution(top, alpha)
    divergences = [kl_divergence(p_top, smoothed_distribution(hist[i], alpha)) for i in range(beta - 1, n_tiers)]
    if min(divergences) < zeta:
        worst = int(np.argmin(divergences)) + beta
        return Selection(None, interval, divergences, f"KL(T1||T{worst}) = {min(divergences):.3f} < zeta = {zeta:g}")
    # Sample from T1's raw frequencies: smoothing only keeps the divergences finite.
    return Selection(top / top.sum(), interval, divergences, "distribution kept")
