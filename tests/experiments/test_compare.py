import json
import os

import pytest
import yaml

from naslib_nar.experiments import compare
from naslib_nar.experiments.compare import CompareConfig, run_compare
from naslib_nar.experiments.compare_tables import write_report

TINY = {
    "space": "nb201",
    "datasets": ["cifar10"],
    "seeds": [0, 1],
    "max_workers": 1,
    "budget_regime": {"methods": ["random_search", "evolution"], "budgets": [20]},
}


def _cfg(**changes):
    raw = json.loads(json.dumps(TINY))
    raw.update(changes)
    return CompareConfig.from_mapping(raw)


# ---------------------------------------------------------------------- config validation
@pytest.mark.parametrize("changes, match", [
    ({"colour": "red"}, r"Unknown key\(s\) \['colour'\]"),
    ({"space": "nb301"}, "'space'"),
    ({"datasets": ["mnist"]}, r"unknown name\(s\) \['mnist'\]"),
    ({"space": "nb101", "datasets": ["cifar100"]}, "CIFAR-10 results only"),
    ({"seeds": []}, "non-empty list"),
    ({"seeds": [0, 0]}, "distinct"),
    ({"max_workers": 0}, "max_workers"),
    ({"budget_regime": {"methods": ["grid_search"], "budgets": [10]}}, r"unknown name\(s\) \['grid_search'\]"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": [0]}}, "budgets: expected integers >= 1"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": ["100"]}}, "budgets"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": []}}, "budgets"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": [10], "budget": 3}}, r"Unknown key\(s\) \['budget'\]"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": [10], "params": {"evolution": {}}}},
     r"parameters given for \['evolution'\]"),
    ({"paper_regime": {"methods": ["bohb", "nar_paper"], "budget": {"bohb": 100}}}, "one budget per method"),
    ({"predictor_table": {"predictors": ["xgb"], "train_sizes": [10]}}, r"unknown name\(s\) \['xgb'\]"),
    ({"predictor_table": {"predictors": ["renas"], "train_sizes": [1]}}, "train_sizes"),
    ({"budget_regime": None}, "nothing to run"),
])
def test_bad_configs_are_rejected_with_the_key_named(changes, match):
    with pytest.raises(ValueError, match=match):
        _cfg(**changes)


def test_config_round_trips_through_its_json_form():
    cfg = _cfg(paper_regime={"methods": ["nar_paper", "bohb"], "budget": 250},
               predictor_table={"predictors": ["nar", "renas"], "train_sizes": [100, 424], "params": {"nar": {"preset": "tiny"}}})
    assert cfg.paper_budget == {"nar_paper": 250, "bohb": 250} and cfg.predictor_seeds == (0, 1)
    assert CompareConfig.from_dict(cfg.to_dict()) == cfg


def test_shipped_configs_are_valid():
    root = os.path.join(os.path.dirname(__file__), "..", "..", "configs")
    for name in ("compare_nb201.yaml", "compare_nb101.yaml"):
        cfg = CompareConfig.from_yaml(os.path.join(root, name))
        assert cfg.budget_methods and cfg.paper_methods and cfg.predictors


# ---------------------------------------------------------------------- running, resuming, reporting
@pytest.fixture()
def counted(monkeypatch):
    calls = []
    real = compare.execute_search

    def spy(task):
        calls.append((task["method"], task["seed"]))
        return real(task)

    monkeypatch.setattr(compare, "execute_search", spy)
    return calls


@pytest.mark.data
def test_resume_skips_finished_runs_and_redoes_changed_ones(data_dir, tmp_path, counted):
    cfg = _cfg(data_dir=str(data_dir))
    status = run_compare(cfg, tmp_path, log=None)
    assert status["ran"] == 4 and status["done_before"] == 0 and len(counted) == 4
    runs = sorted((tmp_path / "runs").glob("*.json"))
    assert len(runs) == 4
    mtimes = {p: p.stat().st_mtime_ns for p in runs}

    status = run_compare(cfg, tmp_path, log=None)  # an interrupted/finished campaign started again
    assert status["ran"] == 0 and status["done_before"] == 4 and len(counted) == 4
    assert {p: p.stat().st_mtime_ns for p in runs} == mtimes

    (tmp_path / "runs" / "budget__cifar10__evolution__b20__s1.json").write_text("{truncated")  # damaged file
    changed = _cfg(data_dir=str(data_dir), budget_regime={"methods": ["random_search", "evolution"], "budgets": [20],
                                                          "params": {"random_search": {"noisy": False}}})
    status = run_compare(changed, tmp_path, log=None)
    assert status["ran"] == 3 and sorted(counted[4:]) == [("evolution", 1), ("random_search", 0), ("random_search", 1)]


