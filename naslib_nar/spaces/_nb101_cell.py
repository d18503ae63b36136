"""NAS-Bench-101 cells: op codes, validation, pruning and the padded batch container.

Everything else in the NB101 space (hashing, costs, encodings, sampling) works on one
representation, :class:`CellBatch`: pruned cells padded to 7 vertices in the layout of the
shared benchmark data (input at slot 0, interior vertices at 1..V-2 in pruned order,
isolated pad vertices at V-1..5, output at slot 6). A fixed layout lets every computation
be a vectorised numpy expression over the whole batch instead of a loop over cells.
"""
from __future__ import annotations

import warnings
from typing import Any, List, Sequence, Tuple

import numpy as np

#: Interior op names in NAS-Bench-101's ``available_ops`` order. The position of a name is
#: its int code (and the label the official hash uses), so names and codes never disagree.
OP_NAMES: Tuple[str, ...] = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
INPUT, CONV3X3, CONV1X1, MAXPOOL3X3, OUTPUT, PAD = -1, 0, 1, 2, -2, -3
#: Name -> int code, the convention of ``nb101_space.npz`` / ``nb101_labeled.npz``.
OP_CODES = {"input": INPUT, "output": OUTPUT, **{name: code for code, name in enumerate(OP_NAMES)}}
CODE_NAMES = {code: name for name, code in OP_CODES.items()}

MAX_VERTICES = 7
MAX_EDGES = 9
_TRIU_ROWS, _TRIU_COLS = np.triu_indices(MAX_VERTICES, 1)
_VALID_CODES = np.array(sorted(CODE_NAMES) + [PAD], dtype=np.int8)
_LOWER = np.tril(np.ones((MAX_VERTICES, MAX_VERTICES), dtype=bool))


