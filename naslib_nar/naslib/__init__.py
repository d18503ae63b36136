"""The NASLib adapters: the only part of naslib_nar that imports NASLib.

Names resolve lazily (PEP 562), so ``import naslib_nar.naslib`` costs nothing; NASLib (and
torch) are imported when an adapter is first used.

* :class:`NARPredictor` / :class:`ReNASPredictor`: NASLib predictors 'nar' / 'renas'.
* :class:`NARSampler`: NAR's search as a NASLib discrete optimizer ('nar_sampler').
* :func:`get_dataset_api`, :func:`nb201_dataset_api`, :func:`nb101_dataset_api`: NASLib
  ``dataset_api`` objects (NASLib's own files when present, else built from our tables).
* :func:`make_search_space`: NASLib's NB101/NB201 spaces with cheap clones.
* :mod:`~naslib_nar.naslib.convert`: NASLib graphs <-> our architecture arrays (no NASLib import).
* :mod:`~naslib_nar.naslib.runners`: ``python -m naslib_nar.runners.nas`` / ``.predictors``, with
  :mod:`~naslib_nar.naslib.registry` (optimizers and predictors by name),
  :mod:`~naslib_nar.naslib.runner_config` (config checks) and :mod:`~naslib_nar.naslib.reports`
  (summary and table), none of which imports NASLib.
"""
from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "NARPredictor", "ReNASPredictor", "EstimatorPredictor", "NARSampler", "get_dataset_api",
    "nb201_dataset_api", "nb101_dataset_api", "restrict_nb101_api", "make_search_space", "OPTIMIZERS", "PREDICTORS",
]

_LOCATIONS = {
    "NARPredictor": ".predictor", "ReNASPredictor": ".predictor", "EstimatorPredictor": ".predictor",
    "NARSampler": ".optimizer",
    "get_dataset_api": ".dataset_api", "nb201_dataset_api": ".dataset_api", "nb101_dataset_api": ".dataset_api",
    "restrict_nb101_api": ".dataset_api",
    "make_search_space": ".search_spaces",
    "OPTIMIZERS": ".registry", "PREDICTORS": ".registry",
}


__getattr__, __dir__ = lazy_exports(__name__, _LOCATIONS)