@pytest.mark.data
def test_tables_come_from_the_stored_traces_only(data_dir, tmp_path):
    cfg = _cfg(data_dir=str(data_dir))
    run_compare(cfg, tmp_path, log=None)
    first = (tmp_path / "compare.md").read_text()
    assert "| 20 | random_search | 2/2 |" in first and "| 20 | evolution | 2/2 |" in first
    (tmp_path / "compare.md").unlink()
    (tmp_path / "compare.csv").unlink()
    # a fresh configuration object, read back from disk: no state from the run survives
    saved = CompareConfig.from_dict(json.loads((tmp_path / compare.CONFIG_FILE).read_text()))
    write_report(tmp_path, saved)
    assert (tmp_path / "compare.md").read_text() == first
    (tmp_path / "runs" / "budget__cifar10__random_search__b20__s1.json").unlink()
    write_report(tmp_path, saved)
    assert "| 20 | random_search | 1/2 |" in (tmp_path / "compare.md").read_text()
    rows = (tmp_path / "compare.csv").read_text().splitlines()
    assert rows[0].startswith("table,space,dataset,method,budget,runs") and len(rows) == 3
    assert (tmp_path / "plots" / "best_so_far_cifar10_b20_a.png").is_file()


@pytest.mark.data
def test_missing_methods_are_skipped_with_the_reason(data_dir, tmp_path, monkeypatch):
    from naslib_nar.baselines import registry

    def needs_missing_library(space):
        raise ImportError("ghost needs naslib_nar.no_such_module, which is not installed")

    monkeypatch.setitem(registry.METHODS, "ghost", registry.METHODS["random_search"])
    monkeypatch.setitem(registry._AVAILABILITY_CHECKS, "ghost", needs_missing_library)
    cfg = _cfg(data_dir=str(data_dir), budget_regime={"methods": ["random_search", "ghost"], "budgets": [10]},
               seeds=[0])
    status = run_compare(cfg, tmp_path, log=None)
    assert status["ran"] == 1 and "no_such_module" in status["skipped_methods"]["ghost"]
    report = (tmp_path / "compare.md").read_text()
    assert "## Skipped" in report and "method `ghost`" in report and "| 10 | ghost | 0/1 |" in report


@pytest.mark.data
def test_failed_runs_are_reported_not_raised(data_dir, tmp_path):
    cfg = _cfg(data_dir=str(data_dir), seeds=[0],
               budget_regime={"methods": ["random_search", "evolution"], "budgets": [10],
                              "params": {"evolution": {"population": 3}}})
    status = run_compare(cfg, tmp_path, log=None)
    assert status["ran"] == 1 and len(status["failed"]) == 1
    assert "Unknown key 'population'" in status["failed"][0]["reason"]
    assert "Failed runs" in (tmp_path / "compare.md").read_text()


@pytest.mark.data
def test_command_line_with_two_worker_processes_and_a_predictor_table(data_dir, tmp_path, capsys):
    from naslib_nar.cli import main

    raw = dict(TINY, data_dir=str(data_dir), seeds=[0], max_workers=2,
               budget_regime={"methods": ["random_search"], "budgets": [10]},
               predictor_table={"predictors": ["renas"], "train_sizes": [20, 40], "test_size": 200,
                                "params": {"renas": {"epochs": 2}}})
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert main(["compare", "--config", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "3 to run with 2 worker(s)" in out
    report = (tmp_path / "out" / "compare.md").read_text()
    assert "| cifar10 | 20 | renas | 1/1 |" in report and "| cifar10 | 40 | renas | 1/1 |" in report
    assert (tmp_path / "out" / "plots" / "kendall_tau_cifar10.png").is_file()
    assert main(["compare", "--report-only", "--out", str(tmp_path / "out")]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(dict(raw, budget_regime={"methods": ["random_search"], "budgets": [-5]})))
    assert main(["compare", "--config", str(bad), "--out", str(tmp_path / "bad")]) == 2
    assert "budgets" in capsys.readouterr().err


def test_run_metrics_count_when_the_best_validation_architecture_was_labelled():
    import numpy as np

    from naslib_nar.benchmarks.base import TabularBenchmark
    from naslib_nar.experiments.compare_tables import _hits, run_metrics
    from naslib_nar.search.trace import SearchTrace
    from naslib_nar.spaces.nb201 import NB201Space

    archs = NB201Space().all_archs()[:50]
    val = np.linspace(80.0, 90.0, 50)  # row 49 is the best-validation architecture
    bench = TabularBenchmark.from_arrays("nb201", archs, {"val_acc": val, "test_acc": val + 1}, dataset="cifar10")

    def trace(rows, kinds):
        return SearchTrace(method="m", space="nb201", dataset="cifar10", seed=0, rows=np.array(rows),
                           kinds=np.array(kinds), observed=val[rows])

    hit = run_metrics(trace([3, 7, 49, 5], ["train"] * 4), bench, "test_acc", "budget")
    miss = run_metrics(trace([3, 7, 5], ["train"] * 3), bench, "test_acc", "budget")
    assert hit["val_optimum_at"] == 3 and np.isnan(miss["val_optimum_at"])
    # in the paper regime only search queries count: the hit is the 1st search query
    paper = run_metrics(trace([3, 7, 49], ["train", "val", "search"]), bench, "test_acc", "paper")
    assert paper["val_optimum_at"] == 1
    assert _hits([hit, miss]) == "1/2 (3)" and _hits([miss]) == "0/1"
    # an architecture tied with the best validation accuracy counts as finding it
    val[20] = val[49]
    bench = TabularBenchmark.from_arrays("nb201", archs, {"val_acc": val, "test_acc": val + 1}, dataset="cifar10")
    tied = run_metrics(trace([3, 20, 5], ["train"] * 3), bench, "test_acc", "budget")
    assert tied["val_optimum_at"] == 2
