"""Fixtures of the NASLib integration tests: tests/conftest.py's synthetic NB201 table in
NASLib's dataset_api layout (no data files needed) and NASLib configs written to tmp_path.
Nothing here imports NASLib at module level: every test module starts with
``pytest.importorskip("naslib")``, so the suite passes where NASLib is absent.

This folder is deliberately not called ``tests/naslib``: pytest puts ``tests/`` on
``sys.path``, where such a folder is found as a namespace package ``naslib`` before an
editable NASLib install (``pip install -e .`` registers NASLib through an import hook that
comes after the path search), so ``import naslib`` would import the empty folder."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def synthetic_nb201_api(synthetic_nb201_bench):
    from naslib_nar.naslib.dataset_api import nb201_dataset_api

    return nb201_dataset_api(bench=synthetic_nb201_bench)


@pytest.fixture
def naslib_config(tmp_path):
    """Write ``text`` (YAML) to tmp_path and load it with NASLib's loader (config_type, overrides)."""
    from naslib_nar.naslib.runners import load_config

    def make(text: str, config_type: str, *overrides: str):
        path = tmp_path / "config.yaml"
        path.write_text(text.replace("OUT_DIR", str(tmp_path / "run")))
        return load_config(["--config-file", str(path), *overrides], config_type)

    return make


@pytest.fixture
def nas_config_text():
    """A NASLib nas config for a 15-epoch nar_sampler run with the tiny ranker."""
    return """
seed: 0
optimizer: nar_sampler
search_space: nasbench201
dataset: cifar10
out_dir: OUT_DIR
search:
  epochs: 15
  checkpoint_freq: 1000
  fidelity: -1
  num_init: 8
  k: 4
  sample_size: 32
  top_n: 3
  random_fraction: 0.5
  preset: tiny
  ranker: {epochs: 5}
  nar: {}
evaluation:
  checkpoint_freq: 5000
"""

@pytest.fixture
def predictor_config_text():
    """A NASLib predictor config: nar and xgb at train sizes 8 and 12, 30 test architectures."""
    return """
predictors: [nar, xgb]
predictor: nar
experiment_type: vary_train_size
search_space: nasbench201
dataset: cifar10
uniform_random: 1
test_size: 30
train_size_single: 12
train_size_list: [8, 12]
fidelity_single: 5
fidelity_list: [5]
out_dir: OUT_DIR
max_hpo_time: 0
hparams_from_file: False
seed: 1000
nar: {preset: tiny, epochs: 5}
search:
  seed: 1000
"""
