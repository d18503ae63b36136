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
from ..search.oracle import Oracle

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


def run_random_search(
    bench: Any, *, seed: int, budget: int, params: Optional[Mapping[str, Any]] = None, progress: bool = False
):
    """Query ``budget`` architectures drawn uniformly without replacement.

    Parameters
    ----------
    bench : TabularBenchmark
    seed : int
        Seeds the draw (and, through the oracle, which training seed each query returns).
    budget : int
        Labels to spend (clipped to the number of queryable architectures).
    params : mapping, optional
        ``noisy`` (bool, default True): answer each query with one random training seed,
        as NASLib does; False gives the seed mean.
    progress : bool
        Unused (random search is instantaneous); accepted for the common signature.

    Returns
    -------
    SearchTrace
    """
    check_run_args("run_random_search", bench, seed, budget)
    cfg = resolve_params("random_search", params, {"noisy": True})
    check_param("noisy", cfg["noisy"], bool, owner="random_search")
    oracle = Oracle(bench, method="random_search", seed=seed, budget=budget, noisy=cfg["noisy"])
    rng = np.random.default_rng([seed, 101])
    rows = unseen_random_rows(queryable_rows(oracle), (), budget, rng)
    oracle.query(rows, kind="search")
    return oracle.trace(trace_info(cfg))
