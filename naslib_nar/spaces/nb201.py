"""NAS-Bench-201 in pure numpy: validation, costs, feature tensors and sampling.

An architecture is six op indices in arch-string order: edge ``e`` goes from node
``EDGES[e][0]`` to node ``EDGES[e][1]`` of the 4-node cell, and its op is ``OPS[ops[e]]``
(the benchmark's own op order, not NASLib's). A batch is an ``(n, 6)`` int8 array, so every
cost below is one table look-up over the whole batch instead of a Python loop.

The network (NAS-Bench-201's ``TinyNetwork``) is fixed apart from the cell: a 3x3 stem
conv (3 -> 16, no bias) + BN; three stages of five cells with C = 16 / 32 / 64 channels at
H = W = 32 / 16 / 8 (CIFAR) or 16 / 8 / 4 (ImageNet16-120); between stages a ResNet basic
block (ReLU-conv3x3 stride 2 C -> 2C + BN, ReLU-conv3x3 2C -> 2C + BN, shortcut 2x2
average pool + 1x1 conv C -> 2C without bias or BN); BN + ReLU; global average pool; a
linear classifier with bias.
"""
from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np

from .._validation import check_param, check_random_state
from .datasets import DATASETS, check_dataset

__all__ = ["OPS", "EDGES", "NUM_ARCHS", "NB201Space"]

