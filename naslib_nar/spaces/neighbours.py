"""One-mutation neighbourhoods of NB201 and NB101 architectures (NASLib's mutation).

A neighbourhood is a property of the space, not of a search method: regularized
evolution, local search, the predictor-guided baselines and NAR's search all draw
candidates from it, so it lives here, in pure numpy.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._nb101_cell import MAX_EDGES, PAD, CellBatch, prune_padded

__all__ = ["neighbour_archs", "nb101_keys"]


def neighbour_archs(space: str, archs: Any, rng: np.random.Generator) -> Any:
    """Every valid architecture one mutation away from each of ``archs`` (a batch of ``space``).

    NB201: the 24 architectures that differ in one edge's op. NB101: each cell is taken as
    its 7-vertex spec (vertices removed by pruning get a random interior op, as they have
    one in an unpruned spec); a neighbour changes one interior op or flips one of the 21
    possible edges, and is kept if valid after pruning (input reaches output, at most 9
    edges). Duplicates and the parents themselves may appear; callers look rows up.
    """
    if space == "nb201":
        base = np.asarray(archs, dtype=np.int8).reshape(-1, 6)
        cand = np.repeat(base, 24, axis=0).reshape(len(base), 6, 4, 6)
        for e in range(6):
            others = (base[:, e:e + 1] + np.arange(1, 5, dtype=np.int8)) % 5  # the 4 other ops
            cand[:, e, :, e] = others
        return cand.reshape(-1, 6)
    if space != "nb101":
        raise ValueError(f"Unknown search space {space!r}; expected 'nb101' or 'nb201'.")
    iu, ju = np.triu_indices(7, 1)
    cand_adj, cand_ops = [], []
    for adj0, ops0 in zip(archs.adj, archs.ops):
        ops = ops0.copy()
        pads = ops == PAD
        ops[pads] = rng.integers(0, 3, size=int(pads.sum()))  # dangling vertices of an unpruned spec
        flips = np.repeat(adj0[None], len(iu), axis=0)
        flips[np.arange(len(iu)), iu, ju] ^= 1  # one edge flipped per candidate
        cand_adj.append(flips)
        cand_ops.append(np.repeat(ops[None], len(iu), axis=0))
        changed = np.repeat(ops[None], 10, axis=0)  # 5 interior vertices x 2 other ops
        vertex = np.repeat(np.arange(1, 6), 2)
        changed[np.arange(10), vertex] = (ops[vertex] + np.tile([1, 2], 5)) % 3
        cand_adj.append(np.repeat(adj0[None], 10, axis=0))
        cand_ops.append(changed)
    a, o, nv, connected = prune_padded(np.concatenate(cand_adj), np.concatenate(cand_ops))
    keep = connected & (a.sum(axis=(1, 2)) <= MAX_EDGES)
    return CellBatch(a[keep], o[keep], nv[keep])


def nb101_keys(batch: Any) -> np.ndarray:
    """A cheap exact key of pruned padded cells (the layout is canonical up to isomorphism,
    which only costs a few duplicate look-ups)."""
    return np.array([a.tobytes() + o.tobytes() for a, o in zip(batch.adj, batch.ops)])
