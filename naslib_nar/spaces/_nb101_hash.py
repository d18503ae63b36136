"""The official NAS-Bench-101 module hash, for whole batches of padded cells.

NAS-Bench-101 identifies a cell by ``graph_util.hash_module``: an MD5 Weisfeiler-Lehman
hash of the pruned graph. Each vertex starts from ``md5(str((out_degree, in_degree,
label)))`` with labels -1 (input), the op's index in ``available_ops`` (conv3x3, conv1x1,
maxpool: exactly our int codes) and -2 (output). Then, V times, every vertex hashes the
concatenation of its in-neighbours' hashes (sorted), ``'|'``, its out-neighbours' hashes
(sorted), ``'|'`` and its own hash. The cell hash is ``md5(str(sorted(vertex_hashes)))``.
It is isomorphism-invariant and it keys every NAS-Bench-101 table, so it is reproduced
byte for byte (hex digests, Python's list repr).

About V*V + 1 md5 calls per cell cannot be avoided; everything around them is vectorised.
All messages of one iteration whose vertices have the same (in-degree, out-degree) have
the same length, so they are assembled as rows of one uint8 array (gathering and sorting
the neighbours' 32-byte hex hashes in numpy), and only the md5 calls run in Python. This
makes the cost per md5 about 0.7 us instead of 2-3 us for a per-cell Python loop.
"""
from __future__ import annotations

from typing import List, Sequence, Tuple, Union

import numpy as np

try:  # CPython's built-in md5 is ~1.6x faster than OpenSSL's on these short messages
    from _md5 import md5 as _md5
except ImportError:  # builds without it (e.g. FIPS distributions) fall back to hashlib
    from hashlib import md5 as _md5

from ._nb101_cell import MAX_VERTICES, PAD, CellBatch

_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_Piece = Union[bytes, np.ndarray]


def _md5_hex(messages: np.ndarray) -> np.ndarray:
    """Hex md5 digests of the rows of an (m, L) uint8 array, as (m, 32) ascii bytes."""
    m, length = messages.shape
    rows = np.ascontiguousarray(messages).view(f"S{length}").ravel().tolist()  # no NUL bytes occur
    raw = np.frombuffer(b"".join([_md5(r).digest() for r in rows]), dtype=np.uint8).reshape(m, 16)
    out = np.empty((m, 32), dtype=np.uint8)
    out[:, 0::2] = _HEX_DIGITS[raw >> 4]
    out[:, 1::2] = _HEX_DIGITS[raw & 15]
    return out


def _sorted_hashes(hashes: np.ndarray) -> np.ndarray:
    """Sort the k hex hashes of each row of an (m, k, 32) array, as Python sorts the strings."""
    m, k, _ = hashes.shape
    as_strings = np.ascontiguousarray(hashes).view("S32").reshape(m, k)
    return np.sort(as_strings, axis=1).view(np.uint8).reshape(m, k * 32)


def _concat(pieces: Sequence[_Piece], m: int) -> np.ndarray:
    """Rows made of constant byte strings and (m, L) uint8 blocks, left to right."""
    cols = [np.broadcast_to(np.frombuffer(p, np.uint8), (m, len(p))) if isinstance(p, bytes) else p for p in pieces]
    return np.concatenate(cols, axis=1)


def _initial_hashes(out_degree: np.ndarray, in_degree: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``md5(str((out, in, label)))`` of every vertex via a table of the few distinct triples."""
    key = (out_degree.astype(np.int64) * 8 + in_degree) * 8 + (labels.astype(np.int64) - PAD)
    unique, inverse = np.unique(key.ravel(), return_inverse=True)
    triples = [(k // 64, k // 8 % 8, k % 8 + PAD) for k in unique.tolist()]
    table = np.frombuffer(
        b"".join(_md5(str(t).encode("ascii")).hexdigest().encode("ascii") for t in triples), dtype=np.uint8
    ).reshape(-1, 32)
    return table[inverse.ravel()].reshape(out_degree.shape + (32,))


def _degree_groups(batch: CellBatch) -> List[Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Real vertices grouped by (in-degree, out-degree), as flat indices ``cell * 7 + vertex``.

    Returns ``(vertex, in_neighbours (m, in-degree), out_neighbours (m, out-degree),
    iterations)`` per group, rows ordered by decreasing number of WL iterations (the cell's
    V), so that the vertices still iterating at any step are a prefix of each group.
    """
    adj = batch.adj.astype(bool)
    in_degree, out_degree = adj.sum(axis=1), adj.sum(axis=2)
    nv = batch.num_vertices.astype(np.int64)
    code = np.where(batch.ops != PAD, in_degree * 8 + out_degree, -1)
    groups = []
    for key in np.unique(code[code >= 0]).tolist():
        cells, verts = np.nonzero(code == key)
        order = np.argsort(-nv[cells], kind="stable")
        cells, verts = cells[order], verts[order]
        base = cells[:, None] * MAX_VERTICES
        # nonzero() lists each row's neighbours in order, and every row has the same count here
        ins = base + np.nonzero(adj[cells, :, verts])[1].reshape(len(cells), key // 8)
        outs = base + np.nonzero(adj[cells, verts, :])[1].reshape(len(cells), key % 8)
        groups.append((cells * MAX_VERTICES + verts, ins, outs, nv[cells]))
    return groups


def hash_batch(batch: CellBatch, chunk_size: int = 16384) -> np.ndarray:
    """Official NB101 hashes (32 hex characters) of every cell, as a ``'<U32'`` array.

    Large batches are hashed in chunks of ``chunk_size`` cells: the per-md5 cost grows by
    about 2x once the working set (millions of short-lived message objects) leaves the cache.
    """
    out = np.empty(len(batch), dtype="<U32")
    for start in range(0, len(batch), chunk_size):
        out[start:start + chunk_size] = _hash_chunk(batch[start:start + chunk_size])
    return out


def _hash_chunk(batch: CellBatch) -> np.ndarray:
    n = len(batch)
    adj = batch.adj.astype(np.int64)
    hashes = _initial_hashes(adj.sum(axis=2), adj.sum(axis=1), batch.ops).reshape(n * MAX_VERTICES, 32)
    groups = _degree_groups(batch)
    for iteration in range(MAX_VERTICES):  # a V-vertex cell stops after V iterations
        new = hashes.copy()
        for verts, ins, outs, iterations in groups:
            m = int(np.count_nonzero(iterations > iteration))
            if m:
                message = _concat([
                    _sorted_hashes(hashes[ins[:m]]), b"|", _sorted_hashes(hashes[outs[:m]]), b"|", hashes[verts[:m]],
                ], m)
                new[verts[:m]] = _md5_hex(message)
        hashes = new
    hashes = hashes.reshape(n, MAX_VERTICES, 32)

    out = np.empty(n, dtype="<U32")
    num_vertices = batch.num_vertices
    for nv in np.unique(num_vertices).tolist():
        cells = np.flatnonzero(num_vertices == nv)
        slots = list(range(nv - 1)) + [MAX_VERTICES - 1]
        final = _sorted_hashes(hashes[cells][:, slots])
        pieces: List[_Piece] = [b"['"]
        for k in range(nv):  # str(sorted(hashes)) == "['h1', 'h2', ...]"
            pieces += [final[:, 32 * k: 32 * (k + 1)], b"', '" if k < nv - 1 else b"']"]
        out[cells] = _md5_hex(_concat(pieces, len(cells))).view("S32").ravel().astype("<U32")
    return out
