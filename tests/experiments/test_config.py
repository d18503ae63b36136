"""The typed configuration of search / compare / evaluate-predictor: every problem fails when
the file is read, as one line naming the file, the key path and the fix."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from naslib_nar.experiments import config
from naslib_nar.experiments.config import CompareConfig, ConfigError, PredictorEvalConfig, SearchConfig

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
COMPARE = {"space": "nb201", "datasets": ["cifar10"], "seeds": [0, 1], "max_workers": 1,
           "budget_regime": {"methods": ["random_search", "evolution"], "budgets": [20]}}


def _write(tmp_path, raw, name="x.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw))
    return path


def _error(model, raw, tmp_path):
    path = _write(tmp_path, raw)
    with pytest.raises(ConfigError) as info:
        config.load(model, path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message[len(f"{path}: "):]


# ---------------------------------------------------------------------- the review's examples
def test_a_typo_in_a_predictor_parameter_of_a_search_config_fails_at_load(tmp_path):
    raw = {"params": {"predictor": {"n_tier": 3, "preset": "fast"}}}
    assert _error(SearchConfig, raw, tmp_path) == "params.predictor.n_tier: unknown key; did you mean 'n_tiers'?"


def test_a_typo_in_a_method_parameter_of_a_compare_config_fails_at_load(tmp_path):
    raw = dict(COMPARE, budget_regime={"methods": ["nar"], "budgets": [50], "params": {"nar": {"top_nn": 5}}})
    assert _error(CompareConfig, raw, tmp_path) == "budget_regime.params.nar.top_nn: unknown key; did you mean 'top_n'?"


def test_a_bad_predictor_value_fails_at_load_with_the_closest_choice(tmp_path):
    message = _error(SearchConfig, {"params": {"predictor": {"preset": "fastt"}}}, tmp_path)
    assert message.startswith("params: The 'preset' parameter of NeuralArchitectureRanker") and \
        "Did you mean 'fast'?" in message
    table = dict(COMPARE, predictor_table={"predictors": ["nar"], "train_sizes": [10],
                                           "params": {"nar": {"preset": "fastt"}}})
    assert "predictor_table.params.nar: " in _error(CompareConfig, table, tmp_path)
    assert _error(PredictorEvalConfig, {"predictor_params": {"depthh": 3}}, tmp_path) == \
        "predictor_params.depthh: unknown key; did you mean 'depth'?"


# ---------------------------------------------------------------------- types and unknown keys
@pytest.mark.parametrize("raw, expected", [
    ({"seeds": 3}, "seeds: must be a list, e.g. [0, 1, 2]; got 3."),
    ({"seeds": "0"}, "seeds: must be a list, e.g. [0, 1, 2]; got '0'."),
    ({"seeds": [1, 1]}, "seeds: values must be distinct; [1] repeated in [1, 1]."),
    ({"seeds": [2**32]}, "seeds.0: must be less than or equal to 4294967295; got 4294967296."),
    ({"seeds": [-1]}, "seeds.0: must be greater than or equal to 0; got -1."),
    ({"data_dir": 5}, "data_dir: must be a string (text); got 5."),
    ({"max_workers": 0}, "max_workers: must be greater than or equal to 1; got 0."),
    ({"spaec": "nb201"}, "spaec: unknown key; did you mean 'space'?"),
    ({"space": "nb301"}, "space: unknown search space 'nb301'; did you mean 'nb201'? Expected one of ['nb101', "
                         "'nb201']."),
    ({"source": "embeded"}, "source: unknown data source 'embeded' for nb201; did you mean 'embedded'? Expected "
                            "one of"),
    ({"executor": "slurm"}, "executor: unknown executor 'slurm'. Expected one of ['local', 'dask']."),
])
def test_wrong_types_and_unknown_keys_are_one_line(raw, expected, tmp_path):
    assert _error(SearchConfig, raw, tmp_path).startswith(expected)


@pytest.mark.parametrize("raw, expected", [
    ({"datasets": ["cifar1000"]}, "datasets.0: unknown dataset 'cifar1000'; did you mean 'cifar100'?"),
    ({"space": "nb101", "datasets": ["cifar100"]}, "datasets: the nb101 benchmark has results on ['cifar10'] only"),
    ({"dataset": "cifar10", "datasets": ["cifar10"]}, "dataset: give either 'dataset' or 'datasets', not both."),
    ({"method": "nar"}, "params: search method 'nar' is the budget regime"),
    ({"method": "grid"}, "method: unknown search method 'grid'"),
    ({"params": {"random_fraction": 1.5}}, "params: The 'random_fraction' parameter"),
    ({"params": {"top_n": 200}}, "params: top_n (n = 200) cannot exceed the candidates"),
    ({"params": {"top_n": "5"}}, "params: The 'top_n' parameter of search method 'nar_paper' must be of type int"),
    ({"params": {"n_init": 10}}, "params.n_init: unknown key; valid keys:"),
    ({"params": {"predictor": {"preset": "tiny"}}, "variants": {"K3": {"predictor": {"n_tierz": 3}}}},
     "variants.K3.predictor.n_tierz: unknown key; did you mean 'n_tiers'?"),
    ({"variants": {"p0": {"random_fraction": -0.1}}}, "variants.p0: The 'random_fraction' parameter"),
    ({"variants": {"bad name": {}}}, "variants.bad name: variant names use letters"),
    ({"variants": {"b": {"method": "bohbb", "budget": 50}}}, "variants.b.method: unknown search method 'bohbb'; "
                                                           "did you mean 'bohb'?"),
    ({"variants": {"b": {"method": "nar", "budget": "50"}}}, "variants.b.budget: must be an integer >= 1 or null"),
    ({"paper": {"nope": {"cifar10": 94.0}}}, "paper.nope: not a variant of this config."),
    ({"paper": {"nar_paper": {"cifar10": "94.3"}}}, "paper.nar_paper.cifar10: must be a number or a list"),
])
def test_search_configs_name_the_key(raw, expected, tmp_path):
    assert _error(SearchConfig, raw, tmp_path).startswith(expected)


@pytest.mark.parametrize("changes, expected", [
    ({"colour": "red"}, "colour: unknown key; valid keys: ['budget_regime',"),
    ({"seeds": []}, "seeds: Tuple should have at least 1 item"),
    ({"budget_regime": {"methods": ["grid_search"], "budgets": [10]}},
     "budget_regime.methods.0: unknown search method 'grid_search'; did you mean 'random_search'?"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": [0]}}, "budget_regime.budgets.0: must be"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": ["100"]}},
     "budget_regime.budgets.0: must be an integer; got '100'."),
    ({"budget_regime": {"methods": ["random_search"], "budgets": [10], "budget": 3}},
     "budget_regime.budget: unknown key; did you mean 'budgets'?"),
    ({"budget_regime": {"methods": ["random_search"], "budgets": [10], "params": {"evolution": {}}}},
     "budget_regime.params.evolution: parameters for 'evolution', which is not in this section's list"),
    ({"budget_regime": {"methods": ["evolution"], "budgets": [10], "params": {"evolution": {"population": 3}}}},
     "budget_regime.params.evolution.population: unknown key; did you mean 'population_size'?"),
    ({"paper_regime": {"methods": ["bohb", "nar_paper"], "budget": {"bohb": 100}}},
     "paper_regime.budget: give one budget per method ['bohb', 'nar_paper']; missing ['nar_paper']"),
    ({"paper_regime": {"methods": ["bohb"], "budget": 0}}, "paper_regime.budget.bohb: must be greater"),
    ({"predictor_table": {"predictors": ["xgb"], "train_sizes": [10]}}, "predictor_table.predictors.0: unknown "
                                                                        "predictor 'xgb'"),
    ({"predictor_table": {"predictors": ["renas"], "train_sizes": [1]}}, "predictor_table.train_sizes.0:"),
    ({"budget_regime": None}, "nothing to run: give at least one of budget_regime"),
])
def test_compare_configs_name_the_key(changes, expected, tmp_path):
    raw = copy.deepcopy(COMPARE)
    raw.update(changes)
    assert _error(CompareConfig, raw, tmp_path).startswith(expected)


def test_yaml_that_is_not_a_mapping_is_rejected(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        config.load(SearchConfig, path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        config.load(SearchConfig, tmp_path / "missing.yaml")


# ---------------------------------------------------------------------- what a valid config means
def test_grid_variants_merge_params_and_command_line_overrides():
    raw = {"datasets": ["cifar10", "cifar100"], "params": {"top_n": 3, "predictor": {"preset": "tiny"}},
           "variants": {"p0": {"random_fraction": 0.0, "predictor": {"epochs": 2}},
                        "b": {"method": "nar", "budget": 50}}}
    cfg = config.parse(SearchConfig, raw, "x")
    assert cfg.is_grid and [v.name for v in cfg.grid] == ["p0", "b"]
    assert cfg.grid[0].params == {"top_n": 3, "random_fraction": 0.0, "predictor": {"preset": "tiny", "epochs": 2}}
    assert cfg.grid[1].method == "nar" and cfg.grid[1].budget == 50
    path_free = config.load(SearchConfig, None, {"dataset": "imagenet16", "seeds": [4], "budget": None})
    assert path_free.datasets == ("imagenet16",) and path_free.seeds == (4,)


def test_paper_budget_is_one_number_or_one_per_method_and_round_trips():
    raw = dict(COMPARE, paper_regime={"methods": ["nar_paper", "bohb"], "budget": 250},
               predictor_table={"predictors": ["nar", "renas"], "train_sizes": [100, 424],
                                "params": {"nar": {"preset": "tiny"}}})
    cfg = config.parse(CompareConfig, raw, "x")
    assert cfg.paper_regime.budget == {"nar_paper": 250, "bohb": 250} and cfg.predictor_seeds == (0, 1)
    assert config.parse(CompareConfig, cfg.model_dump(mode="json"), "saved") == cfg


def test_every_config_in_the_repository_is_valid():
    paths = sorted(CONFIGS.glob("*.yaml"))
    assert {p.name for p in paths} >= {"quick.yaml", "table2_nb201.yaml", "table1_nb101.yaml", "budget_nb201.yaml",
                                       "ablation_random_fraction.yaml", "compare_nb201.yaml", "compare_nb101.yaml"}
    for path in paths:
        cfg = config.load(CompareConfig if path.name.startswith("compare") else SearchConfig, path)
        if isinstance(cfg, CompareConfig):
            assert cfg.budget_regime and cfg.paper_regime and cfg.predictor_table
