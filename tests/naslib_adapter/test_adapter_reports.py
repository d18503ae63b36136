"""naslib/reports.py and the runner entry points without NASLib: the search summary with
our table's real test accuracy, the predictor table, and the one-line user errors."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from naslib_nar.naslib.reports import format_search_summary, format_table, search_summary, table_row, table_summary
from naslib_nar.naslib.runner_config import nas_settings
from naslib_nar.runners import nas, predictors

NB201 = nas_settings({"seed": 3, "optimizer": "re", "search_space": "nasbench201", "dataset": "cifar10",
                      "out_dir": "run", "search": {"epochs": 25}})
NB101 = nas_settings({"seed": 3, "optimizer": "nar_sampler", "search_space": "nasbench101", "dataset": "cifar10",
                      "out_dir": "run", "search": {"epochs": 25}})


def test_search_summary_reports_our_tables_test_accuracy(synthetic_nb201_bench):
    bench = synthetic_nb201_bench
    row = 1234
    archs = bench.archs[[row]]
    api = {"nb201_data": {}, "naslib_nar": {"source": "synthetic table"}}
    naslib_test = float(bench.metric("val_acc")[row])
    summary = search_summary(NB201, archs, naslib_test=naslib_test, seconds=1.234, save="run/x", dataset_api=api,
                             optimizer_info={"n_fits": 2})
    summary.update(table_summary(NB201, archs, bench))
    assert bench.rows_of([summary["final_architecture"]]).tolist() == [row]
    assert (summary["optimizer"], summary["seed"], summary["queries"], summary["search_seconds"]) == ("re", 3, 25, 1.23)
    assert summary["dataset_api"] == "synthetic table" and summary["optimizer_info"] == {"n_fits": 2}
    assert summary["val_acc"] == pytest.approx(naslib_test, abs=1e-4)  # what NASLib calls test accuracy on NB201
    assert summary["test_acc"] == pytest.approx(naslib_test + 2.0, abs=1e-4)
    best = int(np.argmax(bench.metric("val_acc")))
    assert summary["best_val_acc_in_table"] == pytest.approx(bench.metric("val_acc")[best], abs=1e-4)
    assert summary["test_acc_of_best_val_arch"] == pytest.approx(bench.metric("test_acc")[best], abs=1e-4)
    text = format_search_summary(summary)
    assert text.splitlines()[0] == "== naslib_nar summary: re on nasbench201 / cifar10, 25 queries, seed 3 (1.2 s) =="
    assert f"test accuracy (our table)        {summary['test_acc']:.3f}" in text
    assert "validation accuracy (NASLib reads eval_acc1es" in text


def test_search_summary_without_our_table(monkeypatch):
    from naslib_nar.naslib import reports
    from naslib_nar.spaces.nb101 import NB101Space

    def missing(space, dataset):
        raise FileNotFoundError(f"no {space} table here")

    monkeypatch.setattr(reports, "load_benchmark", missing)
    archs = NB101Space().sample(1, random_state=0)
    summary = search_summary(NB101, archs, naslib_test=91.0, seconds=2.0, save="run/y", dataset_api=None)
    assert summary["final_architecture"] == NB101Space().hash(archs)[0]
    assert "optimizer_info" not in summary and summary["dataset_api"] == "NASLib's official data files"
    table = table_summary(NB101, archs)
    assert table == {"table": "unavailable: no nb101 table here"}
    summary.update(table)
    assert "our table                        unavailable: no nb101 table here" in format_search_summary(summary)


def test_table_summary_of_an_architecture_outside_the_table(synthetic_nb201_bench):
    from naslib_nar.benchmarks.base import TabularBenchmark

    bench = synthetic_nb201_bench
    part = TabularBenchmark("nb201", "cifar10", bench.archs[:100],
                            {"val_acc": bench.metric("val_acc")[:100], "test_acc": np.full(100, np.nan)})
    table = table_summary(NB201, bench.archs[[5000]], part)
    assert table["val_acc"] is None and table["test_acc"] is None and table["test_acc_of_best_val_arch"] is None
    assert "best_test_acc_in_table" not in table  # the table has no test accuracy at all
    text = format_search_summary({**search_summary(NB201, bench.archs[[5000]], naslib_test=70.0, seconds=0.0,
                                                   save="s", dataset_api={}), **table})
    assert "test accuracy (our table)        n/a" in text


def _record(train_size, tau, ytest):
    return {"train_size": train_size, "fidelity": 5, "kendalltau": tau, "spearman": tau, "pearson": tau,
            "precision_20": 0.5, "mae": 1.0, "fit_time": 2.0, "query_time": 0.001, "full_ytest": ytest}


def test_predictor_table_rows_and_means():
    same, other = [90.1, 91.2], [80.0, 81.0]
    rows = [table_row("nar", seed, _record(size, tau, same)) for seed, size, tau in
            [(0, 20, 0.5), (1, 20, 0.7), (0, 50, 0.8)]]
    rows.append(table_row("xgb", 0, _record(20, "nan-as-string", other)))
    assert rows[0]["test_set"] == rows[1]["test_set"] != rows[3]["test_set"]  # digest of the test accuracies
    assert np.isnan(rows[3]["kendalltau"]) and table_row("x", 0, {})["test_set"] == "n/a"
    lines = format_table(rows).splitlines()
    assert lines[0].startswith("| train size | predictor | Kendall tau |") and len(lines) == 5
    assert lines[2].startswith("| 20 | nar | 0.600 ± 0.100 | 0.600 ± 0.100 | 0.50 ± 0.00 | 2.00 ± 0.00 | 1.000 ± 0.000 | 2 |")
    assert lines[3].startswith("| 20 | xgb | nan |") and lines[4].startswith("| 50 | nar | 0.800 |")


def test_adapter_package_imports_lazily():
    code = ("import sys, naslib_nar.naslib, naslib_nar.naslib.convert, naslib_nar.naslib.dataset_api, "
            "naslib_nar.naslib.registry, naslib_nar.naslib.runner_config, naslib_nar.naslib.reports, "
            "naslib_nar.naslib.runners, naslib_nar.runners.nas, naslib_nar.runners.predictors; "
            "print('naslib' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_runners_without_naslib_say_so(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "naslib" else real(name, *a))
    assert nas.main(["--config-file", "x.yaml"]) == 2
    assert predictors.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("This runner needs NASLib") == 2 and "Python 3.7-3.9" in err
