"""Random search (standalone re-implementation): uniform over the queryable architectures.

Architectures are drawn uniformly *without replacement* among the rows the
:class:`~naslib_nar.search.oracle.Oracle` may query (all 15,625 on NB201; the labelled
cells on NB101, which is the only subspace with labels here), so a run never pays twice
for one architecture. The helpers below (the queryable rows, unseen random rows, a
searcher's parameters, the trace's provenance) are shared by the other search baselines.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Iterable, Mapping

import numpy as np

from ..search.searcher import Ask, SearchContext, Searcher

IMPLEMENTATION = "standalone re-implementation"
#: The empty ask: a searcher with nothing left to propose ends the run.
NO_ROWS = np.zeros(0, dtype=np.int64)
NO_ROWS.setflags(write=False)


def unseen_random_rows(candidates: np.ndarray, seen: Iterable[int], n: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``n`` distinct rows of ``candidates`` not in ``seen``, uniformly."""
    seen = set(int(r) for r in seen)
    pool = candidates if not seen else candidates[~np.isin(candidates, np.fromiter(seen, dtype=np.int64))]
    n = min(int(n), len(pool))
    return rng.choice(pool, size=n, replace=False) if n else NO_ROWS


def trace_info(params: Mapping[str, Any], **extra: Any) -> Dict[str, Any]:
    """A baseline's trace ``info``: its provenance (``implementation``, overridable) and settings."""
    info = {"implementation": IMPLEMENTATION, "params": dict(params)}
    info.update(extra)
    return info


def get_params(searcher: Searcher) -> Dict[str, Any]:
    """The constructor keywords of ``searcher`` and their values (scikit-learn's ``get_params``:
    a searcher stores each keyword under its own name)."""
    names = [n for n in inspect.signature(type(searcher).__init__).parameters if n != "self"]
    return {n: getattr(searcher, n) for n in names}


def check_queryable(context: SearchContext) -> np.ndarray:
    """The rows a run may label, ascending; a clear error when there are none."""
    rows = context.queryable_rows
    if rows.size == 0:
        raise ValueError(f"The {context.bench.space} benchmark has no architecture with a validation accuracy.")
    return rows


class RandomSearcher(Searcher):
    """Uniform random search: the whole budget drawn at once, without replacement.

    It has no parameters of its own (``noisy`` belongs to the runner's oracle).
    """

    name = "random_search"
    rng_stream = 101

    def start(self, context: SearchContext) -> None:
        super().start(context)
        self._rows = check_queryable(context)
        self._done = False

    def ask(self, n: int) -> Ask:
        if self._done:
            return Ask(NO_ROWS)
        self._done = True
        return Ask(unseen_random_rows(self._rows, (), n, self.context.rng))

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        """Random search learns nothing from the labels."""

    def info(self) -> Dict[str, Any]:
        return trace_info({})
