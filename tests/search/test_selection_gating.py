"""Algorithm 2 on hand-made histograms: when T1's distribution is kept and when it is gated."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.search.selection import (
    kl_divergence,
    noise_floor,
    select_distribution,
    smoothed_distribution,
)

# T1 concentrated on the high bins, the low tiers on the low bins: clearly different.
DISTINCT = np.array([
    [0, 2, 8, 40, 50],
    [5, 15, 30, 30, 20],
    [10, 25, 30, 25, 10],
    [40, 30, 20, 8, 2],
    [50, 35, 10, 4, 1],
])


def test_distinct_tiers_keep_t1_distribution():
    sel = select_distribution(DISTINCT, sample_size=int(DISTINCT.sum()))
    assert not sel.gated
    np.testing.assert_allclose(sel.probabilities, DISTINCT[0] / DISTINCT[0].sum())
    assert sel.interval_bins == (1, 4)
    assert len(sel.divergences) == 2 and min(sel.divergences) > 1.0


def test_t1_like_a_low_tier_is_gated_but_keeps_its_interval():
    hist = DISTINCT.copy()
    hist[3] = hist[0]  # T4 looks exactly like T1
    sel = select_distribution(hist, sample_size=int(hist.sum()))
    assert sel.gated and sel.probabilities is None
    assert sel.interval_bins == (1, 4)
    assert "T4" in sel.reason


def test_too_few_t1_samples_are_gated():
    hist = DISTINCT.copy()
    hist[0] = [0, 0, 1, 2, 1]  # 4 samples < theta * k = 0.1 * 404
    sel = select_distribution(hist, sample_size=int(hist.sum()), theta=0.1)
    assert sel.gated and "theta" in sel.reason
    assert sel.interval_bins == (2, 4)


def test_empty_t1_uses_the_whole_range():
    hist = DISTINCT.copy()
    hist[0] = 0
    sel = select_distribution(hist, sample_size=100)
    assert sel.gated and sel.interval_bins == (0, 4)


def test_empty_low_tiers_are_skipped_and_all_empty_gates():
    hist = DISTINCT.copy()
    hist[4] = 0
    sel = select_distribution(hist, sample_size=int(hist.sum()))
    assert not sel.gated and len(sel.divergences) == 1  # only T4 compared
    hist[3] = 0
    sel = select_distribution(hist, sample_size=int(hist.sum()))
    assert sel.gated and "empty" in sel.reason


def test_degenerate_single_bin_is_gated():
    hist = np.zeros((5, 5), dtype=int)
    hist[:, 2] = 20  # every tier in one bin: nothing tells them apart
    sel = select_distribution(hist, sample_size=100)
    assert sel.gated and sel.interval_bins == (2, 2)


def test_noise_floor_gates_small_samples_that_a_fixed_zeta_would_trust():
    small = np.array([[0, 1, 2, 3, 2], [2, 2, 2, 1, 1], [2, 2, 2, 1, 1], [3, 2, 1, 1, 1], [3, 3, 1, 1, 0]])
    plain = select_distribution(small, sample_size=int(small.sum()), theta=0.0, noise_level=None)
    floored = select_distribution(small, sample_size=int(small.sum()), theta=0.0)
    assert not plain.gated  # divergence above zeta = 0.2 ...
    assert floored.gated  # ... but within the noise of 8 samples per tier
    assert min(floored.thresholds) > 0.2


def test_noise_floor_shrinks_with_sample_size():
    assert noise_floor(10, 10, 5) > noise_floor(100, 100, 5) > noise_floor(1000, 1000, 5)
    assert noise_floor(0, 10, 5) == float("inf") and noise_floor(10, 10, 1) == float("inf")


def test_smoothed_kl_is_finite_and_zero_for_equal_histograms():
    p = smoothed_distribution(np.array([0, 10, 0]))
    q = smoothed_distribution(np.array([10, 0, 0]))
    assert np.isfinite(kl_divergence(p, q)) and kl_divergence(p, q) > 0
    assert kl_divergence(p, p) == pytest.approx(0.0)


def test_bad_histograms_are_rejected():
    with pytest.raises(ValueError, match="K >= 2"):
        select_distribution(np.ones((1, 4)), sample_size=4)
    with pytest.raises(ValueError, match="beta"):
        select_distribution(DISTINCT, sample_size=10, beta=6)
    with pytest.raises(ValueError, match="non-negative"):
        smoothed_distribution(np.array([1, -1]))
