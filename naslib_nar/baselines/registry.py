"""Every search method and every predictor by name: the one registry of the library.

``search``, ``compare``, ``evaluate-predictor`` and the NASLib adapter look names up here.
It sits in the highest library layer because it binds the NAR search (``search``) to the
predictors it uses (``ranker`` and the ReNAS baseline), which the lower layers never import.

A method is a :class:`~naslib_nar.search.searcher.Searcher` class run by
:func:`~naslib_nar.search.runner.run_search`; ``get_method(name)`` returns
``run(bench, *, seed, budget, params, progress=False) -> SearchTrace``, where ``params``
holds the searcher's constructor keywords plus the runner's ``noisy``. Every predictor
has ``fit(X, y, X_val=None, y_val=None)`` / ``predict(X)`` (higher is better).
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, List, Mapping, Optional

from .._validation import UnknownKeyError, check_keys, check_param
from ..ranker import NeuralArchitectureRanker
from ..search import runs, settings
from ..search.runner import run_search
from ..search.searcher import Searcher
from ..search.trace import SearchTrace
from . import bohb, evolution, predictor_guided
from .evolution import run_regularized_evolution
from .predictor_guided import run_predictor_guided
from .random_search import RandomSearcher
from .renas import ReNASPredictor

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
        extra["make_predictor"] = make_predictor
    return searcher_class(**extra, **params)


def _runner(name: str, searcher_class: type) -> Callable[..., SearchTrace]:
    def run(bench: Any, *, seed: int, budget: Optional[int], params: Optional[Mapping[str, Any]] = None,
            progress: bool = False) -> SearchTrace:
        params = dict(params or {})
        check_keys(params, searcher_params(searcher_class) + list(RUNNER_PARAMS), owner=f"search method {name!r}")
        noisy = params.pop("noisy", True)
        searcher = build_searcher(searcher_class, bench.space, params, owner=f"search method {name!r}")
        return run_search(searcher, bench, seed=seed, budget=budget, noisy=noisy, progress=progress)

    run.__name__ = f"run_{name}"
    run.__doc__ = f"Run the {name!r} searcher ({searcher_class.__name__}) through the common runner."
    return run


#: Method name -> run function. "nar" is the budget regime (all labels counted, ranker
#: re-fitted as labels arrive); "nar_paper" the paper's regime (training labels apart,
#: 50*n search queries).
METHODS: Dict[str, Callable[..., Any]] = {
    "nar": functools.partial(runs.run_nar, make_predictor=make_predictor),
    "nar_paper": functools.partial(runs.run_nar_paper, make_predictor=make_predictor),
    "renas": functools.partial(runs.run_renas, make_predictor=make_predictor),
    "random_search": _runner("random_search", RandomSearcher),
    "evolution": run_regularized_evolution,
    "bananas": run_predictor_guided,
    "bohb": bohb.run_bohb,
}


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


# ---------------------------------------------------------------------- checks before any run
# A config file names methods and predictors with their parameters; these checks reject
# what a run would reject, when the file is read instead of inside a worker hours later.
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
    make_predictor(name, space=space, dataset=dataset, seed=0, params=dict(params or {}))._validate_params()


def _searcher_class(name: str) -> Optional[type]:
    """The Searcher subclass whose ``name`` is the registry key ``name`` (None: not one yet)."""
    todo, found = list(Searcher.__subclasses__()), None
    while todo and found is None:
        cls = todo.pop()
        found = cls if getattr(cls, "name", None) == name else None
        todo += cls.__subclasses__()
    return found


def _nar_check(method: str, predictor: str, needs_budget: bool) -> Callable[..., None]:
    def check(space: str, dataset: str, budget: Optional[int], params: Dict[str, Any]) -> None:
        check_keys(params, settings.METHOD_KEYS[method], owner=f"search method {method!r}")
        resolved = settings.resolve(method, space, params)
        if needs_budget and budget is None:
            raise ValueError(f"search method {method!r} is the budget regime: every label counts, so it needs a "
                             "label budget (e.g. budget: 100).")
        try:
            check_predictor_params(predictor, space, dataset, resolved.predictor)
        except UnknownKeyError as exc:
            raise UnknownKeyError(exc.key, exc.valid, owner=f"predictor {predictor!r}",
                                  path=("predictor",) + exc.path[:-1]) from None
    return check


def _defaults_check(method: str, defaults: Mapping[str, Any]) -> Callable[..., None]:
    def check(space: str, dataset: str, budget: Optional[int], params: Dict[str, Any]) -> None:
        check_keys(params, defaults, owner=f"search method {method!r}")
        check_param("budget", budget, int, owner=f"search method {method!r}", min_val=1)
    return check


#: The methods that are not Searcher classes yet, with their own checks; a method converted
#: to a Searcher leaves this table and is checked through its constructor.
_RUN_FUNCTION_CHECKS: Dict[str, Callable[..., None]] = {
    "nar": _nar_check("nar", "nar", needs_budget=True),
    "nar_paper": _nar_check("nar_paper", "nar", needs_budget=False),
    "renas": _nar_check("renas", "renas", needs_budget=True),
    "evolution": _defaults_check("evolution", evolution.DEFAULTS),
    "bananas": _defaults_check("bananas", predictor_guided.DEFAULTS),
    "bohb": _defaults_check("bohb", bohb.DEFAULTS),
}


def check_method_params(name: str, *, space: str, dataset: str, budget: Optional[int],
                        params: Optional[Mapping[str, Any]]) -> None:
    """Reject what a run of method ``name`` on ``space`` would reject in ``params`` and
    ``budget`` before its first label: unknown keys (:class:`UnknownKeyError`, with the
    closest valid name and the key's path, e.g. ``predictor.n_tier``) and bad values."""
    get_method(name)
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"The parameters of search method {name!r} must be a mapping of names to values. Got "
                        f"{params!r} ({type(params).__name__}) instead.")
    params = dict(params or {})
    if name in _RUN_FUNCTION_CHECKS:
        _RUN_FUNCTION_CHECKS[name](space, dataset, budget, params)
        return
    searcher_class = _searcher_class(name)
    if searcher_class is None:
        raise ValueError(f"search method {name!r} is neither a Searcher nor in the registry's checks.")
    owner = f"search method {name!r}"
    check_keys(params, searcher_params(searcher_class) + list(RUNNER_PARAMS), owner=owner)
    check_param("noisy", params.pop("noisy", True), bool, owner=owner)
    check_param("budget", budget, int, owner=owner, min_val=1, allow_none=True)
    build_searcher(searcher_class, space, params, owner=owner)
