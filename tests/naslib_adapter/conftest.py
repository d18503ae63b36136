"""Stand-ins for NASLib objects, so the NASLib-free half of the adapter is tested where
NASLib is absent (CI). Each stand-in offers only what our code calls, as NASLIB.md
describes NASLib's classes; tests/naslib_integration checks the same code against NASLib."""
from __future__ import annotations

import copy
from typing import Any, Optional

import pytest


class StandInNB201Graph:
    """A NasBench201SearchSpace as convert.py sees it: six op indices behind ``set_spec``."""

    def __init__(self) -> None:
        self.op_indices: Optional[list] = None
        self.instantiate_model = True
        self.structure = {"cells": "shared by shallow copies"}
        self.api: Any = None

    def get_type(self) -> str:
        return "nasbench201"

    def get_op_indices(self) -> list:
        if self.op_indices is None:
            raise ValueError("no architecture set")
        return self.op_indices

    def set_spec(self, op_indices: Any, dataset_api: Any = None) -> None:
        self.op_indices, self.api = list(op_indices), dataset_api


class StandInNB101Graph:
    """A NasBench101SearchSpace as convert.py sees it: a ``{'matrix', 'ops'}`` spec."""

    def __init__(self) -> None:
        self.spec: Optional[dict] = None
        self.instantiate_model = True
        self.api: Any = None

    def get_type(self) -> str:
        return "nasbench101"

    def get_spec(self) -> Optional[dict]:
        return self.spec

    def set_spec(self, spec: Any, dataset_api: Any = None) -> None:
        self.spec, self.api = copy.deepcopy(spec), dataset_api


@pytest.fixture
def nb201_graph() -> StandInNB201Graph:
    return StandInNB201Graph()


@pytest.fixture
def nb101_graph() -> StandInNB101Graph:
    return StandInNB101Graph()
