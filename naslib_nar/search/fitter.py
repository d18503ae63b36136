"""How NAR's searchers train their predictor: a fresh fit, a warm re-fit, or a fit loaded from a cache.

The search layer knows no predictor class: the registry (:mod:`naslib_nar.baselines.registry`)
injects ``make_predictor(name, *, space, dataset, seed, params) -> estimator`` and every
estimator has ``fit(X, y, X_val=None, y_val=None)``, ``get_params`` / ``set_params``,
``save`` / ``load``.
"""
from __future__ import annotations

import hashlib
import json
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

import numpy as np

from .._validation import check_keys
from .pool import CandidatePool

__all__ = ["PredictorFactory", "PredictorFitter"]

#: ``make_predictor(name, *, space, dataset, seed, params) -> estimator``.
PredictorFactory = Callable[..., Any]


class PredictorFitter:
    """Fits the predictor on the labels so far and keeps the fit times.

    With ``cache_dir``, a fitted predictor is stored under a key of everything its fit
    depends on (predictor and its parameters, benchmark, seed, the labelled rows and the
    observed values), and loaded instead of re-fitted when the same fit comes again: the
    search-only ablations (p, top-n, constraints, statistics) share one fit per seed.
    A cached file that cannot be loaded (truncated, altered) is a cache miss with a
    warning: the predictor is fitted again and the file replaced.
    With ``warm_epochs``, every fit after the first continues training the previous
    model for that many epochs (a warm start) instead of training a new one; warm fits
    are never cached (they depend on the model they continue).

    Parameters
    ----------
    name : the predictor's name for ``make_predictor`` ('nar', 'renas').
    make_predictor : PredictorFactory
    bench, pool, seed : the run's benchmark (space, dataset, source), candidate pool and seed.
    params : the predictor's keyword parameters.
    owner : who the parameters belong to, for error messages.
    """

    def __init__(self, name: str, make_predictor: PredictorFactory, bench: Any, pool: CandidatePool, seed: int,
                 params: Mapping[str, Any], *, owner: str, cache_dir: Optional[str] = None,
                 warm_epochs: Optional[int] = None) -> None:
        self.name, self.make_predictor = name, make_predictor
        self.bench, self.pool, self.seed, self.params, self.owner = bench, pool, seed, dict(params), owner
        self.cache_dir, self.warm_epochs = cache_dir, warm_epochs
        self.seconds: List[float] = []
        self.cache_hits = 0
        self._last: Any = None
        # Unknown keys fail here, before any label is spent, at their path in the method's params.
        defaults = self._make({}).get_params()
        check_keys(self.params, defaults, owner=f"{owner} (predictor {name!r})", path=("predictor",))
        #: The predictor's parameters, defaults filled in (e.g. its ``n_tiers``).
        self.predictor_params: Dict[str, Any] = self._make(self.params).get_params()

    def _make(self, params: Mapping[str, Any]) -> Any:
        return self.make_predictor(self.name, space=self.bench.space, dataset=self.bench.dataset, seed=self.seed,
                                   params=dict(params))

    def _cache_path(self, *arrays: Optional[np.ndarray]) -> Optional[Path]:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(json.dumps(
            [self.name, self.bench.space, self.bench.dataset, self.bench.source, self.seed, self.params],
            sort_keys=True, default=str).encode())
        for array in arrays:
            digest.update(b"|" if array is None else np.ascontiguousarray(array).tobytes())
        return Path(self.cache_dir) / f"{self.name}-{digest.hexdigest()[:24]}.pt"

    def __call__(self, rows: np.ndarray, y: np.ndarray, val_rows: Optional[np.ndarray] = None,
                 y_val: Optional[np.ndarray] = None) -> Any:
        """The predictor fitted on ``rows`` / ``y`` (validation set ``val_rows`` / ``y_val``, if any)."""
        warm = self.warm_epochs is not None and self._last is not None
        if warm:
            est = self._last.set_params(warm_start=True, epochs=self.warm_epochs)
        else:
            est = self._make(self.params)
        path = None if warm else self._cache_path(rows, y, val_rows, y_val)
        cached = self._load(type(est), path)
        if cached is not None:
            self.cache_hits += 1
            self._last = cached
            return cached
        start = time.perf_counter()
        if val_rows is not None and len(val_rows):
            est.fit(self.pool.encode(rows), y, X_val=self.pool.encode(val_rows), y_val=y_val)
        else:
            est.fit(self.pool.encode(rows), y)
        self.seconds.append(time.perf_counter() - start)
        if path is not None:
            est.save(path)
        self._last = est
        return est

    @staticmethod
    def _load(estimator_class: type, path: Optional[Path]) -> Any:
        """The fit cached at ``path``, or None: a missing file is a cache miss, and so is a
        damaged one (truncated by a crash, altered), with a warning; it is fitted again and
        replaced."""
        if path is None or not path.is_file():
            return None
        try:
            return estimator_class.load(path)
        except ValueError as exc:
            warnings.warn(f"ranker cache: {' '.join(str(exc).split())} Fitting again; the file is replaced.",
                          stacklevel=3)
            return None

    def info(self) -> Dict[str, Any]:
        return {"predictor": self.name, "n_fits": len(self.seconds), "fit_seconds": float(sum(self.seconds)),
                "fits_loaded_from_cache": self.cache_hits}
