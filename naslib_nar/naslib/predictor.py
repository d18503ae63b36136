"""NASLib predictors backed by naslib_nar estimators: ``NARPredictor`` ('nar') and
``ReNASPredictor`` ('renas'). Imports NASLib; loaded on demand by ``naslib_nar.naslib``.

Both follow NASLib's :class:`~naslib.predictors.predictor.Predictor` surface: ``fit(xtrain,
ytrain, info=None)`` takes NASLib graphs and accuracies in percent, ``query(xtest, info=None)``
returns a 1-D float64 array (one score per graph, also for a single graph), and the
hyperparameter hooks (``get_hpo_wrapper``, ``set_random_hyperparams``, ``default_hyperparams``,
``set_hyperparams`` / ``get_hyperparams`` / ``reset_hyperparams``) make NASLib's cross-validated
HPO in ``PredictorEvaluator`` work. Graphs are converted to our arrays
(:mod:`naslib_nar.naslib.convert`), our spaces compute FLOPs/params and features, and the
fitting is the estimator's own.

The estimators output relative scores. By default (``calibrate=True``) the scores are mapped
by a monotone affine map onto the training accuracies (same mean and standard deviation), so
NASLib's MAE/RMSE are on the accuracy scale; rank metrics (Kendall tau, Spearman) do not change.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional, Tuple

import numpy as np
from naslib.predictors.predictor import Predictor

from .._validation import check_param
from ..baselines.registry import make_predictor
from ..baselines.renas import ReNASPredictor as Estimator
from ..ranker.presets import model_preset, train_preset
from ..spaces.datasets import check_dataset
from .convert import graphs_to_archs, space_of

__all__ = ["EstimatorPredictor", "NARPredictor", "ReNASPredictor"]


class EstimatorPredictor(Predictor):
    """A NASLib predictor that delegates to one of naslib_nar's estimators.

    Subclasses set ``name`` (the key of :func:`naslib_nar.baselines.registry.make_predictor`)
    and ``hyperparameter_grid`` (parameter -> factors of its default tried by NASLib's HPO).

    Parameters
    ----------
    ss_type : str, optional
        NASLib search-space type ('nasbench101' / 'nasbench201'); ``PredictorEvaluator`` and
        the optimizers set it. When None it is read from the training graphs.
    encoding_type : ignored
        Kept for NASLib's signature; the estimators build their own feature tensors.
    dataset : str
        NB201 dataset whose input resolution sets the FLOPs in the features ('cifar10',
        'cifar100', 'ImageNet16-120').
    hpo_wrapper : bool
        Let ``PredictorEvaluator`` tune ``hyperparameter_grid`` when its ``max_hpo_time > 0``.
    calibrate : bool
        Map scores onto the accuracy scale of the training set (monotone; see the module doc).
    random_state : int, optional
        Seed of the estimator. None draws one from ``np.random``, which NASLib's
        ``utils.set_seed`` seeds, so NASLib runs stay reproducible.
    **params
        Estimator parameters, e.g. ``preset="tiny"`` or ``epochs=20``.
    """

    name = ""
    hyperparameter_grid: Dict[str, Tuple[float, ...]] = {}

    def __init__(self, ss_type: Optional[str] = None, encoding_type: Any = None, *, dataset: str = "cifar10",
                 hpo_wrapper: bool = False, calibrate: bool = True, random_state: Optional[int] = None,
                 **params: Any) -> None:
        super().__init__(ss_type=ss_type, encoding_type=encoding_type)
        self.dataset = dataset
        self.hpo_wrapper = hpo_wrapper
        self.calibrate = calibrate
        self.random_state = random_state
        self.params = params
        self.hyperparams: Optional[Dict[str, Any]] = None

    # ------------------------------------------------------------------ hooks for subclasses
    def _base_values(self, space: str) -> Dict[str, Any]:
        """The value each key of ``hyperparameter_grid`` has without HPO (preset or default)."""
        raise NotImplementedError

    def _estimator_params(self, n_train: int) -> Dict[str, Any]:
        return {**self.params, **(self.hyperparams or {})}

    # ------------------------------------------------------------------ NASLib's hyperparameter hooks
    def _space_or_default(self) -> str:
        return space_of(self.ss_type) if self.ss_type is not None else "nb201"

    @property
    def default_hyperparams(self) -> Dict[str, Any]:
        """The estimator's own values of the tuned parameters (what fit uses without HPO)."""
        return dict(self._base_values(self._space_or_default()))

    def set_random_hyperparams(self) -> Dict[str, Any]:
        """Draw each tuned parameter from its grid with ``np.random`` (seeded by NASLib)."""
        base = self.default_hyperparams
        drawn = {}
        for key, factors in self.hyperparameter_grid.items():
            value = base[key] * factors[np.random.randint(len(factors))]
            drawn[key] = int(round(value)) if isinstance(base[key], int) else float(value)
        self.hyperparams = drawn
        return dict(drawn)

    # ------------------------------------------------------------------ fit / query
    def fit(self, xtrain: Any, ytrain: Any, info: Any = None) -> "EstimatorPredictor":
        """Fit on NASLib graphs ``xtrain`` and their accuracies ``ytrain`` (percent)."""

        check_param("calibrate", self.calibrate, bool, owner=self)
        check_param("hpo_wrapper", self.hpo_wrapper, bool, owner=self)
        check_param("random_state", self.random_state, int, owner=self, min_val=0, allow_none=True)
        dataset = check_dataset(self.dataset, type(self).__name__)
        xtrain = list(xtrain)
        space = space_of(self.ss_type if self.ss_type is not None else (xtrain[0] if xtrain else "nb201"))
        archs = graphs_to_archs(xtrain, space)
        y = np.asarray(ytrain, dtype=np.float64).reshape(-1)
        if len(y) != len(archs):
            raise ValueError(f"{type(self).__name__}.fit got {len(archs)} architectures but {len(y)} accuracies.")
        if self.hyperparams is None:
            self.hyperparams = self.default_hyperparams
        seed = self.random_state if self.random_state is not None else int(np.random.randint(0, 2**31 - 1))
        estimator = make_predictor(self.name, space=space, dataset=dataset, seed=seed,
                                   params=self._estimator_params(len(y)))
        estimator.fit(archs, y)
        self.estimator_, self.space_ = estimator, space
        self.calibration_ = None
        if self.calibrate:
            scores = np.asarray(estimator.predict(archs), dtype=np.float64)
            spread = float(scores.std())
            self.calibration_ = (float(scores.mean()), spread if spread > 0 else 1.0, float(y.mean()), float(y.std()))
        return self

    def query(self, xtest: Any, info: Any = None) -> np.ndarray:
        """Scores (float64, shape ``(len(xtest),)``; higher is better) of NASLib graphs."""
        if not hasattr(self, "estimator_"):
            raise ValueError(f"This {type(self).__name__} is not fitted yet. Call 'fit' before 'query'.")
        xtest = list(xtest)
        if not xtest:
            return np.zeros(0, dtype=np.float64)
        scores = np.asarray(self.estimator_.predict(graphs_to_archs(xtest, self.space_)), dtype=np.float64)
        if self.calibration_ is not None:
            s_mean, s_std, y_mean, y_std = self.calibration_
            scores = y_mean + y_std * (scores - s_mean) / s_std
        return scores.reshape(-1)


class NARPredictor(EstimatorPredictor):
    """NASLib predictor 'nar': the Neural Architecture Ranker (:class:`NeuralArchitectureRanker`).

    ``preset`` defaults to 'fast' (pass ``preset='faithful'`` for the paper's sizes, 'tiny' for
    tests). NAR needs ``n_tiers`` (5) training architectures; with fewer (NASLib's default
    configs start at 3) it uses one tier per architecture (at least 2). HPO tunes ``lr_mul``,
    ``dim`` and ``epochs`` around the preset's values.
    """

    name = "nar"
    hyperparameter_grid = {"lr_mul": (0.5, 1.0, 2.0), "dim": (0.5, 1.0, 2.0), "epochs": (0.5, 1.0, 1.5)}

    def _base_values(self, space: str) -> Dict[str, Any]:
        preset = self.params.get("preset", "fast")
        train, model = train_preset(space, preset), model_preset(space, preset)
        values = {"lr_mul": float(train["lr_mul"]), "dim": int(model["dim"]), "epochs": int(train["epochs"])}
        values.update({k: self.params[k] for k in values if self.params.get(k) is not None})
        return values

    def _estimator_params(self, n_train: int) -> Dict[str, Any]:
        params = super()._estimator_params(n_train)
        if n_train < 2:
            raise ValueError(f"NARPredictor needs at least 2 training architectures to rank; got {n_train}.")
        params["n_tiers"] = min(int(params.get("n_tiers", 5)), n_train)
        return params


class ReNASPredictor(EstimatorPredictor):
    """NASLib predictor 'renas': the ReNAS baseline (:class:`naslib_nar.baselines.renas.ReNASPredictor`).

    HPO tunes ``lr``, ``epochs`` and ``weight_decay`` around their defaults.
    """

    name = "renas"
    hyperparameter_grid = {"lr": (0.3, 1.0, 3.0), "epochs": (0.5, 1.0), "weight_decay": (0.1, 1.0, 10.0)}

    def _base_values(self, space: str) -> Dict[str, Any]:
        signature = inspect.signature(Estimator.__init__).parameters
        values = {k: signature[k].default for k in self.hyperparameter_grid}
        values.update({k: self.params[k] for k in values if self.params.get(k) is not None})
        return {k: (int(v) if k == "epochs" else float(v)) for k, v in values.items()}
