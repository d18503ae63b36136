"""NAR's regimes end to end through the registry: the real (tiny) ranker on synthetic benchmarks.

The ask/tell contract, the refit schedule and the validation are tested with a stub
predictor in test_nar_searchers.py; these runs check that the real predictors drive them.
"""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from naslib_nar.baselines.registry import METHODS
from naslib_nar.search.oracle import BudgetExhausted, Oracle
from naslib_nar.search.proposer import choose, draw_tiers

run_nar, run_nar_paper, run_renas = METHODS["nar"], METHODS["nar_paper"], METHODS["renas"]

#: Ranker settings that keep every fit around a second.
TINY = {"preset": "tiny", "epochs": 3}
PAPER = {"train_size": 120, "val_size": 30, "iterations": 4, "top_n": 3, "candidates": 40, "predictor": TINY}


def test_choose_prefers_t1_by_score_then_t1_probability():
    scores = np.array([5.0, 9.0, 1.0, 7.0, 3.0])
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3], [0.45, 0.55]])
    out = choose(scores, proba, 4)
    # T1 (argmax 0): positions 0, 2, 3 -> by score 3, 0, 2; then the best T1 probability: 4 (0.45) over 1 (0.2).
    assert out["picked"].tolist() == [3, 0, 2, 4] and out["fallback"].tolist() == [4]
    assert choose(scores, None, 2)["picked"].tolist() == [1, 3]


def test_draw_tiers_follows_each_rows_tier_probabilities():
    proba = np.array([[0.3, 0.7, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.2, 0.6]])
    draws = np.stack([draw_tiers(proba, np.random.default_rng(seed)) for seed in range(4000)])
    for row in range(len(proba)):
        np.testing.assert_allclose(np.bincount(draws[:, row], minlength=3) / len(draws), proba[row], atol=0.03)


def test_thompson_choice_orders_by_drawn_tier_then_score():
    scores = np.array([5.0, 9.0, 1.0, 7.0])
    certain = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    # Certain tiers and a near-zero temperature: T1 (0, 2) by score, then T2 (1, 3) by score.
    out = choose(scores, certain, 3, np.random.default_rng(0), temperature=1e-3)
    assert out["picked"].tolist() == [0, 2, 1] and out["fallback"].tolist() == [1]
    # An uncertain candidate is picked first in about its share of the tier draws.
    unsure = np.array([[0.5, 0.5], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0]])
    firsts = [choose(scores, unsure, 1, np.random.default_rng(seed), temperature=1e-3)["picked"][0]
              for seed in range(2000)]
    assert abs(np.mean(np.array(firsts) == 0) - 0.5) < 0.05 and set(firsts) == {0, 1}


def test_thompson_choice_draws_the_order_from_the_pairwise_model():
    # Within one tier the first pick is a Plackett-Luce draw: P(0 first) = e^s0 / (e^s0 + e^s1) = 3/4.
    scores, same_tier = np.array([np.log(3.0), 0.0]), np.array([[1.0, 0.0], [1.0, 0.0]])
    firsts = [choose(scores, same_tier, 1, np.random.default_rng(seed))["picked"][0] for seed in range(4000)]
    assert abs(np.mean(np.array(firsts) == 0) - 0.75) < 0.03
    # A higher temperature flattens the draw towards uniform.
    warm = [choose(scores, same_tier, 1, np.random.default_rng(seed), temperature=100.0)["picked"][0]
            for seed in range(4000)]
    assert abs(np.mean(np.array(warm) == 0) - 0.5) < 0.03


def test_paper_regime_counts_only_search_queries(synthetic_nb201):
    trace = run_nar_paper(synthetic_nb201, seed=0, budget=None, params=PAPER)
    kinds = trace.kinds.tolist()
    assert kinds.count("train") == 120 and kinds.count("val") == 30 and kinds.count("search") == 12
    searched = trace.rows[trace.kinds == "search"]
    assert len(np.unique(searched)) == len(searched)  # the search never pays twice for one architecture
    info = trace.info
    assert info["counted_kinds"] == ["search"] and info["n_scored"] > 0 and info["iterations_run"] == 4
    assert info["accepted"] + info["accepted_late"] > 0 and info["plans"]


