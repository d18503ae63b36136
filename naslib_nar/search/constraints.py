"""Constrained candidate sampling (§3.3, Appendix B, D): constraints from T1's statistics.

From one tier snapshot (:class:`TierHistograms`; the ranker's ``TierSnapshot`` is one), :func:`make_plan` runs Algorithm
2 on the FLOPs, params and op-count histograms. :meth:`ConstraintPlan.draw` then draws a
(FLOPs, params) constraint pair: a bin from T1's histogram (or, when gated, a bin
uniformly within T1's interval), whose *upper* edge is the constraint, as in the
reference's ``(tau_{k-1}, tau_k]`` bins. A disabled constraint is +inf (Table 6:
'flops' / 'params' / 'both' / 'none'). The op probabilities (T1's op counts, normalised)
are used only when the op histogram passes the same test; otherwise ops are uniform.

:func:`sample_constrained` fills candidate slots in groups of ``reuse`` (m = 25) slots that
share one constraint pair. A slot draws architectures with the space's structured
sampler until one is labelled and within both constraints (strict rejection). Each
labelled draw is one *trial*; after ``max_trials`` trials the last one is accepted even
though it exceeds a constraint, and counted as ``accepted_late``. Draws that are not
labelled (only NB101's labelled subspace can be queried) are resampled without using a
trial and counted as ``unlabelled_resampled``. A group that draws more than
``GIVE_UP_DRAWS_PER_SLOT`` architectures per open slot (e.g. a sampler that cannot reach
any labelled cell) gives its open slots up: they are counted as ``given_up`` and the
caller fills them uniformly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Protocol, Tuple

import numpy as np

from .selection import (
    DEFAULT_NOISE_LEVEL,
    DEFAULT_SMOOTHING,
    DEFAULT_ZETA,
    DEFAULT_ZETA_OPS,
    Selection,
    select_distribution,
)


class TierHistograms(Protocol):
    """What the search reads of a predictor's per-tier statistics (row 0 = the best tier).

    The search layer needs no predictor class: any object with these arrays drives it
    (the NAR ranker's ``TierSnapshot`` does).
    """

    flops_edges: np.ndarray  # (q+1,) bin edges
    params_edges: np.ndarray  # (q+1,)
    flops_hist: np.ndarray  # (K, q) counts
    params_hist: np.ndarray  # (K, q) counts
    op_counts: np.ndarray  # (K, n_ops) counts
    tier_sizes: np.ndarray  # (K,)


CONSTRAINTS = ("both", "flops", "params", "none")
#: 'select': Algorithm 2 decides per quantity; 'interval': always sample uniformly within
#: T1's interval (the paper's NB201 setting, Table 2 caption).
SELECTION_MODES = ("select", "interval")
GIVE_UP_DRAWS_PER_SLOT = 5000


@dataclass(frozen=True)
class ConstraintPlan:
    """What Algorithm 2 selected from one snapshot; ``None`` selections are disabled constraints."""

    flops: Optional[Selection]
    params: Optional[Selection]
    flops_edges: np.ndarray
    params_edges: np.ndarray
    op_probs: Optional[np.ndarray]
    ops: Optional[Selection] = None

    def draw(self, rng: np.random.Generator) -> Tuple[float, float]:
        """One (FLOPs, params) constraint pair, in the statistics' absolute units."""
        return _draw_value(self.flops, self.flops_edges, rng), _draw_value(self.params, self.params_edges, rng)

    def summary(self) -> Dict[str, Any]:
        """JSON-ready record of the decisions (for the search's info)."""
        def one(sel: Optional[Selection]) -> Any:
            if sel is None:
                return "off"
            return {"gated": sel.gated, "reason": sel.reason, "divergences": [round(d, 4) for d in sel.divergences]}

        return {"flops": one(self.flops), "params": one(self.params), "ops": one(self.ops),
                "op_probs": None if self.op_probs is None else [round(float(v), 4) for v in self.op_probs]}


def _draw_value(sel: Optional[Selection], edges: np.ndarray, rng: np.random.Generator) -> float:
    if sel is None:
        return float("inf")
    if sel.gated:
        lo, hi = sel.interval_bins
        k = int(rng.integers(lo, hi + 1))
    else:
        k = int(rng.choice(len(sel.probabilities), p=sel.probabilities))
    return float(edges[k + 1])


def make_plan(
    snapshot: TierHistograms,
    *,
    constraints: str = "both",
    op_statistics: bool = True,
    mode: str = "select",
    beta: int = 4,
    theta: float = 0.1,
    zeta: float = DEFAULT_ZETA,
    zeta_ops: float = DEFAULT_ZETA_OPS,
    alpha: float = DEFAULT_SMOOTHING,
    noise_level: Optional[float] = DEFAULT_NOISE_LEVEL,
) -> ConstraintPlan:
    """Run Algorithm 2 on a snapshot's FLOPs, params and op histograms.

    ``theta * k`` uses the snapshot's own size as k (the reference's batch size). In
    'interval' mode FLOPs/params are always gated and ops are uniform, as the paper does
    on NB201 ("only the interval of the collected distribution is adopted").
    """
    if constraints not in CONSTRAINTS:
        raise ValueError(f"constraints must be one of {CONSTRAINTS}; got {constraints!r}.")
    if mode not in SELECTION_MODES:
        raise ValueError(f"mode must be one of {SELECTION_MODES}; got {mode!r}.")
    size = int(snapshot.tier_sizes.sum())
    kwargs = dict(beta=min(beta, len(snapshot.tier_sizes)), theta=theta, alpha=alpha, noise_level=noise_level)

    def select(hist: np.ndarray, zeta_value: float, sample_size: int) -> Selection:
        sel = select_distribution(hist, sample_size=sample_size, zeta=zeta_value, **kwargs)
        if mode == "interval" and not sel.gated:
            return Selection(None, sel.interval_bins, sel.divergences, "interval mode", sel.thresholds)
        return sel

    flops = select(snapshot.flops_hist, zeta, size) if constraints in ("both", "flops") else None
    params = select(snapshot.params_hist, zeta, size) if constraints in ("both", "params") else None
    op_sel, op_probs = None, None
    if op_statistics and mode == "select":
        op_hist = np.asarray(snapshot.op_counts, dtype=np.float64)
        op_sel = select(op_hist, zeta_ops, int(op_hist.sum()))
        if not op_sel.gated:
            op_probs = op_sel.probabilities
    return ConstraintPlan(flops, params, np.asarray(snapshot.flops_edges, dtype=np.float64),
                          np.asarray(snapshot.params_edges, dtype=np.float64), op_probs, op_sel)


@dataclass
class SamplingCounts:
    """How the constrained candidates were obtained (summed over a run)."""

    accepted: int = 0
    accepted_late: int = 0
    given_up: int = 0
    trials: int = 0
    unlabelled_resampled: int = 0
    draws: int = 0

    def add(self, other: "SamplingCounts") -> None:
        for name in ("accepted", "accepted_late", "given_up", "trials", "unlabelled_resampled", "draws"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_dict(self) -> Dict[str, int]:
        return {"accepted": self.accepted, "accepted_late": self.accepted_late, "given_up": self.given_up,
                "trials": self.trials, "unlabelled_resampled": self.unlabelled_resampled, "draws": self.draws}


def sample_constrained(
    sampler: Any,
    locate: Callable[[Any], np.ndarray],
    plan: ConstraintPlan,
    n: int,
    rng: np.random.Generator,
    *,
    reuse: int = 25,
    max_trials: int = 100,
) -> Tuple[np.ndarray, SamplingCounts]:
    """``n`` benchmark rows drawn under constraints (see the module docstring).

    ``locate(archs)`` maps sampled architectures to benchmark rows, -1 for those that
    cannot be queried. Returns the rows (``-1`` for given-up slots) and the counts.
    """
    rows = np.full(int(n), -1, dtype=np.int64)
    counts = SamplingCounts()
    for start in range(0, int(n), reuse):
        stop = min(start + reuse, int(n))
        c_flops, c_params = plan.draw(rng)
        rows[start:stop] = _fill_group(sampler, locate, plan.op_probs, stop - start, c_flops, c_params, rng,
                                       max_trials, counts)
    return rows, counts


def _fill_group(sampler: Any, locate: Callable[[Any], np.ndarray], op_probs: Optional[np.ndarray], m: int,
                c_flops: float, c_params: float, rng: np.random.Generator, max_trials: int,
                counts: SamplingCounts) -> np.ndarray:
    """Fill ``m`` slots that share one constraint pair, one slot after the other.

    Draws come in vectorised chunks; the slots consume them in order, so the outcome is
    the same as drawing one architecture at a time (draws left in the last chunk are
    discarded).
    """
    filled = []
    trials = 0  # trials of the slot being filled
    draws = 0
    while len(filled) < m:
        if draws > GIVE_UP_DRAWS_PER_SLOT * (m - len(filled)):
            counts.given_up += m - len(filled)
            filled += [-1] * (m - len(filled))
            break
        chunk = max(64, 4 * (m - len(filled)))
        archs = sampler.structured(chunk, rng, op_probs)
        flops, params = sampler.costs(archs)
        found = locate(archs)
        for row, f, p in zip(found.tolist(), flops.tolist(), params.tolist()):
            draws += 1
            counts.draws += 1
            if row < 0:
                counts.unlabelled_resampled += 1
                continue
            trials += 1
            counts.trials += 1
            if f <= c_flops and p <= c_params:
                counts.accepted += 1
            elif trials >= max_trials:
                counts.accepted_late += 1
            else:
                continue
            filled.append(row)
            trials = 0
            if len(filled) == m:
                break
    return np.asarray(filled, dtype=np.int64)
