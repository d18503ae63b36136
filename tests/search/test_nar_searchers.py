"""NAR's searchers as ask/tell searchers, driven with a stub predictor (no training): the
contract, the regimes' charged kinds, the refit schedule, budget clipping and validation."""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from naslib_nar._validation import UnknownKeyError
from naslib_nar.baselines.registry import METHODS
from naslib_nar.baselines.renas_search import ReNASSearcher
from naslib_nar.search.nar import NARPaperSearcher, NARSearcher
from naslib_nar.search.runner import run_search
from naslib_nar.search.searcher import SearchContext
from naslib_nar.search.settings import METHOD_KEYS, resolve

SMALL = {"candidates": 32, "top_n": 4}


def _context(bench, seed=0, budget=None):
    queryable = np.isfinite(bench.metric("val_acc"))
    return SearchContext(bench=bench, queryable=queryable, rng=np.random.default_rng([seed, 2024]), budget=budget,
                         seed=seed)


def test_ask_returns_at_most_n_and_never_a_labelled_row(synthetic_nb201, stub_factory):
    searcher = NARSearcher(space="nb201", make_predictor=stub_factory, n_init=12, **SMALL)
    searcher.start(_context(synthetic_nb201, budget=40))
    values = synthetic_nb201.metric("val_acc")
    first = searcher.ask(40)
    assert first.kind == "train" and len(first) == 12
    searcher.tell(first, values[first.rows])
    labelled = set(first.rows.tolist())
    for n in (3, 1, 4, 2):  # fewer than top_n allowed: never more than n
        ask = searcher.ask(n)
        assert ask.kind == "search" and 0 < len(ask) <= n
        assert not labelled & set(ask.rows.tolist())
        searcher.tell(ask, values[ask.rows])
        labelled |= set(ask.rows.tolist())
    np.testing.assert_array_equal(np.sort(searcher.labelled("train", "search")), sorted(labelled))
    assert searcher.info()["iterations_run"] == 4


def test_budget_regime_spends_the_budget_on_distinct_rows_and_is_reproducible(synthetic_nb201, stub_factory):
    def run(seed):
        searcher = NARSearcher(space="nb201", make_predictor=stub_factory, n_init=12, refit_every=2, **SMALL)
        return run_search(searcher, synthetic_nb201, seed=seed, budget=31)

    trace = run(0)
    assert len(trace.rows) == 31 and len(np.unique(trace.rows)) == 31
    assert trace.kinds.tolist() == ["train"] * 12 + ["search"] * 19
    assert trace.info["regime"] == "budget" and trace.info["counted_kinds"] is None and trace.info["n_init"] == 12
    again, other = run(0), run(1)
    np.testing.assert_array_equal(trace.rows, again.rows)
    np.testing.assert_array_equal(trace.observed, again.observed)
    assert not np.array_equal(trace.rows, other.rows)


def test_refit_schedule_and_warm_refits(synthetic_nb201, stub_factory):
    searcher = NARSearcher(space="nb201", make_predictor=stub_factory, n_init=12, refit_every=2, refit_epochs=None,
                           **SMALL)
    run_search(searcher, synthetic_nb201, seed=0, budget=31)
    # Iterations of 4 labels: fit on the 12 initial ones, re-fit after iterations 2 and 4; the
    # 5th (3 labels) ends the budget.
    assert [fit["n"] for fit in stub_factory.fits] == [12, 20, 28]
    assert len({fit["estimator"] for fit in stub_factory.fits}) == 3 and searcher.info()["n_fits"] == 3
    stub_factory.fits.clear()
    warm = NARSearcher(space="nb201", make_predictor=stub_factory, n_init=12, refit_epochs=1, **SMALL)
    run_search(warm, synthetic_nb201, seed=0, budget=24)
    assert [(f["n"], f["warm_start"], f["epochs"]) for f in stub_factory.fits] == \
        [(12, False, 3), (16, True, 1), (20, True, 1)]
    assert len({fit["estimator"] for fit in stub_factory.fits}) == 1  # one model, trained on


