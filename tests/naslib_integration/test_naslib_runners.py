"""The runners (python -m naslib_nar.runners.nas / .predictors / .nas_table) and their example configs."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

pytest.importorskip("naslib")

pytestmark = pytest.mark.naslib
CONFIGS = sorted((Path(__file__).resolve().parents[2] / "configs" / "naslib").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_example_configs_load(path, tmp_path, synthetic_nb201_api):
    from naslib_nar.naslib.registry import OPTIMIZERS, PREDICTORS, make_optimizer
    from naslib_nar.naslib.runners import load_config

    kind = "predictor" if "predictors" in path.name else "nas"
    config = load_config(["--config-file", str(path), "out_dir", str(tmp_path)], kind)
    assert config.search_space in ("nasbench101", "nasbench201")
    if kind == "predictor":
        assert set(config.predictors) <= set(PREDICTORS) and config.predictor in PREDICTORS
        return
    assert config.optimizer in OPTIMIZERS
    if config.optimizer == "nar_sampler" and config.search_space == "nasbench201":
        from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

        optimizer = make_optimizer(config.optimizer, config)
        optimizer.adapt_search_space(LightNasBench201SearchSpace(), dataset_api=synthetic_nb201_api)
        assert optimizer.searcher.settings.candidates == config.search.sample_size


def test_runner_user_errors(capsys, tmp_path):
    from naslib_nar.runners import nas, predictors

    assert nas.main([]) == 2
    assert "--config-file" in capsys.readouterr().err
    path = next(p for p in CONFIGS if p.name == "nb201_predictors.yaml")
    assert predictors.main(["--config-file", str(path), "out_dir", str(tmp_path), "predictors", "['nar','nope']"]) == 2
    assert "Unknown predictor 'nope'" in capsys.readouterr().err


@pytest.mark.data
def test_predictors_runner_one_table(data_dir, tmp_path, capsys):
    from naslib_nar.runners import predictors

    path = next(p for p in CONFIGS if p.name == "nb201_predictors.yaml")
    code = predictors.main(["--config-file", str(path), "out_dir", str(tmp_path), "predictors", "['nar','xgb']",
                            "test_size", "20", "train_size_list", "[8, 12]", "nar.preset", "tiny"])
    assert code == 0
    table = capsys.readouterr().out
    assert "| train size | predictor | Kendall tau |" in table
    root = tmp_path / "nasbench201" / "cifar10" / "predictors"
    rows = json.loads((root / "summary.json").read_text())
    assert [(r["train_size"], r["predictor"]) for r in rows] == [(8, "nar"), (12, "nar"), (8, "xgb"), (12, "xgb")]
    assert len({r["test_set"] for r in rows}) == 1  # every predictor saw the same test architectures
    assert (root / "nar" / "1000" / "errors.json").is_file() and (root / "summary.md").is_file()


@pytest.mark.data
def test_nas_runner_reports_real_test_accuracy(data_dir, tmp_path, capsys):
    from naslib_nar.runners import nas

    path = next(p for p in CONFIGS if p.name == "nb201_cifar10_nar_sampler.yaml")
    code = nas.main(["--config-file", str(path), "out_dir", str(tmp_path), "search.epochs", "12",
                     "search.num_init", "8", "search.preset", "tiny", "search.sample_size", "32"])
    assert code == 0
    save = tmp_path / "nasbench201" / "cifar10" / "nar_sampler" / "0"
    summary = json.loads((save / "summary.json").read_text())
    _, trajectory = json.loads((save / "errors.json").read_text())
    assert len(trajectory["test_acc"]) == 12
    # NASLib's NB201 "test accuracy" is the validation accuracy; ours is the real one
    assert summary["naslib_test_accuracy"] == pytest.approx(summary["val_acc"], abs=1e-3)
    assert summary["test_acc"] is not None and summary["test_acc"] != summary["val_acc"]
    assert summary["optimizer_info"]["n_fits"] == 1
    assert "test accuracy (our table)" in capsys.readouterr().out
    assert os.path.isfile(summary["errors_json"])


def test_nas_table_runs_naslib_optimizers_in_their_own_processes(tmp_path, capsys):
    from naslib_nar.runners import nas_table

    config = yaml.safe_load(next(p for p in CONFIGS if p.name == "nb201_nas_table.yaml").read_text())
    config["search"]["epochs"] = 12
    path = tmp_path / "table.yaml"
    path.write_text(yaml.safe_dump(config))
    argv = ["--config-file", str(path), "--optimizers", "rs", "re", "--datasets", "cifar10", "--seeds", "0",
            "--out", str(tmp_path / "table")]
    assert nas_table.main(argv) == 0
    assert "2 runs, 0 already done, 2 to run" in capsys.readouterr().out
    stored = json.loads((tmp_path / "table" / "nas_table.json").read_text())
    assert [(r["optimizer"], r["seeds"], r["queries"]) for r in stored["rows"]] == [("rs", [0], [12]), ("re", [0], [12])]
    for run in stored["runs"]:
        _, trajectory = json.loads((Path(run["save"]) / "errors.json").read_text())
        assert len(trajectory["test_acc"]) == 12  # NASLib's own record of the run
        assert run["naslib_test_accuracy"] == pytest.approx(run["val_acc"], abs=1e-3)  # NASLib's NB201 "test" is val
        assert run["test_acc"] is not None and run["test_acc"] != run["val_acc"]
    assert "| nasbench201 | cifar10 | re | 12 | 1 |" in (tmp_path / "table" / "nas_table.md").read_text()
    assert nas_table.main(argv) == 0
    assert "2 runs, 2 already done, 0 to run" in capsys.readouterr().out
