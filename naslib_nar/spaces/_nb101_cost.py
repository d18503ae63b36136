"""Channels, per-vertex FLOPs/params and whole-network totals of NAS-Bench-101 networks.

The network is fixed around the cell (``nasbench/lib/model_builder.py``): a 3x3 conv stem
(3 -> 128 channels) with BN and ReLU, 3 stacks of 3 cells with 128/256/512 output channels,
a 2x2 max-pool before stacks 2 and 3, global average pooling and a dense 512 -> 10 layer on
32x32 images. Only the cell varies, so every cost is a closed-form function of the padded
adjacency and the op codes, computed here for whole batches at once (loops run over the 7
vertices and the 9 cells, never over architectures).

Conventions, checked against the shared data (``params``: all cells exact; ``flops``: the
TF-profiler convention of the NAR reference data): a k x k conv-BN-ReLU on C channels at
H x W costs ``2*H*W*k*k*C*C`` FLOPs and ``k*k*C*C + 2*C`` params (no conv bias, BN gamma and
beta); a 1x1 projection of the cell input (C_in -> C) costs ``2*H*W*C_in*C`` FLOPs and
``C_in*C + 2*C`` params; summing n tensors costs ``(n-1)*H*W*C``; a 3x3 max-pool costs
``9*H*W*C``; truncation, concatenation, BN and ReLU cost nothing.
"""
from __future__ import annotations

from typing import Dict, List, NamedTuple, Tuple

import numpy as np

from ._nb101_cell import CONV1X1, CONV3X3, MAXPOOL3X3, CellBatch

IMAGE_SIZE = 32
STEM_CHANNELS = 128
NUM_STACKS = 3
CELLS_PER_STACK = 3
NUM_CLASSES = 10
#: Output channels of each stack (doubling after each downsampling).
STACK_CHANNELS = tuple(STEM_CHANNELS << s for s in range(NUM_STACKS))
FINAL_CHANNELS = STACK_CHANNELS[-1]

#: Parameters outside the cells: stem conv 3x3 (3 -> 128, no bias) + BN, dense 512 -> 10 + bias.
FIXED_PARAMS = 3 * 9 * STEM_CHANNELS + 2 * STEM_CHANNELS + FINAL_CHANNELS * NUM_CLASSES + NUM_CLASSES
#: FLOPs outside the cells: stem conv, the two 2x2 downsampling max-pools (4 per output
#: element), global average pooling (one per input element) and the dense layer.
FIXED_FLOPS = (
    2 * IMAGE_SIZE ** 2 * 9 * 3 * STEM_CHANNELS
    + sum(4 * (IMAGE_SIZE >> s) ** 2 * STACK_CHANNELS[s - 1] for s in range(1, NUM_STACKS))
    + (IMAGE_SIZE >> (NUM_STACKS - 1)) ** 2 * FINAL_CHANNELS
    + 2 * FINAL_CHANNELS * NUM_CLASSES + NUM_CLASSES
)


def cell_plan() -> List[Tuple[int, int, int]]:
    """``(input channels, output channels, H*W)`` of the 9 cells in network order.

    The first cell of stacks 2 and 3 reads the previous stack's output (half its own
    channels) at the already downsampled resolution.
    """
    plan = []
    for s, c_out in enumerate(STACK_CHANNELS):
        hw = (IMAGE_SIZE >> s) ** 2
        for m in range(CELLS_PER_STACK):
            c_in = STEM_CHANNELS if s == 0 else (STACK_CHANNELS[s - 1] if m == 0 else c_out)
            plan.append((c_in, c_out, hw))
    return plan


def _unique_cells() -> List[Tuple[Tuple[int, int, int], int]]:
    """Distinct cell configurations with their multiplicity (identical cells cost the same)."""
    counts: dict = {}
    for cfg in cell_plan():
        counts[cfg] = counts.get(cfg, 0) + 1
    return list(counts.items())


def _vertex_major(batch: CellBatch) -> Tuple[np.ndarray, np.ndarray]:
    """Adjacency as (7, 7, n) and ops as (7, n): every per-vertex quantity is then a
    contiguous vector over the batch, which is several times faster in numpy than
    reducing over a short trailing axis of length 7."""
    return np.ascontiguousarray(batch.adj.transpose(1, 2, 0)), np.ascontiguousarray(batch.ops.T)


def channels(adj_t: np.ndarray, c_in: int, c_out: int) -> np.ndarray:
    """Channels of every vertex, exactly as nasbench ``compute_vertex_channels``.

    ``adj_t`` is the (7, 7, n) vertex-major adjacency. The output channels are split evenly
    among the vertices feeding the output (the first ``c_out % k`` of them, in vertex order,
    get one extra); every other interior vertex takes the max over its successors, walking
    backwards. Slot 0 holds ``c_in``, slot 6 ``c_out``, pads 0. Returns (7, n) int64.
    """
    feeds = adj_t[1:6, 6].astype(bool)
    k = np.maximum(feeds.sum(axis=0), 1)  # 0 only for 2-vertex cells
    base, extra = c_out // k, c_out % k
    ch = np.zeros((7, adj_t.shape[2]), dtype=np.int64)
    seen = np.zeros(adj_t.shape[2], dtype=np.int64)
    for v in range(1, 6):
        seen += feeds[v - 1]
        ch[v] = feeds[v - 1] * (base + (seen <= extra))
    for v in range(4, 0, -1):
        succ = np.zeros_like(ch[v])
        for dst in range(v + 1, 6):
            np.maximum(succ, adj_t[v, dst] * ch[dst], out=succ)
        ch[v] = np.where(feeds[v - 1], ch[v], succ)
    ch[0], ch[6] = c_in, c_out
    return ch


