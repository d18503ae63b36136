"""The benchmark as NAR's search sees it: which rows can be queried, how architectures map to rows.

The pool reads no labels: which rows can be queried comes from the run's
:class:`~naslib_nar.search.searcher.SearchContext` (``queryable``), so the same pool
serves our runner (the oracle's labelled rows) and NASLib's loop (the architectures its
``dataset_api`` holds). The mask is read live: a loop that finds a row it cannot query
after all (NASLib's partial apis) clears it there and the row is never proposed again.
"""
from __future__ import annotations

import math
from typing import Any, List, Optional

import numpy as np

from ..benchmarks.load import encode_rows
from ..spaces.encoded import EncodedArchs
from .constraints import SamplingCounts
from .samplers import make_sampler

__all__ = ["CandidatePool"]


class CandidatePool:
    """A benchmark's architectures, the rows that can be queried, and uniform draws among them.

    On NB101 only the labelled cells can be queried; a sampled cell that is not one of
    them is resampled and counted (``unlabelled_resampled``).

    Parameters
    ----------
    bench : TabularBenchmark
        Its architectures (``archs``, ``rows_of``); no metric is read.
    queryable : bool array, one per row
        The rows that can be queried (kept by reference, see the module docstring).
    """

    def __init__(self, bench: Any, queryable: np.ndarray) -> None:
        self.bench = bench
        self.queryable = queryable
        self.sampler = make_sampler(bench.space, bench.dataset)
        # NB201 tables are small: encode them once. NB101 candidates are encoded per batch.
        self._encoded = encode_rows(bench, np.arange(len(bench))) if bench.space == "nb201" else None
        self._hits, self._draws, self._hit_rate = 0, 0, 1.0  # learnt share of uniform draws that can be queried

    @property
    def queryable_rows(self) -> np.ndarray:
        return np.flatnonzero(self.queryable)

    def locate(self, archs: Any) -> np.ndarray:
        """Benchmark row of each architecture, -1 where it cannot be queried."""
        rows = self.bench.rows_of(archs, missing="ignore")
        rows[rows >= 0] = np.where(self.queryable[rows[rows >= 0]], rows[rows >= 0], -1)
        return rows

    def encode(self, rows: np.ndarray) -> EncodedArchs:
        return self._encoded[rows] if self._encoded is not None else encode_rows(self.bench, rows)

    def uniform_rows(self, n: int, rng: np.random.Generator, counts: SamplingCounts) -> np.ndarray:
        """``n`` queryable rows drawn uniformly from the whole space (unqueryable draws resampled)."""
        found: List[np.ndarray] = []
        need = n
        while need > 0:
            chunk = max(64, math.ceil(1.3 * need / max(self._hit_rate, 0.01)))
            rows = self.locate(self.sampler.uniform(chunk, rng))
            hit_positions = np.flatnonzero(rows >= 0)[:need]
            consumed = int(hit_positions[-1]) + 1 if len(hit_positions) == need else len(rows)
            counts.unlabelled_resampled += consumed - len(hit_positions)
            counts.draws += consumed
            self._hits += len(hit_positions)
            self._draws += consumed
            self._hit_rate = self._hits / self._draws
            found.append(rows[hit_positions])
            need -= len(hit_positions)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def random_labelled(self, n: int, rng: np.random.Generator, exclude: Optional[np.ndarray] = None) -> np.ndarray:
        """``n`` distinct queryable rows not in ``exclude``, uniformly at random (a random training set)."""
        pool = self.queryable_rows if exclude is None else np.setdiff1d(self.queryable_rows, exclude)
        if n > len(pool):
            raise ValueError(f"Asked for {n} distinct labelled architectures but only {len(pool)} can be queried in "
                             f"this {self.bench.space} {self.bench.dataset} benchmark.")
        return rng.choice(pool, size=n, replace=False)
