"""scikit-learn's estimator base when scikit-learn is installed, a minimal equivalent when not.

scikit-learn is optional (only the ``test`` extra installs it). With it, our predictors
*are* scikit-learn estimators: ``sklearn.base.clone``, grid searches and
``check_is_fitted`` treat them as their own, and predicting before fitting raises
scikit-learn's ``NotFittedError``. Without it the fallback keeps the same semantics:
the parameters are the constructor's keyword arguments, ``__init__`` only stores them,
``get_params`` / ``set_params`` / :func:`clone` work from the signature, and
``NotFittedError`` subclasses ``ValueError`` and ``AttributeError`` as scikit-learn's does.

Importing scikit-learn takes about a second, so only the predictor modules (which import
torch anyway) import this module; ``naslib_nar`` and its light layers never do. That is
also why :func:`check_fitted` lives here rather than in ``_validation.py``, which every
layer imports.
"""
from __future__ import annotations

import copy
import inspect
from typing import Any, Dict, List, Sequence

try:  # optional dependency, imported here because the base class is chosen once, at import
    from sklearn.base import BaseEstimator, clone
    from sklearn.exceptions import NotFittedError
except ImportError:

    class NotFittedError(ValueError, AttributeError):  # type: ignore[no-redef]
        """A predictor was used before ``fit`` (scikit-learn's exception when it is installed)."""

    class BaseEstimator:  # type: ignore[no-redef]
        """The constructor's keyword arguments are the estimator's parameters (scikit-learn convention)."""

        @classmethod
        def _get_param_names(cls) -> List[str]:
            signature = inspect.signature(cls.__init__)
            return sorted(
                name for name, p in signature.parameters.items() if name != "self" and p.kind != p.VAR_KEYWORD
            )

        def get_params(self, deep: bool = True) -> Dict[str, Any]:
            """Parameter names mapped to their values (``deep`` is accepted for compatibility)."""
            return {name: getattr(self, name) for name in self._get_param_names()}

        def set_params(self, **params: Any) -> "BaseEstimator":
            """Set parameters by name and return ``self``; unknown names raise ValueError."""
            valid = self._get_param_names()
            for name, value in params.items():
                if name not in valid:
                    raise ValueError(
                        f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                        f"Valid parameters are: {valid!r}."
                    )
                setattr(self, name, value)
            return self

        def __repr__(self) -> str:
            defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
            changed = {k: v for k, v in self.get_params().items() if defaults.get(k, inspect.Parameter.empty) != v}
            return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    def clone(estimator: Any) -> Any:  # type: ignore[no-redef]
        """A new, unfitted estimator with deep copies of ``estimator``'s parameters."""
        return type(estimator)(**{k: copy.deepcopy(v) for k, v in estimator.get_params(deep=False).items()})


__all__ = ["BaseEstimator", "NotFittedError", "check_fitted", "clone"]


def check_fitted(estimator: Any, attributes: Sequence[str]) -> None:
    """Raise :class:`NotFittedError` when ``estimator`` lacks any of the fitted ``attributes``."""
    if any(not hasattr(estimator, a) for a in attributes):
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with training "
            "architectures and their accuracies (or 'load' a saved model) before using it."
        )
