"""Figures written next to experiment results (matplotlib, headless, atomic writes)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Sequence, Union

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


def curves(
    series: Dict[str, Sequence[Sequence[float]]],
    path: Union[str, Path],
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    x: Optional[Dict[str, Sequence[float]]] = None,
    hline: Optional[float] = None,
) -> Path:
    """Mean +- std bands of several methods' per-seed curves (e.g. best-so-far vs queries)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for name, runs in series.items():
        length = min(len(r) for r in runs)
        arr = np.asarray([list(r)[:length] for r in runs], dtype=np.float64)
        xs = np.asarray(x[name][:length]) if x and name in x else np.arange(1, length + 1)
        mean, std = np.nanmean(arr, axis=0), np.nanstd(arr, axis=0)
        ax.plot(xs, mean, label=name, lw=1.4)
        ax.fill_between(xs, mean - std, mean + std, alpha=0.2)
    if hline is not None:
        ax.axhline(hline, color="grey", ls=":", lw=1, label="optimum")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out = atomic_save_with(path, lambda tmp: fig.savefig(tmp, dpi=130, format="png"), suffix=".png")
    plt.close(fig)
    return out
