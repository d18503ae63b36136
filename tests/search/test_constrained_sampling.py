"""Constraints from T1's statistics: drawing, reuse for m candidates, strict rejection."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.ranker.tiers import TierSnapshot
from naslib_nar.search.constraints import ConstraintPlan, make_plan, sample_constrained
from naslib_nar.search.pool import CandidatePool
from naslib_nar.search.selection import Selection


def _snapshot(n=1000, seed=0):
    """Tier 0 holds the cheapest architectures: T1's statistics differ from the low tiers."""
    rng = np.random.default_rng(seed)
    flops = rng.uniform(1e7, 1e8, size=n)
    params = flops / 100
    tiers = np.minimum((flops - 1e7) / 9e7 * 5, 4).astype(int)
    ops = rng.integers(0, 3, size=(n, 5))
    return TierSnapshot.from_arrays(flops, params, ops, tiers, 5, 5)


class _CountingPlan:
    """A plan that records how often a constraint pair is drawn."""

    def __init__(self, flops=np.inf, params=np.inf):
        self.pairs, self.op_probs, self.value = 0, None, (flops, params)

    def draw(self, rng):
        self.pairs += 1
        return self.value


def test_plan_draws_upper_bin_edges_of_t1():
    snap = _snapshot()
    plan = make_plan(snap)
    assert not plan.flops.gated and not plan.params.gated
    rng = np.random.default_rng(0)
    draws = np.array([plan.draw(rng) for _ in range(200)])
    assert set(draws[:, 0]) <= set(snap.flops_edges[1:].tolist())
    assert set(draws[:, 1]) <= set(snap.params_edges[1:].tolist())
    t1_bins = np.flatnonzero(snap.flops_hist[0])  # T1 = cheapest: its constraints are the low edges
    assert draws[:, 0].max() <= snap.flops_edges[t1_bins[-1] + 1]


def test_gated_plan_draws_uniformly_inside_the_interval():
    edges = np.arange(6, dtype=float) * 10
    sel = Selection(None, (1, 3))
    plan = ConstraintPlan(sel, None, edges, edges, None)
    rng = np.random.default_rng(0)
    values = [plan.draw(rng) for _ in range(300)]
    assert {f for f, _ in values} == {20.0, 30.0, 40.0}
    assert all(p == np.inf for _, p in values)  # params constraint disabled


@pytest.mark.parametrize("constraints, off", [("flops", (False, True)), ("params", (True, False)),
                                              ("none", (True, True)), ("both", (False, False))])
def test_constraint_choice_disables_the_other_quantity(constraints, off):
    plan = make_plan(_snapshot(), constraints=constraints)
    flops, params = plan.draw(np.random.default_rng(0))
    assert (flops == np.inf, params == np.inf) == off


def test_interval_mode_and_op_statistics():
    snap = _snapshot()
    interval = make_plan(snap, mode="interval")
    assert interval.flops.gated and interval.params.gated and interval.op_probs is None
    no_ops = make_plan(snap, op_statistics=False)
    assert no_ops.op_probs is None and no_ops.ops is None


def test_each_constraint_pair_is_reused_for_m_candidates(synthetic_nb201):
    pool = CandidatePool(synthetic_nb201, np.isfinite(synthetic_nb201.metric("val_acc")))
    plan = _CountingPlan()
    rows, counts = sample_constrained(pool.sampler, pool.locate, plan, 60, np.random.default_rng(0), reuse=25)
    assert plan.pairs == 3  # 25 + 25 + 10
    assert len(rows) == 60 and counts.accepted == 60 and counts.accepted_late == 0


def test_strict_rejection_and_late_acceptance(synthetic_nb201):
    pool = CandidatePool(synthetic_nb201, np.isfinite(synthetic_nb201.metric("val_acc")))
    flops, params = pool.sampler.costs(synthetic_nb201.archs)
    c_f, c_p = float(np.quantile(flops, 0.3)), float(np.quantile(params, 0.5))
    rows, counts = sample_constrained(pool.sampler, pool.locate, _CountingPlan(c_f, c_p), 200,
                                      np.random.default_rng(1), reuse=25, max_trials=3)
    violating = int(np.sum((flops[rows] > c_f) | (params[rows] > c_p)))
    assert violating == counts.accepted_late  # only late acceptances exceed the constraints
    assert counts.accepted + counts.accepted_late == 200 and counts.trials >= 200
    # An impossible constraint: every slot is accepted late after max_trials trials.
    rows, counts = sample_constrained(pool.sampler, pool.locate, _CountingPlan(-1.0, -1.0), 10,
                                      np.random.default_rng(2), reuse=5, max_trials=4)
    assert counts.accepted_late == 10 and counts.trials == 40 and (rows >= 0).all()


def test_unlabelled_cells_are_resampled_and_counted(synthetic_nb101):
    pool = CandidatePool(synthetic_nb101, np.isfinite(synthetic_nb101.metric("val_acc")))
    rows, counts = sample_constrained(pool.sampler, pool.locate, _CountingPlan(), 40, np.random.default_rng(0))
    assert pool.queryable[rows].all()
    assert counts.unlabelled_resampled > 0 and counts.draws == counts.trials + counts.unlabelled_resampled