def test_paper_regime_charges_only_search_labels_and_may_requery_training_rows(sparse_nb201, stub_factory):
    searcher = NARPaperSearcher(space="nb201", make_predictor=stub_factory, train_size=40, val_size=10,
                                iterations=4, top_n=5, candidates=20)
    assert searcher.charged_kinds == ("search",) and NARSearcher.charged_kinds == ("train", "val", "search")
    trace = run_search(searcher, sparse_nb201, seed=0, budget=None)
    kinds = trace.kinds.tolist()
    assert kinds == ["train"] * 40 + ["val"] * 10 + ["search"] * 20
    searched = trace.rows[trace.kinds == "search"]
    assert len(np.unique(searched)) == 20  # never twice by the search itself ...
    # ... but 20 searches among the 10 rows outside the training set must re-query some of it.
    assert np.isin(searched, trace.rows[:50]).sum() >= 10
    assert stub_factory.fits == [{"estimator": stub_factory.fits[0]["estimator"], "n": 40, "n_val": 10,
                                  "warm_start": False, "epochs": 3}]
    assert trace.info["counted_kinds"] == ["search"] and trace.info["regime"] == "paper"
    budgeted = run_search(NARPaperSearcher(space="nb201", make_predictor=stub_factory, train_size=40, val_size=0,
                                           iterations=4, top_n=5, candidates=20), sparse_nb201, seed=0, budget=7)
    assert budgeted.kinds.tolist().count("search") == 7 and "val" not in budgeted.kinds.tolist()


def test_budget_beyond_the_space_is_clipped_with_a_warning_and_stops(sparse_nb201, stub_factory):
    searcher = NARSearcher(space="nb201", make_predictor=stub_factory, **SMALL)
    with pytest.warns(UserWarning, match="exceeds the 60 architectures"):
        trace = run_search(searcher, sparse_nb201, seed=0, budget=20000)
    assert trace.info["budget_clipped_to"] == 60 and trace.info["n_init"] == 10  # 2 * 5 tiers, whatever the budget
    assert len(trace.rows) <= 60 and len(np.unique(trace.rows)) == len(trace.rows)
    assert trace.info["iterations_run"] == 13  # ceil((60 - 10) / 4) planned, then it stops


def test_n_init_defaults_to_the_predictors_tiers(synthetic_nb201, stub_factory):
    def n_init(cls, **params):
        searcher = cls(space="nb201", make_predictor=stub_factory, **params)
        searcher.start(_context(synthetic_nb201, budget=20))
        return searcher.n_init

    assert n_init(NARSearcher) == 10  # 2 * 5 tiers, whatever the budget
    assert n_init(NARSearcher, predictor={"n_tiers": 8}) == 16
    assert n_init(ReNASSearcher) == 10  # no tiers: the same floor of 10


def test_invalid_runs_fail_before_any_label(synthetic_nb201, stub_factory):
    with pytest.raises(ValueError, match="needs a label budget"):
        NARSearcher(space="nb201", make_predictor=stub_factory).start(_context(synthetic_nb201))
    with pytest.raises(ValueError, match="n_init = 20 exceeds the budget of 10"):
        NARSearcher(space="nb201", make_predictor=stub_factory, n_init=20).start(_context(synthetic_nb201, budget=10))
    with pytest.raises(ValueError, match="cannot fill the 5 tiers"):
        NARSearcher(space="nb201", make_predictor=stub_factory, n_init=3).start(_context(synthetic_nb201, budget=10))
    with pytest.raises(ValueError, match="configured for nb101"):
        NARSearcher(space="nb101", make_predictor=stub_factory).start(_context(synthetic_nb201, budget=10))
    with pytest.raises(ValueError, match="cannot exceed the candidates"):
        NARSearcher(space="nb201", make_predictor=stub_factory, top_n=40, candidates=32)
    with pytest.raises(UnknownKeyError) as err:
        NARSearcher(space="nb201", make_predictor=stub_factory, predictor={"n_tier": 3}).start(
            _context(synthetic_nb201, budget=10))
    assert err.value.path == ("predictor", "n_tier") and err.value.suggestion == "n_tiers"


def test_registry_rejects_unknown_keys_with_their_path(synthetic_nb201):
    with pytest.raises(UnknownKeyError, match="Did you mean 'top_n'") as err:
        METHODS["nar"](synthetic_nb201, seed=0, budget=20, params={"top_m": 3})
    assert err.value.path == ("top_m",)
    with pytest.raises(UnknownKeyError) as err:  # the real ranker's parameters, before any fit
        METHODS["nar_paper"](synthetic_nb201, seed=0, budget=None, params={"predictor": {"epoch": 3}})
    assert err.value.path == ("predictor", "epoch") and err.value.suggestion == "epochs"
    with pytest.raises(UnknownKeyError, match="n_init"):  # a budget-regime key in the paper regime
        METHODS["nar_paper"](synthetic_nb201, seed=0, budget=None, params={"n_init": 10})
    with pytest.raises(UnknownKeyError, match="ranker_cache"):  # a run option, not a parameter
        METHODS["nar"](synthetic_nb201, seed=0, budget=20, params={"ranker_cache": "x"})
    with pytest.raises(UnknownKeyError, match="ranker_cach"):
        METHODS["nar"](synthetic_nb201, seed=0, budget=20, ranker_cach="x")


