"""Synthetic benchmarks for the search tests: a small NB101 table where only some cells are
labelled (the whole-NB201 ``synthetic_nb201`` lives in tests/conftest.py)."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.spaces.nb101 import NB101Space


@pytest.fixture(scope="session")
def synthetic_nb101():
    """Every NB101 cell of at most 5 vertices (the cell-by-cell sampler's usual output) and
    3,000 larger ones; about half of them labelled, like NB101's labelled subspace."""
    cells = NB101Space().enumerate_space()
    rng = np.random.default_rng(1)
    small = np.flatnonzero(cells.num_vertices <= 5)
    large = rng.choice(np.flatnonzero(cells.num_vertices > 5), size=3000, replace=False)
    batch = cells[np.sort(np.concatenate([small, large]))]
    n_ops = (batch.ops[:, 1:6] >= 0).sum(axis=1)
    val = 88 + 0.8 * n_ops + rng.normal(0, 0.5, size=len(batch))
    val[rng.random(len(batch)) < 0.5] = np.nan
    return TabularBenchmark("nb101", "cifar10", batch, {"val_acc": val, "test_acc": val.copy()})
