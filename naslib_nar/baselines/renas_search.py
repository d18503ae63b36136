"""The ReNAS-style search ("renas"): NAR's budget regime with the ReNAS predictor.

ReNAS (Xu et al., 2021) is a predictor, not a search method; to compare it with NAR at an
equal label budget it runs NAR's budget-regime search
(:class:`~naslib_nar.search.nar.NARSearcher`): ``n_init`` random labels, then per
iteration ``candidates`` architectures drawn uniformly from the whole space (ReNAS has
neither tiers nor statistics to constrain them), the ``top_n`` by predicted score
labelled, the predictor re-fitted every ``refit_every`` iterations. Only the predictor
differs, so the comparison isolates it.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from ..search.fitter import PredictorFactory
from ..search.nar import NARSearcher, PathLike, keywords_of

__all__ = ["ReNASSearcher"]


class ReNASSearcher(NARSearcher):
    """NAR's budget regime with the "renas" predictor: uniform candidates, top-n by score.

    Parameters
    ----------
    candidates : int or None
        Candidates per iteration (None: 128 on NB201, 256 on NB101).
    top_n : int
        Architectures labelled per iteration.
    predictor : mapping or None
        Parameters of :class:`~naslib_nar.baselines.renas.ReNASPredictor` (e.g. ``{epochs: 100}``).
    n_init : int or None
        Random labels first (None: ``round(0.3 * budget)``, at least 10).
    refit_every : int
        Re-fit the predictor every this many iterations.
    ranker_cache : folder or None
        Fitted predictors kept and reused (a run option: it changes no result).
    """

    name = "renas"
    predictor_name = "renas"

    def __init__(self, *, space: str, make_predictor: PredictorFactory, candidates: Optional[int] = None,
                 top_n: int = 5, predictor: Optional[Mapping[str, Any]] = None, n_init: Optional[int] = None,
                 refit_every: int = 1, ranker_cache: Optional[PathLike] = None) -> None:
        self._configure(space, make_predictor, ranker_cache, keywords_of(locals()))
