"""``naslib-nar search``: config validation, the grid, stored seeds, the report files."""
from __future__ import annotations

import json

import pytest
import yaml

from naslib_nar.cli import main
from naslib_nar.experiments.search_config import parse_config

TINY_PARAMS = {"train_size": 60, "val_size": 20, "iterations": 2, "top_n": 2, "candidates": 24,
               "predictor": {"preset": "tiny", "epochs": 2}}


@pytest.mark.parametrize("raw, match", [
    ({"spaec": "nb201"}, r"unknown key\(s\) \['spaec'\]"),
    ({"space": "nb301"}, "'space'"),
    ({"datasets": ["cifar1000"]}, "unknown dataset"),
    ({"space": "nb101", "datasets": ["cifar100"]}, "CIFAR-10 results only"),
    ({"seeds": [1, 1]}, "'seeds'"),
    ({"seeds": "0"}, "'seeds'"),
    ({"method": "nar"}, "needs a label budget"),
    ({"method": "bohb"}, "'method'"),
    ({"params": {"random_fraction": 1.5}}, "random_fraction"),
    ({"params": {"top_n": 200}}, "cannot exceed the candidates"),
    ({"params": {"top_n": "5"}}, "top_n"),
    ({"params": {"n_init": 10}}, r"Unknown key 'n_init'"),
    ({"variants": {"p0": {"random_fraction": -0.1}}}, "variants.p0"),
    ({"variants": {"bad name": {}}}, "variant names"),
    ({"paper": {"nope": {"cifar10": 94.0}}}, "paper.nope"),
    ({"paper": {"nar_paper": {"cifar10": "94.3"}}}, "paper.nar_paper.cifar10"),
    ({"max_workers": 0}, "max_workers"),
])
def test_bad_configs_are_rejected_with_the_key(raw, match):
    with pytest.raises(ValueError, match=match):
        parse_config(raw, "config file 'x.yaml'")


def test_grid_variants_merge_params_and_command_line_overrides():
    raw = {"datasets": ["cifar10", "cifar100"], "params": {"top_n": 3, "predictor": {"preset": "tiny"}},
           "variants": {"p0": {"random_fraction": 0.0, "predictor": {"epochs": 2}}, "b": {"method": "nar",
                                                                                          "budget": 50}}}
    cfg = parse_config(raw)
    assert cfg.is_grid and [v.name for v in cfg.variants] == ["p0", "b"]
    assert cfg.variants[0].params == {"top_n": 3, "random_fraction": 0.0, "predictor": {"preset": "tiny", "epochs": 2}}
    assert cfg.variants[1].method == "nar" and cfg.variants[1].budget == 50
    one = parse_config(raw, overrides={"dataset": "imagenet16", "seeds": [4]})
    assert one.datasets == ("imagenet16",) and one.seeds == (4,)


def _write(tmp_path, config):
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def test_search_command_runs_a_grid_and_resumes(tmp_path, capsys):
    config = {"space": "nb201", "source": "embedded", "seeds": [3], "max_workers": 2, "params": TINY_PARAMS,
              "variants": {"stats": {}, "uniform": {"random_fraction": 1.0}},
              "paper": {"stats": {"cifar10": [94.33, 0.05, 94.37]}, "optimum": {"cifar10": 94.37}}}
    out = tmp_path / "out"
    assert main(["search", "--config", _write(tmp_path, config), "--out", str(out)]) == 0
    result = json.loads((out / "search.json").read_text())
    assert [c["variant"] for c in result["cells"]] == ["stats", "uniform"]
    cell = result["cells"][0]
    assert cell["metric"] == "val_acc"  # the embedded data has no test accuracy
    assert cell["seeds"] == [3] and cell["queries"]["mean"] == 4
    assert "94.33 ± 0.05 (94.37)" in result["table"]
    text = (out / "search.md").read_text()
    assert "validation accuracy" in text and "protocol (b)" in text.lower()
    assert (out / "best_so_far_cifar10_a.png").is_file() and (out / "best_so_far_cifar10_b.png").is_file()
    capsys.readouterr()
    assert main(["search", "--config", _write(tmp_path, config), "--out", str(out)]) == 0
    assert "2 run(s) already stored" in capsys.readouterr().out


def test_bad_config_gives_a_clean_error(tmp_path, capsys):
    assert main(["search", "--config", _write(tmp_path, {"params": {"random_fraction": 2}}), "--out",
                 str(tmp_path / "o")]) == 2
    assert "random_fraction" in capsys.readouterr().err


@pytest.mark.data
def test_short_search_on_real_nb201(tmp_path, data_dir):
    config = {"space": "nb201", "datasets": ["cifar100"], "source": "shared", "data_dir": str(data_dir),
              "seeds": [0], "max_workers": 1, "params": TINY_PARAMS}
    out = tmp_path / "real"
    assert main(["search", "--config", _write(tmp_path, config), "--out", str(out)]) == 0
    result = json.loads((out / "search.json").read_text())
    for protocol in ("protocol_a", "protocol_b"):
        assert set(result[protocol]["test_acc"]) >= {"mean", "std", "per_seed"}
        assert 0 < result[protocol]["test_acc"]["mean"] <= 73.51 + 1e-6  # cifar100's optimum
    assert result["metric"] == "test_acc" and result["queries"]["mean"] == 4
    assert len(result["traces"]) == 1 and result["traces"][0]["info"]["n_scored"] > 0


def test_every_search_config_in_the_repository_is_valid():
    from pathlib import Path

    from naslib_nar.experiments.config import load_yaml_mapping

    configs = sorted((Path(__file__).resolve().parents[2] / "configs").glob("*.yaml"))
    search_configs = [p for p in configs if not p.name.startswith("compare")]
    assert {p.name for p in search_configs} >= {"quick.yaml", "table2_nb201.yaml", "table1_nb101.yaml",
                                                "budget_nb201.yaml", "ablation_random_fraction.yaml"}
    for path in search_configs:
        parse_config(load_yaml_mapping(path), str(path))
