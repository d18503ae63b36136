"""Name -> predictor factory, shared by evaluate-predictor, the search loop and compare.

Every predictor follows the same contract: ``fit(X, y, X_val=None, y_val=None)``,
``predict(X)`` (higher is better). Baselines register here when they exist.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Optional


def _nar(space: str, dataset: str, seed: int, params: Dict[str, Any]):
    from ..ranker import NeuralArchitectureRanker

    return NeuralArchitectureRanker(space=space, dataset=dataset, random_state=seed, **params)


def _renas(space: str, dataset: str, seed: int, params: Dict[str, Any]):
    from ..baselines.renas import ReNASPredictor

    return ReNASPredictor(space=space, dataset=dataset, random_state=seed, **params)


PREDICTORS: Dict[str, Callable[..., Any]] = {"nar": _nar, "renas": _renas}
PREDICTOR_CLASSES = {"nar": ("naslib_nar.ranker", "NeuralArchitectureRanker"),
                     "renas": ("naslib_nar.baselines.renas", "ReNASPredictor")}


def make_predictor(name: str, *, space: str, dataset: str, seed: int, params: Optional[Dict[str, Any]] = None):
    """Build predictor ``name`` with keyword ``params``; unknown names or params are rejected."""
    if name not in PREDICTORS:
        raise ValueError(f"Unknown predictor {name!r}. Available: {sorted(PREDICTORS)}.")
    params = dict(params or {})
    reserved = {"space", "dataset", "random_state"} & set(params)
    if reserved:
        raise ValueError(f"Predictor parameters {sorted(reserved)} are set by the experiment; remove them from the config.")
    estimator = PREDICTORS[name](space, dataset, seed, {})
    valid = set(inspect.signature(type(estimator).__init__).parameters) - {"self"}
    unknown = sorted(set(params) - valid)
    if unknown:
        raise ValueError(f"Unknown parameter(s) {unknown} for predictor {name!r}. Valid: {sorted(valid - reserved)}.")
    return estimator.set_params(**params)