class _Terms(NamedTuple):
    """Per-vertex costs of a cell of one stack width, split by dependence on ``C_in``.

    Only the input projections read the cell input, so every cost is linear in its
    channels ``C_in``: ``flops = H*W * (flops_own + C_in * flops_per_input)`` and
    ``params = params_own + C_in * params_per_input``. Four (7, n) arrays per stack width
    therefore serve all 9 cells. Input, output and pads carry 0; the input -> output
    projection is charged to no vertex (see :func:`_output_terms`).
    """

    flops_own: np.ndarray
    flops_per_input: np.ndarray
    params_own: np.ndarray
    params_per_input: np.ndarray


def _vertex_terms(adj_t: np.ndarray, ops: np.ndarray, c_out: int) -> _Terms:
    """:class:`_Terms` of every vertex (conventions in the module docstring)."""
    ch = channels(adj_t, 0, c_out)
    ch[6] = 0  # the output vertex carries no cost of its own
    k2 = np.select([ops == CONV3X3, ops == CONV1X1], [9, 1], 0)
    reads_input = adj_t[0].astype(np.int64)
    extra_inputs = np.maximum(adj_t.sum(axis=0, dtype=np.int64) - 1, 0)
    conv = k2 * ch * ch
    return _Terms(
        flops_own=2 * conv + ch * (9 * (ops == MAXPOOL3X3) + extra_inputs),
        flops_per_input=2 * reads_input * ch,
        params_own=conv + 2 * ch * ((k2 > 0) + reads_input),  # BN of the conv and of the projection
        params_per_input=reads_input * ch,
    )


def _output_terms(adj_t: np.ndarray, c_in: int, c_out: int, hw: int) -> Tuple[np.ndarray, np.ndarray]:
    """(n,) int64 FLOPs and params of the cell output beyond its vertices.

    An input -> output edge is a 1x1 projection (C_in -> C_out) added to the concatenation
    of the interior vertices feeding the output (one add of ``H*W*C_out``); a 2-vertex cell
    is the projection alone. Concatenation is free.
    """
    direct = adj_t[0, 6].astype(np.int64)
    flops = direct * (2 * hw * c_in * c_out + hw * c_out * adj_t[1:6, 6].any(axis=0))
    return flops, direct * (c_in * c_out + 2 * c_out)


def _stack_terms(batch: CellBatch) -> Tuple[np.ndarray, Dict[int, _Terms]]:
    """Vertex-major adjacency and the :class:`_Terms` of each stack width."""
    adj_t, ops = _vertex_major(batch)
    return adj_t, {c: _vertex_terms(adj_t, ops, c) for c in STACK_CHANNELS}


def vertex_channels(batch: CellBatch) -> np.ndarray:
    """(n, 3, 7) int64 channels per stack; slot 0 is the stack's own width (the input of its
    2nd and 3rd cells; the 1st cell of stacks 2-3 reads half that, which changes no other slot)."""
    adj_t, _ = _vertex_major(batch)
    return np.stack([channels(adj_t, c, c).T for c in STACK_CHANNELS], axis=1)


def vertex_costs(batch: CellBatch) -> Tuple[np.ndarray, np.ndarray]:
    """(n, 9, 7) float64 per-vertex FLOPs and params of the 9 cells in network order."""
    _, terms = _stack_terms(batch)
    flops = np.empty((len(batch), len(cell_plan()), 7))
    params = np.empty_like(flops)
    for c, (c_in, c_out, hw) in enumerate(cell_plan()):
        t = terms[c_out]
        flops[:, c] = (hw * (t.flops_own + c_in * t.flops_per_input)).T
        params[:, c] = (t.params_own + c_in * t.params_per_input).T
    return flops, params


def _network_totals(batch: CellBatch) -> Tuple[np.ndarray, np.ndarray]:
    """(n,) int64 FLOPs and params of the whole network: cells summed over vertices (each
    distinct cell configuration once, times its multiplicity) plus the fixed layers."""
    adj_t, terms = _stack_terms(batch)
    sums = {c: _Terms(*(a.sum(axis=0) for a in t)) for c, t in terms.items()}
    flops = np.full(len(batch), FIXED_FLOPS, dtype=np.int64)
    params = np.full(len(batch), FIXED_PARAMS, dtype=np.int64)
    for (c_in, c_out, hw), times in _unique_cells():
        t = sums[c_out]
        out_flops, out_params = _output_terms(adj_t, c_in, c_out, hw)
        flops += times * (hw * (t.flops_own + c_in * t.flops_per_input) + out_flops)
        params += times * (t.params_own + c_in * t.params_per_input + out_params)
    return flops, params


def network_params(batch: CellBatch) -> np.ndarray:
    """(n,) int64 trainable parameters of the whole network (NB101 ``trainable_parameters``)."""
    return _network_totals(batch)[1]


def network_flops(batch: CellBatch) -> np.ndarray:
    """(n,) int64 FLOPs of one forward pass of one image (TF-profiler convention)."""
    return _network_totals(batch)[0]
