"""One task of a ``--protocol`` evaluation: fit on N architectures, score the whole space.

The predictor is trained on the validation accuracy of ``train_size`` architectures of
the training dataset (drawn from its labelled ones with the seed, no validation split)
and scores all of them, the training architectures included. That one ranking is scored
against every truth metric of every dataset of the space: in-domain (the training
dataset's own truth) and transfer (another dataset's truth of the same architectures)
come from the same fit, and the record does not depend on which of them a table shows.
The same seed draws the same architectures on every dataset (the tables list the same
architectures), so a transfer and its in-domain value differ only in the labels.
Scores come from the training dataset's encoding (its FLOPs and params features): the
predictor ranks architectures, and is shown the inputs it was trained on.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Mapping, Sequence

import numpy as np

from ..baselines.registry import make_predictor
from .metrics import ranking_metrics


def check_train_size(n_labelled: int, train_size: int, space: str) -> None:
    """``train_size`` architectures must exist to be drawn."""
    if train_size > n_labelled:
        raise ValueError(f"train size {train_size} is above the {n_labelled} labelled {space} architectures "
                         f"(the whole space ranked here); use train sizes <= {n_labelled}.")


def _truth_values(bench: Any, rows: np.ndarray, truth: str) -> Any:
    """The ``truth`` of ``rows`` in ``bench``, or why it cannot be scored (a string)."""
    if truth not in bench.metric_names:
        return f"{bench.source} has no {truth}"
    values = bench.metric(truth)[rows]
    missing = int((~np.isfinite(values)).sum())
    if missing:
        return f"{missing} of the {len(rows)} architectures have no {truth} in {bench.source}"
    return values


def score_whole_space(bench: Any, encoded: Any, targets: Mapping[str, Any], truths: Sequence[str], *,
                      predictor: str, train_size: int, seed: int, params: Mapping[str, Any],
                      progress: bool = False) -> Dict[str, Any]:
    """Fit ``predictor`` on ``train_size`` of ``bench``'s labelled architectures, score them all.

    ``encoded`` is ``encode_rows(bench, bench.labelled_rows('val_acc'))``; ``targets`` maps
    each dataset of the space to its benchmark. Returns the fit and query seconds,
    ``scores[dataset][truth]`` (Kendall tau, Spearman, precision@k) and, for each truth a
    dataset cannot be scored on, ``absent[dataset][truth]`` saying why.
    """
    rows = bench.labelled_rows("val_acc")
    check_train_size(len(rows), train_size, bench.space)
    train = np.random.default_rng(seed).permutation(len(rows))[:train_size]
    est = make_predictor(predictor, space=bench.space, dataset=bench.dataset, seed=seed, params=dict(params))
    if hasattr(est, "progress"):
        est.set_params(progress=progress)
    start = time.perf_counter()
    est.fit(encoded[train], bench.metric("val_acc")[rows][train])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = est.predict(encoded)
    query_s = time.perf_counter() - start
    scores: Dict[str, Dict[str, Any]] = {}
    absent: Dict[str, Dict[str, str]] = {}
    archs = bench.archs[rows]
    for dataset, target in targets.items():
        target_rows = rows if target is bench else target.rows_of(archs)
        for truth in truths:
            values = _truth_values(target, target_rows, truth)
            if isinstance(values, str):
                absent.setdefault(dataset, {})[truth] = values
            else:
                scores.setdefault(dataset, {})[truth] = ranking_metrics(pred, values)
    return {"seed": seed, "train_dataset": bench.dataset, "n_train": int(train_size), "n_test": int(len(rows)),
            "fit_seconds": fit_s, "query_seconds": query_s, "scores": scores, "absent": absent,
            "source": bench.source}
