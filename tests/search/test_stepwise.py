"""OneAtATime: a searcher driven one label per call (NASLib's new_epoch), without NASLib."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.search.nar import NARPaperSearcher, NARSearcher
from naslib_nar.search.runner import run_search
from naslib_nar.search.searcher import SearchContext
from naslib_nar.search.stepwise import OneAtATime

PARAMS = {"candidates": 32, "top_n": 4, "n_init": 12, "refit_every": 2}


def _steps(bench, searcher, budget, seed=0):
    context = SearchContext(bench=bench, queryable=np.isfinite(bench.metric("val_acc")),
                            rng=np.random.default_rng([seed, searcher.rng_stream]), budget=budget, seed=seed)
    return OneAtATime(searcher, context)


def test_one_at_a_time_gives_the_runners_run(synthetic_nb201, stub_factory):
    """Row by row, with the same values, the searcher makes the same run as in run_search."""
    batch = run_search(NARSearcher(space="nb201", make_predictor=stub_factory, **PARAMS), synthetic_nb201, seed=3,
                       budget=30, noisy=False)
    steps = _steps(synthetic_nb201, NARSearcher(space="nb201", make_predictor=stub_factory, **PARAMS), budget=30,
                   seed=3)
    values = synthetic_nb201.metric("val_acc")
    rows, kinds = [], []
    while (step := steps.next()) is not None:
        rows.append(step[0])
        kinds.append(step[1])
        steps.record(values[step[0]])
    assert rows == batch.rows.tolist() and kinds == batch.kinds.tolist()
    assert steps.charged == 30 and steps.remaining == 0 and steps.finished and steps.next() is None


def test_skipped_rows_are_not_told_and_never_proposed_again(synthetic_nb201, stub_factory):
    searcher = NARSearcher(space="nb201", make_predictor=stub_factory, **PARAMS)
    steps = _steps(synthetic_nb201, searcher, budget=24)
    values = synthetic_nb201.metric("val_acc")
    handed, skipped, recorded = [], [], []
    while (step := steps.next()) is not None:
        handed.append(step)
        if len(handed) in (4, 5, 6, 7, 20):  # four rows of the initial design and one search row fail
            steps.skip()
            skipped.append(step[0])
        else:
            steps.record(values[step[0]])
            recorded.append(step[0])
    kinds = [kind for _, kind in handed]
    # The initial design is topped up to its 12 labels; skips use no budget, but a short
    # iteration is not made up for: 3 planned iterations of 4, one row short.
    assert kinds == ["train"] * 16 + ["search"] * 12 and steps.skipped == 5
    assert len(recorded) == steps.charged == 12 + 11 and steps.finished
    assert not steps.context.queryable[skipped].any() and not set(skipped) & set(recorded)
    assert sorted(searcher.labelled("train", "search").tolist()) == sorted(recorded)
    assert stub_factory.fits[0]["n"] == 12


def test_uncharged_kinds_are_not_counted(synthetic_nb201, stub_factory):
    searcher = NARPaperSearcher(space="nb201", make_predictor=stub_factory, train_size=20, val_size=5, iterations=3,
                                top_n=2, candidates=16)
    steps = _steps(synthetic_nb201, searcher, budget=None)
    kinds = []
    while (step := steps.next()) is not None:
        kinds.append(step[1])
        steps.record(70.0 + len(kinds) % 7)
    assert kinds == ["train"] * 20 + ["val"] * 5 + ["search"] * 6 and steps.charged == 6


def test_each_row_needs_an_answer(synthetic_nb201, stub_factory):
    steps = _steps(synthetic_nb201, NARSearcher(space="nb201", make_predictor=stub_factory, **PARAMS), budget=20)
    with pytest.raises(RuntimeError, match="none is pending"):
        steps.record(1.0)
    steps.next()
    with pytest.raises(RuntimeError, match="answer the last row"):
        steps.next()
