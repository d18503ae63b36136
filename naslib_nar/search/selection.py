"""Distribution selection (Algorithm 2): sample from T1's histogram, or only inside its interval.

The paper compares the top tier's histogram with those of the low tiers beta..K by
Kullback-Leibler divergence; if T1 looks like a low tier (d < zeta for any of them), or
T1 holds fewer than theta*k samples, its probabilities are dropped and only its
interval is kept. The reference code computes "KL" on softmax(raw counts), a quirk whose
scale depends on the batch size. We use a proper KL of normalised histograms with
additive (Laplace) smoothing of ``alpha`` pseudo-counts per bin, so an empty bin in a
low tier never makes the divergence infinite and small tiers are pulled gently towards
uniform.

Threshold (measured by ``bench/kl_calibration.py``, results in
``bench/results/kl_calibration.md``). Two histograms drawn from the *same* distribution
still differ by sampling noise, and that noise depends on the sample sizes far more than
on the data: the 95th percentile of the divergence between two same-distribution
samples is 0.017 nats for NB101's training-set T1 (847 cells), 0.04 for NB201's (200),
0.21 inside one NB101 batch of 256 and 0.28-0.32 inside one NB201 batch of 128. The
real divergences min(KL(T1||T4), KL(T1||T5)) are 0.27-0.36 (NB101 aggregate), 1.25-2.1
(NB201 aggregate), 0.19-0.35 (NB101 batches, p10-median) and 0.57-1.1 (NB201 batches).
No single constant separates signal from noise at every size (NB101's aggregate signal,
0.27, lies below NB201's batch-level noise, 0.3), so the rule here has two parts:

* a noise floor: a divergence is only trusted when it exceeds the 95th percentile of its
  null distribution, chi2_{q'-1}(0.95) / (2 n_eff) with n_eff = n1 n2 / (n1 + n2) and q'
  the bins occupied by either tier (the asymptotic law of a plug-in KL between two
  multinomial samples; it matches the measured null within 0-25%, erring on the side of
  gating). With the few labels of the budget regime (T1 of 6-20 architectures) this
  floor is what gates T1, as it should;
* an effect size ``zeta``: 0.2 nats for FLOPs and params (below every real aggregate
  divergence measured, above every aggregate null) and ``DEFAULT_ZETA_OPS`` = 0.05 for op
  counts, whose real divergences are smaller (0.09-0.30 against a null <= 0.06).

``noise_level=None`` turns the floor off and gives the plain Algorithm 2 with a fixed zeta.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

DEFAULT_ZETA = 0.2
DEFAULT_ZETA_OPS = 0.05
DEFAULT_SMOOTHING = 0.5
DEFAULT_NOISE_LEVEL = 0.95


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


def noise_floor(n1: float, n2: float, n_bins: int, level: float = DEFAULT_NOISE_LEVEL) -> float:
    """The ``level`` quantile of KL between two samples (sizes n1, n2) of one distribution on ``n_bins`` bins.

    Asymptotically 2 * n_eff * KL follows chi2 with n_bins - 1 degrees of freedom. One
    occupied bin (or an empty sample) gives inf: such histograms cannot be told apart.
    """
    from scipy.stats import chi2

    if n1 <= 0 or n2 <= 0 or n_bins < 2:
        return float("inf")
    n_eff = n1 * n2 / (n1 + n2)
    return float(chi2.ppf(level, n_bins - 1) / (2.0 * n_eff))


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
    thresholds: List[float] = field(default_factory=list)

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
    noise_level: Optional[float] = DEFAULT_NOISE_LEVEL,
) -> Selection:
    """Algorithm 2 on a (K, q) histogram of one quantity; tier 0 is T1.

    ``beta`` is 1-based as in the paper (beta = 4: compare T1 with T4..TK). The threshold
    for tier i is ``max(zeta, noise_floor(|T1|, |Ti|, q', noise_level))`` (see the module
    docstring); ``noise_level=None`` uses ``zeta`` alone. Empty low tiers are skipped
    (``divergences`` lists the non-empty ones, in order); T1 is gated when all are empty.
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
    low = [i for i in range(beta - 1, n_tiers) if hist[i].sum() > 0]  # an empty tier is no evidence either way
    if not low:
        return Selection(None, interval, [], f"tiers T{beta}..T{n_tiers} are empty: nothing to compare T1 with")
    divergences = [kl_divergence(p_top, smoothed_distribution(hist[i], alpha)) for i in low]
    thresholds = [zeta if noise_level is None else
                  max(zeta, noise_floor(top.sum(), hist[i].sum(), int(np.sum((top + hist[i]) > 0)), noise_level))
                  for i in low]
    for tier, d, limit in zip(low, divergences, thresholds):
        if d < limit:
            return Selection(None, interval, divergences,
                             f"KL(T1||T{tier + 1}) = {d:.3f} < threshold {limit:.3f}", thresholds)
    # Sample from T1's raw frequencies: smoothing only keeps the divergences finite.
    return Selection(top / top.sum(), interval, divergences, "distribution kept", thresholds)
