"""What every ranking predictor of the package shares (NAR and the ReNAS baseline):
the scikit-learn parameter protocol, ``rank``, ``score`` and the check that new
architectures belong to the space the predictor was fitted on."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._params import ParamsMixin
from ._validation import check_targets


class RankingPredictorMixin(ParamsMixin):
    """Needs ``predict(X)`` and, once fitted, ``space_`` and ``tensor_shape_``."""

    def _check_same_space(self, enc: Any) -> None:
        shape = tuple(enc.tensors.shape[1:])
        if enc.space != self.space_ or shape != self.tensor_shape_:
            raise ValueError(
                f"X holds {enc.space} architectures with features of shape {shape}, but this "
                f"{type(self).__name__} was fitted on {self.space_} features of shape {self.tensor_shape_}. "
                "Did you pass architectures of another search space?"
            )

    def rank(self, X: Any) -> np.ndarray:
        """Indices of ``X`` from best to worst predicted."""
        return np.argsort(-self.predict(X), kind="stable")

    def score(self, X: Any, y: Any) -> float:
        """Kendall tau between predicted scores and ``y`` (scikit-learn's ``score`` hook)."""
        from scipy.stats import kendalltau

        pred = self.predict(X)
        y = check_targets(y, n_expected=len(pred), owner=self)
        return float(kendalltau(pred, y).statistic)
