"""naslib/runner_config.py and naslib/registry.py without NASLib: the example configs, each
key the runners read, and the optimizer / predictor names."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from naslib_nar.naslib.registry import (
    OPTIMIZERS,
    PREDICTORS,
    Float64Predictions,
    make_naslib_predictor,
    make_optimizer,
)
from naslib_nar.naslib.runner_config import (
    config_file_of,
    nas_settings,
    predictor_settings,
    space_classes,
)

CONFIGS = sorted((Path(__file__).resolve().parents[2] / "configs" / "naslib").glob("*.yaml"))
NAS = {"seed": 0, "optimizer": "nar_sampler", "search_space": "nasbench201", "dataset": "cifar10", "out_dir": "run",
       "search": {"epochs": 20}}
PRED = {"predictors": ["nar", "xgb"], "predictor": "nar", "search_space": "nasbench201", "dataset": "cifar100",
        "out_dir": "out", "seed": 1000}


def with_(base, **changes):
    config = copy.deepcopy(base)
    config.update(changes)
    return config


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_example_configs_pass_the_checks(path):
    config = yaml.safe_load(path.read_text())  # the YAML NASLib's CfgNode loads
    if "predictors" in path.name:
        settings = predictor_settings(config)
        assert set(settings.predictors) <= set(PREDICTORS) and settings.seeds
    else:
        settings = nas_settings(config)
        assert settings.optimizer in OPTIMIZERS and settings.epochs == config["search"]["epochs"]
    assert settings.space in ("nb101", "nb201") and settings.light and settings.source == "auto"


def test_nas_settings_reads_our_keys_and_defaults():
    settings = nas_settings(NAS)
    assert (settings.space, settings.dataset, settings.naslib_dataset) == ("nb201", "cifar10", "cifar10")
    assert (settings.source, settings.light, settings.seed, settings.epochs) == ("auto", True, 0, 20)
    settings = nas_settings(with_(NAS, dataset="ImageNet16-120", dataset_api_source="embedded", light_graphs=False))
    assert (settings.dataset, settings.source, settings.light) == ("imagenet16", "embedded", False)


@pytest.mark.parametrize("change, error, match", [
    ({"optimizer": "nar_samplr"}, ValueError, "Unknown optimizer 'nar_samplr'. Did you mean 'nar_sampler'"),
    ({"search_space": "nasbench301"}, ValueError, "'nasbench301'"),
    ({"dataset": "imagenet16"}, ValueError, "spelled as NASLib does.*use 'ImageNet16-120'"),
    ({"search_space": "nasbench101", "dataset": "cifar100"}, ValueError, "results on \\['cifar10'\\] only"),
    ({"dataset_api_source": "official"}, ValueError, "'dataset_api_source'"),
    ({"light_graphs": "false"}, TypeError, "'light_graphs'.*bool"),
    ({"seed": -1}, ValueError, "'seed'"),
    ({"search": {"epochs": 0}}, ValueError, "'search.epochs'"),
    ({"search": {}}, ValueError, "no 'search.epochs' key"),
    ({"search": 5}, TypeError, "'search' key"),
])
def test_nas_settings_errors(change, error, match):
    with pytest.raises(error, match=match):
        nas_settings(with_(NAS, **change))


@pytest.mark.parametrize("key", ["optimizer", "seed", "search_space", "dataset", "out_dir", "search"])
def test_nas_settings_names_a_missing_key(key):
    config = copy.deepcopy(NAS)
    del config[key]
    with pytest.raises(ValueError, match=f"has no '{key}' key; add it to the config file"):
        nas_settings(config)


def test_predictor_settings_names_seeds_and_folders():
    settings = predictor_settings(with_(PRED, predictors=["nar", "xgb", "nar"], seeds=[1, 2]))
    assert settings.predictors == ("nar", "xgb") and settings.seeds == (1, 2)
    assert Path(settings.root) == Path("out", "nasbench201", "cifar100", "predictors")
    assert Path(settings.save_dir("nar", 2)) == Path(settings.root, "nar", "2")
    defaults = predictor_settings(with_(PRED, predictors=None))
    assert defaults.predictors == ("nar",) and defaults.seeds == (1000,)  # NASLib's single predictor / seed keys


@pytest.mark.parametrize("change, error, match", [
    ({"predictors": ["nar", "xgbb"]}, ValueError, "Unknown predictor 'xgbb'. Did you mean 'xgb'"),
    ({"predictors": "nar"}, TypeError, "list of names"),
    ({"seeds": [1, "2"]}, TypeError, "'seeds'"),
    ({"seeds": 3}, TypeError, "list of integers"),
    ({"predictors": None, "predictor": "nope"}, ValueError, "Unknown predictor 'nope'"),
])
def test_predictor_settings_errors(change, error, match):
    with pytest.raises(error, match=match):
        predictor_settings(with_(PRED, **change))


def test_config_file_of(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("seed: 0\n")
    assert config_file_of(["--config-file", str(path), "search.epochs", "5"]) == str(path)
    assert config_file_of([f"--config-file={path}"]) == str(path)
    assert config_file_of(["--config", str(path)]) == str(path)  # a prefix, as NASLib's argparse accepts
    with pytest.raises(ValueError, match="Pass --config-file PATH"):
        config_file_of(["search.epochs", "5"])
    with pytest.raises(FileNotFoundError, match="does not exist"):
        config_file_of(["--config-file", str(tmp_path / "missing.yaml")])


def test_space_classes():
    assert space_classes("nasbench201", "cifar100", "x") == ("nb201", 100)
    assert space_classes("nasbench201", "ImageNet16-120", "x") == ("nb201", 120)
    assert space_classes("nb101", "cifar10", "x") == ("nb101", 10)
    with pytest.raises(ValueError, match="make_search_space: the nb101 benchmark"):
        space_classes("nasbench101", "ImageNet16-120", "make_search_space")


def test_registry_names():
    assert {"rs", "re", "ls", "bananas", "npenas", "nar_sampler"} == set(OPTIMIZERS)
    assert {"nar", "renas", "xgb", "gcn", "mlp"} <= set(PREDICTORS)
    with pytest.raises(ValueError, match="Unknown optimizer 'bannanas'. Did you mean 'bananas'"):
        make_optimizer("bannanas", {})
    with pytest.raises(ValueError, match="Unknown predictor 'gcm'. Did you mean 'gcn'"):
        make_naslib_predictor("gcm", {})


class _Float32Predictor:
    def __init__(self):
        self.hyperparams = None

    def query(self, xtest, info=None):
        return np.asarray(xtest, dtype=np.float32) * 2


def test_float64_predictions_wraps_a_predictor():
    inner = _Float32Predictor()
    wrapped = Float64Predictions(inner)
    out = wrapped.query([1.5, 2.0])
    assert out.dtype == np.float64 and out.tolist() == [3.0, 4.0]
    wrapped.hyperparams = {"lr": 0.1}  # writes reach the wrapped predictor (NASLib's HPO sets attributes)
    assert inner.hyperparams == {"lr": 0.1} and wrapped.hyperparams is inner.hyperparams
    clone = copy.deepcopy(wrapped)  # as PredictorEvaluator's HPO copies its predictor
    assert clone.query([1.0]).dtype == np.float64 and clone.__dict__["predictor"] is not inner
    with pytest.raises(AttributeError):
        wrapped.missing
