"""NAR's search as ask/tell searchers: the paper's regime ("nar_paper") and the label-budget one ("nar").

Both obtain every label through the runner (:func:`~naslib_nar.search.runner.run_search`)
and propose with the same :class:`~naslib_nar.search.proposer.Proposer`; they differ in
how the predictor is trained and which labels count.

* :class:`NARPaperSearcher` (§4, Appendix B): a random training set (1,000 + 256
  validation on NB201, 4,236 + 1,024 on NB101) is asked for with kinds 'train' / 'val',
  which are NOT charged (``budget`` counts search queries only; 50 * n = 250 when it is
  None). The ranker is fitted once (epoch chosen on the validation labels), then 50
  iterations ask for n architectures each. As in the paper, only the search queries count
  for the protocols, and an architecture of the training set may be queried again by the
  search (it is excluded only once the search itself has queried it): the paper's search
  does not know its training set either, and excluding it would hide the optimum from the
  search in about 8% of NB201 runs.
* :class:`NARSearcher` (budget regime): every label counts. ``n_init`` random labels
  (default 10: twice the predictor's tiers, whatever the budget, so a run of B labels is
  the first B labels of any longer run) train the ranker on all of them (no validation
  split: with tens of labels a held-out set cannot pick an epoch and would cost budget);
  then each iteration samples k candidates (default 32 on NB201, 64 on NB101) with the
  current tier statistics, adds the neighbourhoods of the ``neighbours`` best labelled
  architectures (default 5: the labelled top tier; the queryable architectures at most
  ``neighbour_radius`` mutations away, default 1), and asks for ``top_n``
  (default 10) never-labelled candidates chosen by Thompson sampling from the ranker's
  own outputs (``acquisition='thompson'``: a tier drawn from each candidate's tier
  probabilities, then a Plackett-Luce order of the scores at ``temperature`` 3; see
  :func:`~naslib_nar.search.proposer.choose`); they join the training set and the
  ranker is re-fitted every ``refit_every`` iterations until the budget is spent. With
  ``refit_epochs`` (default 20) the re-fits continue training the previous model for that
  many epochs (a warm start) instead of training a new one from scratch
  (``refit_epochs=None``). ``candidates=128, acquisition='tier_score'`` is the budget
  regime before the Thompson choice; ``neighbours=0, top_n=5, refit_epochs=None,
  n_init=round(0.3 * budget)`` the first one (the ablations' baseline rows).
  ``nar_paper`` takes ``neighbours`` / ``acquisition`` too (defaults: the paper's, none
  and T1 by score).

The ReNAS-style search (:mod:`naslib_nar.baselines.renas_search`) is the budget regime
with another predictor. The predictor comes from the injected ``make_predictor`` (the
registry's), so this layer knows no predictor class. ``ranker_cache`` (a folder) keeps
fitted predictors for reuse across runs (see :class:`~naslib_nar.search.fitter.PredictorFitter`);
it changes no result, so it is a run option, not a parameter.

A trace's ``info`` holds the resolved settings, the sampling counters (``n_scored``,
``accepted_late``, ``unlabelled_resampled``, ...) and the predictor's fit times.
"""
from __future__ import annotations

import math
import os
from abc import abstractmethod
from typing import Any, Dict, List, Mapping, Optional, Union

import numpy as np

from .._validation import check_param
from .fitter import PredictorFactory, PredictorFitter
from .pool import CandidatePool
from .proposer import Proposer
from .searcher import Ask, SearchContext, Searcher
from .selection import DEFAULT_NOISE_LEVEL, DEFAULT_SMOOTHING, DEFAULT_ZETA, DEFAULT_ZETA_OPS
from .settings import INIT_FRACTION, resolve
from .trace import LABEL_KINDS

__all__ = ["NARSearcher", "NARPaperSearcher", "keywords_of", "TIERLESS_MIN_INIT"]

