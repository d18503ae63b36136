"""Figures written next to experiment results (matplotlib, headless, atomic writes)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np

from .._io import atomic_save_with


def _pyplot():
    """matplotlib, headless; imported only when a figure is drawn (it is slow to import and
    the commands, the config checks and the workers never need it otherwise)."""
    import matplotlib  # heavy: lazy on purpose

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # heavy: lazy on purpose

    return plt


def rank_scatter(
    pred: np.ndarray, truth: np.ndarray, true_tiers: np.ndarray, path: Union[str, Path], title: str
) -> Path:
    """Predicted rank vs true rank, coloured by true tier (the paper's Fig. 4)."""
    plt = _pyplot()
    n = len(pred)
    pred_rank = np.empty(n, dtype=np.int64)
    pred_rank[np.argsort(-pred, kind="stable")] = np.arange(1, n + 1)
    true_rank = np.empty(n, dtype=np.int64)
    true_rank[np.argsort(-truth, kind="stable")] = np.arange(1, n + 1)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    cmap = plt.get_cmap("viridis", int(true_tiers.max()) + 1)
    for tier in range(int(true_tiers.max()) + 1):
        mask = true_tiers == tier
        ax.scatter(true_rank[mask], pred_rank[mask], s=4, alpha=0.6, color=cmap(tier), label=f"T{tier + 1}")
    ax.plot([1, n], [1, n], color="grey", lw=0.8, ls="--")
    ax.set_xlabel("true rank (1 = best)")
    ax.set_ylabel("predicted rank")
    ax.set_title(title, fontsize=9)
    ax.legend(markerscale=3, fontsize=8, title="true tier")
    fig.tight_layout()
    out = atomic_save_with(path, lambda tmp: fig.savefig(tmp, dpi=130, format="png"), suffix=".png")
    plt.close(fig)
    return out


#: Share of a best-so-far curve left out when its y-axis is fitted: about the random
#: initial design (10 of 100 labels), where the curves sit far below their later values.
BEST_SO_FAR_ZOOM = 0.1


def focus_limits(bands: Sequence[Tuple[np.ndarray, np.ndarray]], skip: float,
                 hline: Optional[float] = None) -> Optional[Tuple[float, float]]:
    """y-limits that fit the (lower, upper) bands after their first ``skip`` share of points.

    A best-so-far curve starts with a few random labels tens of points below where every
    method ends; fitted to the whole curve, the axis squeezes the differences that matter
    into one line. None (matplotlib's own limits) when ``skip`` is 0 or nothing is left.
    """
    if skip <= 0:
        return None
    tails = [(lo[int(skip * len(lo)):], hi[int(skip * len(hi)):]) for lo, hi in bands]
    values = np.concatenate([np.concatenate([lo, hi]) for lo, hi in tails] +
                            ([np.array([hline])] if hline is not None else []))
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low) or 0.5
    return low - pad, high + pad


def curves(
    series: Dict[str, Sequence[Sequence[float]]],
    path: Union[str, Path],
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    x: Optional[Dict[str, Sequence[float]]] = None,
    hline: Optional[float] = None,
    zoom_after: float = 0.0,
) -> Path:
    """Mean +- std bands of several methods' per-seed curves (e.g. best-so-far vs queries).

    ``zoom_after``: share of each curve's first points left out when the y-axis is fitted
    (:func:`focus_limits`; 0 = fit everything)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.2))
    bands = []
    for name, runs in series.items():
        length = min(len(r) for r in runs)
        arr = np.asarray([list(r)[:length] for r in runs], dtype=np.float64)
        xs = np.asarray(x[name][:length]) if x and name in x else np.arange(1, length + 1)
        mean, std = np.nanmean(arr, axis=0), np.nanstd(arr, axis=0)
        ax.plot(xs, mean, label=name, lw=1.4)
        ax.fill_between(xs, mean - std, mean + std, alpha=0.2)
        bands.append((mean - std, mean + std))
    if hline is not None:
        ax.axhline(hline, color="grey", ls=":", lw=1, label="optimum")
    limits = focus_limits(bands, zoom_after, hline)
    if limits is not None:
        ax.set_ylim(*limits)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out = atomic_save_with(path, lambda tmp: fig.savefig(tmp, dpi=130, format="png"), suffix=".png")
    plt.close(fig)
    return out
