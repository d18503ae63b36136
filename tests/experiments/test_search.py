"""``naslib-nar search``: the grid, stored seeds, resume, the report files."""
from __future__ import annotations

import json

import pytest
import yaml

from naslib_nar.cli import main

TINY_PARAMS = {"train_size": 60, "val_size": 20, "iterations": 2, "top_n": 2, "candidates": 24,
               "predictor": {"preset": "tiny", "epochs": 2}}


def _write(tmp_path, config):
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


@pytest.mark.slow
def test_search_command_runs_a_grid_and_resumes(tmp_path, capsys):
    config = {"space": "nb201", "source": "embedded", "seeds": [3], "max_workers": 2, "params": TINY_PARAMS,
              "variants": {"stats": {}, "uniform": {"random_fraction": 1.0}},
              "paper": {"stats": {"cifar10": [94.33, 0.05, 94.37]}, "optimum": {"cifar10": 94.37}}}
    out = tmp_path / "out"
    assert main(["search", "--config", _write(tmp_path, config), "--out", str(out)]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in (out / "runs").rglob("*.json")) == [
        "runs/stats/cifar10/seed3.json", "runs/uniform/cifar10/seed3.json"]
    result = json.loads((out / "search.json").read_text())
    assert [c["variant"] for c in result["cells"]] == ["stats", "uniform"]
    cell = result["cells"][0]
    assert cell["metric"] == "val_acc"  # the embedded data has no test accuracy
    assert cell["seeds"] == [3] and cell["queries"]["mean"] == 4  # the paper regime counts search queries only
    assert cell["labels_total"]["mean"] == 60 + 20 + 4
    assert "94.33 ± 0.05 (94.37)" in result["table"]
    text = (out / "search.md").read_text()
    assert "validation accuracy" in text and "protocol (b)" in text.lower()
    assert (out / "best_so_far_cifar10_a.png").is_file() and (out / "best_so_far_cifar10_b.png").is_file()
    capsys.readouterr()
    assert main(["search", "--config", _write(tmp_path, config), "--out", str(out)]) == 0
    assert "2 run(s) already stored" in capsys.readouterr().out
    (out / "search.json").unlink()
    assert main(["search", "--config", _write(tmp_path, config), "--out", str(out), "--report-only"]) == 0
    assert json.loads((out / "search.json").read_text()) == result


def test_bad_config_gives_a_clean_error(tmp_path, capsys):
    path = _write(tmp_path, {"params": {"random_fraction": 2}})
    assert main(["search", "--config", path, "--out", str(tmp_path / "o")]) == 2
    assert f"{path}: params: The 'random_fraction' parameter" in capsys.readouterr().err
    assert main(["search", "--config", path, "--out", str(tmp_path / "o"), "--seeds", "1", "1"]) == 2
    assert "seeds: values must be distinct" in capsys.readouterr().err


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
