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

The neighbourhoods (:func:`neighbour_archs`, :class:`Mutator`) are shared with local
search and the predictor-guided searchers.
"""
from __future__ import annotations

from collections import deque
from typing import Any, Dict, Optional

import numpy as np

from .._validation import check_param
from ..search.searcher import Ask, SearchContext, Searcher
from ..spaces._nb101_cell import MAX_EDGES, PAD, CellBatch, prune_padded
from .random_search import NO_ROWS, check_queryable, get_params, trace_info, unseen_random_rows


# ---------------------------------------------------------------------- mutation
def neighbour_archs(bench: Any, archs: Any, rng: np.random.Generator) -> Any:
    """Every valid architecture one mutation away from each of ``archs`` (a batch).

    NB201: the 24 architectures that differ in one edge's op. NB101: each cell is taken as
    its 7-vertex spec (vertices removed by pruning get a random interior op, as they have
    one in an unpruned spec); a neighbour changes one interior op or flips one of the 21
    possible edges, and is kept if valid after pruning (input reaches output, at most 9
    edges). Duplicates and the parents themselves may appear; callers look rows up.
    """
    if bench.space == "nb201":
        base = np.asarray(archs, dtype=np.int8).reshape(-1, 6)
        cand = np.repeat(base, 24, axis=0).reshape(len(base), 6, 4, 6)
        for e in range(6):
            others = (base[:, e:e + 1] + np.arange(1, 5, dtype=np.int8)) % 5  # the 4 other ops
            cand[:, e, :, e] = others
        return cand.reshape(-1, 6)

    iu, ju = np.triu_indices(7, 1)
    cand_adj, cand_ops = [], []
    for adj0, ops0 in zip(archs.adj, archs.ops):
        ops = ops0.copy()
        pads = ops == PAD
        ops[pads] = rng.integers(0, 3, size=int(pads.sum()))  # dangling vertices of an unpruned spec
        flips = np.repeat(adj0[None], len(iu), axis=0)
        flips[np.arange(len(iu)), iu, ju] ^= 1  # one edge flipped per candidate
        cand_adj.append(flips)
        cand_ops.append(np.repeat(ops[None], len(iu), axis=0))
        changed = np.repeat(ops[None], 10, axis=0)  # 5 interior vertices x 2 other ops
        vertex = np.repeat(np.arange(1, 6), 2)
        changed[np.arange(10), vertex] = (ops[vertex] + np.tile([1, 2], 5)) % 3
        cand_adj.append(np.repeat(adj0[None], 10, axis=0))
        cand_ops.append(changed)
    a, o, nv, connected = prune_padded(np.concatenate(cand_adj), np.concatenate(cand_ops))
    keep = connected & (a.sum(axis=(1, 2)) <= MAX_EDGES)
    return CellBatch(a[keep], o[keep], nv[keep])


class Mutator:
    """Mutation over the queryable rows of one benchmark, with a per-run cache.

    :meth:`mutate` returns a uniformly chosen queryable architecture one mutation away
    from a row, not in ``exclude``; when there is none, one two mutations away, and so on
    up to ``max_steps`` (NB101's labelled cells are a 7% subset of the space, so one step
    often finds none); -1 if none. The one-step neighbourhood of a row is computed once
    per run (NB101 hashing costs ~0.1 ms per cell).
    """

    def __init__(self, bench: Any, queryable: np.ndarray, rng: np.random.Generator, max_steps: int = 2) -> None:
        self.bench, self.queryable, self.rng, self.max_steps = bench, queryable, rng, max_steps
        self._cache: dict = {}

    def _rows(self, cells: Any, parent: int, excluded: np.ndarray) -> np.ndarray:
        rows = self.bench.rows_of(cells, missing="ignore")
        ok = np.unique(rows[(rows >= 0) & (rows != parent)])
        return ok[self.queryable[ok] & ~np.isin(ok, excluded)]

    def neighbours(self, row: int) -> np.ndarray:
        """Queryable rows one mutation away from ``row`` (cached)."""
        if row not in self._cache:
            cells = neighbour_archs(self.bench, self.bench.archs[np.array([row])], self.rng)
            self._cache[row] = (self._rows(cells, row, np.zeros(0, dtype=np.int64)) if len(cells)
                                 else np.zeros(0, dtype=np.int64))
        return self._cache[row]

    def mutate(self, row: int, exclude: Optional[set] = None) -> int:
        row = int(row)
        excluded = np.fromiter(exclude or (), dtype=np.int64)
        ok = self.neighbours(row)
        ok = ok[~np.isin(ok, excluded)]
        if ok.size:
            return int(self.rng.choice(ok))
        frontier = self.bench.archs[np.array([row])]
        for _ in range(1, self.max_steps):
            frontier = neighbour_archs(self.bench, frontier, self.rng)
            if len(frontier) == 0:
                return -1
            if self.bench.space == "nb201":
                frontier = np.unique(frontier, axis=0)
            else:  # distinct cells only, to keep the next step cheap
                _, first = np.unique(_nb101_keys(frontier), return_index=True)
                frontier = frontier[np.sort(first)]
            cells = neighbour_archs(self.bench, frontier, self.rng)
            ok = self._rows(cells, row, excluded) if len(cells) else np.zeros(0, dtype=np.int64)
            if ok.size:
                return int(self.rng.choice(ok))
        return -1


def _nb101_keys(batch: Any) -> np.ndarray:
    """A cheap exact key of pruned padded cells (the layout is canonical up to isomorphism,
    which only costs a few duplicate look-ups)."""
    return np.array([a.tobytes() + o.tobytes() for a, o in zip(batch.adj, batch.ops)])


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