@pytest.mark.parametrize("cls", [NARSearcher, NARPaperSearcher, ReNASSearcher])
def test_constructor_keywords_are_the_methods_keys_and_defaults(cls, stub_factory):
    keywords = set(inspect.signature(cls.__init__).parameters) - {"self", "space", "make_predictor", "ranker_cache"}
    assert keywords | {"noisy"} == set(METHOD_KEYS[cls.name])
    for space in ("nb101", "nb201"):  # the constructor's defaults are resolve's
        assert cls(space=space, make_predictor=stub_factory).settings == resolve(cls.name, space, {})


@pytest.mark.slow
def test_budget_beyond_nb201_is_clipped_and_the_run_ends(synthetic_nb201, stub_factory):
    """Issue "budget 20000 on NB201 hangs": clipped to the 15,625 architectures, the run ends
    after its planned iterations (the last ones find fewer than top_n unlabelled candidates)."""
    searcher = NARSearcher(space="nb201", make_predictor=stub_factory, refit_every=50)
    with pytest.warns(UserWarning, match="exceeds the 15625 architectures"):
        trace = run_search(searcher, synthetic_nb201, seed=0, budget=20000)
    planned = math.ceil((15625 - trace.info["n_init"]) / searcher.settings.top_n)
    assert trace.info["budget_clipped_to"] == 15625 and trace.info["iterations_run"] == planned
    assert len(np.unique(trace.rows)) == len(trace.rows) <= 15625


def test_neighbour_candidates_are_the_best_labelled_rows_neighbourhoods(synthetic_nb201, stub_factory):
    searcher = NARSearcher(space="nb201", make_predictor=stub_factory, n_init=12, neighbours=2, **SMALL)
    searcher.start(_context(synthetic_nb201, budget=40))
    values = synthetic_nb201.metric("val_acc")
    first = searcher.ask(40)
    searcher.tell(first, values[first.rows])
    parents = searcher._parents()
    np.testing.assert_array_equal(parents, first.rows[np.argsort(-values[first.rows])[:2]])
    near = searcher.proposer.neighbour_rows(parents)
    archs = synthetic_nb201.archs
    assert len(near) == 48  # 24 one-edge neighbours each on the full NB201
    changed = [(archs[near[24 * i:24 * (i + 1)]] != archs[parent]).sum(axis=1) for i, parent in enumerate(parents)]
    assert all((edges == 1).all() for edges in changed)
    ask = searcher.ask(4)
    info = searcher.info()
    eligible_near = len(np.setdiff1d(near, first.rows))
    assert info["neighbour_candidates"] == eligible_near and 0 <= info["neighbour_picks"] <= len(ask)
    off = NARSearcher(space="nb201", make_predictor=stub_factory, n_init=12, neighbours=0, **SMALL)
    assert off._parents() is None


@pytest.mark.parametrize("acquisition", ["thompson", "tier_score"])
def test_a_budget_run_is_the_first_labels_of_a_longer_run(synthetic_nb201, stub_factory, acquisition):
    # n_init does not grow with the budget and nothing else reads it, so the search is
    # anytime: bench/search_ablation.py reads smaller budgets off one long run.
    def run(budget):
        searcher = NARSearcher(space="nb201", make_predictor=stub_factory, acquisition=acquisition, **SMALL)
        return run_search(searcher, synthetic_nb201, seed=3, budget=budget)

    short, long = run(23), run(41)
    assert short.info["n_init"] == long.info["n_init"] == 10
    np.testing.assert_array_equal(short.rows, long.rows[:23])
    np.testing.assert_array_equal(short.observed, long.observed[:23])


def test_paper_regime_neighbourhoods_grow_from_every_label_told(synthetic_nb201, stub_factory):
    params = dict(train_size=40, val_size=10, iterations=3, top_n=4, candidates=20)
    paper = run_search(NARPaperSearcher(space="nb201", make_predictor=stub_factory, **params), synthetic_nb201,
                       seed=0, budget=None)
    assert paper.info["neighbour_candidates"] == 0  # the paper's search: sampled candidates only
    searcher = NARPaperSearcher(space="nb201", make_predictor=stub_factory, neighbours=2, **params)
    trace = run_search(searcher, synthetic_nb201, seed=0, budget=None)
    assert trace.info["neighbour_candidates"] > 0 and trace.kinds.tolist().count("search") == 12
    told = trace.rows
    best_two = told[np.argsort(-trace.observed, kind="stable")[:2]]
    np.testing.assert_array_equal(searcher._parents(), best_two)  # training, validation and search labels alike
