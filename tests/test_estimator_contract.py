"""One contract for every ranking predictor of the package, in the spirit of scikit-learn's
estimator checks: the NAR (tiny preset) and the ReNAS baseline (a few epochs), each on
small synthetic NB201 and NB101 sets. Estimator-specific behaviour (tiers, warm start,
standardisation, the losses) is tested next to each estimator."""
from __future__ import annotations

import inspect
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from scipy.stats import kendalltau

from naslib_nar._estimator import NotFittedError, clone
from naslib_nar.baselines.renas import ReNASPredictor
from naslib_nar.ranker import NeuralArchitectureRanker
from naslib_nar.spaces.encoded import encode_archs
from naslib_nar.spaces.nb201 import NB201Space

#: Every predictor with settings small enough for a 2-core CI (each fit well under a second).
PREDICTORS = {
    "nar": (NeuralArchitectureRanker, dict(preset="tiny", epochs=2)),
    "renas": (ReNASPredictor, dict(epochs=3, batch_size=32)),
}
CASES = [(name, space) for name in PREDICTORS for space in ("nb201", "nb101")]
N_TRAIN, N_VAL, N_TEST = 48, 20, 40


def make(name, **overrides):
    cls, params = PREDICTORS[name]
    return cls(**{**params, "random_state": 0, **overrides})


def split(data, space):
    """(X_train, y_train), (X_val, y_val), (X_test, y_test) of one space's synthetic set."""
    archs, y = data[space]
    cut = np.cumsum([N_TRAIN, N_VAL, N_TEST])
    parts = [np.arange(0, cut[0]), np.arange(cut[0], cut[1]), np.arange(cut[1], cut[2])]
    return [(archs[rows], y[rows]) for rows in parts]


@pytest.fixture(scope="module")
def data(small_nb201, small_nb101):
    return {"nb201": small_nb201, "nb101": small_nb101}


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}-{s}" for n, s in CASES])
def case(request):
    return request.param


@pytest.fixture(scope="module")
def fitted(case, data):
    """One fitted predictor per case, shared by the tests that only read it."""
    name, space = case
    (X, y), _, _ = split(data, space)
    return make(name).fit(X, y)


# ---------------------------------------------------------------------- fit / predict
def test_fit_returns_self_and_sets_learned_state(case, data):
    name, space = case
    (X, y), _, _ = split(data, space)
    est = make(name)
    assert est.fit(X, y) is est
    assert est.space_ == space and est.n_train_ == N_TRAIN and est.seed_ == 0
    assert est.tensor_shape_ == {"nb201": (31, 4, 4), "nb101": (19, 7, 7)}[space]
    assert not est.model_.training and est.fit_seconds_ > 0
    assert len(est.history_["loss"]) == est.epochs and np.isfinite(est.history_["loss"]).all()


def test_predict_shape_dtype_rank_and_score(case, data, fitted):
    _, _, (X, y) = split(data, case[1])
    pred = fitted.predict(X)
    assert pred.shape == (N_TEST,) and pred.dtype == np.float64 and np.isfinite(pred).all()
    assert np.array_equal(fitted.rank(X), np.argsort(-pred, kind="stable"))
    assert fitted.score(X, y) == pytest.approx(kendalltau(pred, y).statistic)


def test_native_encoded_and_tensor_inputs_predict_alike(case, data, fitted):
    _, _, (X, _) = split(data, case[1])
    enc = encode_archs(X)
    expected = fitted.predict(X)
    assert np.array_equal(fitted.predict(enc), expected)
    assert np.array_equal(fitted.predict(enc.tensors), expected)
    if case[1] == "nb201":
        assert np.array_equal(fitted.predict(NB201Space().to_strings(X)), expected)


def test_validation_set_keeps_the_best_epoch(case, data):
    name, space = case
    (X, y), (X_val, y_val), _ = split(data, space)
    est = make(name, epochs=3).fit(X, y, X_val=X_val, y_val=y_val)
    taus = est.history_["val_kendall_tau"]
    assert len(taus) == 3 and est.history_["best_epoch"] == int(np.argmax(taus))


def test_same_random_state_same_predictions_other_differs(case, data, fitted):
    name, space = case
    (X, y), _, (X_test, _) = split(data, space)
    again = make(name, random_state=0).fit(X, y).predict(X_test)
    other = make(name, random_state=1).fit(X, y).predict(X_test)
    assert np.array_equal(again, fitted.predict(X_test))
    assert not np.allclose(other, again)


def test_fit_leaves_the_global_torch_rng_alone(data):
    (X, y), _, _ = split(data, "nb201")
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    make("renas", epochs=1).fit(X, y)
    assert torch.equal(torch.rand(3), expected)


