"""evaluate-predictor end to end on real NB201 data, small enough for CI."""
import json

import pytest

from naslib_nar.cli import main
from naslib_nar.experiments.evaluate_cmd import evaluate_predictor

pytestmark = pytest.mark.data


def test_nar_beats_a_random_ranking_on_real_nb201(data_dir, tmp_path):
    result = evaluate_predictor(space="nb201", dataset="cifar10", train_size=300, val_size=50, test_size=3000,
                                seeds=[0], predictor_params={"preset": "fast", "epochs": 15}, data_dir=str(data_dir),
                                out_dir=str(tmp_path))
    # a random ranking has Kendall tau ~ 0 (std ~ 0.012 on 3,000 architectures)
    assert result["kendall_tau"]["mean"] > 0.5
    assert result["config"]["truth_metric"] == "test_acc"
    saved = json.loads((tmp_path / "predictor_eval.json").read_text())
    for key in ("kendall_tau", "spearman", "fit_seconds", "query_seconds", "config", "tier_accuracy"):
        assert key in saved
    assert set(saved["kendall_tau"]) == {"mean", "std", "per_seed"}
    assert (tmp_path / "predictor_eval.md").is_file() and (tmp_path / "rank_scatter.png").stat().st_size > 0
    assert (tmp_path / "runs" / "nar__cifar10__n300__s0.json").is_file()


def test_command_line_rejects_bad_settings(data_dir, tmp_path, capsys):
    code = main(["evaluate-predictor", "--space", "nb201", "--dataset", "cifar10", "--train-size", "15000",
                 "--val-size", "1000", "--seeds", "0", "--out", str(tmp_path), "--data-dir", str(data_dir)])
    assert code == 2 and "Lower train_size" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("predictor_params:\n  depthh: 3\n")
    code = main(["evaluate-predictor", "--config", str(bad), "--train-size", "50", "--seeds", "0", "--out",
                 str(tmp_path), "--data-dir", str(data_dir)])
    assert code == 2 and f"{bad}: predictor_params.depthh: unknown key; did you mean 'depth'?" in \
        capsys.readouterr().err
