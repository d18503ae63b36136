"""Local search: our minimal version of NASLib's ``ls`` (White et al., "Local search is
state of the art for NAS benchmarks", 2021), written from its description and NASLib's
``naslib/optimizers/discrete/ls/optimizer.py`` (no code taken).

NASLib's semantics, which this searcher keeps:

1. label ``num_init`` random architectures; the best is the first centre;
2. label the centre's whole neighbourhood (every architecture one op or one edge away,
   :func:`~naslib_nar.spaces.neighbours.neighbour_archs`) in random order, keeping the
   best one seen (strictly better only);
3. **best improvement**: once the neighbourhood is done, move to its best architecture if
   it beats the centre and go to 2; otherwise the centre is a local optimum: label one
   random architecture, make it the centre (and the climb's best) and go to 2.

Where ours differs: a labelled architecture is never labelled again (NASLib re-queries
neighbours it has seen and may sample a random architecture twice): a neighbour already
labelled is compared by the value observed before, at no cost, and random architectures
are drawn among the unlabelled ones. A neighbourhood is asked for in one batch (it is
labelled in full before any decision, so the labels and their order are NASLib's one by
one). On NB101 only the labelled cells can be queried, so a neighbourhood holds the
labelled neighbours only. ``info`` records every move and every restart, so the
climb can be checked from the trace.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .._validation import check_param
from ..search.mutation import Mutator
from ..search.searcher import Ask, SearchContext, Searcher
from .random_search import NO_ROWS, check_queryable, get_params, trace_info, unseen_random_rows

IMPLEMENTATION = "our minimal version of NASLib's ls"


class LocalSearcher(Searcher):
    """Best-improvement hill climbing over one-mutation neighbourhoods, with random restarts.

    Parameters
    ----------
    num_init : int
        Random architectures labelled first; the best one is where the climb starts (10,
        NASLib's default).
    """

    name = "ls"
    rng_stream = 505

    def __init__(self, num_init: int = 10) -> None:
        check_param("num_init", num_init, int, owner=f"search method {self.name!r}", min_val=1)
        self.num_init = num_init

    def start(self, context: SearchContext) -> None:
        super().start(context)
        self._rows = check_queryable(context)
        self._observed: Dict[int, float] = {}
        self._queue: List[int] = []  # the centre's unlabelled neighbours, in random order
        self._centre: Optional[Tuple[int, float]] = None
        self._best: Optional[Tuple[int, float]] = None  # the best of this climb (row, observed)
        self._restart: Optional[int] = None  # the random row asked for after a local optimum
        self._moves: List[List[int]] = []
        self._restarts: List[List[int]] = []  # [local optimum, random row it restarted from]
        self._mutator = Mutator(context.bench, context.queryable, context.rng, max_steps=1)

    def ask(self, n: int) -> Ask:
        if not self._observed:
            return Ask(unseen_random_rows(self._rows, (), min(self.num_init, n), self.context.rng))
        while not self._queue:
            if self._centre is not None and self._best[1] <= self._centre[1]:  # a local optimum: restart
                fresh = unseen_random_rows(self._rows, self._observed, 1, self.context.rng)
                if fresh.size == 0:  # every queryable architecture is labelled
                    return Ask(NO_ROWS)
                self._restart = int(fresh[0])
                self._restarts.append([self._centre[0], self._restart])
                return Ask(fresh)
            if self._centre is not None:
                self._moves.append([self._centre[0], self._best[0]])
            self._centre = self._best
            self._expand(self._centre[0])
        rows, self._queue = self._queue[:n], self._queue[n:]
        return Ask(np.asarray(rows, dtype=np.int64))

    def _expand(self, row: int) -> None:
        """Queue the unlabelled neighbours of ``row`` in random order; the labelled ones
        count with the value observed before (in the same random order)."""
        for nb in self.context.rng.permutation(self._mutator.neighbours(row)).tolist():
            if nb not in self._observed:
                self._queue.append(nb)
            elif self._observed[nb] > self._best[1]:
                self._best = (nb, self._observed[nb])

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        for row, value in zip(ask.rows.tolist(), np.asarray(values, dtype=np.float64).tolist()):
            self._observed[row] = value
            if row == self._restart:  # the new centre, whatever its value
                self._restart = None
                self._centre = self._best = (row, value)
                self._expand(row)
            elif self._best is None or value > self._best[1]:
                self._best = (row, value)

    def info(self) -> Dict[str, Any]:
        return trace_info(get_params(self), implementation=IMPLEMENTATION, moves=self._moves,
                          restarts=self._restarts)
