"""What only the NAR does: tiers, tier statistics, its presets' checks and warm start.
The estimator contract it shares with ReNAS is in tests/test_estimator_contract.py."""
import numpy as np
import pytest

from naslib_nar.ranker import NeuralArchitectureRanker
from naslib_nar.spaces.encoded import encode_archs


def _fast(**kw):
    params = dict(preset="tiny", epochs=8, random_state=0)
    params.update(kw)
    return NeuralArchitectureRanker(**params)


@pytest.fixture(scope="module")
def fitted(small_nb201):
    archs, y = small_nb201
    return _fast().fit(archs[:200], y[:200], X_val=archs[200:230], y_val=y[200:230])


def test_tier_statistics_of_the_training_set(small_nb201):
    archs, y = small_nb201
    est = _fast(epochs=2).fit(archs[:60], y[:60])
    stats = est.tier_statistics_
    assert stats.aggregate.tier_sizes.sum() == 60 and stats.aggregate.op_counts.shape == (5, 5)
    assert len(stats.batches) == 60 // 32  # one snapshot per batch of the last epoch
    # raw feature tensors carry no FLOPs/params: no statistics to sample by
    assert _fast(epochs=1).fit(encode_archs(archs[:60]).tensors, y[:60]).tier_statistics_ is None


def test_tier_probabilities_and_predict_all(fitted, small_nb201):
    archs, _ = small_nb201
    proba = fitted.predict_tiers(archs[230:])
    assert proba.dtype == np.float64 and proba.shape == (30, 5)
    assert np.allclose(proba.sum(axis=1), 1.0) and (proba > 0).all()
    both = fitted.predict_all(archs[230:])
    assert np.array_equal(both["scores"], fitted.predict(archs[230:])) and np.array_equal(both["tier_proba"], proba)


def test_learns_the_synthetic_ranking(fitted, small_nb201):
    archs, y = small_nb201
    assert fitted.score(archs[230:], y[230:]) > 0.5


def test_save_load_keeps_tiers_and_statistics(fitted, small_nb201, tmp_path):
    archs, _ = small_nb201
    loaded = NeuralArchitectureRanker.load(fitted.save(tmp_path / "nar.pt"))
    assert np.array_equal(loaded.predict_tiers(archs), fitted.predict_tiers(archs))
    assert np.array_equal(loaded.tier_statistics_.aggregate.flops_hist, fitted.tier_statistics_.aggregate.flops_hist)
    assert loaded.config_ == fitted.config_


def test_update_tier_embeddings_by_predicted_tier(small_nb201):
    archs, y = small_nb201
    est = _fast(epochs=2).fit(archs[:64], y[:64])
    before = est.model_.tier_embeddings.clone()
    predicted = est.update_tier_embeddings(archs[64:96])
    assert predicted.shape == (32,) and set(predicted.tolist()) <= set(range(5))
    changed = (est.model_.tier_embeddings != before).flatten(1).any(dim=1).numpy()
    assert np.array_equal(changed, np.isin(np.arange(5), predicted))


def test_nar_specific_checks(small_nb201):
    archs, y = small_nb201
    with pytest.raises(ValueError, match="needs at least 5 training architectures to fill its n_tiers=5 tiers"):
        _fast().fit(archs[:4], y[:4])
    with pytest.raises(ValueError, match="divisible"):
        _fast(dim=30, num_heads=4).fit(archs[:20], y[:20])


def test_warm_start_continues_the_fitted_model(small_nb201):
    archs, y = small_nb201
    est = _fast(epochs=2, warm_start=True).fit(archs[:64], y[:64])
    first_steps, model = est.history_["steps"], est.model_
    est.set_params(epochs=1).fit(archs[:96], y[:96])
    assert est.model_ is model and est.history_["steps"] == first_steps + 3  # 96 // 32 more steps
    assert est.tier_statistics_.aggregate.tier_sizes.sum() == 96
    cold = _fast(epochs=1).fit(archs[:96], y[:96])
    assert cold.history_["steps"] == 3
