"""naslib/nas_table.py and the NAS table of naslib/reports.py without NASLib: the per-run
configs (RE's sample_size never reaches nar_sampler), resuming, failures, and the table.
The NASLib runs are replaced by a stand-in ``launch`` that writes a summary."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from naslib_nar.naslib.nas_table import load_table_config, plan_runs, run_config, run_nas_table
from naslib_nar.naslib.reports import format_nas_table, nas_table_rows

TABLE_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "naslib" / "nb201_nas_table.yaml"
OPTIMA = {"best_test_acc_in_table": 94.37, "test_acc_of_best_val_arch": 94.37, "best_val_acc_in_table": 91.61}


def summary(optimizer, dataset, seed, test, naslib, seconds=1.0, queries=100):
    return {"optimizer": optimizer, "search_space": "nasbench201", "dataset": dataset, "seed": seed,
            "queries": queries, "test_acc": test, "naslib_test_accuracy": naslib, "search_seconds": seconds, **OPTIMA}


def test_rows_group_order_and_stats():
    summaries = [summary("re", "cifar100", 0, 70.0, 69.0), summary("nar_sampler", "cifar10", 1, 94.0, 91.0, 3.0),
                 summary("nar_sampler", "cifar10", 0, 93.0, 90.0, 1.0), summary("rs", "cifar10", 0, None, 89.0)]
    rows = nas_table_rows(summaries, order=["rs", "re", "nar_sampler"])
    assert [(r["dataset"], r["optimizer"]) for r in rows] == [("cifar10", "rs"), ("cifar10", "nar_sampler"),
                                                              ("cifar100", "re")]
    nar = rows[1]
    assert nar["seeds"] == [0, 1] and nar["queries"] == [100]
    assert nar["test_acc"] == {"mean": 93.5, "std": 0.5, "n": 2}  # population std
    assert nar["search_seconds"]["mean"] == 2.0 and nar["best_test_acc_in_table"] == 94.37
    assert rows[0]["test_acc"] == {"mean": None, "std": None, "n": 0}
    lines = format_nas_table(rows).splitlines()
    assert lines[2].startswith("| search space | dataset | optimizer | queries | seeds | test accuracy (our table) |")
    assert lines[4] == "| nasbench201 | cifar10 | rs | 100 | 1 | n/a | 89.00 | 1.0 |"
    assert lines[5] == "| nasbench201 | cifar10 | nar_sampler | 100 | 2 | 93.50 ± 0.50 | 90.50 ± 0.50 | 2.0 ± 1.0 |"
    assert lines[6].startswith("| nasbench201 | cifar10 | *optimum of our table* | | | 94.37 (best-validation")
    assert lines[7].startswith("| nasbench201 | cifar100 | re |") and "optimum" in lines[8] and len(lines) == 9


def test_rows_count_seeds_without_test_accuracy():
    rows = nas_table_rows([summary("rs", "cifar10", 0, 93.0, 90.0), summary("rs", "cifar10", 1, None, 90.0)])
    assert "| 2 | 93.00 (n=1) | 90.00 ± 0.00 |" in format_nas_table(rows)


def test_run_configs_keep_each_optimizers_meaning():
    base = load_table_config(str(TABLE_CONFIG))
    runs = plan_runs(base, base["nas_table"]["optimizers"], base["nas_table"]["datasets"], base["nas_table"]["seeds"],
                     Path("/out"))
    assert len(runs) == 6 * 3 * 10 and len({r.save for r in runs}) == len(runs)
    re_run = next(r for r in runs if r.optimizer == "re" and r.dataset == "ImageNet16-120" and r.seed == 9)
    assert re_run.save == Path("/out/nasbench201/ImageNet16-120/re/9")
    assert re_run.config["search"]["sample_size"] == 10 and "nas_table" not in re_run.config
    assert (re_run.config["seed"], re_run.config["out_dir"]) == (9, "/out")
    nar = next(r for r in runs if r.optimizer == "nar_sampler")
    assert "sample_size" not in nar.config["search"]  # RE's tournament size is not NAR's candidate count
    assert nar.config["search"]["num_init"] == 10 and nar.config["search"]["k"] == 10
    own = {**base, "nas_table": {"per_optimizer": {"nar_sampler": {"sample_size": 64, "top_n": 4},
                                                   "re": {"sample_size": None}}}}
    assert run_config(own, "nar_sampler", "cifar10", 0, "o")["search"]["sample_size"] == 64
    assert run_config(own, "nar_sampler", "cifar10", 0, "o")["search"]["top_n"] == 4
    assert "sample_size" not in run_config(own, "re", "cifar10", 0, "o")["search"]


@pytest.mark.parametrize("argv, error, match", [
    (["--datasets", "imagenet16"], ValueError, "spelled as NASLib does.*'ImageNet16-120'"),
    (["--optimizers", "banana"], ValueError, "Unknown optimizer 'banana'. Did you mean 'bananas'"),
    (["--seeds", "-1"], ValueError, "'--seeds'"),
])
def test_bad_arguments_fail_before_any_run(tmp_path, argv, error, match):
    with pytest.raises(error, match=match):
        run_nas_table(["--config-file", str(TABLE_CONFIG), "--out", str(tmp_path / "t"), *argv],
                      launch=pytest.fail)


@pytest.mark.parametrize("section, error, match", [
    ({"optimiser": ["rs"]}, ValueError, "Unknown key 'nas_table.optimiser'.*Did you mean 'optimizers'"),
    ({"per_optimizer": {"nar_samplr": {}}}, ValueError, "Did you mean 'nar_sampler'"),
    ({"per_optimizer": {"re": 5}}, TypeError, "per_optimizer.re .*must map search keys"),
    ({"seeds": []}, ValueError, "non-empty list nas_table.seeds"),
])
def test_bad_table_sections(tmp_path, section, error, match):
    config = yaml.safe_load(TABLE_CONFIG.read_text())
    config["nas_table"].update(section)
    path = tmp_path / "table.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(error, match=match):
        run_nas_table(["--config-file", str(path), "--out", str(tmp_path / "t")], launch=pytest.fail)


class StandInRuns:
    """``launch``: records each run and writes the summary the nas runner would (or fails)."""

    def __init__(self, fail=()):
        self.launched, self.fail = [], set(fail)

    def __call__(self, config_path, log_path):
        config = yaml.safe_load(Path(config_path).read_text())
        key = (config["optimizer"], config["dataset"], config["seed"])
        self.launched.append(key)
        log_path.write_text("log\n")
        if key in self.fail:
            return 1
        acc = {"rs": 93.0, "re": 94.0}[config["optimizer"]] + config["seed"] / 10
        result = summary(*key, acc, acc - 3, queries=config["search"]["epochs"])
        (Path(config_path).parent / "summary.json").write_text(json.dumps(result))
        return 0


def test_table_runs_resumes_and_refuses_other_settings(tmp_path, capsys):
    out = tmp_path / "table"
    argv = ["--config-file", str(TABLE_CONFIG), "--optimizers", "rs", "re", "--datasets", "cifar10",
            "--seeds", "0", "1", "--out", str(out)]
    runs = StandInRuns()
    rows = run_nas_table(argv, launch=runs)
    assert runs.launched == [("rs", "cifar10", 0), ("rs", "cifar10", 1), ("re", "cifar10", 0), ("re", "cifar10", 1)]
    assert [(r["optimizer"], r["seeds"], r["test_acc"]["mean"]) for r in rows] == [("rs", [0, 1], 93.05),
                                                                                   ("re", [0, 1], 94.05)]
    stored = json.loads((out / "nas_table.json").read_text())
    assert stored["rows"] == rows and stored["failed"] == [] and len(stored["runs"]) == 4
    assert "| nasbench201 | cifar10 | re | 100 | 2 | 94.05 ± 0.05 |" in (out / "nas_table.md").read_text()
    assert not list(out.rglob("*.tmp"))  # written atomically
    assert "4 runs, 0 already done, 4 to run" in capsys.readouterr().out

    again = StandInRuns()
    rows = run_nas_table(argv + ["--seeds", "0", "1", "2"], launch=again)
    assert again.launched == [("rs", "cifar10", 2), ("re", "cifar10", 2)]  # only the new seed ran
    assert [r["seeds"] for r in rows] == [[0, 1, 2], [0, 1, 2]]

    config = yaml.safe_load(TABLE_CONFIG.read_text())
    config["search"]["population_size"] = 20
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(config))
    with pytest.raises(ValueError, match="made with other settings \\(search.population_size: 30 there, 20 now\\)"):
        run_nas_table(["--config-file", str(other), *argv[2:]], launch=pytest.fail)


def test_failed_runs_are_reported_after_the_table(tmp_path):
    out = tmp_path / "table"
    argv = ["--config-file", str(TABLE_CONFIG), "--optimizers", "rs", "--datasets", "cifar10", "--seeds", "0", "1",
            "--out", str(out)]
    with pytest.raises(ValueError, match="1 of 2 runs failed.*Run the same command again"):
        run_nas_table(argv, launch=StandInRuns(fail=[("rs", "cifar10", 1)]))
    stored = json.loads((out / "nas_table.json").read_text())
    assert [r["seeds"] for r in stored["rows"]] == [[0]]
    assert stored["failed"][0]["seed"] == 1 and stored["failed"][0]["log"].endswith("rs/1/nas_table_run.log")
    assert "Failed in the last invocation" in (out / "nas_table.md").read_text()
    retry = StandInRuns()
    run_nas_table(argv, launch=retry)
    assert retry.launched == [("rs", "cifar10", 1)]
