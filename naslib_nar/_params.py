"""scikit-learn's parameter protocol without depending on scikit-learn.

``get_params`` / ``set_params`` read the constructor signature, so ``sklearn.base.clone``
and grid searches work on our estimators when scikit-learn happens to be installed,
and ``__repr__`` shows only the parameters that differ from their defaults.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict


class ParamsMixin:
    """Constructor keyword arguments are the estimator's parameters (sklearn convention)."""

    @classmethod
    def _param_names(cls) -> list:
        signature = inspect.signature(cls.__init__)
        return sorted(
            name for name, p in signature.parameters.items() if name != "self" and p.kind != p.VAR_KEYWORD
        )

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> "ParamsMixin":
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {sorted(valid)}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items() if name != "self"
        }
        changed = {k: v for k, v in self.get_params().items() if defaults.get(k, inspect.Parameter.empty) != v}
        args = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"{type(self).__name__}({args})"
