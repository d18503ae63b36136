"""A synthetic NB201 benchmark (all 15,625 architectures) whose accuracies are a
closed-form function of the ops, with the metrics the search baselines and BOHB read."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.spaces.nb201 import NB201Space

# Per-edge value of each op (none, skip, conv1x1, conv3x3, avg_pool): convs help, none hurts.
_OP_VALUE = np.array([-1.0, 0.2, 0.8, 1.2, 0.1])


@pytest.fixture(scope="session")
def synthetic_bench():
    archs = NB201Space().all_archs()
    rng = np.random.default_rng(0)
    quality = (_OP_VALUE[archs] * np.linspace(1.0, 2.0, 6)).sum(axis=1)
    val = 70 + 2 * quality + rng.normal(0, 0.3, size=len(archs))
    seeds = val[:, None] + rng.normal(0, 0.2, size=(len(archs), 3))
    metrics = {
        "val_acc": seeds.mean(axis=1),
        "test_acc": val + rng.normal(0, 0.2, size=len(archs)),
        "val_acc_12ep": 0.8 * val + rng.normal(0, 1.0, size=len(archs)),
        "train_time": 1000 + 10 * (archs >= 2).sum(axis=1),
    }
    return TabularBenchmark("nb201", "cifar10", archs, metrics, seed_metrics={"val_acc": seeds}, source="synthetic")