class CellBatch:
    """``n`` pruned NB101 cells padded to 7 vertices (the shared-data layout).

    Parameters
    ----------
    adj : array-like of shape (n, 7, 7)
        0/1 strictly upper-triangular adjacency; ``adj[k, i, j] = 1`` is an edge i -> j.
    ops : array-like of shape (n, 7)
        int codes: -1 input (slot 0), 0 conv3x3, 1 conv1x1, 2 maxpool, -3 pad, -2 output (slot 6).
    num_vertices : array-like of shape (n,), optional
        vertices of each pruned cell (2..7); derived from ``ops`` when omitted.

    The constructor checks shapes and codes only; it trusts that the cells are pruned.
    Build batches from user input with ``NB101Space.as_batch`` (which validates and prunes)
    or from the benchmark files with :meth:`from_packed`.
    """

    __slots__ = ("adj", "ops", "num_vertices")

    def __init__(self, adj: Any, ops: Any, num_vertices: Any = None) -> None:
        adj = np.ascontiguousarray(adj, dtype=np.uint8)
        ops = np.ascontiguousarray(ops, dtype=np.int8)
        if adj.ndim != 3 or adj.shape[1:] != (MAX_VERTICES, MAX_VERTICES):
            raise ValueError(f"CellBatch 'adj' must have shape (n, 7, 7). Got {adj.shape}.")
        if ops.shape != (adj.shape[0], MAX_VERTICES):
            raise ValueError(f"CellBatch 'ops' must have shape ({adj.shape[0]}, 7) to match 'adj'. Got {ops.shape}.")
        if adj.max(initial=0) > 1 or (adj.astype(bool) & _LOWER).any():
            raise ValueError("CellBatch 'adj' must be 0/1 and strictly upper-triangular (edges i -> j with i < j).")
        if not np.isin(ops, _VALID_CODES).all() or (ops[:, 0] != INPUT).any() or (ops[:, 6] != OUTPUT).any():
            raise ValueError(
                "CellBatch 'ops' must hold codes -1 (input, slot 0), 0/1/2 (interior), -3 (pad) and -2 "
                "(output, slot 6). Use NB101Space.as_batch to convert specs with op names."
            )
        derived = (2 + (ops[:, 1:6] >= 0).sum(axis=1)).astype(np.int8)
        if num_vertices is None:
            num_vertices = derived
        num_vertices = np.ascontiguousarray(num_vertices, dtype=np.int8)
        if num_vertices.shape != derived.shape or (num_vertices != derived).any():
            raise ValueError("CellBatch 'num_vertices' must equal 2 + the number of interior (non-pad) ops per cell.")
        self.adj, self.ops, self.num_vertices = adj, ops, num_vertices

    @classmethod
    def from_packed(cls, adj_packed: Any, ops: Any, num_vertices: Any = None) -> "CellBatch":
        """Decode the ``adj_packed`` (n, 3) uint8 field of the shared ``nb101_*.npz`` files.

        Each row unpacks (big-endian bits, 21 of 24) to ``A[np.triu_indices(7, 1)]``.
        """
        packed = np.asarray(adj_packed, dtype=np.uint8)
        if packed.ndim != 2 or packed.shape[1] != 3:
            raise ValueError(f"'adj_packed' must have shape (n, 3) (uint8). Got {packed.shape}.")
        bits = np.unpackbits(packed, axis=1, count=len(_TRIU_ROWS))
        adj = np.zeros((packed.shape[0], MAX_VERTICES, MAX_VERTICES), dtype=np.uint8)
        adj[:, _TRIU_ROWS, _TRIU_COLS] = bits
        return cls(adj, ops, num_vertices)

    @classmethod
    def concatenate(cls, batches: Sequence["CellBatch"]) -> "CellBatch":
        """Join batches in order (e.g. cells collected over several sampling rounds)."""
        batches = list(batches)
        if not batches:
            return cls.empty()
        return cls(
            np.concatenate([b.adj for b in batches]),
            np.concatenate([b.ops for b in batches]),
            np.concatenate([b.num_vertices for b in batches]),
        )

    @classmethod
    def empty(cls) -> "CellBatch":
        """A batch of zero cells, so that "no architectures" needs no special case."""
        return cls(np.zeros((0, 7, 7), np.uint8), np.zeros((0, 7), np.int8), np.zeros(0, np.int8))

    def __len__(self) -> int:
        return self.adj.shape[0]

    def __getitem__(self, index: Any) -> "CellBatch":
        """Select cells by int, slice, int array or bool mask; always returns a CellBatch
        (an int gives a batch of one cell, so every method accepts the result)."""
        if isinstance(index, (int, np.integer)):
            if not -len(self) <= index < len(self):
                raise IndexError(f"Cell index {index} is out of range for a CellBatch of {len(self)} cells.")
            index = slice(index % len(self), index % len(self) + 1)
        return CellBatch(self.adj[index], self.ops[index], self.num_vertices[index])

    def __repr__(self) -> str:
        return f"CellBatch(n={len(self)})"

    def to_specs(self) -> List[dict]:
        """Unpadded pruned specs ``{'matrix': VxV int ndarray, 'ops': [names]}`` (NASLib's form)."""
        specs = []
        for adj, ops, nv in zip(self.adj, self.ops, self.num_vertices.tolist()):
            keep = list(range(nv - 1)) + [MAX_VERTICES - 1]
            specs.append({
                "matrix": adj[np.ix_(keep, keep)].astype(np.int64),
                "ops": [CODE_NAMES[c] for c in ops[keep].tolist()],
            })
        return specs


