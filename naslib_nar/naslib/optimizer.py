"""``NARSampler``: NAR's search phase as a NASLib discrete optimizer (``nar_sampler``).

Imports NASLib; loaded on demand by ``naslib_nar.naslib``.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any, Dict, List

import numpy as np
import torch
from naslib.optimizers.core.metaclasses import MetaOptimizer
from naslib.search_spaces.core.query_metrics import Metric

from .._validation import check_param
from ..baselines.registry import make_predictor
from ..benchmarks.base import TabularBenchmark
from ..search.loop import CandidatePool, SearchLoop
from ..search.settings import resolve
from ..spaces.datasets import check_dataset
from ..spaces.nb101 import NB101Space
from ..spaces.nb201 import NB201Space
from .convert import archs_to_graphs, graphs_to_archs, light_copy, space_of

__all__ = ["NARSampler"]

logger = logging.getLogger(__name__)

#: Defaults of the ``search:`` keys NARSampler reads (``sample_size`` None = the paper's
#: candidates per iteration: 128 on NB201, 256 on NB101).
DEFAULTS: Dict[str, Any] = {"num_init": 10, "k": 10, "sample_size": None, "top_n": 5, "random_fraction": 0.5,
                            "preset": "fast", "ranker": {}, "nar": {}}
#: Architectures skipped in a row (not in the dataset_api) before NARSampler gives up.
MAX_SKIPS = 1000


def candidate_pool(space: str, dataset: str, dataset_api: Any) -> Any:
    """A :class:`~naslib_nar.search.loop.CandidatePool` over the architectures in ``dataset_api``.

    The pool's table holds no accuracies (every value is 0): it only says which
    architectures NASLib can query, so the search proposes those and nothing else (NB101:
    the cells present in the api; NB201: every arch string of the api).
    """

    if space == "nb201":
        archs = NB201Space().as_batch(list(dataset_api["nb201_data"]))
        bench = TabularBenchmark("nb201", dataset, archs, {"val_acc": np.zeros(len(archs))},
                                 source="NASLib dataset_api (which architectures can be queried; no labels)")
    else:
        fixed = dataset_api["nb101_data"].fixed_statistics
        hashes = list(fixed)
        specs = [{"matrix": fixed[h]["module_adjacency"], "ops": fixed[h]["module_operations"]} for h in hashes]
        bench = TabularBenchmark("nb101", "cifar10", NB101Space().as_batch(specs), {"val_acc": np.zeros(len(hashes))},
                                 keys=hashes, source="NASLib dataset_api (which cells can be queried; no labels)")
    return CandidatePool(bench)


class NARSampler(MetaOptimizer):
    """NAR's search (§3.3) inside NASLib's ``Trainer``: one epoch = one ``VAL_ACCURACY`` query.

    * Epochs ``0 .. num_init-1`` query random architectures drawn by the search space's own
      ``sample_random_architecture``. They count against the budget ``search.epochs``
      exactly as ``num_init`` does in NASLib's Bananas and Npenas: one random query per epoch.
    * At epoch ``num_init`` a :class:`~naslib_nar.ranker.NeuralArchitectureRanker`
      (``search.preset``, default "fast", plus ``search.ranker`` overrides) is fitted on every
      architecture queried so far, and it is re-fitted on all queried architectures every
      ``k`` epochs. Each later epoch queries the next architecture of a queue; when the queue
      is empty one NAR search iteration refills it: ``sample_size`` candidates (a fraction
      ``random_fraction`` uniformly, the rest under FLOPs/params/op constraints drawn from the
      best tier's statistics), scored in one pass, the ``top_n`` best of tier 1 that have not
      been queried are queued (:class:`~naslib_nar.search.loop.SearchLoop`).
    * Only architectures the ``dataset_api`` holds are proposed; one that still fails to
      query (``KeyError``) is skipped without using the epoch.

    Reads ``config.search.{epochs, num_init, k, sample_size, top_n, random_fraction, preset,
    ranker, nar}`` (``nar``: further keys of :class:`~naslib_nar.search.settings.SearchSettings`,
    e.g. ``{statistics: batches}``), ``config.dataset`` and ``config.seed``.
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
        self.search_info: Dict[str, Any] = {"n_fits": 0, "fit_seconds": 0.0, "skipped_unqueryable": 0,
                                            "random_fallbacks": 0}
        self._rows: List[int] = []
        self._queue: List[int] = []
        self._failed: List[int] = []  # rows whose query raised KeyError
        self._pool: Any = None
        self._loop: Any = None
        self._since_fit = 0
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
        check_param("preset", self.preset, str, owner=owner, choices=("faithful", "fast", "tiny"))
        settings = {"top_n": self.top_n, "random_fraction": self.random_fraction, **self.search_params}
        if self.sample_size is not None:
            settings["candidates"] = self.sample_size
        self.settings = resolve("nar", self.space, settings)

    def new_epoch(self, epoch: int) -> None:
        if epoch < self.num_init:
            self._query_random()
            return
        if self._loop is None or self._since_fit >= self.k:
            self._fit()
        self._query_next()
        self._since_fit += 1

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
    def _incumbent(self) -> Any:
        if len(self.history) == 0:
            raise ValueError("NARSampler has not queried any architecture yet; run at least one epoch.")
        return max(self.history, key=lambda holder: holder.accuracy).arch

    def _record(self, arch: Any, row: int) -> bool:
        """Query ``arch`` (one epoch's label); False when the api does not hold it."""
        try:
            accuracy = float(arch.query(self.performance_metric, self.dataset, dataset_api=self.dataset_api))
        except KeyError:
            self.search_info["skipped_unqueryable"] += 1
            if row >= 0:
                self._failed.append(row)
            return False
        holder = torch.nn.Module()
        holder.arch = arch
        holder.accuracy = accuracy
        self.history.append(holder)
        self._rows.append(row)
        return True

    def _query_random(self) -> None:
        for _ in range(MAX_SKIPS):
            arch = light_copy(self._template)
            arch.sample_random_architecture(dataset_api=self.dataset_api)
            if self._record(arch, self._row_of(arch)):
                return
        raise ValueError(f"NARSampler drew {MAX_SKIPS} random architectures in a row that the dataset_api cannot "
                         "query; for a partial NB101 api use naslib_nar.naslib.dataset_api.restrict_nb101_api.")

    def _row_of(self, arch: Any) -> int:
        if self._pool is None:
            return -1  # resolved when the pool is built
        return int(self._pool.locate(graphs_to_archs([arch], self.space))[0])

    def _ensure_pool(self) -> None:
        if self._pool is not None:
            return
        start = time.perf_counter()
        self._pool = candidate_pool(self.space, self._dataset, self.dataset_api)
        if self.history:
            rows = self._pool.locate(graphs_to_archs([h.arch for h in self.history], self.space))
            self._rows = rows.tolist()
        logger.info("NARSampler: %d queryable architectures indexed in %.1f s", len(self._pool.bench),
                    time.perf_counter() - start)

    def _fit(self) -> None:
        self._ensure_pool()
        rows = np.asarray(self._rows, dtype=np.int64)
        y = np.array([h.accuracy for h in self.history], dtype=np.float64)
        keep = (rows >= 0) & np.isfinite(y) & (y >= 0)  # NASLib answers -1 for invalid NB101 cells
        if keep.sum() < 2 or np.ptp(y[keep]) == 0:
            raise ValueError(
                f"NARSampler cannot fit the ranker on {int(keep.sum())} usable labels with distinct values; "
                "raise search.num_init."
            )
        params = {"preset": self.preset, **self.ranker_params}
        params["n_tiers"] = min(int(params.get("n_tiers", 5)), int(keep.sum()))
        ranker = make_predictor("nar", space=self.space, dataset=self._dataset,
                                seed=self.seed + self.search_info["n_fits"], params=params)
        start = time.perf_counter()
        ranker.fit(self._pool.encode(rows[keep]), y[keep])
        seconds = time.perf_counter() - start
        if self._loop is None:
            planned = max(1, math.ceil((self.epochs - len(self.history)) / self.settings.top_n))
            self._loop = SearchLoop(self._pool, self.settings, np.random.default_rng([self.seed, 4099]), planned)
        self._loop.set_ranker(ranker)
        self._queue = []
        self._since_fit = 0
        self.search_info["n_fits"] += 1
        self.search_info["fit_seconds"] += seconds
        logger.info("NARSampler: ranker fitted on %d architectures in %.1f s", int(keep.sum()), seconds)

    def _exclude(self) -> np.ndarray:
        return np.unique(np.asarray(self._rows + self._queue + self._failed, dtype=np.int64))

    def _query_next(self) -> None:
        for _ in range(MAX_SKIPS):
            if not self._queue:
                rows = self._loop.select(self.settings.top_n, exclude=self._exclude)
                self._queue = rows.tolist()
                if not self._queue:  # every candidate was queried already
                    self.search_info["random_fallbacks"] += 1
                    self._query_random()
                    return
            row = self._queue.pop(0)
            if row in self._rows:
                continue
            arch = archs_to_graphs(self._pool.bench.archs[[row]], self._template, self.dataset_api)[0]
            if self._record(arch, row):
                return
        raise ValueError(f"NARSampler skipped {MAX_SKIPS} proposed architectures in a row that the dataset_api "
                         "cannot query; check that the dataset_api matches the search space.")

    def info(self) -> Dict[str, Any]:
        """JSON-ready summary of the search: fits, fit time, skipped candidates, loop counters."""
        out = dict(self.search_info)
        if self._loop is not None:
            out.update({k: v for k, v in self._loop.info().items() if k != "plans"})
        return out
