import numpy as np
import pytest

from naslib_nar.ranker import NeuralArchitectureRanker
from naslib_nar.spaces.nb201 import NB201Space


def _fast(**kw):
    params = dict(preset="tiny", epochs=8, random_state=0)
    params.update(kw)
    return NeuralArchitectureRanker(**params)


@pytest.fixture(scope="module")
def fitted(synthetic_nb201):
    archs, y = synthetic_nb201
    return _fast().fit(archs[:200], y[:200], X_val=archs[200:230], y_val=y[200:230])


def test_fit_returns_self_and_learned_attributes(synthetic_nb201):
    archs, y = synthetic_nb201
    est = _fast(epochs=2)
    assert est.fit(archs[:60], y[:60]) is est
    assert est.space_ == "nb201" and est.tensor_shape_ == (31, 4, 4) and est.n_train_ == 60
    stats = est.tier_statistics_
    assert stats.aggregate.tier_sizes.sum() == 60 and stats.aggregate.op_counts.shape == (5, 5)
    assert len(stats.batches) == 60 // 32  # one snapshot per batch of the last epoch


def test_predictions_dtype_shape_and_probabilities(fitted, synthetic_nb201):
    archs, _ = synthetic_nb201
    scores = fitted.predict(archs[230:])
    proba = fitted.predict_tiers(archs[230:])
    assert scores.dtype == np.float64 and scores.shape == (30,)
    assert proba.dtype == np.float64 and proba.shape == (30, 5)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert fitted.rank(archs[230:]).tolist() == np.argsort(-scores, kind="stable").tolist()


def test_accepts_strings_and_indices_alike(fitted, synthetic_nb201):
    archs, _ = synthetic_nb201
    strings = NB201Space().to_strings(archs[230:240])
    assert np.array_equal(fitted.predict(strings), fitted.predict(archs[230:240]))


def test_learns_the_synthetic_ranking(fitted, synthetic_nb201):
    archs, y = synthetic_nb201
    assert fitted.score(archs[230:], y[230:]) > 0.5


def test_same_seed_same_model_other_seed_differs(synthetic_nb201):
    archs, y = synthetic_nb201
    a = _fast(epochs=2).fit(archs[:64], y[:64]).predict(archs[200:])
    b = _fast(epochs=2).fit(archs[:64], y[:64]).predict(archs[200:])
    c = _fast(epochs=2, random_state=1).fit(archs[:64], y[:64]).predict(archs[200:])
    assert np.array_equal(a, b) and not np.allclose(a, c)


def test_save_load_round_trip(fitted, synthetic_nb201, tmp_path):
    archs, _ = synthetic_nb201
    path = fitted.save(tmp_path / "nar.pt")
    loaded = NeuralArchitectureRanker.load(path)
    assert np.array_equal(loaded.predict(archs), fitted.predict(archs))
    assert np.array_equal(loaded.predict_tiers(archs), fitted.predict_tiers(archs))
    assert np.array_equal(loaded.tier_statistics_.aggregate.flops_hist, fitted.tier_statistics_.aggregate.flops_hist)
    assert loaded.get_params() == fitted.get_params()


def test_load_rejects_corrupt_foreign_and_future_files(fitted, tmp_path):
    import torch

    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        NeuralArchitectureRanker.load(corrupt)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(1)}, foreign)
    with pytest.raises(ValueError, match="not a naslib_nar"):
        NeuralArchitectureRanker.load(foreign)
    good = fitted.save(tmp_path / "good.pt")
    payload = torch.load(good, weights_only=True)
    payload["version"] = 99
    torch.save(payload, tmp_path / "future.pt")
    with pytest.raises(ValueError, match="format version 99"):
        NeuralArchitectureRanker.load(tmp_path / "future.pt")
    with pytest.raises(FileNotFoundError):
        NeuralArchitectureRanker.load(tmp_path / "missing.pt")


def test_bad_inputs_are_rejected(synthetic_nb201, fitted):
    archs, y = synthetic_nb201
    est = _fast(epochs=1)
    with pytest.raises(ValueError, match="NaN"):
        est.fit(archs[:20], np.where(np.arange(20) == 3, np.nan, y[:20]))
    with pytest.raises(ValueError, match="at least n_tiers"):
        est.fit(archs[:3], y[:3])
    with pytest.raises(ValueError, match="nothing to rank"):
        est.fit(archs[:20], np.full(20, 91.0))
    with pytest.raises(ValueError, match="20 architectures"):
        est.fit(archs[:20], y[:19])
    with pytest.raises(ValueError, match="match no search space"):
        est.fit(np.zeros((20, 5, 5, 5), dtype=np.float32), y[:20])
    with pytest.raises(ValueError, match="mix search spaces"):
        est.fit(["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                 {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}], [1.0, 2.0])
    with pytest.raises(ValueError, match="unknown op|Unknown op|not a valid"):
        est.fit(["|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"] * 5, np.arange(5.0))
    with pytest.raises(ValueError, match="fitted on nb201"):
        fitted.predict(np.zeros((2, 19, 7, 7), dtype=np.float32))
    with pytest.raises(RuntimeError, match="not fitted"):
        _fast().predict(archs[:2])


def test_parameters_are_validated_at_fit(synthetic_nb201):
    archs, y = synthetic_nb201
    with pytest.raises(ValueError, match="'preset' parameter"):
        _fast(preset="huge").fit(archs[:20], y[:20])
    with pytest.raises(TypeError, match="'epochs' parameter"):
        _fast(epochs=2.5).fit(archs[:20], y[:20])
    with pytest.raises(ValueError, match="divisible"):
        _fast(dim=30, num_heads=4).fit(archs[:20], y[:20])
    with pytest.raises(ValueError, match="Invalid parameter"):
        _fast().set_params(depthh=3)


def test_sklearn_clone_works_when_available(fitted):
    base = pytest.importorskip("sklearn.base")
    clone = base.clone(fitted)
    assert clone.get_params() == fitted.get_params() and not hasattr(clone, "model_")


def test_warm_start_continues_the_fitted_model(synthetic_nb201):
    archs, y = synthetic_nb201
    est = _fast(epochs=2, warm_start=True).fit(archs[:64], y[:64])
    first_steps, model = est.history_["steps"], est.model_
    est.set_params(epochs=1).fit(archs[:96], y[:96])
    assert est.model_ is model and est.history_["steps"] == first_steps + 3  # 96 // 32 more steps
    assert est.tier_statistics_.aggregate.tier_sizes.sum() == 96
    cold = _fast(epochs=1).fit(archs[:96], y[:96])
    assert cold.history_["steps"] == 3
