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


class StubPredictor:
    """A predictor with the estimator surface the searchers use and no training: it scores
    an architecture by its parameter count, so search tests run in milliseconds."""

    def __init__(self, *, space=None, dataset="cifar10", random_state=None, n_tiers=5, epochs=3, warm_start=False,
                 log=None):
        self.space, self.dataset, self.random_state, self.n_tiers = space, dataset, random_state, n_tiers
        self.epochs, self.warm_start, self.log = epochs, warm_start, log

    def get_params(self):
        return {"space": self.space, "dataset": self.dataset, "random_state": self.random_state,
                "n_tiers": self.n_tiers, "epochs": self.epochs, "warm_start": self.warm_start}

    def set_params(self, **params):
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, X, y, X_val=None, y_val=None):
        self.log.append({"estimator": id(self), "n": len(y), "n_val": 0 if X_val is None else len(X_val),
                         "warm_start": self.warm_start, "epochs": self.epochs})
        return self

    def predict(self, X):
        return np.asarray(X.params, dtype=np.float64)


class TierlessStub(StubPredictor):
    """A stub whose parameters have no ``n_tiers`` (like ReNAS)."""

    def get_params(self):
        params = super().get_params()
        del params["n_tiers"]
        return params


@pytest.fixture
def stub_factory():
    """``make_predictor`` for stubs ('nar': with tiers, 'renas': without); ``.fits`` logs every fit."""
    fits = []

    def make(name, *, space, dataset, seed, params):
        cls = TierlessStub if name == "renas" else StubPredictor
        return cls(space=space, dataset=dataset, random_state=seed, log=fits, **params)

    make.fits = fits
    return make


@pytest.fixture(scope="session")
def sparse_nb201(synthetic_nb201):
    """The synthetic NB201 with only 60 queryable (labelled) architectures."""
    rng = np.random.default_rng(5)
    val = np.full(len(synthetic_nb201), np.nan)
    keep = rng.choice(len(val), size=60, replace=False)
    val[keep] = synthetic_nb201.metric("val_acc")[keep]
    return TabularBenchmark.from_arrays("nb201", synthetic_nb201.archs, {"val_acc": val, "test_acc": val.copy()},
                                        dataset="cifar10")
