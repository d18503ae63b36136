"""Search-space knowledge in pure numpy: validation, FLOPs/params, feature tensors, sampling.

Conventions shared by both spaces (and relied upon by the ranker, the sampler and the
benchmarks):

* Batched architectures are numpy containers that support ``len()`` and fancy indexing
  with an integer array: NB201 uses an ``(n, 6)`` int8 array of op indices in arch-string
  order (``nb201.OPS`` order); NB101 uses :class:`~naslib_nar.spaces.nb101.CellBatch`
  (padded ``(n, 7, 7)`` adjacency + ``(n, 7)`` op codes, the shared-data convention).
* ``space.as_batch(archs)`` accepts the native user forms (arch strings, NASLib-style
  ``{'matrix', 'ops'}`` specs, lists of them) and returns the validated batch.
* ``space.encode(batch)`` returns float32 feature tensors ``(n, *space.tensor_shape)``.
* ``space.network_flops(batch)`` / ``space.network_params(batch)`` return int64 vectors;
  ``space.op_counts(batch)`` an ``(n, len(space.op_names))`` int matrix.
* ``space.sample(n, random_state)`` draws valid architectures uniformly.
"""
from __future__ import annotations

from typing import Any

from .nb101 import NB101Space
from .nb201 import NB201Space

__all__ = ["get_space"]


def get_space(name: str, **kwargs: Any):
    """Return the search-space object for ``"nb101"`` or ``"nb201"``."""
    if name == "nb101":

        return NB101Space(**kwargs)
    if name == "nb201":

        return NB201Space(**kwargs)
    raise ValueError(f"Unknown search space {name!r}. Expected 'nb101' or 'nb201'.")