@pytest.mark.slow
def test_search_is_reproducible_for_a_fixed_seed(synthetic_nb201):
    a = run_nar_paper(synthetic_nb201, seed=3, budget=None, params=PAPER)
    b = run_nar_paper(synthetic_nb201, seed=3, budget=None, params=PAPER)
    np.testing.assert_array_equal(a.rows, b.rows)
    np.testing.assert_array_equal(a.observed, b.observed)
    assert a.info["n_scored"] == b.info["n_scored"]
    c = run_nar_paper(synthetic_nb201, seed=4, budget=None, params=PAPER)
    assert not np.array_equal(a.rows, c.rows)


def test_budget_regime_spends_exactly_the_budget(synthetic_nb201):
    trace = run_nar(synthetic_nb201, seed=0, budget=31,
                    params={"n_init": 12, "top_n": 4, "candidates": 32, "refit_every": 2, "predictor": TINY})
    assert len(trace.rows) == 31 and len(np.unique(trace.rows)) == 31
    assert trace.kinds.tolist().count("train") == 12 and trace.info["counted_kinds"] is None
    assert trace.info["n_fits"] == 1 + 2  # iterations 2 and 4 re-fit; the last (5th) does not


def test_oracle_enforces_the_budget(synthetic_nb201):
    oracle = Oracle(synthetic_nb201, method="x", seed=0, budget=5, charged_kinds=("search",))
    oracle.query(np.arange(100), "train")  # not charged
    oracle.query(np.arange(5), "search")
    assert oracle.remaining == 0
    with pytest.raises(BudgetExhausted):
        oracle.query([7], "search")


def test_tier_embedding_updates_and_statistics_by_turns(synthetic_nb201):
    trace = run_nar_paper(synthetic_nb201, seed=1, budget=None, params={**PAPER, "update_tier_embeddings": True,
                                                           "statistics": "batches", "random_fraction": 0.0})
    assert trace.kinds.tolist().count("search") == 12
    assert trace.info["plans_used"] >= 2  # 120 training labels in batches of 32: several snapshots in turn


def test_nb101_search_queries_only_labelled_cells(synthetic_nb101):
    params = {"train_size": 100, "val_size": 0, "iterations": 3, "top_n": 2, "candidates": 16,
              "random_fraction": 0.25, "predictor": TINY}
    trace = run_nar_paper(synthetic_nb101, seed=0, budget=None, params=params)
    assert np.isfinite(synthetic_nb101.metric("val_acc")[trace.rows]).all()
    assert trace.info["unlabelled_resampled"] > 0
    assert trace.kinds.tolist().count("search") == 6


@pytest.mark.skipif(importlib.util.find_spec("naslib_nar.baselines.renas") is None, reason="ReNAS not available")
def test_renas_budget_regime_samples_uniformly(synthetic_nb201):
    trace = run_renas(synthetic_nb201, seed=0, budget=22, params={"n_init": 12, "top_n": 5, "candidates": 40,
                                                                  "predictor": {"epochs": 5}})
    assert len(trace.rows) == 22 and trace.info["predictor"] == "renas"
    assert trace.info["accepted"] == 0 and trace.info["t1_candidates"] == 0  # no statistics, no tiers


@pytest.mark.slow
def test_ranker_cache_reuses_identical_fits(synthetic_nb201, tmp_path):
    """A cached fit gives the same run as a fresh one and is not fitted again."""
    fresh = run_nar_paper(synthetic_nb201, seed=5, budget=None, params=PAPER)
    first = run_nar_paper(synthetic_nb201, seed=5, budget=None, params=PAPER, ranker_cache=str(tmp_path))
    again = run_nar_paper(synthetic_nb201, seed=5, budget=None, params={**PAPER, "top_n": 2},
                          ranker_cache=str(tmp_path))
    np.testing.assert_array_equal(first.rows, fresh.rows)
    assert first.info["fits_loaded_from_cache"] == 0 and len(list(tmp_path.glob("*.pt"))) == 1
    assert again.info["fits_loaded_from_cache"] == 1 and again.info["n_fits"] == 0
    other_seed = run_nar_paper(synthetic_nb201, seed=6, budget=None, params=PAPER, ranker_cache=str(tmp_path))
    assert other_seed.info["fits_loaded_from_cache"] == 0 and len(list(tmp_path.glob("*.pt"))) == 2


def test_budget_regime_warm_refits_continue_one_model(synthetic_nb201):
    params = {"n_init": 20, "top_n": 5, "candidates": 40, "refit_epochs": 1, "predictor": TINY}
    trace = run_nar(synthetic_nb201, seed=0, budget=35, params=params)
    assert len(trace.rows) == 35 and trace.info["n_fits"] == 3  # one full fit, two warm re-fits