#: Op names in the benchmark's order (the digits of an op-index architecture).
OPS: Tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: (src, dst) of each edge, in arch-string order ``|~0|+|~0|~1|+|~0|~1|~2|``.
EDGES: Tuple[Tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
NUM_ARCHS: int = len(OPS) ** len(EDGES)

_NUM_CLASSES = {"cifar10": 10, "cifar100": 100, "imagenet16": 120}
_INPUT_SIZE = {"cifar10": 32, "cifar100": 32, "imagenet16": 16}
_CHANNELS = (16, 32, 64)
_CELLS_PER_STAGE = 5
_NUM_CELLS = _CELLS_PER_STAGE * len(_CHANNELS)
_KERNEL = {"nor_conv_1x1": 1, "nor_conv_3x3": 3}
_OP_INDEX = {name: i for i, name in enumerate(OPS)}
#: Position of each edge in a flattened 4x4 matrix (``src * 4 + dst``).
_FLAT_EDGE = np.array([s * 4 + d for s, d in EDGES])
#: Weight of each edge's op digit in the base-5 enumeration index (edge 0 most significant).
_PLACE = len(OPS) ** np.arange(len(EDGES) - 1, -1, -1, dtype=np.int64)

#: Divisors that bring the per-edge FLOPs (at most 2.39e6) and params (at most 36,992) of
#: :meth:`NB201Space.encode` to O(1) values, as the ranker's linear token projection needs.
FLOPS_SCALE = 1e6
PARAMS_SCALE = 1e4


def _name(owner: str) -> str:
    return f"NB201Space.{owner}"


class NB201Space:
    """The NAS-Bench-201 search space: 15,625 cells of 6 edges with 5 possible ops each.

    Every method takes a batch from :meth:`as_batch` (or anything it accepts) and is
    vectorised over it.
    """

    name = "nb201"
    tensor_shape = (1 + 2 * _NUM_CELLS, 4, 4)
    op_names = OPS
    datasets = DATASETS

    # ------------------------------------------------------------------ validation
    def as_batch(self, archs: Any) -> np.ndarray:
        """Validate architectures and return them as an ``(n, 6)`` int8 op-index array.

        Accepts one arch string ``'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|'``, one sequence of
        six op indices (``OPS`` order), an ``(n, 6)`` integer array, a list of strings or
        of index sequences (not a mix of both), or a numpy array of any of those (a 1-d
        array of strings, e.g. a pandas column of arch strings, whose dtype is object).
        """
        if isinstance(archs, str):
            return _parse_string(archs)[None, :]
        if isinstance(archs, np.ndarray):
            if archs.dtype == object or (archs.dtype.kind in "US" and archs.ndim == 1):
                # e.g. an arch_str column (pandas gives object arrays): checked as the list it holds
                return self.as_batch(archs.tolist())
            return _check_indices(archs)
        if not isinstance(archs, (list, tuple)):
            raise TypeError(
                f"{_name('as_batch')} expects an arch string, a sequence of 6 op indices, an (n, 6) "
                f"integer array or a list of those. Got {type(archs).__name__} instead."
            )
        if len(archs) == 0:
            raise ValueError(f"{_name('as_batch')} got an empty list; pass at least one architecture.")
        is_str = [isinstance(a, str) for a in archs]
        if all(is_str):
            return np.stack([_parse_string(a) for a in archs])
        if any(is_str):
            raise TypeError(
                f"{_name('as_batch')} got a list mixing arch strings with other objects; pass either "
                "strings only or op-index sequences only."
            )
        lengths = {len(a) if isinstance(a, (list, tuple, np.ndarray)) else None for a in archs}
        try:
            arr = np.asarray(archs) if len(lengths) == 1 else np.empty(0, dtype=object)
        except ValueError:  # ragged deeper down (numpy >= 1.24)
            arr = np.empty(0, dtype=object)
        if arr.dtype == object:
            raise ValueError(
                f"{_name('as_batch')} got op-index sequences of different lengths or of non-integer "
                "items; each architecture is exactly 6 integer op indices."
            )
        return _check_indices(arr)

    def to_strings(self, batch: Any) -> List[str]:
        """Arch strings (``'|op~0|+|op~0|op~1|+|...|'``) of a batch, in batch order."""
        names = np.asarray(OPS, dtype=object)[self.as_batch(batch)]
        return [f"|{a}~0|+|{b}~0|{c}~1|+|{d}~0|{e}~1|{f}~2|" for a, b, c, d, e, f in names]

    # ------------------------------------------------------------------ enumeration
    def all_archs(self) -> np.ndarray:
        """All ``5**6`` architectures, in base-5 order (row ``i`` has ``arch_index == i``)."""
        grids = np.indices((len(OPS),) * len(EDGES), dtype=np.int8)
        return grids.reshape(len(EDGES), -1).T.copy()

    def arch_index(self, batch: Any) -> np.ndarray:
        """Base-5 enumeration index (edge 0 most significant) of each architecture.

        This is a dense key for look-ups, NOT the NAS-Bench-201 / NATS-Bench ``index`` (the
        benchmark orders its architectures differently).
        """
        return self.as_batch(batch).astype(np.int64) @ _PLACE

    def sample(self, n: int, random_state: Any = None) -> np.ndarray:
        """``n`` architectures drawn uniformly (independent uniform op per edge)."""
        check_param("n", n, int, owner="NB201Space.sample", min_val=1)
        rng = check_random_state(random_state)
        return rng.integers(0, len(OPS), size=(int(n), len(EDGES))).astype(np.int8)

    # ------------------------------------------------------------------ costs
    def op_counts(self, batch: Any) -> np.ndarray:
        """``(n, 5)`` int64: how many of the 6 edges carry each op (``OPS`` order)."""
        b = self.as_batch(batch)
        return (b[:, :, None] == np.arange(len(OPS))).sum(axis=1, dtype=np.int64)

    def edge_costs(self, batch: Any, dataset: str = "cifar10") -> Tuple[np.ndarray, np.ndarray]:
        """Per-edge FLOPs and params of the 15 normal cells, each ``(n, 15, 6)`` int64.

        Per docs/SPEC.md section 1 (fvcore conventions): a ReLU-conv(k x k)-BN edge with C
        channels at H x W costs ``k*k*C*C*H*W + 2*C*H*W`` FLOPs (the BN adds 2 per output)
        and ``k*k*C*C + 2*C`` params (BN gamma and beta); none, skip_connect and
        avg_pool_3x3 cost 0.
        """
        b = self.as_batch(batch)
        flops, params = _cell_tables(check_dataset(dataset, "NB201Space.edge_costs"))
        return flops.T[b].transpose(0, 2, 1), params.T[b].transpose(0, 2, 1)

    def network_params(self, batch: Any, dataset: str = "cifar10") -> np.ndarray:
        """Exact trainable parameter count of the whole NB201 network (int64, ``(n,)``).

        Convention (the one PyTorch's ``parameters()`` gives for NB201's ``TinyNetwork``):
        convolutions have no bias; every BN is affine and contributes gamma and beta (2 per
        channel; running statistics are buffers, not parameters); none, skip_connect and
        avg_pool_3x3 edges contribute 0 (C_in == C_out inside a cell, so the pool has no
        projection); the reduction shortcut's 1x1 conv has neither bias nor BN; the
        classifier has a bias. This equals the benchmark's ``params`` record on 15,475 of
        the 15,625 architectures; on the other 150 the record describes a network with one
        conv edge more or fewer than the arch string (an upstream data error, see
        NATS-Bench issue #36), so no counting convention can match those.
        """
        ds = check_dataset(dataset, "NB201Space.network_params")
        _, params = _cell_tables(ds)
        return _fixed_params(ds) + _CELLS_PER_STAGE * (self.op_counts(batch) @ _stage_costs(params))

    def network_flops(self, batch: Any, dataset: str = "cifar10", *, include_bn: bool = True) -> np.ndarray:
        """Network FLOPs (int64, ``(n,)``): multiply-adds of every conv and the classifier.

        One multiply-add counts as one FLOP; the classifier's bias adds count too; ReLU,
        pooling and additions are free. With ``include_bn=True`` (the SPEC convention, the
        one :meth:`edge_costs` uses) every BN adds 2 FLOPs per output element. With
        ``include_bn=False`` this is NAS-Bench-201's own ``flop`` record, checked exactly on
        the two published CIFAR-10 values at hand: 15.64737 M (benchmark index 0, as in
        NASLib's NB201 test fixture) and 113.95137 M (the example of NATS-Bench issue #36).
        """
        check_param("include_bn", include_bn, bool, owner="NB201Space.network_flops")
        ds = check_dataset(dataset, "NB201Space.network_flops")
        flops, _ = _cell_tables(ds, include_bn=include_bn)
        return _fixed_flops(ds, include_bn) + _CELLS_PER_STAGE * (self.op_counts(batch) @ _stage_costs(flops))

    def effective_ops(self, batch: Any) -> np.ndarray:
        """The architectures with every computationally dead edge set to 'none'.

        An edge matters only if it is not 'none', its source node receives a live input
        (node 0 always does) and its target node feeds the output through live edges;
        otherwise the network computes the same function without it (up to BN offsets of
        an all-zero input). Many NB201 strings therefore describe the same network; the
        ranker can see this canonical form (``NeuralArchitectureRanker(canonicalize=True)``)
        while FLOPs/params statistics keep the real, uncanonicalised network costs.
        """
        ops = self.as_batch(batch).copy()
        live = ops != 0  # (n, 6) in EDGES order
        src = np.array([e[0] for e in EDGES])
        dst = np.array([e[1] for e in EDGES])
        n = ops.shape[0]
        reached = np.zeros((n, 4), dtype=bool)
        reached[:, 0] = True
        for node in (1, 2, 3):  # EDGES run forward, so one pass in node order suffices
            into = dst == node
            reached[:, node] = np.any(live[:, into] & reached[:, src[into]], axis=1)
        feeds = np.zeros((n, 4), dtype=bool)
        feeds[:, 3] = True
        for node in (2, 1, 0):
            out_of = src == node
            feeds[:, node] = np.any(live[:, out_of] & feeds[:, dst[out_of]], axis=1)
        effective = live & reached[:, src] & feeds[:, dst]
        ops[~effective] = 0
        return ops

    def canonical_ops(self, batch: Any) -> np.ndarray:
        """One representative per computationally identical network: :meth:`effective_ops`,
        then nodes 1 and 2 put in a fixed order where they are interchangeable.

        With no live edge 1 -> 2 the two intermediate nodes are parallel branches
        (node 1 = op(0->1)(x0), node 2 = op(0->2)(x0), both summed into node 3), so swapping
        them, i.e. edges 0->1 with 0->2 and 1->3 with 2->3, is the same network. The
        branch with the lexicographically smaller (in-op, out-op) pair goes to node 1.
        """
        ops = self.effective_ops(batch)
        first, second = ops[:, [0, 4]], ops[:, [1, 5]]
        larger = (first[:, 0] > second[:, 0]) | ((first[:, 0] == second[:, 0]) & (first[:, 1] > second[:, 1]))
        swap = (ops[:, 2] == 0) & larger
        ops[np.ix_(swap, [0, 4, 1, 5])] = ops[np.ix_(swap, [1, 5, 0, 4])]
        return ops

    def decode_tensors(self, tensors: np.ndarray) -> np.ndarray:
        """Op indices ``(n, 6)`` read back from channel 0 of :meth:`encode`'s tensors."""
        tensors = np.asarray(tensors)
        if tensors.ndim != 4 or tuple(tensors.shape[1:]) != self.tensor_shape:
            raise ValueError(f"Expected NB201 feature tensors of shape (n, 31, 4, 4); got {tensors.shape}.")
        codes = np.rint(tensors[:, 0].reshape(len(tensors), 16)[:, _FLAT_EDGE])
        return _check_indices(codes.astype(np.int64))

    # ------------------------------------------------------------------ features
    def encode(self, batch: Any, dataset: str = "cifar10") -> np.ndarray:
        """Feature tensors ``(n, 31, 4, 4)`` float32 for the ranker.

        Channel 0: ``M[src, dst] = op index`` (none = 0 ... avg_pool_3x3 = 4; absent edges
        are 0 too, which is what 'none' means). Channels ``1 + 2c`` and ``2 + 2c`` for cell
        ``c = 0..14`` (network order): that cell's per-edge FLOPs / ``FLOPS_SCALE`` and
        params / ``PARAMS_SCALE`` at ``[src, dst]``.
        """
        b = self.as_batch(batch)
        flops, params = _cell_tables(check_dataset(dataset, "NB201Space.encode"))
        # (5 ops, 30 channels) in channel order F1, P1, ..., F15, P15: one gather per edge
        table = np.stack([flops / FLOPS_SCALE, params / PARAMS_SCALE], axis=1).reshape(-1, len(OPS)).T
        out = np.zeros((b.shape[0], self.tensor_shape[0], 16), dtype=np.float32)
        out[:, 0, _FLAT_EDGE] = b
        out[:, 1:, _FLAT_EDGE] = table.astype(np.float32)[b].transpose(0, 2, 1)
        return out.reshape((b.shape[0],) + self.tensor_shape)


# ---------------------------------------------------------------------- helpers
def _check_indices(arr: np.ndarray) -> np.ndarray:
    """Validate an integer array of op indices, shape (6,) or (n, 6)."""
    where = _name("as_batch")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{where} expects integer op indices (0..{len(OPS) - 1}, order {list(OPS)}). "
            f"Got an array of dtype {arr.dtype} instead."
        )
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != len(EDGES):
        raise ValueError(
            f"{where} expects op indices of shape (6,) or (n, 6), one per edge in arch-string "
            f"order. Got shape {arr.shape} instead."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{where} got an empty batch (shape {arr.shape}); pass at least one architecture.")
    bad = (arr < 0) | (arr >= len(OPS))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"{where} got op index {int(arr[row, col])} at architecture {int(row)}, edge {int(col)}; "
            f"op indices must be in 0..{len(OPS) - 1} ({list(OPS)})."
        )
    return arr.astype(np.int8)


