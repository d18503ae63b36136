"""NAR's search regimes: the paper's ("nar_paper"), the label-budget one ("nar"), and ReNAS.

All three obtain every label through an :class:`~naslib_nar.search.oracle.Oracle` and run
the same :class:`~naslib_nar.search.loop.SearchLoop`; they differ in how the predictor
is trained and which labels count.

* ``run_nar_paper`` (§4, Appendix B): a random training set (1,000 + 256 validation on
  NB201, 4,236 + 1,024 on NB101) is labelled with kinds 'train' / 'val', which are NOT
  charged (``budget`` counts search queries only, 50 * n = 250 by default). The ranker is
  fitted once (epoch chosen on the validation labels), then 50 iterations query n
  architectures each. As in the paper, only the search queries count for the protocols,
  and an architecture of the training set may be queried again by the search (it is
  excluded only once the search itself has queried it): the paper's search does not
  know its training set either, and excluding it would hide the optimum from the search
  in about 8% of NB201 runs.
* ``run_nar`` (budget regime): every label counts. ``n_init`` random labels (default
  ``round(0.3 * budget)``, at least 2 * n_tiers) train the ranker on all of them (no
  validation split: with tens of labels a held-out set cannot pick an epoch and would
  cost budget); then each iteration samples with the current tier statistics, queries the
  top-n never-labelled candidates and adds them to the training set; the ranker is
  re-fitted every ``refit_every`` iterations until the budget is spent. With
  ``refit_epochs`` the re-fits continue training the previous model for that many epochs
  (a warm start) instead of training a new one from scratch.
* ``run_renas``: the budget regime with the ReNAS predictor, uniform sampling and top-n
  by score (ReNAS has neither tiers nor statistics).

Each run returns a :class:`~naslib_nar.search.trace.SearchTrace`; its ``info`` holds the
resolved settings, the sampling counters (``n_scored``, ``accepted_late``,
``unlabelled_resampled``, ...) and the predictor's fit times.
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

import numpy as np
from tqdm.auto import tqdm

from .._validation import check_param
from .loop import CandidatePool, SearchLoop
from .oracle import Oracle
from .settings import INIT_FRACTION, SearchSettings, resolve
from .trace import SearchTrace


def _rng(seed: int) -> np.random.Generator:
    """The run's sampling randomness, independent of the oracle's query noise."""
    return np.random.default_rng([seed, 2024])


def _check_run(owner: str, bench: Any, seed: int, budget: Optional[int], need_budget: bool) -> None:
    check_param("seed", seed, int, owner=owner, min_val=0)
    if need_budget and budget is None:
        raise ValueError(f"{owner} is the budget regime: every label counts, so it needs a label budget "
                         "(e.g. budget=100).")
    check_param("budget", budget, int, owner=owner, min_val=1, allow_none=True)
    if not hasattr(bench, "metric") or getattr(bench, "space", None) not in ("nb101", "nb201"):
        raise TypeError(f"{owner} expects a TabularBenchmark of NB101 or NB201; got {type(bench).__name__}.")


#: ``make_predictor(name, *, space, dataset, seed, params) -> estimator``: how a run builds
#: its predictor. The registry (:mod:`naslib_nar.baselines.registry`) passes its own, so
#: this layer needs to know no predictor class.
PredictorFactory = Callable[..., Any]


class _Fitter:
    """Fits a fresh predictor on the labels so far and keeps the fit times.

    With ``cache_dir``, a fitted predictor is stored under a key of everything its fit
    depends on (predictor and its parameters, benchmark, seed, the labelled rows and the
    observed values), and loaded instead of re-fitted when the same fit comes again: the
    search-only ablations (p, top-n, constraints, statistics) share one fit per seed.
    """

    def __init__(self, name: str, make_predictor: PredictorFactory, bench: Any, pool: CandidatePool, seed: int,
                 settings: SearchSettings, cache_dir: Optional[str] = None, warm_epochs: Optional[int] = None) -> None:
        self.name, self.make_predictor = name, make_predictor
        self.bench, self.pool, self.seed, self.settings = bench, pool, seed, settings
        self.cache_dir, self.warm_epochs = cache_dir, warm_epochs
        self.seconds: List[float] = []
        self.cache_hits = 0
        self._last: Any = None

    def _cache_path(self, *arrays: Optional[np.ndarray]) -> Optional[Path]:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(json.dumps(
            [self.name, self.bench.space, self.bench.dataset, self.bench.source, self.seed, self.settings.predictor],
            sort_keys=True, default=str).encode())
        for array in arrays:
            digest.update(b"|" if array is None else np.ascontiguousarray(array).tobytes())
        return Path(self.cache_dir) / f"{self.name}-{digest.hexdigest()[:24]}.pt"

    def __call__(self, rows: np.ndarray, y: np.ndarray, val_rows: Optional[np.ndarray] = None,
                 y_val: Optional[np.ndarray] = None) -> Any:
        if self.warm_epochs is not None and self._last is not None:
            # Continue training the previous model on the grown label set (warm start).
            est = self._last.set_params(warm_start=True, epochs=self.warm_epochs)
        else:
            est = self.make_predictor(self.name, space=self.bench.space, dataset=self.bench.dataset, seed=self.seed,
                                 params=self.settings.predictor)
        path = None if self._last is not None and self.warm_epochs is not None else \
            self._cache_path(rows, y, val_rows, y_val)
        if path is not None and path.is_file():
            self.cache_hits += 1
            return type(est).load(path)
        start = time.perf_counter()
        if val_rows is not None and len(val_rows):
            est.fit(self.pool.encode(rows), y, X_val=self.pool.encode(val_rows), y_val=y_val)
        else:
            est.fit(self.pool.encode(rows), y)
        self.seconds.append(time.perf_counter() - start)
        if path is not None:
            est.save(path)
        self._last = est
        return est

    def info(self) -> Dict[str, Any]:
        return {"predictor": self.name, "n_fits": len(self.seconds), "fit_seconds": float(sum(self.seconds)),
                "fits_loaded_from_cache": self.cache_hits}


def _iterations(progress: bool, total: int, desc: str) -> Any:
    if not progress:
        return range(total)
    return tqdm(range(total), desc=desc, leave=False)


def run_nar_paper(bench: Any, *, seed: int, make_predictor: PredictorFactory, budget: Optional[int] = None,
                  params: Optional[Mapping[str, Any]] = None, progress: bool = False,
                  ranker_cache: Optional[str] = None) -> SearchTrace:
    """The paper's regime: train on uncharged labels, then ``budget`` search queries (default 50 * n).

    ``ranker_cache``: a folder where fitted rankers are kept and reused (see ``_Fitter``).
    """
    _check_run("run_nar_paper", bench, seed, budget, need_budget=False)
    settings = resolve("nar_paper", bench.space, params)
    n = settings.top_n
    budget = settings.iterations * n if budget is None else budget
    iterations = min(settings.iterations, math.ceil(budget / n))
    oracle = Oracle(bench, method="nar_paper", seed=seed, budget=budget, charged_kinds=("search",),
                    noisy=settings.noisy)
    rng = _rng(seed)
    pool = CandidatePool(bench)
    labelled = pool.random_labelled(settings.train_size + settings.val_size, rng)
    train, val = labelled[: settings.train_size], labelled[settings.train_size:]
    y_train = oracle.query(train, "train")
    y_val = oracle.query(val, "val") if len(val) else None
    fit = _Fitter("nar", make_predictor, bench, pool, seed, settings, cache_dir=ranker_cache)
    loop = SearchLoop(pool, settings, rng, iterations)
    loop.set_ranker(fit(train, y_train, val, y_val))
    searched: List[int] = []

    def already_searched() -> np.ndarray:
        return np.asarray(searched, dtype=np.int64)

    for _ in _iterations(progress, iterations, f"nar_paper seed {seed}"):
        if oracle.remaining <= 0:
            break
        rows, _ = loop.step(oracle, min(n, oracle.remaining), exclude=already_searched)
        searched.extend(rows.tolist())
    return oracle.trace({"regime": "paper", "counted_kinds": ["search"], "settings": settings.to_dict(),
                         **loop.info(), **fit.info()})


def _budget_regime(method: str, predictor: str, make_predictor: PredictorFactory, bench: Any, seed: int, budget: int,
                   params: Optional[Mapping[str, Any]], progress: bool) -> SearchTrace:
    settings = resolve(method, bench.space, params)
    n_tiers = int(settings.predictor.get("n_tiers", 5))
    n_init = settings.n_init if settings.n_init is not None else max(2 * n_tiers, round(INIT_FRACTION * budget))
    if n_init > budget:
        raise ValueError(f"n_init = {n_init} exceeds the budget of {budget} labels for {method!r}; lower n_init or "
                         "raise the budget.")
    n = settings.top_n
    iterations = math.ceil((budget - n_init) / n)
    oracle = Oracle(bench, method=method, seed=seed, budget=budget, noisy=settings.noisy)
    rng = _rng(seed)
    pool = CandidatePool(bench)
    rows = pool.random_labelled(n_init, rng)
    y = oracle.query(rows, "train")
    fit = _Fitter(predictor, make_predictor, bench, pool, seed, settings, warm_epochs=settings.refit_epochs)
    loop = SearchLoop(pool, settings, rng, iterations)
    loop.set_ranker(fit(rows, y))
    for iteration in _iterations(progress, iterations, f"{method} seed {seed}"):
        if oracle.remaining <= 0:
            break
        new_rows, new_y = loop.step(oracle, min(n, oracle.remaining), exclude=oracle.seen)
        rows, y = np.concatenate([rows, new_rows]), np.concatenate([y, new_y])
        if (iteration + 1) % settings.refit_every == 0 and oracle.remaining > 0 and len(new_rows):
            loop.set_ranker(fit(rows, y))
    return oracle.trace({"regime": "budget", "counted_kinds": None, "n_init": n_init, "settings": settings.to_dict(),
                         **loop.info(), **fit.info()})


def run_nar(bench: Any, *, seed: int, budget: int, make_predictor: PredictorFactory,
            params: Optional[Mapping[str, Any]] = None, progress: bool = False) -> SearchTrace:
    """NAR under a total label budget (training labels included); see the module docstring."""
    _check_run("run_nar", bench, seed, budget, need_budget=True)
    return _budget_regime("nar", "nar", make_predictor, bench, seed, budget, params, progress)


def run_renas(bench: Any, *, seed: int, budget: int, make_predictor: PredictorFactory,
              params: Optional[Mapping[str, Any]] = None, progress: bool = False) -> SearchTrace:
    """ReNAS under a total label budget: uniform candidates, top-n by predicted score."""
    _check_run("run_renas", bench, seed, budget, need_budget=True)
    return _budget_regime("renas", "renas", make_predictor, bench, seed, budget, params, progress)
