"""A searcher driven one label at a time, for loops that query one architecture per call.

NASLib's ``Trainer`` calls its optimizer's ``new_epoch`` once per query, while a
:class:`~naslib_nar.search.searcher.Searcher` asks for a batch. :class:`OneAtATime`
buffers the batch: it hands out its rows one by one, collects the observed values and
tells the searcher once every row of the batch is resolved. It keeps the runner's
accounting (``n`` of each ask = charged labels still allowed; only the searcher's
``charged_kinds`` are charged) but does not query anything itself: the caller queries
(through NASLib) and reports the value, or reports that the row could not be queried.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from .runner import UNLIMITED
from .searcher import Ask, SearchContext, Searcher

__all__ = ["OneAtATime"]


class OneAtATime:
    """Hands out a searcher's asks one row at a time and tells it each ask's values.

    Parameters
    ----------
    searcher : Searcher
        Started here with ``context``.
    context : SearchContext
        Its ``budget`` bounds the charged labels; a row reported unqueryable is cleared
        in ``context.queryable``, so the searcher never proposes it again.

    Each row :meth:`next` hands out must be answered with :meth:`record` (its value) or
    :meth:`skip` (it could not be queried) before the next call. An ask is told once all
    its rows are answered, without the skipped ones.
    """

    def __init__(self, searcher: Searcher, context: SearchContext) -> None:
        self.searcher, self.context = searcher, context
        self.charged = 0
        self.skipped = 0
        self.finished = False
        self._ask: Optional[Ask] = None
        self._position = 0  # rows of the current ask handed out so far
        self._pending = False  # a row handed out and not answered yet
        self._rows: List[int] = []  # answered rows of the current ask, and their values
        self._values: List[float] = []
        searcher.start(context)

    @property
    def remaining(self) -> Optional[int]:
        """Charged labels still allowed (None: unlimited)."""
        return None if self.context.budget is None else self.context.budget - self.charged

    def next(self) -> Optional[Tuple[int, str]]:
        """The next row to label and its kind, or None once the searcher has nothing more to ask."""
        if self._pending:
            raise RuntimeError("OneAtATime.next: answer the last row with record(value) or skip() first.")
        if self._ask is None and not self.finished:
            remaining = self.remaining
            ask = self.searcher.ask(UNLIMITED if remaining is None else remaining) \
                if remaining is None or remaining > 0 else None
            if ask is None or len(ask) == 0:
                self.finished = True
            else:
                self._ask, self._position, self._rows, self._values = ask, 0, [], []
        if self.finished:
            return None
        row = int(self._ask.rows[self._position])
        self._position += 1
        self._pending = True
        return row, self._ask.kind

    def record(self, value: float) -> None:
        """The observed value of the row handed out last."""
        row = self._answer()
        self._rows.append(row)
        self._values.append(float(value))
        if self._ask.kind in self.searcher.charged_kinds:
            self.charged += 1
        self._tell_when_complete()

    def skip(self) -> None:
        """The row handed out last cannot be queried: dropped from its ask and from ``queryable``."""
        self.context.queryable[self._answer()] = False
        self.skipped += 1
        self._tell_when_complete()

    def _answer(self) -> int:
        if not self._pending:
            raise RuntimeError("OneAtATime: record() and skip() answer the row of the last next() call; "
                               "none is pending.")
        self._pending = False
        return int(self._ask.rows[self._position - 1])

    def _tell_when_complete(self) -> None:
        if self._position < len(self._ask):
            return
        ask, self._ask = self._ask, None
        if self._rows:
            self.searcher.tell(Ask(np.asarray(self._rows, dtype=np.int64), ask.kind, ask.fidelity),
                               np.asarray(self._values, dtype=np.float64))
