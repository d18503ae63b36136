"""Baselines the NAR is compared against, each a standalone re-implementation.

* :class:`~naslib_nar.baselines.renas.ReNASPredictor`: the ReNAS predictor (Xu et al.):
  per-element standardised feature tensors, a LeNet-like CNN, pairwise ranking loss.
* :class:`~naslib_nar.baselines.random_search.RandomSearcher`: uniform random search.
* :func:`~naslib_nar.baselines.evolution.run_regularized_evolution`: regularized
  evolution (Real et al.), mutation as in NASLib.
* :func:`~naslib_nar.baselines.predictor_guided.run_predictor_guided`: a BANANAS-like
  loop (ensemble of MLPs, mutation acquisition, independent Thompson sampling).
* :func:`~naslib_nar.baselines.bohb.run_bohb`: BOHB through its maintained library (the
  optional ``bohb`` extra), on NB201's 12- and 200-epoch results.

Every search baseline has the signature ``run(bench, *, seed, budget, params,
progress=False) -> SearchTrace`` and gets all its labels from
:class:`~naslib_nar.search.oracle.Oracle`, so its accounting is the NAR's. Names are
resolved lazily so that importing this package imports neither torch nor the optional
BOHB library.
"""
from __future__ import annotations

from .._lazy import lazy_exports

__all__ = ["ReNASPredictor", "RandomSearcher", "run_regularized_evolution", "run_predictor_guided", "run_bohb"]

_LOCATIONS = {
    "ReNASPredictor": ".renas",
    "RandomSearcher": ".random_search",
    "run_regularized_evolution": ".evolution",
    "run_predictor_guided": ".predictor_guided",
    "run_bohb": ".bohb",
}


__getattr__, __dir__ = lazy_exports(__name__, _LOCATIONS)
