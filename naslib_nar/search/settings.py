"""The parameters of NAR's search methods: defaults, validation, per-space values.

A searcher's constructor keywords are its parameters (``params`` of a YAML config);
the constructor passes them to :func:`resolve`, which checks them once, fills in the
per-space defaults and returns a frozen :class:`SearchSettings`, so a typo or an
out-of-range value fails before any label is spent, with a message that names the key
and the fix. Config readers may call :func:`resolve` themselves to check a config early.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Mapping, Optional

from .._validation import check_keys, check_param
from .constraints import CONSTRAINTS, SELECTION_MODES
from .selection import (
    DEFAULT_NOISE_LEVEL,
    DEFAULT_SMOOTHING,
    DEFAULT_ZETA,
    DEFAULT_ZETA_OPS,
)

#: Candidates per iteration k (the training batch size, Appendix B).
CANDIDATES = {"nb101": 256, "nb201": 128}
#: The paper's training and validation set sizes (§4.1, §4.2).
TRAIN_SIZE = {"nb101": 4236, "nb201": 1000}
VAL_SIZE = {"nb101": 1024, "nb201": 256}
#: Share of the budget spent on the random initial design of a budget-regime method when
#: ``n_init`` is not given (see nar.py); a method not listed starts from the floor of twice
#: its predictor's tiers (10 for NAR's five), whatever the budget: NAR's ranker starts from
#: few labels and learns from the neighbourhoods of the best ones, and a run of B labels is
#: then the first B labels of any longer run (an anytime search). ReNAS-style samples
#: uniformly throughout.
INIT_FRACTION = {"renas": 0.3}
STATISTICS = ("aggregate", "batches")
#: How the n queries are chosen among the scored candidates (see proposer.choose).
ACQUISITIONS = ("tier_score", "thompson")

#: Keys each method accepts: its searcher's constructor keywords (tests/search checks that
#: they agree) plus the runner's ``noisy``, which :func:`resolve` checks but does not keep.
_SHARED = ("candidates", "top_n", "random_fraction", "reuse", "max_trials", "statistics", "constraints",
           "op_statistics", "selection", "beta", "theta", "zeta", "zeta_ops", "alpha", "noise_level",
           "update_tier_embeddings", "predictor", "noisy")
METHOD_KEYS = {
    "nar_paper": _SHARED + ("iterations", "train_size", "val_size", "neighbours", "neighbour_radius", "acquisition",
                            "temperature"),
    "nar": _SHARED + ("n_init", "refit_every", "refit_epochs", "neighbours", "neighbour_radius", "acquisition",
                      "temperature"),
    "renas": ("candidates", "top_n", "predictor", "noisy", "n_init", "refit_every"),
}
#: Defaults of the budget regime that differ from the paper's (SearchSettings' defaults),
#: tuned on NB201 cifar10 seeds 100-107 at 150 labels (README, "Which NAR search is which"):
#: batches of 10 (half the refits of 5 for the same labels), warm refits of 20 epochs (the
#: model trained on the previous labels continues), the neighbourhoods of the 5 best
#: labelled architectures among the candidates, and the batch chosen by Thompson sampling
#: from the ranker's tier probabilities and its pairwise scores at temperature 3.
METHOD_DEFAULTS: Dict[str, Dict[str, Any]] = {
    "nar": {"top_n": 10, "refit_epochs": 20, "neighbours": 5, "acquisition": "thompson", "temperature": 3.0},
}
#: Sampled candidates per iteration of the budget regime (besides the neighbourhoods): few,
#: so the neighbourhoods of the best labelled architectures make most of the choice.
BUDGET_CANDIDATES = {"nb101": 64, "nb201": 32}
#: Parameters whose default depends on the space; None (or leaving them out) takes it.
SPACE_DEFAULTS = {"candidates": CANDIDATES, "train_size": TRAIN_SIZE, "val_size": VAL_SIZE}


@dataclass(frozen=True)
class SearchSettings:
    """Resolved parameters of one search run (see README / configs for their meaning)."""

    candidates: int
    top_n: int = 5
    random_fraction: float = 0.5
    reuse: int = 25
    max_trials: int = 100
    statistics: str = "aggregate"
    constraints: str = "both"
    op_statistics: bool = True
    selection: str = "select"
    beta: int = 4
    theta: float = 0.1
    zeta: float = DEFAULT_ZETA
    zeta_ops: float = DEFAULT_ZETA_OPS
    alpha: float = DEFAULT_SMOOTHING
    noise_level: Optional[float] = DEFAULT_NOISE_LEVEL
    update_tier_embeddings: bool = False
    predictor: Dict[str, Any] = field(default_factory=dict)
    iterations: int = 50
    train_size: int = 0
    val_size: int = 0
    n_init: Optional[int] = None
    refit_every: int = 1
    refit_epochs: Optional[int] = None
    neighbours: int = 0
    neighbour_radius: int = 1
    acquisition: str = "tier_score"
    temperature: float = 1.0

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def plan_kwargs(self) -> Dict[str, Any]:
        """Keyword arguments of :func:`naslib_nar.search.constraints.make_plan`."""
        return {"constraints": self.constraints, "op_statistics": self.op_statistics, "mode": self.selection,
                "beta": self.beta, "theta": self.theta, "zeta": self.zeta, "zeta_ops": self.zeta_ops,
                "alpha": self.alpha, "noise_level": self.noise_level}


def resolve(method: str, space: str, params: Optional[Mapping[str, Any]]) -> SearchSettings:
    """Validate ``params`` for ``method`` on ``space`` and fill in the defaults."""
    if method not in METHOD_KEYS:
        raise ValueError(f"Unknown NAR search method {method!r}; expected one of {sorted(METHOD_KEYS)}.")
    if space not in CANDIDATES:
        raise ValueError(f"Unknown search space {space!r}; expected one of {sorted(CANDIDATES)}.")
    owner = f"search method {method!r}"
    params = {} if params is None else params
    check_keys(params, METHOD_KEYS[method], owner=owner)
    values: Dict[str, Any] = {name: table[space] for name, table in SPACE_DEFAULTS.items()}
    values.update(METHOD_DEFAULTS.get(method, {}))
    if method == "nar":
        values["candidates"] = BUDGET_CANDIDATES[space]
    if method == "renas":  # no tier statistics: every candidate comes uniformly from the whole space
        values["random_fraction"] = 1.0
    values.update((k, v) for k, v in params.items() if not (k in SPACE_DEFAULTS and v is None))
    if values.get("predictor") is None:
        values["predictor"] = {}
    ints = {"candidates": 1, "top_n": 1, "reuse": 1, "max_trials": 1, "beta": 2, "iterations": 1,
            "train_size": 2, "val_size": 0, "refit_every": 1, "neighbours": 0, "neighbour_radius": 1}
    for name, low in ints.items():
        check_param(name, values.get(name, low), int, owner=owner, min_val=low)
    # An NB101 cell has ~20 neighbours, so three steps are of the order of 20**3 cells per parent.
    check_param("neighbour_radius", values.get("neighbour_radius", 1), int, owner=owner, max_val=3)
    check_param("n_init", values.get("n_init"), int, owner=owner, min_val=2, allow_none=True)
    check_param("refit_epochs", values.get("refit_epochs"), int, owner=owner, min_val=1, allow_none=True)
    check_param("random_fraction", values.get("random_fraction", 0.5), float, owner=owner, min_val=0.0, max_val=1.0)
    check_param("theta", values.get("theta", 0.1), float, owner=owner, min_val=0.0, max_val=1.0)
    check_param("temperature", values.get("temperature", 1.0), float, owner=owner, min_val=0.0, min_inclusive=False)
    for name in ("zeta", "zeta_ops", "alpha"):
        check_param(name, values.get(name, 0.0), float, owner=owner, min_val=0.0)
    check_param("noise_level", values.get("noise_level"), float, owner=owner, min_val=0.0, max_val=1.0,
                min_inclusive=False, max_inclusive=False, allow_none=True)
    check_param("statistics", values.get("statistics", "aggregate"), str, owner=owner, choices=STATISTICS)
    check_param("constraints", values.get("constraints", "both"), str, owner=owner, choices=CONSTRAINTS)
    check_param("selection", values.get("selection", "select"), str, owner=owner, choices=SELECTION_MODES)
    check_param("acquisition", values.get("acquisition", "tier_score"), str, owner=owner, choices=ACQUISITIONS)
    for name in ("op_statistics", "update_tier_embeddings", "noisy"):
        check_param(name, values.get(name, False), bool, owner=owner)
    if not isinstance(values["predictor"], Mapping):
        raise TypeError(f"The 'predictor' parameter of {owner} must be a mapping of predictor parameters "
                        f"(e.g. {{preset: fast}}). Got {values['predictor']!r}.")
    if values.get("alpha", 1.0) == 0.0:
        raise ValueError(f"The 'alpha' parameter of {owner} must be > 0 (smoothing keeps KL finite). Got 0.")
    top_n = values.get("top_n", SearchSettings.top_n)
    if top_n > values["candidates"]:
        raise ValueError(f"top_n (n = {top_n}) cannot exceed the candidates per iteration (k = "
                         f"{values['candidates']}) of {owner}; lower top_n or raise candidates.")
    for name in ("random_fraction", "theta", "zeta", "zeta_ops", "alpha", "noise_level", "temperature"):
        if isinstance(values.get(name), int):
            values[name] = float(values[name])
    values.pop("noisy", None)
    values["predictor"] = dict(values["predictor"])
    return SearchSettings(**values)