# ---------------------------------------------------------------------- not fitted
@pytest.mark.parametrize("name", PREDICTORS)
def test_unfitted_predictor_raises_not_fitted_error(name, data, tmp_path):
    X, y = data["nb201"]
    est = make(name)
    calls = [lambda: est.predict(X), lambda: est.rank(X), lambda: est.score(X, y),
             lambda: est.save(tmp_path / "model.pt")]
    for call in calls:
        with pytest.raises(NotFittedError, match=f"This {type(est).__name__} instance is not fitted yet"):
            call()
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


# ---------------------------------------------------------------------- parameters
@pytest.mark.parametrize("name", PREDICTORS)
def test_get_params_set_params_clone(name):
    cls = PREDICTORS[name][0]
    est = make(name)
    params = est.get_params()
    signature = inspect.signature(cls.__init__).parameters
    assert sorted(params) == sorted(p for p in signature if p != "self")
    assert est.set_params(random_state=7) is est and est.get_params()["random_state"] == 7
    twin = clone(est)
    assert twin is not est and type(twin) is cls and twin.get_params() == est.get_params()
    with pytest.raises(ValueError, match="Invalid parameter 'no_such_param'"):
        est.set_params(no_such_param=3)


def test_clone_of_a_fitted_predictor_is_unfitted(fitted):
    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params() and not hasattr(twin, "model_")


def _bad_values(spec):
    """A value of the wrong type and, where the check has them, values outside its choices or range."""
    yield ("x" if spec["kind"] in (int, float, bool) else 3), TypeError
    if "choices" in spec:
        yield "not-an-option", ValueError
    if "min_val" in spec:
        yield (spec["min_val"] if spec.get("min_inclusive") is False else spec["min_val"] - 1), ValueError
    if "max_val" in spec:
        yield (spec["max_val"] if spec.get("max_inclusive") is False else spec["max_val"] + 1), ValueError


BAD_PARAMS = [(name, param, value, error)
              for name, (cls, _) in PREDICTORS.items()
              for param, spec in cls._param_checks.items()
              for value, error in _bad_values(spec)]


@pytest.mark.parametrize("name", PREDICTORS)
def test_every_parameter_has_a_check(name):
    assert sorted(PREDICTORS[name][0]._param_checks) == sorted(make(name).get_params())


@pytest.mark.parametrize("name, param, value, error", BAD_PARAMS,
                         ids=[f"{n}-{p}={v!r}" for n, p, v, _ in BAD_PARAMS])
def test_bad_parameter_raises_at_fit_not_at_init(name, param, value, error, data):
    X, y = data["nb201"]
    est = make(name, **{param: value})  # __init__ only stores
    assert est.get_params()[param] == value
    with pytest.raises(error, match=f"'{param}' parameter of {type(est).__name__}"):
        est.fit(X[:20], y[:20])


# ---------------------------------------------------------------------- bad input
def _nan_features(X, y, space):
    tensors = encode_archs(X).tensors.copy()
    tensors[3, 0, 1, 1] = np.nan
    return tensors, y


def _other_space_tensors(n, space):
    return np.zeros((n, 19, 7, 7) if space == "nb201" else (n, 31, 4, 4), np.float32)


