"""Mutation over the queryable rows of a benchmark: the neighbourhood of a row, and one child.

Shared by every method that searches near labelled architectures (regularized evolution,
local search, the predictor-guided baselines, NAR's budget regime); the neighbourhood
itself is the space's (:func:`naslib_nar.spaces.neighbours.neighbour_archs`).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

from ..spaces.neighbours import nb101_keys, neighbour_archs

__all__ = ["Mutator"]

_NO_ROWS = np.zeros(0, dtype=np.int64)


class Mutator:
    """Mutation over the queryable rows of one benchmark, with a per-run cache.

    :meth:`mutate` returns a uniformly chosen queryable architecture one mutation away
    from a row, not in ``exclude``; when there is none, one two mutations away, and so on
    up to ``max_steps`` (NB101's labelled cells are a 7% subset of the space, so one step
    often finds none); -1 if none. The one-step neighbourhood of a row is computed once
    per run (NB101 hashing costs ~0.1 ms per cell), and so is :meth:`within`'s.
    """

    def __init__(self, bench: Any, queryable: np.ndarray, rng: np.random.Generator, max_steps: int = 2) -> None:
        self.bench, self.queryable, self.rng, self.max_steps = bench, queryable, rng, max_steps
        self._cache: Dict[int, np.ndarray] = {}
        self._within: Dict[Tuple[int, int], np.ndarray] = {}

    def _rows(self, cells: Any, parent: int, excluded: np.ndarray) -> np.ndarray:
        rows = self.bench.rows_of(cells, missing="ignore")
        ok = np.unique(rows[(rows >= 0) & (rows != parent)])
        return ok[self.queryable[ok] & ~np.isin(ok, excluded)]

    def neighbours(self, row: int) -> np.ndarray:
        """Queryable rows one mutation away from ``row`` (cached)."""
        if row not in self._cache:
            cells = neighbour_archs(self.bench.space, self.bench.archs[np.array([row])], self.rng)
            self._cache[row] = self._rows(cells, row, _NO_ROWS) if len(cells) else _NO_ROWS
        return self._cache[row]

    def _distinct(self, cells: Any) -> Any:
        """``cells`` without repeats, to keep the next mutation step cheap."""
        if self.bench.space == "nb201":
            return np.unique(cells, axis=0)
        _, first = np.unique(nb101_keys(cells), return_index=True)
        return cells[np.sort(first)]

    def within(self, row: int, steps: int) -> np.ndarray:
        """Queryable rows at most ``steps`` mutations away from ``row``, sorted (cached).

        One step is :meth:`neighbours`. More steps matter where few neighbours are
        queryable: a cell of NB101's labelled subset has about 2 labelled cells among its
        ~20 neighbours (1.9 for random labelled cells, 2.6 for the best ones, measured).
        """
        row = int(row)
        if steps == 1:
            return self.neighbours(row)
        if (row, steps) not in self._within:
            frontier, parts = self.bench.archs[np.array([row])], []
            for _ in range(steps):
                frontier = neighbour_archs(self.bench.space, frontier, self.rng)
                if len(frontier) == 0:
                    break
                frontier = self._distinct(frontier)
                parts.append(self._rows(frontier, row, _NO_ROWS))
            self._within[(row, steps)] = np.unique(np.concatenate(parts)) if parts else _NO_ROWS
        return self._within[(row, steps)]

    def mutate(self, row: int, exclude: Optional[set] = None) -> int:
        row = int(row)
        excluded = np.fromiter(exclude or (), dtype=np.int64)
        ok = self.neighbours(row)
        ok = ok[~np.isin(ok, excluded)]
        if ok.size:
            return int(self.rng.choice(ok))
        frontier = self.bench.archs[np.array([row])]
        for _ in range(1, self.max_steps):
            frontier = neighbour_archs(self.bench.space, frontier, self.rng)
            if len(frontier) == 0:
                return -1
            frontier = self._distinct(frontier)
            cells = neighbour_archs(self.bench.space, frontier, self.rng)
            ok = self._rows(cells, row, excluded) if len(cells) else _NO_ROWS
            if ok.size:
                return int(self.rng.choice(ok))
        return -1
