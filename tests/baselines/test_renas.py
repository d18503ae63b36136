import math

import numpy as np
import pytest

from naslib_nar.baselines.renas import ReNASPredictor, build_renas_network, fit_standardiser
from naslib_nar.spaces.encoded import encode_archs


def _fast(**kw):
    params = dict(epochs=30, batch_size=64, random_state=0)
    params.update(kw)
    return ReNASPredictor(**params)


@pytest.fixture(scope="module")
def fitted(synthetic_nb201_small):
    archs, y = synthetic_nb201_small
    return _fast().fit(archs[:200], y[:200])


# ---------------------------------------------------------------------- standardisation
def test_standardiser_is_per_element_and_guards_constant_elements():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(50, 2, 3, 3)).astype(np.float32)
    x[:, 1, 0, 0] = 7.0  # constant over the training set
    mean, std = fit_standardiser(x)
    assert mean.shape == std.shape == (2, 3, 3)
    assert np.allclose(mean, x.mean(axis=0), atol=1e-5) and std[1, 0, 0] == 1.0
    z = (x - mean) / std
    assert np.isfinite(z).all() and np.allclose(z[:, 1, 0, 0], 0.0)
    assert np.allclose(z.reshape(50, -1)[:, 1:].std(axis=0)[np.arange(17) != 8], 1.0, atol=1e-4)


def test_standardisation_is_fitted_on_the_training_set_only(synthetic_nb201_small):
    archs, y = synthetic_nb201_small
    est = _fast(epochs=1).fit(archs[:40], y[:40], X_val=archs[40:80], y_val=y[40:80])
    mean, std = fit_standardiser(encode_archs(archs[:40]).tensors)
    assert np.array_equal(est.mean_, mean) and np.array_equal(est.std_, std)
    # NB201 cells have no edge into node 0: those elements are constant, so std 1 there
    assert (est.std_[:, :, 0] == 1.0).all()
    assert np.isfinite(est.predict(archs[80:])).all()


# ---------------------------------------------------------------------- the loss the model uses
@pytest.mark.parametrize("loss, expected", [
    ("logistic", (math.log1p(math.exp(-1.0)) + math.log1p(math.exp(1.0))) / 2),
    ("hinge", (0.0 + 1.1) / 2),
])
def test_pairwise_loss_by_hand(loss, expected):
    import torch

    est = ReNASPredictor(loss=loss, margin=0.1)
    scores = torch.tensor([1.0, 0.0, 2.0])
    targets = torch.tensor([3.0, 1.0, 1.0])  # pairs (0,1) right by 1, (0,2) wrong by 1, (1,2) tied: ignored
    assert float(est._loss(scores, targets)) == pytest.approx(expected, rel=1e-6)


def test_network_shapes_for_both_spaces():
    import torch

    for shape in ((19, 7, 7), (31, 4, 4)):
        net = build_renas_network(shape[0], shape[1]).eval()
        out = net(torch.zeros((3,) + shape))
        assert out.shape == (3, 1)
    n_conv = sum(isinstance(m, torch.nn.Conv2d) for m in build_renas_network(19, 7))
    assert n_conv == 2


# ---------------------------------------------------------------------- contract
def test_fit_predict_rank_score(fitted, synthetic_nb201_small):
    archs, y = synthetic_nb201_small
    assert fitted.space_ == "nb201" and fitted.tensor_shape_ == (31, 4, 4) and fitted.n_train_ == 200
    pred = fitted.predict(archs[200:])
    assert pred.dtype == np.float64 and pred.shape == (60,)
    assert fitted.rank(archs[200:]).tolist() == np.argsort(-pred, kind="stable").tolist()
    assert fitted.score(archs[200:], y[200:]) > 0.5


def test_deterministic_per_random_state(synthetic_nb201_small):
    archs, y = synthetic_nb201_small
    a = _fast(epochs=3).fit(archs[:64], y[:64]).predict(archs[200:])
    b = _fast(epochs=3).fit(archs[:64], y[:64]).predict(archs[200:])
    c = _fast(epochs=3, random_state=1).fit(archs[:64], y[:64]).predict(archs[200:])
    assert np.array_equal(a, b) and not np.allclose(a, c)


def test_validation_set_selects_an_epoch(synthetic_nb201_small):
    archs, y = synthetic_nb201_small
    est = _fast(epochs=4).fit(archs[:64], y[:64], X_val=archs[64:100], y_val=y[64:100])
    assert len(est.history_["val_kendall_tau"]) == 4
    assert est.history_["best_epoch"] == int(np.argmax(est.history_["val_kendall_tau"]))


