"""Cheap NASLib search spaces for tabular benchmarks (imports NASLib; loaded on demand).

A full :class:`~naslib.search_spaces.NasBench201SearchSpace` builds every candidate op of
every cell, so each ``clone()`` costs about 0.6 s: NASLib's ``PredictorEvaluator`` and its
discrete optimizers clone once per sampled architecture. On a tabular benchmark nothing is
trained, so these subclasses keep ``instantiate_model = False`` and clone by a shallow copy
that shares the (never parsed) graph structure (:func:`~naslib_nar.naslib.convert.light_copy`).
Queries, hashes, encodings, sampling and mutation are NASLib's own methods and give the same
numbers as the full space; only training / forward passes are unavailable. Our runners use
these by default (``light_graphs: true``).
"""
from __future__ import annotations

import copy
import random
from typing import Any, List

import torch
from naslib.search_spaces import NasBench101SearchSpace, NasBench201SearchSpace

from .convert import NASLIB_NB201_OPS, light_copy
from .runner_config import space_classes

__all__ = ["LightNasBench201SearchSpace", "LightNasBench101SearchSpace", "make_search_space"]


class LightNasBench201SearchSpace(NasBench201SearchSpace):
    """NasBench201SearchSpace whose clones cost microseconds (no network is instantiated)."""

    def __init__(self, n_classes: int = 10, in_channels: int = 3) -> None:
        super().__init__(n_classes=n_classes, in_channels=in_channels)
        self.instantiate_model = False

    def clone(self) -> "LightNasBench201SearchSpace":
        graph = light_copy(self)
        graph.op_indices = None if self.op_indices is None else list(self.op_indices)
        return graph

    def get_nbhd(self, dataset_api: Any = None) -> List[Any]:
        """All 24 one-edge neighbours as light graphs (NASLib's builds 24 full spaces)."""
        ops = list(self.get_op_indices())
        neighbours = []
        for edge, current in enumerate(ops):
            for op in range(len(NASLIB_NB201_OPS)):
                if op == current:
                    continue
                holder = torch.nn.Module()
                holder.arch = light_copy(self)
                holder.arch.set_op_indices(ops[:edge] + [op] + ops[edge + 1:])
                neighbours.append(holder)
        random.shuffle(neighbours)  # NASLib shuffles with Python's random as well
        return neighbours


class LightNasBench101SearchSpace(NasBench101SearchSpace):
    """NasBench101SearchSpace that never builds the nasbench_pytorch network of a cell."""

    def __init__(self, n_classes: int = 10) -> None:
        super().__init__(n_classes=n_classes)
        self.instantiate_model = False

    def clone(self) -> "LightNasBench101SearchSpace":
        graph = light_copy(self)
        graph.spec = copy.deepcopy(self.spec)
        return graph


def make_search_space(search_space: str, dataset: str = "cifar10", light: bool = True) -> Any:
    """NASLib's NB101 / NB201 search space, light (default) or NASLib's full class."""
    space, n_classes = space_classes(search_space, dataset, "make_search_space")
    if space == "nb201":
        return (LightNasBench201SearchSpace if light else NasBench201SearchSpace)(n_classes=n_classes)
    return (LightNasBench101SearchSpace if light else NasBench101SearchSpace)()
