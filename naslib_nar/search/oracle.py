"""The one gate between a search method and the benchmark: queries, budget, cost, trace.

All methods obtain labels through an :class:`Oracle`, so every method is charged the
same way: one label per query (repeats are charged again, as in NASLib), the simulated
training cost of each label, and only the label kinds that count for the regime are
charged against the budget. By default a query returns one random training seed's
validation accuracy where the benchmark has per-seed values (NASLib's behaviour), so a
method cannot tell near-ties apart for free; ``noisy=False`` returns the seed mean.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Iterable, List, Optional

import numpy as np

from .._validation import check_param
from .trace import LABEL_KINDS, SearchTrace

#: Full training budget in epochs, used to scale the cost of low-fidelity labels.
FULL_EPOCHS = {"nb201": 200, "nb101": 108}
#: Low-fidelity metrics by epochs, where a benchmark has them.
FIDELITY_METRICS = {"nb201": {12: "val_acc_12ep", 200: "val_acc"},
                    "nb101": {4: "val_acc_4ep", 12: "val_acc_12ep", 36: "val_acc_36ep", 108: "val_acc"}}


class BudgetExhausted(RuntimeError):
    """A method asked for more labels than its budget allows (a bug in the method)."""


class Oracle:
    """Answers queries for one search run and records them.

    Parameters
    ----------
    bench : TabularBenchmark
    method, seed : recorded in the trace.
    budget : labels that may be charged (None = unlimited).
    charged_kinds : label kinds charged against ``budget`` (default: all).
    noisy : return one random seed's value per query (where available).
    queryable : optional boolean mask of rows that may be queried (NB101: labelled cells).
    """

    def __init__(
        self,
        bench: Any,
        *,
        method: str,
        seed: int,
        budget: Optional[int] = None,
        charged_kinds: Iterable[str] = LABEL_KINDS,
        noisy: bool = True,
    ) -> None:
        check_param("budget", budget, int, owner="Oracle", min_val=1, allow_none=True)
        self.bench, self.method, self.seed, self.budget = bench, method, seed, budget
        self.charged_kinds = tuple(charged_kinds)
        self.noisy = noisy
        self.rng = np.random.default_rng([seed, 7919])  # query noise, independent of the method's own rng
        self._rows: List[int] = []
        self._kinds: List[str] = []
        self._observed: List[float] = []
        self._fidelity: List[float] = []
        self._cost = 0.0
        self._charged = 0  # kept as a count: summing the kinds on every query is quadratic in the labels
        self._start = time.perf_counter()
        val = bench.metric("val_acc")
        self.queryable = np.isfinite(val)
        self._train_time = bench.metric("train_time") if "train_time" in bench.metric_names else None

    # ------------------------------------------------------------------ accounting
    @property
    def charged(self) -> int:
        return self._charged

    @property
    def remaining(self) -> Optional[int]:
        return None if self.budget is None else self.budget - self.charged

    def seen(self) -> np.ndarray:
        """Rows labelled so far (unique, full fidelity or not)."""
        return np.unique(np.asarray(self._rows, dtype=np.int64))

    # ------------------------------------------------------------------ queries
    def query(self, rows: Any, kind: str = "search", fidelity: Optional[int] = None) -> np.ndarray:
        """Observed validation accuracy of ``rows`` (percent); charges them to the budget."""
        if kind not in LABEL_KINDS:
            raise ValueError(f"kind must be one of {LABEL_KINDS}; got {kind!r}.")
        rows = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        if not self.queryable[rows].all():
            bad = rows[~self.queryable[rows]][:5].tolist()
            raise ValueError(f"Rows {bad} have no validation accuracy in this benchmark and cannot be queried.")
        if kind in self.charged_kinds and self.budget is not None and self.charged + len(rows) > self.budget:
            raise BudgetExhausted(
                f"{self.method} asked for {len(rows)} more labels with {self.remaining} of {self.budget} left."
            )
        metric = "val_acc"
        full = FULL_EPOCHS[self.bench.space]
        if fidelity is not None and fidelity != full:
            table = FIDELITY_METRICS[self.bench.space]
            if fidelity not in table or table[fidelity] not in self.bench.metric_names:
                raise ValueError(f"No {fidelity}-epoch results in this benchmark; available: "
                                 f"{[e for e, m in table.items() if m in self.bench.metric_names]}.")
            metric = table[fidelity]
        seed = "random" if self.noisy else None
        values = np.asarray(self.bench.query(rows, metric, seed=seed, random_state=self.rng), dtype=np.float64)
        epochs = full if fidelity is None else fidelity
        if self._train_time is not None:
            self._cost += float(np.nansum(self._train_time[rows])) * epochs / full
        self._rows += rows.tolist()
        self._kinds += [kind] * len(rows)
        if kind in self.charged_kinds:
            self._charged += len(rows)
        self._observed += values.tolist()
        self._fidelity += [float(epochs)] * len(rows)
        return values

    def trace(self, info: Optional[Dict[str, Any]] = None) -> SearchTrace:
        """The run so far as a :class:`SearchTrace` (wall time measured from construction)."""
        fidelity = np.asarray(self._fidelity, dtype=np.float64)
        full = float(FULL_EPOCHS[self.bench.space])
        return SearchTrace(
            method=self.method, space=self.bench.space, dataset=self.bench.dataset, seed=self.seed,
            rows=np.asarray(self._rows, dtype=np.int64), kinds=np.asarray(self._kinds), observed=np.asarray(self._observed),
            wall_seconds=time.perf_counter() - self._start, cost_seconds=self._cost if self._train_time is not None else float("nan"),
            fidelity=None if (fidelity == full).all() else fidelity, full_epochs=full, info=dict(info or {}),
        )