#: Smallest default initial design for a predictor without tiers (ReNAS): the 2 * 5 labels
#: NAR's default five tiers need.
TIERLESS_MIN_INIT = 10
#: Constructor arguments that are not method parameters.
_NOT_PARAMS = ("self", "space", "make_predictor", "ranker_cache")
PathLike = Union[str, "os.PathLike[str]"]


def keywords_of(local_vars: Mapping[str, Any]) -> Dict[str, Any]:
    """A searcher constructor's method parameters, from its ``locals()``."""
    return {key: value for key, value in local_vars.items() if key not in _NOT_PARAMS and not key.startswith("__")}


def _empty() -> Ask:
    return Ask(np.zeros(0, dtype=np.int64))


class _NARSearch(Searcher):
    """What both regimes share: settings, candidate pool, proposer, predictor fits and the labels told.

    A regime implements ``_plan`` (the asks before the first fit and the planned
    iterations), ``_ranker_due`` (whether to (re-)fit before the next iteration),
    ``_fit`` and ``_exclude`` (rows the search must not propose).
    """

    rng_stream = 2024  # the stream NAR has always sampled from: same seed, same trace
    predictor_name = "nar"
    regime = ""

    def _configure(self, space: str, make_predictor: PredictorFactory, ranker_cache: Optional[PathLike],
                   params: Dict[str, Any]) -> None:
        """Store and check the constructor's arguments: a bad value fails before the run starts."""
        self.space, self.make_predictor, self.ranker_cache, self.params = space, make_predictor, ranker_cache, params
        owner = f"search method {self.name!r}"
        check_param("ranker_cache", ranker_cache, (str, os.PathLike), owner=owner, allow_none=True)
        if not callable(make_predictor):
            raise TypeError(f"The 'make_predictor' argument of {owner} must be a callable "
                            f"make_predictor(name, *, space, dataset, seed, params). Got {make_predictor!r}.")
        self.settings = resolve(self.name, space, params)

    # ------------------------------------------------------------------ ask / tell
    def start(self, context: SearchContext) -> None:
        super().start(context)
        if context.bench.space != self.space:
            raise ValueError(f"search method {self.name!r} was configured for {self.space} but the benchmark is "
                             f"{context.bench.space}; build the searcher with space={context.bench.space!r}.")
        self.pool = CandidatePool(context.bench, context.queryable)
        cache = None if self.ranker_cache is None else str(self.ranker_cache)
        self.fitter = PredictorFitter(
            self.predictor_name, self.make_predictor, context.bench, self.pool, context.seed, self.settings.predictor,
            owner=f"search method {self.name!r}", cache_dir=cache, warm_epochs=self.settings.refit_epochs)
        self._rows: Dict[str, List[np.ndarray]] = {kind: [] for kind in LABEL_KINDS}
        self._values: Dict[str, List[np.ndarray]] = {kind: [] for kind in LABEL_KINDS}
        self._initial: List[Ask] = []
        self._fitted = False
        iterations = self._plan(context)
        self.proposer = Proposer(self.pool, self.settings, context.rng, iterations)

    def ask(self, n: int) -> Ask:
        """The initial design first (uncharged in the paper regime, so ``n`` does not bound
        it there), then one iteration's top-n; an iteration with no eligible candidate is
        skipped; empty once the planned iterations are done."""
        if self._initial:
            return self._initial.pop(0)
        if self._ranker_due():
            self.proposer.set_ranker(self._fit())
            self._fitted = True
        while self.proposer.iteration < self.proposer.iterations:
            rows = self.proposer.select(min(self.settings.top_n, n), self._exclude(), self._parents())
            if len(rows):
                return Ask(rows, "search")
        return _empty()

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        self._rows[ask.kind].append(ask.rows)
        self._values[ask.kind].append(np.asarray(values, dtype=np.float64))

    def labelled(self, *kinds: str) -> np.ndarray:
        """Rows told so far of ``kinds``, in the order they were told (repeats kept)."""
        parts = [rows for kind in kinds for rows in self._rows[kind]]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def observed(self, *kinds: str) -> np.ndarray:
        """The values told for :meth:`labelled`'s rows."""
        parts = [values for kind in kinds for values in self._values[kind]]
        return np.concatenate(parts) if parts else np.zeros(0)

    def info(self) -> Dict[str, Any]:
        counted = None if tuple(self.charged_kinds) == LABEL_KINDS else list(self.charged_kinds)
        return {"regime": self.regime, "counted_kinds": counted, **self._regime_info(),
                "settings": self.settings.to_dict(), **self.proposer.info(), **self.fitter.info()}

    # ------------------------------------------------------------------ regime hooks
    @abstractmethod
    def _plan(self, context: SearchContext) -> int:
        """Queue the asks before the first fit (``self._initial``); return the planned iterations."""

    @abstractmethod
    def _ranker_due(self) -> bool:
        """Whether to (re-)fit the predictor before the next iteration."""

    @abstractmethod
    def _fit(self) -> Any:
        """The predictor fitted on the labels told so far."""

    @abstractmethod
    def _exclude(self) -> np.ndarray:
        """Rows the search must not propose."""

    def _regime_info(self) -> Dict[str, Any]:
        return {}

    def _parents(self) -> Optional[np.ndarray]:
        """The ``neighbours`` best labelled rows by observed validation accuracy, every label
        told so far (None when ``neighbours`` is 0: sampled candidates only)."""
        m = self.settings.neighbours
        if m == 0:
            return None
        rows, values = self.labelled(*LABEL_KINDS), self.observed(*LABEL_KINDS)
        return rows[np.argsort(-values, kind="stable")[:m]]


