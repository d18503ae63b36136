"""Conversions between NASLib's search-space graphs and naslib_nar's architecture arrays.

NAS-Bench-201
    NASLib stores an architecture as six op indices over its ``EDGE_LIST``
    ``((1,2), (1,3), (1,4), (2,3), (2,4), (3,4))`` (1-based nodes) in the op order
    ``skip_connect, none, nor_conv_3x3, nor_conv_1x1, avg_pool_3x3``. naslib_nar uses the
    arch-string edge order ``(0,1), (0,2), (1,2), (0,3), (1,3), (2,3)`` and the benchmark's op
    order ``none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3``
    (:mod:`naslib_nar.spaces.nb201`). Both are fixed permutations, so a whole batch converts
    with two fancy-indexing operations; no arch string and no NASLib graph is built.
NAS-Bench-101
    NASLib's ``get_spec()`` is ``{'matrix': VxV, 'ops': [names]}`` (usually 7x7, possibly with
    dangling vertices). :meth:`NB101Space.as_batch` prunes it exactly like nasbench's
    ``ModelSpec``; the way back writes NASLib's own padded 7x7 layout (output at vertex 6,
    isolated pad vertices labelled ``conv3x3-bn-relu``, as NASLib's ``convert_to_cell`` does),
    which ``ModelSpec`` prunes to the same cell and NASLib's encodings accept.

Graphs: :func:`light_copy` gives a NASLib graph that holds only the architecture
(``instantiate_model = False``, a shallow copy sharing the template's structure): about
10 microseconds instead of the 0.6 s of an NB201 ``clone()``. Such graphs answer ``query``,
``get_hash``, ``encode``, ``mutate`` and ``sample_random_architecture`` exactly like full
ones, but hold no trainable network. Nothing in this module imports NASLib: graphs are
handled through their methods.
"""
from __future__ import annotations

import copy
from typing import Any, List, Optional, Sequence

import numpy as np

from ..spaces._nb101_cell import CODE_NAMES, PAD
from ..spaces.nb101 import CellBatch, NB101Space
from ..spaces.nb201 import EDGES as NB201_EDGES
from ..spaces.nb201 import OPS as NB201_OPS
from ..spaces.nb201 import NB201Space

__all__ = [
    "NASLIB_NB201_OPS", "NASLIB_NB201_EDGES", "SPACE_NAMES", "space_of",
    "nb201_from_naslib", "nb201_to_naslib", "nb101_to_naslib_specs",
    "graphs_to_archs", "archs_to_graphs", "light_copy",
]

#: NASLib's NB201 op order (``OP_NAMES_NB201`` in naslib/search_spaces/nasbench201/conversions.py).
NASLIB_NB201_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
#: NASLib's NB201 edges (``EDGE_LIST``), 1-based nodes: op_indices[k] is the op on edge k.
NASLIB_NB201_EDGES = ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))
#: NASLib search-space type (``graph.get_type()``) -> naslib_nar space name.
SPACE_NAMES = {"nasbench101": "nb101", "nasbench201": "nb201", "nb101": "nb101", "nb201": "nb201"}

#: NASLib op code -> our op code, and back.
_OP_TO_OURS = np.array([NB201_OPS.index(name) for name in NASLIB_NB201_OPS], dtype=np.int8)
_OP_TO_NASLIB = np.array([NASLIB_NB201_OPS.index(name) for name in NB201_OPS], dtype=np.int64)
#: Our edge p is NASLib's edge _EDGE_FROM_NASLIB[p]; NASLib's edge k is our edge _EDGE_FROM_OURS[k].
_EDGE_FROM_NASLIB = np.array([NASLIB_NB201_EDGES.index((s + 1, d + 1)) for s, d in NB201_EDGES])
_EDGE_FROM_OURS = np.array([NB201_EDGES.index((s - 1, d - 1)) for s, d in NASLIB_NB201_EDGES])
#: NASLib's label for the isolated pad vertices of a padded 7x7 spec (its ``convert_to_cell``).
_PAD_OP = "conv3x3-bn-relu"


def space_of(obj: Any) -> str:
    """'nb101' / 'nb201' from a NASLib graph, a NASLib type string or our own name."""
    name = obj if isinstance(obj, str) else getattr(obj, "get_type", lambda: type(obj).__name__)()
    if name not in SPACE_NAMES:
        raise ValueError(
            f"naslib_nar supports NASLib's 'nasbench101' and 'nasbench201' search spaces. Got {name!r}; "
            "use one of NasBench101SearchSpace / NasBench201SearchSpace."
        )
    return SPACE_NAMES[name]


