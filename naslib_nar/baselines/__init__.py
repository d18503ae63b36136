"""Baselines the NAR is compared against, each a standalone re-implementation.

* :class:`~naslib_nar.baselines.renas.ReNASPredictor`: the ReNAS predictor (Xu et al.):
  per-element standardised feature tensors, a LeNet-like CNN, pairwise ranking loss.
* :class:`~naslib_nar.baselines.renas_search.ReNASSearcher`: the ReNAS-style search (NAR's
  budget-regime loop with the ReNAS predictor, uniform candidates, top-n by score).
* :class:`~naslib_nar.baselines.random_search.RandomSearcher`: uniform random search.
* :class:`~naslib_nar.baselines.evolution.EvolutionSearcher`: regularized evolution
  (Real et al.), mutation as in NASLib.
* :class:`~naslib_nar.baselines.local_search.LocalSearcher`: our minimal version of
  NASLib's local search (best-improvement hill climbing, random restarts).
* :class:`~naslib_nar.baselines.predictor_guided.BananasSearcher`: a BANANAS-like loop
  (ensemble of MLPs, mutation acquisition, independent Thompson sampling).
* :class:`~naslib_nar.baselines.npenas.NpenasSearcher`: our minimal version of NASLib's
  NPENAS (the same loop, scored by the ensemble's mean).
* :class:`~naslib_nar.baselines.bohb.BOHBSearcher`: BOHB through its authors' library
  (the optional ``bohb`` extra), on NB201's 12- and 200-epoch results.

Every search baseline is a :class:`~naslib_nar.search.searcher.Searcher` (ask/tell) run by
:func:`~naslib_nar.search.runner.run_search`, which gets all labels from the
:class:`~naslib_nar.search.oracle.Oracle`, so its accounting is the NAR's; by name they
are ``naslib_nar.baselines.registry.get_method(name)``. Names are resolved lazily so that
importing this package imports neither torch nor the optional BOHB library.
"""
from __future__ import annotations

from .._lazy import lazy_exports

__all__ = ["ReNASPredictor", "ReNASSearcher", "RandomSearcher", "EvolutionSearcher", "LocalSearcher", "BananasSearcher",
           "NpenasSearcher", "BOHBSearcher"]

_LOCATIONS = {
    "ReNASPredictor": ".renas",
    "ReNASSearcher": ".renas_search",
    "RandomSearcher": ".random_search",
    "EvolutionSearcher": ".evolution",
    "LocalSearcher": ".local_search",
    "BananasSearcher": ".predictor_guided",
    "NpenasSearcher": ".npenas",
    "BOHBSearcher": ".bohb",
}


__getattr__, __dir__ = lazy_exports(__name__, _LOCATIONS)
