"""Architecture samplers of the search phase: the whole space uniformly, or cell by cell.

Each space has one sampler with two ways to draw architectures, both vectorised over
the candidates:

* ``uniform(n, rng)``: uniformly over the whole search space (the "random" part of each
  batch, §5.3). NB201: an independent uniform op per edge. NB101: uniformly over the
  423,624 unique cells, taken from :meth:`NB101Space.enumerate_space` (data-free, cached
  per process) - *not* nasbench's random-matrix sampler, which puts about 10% of its mass
  on the 2-vertex cell.
* ``structured(n, rng, op_probs)``: the construction of Appendix B, which is where op
  statistics enter. NB201: each of the 6 edge ops drawn from ``op_probs`` (or uniformly).
  NB101: vertices 1..6 (6 = output) each get one predecessor drawn uniformly among the
  earlier vertices, interior vertices get an op from ``op_probs`` (or uniformly); then 3
  more vertex pairs (i < j) are drawn uniformly and connected ("the remaining 3 edges",
  so at most 6 + 3 = 9 edges; a pair already connected adds nothing, so some cells end
  with fewer); finally the cell is pruned as nasbench does. The tree built first always
  connects the input to the output and 6 + 3 edges never exceed NB101's limit of 9, so
  every draw is a valid cell and none has to be rejected.

``costs`` returns network FLOPs and params in exactly the units of the ranker's tier
statistics (``encode_archs``), so a candidate can be checked against a constraint drawn
from those statistics.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from ..spaces._nb101_cell import INPUT, OUTPUT, prune_padded
from ..spaces.nb101 import OP_NAMES as NB101_OPS
from ..spaces.nb101 import CellBatch, NB101Space
from ..spaces.nb201 import EDGES
from ..spaces.nb201 import OPS as NB201_OPS
from ..spaces.nb201 import NB201Space

#: Extra vertex pairs drawn after the spanning tree of an NB101 cell (Appendix B).
NB101_EXTRA_EDGE_DRAWS = 3
_PAIRS = np.array([(i, j) for i in range(7) for j in range(i + 1, 7)])


def _check_probs(op_probs: Optional[np.ndarray], n_ops: int) -> Optional[np.ndarray]:
    if op_probs is None:
        return None
    probs = np.asarray(op_probs, dtype=np.float64)
    if probs.shape != (n_ops,) or np.any(probs < 0) or not np.isclose(probs.sum(), 1.0):
        raise ValueError(f"op_probs must be {n_ops} non-negative probabilities summing to 1; got {probs.tolist()}.")
    return probs


def _draw_ops(rng: np.random.Generator, shape: Tuple[int, ...], probs: Optional[np.ndarray], n_ops: int) -> np.ndarray:
    if probs is None:
        return rng.integers(0, n_ops, size=shape)
    return rng.choice(n_ops, size=shape, p=probs)


class NB201Sampler:
    """Samples NB201 architectures as ``(n, 6)`` op-index arrays."""

    space = "nb201"
    op_names = NB201_OPS

    def __init__(self, dataset: str = "cifar10") -> None:
        self.dataset = dataset
        self._space = NB201Space()

    def uniform(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.integers(0, len(NB201_OPS), size=(int(n), len(EDGES))).astype(np.int8)

    def structured(self, n: int, rng: np.random.Generator, op_probs: Optional[np.ndarray] = None) -> np.ndarray:
        probs = _check_probs(op_probs, len(NB201_OPS))
        return _draw_ops(rng, (int(n), len(EDGES)), probs, len(NB201_OPS)).astype(np.int8)

    def costs(self, archs: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        return (np.asarray(self._space.network_flops(archs, self.dataset), dtype=np.int64),
                np.asarray(self._space.network_params(archs, self.dataset), dtype=np.int64))


class NB101Sampler:
    """Samples NB101 cells as :class:`CellBatch` (pruned, padded)."""

    space = "nb101"
    op_names = NB101_OPS

    def __init__(self, dataset: str = "cifar10") -> None:
        self.dataset = dataset
        self._space = NB101Space()

    def uniform(self, n: int, rng: np.random.Generator) -> CellBatch:
        cells = self._space.enumerate_space()
        return cells[rng.integers(0, len(cells), size=int(n))]

    def structured(self, n: int, rng: np.random.Generator, op_probs: Optional[np.ndarray] = None) -> CellBatch:
        probs = _check_probs(op_probs, len(NB101_OPS))
        n = int(n)
        adj = np.zeros((n, 7, 7), dtype=np.uint8)
        every = np.arange(n)
        for vertex in range(1, 7):  # one predecessor each: a tree that connects input and output
            adj[every, rng.integers(0, vertex, size=n), vertex] = 1
        ops = np.empty((n, 7), dtype=np.int8)
        ops[:, 0], ops[:, 6] = INPUT, OUTPUT
        ops[:, 1:6] = _draw_ops(rng, (n, 5), probs, len(NB101_OPS))
        for _ in range(NB101_EXTRA_EDGE_DRAWS):
            pair = _PAIRS[rng.integers(0, len(_PAIRS), size=n)]
            adj[every, pair[:, 0], pair[:, 1]] = 1
        adj, ops, num_vertices, _ = prune_padded(adj, ops)  # the tree keeps every cell connected
        return CellBatch(adj, ops, num_vertices)

    def costs(self, cells: CellBatch) -> Tuple[np.ndarray, np.ndarray]:
        return (np.asarray(self._space.network_flops(cells), dtype=np.int64),
                np.asarray(self._space.network_params(cells), dtype=np.int64))


def make_sampler(space: str, dataset: str = "cifar10") -> Any:
    """The sampler of ``space`` ('nb101' or 'nb201')."""
    if space == "nb201":
        return NB201Sampler(dataset)
    if space == "nb101":
        return NB101Sampler(dataset)
    raise ValueError(f"Unknown search space {space!r}; expected 'nb101' or 'nb201'.")
