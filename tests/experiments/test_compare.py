"""``naslib-nar compare`` end to end on real NB201 data: resume, skips, failures, tables from disk."""
import json

import numpy as np
import pytest
import yaml

from naslib_nar.baselines import registry
from naslib_nar.search.searcher import Searcher
from naslib_nar.cli import main
from naslib_nar.experiments import compare, config, tasks
from naslib_nar.experiments.compare import report, run_compare
from naslib_nar.experiments.config import CompareConfig

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
    return config.parse(CompareConfig, raw, "test config")


@pytest.fixture()
def counted(monkeypatch):
    calls = []
    real = tasks._search

    def spy(task):
        calls.append((task.key["method"], task.key["seed"]))
        return real(task)

    monkeypatch.setitem(tasks._KINDS, tasks.SEARCH, spy)
    return calls


@pytest.fixture()
def ghost(monkeypatch):
    """A method 'ghost' that the config accepts and whose search fails at its first ask."""
    class GhostSearcher(Searcher):
        name = "ghost"

        def ask(self, n):
            raise RuntimeError("the ghost's search failed")

        def tell(self, ask, values):
            """Never reached."""

    monkeypatch.setitem(registry.SEARCHERS, "ghost", (GhostSearcher, ()))
    monkeypatch.setitem(registry.METHODS, "ghost", registry._runner("ghost", GhostSearcher))
    return monkeypatch


pytestmark = pytest.mark.data


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
    assert len(status["redone"]) == 3 and "not a readable JSON record" in status["redone"][-1]


def test_tables_come_from_the_stored_records_only(data_dir, tmp_path):
    cfg = _cfg(data_dir=str(data_dir))
    run_compare(cfg, tmp_path, log=None)
    first = (tmp_path / "compare.md").read_text()
    assert "| 20 | random_search | 2/2 |" in first and "| 20 | evolution | 2/2 |" in first
    (tmp_path / "compare.md").unlink()
    (tmp_path / "compare.csv").unlink()
    # a fresh configuration object, read back from disk: no state from the run survives
    saved = config.parse(CompareConfig, json.loads((tmp_path / compare.CONFIG_FILE).read_text()), "saved")
    report(tmp_path, saved)
    assert (tmp_path / "compare.md").read_text() == first
    (tmp_path / "runs" / "budget__cifar10__random_search__b20__s1.json").unlink()
    report(tmp_path, saved)
    assert "| 20 | random_search | 1/2 |" in (tmp_path / "compare.md").read_text()
    rows = (tmp_path / "compare.csv").read_text().splitlines()
    assert rows[0].startswith("table,space,dataset,method,budget,runs") and len(rows) == 3
    assert (tmp_path / "plots" / "best_so_far_cifar10_b20_a.png").is_file()


def test_missing_methods_are_skipped_with_the_reason(data_dir, tmp_path, ghost):
    def needs_missing_library(space):
        raise ImportError("ghost needs naslib_nar.no_such_module, which is not installed")

    ghost.setitem(registry._AVAILABILITY_CHECKS, "ghost", needs_missing_library)
    cfg = _cfg(data_dir=str(data_dir), budget_regime={"methods": ["random_search", "ghost"], "budgets": [10]},
               seeds=[0])
    status = run_compare(cfg, tmp_path, log=None)
    assert status["ran"] == 1 and "no_such_module" in status["skipped_methods"]["ghost"]
    text = (tmp_path / "compare.md").read_text()
    assert "## Skipped" in text and "method `ghost`" in text and "| 10 | ghost | 0/1 |" in text


def test_failed_runs_are_reported_not_raised(data_dir, tmp_path, ghost):
    cfg = _cfg(data_dir=str(data_dir), seeds=[0], budget_regime={"methods": ["random_search", "ghost"],
                                                                 "budgets": [10]})
    status = run_compare(cfg, tmp_path, log=None)
    assert status["ran"] == 1 and len(status["failed"]) == 1
    assert "the ghost's search failed" in status["failed"][0]["reason"]
    assert "RuntimeError" in status["failed"][0]["traceback"]
    assert "Failed runs" in (tmp_path / "compare.md").read_text()
    assert json.loads((tmp_path / compare.STATUS_FILE).read_text())["failed"] == status["failed"]


@pytest.mark.slow
def test_command_line_with_two_worker_processes_and_a_predictor_table(data_dir, tmp_path, capsys):
    raw = dict(TINY, data_dir=str(data_dir), seeds=[0], max_workers=2,
               budget_regime={"methods": ["random_search"], "budgets": [10]},
               predictor_table={"predictors": ["renas"], "train_sizes": [20, 40], "test_size": 200,
                                "params": {"renas": {"epochs": 2}}})
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert main(["compare", "--config", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "3 to run with 2 worker(s) (local processes)" in out
    text = (tmp_path / "out" / "compare.md").read_text()
    assert "| cifar10 | 20 | renas | 1/1 |" in text and "| cifar10 | 40 | renas | 1/1 |" in text
    assert (tmp_path / "out" / "plots" / "kendall_tau_cifar10.png").is_file()
    assert main(["compare", "--report-only", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "compare.md").read_text() == text
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(dict(raw, budget_regime={"methods": ["random_search"], "budgets": [-5]})))
    assert main(["compare", "--config", str(bad), "--out", str(tmp_path / "bad")]) == 2
    assert f"{bad}: budget_regime.budgets.0: must be greater than or equal to 1" in capsys.readouterr().err


def test_predictor_tasks_and_search_tasks_share_one_record_format(data_dir, tmp_path):
    cfg = _cfg(data_dir=str(data_dir), seeds=[0], budget_regime={"methods": ["random_search"], "budgets": [10]},
               predictor_table={"predictors": ["renas"], "train_sizes": [20], "test_size": 100,
                                "params": {"renas": {"epochs": 1}}})
    run_compare(cfg, tmp_path, log=None, write_tables=False)
    records = {p.name: json.loads(p.read_text()) for p in (tmp_path / "runs").glob("*.json")}
    assert set(records) == {"budget__cifar10__random_search__b10__s0.json", "predictor__renas__cifar10__n20__s0.json"}
    assert {(r["format"], r["version"]) for r in records.values()} == {("naslib_nar.record", 1)}
    predictor = records["predictor__renas__cifar10__n20__s0.json"]
    assert predictor["task"]["kind"] == "predictor" and predictor["result"]["per_seed"]["n_test"] == 100
    assert np.isfinite(predictor["result"]["per_seed"]["kendall_tau"])