def _parse_string(text: str) -> np.ndarray:
    """Parse one arch string into 6 op indices, naming exactly what is wrong."""
    where = _name("as_batch")
    form = "'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|'"
    s = text.strip()
    if len(s) < 2 or s[0] != "|" or s[-1] != "|":
        raise ValueError(f"{where}: arch string {text!r} must start and end with '|', as in {form}.")
    nodes = s[1:-1].split("|+|")
    if len(nodes) != 3:
        raise ValueError(
            f"{where}: arch string {text!r} has {len(nodes)} node group(s) separated by '|+|'; "
            f"NAS-Bench-201 cells have 3, as in {form}."
        )
    ops: List[int] = []
    for node, group in enumerate(nodes, start=1):
        entries = group.split("|")
        if len(entries) != node:
            raise ValueError(
                f"{where}: node {node} of arch string {text!r} has {len(entries)} incoming edge(s) "
                f"({group!r}); node {node} must have exactly {node}, as in {form}."
            )
        for src, entry in enumerate(entries):
            op, sep, index = entry.partition("~")
            if not sep:
                raise ValueError(f"{where}: edge {entry!r} in arch string {text!r} must look like 'op~{src}'.")
            if op not in _OP_INDEX:
                raise ValueError(
                    f"{where}: unknown op {op!r} in arch string {text!r}. Valid ops: {list(OPS)}."
                )
            if index != str(src):
                raise ValueError(
                    f"{where}: edge {entry!r} of node {node} in arch string {text!r} names input "
                    f"~{index}, but its position means input ~{src}; write the inputs of each node "
                    "in order ~0, ~1, ~2."
                )
            ops.append(_OP_INDEX[op])
    return np.array(ops, dtype=np.int8)


