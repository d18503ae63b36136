"""Every search method and every predictor by name: the one registry of the library.

``search``, ``compare``, ``evaluate-predictor`` and the NASLib adapter look names up here.
It sits in the highest library layer because it binds the NAR search (``search``) to the
predictors it uses (``ranker`` and the ReNAS baseline), which the lower layers never import.

A method is a :class:`~naslib_nar.search.searcher.Searcher` class run by
:func:`~naslib_nar.search.runner.run_search`; ``get_method(name)`` returns
``run(bench, *, seed, budget, params, progress=False) -> SearchTrace``, where ``params``
holds the searcher's constructor keywords plus the runner's ``noisy``. A few constructor
keywords are run options instead, passed to ``run`` as keywords of their own because they
change no result and so must not be part of a run's parameters (NAR's ``ranker_cache``
folder, shared by runs that differ only in their search settings). Every predictor has
``fit(X, y, X_val=None, y_val=None)`` / ``predict(X)`` (higher is better).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .._validation import UnknownKeyError, check_keys, check_param
from ..ranker import NeuralArchitectureRanker
from ..search.nar import NARPaperSearcher, NARSearcher
from ..search.runner import run_search
from ..search.searcher import Searcher
from ..search.trace import SearchTrace
from . import bohb
from .evolution import EvolutionSearcher
from .local_search import LocalSearcher
from .npenas import NpenasSearcher
from .predictor_guided import BananasSearcher
from .random_search import RandomSearcher
from .renas import ReNASPredictor
from .renas_search import ReNASSearcher

__all__ = ["PREDICTORS", "METHODS", "make_predictor", "get_method", "why_unavailable", "check_method_params",
           "check_predictor_params"]

#: Predictor name -> estimator class (scikit-learn style, constructed with keywords).
PREDICTORS: Dict[str, type] = {"nar": NeuralArchitectureRanker, "renas": ReNASPredictor}
#: Keywords an experiment sets itself; a config must not.
RESERVED_PREDICTOR_PARAMS = ("space", "dataset", "random_state")


def make_predictor(name: str, *, space: str, dataset: str, seed: int, params: Optional[Dict[str, Any]] = None) -> Any:
    """Build predictor ``name`` with keyword ``params``; unknown names or params are rejected."""
    if name not in PREDICTORS:
        raise ValueError(f"Unknown predictor {name!r}. Available: {sorted(PREDICTORS)}.")
    params = dict(params or {})
    reserved = sorted(set(RESERVED_PREDICTOR_PARAMS) & set(params))
    if reserved:
        raise ValueError(f"Predictor parameters {reserved} are set by the experiment; remove them from the config.")
    estimator_class = PREDICTORS[name]
    valid = set(inspect.signature(estimator_class.__init__).parameters) - {"self"}
    unknown = sorted(set(params) - valid)
    if unknown:
        raise ValueError(f"Unknown parameter(s) {unknown} for predictor {name!r}. Valid: "
                         f"{sorted(valid - set(RESERVED_PREDICTOR_PARAMS))}.")
    return estimator_class(space=space, dataset=dataset, random_state=seed, **params)


#: The NAR's training recipe inside the search methods, under what their ``predictor``
#: parameters set: the recipe the search tables were measured with. The ``fast`` preset's
#: few-label additions (at least 1,000 optimiser steps, 8 batches an epoch, NB101
#: relabelled copies, a weight average over ~500 steps) suit one fit on a fixed training set; a search fits ten times or
#: more, the first time on a handful of labels, where 1,000 steps cost ~35 s on one core.
SEARCH_RANKER_RECIPE: Dict[str, Any] = {"min_steps": 0, "batches_per_epoch": 1, "augment": 0, "ema_decay": 0.0}


def make_search_predictor(name: str, *, space: str, dataset: str, seed: int,
                          params: Optional[Dict[str, Any]] = None) -> Any:
    """:func:`make_predictor` for the searchers: the NAR with :data:`SEARCH_RANKER_RECIPE` first."""
    if name == "nar":
        params = {**SEARCH_RANKER_RECIPE, **(params or {})}
    return make_predictor(name, space=space, dataset=dataset, seed=seed, params=params)


#: Keys every method accepts besides its searcher's own: the runner's.
RUNNER_PARAMS = ("noisy",)


def searcher_params(searcher_class: type) -> List[str]:
    """The keyword parameters of a searcher class (its constructor's, as in scikit-learn)."""
    return [name for name in inspect.signature(searcher_class.__init__).parameters
            if name not in ("self", "space", "make_predictor", "args", "kwargs")]


def build_searcher(searcher_class: type, space: str, params: Mapping[str, Any], owner: str) -> Searcher:
    """``searcher_class(**params)`` after rejecting unknown keys (with the closest valid one)."""
    check_keys(params, searcher_params(searcher_class), owner=owner)
    wants = inspect.signature(searcher_class.__init__).parameters
    extra: Dict[str, Any] = {"space": space} if "space" in wants else {}
    if "make_predictor" in wants:
        extra["make_predictor"] = make_search_predictor
    return searcher_class(**extra, **params)


def _runner(name: str, searcher_class: type, options: Tuple[str, ...] = ()) -> Callable[..., SearchTrace]:
    """``run(bench, *, seed, budget, params, progress, **options)``: ``options`` are constructor
    keywords taken as run options rather than from ``params`` (see the module docstring)."""
    owner = f"search method {name!r}"

    def run(bench: Any, *, seed: int, budget: Optional[int], params: Optional[Mapping[str, Any]] = None,
            progress: bool = False, **run_options: Any) -> SearchTrace:
        check_keys(run_options, options, owner=f"{owner} (run options)")
        params = dict(params or {})
        valid = [key for key in searcher_params(searcher_class) if key not in options]
        check_keys(params, valid + list(RUNNER_PARAMS), owner=owner)
        noisy = params.pop("noisy", True)
        searcher = build_searcher(searcher_class, bench.space, {**params, **run_options}, owner=owner)
        return run_search(searcher, bench, seed=seed, budget=budget, noisy=noisy, progress=progress)

    run.__name__ = f"run_{name}"
    run.__doc__ = f"Run the {name!r} searcher ({searcher_class.__name__}) through the common runner."
    return run


#: Run options of NAR's searchers (a folder of fitted predictors).
NAR_OPTIONS = ("ranker_cache",)

#: Method name -> (searcher class, run options). "nar" is the budget regime (all labels
#: counted, ranker re-fitted as labels arrive); "nar_paper" the paper's regime (training
#: labels apart, 50*n search queries); "renas" the budget regime with the ReNAS predictor.
SEARCHERS: Dict[str, Tuple[type, Tuple[str, ...]]] = {
    "nar": (NARSearcher, NAR_OPTIONS),
    "nar_paper": (NARPaperSearcher, NAR_OPTIONS),
    "renas": (ReNASSearcher, NAR_OPTIONS),
    "random_search": (RandomSearcher, ()),
    "evolution": (EvolutionSearcher, ()),
    "bananas": (BananasSearcher, ()),
    "npenas": (NpenasSearcher, ()),
    "ls": (LocalSearcher, ()),
    "bohb": (bohb.BOHBSearcher, ()),
}
#: Method name -> ``run(bench, *, seed, budget, params, progress, **options)``.
METHODS: Dict[str, Callable[..., Any]] = {name: _runner(name, cls, options) for name, (cls, options) in SEARCHERS.items()}


def get_method(name: str) -> Callable[..., Any]:
    """The run function of search method ``name``."""
    if name not in METHODS:
        raise ValueError(f"Unknown search method {name!r}. Available: {sorted(METHODS)}.")
    return METHODS[name]


#: Methods that need an optional dependency or support only some spaces: their check
#: raises ImportError (naming the extra to install) or NotImplementedError.
_AVAILABILITY_CHECKS: Dict[str, Callable[[str], None]] = {"bohb": bohb.check_available}


def why_unavailable(name: str, space: str) -> Optional[str]:
    """None when method ``name`` can run on ``space`` here, else why not (a skip reason)."""
    get_method(name)
    check = _AVAILABILITY_CHECKS.get(name)
    if check is None:
        return None
    try:
        check(space)
    except (ImportError, NotImplementedError) as exc:
        return str(exc)
    return None


def predictor_params(name: str) -> List[str]:
    """The parameters a config may set for predictor ``name`` (its constructor's keywords,
    less those the experiment sets itself)."""
    if name not in PREDICTORS:
        raise ValueError(f"Unknown predictor {name!r}. Available: {sorted(PREDICTORS)}.")
    return [p for p in inspect.signature(PREDICTORS[name].__init__).parameters
            if p != "self" and p not in RESERVED_PREDICTOR_PARAMS]


def check_predictor_params(name: str, space: str, dataset: str, params: Optional[Mapping[str, Any]]) -> None:
    """Reject unknown keys (:class:`~naslib_nar._validation.UnknownKeyError`, with the
    closest valid name) and bad values of predictor ``name``'s ``params``.

    Values are checked by the estimator's own parameter check, the one ``fit`` runs.
    """
    check_keys(params if params is not None else {}, predictor_params(name), owner=f"predictor {name!r}")
    make_predictor(name, space=space, dataset=dataset, seed=0, params=dict(params or {}))._check_params()


def check_method_params(name: str, *, space: str, dataset: str, budget: Optional[int],
                        params: Optional[Mapping[str, Any]]) -> None:
    """Reject what a run of method ``name`` on ``space`` would reject in ``params`` and
    ``budget`` before its first label: unknown keys (:class:`UnknownKeyError`, with the
    closest valid name and the key's path, e.g. ``predictor.n_tier``) and bad values,
    the predictor's too (the searcher is built exactly as a run builds it)."""
    get_method(name)
    owner = f"search method {name!r}"
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"The parameters of {owner} must be a mapping of names to values. Got "
                        f"{params!r} ({type(params).__name__}) instead.")
    searcher_class, options = SEARCHERS[name]
    params = dict(params or {})
    valid = [key for key in searcher_params(searcher_class) if key not in options]
    check_keys(params, valid + list(RUNNER_PARAMS), owner=owner)
    check_param("noisy", params.pop("noisy", True), bool, owner=owner)
    if budget is None and searcher_class.needs_budget:
        raise ValueError(f"{owner} is the budget regime: every label counts, so it needs a label budget "
                         "(e.g. budget: 100).")
    check_param("budget", budget, int, owner=owner, min_val=1, allow_none=True)
    searcher = build_searcher(searcher_class, space, params, owner=owner)
    predictor = getattr(searcher, "predictor_name", None)
    if predictor is None:
        return
    try:
        check_predictor_params(predictor, space, dataset, searcher.settings.predictor)
    except UnknownKeyError as exc:
        raise UnknownKeyError(exc.key, exc.valid, owner=f"predictor {predictor!r}",
                              path=("predictor",) + exc.path[:-1]) from None
