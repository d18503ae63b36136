"""One small tabular-benchmark interface over dense arrays (Syne Tune blackbox-like).

A benchmark is a batch of architectures (one per row), a dict of per-row metrics and,
where the data has them, per-seed values. Every look-up is vectorised: architectures map
to rows through a dense index (NB201's base-5 enumeration index) or a hash -> row dict
(NB101's official module hash), and queries are array indexing. Missing values are NaN,
so a table can hold the whole space while only some architectures are labelled.

Metric names used by the loaders (accuracies in percent, NASLib's convention):
``val_acc``, ``test_acc`` (full budget), ``valtest_acc`` (NB201's shared table: the
``val_acc`` model on the test set), ``params``, ``flops``, ``latency`` (s),
``train_time`` (s), and lower-fidelity budgets ``val_acc_12ep`` / ``test_acc_12ep`` (NB201)
and ``val_acc_4ep`` / ``val_acc_12ep`` / ``val_acc_36ep`` (NB101).
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np

from .._validation import check_param, check_random_state
from ..spaces import get_space
from ..spaces.nb101 import CellBatch

__all__ = ["TabularBenchmark"]

_SPACES = ("nb101", "nb201")


class TabularBenchmark:
    """Tabulated results of one search space on one dataset.

    Parameters
    ----------
    space : {'nb101', 'nb201'}
    dataset : str
        e.g. ``'cifar10'``; free text for synthetic benchmarks.
    archs : (n, 6) int array (NB201) or CellBatch (NB101)
        One architecture per row, each at most once.
    metrics : dict of str -> array of shape (n,)
        Stored as read-only float64; NaN marks a missing value.
    seed_metrics : dict of str -> array of shape (n, S), optional
        Per-seed (per-run) values of metrics that are also in ``metrics``, which holds the
        value ``query(seed=None)`` reports (usually their mean); NaN where a seed is missing.
    keys : array of str, optional
        NB101 only: the official module hash of each row, when the data file provides it
        (hashing 400k cells again would take a minute).
    source : str
        Human-readable provenance, printed by ``naslib-nar data info``.
    """

    def __init__(
        self,
        space: str,
        dataset: str,
        archs: Any,
        metrics: Mapping[str, Any],
        *,
        seed_metrics: Optional[Mapping[str, Any]] = None,
        keys: Optional[Sequence[str]] = None,
        source: str = "",
    ) -> None:
        check_param("space", space, str, owner=self, choices=_SPACES)
        check_param("dataset", dataset, str, owner=self)
        check_param("source", source, str, owner=self)
        self.space, self.dataset, self.source = space, dataset, source
        self._space = get_space(space)
        self.archs = self._check_archs(archs)
        n = len(self.archs)
        if n == 0:
            raise ValueError("TabularBenchmark needs at least one architecture. Got an empty batch.")
        if not isinstance(metrics, Mapping) or not metrics:
            raise TypeError("The 'metrics' parameter of TabularBenchmark must be a non-empty dict of name -> array.")
        self.metrics: Dict[str, np.ndarray] = {
            name: _frozen(_as_float(values, name, (n,))) for name, values in metrics.items()
        }
        self.seed_metrics: Dict[str, np.ndarray] = {}
        for name, values in (seed_metrics or {}).items():
            if name not in self.metrics:
                raise ValueError(
                    f"seed_metrics[{name!r}] of TabularBenchmark has no entry in 'metrics'; add "
                    f"metrics[{name!r}] (e.g. the per-row mean over seeds)."
                )
            arr = _as_float(values, f"seed_metrics[{name!r}]", (n, None))
            self.seed_metrics[name] = _frozen(arr)
        self._row_of = self._build_index(keys)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(
        cls,
        space: str,
        archs: Any,
        metrics: Mapping[str, Any],
        *,
        dataset: str = "synthetic",
        seed_metrics: Optional[Mapping[str, Any]] = None,
        source: str = "synthetic arrays",
    ) -> "TabularBenchmark":
        """Build a benchmark from architectures in any user form (strings, specs, ...)."""
        check_param("space", space, str, owner="TabularBenchmark.from_arrays", choices=_SPACES)
        batch = get_space(space).as_batch(archs)
        return cls(space, dataset, batch, metrics, seed_metrics=seed_metrics, source=source)

    def _check_archs(self, archs: Any) -> Any:
        if self.space == "nb201":
            if not isinstance(archs, np.ndarray):
                raise TypeError(
                    "TabularBenchmark('nb201') expects 'archs' as an (n, 6) op-index array; use "
                    f"TabularBenchmark.from_arrays for other forms. Got {type(archs).__name__}."
                )
            return _frozen(self._space.as_batch(archs))
        if not isinstance(archs, CellBatch):
            raise TypeError(
                "TabularBenchmark('nb101') expects 'archs' as a CellBatch; use "
                f"TabularBenchmark.from_arrays for specs. Got {type(archs).__name__}."
            )
        return archs

    def _build_index(self, keys: Optional[Sequence[str]]) -> Any:
        n = len(self.archs)
        if self.space == "nb201":
            if keys is not None:
                raise ValueError("TabularBenchmark 'keys' are NB101 hashes; NB201 rows are keyed by their ops.")
            index = self._space.arch_index(self.archs)
            row_of = np.full(len(self._space.op_names) ** 6, -1, dtype=np.int64)
            row_of[index] = np.arange(n)
            if (row_of >= 0).sum() != n:
                raise ValueError("TabularBenchmark 'archs' holds the same NB201 architecture more than once.")
            return row_of
        if keys is not None:
            hashes = np.asarray(keys).astype(str)
            if hashes.shape != (n,):
                raise ValueError(f"TabularBenchmark 'keys' must have shape ({n},). Got {hashes.shape}.")
        else:
            hashes = self._space.hash(self.archs)
        row_of = {h: i for i, h in enumerate(hashes.tolist())}
        if len(row_of) != n:
            raise ValueError("TabularBenchmark 'archs' holds the same NB101 cell (hash) more than once.")
        return row_of

    # ------------------------------------------------------------------ look-ups
    def __len__(self) -> int:
        return len(self.archs)

    def __repr__(self) -> str:
        labelled = len(self.labelled_rows("val_acc")) if "val_acc" in self.metrics else 0
        return (f"TabularBenchmark(space={self.space!r}, dataset={self.dataset!r}, n={len(self)}, "
                f"labelled={labelled}, metrics={sorted(self.metrics)})")

    @property
    def metric_names(self) -> Tuple[str, ...]:
        return tuple(self.metrics)

    def rows_of(self, archs: Any, missing: str = "raise") -> np.ndarray:
        """Row of each architecture (any form the space accepts), as an int64 array.

        ``missing='raise'`` raises ``KeyError`` naming the first architecture that is not in
        the table; ``missing='ignore'`` returns -1 for those.
        """
        check_param("missing", missing, str, owner="TabularBenchmark.rows_of", choices=("raise", "ignore"))
        if self.space == "nb201":
            batch = self._space.as_batch(archs)
            rows = self._row_of[self._space.arch_index(batch)]
        else:
            batch = archs if isinstance(archs, CellBatch) else self._space.as_batch(archs)
            rows = np.array([self._row_of.get(h, -1) for h in self._space.hash(batch).tolist()], dtype=np.int64)
        absent = np.flatnonzero(rows < 0)
        if missing == "raise" and absent.size:
            first = batch[absent[:1]]
            shown = self._space.to_strings(first)[0] if self.space == "nb201" else first.to_specs()[0]
            raise KeyError(
                f"Architecture {shown!r} is not in the {self.space} {self.dataset} table ({len(self)} archs); "
                f"{absent.size} of the {len(rows)} requested are missing. Pass missing='ignore' to get -1 "
                "for them, or load the benchmark with all architectures."
            )
        return rows

    def metric(self, name: str) -> np.ndarray:
        """The read-only ``(n,)`` float64 column of one metric (NaN = missing)."""
        self._check_metric(name, "metric")
        return self.metrics[name]

    def labelled_rows(self, metric: str = "val_acc") -> np.ndarray:
        """Rows whose ``metric`` is known (finite), ascending."""
        return np.flatnonzero(np.isfinite(self.metric(metric)))

    def best(self, metric: str = "val_acc") -> int:
        """Row with the highest finite value of ``metric`` (first one on ties)."""
        values = self.metric(metric)
        if not np.isfinite(values).any():
            raise ValueError(f"No architecture of this {self.space} {self.dataset} benchmark has a {metric!r} value.")
        return int(np.nanargmax(values))

    def best_rows(self, metric: str = "val_acc") -> np.ndarray:
        """All rows tied at the highest value of ``metric``.

        Ties are real: on NB201 cifar10 two architectures share the best test accuracy
        (94.373), and a search that finds either has found the optimum.
        """
        values = self.metric(metric)
        return np.flatnonzero(values == values[self.best(metric)])

    def query(
        self, rows: Any, metric: str = "val_acc", seed: Any = None, random_state: Any = None
    ) -> np.ndarray:
        """Values of ``metric`` at ``rows`` as a float64 array (NaN where missing).

        ``seed=None`` gives the table value (the mean where there are several seeds); an
        int ``s`` gives seed column ``s`` of ``seed_metrics``; ``'random'`` gives one seed
        drawn per query from ``random_state`` among the seeds that exist, as NASLib's
        queries do. A metric (or row) without per-seed values answers ``'random'`` with its
        single value: for NB101's labelled cells that value is itself one training run.
        """
        self._check_metric(metric, "query")
        idx = self._check_rows(rows)
        if seed is None:
            return self.metrics[metric][idx].copy()
        per_seed = self.seed_metrics.get(metric)
        if isinstance(seed, str):
            check_param("seed", seed, str, owner="TabularBenchmark.query", choices=("random",))
            rng = check_random_state(random_state)
            if per_seed is None:
                return self.metrics[metric][idx].copy()
            return _random_seed_values(per_seed[idx], self.metrics[metric][idx], rng)
        if per_seed is None:
            raise ValueError(
                f"Metric {metric!r} of this benchmark has no per-seed values (those with seeds: "
                f"{sorted(self.seed_metrics)}). Use seed=None for the mean."
            )
        check_param("seed", seed, int, owner="TabularBenchmark.query", min_val=0, max_val=per_seed.shape[1] - 1)
        return per_seed[idx, int(seed)].copy()

    def _check_metric(self, name: Any, method: str) -> None:
        if not isinstance(name, str) or name not in self.metrics:
            raise ValueError(
                f"The 'metric' parameter of TabularBenchmark.{method} must be one of {sorted(self.metrics)} "
                f"for this {self.space} {self.dataset} benchmark. Got {name!r} instead."
            )

    def _check_rows(self, rows: Any) -> np.ndarray:
        idx = np.asarray(rows)
        if idx.dtype == bool or not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(
                f"TabularBenchmark.query expects integer row indices (see rows_of). Got dtype {idx.dtype}."
            )
        idx = idx.reshape(-1).astype(np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise ValueError(
                f"TabularBenchmark.query got rows outside [0, {len(self)}) (min {idx.min()}, max {idx.max()}). "
                "Rows come from rows_of(); a -1 there means the architecture is missing."
            )
        return idx


def _as_float(values: Any, name: str, shape: Tuple[Optional[int], ...]) -> np.ndarray:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"TabularBenchmark {name} must be numeric. Got {type(values).__name__}.") from None
    ok = arr.ndim == len(shape) and all(want is None or got == want for got, want in zip(arr.shape, shape))
    if not ok or (arr.ndim == 2 and arr.shape[1] == 0):
        want = "(" + ", ".join("S" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"TabularBenchmark {name} must have shape {want} (one row per architecture). Got {arr.shape}.")
    return arr


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _random_seed_values(values: np.ndarray, fallback: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One existing seed per row, uniformly; rows with no seed value get ``fallback``."""
    valid = np.isfinite(values)
    counts = valid.sum(axis=1)
    order = np.argsort(~valid, axis=1, kind="stable")  # existing seeds first, in order
    pick = np.minimum((rng.random(len(values)) * counts).astype(np.int64), np.maximum(counts - 1, 0))
    out = values[np.arange(len(values)), order[np.arange(len(values)), pick]]
    return np.where(counts > 0, out, fallback)
