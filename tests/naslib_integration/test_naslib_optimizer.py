"""NARSampler ('nar_sampler') through NASLib's Trainer."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

pytest.importorskip("naslib")

pytestmark = pytest.mark.naslib


def _search(config, api, space=None):
    from naslib.defaults.trainer import Trainer

    from naslib_nar.naslib import NARSampler
    from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

    optimizer = NARSampler(config)
    optimizer.adapt_search_space(space if space is not None else LightNasBench201SearchSpace(), dataset_api=api)
    trainer = Trainer(optimizer, config, lightweight_output=True)
    trainer.search(resume_from="")
    return optimizer, trainer


def test_nar_sampler_search_and_evaluate(synthetic_nb201_api, synthetic_nb201_bench, naslib_config, nas_config_text):
    from naslib.search_spaces.core.query_metrics import Metric

    config = naslib_config(nas_config_text, "nas")
    optimizer, trainer = _search(config, synthetic_nb201_api)
    with open(os.path.join(config.save, "errors.json")) as handle:
        _, trajectory = json.load(handle)
    assert len(trajectory["valid_acc"]) == 15 == len(optimizer.history)
    assert np.all(np.diff(trajectory["valid_acc"]) >= 0)  # the incumbent never gets worse
    info = optimizer.info()
    # Fitted at epoch 8, re-fitted every ceil(k / top_n) = 2 iterations of 3 queries: at epoch 14.
    assert info["n_fits"] == 2 and info["n_scored"] > 0 and info["regime"] == "budget"
    searched = [h.arch.get_hash() for h in optimizer.history][8:]
    assert len(set(searched)) == len(searched)  # proposals are never queried twice
    accuracies = [h.accuracy for h in optimizer.history]
    assert np.mean(accuracies[8:]) > np.mean(accuracies[:8])  # the ranker finds better architectures
    final = trainer.evaluate(resume_from="", dataset_api=synthetic_nb201_api)
    assert final == max(accuracies)
    best = optimizer.get_final_architecture()
    assert best.query(Metric.VAL_ACCURACY, "cifar10", dataset_api=synthetic_nb201_api) == final
    assert isinstance(optimizer.get_model_size(), float)
    state = optimizer.get_checkpointables()["model"].state_dict()
    optimizer.get_checkpointables()["model"].load_state_dict(state)


def test_nar_sampler_is_reproducible(synthetic_nb201_api, naslib_config, nas_config_text):
    config = naslib_config(nas_config_text, "nas", "search.epochs", "11")
    first, _ = _search(config, synthetic_nb201_api)
    second, _ = _search(config, synthetic_nb201_api)
    assert [h.arch.get_hash() for h in first.history] == [h.arch.get_hash() for h in second.history]


def test_nar_sampler_full_graph_final_architecture(synthetic_nb201_api, naslib_config, nas_config_text):
    from naslib.search_spaces import NasBench201SearchSpace

    config = naslib_config(nas_config_text, "nas", "search.epochs", "9", "search.num_init", "8")
    optimizer, _ = _search(config, synthetic_nb201_api, space=NasBench201SearchSpace())
    final = optimizer.get_final_architecture()
    assert final.instantiate_model and final.get_hash() == optimizer._incumbent().get_hash()


def test_nar_sampler_validates_its_config(synthetic_nb201_api, naslib_config, nas_config_text):
    from naslib_nar.naslib import NARSampler
    from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

    config = naslib_config(nas_config_text, "nas", "search.top_n", "64")
    with pytest.raises(ValueError, match="top_n"):
        NARSampler(config).adapt_search_space(LightNasBench201SearchSpace(), dataset_api=synthetic_nb201_api)


@pytest.mark.data
def test_nar_sampler_on_labelled_nb101(data_dir, naslib_config, nas_config_text):
    from naslib_nar.naslib import get_dataset_api
    from naslib_nar.naslib.search_spaces import LightNasBench101SearchSpace

    api = get_dataset_api("nasbench101", source="shared", data_dir=str(data_dir))
    config = naslib_config(nas_config_text.replace("nasbench201", "nasbench101"), "nas", "search.epochs", "12")
    optimizer, _ = _search(config, api, space=LightNasBench101SearchSpace())
    assert len(optimizer.history) == 12 and optimizer.info()["skipped_unqueryable"] == 0
    accuracies = [h.accuracy for h in optimizer.history]
    assert all(a > 0 for a in accuracies)  # every proposed cell is a labelled one


def test_nar_sampler_proposes_only_architectures_of_a_partial_api(synthetic_nb201_api, naslib_config,
                                                                 nas_config_text):
    keys = sorted(synthetic_nb201_api["nb201_data"])[::4]  # a partial api: a quarter of the space
    partial = {"nb201_data": {k: synthetic_nb201_api["nb201_data"][k] for k in keys}}
    config = naslib_config(nas_config_text, "nas", "search.epochs", "12")
    optimizer, _ = _search(config, partial)
    assert len(optimizer.history) == 12 and optimizer.info()["skipped_unqueryable"] == 0
    from naslib.search_spaces.nasbench201.conversions import convert_op_indices_to_str

    assert all(convert_op_indices_to_str(h.arch.get_hash()) in partial["nb201_data"] for h in optimizer.history)


def test_nar_sampler_skips_architectures_the_api_cannot_answer(synthetic_nb201_api, naslib_config, nas_config_text):
    """Listed in the api but without results for the dataset: skipped, the epoch not used."""
    data = synthetic_nb201_api["nb201_data"]
    broken = set(sorted(data)[::2])
    api = {"nb201_data": {k: ({"no-results": None} if k in broken else v) for k, v in data.items()}}
    config = naslib_config(nas_config_text, "nas", "search.epochs", "12")
    optimizer, _ = _search(config, api)
    info = optimizer.info()
    assert len(optimizer.history) == 12 and info["skipped_unqueryable"] > 0
    from naslib.search_spaces.nasbench201.conversions import convert_op_indices_to_str

    assert not broken & {convert_op_indices_to_str(h.arch.get_hash()) for h in optimizer.history}
