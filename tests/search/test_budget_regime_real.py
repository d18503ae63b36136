"""A short budget-regime NAR search on the real NB201 cifar10 table beats random search
at the same label budget on a fixed set of seeds (protocol (b), the best test accuracy
among the labelled architectures; the ranker trains for fewer epochs to stay in CI time)."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.baselines.registry import get_method
from naslib_nar.benchmarks.load import load_benchmark
from naslib_nar.search.trace import best_so_far

SEEDS = (0, 1)
BUDGET = 30


@pytest.mark.data
def test_nar_beats_random_search_at_30_labels_on_nb201(data_dir):
    bench = load_benchmark("nb201", "cifar10", data_dir=str(data_dir))

    def final(method, params):
        return [best_so_far(get_method(method)(bench, seed=seed, budget=BUDGET, params=params), bench, "test_acc",
                            "b")[-1] for seed in SEEDS]

    nar = final("nar", {"predictor": {"epochs": 30}, "refit_epochs": 10})
    random = final("random_search", {})
    assert np.mean(nar) > np.mean(random), (nar, random)