class NARPaperSearcher(_NARSearch):
    """The paper's regime: train on uncharged labels, then ``budget`` search queries (default 50 * n).

    Parameters are those of :class:`~naslib_nar.search.settings.SearchSettings`
    (``train_size`` / ``val_size`` / ``candidates`` None: the space's values).
    ``ranker_cache``: a folder where fitted rankers are kept and reused.
    """

    name = "nar_paper"
    regime = "paper"
    charged_kinds = ("search",)
    needs_budget = False

    def __init__(self, *, space: str, make_predictor: PredictorFactory, candidates: Optional[int] = None,
                 top_n: int = 5, random_fraction: float = 0.5, reuse: int = 25, max_trials: int = 100,
                 statistics: str = "aggregate", constraints: str = "both", op_statistics: bool = True,
                 selection: str = "select", beta: int = 4, theta: float = 0.1, zeta: float = DEFAULT_ZETA,
                 zeta_ops: float = DEFAULT_ZETA_OPS, alpha: float = DEFAULT_SMOOTHING,
                 noise_level: Optional[float] = DEFAULT_NOISE_LEVEL, update_tier_embeddings: bool = False,
                 predictor: Optional[Mapping[str, Any]] = None, iterations: int = 50,
                 train_size: Optional[int] = None, val_size: Optional[int] = None, neighbours: int = 0,
                 neighbour_radius: int = 1, acquisition: str = "tier_score", temperature: float = 1.0,
                 ranker_cache: Optional[PathLike] = None) -> None:
        self._configure(space, make_predictor, ranker_cache, keywords_of(locals()))

    def _plan(self, context: SearchContext) -> int:
        n, settings = self.settings.top_n, self.settings
        budget = settings.iterations * n if context.budget is None else context.budget
        labelled = self.pool.random_labelled(settings.train_size + settings.val_size, context.rng)
        self._initial = [Ask(labelled[: settings.train_size], "train")]
        if settings.val_size:
            self._initial.append(Ask(labelled[settings.train_size:], "val"))
        return min(settings.iterations, math.ceil(budget / n))

    def _ranker_due(self) -> bool:
        return not self._fitted

    def _fit(self) -> Any:
        val = self.labelled("val")
        return self.fitter(self.labelled("train"), self.observed("train"), val,
                           self.observed("val") if len(val) else None)

    def _exclude(self) -> np.ndarray:
        return self.labelled("search")


