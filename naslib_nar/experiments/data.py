"""One entry point to the benchmark tables for experiments, plus the cached encoding."""
from __future__ import annotations

from typing import Optional

import numpy as np

from .._validation import check_param
from ..spaces.encoded import EncodedArchs, encode_archs

DATASETS = ("cifar10", "cifar100", "imagenet16")


def load_benchmark(space: str, dataset: str, *, source: str = "auto", data_dir: Optional[str] = None):
    """The labelled table of ``space`` on ``dataset`` (NB101 exists for cifar10 only)."""
    check_param("space", space, str, owner="load_benchmark", choices=("nb101", "nb201"))
    check_param("dataset", dataset, str, owner="load_benchmark", choices=DATASETS)
    from ..benchmarks import load_nb101, load_nb201

    if space == "nb101":
        if dataset != "cifar10":
            raise ValueError(f"NAS-Bench-101 has CIFAR-10 results only; got dataset={dataset!r}.")
        return load_nb101(source=source, data_dir=data_dir)
    return load_nb201(dataset, source=source, data_dir=data_dir)


def truth_metric(bench) -> str:
    """'test_acc' where every labelled architecture has one, else 'val_acc'.

    NB201 from the shared tables has test accuracy everywhere; NB101's labelled subset has
    it for 53 cells only and the embedded NB201 data not at all, so those report against
    validation accuracy, labelled as such in every output.
    """
    rows = bench.labelled_rows("val_acc")
    if "test_acc" in bench.metric_names and np.isfinite(bench.metric("test_acc")[rows]).all():
        return "test_acc"
    return "val_acc"


def encode_rows(bench, rows: np.ndarray) -> EncodedArchs:
    """Encode the architectures of ``rows`` once (tensors + costs)."""
    return encode_archs(bench.archs[rows], space=bench.space, dataset=bench.dataset)
