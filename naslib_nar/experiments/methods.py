"""Name -> search method, for ``naslib-nar search`` / ``compare`` and the NASLib adapter.

Every method has the signature ``run(bench, *, seed, budget, params, progress=False) ->
SearchTrace`` and obtains all its labels through :class:`naslib_nar.search.oracle.Oracle`.
Modules are imported only when their method runs (BOHB's dependency is optional).
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Tuple

#: name -> (module, function). "nar" is the budget regime (all labels counted, ranker
#: re-fitted as labels arrive); "nar_paper" the paper's regime (training labels apart,
#: 50*n search queries).
METHODS: Dict[str, Tuple[str, str]] = {
    "nar": ("naslib_nar.search.runs", "run_nar"),
    "nar_paper": ("naslib_nar.search.runs", "run_nar_paper"),
    "renas": ("naslib_nar.search.runs", "run_renas"),
    "random_search": ("naslib_nar.baselines.random_search", "run_random_search"),
    "evolution": ("naslib_nar.baselines.evolution", "run_regularized_evolution"),
    "bananas": ("naslib_nar.baselines.predictor_guided", "run_predictor_guided"),
    "bohb": ("naslib_nar.baselines.bohb", "run_bohb"),
}


def get_method(name: str) -> Callable[..., Any]:
    if name not in METHODS:
        raise ValueError(f"Unknown search method {name!r}. Available: {sorted(METHODS)}.")
    module, function = METHODS[name]
    return getattr(importlib.import_module(module), function)