def test_nb101_tensors_and_a_last_batch_of_one():
    rng = np.random.default_rng(0)
    x = rng.random((33, 19, 7, 7)).astype(np.float32)
    y = x[:, 1].sum(axis=(1, 2))
    est = _fast(epochs=2, batch_size=16).fit(x, y)  # 16 + 16 + 1: the single one joins the last batch
    assert est.space_ == "nb101" and est.predict(x).shape == (33,)


def test_save_load_round_trip(fitted, synthetic_nb201_small, tmp_path):
    archs, _ = synthetic_nb201_small
    loaded = ReNASPredictor.load(fitted.save(tmp_path / "renas.pt"))
    assert np.array_equal(loaded.predict(archs), fitted.predict(archs))
    assert loaded.get_params() == fitted.get_params()
    assert np.array_equal(loaded.mean_, fitted.mean_)


def test_load_rejects_corrupt_foreign_and_future_files(fitted, tmp_path):
    import torch

    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        ReNASPredictor.load(corrupt)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(1)}, foreign)
    with pytest.raises(ValueError, match="not a naslib_nar ReNASPredictor"):
        ReNASPredictor.load(foreign)
    future = tmp_path / "future.pt"
    payload = torch.load(fitted.save(tmp_path / "good.pt"), weights_only=True)
    payload["version"] = 99
    torch.save(payload, future)
    with pytest.raises(ValueError, match="version 99"):
        ReNASPredictor.load(future)
    with pytest.raises(FileNotFoundError):
        ReNASPredictor.load(tmp_path / "missing.pt")


@pytest.mark.parametrize("params, error, match", [
    ({"epochs": 0}, ValueError, "'epochs' parameter of ReNASPredictor"),
    ({"batch_size": 1}, ValueError, "batch_size"),
    ({"lr": "fast"}, TypeError, "'lr' parameter"),
    ({"loss": "mse"}, ValueError, "'loss' parameter"),
    ({"device": "tpu"}, ValueError, "device"),
    ({"random_state": -1}, ValueError, "random_state"),
])
def test_bad_params_are_rejected_at_fit(synthetic_nb201_small, params, error, match):
    archs, y = synthetic_nb201_small
    est = ReNASPredictor(**params)  # __init__ only stores
    with pytest.raises(error, match=match):
        est.fit(archs[:20], y[:20])


def test_bad_inputs(fitted, synthetic_nb201_small):
    archs, y = synthetic_nb201_small
    with pytest.raises(RuntimeError, match="not fitted"):
        ReNASPredictor().predict(archs[:3])
    with pytest.raises(ValueError, match="targets"):
        _fast(epochs=1).fit(archs[:20], y[:19])
    with pytest.raises(ValueError, match="nothing to rank"):
        _fast(epochs=1).fit(archs[:20], np.full(20, 90.0))
    with pytest.raises(ValueError, match="both X_val and y_val"):
        _fast(epochs=1).fit(archs[:20], y[:20], X_val=archs[20:30])
    with pytest.raises(ValueError, match="NaN"):
        _fast(epochs=1).fit(archs[:20], np.r_[y[:19], np.nan])
    with pytest.raises(ValueError, match="another search space"):
        fitted.predict(np.zeros((2, 19, 7, 7), dtype=np.float32))


def test_clone_and_registry(synthetic_nb201_small):
    from naslib_nar.baselines.registry import make_predictor

    est = make_predictor("renas", space="nb201", dataset="cifar10", seed=3, params={"epochs": 5})
    assert isinstance(est, ReNASPredictor) and est.random_state == 3 and est.epochs == 5
    sklearn_base = pytest.importorskip("sklearn.base")
    clone = sklearn_base.clone(est)
    assert clone.get_params() == est.get_params() and clone is not est
    with pytest.raises(ValueError, match="Unknown parameter"):
        make_predictor("renas", space="nb201", dataset="cifar10", seed=0, params={"depth": 3})


@pytest.mark.data
def test_evaluate_predictor_command_with_renas(data_dir, tmp_path, capsys):
    from naslib_nar.cli import main

    cfg = tmp_path / "renas.yaml"
    cfg.write_text("predictor_params: {epochs: 3}\n")
    code = main(["evaluate-predictor", "--predictor", "renas", "--space", "nb201", "--train-size", "60",
                 "--val-size", "20", "--test-size", "300", "--seeds", "0", "--config", str(cfg),
                 "--data-dir", str(data_dir), "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == 0
    assert "kendall_tau" in capsys.readouterr().out
    assert (tmp_path / "out" / "predictor_eval.json").is_file()
