"""One entry point to the benchmark tables for every layer above, plus the cached encoding."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..spaces.datasets import check_space_dataset
from ..spaces.encoded import EncodedArchs, encode_archs
from .nb101 import load_nb101
from .nb201 import load_nb201

__all__ = ["load_benchmark", "truth_metric", "encode_rows"]


def load_benchmark(space: str, dataset: str, *, source: str = "auto", data_dir: Optional[str] = None) -> Any:
    """The labelled table of ``space`` on ``dataset`` (NB101 exists for cifar10 only)."""
    space, dataset = check_space_dataset(space, dataset, "load_benchmark")
    if space == "nb101":
        return load_nb101(source=source, data_dir=data_dir)
    return load_nb201(dataset, source=source, data_dir=data_dir)


def truth_metric(bench: Any) -> str:
    """'test_acc' where every labelled architecture has one, else 'val_acc'.

    NB201 from the shared tables has test accuracy everywhere; NB101's labelled subset has
    it for 53 cells only and the embedded NB201 data not at all, so those report against
    validation accuracy, labelled as such in every output.
    """
    rows = bench.labelled_rows("val_acc")
    if "test_acc" in bench.metric_names and np.isfinite(bench.metric("test_acc")[rows]).all():
        return "test_acc"
    return "val_acc"


def encode_rows(bench: Any, rows: np.ndarray) -> EncodedArchs:
    """Encode the architectures of ``rows`` once (tensors + costs)."""
    return encode_archs(bench.archs[rows], space=bench.space, dataset=bench.dataset)
