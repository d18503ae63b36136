"""What only ReNAS does: standardisation, its losses and network, its batching. The estimator
contract it shares with the NAR is in tests/test_estimator_contract.py."""
import math

import numpy as np
import pytest
import torch

from naslib_nar.baselines.renas import ReNASPredictor, build_renas_network, fit_standardiser
from naslib_nar.cli import main
from naslib_nar.baselines.registry import make_predictor
from naslib_nar.spaces.encoded import encode_archs


def _fast(**kw):
    params = dict(epochs=30, batch_size=64, random_state=0)
    params.update(kw)
    return ReNASPredictor(**params)


@pytest.fixture(scope="module")
def fitted(small_nb201):
    archs, y = small_nb201
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


def test_standardisation_is_fitted_on_the_training_set_only(small_nb201):
    archs, y = small_nb201
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
    est = ReNASPredictor(loss=loss, margin=0.1)
    scores = torch.tensor([1.0, 0.0, 2.0])
    targets = torch.tensor([3.0, 1.0, 1.0])  # pairs (0,1) right by 1, (0,2) wrong by 1, (1,2) tied: ignored
    assert float(est._loss(scores, targets)) == pytest.approx(expected, rel=1e-6)


def test_network_shapes_for_both_spaces():
    for shape in ((19, 7, 7), (31, 4, 4)):
        net = build_renas_network(shape[0], shape[1]).eval()
        out = net(torch.zeros((3,) + shape))
        assert out.shape == (3, 1)
    n_conv = sum(isinstance(m, torch.nn.Conv2d) for m in build_renas_network(19, 7))
    assert n_conv == 2


# ---------------------------------------------------------------------- training
def test_learns_the_synthetic_ranking(fitted, small_nb201):
    archs, y = small_nb201
    assert fitted.score(archs[200:], y[200:]) > 0.5


def test_nb101_tensors_and_a_last_batch_of_one():
    rng = np.random.default_rng(0)
    x = rng.random((33, 19, 7, 7)).astype(np.float32)
    y = x[:, 1].sum(axis=(1, 2))
    est = _fast(epochs=2, batch_size=16).fit(x, y)  # 16 + 16 + 1: the single one joins the last batch
    assert est.space_ == "nb101" and est.predict(x).shape == (33,)


def test_registry_builds_it_and_rejects_unknown_parameters():
    est = make_predictor("renas", space="nb201", dataset="cifar10", seed=3, params={"epochs": 5})
    assert isinstance(est, ReNASPredictor) and est.random_state == 3 and est.epochs == 5
    with pytest.raises(ValueError, match="Unknown parameter"):
        make_predictor("renas", space="nb201", dataset="cifar10", seed=0, params={"depth": 3})


@pytest.mark.data
def test_evaluate_predictor_command_with_renas(data_dir, tmp_path, capsys):
    cfg = tmp_path / "renas.yaml"
    cfg.write_text("predictor_params: {epochs: 3}\n")
    code = main(["evaluate-predictor", "--predictor", "renas", "--space", "nb201", "--train-size", "60",
                 "--val-size", "20", "--test-size", "300", "--seeds", "0", "--config", str(cfg),
                 "--data-dir", str(data_dir), "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == 0
    assert "kendall_tau" in capsys.readouterr().out
    assert (tmp_path / "out" / "predictor_eval.json").is_file()
