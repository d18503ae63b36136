"""What every ranking predictor of the package shares: the NAR and the ReNAS baseline.

Both are torch networks trained on encoded architectures to rank them; they differ only
in their network and how it is trained. Everything else is here, once: the
scikit-learn estimator protocol, the parameter checks ``fit`` applies, turning the
user's architectures into validated feature tensors through ``spaces``, the seed and
the device, the fitted attributes, ``rank`` / ``score``, and ``save`` / ``load``.

Checkpoints are plain dicts of tensors and Python primitives with a format name and
version, written atomically and read back with ``torch.load(weights_only=True)`` (no
code is unpickled); missing, damaged, foreign or incompatible files raise clear errors.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar, Dict, Optional, Tuple, Type, TypeVar, Union

import numpy as np
import torch
from scipy.stats import kendalltau

from .._estimator import BaseEstimator, check_fitted
from .._io import atomic_save_with
from .._validation import check_features, check_param, check_targets
from ..spaces.encoded import EncodedArchs, encode_archs

#: Checks (``check_param`` keyword arguments) of the parameters every ranking predictor has.
COMMON_PARAM_CHECKS: Dict[str, Dict[str, Any]] = {
    "space": dict(kind=str, choices=("nb101", "nb201"), allow_none=True),
    "dataset": dict(kind=str, choices=("cifar10", "cifar100", "imagenet16")),
    "device": dict(kind=str, choices=("auto", "cpu", "cuda")),
    "random_state": dict(kind=int, min_val=0, allow_none=True),
    "progress": dict(kind=bool),
}

#: Validation data as handed to ``_fit_model``: encoded architectures and their targets.
Validation = Optional[Tuple[EncodedArchs, np.ndarray]]
E = TypeVar("E", bound="RankingEstimator")


class RankingEstimator(BaseEstimator):
    """Base of a torch predictor whose scores rank architectures (higher is better).

    A subclass stores its keyword parameters in ``__init__`` and provides:

    * ``_param_checks``: every constructor parameter mapped to its ``check_param``
      arguments (``COMMON_PARAM_CHECKS`` plus its own), applied at the top of ``fit``;
    * ``_format`` / ``_what``: the checkpoint's format name and how messages name the model;
    * ``_fit_model(enc, y, val, *, seed, device) -> (network, history)``: seed torch,
      build and train the network (inside a forked RNG), set its own fitted attributes;
    * ``predict(X)``, starting from :meth:`_encode_fitted`;
    * ``_extra_state()`` / ``_restore(payload)``: what its checkpoint holds beyond the
      common fields, and rebuilding ``model_`` and its own attributes from it.
    """

    _param_checks: ClassVar[Dict[str, Dict[str, Any]]] = COMMON_PARAM_CHECKS
    _format: ClassVar[str]
    _format_version: ClassVar[int] = 1
    _what: ClassVar[str]

    # ------------------------------------------------------------------ validation
    def _check_params(self) -> None:
        for name, spec in self._param_checks.items():
            check_param(name, getattr(self, name), owner=self, **spec)

    def _min_train_size(self) -> Tuple[int, str]:
        """The fewest training architectures ``fit`` accepts, and what they are needed for."""
        return 2, "to rank"

    def _encode(self, X: Any, space: Optional[str], name: str = "X") -> EncodedArchs:
        """Architectures in any accepted form (see ``spaces.encoded``) as finite feature tensors."""
        enc = encode_archs(X, space=space, dataset=self.dataset)
        check_features(enc.tensors, owner=self, name=name)
        return enc

    def _encode_fitted(self, X: Any) -> EncodedArchs:
        """Encode ``X`` for prediction: the predictor is fitted and ``X`` is of its space."""
        check_fitted(self, ["model_"])
        enc = self._encode(X, None)
        shape = tuple(enc.tensors.shape[1:])
        if enc.space != self.space_ or shape != self.tensor_shape_:
            raise ValueError(
                f"X holds {enc.space} architectures with features of shape {shape}, but this "
                f"{type(self).__name__} was fitted on {self.space_} features of shape {self.tensor_shape_}. "
                "Did you pass architectures of another search space?"
            )
        return enc

    def _torch_device(self) -> torch.device:
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError("device='cuda' was requested but CUDA is not available; use device='cpu' or 'auto'.")
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)

    def _model_device(self) -> torch.device:
        return next(self.model_.parameters()).device

    # ------------------------------------------------------------------ fit
    def fit(self: E, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None) -> E:
        """Train on architectures ``X`` with accuracies ``y`` (higher is better); return ``self``.

        ``X`` holds architectures in their space's native form (NB101 cells, NB201 strings
        or op indices), an ``EncodedArchs`` bundle or feature tensors. With ``X_val`` /
        ``y_val`` the epoch with the best validation Kendall tau is kept.
        """
        self._check_params()
        enc = self._encode(X, self.space)
        y = check_targets(y, n_expected=len(enc), owner=self)
        n_min, purpose = self._min_train_size()
        if len(enc) < n_min:
            raise ValueError(
                f"{type(self).__name__} needs at least {n_min} training architectures {purpose}; got {len(enc)}."
            )
        if np.ptp(y) == 0:
            raise ValueError(
                f"All {len(y)} targets are equal ({y[0]!r}): there is nothing to rank. Check that y holds the "
                "architectures' accuracies."
            )
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        val = None
        if X_val is not None:
            enc_val = self._encode(X_val, enc.space, name="X_val")
            val = (enc_val, check_targets(y_val, n_expected=len(enc_val), owner=self, name="y_val"))

        seed = self.random_state if self.random_state is not None else int(np.random.SeedSequence().entropy % 2**31)
        device = self._torch_device()
        start = time.perf_counter()
        # Seeding inside a forked RNG leaves the caller's global torch state untouched.
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            model, history = self._fit_model(enc, y, val, seed=seed, device=device)
        self.fit_seconds_ = time.perf_counter() - start
        self.model_ = model.cpu().eval() if device.type == "cpu" else model.eval()
        self.space_ = enc.space
        self.tensor_shape_ = tuple(enc.tensors.shape[1:])
        self.n_train_ = len(enc)
        self.seed_ = seed
        self.history_ = history
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    # ------------------------------------------------------------------ ranking
    def rank(self, X: Any) -> np.ndarray:
        """Indices of ``X`` from best to worst predicted."""
        return np.argsort(-self.predict(X), kind="stable")

    def score(self, X: Any, y: Any) -> float:
        """Kendall tau between predicted scores and ``y`` (scikit-learn's ``score`` hook)."""
        pred = self.predict(X)
        y = check_targets(y, n_expected=len(pred), owner=self)
        return float(kendalltau(pred, y).statistic)

    # ------------------------------------------------------------------ persistence
    def save(self, path: Union[str, Path]) -> Path:
        """Write the fitted predictor to ``path`` atomically; :meth:`load` reads it back."""
        check_fitted(self, ["model_"])
        record = {
            "format": self._format,
            "version": self._format_version,
            "params": self.get_params(),
            "state_dict": {k: v.detach().cpu() for k, v in self.model_.state_dict().items()},
            "space": self.space_,
            "tensor_shape": list(self.tensor_shape_),
            "n_train": self.n_train_,
            "seed": self.seed_,
            "history": self.history_,
            "fit_seconds": self.fit_seconds_,
            **self._extra_state(),
        }
        return atomic_save_with(path, lambda tmp: torch.save(record, tmp))

    @classmethod
    def load(cls: Type[E], path: Union[str, Path]) -> E:
        """Load a predictor written by :meth:`save`; damaged, foreign or newer files raise ValueError."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No saved {cls._what} at {str(path)!r}.")
        try:
            payload = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises many types for a damaged file
            raise ValueError(
                f"{str(path)!r} is not a readable {cls._what} file (corrupt or truncated?): {exc}"
            ) from None
        if not isinstance(payload, dict) or payload.get("format") != cls._format:
            raise ValueError(f"{str(path)!r} is not a naslib_nar {cls.__name__} file.")
        if payload.get("version") != cls._format_version:
            raise ValueError(
                f"{str(path)!r} was written in model format version {payload.get('version')}; this naslib_nar reads "
                f"version {cls._format_version}. Re-fit the model or use the naslib_nar release that wrote it."
            )
        try:
            est = cls(**payload["params"])
            est._restore(payload)
            est.space_ = payload["space"]
            est.tensor_shape_ = tuple(payload["tensor_shape"])
            est.n_train_ = payload["n_train"]
            est.seed_ = payload["seed"]
            est.history_ = payload["history"]
            est.fit_seconds_ = payload["fit_seconds"]
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            # A field is missing, or the weights do not fit the model the file describes
            # (torch lists every mismatched tensor on its own line: the first is shown).
            raise ValueError(f"{str(path)!r} does not hold a consistent {cls._what}: {_first_detail(exc)}. The file "
                             "was altered or damaged; re-fit the model and save it again.") from None
        return est


def _first_detail(exc: BaseException) -> str:
    """One line of a (possibly many-line) load error: its first specific line, and how many more."""
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r} field"
    lines = [line.strip().rstrip(".") for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    details = lines[1:] if len(lines) > 1 and lines[0].endswith(":") else lines
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return details[0] + more
