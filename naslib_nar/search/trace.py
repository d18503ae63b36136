"""What a search run leaves behind, and the two reporting protocols computed from it.

Every search method (NAR, its ablations, random search, evolution, BOHB, ...) returns a
:class:`SearchTrace`: the benchmark rows whose labels it paid for, in order, with how
each label was obtained. Tables and plots are computed from stored traces only, so a
method never reports its own headline number.

Protocols (SPEC §4):

* (a) NASLib's convention: the incumbent is the labelled architecture with the best
  *observed validation* accuracy; its test accuracy is reported.
* (b) the paper's: the best *test* accuracy among the labelled architectures (an oracle
  pick that no real search could make).

Which labels count is explicit (``kinds``): the paper regime counts its 50*n search
queries; the budget regime counts every label, training labels included.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Optional

import numpy as np

LABEL_KINDS = ("train", "val", "search")


@dataclass
class SearchTrace:
    """The labels one search run obtained, in order.

    Attributes
    ----------
    rows : benchmark row of each label, in the order obtained (repeats allowed).
    kinds : 'train' (predictor training set), 'val' (its validation set) or 'search'.
    observed : the validation accuracy the method saw (a single seed's value when the
        benchmark is queried NASLib-style, else the mean).
    fidelity : training epochs behind each label, or None when every label is at the
        full budget ``full_epochs``; only full-budget labels count for the protocols.
    cost_seconds : simulated training time of every label (benchmark train time scaled
        by fidelity), the paper's "cost".
    """

    method: str
    space: str
    dataset: str
    seed: int
    rows: np.ndarray
    kinds: np.ndarray
    observed: np.ndarray
    wall_seconds: float = 0.0
    cost_seconds: float = float("nan")
    fidelity: Optional[np.ndarray] = None
    full_epochs: Optional[float] = None
    info: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = np.asarray(self.rows, dtype=np.int64)
        self.kinds = np.asarray(self.kinds, dtype="<U6")
        self.observed = np.asarray(self.observed, dtype=np.float64)
        n = len(self.rows)
        if self.kinds.shape != (n,) or self.observed.shape != (n,):
            raise ValueError(f"rows, kinds and observed must have equal length; got {n}, {self.kinds.shape}, "
                             f"{self.observed.shape}.")
        bad = set(self.kinds.tolist()) - set(LABEL_KINDS)
        if bad:
            raise ValueError(f"Unknown label kinds {sorted(bad)}; expected {LABEL_KINDS}.")
        if self.fidelity is not None:
            self.fidelity = np.asarray(self.fidelity, dtype=np.float64)
            if self.fidelity.shape != (n,) or self.full_epochs is None:
                raise ValueError("fidelity needs one value per label and full_epochs to compare it with.")

    def counted(self, kinds: Optional[Iterable[str]] = None, full_fidelity_only: bool = True) -> np.ndarray:
        """Positions of the labels that count for a protocol."""
        mask = np.ones(len(self.rows), dtype=bool) if kinds is None else np.isin(self.kinds, list(kinds))
        if full_fidelity_only and self.fidelity is not None:
            mask &= self.fidelity >= self.full_epochs
        return np.flatnonzero(mask)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "method": self.method, "space": self.space, "dataset": self.dataset, "seed": self.seed,
            "rows": self.rows.tolist(), "kinds": self.kinds.tolist(), "observed": self.observed.tolist(),
            "wall_seconds": self.wall_seconds, "cost_seconds": self.cost_seconds,
            "fidelity": None if self.fidelity is None else self.fidelity.tolist(),
            "full_epochs": self.full_epochs, "info": self.info,
        }

    @classmethod
    def from_dict(cls, payload: Dict[str, Any]) -> "SearchTrace":
        return cls(**payload)


def rank_permille(values: np.ndarray, value: float) -> float:
    """Rank of ``value`` among ``values`` (1 = best) in per-mille of the table size."""
    finite = values[np.isfinite(values)]
    return float((np.sum(finite > value) + 1) / len(finite) * 1000.0)


def incumbent(trace: SearchTrace, bench: Any, truth: str, protocol: str,
              kinds: Optional[Iterable[str]] = None) -> Dict[str, Any]:
    """The architecture a protocol reports, with its validation/test accuracy and rank."""
    pos = trace.counted(kinds)
    if pos.size == 0:
        raise ValueError(f"Trace of {trace.method} (seed {trace.seed}) has no labels of kinds {kinds}.")
    truth_values = bench.metric(truth)
    rows = trace.rows[pos]
    if protocol == "a":
        pick = rows[int(np.argmax(trace.observed[pos]))]
    elif protocol == "b":
        pick = rows[int(np.nanargmax(truth_values[rows]))]
    else:
        raise ValueError(f"protocol must be 'a' or 'b'; got {protocol!r}.")
    return {
        "row": int(pick),
        "val_acc": float(bench.metric("val_acc")[pick]),
        truth: float(truth_values[pick]),
        "rank_permille": rank_permille(truth_values, float(truth_values[pick])),
    }


def best_so_far(trace: SearchTrace, bench: Any, truth: str, protocol: str,
                kinds: Optional[Iterable[str]] = None) -> np.ndarray:
    """Reported ``truth`` accuracy after each counted label (protocol a or b)."""
    pos = trace.counted(kinds)
    truth_values = bench.metric(truth)[trace.rows[pos]]
    if protocol == "b":
        return np.maximum.accumulate(truth_values)
    best_idx = np.zeros(len(pos), dtype=np.int64)
    best = -np.inf
    for i, value in enumerate(trace.observed[pos]):
        if value > best:
            best, best_idx[i] = value, i
        else:
            best_idx[i] = best_idx[i - 1]
    return truth_values[best_idx]


def first_hit(trace: SearchTrace, target_rows: Any, kinds: Optional[Iterable[str]] = None) -> Optional[int]:
    """1-based count of counted labels after which one of ``target_rows`` was first labelled."""
    pos = trace.counted(kinds)
    hits = np.flatnonzero(np.isin(trace.rows[pos], np.atleast_1d(target_rows)))
    return int(hits[0]) + 1 if hits.size else None
