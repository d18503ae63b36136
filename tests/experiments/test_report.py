"""The numbers of the reports: one summariser, the protocols and first hits of a run."""
import numpy as np
import pytest

from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.experiments.compare_tables import _hits, run_metrics
from naslib_nar.experiments.report import best_so_far_on_labels, summarise
from naslib_nar.search.trace import SearchTrace
from naslib_nar.spaces.nb201 import NB201Space


def test_summarise_propagates_or_omits_missing_seeds():
    values = [1.0, 3.0, float("nan")]
    kept = summarise(values, nan_policy="omit")
    assert (kept["mean"], kept["std"], kept["best"]) == (2.0, 1.0, 3.0) and np.isnan(kept["per_seed"][2])
    strict = summarise(values)
    assert np.isnan(strict["mean"]) and np.isnan(strict["std"]) and strict["best"] == 3.0
    assert summarise([4.0, 2.0], best="min")["best"] == 2.0 and "best" not in summarise([1.0], best=None)
    assert np.isnan(summarise([], nan_policy="omit")["mean"])
    with pytest.raises(ValueError, match="nan_policy"):
        summarise([1.0], nan_policy="raise")


def test_summarise_gives_numpy_s_population_statistics():
    rng = np.random.default_rng(0)
    values = rng.normal(94, 0.3, size=10)
    for policy in ("omit", "propagate"):
        s = summarise(values, nan_policy=policy)
        assert s["mean"] == float(np.nanmean(values)) and s["std"] == float(np.nanstd(values))
    with_nan = np.append(values, np.nan)
    assert summarise(with_nan, nan_policy="omit")["std"] == float(np.nanstd(with_nan))


def _bench(val):
    archs = NB201Space().all_archs()[:len(val)]
    return TabularBenchmark.from_arrays("nb201", archs, {"val_acc": val, "test_acc": val + 1}, dataset="cifar10")


def _trace(rows, kinds, val):
    return SearchTrace(method="m", space="nb201", dataset="cifar10", seed=0, rows=np.array(rows),
                       kinds=np.array(kinds), observed=val[rows])


def test_run_metrics_count_when_the_best_validation_architecture_was_labelled():
    val = np.linspace(80.0, 90.0, 50)  # row 49 is the best-validation architecture
    bench = _bench(val)
    hit = run_metrics(_trace([3, 7, 49, 5], ["train"] * 4, val), bench, "test_acc", "budget")
    miss = run_metrics(_trace([3, 7, 5], ["train"] * 3, val), bench, "test_acc", "budget")
    assert hit["val_optimum_at"] == 3 and np.isnan(miss["val_optimum_at"])
    # in the paper regime only search queries count: the hit is the 1st search query
    paper = run_metrics(_trace([3, 7, 49], ["train", "val", "search"], val), bench, "test_acc", "paper")
    assert paper["val_optimum_at"] == 1 and paper["train_labels"] == 2 and paper["search_labels"] == 1
    assert _hits([hit, miss]) == "1/2 (3)" and _hits([miss]) == "0/1"
    # an architecture tied with the best validation accuracy counts as finding it
    val[20] = val[49]
    tied = run_metrics(_trace([3, 20, 5], ["train"] * 3, val), _bench(val), "test_acc", "budget")
    assert tied["val_optimum_at"] == 2


def test_best_so_far_on_labels_waits_for_the_first_counted_label():
    val = np.linspace(80.0, 90.0, 50)
    trace = _trace([3, 7, 49, 5], ["train", "search", "search", "search"], val)
    curve = best_so_far_on_labels(trace, _bench(val), "test_acc", "b", 5, ("search",))
    assert np.isnan(curve[0]) and curve[1] == val[7] + 1 and list(curve[2:]) == [val[49] + 1] * 3