class NARSearcher(_NARSearch):
    """NAR under a total label budget (training labels included); see the module docstring.

    Parameters are those of :class:`~naslib_nar.search.settings.SearchSettings`
    (``candidates`` None: the budget regime's value for the space; ``n_init`` None: twice
    the predictor's ``n_tiers``). ``ranker_cache``: a folder where fitted predictors are
    kept and reused (cold fits only).
    """

    name = "nar"
    regime = "budget"

    def __init__(self, *, space: str, make_predictor: PredictorFactory, candidates: Optional[int] = None,
                 top_n: int = 10, random_fraction: float = 0.5, reuse: int = 25, max_trials: int = 100,
                 statistics: str = "aggregate", constraints: str = "both", op_statistics: bool = True,
                 selection: str = "select", beta: int = 4, theta: float = 0.1, zeta: float = DEFAULT_ZETA,
                 zeta_ops: float = DEFAULT_ZETA_OPS, alpha: float = DEFAULT_SMOOTHING,
                 noise_level: Optional[float] = DEFAULT_NOISE_LEVEL, update_tier_embeddings: bool = False,
                 predictor: Optional[Mapping[str, Any]] = None, n_init: Optional[int] = None, refit_every: int = 1,
                 refit_epochs: Optional[int] = 20, neighbours: int = 5, neighbour_radius: int = 1,
                 acquisition: str = "thompson", temperature: float = 3.0,
                 ranker_cache: Optional[PathLike] = None) -> None:
        self._configure(space, make_predictor, ranker_cache, keywords_of(locals()))

    def _plan(self, context: SearchContext) -> int:
        owner = f"search method {self.name!r}"
        budget = context.budget
        if budget is None:
            raise ValueError(f"{owner} is the budget regime: every label counts, so it needs a label budget "
                             "(e.g. budget=100).")
        n_tiers = self.fitter.predictor_params.get("n_tiers")
        floor = TIERLESS_MIN_INIT if n_tiers is None else 2 * n_tiers
        n_init = self.settings.n_init if self.settings.n_init is not None else \
            max(floor, round(INIT_FRACTION.get(self.name, 0.0) * budget))
        if n_init > budget:
            raise ValueError(f"n_init = {n_init} exceeds the budget of {budget} labels for {self.name!r}; lower "
                             "n_init or raise the budget.")
        if n_tiers is not None and n_init < n_tiers:
            raise ValueError(f"n_init = {n_init} random labels cannot fill the {n_tiers} tiers of the "
                             f"{self.predictor_name!r} predictor of {owner}; raise n_init or lower predictor.n_tiers.")
        self.n_init = n_init
        self._refit_pending = False
        self._initial = [Ask(self.pool.random_labelled(n_init, context.rng), "train")]
        return math.ceil((budget - n_init) / self.settings.top_n)

    def ask(self, n: int) -> Ask:
        missing = self.n_init - len(self.labelled("train"))
        if not self._initial and not self._fitted and missing > 0:
            # Rows of the initial design could not be labelled (a loop that queries elsewhere,
            # e.g. NASLib with a partial api, skipped them): draw others in their place.
            return Ask(self.pool.random_labelled(min(missing, n), self.context.rng, exclude=self.labelled("train")),
                       "train")
        return super().ask(n)

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        super().tell(ask, values)
        # Re-fit every refit_every iterations that labelled something, before the next one.
        if ask.kind == "search" and len(ask) and self.proposer.iteration % self.settings.refit_every == 0:
            self._refit_pending = True

    def _ranker_due(self) -> bool:
        # A refit pending after the last planned iteration would never be used: skip it.
        return not self._fitted or (self._refit_pending and self.proposer.iteration < self.proposer.iterations)

    def _fit(self) -> Any:
        self._refit_pending = False
        # The initial design was told first, then the searches: the rows in the order told.
        return self.fitter(self.labelled("train", "search"), self.observed("train", "search"))

    def _exclude(self) -> np.ndarray:
        return self.labelled("train", "search")

    def _regime_info(self) -> Dict[str, Any]:
        return {"n_init": self.n_init}