def _cell_tables(dataset: str, include_bn: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """Per-cell, per-op (FLOPs, params): two ``(15, 5)`` int64 tables."""
    flops = np.zeros((_NUM_CELLS, len(OPS)), dtype=np.int64)
    params = np.zeros_like(flops)
    for cell in range(_NUM_CELLS):
        stage = cell // _CELLS_PER_STAGE
        c, hw = _CHANNELS[stage], (_INPUT_SIZE[dataset] >> stage) ** 2
        for name, k in _KERNEL.items():
            flops[cell, _OP_INDEX[name]] = k * k * c * c * hw + (2 * c * hw if include_bn else 0)
            params[cell, _OP_INDEX[name]] = k * k * c * c + 2 * c
    return flops, params


def _stage_costs(table: np.ndarray) -> np.ndarray:
    """``(5,)`` op costs summed over one cell of each stage: the cells of a stage are equal."""
    return table[::_CELLS_PER_STAGE].sum(axis=0)


def _fixed_params(dataset: str) -> int:
    """Parameters outside the cells (stem, the two reduction blocks, last BN, classifier)."""
    total = 3 * 3 * 3 * _CHANNELS[0] + 2 * _CHANNELS[0]  # stem conv (no bias) + BN
    for c in _CHANNELS[:-1]:
        total += 3 * 3 * c * 2 * c + 2 * 2 * c  # conv_a (stride 2) + BN
        total += 3 * 3 * 2 * c * 2 * c + 2 * 2 * c  # conv_b + BN
        total += c * 2 * c  # shortcut 1x1 conv after the 2x2 average pool
    k = _NUM_CLASSES[dataset]
    return total + 2 * _CHANNELS[-1] + _CHANNELS[-1] * k + k  # last BN, classifier + bias


def _fixed_flops(dataset: str, include_bn: bool) -> int:
    """FLOPs outside the cells, in the convention of :meth:`NB201Space.network_flops`."""
    bn = 2 if include_bn else 0
    hw = _INPUT_SIZE[dataset] ** 2
    total = (3 * 3 * 3 + bn) * _CHANNELS[0] * hw  # stem conv + BN
    for stage, c in enumerate(_CHANNELS[:-1]):
        out_hw = (_INPUT_SIZE[dataset] >> (stage + 1)) ** 2
        total += (3 * 3 * c + bn) * 2 * c * out_hw  # conv_a (stride 2) + BN
        total += (3 * 3 * 2 * c + bn) * 2 * c * out_hw  # conv_b + BN
        total += c * 2 * c * out_hw  # shortcut 1x1 conv
    last_hw = (_INPUT_SIZE[dataset] >> (len(_CHANNELS) - 1)) ** 2
    k = _NUM_CLASSES[dataset]
    return total + bn * _CHANNELS[-1] * last_hw + _CHANNELS[-1] * k + k
