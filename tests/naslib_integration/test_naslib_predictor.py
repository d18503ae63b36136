"""NARPredictor / ReNASPredictor as NASLib predictors, alone and through PredictorEvaluator."""
from __future__ import annotations

import importlib.util
import json
import os

import numpy as np
import pytest

pytest.importorskip("naslib")

pytestmark = pytest.mark.naslib
TINY = {"preset": "tiny", "epochs": 5}


def _sample(api, n, seed):
    from naslib.search_spaces.core.query_metrics import Metric

    from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

    np.random.seed(seed)
    space = LightNasBench201SearchSpace()
    graphs, y = [], []
    for _ in range(n):
        graph = space.clone()
        graph.sample_random_architecture(dataset_api=api)
        graphs.append(graph)
        y.append(graph.query(Metric.VAL_ACCURACY, "cifar10", dataset_api=api))
    return graphs, y


def test_nar_predictor_contract(synthetic_nb201_api):
    from naslib.predictors.predictor import Predictor

    from naslib_nar.naslib import NARPredictor

    xtrain, ytrain = _sample(synthetic_nb201_api, 40, 0)
    xtest, ytest = _sample(synthetic_nb201_api, 60, 1)
    predictor = NARPredictor(random_state=0, preset="tiny")  # the tiny preset's 20 epochs
    assert isinstance(predictor, Predictor) and predictor.name == "nar"
    with pytest.raises(ValueError, match="not fitted"):
        predictor.query(xtest)
    predictor.set_ss_type("nasbench201")
    assert predictor.fit(xtrain, ytrain) is predictor
    pred = predictor.query(xtest)
    assert pred.dtype == np.float64 and pred.shape == (60,)
    single = predictor.query(xtest[:1], info=None)
    assert single.dtype == np.float64 and single.shape == (1,)
    assert np.isclose(single[0], pred[0])
    from scipy.stats import kendalltau

    assert kendalltau(pred, ytest).statistic > 0.3
    # calibrated onto the accuracy scale of the training set
    assert abs(np.mean(predictor.query(xtrain)) - np.mean(ytrain)) < 1e-6
    reqs = predictor.get_data_reqs()
    assert reqs["requires_partial_lc"] is False and reqs["unlabeled"] is False


def test_nar_predictor_hyperparameter_hooks(synthetic_nb201_api):
    from naslib.utils import cross_validation, generate_kfold

    from naslib_nar.naslib import NARPredictor

    predictor = NARPredictor(ss_type="nasbench201", hpo_wrapper=True, **TINY)
    assert predictor.get_hpo_wrapper() is True
    defaults = predictor.default_hyperparams
    assert defaults == {"lr_mul": 0.2, "dim": 32, "epochs": 5}
    np.random.seed(0)
    drawn = predictor.set_random_hyperparams()
    assert set(drawn) == set(defaults) and predictor.get_hyperparams() == drawn
    json.dumps(drawn)  # NASLib writes them to errors.json as hp_<key>
    xtrain, ytrain = _sample(synthetic_nb201_api, 12, 2)
    score = cross_validation(xtrain, ytrain, predictor, generate_kfold(len(xtrain), 3), "kendalltau")
    assert np.isfinite(score)
    predictor.reset_hyperparams()
    predictor.fit(xtrain, ytrain)
    assert predictor.get_hyperparams() == defaults


def test_nar_predictor_small_training_sets(synthetic_nb201_api):
    from naslib_nar.naslib import NARPredictor

    xtrain, ytrain = _sample(synthetic_nb201_api, 3, 3)  # NASLib's stock config trains on 3
    predictor = NARPredictor(random_state=0, **TINY).fit(xtrain, ytrain)
    assert predictor.estimator_.n_tiers == 3
    with pytest.raises(ValueError, match="at least 2"):
        NARPredictor(**TINY).fit(xtrain[:1], ytrain[:1])


@pytest.mark.skipif(importlib.util.find_spec("naslib_nar.baselines.renas") is None, reason="ReNAS baseline absent")
def test_renas_predictor(synthetic_nb201_api):
    from naslib_nar.naslib import ReNASPredictor

    xtrain, ytrain = _sample(synthetic_nb201_api, 30, 4)
    xtest, _ = _sample(synthetic_nb201_api, 20, 5)
    predictor = ReNASPredictor(ss_type="nasbench201", random_state=0, epochs=20)
    assert predictor.default_hyperparams == {"lr": 1e-3, "epochs": 20, "weight_decay": 5e-4}
    pred = predictor.fit(xtrain, ytrain).query(xtest)
    assert pred.dtype == np.float64 and pred.shape == (20,)


def test_nar_through_predictor_evaluator(synthetic_nb201_api, naslib_config, predictor_config_text):
    from naslib.defaults.predictor_evaluator import PredictorEvaluator

    from naslib_nar.naslib import NARPredictor
    from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

    config = naslib_config(predictor_config_text, "predictor")
    evaluator = PredictorEvaluator(NARPredictor(**TINY), config=config)
    evaluator.adapt_search_space(LightNasBench201SearchSpace(), load_labeled=False, dataset_api=synthetic_nb201_api)
    evaluator.evaluate()
    with open(os.path.join(config.save, "errors.json")) as handle:
        results = json.load(handle)[1:]
    assert [r["train_size"] for r in results] == [8, 12]
    for record in results:
        assert np.isfinite(record["kendalltau"]) and len(record["full_testpred"]) == 30
        assert record["hp_epochs"] == 5