# ---------------------------------------------------------------------- NAS-Bench-201
def nb201_from_naslib(op_indices: Any) -> np.ndarray:
    """NASLib op indices, shape (6,) or (n, 6), -> our ``(n, 6)`` int8 batch."""
    arr = np.asarray(op_indices)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"NASLib NB201 op indices must be integers 0..4. Got an array of dtype {arr.dtype} instead.")
    arr = np.atleast_2d(arr)
    if arr.ndim != 2 or arr.shape[1] != len(NASLIB_NB201_EDGES):
        raise ValueError(f"NASLib NB201 op indices must have shape (6,) or (n, 6). Got {arr.shape} instead.")
    if arr.size and (arr.min() < 0 or arr.max() >= len(NASLIB_NB201_OPS)):
        raise ValueError(
            f"NASLib NB201 op indices must be in 0..4 (order {list(NASLIB_NB201_OPS)}). Got values in "
            f"[{arr.min()}, {arr.max()}] instead."
        )
    return _OP_TO_OURS[arr[:, _EDGE_FROM_NASLIB]]


def nb201_to_naslib(archs: Any) -> np.ndarray:
    """Our NB201 architectures (anything ``NB201Space.as_batch`` takes) -> NASLib's ``(n, 6)``
    op indices (int64; ``row.tolist()`` is what ``set_spec`` takes)."""
    return _OP_TO_NASLIB[NB201Space().as_batch(archs)[:, _EDGE_FROM_OURS]]


# ---------------------------------------------------------------------- NAS-Bench-101
def nb101_to_naslib_specs(cells: Any) -> List[dict]:
    """Cells (a :class:`CellBatch` or anything ``NB101Space.as_batch`` takes) -> NASLib specs.

    Each spec is the padded 7x7 form NASLib builds itself: ``matrix`` int64 (7, 7), ``ops``
    seven names; pad vertices are isolated and labelled ``'conv3x3-bn-relu'``.
    """
    batch = NB101Space().as_batch(cells)
    names = np.array([CODE_NAMES.get(code, _PAD_OP) for code in range(PAD, 3)], dtype=object)
    ops = names[batch.ops.astype(np.int64) - PAD]
    matrices = batch.adj.astype(np.int64)
    return [{"matrix": m, "ops": list(o)} for m, o in zip(matrices, ops)]


# ---------------------------------------------------------------------- graphs
def graphs_to_archs(graphs: Sequence[Any], space: Optional[str] = None) -> Any:
    """NASLib graphs -> our batch: an ``(n, 6)`` int8 array (NB201) or a :class:`CellBatch` (NB101)."""
    graphs = list(graphs)
    if not graphs:
        raise ValueError("No architectures were given (an empty list of NASLib graphs).")
    space = space_of(graphs[0] if space is None else space)
    if space == "nb201":
        return nb201_from_naslib(np.array([list(g.get_op_indices()) for g in graphs], dtype=np.int64))
    specs = [g.get_spec() for g in graphs]
    missing = [k for k, s in enumerate(specs) if s is None]
    if missing:
        raise ValueError(
            f"NASLib NB101 graph at position {missing[0]} holds no architecture (get_spec() is None); "
            "call set_spec or sample_random_architecture first."
        )
    return NB101Space().as_batch(specs)


def light_copy(graph: Any) -> Any:
    """A NASLib graph that shares ``graph``'s structure and holds no architecture yet.

    ``instantiate_model`` is off, so ``set_spec`` only stores the op indices / spec and
    ``query`` reads the benchmark from them. Never train or ``parse()`` such a copy.
    """
    space = space_of(graph)
    new = copy.copy(graph)
    new.instantiate_model = False
    if space == "nb201":
        new.op_indices = None
    else:
        new.spec = None
    return new


def archs_to_graphs(archs: Any, template: Any, dataset_api: Any = None) -> List[Any]:
    """Our architectures -> light NASLib graphs (see :func:`light_copy`) built from ``template``."""
    space = space_of(template)
    if space == "nb201":
        specs = [row.tolist() for row in nb201_to_naslib(archs)]
    else:
        specs = nb101_to_naslib_specs(archs if isinstance(archs, CellBatch) else NB101Space().as_batch(archs))
    graphs = []
    for spec in specs:
        graph = light_copy(template)
        graph.set_spec(spec, dataset_api=dataset_api)
        graphs.append(graph)
    return graphs
