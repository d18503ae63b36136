"""The optimizers and predictors our NASLib runners accept, by name.

NASLib has no registry: its runner scripts hold dict literals. These tables hold NASLib's
entries plus ours (``nar_sampler``; ``nar``, ``renas``). Importing this module imports no
NASLib: an optimizer's module is imported, and a predictor built, only when one is asked for.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Tuple

import numpy as np

from .._validation import closest

__all__ = ["OPTIMIZERS", "PREDICTORS", "make_optimizer", "make_naslib_predictor", "unknown_name_message"]

#: name -> (module, class) of every optimizer the nas runner accepts.
OPTIMIZERS: Dict[str, Tuple[str, str]] = {
    "rs": ("naslib.optimizers", "RandomSearch"),
    "re": ("naslib.optimizers", "RegularizedEvolution"),
    "ls": ("naslib.optimizers", "LocalSearch"),
    "bananas": ("naslib.optimizers", "Bananas"),
    "npenas": ("naslib.optimizers", "Npenas"),
    "nar_sampler": ("naslib_nar.naslib.optimizer", "NARSampler"),
}


def _encoding(name: str) -> Callable[[Any], Any]:
    """``config -> naslib.utils.encodings.EncodingType.<name>`` (resolved when the predictor is built)."""
    def encoding(config: Any) -> Any:
        from naslib.utils.encodings import EncodingType  # NASLib itself: optional, imported on use

        return getattr(EncodingType, name)
    return encoding


def _hp_file(config: Any) -> Any:
    return config.get("hparams_from_file", False)


def _naslib(cls: str, **kwargs: Any) -> Callable[[Any], Any]:
    """Factory of one of NASLib's predictors, built as NASLib's predictors runner builds it
    (a callable keyword value is evaluated on the config)."""
    def build(config: Any) -> Any:
        module = importlib.import_module("naslib.predictors")
        options = {k: (v(config) if callable(v) else v) for k, v in kwargs.items()}
        return Float64Predictions(getattr(module, cls)(**options))
    return build


def _ours(cls: str, key: str) -> Callable[[Any], Any]:
    """Factory of our predictor ``cls``, its parameters from the config block ``key``."""
    def build(config: Any) -> Any:
        from . import predictor  # subclasses NASLib's Predictor, so imports NASLib: loaded on use

        return getattr(predictor, cls)(dataset=config.dataset, **dict(config.get(key) or {}))
    return build


_ADJACENCY = _encoding("ADJACENCY_ONE_HOT")

#: name -> factory(config) of every predictor the predictors runner accepts: ours, and the
#: model-based predictors of NASLib's runner that need neither learning curves nor image data.
PREDICTORS: Dict[str, Callable[[Any], Any]] = {
    "nar": _ours("NARPredictor", "nar"),
    "renas": _ours("ReNASPredictor", "renas"),
    "xgb": _naslib("XGBoost", encoding_type=_ADJACENCY, hpo_wrapper=False, hparams_from_file=_hp_file),
    "gcn": _naslib("GCNPredictor", encoding_type=_encoding("GCN"), hpo_wrapper=True),
    "mlp": _naslib("MLPPredictor", encoding_type=_ADJACENCY, hpo_wrapper=False, hparams_from_file=_hp_file),
    "lgb": _naslib("LGBoost", encoding_type=_ADJACENCY, hpo_wrapper=False),
    "rf": _naslib("RandomForestPredictor", encoding_type=_ADJACENCY, hpo_wrapper=False, hparams_from_file=_hp_file),
    "bayes_lin_reg": _naslib("BayesianLinearRegression", encoding_type=_ADJACENCY),
    "ngb": _naslib("NGBoost", encoding_type=_ADJACENCY, hpo_wrapper=False),
    "gp": _naslib("GPPredictor", encoding_type=_ADJACENCY, hparams_from_file=_hp_file),
    "sparse_gp": _naslib("SparseGPPredictor", encoding_type=_ADJACENCY, optimize_gp_hyper=True),
    "var_sparse_gp": _naslib("VarSparseGPPredictor", encoding_type=_ADJACENCY, optimize_gp_hyper=True),
    "bohamiann": _naslib("BOHAMIANN", encoding_type=_ADJACENCY, hparams_from_file=_hp_file),
    "dngo": _naslib("DNGOPredictor", encoding_type=_ADJACENCY),
    "bananas": _naslib("Ensemble", predictor_type="bananas", num_ensemble=3, hpo_wrapper=True),
}


class Float64Predictions:
    """A NASLib predictor whose ``query`` returns float64.

    NASLib's MLP returns float32, which ``PredictorEvaluator`` cannot write to errors.json
    (``TypeError: Object of type float32 is not JSON serializable``). Everything else,
    attribute writes included, goes to the wrapped predictor.
    """

    def __init__(self, predictor: Any) -> None:
        self.__dict__["predictor"] = predictor

    def query(self, xtest: Any, info: Any = None) -> np.ndarray:
        return np.asarray(self.__dict__["predictor"].query(xtest, info), dtype=np.float64)

    def __getattr__(self, name: str) -> Any:
        try:
            inner = self.__dict__["predictor"]
        except KeyError:  # during copy.deepcopy, before __dict__ is restored
            raise AttributeError(name) from None
        return getattr(inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.__dict__["predictor"], name, value)


def unknown_name_message(kind: str, name: Any, valid: Any) -> str:
    """"Unknown optimizer 'nar_samplr'. Did you mean 'nar_sampler'? Available: [...]"."""
    suggestion = closest(name, valid)
    hint = f" Did you mean {suggestion!r}?" if suggestion else ""
    return f"Unknown {kind} {name!r}.{hint} Available: {sorted(valid)}."


def make_optimizer(name: str, config: Any) -> Any:
    """An instance of optimizer ``name`` (see :data:`OPTIMIZERS`) built from NASLib's config."""
    if name not in OPTIMIZERS:
        raise ValueError(unknown_name_message("optimizer", name, OPTIMIZERS))
    module, cls = OPTIMIZERS[name]
    return getattr(importlib.import_module(module), cls)(config)


def make_naslib_predictor(name: str, config: Any) -> Any:
    """An instance of predictor ``name`` (see :data:`PREDICTORS`) for NASLib's PredictorEvaluator."""
    if name not in PREDICTORS:
        raise ValueError(unknown_name_message("predictor", name, PREDICTORS))
    return PREDICTORS[name](config)
