"""The one search loop: a searcher proposes, the oracle answers, the budget decides when to stop.

Every method of the library runs through :func:`run_search`, so every method is held to
the same accounting (:class:`~naslib_nar.search.oracle.Oracle`: one label per query,
the regime's charged kinds, NASLib-style query noise), the same random streams (the
oracle's noise stream and the searcher's own, both derived from the seed) and the same
trace, and a comparison table compares methods, not loops.
"""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np
from tqdm.auto import tqdm

from .._validation import check_param
from .oracle import Oracle
from .searcher import SearchContext, Searcher
from .trace import SearchTrace

__all__ = ["run_search", "check_bench"]

#: ``n`` passed to ``ask`` when the budget is unlimited (the searcher ends the run itself).
UNLIMITED = np.iinfo(np.int32).max


def check_bench(bench: Any, owner: str) -> None:
    """A search needs a tabular NB101/NB201 benchmark."""
    if not hasattr(bench, "metric") or getattr(bench, "space", None) not in ("nb101", "nb201"):
        raise TypeError(f"{owner} expects a TabularBenchmark of NB101 or NB201; got {type(bench).__name__}.")


def run_search(searcher: Searcher, bench: Any, *, seed: int, budget: Optional[int], noisy: bool = True,
               progress: bool = False) -> SearchTrace:
    """Run ``searcher`` on ``bench`` until it stops asking or the charged budget is spent.

    A budget larger than the number of queryable architectures is clipped to it, with a
    warning, for searchers that never label an architecture twice: such a run could not
    spend the rest and would otherwise loop forever looking for new architectures.
    """
    owner = f"search method {searcher.name!r}"
    check_param("seed", seed, int, owner=owner, min_val=0, max_val=2**32 - 1)
    check_param("budget", budget, int, owner=owner, min_val=1, allow_none=True)
    check_param("noisy", noisy, bool, owner=owner)
    check_bench(bench, owner)
    if budget is None and searcher.needs_budget:
        raise ValueError(f"{owner} is a budget regime: every label counts, so it needs a label budget "
                         "(e.g. budget=100).")
    oracle = Oracle(bench, method=searcher.name, seed=seed, budget=budget, charged_kinds=searcher.charged_kinds,
                    noisy=noisy)
    n_queryable = int(oracle.queryable.sum())
    clipped = budget is not None and budget > n_queryable
    if clipped:
        warnings.warn(f"{owner}: a budget of {budget} labels exceeds the {n_queryable} architectures that can be "
                      f"queried in this {bench.space} {bench.dataset} benchmark; the run stops after {n_queryable}.",
                      stacklevel=2)
        oracle.budget = n_queryable
    rng = np.random.default_rng([seed, searcher.rng_stream])
    searcher.start(SearchContext(bench=bench, queryable=oracle.queryable, rng=rng, budget=oracle.budget, seed=seed))
    bar = tqdm(total=oracle.budget, desc=f"{searcher.progress_label} seed {seed}", unit="label",
               disable=not progress, leave=False)
    while oracle.remaining is None or oracle.remaining > 0:
        ask = searcher.ask(UNLIMITED if oracle.remaining is None else oracle.remaining)
        if len(ask) == 0:
            break
        values = oracle.query(ask.rows, ask.kind, fidelity=ask.fidelity)
        searcher.tell(ask, values)
        if ask.kind in searcher.charged_kinds:
            bar.update(len(ask))
    bar.close()
    info = {**searcher.info(), "noisy": noisy}
    if clipped:
        info["budget_clipped_to"] = n_queryable
    return oracle.trace(info)
