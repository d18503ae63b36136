"""Regularized evolution (Real et al., 2019), a standalone re-implementation.

A population of the most recent ``population_size`` labelled architectures; each step
draws ``sample_size`` of them uniformly without replacement (NASLib: with replacement),
mutates the one with the best *observed* validation accuracy, labels the child and drops
the oldest member (aging). Mutation is NASLib's: NB201 changes the op of one edge to
another op; NB101 changes one interior op or flips one edge of the 7-vertex cell
(:class:`Mutator`).

Defaults scale with the budget so that small budgets still evolve: the paper setting
(population 50, sample 10) needs 50 labels for the initial population alone, half of a
100-label budget. We use ``population_size = clip(budget // 4, 10, 50)`` and
``sample_size = max(2, population_size // 5)``: 25/5 at 100 labels, 37/7 at 150, 50/10
from 200 on. A child is always an architecture not labelled yet: an unlabelled neighbour
of the parent, else one two mutations away (``max_steps``), else a uniformly random
unlabelled one (counted in the trace's ``info['random_children']``), so no label pays
twice.

The neighbourhoods (:func:`naslib_nar.spaces.neighbours.neighbour_archs`,
:class:`naslib_nar.search.mutation.Mutator`) are shared with local search, the
predictor-guided searchers and NAR's budget regime.
"""
from __future__ import annotations

from collections import deque
from typing import Any, Dict, Optional

import numpy as np

from .._validation import check_param
from ..search.mutation import Mutator
from ..search.searcher import Ask, SearchContext, Searcher
from .random_search import NO_ROWS, check_queryable, get_params, trace_info, unseen_random_rows


def default_population(budget: Optional[int]) -> int:
    """``clip(budget // 4, 10, 50)``; 50 (the paper's) when the budget is unlimited."""
    return 50 if budget is None else int(np.clip(budget // 4, 10, 50))


# ---------------------------------------------------------------------- the method
class EvolutionSearcher(Searcher):
    """Regularized evolution; every label is charged, the initial population's too.

    Parameters
    ----------
    population_size : int, optional
        Members kept (the most recent labels); default ``clip(budget // 4, 10, 50)``.
    sample_size : int, optional
        Members drawn per step, the best of which is mutated; default
        ``max(2, population_size // 5)``, at most ``population_size``.
    max_steps : int
        How many mutations away an unlabelled child may be looked for before a random
        one is taken (default 2).
    """

    name = "evolution"
    rng_stream = 202

    def __init__(self, population_size: Optional[int] = None, sample_size: Optional[int] = None,
                 max_steps: int = 2) -> None:
        owner = f"search method {self.name!r}"
        check_param("population_size", population_size, int, owner=owner, min_val=2, allow_none=True)
        check_param("sample_size", sample_size, int, owner=owner, min_val=1, allow_none=True,
                    max_val=population_size)
        check_param("max_steps", max_steps, int, owner=owner, min_val=1)
        self.population_size, self.sample_size, self.max_steps = population_size, sample_size, max_steps

    def start(self, context: SearchContext) -> None:
        super().start(context)
        self._rows = check_queryable(context)
        self.population_size_ = (default_population(context.budget) if self.population_size is None
                                 else self.population_size)
        self.sample_size_ = max(2, self.population_size_ // 5) if self.sample_size is None else self.sample_size
        check_param("sample_size", self.sample_size_, int, owner=f"search method {self.name!r}",
                    max_val=self.population_size_)
        self._population: deque = deque(maxlen=self.population_size_)  # (row, observed); maxlen drops the oldest
        self._seen: set = set()
        self._random_children = 0
        self._mutator = Mutator(context.bench, context.queryable, context.rng, max_steps=self.max_steps)

    def ask(self, n: int) -> Ask:
        rng = self.context.rng
        if not self._population:  # the initial population, uniformly
            return Ask(unseen_random_rows(self._rows, (), min(self.population_size_, n), rng))
        members = rng.choice(len(self._population), size=min(self.sample_size_, len(self._population)),
                             replace=False)
        parent = max((self._population[i] for i in members), key=lambda m: m[1])[0]
        child = self._mutator.mutate(parent, exclude=self._seen)
        if child < 0:  # every neighbour labelled (or none queryable): a fresh random one
            fresh = unseen_random_rows(self._rows, self._seen, 1, rng)
            if fresh.size == 0:  # every queryable architecture is labelled
                return Ask(NO_ROWS)
            child = int(fresh[0])
            self._random_children += 1
        return Ask(np.array([child]))

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        for row, acc in zip(ask.rows.tolist(), np.asarray(values, dtype=np.float64).tolist()):
            self._population.append((row, acc))  # aging: the oldest member leaves
            self._seen.add(row)

    def info(self) -> Dict[str, Any]:
        params = dict(get_params(self), population_size=self.population_size_, sample_size=self.sample_size_)
        return trace_info(params, random_children=self._random_children)