BAD_FIT_INPUTS = {
    "tensor of no space's shape": (lambda X, y, s: (np.zeros((len(y), 5, 5, 5), np.float32), y),
                                   ValueError, "match no search space"),
    "3-d array": (lambda X, y, s: (np.zeros((31, 4, 4), np.float32), y), ValueError, "Cannot tell the search space"),
    "NaN in y": (lambda X, y, s: (X, np.where(np.arange(len(y)) == 2, np.nan, y)), ValueError, "NaN or infinite"),
    "NaN in X features": (_nan_features, ValueError, r"X of \w+ has NaN or infinite features .* positions \[3\]"),
    "more targets than archs": (lambda X, y, s: (X, np.r_[y, 1.0]), ValueError, "targets but 48 architectures"),
    "2-d y": (lambda X, y, s: (X, y[:, None]), ValueError, "one-dimensional"),
    "y not numbers": (lambda X, y, s: (X, ["good"] * len(y)), TypeError, "sequence of numbers"),
    "constant y": (lambda X, y, s: (X, np.full(len(y), 90.0)), ValueError, "nothing to rank"),
    "one architecture": (lambda X, y, s: (X[:1], y[:1]), ValueError, "needs at least"),
    "mixed spaces": (lambda X, y, s: (["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                                       {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}], [1.0, 2.0]),
                     ValueError, "mix search spaces"),
}


@pytest.mark.parametrize("bad", BAD_FIT_INPUTS)
def test_bad_fit_input_is_named(bad, case, data):
    name, space = case
    (X, y), _, _ = split(data, space)
    transform, error, match = BAD_FIT_INPUTS[bad]
    with pytest.raises(error, match=match):
        make(name).fit(*transform(X, y, space))


def test_bad_fit_and_predict_input_of_the_wrong_space(case, data, fitted):
    name, space = case
    (X, y), _, _ = split(data, space)
    other = "nb101" if space == "nb201" else "nb201"
    with pytest.raises(ValueError, match=f"Expected {other} architectures but got {space} ones"):
        make(name, space=other).fit(X, y)
    with pytest.raises(ValueError, match="another search space"):
        fitted.predict(_other_space_tensors(len(y), space))
    with pytest.raises(ValueError, match="X of .* has NaN or infinite features"):
        fitted.predict(_nan_features(X, y, space)[0])
    with pytest.raises(ValueError, match="Pass both X_val and y_val"):
        make(name).fit(X, y, X_val=X[:5])
    with pytest.raises(ValueError, match="y_val of .* has 4 targets but 5"):
        make(name).fit(X, y, X_val=X[:5], y_val=y[:4])


# ---------------------------------------------------------------------- persistence
def test_save_load_round_trip(case, data, fitted, tmp_path):
    _, _, (X, _) = split(data, case[1])
    loaded = type(fitted).load(fitted.save(tmp_path / "model.pt"))
    assert np.array_equal(loaded.predict(X), fitted.predict(X))
    assert loaded.get_params() == fitted.get_params()
    for attr in ("space_", "tensor_shape_", "n_train_", "seed_", "history_", "fit_seconds_"):
        assert getattr(loaded, attr) == getattr(fitted, attr), attr


def test_pickle_round_trip(case, data, fitted):
    _, _, (X, _) = split(data, case[1])
    restored = pickle.loads(pickle.dumps(fitted))
    assert np.array_equal(restored.predict(X), fitted.predict(X))
    assert restored.get_params() == fitted.get_params()


def test_load_rejects_missing_corrupt_foreign_and_future_files(case, fitted, tmp_path):
    cls = type(fitted)
    with pytest.raises(FileNotFoundError, match="No saved"):
        cls.load(tmp_path / "missing.pt")
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        cls.load(corrupt)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(1)}, foreign)
    with pytest.raises(ValueError, match=f"not a naslib_nar {cls.__name__} file"):
        cls.load(foreign)
    other = next(c for c, _ in PREDICTORS.values() if c is not cls)
    with pytest.raises(ValueError, match=f"not a naslib_nar {other.__name__} file"):
        other.load(fitted.save(tmp_path / "good.pt"))
    payload = torch.load(tmp_path / "good.pt", weights_only=True)
    payload["version"] = 99
    torch.save(payload, tmp_path / "future.pt")
    with pytest.raises(ValueError, match="format version 99"):
        cls.load(tmp_path / "future.pt")


# ---------------------------------------------------------------------- scikit-learn
@pytest.mark.parametrize("name", PREDICTORS)
def test_is_a_scikit_learn_estimator_when_it_is_installed(name, data):
    base = pytest.importorskip("sklearn.base")
    exceptions = pytest.importorskip("sklearn.exceptions")
    validation = pytest.importorskip("sklearn.utils.validation")
    est = make(name)
    assert isinstance(est, base.BaseEstimator) and NotFittedError is exceptions.NotFittedError
    with pytest.raises(exceptions.NotFittedError):
        validation.check_is_fitted(est)
    (X, y), _, _ = split(data, "nb201")
    est.fit(X, y)
    validation.check_is_fitted(est)
    assert base.clone(est).get_params() == est.get_params()


def test_works_without_scikit_learn():
    """With scikit-learn unimportable, the fallback base keeps the whole contract."""
    code = textwrap.dedent("""
        import pickle, sys
        sys.modules["sklearn"] = None  # makes every `import sklearn...` raise ImportError
        import numpy as np, torch
        torch.set_num_threads(1)
        from naslib_nar._estimator import BaseEstimator, NotFittedError, clone
        from naslib_nar.baselines.renas import ReNASPredictor
        from naslib_nar.ranker import NeuralArchitectureRanker
        from naslib_nar.spaces.nb201 import NB201Space

        assert BaseEstimator.__module__ == "naslib_nar._estimator"
        assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
        X = NB201Space().sample(30, random_state=0)
        y = (X == 3).sum(axis=1) + 0.1 * np.arange(30)
        for est in (NeuralArchitectureRanker(preset="tiny", epochs=1, random_state=0),
                    ReNASPredictor(epochs=1, random_state=0)):
            try:
                est.predict(X)
                raise SystemExit("predict before fit did not raise")
            except NotFittedError:
                pass
            assert est.set_params(random_state=1) is est and est.get_params()["random_state"] == 1
            try:
                est.set_params(bogus=1)
                raise SystemExit("set_params accepted an unknown name")
            except ValueError as exc:
                assert "Invalid parameter 'bogus'" in str(exc)
            assert "random_state=1" in repr(est)
            twin = clone(est)
            assert twin is not est and twin.get_params() == est.get_params()
            pred = est.fit(X, y).predict(X)
            assert np.array_equal(pickle.loads(pickle.dumps(est)).predict(X), pred)
            assert np.array_equal(twin.fit(X, y).predict(X), pred)
        assert "sklearn" not in [m.split(".")[0] for m, v in sys.modules.items() if v is not None]
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.split() == ["ok"], out.stderr
