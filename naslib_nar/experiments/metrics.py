"""Ranking metrics for predictor evaluation (scipy where it has them)."""
from __future__ import annotations

from typing import Dict, Iterable, Sequence

import numpy as np
from scipy.stats import kendalltau, spearmanr


def _finite(value: float) -> float:
    return float("nan") if value is None or not np.isfinite(value) else float(value)


def top_k_overlap(pred: np.ndarray, truth: np.ndarray, k: int) -> float:
    """|predicted top-k ∩ true top-k| / k ("precision@k" in NASLib's sense)."""
    k = min(int(k), len(pred))
    if k <= 0:
        return float("nan")
    top_pred = np.argsort(-pred, kind="stable")[:k]
    top_true = np.argsort(-truth, kind="stable")[:k]
    return len(np.intersect1d(top_pred, top_true)) / k


def tier_accuracy(pred_tiers: np.ndarray, truth: np.ndarray, boundaries: Sequence[float]) -> float:
    """Share of architectures whose predicted tier equals the tier of their true accuracy.

    ``boundaries`` are descending accuracy thresholds between tiers, taken from the
    training set (the lowest accuracy of tiers 0..K-2), so test tiers use the same cuts.
    """
    true_tiers = np.searchsorted(-np.asarray(boundaries, dtype=np.float64), -np.asarray(truth), side="left")
    return float(np.mean(pred_tiers == true_tiers))


def ranking_metrics(pred: np.ndarray, truth: np.ndarray, ks: Iterable[int] = (10, 50, 100)) -> Dict[str, float]:
    """Kendall tau, Spearman rho and top-k overlaps of ``pred`` against ``truth``."""
    pred = np.asarray(pred, dtype=np.float64)
    truth = np.asarray(truth, dtype=np.float64)
    out = {
        "kendall_tau": _finite(kendalltau(pred, truth).statistic),
        "spearman": _finite(spearmanr(pred, truth).statistic),
    }
    for k in ks:
        out[f"precision_at_{k}"] = top_k_overlap(pred, truth, k)
    out["top_1pct_overlap"] = top_k_overlap(pred, truth, max(1, len(pred) // 100))
    return out

