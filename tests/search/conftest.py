"""Synthetic benchmarks for the search tests: the whole NB201 space with closed-form
accuracies, and a small NB101 table where only some cells are labelled."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.spaces.nb101 import NB101Space
from naslib_nar.spaces.nb201 import NB201Space

# Per-edge value of each op (none, skip, conv1x1, conv3x3, avg_pool): convs help, none hurts.
_OP_VALUE = np.array([-1.0, 0.2, 0.8, 1.2, 0.1])



@pytest.fixture(scope="session")
def synthetic_nb201():
    """All 15,625 NB201 architectures; val/test accuracy a smooth function of the ops."""
    space = NB201Space()
    archs = space.all_archs()
    rng = np.random.default_rng(0)
    score = (_OP_VALUE[archs] * np.linspace(1.0, 2.0, 6)).sum(axis=1)
    val = 70 + 2 * score + rng.normal(0, 0.3, size=len(archs))
    metrics = {"val_acc": val, "test_acc": val + rng.normal(0, 0.2, size=len(archs)),
               "flops": space.network_flops(archs), "params": space.network_params(archs)}
    return TabularBenchmark.from_arrays("nb201", archs, metrics, dataset="cifar10")


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
