"""The NAS-Bench-101 search space in pure numpy: cells, hashes, costs, features, sampling.

:class:`NB101Space` is the one object the ranker, the sampler and the benchmarks talk to.
It accepts cells in NASLib's native form (``{'matrix': VxV, 'ops': [names]}`` specs) and
works internally on :class:`CellBatch`, the padded layout of the shared benchmark data, so
that every computation is vectorised over architectures. The pieces live in private
modules, one job each: ``_nb101_cell`` (validation, pruning, the container),
``_nb101_cost`` (channels, FLOPs, params), ``_nb101_hash`` (the official hash) and
``_nb101_enumerate`` (the whole space from the benchmark's rules).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Tuple

import numpy as np

from .._validation import check_param, check_random_state
from . import _nb101_cost
from ._nb101_cell import (
    INPUT,
    MAX_EDGES,
    OP_CODES,
    OP_NAMES,
    OUTPUT,
    PAD,
    CellBatch,
    cells_to_batch,
    prune_padded,
    validate_cell,
)
from ._nb101_enumerate import enumerate_cells
from ._nb101_hash import hash_batch

__all__ = ["NB101Space", "CellBatch", "validate_cell", "OP_NAMES", "FLOPS_SCALE", "PARAMS_SCALE", "PAPER_OP_CODES"]

#: FLOPs and params are divided by these before entering the feature tensor, as in the
#: NAR reference code (``arch_encode.py``): per-vertex FLOPs reach ~3e8 and params ~2.4e6,
#: so the scaled values are O(0.1-30), a range a transformer's input projection handles
#: without a learned normalisation, while keeping the ratios between vertices exact.
FLOPS_SCALE = 1e7
PARAMS_SCALE = 1e5

#: Channel-0 codes of the NAR/ReNAS feature tensor. They differ from the shared-data int
#: codes on purpose (1-based, conv1x1 before conv3x3, pads 0) to reproduce the paper.
PAPER_OP_CODES = {"input": 1, "conv1x1-bn-relu": 2, "conv3x3-bn-relu": 3, "maxpool3x3": 4, "output": 5}
_PAPER_CODE_OF = np.zeros(6, dtype=np.float32)  # indexed by shared-data code - PAD; pads stay 0
_PAPER_CODE_OF[[OP_CODES[name] - PAD for name in PAPER_OP_CODES]] = list(PAPER_OP_CODES.values())

SAMPLE_METHODS = ("uniform", "random_matrix")


@lru_cache(maxsize=1)
def _all_cells() -> CellBatch:
    """The whole space, enumerated once per process (about 1 s, no data file)."""
    return enumerate_cells()


class NB101Space:
    """NAS-Bench-101 cells: validation, official hash, exact costs, NAR features, sampling.

    Stateless and data-free: the whole space is enumerated from the benchmark's rules, so
    nothing here reads a file (the benchmark layer does that).
    """

    name = "nb101"
    tensor_shape = (19, 7, 7)
    op_names = OP_NAMES

    # ------------------------------------------------------------------ input forms
    def as_batch(self, archs: Any) -> CellBatch:
        """Validate, prune and pad architectures into a :class:`CellBatch`.

        Accepts a CellBatch (returned as is), one spec ``{'matrix', 'ops'}`` (ops as names
        or int codes), one ``(matrix, ops)`` tuple, or a list of specs / tuples. Pruning
        follows nasbench ``ModelSpec``: vertices off every input -> output path are removed,
        so equivalent specs give identical rows (and hashes and features).
        """
        if isinstance(archs, CellBatch):
            return archs
        if isinstance(archs, dict) or (isinstance(archs, tuple) and len(archs) == 2 and _looks_like_ops(archs[1])):
            archs = [archs]
        if not isinstance(archs, (list, tuple)):
            raise TypeError(
                "NB101Space.as_batch expects a CellBatch, a spec dict {'matrix', 'ops'}, a (matrix, ops) tuple "
                f"or a list of those. Got {type(archs).__name__}."
            )
        cells = []
        for k, arch in enumerate(archs):
            if isinstance(arch, dict) and "matrix" in arch and "ops" in arch:
                cells.append((arch["matrix"], arch["ops"]))
            elif isinstance(arch, (tuple, list)) and len(arch) == 2:
                cells.append((arch[0], arch[1]))
            else:
                raise TypeError(
                    f"Architecture at position {k} must be a spec dict with keys 'matrix' and 'ops' or a "
                    f"(matrix, ops) pair. Got {type(arch).__name__}."
                )
        where = "" if len(cells) == 1 else " at position {}"
        return cells_to_batch(cells, [where.format(k) for k in range(len(cells))])

    def validate(self, matrix: Any, ops: Any) -> dict:
        """Check one cell (see :func:`validate_cell`) and return its pruned spec."""
        return validate_cell(matrix, ops)

    # ------------------------------------------------------------------ identity
    def hash(self, archs: Any) -> np.ndarray:
        """Official NB101 module hashes (``'<U32'``), the key of every NB101 table.

        Cost is md5-bound: 50-100 us per 7-vertex cell (V*V + 1 md5 calls each),
        i.e. 20-40 s for the whole space on one core.
        """
        return hash_batch(self.as_batch(archs))

    def op_counts(self, archs: Any) -> np.ndarray:
        """(n, 3) int64 counts of each interior op, in ``op_names`` order (tier statistics)."""
        ops = self.as_batch(archs).ops
        return np.stack([(ops == code).sum(axis=1) for code in range(len(OP_NAMES))], axis=1).astype(np.int64)

    # ------------------------------------------------------------------ costs
    def vertex_channels(self, archs: Any) -> np.ndarray:
        """(n, 3, 7) channels per stack, exactly as nasbench ``compute_vertex_channels``."""
        return _nb101_cost.vertex_channels(self.as_batch(archs))

    def vertex_costs(self, archs: Any) -> Tuple[np.ndarray, np.ndarray]:
        """Per-vertex FLOPs and params, each (n, 9, 7) float64, for the 9 cells in network order."""
        return _nb101_cost.vertex_costs(self.as_batch(archs))

    def network_params(self, archs: Any) -> np.ndarray:
        """(n,) int64 trainable parameters of the whole network; equals NB101's
        ``trainable_parameters`` on every cell of the shared data."""
        return _nb101_cost.network_params(self.as_batch(archs))

    def network_flops(self, archs: Any) -> np.ndarray:
        """(n,) int64 FLOPs of the whole network (TF-profiler convention of the NAR data)."""
        return _nb101_cost.network_flops(self.as_batch(archs))

    # ------------------------------------------------------------------ features
    def encode(self, archs: Any) -> np.ndarray:
        """NAR/ReNAS feature tensors, float32 (n, 19, 7, 7).

        Channel 0: ``O[i, j] = A[i, j] * code[j]`` with :data:`PAPER_OP_CODES`. Channels
        1 + 2c and 2 + 2c for cell c = 0..8 (network order): ``A[i, j] * flops[c, j] /
        FLOPS_SCALE`` and ``A[i, j] * params[c, j] / PARAMS_SCALE``.
        """
        batch = self.as_batch(archs)
        flops, params = _nb101_cost.vertex_costs(batch)
        per_vertex = np.empty((len(batch), self.tensor_shape[0], 7), dtype=np.float32)  # column values
        per_vertex[:, 0] = _PAPER_CODE_OF[batch.ops - PAD]
        np.divide(flops, FLOPS_SCALE, out=per_vertex[:, 1::2], casting="same_kind")
        np.divide(params, PARAMS_SCALE, out=per_vertex[:, 2::2], casting="same_kind")
        return np.multiply(batch.adj[:, None, :, :], per_vertex[:, :, None, :], dtype=np.float32)

    def decode_tensors(self, tensors: Any) -> CellBatch:
        """The cells behind :meth:`encode`'s tensors, read back from channel 0.

        Channel 0 is ``A[i, j] * code[j]`` with codes >= 1 for every real vertex, so its
        non-zero entries are the edges and each column holds its vertex's op; the input
        (slot 0) has no in-edge and pads have none either.
        """
        tensors = np.asarray(tensors)
        if tensors.ndim != 4 or tuple(tensors.shape[1:]) != self.tensor_shape:
            raise ValueError(f"Expected NB101 feature tensors of shape (n, 19, 7, 7); got {tensors.shape}.")
        channel = np.rint(tensors[:, 0]).astype(np.int64)
        adj = (channel != 0).astype(np.uint8)
        column_code = channel.max(axis=1)  # (n, 7): the paper code of each vertex with an in-edge
        ops = np.full(column_code.shape, PAD, dtype=np.int8)
        for name, code in PAPER_OP_CODES.items():
            ops[column_code == code] = OP_CODES[name]
        ops[:, 0] = INPUT
        return CellBatch(adj, ops)

    def random_relabel(self, archs: Any, random_state: Any = None) -> CellBatch:
        """The same cells with their interior vertices in a random topological order.

        Every cell has as many upper-triangular adjacency matrices as its DAG has
        topological orders; the benchmark stores one of them, arbitrarily. A relabelled
        cell has the same official hash and the same accuracy, so relabelled copies of
        the training cells teach a ranker that the order carries no information
        (NAR-Former's augmentation, here over all topological orders, not one swap).
        The input stays at slot 0, the output at 6, pads in place.
        """
        batch = self.as_batch(archs)
        rng = check_random_state(random_state)
        perms = np.tile(np.arange(7), (len(batch), 1))
        for row, (adj, n_vertices) in enumerate(zip(batch.adj, batch.num_vertices)):
            interior = list(range(1, int(n_vertices) - 1))
            waiting = {v: int(adj[interior, v].sum()) for v in interior}  # in-edges from other interiors
            ready = [v for v in interior if waiting[v] == 0]
            order = []
            while ready:
                v = ready.pop(int(rng.integers(len(ready))))
                order.append(v)
                for w in interior:
                    if adj[v, w]:
                        waiting[w] -= 1
                        if waiting[w] == 0:
                            ready.append(w)
            perms[row, interior] = order
        rows = np.arange(len(batch))
        adj = batch.adj[rows[:, None, None], perms[:, :, None], perms[:, None, :]]
        return CellBatch(adj, batch.ops[rows[:, None], perms], batch.num_vertices)

    def enumerate_space(self) -> CellBatch:
        """Every unique cell (423,624), computed from the benchmark's rules in ~2 s.

        One cell per isomorphism class, the same representative cells as
        ``nb101_space.npz`` (which is sorted by hash; this is ordered by vertex count).
        """
        return _all_cells()

    # ------------------------------------------------------------------ sampling
    def sample(self, n: int, random_state: Any = None, method: str = "uniform") -> CellBatch:
        """Draw ``n`` valid cells independently (duplicates are possible; dedupe by hash).

        ``method="uniform"`` is exactly uniform over the 423,624 unique cells (drawn from
        :meth:`enumerate_space`). ``method="random_matrix"`` is nasbench/NASLib's sampler (each of
        the 21 upper-triangular edges with p = 0.5, uniform interior ops, rejected unless
        valid after pruning with <= 9 edges); it needs no data but is far from uniform over
        unique cells: pruning is frequent, so about 10% of its draws are the 2-vertex cell
        and 0.3% have 7 vertices, against 85% 7-vertex cells in the space.
        """
        check_param("n", n, int, owner=self, min_val=0)
        check_param("method", method, str, owner=self, choices=SAMPLE_METHODS)
        rng = check_random_state(random_state)
        if method == "uniform":
            cells = _all_cells()
            return cells[rng.integers(0, len(cells), size=n)]
        return _sample_random_matrix(int(n), rng)


def _looks_like_ops(obj: Any) -> bool:
    """True for a flat sequence of op names / codes: tells one ``(matrix, ops)`` tuple apart
    from a tuple of two architectures."""
    if isinstance(obj, np.ndarray):
        return obj.ndim == 1
    return isinstance(obj, (list, tuple)) and len(obj) > 0 and isinstance(obj[0], (str, int, np.integer))


def _sample_random_matrix(n: int, rng: np.random.Generator) -> CellBatch:
    """nasbench-style rejection sampling, vectorised in rounds of candidate cells."""
    found = []
    total = 0
    while total < n:
        m = 3 * (n - total) // 2 + 64  # about three quarters of the candidates are valid
        adj = np.triu(rng.integers(0, 2, size=(m, 7, 7), dtype=np.uint8), 1)
        ops = rng.integers(0, len(OP_NAMES), size=(m, 7), dtype=np.int8)
        ops[:, 0], ops[:, 6] = INPUT, OUTPUT
        adj, ops, num_vertices, connected = prune_padded(adj, ops)
        keep = connected & (adj.sum(axis=(1, 2)) <= MAX_EDGES)
        found.append(CellBatch(adj[keep], ops[keep], num_vertices[keep]))
        total += int(keep.sum())
    return CellBatch.concatenate(found)[:n]
