"""``NARSampler``: NAR's search as a NASLib discrete optimizer (``nar_sampler``), a thin adapter.

The search itself is :class:`~naslib_nar.search.nar.NARSearcher` (the budget regime: the
same code as ``naslib-nar search`` with ``method: nar``). NASLib calls ``new_epoch`` once
per query; :class:`~naslib_nar.search.stepwise.OneAtATime` hands the searcher's asks out
one architecture at a time, which this adapter converts to a NASLib graph
(:mod:`~naslib_nar.naslib.convert`), queries through NASLib and reports back. It has no
search or refit policy of its own.

Imports NASLib; loaded on demand by ``naslib_nar.naslib``.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any, Dict, Optional

import numpy as np
import torch
from naslib.optimizers.core.metaclasses import MetaOptimizer
from naslib.search_spaces.core.query_metrics import Metric

from .._validation import check_keys, check_param
from ..baselines.registry import build_searcher, searcher_params
from ..benchmarks.base import TabularBenchmark
from ..search.nar import NARSearcher
from ..search.searcher import SearchContext
from ..search.settings import resolve
from ..search.stepwise import OneAtATime
from ..spaces.datasets import check_dataset
from ..spaces.nb101 import NB101Space
from ..spaces.nb201 import NB201Space
from .convert import archs_to_graphs, light_copy, space_of

__all__ = ["NARSampler", "queryable_table"]

logger = logging.getLogger(__name__)

#: Defaults of the ``search:`` keys NARSampler reads. None takes the ``nar`` method's own
#: default (:mod:`naslib_nar.search.settings`: ``sample_size`` = candidates per iteration,
#: ``top_n`` queries per iteration, ``random_fraction``), so ``nar_sampler`` at its defaults
#: is the budget-regime NAR of ``naslib-nar compare``; ``num_init`` and ``k`` are NASLib's
#: (10 random queries first, a re-fit after every ``k`` queries).
DEFAULTS: Dict[str, Any] = {"num_init": 10, "k": 10, "sample_size": None, "top_n": None, "random_fraction": None,
                            "preset": "fast", "ranker": {}, "nar": {}}
#: NARSearcher parameters set from the keys above, so not accepted in ``search.nar``.
SET_BY_SEARCH_KEYS = ("n_init", "refit_every", "candidates", "top_n", "random_fraction", "predictor", "ranker_cache")
#: Architectures skipped in a row (not in the dataset_api) before NARSampler gives up.
MAX_SKIPS = 1000


def queryable_table(space: str, dataset: str, dataset_api: Any) -> TabularBenchmark:
    """The architectures in ``dataset_api`` as a table without labels (every value NaN).

    It only says which architectures NASLib can query, so the search proposes those and
    nothing else (NB101: the cells present in the api; NB201: every arch string of the api).
    """
    if space == "nb201":
        archs = NB201Space().as_batch(list(dataset_api["nb201_data"]))
        return TabularBenchmark("nb201", dataset, archs, {"val_acc": np.full(len(archs), np.nan)},
                                source="NASLib dataset_api (which architectures can be queried; no labels)")
    fixed = dataset_api["nb101_data"].fixed_statistics
    hashes = list(fixed)
    specs = [{"matrix": fixed[h]["module_adjacency"], "ops": fixed[h]["module_operations"]} for h in hashes]
    return TabularBenchmark("nb101", "cifar10", NB101Space().as_batch(specs), {"val_acc": np.full(len(hashes), np.nan)},
                            keys=hashes, source="NASLib dataset_api (which cells can be queried; no labels)")


class NARSampler(MetaOptimizer):
    """NAR's search (§3.3) inside NASLib's ``Trainer``: one epoch = one ``VAL_ACCURACY`` query.

    The epochs run :class:`~naslib_nar.search.nar.NARSearcher` with a budget of
    ``search.epochs`` labels:

    * the first ``num_init`` epochs query the searcher's random initial design (counted
      against the budget exactly as ``num_init`` is in NASLib's Bananas and Npenas);
    * then a :class:`~naslib_nar.ranker.NeuralArchitectureRanker` (``search.preset``,
      default "fast", plus ``search.ranker`` overrides) is fitted on every architecture
      queried so far and re-fitted every ``ceil(k / top_n)`` search iterations, i.e. after
      at least ``k`` more queries. Each iteration scores ``sample_size`` sampled candidates
      (a fraction ``random_fraction`` uniformly, the rest under FLOPs/params/op constraints
      drawn from the best tier's statistics) and the neighbourhoods of the best queried
      architectures, and queues ``top_n`` never-queried ones chosen as ``nar`` chooses
      them (Thompson sampling over the ranker's tiers and scores), one per epoch. Keys
      left out (or null) take the ``nar`` method's defaults, so ``nar_sampler`` at
      NASLib's ``num_init`` 10 and ``k`` 10 is ``naslib-nar compare``'s ``nar``.
    * Only architectures the ``dataset_api`` holds are proposed; one that still fails to
      query (``KeyError``, or a negative accuracy: NASLib's answer for an invalid cell) is
      skipped without using the epoch and never proposed again. Epochs left after the
      searcher's planned iterations (some iterations found fewer than ``top_n`` new
      candidates) query random architectures (``random_fallbacks``).

    Reads ``config.search.{epochs, num_init, k, sample_size, top_n, random_fraction, preset,
    ranker, nar}`` (``nar``: further NARSearcher parameters, e.g. ``{statistics: batches}``),
    ``config.dataset`` and ``config.seed``.
    """

    using_step_function = False
    name = "nar_sampler"

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.config = config
        search = config.search
        self.epochs = int(search.epochs)
        self.dataset = config.dataset
        self.seed = int(config.seed)
        value = {key: search.get(key, default) for key, default in DEFAULTS.items()}
        self.num_init, self.k, self.sample_size = value["num_init"], value["k"], value["sample_size"]
        self.top_n, self.random_fraction, self.preset = value["top_n"], value["random_fraction"], value["preset"]
        self.ranker_params = dict(value["ranker"] or {})
        self.search_params = dict(value["nar"] or {})
        self.performance_metric = Metric.VAL_ACCURACY
        self.history = torch.nn.ModuleList()
        self.random_fallbacks = 0
        self.searcher: Optional[NARSearcher] = None
        self._steps: Optional[OneAtATime] = None
        self._table: Optional[TabularBenchmark] = None
        self._final: Any = None

    # ------------------------------------------------------------------ NASLib hooks
    def adapt_search_space(self, search_space: Any, scope: Any = None, dataset_api: Any = None) -> None:
        if not getattr(search_space, "QUERYABLE", False):
            raise ValueError("NARSampler needs a queryable (tabular) search space such as NasBench201SearchSpace.")
        self.space = space_of(search_space)
        self.search_space = search_space.clone()
        self.scope = scope if scope else getattr(search_space, "OPTIMIZER_SCOPE", None)
        self.dataset_api = dataset_api
        self.ss_type = self.search_space.get_type()
        self._template = light_copy(self.search_space)
        self._dataset = check_dataset(self.dataset, "NARSampler") if self.space == "nb201" else "cifar10"
        owner = "NARSampler (config.search)"
        check_param("epochs", self.epochs, int, owner=owner, min_val=1)
        check_param("num_init", self.num_init, int, owner=owner, min_val=2)
        check_param("k", self.k, int, owner=owner, min_val=1)
        check_param("top_n", self.top_n, int, owner=owner, min_val=1, allow_none=True)
        check_param("random_fraction", self.random_fraction, float, owner=owner, min_val=0.0, max_val=1.0,
                    allow_none=True)
        check_param("preset", self.preset, str, owner=owner, choices=("faithful", "fast", "tiny"))
        check_keys(self.search_params, [key for key in searcher_params(NARSearcher) if key not in SET_BY_SEARCH_KEYS],
                   owner=owner, path=("search", "nar"))
        top_n = self.top_n if self.top_n is not None else resolve("nar", self.space, {}).top_n
        params = {"n_init": self.num_init, "refit_every": math.ceil(self.k / top_n), "top_n": top_n,
                  "predictor": {"preset": self.preset, **self.ranker_params}, **self.search_params}
        for key, value in (("candidates", self.sample_size), ("random_fraction", self.random_fraction)):
            if value is not None:
                params[key] = value
        self.searcher = build_searcher(NARSearcher, self.space, params, owner=owner)

    def new_epoch(self, epoch: int) -> None:
        steps = self._started()
        for _ in range(MAX_SKIPS):
            step = steps.next()
            if step is None:
                self.random_fallbacks += 1
                self._query_random()
                return
            arch = archs_to_graphs(self._table.archs[[step[0]]], self._template, self.dataset_api)[0]
            accuracy = self._query(arch)
            if accuracy is None:
                steps.skip()
                continue
            steps.record(accuracy)
            self._record(arch, accuracy)
            return
        raise ValueError(f"NARSampler skipped {MAX_SKIPS} proposed architectures in a row that the dataset_api "
                         "cannot query; check that the dataset_api matches the search space.")

    def train_statistics(self, report_incumbent: bool = True):
        arch = self._incumbent() if report_incumbent else self.history[-1].arch
        return tuple(float(arch.query(metric, self.dataset, dataset_api=self.dataset_api)) for metric in
                     (Metric.TRAIN_ACCURACY, Metric.VAL_ACCURACY, Metric.TEST_ACCURACY, Metric.TRAIN_TIME))

    def test_statistics(self) -> Any:
        return self._incumbent().query(Metric.RAW, self.dataset, dataset_api=self.dataset_api)

    def get_final_architecture(self) -> Any:
        """The incumbent as a graph of the kind passed to ``adapt_search_space`` (a full
        NASLib graph for NASLib's own classes, built once; a light one for ours)."""
        best = self._incumbent()
        if not self.search_space.instantiate_model:
            return best
        if self._final is None or self._final.get_hash() != best.get_hash():
            final = self.search_space.clone()
            final.set_spec(best.get_op_indices() if self.space == "nb201" else best.get_spec(),
                           dataset_api=self.dataset_api)
            self._final = final
        return self._final

    def get_op_optimizer(self) -> Any:
        raise NotImplementedError("NARSampler queries a tabular benchmark; it has no op optimizer.")

    def get_checkpointables(self) -> Dict[str, Any]:
        return {"model": self.history}

    def get_model_size(self) -> float:
        return float(sum(p.numel() for p in self.history.parameters()) / 1e6)

    # ------------------------------------------------------------------ internals
    def _started(self) -> OneAtATime:
        """The searcher, started on the api's architectures at the first epoch (indexing them
        takes seconds on NB101, so ``adapt_search_space`` stays cheap)."""
        if self.searcher is None:
            raise RuntimeError("NARSampler.new_epoch was called before adapt_search_space.")
        if self._steps is None:
            start = time.perf_counter()
            self._table = queryable_table(self.space, self._dataset, self.dataset_api)
            logger.info("NARSampler: %d queryable architectures indexed in %.1f s", len(self._table),
                        time.perf_counter() - start)
            context = SearchContext(bench=self._table, queryable=np.ones(len(self._table), dtype=bool),
                                    rng=np.random.default_rng([self.seed, self.searcher.rng_stream]),
                                    budget=self.epochs, seed=self.seed)
            self._steps = OneAtATime(self.searcher, context)
        return self._steps

    def _incumbent(self) -> Any:
        if len(self.history) == 0:
            raise ValueError("NARSampler has not queried any architecture yet; run at least one epoch.")
        return max(self.history, key=lambda holder: holder.accuracy).arch

    def _query(self, arch: Any) -> Optional[float]:
        """The validation accuracy NASLib reports for ``arch``; None when it cannot be queried."""
        try:
            accuracy = float(arch.query(self.performance_metric, self.dataset, dataset_api=self.dataset_api))
        except KeyError:
            return None
        return accuracy if np.isfinite(accuracy) and accuracy >= 0 else None

    def _record(self, arch: Any, accuracy: float) -> None:
        holder = torch.nn.Module()
        holder.arch = arch
        holder.accuracy = accuracy
        self.history.append(holder)

    def _query_random(self) -> None:
        for _ in range(MAX_SKIPS):
            arch = light_copy(self._template)
            arch.sample_random_architecture(dataset_api=self.dataset_api)
            accuracy = self._query(arch)
            if accuracy is not None:
                self._record(arch, accuracy)
                return
        raise ValueError(f"NARSampler drew {MAX_SKIPS} random architectures in a row that the dataset_api cannot "
                         "query; for a partial NB101 api use naslib_nar.naslib.dataset_api.restrict_nb101_api.")

    def info(self) -> Dict[str, Any]:
        """JSON-ready summary of the search: the searcher's counters and fits, skipped candidates."""
        out: Dict[str, Any] = {}
        if self._steps is not None:
            out.update({k: v for k, v in self.searcher.info().items() if k != "plans"})
        out.update({"skipped_unqueryable": 0 if self._steps is None else self._steps.skipped,
                    "random_fallbacks": self.random_fallbacks})
        return out
