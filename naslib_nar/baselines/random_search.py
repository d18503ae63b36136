"""Random search (standalone re-implementation): uniform over the queryable architectures.

Architectures are drawn uniformly *without replacement* among the rows the
:class:`~naslib_nar.search.oracle.Oracle` may query (all 15,625 on NB201; the labelled
cells on NB101, which is the only subspace with labels here), so a run never pays twice
for one architecture. The helpers below (parameter checks, the queryable rows, the
trace's provenance) are shared by the other search baselines.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional

import numpy as np

from .._validation import check_param
from ..search.searcher import Ask, SearchContext, Searcher

IMPLEMENTATION = "standalone re-implementation"


def resolve_params(method: str, params: Optional[Mapping[str, Any]], defaults: Mapping[str, Any]) -> Dict[str, Any]:
    """``defaults`` updated by ``params``; unknown keys are rejected with the valid ones."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise TypeError(f"The 'params' of {method} must be a mapping of parameter names to values. Got {params!r}.")
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise ValueError(f"Unknown parameter(s) {unknown} for search method {method!r}. Valid: {sorted(defaults)}.")
    merged = dict(defaults)
    merged.update(params)
    return merged


def check_run_args(method: str, bench: Any, seed: Any, budget: Any) -> None:
    """The arguments every search baseline shares: a benchmark, a seed, a label budget."""
    if not hasattr(bench, "metric") or not hasattr(bench, "space"):
        raise TypeError(f"{method} expects a TabularBenchmark as 'bench'. Got {type(bench).__name__}.")
    check_param("seed", seed, int, owner=method, min_val=0)
    check_param("budget", budget, int, owner=method, min_val=1)


def queryable_rows(oracle: Any) -> np.ndarray:
    """Rows the oracle can label, ascending (NB101: the labelled cells only)."""
    rows = np.flatnonzero(oracle.queryable)
    if rows.size == 0:
        raise ValueError(f"The {oracle.bench.space} benchmark has no architecture with a validation accuracy.")
    return rows


def unseen_random_rows(candidates: np.ndarray, seen: Iterable[int], n: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``n`` distinct rows of ``candidates`` not in ``seen``, uniformly."""
    seen = set(int(r) for r in seen)
    pool = candidates if not seen else candidates[~np.isin(candidates, np.fromiter(seen, dtype=np.int64))]
    n = min(int(n), len(pool))
    return rng.choice(pool, size=n, replace=False) if n else np.zeros(0, dtype=np.int64)


def trace_info(params: Mapping[str, Any], **extra: Any) -> Dict[str, Any]:
    info = {"implementation": IMPLEMENTATION, "params": dict(params)}
    info.update(extra)
    return info


class RandomSearcher(Searcher):
    """Uniform random search: the whole budget drawn at once, without replacement.

    It has no parameters of its own (``noisy`` belongs to the runner's oracle).
    """

    name = "random_search"
    rng_stream = 101

    def start(self, context: SearchContext) -> None:
        super().start(context)
        if not context.queryable.any():
            raise ValueError(f"The {context.bench.space} benchmark has no architecture with a validation accuracy.")
        self._done = False

    def ask(self, n: int) -> Ask:
        if self._done:
            return Ask(np.zeros(0, dtype=np.int64))
        self._done = True
        return Ask(unseen_random_rows(self.context.queryable_rows, (), n, self.context.rng))

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        """Random search learns nothing from the labels."""

    def info(self) -> Dict[str, Any]:
        return trace_info({})
