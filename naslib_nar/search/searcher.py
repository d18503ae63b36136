"""The ask/tell shape every search method has (Syne Tune's split: searchers propose, a runner runs).

A :class:`Searcher` never touches the benchmark's labels: it proposes rows to label
(:meth:`Searcher.ask`) and is told what was observed (:meth:`Searcher.tell`). The
runner (:func:`naslib_nar.search.runner.run_search`) owns everything a comparison must
keep equal between methods: the oracle, the label budget and its accounting, the random
streams, the trace and the progress bar. The same searcher object therefore runs inside
our runner and inside NASLib's optimizer loop (which queries through NASLib instead).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np

from .trace import LABEL_KINDS

__all__ = ["Ask", "SearchContext", "Searcher"]


@dataclass(frozen=True)
class Ask:
    """Labels a searcher wants next: benchmark ``rows``, all of one ``kind`` and ``fidelity``.

    ``kind`` is 'search' for ordinary queries; the paper regime labels its predictor's
    training and validation sets as 'train' / 'val', which its budget does not charge.
    ``fidelity`` is the training epochs (None: the full budget); BOHB asks for fewer.
    An empty ``rows`` means the searcher has nothing more to ask (the run ends).
    """

    rows: np.ndarray
    kind: str = "search"
    fidelity: Optional[int] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", np.atleast_1d(np.asarray(self.rows, dtype=np.int64)))
        if self.kind not in LABEL_KINDS:
            raise ValueError(f"Ask.kind must be one of {LABEL_KINDS}; got {self.kind!r}.")

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class SearchContext:
    """What a searcher may know about its run before it starts.

    Attributes
    ----------
    bench : TabularBenchmark
        The architectures (``bench.archs``) and the space; a searcher reads no labels from it.
    queryable : bool array, one per row
        Rows that can be labelled (NB101 here: the labelled cells only).
    rng : numpy Generator
        The searcher's only source of randomness (the runner derives it from the seed and
        the searcher's ``rng_stream``, so query noise and proposals never share a stream).
    budget : int or None
        Labels the run may charge (None: unlimited), for searchers that plan with it.
    seed : int
        The run's seed (for predictors with their own ``random_state``).
    """

    bench: Any
    queryable: np.ndarray
    rng: np.random.Generator
    budget: Optional[int]
    seed: int

    @property
    def queryable_rows(self) -> np.ndarray:
        return np.flatnonzero(self.queryable)


class Searcher(ABC):
    """One search method as a proposer: ``start`` once, then ``ask`` / ``tell`` in turns.

    Subclasses set ``name`` (the registry key), ``rng_stream`` (the integer that, with
    the seed, makes the method's random stream; fixed per method so that runs are
    reproducible) and, for regimes that do not charge every label, ``charged_kinds`` (and
    ``needs_budget = False`` where the regime has a default length).
    Parameters are checked by the constructor's caller through :meth:`check_params`
    before any label is spent.
    """

    name: str = "searcher"
    rng_stream: int = 0
    charged_kinds: Tuple[str, ...] = LABEL_KINDS
    #: False for regimes with their own default length (the paper's 50 iterations).
    needs_budget: bool = True

    def start(self, context: SearchContext) -> None:
        """Receive the run's context; called once before the first ``ask``."""
        self.context = context

    @abstractmethod
    def ask(self, n: int) -> Ask:
        """Up to ``n`` labels to obtain next (``n`` = charged labels still allowed)."""

    @abstractmethod
    def tell(self, ask: Ask, values: np.ndarray) -> None:
        """The observed validation accuracies (percent) of ``ask.rows``, in order."""

    def info(self) -> Dict[str, Any]:
        """JSON-ready facts about the run for its trace (settings, counters, fit times)."""
        return {}

    @property
    def progress_label(self) -> str:
        return self.name
