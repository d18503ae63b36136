"""Turn whatever architectures a user hands over into model-ready arrays, once.

Predictors accept NB101 cells (spec dicts, (matrix, ops) tuples, :class:`CellBatch`),
NB201 arch strings or op-index arrays, an :class:`EncodedArchs` bundle, or raw feature
tensors. :func:`encode_archs` recognises the form, validates it through the space, and
returns an :class:`EncodedArchs` holding the tensors and the network costs the tier
statistics need. Experiments encode a whole benchmark once and slice the bundle.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from . import get_space

TENSOR_SHAPES = {"nb101": (19, 7, 7), "nb201": (31, 4, 4)}


@dataclass(frozen=True)
class EncodedArchs:
    """Feature tensors plus network FLOPs/params and op counts of n architectures.

    ``flops``, ``params`` and ``op_counts`` are ``None`` when only raw tensors were given.
    """

    space: str
    tensors: np.ndarray  # (n, C, P, P) float32
    flops: Optional[np.ndarray] = None  # (n,) int64
    params: Optional[np.ndarray] = None  # (n,) int64
    op_counts: Optional[np.ndarray] = None  # (n, n_ops)
    op_names: Optional[Sequence[str]] = None

    def __len__(self) -> int:
        return int(self.tensors.shape[0])

    def __getitem__(self, rows: Any) -> "EncodedArchs":
        def take(a: Optional[np.ndarray]) -> Optional[np.ndarray]:
            return None if a is None else a[rows]

        return EncodedArchs(
            self.space, self.tensors[rows], take(self.flops), take(self.params), take(self.op_counts), self.op_names
        )

    @property
    def has_costs(self) -> bool:
        return self.flops is not None and self.params is not None and self.op_counts is not None


def infer_space(archs: Any) -> str:
    """Which space a collection of architectures belongs to; mixed inputs are an error."""
    if isinstance(archs, EncodedArchs):
        return archs.space
    if isinstance(archs, np.ndarray):
        if archs.ndim == 4:
            for name, shape in TENSOR_SHAPES.items():
                if archs.shape[1:] == shape:
                    return name
            raise ValueError(
                f"Feature tensors of shape {archs.shape[1:]} match no search space: expected "
                f"(19, 7, 7) for NB101 or (31, 4, 4) for NB201."
            )
        if archs.ndim in (1, 2) and archs.shape[-1] == 6 and np.issubdtype(archs.dtype, np.integer):
            return "nb201"
        raise ValueError(
            f"Cannot tell the search space of an array of shape {archs.shape} and dtype {archs.dtype}: pass NB201 "
            "op indices (n, 6), feature tensors (n, C, P, P), or NB101 cells as spec dicts."
        )
    if type(archs).__name__ == "CellBatch":
        return "nb101"
    items = [archs] if isinstance(archs, (str, dict)) else list(archs)
    if not items:
        raise ValueError("No architectures were given (an empty collection).")
    kinds = set()
    for item in items:
        if isinstance(item, str):
            kinds.add("nb201")
        elif isinstance(item, dict) or (isinstance(item, tuple) and len(item) == 2 and not np.isscalar(item[0])):
            kinds.add("nb101")
        else:
            kinds.add("nb201")
    if len(kinds) > 1:
        raise ValueError(
            "The architectures mix search spaces (NB101 cells and NB201 architectures in one collection). "
            "Pass architectures of one space at a time."
        )
    return kinds.pop()


def encode_archs(archs: Any, *, space: Optional[str] = None, dataset: str = "cifar10") -> EncodedArchs:
    """Validate and encode ``archs``; ``space`` is inferred when not given.

    ``dataset`` only matters for NB201, whose cell FLOPs depend on the input resolution
    (CIFAR 32x32 vs ImageNet16-120 16x16).
    """
    if isinstance(archs, np.ndarray) and (archs.dtype == object or archs.dtype.kind in "US"):
        archs = archs.tolist()  # e.g. a pandas column of arch strings or of NB101 spec dicts
    if isinstance(archs, EncodedArchs):
        found = archs.space
    else:
        found = infer_space(archs)
    if space is not None and space != found:
        raise ValueError(f"Expected {space} architectures but got {found} ones.")
    if isinstance(archs, EncodedArchs):
        return archs
    if isinstance(archs, np.ndarray) and archs.ndim == 4:
        return EncodedArchs(found, np.ascontiguousarray(archs, dtype=np.float32))
    sp = get_space(found)
    batch = sp.as_batch(archs)
    kwargs = {"dataset": dataset} if found == "nb201" else {}
    return EncodedArchs(
        space=found,
        tensors=sp.encode(batch, **kwargs),
        flops=np.asarray(sp.network_flops(batch, **kwargs), dtype=np.int64),
        params=np.asarray(sp.network_params(batch, **kwargs), dtype=np.int64),
        op_counts=np.asarray(sp.op_counts(batch)),
        op_names=tuple(sp.op_names),
    )