def prune_padded(adj: np.ndarray, ops: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Prune padded 7x7 cells the way nasbench's ``ModelSpec`` does, for a whole batch.

    Vertices that are not on an input -> output path are removed and the survivors are
    compacted into the padded layout. Isolated pad vertices are removed like any other
    dangling vertex, so a VxV spec padded with its output moved to slot 6 prunes to the
    same cell as the spec itself.

    Returns ``(adj, ops, num_vertices, connected)``; rows with ``connected == False`` (the
    input does not reach the output) are left as garbage for the caller to reject.
    """
    a = adj.astype(bool)
    n = a.shape[0]
    from_input = np.zeros((n, 7), dtype=bool)
    from_input[:, 0] = True
    for j in range(1, 7):  # vertices are in topological order, so one forward pass suffices
        from_input[:, j] = (from_input[:, :j] & a[:, :j, j]).any(axis=1)
    to_output = np.zeros((n, 7), dtype=bool)
    to_output[:, 6] = True
    for i in range(5, -1, -1):
        to_output[:, i] = (a[:, i, i + 1:] & to_output[:, i + 1:]).any(axis=1)
    keep = from_input & to_output
    connected = keep[:, 6].copy()

    # New slot -> old vertex (7 = a dummy all-zero vertex for the pads): kept interior
    # vertices first, in their original order.
    interior = keep[:, 1:6]
    order = np.argsort(~interior, axis=1, kind="stable")
    old = np.where(np.take_along_axis(interior, order, axis=1), order + 1, 7)
    source = np.concatenate([np.zeros((n, 1), np.intp), old, np.full((n, 1), 6, np.intp)], axis=1)

    a8 = np.zeros((n, 8, 8), dtype=np.uint8)
    a8[:, :7, :7] = adj
    rows = np.arange(n)[:, None, None]
    new_adj = a8[rows, source[:, :, None], source[:, None, :]]
    ops8 = np.concatenate([ops.astype(np.int8), np.full((n, 1), PAD, np.int8)], axis=1)
    new_ops = np.take_along_axis(ops8, source, axis=1)
    num_vertices = (2 + interior.sum(axis=1)).astype(np.int8)
    return new_adj, new_ops, num_vertices, connected

def _fail(where: str, problem: str, fix: str) -> str:
    return f"Invalid NAS-Bench-101 cell{where}: {problem}. {fix}"


def _check_matrix(matrix: Any, where: str) -> np.ndarray:
    if isinstance(matrix, (str, bytes, dict)) or matrix is None:
        raise TypeError(_fail(where, f"'matrix' must be a V x V array of 0/1, got {type(matrix).__name__}",
                              "Pass a numpy array or a nested list of ints."))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy < 1.24 warns on ragged rows and returns dtype=object
        try:
            arr = np.asarray(matrix)
            if arr.dtype == object:
                arr = arr.astype(np.float64)
        except (TypeError, ValueError):  # numpy >= 1.24 raises on ragged rows
            raise ValueError(_fail(where, "the rows of 'matrix' have different lengths or hold non-numbers",
                                   "Pass a square V x V adjacency matrix of 0/1.")) from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(_fail(where, f"'matrix' must hold numbers 0/1, got dtype {arr.dtype}",
                              "Pass a numpy array or a nested list of ints."))
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(_fail(where, f"'matrix' must be a square 2-D adjacency matrix, got shape {arr.shape}",
                               "Pass a V x V matrix with V = len(ops)."))
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(_fail(where, "'matrix' contains NaN", "Use 0 for no edge and 1 for an edge."))
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(_fail(where, f"'matrix' must be binary, but matrix[{i}, {j}] = {arr[i, j].item()!r}",
                               "Use 0 for no edge and 1 for an edge."))
    nv = arr.shape[0]
    if not 2 <= nv <= MAX_VERTICES:
        raise ValueError(_fail(where, f"it has {nv} vertices, but NAS-Bench-101 cells have 2 to {MAX_VERTICES}",
                               "Use at most 5 interior vertices between input and output."))
    arr = arr.astype(np.uint8)
    loops = np.flatnonzero(np.diagonal(arr))
    if loops.size:
        raise ValueError(_fail(where, f"it has a self-loop at vertex {loops[0]} (matrix[{loops[0]}, {loops[0]}] = 1)",
                               "The diagonal of 'matrix' must be 0."))
    back = np.argwhere(np.tril(arr, -1))
    if back.size:
        i, j = back[0]
        raise ValueError(_fail(where, f"it has an edge {i} -> {j} below the diagonal",
                               "'matrix' must be strictly upper-triangular: number the vertices in "
                               "topological order so that every edge i -> j has i < j."))
    return arr


def _check_ops(ops: Any, nv: int, where: str) -> np.ndarray:
    if isinstance(ops, (str, bytes, dict)) or not isinstance(ops, (Sequence, np.ndarray)):
        raise TypeError(_fail(where, f"'ops' must be a list of op names, got {type(ops).__name__}",
                              f"Pass e.g. ['input', {OP_NAMES[0]!r}, 'output']."))
    if len(ops) != nv:
        raise ValueError(_fail(where, f"'ops' has {len(ops)} entries but 'matrix' has {nv} vertices",
                               "Give exactly one op per vertex, including 'input' and 'output'."))
    codes = np.empty(nv, dtype=np.int8)
    for k, op in enumerate(ops.tolist() if isinstance(ops, np.ndarray) else ops):
        if isinstance(op, str) and op in OP_CODES:
            codes[k] = OP_CODES[op]
        elif isinstance(op, str):
            raise ValueError(_fail(where, f"unknown op {op!r} at position {k}",
                                   f"Valid ops are 'input', {', '.join(map(repr, OP_NAMES))} and 'output'."))
        elif isinstance(op, (int, np.integer)) and not isinstance(op, bool) and int(op) in CODE_NAMES:
            codes[k] = op
        elif isinstance(op, (int, np.integer)) and not isinstance(op, bool):
            raise ValueError(_fail(where, f"unknown op code {int(op)} at position {k}",
                                   "Valid codes are -1 input, 0 conv3x3, 1 conv1x1, 2 maxpool, -2 output."))
        else:
            raise TypeError(_fail(where, f"op at position {k} is {op!r} ({type(op).__name__})",
                                  "Ops must be names (str) or int codes."))
    if codes[0] != INPUT:
        raise ValueError(_fail(where, f"the first op must be 'input', got {CODE_NAMES[int(codes[0])]!r}",
                               "Vertex 0 is the cell input."))
    if codes[-1] != OUTPUT:
        raise ValueError(_fail(where, f"the last op must be 'output', got {CODE_NAMES[int(codes[-1])]!r}",
                               "Vertex V-1 is the cell output."))
    inner = np.flatnonzero(codes[1:-1] < 0)
    if inner.size:
        k = int(inner[0]) + 1
        raise ValueError(_fail(where, f"{CODE_NAMES[int(codes[k])]!r} used at interior position {k}",
                               f"Interior vertices take one of {', '.join(map(repr, OP_NAMES))}."))
    return codes


def pad_cell(matrix: np.ndarray, codes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Place a VxV cell in the 7-vertex layout: vertices 0..V-2 keep their slot, the output
    moves to slot 6 and slots V-1..5 become isolated pad vertices."""
    nv = matrix.shape[0]
    slots = list(range(nv - 1)) + [MAX_VERTICES - 1]
    adj = np.zeros((MAX_VERTICES, MAX_VERTICES), dtype=np.uint8)
    adj[np.ix_(slots, slots)] = matrix
    ops = np.full(MAX_VERTICES, PAD, dtype=np.int8)
    ops[slots] = codes
    return adj, ops


def cells_to_batch(cells: Sequence[Tuple[Any, Any]], wheres: Sequence[str]) -> CellBatch:
    """Validate raw ``(matrix, ops)`` pairs, prune them (nasbench ``ModelSpec`` semantics) and
    pad them into a :class:`CellBatch`; ``wheres`` names each cell in error messages."""
    if not cells:
        return CellBatch.empty()
    adj = np.empty((len(cells), MAX_VERTICES, MAX_VERTICES), dtype=np.uint8)
    ops = np.empty((len(cells), MAX_VERTICES), dtype=np.int8)
    for k, ((matrix, names), where) in enumerate(zip(cells, wheres)):
        arr = _check_matrix(matrix, where)
        adj[k], ops[k] = pad_cell(arr, _check_ops(names, arr.shape[0], where))
    adj, ops, num_vertices, connected = prune_padded(adj, ops)
    for k in np.flatnonzero(~connected)[:1]:
        raise ValueError(_fail(wheres[k], "there is no path from the input to the output vertex",
                               "Connect the input to the output through at least one path of edges."))
    edges = adj.sum(axis=(1, 2))
    for k in np.flatnonzero(edges > MAX_EDGES)[:1]:
        raise ValueError(_fail(wheres[k], f"it has {edges[k]} edges after pruning dangling vertices, "
                               f"but NAS-Bench-101 allows at most {MAX_EDGES}", "Remove edges."))
    return CellBatch(adj, ops, num_vertices)


def validate_cell(matrix: Any, ops: Any) -> dict:
    """Validate one cell and return its pruned spec ``{'matrix': VxV ndarray, 'ops': [names]}``.

    Raises ``TypeError`` for wrong types and ``ValueError`` for invalid values, each naming
    the problem, where it is, and how to fix it. The rules are the benchmark's
    (``api.NASBench.is_valid``): vertices off every input -> output path are pruned first,
    then the pruned cell must connect input to output with at most 9 edges.
    """
    return cells_to_batch([(matrix, ops)], [""]).to_specs()[0]
